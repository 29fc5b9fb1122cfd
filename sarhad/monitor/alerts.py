"""Alerts: a rule matched a record. One per (rule, incident), stored with the record's id and the reason.

An alert has a life, kept on its row and, change by change, in ``alert_events`` (in order, for the live stream):
the first version of an incident that matches a rule raises the alert; a later version that still matches and
changes what the rule looks at (its :func:`facts`: the killed figure, the groups named, the place…) *updates*
it (``updated``, with the old and new figures); a later version that does not match leaves it stored but *no
longer matching* since that version (``lapsed``), and a version after that which matches again makes it match
again. An earlier version arriving late, or a version a peer withheld (known from its envelope only, never
evaluated), changes nothing.

An alert is listed while its incident has a current version on this node (a row in ``incidents``,
:func:`listed`): when a peer withholds a later version of the incident (marked stricter, see
:mod:`sarhad.exchange.withheld`), the alerts raised on the copy held stay stored but are listed nowhere (the
CLI, the dashboard's list, count and live stream), and are listed again once a current version arrives (the live
stream sends such an alert then, see :class:`sarhad.monitor.stream.Watcher`).

An analyst acknowledges an alert (:func:`acknowledge`, ``alerts ack``): who and when is kept beside it
(``alert_acks``) and listed with it; a change of the alert after that (an update, no longer matching, matching
again) is listed as a change since it was acknowledged, so a desk that works through the unacknowledged alerts
also sees the acknowledged ones that changed (``alerts list --unacked`` lists both).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from sarhad.errors import InvalidInput, NotFound
from sarhad.store.db import Database

__all__ = [
    "COLUMNS",
    "EVENTS",
    "Alert",
    "AlertWrites",
    "Change",
    "StoredAlert",
    "acknowledge",
    "alert_id",
    "describe_changes",
    "insert_alert",
    "list_alerts",
    "list_alerts_by_id",
    "listed",
    "next_alert_seq",
    "next_event_seq",
    "since_moment",
    "stored_alerts",
]

_NAMESPACE: Final = uuid.UUID("5a7268ad-0000-5000-8000-616c65727473")


def alert_id(rule: str, incident_id: str) -> str:
    """The stable id of the alert ``rule`` raises for ``incident_id`` (the same on every evaluation)."""
    return f"alert--{uuid.uuid5(_NAMESPACE, f'{rule}|{incident_id}')}"


Change = dict[str, Any]
"""One fact an alert's rule looks at that a newer version changed: ``{"fact": …, "old": …, "new": …}``."""

EVENTS: Final = ("updated", "no_longer_matches", "matches_again")
"""The changes of an alert's life after it is raised (``alert_events.event``)."""


