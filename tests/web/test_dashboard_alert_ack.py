"""The dashboard's alerts desk: the alerts route says who acknowledged each alert and when (as ``alerts list
--json``), keeps the unacknowledged ones on ``unacked=1``; a writer of the node acknowledges alerts and disables or
enables rules through the API, a viewer is refused and nothing is stored."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest

from sarhad.model.figures import Figure
from sarhad.monitor.alerts import acknowledge, list_alerts
from sarhad.monitor.rules import Rule, add_rule, list_rules
from sarhad.monitor.stream import Broadcaster, Watcher
from sarhad.node import Node
from sarhad.store.incidents import load_incident
from sarhad.web.auth import create_token
from tests.monitor.test_evaluate import make
from tests.web.conftest import serving


@dataclass
class Desk:
    node: Node
    client: httpx.Client
    analyst: dict[str, str]
    viewer: dict[str, str]

    def alerts(self, **query: str) -> dict[str, Any]:
        answer = self.client.get("/api/dashboard/alerts", params=query, headers=self.viewer)
        assert answer.status_code == 200, answer.text
        data: dict[str, Any] = answer.json()
        return data


@pytest.fixture
def desk(any_node: Node) -> Iterator[Desk]:
    add_rule(any_node.db, Rule("deadly", min_killed=2))
    any_node.publish([make("a", killed=3), make("b", killed=5)])
    analyst = create_token(any_node.db, "ana", "analyst", "PK")
    viewer = create_token(any_node.db, "val", "viewer", "PK")
    with serving(any_node) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield Desk(any_node, client, {"Authorization": f"Bearer {analyst}"}, {"Authorization": f"Bearer {viewer}"})


def _audited(node: Node, action: str) -> list[tuple[str, str]]:
    rows = node.db.fetchall("SELECT principal, target FROM audit WHERE action = ? ORDER BY time", (action,))
    return [(str(p), str(t)) for p, t in rows]


def test_an_analyst_acknowledges_an_alert_and_the_alerts_route_says_who_and_when(desk: Desk) -> None:
    first, second = (a["id"] for a in desk.alerts()["alerts"])
    assert all("acknowledged" not in a for a in desk.alerts()["alerts"])

    answer = desk.client.post("/api/dashboard/alerts/ack", json={"ids": [first]}, headers=desk.analyst)
    assert answer.status_code == 200, answer.text
    (done,) = answer.json()["alerts"]
    assert done["id"] == first and done["action"] == "acknowledged"
    assert done["acknowledged"]["by"] == "ana" and done["acknowledged"]["changed_since"] is False

    listed = {a["id"]: a for a in desk.alerts()["alerts"]}
    assert listed[first]["acknowledged"] == done["acknowledged"]
    assert "acknowledged" not in listed[second]
    unacked = desk.alerts(unacked="1")
    assert [a["id"] for a in unacked["alerts"]] == [second] and unacked["total"] == 1
    # the CLI's list sees the same acknowledgement
    assert {a.id: a.acked_by for a in list_alerts(desk.node.db)} == {first: "ana", second: None}
    assert _audited(desk.node, "ack-alert") == [("ana", first)]

    again = desk.client.post("/api/dashboard/alerts/ack", json={"ids": [first]}, headers=desk.analyst)
    assert again.status_code == 200, again.text
    assert again.json()["alerts"][0]["action"] == "already_acknowledged"
    assert again.json()["alerts"][0]["acknowledged"] == done["acknowledged"]
    assert _audited(desk.node, "ack-alert") == [("ana", first)]


def test_an_alert_changed_after_it_was_acknowledged_is_unacknowledged_again_on_the_route(desk: Desk) -> None:
    (alert,) = (a for a in desk.alerts()["alerts"] if a["incident"]["killed_best"] == 3)
    assert desk.client.post("/api/dashboard/alerts/ack", json={"ids": [alert["id"]]}, headers=desk.analyst).is_success
    record = load_incident(desk.node.db, alert["incident_id"])
    desk.node.publish([replace(record, figures=(Figure("killed", "total", 30, 30, 30, "party_official", "PK"),))])
    listed = {a["id"]: a for a in desk.alerts(unacked="true")["alerts"]}
    assert listed[alert["id"]]["acknowledged"]["changed_since"] is True


def test_a_viewer_may_not_acknowledge_nor_switch_rules_and_nothing_is_stored(desk: Desk) -> None:
    ids = [a["id"] for a in desk.alerts()["alerts"]]
    refused = desk.client.post("/api/dashboard/alerts/ack", json={"ids": ids}, headers=desk.viewer)
    assert refused.status_code == 403, refused.text
    for switch in ("disable", "enable"):
        answer = desk.client.post(f"/api/dashboard/rules/deadly/{switch}", headers=desk.viewer)
        assert answer.status_code == 403, answer.text
    assert all(a.acked_at is None for a in list_alerts(desk.node.db))
    assert [r.disabled for r in list_rules(desk.node.db)] == [False]
    assert _audited(desk.node, "ack-alert") == []


def test_an_unknown_alert_id_acknowledges_nothing_and_a_bad_body_names_ids(desk: Desk) -> None:
    first = desk.alerts()["alerts"][0]["id"]
    missing = desk.client.post("/api/dashboard/alerts/ack", json={"ids": [first, "alert--nope"]}, headers=desk.analyst)
    assert missing.status_code == 404, missing.text
    assert "'alert--nope'" in missing.text and "nothing was acknowledged" in missing.text
    bodies: list[Any] = [{}, {"ids": []}, {"ids": "alert--x"}, [first]]
    for body in bodies:
        bad = desk.client.post("/api/dashboard/alerts/ack", json=body, headers=desk.analyst)
        assert bad.status_code == 400 and bad.json()["error"]["field"] == "ids", bad.text
    assert all(a.acked_at is None for a in list_alerts(desk.node.db))
    wrong = desk.client.get("/api/dashboard/alerts", params={"unacked": "yes"}, headers=desk.viewer)
    assert wrong.status_code == 400 and wrong.json()["error"]["field"] == "unacked", wrong.text


def test_an_analyst_disables_and_enables_a_rule_and_the_rules_route_marks_it(desk: Desk) -> None:
    off = desk.client.post("/api/dashboard/rules/deadly/disable", headers=desk.analyst)
    assert off.status_code == 200, off.text
    assert off.json()["action"] == "disabled" and off.json()["rule"]["disabled"] is True
    rules = desk.client.get("/api/dashboard/rules", headers=desk.viewer).json()["rules"]
    assert [(r["name"], r["disabled"]) for r in rules] == [("deadly", True)]
    # a record that arrives meanwhile is not checked against it
    desk.node.publish([make("c", killed=9)])
    assert desk.alerts()["total"] == 2
    assert desk.client.post("/api/dashboard/rules/deadly/disable", headers=desk.analyst).json()["action"] == (
        "already_disabled"
    )
    on = desk.client.post("/api/dashboard/rules/deadly/enable", headers=desk.analyst)
    assert on.status_code == 200 and on.json()["action"] == "enabled", on.text
    assert [r.disabled for r in list_rules(desk.node.db)] == [False]
    assert _audited(desk.node, "disable-alert-rule") == [("ana", "deadly")]
    assert _audited(desk.node, "enable-alert-rule") == [("ana", "deadly")]
    unknown = desk.client.post("/api/dashboard/rules/nope/disable", headers=desk.analyst)
    assert unknown.status_code == 404 and "'nope'" in unknown.text, unknown.text


def test_a_change_streamed_after_an_acknowledgement_carries_it_marked_changed_since(any_node: Node) -> None:
    """The live stream's ``alert_update`` replaces the alert's row on a page: it says who acknowledged it, and
    that it changed since, instead of dropping the acknowledgement until the next load."""
    add_rule(any_node.db, Rule("deadly", min_killed=2))
    record = make("a", killed=3)
    any_node.publish([record])
    (alert,) = list_alerts(any_node.db)
    watcher = Watcher(any_node.db, Broadcaster())
    assert watcher.poll() == []  # the first look only sets the marks
    acknowledge(any_node.db, [alert.id], "ana")
    any_node.publish([replace(record, figures=(Figure("killed", "total", 30, 30, 30, "party_official", "PK"),))])
    (update,) = [e for e in watcher.poll() if e.kind == "alert_update"]
    assert update.data["acknowledged"]["by"] == "ana" and update.data["acknowledged"]["changed_since"] is True
