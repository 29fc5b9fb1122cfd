"""Statistics that count incidents (clusters) rather than reports: ``sarhad stats --dedup``.

:func:`dedup_stats` answers in the shape of :func:`sarhad.store.incidents.stats`, but each cluster is
counted once, with its consensus figures (the span's low and high and the consensus best, see
:mod:`sarhad.reconcile.joint`); a cluster's range runs from the smallest to the largest of the three, as an
incident's does in ``stats``. A cluster is counted when any of its members matches the filters, with the
figures of the matching members; it falls in the group most of those members fall in (ties: the smallest
key), except by ``reported-by`` and ``dataset``: a cluster that several sources reported counts under them
together ("IR + PK"), since it is their joint report and no one source's. Records that no run has clustered
yet count as incidents of their own. As in the joint view, ACLED's 0 killed (which may mean "no information")
is not a count.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sarhad.errors import InvalidInput
from sarhad.reconcile.joint import combine
from sarhad.store.db import Database
from sarhad.store.incidents import GROUPINGS, Filters, perpetrator_group

__all__ = ["dedup_stats"]

_MEASURES = ("killed", "wounded")


def _empty() -> dict[str, Any]:
    return {
        "incidents": 0,
        "killed": {"low": 0, "best": 0, "high": 0, "unknown": 0, "range": {"low": 0, "high": 0}},
        "wounded": {"low": 0, "best": 0, "high": 0, "unknown": 0, "range": {"low": 0, "high": 0}},
    }


def _figures(row: tuple[Any, ...], m: int) -> tuple[Any, Any, Any, Any]:
    """(reported_by, low, best, high) of measure ``m`` of a member row; ACLED's 0, which may mean "no
    information", is unknown here as in the joint view (it is the only count ACLED's rows give)."""
    reported_by, dataset, *figures = row
    low, best, high = figures[3 * m : 3 * m + 3]
    if dataset == "acled" and best == 0 and not low and not high:
        return reported_by, None, None, None
    return reported_by, low, best, high


def _add(acc: dict[str, Any], members: list[tuple[Any, ...]]) -> None:
    acc["incidents"] += 1
    for m, measure in enumerate(_MEASURES):
        low, best, high, _, _ = combine(_figures(row, m) for row in members)
        out = acc[measure]
        out["low"] += low or 0
        out["best"] += best or 0
        out["high"] += high or 0
        if best is None:
            out["unknown"] += 1
        known = [v for v in (low, best, high) if v is not None]
        if known:  # the consensus best may lie outside the span when a member's own did
            out["range"]["low"] += min(known)
            out["range"]["high"] += max(known)


def _key(values: list[Any]) -> Any:
    counts = Counter(values)
    return min(counts, key=lambda k: (-counts[k], k is not None, "" if k is None else str(k)))


def _sources_key(values: list[Any]) -> Any:
    """The key of a cluster grouped by who reported it: its one source, or its sources together ("IR + PK")."""
    known = sorted({str(v) for v in values if v is not None})
    return " + ".join(known) if known else None


_BY_SOURCE = frozenset({"reported-by", "dataset"})


def dedup_stats(db: Database, by: str | None = None, filters: Filters | None = None) -> dict[str, Any]:
    """Incidents, killed and wounded counting each cluster once (see the module docstring).

    Without ``by``: one total. With ``by`` (a key of ``GROUPINGS``): also ``"by"`` and ``"groups"``
    (``[{"key", "incidents", "killed", "wounded"}, ...]`` ordered by key, unknown first). Raises
    InvalidInput for an unknown grouping.
    """
    filters = filters or Filters()
    if by is not None and by not in GROUPINGS:
        raise InvalidInput(f"cannot group by {by!r}: expected one of {', '.join(GROUPINGS)}")
    where, params = filters.resolved(db).where()
    expr = GROUPINGS[by] if by is not None else "NULL"
    sql = (
        f"SELECT COALESCE(m.cluster_id, incidents.id), {expr}, reported_by, dataset, killed_low, killed_best,"
        " killed_high,"
        " wounded_low, wounded_best, wounded_high FROM incidents"
        " LEFT JOIN reconcile_members m ON m.incident_id = incidents.id"
        f"{where} ORDER BY 1"
    )
    clusters: dict[str, tuple[list[Any], list[tuple[Any, ...]]]] = {}
    for cid, key, *rest in db.iterate(sql, params):
        keys, members = clusters.setdefault(cid, ([], []))
        keys.append(perpetrator_group(key) if by == "perpetrator" else key)  # a group's spellings are one group
        members.append(tuple(rest))
    total = _empty()
    groups: dict[Any, dict[str, Any]] = {}
    for keys, members in clusters.values():
        _add(total, members)
        if by is not None:
            key = _sources_key(keys) if by in _BY_SOURCE else _key(keys)
            _add(groups.setdefault(key, _empty()), members)
    if by is None:
        return total
    ordered = sorted(groups, key=lambda k: (k is not None, "" if k is None else str(k)))
    total["by"] = by
    total["groups"] = [{"key": k, **groups[k]} for k in ordered]
    return total
