"""A peer's analyst decision this release cannot read (a kind a later release added, or a malformed one) binds
nothing here, as no peer's decision does, and is left out of the review: the joint picture's list and detail, and
``clusters list``, keep working for every reader instead of failing on it. Through a real sync, on both databases."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from sarhad.exchange.peers import add_peer, get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.node import Node
from sarhad.reconcile.decisions import DECISION_TYPE
from sarhad.reconcile.review import held_decisions
from sarhad.reconcile.store import list_clusters, reconcile
from sarhad.web.auth import create_token
from tests.reconcile.helpers import report
from tests.web.conftest import serving

PK_REPORT = replace(report("PK", "PK-9", "2024-05-02", perpetrator="BLA", killed=7), tlp="GREEN")
IR_REPORT = replace(report("IR", "IR-9", "2024-05-02", perpetrator="BLA", killed=9), tlp="GREEN")


def _decision(**fields: Any) -> dict[str, Any]:
    return {
        "type": DECISION_TYPE,
        "spec_version": "2.1",
        "id": f"{DECISION_TYPE}--{uuid.uuid4()}",
        "created_by_ref": "identity--00000000-0000-4000-8000-000000000000",
        "object_refs": [IR_REPORT.id],
        **fields,
    }


@pytest.mark.parametrize(
    "decision",
    [
        pytest.param(_decision(decision="hold"), id="a-later-releases-kind"),
        pytest.param(_decision(decision="merge", object_refs=7), id="refs-not-a-list"),
        pytest.param(_decision(decision="merge", record_versions=[1]), id="versions-not-an-object"),
    ],
)
def test_a_peers_unreadable_decision_leaves_the_joint_picture_working(
    any_node: Node, tmp_path: Path, decision: dict[str, Any]
) -> None:
    pk = any_node  # the node that receives IR's decision: SQLite or PostgreSQL
    with Node.init(tmp_path / "ir", "IR") as ir:
        ir.publish([IR_REPORT])
        with ir.publisher() as pub:
            pub.add_object(decision, tlp="GREEN")
        pk.publish([PK_REPORT])
        analyst = create_token(pk.db, "ana", "analyst", "PK")
        with serving(ir) as ir_url, serving(pk) as pk_url:
            add_peer(pk.db, "IR", ir_url, ir.signer.vkey, create_token(ir.db, "pk", "peer", "PK"))
            sync_peer(pk, get_peer(pk.db, "IR"))
            assert pk.db.fetchone("SELECT count(*) FROM objects WHERE type = ?", (DECISION_TYPE,)) == (1,)
            assert held_decisions(pk.db) == []
            reconcile(pk.db, "PK")
            [cluster] = list_clusters(pk.db, party="PK")
            assert sorted(m["id"] for m in cluster["members"]) == sorted([PK_REPORT.id, IR_REPORT.id])
            with httpx.Client(base_url=pk_url, headers={"Authorization": f"Bearer {analyst}"}, timeout=30) as web:
                listed = web.get("/api/dashboard/clusters")
                assert listed.status_code == 200, listed.text
                [row] = listed.json()["clusters"]
                assert row["to_review"] is False
                detail = web.get(f"/api/dashboard/clusters/{PK_REPORT.id}")
                assert detail.status_code == 200, detail.text
