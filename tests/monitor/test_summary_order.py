"""Versions of an incident written out of order: ``incidents`` keeps the latest version (by ``modified``) and the
summaries stay equal to an aggregate from scratch, on SQLite and PostgreSQL."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sarhad.monitor import summary
from sarhad.node import Node
from sarhad.store.db import Database, open_database
from sarhad.store.incidents import INCIDENT_COLUMNS, upsert_incidents
from sarhad.store.schema import migrate
from tests.monitor.test_summary import from_scratch, row, snapshot, version

_MODIFIED = INCIDENT_COLUMNS.index("modified")
_KILLED = INCIDENT_COLUMNS.index("killed_best")


def at(v: dict[str, Any], modified: str) -> tuple[Any, ...]:
    """The incidents row of ``v`` as the version ``modified``."""
    r = list(row(v))
    r[_MODIFIED] = modified
    return tuple(r)


def stored(db: Database) -> dict[str, tuple[str, Any]]:
    """Each stored incident's version and killed figure, by id."""
    return {str(r[0]): (str(r[1]), r[2]) for r in db.fetchall("SELECT id, modified, killed_best FROM incidents")}


V = {"id": 1, "day": "2025-01-15", "place": 0, "jitter": 0, "party": "PK", "perpetrator": None, "killed_low": None,
     "tlp": "CLEAR"}  # fmt: skip
EARLIER = at(V | {"killed_best": 3}, "2025-01-16T00:00:00.000Z")
LATER = at(V | {"killed_best": 7, "place": 2}, "2025-01-17T00:00:00.000Z")


def test_an_earlier_version_written_after_a_later_one_changes_neither_the_row_nor_the_summaries(
    any_node: Node,
) -> None:
    db = any_node.db
    with db.transaction():
        summary.upsert(db, [LATER])
    before = snapshot(db)
    with db.transaction():
        written = summary.upsert(db, [EARLIER])  # e.g. a peer sending an old version again
    assert written == {}
    assert stored(db) == {"incident--1": ("2025-01-17T00:00:00.000Z", 7)}
    assert snapshot(db) == before == from_scratch(db)
    with db.transaction():
        upsert_incidents(db, [EARLIER])  # the table's own guard, without the summaries' bookkeeping
    assert stored(db) == {"incident--1": ("2025-01-17T00:00:00.000Z", 7)}
    with db.transaction():
        assert summary.upsert(db, [at(V | {"killed_best": 9}, "2025-01-18T00:00:00.000Z")]) != {}
    assert stored(db) == {"incident--1": ("2025-01-18T00:00:00.000Z", 9)}
    assert snapshot(db) == from_scratch(db)


def test_one_batch_with_the_later_version_first_keeps_the_later_one(any_node: Node) -> None:
    db = any_node.db
    other = at(V | {"id": 2, "killed_best": 1}, "2025-01-16T00:00:00.000Z")
    with db.transaction():
        deltas = summary.Deltas()
        summary.upsert(db, [LATER, EARLIER, other], deltas=deltas)  # both new: inserted, the later one kept
        summary.upsert(db, [EARLIER, at(V | {"id": 2, "killed_best": 2}, "2025-01-15T00:00:00.000Z")], deltas=deltas)
        deltas.write(db)
    assert stored(db) == {
        "incident--1": ("2025-01-17T00:00:00.000Z", 7),
        "incident--2": ("2025-01-16T00:00:00.000Z", 1),
    }
    assert snapshot(db) == from_scratch(db)


STAMPS = [f"2025-02-0{d}T00:00:00.000Z" for d in range(1, 6)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.tuples(version, st.sampled_from(STAMPS)), min_size=1, max_size=6), min_size=1,
                max_size=6))  # fmt: skip
def test_versions_in_any_order_leave_the_latest_and_the_summaries_of_the_latest(
    batches: list[list[tuple[dict[str, Any], str]]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'node.db'}")
        try:
            migrate(db)
            latest: dict[str, tuple[str, Any]] = {}
            for batch in batches:
                with db.transaction():
                    summary.upsert(db, [at(v, stamp) for v, stamp in batch])
                for v, stamp in batch:
                    key = f"incident--{v['id']}"
                    if key not in latest or stamp > latest[key][0]:
                        latest[key] = (stamp, v["killed_best"])
            assert stored(db) == latest
            assert snapshot(db) == from_scratch(db)
        finally:
            db.close()


def test_guard_is_in_the_sql_on_both_databases(any_node: Node) -> None:
    """A row written straight through upsert_incidents (as rebuild_incidents does) obeys the guard too."""
    db = any_node.db
    with db.transaction():
        upsert_incidents(db, [LATER, EARLIER])
    assert stored(db) == {"incident--1": ("2025-01-17T00:00:00.000Z", 7)}
    row_killed = db.fetchone("SELECT killed_best FROM incidents WHERE id = 'incident--1'")
    assert row_killed is not None and row_killed[0] == LATER[_KILLED]
