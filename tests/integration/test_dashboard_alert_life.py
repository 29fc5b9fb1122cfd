"""The alerts panel follows an alert's life while the page is open: a later version of an alerted incident
updates the alert's row in place (killed 7 -> 30), one that no longer matches marks it so (since that version),
and an alert sent again when its incident becomes current is still listed once (real Chromium against a real
server on loopback, as in test_dashboard_browser)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sarhad.config import load_settings
from sarhad.exchange.peers import get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.marking import mark_incident
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.integration.conftest import BROWSER_MARKS, PLACES, expect, incident, serve, sign_in
from tests.monitor.test_evaluate import make
from tests.node_pair import peered, pk_and_ir

pytestmark = BROWSER_MARKS

TOLL = ("PK", "pk-toll", "2025-06-20", "Panjgur", "Balochistan", "Panjgur", 26.97, 64.09, 60.0, "BLA", 7)
"""An incident far from the border, so that only the toll rule alerts on it."""


def _publish(home: Path, killed: int) -> str:
    """Publish a version of TOLL with ``killed``; the version now current."""
    with Node.open(load_settings(home)) as node:
        record = incident(*TOLL[:-1], killed)
        node.publish([record])
        row = node.db.fetchone("SELECT modified FROM incidents WHERE id = ?", (record.id,))
    assert row is not None
    return str(row[0])


def test_a_new_version_updates_the_alerts_row_in_place_then_marks_it_no_longer_matching(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    page, _ = browser_page
    with serve(tmp_path / "pk", PLACES) as served:
        with Node.open(load_settings(served["home"])) as node:
            add_rule(node.db, Rule(name="deadly", min_killed=5))
        _publish(served["home"], 7)
        sign_in(page, served["base"], served["analyst"])
        page.wait_for_selector("#live[data-state='on']")
        row = page.locator("#alert-list li", has_text="deadly")
        expect(row).to_have_count(1)
        expect(row).to_have_attribute("data-state", "matches")
        count = page.inner_text("#alert-count")
        edge = row.evaluate("e => getComputedStyle(e).borderLeftColor")

        _publish(served["home"], 30)
        expect(row.locator(".state")).to_have_text("updated: killed 7 -> 30")
        expect(row).to_have_count(1)  # the same alert, updated where it stands: not listed a second time
        expect(row.locator(".reason")).to_have_text("30 killed")
        assert page.inner_text("#alert-count") == count

        ended = _publish(served["home"], 2)
        expect(row).to_have_attribute("data-state", "no_longer_matches")
        expect(row.locator(".state")).to_have_text(f"no longer matches since version {ended}")
        expect(row).to_have_count(1)
        assert page.inner_text("#alert-count") == count
        # Visibly set apart from an alert that holds: another edge colour.
        assert row.evaluate("e => getComputedStyle(e).borderLeftColor") != edge
        updates = "window.sarhadEvents.filter(e => e.kind === 'alert_update').map(e => e.event)"
        assert page.evaluate(updates) == ["updated", "no_longer_matches"]
        # The page opened afresh shows the state the alerts route gives.
        page.reload()
        page.wait_for_selector("html[data-ready='true']")
        page.wait_for_selector("#live[data-state='on']")
        expect(row.locator(".state")).to_have_text(f"no longer matches since version {ended}")

        again = _publish(served["home"], 40)
        expect(row).to_have_attribute("data-state", "matches")
        expect(row.locator(".state")).to_have_text("updated: killed 30 -> 40")
        assert again > ended
        assert page.evaluate(updates) == ["matches_again"]  # since the reload


@pytest.fixture(params=["sqlite"])
def pair(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, Node, str]]:
    """PK and IR on loopback, each the other's peer; IR's URL."""
    with pk_and_ir(tmp_path, request) as (pk, ir), peered(pk, ir) as (_, ir_url):
        yield pk, ir, ir_url


def test_an_alert_sent_again_when_its_incident_is_current_again_is_listed_once_with_its_state(
    pair: tuple[Node, Node, str], browser_page: tuple[Any, list[str]]
) -> None:
    """IR's page lists the alert; PK withholds a later version (TLP:RED, 2 killed): the stream says so
    (withheld) and the page drops the alert and the incident's row and counts them out; PK then clears it: the
    stream sends the alert again (listed_again) and its change (no longer matches), and the page shows one row,
    so marked, and counts it once."""
    pk, ir, ir_url = pair
    page, _ = browser_page
    add_rule(ir.db, Rule("deadly", min_killed=5))
    record = make("withheld-toll", killed=30)
    pk.publish([record])
    sync_peer(ir, get_peer(ir.db, "PK"))
    sign_in(page, ir_url, create_token(ir.db, "desk", "analyst", "IR"))
    page.wait_for_selector("#live[data-state='on']")
    row = page.locator("#alert-list li", has_text="deadly")
    expect(row).to_have_count(1)
    expect(page.locator("#alert-count")).to_have_text("1")

    incident_row = page.locator(f"#incidents tbody tr[data-id='{record.id}']")
    expect(incident_row).to_have_count(1)
    total = page.inner_text("[data-testid='kpi-incidents']")

    pk.publish([replace(make("withheld-toll", killed=2), tlp="RED")])  # IR may not read it
    sync_peer(ir, get_peer(ir.db, "PK"))
    # No longer listed: the page drops the alert and the incident's row live and counts them out.
    expect(row).to_have_count(0)
    expect(page.locator("#alert-count")).to_have_text("0")
    expect(incident_row).to_have_count(0)
    expect(page.locator("[data-testid='kpi-incidents']")).not_to_have_text(total)
    withheld = "window.sarhadEvents.filter(e => e.kind === 'withheld').map(e => [e.id, e.alerts.length])"
    assert page.evaluate(withheld) == [[record.id, 1]]

    mark_incident(pk, record.id, "CLEAR")  # the same facts, readable: current on IR again
    sync_peer(ir, get_peer(ir.db, "PK"))
    current = ir.db.fetchone("SELECT modified FROM incidents WHERE id = ?", (record.id,))
    assert current is not None

    expect(row).to_have_attribute("data-state", "no_longer_matches")
    expect(row.locator(".state")).to_have_text(f"no longer matches since version {current[0]}")
    page.wait_for_function("() => window.sarhadEvents.some(e => e.kind === 'alert' && e.listed_again)")
    expect(row).to_have_count(1)
    expect(page.locator("#alert-count")).to_have_text("1")
    expect(incident_row).to_have_count(1)


def test_a_change_of_an_alert_past_the_50_shown_leaves_the_list_newest_first(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    """51 alerts, the page shows the newest 50; a later version of the oldest alert's incident updates that alert:
    it is older than every alert shown, so it stays unshown (the list stays newest first) and counted once."""
    page, _ = browser_page
    with serve(tmp_path / "pk", PLACES) as served:
        with Node.open(load_settings(served["home"])) as node:
            add_rule(node.db, Rule(name="deadly", min_killed=5))
            oldest = incident("PK", "oldest-toll", *TOLL[2:-1], 7)
            node.publish([oldest])  # raised first: the oldest alert
            node.publish([incident("PK", f"toll-{n}", *TOLL[2:-1], 7) for n in range(50)])
        sign_in(page, served["base"], served["analyst"])
        page.wait_for_selector("#live[data-state='on']")
        items = page.locator("#alert-list li[data-id]")
        expect(items).to_have_count(50)
        expect(page.locator("#alert-count")).to_have_text("51")
        shown = items.evaluate_all("els => els.map(e => e.dataset.id)")

        with Node.open(load_settings(served["home"])) as node:
            node.publish([incident("PK", "oldest-toll", *TOLL[2:-1], 30)])
        page.wait_for_function("() => window.sarhadEvents.some(e => e.kind === 'alert_update')")
        assert items.evaluate_all("els => els.map(e => e.dataset.id)") == shown
        expect(page.locator("#alert-count")).to_have_text("51")
