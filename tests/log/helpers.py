"""Shared helpers for the log tests: publish small batches of objects through the node's write path."""

from __future__ import annotations

from sarhad.log.verify import VerifyReport, verify_log
from sarhad.node import Node


def note_id(i: int) -> str:
    return f"note--{i:08d}-0000-4000-8000-000000000000"


def publish_notes(node: Node, start: int, count: int) -> None:
    """Publish ``count`` STIX notes in one transaction (one batch, one checkpoint)."""
    with node.publisher() as pub:
        for i in range(start, start + count):
            pub.add_object({"type": "note", "id": note_id(i), "content": f"note {i}"}, tlp="GREEN")


def verify(node: Node) -> VerifyReport:
    return verify_log(node.db, [node.signer.verifier], origin=node.settings.origin, party=node.settings.party)
