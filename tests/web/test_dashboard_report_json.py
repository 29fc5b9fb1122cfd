"""The quarterly report as JSON for the monitors' scripts (``?format=json`` or ``Accept: application/json``), under
the read rules of the HTML report: a monitor who reads TLP:CLEAR alone gets the CLEAR records only."""

from __future__ import annotations

from typing import Any

import httpx

from sarhad.framework.ops import assess, init_template
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.web.conftest import running


def _ratings(report: dict[str, Any], code: str) -> dict[str, dict[str, Any]]:
    card = next(c for c in report["commitments"] if c["code"] == code)
    return {r["party"]: r for r in card["ratings"]}


def test_a_monitor_gets_the_report_as_json_with_clear_records_only(any_node: Node) -> None:
    node = any_node
    init_template(node, "pk-ir-2025")
    assess(node, "C-02", "2026Q1", 2, "Two committee meetings held.", tlp="CLEAR")
    assess(node, "C-02", "2026Q1", 2, "IR: two meetings.", party="IR", tlp="CLEAR")
    assess(node, "C-04", "2026Q1", 1, "A GREEN rationale the monitors may not read.")
    monitor = create_token(node.db, "mp-committee", "viewer", "PARL")
    own = create_token(node.db, "val", "viewer", "PK")
    with running(node) as (base, _server, _thread), httpx.Client(base_url=base, timeout=60) as client:
        by_param = client.get(
            "/api/dashboard/report",
            params={"quarter": "2026Q1", "format": "json"},
            headers={"Authorization": f"Bearer {monitor}"},
        )
        by_accept = client.get(
            "/api/dashboard/report",
            params={"quarter": "2026Q1"},
            headers={"Authorization": f"Bearer {monitor}", "Accept": "application/json"},
        )
        html = client.get(
            "/api/dashboard/report", params={"quarter": "2026Q1"}, headers={"Authorization": f"Bearer {monitor}"}
        )
        theirs = client.get(
            "/api/dashboard/report",
            params={"quarter": "2026Q1", "format": "json"},
            headers={"Authorization": f"Bearer {own}"},
        )
        bad = client.get(
            "/api/dashboard/report",
            params={"quarter": "2026Q1", "format": "xml"},
            headers={"Authorization": f"Bearer {monitor}"},
        )
    assert by_param.status_code == 200 and by_param.headers["content-type"].startswith("application/json")
    assert by_accept.status_code == 200 and by_accept.headers["content-type"].startswith("application/json")
    assert html.headers["content-type"].startswith("text/html")
    report = by_param.json()
    assert report["quarter"] == "2026Q1" and report["tlp"] == "CLEAR"
    assert by_accept.json()["commitments"] == report["commitments"]
    c02 = _ratings(report, "C-02")
    assert c02["PK"]["level"] == 2 and c02["PK"]["rationale"] == "Two committee meetings held."
    assert c02["IR"]["level"] == 2
    c04 = _ratings(report, "C-04")
    assert c04["PK"]["level"] is None and c04["PK"]["not_released"] == {"tlp": "GREEN"}
    assert next(c for c in report["commitments"] if c["code"] == "C-04")["state"] == "not-released"
    assert "A GREEN rationale" not in by_param.text
    assert report["not_released"] == [{"commitment": "C-04", "party": "PK", "tlp": "GREEN"}]
    # The node's own party's viewer reads GREEN: its JSON has the rating.
    assert _ratings(theirs.json(), "C-04")["PK"]["rationale"] == "A GREEN rationale the monitors may not read."
    assert bad.status_code == 400 and "format" in bad.json()["error"]["message"]
