"""The monitor's tables: alert rules, the alerts they raised, and the watcher's position in the object stream.

``alerts`` has one row per (rule, incident): evaluating a record twice, or a new version of it, never raises
a second alert for the same rule.
"""

from __future__ import annotations

from typing import Final

__all__ = ["MIGRATIONS"]

MIGRATIONS: Final[list[str]] = [
    """CREATE TABLE alert_rules (
        name TEXT PRIMARY KEY,
        spec TEXT NOT NULL,
        created TEXT NOT NULL
    )""",
    """CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        rule TEXT NOT NULL,
        incident_id TEXT NOT NULL,
        origin TEXT NOT NULL,
        reason TEXT NOT NULL,
        created TEXT NOT NULL,
        UNIQUE (rule, incident_id)
    )""",
    "CREATE INDEX alerts_created ON alerts (created)",
    # How far the watcher has evaluated the ``objects`` stream (by ``seq``), for records written by another
    # process (a CLI import, a sync) while the server runs.
    "CREATE TABLE monitor_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
]
