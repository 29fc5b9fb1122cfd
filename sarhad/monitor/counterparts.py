"""Other parties' records of the same incident, and where they disagree with it.

Two records are counterparts when different parties (``reported_by``) report them, their start dates are at
most :data:`DAYS` apart, and their places are at most :data:`KM` apart (or, without coordinates, they name
the same district, else the same province). They *disagree* when both name a perpetrator and the names are
unrelated, or both give killed figures whose ranges (low..high) do not overlap. This is a local, indexed
lookup (dates first) for the dashboard's detail panel and the ``disagrees`` rule (for a batch of records,
:func:`disagrees_many`: a few queries instead of one a record); the reconciler's clusters are the full answer
for the joint view.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final, NamedTuple

from sarhad.store.db import Database
from sarhad.store.incidents import INCIDENT_COLUMNS

__all__ = ["DAYS", "KM", "Facts", "counterparts", "disagreements", "disagrees", "disagrees_many", "haversine_km"]

DAYS: Final = 3
KM: Final = 50.0
_EARTH_KM: Final = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in km between two points (mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True, slots=True)
class Facts:
    """What the comparison needs of one record (a row of the ``incidents`` table)."""

    id: str
    reported_by: str
    date_start: str
    lat: float | None
    lon: float | None
    admin1: str | None
    admin2: str | None
    perpetrator: str | None
    killed_low: int | None
    killed_best: int | None
    killed_high: int | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Facts:
        return cls(
            str(row["id"]), str(row["reported_by"]), str(row["date_start"]), row["lat"], row["lon"], row["admin1"],
            row["admin2"], row["perpetrator"], row["killed_low"], row["killed_best"], row["killed_high"],
        )  # fmt: skip

    def killed_range(self) -> tuple[int, int] | None:
        values = [v for v in (self.killed_low, self.killed_best, self.killed_high) if v is not None]
        return (min(values), max(values)) if values else None


@functools.lru_cache(maxsize=4096)
def _norm(name: str) -> str:
    # Cached: a batch compares the same few names again and again (a few µs each).
    return " ".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


def disagreements(a: Facts, b: Facts) -> list[str]:
    """How two counterparts disagree, in words (empty when they agree on what both state)."""
    out: list[str] = []
    if a.perpetrator and b.perpetrator:
        na, nb = _norm(a.perpetrator), _norm(b.perpetrator)
        if na and nb and na not in nb and nb not in na:
            out.append(f"perpetrator: {a.reported_by} says {a.perpetrator!r}, {b.reported_by} says {b.perpetrator!r}")
    ra, rb = a.killed_range(), b.killed_range()
    if ra and rb and (ra[1] < rb[0] or rb[1] < ra[0]):
        out.append(f"killed: {a.reported_by} {_fmt(ra)}, {b.reported_by} {_fmt(rb)}")
    if a.date_start != b.date_start:
        out.append(f"date: {a.reported_by} {a.date_start}, {b.reported_by} {b.date_start}")
    return out


def _fmt(r: tuple[int, int]) -> str:
    return str(r[0]) if r[0] == r[1] else f"{r[0]}-{r[1]}"


def _near(a: Facts, b: Facts) -> bool:
    if a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None:
        return haversine_km(a.lat, a.lon, b.lat, b.lon) <= KM
    if a.admin2 and b.admin2:
        return a.admin2.lower() == b.admin2.lower()
    return bool(a.admin1 and b.admin1 and a.admin1.lower() == b.admin1.lower())


# The lookup reads at most this many rows of a record's days and box (the dashboard's detail needs no more).
_ROWS: Final = 500
# The counterparts :func:`disagrees` compares: the nearest in time (the dashboard shows as many).
_NEAREST: Final = 20
# Records per query of :func:`disagrees_many`: 8 parameters each, well within SQLite's 32,766 and
# PostgreSQL's 65,535, and few enough that one query's rows (every candidate of each) stay small.
_BATCH: Final = 250
# The Facts columns, in Facts' order, of the batched lookup's rows.
_FACTS = ("id", "reported_by", "date_start", "lat", "lon", "admin1", "admin2", "perpetrator", "killed_low",
          "killed_best", "killed_high")  # fmt: skip


class _Window(NamedTuple):
    """What the lookup reads for one record: start dates ``since..until`` (ISO text), rows of parties other
    than ``party``, and, when the record has coordinates, rows without any or inside ``box`` (lat0, lat1,
    lon0, lon1), which holds every point within :data:`KM`."""

    day: date
    since: str
    until: str
    party: str
    box: tuple[float, float, float, float] | None


def _window(record: Facts) -> _Window | None:
    """The rows :func:`counterparts` reads for ``record``; None when its start date is not a date (it has none)."""
    try:
        day = date.fromisoformat(record.date_start)
    except ValueError:
        return None
    since, until = (day - timedelta(days=DAYS)).isoformat(), (day + timedelta(days=DAYS)).isoformat()
    box = None
    if record.lat is not None and record.lon is not None:
        dlat = KM / 111.0
        dlon = KM / (111.0 * max(0.1, math.cos(math.radians(record.lat))))
        box = (record.lat - dlat, record.lat + dlat, record.lon - dlon, record.lon + dlon)
    return _Window(day, since, until, record.reported_by, box)


def _nearest(record: Facts, day: date, others: Iterable[tuple[Facts, Any]], limit: int) -> list[tuple[Any, list[str]]]:
    """Of the rows read for ``record`` (each as Facts, with what to return for it), its counterparts (other
    records, near enough), nearest in time first (then by id), at most ``limit``, each with its disagreements."""
    found = []
    for other, data in others:
        if other.id == record.id or not _near(record, other):
            continue
        found.append((abs((date.fromisoformat(other.date_start) - day).days), other.id, data, other))
    found.sort(key=lambda t: (t[0], t[1]))
    return [(data, disagreements(record, other)) for _, _, data, other in found[:limit]]


def counterparts(db: Database, record: Facts, *, limit: int = _NEAREST) -> list[tuple[dict[str, Any], list[str]]]:
    """Other parties' records of ``record``'s incident, nearest in time first, each with its disagreements.

    Disagreement texts about the date only are not counted as a disagreement by :func:`disagrees`.
    """
    window = _window(record)
    if window is None:
        return []
    sql = f"SELECT {', '.join(INCIDENT_COLUMNS)} FROM incidents WHERE date_start BETWEEN ? AND ? AND reported_by <> ?"
    params: list[Any] = [window.since, window.until, window.party]
    if window.box is not None:
        sql += " AND (lat IS NULL OR (lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?))"
        params += window.box
    sql += f" LIMIT {_ROWS}"
    rows = [dict(zip(INCIDENT_COLUMNS, row, strict=True)) for row in db.fetchall(sql, params)]
    return _nearest(record, window.day, ((Facts.from_row(data), data) for data in rows), limit)


def _said(found: Iterable[tuple[str, str, list[str]]]) -> list[str]:
    """The disagreements (not about the date alone) with each counterpart found (its party, its id, how they
    differ), one text per counterpart that disagrees."""
    out = []
    for party, other, diffs in found:
        real = [d for d in diffs if not d.startswith("date:")]
        if real:
            out.append(f"{party} {other}: " + "; ".join(real))
    return out


def disagrees(db: Database, record: Facts) -> list[str]:
    """The disagreements (perpetrator or killed) between ``record`` and any other party's record of it."""
    return _said((data["reported_by"], data["id"], diffs) for data, diffs in counterparts(db, record))


