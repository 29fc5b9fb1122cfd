"""Reconciliation: one joint picture from many reports of the same incident (issue #6).

The pieces, in the order a run uses them: :mod:`~sarhad.reconcile.record` (the comparison view of a report),
:mod:`~sarhad.reconcile.blocking` (candidate pairs without all-pairs comparison),
:mod:`~sarhad.reconcile.score` (the pairwise score), :mod:`~sarhad.reconcile.cluster` (clusters that do not
chain look-alikes), :mod:`~sarhad.reconcile.joint` (spans, consensus and flags),
:mod:`~sarhad.reconcile.decisions` (analyst confirm/split/merge), :mod:`~sarhad.reconcile.store` (runs on a
node's database), :mod:`~sarhad.reconcile.stats` (statistics that count incidents, not reports),
:mod:`~sarhad.reconcile.synth` and :mod:`~sarhad.reconcile.quality` (generated reports with known truth,
and how well the clustering recovers it).

Names are imported lazily: the store's migration runner imports :mod:`sarhad.reconcile.schema` on every
node open, and that should not load numpy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sarhad.reconcile.cluster import ClusterResult, cluster_records
    from sarhad.reconcile.decisions import Decision
    from sarhad.reconcile.joint import JointFigure, JointView, joint_view
    from sarhad.reconcile.quality import Quality, measure
    from sarhad.reconcile.record import Record
    from sarhad.reconcile.score import Scoring
    from sarhad.reconcile.stats import dedup_stats
    from sarhad.reconcile.store import ReconcileSummary, cluster_view, list_clusters, reconcile
    from sarhad.reconcile.synth import Synthetic, generate

__all__ = [
    "ClusterResult",
    "Decision",
    "JointFigure",
    "JointView",
    "Quality",
    "ReconcileSummary",
    "Record",
    "Scoring",
    "Synthetic",
    "cluster_records",
    "cluster_view",
    "dedup_stats",
    "generate",
    "joint_view",
    "list_clusters",
    "measure",
    "reconcile",
]

_WHERE = {
    "ClusterResult": "cluster",
    "cluster_records": "cluster",
    "Decision": "decisions",
    "JointFigure": "joint",
    "JointView": "joint",
    "joint_view": "joint",
    "Quality": "quality",
    "measure": "quality",
    "Record": "record",
    "Scoring": "score",
    "dedup_stats": "stats",
    "ReconcileSummary": "store",
    "cluster_view": "store",
    "list_clusters": "store",
    "reconcile": "store",
    "Synthetic": "synth",
    "generate": "synth",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'sarhad.reconcile' has no attribute {name!r}")
    return getattr(importlib.import_module(f"sarhad.reconcile.{_WHERE[name]}"), name)