@dataclass(frozen=True, slots=True)
class Alert:
    """A stored alert: which rule matched which incident, why, and when; and its life since (see the module).

    ``version`` is the incident's version that last matched (None for an alert stored before versions were
    kept), ``lapsed`` the version since which it no longer matches (None while it matches), ``updated`` when it
    last changed and ``changes`` what that change changed. ``geo_precision`` is how exactly the place of the
    version that last matched is known, for a rule that reads its point (near the border, a crossing, a polygon)
    when read with its facts (:func:`list_alerts`); None otherwise."""

    id: str
    rule: str
    incident_id: str
    origin: str
    reason: str
    created: str
    version: str | None = None
    lapsed: str | None = None
    updated: str | None = None
    changes: tuple[Change, ...] = ()
    geo_precision: str | None = None
    acked_by: str | None = None
    acked_at: str | None = None

    @property
    def changed_since_acked(self) -> bool:
        """Whether the alert changed (updated, no longer matching, matching again) after it was acknowledged."""
        return self.acked_at is not None and self.updated is not None and self.updated > self.acked_at

    @property
    def state(self) -> str:
        """``matches``, or ``no_longer_matches`` once a newer version of its incident stopped matching."""
        return "matches" if self.lapsed is None else "no_longer_matches"

    def state_text(self) -> str:
        """The state in words, for the table: empty while it matches, never changed and is not acknowledged."""
        words = ""
        if self.lapsed is not None:
            words = f"no longer matches (since version {self.lapsed})"
        elif self.updated is not None and self.changes:
            words = f"updated {self.updated}: {describe_changes(self.changes)}; matches version {self.version}"
        if self.acked_at is not None:
            acked = f"acknowledged by {self.acked_by} {self.acked_at}"
            words = (
                f"{words}; {acked}, changed since"
                if self.changed_since_acked
                else (f"{words}; {acked}" if words else acked)
            )
        return words

    def to_dict(self) -> dict[str, Any]:
        """The alert as JSON (the CLI's and the stream's shape)."""
        return (
            {
                "id": self.id,
                "rule": self.rule,
                "incident_id": self.incident_id,
                "origin": self.origin,
                "reason": self.reason,
                "created": self.created,
                "state": self.state,
                "version": self.version,
                "lapsed_since": self.lapsed,
                "updated": self.updated,
                "changes": list(self.changes),
            }
            | ({} if self.geo_precision is None else {"geo_precision": self.geo_precision})
            | (
                {}
                if self.acked_at is None
                else {
                    "acknowledged": {
                        "by": self.acked_by,
                        "at": self.acked_at,
                        "changed_since": self.changed_since_acked,
                    }
                }
            )
        )

    @classmethod
    def of_row(cls, row: Sequence[Any]) -> Alert:
        """The alert of a row of :data:`COLUMNS`, and optionally ``facts`` after them (its geo precision), then
        who acknowledged it and when (:func:`list_alerts`)."""
        id_, rule, incident_id, origin, reason, created = (str(v) for v in row[:6])
        version, lapsed, updated = (None if v is None else str(v) for v in row[6:9])
        changes = tuple(json.loads(row[9])) if row[9] else ()
        precision = None
        if len(row) > 10 and row[10]:
            known = json.loads(row[10]).get("geo_precision")
            precision = None if known is None else str(known)
        acked_by, acked_at = (None if v is None else str(v) for v in row[11:13]) if len(row) > 12 else (None, None)
        return cls(
            id_, rule, incident_id, origin, reason, created, version, lapsed, updated, changes, precision, acked_by,
            acked_at,
        )  # fmt: skip


def describe_changes(changes: Sequence[Change]) -> str:
    """Changes in words: ``killed 7 -> 30; perpetrators Jaish al-Adl -> Jaish al-Adl, BLA``."""

    def shown(value: Any) -> str:
        if value is None:
            return "none"
        return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)

    return "; ".join(f"{c['fact']} {shown(c['old'])} -> {shown(c['new'])}" for c in changes)


COLUMNS: Final = "id, rule, incident_id, origin, reason, created, version, lapsed, updated, changes"
"""The columns of ``alerts`` an :class:`Alert` is made of (:meth:`Alert.of_row`)."""
_COLUMNS: Final = "id, rule, incident_id, origin, reason, created"
# What an evaluation writes (AlertWrites; insert_alert too)
_INSERT: Final = (
    f"INSERT INTO alerts ({_COLUMNS}, version, facts, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (rule, incident_id) DO NOTHING"
)
_VERSION: Final = "UPDATE alerts SET version = ?, facts = ? WHERE id = ?"
_LAPSE: Final = "UPDATE alerts SET lapsed = ?, updated = ?, changes = ? WHERE id = ?"
_MATCH: Final = (
    "UPDATE alerts SET version = ?, facts = ?, reason = ?, lapsed = NULL, updated = ?, changes = ? WHERE id = ?"
)
_EVENT: Final = "INSERT INTO alert_events (seq, alert_id, event, version, changes, at) VALUES (?, ?, ?, ?, ?, ?)"


