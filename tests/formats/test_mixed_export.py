"""A node holding several sources exports each dataset format as a file that format's importer accepts whole.

The mixed node holds the UCDP sample (as UCDP's and, like the demo's nodes, as PK's own reports, the same ids),
IR's copy of it from IR's STIX bundle (a peer's records, without their source rows), the synthetic GTD and
ACLED files, the incidents of a news article and a party's record published directly;
each of the three formats' export imports into a fresh node with the same incidents, dates, places and figures
as far as the format carries them, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import dataclasses
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sarhad.exporter import _rows as export_order
from sarhad.exporter import export
from sarhad.formats import acled, gtd, table_format, ucdp
from sarhad.formats.base import RowContext
from sarhad.formats.stix import export_stix, import_stix
from sarhad.importer import import_file
from sarhad.ingest import ingest_article
from sarhad.model.figures import Figure
from sarhad.model.incident import Incident, Place, incident_id
from sarhad.node import Node
from sarhad.store.incidents import Filters
from tests.conftest import ASSETS, UCDP_SAMPLE, run_cli

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import acled_synth
import gtd_synth

GTD_SAMPLE = ASSETS / "synthetic" / "gtd_synthetic.csv"
ACLED_SAMPLE = ASSETS / "synthetic" / "acled_synthetic.csv"
SAMPLES = {"ucdp": UCDP_SAMPLE, "gtd": GTD_SAMPLE, "acled": ACLED_SAMPLE}

# A party's own record with nothing known of its figures, over two days, placed only in its province.
PARTY_RECORD = Incident(
    id=incident_id("party", "PK", "PK-2024-17"),
    reported_by="PK",
    dataset="party",
    source_id="PK-2024-17",
    date_start="2024-05-02",
    date_end="2024-05-03",
    date_precision="days",
    place=Place(country="PK", admin1="Balochistan", admin1_code="PK-BA", lat=28.0, lon=65.0, precision="admin1"),
    figures=(Figure("wounded", "total", None, 4, None, "party_official", "PK"),),
    summary="A party's own record.",
    sources=("Balochistan Levies; report 17",),
)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def peer_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """IR's node's STIX bundle, holding the UCDP sample as IR's reports."""
    base = tmp_path_factory.mktemp("ir")
    ir = Node.init(base / "ir", "IR")
    try:
        import_file(ir, "ucdp", UCDP_SAMPLE, reported_by="IR")
        export_stix(ir, base / "ir.json")
    finally:
        ir.close()
    return base / "ir.json"


@pytest.fixture
def mixed(any_node: Node, peer_bundle: Path) -> Iterator[Node]:
    import_file(any_node, "ucdp", UCDP_SAMPLE)
    import_file(any_node, "ucdp", UCDP_SAMPLE, reported_by="PK")  # the same rows as PK's reports
    import_stix(any_node, peer_bundle)  # IR's records of the same rows, without the rows
    import_file(any_node, "gtd", GTD_SAMPLE)
    import_file(any_node, "acled", ACLED_SAMPLE)
    ingest_article(any_node, ASSETS / "articles" / "05.txt")  # ids like 1a2b…#0
    any_node.publish([PARTY_RECORD])
    yield any_node


def _by_dataset(node: Node) -> dict[str, int]:
    rows = node.db.fetchall("SELECT dataset, COUNT(*) FROM incidents GROUP BY dataset")
    return {str(d): int(n) for d, n in rows}


@pytest.mark.parametrize("fmt", ["ucdp", "gtd", "acled"])
def test_mixed_node_export_imports_whole_into_a_fresh_node(
    mixed: Node, tmp_path: Path, fmt: str
) -> None:  # fmt: skip
    counts = _by_dataset(mixed)
    assert set(counts) == {"ucdp", "gtd", "acled", "article", "party"}
    total = sum(counts.values())
    out = tmp_path / f"mixed.{fmt}.csv"
    assert export(mixed, fmt, out) == total
    written = _csv(out)
    column = table_format(fmt).id_column
    assert len({row[column] for row in written}) == total  # one id a row
    fresh = Node.init(tmp_path / "fresh", "IR")
    try:
        result = import_file(fresh, fmt, out)
        assert (result.added, result.rejected) == (total, 0)
        again = {inc.id: inc for inc, _raw in export_order(fresh, Filters())}
        reporter = table_format(fmt).default_reporter
        for (inc, _raw), row in zip(export_order(mixed, Filters()), written, strict=True):
            back = again[incident_id(fmt, reporter, row[column])]
            _assert_carried(fmt, inc, back)
    finally:
        fresh.close()


