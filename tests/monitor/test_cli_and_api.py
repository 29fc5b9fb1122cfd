"""The ``sarhad alerts`` commands and the dashboard's API (in-process, real app, real SQLite)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sarhad.config import load_settings
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import UNUSED_TOKEN
from tests.conftest import run_cli as run
from tests.monitor.test_evaluate import make


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "pk"
    Node.init(h, "PK").close()
    return h


def test_alerts_cli_contract(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--home", str(home), "alerts", "rules", "add", "--name", "near", "--near-border",
                         "25", "--perpetrator", "Jaish al-Adl", "--min-killed", "1")  # fmt: skip
    assert code == 0, err
    assert "added rule near" in out
    code, out, _ = run(capsys, "--home", str(home), "alerts", "rules", "list", "--json")
    assert [r["name"] for r in json.loads(out)] == ["near"]
    with Node.open(load_settings(home)) as node:
        node.publish([make("a")])
    code, out, _ = run(capsys, "--home", str(home), "alerts", "list", "--json")
    alerts = json.loads(out)
    assert [set(a) >= {"id", "rule", "incident_id", "created"} for a in alerts] == [True]
    assert alerts[0]["rule"] == "near"


def test_rule_changes_through_the_cli_are_in_the_audit_trail(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--home", str(home), "alerts", "rules", "add", "--name", "b", "--near-border", "5")[0] == 0
    assert run(capsys, "--home", str(home), "alerts", "rules", "remove", "b")[0] == 0
    code, out, err = run(capsys, "--home", str(home), "audit", "list", "--json")
    assert code == 0, err
    rows = [(r["action"], r["target"]) for r in json.loads(out) if r["principal"].startswith("cli")]
    assert rows == [("add-alert-rule", "b"), ("remove-alert-rule", "b")]


def test_alerts_cli_errors_are_one_line(home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "--home", str(home), "alerts", "rules", "add", "--name", "empty")
    assert code == 1 and "has no condition" in err
    code, _, err = run(capsys, "--home", str(home), "alerts", "rules", "remove", "nope")
    assert code == 1 and "no alert rule named 'nope'" in err
    code, _, err = run(capsys, "--home", str(home), "alerts", "rules", "add", "--name", "p", "--polygon", "a,b")
    assert code == 1 and "--polygon" in err
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\nname = "kp"\nadmin1 = ["Khyber Pakhtunkhwa"]\n[[rule]]\nname = "s"\n'
                     "surge_window_days = 7\nsurge_factor = 2\n")  # fmt: skip
    code, out, err = run(capsys, "--home", str(home), "alerts", "rules", "load", str(rules))
    assert code == 0, err
    assert "loaded 2 rules" in out


@pytest.fixture
def client(home: Path) -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    import socket
    import threading
    import time

    import uvicorn

    from sarhad.web.app import create_app
    from sarhad.web.dashboard import compose

    with Node.open(load_settings(home)) as node:
        node.publish([make("a"), make("b", party="IR", killed=6, day="2025-04-12")])
        tokens = {role: create_token(node.db, role, role, "PK") for role in ("analyst", "viewer")}
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    app = compose(create_app(load_settings(home)))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # a liveness bound: generous, the suite shares the CPUs
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
            yield c, tokens
    finally:
        server.should_exit = True
        thread.join(10)


def _h(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_dashboard_api_aggregates(client: tuple[httpx.Client, dict[str, str]]) -> None:
    c, tokens = client
    h = _h(tokens["viewer"])
    assert c.get("/").status_code == 200
    assert "default-src 'self'" in c.get("/").headers["content-security-policy"]
    assert c.get("/static/leaflet/leaflet.js").status_code == 200
    months = c.get("/api/dashboard/timeline", headers=h).json()["months"]
    assert months == [{"month": "2025-04", "party": "IR", "incidents": 1, "killed": 6, "killed_known": 1},
                      {"month": "2025-04", "party": "PK", "incidents": 1, "killed": 2, "killed_known": 1}]  # fmt: skip
    page = c.get("/api/dashboard/table?party=IR", headers=h).json()
    assert page["total"] == 1 and page["rows"][0]["reported_by"] == "IR"
    points = c.get("/api/dashboard/markers?zoom=6&bbox=58,23,72,36", headers=h).json()
    assert points["mode"] == "points" and len(points["points"]) == 2
    clusters = c.get("/api/dashboard/markers?zoom=6&limit=1", headers=h).json()
    assert clusters["mode"] == "clusters" and clusters["total"] == 2
    detail = c.get(f"/api/dashboard/incidents/{page['rows'][0]['id']}", headers=h).json()
    assert detail["versions"][0]["reported_by"] == "PK"
    assert "killed: IR 6, PK 2" in detail["versions"][0]["disagreements"]
    assert c.get("/api/dashboard/log", headers=h).json()["checkpoint"]["size"] == 2
    assert c.get("/api/dashboard/options", headers=h).json()["parties"] == ["IR", "PK"]


def test_dashboard_api_errors(client: tuple[httpx.Client, dict[str, str]]) -> None:
    c, tokens = client
    assert c.get("/api/dashboard/timeline").status_code == 401
    h = _h(tokens["viewer"])
    assert "bbox" in c.get("/api/dashboard/markers?bbox=1,2,3", headers=h).json()["error"]["message"]
    assert c.get("/api/dashboard/markers?zoom=30", headers=h).status_code == 400
    assert c.get("/api/dashboard/table?limit=0", headers=h).status_code == 400
    assert c.get("/api/dashboard/table?since=yesterday", headers=h).status_code == 400
    assert c.get("/api/dashboard/incidents/incident--nope", headers=h).status_code == 404
    assert c.post("/api/dashboard/rules", json={"name": "x", "min_killed": 1}, headers=h).status_code == 403
    a = _h(tokens["analyst"])
    assert c.post("/api/dashboard/rules", json={"name": "x", "min_killed": 1}, headers=a).status_code == 201
    assert c.post("/api/dashboard/rules", json={"name": "x", "min_killed": 1}, headers=a).status_code == 400
    assert c.delete("/api/dashboard/rules/x", headers=a).status_code == 200
    assert c.delete("/api/dashboard/rules/x", headers=a).status_code == 404


def test_dashboard_alerts_total_counts_only_the_alerts_the_principal_may_read(any_node: Node) -> None:
    """PK's node alerts on four of its records, marked CLEAR, AMBER, RED for PK alone and RED naming IR:desk-a:
    each principal's ``total`` is the number of alerts it is shown (over HTTP, on SQLite and PostgreSQL)."""
    from dataclasses import replace

    from sarhad.exchange.peers import add_peer
    from sarhad.log.note import Signer
    from sarhad.monitor.rules import Rule, add_rule
    from tests.web.conftest import serving

    node = any_node
    add_peer(node.db, "IR", "http://127.0.0.1:9", Signer.generate("sarhad.ir/log").vkey, UNUSED_TOKEN)  # a party
    add_rule(node.db, Rule(name="near", near_border_km=10))
    marked = {
        "clear": make("clear"),
        "amber": replace(make("amber"), tlp="AMBER"),
        "red": replace(make("red"), tlp="RED"),
        "red-for-desk-a": replace(make("red-for-desk-a"), tlp="RED", recipients=("IR:desk-a",)),
    }
    node.publish(list(marked.values()))
    shown = {
        ("val", "viewer", "PK"): {"clear", "amber", "red"},  # its party's, but not the RED naming someone else
        ("desk-a", "analyst", "IR"): {"clear", "amber", "red-for-desk-a"},  # another party's, and the one naming it
        ("desk-b", "viewer", "IR"): {"clear", "amber"},
    }
    with serving(node) as base, httpx.Client(base_url=base, timeout=30) as c:
        for (name, role, party), expected in shown.items():
            h = _h(create_token(node.db, name, role, party))
            answer = c.get("/api/dashboard/alerts", headers=h)
            assert answer.status_code == 200, answer.text
            listed = {a["incident_id"] for a in answer.json()["alerts"]}
            assert listed == {marked[k].id for k in expected}, name
            assert answer.json()["total"] == len(expected), name
            page = c.get("/api/dashboard/alerts", params={"limit": 1}, headers=h).json()
            assert (len(page["alerts"]), page["total"]) == (1, len(expected)), name  # the total, not the page's
