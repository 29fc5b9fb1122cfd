"""Commitments proposed by ingested news articles, for the framework's secretary to review.

``sarhad ingest article`` publishes each commitment the extractor finds as a STIX ``note`` labelled
``proposed-commitment`` on the article's ``report``; the note carries the structured proposal in
``x_sarhad_commitment`` (actor, parties, text, due, recurrence, the sentence it came from). This module lists
them, newest article first, with the article they came from. Nothing here changes the framework: a proposal
becomes a commitment only when a person adds it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sarhad.node import Node

__all__ = ["LABEL", "list_proposals"]

LABEL = "proposed-commitment"


def _current_bodies(node: Node, kind: str) -> dict[str, dict[str, Any]]:
    """The current version of every stored object of STIX type ``kind``, by id."""
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for object_id, modified, body in node.db.fetchall("SELECT id, modified, body FROM objects WHERE type = ?", (kind,)):
        if object_id not in out or modified > out[object_id][0]:
            out[object_id] = (modified, json.loads(body))
    return {k: v[1] for k, v in out.items()}


def list_proposals(node: Node) -> list[dict[str, Any]]:
    """The proposed commitments, each with its source article: ``{"id", "actor", "parties", "text", "due",
    "recurrence", "quote", "article": {"id", "title", "url", "sha256", "published"}}``."""
    reports = _current_bodies(node, "report")
    out: list[dict[str, Any]] = []
    for note_id, note in _current_bodies(node, "note").items():
        if LABEL not in (note.get("labels") or []):
            continue
        proposal = note.get("x_sarhad_commitment") or {}
        due = proposal.get("due") or next(
            (lab.split(":", 1)[1] for lab in note.get("labels") or [] if lab.startswith("due:")), None
        )
        report = next((reports[r] for r in note.get("object_refs") or [] if r in reports), {})
        ref: dict[str, Any] = next(iter(report.get("external_references") or []), {})
        out.append(
            {
                "_order": (
                    (report.get("published") or "")[:10],
                    report.get("id") or "",
                    -int(proposal.get("ordinal") or 0),
                    note_id,
                ),
                "id": note_id,
                "actor": proposal.get("actor") or (note.get("abstract") or "").removeprefix("Proposed commitment: "),
                "parties": proposal.get("parties") or [],
                "text": proposal.get("text") or note.get("content") or "",
                "due": due,
                "recurrence": proposal.get("recurrence"),
                "quote": proposal.get("quote"),
                "article": {
                    "id": report.get("id"),
                    "title": report.get("name"),
                    "url": ref.get("url"),
                    "sha256": (ref.get("hashes") or {}).get("SHA-256"),
                    "published": (report.get("published") or "")[:10] or None,
                },
            }
        )
    # newest article first; within an article, the order of the text
    out.sort(key=lambda p: p["_order"], reverse=True)
    for p in out:
        del p["_order"]
    return out
