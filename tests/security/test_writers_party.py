"""Only this node's party writes to this node: what a write adds is published in this node's log as this node's
party's (a posted incident is reported by it, its figures asserted by it), so a principal of another party, even
an analyst or an admin, is refused (403) on every write route, over real HTTP on SQLite and PostgreSQL, and nothing
is stored or logged."""

from __future__ import annotations

import json

import httpx
import pytest

from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.reconcile.helpers import report
from tests.web.conftest import serving

TAXII_OBJECTS = "/taxii2/sarhad/collections/incidents/objects/"
TAXII = {"Accept": "application/taxii+json;version=2.1", "Content-Type": "application/taxii+json;version=2.1"}
BODY = {"source_id": "PK-2026-001", "date_start": "2026-01-05"}


def _state(node: Node) -> tuple[object, ...]:
    counts = [node.db.fetchone(f"SELECT COUNT(*) FROM {t}") for t in ("objects", "log_leaves", "alert_rules")]
    return tuple(c[0] if c else None for c in counts)


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_a_principal_of_another_party_may_not_write_to_this_node(any_node: Node, role: str) -> None:
    record = report("PK", "PK-1", "2025-03-01", place="Turbat", lat=26.0, lon=63.05)
    any_node.publish([record])
    add_rule(any_node.db, Rule(name="kech", admin1=("Kech",)))
    other = create_token(any_node.db, "liaison", role, "IR")
    own = create_token(any_node.db, "desk", "analyst", "PK")
    before = _state(any_node)
    with serving(any_node) as base, httpx.Client(base_url=base, timeout=30) as client:
        as_ir = {"Authorization": f"Bearer {other}"}
        envelope = client.get(TAXII_OBJECTS, headers={**as_ir, **TAXII}).json()  # it may read
        obj = envelope["objects"][0]
        obj["name"] = "Renamed by another party"
        attempts = [
            client.post("/api/incidents", json=BODY, headers=as_ir),
            client.post(TAXII_OBJECTS, content=json.dumps({"objects": [obj]}), headers={**as_ir, **TAXII}),
            client.post("/api/dashboard/rules", json={"name": "mine", "admin1": ["Kech"]}, headers=as_ir),
            client.delete("/api/dashboard/rules/kech", headers=as_ir),
        ]
        for answer in attempts:
            assert answer.status_code == 403, (answer.request.url, answer.text)
            assert "belongs to IR: only PK's principals may write to PK's node" in answer.text
        assert _state(any_node) == before
        # this node's own analyst still may
        mine = client.post("/api/incidents", json=BODY, headers={"Authorization": f"Bearer {own}"})
        assert mine.status_code == 201, mine.text
    assert _state(any_node) != before
