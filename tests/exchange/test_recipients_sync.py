"""TLP:RED named recipients across two real nodes on loopback: PK publishes a RED record for IR:desk-a, IR syncs;
on IR, desk-a reads it and desk-b does not; RED records that name no IR principal travel as envelopes only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sarhad.exchange.peers import add_peer, get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.log.verify import verify_log
from sarhad.model.incident import Incident, incident_id
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.web.conftest import TAXII, serving

COLLECTION = "/taxii2/sarhad/collections/incidents"


def _record(source: str, tlp: str, recipients: tuple[str, ...] = ()) -> Incident:
    return Incident(id=incident_id("party", "PK", source), reported_by="PK", dataset="party", source_id=source,
                    date_start="2026-02-01", date_end="2026-02-01", title=source, tlp=tlp,
                    recipients=recipients)  # fmt: skip


FOR_DESK_A = _record("for-desk-a", "RED", ("IR:desk-a", "PK:jtc-liaison"))
PK_ONLY = _record("pk-only", "RED")
PK_NAMED = _record("pk-named", "RED", ("PK:jtc-liaison",))
SHARED = _record("shared", "GREEN")


@pytest.fixture
def synced(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, Node, str]]:
    pk = Node.init(tmp_path / "pk", "PK")
    ir_url = None
    if request.param == "postgresql":
        ir_url = request.getfixturevalue("pg_schema_url")
    ir = Node.init(tmp_path / "ir", "IR", database_url=ir_url)
    pk.publish([FOR_DESK_A, PK_ONLY, PK_NAMED, SHARED])
    with serving(pk) as pk_url, serving(ir) as ir_base:
        add_peer(ir.db, "PK", pk_url, pk.signer.vkey, create_token(pk.db, "ir", "peer", "IR"))
        add_peer(pk.db, "IR", ir_base, ir.signer.vkey, create_token(ir.db, "pk", "peer", "PK"))
        sync_peer(ir, get_peer(ir.db, "PK"))
        yield pk, ir, ir_base
    pk.close()
    ir.close()


PARAMS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.mark.parametrize("synced", PARAMS, indirect=True)
def test_only_the_record_for_an_ir_principal_is_carried_to_ir(synced: tuple[Node, Node, str]) -> None:
    _, ir, _ = synced
    held = {str(r[0]) for r in ir.db.fetchall("SELECT id FROM objects WHERE origin = 'PK'")}
    assert held == {FOR_DESK_A.id, SHARED.id}
    logged = {json.loads(str(r[0]))["object_id"] for r in ir.db.fetchall("SELECT envelope FROM peer_leaves")}
    assert {PK_ONLY.id, PK_NAMED.id, FOR_DESK_A.id, SHARED.id} <= logged  # the envelopes of all four
    stored = ir.db.fetchall("SELECT recipient, party FROM object_recipients WHERE object_id = ?", (FOR_DESK_A.id,))
    assert sorted(stored) == [("IR:desk-a", "IR"), ("PK:jtc-liaison", "PK")]  # derived on IR's copy too
    verify_log(ir.db, [ir.signer.verifier])


@pytest.mark.parametrize("synced", PARAMS, indirect=True)
def test_on_ir_the_named_desk_reads_it_and_no_other_ir_principal_does(synced: tuple[Node, Node, str]) -> None:
    _, ir, base = synced
    tokens = {
        "desk-a": create_token(ir.db, "desk-a", "analyst", "IR"),
        "desk-b": create_token(ir.db, "desk-b", "analyst", "IR"),
        "root": create_token(ir.db, "root", "admin", "IR"),
        "jtc-liaison": create_token(ir.db, "jtc-liaison", "viewer", "PK"),  # named, on a copy at another node
    }
    allowed = {"desk-a": True, "desk-b": False, "root": False, "jtc-liaison": True}
    with httpx.Client(base_url=base, timeout=30) as client:
        for who, token in tokens.items():
            auth = {"Authorization": f"Bearer {token}"}
            by_id = client.get(f"{COLLECTION}/objects/{FOR_DESK_A.id}/", headers={**auth, **TAXII})
            assert by_id.status_code == (200 if allowed[who] else 404), who
            listed = client.get("/api/incidents", headers=auth).json()
            assert (FOR_DESK_A.id in {i["id"] for i in listed["incidents"]}) is allowed[who], who
            table = client.get("/api/dashboard/table", headers=auth).json()
            assert (FOR_DESK_A.id in {r["id"] for r in table["rows"]}) is allowed[who], who
            shown = client.get(f"/api/incidents/{FOR_DESK_A.id}", headers=auth)
            assert shown.status_code == (200 if allowed[who] else 404), who
            if who != "jtc-liaison":  # IR's own principals see the GREEN record
                assert SHARED.id in {i["id"] for i in listed["incidents"]}, who
