"""Reconciliation on a node: cluster the database's incidents, keep the clusters, answer questions on them.

:func:`reconcile` reads every current incident (the ones it has seen before from ``reconcile_records``,
without parsing their STIX bodies), reclusters only the neighbourhood of what is new or changed since the
previous run (see :mod:`sarhad.reconcile.cluster`; the result equals a from-scratch run), applies the node's
analyst decisions as constraints (recomputing what they name when they changed since the previous run, which
``reconcile_state`` remembers by a hash), and rewrites the ``reconcile_*`` rows of the clusters that changed, in one
transaction.

Each run also keeps every cluster as the audiences of other parties see it (:data:`AUDIENCES`,
:func:`audience_rows`): those below the framework's and the framework's other parties, from the members of their
TLP levels, less those under a licence that forbids redistribution unless the node shares them
(``share_restricted``), since every audience is principals of another party. ``reconcile_state`` remembers which
licences those rows leave out (key ``audiences_unshared``), so a run after ``share_restricted`` changed writes every
cluster's rows again, and the joint picture knows whether the rows answer a principal.

A cluster's row also keeps what ``sarhad clusters list --json`` adds to its totals (``joint``: each source's figures
and the representative's place, :func:`joint_extras`), so that listing computes no joint view.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sarhad.errors import InvalidInput, NotFound
from sarhad.model.codes import RESTRICTED_LICENCES, TLP_LEVELS
from sarhad.model.incident import Incident
from sarhad.reconcile.cluster import cluster_records
from sarhad.reconcile.decisions import DECISION_TYPE, Decision, constraints
from sarhad.reconcile.joint import JointView, cluster_date, joint_view, reporter_label
from sarhad.reconcile.record import Record
from sarhad.reconcile.review import Change, held_decisions, to_review
from sarhad.reconcile.score import Scoring
from sarhad.store.current import current
from sarhad.store.db import Database

__all__ = [
    "AUDIENCES",
    "DEFAULT_DECISION_TLP",
    "DISAGREE_FLAGS",
    "ReconcileSummary",
    "audience_rows",
    "audience_unshared",
    "check_decision_marking",
    "cluster_of",
    "cluster_view",
    "decision_marking",
    "decisions_about",
    "joint_extras",
    "list_clusters",
    "load_decisions",
    "reconcile",
    "record_names",
    "record_versions",
    "representative",
    "review_decision",
    "reviews_by_cluster",
    "stored_views",
]


@dataclass(frozen=True, slots=True)
class ReconcileSummary:
    """What one run did."""

    records: int
    new_records: int
    reclustered: int
    clusters: int
    multi_source: int
    disagreements: int
    changed: int
    seconds: float
    to_review: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "new_records": self.new_records,
            "reclustered": self.reclustered,
            "clusters": self.clusters,
            "multi_source": self.multi_source,
            "disagreements": self.disagreements,
            "changed_clusters": self.changed,
            "seconds": round(self.seconds, 3),
            "decisions_to_review": self.to_review,
        }

    def line(self) -> str:
        return (
            f"reconciled {self.records} records ({self.new_records} new or changed, {self.reclustered} "
            f"reclustered) into {self.clusters} incidents "
            f"({self.multi_source} reported by several sources, {self.disagreements} with disagreements; "
            f"{self.changed} clusters changed) in {self.seconds:.1f} s"
        ) + (
            f"; {self.to_review} of the node's analyst decisions to review: a record they name was corrected"
            " (`sarhad clusters list` marks their clusters, `clusters show` says what changed)"
            if self.to_review
            else ""
        )


def load_decisions(db: Database, party: str) -> list[Decision]:
    """The node's own decisions (the current version of each, :mod:`sarhad.store.current`), oldest first.

    A decision whose latest version this node knows from a peer's log envelope alone (withheld from it) has no
    current version here, and does not constrain the clustering.
    """
    rows = db.fetchall(
        f"SELECT o.body FROM objects o WHERE o.type = ? AND o.origin = ? AND {current('o')} ORDER BY o.seq",
        (DECISION_TYPE, party),
    )
    return [Decision.from_stix(json.loads(body)) for (body,) in rows]


# The flags that make a cluster's parties disagree (its row's ``disagree`` column, which orders the joint picture).
DISAGREE_FLAGS: Final = ("figures_disagree", "perpetrator_disagree", "location_disagree", "date_disagree")
# The audiences of other parties (sarhad.web.auth.readable_levels) by the TLP levels they read, each with the cluster
# rows it sees (reconcile_audiences): "CLEAR" for anyone outside the framework, "GREEN" for a peer of a party outside
# it, "AMBER+STRICT" for the principals of the framework's other parties (every level but RED; they differ from the
# node's own party's principals by the licences they may not read). Each reads what the one before it reads, and more.
AUDIENCES: Final = {
    "CLEAR": ("CLEAR",),
    "GREEN": ("CLEAR", "GREEN"),
    "AMBER+STRICT": ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT"),
}
# The least strict marking of an analyst's decision: a decision is for the framework's parties, not the public.
DEFAULT_DECISION_TLP: Final = "GREEN"
_ROW_JSON: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def audience_unshared(share_restricted: bool) -> tuple[str, ...]:
    """The licences whose members the audiences' rows leave out on a node that shares restricted rows or not
    (``share_restricted``): the audiences are principals of another party, who read none of them unless the node
    shares them (:func:`sarhad.web.auth.unshared_licences`). Sorted, as ``reconcile_state`` keeps them (key
    ``audiences_unshared``, comma-separated)."""
    return () if share_restricted else tuple(sorted(RESTRICTED_LICENCES))


def _records(db: Database, full: bool) -> tuple[list[Record], dict[str, str], list[tuple[str, str, str]]]:
    """Every current incident as a Record, its version, and the rows to write into ``reconcile_records``.

    Records of incidents whose current version is in ``reconcile_records`` come from there; only new and
    changed incidents (all of them when ``full``) are parsed from their STIX bodies.
    """
    versions = {str(rid): str(modified) for rid, modified in db.iterate("SELECT id, modified FROM incidents")}
    records: list[Record] = []
    if not full:
        for rid, version, row in db.iterate("SELECT incident_id, version, record FROM reconcile_records"):
            if versions.get(rid) == version:
                records.append(Record.from_row(json.loads(row)))
    known = {r.id for r in records}
    todo = sorted(rid for rid in versions if rid not in known)
    fresh: list[tuple[str, str, str]] = []
    for start in range(0, len(todo), 500):
        chunk = todo[start : start + 500]
        for (body,) in db.fetchall(
            "SELECT o.body FROM incidents i JOIN objects o ON o.id = i.id AND o.modified = i.modified"
            f" WHERE i.id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ):
            rec = Record.from_incident(Incident.from_stix(json.loads(body)))
            records.append(rec)
            row = _ROW_JSON.encode(rec.to_row())
            fresh.append((rec.id, versions[rec.id], row))
    return records, versions, fresh


def _save_records(db: Database, fresh: list[tuple[str, str, str]], versions: dict[str, str], full: bool) -> None:
    """Keep ``reconcile_records`` in step with the incidents: replace what was parsed, drop what is gone."""
    if full:
        db.execute("DELETE FROM reconcile_records")
    else:
        cached = [str(r[0]) for r in db.fetchall("SELECT incident_id FROM reconcile_records")]
        drop = sorted({rid for rid in cached if rid not in versions} | {rid for rid, _, _ in fresh})
        for start in range(0, len(drop), 500):
            chunk = drop[start : start + 500]
            db.execute(f"DELETE FROM reconcile_records WHERE incident_id IN ({', '.join('?' * len(chunk))})", chunk)
    db.executemany("INSERT INTO reconcile_records (incident_id, version, record) VALUES (?, ?, ?)", fresh)


def reconcile(
    db: Database, party: str, *, scoring: Scoring | None = None, full: bool = False, share_restricted: bool = False
) -> ReconcileSummary:
    """Run or update the clustering of the node's incidents; ``full`` recomputes from scratch. ``share_restricted``
    is the node's setting: the audiences' rows (:func:`audience_rows`) leave out the members under a restricted
    licence unless it is set, and a run after it changed writes every cluster's rows again.

    Raises StorageError when the database fails.
    """
    started = time.monotonic()
    previous: dict[str, tuple[str, str]] = {
        rid: (cid, version)
        for rid, cid, version in db.fetchall("SELECT incident_id, cluster_id, version FROM reconcile_members")
    }
    decisions = load_decisions(db, party)
    must, cannot = constraints(decisions)
    fingerprint = hashlib.sha256(json.dumps([must, cannot]).encode()).hexdigest()
    kept = db.fetchone("SELECT value FROM reconcile_state WHERE key = 'constraints'")
    settled = kept[0] == fingerprint if kept is not None else not (must or cannot)
    # clusters written before the audiences' rows were kept get them now (the key says every cluster has them)
    audiences = db.fetchone("SELECT 1 FROM reconcile_state WHERE key = 'audiences'") is not None
    # and when the node's share_restricted changed since (or rows were kept before they left licences out), every
    # cluster's audience rows are written again with the members the audiences now read
    unshared = audience_unshared(share_restricted)
    left_out = db.fetchone("SELECT value FROM reconcile_state WHERE key = 'audiences_unshared'")
    audiences = audiences and left_out is not None and str(left_out[0]) == ",".join(unshared)
    # the last object this run may see (the audiences' rows hold for the incident versions that came up to it)
    last = db.fetchone("SELECT MAX(seq) FROM objects")
    seen = str(last[0]) if last and last[0] is not None else "0"
    if not full and settled and audiences and _up_to_date(db, previous):
        return _unchanged(db, len(previous), started, party)
    records, versions, fresh = _records(db, full)
    existing = None if full else {rid: cid for rid, (cid, _) in previous.items()}
    edited = {rid for rid, (_, version) in previous.items() if versions.get(rid) != version}
    if not settled:  # a withdrawn decision names no pair any more: the clusters of its records are recomputed too
        edited |= {rid for d in decisions if d.revoked for rid in (*d.members, *d.rest) if rid in previous}
    # --full recomputes every cluster but keeps the ids analysts and reports already cite
    names = {rid: cid for rid, (cid, _) in previous.items()} if full else None
    result = cluster_records(
        records,
        scoring=scoring,
        existing=existing,
        changed=edited,
        must=must,
        cannot=cannot,
        new_decisions=not settled,
        names=names,
    )

    old_clusters: dict[str, set[str]] = {}
    for rid, (cid, _) in previous.items():
        old_clusters.setdefault(cid, set()).add(rid)
    new_clusters = {cid: set(ids) for cid, ids in result.clusters().items()}
    changed = {cid for cid, ids in new_clusters.items() if old_clusters.get(cid) != ids}
    changed |= {rid for rid, ids in old_clusters.items() if rid not in new_clusters}
    changed |= {result.labels[rid] for rid in result.labels if previous.get(rid, ("", ""))[1] != versions[rid]}
    if full or not audiences:  # the scoring or the joint view may have changed since the clusters were written
        changed |= set(new_clusters)
    # clusters written before representatives (or the joint extras) were kept get them now
    changed |= {
        str(r[0])
        for r in db.fetchall("SELECT cluster_id FROM reconcile_clusters WHERE representative IS NULL OR joint IS NULL")
    }
    by_id = {r.id: r for r in records}
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    views = {cid: joint_view(cid, [by_id[i] for i in new_clusters[cid]]) for cid in changed if cid in new_clusters}
    tlps: dict[str, str] = {}
    licences: dict[str, str] = {}
    if views:
        for rid, tlp, licence in db.iterate("SELECT id, tlp, licence FROM incidents"):
            tlps[str(rid)], licences[str(rid)] = str(tlp), str(licence)
    with db.transaction():
        gone = sorted(changed)
        for start in range(0, len(gone), 500):
            chunk = gone[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            db.execute(f"DELETE FROM reconcile_clusters WHERE cluster_id IN ({marks})", chunk)
            db.execute(f"DELETE FROM reconcile_members WHERE cluster_id IN ({marks})", chunk)
            db.execute(f"DELETE FROM reconcile_audiences WHERE cluster_id IN ({marks})", chunk)
        stale = sorted(rid for rid in previous if rid not in versions or result.labels.get(rid) in changed)
        for start in range(0, len(stale), 500):
            chunk = stale[start : start + 500]
            db.execute(f"DELETE FROM reconcile_members WHERE incident_id IN ({', '.join('?' * len(chunk))})", chunk)
        db.executemany(
            "INSERT INTO reconcile_clusters (cluster_id, size, date_start, killed_low, killed_best, killed_high,"
            " wounded_low, wounded_best, wounded_high, flags, updated, representative, disagree, joint)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_cluster_row(v, stamp, party) for v in views.values()],
        )
        db.executemany(
            "INSERT INTO reconcile_members (incident_id, cluster_id, version) VALUES (?, ?, ?)",
            [(m.id, cid, versions[m.id]) for cid, v in views.items() for m in v.members],
        )
        db.executemany(
            "INSERT INTO reconcile_audiences (audience, cluster_id, size, date_start, flags, disagree)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [row for v in views.values() for row in audience_rows(v, tlps, licences, unshared=unshared)],
        )
        _save_records(db, fresh, versions, full)
        db.execute("DELETE FROM reconcile_state WHERE key = 'constraints'")
        db.execute("INSERT INTO reconcile_state (key, value) VALUES ('constraints', ?)", (fingerprint,))
        db.execute("DELETE FROM reconcile_state WHERE key = 'audiences'")
        db.execute("INSERT INTO reconcile_state (key, value) VALUES ('audiences', ?)", (seen,))
        db.execute("DELETE FROM reconcile_state WHERE key = 'audiences_unshared'")
        db.execute("INSERT INTO reconcile_state (key, value) VALUES ('audiences_unshared', ?)", (",".join(unshared),))
    multi = sum(1 for ids in new_clusters.values() if len({by_id[i].reported_by for i in ids}) > 1)
    disagreements = db.fetchone("SELECT COUNT(*) FROM reconcile_clusters WHERE flags LIKE '%disagree%'")
    return ReconcileSummary(
        records=len(records),
        new_records=result.new_records,
        reclustered=result.reclustered,
        clusters=len(new_clusters),
        multi_source=multi,
        disagreements=int(disagreements[0]) if disagreements else 0,
        changed=len(views),
        seconds=time.monotonic() - started,
        to_review=len(to_review(db, held_decisions(db, party))),
    )


# How precise a date or place is, most precise first (for choosing a cluster's representative).
_DATE_RANK = {"day": 0, "days": 1, "week": 2, "month": 3, "year": 4, "unknown": 5}
_GEO_RANK = {"exact": 0, "near": 1, "admin2": 2, "water": 3, "admin1": 4, "region": 5, "country": 6, "unknown": 7}


def representative(members: Sequence[Record], party: str) -> Record:
    """The member that stands for a cluster when reports are deduplicated: the node's own report, else a
    party's, else the most precisely dated and placed one (then the smallest id)."""
    return min(
        members,
        key=lambda m: (
            m.reported_by != party,
            m.dataset != "party",
            _DATE_RANK.get(m.date_precision, 9),
            _GEO_RANK.get(m.geo_precision, 9),
            m.id,
        ),
    )


