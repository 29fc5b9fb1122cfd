"""The monitor's migrations: the watcher's former position table is gone, from new and migrated databases alike."""

from __future__ import annotations

from sarhad.monitor.schema import MIGRATIONS
from sarhad.node import Node
from sarhad.store.db import Database
from sarhad.store.schema import migrate


def _tables(db: Database) -> set[str]:
    if db.dialect == "sqlite":
        rows = db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        rows = db.fetchall("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
    return {str(name) for (name,) in rows}


def test_a_new_node_has_no_monitor_state_table(any_node: Node) -> None:
    tables = _tables(any_node.db)
    assert {"alert_rules", "alerts", "incident_summary", "incident_cells"} <= tables
    assert "monitor_state" not in tables


def test_opening_a_database_that_holds_monitor_state_drops_it(any_node: Node) -> None:
    """A database migrated before the drop (the table there, with the watcher's last position) loses the table
    and only it when migrated, as opening the node does; the alerts' tables keep their rows."""
    db = any_node.db
    version = MIGRATIONS.index("DROP TABLE monitor_state") + 1  # the drop's step
    with db.transaction():
        db.execute("INSERT INTO alert_rules (name, spec, created) VALUES ('near', '{}', '2026-01-01T00:00:00Z')")
        if "monitor_state" not in _tables(db):
            db.execute("CREATE TABLE monitor_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO monitor_state (key, value) VALUES ('stream_seq', '17')")
        db.execute("DELETE FROM schema_migrations WHERE component = 'monitor' AND version = ?", (version,))
    before = _tables(db)
    assert migrate(db) == 1
    assert _tables(db) == before - {"monitor_state"}
    assert db.fetchall("SELECT name FROM alert_rules") == [("near",)]
