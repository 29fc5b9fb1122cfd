"""The dashboard page, reconnecting to its live stream every few minutes on purpose, resumes from the last event
it got instead of reading everything again; a page that must read again (its server restarted) applies no event
twice (real Chromium against a real server, on SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from sarhad.exchange.peers import add_peer, get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.marking import mark_incident
from sarhad.monitor.alerts import list_alerts
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from sarhad.web import dashboard
from sarhad.web.auth import create_token
from tests.integration.test_dashboard_browser import _free_port, _incident, _sign_in, browser_page, pytestmark
from tests.monitor.test_evaluate import make
from tests.node_pair import pk_and_ir
from tests.serve_process import sarhad_serve
from tests.web.conftest import serving
from tests.web.test_stream_last_event_id import NEW, _frames, _until, pk

__all__ = ["browser_page", "pk", "pytestmark"]  # fixtures and markers taken from other tests


def _held(page: Any, pattern: str) -> list[Any]:
    """Hold every request of ``page`` to ``pattern`` (the routes, to continue later)."""
    held: list[Any] = []
    page.route(pattern, lambda route: held.append(route))
    return held


def _wait(page: Any, condition: Any) -> None:
    """Let the page run until ``condition()`` (a liveness bound of 60 s)."""
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline
        page.wait_for_timeout(50)


def test_a_planned_reconnection_resumes_from_the_last_event_and_reads_nothing_again(
    pk: tuple[Node, str], browser_page: tuple[Any, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stream ends on purpose (after 5 minutes; here 2 s). An alert raised while the page is not connected
    reaches it from the server's history when it reconnects: listed and counted once, with no API call again."""
    node, token = pk
    page, requests = browser_page
    monkeypatch.setattr(dashboard, "_STREAM_MAX_S", 2.0)
    new = _incident(*NEW)
    with serving(node) as base, httpx.Client(base_url=base, timeout=30) as client:
        _sign_in(page, base, token)
        page.wait_for_selector("#live[data-state='on']")
        count = int(page.inner_text("#alert-count"))
        held = _held(page, "**/api/stream")
        _wait(page, lambda: bool(held))  # the page's stream ended on time and it reconnects: held
        reads = sum("/api/dashboard/alerts" in url for url in requests)
        # committed while the page is not connected; once another stream has got it, the server's history has it
        with client.stream("GET", "/api/stream", headers={"Authorization": f"Bearer {token}"}) as stream:
            frames = _frames(stream.iter_lines())
            next(frames)
            node.publish([new])
            _until(frames, '"rule":"border-25km"')
        held[0].continue_()
        page.unroute("**/api/stream")
        expect(page.locator(f"#alert-list li[data-incident='{new.id}']")).to_have_count(1)
        expect(page.locator("#alert-count")).to_have_text(str(count + 1))
        kinds = page.evaluate("() => window.sarhadEvents.map((e) => e.kind)")
        assert "read_again" not in kinds and "resync" not in kinds
        resumed = page.evaluate("() => window.sarhadEvents.filter((e) => e.kind === 'connected' && e.again)")
        assert resumed and all(e["resume"] for e in resumed)
        assert sum("/api/dashboard/alerts" in url for url in requests) == reads  # nothing read again


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def pair(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, Node, Path]]:
    """PK, served on loopback, registered as IR's peer; IR's home (served by the test)."""
    with pk_and_ir(tmp_path, request) as (pk, ir), serving(pk) as pk_url:
        add_peer(ir.db, "PK", pk_url, pk.signer.vkey, create_token(pk.db, "ir", "peer", "IR"))
        yield pk, ir, tmp_path / "ir"


def test_an_event_committed_while_the_page_reads_again_is_applied_once(
    pair: tuple[Node, Node, Path], browser_page: tuple[Any, list[str]]
) -> None:
    """IR's page lists 50 of 52 alerts and counts 52; the incident of one past the 50 is withheld while IR's server
    restarts (51). The page reconnects and must read again; while its request for the alerts is held, PK clears
    the incident and IR syncs: the stream sends that alert again (listed_again) and the answer, read after the
    commit, counts it. The page counts 52, not 53: the event's seq is within what the answer reflects."""
    pk, ir, ir_home = pair
    page, _ = browser_page
    add_rule(ir.db, Rule("deadly", min_killed=5))
    pk.publish([make(f"toll-{i:02d}", killed=30) for i in range(52)])
    sync_peer(ir, get_peer(ir.db, "PK"))
    past = list_alerts(ir.db)[-1]  # newest first: the last is past the 50 the page shows
    port = _free_port()
    with sarhad_serve(ir_home, port) as base:
        _sign_in(page, base, create_token(ir.db, "desk", "analyst", "IR"))
        page.wait_for_selector("#live[data-state='on']")
        expect(page.locator("#alert-count")).to_have_text("52")
    expect(page.locator("#live")).to_have_attribute("data-state", "retry")
    mark_incident(pk, past.incident_id, "RED")  # a later version IR's peer principal may not read
    sync_peer(ir, get_peer(ir.db, "PK"))

    held = _held(page, "**/api/dashboard/alerts*")
    with sarhad_serve(ir_home, port):
        _wait(page, lambda: bool(held))  # reconnected (its stream's watcher is running), reading again
        mark_incident(pk, past.incident_id, "CLEAR")  # readable again: the alert is listed again
        sync_peer(ir, get_peer(ir.db, "PK"))
        assert len(list_alerts(ir.db)) == 52
        for route in held:
            route.continue_()
        page.unroute("**/api/dashboard/alerts*")
        again = "() => window.sarhadEvents.some((e) => e.kind === 'alert' && e.listed_again)"
        page.wait_for_function(again)
        page.wait_for_function("() => window.sarhadEvents.some((e) => e.kind === 'read_again')")
        expect(page.locator("#alert-count")).to_have_text("52")
