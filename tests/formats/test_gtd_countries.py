"""GTD names the states of its time ("Soviet Union", "Zaire", "West Germany (FRG)") and some countries by short
names ("Russia", "Vietnam"). The import reads them to the ISO code of the country or of its successor state, none
for GTD's "International", and a GTD file with them exports byte for byte as it came in. On SQLite and
PostgreSQL."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest

from sarhad.exporter import export
from sarhad.formats import acled, gtd, ucdp
from sarhad.formats.base import RowContext
from sarhad.formats.places import country_code
from sarhad.importer import import_file
from sarhad.model.incident import Incident, Place, incident_id
from sarhad.node import Node
from sarhad.store.incidents import Filters, query_incidents
from tests.formats.countries_round_trip import imports_with_countries_and_exports_verbatim

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import gtd_synth

# GTD's country_txt, its country code and region (as GTD's releases write them), a place (lat, lon), ISO code
GTD_ROWS = [
    ("Soviet Union", "359", "9", "Eastern Europe", 55.75, 37.62, "RU"),
    ("Russia", "167", "9", "Eastern Europe", 43.32, 45.69, "RU"),
    ("Zaire", "604", "11", "Sub-Saharan Africa", -4.32, 15.31, "CD"),
    ("Democratic Republic of the Congo", "229", "11", "Sub-Saharan Africa", -1.68, 29.22, "CD"),
    ("People's Republic of the Congo", "605", "11", "Sub-Saharan Africa", -4.27, 15.28, "CG"),
    ("Republic of the Congo", "47", "11", "Sub-Saharan Africa", -4.79, 11.86, "CG"),
    ("West Germany (FRG)", "362", "8", "Western Europe", 50.94, 6.96, "DE"),
    ("East Germany (GDR)", "499", "9", "Eastern Europe", 52.52, 13.4, "DE"),
    ("Yugoslavia", "235", "9", "Eastern Europe", 44.82, 20.46, "RS"),
    ("Serbia-Montenegro", "175", "9", "Eastern Europe", 42.44, 19.26, "RS"),
    ("Czechoslovakia", "236", "9", "Eastern Europe", 50.08, 14.44, "CZ"),
    ("Czech Republic", "54", "9", "Eastern Europe", 49.2, 16.61, "CZ"),
    ("Slovak Republic", "179", "9", "Eastern Europe", 48.15, 17.11, "SK"),
    ("North Yemen", "377", "10", "Middle East & North Africa", 15.35, 44.2, "YE"),
    ("South Yemen", "406", "10", "Middle East & North Africa", 12.79, 45.03, "YE"),
    ("South Vietnam", "428", "5", "Southeast Asia", 10.82, 106.63, "VN"),
    ("Vietnam", "223", "5", "Southeast Asia", 21.03, 105.85, "VN"),
    ("Rhodesia", "403", "11", "Sub-Saharan Africa", -17.83, 31.05, "ZW"),
    ("New Hebrides", "532", "12", "Australasia & Oceania", -17.73, 168.32, "VU"),
    ("West Bank and Gaza Strip", "155", "10", "Middle East & North Africa", 31.5, 34.47, "PS"),
    ("Kosovo", "1003", "9", "Eastern Europe", 42.66, 21.17, "XK"),
    ("Macedonia", "118", "9", "Eastern Europe", 42.0, 21.43, "MK"),
    ("Swaziland", "197", "11", "Sub-Saharan Africa", -26.31, 31.14, "SZ"),
    ("Taiwan", "201", "4", "East Asia", 25.03, 121.56, "TW"),
    ("East Timor", "347", "5", "Southeast Asia", -8.56, 125.57, "TL"),
    ("Northern Ireland", "233", "8", "Western Europe", 54.6, -5.93, "GB"),
    ("Vatican City", "221", "8", "Western Europe", 41.9, 12.45, "VA"),
    ("St. Lucia", "190", "2", "Central America & Caribbean", 14.01, -60.99, "LC"),
    ("International", "422", "", "", None, None, None),
]


def _gtd_file(path: Path) -> bytes:
    """A GTD file of one row per country above, each a generated row moved there, written as GTD's CSV is."""
    template = next(gtd_synth.rows(1, seed=4))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(gtd.COLUMNS), lineterminator="\n")
    writer.writeheader()
    for n, (name, code, region, region_txt, lat, lon, _iso) in enumerate(GTD_ROWS):
        row = dict(template)
        row.update(
            eventid=f"19{80 + n % 20:02d}01010{n:03d}", country=code, country_txt=name, region=region,
            region_txt=region_txt, provstate="", city=f"a town in {name}" if lat is not None else "",
            latitude="" if lat is None else repr(lat), longitude="" if lon is None else repr(lon),
            specificity="1" if lat is not None else "5", vicinity="0",
        )  # fmt: skip
        writer.writerow(row)
    data = out.getvalue().encode("utf-8")
    path.write_bytes(data)
    return data


@pytest.mark.parametrize(("name", "code"), [(row[0], row[6]) for row in GTD_ROWS])
def test_gtds_country_names_read_to_the_iso_code_of_the_country_or_its_successor(name: str, code: str | None) -> None:
    assert country_code(name) == code
    assert country_code(name.upper()) == code  # as other sources write them: folded like any country name