def _assert_carried(fmt: str, inc: Incident, back: Incident) -> None:
    """What a row of ``fmt`` carries of ``inc`` came back in ``back``."""
    p, q = inc.place, back.place
    assert (q.lat, q.lon, q.country, q.admin1) == (p.lat, p.lon, p.country, p.admin1), inc.id
    killed = inc.killed
    if fmt == "ucdp":
        assert (back.date_start, back.date_end) == (inc.date_start, inc.date_end)
        assert (back.killed.low, back.killed.best, back.killed.high) == (killed.low, killed.best, killed.high)
    elif fmt == "gtd":  # a day, a month or a year: the span may widen, never narrow
        assert back.date_start <= inc.date_start <= inc.date_end <= back.date_end
        assert (back.killed.best, back.wounded.best) == (killed.best, inc.wounded.best), inc.id
    else:  # ACLED: the middle day, with the week or month around it; no information is ACLED's ambiguous 0
        assert back.date_start <= inc.date_end and inc.date_start <= back.date_end
        if killed.best is None:
            assert back.killed.best == 0 and back.figures[0].zero_ambiguous
        else:
            assert back.killed.best == killed.best


@pytest.mark.parametrize("fmt", ["ucdp", "gtd", "acled"])
def test_rows_of_the_same_dataset_stay_verbatim_in_a_mixed_export(mixed: Node, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"mixed.{fmt}.csv"
    export(mixed, fmt, out)
    written = [tuple(row.values()) for row in _csv(out)]
    columns = table_format(fmt).columns
    source = [tuple(row.get(c, "") for c in columns) for row in _csv(SAMPLES[fmt])]
    start = written.index(source[0])
    assert written[start : start + len(source)] == source  # the file's rows, in its order, byte for byte


def test_a_second_partys_copy_of_a_row_keeps_the_row_under_a_derived_id(mixed: Node, tmp_path: Path) -> None:
    out = tmp_path / "mixed.ucdp.csv"
    export(mixed, "ucdp", out)
    rows = _csv(out)
    first, copy = rows[0], rows[37]  # the sample's first row, as UCDP's and then as PK's
    assert first["id"] != copy["id"] and copy["id"].startswith("9") and len(copy["id"]) == 18
    assert {**copy, "id": first["id"]} == first
    again = tmp_path / "again.ucdp.csv"
    export(mixed, "ucdp", again)
    assert again.read_bytes() == out.read_bytes()  # the same ids in every export


def test_converted_rows_name_where_they_came_from(mixed: Node, tmp_path: Path) -> None:
    out = tmp_path / "mixed.gtd.csv"
    export(mixed, "gtd", out)
    [party] = [r for r in _csv(out) if "PK-2024-17" in r["addnotes"]]
    assert party["addnotes"].startswith("sarhad: party record PK-2024-17 reported by PK")
    assert party["eventid"].startswith("20240502") and len(party["eventid"]) == 18
    # GTD's codebook "Unknown" where the record names no attack, target or weapon; unknown figures stay blank
    unknowns = (party["attacktype1"], party["targtype1"], party["weaptype1"], party["gname"])
    assert unknowns == ("9", "20", "13", "Unknown")
    assert (party["nkill"], party["nwound"]) == ("", "4")


def test_export_help_says_other_sources_are_converted(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "export", "--help")
    assert code == 0
    text = " ".join(out.split())
    assert "converted" in text and "--dataset" in text


def test_export_dataset_option_keeps_one_datasets_rows(
    mixed: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "only.csv"
    home = str(tmp_path / "pk")  # the mixed node's home
    code, _, err = run_cli(capsys, "--home", home, "export", "ucdp", "--dataset", "ucdp", "--out", str(out))
    assert code == 0, err
    assert len(_csv(out)) == 111  # UCDP's, PK's and IR's copies of the sample
    code, _, err = run_cli(capsys, "--home", home, "export", "ucdp", "--dataset", "UCDPX", "--out", str(out))
    assert code != 0 and "--dataset" in err


# -- property test: any record another dataset gave becomes a valid row of each format --------------------
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    source=st.sampled_from(["gtd", "acled"]),
    country=st.sampled_from(["as read", None, "OM", "TM"]),
)
def test_any_record_from_elsewhere_converts_to_rows_each_format_parses(
    seed: int, source: str, country: str | None
) -> None:
    parse = gtd.parse if source == "gtd" else acled.parse
    rows = gtd_synth.rows(4, seed) if source == "gtd" else acled_synth.rows(4, seed)
    for i, row in enumerate(rows):
        inc = parse(row, RowContext(source.upper()))
        # the same record as an article's incident: an id no dataset would accept
        place = inc.place if country == "as read" else dataclasses.replace(inc.place, country=country, admin1=None)
        inc = dataclasses.replace(
            inc, dataset="article", source_id=f"0123456789abcdef#{i}", reported_by="PK", place=place
        )
        for module in (ucdp, gtd, acled):
            fmt = module.FORMAT
            out = fmt.to_row(inc, None)
            back = fmt.parse(out, RowContext(fmt.default_reporter))
            assert fmt.converted_id is not None and back.source_id == fmt.converted_id(inc)
            assert (back.place.lat, back.place.lon, back.place.country) == (
                inc.place.lat, inc.place.lon, inc.place.country)  # fmt: skip
            assert back.date_start <= inc.date_end and inc.date_start <= back.date_end
