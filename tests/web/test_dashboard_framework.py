"""The dashboard's framework panel: the latest quarter a party assessed, not the current empty one."""

from __future__ import annotations

import httpx

from sarhad.exchange.peers import add_peer
from sarhad.framework.ops import add_evidence, assess, init_template
from sarhad.log.note import Signer
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import UNUSED_TOKEN
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


def test_the_panel_and_the_report_use_only_what_the_principal_may_read(any_node: Node) -> None:
    node = any_node
    init_template(node, "pk-ir-2025")
    link = add_evidence(
        node, "https://example.org/joint-operation", "document", title="Joint operation account", tlp="RED"
    )
    assess(node, "C-04", "2026Q1", 2, "Technical committees met twice.", compliance="LC")
    assess(
        node, "C-05", "2026Q1", 3, "A RED account of a joint operation.", compliance="C", tlp="RED",
        evidence=[link["code"]],
    )  # fmt: skip
    assess(node, "C-06", "2026Q2", 1, "A draft not yet agreed inside PK.", state="draft")  # TLP:RED by default
    own = create_token(node.db, "val", "viewer", "PK")
    other = create_token(node.db, "liaison", "viewer", "IR")
    add_peer(node.db, "IR", "http://127.0.0.1:9", Signer.generate("sarhad.ir/log").vkey, UNUSED_TOKEN)
    with running(node) as (base, _server, _thread), httpx.Client(base_url=base, timeout=60) as client:

        def get(path: str, token: str, **params: str) -> httpx.Response:
            response = client.get(path, params=params, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200, response.text
            return response

        mine = get("/api/dashboard/framework", own).json()
        theirs = get("/api/dashboard/framework", other).json()
        pk_q1, ir_q1 = (
            get("/api/dashboard/report", own, quarter="2026Q1"),
            get("/api/dashboard/report", other, quarter="2026Q1"),
        )
        pk_q2, ir_q2 = (
            get("/api/dashboard/report", own, quarter="2026Q2"),
            get("/api/dashboard/report", other, quarter="2026Q2"),
        )
    state = {c["id"]: c["state"] for c in mine["commitments"]}
    seen_by_ir = {c["id"]: c["state"] for c in theirs["commitments"]}
    # PK's principal counts its RED assessment; IR's does not see it (C-05 is not assessed for IR).
    assert state["C-05"] != "not-assessed" and seen_by_ir["C-05"] == "not-assessed"
    assert state["C-04"] == seen_by_ir["C-04"] != "not-assessed"
    # PK's principal reads its party's RED assessment and evidence, and the report is marked RED for it ...
    assert "A RED account of a joint operation." in pk_q1.text and "Joint operation account" in pk_q1.text
    assert "TLP:RED" in pk_q1.text
    # ... IR's gets the same report without them, marked at the level of what it holds.
    assert "Technical committees met twice." in ir_q1.text and "2026Q1" in ir_q1.text
    assert "A RED account of a joint operation." not in ir_q1.text and "Joint operation account" not in ir_q1.text
    assert link["code"] not in ir_q1.text and "TLP:RED" not in ir_q1.text
    # A quarter with only PK's draft: PK's report says a draft exists, IR's knows of none.
    assert "1 draft assessment(s) exist" in pk_q2.text
    assert "No assessment has been submitted" in ir_q2.text and "draft assessment(s)" not in ir_q2.text
