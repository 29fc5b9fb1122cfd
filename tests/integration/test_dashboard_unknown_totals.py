"""The dashboard's totals when no incident gives a killed figure: unknown, not a 0 that reads like a count
(real Chromium against a real server on loopback, as in test_dashboard_browser)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from sarhad.config import load_settings
from sarhad.node import Node
from tests.integration.conftest import BROWSER_MARKS, expect, incident, serve, sign_in

pytestmark = BROWSER_MARKS

_NO_FIGURE = [
    replace(incident("PK", f"pk-u{i}", "2025-04-11", "Taftan", "Balochistan", "Chagai", 28.96, 61.59, 2.5, None, 1),
            figures=())
    for i in range(2)
]  # fmt: skip


def test_the_killed_total_reads_unknown_when_no_incident_gives_the_figure(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    page, _ = browser_page
    with serve(tmp_path / "pk", []) as served:
        with Node.open(load_settings(served["home"])) as node:
            node.publish(_NO_FIGURE)
        sign_in(page, served["base"], served["analyst"])
        expect(page.locator("[data-testid=kpi-incidents]")).to_have_text("2")
        assert page.inner_text("[data-testid=kpi-killed]") == "unknown"
        # One incident that gives the figure: the total is that figure again.
        with Node.open(load_settings(served["home"])) as node:
            node.publish([incident("PK", "pk-k", "2025-04-12", "Taftan", "Balochistan", "Chagai", 28.96, 61.59, 2.5,
                                    None, 3)])  # fmt: skip
        page.wait_for_selector("#live[data-state='on']")
        expect(page.locator("[data-testid=kpi-incidents]")).to_have_text("3")
        expect(page.locator("[data-testid=kpi-killed]")).to_have_text("3")