@pytest.mark.parametrize(("name", "number", "code"), [(row[0], row[1], row[6]) for row in GTD_ROWS])
def test_a_gtd_row_gets_the_country_of_its_country_txt(name: str, number: str, code: str | None) -> None:
    row = {c: "" for c in gtd.COLUMNS} | next(gtd_synth.rows(1, seed=4))
    row.update(country=number, country_txt=name, provstate="", latitude="", longitude="", specificity="5")
    assert gtd.parse(row, RowContext("GTD")).place.country == code


def test_gtd_rows_of_these_countries_import_with_their_codes_and_export_byte_identical(
    any_node: Node, tmp_path: Path
) -> None:
    source = tmp_path / "gtd.csv"
    countries = {f"19{80 + n % 20:02d}01010{n:03d}": row[6] for n, row in enumerate(GTD_ROWS)}
    imports_with_countries_and_exports_verbatim(any_node, "gtd", source, _gtd_file(source), countries)


@pytest.mark.parametrize("fmt", ["gtd", "ucdp", "acled"])
def test_a_record_in_kosovo_exports_under_its_name_and_reads_back(fmt: str) -> None:
    # XK is not ISO's (no ISO name or number): the row names the country as GTD does, which every import reads
    module = {"gtd": gtd, "ucdp": ucdp, "acled": acled}[fmt]
    place = Place(country="XK", precision="country")
    inc = Incident(id=incident_id("party", "PK", "PK-XK"), reported_by="PK", dataset="party", source_id="PK-XK",
                   date_start="2024-05-02", date_end="2024-05-02", place=place)  # fmt: skip
    row = module.to_row(inc, None)
    assert "Kosovo" in row.values()
    assert module.parse(row, RowContext("PK")).place.country == "XK"


def _report(code: str) -> Incident:
    """A party's own report of an incident in the country ``code``, placed only in the country."""
    return Incident(
        id=incident_id("party", "PK", f"PK-{code}"),
        reported_by="PK",
        dataset="party",
        source_id=f"PK-{code}",
        date_start="2024-05-02",
        date_end="2024-05-02",
        place=Place(country=code, precision="country"),
        summary=f"An attack in {code}.",
    )


# a present state's code and the name a GTD row of a record from elsewhere gives it: GTD's own where it has one,
# never the name of a former state GTD reads as its successor (RU is not the Soviet Union, CD not Zaire)
GTD_NAMES = [
    ("RU", "Russia"), ("VN", "Vietnam"), ("CZ", "Czech Republic"), ("SK", "Slovak Republic"),
    ("CD", "Democratic Republic of the Congo"), ("CG", "Republic of the Congo"), ("TW", "Taiwan"),
    ("TL", "East Timor"), ("PS", "West Bank and Gaza Strip"), ("LC", "St. Lucia"), ("VA", "Vatican City"),
    ("XK", "Kosovo"), ("DE", "Germany"), ("RS", "Serbia"), ("YE", "Yemen"), ("ZW", "Zimbabwe"), ("VU", "Vanuatu"),
    ("GB", "United Kingdom"), ("MK", "North Macedonia"), ("SZ", "Eswatini"),
]  # fmt: skip


@pytest.mark.parametrize(("code", "name"), GTD_NAMES)
def test_a_record_from_elsewhere_exports_under_gtds_name_and_reads_back(code: str, name: str) -> None:
    row = gtd.to_row(_report(code), None)
    assert row["country_txt"] == name
    assert gtd.parse(row, RowContext("PK")).place.country == code


def test_gtd_export_names_records_from_elsewhere_as_gtd_and_keeps_gtds_rows_byte_identical(
    any_node: Node, tmp_path: Path
) -> None:
    source = tmp_path / "gtd.csv"
    data = _gtd_file(source)
    assert import_file(any_node, "gtd", source).added == len(GTD_ROWS)
    codes = [code for code, _name in GTD_NAMES]
    any_node.publish([_report(code) for code in codes])
    out = tmp_path / "out.csv"
    assert export(any_node, "gtd", out) == len(GTD_ROWS) + len(codes)
    lines = out.read_bytes().splitlines(keepends=True)
    assert set(data.splitlines(keepends=True)) <= set(lines)  # GTD's own rows, byte for byte
    with out.open(encoding="utf-8", newline="") as fh:
        converted = {r["summary"]: r["country_txt"] for r in csv.DictReader(fh) if r["summary"].startswith("An ")}
    assert converted == {f"An attack in {code}.": name for code, name in GTD_NAMES}
    again = import_file(any_node, "gtd", out)  # the converted rows come in as GTD's, each in its country
    assert (again.added, again.unchanged, again.rejected) == (len(codes), len(GTD_ROWS), 0)
    stored = [r["country"] for r in query_incidents(any_node.db, Filters(dataset="gtd")) if r["source_id"] not in
              {f"19{80 + n % 20:02d}01010{n:03d}" for n in range(len(GTD_ROWS))}]  # fmt: skip
    assert sorted(stored) == sorted(codes)