def disagrees_many(db: Database, records: Sequence[Facts]) -> list[list[str]]:
    """:func:`disagrees` for each of ``records``, in order, with one query for many records instead of one each.

    Each query joins a list of the records' windows (dates, party, box: what :func:`counterparts` reads) with
    the rows of ``incidents`` through its date index. The answer is the one :func:`disagrees` gives, record
    by record, on the same rows: rows the caller wrote before the call (in its transaction) count, so records
    written together find each other. A record with more rows in its window than :func:`counterparts` reads is
    looked up alone, as :func:`disagrees` does (which of them it reads is then the database's choice).
    """
    out: list[list[str]] = [[] for _ in records]
    windows = [(i, w) for i, w in enumerate(map(_window, records)) if w is not None]
    real = db.ddl("{real}")
    columns = ", ".join(f"i.{c}" for c in _FACTS)
    for at in range(0, len(windows), _BATCH):
        part = windows[at : at + _BATCH]
        # The casts type the box's columns on PostgreSQL, where a column of NULLs would otherwise be text.
        values = ", ".join([f"(?, ?, ?, ?, CAST(? AS {real}), CAST(? AS {real}), CAST(? AS {real}), CAST(? AS {real}))"]
                           * len(part))  # fmt: skip
        params: list[Any] = []
        for i, w in part:
            params += (i, w.since, w.until, w.party, *(w.box or (None, None, None, None)))
        # CROSS JOIN: SQLite takes the windows as the outer loop (each a range of the date index), as written.
        sql = (
            f"WITH w (k, since, until, party, lat0, lat1, lon0, lon1) AS (VALUES {values})"
            f" SELECT w.k, {columns} FROM w CROSS JOIN incidents i"
            " WHERE i.date_start BETWEEN w.since AND w.until AND i.reported_by <> w.party"
            " AND (w.lat0 IS NULL OR i.lat IS NULL"
            " OR (i.lat BETWEEN w.lat0 AND w.lat1 AND i.lon BETWEEN w.lon0 AND w.lon1))"
        )
        read: dict[int, list[Facts]] = {i: [] for i, _ in part}
        seen: dict[str, Facts] = {}  # a row in the windows of several records is made Facts once
        for k, *row in db.fetchall(sql, params):
            other = seen.get(row[0])
            if other is None:
                other = seen[row[0]] = Facts(*row)
            read[k].append(other)
        for i, w in part:
            others = read[i]
            record = records[i]
            if len(others) > _ROWS:
                out[i] = disagrees(db, record)
            else:
                found = _nearest(record, w.day, ((o, o) for o in others), _NEAREST)
                out[i] = _said((o.reported_by, o.id, diffs) for o, diffs in found)
    return out
