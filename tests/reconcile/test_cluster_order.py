"""Reconciliation's stored order of the clusters: each row says whether its parties disagree (the joint picture
lists those first, from an index), on a new run and on rows written before the column existed."""

from __future__ import annotations

from sarhad.node import Node
from sarhad.reconcile.schema import MIGRATIONS
from sarhad.reconcile.store import DISAGREE_FLAGS, reconcile
from sarhad.store.schema import migrate
from tests.reconcile.helpers import report

# Quetta: PK and IR disagree on the killed (5 against 12); Gwadar: one report, nothing to disagree on.
INCIDENTS = [
    report("PK", "PK-1", "2026-01-10", killed=5),
    report("IR", "IR-1", "2026-01-10", killed=12),
    report("PK", "PK-3", "2026-03-01", lat=25.12, lon=62.32, place="Gwadar", killed=1),
]


def _stored(node: Node) -> dict[str, tuple[int, bool]]:
    rows = node.db.fetchall("SELECT cluster_id, disagree, flags FROM reconcile_clusters")
    return {str(c): (int(d), any(f in DISAGREE_FLAGS for f in str(flags).split(","))) for c, d, flags in rows}


def test_a_run_stores_whether_each_clusters_parties_disagree(any_node: Node) -> None:
    any_node.publish(INCIDENTS)
    reconcile(any_node.db, "PK")
    stored = _stored(any_node)
    assert sorted(d for d, _ in stored.values()) == [0, 1]
    assert all(d == int(flagged) for d, flagged in stored.values())


def test_migrating_marks_the_clusters_written_before_the_column(any_node: Node) -> None:
    """A database whose clusters were written before the column (its last three steps not applied) gets the
    column filled from the stored flags, and the index, when migrated; nothing else changes."""
    any_node.publish(INCIDENTS)
    reconcile(any_node.db, "PK")
    db = any_node.db
    before = db.fetchall("SELECT cluster_id, size, date_start, flags FROM reconcile_clusters ORDER BY cluster_id")
    with db.transaction():  # and the steps after them (the audiences' rows, the joint extras)
        db.execute("DROP TABLE reconcile_audiences")
        db.execute("ALTER TABLE reconcile_clusters DROP COLUMN joint")
        db.execute("DROP INDEX reconcile_clusters_order")
        db.execute("ALTER TABLE reconcile_clusters DROP COLUMN disagree")
        last = next(n for n, step in enumerate(MIGRATIONS) if "ADD COLUMN disagree" in step)
        db.execute("DELETE FROM schema_migrations WHERE component = 'reconcile' AND version > ?", (last,))
    assert migrate(db) == len(MIGRATIONS) - last
    stored = _stored(any_node)
    assert sorted(d for d, _ in stored.values()) == [0, 1]
    assert all(d == int(flagged) for d, flagged in stored.values())
    after = db.fetchall("SELECT cluster_id, size, date_start, flags FROM reconcile_clusters ORDER BY cluster_id")
    assert after == before
