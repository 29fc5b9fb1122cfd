"""The dashboard's read models: aggregates computed in the database, so the page never loads every record.

* :func:`timeline`: incidents and killed per month per reporting party, and how many give a killed figure;
  :func:`timeline_years`: the same per year for the incidents whose date is known only to the year, which
  are in no month;
* :func:`markers`: the map's points, or, when more than ``limit`` match the view, grid clusters sized to the
  zoom level (count, killed and how many give a killed figure, the dominant party);
* :func:`table`: one page of incidents, newest first, with the total;
* :func:`options`: the values the filters offer (parties, countries, provinces, perpetrators).

All take the store's :class:`~sarhad.store.incidents.Filters` (with the principal's TLP levels applied by the
caller).

Speed: the timeline, the filter lists and the table's total read the summary tables of
:mod:`sarhad.monitor.summary` (their cost grows with the number of groups, not of incidents) whenever the
filters are only dates, country, province, perpetrator, party, dataset and TLP; a date range that starts or
ends inside a month reads that month's rows through the date index. The map's clusters read the precomputed
grid cells at zoom levels 3..11 when the filters are only party and TLP. Both also answer when the licences left
out are exactly those that forbid redistribution (another party's principals': the summaries' ``restricted``
key). Other filters (distance to the border, a bounding box on the table, other licences left out; any filter
but party on the clusters) fall back to queries over the rows; the clusters then aggregate at most the newest
200,000 matching rows (``"sampled": true``).
"""

from __future__ import annotations

import calendar
import functools
import math
import re
from dataclasses import fields, replace
from typing import Any, Final

from sarhad.errors import InvalidInput
from sarhad.model.codes import RESTRICTED_LICENCES
from sarhad.monitor.summary import BANDS, cell_size
from sarhad.store.db import Database
from sarhad.store.incidents import Filters, perpetrator_group

__all__ = ["COMPACT_COLUMNS", "compact_rows", "markers", "options", "table", "timeline", "timeline_years"]

# the date as stored with its end and precision: a page writes it no more exactly than it is known (2019, 2019-03)
COMPACT_COLUMNS: Final = (
    "id", "date_start", "date_end", "date_precision", "reported_by", "dataset", "country", "admin1", "admin2",
    "place", "lat", "lon", "border_km", "perpetrator", "attack_type", "killed_low", "killed_best", "killed_high",
    "wounded_best", "tlp", "origin", "killed_zero_ambiguous",
)  # fmt: skip
_SELECT: Final = ", ".join(COMPACT_COLUMNS)
_SAMPLE: Final = 200_000  # at most this many rows feed clusters computed from the rows
_SUMMARY_FIELDS: Final = frozenset(
    {
        "since",
        "until",
        "country",
        "side",
        "admin1",
        "admin1_spellings",
        "perpetrator",
        "perpetrator_spellings",
        "dialect",  # of the spellings
        "reported_by",
        "dataset",
        "tlp",
    }
)
_CELL_FIELDS: Final = frozenset({"reported_by", "tlp"})
_DAY: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_KILLED: Final = "COALESCE(killed_best, killed_low, 0)"
_KILLED_GIVEN: Final = "(killed_best IS NOT NULL OR killed_low IS NOT NULL)"  # the incidents _KILLED counts
_KNOWN: Final = f"SUM(CASE WHEN {_KILLED_GIVEN} THEN 1 ELSE 0 END)"


def _compact(row: tuple[Any, ...]) -> dict[str, Any]:
    """A row's columns, and ``perpetrator_group``: the alias registry's name for its perpetrator (or the name as
    stored), so that the page colours every spelling of a group alike, as the perpetrator filter groups them."""
    compact = dict(zip(COMPACT_COLUMNS, row, strict=True))
    compact["perpetrator_group"] = _group_of(compact["perpetrator"])
    # ACLED's 0, for none and no information alike: the page shows it as 0? (NULL: a row written without it)
    compact["killed_zero_ambiguous"] = bool(compact["killed_zero_ambiguous"])
    return compact


# A page of markers names a handful of spellings many times over: each is resolved once.
_group_of = functools.lru_cache(maxsize=4096)(perpetrator_group)


