"""UCDP GED names some countries its own way: a Gleditsch-Ward state under its present name with the earlier one
in brackets ("Yemen (North Yemen)", "Russia (Soviet Union)") or a short name ("Syria", "Ivory Coast"). The import
reads them to ISO codes, a GED file with them exports byte for byte as it came in, and a record from elsewhere in
such a country exports under GED's name. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from sarhad.formats import ucdp
from sarhad.formats.base import RowContext
from sarhad.formats.places import country_code
from sarhad.model.incident import Incident, Place, incident_id
from sarhad.node import Node
from tests.conftest import UCDP_SAMPLE
from tests.formats.countries_round_trip import imports_with_countries_and_exports_verbatim

# GED's country, its Gleditsch-Ward number (country_id), GED's region, a place in the country (lat, lon), ISO code
GED_ROWS = [
    ("Yemen (North Yemen)", "678", "Middle East", 15.35, 44.2, "YE"),
    ("Russia (Soviet Union)", "365", "Europe", 43.32, 45.69, "RU"),
    ("Serbia (Yugoslavia)", "345", "Europe", 44.82, 20.46, "RS"),
    ("Cambodia (Kampuchea)", "811", "Asia", 11.56, 104.92, "KH"),
    ("DR Congo (Zaire)", "490", "Africa", -1.68, 29.22, "CD"),
    ("Zimbabwe (Rhodesia)", "552", "Africa", -17.83, 31.05, "ZW"),
    ("Madagascar (Malagasy)", "580", "Africa", -18.91, 47.54, "MG"),
    ("Myanmar (Burma)", "775", "Asia", 16.87, 96.2, "MM"),
    ("Kingdom of eSwatini (Swaziland)", "572", "Africa", -26.31, 31.14, "SZ"),
    ("Vietnam (North Vietnam)", "816", "Asia", 21.03, 105.85, "VN"),
    ("Bosnia-Herzegovina", "346", "Europe", 43.86, 18.41, "BA"),
    ("Macedonia, FYR", "343", "Europe", 42.0, 21.43, "MK"),
    ("Ivory Coast", "437", "Africa", 5.35, -4.0, "CI"),
    ("Syria", "652", "Middle East", 36.2, 37.16, "SY"),
    ("Laos", "812", "Asia", 17.97, 102.6, "LA"),
    ("Tanzania", "510", "Africa", -6.8, 39.28, "TZ"),
    ("Venezuela", "101", "Americas", 10.48, -66.9, "VE"),
    ("Bolivia", "145", "Americas", -16.5, -68.15, "BO"),
    ("Moldova", "359", "Europe", 47.01, 28.86, "MD"),
    ("United States of America", "2", "Americas", 40.71, -74.0, "US"),
]


def _ged_file(path: Path) -> bytes:
    """A GED file of one row per country above, each a sample row moved there, written as UCDP writes its CSV."""
    with UCDP_SAMPLE.open(newline="", encoding="utf-8") as fh:
        template = next(csv.DictReader(fh))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(ucdp.COLUMNS), lineterminator="\n")
    writer.writeheader()
    for n, (name, gw, region, lat, lon, _iso) in enumerate(GED_ROWS):
        row = dict(template)
        row.update(
            id=str(900001 + n), country=name, country_id=gw, region=region, latitude=repr(lat),
            longitude=repr(lon), adm_1="", adm_2="", where_coordinates=f"a town in {name}",
            where_description=f"a town in {name}", geom_wkt=f"POINT ({lon!r} {lat!r})", priogrid_gid="",
        )  # fmt: skip
        writer.writerow(row)
    data = out.getvalue().encode("utf-8")
    path.write_bytes(data)
    return data


@pytest.mark.parametrize(("name", "code"), [(row[0], row[5]) for row in GED_ROWS])
def test_geds_country_names_read_to_their_iso_codes(name: str, code: str) -> None:
    assert country_code(name) == code
    assert country_code(name.upper()) == code  # as other sources write them: folded like any country name


def test_ged_rows_of_these_countries_import_with_their_codes_and_export_byte_identical(
    any_node: Node, tmp_path: Path
) -> None:
    source = tmp_path / "ged.csv"
    countries = {str(900001 + n): row[5] for n, row in enumerate(GED_ROWS)}
    imports_with_countries_and_exports_verbatim(any_node, "ucdp", source, _ged_file(source), countries)


@pytest.mark.parametrize(
    ("code", "name"),
    [("YE", "Yemen (North Yemen)"), ("RU", "Russia (Soviet Union)"), ("CI", "Ivory Coast"), ("SY", "Syria"),
     ("MK", "North Macedonia"), ("DE", "Germany")],
)  # fmt: skip
def test_a_record_from_elsewhere_exports_under_geds_name_and_reads_back(code: str, name: str) -> None:
    inc = Incident(
        id=incident_id("party", "PK", f"PK-{code}"),
        reported_by="PK",
        dataset="party",
        source_id=f"PK-{code}",
        date_start="2024-05-02",
        date_end="2024-05-02",
        place=Place(country=code, precision="country"),
    )
    row = ucdp.to_row(inc, None)
    assert row["country"] == name
    assert ucdp.parse(row, RowContext("PK")).place.country == code