def _up_to_date(db: Database, previous: dict[str, tuple[str, str]]) -> bool:
    """True when the previous run saw every current incident at its current version, and no cluster lacks
    its representative or its joint extras: then a run would change nothing (given the same analyst decisions)."""
    current = 0
    for rid, modified in db.iterate("SELECT id, modified FROM incidents"):
        current += 1
        if previous.get(str(rid), ("", ""))[1] != str(modified):
            return False
    missing = db.fetchone("SELECT COUNT(*) FROM reconcile_clusters WHERE representative IS NULL OR joint IS NULL")
    return current == len(previous) and (missing is None or int(missing[0]) == 0)


def _unchanged(db: Database, records: int, started: float, party: str) -> ReconcileSummary:
    """The summary of a run that had nothing to do, from the tables."""
    clusters = db.fetchone("SELECT COUNT(*) FROM reconcile_clusters")
    disagreements = db.fetchone("SELECT COUNT(*) FROM reconcile_clusters WHERE flags LIKE '%disagree%'")
    multi = db.fetchone(
        "SELECT COUNT(*) FROM (SELECT m.cluster_id FROM reconcile_members m JOIN incidents i ON i.id = m.incident_id"
        " GROUP BY m.cluster_id HAVING COUNT(DISTINCT i.reported_by) > 1) t"
    )
    return ReconcileSummary(
        records=records,
        new_records=0,
        reclustered=0,
        clusters=int(clusters[0]) if clusters else 0,
        multi_source=int(multi[0]) if multi else 0,
        disagreements=int(disagreements[0]) if disagreements else 0,
        changed=0,
        seconds=time.monotonic() - started,
        to_review=len(to_review(db, held_decisions(db, party))),
    )


