"""Source rows kept as their values under a header (``raw_headers``): what a node stores, and the migration of
a node that kept each row as a JSON object repeating the column names."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from sarhad.canonical import canonical_text
from sarhad.exporter import export
from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.store.schema import CORE
from tests.conftest import ASSETS, UCDP_SAMPLE
from tests.log.helpers import verify

FILES = {
    "ucdp": UCDP_SAMPLE,
    "gtd": ASSETS / "synthetic" / "gtd_synthetic.csv",
    "acled": ASSETS / "synthetic" / "acled_synthetic.csv",
}
# The table as the core schema first creates it: one JSON object a row, with its dataset and SHA-256.
FORMER_TABLE = next(s for s in CORE if isinstance(s, str) and s.startswith("CREATE TABLE raw_rows"))


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _to_former_layout(node: Node) -> int:
    """Put the node's source rows back as a node before ``raw_headers`` kept them (each row a JSON object in
    the file's column order, as that code wrote it), with the migrations that move them not yet applied.
    Returns how many rows."""
    db = node.db
    rows = []
    for rid, dataset, columns, values in db.fetchall(
        "SELECT r.id, h.dataset, h.columns, r.row FROM raw_rows r JOIN raw_headers h ON h.id = r.header"
    ):
        row = dict(zip(json.loads(columns), json.loads(values), strict=True))
        rows.append((rid, dataset, hashlib.sha256(canonical_text(row).encode()).hexdigest(), _dumps(row)))
    with db.transaction():
        db.execute("DROP TABLE raw_rows")
        db.execute("DROP TABLE raw_headers")
        db.execute(db.ddl(FORMER_TABLE))
        db.executemany("INSERT INTO raw_rows (id, dataset, sha256, row) VALUES (?, ?, ?, ?)", rows)
        db.execute("DELETE FROM schema_migrations WHERE component = 'raw_rows'")
    return len(rows)


@pytest.mark.parametrize("fmt", sorted(FILES))
def test_a_node_with_rows_as_objects_migrates_and_exports_the_same_rows(
    any_node: Node, tmp_path: Path, fmt: str
) -> None:
    import_file(any_node, fmt, FILES[fmt])
    ids = [str(r[0]) for r in any_node.db.fetchall("SELECT id FROM raw_rows ORDER BY id")]
    rows = {rid: any_node.raw_row(rid) for rid in ids}
    exported = tmp_path / "before.csv"
    export(any_node, fmt, exported)
    assert _to_former_layout(any_node) == len(ids) > 0
    former = any_node.db.fetchone("SELECT row FROM raw_rows WHERE id = ?", (ids[0],))
    assert former is not None and json.loads(former[0]) == rows[ids[0]]
    settings = any_node.settings
    any_node.close()

    with Node.open(settings) as node:  # opening a node brings its schema up to date
        assert node.db.fetchall("SELECT dataset FROM raw_headers") == [(fmt,)]
        assert {rid: node.raw_row(rid) for rid in ids} == rows
        out = tmp_path / "after.csv"
        assert export(node, fmt, out) == len(ids)
        assert out.read_bytes() == exported.read_bytes()
        assert verify(node).raw_rows == len(ids)
        # and a re-import of the same file finds every record unchanged
        assert import_file(node, fmt, FILES[fmt]).unchanged == len(ids)


def test_a_row_is_stored_as_its_values_under_its_files_header(node: Node) -> None:
    import_file(node, "acled", FILES["acled"])
    (columns,) = node.db.fetchall("SELECT columns FROM raw_headers")
    with FILES["acled"].open(encoding="utf-8") as fh:
        assert json.loads(columns[0]) == fh.readline().rstrip("\n").split(",")
    rid, values = node.db.fetchall("SELECT id, row FROM raw_rows ORDER BY id LIMIT 1")[0]
    row = node.raw_row(rid)
    assert row is not None and values == _dumps(list(row.values()))
    assert '"event_id_cnty"' not in values  # no column name is repeated in a row
