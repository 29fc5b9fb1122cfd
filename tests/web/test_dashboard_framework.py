"""The dashboard's framework panel: the latest quarter a party assessed, not the current empty one."""

from __future__ import annotations

import httpx

from sarhad.framework.ops import assess, init_template
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.web.conftest import running


def test_the_framework_panel_shows_the_latest_assessed_quarter_and_links_its_report(node: Node) -> None:
    init_template(node, "pk-ir-2025")
    assess(node, "C-04", "2026Q1", 2, "Technical committees met twice.", compliance="LC")
    token = create_token(node.db, "val", "viewer", "PK")
    with running(node) as (base, _server, _thread), httpx.Client(base_url=base, timeout=30) as client:
        auth = {"Authorization": f"Bearer {token}"}
        panel = client.get("/api/dashboard/framework", headers=auth).json()
        report = client.get("/api/dashboard/report", params={"quarter": panel["quarter"]}, headers=auth)
    assert panel["quarter"] == "2026Q1"
    states = {c["id"]: c["state"] for c in panel["commitments"]}
    assert states["C-04"] != "not-assessed" and states["C-05"] == "not-assessed"
    assert sum(panel["counts"].values()) == len(panel["commitments"])
    assert report.status_code == 200 and "2026Q1" in report.text
