"""A dashboard page whose server stops and starts again on the same port reads what changed meanwhile: the live
stream tells nothing of what a server that was not running saw, so on reconnecting the page reads its alerts,
their states and count, the table and the totals again from the API (real Chromium against a real ``sarhad
serve`` process, on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sarhad.config import load_settings
from sarhad.exchange.peers import add_peer, get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.marking import mark_incident
from sarhad.monitor.alerts import list_alerts
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.integration.test_dashboard_browser import (
    PLACES,
    _free_port,
    _incident,
    _sign_in,
    browser_page,
    expect,
    pytestmark,
)
from tests.monitor.test_evaluate import make
from tests.node_pair import pk_and_ir
from tests.serve_process import sarhad_serve
from tests.web.conftest import serving

__all__ = ["browser_page", "pytestmark"]  # the fixture and the markers, taken from the dashboard's browser tests

TAFTAN = PLACES[1]  # 2.5 km from the border: the border rule alerts on it
NEW = ("PK", "pk-new", "2025-06-15", "Mashkel", "Balochistan", "Washuk", 27.90, 63.20, 4.0, "BLA", 3)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def home(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Path, str]]:
    """A PK node holding PLACES with a border rule (on SQLite, or PostgreSQL), and an analyst's token."""
    url = request.getfixturevalue("pg_schema_url") if request.param == "postgresql" else None
    with Node.init(tmp_path / "pk", "PK", database_url=url) as node:
        add_rule(node.db, Rule(name="border-25km", near_border_km=25))  # for the records written from now on
        node.publish(_incident(*p) for p in PLACES)
        token = create_token(node.db, "desk", "analyst", "PK")
    yield tmp_path / "pk", token


def test_a_page_reconnecting_to_a_restarted_server_shows_what_changed_while_it_was_down(
    home: tuple[Path, str], browser_page: tuple[Any, list[str]]
) -> None:
    path, token = home
    page, _ = browser_page
    port = _free_port()
    taftan = _incident(*TAFTAN)
    with sarhad_serve(path, port) as base:
        _sign_in(page, base, token)
        page.wait_for_selector("#live[data-state='on']")
        alert = page.locator(f"#alert-list li[data-incident='{taftan.id}']")
        expect(alert).to_have_attribute("data-state", "matches")
        count = int(page.inner_text("#alert-count"))
        total = int(page.inner_text("[data-testid='kpi-incidents']"))
        row = page.locator(f"#incidents tbody tr[data-id='{taftan.id}']")
        expect(row.locator("td.num").first).to_have_text("2")
    expect(page.locator("#live")).to_have_attribute("data-state", "retry")

    # While no server runs: Taftan's new version lies far from the border, with 11 killed (its alert no longer
    # matches), and a new incident near the border raises an alert.
    with Node.open(load_settings(path)) as node:
        moved = _incident(*TAFTAN[:6], 29.6, 64.0, 80.0, TAFTAN[9], 11)
        node.publish([replace(moved, place=replace(moved.place, name="Dalbandin"))])
        node.publish([_incident(*NEW)])
    new = _incident(*NEW)

    with sarhad_serve(path, port):
        page.wait_for_selector("#live[data-state='on']")
        expect(alert).to_have_attribute("data-state", "no_longer_matches")
        expect(page.locator(f"#alert-list li[data-incident='{new.id}']")).to_have_count(1)
        expect(page.locator("#alert-count")).to_have_text(str(count + 1))
        expect(row.locator("td.num").first).to_have_text("11")
        expect(page.locator("[data-testid='kpi-incidents']")).to_have_text(str(total + 1))
        expect(alert).to_have_count(1)
        reads = "() => window.sarhadEvents.filter((e) => e.kind === 'read_again').length"
        assert page.evaluate(reads) >= 1


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def pair(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, Node, Path]]:
    """PK, served on loopback, registered as IR's peer; IR's home (served by the test)."""
    with pk_and_ir(tmp_path, request) as (pk, ir), serving(pk) as pk_url:
        add_peer(ir.db, "PK", pk_url, pk.signer.vkey, create_token(pk.db, "ir", "peer", "IR"))
        yield pk, ir, tmp_path / "ir"


def test_an_alert_past_the_50_shown_withheld_while_the_server_was_down_is_counted_once_when_listed_again(
    pair: tuple[Node, Node, Path], browser_page: tuple[Any, list[str]]
) -> None:
    """IR's page lists 50 of 52 alerts and counts 52. While IR's server is down, PK withholds the incident of an
    alert past the 50 (the page is never told): 51 are listed. Once the page is connected again, PK clears the
    incident, the stream sends that alert again (listed_again), and the page counts 52, not 53."""
    pk, ir, ir_home = pair
    page, _ = browser_page
    add_rule(ir.db, Rule("deadly", min_killed=5))
    records = [make(f"toll-{i:02d}", killed=30) for i in range(52)]
    pk.publish(records)
    sync_peer(ir, get_peer(ir.db, "PK"))
    listed = list_alerts(ir.db)
    assert len(listed) == 52
    past = listed[-1]  # newest first: the last is past the 50 the page shows
    port = _free_port()
    with sarhad_serve(ir_home, port) as base:
        _sign_in(page, base, create_token(ir.db, "desk", "analyst", "IR"))
        page.wait_for_selector("#live[data-state='on']")
        expect(page.locator("#alert-list li[data-id]")).to_have_count(50)
        expect(page.locator(f"#alert-list li[data-id='{past.id}']")).to_have_count(0)
        expect(page.locator("#alert-count")).to_have_text("52")
    expect(page.locator("#live")).to_have_attribute("data-state", "retry")

    mark_incident(pk, past.incident_id, "RED")  # a later version IR's peer principal may not read
    sync_peer(ir, get_peer(ir.db, "PK"))
    assert len(list_alerts(ir.db)) == 51

    with sarhad_serve(ir_home, port):
        page.wait_for_selector("#live[data-state='on']")
        expect(page.locator("#alert-count")).to_have_text("51")
        mark_incident(pk, past.incident_id, "CLEAR")  # readable again: the alert is listed again
        sync_peer(ir, get_peer(ir.db, "PK"))
        again = "() => window.sarhadEvents.some((e) => e.kind === 'alert' && e.listed_again)"
        page.wait_for_function(again)
        expect(page.locator("#alert-count")).to_have_text("52")
        assert len(list_alerts(ir.db)) == 52
