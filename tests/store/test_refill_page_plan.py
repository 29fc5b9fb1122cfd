"""The migration that fills ``killed_zero_ambiguous`` and the unknown attack types reads a page of rows at a time,
each page from where the last one ended: on PostgreSQL the stored versions (``objects``) too, not only the
incidents. Joined by id alone, PostgreSQL merges the two primary keys and walks ``objects`` from its first row at
every page, so the step grows with the square of the rows (measured: 100,000 ACLED-like rows 3.5 s, 200,000 rows
19 s; with the bound, 1.6 s). Checked on the plan the server chooses when it may use the indexes, not on a time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.store.db import open_database
from sarhad.store.schema import REFILL_PAGE
from tests.conftest import ASSETS


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    out = [plan]
    for child in plan.get("Plans", ()):
        out += _nodes(child)
    return out


@pytest.mark.postgres
def test_each_page_of_the_refill_reads_the_stored_versions_from_where_the_last_page_ended(
    pg_schema_url: str, tmp_path: Path
) -> None:
    with Node.init(tmp_path / "pk", "PK", database_url=pg_schema_url) as node:
        import_file(node, "acled", ASSETS / "synthetic" / "acled_synthetic.csv")
    db = open_database(pg_schema_url, create=False)
    try:
        with db.transaction():
            db.execute("ANALYZE incidents")
            db.execute("ANALYZE objects")
            # what the planner chooses on a large node, where reading whole tables costs more than the indexes
            db.execute("SET LOCAL enable_seqscan = off")
            db.execute("SET LOCAL enable_hashjoin = off")
            last = str(db.fetchall("SELECT id FROM incidents ORDER BY id LIMIT 1 OFFSET 100")[0][0])
            params = [last] * REFILL_PAGE.count("?")
            (row,) = db.fetchall("EXPLAIN (FORMAT JSON) " + REFILL_PAGE, params)
    finally:
        db.close()
    plan = row[0] if isinstance(row[0], list) else json.loads(row[0])
    scans = [n for n in _nodes(plan[0]["Plan"]) if n.get("Relation Name") == "objects"]
    assert scans, plan
    for scan in scans:
        # an index scan bounded by the page's first id (or a look-up of each incident's version), not a walk of
        # the whole primary key from its first row
        bounds = [str(n.get(k, "")) for n in _nodes(scan) for k in ("Index Cond", "Recheck Cond")]
        assert any("id >" in b or "i.id" in b for b in bounds), json.dumps(plan, indent=1)
