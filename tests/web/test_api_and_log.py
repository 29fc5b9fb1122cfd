"""The JSON API, the log API and the tlog-witness endpoint in-process, with their error shapes."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from sarhad.exchange.peers import add_peer
from sarhad.log.checkpoint import Checkpoint
from sarhad.log.merkle import MemoryTree
from sarhad.log.note import Signer
from sarhad.model.incident import SARHAD_EXTENSION
from sarhad.monitor.alerts import list_alerts
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import UNUSED_TOKEN
from tests.web.conftest import Served, serving


def test_api_lists_filters_and_shows_incidents(served: Served) -> None:
    page = served.client.get("/api/incidents", params={"limit": 5, "country": "PK"}, headers=served.auth("viewer"))
    data = page.json()
    assert page.status_code == 200 and len(data["incidents"]) == 5 and data["total"] > 5
    one = served.client.get(f"/api/incidents/{data['incidents'][0]['id']}", headers=served.auth("viewer")).json()
    assert one["incident"]["type"] == "incident"
    stats = served.client.get("/api/stats", headers=served.auth("viewer")).json()
    assert stats["incidents"] == 37


def test_api_create_validates_and_publishes(served: Served) -> None:
    body = {"source_id": "PK-2025-001", "date_start": "2025-11-20", "place": {"country": "PK"}, "title": "Attack"}
    denied = served.client.post("/api/incidents", json=body, headers=served.auth("viewer"))
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"
    created = served.client.post("/api/incidents", json=body, headers=served.auth("analyst"))
    assert created.status_code == 201 and created.json()["added"] == 1
    bad = served.client.post("/api/incidents", json={"source_id": "x"}, headers=served.auth("analyst"))
    assert bad.status_code == 400
    assert bad.json() == {
        "error": {"code": "invalid_input", "message": "date_start is required", "field": "date_start"}
    }
    bad_date = served.client.post(
        "/api/incidents", json={"source_id": "x", "date_start": "2025-13-01"}, headers=served.auth("analyst")
    )
    assert bad_date.status_code == 400 and "is not a date" in bad_date.json()["error"]["message"]


def test_api_needs_a_token_except_health(served: Served) -> None:
    r = served.client.get("/api/incidents")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
    assert served.client.get("/health").json() == {"status": "ok"}
    assert served.client.get("/log/checkpoint").status_code == 401


def test_log_checkpoint_and_proofs_verify(served: Served) -> None:
    h = served.auth("peer")
    note = served.client.get("/log/checkpoint", headers=h).text
    cp = Checkpoint.parse(note)
    assert cp.size == 37
    entries = served.client.get("/log/entries", params={"start": 0, "end": 37}, headers=h).json()["entries"]
    tree = MemoryTree([base64.b64decode(e["leaf_hash"]) for e in entries])
    assert tree.root() == cp.root
    from sarhad.log.merkle import verify_consistency, verify_inclusion

    inc = served.client.get("/log/proof/inclusion", params={"index": 3, "size": 37}, headers=h).json()
    verify_inclusion(tree.leaf_hash(3), 3, 37, [base64.b64decode(x) for x in inc["hashes"]], cp.root)
    cons = served.client.get("/log/proof/consistency", params={"old": 10, "new": 37}, headers=h).json()
    verify_consistency(10, 37, [base64.b64decode(x) for x in cons["hashes"]], tree.root(10), cp.root)
    bad = served.client.get("/log/proof/consistency", params={"old": 40, "new": 37}, headers=h)
    assert bad.status_code == 400 and "the sizes are the wrong way round" in bad.json()["error"]["message"]


def _request(old: int, proof: list[bytes], note: str) -> bytes:
    lines = "".join(base64.b64encode(p).decode() + "\n" for p in proof)
    return f"old {old}\n{lines}\n{note}".encode()


def test_witness_add_checkpoint_status_codes(served: Served) -> None:
    signer = Signer.generate("sarhad.ir/log")
    add_peer(served.node.db, "IR", "http://127.0.0.1:9", signer.vkey, UNUSED_TOKEN)
    tree = MemoryTree([bytes([i]) * 32 for i in range(8)])
    cp4 = Checkpoint("sarhad.ir/log", 4, tree.root(4)).sign(signer).note or ""
    cp8 = Checkpoint("sarhad.ir/log", 8, tree.root(8)).sign(signer).note or ""
    url, h = "/log/witness/add-checkpoint", served.auth("peer")
    first = served.client.post(url, content=_request(0, [], cp4), headers=h)
    assert first.status_code == 200 and first.text.startswith("\u2014 sarhad.pk/log ")
    stale = served.client.post(url, content=_request(0, [], cp8), headers=h)
    assert stale.status_code == 409 and stale.text == "4\n"
    assert stale.headers["content-type"].startswith("text/x.tlog.size")
    wrong = served.client.post(url, content=_request(4, [bytes(32)], cp8), headers=h)
    assert wrong.status_code == 422
    good = served.client.post(url, content=_request(4, tree.consistency_proof(4, 8), cp8), headers=h)
    assert good.status_code == 200
    other = Signer.generate("sarhad.ir/log")
    forged = Checkpoint("sarhad.ir/log", 9, bytes(32)).sign(other).note or ""
    assert served.client.post(url, content=_request(8, [], forged), headers=h).status_code == 403
    unknown = Checkpoint("sarhad.xx/log", 1, bytes(32)).sign(Signer.generate("sarhad.xx/log")).note or ""
    assert served.client.post(url, content=_request(0, [], unknown), headers=h).status_code == 404
    assert served.client.post(url, content=_request(9, [], cp8), headers=h).status_code == 400
    assert served.client.post(url, content=_request(0, [], cp4), headers=served.auth("viewer")).status_code == 403


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"place": {"lat": "x", "lon": 1}}, "place", "place/lat: 'x' is not of type"),
        ({"perpetrators": [{"name": 5}]}, "perpetrators", "perpetrators/0/name: 5 is not of type 'string'"),
        ({"figures": [{"measure": "killed", "category": "total", "best": 2, "asserted_by": "IR"}]}, "figures",
         "figures/0: Additional properties are not allowed ('asserted_by' was unexpected)"),
        ({"reported_by": "IR"}, "reported_by", "unknown field 'reported_by'; expected some of source_id"),
        ({"source_id": "x" * 50_000}, "source_id", "source_id: "),
        # the GTD code lists: a type outside them is named with the values the list takes
        ({"attack_types": ["Bombing"]}, "attack_types",
         "attack_types/0: 'Bombing' is not one of: Assassination; Armed Assault; Bombing/Explosion; Hijacking;"),
        ({"target_types": ["Police", "Cops"]}, "target_types", "target_types/1: 'Cops' is not one of: Business;"),
        ({"weapon_types": ["x" * 50_000]}, "weapon_types", "weapon_types/0: 'xxxx"),
    ],
)  # fmt: skip
def test_api_create_refuses_a_body_off_its_schema_naming_the_field(
    served: Served, extra: dict[str, object], field: str, message: str
) -> None:
    body = {"source_id": "PK-2025-009", "date_start": "2025-11-20", **extra}
    answer = served.client.post("/api/incidents", json=body, headers=served.auth("analyst"))
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["field"] == field and error["message"].startswith(message), error
    assert len(error["message"]) < 800  # a huge value is not echoed back (a code list is named whole)


def test_api_figures_are_asserted_by_the_nodes_party(served: Served) -> None:
    body = {"source_id": "PK-2025-010", "date_start": "2025-11-20",
            "figures": [{"measure": "killed", "category": "total", "best": 3}]}  # fmt: skip
    created = served.client.post("/api/incidents", json=body, headers=served.auth("analyst"))
    assert created.status_code == 201, created.text
    stored = served.client.get(f"/api/incidents/{created.json()['id']}", headers=served.auth("analyst")).json()
    [figure] = stored["incident"]["extensions"][SARHAD_EXTENSION]["figures"]
    assert (figure["asserted_by"], figure["rule"], figure["best"]) == ("PK", "party_official", 3)


def test_api_create_gives_a_place_with_coordinates_its_border_distance(any_node: Node) -> None:
    # Mashkel, 39 km from the border: the near-border rule alerts on it, so the near-border filter finds it
    add_rule(any_node.db, Rule(name="border-50", near_border_km=50))
    token = create_token(any_node.db, "ana", "analyst", "PK")
    body: dict[str, Any] = {
        "source_id": "PK-2026-014", "date_start": "2026-12-02", "title": "Attack near Mashkel",
        "place": {"country": "PK", "admin1": "Balochistan", "name": "Mashkel", "lat": 27.9, "lon": 63.2},
    }  # fmt: skip
    with serving(any_node) as base, httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as c:
        created = c.post("/api/incidents", json=body)
        assert created.status_code == 201, created.text
        near = c.get("/api/incidents", params={"near_border": 50}).json()["incidents"]
        given = c.post("/api/incidents", json={**body, "source_id": "PK-2026-015",
                                              "place": {**body["place"], "border_km": 12.5}})  # fmt: skip
        assert given.status_code == 201, given.text
    new_id = created.json()["id"]
    assert [(i["id"], i["border_km"]) for i in near] == [(new_id, pytest.approx(39.0, abs=0.1))]
    assert [a.incident_id for a in list_alerts(any_node.db, rule="border-50")][-1] == new_id
    assert any_node.incident(given.json()["id"]).place.border_km == 12.5  # a distance given is kept
