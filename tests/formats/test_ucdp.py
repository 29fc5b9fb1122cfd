"""UCDP GED import and export on the real 37-row sample, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import pytest

from sarhad.errors import InvalidInput
from sarhad.exporter import export
from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.store.incidents import Filters, count_incidents, query_incidents, stats
from tests.conftest import UCDP_SAMPLE


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_import_real_sample_gives_its_published_totals(any_node: Node) -> None:
    result = import_file(any_node, "ucdp", UCDP_SAMPLE)
    assert (result.rows, result.added, result.rejected) == (37, 37, 0)
    totals = stats(any_node.db)
    assert totals["incidents"] == 37
    assert totals["killed"]["best"] == 165
    assert totals["killed"]["low"] == 154
    assert totals["killed"]["high"] == 211


def test_reimport_changes_nothing(any_node: Node) -> None:
    import_file(any_node, "ucdp", UCDP_SAMPLE)
    size = any_node.log.size()
    again = import_file(any_node, "ucdp", UCDP_SAMPLE)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 37)
    assert any_node.log.size() == size


def test_export_gives_back_the_same_rows(any_node: Node, tmp_path: Path) -> None:
    import_file(any_node, "ucdp", UCDP_SAMPLE)
    out = tmp_path / "out.csv"
    assert export(any_node, "ucdp", out) == 37
    assert _rows(out) == _rows(UCDP_SAMPLE)


def test_inconsistent_low_best_high_is_kept_and_flagged(node: Node) -> None:
    import_file(node, "ucdp", UCDP_SAMPLE)
    [row] = [r for r in query_incidents(node.db) if r["source_id"] == "193150"]
    assert row["killed"] == {"low": 4, "best": 4, "high": 3}
    assert "low_best_high_inconsistent" in node.incident(row["id"]).flags


def test_provinces_are_normalised_and_fata_is_khyber_pakhtunkhwa(node: Node) -> None:
    import_file(node, "ucdp", UCDP_SAMPLE)
    provinces = {r["admin1"] for r in query_incidents(node.db, Filters(country="PK"))}
    assert "Khyber Pakhtunkwa province" not in provinces
    assert "Khyber Pakhtunkhwa" in provinces
    iran = query_incidents(node.db, Filters(country="IR"))
    assert {r["admin1"] for r in iran} >= {"Sistan and Baluchestan"}


def test_reported_by_attributes_rows_to_a_party(node: Node) -> None:
    import_file(node, "ucdp", UCDP_SAMPLE, reported_by="PK")
    import_file(node, "ucdp", UCDP_SAMPLE)
    assert count_incidents(node.db, Filters(reported_by="PK")) == 37
    assert count_incidents(node.db, Filters(reported_by="UCDP")) == 37


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda rows: rows[1].__setitem__(29, "123.4"), r":2: latitude: 123.4 is outside -90..90"),
        (
            lambda rows: rows[3].__setitem__(38, "2010-13-40 00:00:00.000"),
            r":\d+: date_start: .2010-13-40 00:00:00.000. is not a date",
        ),
        (lambda rows: rows[2].__setitem__(44, "many"), r":\d+: best: 'many' is not a number"),
        (lambda rows: rows[0].__setitem__(0, "identifier"), r":1: header: missing column id"),
    ],
)
def test_bad_row_rejects_the_whole_file_and_stores_nothing(node: Node, tmp_path: Path, edit, message) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(UCDP_SAMPLE)
    edit(rows)
    bad = tmp_path / "bad.csv"
    with bad.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    with pytest.raises(InvalidInput, match=message):
        import_file(node, "ucdp", bad)
    assert count_incidents(node.db) == 0
    assert node.log.size() == 0


def test_skip_invalid_stores_good_rows_and_writes_rejected_ones(node: Node, tmp_path: Path) -> None:
    rows = _rows(UCDP_SAMPLE)
    rows[5][29] = "95"
    bad = tmp_path / "bad.csv"
    with bad.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    result = import_file(node, "ucdp", bad, skip_invalid=True)
    assert (result.added, result.rejected) == (36, 1)
    rejected = _rows(Path(result.rejected_file or ""))
    assert rejected[0][:2] == ["line", "reason"]
    assert "latitude: 95 is outside -90..90" in rejected[1][1]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", r"the file is empty"),
        (b"id,relid\n1,2\n", r"header: missing columns"),
        (None, r"not valid UTF-8"),
        (None, r"unterminated quote"),
    ],
)
def test_malformed_files_are_rejected_with_where(
    node: Node, tmp_path: Path, content: bytes | None, message: str
) -> None:
    bad = tmp_path / "bad.csv"
    data = UCDP_SAMPLE.read_bytes()
    if content is not None:
        data = content
    elif "UTF-8" in message:
        data = data.replace(b"Reuters", b"Reu\xffters", 1)
    else:
        data = data + b'999,"never closed\n'
    bad.write_bytes(data)
    with pytest.raises(InvalidInput, match=message):
        import_file(node, "ucdp", bad)
    assert count_incidents(node.db) == 0


def test_sqlite_and_postgresql_give_identical_results(tmp_path: Path, pg_schema_url: str) -> None:
    lite = Node.init(tmp_path / "a", "PK")
    pg = Node.init(tmp_path / "b", "PK", database_url=pg_schema_url)
    try:
        for n in (lite, pg):
            import_file(n, "ucdp", UCDP_SAMPLE)
        assert stats(lite.db, "admin1") == stats(pg.db, "admin1")

        def strip(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [{k: v for k, v in r.items() if k != "modified"} for r in rows]

        assert strip(query_incidents(lite.db)) == strip(query_incidents(pg.db))
    finally:
        lite.close()
        pg.close()


def test_rebuild_recreates_the_incidents_table(node: Node) -> None:
    from sarhad.store.incidents import rebuild_incidents

    import_file(node, "ucdp", UCDP_SAMPLE)
    before = query_incidents(node.db)
    with node.db.transaction():
        node.db.execute("DELETE FROM incidents")
        assert rebuild_incidents(node.db) == 37
    assert query_incidents(node.db) == before


def test_missing_file_is_a_clear_error(node: Node, tmp_path: Path) -> None:
    shutil.rmtree(tmp_path / "nothing", ignore_errors=True)
    with pytest.raises(InvalidInput, match="cannot read"):
        import_file(node, "ucdp", tmp_path / "nothing.csv")
