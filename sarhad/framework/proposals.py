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


def _latest_held(node: Node, kind: str) -> dict[str, tuple[dict[str, Any], dict[str, str] | None]]:
    """Of every stored object of STIX type ``kind``, by id: its latest version held, and None when that is its current
    version by the store's rule (:mod:`sarhad.store.current`), else the later version this node was refused (its
    ``version``, ``tlp`` and ``origin``, from the envelope): then no version is current here, and the one held is
    the last this node may read."""
    out: dict[str, tuple[dict[str, Any], dict[str, str] | None]] = {}
    for object_id, body, version, tlp, origin in node.db.fetchall(
        "SELECT o.id, o.body, w.modified, w.tlp, w.origin FROM objects o LEFT JOIN withheld_versions w ON w.id = o.id"
        " AND w.modified > o.modified AND NOT EXISTS (SELECT 1 FROM withheld_versions w_later"
        " WHERE w_later.id = w.id AND w_later.modified > w.modified)"
        " WHERE o.type = ? AND NOT EXISTS (SELECT 1 FROM objects o_later WHERE o_later.id = o.id"
        " AND o_later.modified > o.modified)",
        (kind,),
    ):
        withheld = None if version is None else {"version": str(version), "tlp": str(tlp), "origin": str(origin)}
        out[str(object_id)] = (json.loads(body), withheld)
    return out


def list_proposals(node: Node) -> list[dict[str, Any]]:
    """The proposed commitments, each with its source article: ``{"id", "actor", "parties", "text", "due",
    "recurrence", "quote", "article": {"id", "title", "url", "sha256", "published"}, "withheld"}``.

    A proposal whose later version this node was refused (a peer changed it under a marking this node may not
    read) has no current version here: it is listed as last read, with ``withheld`` naming the later version
    (``version``, ``tlp``, ``origin``), not left out without a word; ``withheld`` is None for the others."""
    reports = {k: body for k, (body, _) in _latest_held(node, "report").items()}
    out: list[dict[str, Any]] = []
    for note_id, (note, withheld) in _latest_held(node, "note").items():
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
                "withheld": withheld,
            }
        )
    # newest article first; within an article, the order of the text
    out.sort(key=lambda p: p["_order"], reverse=True)
    for p in out:
        del p["_order"]
    return out