def listed(table: str = "alerts") -> str:
    """An SQL condition: the alert in row ``table`` (a name or alias of ``alerts``) is listed, its incident
    having a current version here (a row in ``incidents``)."""
    return f"EXISTS (SELECT 1 FROM incidents i_now WHERE i_now.id = {table}.incident_id)"


def next_alert_seq(db: Database) -> int:
    """The ``seq`` the next alert stored takes: one more than the highest stored (see :func:`insert_alert`)."""
    row = db.fetchone("SELECT MAX(seq) FROM alerts")
    return 1 if row is None or row[0] is None else int(row[0]) + 1


def insert_alert(db: Database, alert: Alert, seq: int, facts: str | None = None) -> bool:
    """Store ``alert`` as number ``seq`` unless that rule already alerted on that incident; True when it was new.
    ``facts`` is what the rule looked at in the version that raised it (JSON, see
    :func:`sarhad.monitor.evaluate.looked_at`).

    ``seq`` is the order of storing, which the live stream follows (sarhad.monitor.stream): take it from
    :func:`next_alert_seq` in the same write transaction (:meth:`Database.transaction`, where writers take
    turns), and count on from it for each alert stored.
    """
    cur = db.execute(
        _INSERT,
        (alert.id, alert.rule, alert.incident_id, alert.origin, alert.reason, alert.created, alert.version, facts, seq),
    )
    return bool(cur.rowcount)


@dataclass(frozen=True, slots=True)
class StoredAlert:
    """What a new version of an incident is compared with: an alert's rule, version, facts and lapse."""

    id: str
    rule: str
    incident_id: str
    version: str | None
    facts: str | None
    lapsed: str | None


