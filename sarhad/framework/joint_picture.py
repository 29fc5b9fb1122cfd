"""The quarterly report's joint picture: whether both parties report the quarter's incidents and agree on them.

It reads reconciliation's clusters (:mod:`sarhad.reconcile.store`) as the report's reader may read them: a
cluster's figures, flags and words are computed from the members the reader may read alone
(:func:`sarhad.reconcile.joint.joint_view`, as ``sarhad clusters show`` and the dashboard's joint picture do),
and a cluster with no such member is not counted. A cluster belongs to the quarter its (readable) members'
earliest date falls in, as its most exactly dated members give it: a date known to the day places it before one
known to the month. A cluster whose members all know the date only to the year (GTD's ``imonth`` 0, UCDP's
``date_prec`` 5: a range that starts on 1 January or wherever the source began it) is in no quarter, as the
report's incident counts leave such an incident out of every quarter; the picture says how many its quarter's
year had.

Before ``sarhad reconcile`` has run, or while records dated in or near the quarter are newer than its last run,
the picture says so instead of counting.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final

from sarhad.reconcile.joint import JointView, joint_view
from sarhad.reconcile.record import Record
from sarhad.reconcile.store import DISAGREE_FLAGS, representative
from sarhad.store.db import Database
from sarhad.store.incidents import Filters

if TYPE_CHECKING:
    from sarhad.framework.quarter import Quarter

__all__ = ["LARGEST_ROWS", "joint_picture"]

LARGEST_ROWS: Final = 10
# Records this far either side of the quarter can still join (or move) one of its clusters: a date's slack
# (sarhad.reconcile.record.DATE_SLACK_DAYS, a week at most) with room for a chain of them.
_NEAR: Final = timedelta(days=31)
# Datasets that are the press, not a party's own report, even when a party's node ingested them.
_PRESS: Final = frozenset({"article"})
# How exactly a member's date is known, most exactly first (the codes of sarhad.reconcile.record.DATE_SLACK_DAYS).
_EXACTNESS: Final = {"day": 0, "days": 1, "week": 2, "month": 3, "unknown": 4, "year": 5}


def _placed(members: Sequence[Record]) -> str | None:
    """The day (ISO) that places a cluster in a quarter: the earliest start among its most exactly dated members;
    None when every member's date is known only to the year (the cluster is in no quarter)."""
    dated = [m for m in members if m.date_precision != "year"]
    if not dated:
        return None
    best = min(_EXACTNESS[m.date_precision] for m in dated)
    return min(m.date_start for m in dated if _EXACTNESS[m.date_precision] == best)


def _year_filters(q: Quarter) -> Filters:
    """The records whose date is known only to the year and whose range starts in ``q``'s year."""
    year = q.start.year
    return Filters(since=f"{year:04d}-01-01", until=f"{year:04d}-12-31", year_only=True)


def _reconciled(db: Database) -> bool:
    """Whether ``sarhad reconcile`` has run on the node (every run writes its state)."""
    ran = db.fetchone("SELECT 1 FROM reconcile_state WHERE key = 'constraints'")
    return ran is not None or db.fetchone("SELECT 1 FROM reconcile_clusters LIMIT 1") is not None


def _stale(db: Database, q: Quarter, readable: Callable[[Filters], Filters]) -> int:
    """How many readable records dated in or near ``q``, or known only to the year of ``q`` (the picture counts
    them), the last run did not see at their current version."""
    near = Filters(since=(q.start - _NEAR).isoformat(), until=(q.end + _NEAR).isoformat())
    where, params = readable(near).where()
    year_where, year_params = readable(_year_filters(q)).where()
    row = db.fetchone(
        f"SELECT COUNT(*) FROM (SELECT id, modified FROM incidents{where}"
        f" UNION SELECT id, modified FROM incidents{year_where}) i WHERE NOT EXISTS"
        " (SELECT 1 FROM reconcile_members m WHERE m.incident_id = i.id AND m.version = i.modified)",
        [*params, *year_params],
    )
    return int(row[0]) if row else 0


