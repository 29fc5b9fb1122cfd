"""The dashboard's add-rule route knows the areas the CLI knows: a district sarhad's gazetteer lacks is accepted
once a stored record names it, as ``alerts rules add`` accepts it."""

from __future__ import annotations

import httpx

from sarhad.monitor.rules import list_rules
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.monitor.test_evaluate import make
from tests.web.conftest import serving


def test_the_add_rule_route_accepts_a_district_known_only_from_stored_records(any_node: Node) -> None:
    token = create_token(any_node.db, "ana", "analyst", "PK")
    rule = {"name": "haveli", "admin1": ["Haveli"]}
    with (
        serving(any_node) as base,
        httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client,
    ):
        refused = client.post("/api/dashboard/rules", json=rule)
        assert refused.status_code == 400 and "'Haveli'" in refused.text, refused.text
        any_node.publish([make("h", admin1="Azad Jammu and Kashmir", admin2="Haveli district")])
        answer = client.post("/api/dashboard/rules", json=rule)
        assert answer.status_code == 201, answer.text
    assert [r.name for r in list_rules(any_node.db)] == ["haveli"]