def compact_rows(db: Database, where: str, params: list[Any]) -> list[dict[str, Any]]:
    """Compact incident dicts (the table's and the stream's shape) for a ``WHERE`` clause."""
    return [_compact(r) for r in db.fetchall(f"SELECT {_SELECT} FROM incidents WHERE {where}", params)]


def _and(where: str, clause: str) -> str:
    return f"{where} AND {clause}" if where else f" WHERE {clause}"


def _only(filters: Filters, allowed: frozenset[str]) -> bool:
    """Whether every filter outside ``allowed`` is unset."""
    default = Filters()
    return all(getattr(filters, f.name) == getattr(default, f.name) for f in fields(Filters) if f.name not in allowed)


def _summarised(filters: Filters) -> tuple[Filters, str | None] | None:
    """``filters`` as the summary tables take them: without the licences left out, and the clause on their
    ``restricted`` key that leaves out the same rows (None when no clause is needed); None when the summaries
    cannot leave out those licences (some but not all of those that forbid redistribution, or others)."""
    if not filters.exclude_licences:
        return filters, None
    if frozenset(filters.exclude_licences) == RESTRICTED_LICENCES:
        return replace(filters, exclude_licences=()), "restricted = 0"
    return None


def _month_after(month: str) -> str:
    y, m = int(month[:4]), int(month[5:7])
    return f"{y + m // 12:04d}-{m % 12 + 1:02d}"


def _month_before(month: str) -> str:
    y, m = int(month[:4]), int(month[5:7])
    return f"{y - 1:04d}-12" if m == 1 else f"{y:04d}-{m - 1:02d}"


def _last_day(month: str) -> str:
    return f"{month}-{calendar.monthrange(int(month[:4]), int(month[5:7]))[1]:02d}"


def _month_split(since: str | None, until: str | None) -> tuple[str | None, str | None, list[tuple[str, str]]] | None:
    """The whole months (first, last; None for open) the summary answers, and the day ranges at the edges
    that the rows must answer. None when a date is not ``YYYY-MM-DD``."""
    if (since and not _DAY.fullmatch(since)) or (until and not _DAY.fullmatch(until)):
        return None
    first = last = None
    edges: list[tuple[str, str]] = []
    if since:
        month = since[:7]
        if since[8:] == "01":
            first = month
        else:
            first = _month_after(month)
            edges.append((since, min(until or _last_day(month), _last_day(month))))
    if until:
        month = until[:7]
        if until >= _last_day(month):
            last = month
        else:
            last = _month_before(month)
            if not (since and since[:7] == month and since[8:] != "01"):
                edges.append((max(since or f"{month}-01", f"{month}-01"), until))
    return first, last, edges


def _beyond_levels(filters: Filters) -> Filters | None:
    """The filters of the rows ``filters.readable`` admits besides the levels of ``filters.tlp`` (None when it
    admits none besides: the summary tables, which know levels but not recipients, then answer alone)."""
    if filters.readable is None or filters.tlp is None:
        return None
    clause, params = filters.readable
    if filters.tlp:
        clause = f"{clause} AND tlp NOT IN ({', '.join('?' * len(filters.tlp))})"
        params = (*params, *filters.tlp)
    return replace(filters, tlp=None, readable=(clause, params))


def _add(out: dict[tuple[Any, ...], list[int]], rows: list[tuple[Any, ...]], width: int) -> None:
    """Add (dims..., incidents, killed, incidents giving a killed figure) rows to ``out``, by their dims."""
    for r in rows:
        g = out.setdefault(tuple(r[:width]), [0, 0, 0])
        g[0] += int(r[-3] or 0)
        g[1] += int(r[-2] or 0)
        g[2] += int(r[-1] or 0)


