"""SQLite and PostgreSQL store the same bytes for the same import, in every format, and both re-import idly."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from sarhad.exporter import export
from sarhad.importer import import_file
from sarhad.log.verify import verify_log
from sarhad.node import Node
from sarhad.store.incidents import INCIDENT_COLUMNS
from tests.conftest import ASSETS, UCDP_SAMPLE

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import acled_synth

pytestmark = pytest.mark.postgres

FILES = {
    "ucdp": UCDP_SAMPLE,
    "gtd": ASSETS / "synthetic" / "gtd_synthetic.csv",
    "acled": ASSETS / "synthetic" / "acled_synthetic.csv",
}


def stored(node: Node, stamp: str) -> dict[str, list[tuple[Any, ...]]]:
    """What the import wrote, with this node's publish time replaced by a fixed marker."""

    def fix(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(stamp, "<stamp>")
        return bytes(value) if isinstance(value, memoryview) else value

    def rows(sql: str) -> list[tuple[Any, ...]]:
        return [tuple(fix(v) for v in r) for r in node.db.fetchall(sql)]

    incident_columns = ", ".join(INCIDENT_COLUMNS)
    return {
        "objects": rows(
            "SELECT id, type, content_sha256, tlp, licence, origin, seq, log_index, body FROM objects ORDER BY seq"
        ),
        "incidents": rows(f"SELECT {incident_columns} FROM incidents ORDER BY id"),
        "raw_rows": rows(
            "SELECT r.id, h.dataset, h.columns, r.row FROM raw_rows r JOIN raw_headers h ON h.id = r.header"
            " ORDER BY r.id"
        ),
        # the envelopes' sha256 covers the body with its real timestamps: verify_log checks it against the body
        "leaves": rows("SELECT idx, object_id, version FROM log_leaves ORDER BY idx"),
        "summary": rows("SELECT * FROM incident_summary ORDER BY 1, 2, 3, 4, 5, 6, 7, 8"),
        "cells": rows("SELECT band, cx, cy, reported_by, tlp, n, killed FROM incident_cells ORDER BY 1, 2, 3, 4, 5"),
    }


@pytest.mark.parametrize("fmt", sorted(FILES))
def test_sqlite_and_postgresql_store_the_same_bytes(tmp_path: Path, pg_schema_url: str, fmt: str) -> None:
    lite = Node.init(tmp_path / "lite", "PK")
    pg = Node.init(tmp_path / "pg", "PK", database_url=pg_schema_url)
    try:
        snapshots, exports = [], []
        for node in (lite, pg):
            first = import_file(node, fmt, FILES[fmt])
            assert first.added == first.rows > 0
            again = import_file(node, fmt, FILES[fmt])
            assert (again.added, again.updated, again.unchanged) == (0, 0, first.rows)
            stamp = str(node.db.fetchall("SELECT DISTINCT added FROM objects")[0][0])
            snapshots.append(stored(node, stamp))
            out = tmp_path / f"{node.db.dialect}.{fmt}"
            export(node, fmt, out)
            exports.append(out.read_bytes())
            report = verify_log(node.db, [node.signer.verifier], origin=node.settings.origin, party=node.settings.party)
            assert report.size == first.rows
        assert snapshots[0] == snapshots[1]
        assert exports[0] == exports[1] == FILES[fmt].read_bytes()
    finally:
        lite.close()
        pg.close()


def test_a_batch_larger_than_one_flush_is_identical_too(tmp_path: Path, pg_schema_url: str) -> None:
    path = tmp_path / "acled.csv"
    acled_synth.write(path, 12_000, seed=7)  # three publisher batches of up to 5,000
    lite = Node.init(tmp_path / "lite", "PK")
    pg = Node.init(tmp_path / "pg", "PK", database_url=pg_schema_url)
    try:
        snapshots = []
        for node in (lite, pg):
            result = import_file(node, "acled", path)
            assert result.added == 12_000 and result.tree_size == 12_000
            stamp = str(node.db.fetchall("SELECT DISTINCT added FROM objects")[0][0])
            snapshots.append(stored(node, stamp))
        assert snapshots[0] == snapshots[1]
    finally:
        lite.close()
        pg.close()
