"""Reconciliation on a node: cluster the database's incidents, keep the clusters, answer questions on them.

:func:`reconcile` reads every current incident, takes the previous run's clusters as the starting point
(records that are new or changed since are the only ones compared) and the node's analyst decisions as
constraints, and rewrites the ``reconcile_*`` rows of the clusters that changed, in one transaction.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sarhad.errors import NotFound
from sarhad.model.incident import Incident
from sarhad.reconcile.cluster import cluster_records
from sarhad.reconcile.decisions import DECISION_TYPE, Decision, constraints
from sarhad.reconcile.joint import JointView, joint_view
from sarhad.reconcile.record import Record
from sarhad.reconcile.score import Scoring
from sarhad.store.db import Database
from sarhad.store.incidents import iter_incidents

__all__ = [
    "ReconcileSummary",
    "cluster_of",
    "cluster_view",
    "list_clusters",
    "load_decisions",
    "reconcile",
]


@dataclass(frozen=True, slots=True)
class ReconcileSummary:
    """What one run did."""

    records: int
    new_records: int
    clusters: int
    multi_source: int
    disagreements: int
    changed: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "new_records": self.new_records,
            "clusters": self.clusters,
            "multi_source": self.multi_source,
            "disagreements": self.disagreements,
            "changed_clusters": self.changed,
            "seconds": round(self.seconds, 3),
        }

    def line(self) -> str:
        return (
            f"reconciled {self.records} records ({self.new_records} new) into {self.clusters} incidents "
            f"({self.multi_source} reported by several sources, {self.disagreements} with disagreements; "
            f"{self.changed} clusters changed) in {self.seconds:.1f} s"
        )


def load_decisions(db: Database, party: str) -> list[Decision]:
    """The node's own decisions (latest version of each), oldest first."""
    rows = db.fetchall(
        "SELECT o.body FROM objects o WHERE o.type = ? AND o.origin = ? AND o.modified = "
        "(SELECT MAX(p.modified) FROM objects p WHERE p.id = o.id) ORDER BY o.seq",
        (DECISION_TYPE, party),
    )
    return [Decision.from_stix(json.loads(body)) for (body,) in rows]


def _records(db: Database) -> tuple[list[Record], dict[str, str]]:
    records, versions = [], {}
    for inc in iter_incidents(db):
        records.append(Record.from_incident(inc))
        versions[inc.id] = inc.modified
    return records, versions