def _groups(db: Database, filters: Filters, dims: tuple[str, ...]) -> dict[tuple[Any, ...], list[int]] | None:
    """Incidents, killed and the incidents giving a killed figure per value of ``dims`` (summary columns; '' for
    a missing value), from the summary table plus the partial months' rows; None when the summary cannot answer
    ``filters``."""
    extra = _beyond_levels(filters)
    if extra is not None:
        # the summaries answer the readable levels; the rows the principal may read besides them (its TLP:RED
        # records: a partial index finds them) are added from the rows
        found = _groups(db, replace(filters, readable=None), dims)
        if found is None:
            return None
        where, params = extra.where()
        exprs = [("SUBSTR(date_start, 1, 7)" if d == "month" else f"COALESCE({d}, '')") for d in dims]
        group = f" GROUP BY {', '.join(exprs)}" if dims else ""
        cols = "".join(f"{e}, " for e in exprs)
        sql = f"SELECT {cols}COUNT(*), SUM({_KILLED}), {_KNOWN} FROM incidents{where}{group}"
        _add(found, db.fetchall(sql, params), len(dims))
        return {k: v for k, v in found.items() if v[0] > 0}
    summarised = _summarised(filters)
    if summarised is None or not _only(summarised[0], _SUMMARY_FIELDS):
        return None
    split = _month_split(filters.since, filters.until)
    if split is None:
        return None
    first, last, edges = split
    out: dict[tuple[Any, ...], list[int]] = {}
    cols = "".join(f"{d}, " for d in dims)
    group = f" GROUP BY {', '.join(dims)}" if dims else ""
    if first is None or last is None or first <= last:
        where, params = replace(summarised[0], since=None, until=None).where()
        if summarised[1]:
            where = _and(where, summarised[1])
        if first:
            where, params = _and(where, "month >= ?"), [*params, first]
        if last:
            where, params = _and(where, "month <= ?"), [*params, last]
        sql = f"SELECT {cols}SUM(n), SUM(killed), SUM(killed_known) FROM incident_summary{where}{group}"
        _add(out, db.fetchall(sql, params), len(dims))
    exprs = [("SUBSTR(date_start, 1, 7)" if d == "month" else f"COALESCE({d}, '')") for d in dims]
    row_cols = "".join(f"{e}, " for e in exprs)
    row_group = f" GROUP BY {', '.join(exprs)}" if dims else ""
    for lo, hi in edges:
        where, params = replace(filters, since=lo, until=hi).where()
        sql = f"SELECT {row_cols}COUNT(*), SUM({_KILLED}), {_KNOWN} FROM incidents{where}{row_group}"
        _add(out, db.fetchall(sql, params), len(dims))
    return {k: v for k, v in out.items() if v[0] > 0}


def _year_only(db: Database, filters: Filters) -> dict[tuple[Any, ...], list[int]]:
    """Incidents, killed and the incidents giving a killed figure per start month and reporting party, of the
    incidents ``filters`` select whose date is known only to the year (through their partial index)."""
    where, params = replace(filters, year_only=True).where()
    found: dict[tuple[Any, ...], list[int]] = {}
    _add(
        found,
        db.fetchall(
            f"SELECT SUBSTR(date_start, 1, 7) AS m, reported_by, COUNT(*), SUM({_KILLED}), {_KNOWN}"
            f" FROM incidents{where} GROUP BY m, reported_by",
            params,
        ),
        2,
    )
    return found


def timeline(db: Database, filters: Filters) -> list[dict[str, Any]]:
    """Incidents and killed (best, else low) per month and reporting party, oldest month first.

    An incident whose date is known only to the year (GTD's ``imonth`` 0, UCDP's ``date_prec`` 5) is in no
    month, whichever day its range starts on: :func:`timeline_years` counts it under its year. ``since`` and
    ``until`` read the range's first day, as everywhere.

    ``killed`` adds the figures given; ``killed_known`` says how many of the incidents give one: at 0 the
    killed figure of that month and party is unknown (``killed`` then reads 0), not none."""
    groups = _groups(db, filters, ("month", "reported_by"))
    if groups is None:
        where, params = replace(filters, year_only=False).where()
        groups = {}
        _add(
            groups,
            db.fetchall(
                f"SELECT SUBSTR(date_start, 1, 7) AS m, reported_by, COUNT(*), SUM({_KILLED}), {_KNOWN}"
                f" FROM incidents{where} GROUP BY m, reported_by",
                params,
            ),
            2,
        )
    else:
        # The summary counts every incident in the month its range starts in: those known only to the year
        # move out.
        for key, (n, killed, known) in _year_only(db, filters).items():
            g = groups.get((key[0], "" if key[1] is None else str(key[1])))
            if g is not None:
                g[0] -= n
                g[1] -= killed
                g[2] -= known
        groups = {k: v for k, v in groups.items() if v[0] > 0}
    return [
        {"month": k[0], "party": k[1], "incidents": v[0], "killed": v[1], "killed_known": v[2]}
        for k, v in sorted(groups.items())
    ]


