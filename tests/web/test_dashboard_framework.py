"""The dashboard's framework panel: the latest quarter a party assessed, not the current empty one."""

from __future__ import annotations

import httpx

from sarhad.exchange.peers import add_peer
from sarhad.framework.ops import assess, init_template
from sarhad.log.note import Signer
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


def test_the_panel_counts_only_what_the_principal_may_read_and_the_report_is_the_partys_own(node: Node) -> None:
    init_template(node, "pk-ir-2025")
    assess(node, "C-04", "2026Q1", 2, "Technical committees met twice.", compliance="LC")
    assess(node, "C-05", "2026Q1", 3, "A RED account of a joint operation.", compliance="C", tlp="RED")
    own = create_token(node.db, "val", "viewer", "PK")
    other = create_token(node.db, "liaison", "viewer", "IR")
    add_peer(node.db, "IR", "http://127.0.0.1:9", Signer.generate("sarhad.ir/log").vkey, "unused")
    with running(node) as (base, _server, _thread), httpx.Client(base_url=base, timeout=30) as client:
        mine = client.get("/api/dashboard/framework", headers={"Authorization": f"Bearer {own}"}).json()
        theirs = client.get("/api/dashboard/framework", headers={"Authorization": f"Bearer {other}"}).json()
        report = client.get(
            "/api/dashboard/report", params={"quarter": "2026Q1"}, headers={"Authorization": f"Bearer {other}"}
        )
    state = {c["id"]: c["state"] for c in mine["commitments"]}
    seen_by_ir = {c["id"]: c["state"] for c in theirs["commitments"]}
    # PK's principal counts its RED assessment; IR's does not see it (C-05 is not assessed for IR).
    assert state["C-05"] != "not-assessed" and seen_by_ir["C-05"] == "not-assessed"
    assert state["C-04"] == seen_by_ir["C-04"] != "not-assessed"
    assert report.status_code == 403
    assert "is for its own principals (IR is another party)" in report.json()["error"]["message"]
