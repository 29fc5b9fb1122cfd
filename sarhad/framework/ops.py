"""Writing the framework's records: every change is a STIX object published through the node's single write
path (:meth:`sarhad.node.Node.publisher`), with the query tables updated in the same transaction.

Each function validates everything first and raises InvalidInput or NotFound before anything is written, so
a rejected call stores nothing. ``party`` defaults to the node's own party; another party's (or the joint
committee's) record received off-line is recorded with ``party=`` and keeps ``recorded_by`` = this node.

This module gathers the writing functions of one module per kind of record, so that a caller needs one import:
:mod:`~sarhad.framework.template` (the founding framework), :mod:`~sarhad.framework.assessments`,
:mod:`~sarhad.framework.evidence`, :mod:`~sarhad.framework.indicators`, :mod:`~sarhad.framework.milestones`,
:mod:`~sarhad.framework.disputes` and :mod:`~sarhad.framework.recommendations`.
"""

from __future__ import annotations

from sarhad.framework.assessments import assess
from sarhad.framework.disputes import open_dispute, reply_dispute, update_dispute
from sarhad.framework.evidence import EVIDENCE_DIR, add_evidence, resolve_evidence, verify_evidence
from sarhad.framework.indicators import record_indicator, set_indicator_target
from sarhad.framework.milestones import update_milestone
from sarhad.framework.recommendations import add_recommendation, update_recommendation
from sarhad.framework.template import TEMPLATES, init_template, load_template

__all__ = [
    "EVIDENCE_DIR",
    "TEMPLATES",
    "add_evidence",
    "add_recommendation",
    "assess",
    "init_template",
    "load_template",
    "open_dispute",
    "record_indicator",
    "reply_dispute",
    "resolve_evidence",
    "set_indicator_target",
    "update_dispute",
    "update_milestone",
    "update_recommendation",
    "verify_evidence",
]
