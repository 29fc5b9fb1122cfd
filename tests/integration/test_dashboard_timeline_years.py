"""The timeline leaves out an incident whose date is known only to the year (GTD's ``imonth`` 0): no bar of
January stands for it, and a note under the bars says how many each year had (real Chromium against a real
server on loopback, as in test_dashboard_browser)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from sarhad.config import load_settings
from sarhad.node import Node
from tests.integration.conftest import BROWSER_MARKS, PLACES, incident, serve, sign_in

pytestmark = BROWSER_MARKS

# 2025, month unknown: its range is the whole year, starting on 1 January (the other incidents start in March).
_YEAR_ONLY = replace(
    incident("PK", "pk-y", "2025-01-01", "Taftan", "Balochistan", "Chagai", 28.96, 61.59, 2.5, None, 3),
    date_end="2025-12-31",
    date_precision="year",
)


def test_the_timeline_counts_a_date_known_only_to_the_year_in_a_note_not_in_january(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    from playwright.sync_api import expect  # present wherever browser_page is

    page, _ = browser_page
    with serve(tmp_path / "pk", PLACES) as served:
        with Node.open(load_settings(served["home"])) as node:
            node.publish([_YEAR_ONLY])
        sign_in(page, served["base"], served["analyst"])
        note = page.locator("#timeline-years")
        expect(note).to_have_text("Dates known only to the year, in no month above: 2025: 1 incident, 3 killed.")
        # The axis starts at the first month an incident is dated to: January has no bar.
        label = page.locator("#timeline").get_attribute("aria-label") or ""
        assert label.startswith("incidents per month per party, 2025-03 to "), label
        assert page.locator("#timeline rect[data-party] title", has_text="2025-01").count() == 0