def timeline_years(db: Database, filters: Filters) -> list[dict[str, Any]]:
    """What :func:`timeline` gives per month, per year and reporting party for the incidents whose date is
    known only to the year, which it leaves out; oldest year first. The year is the one the range starts in."""
    years: dict[tuple[Any, ...], list[int]] = {}
    for (month, party), counts in _year_only(db, filters).items():
        _add(years, [(str(month)[:4], party, *counts)], 2)
    return [
        {"year": k[0], "party": k[1], "incidents": v[0], "killed": v[1], "killed_known": v[2]}
        for k, v in sorted(years.items())
    ]


def _clusters(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Clusters from (gy, gx, party, count, killed, killed_known, lat_sum, lon_sum) rows, largest first.

    ``killed`` adds the figures given; ``killed_known`` says how many of the cluster's incidents give one: at 0
    the cluster's killed figure is unknown (``killed`` then reads 0), not none."""
    cells: dict[tuple[int, int], dict[str, Any]] = {}
    for gy, gx, party, n, killed, known, lat_sum, lon_sum in rows:
        if not n:
            continue
        c = cells.setdefault(
            (int(gy), int(gx)),
            {"count": 0, "killed": 0, "killed_known": 0, "lat_sum": 0.0, "lon_sum": 0.0, "parties": {}},
        )
        c["count"] += int(n)
        c["killed"] += int(killed or 0)
        c["killed_known"] += int(known or 0)
        c["lat_sum"] += float(lat_sum)
        c["lon_sum"] += float(lon_sum)
        c["parties"][party] = c["parties"].get(party, 0) + int(n)
    clusters = [
        {
            "lat": round(c["lat_sum"] / c["count"], 4),
            "lon": round(c["lon_sum"] / c["count"], 4),
            "count": c["count"],
            "killed": c["killed"],
            "killed_known": c["killed_known"],
            "party": max(c["parties"].items(), key=lambda kv: (kv[1], kv[0]))[0],
            "parties": c["parties"],
        }
        for c in cells.values()
        if c["count"] > 0
    ]
    clusters.sort(key=lambda c: -int(c["count"]))
    return clusters


def _points(db: Database, where: str, params: list[Any], limit: int) -> tuple[list[tuple[Any, ...]], bool]:
    head = db.fetchall(
        f"SELECT {_SELECT} FROM incidents{where} ORDER BY date_start DESC, id LIMIT ?", [*params, limit + 1]
    )
    return head, len(head) <= limit


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
    are about 56 screen pixels wide at ``zoom`` (from the precomputed cells when the filters allow: then the
    choice counts the cells that touch ``bbox``). Raises InvalidInput for a zoom outside 0..18.
    """
    if not 0 <= zoom <= 18:
        raise InvalidInput(f"zoom {zoom} is outside 0..18")
    cell = cell_size(zoom)
    where, params = filters.where()
    where = _and(where, "lat IS NOT NULL AND lon IS NOT NULL")
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = bbox
        where = _and(where, "lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?")
        params = [*params, min_lat, max_lat, min_lon, max_lon]
    summarised = _summarised(replace(filters, readable=None))
    if zoom in BANDS and summarised is not None and _only(summarised[0], _CELL_FIELDS):
        cwhere, cparams = summarised[0].where()
        if summarised[1]:
            cwhere = _and(cwhere, summarised[1])
        cwhere, cparams = _and(cwhere, "band = ?"), [*cparams, zoom]
        if bbox is not None:
            min_lon, min_lat, max_lon, max_lat = bbox
            cwhere = _and(cwhere, "cy BETWEEN ? AND ? AND cx BETWEEN ? AND ?")
            cparams += [math.floor(min_lat / cell), math.floor(max_lat / cell)]
            cparams += [math.floor(min_lon / cell), math.floor(max_lon / cell)]
        rows = db.fetchall(
            "SELECT cy, cx, reported_by, SUM(n), SUM(killed), SUM(killed_known), SUM(lat_sum), SUM(lon_sum)"
            f" FROM incident_cells{cwhere} GROUP BY cy, cx, reported_by",
            cparams,
        )
        extra = _beyond_levels(filters)
        if extra is not None:  # the principal's TLP:RED records, which the cells do not tell apart
            ewhere, eparams = extra.where()
            # "+lat": not through the (lat, lon) index, which SQLite would rather take than the partial index on
            # TLP:RED rows (a scan of every located row instead of a few)
            ewhere = _and(ewhere, "+lat IS NOT NULL AND +lon IS NOT NULL")
            if bbox is not None:
                ewhere = _and(ewhere, "+lat BETWEEN ? AND ? AND +lon BETWEEN ? AND ?")
                eparams = [*eparams, min_lat, max_lat, min_lon, max_lon]
            rows += db.fetchall(
                f"SELECT CAST(FLOOR(lat / {cell!r}) AS INTEGER) AS gy, CAST(FLOOR(lon / {cell!r}) AS INTEGER) AS gx,"
                f" reported_by, COUNT(*), SUM({_KILLED}), {_KNOWN}, SUM(lat), SUM(lon) FROM incidents{ewhere}"
                " GROUP BY gy, gx, reported_by",
                eparams,
            )
        if sum(int(r[3]) for r in rows) > limit:
            clusters = _clusters(rows)
            return {"mode": "clusters", "clusters": clusters, "total": sum(c["count"] for c in clusters), "cell": cell}
    head, fits = _points(db, where, params, limit)
    if fits:
        return {"mode": "points", "points": [_compact(r) for r in head], "total": len(head)}
    rows = db.fetchall(
        f"SELECT CAST(FLOOR(lat / {cell!r}) AS INTEGER) AS gy, CAST(FLOOR(lon / {cell!r}) AS INTEGER) AS gx,"
        f" reported_by, COUNT(*), SUM(k), SUM(g), SUM(lat), SUM(lon) FROM (SELECT lat, lon, reported_by,"
        f" {_KILLED} AS k, CASE WHEN {_KILLED_GIVEN} THEN 1 ELSE 0 END AS g"
        f" FROM incidents{where} ORDER BY date_start DESC LIMIT {_SAMPLE}) s GROUP BY gy, gx, reported_by",
        params,
    )
    clusters = _clusters(rows)
    total = sum(int(c["count"]) for c in clusters)
    return {"mode": "clusters", "clusters": clusters, "total": total, "cell": cell, "sampled": total >= _SAMPLE}


def table(db: Database, filters: Filters, *, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """One page of matching incidents, newest first, how many match, and whether any of them gives a killed
    figure (``killed_known``: when none does, the killed totals are unknown, not 0). Raises InvalidInput on a
    bad page."""
    if not 1 <= limit <= 500:
        raise InvalidInput(f"limit {limit} is outside 1..500")
    if offset < 0:
        raise InvalidInput(f"offset {offset} is negative")
    where, params = filters.where()
    rows = db.fetchall(
        f"SELECT {_SELECT} FROM incidents{where} ORDER BY date_start DESC, id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    groups = _groups(db, filters, ())
    if groups is not None:
        total = sum(v[0] for v in groups.values())
    else:
        found = db.fetchone(f"SELECT COUNT(*) FROM incidents{where}", params)
        total = int(found[0]) if found else 0
    # The totals add the killed figures given; when no incident gives one, the sum is unknown, not 0.
    known = total > 0 and db.fetchone(f"SELECT 1 FROM incidents{_and(where, _KILLED_GIVEN)} LIMIT 1", params)
    return {
        "total": total,
        "killed_known": bool(known),
        "limit": limit,
        "offset": offset,
        "rows": [_compact(r) for r in rows],
    }


def _top_perpetrators(counts: dict[str, int]) -> list[dict[str, Any]]:
    """The 40 groups with the most incidents, each under the alias registry's name with its stored spellings
    (the perpetrator filter's rule, :class:`~sarhad.store.incidents.Filters`: the page's live rows follow it)."""
    groups: dict[str, list[Any]] = {}
    for name, n in counts.items():
        if name:
            group = groups.setdefault(perpetrator_group(name) or name, [0, []])
            group[0] += n
            group[1].append(name)
    top = sorted(groups.items(), key=lambda g: (-g[1][0], g[0]))[:40]
    return [{"name": name, "incidents": n, "spellings": sorted(spellings)} for name, (n, spellings) in top]


def options(db: Database, filters: Filters) -> dict[str, Any]:
    """What the filters can offer: parties, countries, provinces (with country) and the 40 most frequent
    perpetrators, plus the date range of the data.

    ``countries`` names every country of the matching incidents, those whose incidents give no province too
    (the provinces alone would leave them out of the page's Country list)."""
    where, params = filters.where()
    # Four small aggregates (each returns a handful of rows) rather than one over every group.
    by_party = _groups(db, filters, ("reported_by",))
    if by_party is None:
        return _options_from_rows(db, where, params)
    by_province = _groups(db, filters, ("country", "admin1")) or {}
    by_perp = _groups(db, filters, ("perpetrator",)) or {}
    months = {str(k[0]) for k in (_groups(db, filters, ("month",)) or {})}
    parties = {str(k[0]) for k in by_party}
    countries = {str(k[0]) for k in by_province if k[0]}
    provinces = {(str(k[0]), str(k[1])) for k in by_province if k[1]}
    perps = {str(k[0]): v[0] for k, v in by_perp.items()}
    first = last = None
    if months:
        # Only the first and the last month's rows, through the date index.
        lo, hi = min(months), max(months)
        low = db.fetchone(
            f"SELECT MIN(date_start) FROM incidents{_and(where, 'date_start >= ? AND date_start < ?')}",
            [*params, f"{lo}-01", f"{_month_after(lo)}-01"],
        )
        high = db.fetchone(
            f"SELECT MAX(date_start) FROM incidents{_and(where, 'date_start >= ? AND date_start < ?')}",
            [*params, f"{hi}-01", f"{_month_after(hi)}-01"],
        )
        first, last = (low[0] if low else None), (high[0] if high else None)
    return {
        "parties": sorted(parties),
        "countries": sorted(countries),
        "provinces": [{"country": c or None, "admin1": a} for c, a in sorted(provinces)],
        "perpetrators": _top_perpetrators(perps),
        "first": first,
        "last": last,
    }


def _options_from_rows(db: Database, where: str, params: list[Any]) -> dict[str, Any]:
    parties = [str(r[0]) for r in db.fetchall(f"SELECT DISTINCT reported_by FROM incidents{where} ORDER BY 1", params)]
    countries = [
        str(r[0])
        for r in db.fetchall(
            f"SELECT DISTINCT country FROM incidents{_and(where, 'country IS NOT NULL')} ORDER BY 1", params
        )
    ]
    provinces = [
        {"country": r[0], "admin1": r[1]}
        for r in db.fetchall(
            f"SELECT DISTINCT country, admin1 FROM incidents{_and(where, 'admin1 IS NOT NULL')} ORDER BY 1, 2", params
        )
    ]
    perps = _top_perpetrators(
        {
            str(r[0]): int(r[1])
            for r in db.fetchall(
                f"SELECT perpetrator, COUNT(*) FROM incidents{_and(where, 'perpetrator IS NOT NULL')}"
                " GROUP BY perpetrator",
                params,
            )
        }
    )
    span = db.fetchone(f"SELECT MIN(date_start), MAX(date_start) FROM incidents{where}", params)
    return {
        "parties": parties,
        "countries": countries,
        "provinces": provinces,
        "perpetrators": perps,
        "first": span[0] if span else None,
        "last": span[1] if span else None,
    }
