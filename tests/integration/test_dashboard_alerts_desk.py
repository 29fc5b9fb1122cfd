"""The alerts desk in the dashboard: a writer acknowledges an alert from its row (who and when shown there, as
``alerts list`` says it), "Unacknowledged only" leaves it out, and the rule list marks a rule disabled and lets a
writer disable and enable it; a viewer sees the state but no control (real Chromium against a real server on
loopback, as in test_dashboard_browser)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sarhad.config import load_settings
from sarhad.monitor.alerts import list_alerts
from sarhad.monitor.rules import list_rules
from sarhad.node import Node
from tests.integration.conftest import BROWSER_MARKS, PLACES, expect, incident, serve, sign_in

pytestmark = BROWSER_MARKS

NEAR = [
    ("PK", "pk-near-1", "2025-07-01", "Taftan", "Balochistan", "Chagai", 28.96, 61.59, 3.0, "Jaish al-Adl", 2),
    ("PK", "pk-near-2", "2025-07-02", "Mand", "Balochistan", "Kech", 26.08, 62.04, 8.0, "BLA", 1),
]  # fmt: skip
"""Two incidents arriving after the served node's rule (border-25km): an alert each."""


def _stored(home: Path) -> tuple[dict[str, str | None], dict[str, bool]]:
    """Who acknowledged each alert, and whether each rule is disabled, as stored."""
    with Node.open(load_settings(home)) as node:
        return {a.id: a.acked_by for a in list_alerts(node.db)}, {r.name: r.disabled for r in list_rules(node.db)}


def test_a_writer_acknowledges_an_alert_and_switches_a_rule_and_a_viewer_sees_no_control(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    page, _ = browser_page
    with serve(tmp_path / "pk", PLACES) as served:
        with Node.open(load_settings(served["home"])) as node:
            node.publish([incident(*p) for p in NEAR])
        sign_in(page, served["base"], served["analyst"])
        rows = page.locator("#alert-list li[data-id]")
        total = rows.count()
        assert total == 2 and page.inner_text("#alert-count") == str(total)
        first = rows.first
        alert_id = first.get_attribute("data-id")
        assert alert_id is not None
        expect(first).to_have_attribute("data-acked", "no")

        first.get_by_role("button", name="Acknowledge").click()
        acked = page.locator(f"#alert-list li[data-id='{alert_id}']")
        expect(acked).to_have_attribute("data-acked", "yes")
        expect(acked.locator(".ack")).to_contain_text("acknowledged by desk ")
        expect(acked.get_by_role("button", name="Acknowledge")).to_have_count(0)
        acks, _ = _stored(served["home"])
        assert acks[alert_id] == "desk" and sum(by is not None for by in acks.values()) == 1

        page.check("#alerts-unacked")
        expect(acked).to_have_count(0)
        expect(rows).to_have_count(total - 1)
        expect(page.locator("#alert-count")).to_have_text(str(total - 1))
        # acknowledged from the unacknowledged list: the row leaves it, the count follows
        second = rows.first
        second_id = second.get_attribute("data-id")
        second.get_by_role("button", name="Acknowledge").click()
        expect(page.locator(f"#alert-list li[data-id='{second_id}']")).to_have_count(0)
        expect(page.locator("#alert-count")).to_have_text(str(total - 2))
        page.uncheck("#alerts-unacked")
        expect(rows).to_have_count(total)

        page.click("#rules-toggle")
        rule = page.locator("#rule-list li[data-rule='border-25km']")
        rule.get_by_role("button", name="Disable rule border-25km").click()
        expect(rule).to_have_class("disabled")
        expect(rule.locator(".tag")).to_have_text("disabled")
        assert _stored(served["home"])[1] == {"border-25km": True}
        rule.get_by_role("button", name="Enable rule border-25km").click()
        expect(rule.locator(".tag")).to_have_count(0)
        assert _stored(served["home"])[1] == {"border-25km": False}
        rule.get_by_role("button", name="Disable rule border-25km").click()
        expect(rule.locator(".tag")).to_have_text("disabled")

        # A viewer reads who acknowledged what and which rule is disabled, and has no control to change them.
        page.click("#logout")
        sign_in(page, served["base"], served["viewer"])
        expect(page.locator(f"#alert-list li[data-id='{alert_id}'] .ack")).to_contain_text("acknowledged by desk ")
        expect(page.locator("#alert-list .ack-btn")).to_have_count(0)
        page.click("#rules-toggle")
        expect(page.locator("#rule-list li[data-rule='border-25km'] .tag")).to_have_text("disabled")
        expect(page.locator("#rule-list button")).to_have_count(0)
