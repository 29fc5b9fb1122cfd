"""A record synced as CLEAR and then marked RED, across real nodes on loopback: the next sync carries no body of
it to a peer the RED version does not name (the peer's copy of what it already pulled stays, and its log still
verifies), a peer that syncs for the first time afterwards gets neither the old CLEAR body nor the RED one, and
a named peer gets the RED version as the record's current one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from sarhad.exchange.peers import add_peer, get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.log.verify import verify_log
from sarhad.marking import mark_incident
from sarhad.model.incident import Incident, incident_id
from sarhad.node import Node
from sarhad.web.auth import create_token
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
        _drop_schema(urls[1])


def _drop_schema(url: str) -> None:
    import psycopg

    base, _, schema = url.partition("?schema=")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


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