def stored_alerts(db: Database, incident_ids: Sequence[str]) -> dict[tuple[str, str], StoredAlert]:
    """The alerts raised on these incidents, by (rule, incident)."""
    found: dict[tuple[str, str], StoredAlert] = {}
    ids = list(dict.fromkeys(incident_ids))
    for start in range(0, len(ids), 400):
        chunk = ids[start : start + 400]
        rows = db.fetchall(
            "SELECT id, rule, incident_id, version, facts, lapsed FROM alerts"
            f" WHERE incident_id IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        for r in rows:
            a = StoredAlert(*(None if v is None else str(v) for v in r))  # type: ignore[arg-type]
            found[(a.rule, a.incident_id)] = a
    return found


def next_event_seq(db: Database) -> int:
    """The ``seq`` the next alert event stored takes (see :func:`change_alert`), as :func:`next_alert_seq`."""
    row = db.fetchone("SELECT MAX(seq) FROM alert_events")
    return 1 if row is None or row[0] is None else int(row[0]) + 1


class AlertWrites:
    """The writes to ``alerts`` and ``alert_events`` of one evaluation, held and written together (:meth:`write`):
    one statement per kind of write, not one per alert (an import raises thousands of alerts).

    Each alert's writes are written in the order made: a write of another kind to an alert that has one held
    writes those held first. Writes to different alerts do not depend on each other, nor do the events (each
    has its number, ``seq``, and the stream reads them only once committed)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._rows: dict[str, list[tuple[Any, ...]]] = {}  # the rows held, by statement, in the order made
        self._held: dict[str, str] = {}  # the statement of each alert's writes held, by the alert's id
        self._events: list[tuple[Any, ...]] = []

    def _hold(self, sql: str, alert_id: str, row: tuple[Any, ...]) -> None:
        if self._held.get(alert_id, sql) != sql:
            self.write()
        self._held[alert_id] = sql
        self._rows.setdefault(sql, []).append(row)

    def insert(self, alert: Alert, seq: int, facts: str) -> None:
        """Store the new ``alert`` as number ``seq`` (see :func:`insert_alert`; the caller knows that no alert of
        its rule on its incident is stored)."""
        a = alert
        self._hold(_INSERT, a.id, (a.id, a.rule, a.incident_id, a.origin, a.reason, a.created, a.version, facts, seq))

    def version(self, alert: StoredAlert, version: str, facts: str) -> StoredAlert:
        """Only the version of ``alert``'s incident that last matched, and its facts, changed; the alert now."""
        self._hold(_VERSION, alert.id, (version, facts, alert.id))
        return StoredAlert(alert.id, alert.rule, alert.incident_id, version, facts, None)

    def change(
        self,
        alert: StoredAlert,
        event: str,
        version: str,
        changes: Sequence[Change],
        at: str,
        seq: int,
        *,
        reason: str | None = None,
        facts: str | None = None,
    ) -> StoredAlert:
        """Record ``event`` (one of :data:`EVENTS`) of ``alert``, made by its incident's ``version``, as alert
        event number ``seq`` (from :func:`next_event_seq` in the same write transaction), at ``at``; return the
        alert as stored now. A version that matches (``updated``, ``matches_again``) gives its ``reason`` and
        ``facts``."""
        assert event in EVENTS
        changed = json.dumps(list(changes), ensure_ascii=False, separators=(",", ":"))
        if event == "no_longer_matches":
            self._hold(_LAPSE, alert.id, (version, at, changed, alert.id))
            now = StoredAlert(alert.id, alert.rule, alert.incident_id, alert.version, alert.facts, version)
        else:
            assert reason is not None and facts is not None
            self._hold(_MATCH, alert.id, (version, facts, reason, at, changed, alert.id))
            now = StoredAlert(alert.id, alert.rule, alert.incident_id, version, facts, None)
        self._events.append((seq, alert.id, event, version, changed, at))
        return now

    def write(self) -> None:
        """Write the writes held (one statement per kind)."""
        for sql, rows in self._rows.items():
            self.db.executemany(sql, rows)
        if self._events:
            self.db.executemany(_EVENT, self._events)
        self._rows.clear()
        self._held.clear()
        self._events.clear()


# A date-time as a desk writes it: a day, then a time to the minute or the second (a fraction allowed), and Z or an
# offset; without one it is UTC, as the alerts' times are. Digits only: fromisoformat alone takes '20261207T1400'.
_MOMENT: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?"
)
SINCE_FORMS: Final = (
    "YYYY, YYYY-MM, YYYY-MM-DD, or a date-time YYYY-MM-DDTHH:MM[:SS] with Z or an offset such as +05:00"
    " (without one: UTC)"
)
"""The forms an alerts listing's ``since`` takes (:func:`since_moment`), as an error lists them."""


def since_moment(text: str | None, name: str) -> str | None:
    """The bound ``list_alerts(since=…)`` takes for ``text``: a date (YYYY, YYYY-MM, YYYY-MM-DD: from its first day)
    or an ISO 8601 date-time (``2026-12-07T14:00``, ``…Z``, ``…+05:00``; without an offset, UTC), as a desk
    checking what came "since my last shift" writes it; None when not given. A date-time keeps the alerts raised at
    that instant or after.

    Raises InvalidInput naming ``name`` (the CLI's ``--since``) and the forms taken when ``text`` is none of them.
    """
    if text is None:
        return None
    if "T" not in text and " " not in text.strip():
        from sarhad._internal.dates import window_day

        try:
            return window_day(text, name, first=True)
        except InvalidInput:
            raise InvalidInput(f"{name} {text!r} is not a date or a date-time ({SINCE_FORMS})") from None
    try:
        if not _MOMENT.fullmatch(text):
            raise ValueError(text)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"{name} {text!r} is not a date or a date-time ({SINCE_FORMS})") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # Alerts' times read YYYY-MM-DDTHH:MM:SS.mmmZ (UTC): the instant's text less its milliseconds is before every
    # time of that second, so "created > bound" keeps the alerts raised at the instant itself. A fraction of a
    # second is cut to the millisecond the alerts' times keep.
    moment = moment.astimezone(UTC)
    text_utc = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        # after the last millisecond before it: e.g. 14:00:00.5 keeps 14:00:00.500Z, not 14:00:00.499Z
        before = moment - timedelta(milliseconds=1)
        return before.strftime("%Y-%m-%dT%H:%M:%S.") + f"{before.microsecond // 1000:03d}Z"
    return text_utc


