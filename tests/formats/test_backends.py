"""SQLite and PostgreSQL store the same bytes for the same import, in every format, and both re-import idly."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sarhad.exporter import export
from sarhad.importer import import_file
from sarhad.log.verify import verify_log
from sarhad.node import Node
from tests.conftest import ASSETS, UCDP_SAMPLE
from tests.store.helpers import stored_content

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import acled_synth

pytestmark = pytest.mark.postgres

FILES = {
    "ucdp": UCDP_SAMPLE,
    "gtd": ASSETS / "synthetic" / "gtd_synthetic.csv",
    "acled": ASSETS / "synthetic" / "acled_synthetic.csv",
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
            snapshots.append(stored_content(node))
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
            snapshots.append(stored_content(node))
        assert snapshots[0] == snapshots[1]
    finally:
        lite.close()
        pg.close()