def _views(
    db: Database, q: Quarter, readable: Callable[[Filters], Filters]
) -> tuple[list[JointView], int, set[str], dict[str, str]]:
    """The joint views of the quarter's clusters from their readable members, how many clusters of the quarter's
    year are known only to the year, the TLP levels of the members of both, and each member's province as stored
    (the comparison record keeps its ISO code)."""
    dated, dated_params = readable(Filters(since=q.start.isoformat(), until=q.end.isoformat())).where()
    year_only, year_params = readable(_year_filters(q)).where()
    clusters = [
        str(r[0])
        for r in db.fetchall(
            "SELECT DISTINCT m.cluster_id FROM reconcile_members m"
            f" WHERE m.incident_id IN (SELECT id FROM incidents{dated})"
            f" OR m.incident_id IN (SELECT id FROM incidents{year_only}) ORDER BY m.cluster_id",
            [*dated_params, *year_params],
        )
    ]
    where, params = readable(Filters()).where()
    records: dict[str, list[Record]] = {}
    levels: dict[str, set[str]] = {}
    provinces: dict[str, str] = {}
    for start in range(0, len(clusters), 500):
        chunk = clusters[start : start + 500]
        # the comparison record each member was clustered with, kept by the run at the member's version
        for cid, rid, row, tlp, admin1 in db.fetchall(
            "SELECT m.cluster_id, m.incident_id, r.record, i.tlp, i.admin1 FROM reconcile_members m"
            " JOIN incidents i ON i.id = m.incident_id AND i.modified = m.version"
            " JOIN reconcile_records r ON r.incident_id = m.incident_id AND r.version = m.version"
            f" WHERE m.cluster_id IN ({', '.join('?' * len(chunk))})"
            f" AND m.incident_id IN (SELECT id FROM incidents{where}) ORDER BY m.cluster_id, m.incident_id",
            [*chunk, *params],
        ):
            records.setdefault(str(cid), []).append(Record.from_row(json.loads(row)))
            levels.setdefault(str(cid), set()).add(str(tlp))
            if admin1:
                provinces[str(rid)] = str(admin1)
    views, shown, in_no_quarter = [], set(), 0
    for cid, members in records.items():
        view = joint_view(cid, members)
        day = _placed(view.members)
        if day is None:
            if int(min(m.date_start for m in view.members)[:4]) == q.start.year:
                in_no_quarter += 1
                shown |= levels[cid]
        elif q.start.isoformat() <= day <= q.end.isoformat():
            views.append(view)
            shown |= levels[cid]
    return views, in_no_quarter, shown, provinces


def _reporting(view: JointView, parties: list[str]) -> str:
    """``both`` (every party), a party's code (that party alone), or ``neither`` (datasets and press only)."""
    own = {m.reported_by for m in view.members if m.reported_by in parties and m.dataset.lower() not in _PRESS}
    if len(own) == len(parties) and own:
        return "both"
    return next(iter(own)) if len(own) == 1 else "neither"


def _gap(view: JointView) -> int:
    """How far apart the sources' killed figures are (0 when they overlap or none is given)."""
    fig = view.figure("killed")
    if fig is None:
        return 0
    known = [(lo, hi) for _, lo, _, hi in fig.by_party if lo is not None and hi is not None]
    return max(0, max((lo for lo, _ in known), default=0) - min((hi for _, hi in known), default=0))


def _row(view: JointView, parties: list[str], party: str, provinces: dict[str, str]) -> dict[str, Any]:
    rep = representative(view.members, party)
    province = provinces.get(rep.id, rep.admin1)
    fig = view.figure("killed")
    by_party = {p: be for p, _, be, _ in fig.by_party} if fig else {}
    return {
        "cluster_id": view.cluster_id,
        "date": _placed(view.members),
        "place": ", ".join(x for x in (rep.place, province) if x) or rep.country or "no place",
        "killed": {p: by_party.get(p) for p in parties},
        "flags": [text for flag, text in view.details if flag in DISAGREE_FLAGS],
    }


def joint_picture(
    db: Database, q: Quarter, parties: list[str], party: str, readable: Callable[[Filters], Filters] | None = None
) -> dict[str, Any]:
    """The joint picture of ``q`` for the report: ``state`` (``reconciled``, ``not-reconciled`` or ``stale``, with
    ``stale_records``), the number of ``incidents`` (clusters), who ``reported`` them (``both``, each party alone,
    ``neither``), the ``disagreements`` and their count ``by_flag``, the ``largest`` of them (at most
    :data:`LARGEST_ROWS`: date, place, each party's killed figure, the flags in words), ``year_only`` (the
    quarter's ``year`` and how many ``incidents`` of it are known only to the year, so in no quarter) and
    ``tlps``, the TLP levels of every record it counted (the report's marking takes them).

    ``readable`` narrows the incidents' filters to those the reader may read; ``party`` is the node's (its
    report stands for a cluster where it has one).
    """
    narrow = readable or (lambda filters: filters)
    year = {"year": f"{q.start.year:04d}", "incidents": 0}
    empty: dict[str, Any] = {
        "incidents": 0,
        "reported": {},
        "disagreements": 0,
        "by_flag": {},
        "largest": [],
        "year_only": year,
    }
    if not _reconciled(db):
        return {**empty, "state": "not-reconciled", "stale_records": 0, "tlps": set()}
    stale = _stale(db, q, narrow)
    if stale:
        return {**empty, "state": "stale", "stale_records": stale, "tlps": set()}
    views, in_no_quarter, tlps, provinces = _views(db, q, narrow)
    reported = {"both": 0, **{p: 0 for p in parties}, "neither": 0}
    for view in views:
        reported[_reporting(view, parties)] += 1
    apart = [v for v in views if any(f in DISAGREE_FLAGS for f in v.flags)]
    largest = sorted(apart, key=lambda v: (-_gap(v), _placed(v.members) or "", v.cluster_id))
    return {
        "state": "reconciled",
        "stale_records": 0,
        "incidents": len(views),
        "reported": reported,
        "disagreements": len(apart),
        "by_flag": {flag: sum(1 for v in apart if flag in v.flags) for flag in DISAGREE_FLAGS},
        "largest": [_row(v, parties, party, provinces) for v in largest[:LARGEST_ROWS]],
        "year_only": {**year, "incidents": in_no_quarter},
        "tlps": tlps,
    }
