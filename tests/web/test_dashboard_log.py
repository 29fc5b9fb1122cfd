"""The dashboard's transparency-log panel (``GET /api/dashboard/log``) on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx

from sarhad.exchange.peers import add_peer
from sarhad.exchange.refused import record_refused
from sarhad.log.note import Signer
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import UNUSED_TOKEN
from tests.log.helpers import publish_notes
from tests.web.conftest import serving


def test_the_log_panel_names_the_latest_cosigned_checkpoint_when_the_newest_is_not_cosigned(any_node: Node) -> None:
    """IR cosigned the checkpoint at size 2; the node has since signed one at size 3, not cosigned yet. The panel
    still says the log was cosigned up to size 2, by IR's log (peer IR, party IR), and when."""
    node = any_node
    ir = Signer.generate("sarhad.ir/log")
    add_peer(node.db, "IR", "http://127.0.0.1:9", ir.vkey, UNUSED_TOKEN)
    publish_notes(node, 0, 2)
    cp = node.log.latest_checkpoint()
    assert cp is not None and cp.note is not None and cp.size == 2
    cosigner = ir.cosigner()
    with node.db.transaction():
        node.log.add_cosignatures(cosigner.cosign_note(cp.note, 1767225600), [cosigner.verifier])
    publish_notes(node, 2, 1)
    token = create_token(node.db, "auditor", "viewer", "PK")
    with serving(node) as base, httpx.Client(base_url=base, timeout=30) as client:
        answer = client.get("/api/dashboard/log", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    checkpoint = answer.json()["checkpoint"]
    assert (checkpoint["size"], checkpoint["cosignatures"]) == (3, [])
    assert checkpoint["latest_cosigned_size"] == 2
    latest = checkpoint["latest_cosigned"]
    assert latest["size"] == 2 and latest["created"]
    [cosignature] = latest["cosignatures"]
    assert (cosignature["name"], cosignature["peer"], cosignature["party"]) == ("sarhad.ir/log", "IR", "IR")
    assert cosignature["received"]


def test_the_log_panel_has_no_latest_cosigned_checkpoint_before_any_cosignature(any_node: Node) -> None:
    node = any_node
    publish_notes(node, 0, 1)
    token = create_token(node.db, "auditor", "viewer", "PK")
    with serving(node) as base, httpx.Client(base_url=base, timeout=30) as client:
        checkpoint = client.get("/api/dashboard/log", headers={"Authorization": f"Bearer {token}"}).json()["checkpoint"]
    assert checkpoint["size"] == 1
    assert checkpoint["latest_cosigned_size"] is None and checkpoint["latest_cosigned"] is None


def test_the_log_panel_counts_each_peers_refused_entries_and_evidence_held(any_node: Node) -> None:
    """PK refused two of IR's entries and holds one piece of evidence against IR, none against AF: the log
    panel's answer counts them per peer, for any principal that may see the panel."""
    node = any_node
    add_peer(node.db, "IR", "http://127.0.0.1:9", Signer.generate("sarhad.ir/log").vkey, UNUSED_TOKEN)
    add_peer(node.db, "AF", "http://127.0.0.1:9", Signer.generate("sarhad.af/log").vkey, UNUSED_TOKEN)
    stamp = "2026-03-01T10:00:00.000Z"
    refused = [
        (4, "incident--a", stamp, "0" * 64, "reported_by is 'PK', this node's party", "{}"),
        (9, "x-sarhad-note--b", stamp, "1" * 64, "the object has no type", "{}"),
    ]
    with node.db.transaction():
        record_refused(node.db, "IR", refused, stamp)
        node.db.execute(
            "INSERT INTO split_views (peer, detected, reason, note_a, note_b, proof) VALUES (?, ?, ?, ?, ?, ?)",
            ("IR", stamp, "rollback: the peer now signs size 3, after size 5 was verified", "a", "b", None),
        )
    token = create_token(node.db, "auditor", "viewer", "PK")
    with serving(node) as base, httpx.Client(base_url=base, timeout=30) as client:
        answer = client.get("/api/dashboard/log", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    counts = {p["name"]: (p["refused_entries"], p["evidence"]) for p in answer.json()["peers"]}
    assert counts == {"AF": (0, 0), "IR": (2, 1)}