def reconcile(db: Database, party: str, *, scoring: Scoring | None = None, full: bool = False) -> ReconcileSummary:
    """Run or update the clustering of the node's incidents; ``full`` recomputes from scratch.

    Raises StorageError when the database fails.
    """
    started = time.monotonic()
    records, versions = _records(db)
    previous: dict[str, tuple[str, str]] = {
        rid: (cid, version)
        for rid, cid, version in db.fetchall("SELECT incident_id, cluster_id, version FROM reconcile_members")
    }
    existing = None
    if not full:
        existing = {rid: cid for rid, (cid, version) in previous.items() if versions.get(rid) == version}
    must, cannot = constraints(load_decisions(db, party))
    result = cluster_records(records, scoring=scoring, existing=existing, must=must, cannot=cannot)

    old_clusters: dict[str, set[str]] = {}
    for rid, (cid, _) in previous.items():
        old_clusters.setdefault(cid, set()).add(rid)
    new_clusters = {cid: set(ids) for cid, ids in result.clusters().items()}
    changed = {cid for cid, ids in new_clusters.items() if old_clusters.get(cid) != ids}
    changed |= {rid for rid, ids in old_clusters.items() if rid not in new_clusters}
    changed |= {result.labels[rid] for rid in result.labels if previous.get(rid, ("", ""))[1] != versions[rid]}
    by_id = {r.id: r for r in records}
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    views = {cid: joint_view(cid, [by_id[i] for i in new_clusters[cid]]) for cid in changed if cid in new_clusters}
    with db.transaction():
        gone = sorted(changed)
        for start in range(0, len(gone), 500):
            chunk = gone[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            db.execute(f"DELETE FROM reconcile_clusters WHERE cluster_id IN ({marks})", chunk)
            db.execute(f"DELETE FROM reconcile_members WHERE cluster_id IN ({marks})", chunk)
        stale = sorted(rid for rid in previous if rid not in versions or result.labels.get(rid) in changed)
        for start in range(0, len(stale), 500):
            chunk = stale[start : start + 500]
            db.execute(f"DELETE FROM reconcile_members WHERE incident_id IN ({', '.join('?' * len(chunk))})", chunk)
        db.executemany(
            "INSERT INTO reconcile_clusters (cluster_id, size, date_start, killed_low, killed_best, killed_high,"
            " wounded_low, wounded_best, wounded_high, flags, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_cluster_row(v, stamp) for v in views.values()],
        )
        db.executemany(
            "INSERT INTO reconcile_members (incident_id, cluster_id, version) VALUES (?, ?, ?)",
            [(m.id, cid, versions[m.id]) for cid, v in views.items() for m in v.members],
        )
    multi = sum(1 for ids in new_clusters.values() if len({by_id[i].reported_by for i in ids}) > 1)
    disagreements = db.fetchone("SELECT COUNT(*) FROM reconcile_clusters WHERE flags LIKE '%disagree%'")
    return ReconcileSummary(
        records=len(records),
        new_records=result.new_records,
        clusters=len(new_clusters),
        multi_source=multi,
        disagreements=int(disagreements[0]) if disagreements else 0,
        changed=len(views),
        seconds=time.monotonic() - started,
    )


def _cluster_row(v: JointView, stamp: str) -> tuple[Any, ...]:
    k, w = v.figure("killed"), v.figure("wounded")
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
    )


def list_clusters(
    db: Database, *, disagreements: bool = False, limit: int | None = None, offset: int = 0
) -> list[dict[str, Any]]:
    """Clusters as ``{"cluster_id", "members", "killed", "wounded", "flags"}``, oldest first.

    ``disagreements``: only clusters flagged ``figures_disagree``, ``perpetrator_disagree`` or
    ``location_disagree``.
    """
    sql = (
        "SELECT cluster_id, killed_low, killed_best, killed_high, wounded_low, wounded_best, wounded_high, flags,"
        " date_start FROM reconcile_clusters"
    )
    params: list[Any] = []
    if disagreements:
        sql += " WHERE flags LIKE '%disagree%'"
    sql += " ORDER BY date_start, cluster_id"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    rows = db.fetchall(sql, params)
    out: dict[str, dict[str, Any]] = {}
    for cid, kl, kb, kh, wl, wb, wh, flags, day in rows:
        out[cid] = {
            "cluster_id": cid,
            "date_start": day,
            "members": [],
            "killed": {"low": kl, "best": kb, "high": kh},
            "wounded": {"low": wl, "best": wb, "high": wh},
            "flags": [f for f in str(flags).split(",") if f],
        }
    ids = list(out)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for cid, rid, source_id, reported_by in db.fetchall(
            "SELECT m.cluster_id, m.incident_id, i.source_id, i.reported_by FROM reconcile_members m"
            f" JOIN incidents i ON i.id = m.incident_id WHERE m.cluster_id IN ({', '.join('?' * len(chunk))})"
            " ORDER BY m.cluster_id, i.reported_by, m.incident_id",
            chunk,
        ):
            out[cid]["members"].append({"id": rid, "source_id": source_id, "reported_by": reported_by})
    return list(out.values())


def cluster_of(db: Database, ident: str) -> str:
    """The cluster id for a cluster id or an incident id. Raises NotFound when neither is known."""
    if db.fetchone("SELECT 1 FROM reconcile_clusters WHERE cluster_id = ?", (ident,)) is not None:
        return ident
    row = db.fetchone("SELECT cluster_id FROM reconcile_members WHERE incident_id = ?", (ident,))
    if row is None:
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