def joint_extras(view: JointView, representative_id: str) -> dict[str, Any]:
    """What ``sarhad clusters list --json`` gives of a cluster beyond its row's totals and flags: each source's own
    figures (``killed_by_party``, ``wounded_by_party``: :meth:`~sarhad.reconcile.joint.JointView.by_party`) and
    where it happened as its representative member (``representative_id``; the first member when none is it)
    reports it (``place``, ``admin1``, ``country``, ``lat``, ``lon``)."""
    rep = next((m for m in view.members if m.id == representative_id), view.members[0])
    return {
        "killed_by_party": view.by_party("killed"),
        "wounded_by_party": view.by_party("wounded"),
        "place": rep.place,
        "admin1": rep.admin1,
        "country": rep.country,
        "lat": rep.lat,
        "lon": rep.lon,
    }


def _cluster_row(v: JointView, stamp: str, party: str) -> tuple[Any, ...]:
    k, w = v.figure("killed"), v.figure("wounded")
    chosen = representative(v.members, party).id
    return (
        v.cluster_id,
        len(v.members),
        min(m.date_start for m in v.members),
        k.low if k else None,
        k.best if k else None,
        k.high if k else None,
        w.low if w else None,
        w.best if w else None,
        w.high if w else None,
        ",".join(v.flags),
        stamp,
        chosen,
        1 if any(f in DISAGREE_FLAGS for f in v.flags) else 0,
        _ROW_JSON.encode(joint_extras(v, chosen)),
    )


