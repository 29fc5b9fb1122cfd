"""The dashboard's read models: aggregates computed in the database, so the page never loads every record.

* :func:`timeline`: incidents and killed per month per reporting party;
* :func:`markers`: the map's points, or, when more than ``limit`` match the view, grid clusters sized to the
  zoom level (count, killed, the dominant party);
* :func:`table`: one page of incidents, newest first, with the total;
* :func:`options`: the values the filters offer (parties, provinces, perpetrators).

All take the store's :class:`~sarhad.store.incidents.Filters` (with the principal's TLP levels applied by the
caller).
"""

from __future__ import annotations

from typing import Any, Final

from sarhad.errors import InvalidInput
from sarhad.store.db import Database
from sarhad.store.incidents import Filters

__all__ = ["COMPACT_COLUMNS", "compact_rows", "markers", "options", "table", "timeline"]

COMPACT_COLUMNS: Final = (
    "id", "date_start", "reported_by", "dataset", "country", "admin1", "admin2", "place", "lat", "lon",
    "border_km", "perpetrator", "attack_type", "killed_low", "killed_best", "killed_high", "wounded_best",
    "tlp", "origin",
)  # fmt: skip
_SELECT: Final = ", ".join(COMPACT_COLUMNS)
_CELL_PX: Final = 56  # a cluster cell, in screen pixels at the requested zoom


def _compact(row: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(COMPACT_COLUMNS, row, strict=True))


def compact_rows(db: Database, where: str, params: list[Any]) -> list[dict[str, Any]]:
    """Compact incident dicts (the table's and the stream's shape) for a ``WHERE`` clause."""
    return [_compact(r) for r in db.fetchall(f"SELECT {_SELECT} FROM incidents WHERE {where}", params)]


def _and(where: str, clause: str) -> str:
    return f"{where} AND {clause}" if where else f" WHERE {clause}"


def timeline(db: Database, filters: Filters) -> list[dict[str, Any]]:
    """Incidents and killed (best, else low) per month and reporting party, oldest month first."""
    where, params = filters.where()
    rows = db.fetchall(
        "SELECT SUBSTR(date_start, 1, 7) AS m, reported_by, COUNT(*), SUM(COALESCE(killed_best, killed_low, 0))"
        f" FROM incidents{where} GROUP BY m, reported_by ORDER BY m, reported_by",
        params,
    )
    return [{"month": r[0], "party": r[1], "incidents": int(r[2]), "killed": int(r[3] or 0)} for r in rows]


def markers(
    db: Database,
    filters: Filters,
    *,
    zoom: int = 5,
    bbox: tuple[float, float, float, float] | None = None,
    limit: int = 1500,
) -> dict[str, Any]:
    """The map's markers in ``bbox`` (min_lon, min_lat, max_lon, max_lat) at ``zoom``.

    Up to ``limit`` matching incidents come back as points; beyond that, as clusters of a grid whose cells
    are about 56 screen pixels wide at ``zoom``. Raises InvalidInput for a zoom outside 0..18.
    """
    if not 0 <= zoom <= 18:
        raise InvalidInput(f"zoom {zoom} is outside 0..18")
    where, params = filters.where()
    where = _and(where, "lat IS NOT NULL")
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = bbox
        where = _and(where, "lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?")
        params = [*params, min_lat, max_lat, min_lon, max_lon]
    # Count only up to limit + 1: enough to decide between points and clusters without a full count.
    head = db.fetchall(
        f"SELECT {_SELECT} FROM incidents{where} ORDER BY date_start DESC, id LIMIT ?", [*params, limit + 1]
    )
    if len(head) <= limit:
        return {"mode": "points", "points": [_compact(r) for r in head], "total": len(head)}
    cell = 360.0 / (2**zoom) * _CELL_PX / 256.0
    rows = db.fetchall(
        f"SELECT CAST(FLOOR(lat / {cell!r}) AS INTEGER) AS gy, CAST(FLOOR(lon / {cell!r}) AS INTEGER) AS gx,"
        " reported_by, COUNT(*), SUM(COALESCE(killed_best, killed_low, 0)), AVG(lat), AVG(lon)"
        f" FROM incidents{where} GROUP BY gy, gx, reported_by",
        params,
    )
    cells: dict[tuple[int, int], dict[str, Any]] = {}
    for gy, gx, party, n, killed, lat, lon in rows:
        c = cells.setdefault(
            (int(gy), int(gx)), {"count": 0, "killed": 0, "lat_sum": 0.0, "lon_sum": 0.0, "parties": {}}
        )
        c["count"] += int(n)
        c["killed"] += int(killed or 0)
        c["lat_sum"] += float(lat) * int(n)
        c["lon_sum"] += float(lon) * int(n)
        c["parties"][party] = c["parties"].get(party, 0) + int(n)
    clusters = [
        {
            "lat": round(c["lat_sum"] / c["count"], 4),
            "lon": round(c["lon_sum"] / c["count"], 4),
            "count": c["count"],
            "killed": c["killed"],
            "party": max(c["parties"].items(), key=lambda kv: (kv[1], kv[0]))[0],
            "parties": c["parties"],
        }
        for c in cells.values()
    ]
    clusters.sort(key=lambda c: -int(c["count"]))
    return {"mode": "clusters", "clusters": clusters, "total": sum(int(c["count"]) for c in clusters), "cell": cell}


def table(db: Database, filters: Filters, *, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """One page of matching incidents, newest first, and how many match. Raises InvalidInput on a bad page."""
    if not 1 <= limit <= 500:
        raise InvalidInput(f"limit {limit} is outside 1..500")
    if offset < 0:
        raise InvalidInput(f"offset {offset} is negative")
    where, params = filters.where()
    rows = db.fetchall(
        f"SELECT {_SELECT} FROM incidents{where} ORDER BY date_start DESC, id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    total = db.fetchone(f"SELECT COUNT(*) FROM incidents{where}", params)
    return {
        "total": int(total[0]) if total else 0,
        "limit": limit,
        "offset": offset,
        "rows": [_compact(r) for r in rows],
    }


def options(db: Database, filters: Filters) -> dict[str, Any]:
    """What the filters can offer: parties, provinces (with country) and the 40 most frequent perpetrators,
    plus the date range of the data."""
    where, params = filters.where()
    parties = [str(r[0]) for r in db.fetchall(f"SELECT DISTINCT reported_by FROM incidents{where} ORDER BY 1", params)]
    provinces = [
        {"country": r[0], "admin1": r[1]}
        for r in db.fetchall(
            f"SELECT DISTINCT country, admin1 FROM incidents{_and(where, 'admin1 IS NOT NULL')} ORDER BY 1, 2", params
        )
    ]
    perps = [
        {"name": r[0], "incidents": int(r[1])}
        for r in db.fetchall(
            f"SELECT perpetrator, COUNT(*) AS n FROM incidents{_and(where, 'perpetrator IS NOT NULL')}"
            " GROUP BY perpetrator ORDER BY n DESC, perpetrator LIMIT 40",
            params,
        )
    ]
    span = db.fetchone(f"SELECT MIN(date_start), MAX(date_start) FROM incidents{where}", params)
    return {
        "parties": parties,
        "provinces": provinces,
        "perpetrators": perps,
        "first": span[0] if span else None,
        "last": span[1] if span else None,
    }
