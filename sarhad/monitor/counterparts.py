"""Other parties' records of the same incident, and where they disagree with it.

Two records are counterparts when different parties (``reported_by``) report them, their start dates are at
most :data:`DAYS` apart, and their places are at most :data:`KM` apart (or, without coordinates, they name
the same district, else the same province). They *disagree* when both name a perpetrator and the names are
unrelated, or both give killed figures whose ranges (low..high) do not overlap. This is a local, indexed
lookup (dates first) for the dashboard's detail panel and the ``disagrees`` rule; the reconciler's clusters
are the full answer for the joint view.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from sarhad.store.db import Database
from sarhad.store.incidents import INCIDENT_COLUMNS

__all__ = ["DAYS", "KM", "Facts", "counterparts", "disagreements", "disagrees", "haversine_km"]

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


def _norm(name: str) -> str:
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


def counterparts(db: Database, record: Facts, *, limit: int = 20) -> list[tuple[dict[str, Any], list[str]]]:
    """Other parties' records of ``record``'s incident, nearest in time first, each with its disagreements.

    Disagreement texts about the date only are not counted as a disagreement by :func:`disagrees`.
    """
    try:
        day = date.fromisoformat(record.date_start)
    except ValueError:
        return []
    since, until = (day - timedelta(days=DAYS)).isoformat(), (day + timedelta(days=DAYS)).isoformat()
    sql = f"SELECT {', '.join(INCIDENT_COLUMNS)} FROM incidents WHERE date_start BETWEEN ? AND ? AND reported_by <> ?"
    params: list[Any] = [since, until, record.reported_by]
    if record.lat is not None and record.lon is not None:
        dlat = KM / 111.0
        dlon = KM / (111.0 * max(0.1, math.cos(math.radians(record.lat))))
        sql += " AND (lat IS NULL OR (lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?))"
        params += [record.lat - dlat, record.lat + dlat, record.lon - dlon, record.lon + dlon]
    sql += " LIMIT 500"
    found = []
    for row in db.fetchall(sql, params):
        data = dict(zip(INCIDENT_COLUMNS, row, strict=True))
        other = Facts.from_row(data)
        if other.id == record.id or not _near(record, other):
            continue
        found.append((abs((date.fromisoformat(other.date_start) - day).days), data, disagreements(record, other)))
    found.sort(key=lambda t: (t[0], t[1]["id"]))
    return [(data, diffs) for _, data, diffs in found[:limit]]


def disagrees(db: Database, record: Facts) -> list[str]:
    """The disagreements (perpetrator or killed) between ``record`` and any other party's record of it."""
    out = []
    for data, diffs in counterparts(db, record):
        real = [d for d in diffs if not d.startswith("date:")]
        if real:
            out.append(f"{data['reported_by']} {data['id']}: " + "; ".join(real))
    return out
