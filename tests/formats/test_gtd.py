"""GTD import and export on synthetic rows (no real GTD row may be committed), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sarhad.exporter import export
from sarhad.formats import gtd
from sarhad.formats.base import RowContext, RowError, raw_digest
from sarhad.importer import import_file
from sarhad.model.incident import Incident, incident_id
from sarhad.node import Node
from sarhad.store.incidents import Filters, count_incidents, query_incidents

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import gtd_synth

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "synthetic"
SAMPLE = ASSETS / "gtd_synthetic.csv"
CTX = RowContext(reported_by="GTD")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(gtd.COLUMNS)
        for row in rows:
            writer.writerow([row.get(c, "") for c in gtd.COLUMNS])
    return path


def _row(**changes: str) -> dict[str, str]:
    """A generated row with a known group, a day-precision date and a kill count, then ``changes``."""
    for row in gtd_synth.rows(200, seed=4):
        if row["gname"] != "Unknown" and row["iday"] != "0" and row["nkill"] and row["specificity"] == "1":
            row.update(extended="0", resolution="", vicinity="0", guncertain1="0", claimed="0")
            row.update(changes)
            return row
    raise AssertionError("the generator made no suitable row")


# -- the fixture is what the generator makes --------------------------------------------------------------
def test_committed_fixture_is_what_the_generator_makes(tmp_path: Path) -> None:
    out = tmp_path / "regen.csv"
    gtd_synth.write(out, 120, seed=2)
    assert out.read_bytes() == SAMPLE.read_bytes()


def test_the_format_has_the_135_gtd_columns() -> None:
    assert len(gtd.COLUMNS) == 135 == len(set(gtd.COLUMNS))
    assert gtd_synth.COLUMNS == gtd.COLUMNS
    assert gtd.REQUIRED <= set(gtd.COLUMNS)
    assert "individual" not in gtd.REQUIRED  # releases before 2017 lack it


# -- round trips through a node -----------------------------------------------------------------------
def test_import_then_export_gives_back_the_same_bytes(any_node: Node, tmp_path: Path) -> None:
    result = import_file(any_node, "gtd", SAMPLE)
    assert (result.rows, result.added, result.rejected) == (120, 120, 0)
    out = tmp_path / "out.csv"
    assert export(any_node, "gtd", out) == 120
    assert out.read_bytes() == SAMPLE.read_bytes()


def test_reimport_adds_nothing(any_node: Node) -> None:
    import_file(any_node, "gtd", SAMPLE)
    size = any_node.log.size()
    again = import_file(any_node, "gtd", SAMPLE)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 120)
    assert any_node.log.size() == size


def test_reported_by_attributes_the_rows_to_a_party(node: Node) -> None:
    import_file(node, "gtd", SAMPLE, reported_by="IR")
    assert count_incidents(node.db, Filters(reported_by="IR")) == 120
    assert count_incidents(node.db, Filters(reported_by="GTD")) == 0
    first = _rows(SAMPLE)[0]["eventid"]
    inc = node.incident(incident_id("gtd", "IR", first))
    assert inc.reported_by == "IR" and all(f.asserted_by == "IR" for f in inc.figures)


def test_rows_carry_the_gtd_licence(node: Node) -> None:
    import_file(node, "gtd", SAMPLE)
    assert {r["licence"] for r in query_incidents(node.db)} == {"GTD-EUA"}
    assert count_incidents(node.db, Filters(exclude_licences=("GTD-EUA",))) == 0


_PERSON_FIELDS = ("target1", "target2", "target3", "corp1", "corp2", "corp3", "motive", "propcomment",
                  "ransomnote", "addnotes", "kidhijcountry")  # fmt: skip


def test_the_raw_row_is_kept_whole_and_the_record_holds_no_person_fields(node: Node, tmp_path: Path) -> None:
    rows = _rows(SAMPLE)
    for i, row in enumerate(rows[:20]):
        for field in _PERSON_FIELDS:
            row[field] = f"marker-{field}-{i}"
    import_file(node, "gtd", _write(tmp_path / "marked.csv", rows))
    for row in rows[:20]:
        inc = node.incident(incident_id("gtd", "GTD", row["eventid"]))
        assert node.raw_row(inc.id) == row  # every column, sentinels included
        assert inc.raw_sha256 == raw_digest(row)
        body = json.dumps(inc.to_stix())
        assert "marker-" not in body
    stored = "".join(str(r[0]) for r in node.db.fetchall("SELECT body FROM objects"))
    assert "marker-" not in stored


# -- what a row becomes -------------------------------------------------------------------------------
def test_fields_of_a_day_precise_row() -> None:
    row = _row(iyear="2014", imonth="6", iday="8", country="153", country_txt="Pakistan", provstate="Sindh",
               city="Karachi", latitude="24.860800", longitude="67.010400", nkill="36", nkillter="10",
               nwound="18", nwoundte="0", attacktype1="2", attacktype2="3", targtype1="6", weaptype1="5",
               weaptype2="6", scite1="A", scite2="B", scite3="", summary=" Summary. ")  # fmt: skip
    inc = gtd.parse(row, CTX)
    assert (inc.dataset, inc.source_id, inc.licence) == ("gtd", row["eventid"], "GTD-EUA")
    assert (inc.date_start, inc.date_end, inc.date_precision) == ("2014-06-08", "2014-06-08", "day")
    p = inc.place
    assert (p.country, p.admin1, p.name, p.lat, p.lon, p.precision) == (
        "PK", "Sindh", "Karachi", 24.8608, 67.0104, "exact")  # fmt: skip
    assert inc.attack_types == ("Armed Assault", "Bombing/Explosion")
    assert inc.target_types == ("Airports & Aircraft",)
    assert inc.weapon_types == ("Firearms", "Explosives")
    figures = {(f.measure, f.category): (f.best, f.rule) for f in inc.figures}
    assert figures[("killed", "total")] == (36, "majority_reliable")
    assert figures[("killed", "perpetrators")] == (10, "majority_reliable")
    assert figures[("wounded", "total")] == (18, "majority_reliable")
    assert figures[("wounded", "perpetrators")] == (0, "majority_reliable")
    assert inc.killed.best == 36 and inc.wounded.best == 18
    assert inc.sources == ("A", "B") and inc.summary == "Summary."
    assert inc.title == "Armed Assault in Karachi"


@pytest.mark.parametrize(
    ("imonth", "iday", "start", "end", "precision"),
    [
        ("2", "0", "2016-02-01", "2016-02-29", "month"),
        ("11", "0", "2017-11-01", "2017-11-30", "month"),
        ("0", "0", "2017-01-01", "2017-12-31", "year"),
        ("", "", "2017-01-01", "2017-12-31", "year"),
        ("12", "31", "2017-12-31", "2017-12-31", "day"),
    ],
)
def test_unknown_month_or_day_widens_the_date(imonth: str, iday: str, start: str, end: str, precision: str) -> None:
    year = start[:4]
    inc = gtd.parse(_row(iyear=year, imonth=imonth, iday=iday), CTX)
    assert (inc.date_start, inc.date_end, inc.date_precision) == (start, end, precision)


def test_extended_incident_ends_on_its_resolution_date() -> None:
    for resolution in ("2015-03-20", "3/20/2015", "2015-03-20 00:00:00"):
        inc = gtd.parse(_row(iyear="2015", imonth="3", iday="4", extended="1", resolution=resolution), CTX)
        assert (inc.date_start, inc.date_end) == ("2015-03-04", "2015-03-20")
    not_extended = gtd.parse(_row(iyear="2015", imonth="3", iday="4", extended="0", resolution="2015-03-20"), CTX)
    assert not_extended.date_end == "2015-03-04"


@pytest.mark.parametrize("sentinel", ["-9", "-99", "", "-99.0"])
def test_sentinels_and_blanks_become_unknown(sentinel: str) -> None:
    inc = gtd.parse(_row(nkill=sentinel, nkillter=sentinel, nwound=sentinel, nwoundte=sentinel), CTX)
    assert inc.killed.best is None and inc.wounded.best is None
    assert not [f for f in inc.figures if f.measure in ("killed", "wounded")]  # unknown is absent, never 0


def test_sentinels_elsewhere_are_accepted_and_kept_in_the_raw_row() -> None:
    row = _row(nperps="-99", nperpcap="-99", claimed="-9", vicinity="-9", doubtterr="-9", property="-9",
               propvalue="-99", ishostkid="-9", INT_LOG="-9", INT_IDEO="-9", INT_MISC="-9", INT_ANY="-9",
               nhours="-99", ndays="-99", ransomamt="-99", nreleased="-99")  # fmt: skip
    inc = gtd.parse(row, CTX)
    assert gtd.to_row(inc, row) == row
    assert not [f for f in inc.figures if f.measure == "released"]


def test_hostages_and_kidnappings() -> None:
    kidnapping = gtd.parse(_row(attacktype1="6", ishostkid="1", nhostkid="5", nreleased="3"), CTX)
    figures = {(f.measure, f.category): f.best for f in kidnapping.figures}
    assert figures[("kidnapped", "total")] == 5 and figures[("released", "total")] == 3
    barricade = gtd.parse(_row(attacktype1="5", ishostkid="1", nhostkid="12"), CTX)
    assert ("hostages", "total") in {(f.measure, f.category) for f in barricade.figures}


@pytest.mark.parametrize(
    ("specificity", "vicinity", "precision"),
    [("1", "0", "exact"), ("1", "1", "near"), ("1", "-9", "exact"), ("2", "0", "admin2"), ("3", "0", "admin2"),
     ("4", "0", "admin1"), ("5", "0", "unknown"), ("", "", "unknown")],
)  # fmt: skip
def test_specificity_gives_the_geo_precision(specificity: str, vicinity: str, precision: str) -> None:
    inc = gtd.parse(_row(specificity=specificity, vicinity=vicinity), CTX)
    assert inc.place.precision == precision


def test_no_coordinates_means_unknown_place_precision() -> None:
    inc = gtd.parse(_row(latitude="", longitude="", specificity="1"), CTX)
    assert (inc.place.lat, inc.place.lon, inc.place.precision) == (None, None, "unknown")


def test_perpetrators_and_their_attribution() -> None:
    inc = gtd.parse(
        _row(gname="Baloch Liberation Army (BLA)", guncertain1="0", claimed="1", gname2="Jundallah",
             guncertain2="1", claim2="0", gname3="Unknown", guncertain3=""),
        CTX,
    )  # fmt: skip
    assert [(p.name, p.attribution) for p in inc.perpetrators] == [
        ("Baloch Liberation Army (BLA)", "claimed"),
        ("Jundallah", "suspected"),
    ]
    plain = gtd.parse(_row(gname="Jaish al-Adl", guncertain1="0", claimed="0"), CTX)
    assert [(p.name, p.attribution) for p in plain.perpetrators] == [("Jaish al-Adl", "confirmed")]
    suspected_claim = gtd.parse(_row(gname="Jaish al-Adl", guncertain1="1", claimed="1"), CTX)
    assert suspected_claim.perpetrators[0].attribution == "suspected"
    unknown = gtd.parse(_row(gname="Unknown", gname2="", gname3=""), CTX)
    assert unknown.perpetrators == ()


def test_iran_rows() -> None:
    inc = gtd.parse(_row(country="94", country_txt="Iran", provstate="Sistan and Baluchestan", city="Zahedan",
                         latitude="29.4963", longitude="60.8629"), CTX)  # fmt: skip
    assert (inc.place.country, inc.place.admin1) == ("IR", "Sistan and Baluchestan")


def test_doubt_and_perpetrator_flags() -> None:
    assert "doubt_terrorism" in gtd.parse(_row(doubtterr="1"), CTX).flags
    assert "doubt_terrorism" not in gtd.parse(_row(doubtterr="-9"), CTX).flags
    assert "perpetrators_exceed_total" in gtd.parse(_row(nkill="1", nkillter="3"), CTX).flags


def test_a_record_from_elsewhere_exports_as_a_gtd_row_that_imports_again(node: Node, tmp_path: Path) -> None:
    from tests.conftest import UCDP_SAMPLE

    import_file(node, "ucdp", UCDP_SAMPLE)
    out = tmp_path / "ucdp_as_gtd.csv"
    assert export(node, "gtd", out) == 37
    rows = _rows(out)
    assert all(r["country"] in ("153", "94") for r in rows)
    other = Node.init(tmp_path / "other", "IR")
    try:
        assert import_file(other, "gtd", out).added == 37
        # each under a GTD event id derived from the record's id
        a = {gtd.converted_id(inc): r for r in query_incidents(node.db) for inc in [_record(node, r["id"])]}
        b = {r["source_id"]: r for r in query_incidents(other.db)}
        for key in a:
            assert (a[key]["lat"], a[key]["lon"], a[key]["killed"]["best"], a[key]["country"]) == (
                b[key]["lat"], b[key]["lon"], b[key]["killed"]["best"], b[key]["country"])  # fmt: skip
            # GTD can only say "that day", "that month" or "that year": the span may widen, never narrow
            assert b[key]["date_start"] <= a[key]["date_start"] <= a[key]["date_end"] <= b[key]["date_end"]
    finally:
        other.close()


def _record(node: Node, record_id: str) -> Incident:
    row = node.db.fetchone("SELECT body FROM objects WHERE id = ? ORDER BY seq DESC", [record_id])
    assert row is not None
    return Incident.from_stix(json.loads(row[0]))


# -- property tests ------------------------------------------------------------------------------------
_SEMANTIC = ("date_start", "date_end", "date_precision", "place", "attack_types", "target_types",
             "weapon_types", "perpetrators", "figures", "summary", "sources", "flags", "title")  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_any_generated_row_parses_and_round_trips(seed: int) -> None:
    for row in gtd_synth.rows(5, seed):
        inc = gtd.parse(row, CTX)
        assert gtd.to_row(inc, row) == row
        again = gtd.parse(gtd.to_row(inc, None), CTX)  # rebuilt from the record's fields
        for name in _SEMANTIC:
            assert getattr(again, name) == getattr(inc, name), name


_NUMBERS = st.one_of(
    st.text(alphabet="abcxyz?!#", min_size=1),
    st.floats(0.1, 1e6).filter(lambda x: not x.is_integer()).map(str),
    st.integers(-1000, -1).filter(lambda v: v not in (-9, -99)).map(str),
)
_CODED_FIELDS = sorted(gtd._CODED)


@settings(max_examples=400, deadline=None)
@given(field=st.sampled_from([*_CODED_FIELDS, "iyear", "imonth", "iday", "latitude", "longitude"]), value=_NUMBERS)
def test_garbage_in_a_numeric_field_raises_row_error_naming_it(field: str, value: str) -> None:
    if field in ("latitude", "longitude") and not any(c.isalpha() or c in "?!#" for c in value):
        value = f"{value}°N"  # a fraction or a negative number is a fine coordinate
    row = _row()
    row[field] = value
    with pytest.raises(RowError) as caught:
        gtd.parse(row, CTX)
    assert caught.value.field == field, str(caught.value)


@settings(max_examples=100, deadline=None)
@given(field=st.sampled_from(["attacktype1", "targtype2", "weaptype3", "specificity", "claimmode", "region"]),
       value=st.integers(23, 10_000))  # fmt: skip
def test_out_of_range_codes_name_the_field(field: str, value: int) -> None:
    row = _row()
    row[field] = str(value)
    with pytest.raises(RowError, match=rf"^{field}: {value} is not a GTD code"):
        gtd.parse(row, CTX)


@settings(max_examples=100, deadline=None)
@given(field=st.sampled_from(["summary", "target1", "corp1", "motive", "addnotes", "scite1", "location"]),
       value=st.text(alphabet=st.characters(exclude_categories=["Cs"])))  # fmt: skip
def test_any_text_in_a_text_field_is_kept(field: str, value: str) -> None:
    row = _row()
    row[field] = value
    inc = gtd.parse(row, CTX)
    assert gtd.to_row(inc, row)[field] == value


# -- precise messages -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"iyear": "abc"}, r"^iyear: 'abc' is not a number"),
        ({"iyear": "1850"}, r"^iyear: '1850' is not a year in 1900..2100"),
        ({"iyear": ""}, r"^iyear: is empty"),
        ({"imonth": "13"}, r"^imonth: '13' is not 0 \(unknown\) or 1..12"),
        ({"iyear": "2017", "imonth": "2", "iday": "30"}, r"^iday: 30 is not a day of 2017-02"),
        ({"imonth": "0", "iday": "5"}, r"^iday: 5 is given while imonth is 0"),
        ({"latitude": "123.4"}, r"^latitude: 123.4 is outside -90..90"),
        ({"longitude": "200"}, r"^longitude: 200 is outside -180..180"),
        ({"longitude": ""}, r"^longitude: is empty while the other coordinate is given"),
        ({"nkill": "many"}, r"^nkill: 'many' is not a number"),
        ({"nkill": "-5"}, r"^nkill: '-5' is negative \(GTD writes -9 or -99 for unknown\)"),
        ({"nwound": "2.5"}, r"^nwound: '2.5' is not a whole number"),
        ({"attacktype1": "12"}, r"^attacktype1: 12 is not a GTD code for attacktype1 \(1..9\)"),
        ({"targtype1": "0"}, r"^targtype1: 0 is not a GTD code for targtype1 \(1..22\)"),
        ({"suicide": "2"}, r"^suicide: 2 is not a GTD code for suicide \(0..1\)"),
        ({"extended": "1", "resolution": "soon"}, r"^resolution: 'soon' is not a date"),
        ({"iyear": "2015", "imonth": "3", "iday": "4", "extended": "1", "resolution": "2015-03-01"},
         r"^resolution: 2015-03-01 is before the incident's start 2015-03-04"),
        ({"eventid": ""}, r"^eventid: is empty"),
        # a party's own sheet may number its rows its own way (PAK11934): the message says what is accepted
        ({"eventid": "2018 0101"}, r"^eventid: '2018 0101' is not an event id: up to 64 letters, digits and _ \. : -"),
        ({"propvalue": "lots"}, r"^propvalue: 'lots' is not a number"),
        ({"ransomamt": "-5"}, r"^ransomamt: '-5' is negative"),
    ],
)  # fmt: skip
def test_bad_values_give_precise_errors(changes: dict[str, str], message: str) -> None:
    with pytest.raises(RowError, match=message):
        gtd.parse(_row(**changes), CTX)