def audience_rows(
    view: JointView, tlps: dict[str, str], licences: dict[str, str], *, unshared: Collection[str]
) -> list[tuple[Any, ...]]:
    """The ``reconcile_audiences`` rows of a cluster: for each of :data:`AUDIENCES`, the joint view of the members
    whose TLP level (``tlps``: incident id → level) it reads and whose licence (``licences``: incident id →
    licence) is not one of ``unshared`` (:func:`audience_unshared`), none when there is no such member."""
    rows: list[tuple[Any, ...]] = []
    # joint_view is a function of the members alone, and the audiences' levels are nested (each reads what the one
    # before it reads, and more), so as many members means the same members: an audience that reads every member,
    # or the same members as the audience before it, takes that view instead of deriving it again
    known: dict[int, JointView] = {len(view.members): view}
    for audience, levels in AUDIENCES.items():
        seen = [m for m in view.members if tlps.get(m.id) in levels and licences.get(m.id) not in unshared]
        if seen:
            v = known.get(len(seen)) or joint_view(view.cluster_id, seen)
            known[len(seen)] = v
            disagree = 1 if any(f in DISAGREE_FLAGS for f in v.flags) else 0
            day = min(m.date_start for m in seen)
            rows.append((audience, v.cluster_id, len(seen), day, ",".join(v.flags), disagree))
    return rows


