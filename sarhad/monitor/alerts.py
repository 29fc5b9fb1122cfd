"""Alerts: a rule matched a record. One per (rule, incident), stored with the record's id and the reason.

An alert is listed while its incident has a current version on this node (a row in ``incidents``,
:func:`listed`): when a peer withholds a later version of the incident (marked stricter, see
:mod:`sarhad.exchange.withheld`), the alerts raised on the copy held stay stored but are listed nowhere (the
CLI, the dashboard's list, count and live stream), and are listed again once a current version arrives (the live
stream sends such an alert then, see :class:`sarhad.monitor.stream.Watcher`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from sarhad.errors import InvalidInput
from sarhad.store.db import Database

__all__ = ["Alert", "alert_id", "insert_alert", "list_alerts", "listed", "next_alert_seq"]

_NAMESPACE: Final = uuid.UUID("5a7268ad-0000-5000-8000-616c65727473")


def alert_id(rule: str, incident_id: str) -> str:
    """The stable id of the alert ``rule`` raises for ``incident_id`` (the same on every evaluation)."""
    return f"alert--{uuid.uuid5(_NAMESPACE, f'{rule}|{incident_id}')}"


@dataclass(frozen=True, slots=True)
class Alert:
    """A stored alert: which rule matched which incident, why, and when."""

    id: str
    rule: str
    incident_id: str
    origin: str
    reason: str
    created: str

    def to_dict(self) -> dict[str, Any]:
        """The alert as JSON (the CLI's and the stream's shape)."""
        return {
            "id": self.id,
            "rule": self.rule,
            "incident_id": self.incident_id,
            "origin": self.origin,
            "reason": self.reason,
            "created": self.created,
        }


_COLUMNS: Final = "id, rule, incident_id, origin, reason, created"


def listed(table: str = "alerts") -> str:
    """An SQL condition: the alert in row ``table`` (a name or alias of ``alerts``) is listed, its incident
    having a current version here (a row in ``incidents``)."""
    return f"EXISTS (SELECT 1 FROM incidents i_now WHERE i_now.id = {table}.incident_id)"


def next_alert_seq(db: Database) -> int:
    """The ``seq`` the next alert stored takes: one more than the highest stored (see :func:`insert_alert`)."""
    row = db.fetchone("SELECT MAX(seq) FROM alerts")
    return 1 if row is None or row[0] is None else int(row[0]) + 1


def insert_alert(db: Database, alert: Alert, seq: int) -> bool:
    """Store ``alert`` as number ``seq`` unless that rule already alerted on that incident; True when it was new.

    ``seq`` is the order of storing, which the live stream follows (sarhad.monitor.stream): take it from
    :func:`next_alert_seq` in the same write transaction (:meth:`Database.transaction`, where writers take
    turns), and count on from it for each alert stored.
    """
    cur = db.execute(
        f"INSERT INTO alerts ({_COLUMNS}, seq) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (rule, incident_id) DO NOTHING",
        (alert.id, alert.rule, alert.incident_id, alert.origin, alert.reason, alert.created, seq),
    )
    return bool(cur.rowcount)


def list_alerts(
    db: Database,
    *,
    rule: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
) -> list[Alert]:
    """The alerts listed (:func:`listed`), newest first; ``since`` keeps those created after that timestamp (a
    day, YYYY-MM-DD, keeps that day's), ``until`` those created on or before that day (YYYY-MM-DD).

    Raises InvalidInput when ``limit`` is not positive or ``until`` is not a day.
    """
    if limit is not None and limit < 1:
        raise InvalidInput(f"limit {limit} is not positive")
    clauses, params = [listed()], []
    if rule:
        clauses.append("rule = ?")
        params.append(rule)
    if since:
        clauses.append("created > ?")
        params.append(since)
    if until:
        # ``created`` is an ISO 8601 UTC timestamp: on or before a day is before the next day's first instant.
        try:
            after = date.fromisoformat(until) + timedelta(days=1)
        except ValueError:
            raise InvalidInput(f"until {until!r} is not a day (YYYY-MM-DD)") from None
        clauses.append("created < ?")
        params.append(after.isoformat())
    sql = f"SELECT {_COLUMNS} FROM alerts WHERE " + " AND ".join(clauses)
    sql += " ORDER BY created DESC, id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [Alert(*(str(v) for v in row)) for row in db.fetchall(sql, params)]
