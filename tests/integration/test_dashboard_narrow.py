"""The dashboard in a phone's window (390 px wide), used by touch and clicks at screen positions: every control
of the top bar is on the screen and answers a click there (real Chromium against a real server on loopback, as
in test_dashboard_browser)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.integration.conftest import BROWSER_MARKS, PLACES, expect, serve, shot, sign_in

pytestmark = BROWSER_MARKS

PHONE = {"width": 390, "height": 844}


def test_in_a_phones_window_the_top_bar_fits_and_its_buttons_answer_a_click_where_they_are_drawn(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    """The bar held the brand, the live state, who is signed in and two buttons in one row 48 px high: in a phone's
    window the row ran past the screen's right edge (the page scrolled sideways, Sign out was off the screen) and
    its text spilled out of the bar over the filters."""
    page, _ = browser_page
    page.set_viewport_size(PHONE)
    with serve(tmp_path / "pk", PLACES) as served:
        sign_in(page, served["base"], served["analyst"])
        shot(page, "dashboard-phone.png")
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


def test_in_a_phones_window_a_reports_point_is_picked_on_the_map_the_form_covered(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    """The report form is as wide as a phone's window and covered the whole map: "Pick on the map" waited for a
    click on a map no one could see or reach. While picking, the form steps aside and the map is scrolled into
    view; the point taken, the form is back as it was, with the point in its fields."""
    page, _ = browser_page
    page.set_viewport_size(PHONE)
    with serve(tmp_path / "pk", PLACES) as served:
        sign_in(page, served["base"], served["analyst"])
        page.click("#report-open")
        page.fill("#r-title", "Levies post attacked")
        page.click("#r-pick")
        expect(page.locator("#r-pick")).to_have_attribute("aria-pressed", "true")
        box = page.locator("#map").bounding_box()
        assert box is not None
        x = box["x"] + box["width"] * 0.5
        y = min(box["y"] + box["height"] * 0.5, PHONE["height"] - 20)  # on the screen: a touch lands there
        assert 0 < y, f"the map is off the screen while picking: {box}"
        hit = page.evaluate(f"document.elementFromPoint({x}, {y}).closest('#map, #report')?.id")
        assert hit == "map", f"a click on the map while picking lands on {hit!r}"
        page.mouse.click(x, y)
        expect(page.locator("#r-pick")).to_have_attribute("aria-pressed", "false")
        expect(page.locator("#report")).to_be_visible()
        assert page.input_value("#r-lat") != "" and page.input_value("#r-lon") != ""
        assert page.input_value("#r-title") == "Levies post attacked"
        shot(page, "dashboard-phone-picked.png")


def test_in_a_phones_window_a_tapped_row_brings_its_detail_into_view(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    """In one column the detail panel lies below the whole table: a tap on a row filled it off the screen, and
    nothing seemed to happen. The tap now scrolls the page to the detail."""
    page, _ = browser_page
    page.set_viewport_size(PHONE)
    # a full page of rows (25), Quetta's at its top: a table taller than the window
    earlier = [("PK", f"pk-old-{n}", f"2024-{n % 12 + 1:02d}-10", "Turbat", "Balochistan", "Kech", 26.0, 63.05, 40.0,
                "BLA", 1) for n in range(20)]  # fmt: skip
    with serve(tmp_path / "pk", PLACES + earlier) as served:
        sign_in(page, served["base"], served["analyst"])
        row = page.locator("#incidents tbody tr", has_text="Quetta")
        row.evaluate("el => el.scrollIntoView({ block: 'end' })")  # scrolled down until the row shows, at the foot
        box = row.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 40, box["y"] + box["height"] / 2)
        expect(page.locator("#detail h3")).to_have_text("Attack near Quetta")
        page.wait_for_timeout(300)  # a scroll, if any, is done
        heading = page.locator("#detail h3").bounding_box()
        assert heading is not None
        assert 0 <= heading["y"] and heading["y"] + heading["height"] <= PHONE["height"], (
            f"the detail is off the screen after a tap on its row: {heading}"
        )
        shot(page, "dashboard-phone-detail.png")