def list_alerts(
    db: Database,
    *,
    rule: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
    limit_name: str = "limit",
    incident: str | None = None,
    unacked: bool = False,
) -> list[Alert]:
    """The alerts listed (:func:`listed`), newest first, with who acknowledged each and when; ``since`` keeps
    those created after that timestamp (a day, YYYY-MM-DD, keeps that day's; :func:`since_moment` reads a user's
    date or date-time), ``until`` those created on or
    before that day (YYYY-MM-DD), ``incident`` those on that incident, ``unacked`` those not acknowledged or
    changed since.

    Raises InvalidInput when ``limit`` is not positive, naming it as the caller's user knows it (``limit_name``:
    the CLI's ``--limit``, an API's field ``limit``), or when ``until`` is not a day.
    """
    if limit is not None and limit < 1:
        raise InvalidInput(f"{limit_name} {limit} is not positive (give 1 or more)")
    clauses, params = [listed()], []
    if rule:
        clauses.append("rule = ?")
        params.append(rule)
    if incident:
        clauses.append("incident_id = ?")
        params.append(incident)
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
    if unacked:
        clauses.append(
            "NOT EXISTS (SELECT 1 FROM alert_acks k WHERE k.alert_id = alerts.id"
            " AND (alerts.updated IS NULL OR alerts.updated <= k.at))"
        )
    acks = ", ".join(f"(SELECT k.{c} FROM alert_acks k WHERE k.alert_id = alerts.id)" for c in ("principal", "at"))
    sql = f"SELECT {COLUMNS}, facts, {acks} FROM alerts WHERE " + " AND ".join(clauses)
    sql += " ORDER BY created DESC, id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [Alert.of_row(row) for row in db.fetchall(sql, params)]


def acknowledge(db: Database, ids: Sequence[str], principal: str, at: str | None = None) -> list[tuple[Alert, bool]]:
    """Acknowledge the alerts ``ids`` as ``principal`` at ``at`` (an ISO 8601 UTC timestamp as the alerts' own,
    default now), all or none, in the caller's transaction if any. Each comes back as listed afterwards, with True
    when this acknowledged it; an alert acknowledged before keeps who and when (False), unless it changed since:
    then it is acknowledged again.

    Raises NotFound naming the first id that is no alert listed here (nothing is acknowledged then).
    """
    if at is None:
        moment = datetime.now(UTC)
        at = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    out: list[tuple[Alert, bool]] = []
    with db.transaction():
        for alert_id_ in dict.fromkeys(ids):
            found = list_alerts_by_id(db, alert_id_)
            if found is None:
                raise NotFound(
                    f"no alert {alert_id_!r} is listed on this node ('sarhad alerts list' gives the ids);"
                    " nothing was acknowledged"
                )
            if found.acked_at is not None and not found.changed_since_acked:
                out.append((found, False))
                continue
            db.execute("DELETE FROM alert_acks WHERE alert_id = ?", (alert_id_,))
            db.execute("INSERT INTO alert_acks (alert_id, principal, at) VALUES (?, ?, ?)", (alert_id_, principal, at))
            out.append((replace(found, acked_by=principal, acked_at=at), True))
    return out


def list_alerts_by_id(db: Database, alert_id_: str) -> Alert | None:
    """The alert ``alert_id_`` as :func:`list_alerts` lists it, or None when it is not listed."""
    acks = ", ".join(f"(SELECT k.{c} FROM alert_acks k WHERE k.alert_id = alerts.id)" for c in ("principal", "at"))
    row = db.fetchone(f"SELECT {COLUMNS}, facts, {acks} FROM alerts WHERE id = ? AND {listed()}", (alert_id_,))
    return None if row is None else Alert.of_row(row)
