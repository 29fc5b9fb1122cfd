"""A record synced as CLEAR and then marked RED, across real nodes on loopback: the next sync carries no body of
it to a peer the RED version does not name (the peer's copy of what it already pulled stays, and its log still
verifies), a peer that syncs for the first time afterwards gets neither the old CLEAR body nor the RED one, and
a named peer gets the RED version as the record's current one. The peer that pulled the CLEAR version learns
from the next sync's envelope that a later version exists: its copy is no longer current (its incidents view
drops it, TAXII's latest versions skip it) and is read only by those the RED marking admits whatever it names
(PK's admin), until a later version it may read arrives."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from sarhad.exchange.peers import add_peer, get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.exchange.withheld import withheld_from_copies
from sarhad.log.verify import verify_log
from sarhad.marking import mark_incident
from sarhad.model.incident import Incident, incident_id
from sarhad.node import Node
from sarhad.store.incidents import rebuild_incidents
from sarhad.web.auth import create_token
from tests.conftest import drop_schema
from tests.monitor.test_summary import from_scratch, snapshot
from tests.web.conftest import TAXII, serving

COLLECTION = "/taxii2/sarhad/collections/incidents"


def _record(source: str, tlp: str = "CLEAR") -> Incident:
    return Incident(id=incident_id("party", "PK", source), reported_by="PK", dataset="party", source_id=source,
                    date_start="2026-02-01", date_end="2026-02-01", title=source, tlp=tlp)  # fmt: skip


FOR_PK_ONLY = _record("for-pk-only")  # CLEAR, then RED for PK:jtc-liaison
FOR_DESK_A = _record("for-desk-a")  # CLEAR, then RED for IR:desk-a
SHARED = _record("shared", "GREEN")


@dataclass
class Nodes:
    pk: Node
    ir: Node
    ir_base: str

    def held(self, node: Node, object_id: str) -> list[tuple[str, str]]:
        """The versions of ``object_id`` ``node`` holds, oldest first, with their TLP."""
        sql = "SELECT modified, tlp FROM objects WHERE id = ? ORDER BY modified"
        return [(str(r[0]), str(r[1])) for r in node.db.fetchall(sql, (object_id,))]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def nodes(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Nodes]:
    """PK published two CLEAR records and a GREEN one; IR synced them; then PK marked both CLEAR records RED.

    On PostgreSQL both nodes have a schema of their own: PK's serves the versions, IR's shows what it holds."""
    urls: list[str | None] = [None, None]
    if request.param == "postgresql":
        base = request.getfixturevalue("pg_schema_url")
        urls = [base, base.rsplit("=", 1)[0] + "=" + base.rsplit("=", 1)[1] + "_ir"]
    pk = Node.init(tmp_path / "pk", "PK", database_url=urls[0])
    ir = Node.init(tmp_path / "ir", "IR", database_url=urls[1])
    pk.publish([FOR_PK_ONLY, FOR_DESK_A, SHARED])
    with serving(pk) as pk_url, serving(ir) as ir_base:
        add_peer(ir.db, "PK", pk_url, pk.signer.vkey, create_token(pk.db, "ir", "peer", "IR"))
        add_peer(pk.db, "IR", ir_base, ir.signer.vkey, create_token(ir.db, "pk", "peer", "PK"))
        first = sync_peer(ir, get_peer(ir.db, "PK"))
        assert (first.objects, first.withheld) == (3, 0)
        mark_incident(pk, FOR_PK_ONLY.id, "RED", ["PK:jtc-liaison"])
        mark_incident(pk, FOR_DESK_A.id, "RED", ["IR:desk-a"])
        yield Nodes(pk, ir, ir_base)
    pk.close()
    ir.close()
    if urls[1] is not None:
        drop_schema(urls[1])


def test_the_next_sync_carries_no_body_to_a_peer_the_red_version_does_not_name(nodes: Nodes) -> None:
    pk, ir = nodes.pk, nodes.ir
    before = nodes.held(ir, FOR_PK_ONLY.id)
    result = sync_peer(ir, get_peer(ir.db, "PK"))
    # two new entries: the RED version for PK only travels as its envelope, the one for IR:desk-a in full
    assert (result.objects, result.withheld) == (1, 1)
    assert nodes.held(ir, FOR_PK_ONLY.id) == before == [(before[0][0], "CLEAR")]  # IR's own copy stays
    row = ir.db.fetchone("SELECT tlp FROM incidents WHERE id = ?", (FOR_DESK_A.id,))
    assert row is not None and row[0] == "RED"  # the named party's node shows the RED version as current
    assert [tlp for _, tlp in nodes.held(ir, FOR_DESK_A.id)] == ["CLEAR", "RED"]
    logged = [json.loads(str(r[0])) for r in ir.db.fetchall("SELECT envelope FROM peer_leaves")]
    assert len(logged) == pk.log.size() == 5  # every envelope, so the copy of PK's log is whole
    verify_log(ir.db, [ir.signer.verifier])
    assert sync_peer(ir, get_peer(ir.db, "PK")).objects == 0  # and a further sync has nothing new


def test_on_the_named_peers_node_the_earlier_clear_version_is_read_by_the_named_principal_only(
    nodes: Nodes,
) -> None:
    ir = nodes.ir
    sync_peer(ir, get_peer(ir.db, "PK"))
    tokens = {
        "desk-a": create_token(ir.db, "desk-a", "analyst", "IR"),
        "desk-b": create_token(ir.db, "desk-b", "analyst", "IR"),
        "root": create_token(ir.db, "root", "admin", "IR"),
    }
    with httpx.Client(base_url=nodes.ir_base, timeout=30) as client:
        for who, token in tokens.items():
            headers = {"Authorization": f"Bearer {token}", **TAXII}
            answer = client.get(f"{COLLECTION}/objects/{FOR_DESK_A.id}/versions/", headers=headers)
            if who == "desk-a":
                assert answer.status_code == 200 and len(answer.json()["versions"]) == 2
            else:
                assert answer.status_code == 404, who  # neither the RED version nor the CLEAR one IR pulled before
            listed = client.get(f"{COLLECTION}/objects/", headers=headers, params={"match[version]": "all"})
            assert (FOR_DESK_A.id in listed.text) is (who == "desk-a"), who


def test_a_peer_that_syncs_afterwards_gets_no_body_of_either_record(nodes: Nodes, tmp_path: Path) -> None:
    pk = nodes.pk
    af = Node.init(tmp_path / "af", "AF")
    try:
        with serving(pk) as pk_url:
            add_peer(af.db, "PK", pk_url, pk.signer.vkey, create_token(pk.db, "af", "peer", "AF"))
            add_peer(pk.db, "AF", "http://127.0.0.1:9", af.signer.vkey, "sarhad_000000000000_" + "p" * 43)
            result = sync_peer(af, get_peer(af.db, "PK"))
        assert (result.objects, result.withheld) == (1, 4)  # SHARED; both versions of both records withheld
        held = {str(r[0]) for r in af.db.fetchall("SELECT id FROM objects WHERE origin = 'PK'")}
        assert held == {SHARED.id}
        assert af.db.fetchone("SELECT 1 FROM incidents WHERE id IN (?, ?)", (FOR_PK_ONLY.id, FOR_DESK_A.id)) is None
        assert af.db.fetchone("SELECT COUNT(*) FROM peer_leaves") == (5,)
        verify_log(af.db, [af.signer.verifier])
    finally:
        af.close()


def _current_row(node: Node, object_id: str) -> tuple[str, str] | None:
    """The version and TLP the node's incidents view shows as ``object_id``'s current version (None: none)."""
    row = node.db.fetchone("SELECT modified, tlp FROM incidents WHERE id = ?", (object_id,))
    return None if row is None else (str(row[0]), str(row[1]))


def test_the_peer_no_longer_takes_its_clear_copy_for_the_current_version(nodes: Nodes) -> None:
    pk, ir = nodes.pk, nodes.ir
    (clear, _), (red, _) = nodes.held(pk, FOR_PK_ONLY.id)
    assert _current_row(ir, FOR_PK_ONLY.id) == (clear, "CLEAR")  # before the next sync: the copy is current
    sync_peer(ir, get_peer(ir.db, "PK"))
    # what the withheld version's envelope says is kept; the copy stays, but is no longer current
    kept = [tuple(map(str, r)) for r in ir.db.fetchall("SELECT id, modified, tlp, origin FROM withheld_versions")]
    assert kept == [(FOR_PK_ONLY.id, red, "RED", "PK")]
    assert nodes.held(ir, FOR_PK_ONLY.id) == [(clear, "CLEAR")]
    assert _current_row(ir, FOR_PK_ONLY.id) is None
    assert _current_row(ir, SHARED.id) is not None
    assert snapshot(ir.db) == from_scratch(ir.db)  # the summaries moved the dropped row's share out
    with ir.db.transaction():
        rebuild_incidents(ir.db)  # sarhad store rebuild does not bring it back
    assert _current_row(ir, FOR_PK_ONLY.id) is None and _current_row(ir, SHARED.id) is not None
    verify_log(ir.db, [ir.signer.verifier])


def test_the_peers_taxii_and_api_serve_the_clear_copy_only_to_those_the_red_marking_admits(nodes: Nodes) -> None:
    ir = nodes.ir
    sync_peer(ir, get_peer(ir.db, "PK"))
    principals = {  # name: (role, party); only PK's admin may read the RED version whatever it names
        "viewer": ("viewer", "IR"), "desk-b": ("analyst", "IR"), "root": ("admin", "IR"),
        "pk-ana": ("analyst", "PK"), "pk-root": ("admin", "PK"), "af-desk": ("viewer", "AF"),
    }  # fmt: skip
    with httpx.Client(base_url=nodes.ir_base, timeout=30) as client:
        for who, (role, party) in principals.items():
            headers = {"Authorization": f"Bearer {create_token(ir.db, who, role, party)}", **TAXII}
            latest = client.get(f"{COLLECTION}/objects/", headers=headers)
            assert latest.status_code == 200 and FOR_PK_ONLY.id not in latest.text, who  # not current for anyone
            assert (SHARED.id in latest.text) is (party != "AF"), who  # GREEN: the community's
            by_id = client.get(f"{COLLECTION}/objects/{FOR_PK_ONLY.id}/", headers=headers)
            assert by_id.status_code == 404, who
            versions = client.get(f"{COLLECTION}/objects/{FOR_PK_ONLY.id}/versions/", headers=headers)
            if who == "pk-root":
                assert versions.status_code == 200 and len(versions.json()["versions"]) == 1
            else:
                assert versions.status_code == 404, who
            every = client.get(f"{COLLECTION}/objects/", headers=headers, params={"match[version]": "all"})
            assert (FOR_PK_ONLY.id in every.text) is (who == "pk-root"), who
            api = {"Authorization": headers["Authorization"]}
            listed = client.get("/api/incidents", headers=api)
            assert listed.status_code == 200 and FOR_PK_ONLY.id not in listed.text, who
            assert client.get(f"/api/incidents/{FOR_PK_ONLY.id}", headers=api).status_code == 404, who


def test_a_later_version_the_peer_may_read_is_current_again_and_opens_the_copy(nodes: Nodes) -> None:
    pk, ir = nodes.pk, nodes.ir
    sync_peer(ir, get_peer(ir.db, "PK"))
    mark_incident(pk, FOR_PK_ONLY.id, "CLEAR")  # RED, then CLEAR again: the third version
    result = sync_peer(ir, get_peer(ir.db, "PK"))
    assert (result.objects, result.withheld) == (1, 0)
    clear, _, again = (v for v, _ in nodes.held(pk, FOR_PK_ONLY.id))
    assert nodes.held(ir, FOR_PK_ONLY.id) == [(clear, "CLEAR"), (again, "CLEAR")]
    assert _current_row(ir, FOR_PK_ONLY.id) == (again, "CLEAR")
    assert snapshot(ir.db) == from_scratch(ir.db)
    headers = {"Authorization": f"Bearer {create_token(ir.db, 'viewer', 'viewer', 'IR')}", **TAXII}
    with httpx.Client(base_url=nodes.ir_base, timeout=30) as client:
        versions = client.get(f"{COLLECTION}/objects/{FOR_PK_ONLY.id}/versions/", headers=headers)
        assert versions.status_code == 200 and versions.json()["versions"] == [clear, again]
        by_id = client.get(f"{COLLECTION}/objects/{FOR_PK_ONLY.id}/", headers=headers)
        assert [o["modified"] for o in by_id.json()["objects"]] == [again]
    verify_log(ir.db, [ir.signer.verifier])


def test_a_node_synced_before_learns_of_the_withheld_versions_from_its_copy_of_the_log(nodes: Nodes) -> None:
    """The migration that made the table: what a node synced before it kept is found in its copy of the log."""
    ir = nodes.ir
    sync_peer(ir, get_peer(ir.db, "PK"))
    expected = ir.db.fetchall("SELECT id, modified, tlp, origin FROM withheld_versions")
    with ir.db.transaction():  # as a node synced before the table existed had it
        ir.db.execute("DELETE FROM withheld_versions")
        rebuild_incidents(ir.db)
    assert _current_row(ir, FOR_PK_ONLY.id) is not None
    with ir.db.transaction():
        withheld_from_copies(ir.db)
    assert ir.db.fetchall("SELECT id, modified, tlp, origin FROM withheld_versions") == expected
    assert _current_row(ir, FOR_PK_ONLY.id) is None
    assert snapshot(ir.db) == from_scratch(ir.db)