def list_clusters(
    db: Database,
    *,
    disagreements: bool = False,
    limit: int | None = None,
    offset: int = 0,
    joint: bool = False,
    party: str | None = None,
    to_review: bool = False,
) -> list[dict[str, Any]]:
    """Clusters as ``{"cluster_id", "date_start", "date", "members", "killed", "wounded", "flags"}``, oldest first
    (by ``date_start``, the earliest member's first day); ``date`` is when the cluster happened as its members date
    it (:func:`~sarhad.reconcile.joint.cluster_date`); each member as ``{"id", "source_id", "reported_by",
    "dataset", "label"}`` (``label``: who reported it, in words: :func:`~sarhad.reconcile.joint.reporter`).

    ``disagreements``: only clusters flagged ``figures_disagree``, ``perpetrator_disagree``,
    ``location_disagree`` or ``date_disagree``.

    ``party``: each cluster also gets ``to_review``, the decisions of ``party`` (the node's own) to review that
    name one of its members (:func:`reviews_by_cluster`); with ``to_review``, only the clusters that have one.

    ``joint``: each cluster also gets each source's own figures, ``killed_by_party`` and ``wounded_by_party``
    (:meth:`~sarhad.reconcile.joint.JointView.by_party`, as the dashboard's clusters give them), and where it
    happened as its representative member reports it (``place``, ``admin1``, ``country``, ``lat``, ``lon``), from
    the joint view of every member as the last run saw them: the view its stored totals and flags come from. The run
    keeps them in the cluster's row (:func:`joint_extras`); a cluster whose row has none (written before they were
    kept) or that has lost a member since (a body withheld) gets them from :func:`stored_views`.
    """
    sql = (
        "SELECT cluster_id, killed_low, killed_best, killed_high, wounded_low, wounded_best, wounded_high, flags,"
        " date_start, representative, size, joint FROM reconcile_clusters"
    )
    params: list[Any] = []
    conds = []
    if disagreements:
        conds.append("flags LIKE '%disagree%'")
    reviews = reviews_by_cluster(db, party) if party is not None else {}
    if to_review:
        if not reviews:
            return []
        conds.append(f"cluster_id IN ({', '.join('?' * len(reviews))})")
        params += sorted(reviews)
    if conds:
        sql += " WHERE " + " AND ".join(conds)
    sql += " ORDER BY date_start, cluster_id"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    rows = db.fetchall(sql, params)
    out: dict[str, dict[str, Any]] = {}
    representatives: dict[str, str] = {}
    kept: dict[str, tuple[int, str | None]] = {}  # cluster id -> its size and joint extras, as the run saw them
    for cid, kl, kb, kh, wl, wb, wh, flags, day, rep, size, extras in rows:
        representatives[str(cid)] = str(rep or "")
        kept[str(cid)] = (int(size), None if extras is None else str(extras))
        out[cid] = {
            "cluster_id": cid,
            "date_start": day,
            "members": [],
            "killed": {"low": kl, "best": kb, "high": kh},
            "wounded": {"low": wl, "best": wb, "high": wh},
            "flags": [f for f in str(flags).split(",") if f],
        }
    ids = list(out)
    dates: dict[str, list[tuple[str, str, str]]] = {cid: [] for cid in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for cid, rid, source_id, reported_by, dataset, first, last, precision in db.fetchall(
            "SELECT m.cluster_id, m.incident_id, i.source_id, i.reported_by, i.dataset, i.date_start, i.date_end,"
            " i.date_precision FROM reconcile_members m"
            f" JOIN incidents i ON i.id = m.incident_id WHERE m.cluster_id IN ({', '.join('?' * len(chunk))})"
            " ORDER BY m.cluster_id, i.reported_by, m.incident_id",
            chunk,
        ):
            dates[cid].append((str(first), str(last), str(precision)))
            member = {
                "id": rid,
                "source_id": source_id,
                "reported_by": reported_by,
                "dataset": dataset,
                "label": reporter_label(reported_by, dataset),
            }
            out[cid]["members"].append(member)
    for cid, row in out.items():  # a cluster with no member left (none stored) is dated by its first day
        members = dates[cid] or [(row["date_start"], row["date_start"], "day")]
        row["date"] = cluster_date(members, "date_disagree" not in row["flags"])
    if party is not None:
        for cid, row in out.items():
            row["to_review"] = reviews.get(cid, [])
    if joint:
        # the stored extras are the view of every member the run saw: they hold while the node still holds them all
        # (as many members as the run counted, each read from its current incident row above)
        computed = []
        for cid, (size, extras) in kept.items():
            if extras is not None and len(dates[cid]) == size:
                out[cid].update(json.loads(extras))
            else:
                computed.append(cid)
        for cid, view in stored_views(db, computed).items():
            out[cid].update(joint_extras(view, representatives[cid]))
        for row in out.values():  # a cluster with no member left has no figures and no place
            row.setdefault("killed_by_party", {})
            row.setdefault("wounded_by_party", {})
            for key in ("place", "admin1", "country", "lat", "lon"):
                row.setdefault(key, None)
    return list(out.values())


def stored_views(
    db: Database, cluster_ids: Sequence[str], *, kept: str = "1 = 1", kept_params: Sequence[Any] = ()
) -> dict[str, JointView]:
    """The joint view of each of ``cluster_ids`` that has members the node holds, from those members as the last
    run read them (``reconcile_records``; a member missing there, from its incident's current version): the view
    :func:`list_clusters` gives with ``joint``.

    ``kept``: an SQL condition over the member's incident (``incidents i``), with ``kept_params``: the view is
    then computed from the members meeting it alone, and a cluster with none is left out of the answer (as
    the dashboard computes a cluster's view from the members its user may read).
    """
    members: dict[str, list[Record]] = {}
    missing: dict[str, str] = {}
    for start in range(0, len(cluster_ids), 500):
        chunk = list(cluster_ids[start : start + 500])
        for cid, rid, row in db.fetchall(
            # members the node no longer holds (a body withheld since the run) are left out, as from ``members``
            "SELECT m.cluster_id, m.incident_id, r.record FROM reconcile_members m"
            " JOIN incidents i ON i.id = m.incident_id LEFT JOIN reconcile_records r ON r.incident_id = m.incident_id"
            f" WHERE m.cluster_id IN ({', '.join('?' * len(chunk))}) AND {kept}",
            [*chunk, *kept_params],
        ):
            if row is None:
                missing[str(rid)] = str(cid)
            else:
                members.setdefault(str(cid), []).append(Record.from_row(json.loads(row)))
    wanted = sorted(missing)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for rid, body in db.fetchall(
            "SELECT i.id, o.body FROM incidents i JOIN objects o ON o.id = i.id AND o.modified = i.modified"
            f" WHERE i.id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ):
            record = Record.from_incident(Incident.from_stix(json.loads(body)))
            members.setdefault(missing[str(rid)], []).append(record)
    return {cid: joint_view(cid, records) for cid, records in members.items()}


def _merged_into(db: Database, ident: str) -> list[str]:
    """The clusters that now hold the records of cluster ``ident`` when an analyst's merge named it, else []."""
    if not ident.startswith("cluster--"):
        return []
    records: list[str] = []
    rows = db.fetchall("SELECT body FROM objects WHERE type = ? AND body LIKE ?", (DECISION_TYPE, f"%{ident}%"))
    for (body,) in rows:
        obj = json.loads(body)
        if obj.get("decision") == "merge" and ident in obj.get("cluster_ids", ()):
            records += [str(r) for r in obj.get("object_refs", ())]
    found: set[str] = set()
    for start in range(0, len(records), 500):
        chunk = records[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = db.fetchall(f"SELECT DISTINCT cluster_id FROM reconcile_members WHERE incident_id IN ({marks})", chunk)
        found |= {str(c) for (c,) in rows}
    return sorted(found)


def cluster_of(db: Database, ident: str) -> str:
    """The cluster id for a cluster id or an incident id. Raises NotFound when neither is known."""
    if db.fetchone("SELECT 1 FROM reconcile_clusters WHERE cluster_id = ?", (ident,)) is not None:
        return ident
    row = db.fetchone("SELECT cluster_id FROM reconcile_members WHERE incident_id = ?", (ident,))
    if row is None:
        now = _merged_into(db, ident)
        if now:
            raise NotFound(
                f"no cluster {ident}: it was merged; its records are now in {', '.join(now)}"
                " (a cluster's id may change as it grows: a member incident's id always finds its cluster)"
            )
        raise NotFound(f"no cluster {ident} (run `sarhad reconcile` first, or check the id)")
    return str(row[0])


def cluster_members(db: Database, cluster_id: str) -> list[Incident]:
    """The current version of each member incident of a cluster. Raises NotFound for an unknown cluster."""
    rows = db.fetchall(
        "SELECT o.body FROM reconcile_members m JOIN incidents i ON i.id = m.incident_id"
        " JOIN objects o ON o.id = i.id AND o.modified = i.modified WHERE m.cluster_id = ? ORDER BY m.incident_id",
        (cluster_id,),
    )
    if not rows:
        raise NotFound(f"no cluster {cluster_id}")
    return [Incident.from_stix(json.loads(body)) for (body,) in rows]


def cluster_view(db: Database, ident: str) -> JointView:
    """The joint view of the cluster ``ident`` (or of the cluster holding incident ``ident``). Raises NotFound."""
    cid = cluster_of(db, ident)
    return joint_view(cid, [Record.from_incident(inc) for inc in cluster_members(db, cid)])


def decisions_about(db: Database, party: str, records: Sequence[str]) -> list[dict[str, Any]]:
    """Every analyst decision this node holds, its own and its peers', that names one of ``records``, oldest
    first, as ``{"id", "party", "decision", "records", "kept", "note", "created", "applied", "version",
    "withdrawn", "to_review", "changes", "review_note"}``.

    ``applied`` is true for the node's own decisions that are not withdrawn: a peer's decision travels with the
    peer's log and can be read here, but does not shape this node's clusters (the node's analysts decide for it).
    ``to_review``: a record it names has a version since the one it was made about that changes its date, place
    or figures materially (:mod:`sarhad.reconcile.review`); ``changes`` says which and how (``record``, the
    versions ``before`` and ``after``, ``what`` in words). A decision to review still applies until reviewed.
    ``review_note``: why the analyst confirmed or withdrew it after such a change.
    """
    wanted = set(records)
    held = [
        h
        for h in held_decisions(db)
        if not (wanted.isdisjoint(h.decision.members) and wanted.isdisjoint(h.decision.rest))
    ]
    changes = to_review(db, held)
    out = []
    for h in held:
        d = h.decision
        found = changes.get(d.id, [])
        out.append(
            {
                "id": d.id,
                "party": h.party,
                "decision": d.kind,
                "records": list(d.members),
                "kept": list(d.rest),
                "note": d.note,
                "created": d.created,
                "applied": h.party == party and not d.revoked,
                "version": h.version,
                "withdrawn": d.revoked,
                "to_review": bool(found),
                "changes": [c.to_dict() for c in found],
                "review_note": d.review_note,
            }
        )
    return sorted(out, key=lambda x: (x["created"], x["id"]))


def reviews_by_cluster(db: Database, party: str) -> dict[str, list[dict[str, Any]]]:
    """Cluster id → the node's own decisions to review (:mod:`sarhad.reconcile.review`) that name one of its
    members, as ``{"id", "decision", "changes"}``: what ``sarhad clusters list`` marks."""
    held = held_decisions(db, party)
    changes = to_review(db, held)
    out: dict[str, list[dict[str, Any]]] = {}
    for h in held:
        if h.decision.id not in changes:
            continue
        named = sorted({*h.decision.members, *h.decision.rest})
        clusters: set[str] = set()
        for start in range(0, len(named), 500):
            chunk = named[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = db.fetchall(
                f"SELECT DISTINCT cluster_id FROM reconcile_members WHERE incident_id IN ({marks})", chunk
            )
            clusters |= {str(c) for (c,) in rows}
        said = {
            "id": h.decision.id,
            "decision": h.decision.kind,
            "changes": [c.to_dict() for c in changes[h.decision.id]],
        }
        for cid in sorted(clusters):
            out.setdefault(cid, []).append(said)
    return out


def record_versions(db: Database, ids: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """(id, current version) of each of ``ids`` the node holds, sorted: what a decision naming them is made about."""
    out: dict[str, str] = {}
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = db.fetchall(f"SELECT id, modified FROM incidents WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
        out.update({str(i): str(m) for i, m in rows})
    return tuple(sorted(out.items()))


def review_decision(
    db: Database, party: str, decision_id: str, *, keep: bool, note: str = ""
) -> tuple[Decision, str, list[Change]]:
    """The new version of the node's own decision ``decision_id`` that records the analyst's review, the TLP level
    to publish it at, and the changes reviewed: ``keep`` confirms it (made about the named records' current
    versions, so it is no longer to review, and it keeps binding), else it is withdrawn (``revoked``: it binds
    nothing from then on). The level is the decision's own, or the strictest marking among its records' current
    versions when that is stricter (:func:`decision_marking`).

    Raises NotFound for a decision this node does not hold; InvalidInput for a peer's decision (its party's node
    reviews it), one already withdrawn, and, with ``keep``, one that is not to review (nothing to confirm).
    """
    held = next((h for h in held_decisions(db) if h.decision.id == decision_id), None)
    if held is None:
        raise NotFound(f"no analyst decision {decision_id} (`sarhad clusters show` lists a cluster's decisions)")
    d = held.decision
    if held.party != party:
        raise InvalidInput(
            f"decision {decision_id} is {held.party}'s: {held.party}'s analysts review it on their node; nothing was"
            " published. To decide otherwise here, make this node's own decision (`clusters split`, `clusters merge`)"
        )
    if d.revoked:
        raise InvalidInput(f"decision {decision_id} was withdrawn ({held.version}); nothing was published")
    changes = to_review(db, [held]).get(decision_id, [])
    if keep and not changes:
        raise InvalidInput(
            f"decision {decision_id} is not to review: no record it names has changed its date, place or figures"
            " materially since the decision was made; nothing was published"
        )
    reviewed = Decision(
        d.kind,
        d.members,
        d.rest,
        clusters=d.clusters,
        note=d.note,
        id=d.id,
        created=d.created,
        versions=record_versions(db, [*d.members, *d.rest]) if keep else d.versions,
        revoked=not keep,
        review_note=note,
    )
    rank = {level: n for n, level in enumerate(TLP_LEVELS)}
    level = max(held.tlp, decision_marking(db, reviewed), key=lambda t: rank.get(t, -1))
    return reviewed, level, changes


def record_names(db: Database, ids: Sequence[str]) -> dict[str, str]:
    """Incident id → how ``clusters show`` names it (its reporter and source id, ``PK PK-77``), for the ids
    of ``ids`` the node holds; a decision may name a record that is in no cluster shown with it."""
    out: dict[str, str] = {}
    wanted = list(dict.fromkeys(ids))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = db.fetchall(
            f"SELECT id, reported_by, source_id FROM incidents WHERE id IN ({', '.join('?' * len(chunk))})",
            tuple(chunk),
        )
        out.update({str(i): f"{r} {s}" for i, r, s in rows})
    return out


def _named_markings(db: Database, decision: Decision) -> list[tuple[str, str, str, str]]:
    """``(id, tlp, reported_by, source_id)`` of the current version of each record ``decision`` names (those it
    moves and, for a split, those that stay) that the node holds."""
    named = list(dict.fromkeys([*decision.members, *decision.rest]))
    out: list[tuple[str, str, str, str]] = []
    for start in range(0, len(named), 500):
        chunk = named[start : start + 500]
        rows = db.fetchall(
            f"SELECT id, tlp, reported_by, source_id FROM incidents WHERE id IN ({', '.join('?' * len(chunk))})",
            tuple(chunk),
        )
        out += [(str(i), str(t), str(r), str(s)) for i, t, r, s in rows]
    return out


def decision_marking(db: Database, decision: Decision) -> str:
    """The TLP level a decision is published at when the analyst names none: the strictest marking among the
    records it names (:func:`check_decision_marking`), never less strict than ``DEFAULT_DECISION_TLP`` (GREEN),
    the level decisions had before their records' markings counted."""
    rank = {level: n for n, level in enumerate(TLP_LEVELS)}
    levels = [DEFAULT_DECISION_TLP, *(t for _, t, _, _ in _named_markings(db, decision) if t in rank)]
    return max(levels, key=rank.__getitem__)


def check_decision_marking(db: Database, decision: Decision, tlp: str) -> None:
    """Check that ``decision`` may be published marked ``tlp``: no less strict than any record it names.

    A decision travels with the node's log to whoever may read its level, and it names its records and what
    the analyst thought of them: a TLP:GREEN decision about a TLP:RED record would tell every peer that the
    record exists and which incident it is about, which the record's marking withholds.

    Raises InvalidInput, before anything is published, when ``tlp`` is not a TLP level, or when it is less
    strict than a named record's current version (naming the strictest such record and the level to use).
    """
    rank = {level: n for n, level in enumerate(TLP_LEVELS)}
    if tlp not in rank:
        raise InvalidInput(f"TLP {tlp!r} is not one of {', '.join(TLP_LEVELS)}")
    stricter = [(rank[t], t, i, r, s) for i, t, r, s in _named_markings(db, decision) if rank.get(t, -1) > rank[tlp]]
    if stricter:
        _, level, rid, reported_by, source_id = max(stricter)
        raise InvalidInput(
            f"{reported_by} {source_id} ({rid}) is TLP:{level}: a {decision.kind} decision naming it at TLP:{tlp}"
            f" would tell those who may read TLP:{tlp} that the record exists and which incident it is about;"
            f" nothing was published. Publish the decision with --tlp {level}, or without --tlp to take the"
            " strictest marking among its records"
        )


def member_ids(db: Database, cluster_ids: Sequence[str]) -> dict[str, list[str]]:
    """Cluster id → its member incident ids. Raises NotFound for an unknown cluster."""
    out: dict[str, list[str]] = {}
    for cid in cluster_ids:
        rows = db.fetchall(
            "SELECT incident_id FROM reconcile_members WHERE cluster_id = ? ORDER BY incident_id", (cid,)
        )
        if not rows:
            raise NotFound(f"no cluster {cid} (see `sarhad clusters list`)")
        out[cid] = [str(r[0]) for r in rows]
    return out
