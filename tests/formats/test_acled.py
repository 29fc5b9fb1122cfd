"""ACLED import and export on synthetic rows (no real ACLED row may be committed), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sarhad.canonical import canonical_text
from sarhad.errors import InvalidInput
from sarhad.exporter import export
from sarhad.formats import acled
from sarhad.formats.base import RowContext, RowError, raw_digest, raw_text, row_values
from sarhad.importer import import_file
from sarhad.model.incident import Incident, Place, incident_id
from sarhad.node import Node
from sarhad.store.incidents import Filters, count_incidents, query_incidents

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import acled_synth

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "synthetic"
SAMPLE = ASSETS / "acled_synthetic.csv"
NUMERIC = ASSETS / "acled_synthetic_numeric.csv"
CTX = RowContext(reported_by="ACLED")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = acled.COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns])
    return path


def _row(**changes: str) -> dict[str, str]:
    row = next(acled_synth.rows(1, seed=11))
    row.update(changes)
    return row


# -- the fixtures are what the generator makes -----------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "n", "seed", "numeric"), [(SAMPLE, 150, 1, False), (NUMERIC, 40, 3, True)], ids=["text", "numeric"]
)
def test_committed_fixture_is_what_the_generator_makes(
    tmp_path: Path, path: Path, n: int, seed: int, numeric: bool
) -> None:
    out = tmp_path / "regen.csv"
    acled_synth.write(out, n, seed, numeric_inter=numeric)
    assert out.read_bytes() == path.read_bytes()


def test_generator_columns_are_the_format_columns() -> None:
    assert acled_synth.COLUMNS == acled.COLUMNS
    assert len(acled.COLUMNS) == 31


# -- round trips through a node -------------------------------------------------------------------------
def test_import_then_export_gives_back_the_same_bytes(any_node: Node, tmp_path: Path) -> None:
    result = import_file(any_node, "acled", SAMPLE)
    assert (result.rows, result.added, result.rejected) == (150, 150, 0)
    out = tmp_path / "out.csv"
    assert export(any_node, "acled", out) == 150
    assert out.read_bytes() == SAMPLE.read_bytes()


def test_numeric_inter_file_round_trips_too(node: Node, tmp_path: Path) -> None:
    import_file(node, "acled", NUMERIC)
    out = tmp_path / "out.csv"
    export(node, "acled", out)
    assert out.read_bytes() == NUMERIC.read_bytes()


def test_reimport_adds_nothing(any_node: Node) -> None:
    import_file(any_node, "acled", SAMPLE)
    size = any_node.log.size()
    again = import_file(any_node, "acled", SAMPLE)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 150)
    assert any_node.log.size() == size
    assert count_incidents(any_node.db) == 150


def test_a_revised_row_becomes_a_new_version(node: Node, tmp_path: Path) -> None:
    rows = _rows(SAMPLE)
    import_file(node, "acled", _write(tmp_path / "v1.csv", rows))
    rows[4]["fatalities"] = str(int(rows[4]["fatalities"]) + 3)  # ACLED revises figures
    again = import_file(node, "acled", _write(tmp_path / "v2.csv", rows))
    assert (again.added, again.updated, again.unchanged) == (0, 1, 149)
    inc = node.incident(incident_id("acled", "ACLED", rows[4]["event_id_cnty"]))
    assert inc.killed.best == int(rows[4]["fatalities"])


def test_reported_by_attributes_the_rows_to_a_party(node: Node) -> None:
    import_file(node, "acled", SAMPLE, reported_by="PK")
    import_file(node, "acled", SAMPLE)
    assert count_incidents(node.db, Filters(reported_by="PK")) == 150
    assert count_incidents(node.db, Filters(reported_by="ACLED")) == 150
    first = _rows(SAMPLE)[0]["event_id_cnty"]
    inc = node.incident(incident_id("acled", "PK", first))
    assert inc.reported_by == "PK"
    assert all(f.asserted_by == "PK" for f in inc.figures)


def test_rows_carry_the_acled_licence(node: Node, tmp_path: Path) -> None:
    import_file(node, "acled", SAMPLE)
    assert {r["licence"] for r in query_incidents(node.db)} == {"ACLED-ToU"}
    assert count_incidents(node.db, Filters(exclude_licences=("ACLED-ToU",))) == 0


def test_rows_stay_out_of_exports_to_peers(node: Node, tmp_path: Path) -> None:
    import_file(node, "acled", SAMPLE)
    assert export(node, "acled", tmp_path / "peers.csv", for_peers=True) == 0
    assert export(node, "acled", tmp_path / "own.csv") == 150


def test_the_stored_record_keeps_the_raw_row_apart_and_its_hash(node: Node) -> None:
    import_file(node, "acled", SAMPLE)
    row = _rows(SAMPLE)[7]
    inc = node.incident(incident_id("acled", "ACLED", row["event_id_cnty"]))
    assert node.raw_row(inc.id) == row
    assert inc.raw_sha256 == raw_digest(row)
    body = json.dumps(inc.to_stix())
    assert row["notes"] in body  # notes are the summary
    assert "source_scale" not in body and "assoc_actor_1" not in body  # the raw row is not in the body


def test_numeric_and_text_actor_types_give_the_same_record() -> None:
    text_rows = list(acled_synth.rows(300, seed=5))
    numeric_rows = list(acled_synth.rows(300, seed=5, numeric_inter=True))
    for t, n in zip(text_rows, numeric_rows, strict=True):
        assert t["inter1"] != n["inter1"]
        a, b = acled.parse(t, CTX), acled.parse(n, CTX)
        assert (a.perpetrators, a.target_types, a.attack_types) == (b.perpetrators, b.target_types, b.attack_types)


@pytest.mark.parametrize(
    ("value", "code"),
    [("1", 1), ("2", 2), ("8", 8), ("Rebel group", 2), ("rebel groups", 2), ("State forces", 1),
     (" Political militia ", 3), ("Identity militia", 4), ("Rioters", 5), ("Protesters", 6), ("Civilians", 7),
     ("External/Other forces", 8), ("", 0), ("0", 0), ("2.0", 2)],
)  # fmt: skip
def test_actor_types_accept_codes_and_names(value: str, code: int) -> None:
    assert acled.actor_type(value) == code


@pytest.mark.parametrize("value", ["9", "Terrorists", "-1", "two", "2.5"])
def test_unknown_actor_types_name_the_field(value: str) -> None:
    with pytest.raises(RowError, match=r"^inter2: .* is not an ACLED actor type"):
        acled.parse(_row(inter2=value, actor2="Someone"), CTX)


# -- what a row becomes ---------------------------------------------------------------------------------
def test_fatalities_zero_is_kept_as_an_ambiguous_best_zero() -> None:
    inc = acled.parse(_row(fatalities="0"), CTX)
    [fig] = inc.figures
    assert (fig.measure, fig.category, fig.best, fig.rule, fig.zero_ambiguous) == (
        "killed",
        "total",
        0,
        "lowest_reported",
        True,
    )
    [fig] = acled.parse(_row(fatalities="7"), CTX).figures
    assert (fig.best, fig.zero_ambiguous, fig.low, fig.high) == (7, False, None, None)


def test_blank_fatalities_is_unknown_not_zero() -> None:
    inc = acled.parse(_row(fatalities=""), CTX)
    assert inc.figures == () and inc.killed.best is None


@pytest.mark.parametrize(
    ("precision", "day", "start", "end", "kind"),
    [
        ("1", "2024-03-09", "2024-03-09", "2024-03-09", "day"),
        ("2", "2024-03-09", "2024-03-06", "2024-03-12", "week"),
        ("3", "2024-02-15", "2024-02-01", "2024-02-29", "month"),
        ("3", "2023-12-15", "2023-12-01", "2023-12-31", "month"),
    ],
)
def test_time_precision_gives_the_span(precision: str, day: str, start: str, end: str, kind: str) -> None:
    inc = acled.parse(_row(event_date=day, year=day[:4], time_precision=precision), CTX)
    assert (inc.date_start, inc.date_end, inc.date_precision) == (start, end, kind)


def test_older_exports_date_format_is_accepted() -> None:
    inc = acled.parse(_row(event_date="09 March 2024", year="2024", time_precision="1"), CTX)
    assert inc.date_start == "2024-03-09"


@pytest.mark.parametrize(("code", "precision"), [("1", "exact"), ("2", "near"), ("3", "region")])
def test_geo_precision(code: str, precision: str) -> None:
    assert acled.parse(_row(geo_precision=code), CTX).place.precision == precision


def test_place_fields() -> None:
    row = _row(country="Pakistan", iso="586", admin1="Balochistan", admin2="Kech", location="Turbat",
               latitude="26.0031", longitude="63.0544")  # fmt: skip
    p = acled.parse(row, CTX).place
    assert (p.country, p.admin2, p.name, p.lat, p.lon) == ("PK", "Kech", "Turbat", 26.0031, 63.0544)
    assert p.admin1 == "Balochistan"
    assert acled.parse(_row(country="Iran", iso="364"), CTX).place.country == "IR"


def test_perpetrators_are_non_state_armed_actors() -> None:
    inc = acled.parse(
        _row(event_type="Explosions/Remote violence", sub_event_type="Remote explosive/landmine/IED",
             actor1="BLA: Baloch Liberation Army", inter1="Rebel group",
             actor2="Military Forces of Pakistan (2018-)", inter2="State forces"),
        CTX,
    )  # fmt: skip
    assert [(p.name, p.attribution) for p in inc.perpetrators] == [("BLA: Baloch Liberation Army", "confirmed")]
    assert inc.attack_types == ("Bombing/Explosion",) and inc.weapon_types == ("Explosives",)
    battle = acled.parse(
        _row(event_type="Battles", sub_event_type="Armed clash", actor1="Military Forces of Iran (1989-)",
             inter1="1", actor2="Jaish al-Adl", inter2="2", civilian_targeting=""),
        CTX,
    )  # fmt: skip
    assert [(p.name, p.attribution) for p in battle.perpetrators] == [("Jaish al-Adl", "unknown")]
    protest = acled.parse(
        _row(event_type="Protests", sub_event_type="Peaceful protest", actor1="Protesters (Pakistan)",
             inter1="Protesters", actor2="", inter2=""),
        CTX,
    )  # fmt: skip
    assert protest.perpetrators == ()
    unidentified = acled.parse(_row(actor1="Unidentified Armed Group (Pakistan)", inter1="Political militia"), CTX)
    assert all(not p.name.startswith("Unidentified") for p in unidentified.perpetrators)


def test_civilian_targeting_marks_the_target_type() -> None:
    inc = acled.parse(
        _row(event_type="Violence against civilians", sub_event_type="Attack", actor2="Civilians (Pakistan)",
             inter2="Civilians", civilian_targeting="Civilians targeted"),
        CTX,
    )  # fmt: skip
    assert inc.target_types == ("Private Citizens & Property",)


def test_notes_and_sources() -> None:
    inc = acled.parse(_row(notes=" On 1 May 2024, a blast. ", source="Dawn; Balochistan Post;  "), CTX)
    assert inc.summary == "On 1 May 2024, a blast."
    assert inc.sources == ("Dawn", "Balochistan Post")


def test_record_from_elsewhere_exports_with_fatalities_zero_for_unknown(node: Node, tmp_path: Path) -> None:
    inc = Incident(
        id=incident_id("party", "PK", "PK-2024-17"),
        reported_by="PK",
        dataset="party",
        source_id="PK-2024-17",
        date_start="2024-05-02",
        date_end="2024-05-02",
        place=Place(
            country="PK",
            admin1="Balochistan",
            admin1_code="PK-BA",
            name="Turbat",
            lat=26.0031,
            lon=63.0544,
            precision="exact",
        ),
        attack_types=("Bombing/Explosion",),
        summary="A party's own record.",
    )
    node.publish([inc])
    out = tmp_path / "out.csv"
    assert export(node, "acled", out) == 1
    [row] = _rows(out)
    assert row["fatalities"] == "0"  # ACLED writes 0 when nothing is known
    # an id of ACLED's shape derived from the record's, which names where the row came from
    assert (row["event_id_cnty"], row["event_date"], row["time_precision"]) == (
        acled.converted_id(inc),
        "2024-05-02",
        "1",
    )
    assert row["event_id_cnty"].startswith("PAK") and "party record PK-2024-17 reported by PK" in row["tags"]
    assert (row["country"], row["iso"], row["location"], row["geo_precision"]) == ("Pakistan", "586", "Turbat", "1")
    assert row["event_type"] == "Explosions/Remote violence"
    back = acled.parse(row, RowContext("PK"))
    assert back.place == inc.place and back.date_start == inc.date_start  # border_km is filled at import
    assert back.killed.best == 0 and back.figures[0].zero_ambiguous


def test_ucdp_records_export_as_acled_rows_that_import_again(node: Node, tmp_path: Path) -> None:
    from tests.conftest import UCDP_SAMPLE

    import_file(node, "ucdp", UCDP_SAMPLE)
    out = tmp_path / "ucdp_as_acled.csv"
    assert export(node, "acled", out) == 37
    other = Node.init(tmp_path / "other", "IR")
    try:
        result = import_file(other, "acled", out)
        assert result.added == 37
    finally:
        other.close()


# -- property tests ------------------------------------------------------------------------------------
_SEMANTIC = ("date_start", "date_end", "date_precision", "place", "figures", "summary", "sources")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), numeric=st.booleans())
def test_any_generated_row_parses_and_round_trips(seed: int, numeric: bool) -> None:
    for row in acled_synth.rows(5, seed, numeric_inter=numeric):
        inc = acled.parse(row, CTX)
        assert acled.to_row(inc, row) == row  # verbatim
        assert inc.licence == "ACLED-ToU" and inc.dataset == "acled" and inc.source_id == row["event_id_cnty"]
        again = acled.parse(acled.to_row(inc, None), CTX)  # rebuilt from the record's fields
        for name in _SEMANTIC:
            assert getattr(again, name) == getattr(inc, name), name
        # and through CSV text
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow([row[c] for c in acled.COLUMNS])
        [back] = csv.reader(io.StringIO(buf.getvalue()))
        assert dict(zip(acled.COLUMNS, back, strict=True)) == row


_GARBAGE: dict[str, st.SearchStrategy[str]] = {
    # what is left after strip() must be bad: a trailing non-ASCII space such as U+0085 is stripped
    "event_id_cnty": st.text(min_size=1).filter(
        lambda s: s.strip() != "" and not acled._SOURCE_ID.fullmatch(s.strip())
    ),
    "event_date": st.text(min_size=1).filter(lambda s: s.strip() != ""),
    "time_precision": st.text(min_size=1).filter(lambda s: s.strip() not in ("1", "2", "3")),
    "event_type": st.text(min_size=1).filter(lambda s: s.strip() not in acled.EVENT_TYPES),
    "sub_event_type": st.text(min_size=1).filter(lambda s: s.strip() != "Armed clash"),
    "inter1": st.text(alphabet="xyz!?#9", min_size=1),
    "inter2": st.text(alphabet="xyz!?#9", min_size=1),
    "latitude": st.one_of(st.floats(90.0001, 1e9).map(str), st.text(alphabet="abc,;° ", min_size=1)),
    "longitude": st.one_of(st.floats(-1e9, -180.0001).map(str), st.text(alphabet="abc,;° ", min_size=1)),
    "geo_precision": st.text(min_size=1).filter(lambda s: s.strip() not in ("1", "2", "3")),
    "fatalities": st.one_of(  # blank is a valid "unknown"
        st.integers(-1000, -1).map(str), st.text(alphabet="abc -+x", min_size=1).filter(lambda s: s.strip() != "")
    ),
    "year": st.text(alphabet="abcdef", min_size=1),
    "civilian_targeting": st.text(alphabet="xyz ", min_size=1).filter(lambda s: s.strip() != ""),
    "disorder_type": st.text(alphabet="xyz", min_size=1),
    "timestamp": st.text(alphabet="x-:T ", min_size=1).filter(lambda s: s.strip() != ""),
    "iso": st.text(alphabet="PAKx", min_size=1),
    "country": st.just(" "),
    "actor1": st.just(""),
}


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(sorted(_GARBAGE)), data=st.data())
def test_garbage_in_a_field_raises_row_error_naming_it(field: str, data: st.DataObject) -> None:
    row = _row(event_type="Battles", sub_event_type="Armed clash", time_precision="1")
    value = data.draw(_GARBAGE[field])
    if field == "event_date":
        try:
            acled._event_date(value)
            return  # it happens to be a date
        except RowError:
            pass
    row[field] = value
    with pytest.raises(RowError) as caught:
        acled.parse(row, CTX)
    assert caught.value.field == field, str(caught.value)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=12), st.text(max_size=40), max_size=12))
def test_row_digest_and_texts_are_the_canonical_ones(row: dict[str, str]) -> None:
    assert row_values(row) == (_dumps(list(row)), _dumps(list(row.values())))
    try:
        expected = canonical_text(row)
    except InvalidInput:
        with pytest.raises(InvalidInput, match="lone surrogate"):
            raw_digest(row)
        with pytest.raises(InvalidInput, match="lone surrogate"):
            raw_text(row)
        return
    assert raw_text(row) == expected
    assert raw_digest(row) == acled.row_digest(row) == hashlib.sha256(expected.encode()).hexdigest()


_PRINTABLE = st.text(st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters='"\\'), max_size=30)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.one_of(_PRINTABLE, st.sampled_from(["%", "%s", "%(a)s", "100%", "é"])), _PRINTABLE, max_size=12)
)
def test_rows_that_need_no_escaping_give_the_canonical_texts_too(row: dict[str, str]) -> None:
    """The one-format-per-row path (values without quotes, backslashes or control characters), keys with %."""
    assert row_values(row) == (_dumps(list(row)), _dumps(list(row.values())))
    assert raw_text(row) == canonical_text(row)
    assert raw_digest(row) == hashlib.sha256(canonical_text(row).encode()).hexdigest()


def test_row_digest_on_the_fixture_and_rows_that_are_not_text() -> None:
    for row in _rows(SAMPLE):
        assert raw_digest(row) == hashlib.sha256(canonical_text(row).encode()).hexdigest()
    odd: dict[str, object] = {"b": "x", "a": 1, "c": None}  # not what a CSV gives, but still canonical JSON
    assert raw_text(odd) == '{"a":1,"b":"x","c":null}'  # type: ignore[arg-type]
    assert row_values(odd) == ('["b","a","c"]', '["x",1,null]')  # type: ignore[arg-type]


# -- precise messages -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"event_date": "2024-13-01"}, r"^event_date: '2024-13-01' is not a date"),
        ({"event_date": ""}, r"^event_date: is empty"),
        ({"latitude": "123.4"}, r"^latitude: 123.4 is outside -90..90"),
        ({"longitude": "-181"}, r"^longitude: -181 is outside -180..180"),
        ({"latitude": ""}, r"^latitude: is empty while the other coordinate is given"),
        ({"fatalities": "many"}, r"^fatalities: 'many' is not a number"),
        ({"fatalities": "-2"}, r"^fatalities: '-2' is negative"),
        ({"fatalities": "2.5"}, r"^fatalities: '2.5' is not a whole number"),
        ({"time_precision": "4"}, r"^time_precision: '4' is not 1 \(day\), 2 \(week\) or 3 \(month\)"),
        ({"geo_precision": "0"}, r"^geo_precision: '0' is not 1"),
        ({"event_type": "Terrorism"}, r"^event_type: 'Terrorism' is not an ACLED event type"),
        ({"event_type": "Battles", "sub_event_type": "Grenade"}, r"^sub_event_type: 'Grenade' is not a sub-event"),
        ({"year": "2019", "event_date": "2024-01-05"}, r"^year: 2019 does not match event_date"),
        ({"inter1": "0"}, r"^inter1: is empty or 0"),
        ({"interaction": "123"}, r"^interaction: '123' is not a two-digit"),
        ({"event_id_cnty": "PAK 12"}, r"^event_id_cnty: 'PAK 12' is not an ACLED event id"),
        ({"civilian_targeting": "yes"}, r"^civilian_targeting: 'yes' is neither blank"),
    ],
)
def test_bad_values_give_precise_errors(changes: dict[str, str], message: str) -> None:
    row = _row(event_date="2024-01-05", year="2024", time_precision="1")
    row.update(changes)
    with pytest.raises(RowError, match=message):
        acled.parse(row, CTX)
