"""The timeline's killed per month when no incident of a month gives a killed figure: a mark saying unknown, not
a bar of 0 (real Chromium against a real server on loopback, as in test_dashboard_browser)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from sarhad.config import load_settings
from sarhad.node import Node
from tests.integration.conftest import BROWSER_MARKS, PLACES, expect, incident, serve, sign_in

pytestmark = BROWSER_MARKS

# July 2025: two incidents, neither gives a killed figure (the other months' incidents all give one).
_NO_FIGURE = [
    replace(incident("PK", f"pk-u{i}", f"2025-07-0{i + 1}", "Taftan", "Balochistan", "Chagai", 28.96, 61.59, 2.5,
                      None, 1), figures=())
    for i in range(2)
]  # fmt: skip


def test_the_timeline_marks_a_month_whose_killed_figure_is_unknown(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    page, _ = browser_page
    with serve(tmp_path / "pk", PLACES) as served:
        with Node.open(load_settings(served["home"])) as node:
            node.publish(_NO_FIGURE)
        sign_in(page, served["base"], served["analyst"])
        # Incidents per month: July has its bar of 2, nothing is unknown.
        assert page.locator("#timeline rect.unknown").count() == 0
        page.click(".seg button[data-measure=killed]")
        mark = page.locator("#timeline rect.unknown")
        expect(mark).to_have_count(1)
        assert mark.get_attribute("data-month") == "2025-07"
        assert mark.locator("title").text_content() == "2025-07: killed unknown (2 incidents, none gives a figure)"
        expect(page.locator("#timeline")).to_have_attribute(
            "aria-label", "killed per month per party, 2025-03 to 2025-07; killed unknown in 2025-07"
        )
        # No party's bar stands for July's killed.
        assert page.locator("#timeline rect[data-party] title", has_text="2025-07").count() == 0
        # A record of July that gives a figure: the month is known (the page reads the timeline again).
        with Node.open(load_settings(served["home"])) as node:
            node.publish([incident("PK", "pk-k", "2025-07-09", "Taftan", "Balochistan", "Chagai", 28.96, 61.59, 2.5,
                                    None, 4)])  # fmt: skip
        expect(page.locator("#timeline rect.unknown")).to_have_count(0)
        expect(page.locator("#timeline rect[data-party=PK] title", has_text="2025-07")).to_have_text(
            "2025-07 · PK: 4 killed"
        )
