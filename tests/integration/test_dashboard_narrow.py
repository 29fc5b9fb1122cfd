"""The dashboard in a phone's window (390 px wide), used by touch and clicks at screen positions: every control
of the top bar is on the screen and answers a click there (real Chromium against a real server on loopback, as
in test_dashboard_browser)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.integration.test_dashboard_browser import (
    PLACES,
    _serve,
    _shot,
    _sign_in,
    browser_page,
    expect,
    pytestmark,
)

__all__ = ["browser_page", "pytestmark"]  # the fixture and the markers, taken from the dashboard's browser tests

PHONE = {"width": 390, "height": 844}


def test_in_a_phones_window_the_top_bar_fits_and_its_buttons_answer_a_click_where_they_are_drawn(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    """The bar held the brand, the live state, who is signed in and two buttons in one row 48 px high: in a phone's
    window the row ran past the screen's right edge (the page scrolled sideways, Sign out was off the screen) and
    its text spilled out of the bar over the filters."""
    page, _ = browser_page
    page.set_viewport_size(PHONE)
    with _serve(tmp_path / "pk", PLACES) as served:
        _sign_in(page, served["base"], served["analyst"])
        _shot(page, "dashboard-phone.png")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page is {width} px wide in a {PHONE['width']} px window"
        bar = page.locator(".topbar").bounding_box()
        assert bar is not None
        for sel in ["#live", "#whoami", "#report-open", "#logout"]:
            box = page.locator(sel).bounding_box()
            assert box is not None, sel
            assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"], f"{sel} is off the screen: {box}"
            assert bar["y"] <= box["y"] and box["y"] + box["height"] <= bar["y"] + bar["height"], (
                f"{sel} spills out of the top bar: {box} in {bar}"
            )
        # A click where the buttons are drawn opens the report form, closes it, and signs out.
        for sel, then in [("#report-open", "#report"), ("#report-close", "#report-open")]:
            box = page.locator(sel).bounding_box()
            assert box is not None
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            expect(page.locator(then)).to_be_visible()
        box = page.locator("#logout").bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        expect(page.locator("#login")).to_be_visible()
