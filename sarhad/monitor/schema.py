"""The monitor's tables: alert rules, the alerts they raised, and the dashboard's summaries of the incidents.

``alerts`` has one row per (rule, incident): evaluating a record twice, or a new version of it, never raises
a second alert for the same rule. A new version changes the alert's row instead (the version that last matched,
what the rule looked at then, or the version since which it no longer matches), and ``alert_events`` keeps each
such change, in order, for the list and the live stream (sarhad.monitor.alerts).
"""

from __future__ import annotations

from typing import Final

from sarhad.monitor.summary import rebuild
from sarhad.store.db import Database
from sarhad.store.schema import Statement

__all__ = ["MIGRATIONS"]

_KILLED: Final = "COALESCE(killed_best, killed_low, 0)"
_KNOWN: Final = "CASE WHEN killed_best IS NOT NULL OR killed_low IS NOT NULL THEN 1 ELSE 0 END"
_KEYS_THEN: Final = "reported_by, dataset, country, admin1, admin1_code, perpetrator, tlp"


# The fills of ``killed_known`` as they were written then, for the tables of that time (whose keys had no
# ``restricted``): a later step recreates both tables and fills them again (sarhad.monitor.summary.rebuild).
def _fill_summary_killed_known(db: Database) -> None:
    db.execute("DELETE FROM incident_summary")
    keys = ", ".join(f"COALESCE({k}, '')" for k in _KEYS_THEN.split(", "))
    db.execute(
        f"INSERT INTO incident_summary (month, {_KEYS_THEN}, n, killed, killed_known)"
        f" SELECT SUBSTR(date_start, 1, 7), {keys}, COUNT(*), SUM({_KILLED}), SUM({_KNOWN}) FROM incidents"
        f" GROUP BY SUBSTR(date_start, 1, 7), {keys}"
    )


def _fill_cells_killed_known(db: Database) -> None:
    from sarhad.monitor.summary import BANDS, cell_size

    db.execute("DELETE FROM incident_cells")
    for band in BANDS:
        cell = cell_size(band)
        cx, cy = f"CAST(FLOOR(lon / {cell!r}) AS INTEGER)", f"CAST(FLOOR(lat / {cell!r}) AS INTEGER)"
        db.execute(
            "INSERT INTO incident_cells (band, cx, cy, reported_by, tlp, n, killed, killed_known, lat_sum, lon_sum)"
            f" SELECT {band}, {cx}, {cy}, reported_by, tlp, COUNT(*), SUM({_KILLED}), SUM({_KNOWN}),"
            f" SUM(lat), SUM(lon) FROM incidents WHERE lat IS NOT NULL AND lon IS NOT NULL"
            f" GROUP BY {cx}, {cy}, reported_by, tlp"
        )


MIGRATIONS: Final[list[Statement]] = [
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
    # The stream's watcher kept here how far it had evaluated the ``objects`` stream, when it evaluated the rules
    # on records written by another process; only their writers do now (sarhad.monitor.stream): dropped below.
    "CREATE TABLE monitor_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # The dashboard's summaries of ``incidents`` (see sarhad.monitor.summary), kept in the writer's transaction.
    # Counts per month and the dimensions the filters use; a missing value is stored as '' (keys are NOT NULL).
    """CREATE TABLE incident_summary (
        month TEXT NOT NULL,
        reported_by TEXT NOT NULL,
        dataset TEXT NOT NULL,
        country TEXT NOT NULL,
        admin1 TEXT NOT NULL,
        admin1_code TEXT NOT NULL,
        perpetrator TEXT NOT NULL,
        tlp TEXT NOT NULL,
        n {bigint} NOT NULL,
        killed {bigint} NOT NULL,
        PRIMARY KEY (month, reported_by, dataset, country, admin1, admin1_code, perpetrator, tlp)
    )""",
    # Map grid cells per zoom level (``band``), as the markers route draws clusters: count, killed and the
    # coordinate sums (for the centroid), per reporting party and TLP level.
    """CREATE TABLE incident_cells (
        band INTEGER NOT NULL,
        cx {bigint} NOT NULL,
        cy {bigint} NOT NULL,
        reported_by TEXT NOT NULL,
        tlp TEXT NOT NULL,
        n {bigint} NOT NULL,
        killed {bigint} NOT NULL,
        lat_sum {real} NOT NULL,
        lon_sum {real} NOT NULL,
        PRIMARY KEY (band, cy, cx, reported_by, tlp)
    )""",
    # The order alerts were stored in, as ``objects.seq`` for records: the live stream follows it (a writer's
    # clock, which ``created`` comes from, may be behind the previous writer's). Alerts stored before have none;
    # the stream only sends alerts stored after it starts.
    "ALTER TABLE alerts ADD COLUMN seq {bigint}",
    "CREATE UNIQUE INDEX alerts_seq ON alerts (seq)",
    # Nothing reads or writes the watcher's position since the watcher stopped evaluating the rules.
    "DROP TABLE monitor_state",
    # How many of a group's incidents give a killed figure: a month none of whose incidents gives one has killed
    # unknown, where ``killed`` alone reads 0. Filled from ``incidents`` at once (one pass, grouped like the rest).
    "ALTER TABLE incident_summary ADD COLUMN killed_known {bigint} NOT NULL DEFAULT 0",
    _fill_summary_killed_known,
    # The same for the map's grid cells: a cluster none of whose incidents gives a killed figure has killed
    # unknown, not 0 killed. Filled from ``incidents`` at once (one pass per zoom level, as the rebuild does).
    "ALTER TABLE incident_cells ADD COLUMN killed_known {bigint} NOT NULL DEFAULT 0",
    _fill_cells_killed_known,
    # An alert's life (sarhad.monitor.alerts): the version of its incident that last matched its rule (``version``;
    # none for the alerts stored before), what the rule looked at in it (``facts``, JSON), the version
    # since which it no longer matches (``lapsed``; none while it matches), and its latest change: when
    # (``updated``) and what (``changes``, JSON: [{"fact", "old", "new"}]).
    "ALTER TABLE alerts ADD COLUMN version TEXT",
    "ALTER TABLE alerts ADD COLUMN facts TEXT",
    "ALTER TABLE alerts ADD COLUMN lapsed TEXT",
    "ALTER TABLE alerts ADD COLUMN updated TEXT",
    "ALTER TABLE alerts ADD COLUMN changes TEXT",
    # Each change of an alert in the order stored (``seq``, as alerts.seq), which the live stream follows:
    # ``event`` is updated, no_longer_matches or matches_again; ``version`` the incident's version that made it.
    """CREATE TABLE alert_events (
        seq {bigint} PRIMARY KEY,
        alert_id TEXT NOT NULL,
        event TEXT NOT NULL,
        version TEXT NOT NULL,
        changes TEXT NOT NULL,
        at TEXT NOT NULL
    )""",
    "CREATE INDEX alert_events_alert ON alert_events (alert_id, seq)",
    # A new version of an incident looks up the alerts raised on it (evaluate, and the live stream when an
    # incident withheld has a current version again).
    "CREATE INDEX alerts_incident ON alerts (incident_id)",
    # Whether a group's incidents are under a licence that forbids redistribution (``restricted``: GTD's, ACLED's),
    # a key of both summaries, so that another party's principals, who may not read those rows unless the node
    # shares them, keep the summaries' answers. A primary key gains no column: both tables are made again and
    # filled from ``incidents`` (``restricted`` DEFAULT 0 only for the earlier fills above, which name no value).
    "DROP TABLE incident_summary",
    """CREATE TABLE incident_summary (
        month TEXT NOT NULL,
        reported_by TEXT NOT NULL,
        dataset TEXT NOT NULL,
        country TEXT NOT NULL,
        admin1 TEXT NOT NULL,
        admin1_code TEXT NOT NULL,
        perpetrator TEXT NOT NULL,
        tlp TEXT NOT NULL,
        restricted INTEGER NOT NULL DEFAULT 0,
        n {bigint} NOT NULL,
        killed {bigint} NOT NULL,
        killed_known {bigint} NOT NULL DEFAULT 0,
        PRIMARY KEY (month, reported_by, dataset, country, admin1, admin1_code, perpetrator, tlp, restricted)
    )""",
    "DROP TABLE incident_cells",
    """CREATE TABLE incident_cells (
        band INTEGER NOT NULL,
        cx {bigint} NOT NULL,
        cy {bigint} NOT NULL,
        reported_by TEXT NOT NULL,
        tlp TEXT NOT NULL,
        restricted INTEGER NOT NULL DEFAULT 0,
        n {bigint} NOT NULL,
        killed {bigint} NOT NULL,
        lat_sum {real} NOT NULL,
        lon_sum {real} NOT NULL,
        killed_known {bigint} NOT NULL DEFAULT 0,
        PRIMARY KEY (band, cy, cx, reported_by, tlp, restricted)
    )""",
    rebuild,
    # An analyst's acknowledgement of an alert (sarhad.monitor.alerts.acknowledge): who (``principal``) and when
    # (``at``). Kept apart from ``alerts``, whose rows the evaluation writes: acknowledging never races it.
    """CREATE TABLE alert_acks (
        alert_id TEXT PRIMARY KEY,
        principal TEXT NOT NULL,
        at TEXT NOT NULL
    )""",
]
