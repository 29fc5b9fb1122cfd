"""Several incidents at one spot on the map: each can be opened from it. Incidents geocoded to a district's seat
share its coordinates, so their markers are drawn on top of one another; a click there lists them all, and each
entry opens its incident, by mouse or keyboard (real Chromium against a real server on loopback, as in
test_dashboard_browser)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.integration.conftest import BROWSER_MARKS, expect, serve, shot, sign_in

pytestmark = BROWSER_MARKS

QUETTA = (30.18, 66.97)  # the district's seat: where "near" and "admin2" geocoding puts all three
# (party, source, date, place, admin1, admin2, lat, lon, border_km, perpetrator, killed)
SAME_SPOT = [
    ("PK", "pk-q1", "2025-03-02", "Kuchlak", "Balochistan", "Quetta", *QUETTA, 420.0, "TTP", 9),
    ("PK", "pk-q2", "2025-05-20", "Hanna", "Balochistan", "Quetta", *QUETTA, 420.0, "BLA", 2),
    ("IR", "ir-q3", "2025-04-11", "Sariab", "Balochistan", "Quetta", *QUETTA, 420.0, None, 5),
    ("PK", "pk-t1", "2025-06-01", "Turbat", "Balochistan", "Kech", 26.00, 63.05, 40.0, "BLA", 4),
]  # fmt: skip


def _screen(page: Any, lat: float, lon: float) -> tuple[float, float]:
    """Where on the screen the marker of a point is drawn."""
    at = page.evaluate(f"window.sarhad.pixel({lat}, {lon})")
    box = page.locator("#map").bounding_box()
    assert box is not None
    return box["x"] + at["x"], box["y"] + at["y"]


def test_a_click_where_incidents_share_a_point_lists_them_and_each_opens_its_incident(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    page, _ = browser_page
    with serve(tmp_path / "pk", SAME_SPOT) as served:
        sign_in(page, served["base"], served["analyst"])
        expect(page.locator("#map")).to_have_attribute("data-mode", "points")
        expect(page.locator("#map")).to_have_attribute("data-markers", "4")
        page.mouse.click(*_screen(page, *QUETTA))

        # One popup lists the three, newest first, as the table orders them; no incident is chosen for the reader.
        listed = page.locator(".leaflet-popup .spot-list button")
        expect(listed).to_have_count(3)
        expect(page.locator(".leaflet-popup .spot-head")).to_have_text("3 incidents here")
        assert listed.all_inner_texts() == [
            "2025-05-20 · Hanna · PK · BLA · killed 2",
            "2025-04-11 · Sariab · IR · perpetrator unknown · killed 5",
            "2025-03-02 · Kuchlak · PK · TTP · killed 9",
        ]
        expect(page.locator("#detail h3")).to_have_count(0)
        shot(page, "dashboard-same-spot.png")

        # Each entry opens its incident, and the list stays open for the next one.
        listed.nth(1).click()
        expect(page.locator("#detail h3")).to_have_text("Attack near Sariab")
        expect(listed.nth(1)).to_have_attribute("aria-current", "true")
        listed.nth(2).focus()
        page.keyboard.press("Enter")
        expect(page.locator("#detail h3")).to_have_text("Attack near Kuchlak")
        expect(listed.nth(1)).not_to_have_attribute("aria-current", "true")

        # A marker alone at its spot still opens its popup and its incident at once.
        page.keyboard.press("Escape")
        page.mouse.click(*_screen(page, 26.00, 63.05))
        expect(page.locator(".leaflet-popup")).to_have_count(1)
        expect(page.locator(".leaflet-popup .spot-list")).to_have_count(0)
        expect(page.locator(".leaflet-popup")).to_contain_text("Turbat")
        expect(page.locator("#detail h3")).to_have_text("Attack near Turbat")


def test_a_click_on_a_shared_point_while_picking_a_report_point_gives_the_spot_and_lists_nothing(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    page, _ = browser_page
    with serve(tmp_path / "pk", SAME_SPOT) as served:
        sign_in(page, served["base"], served["analyst"])
        expect(page.locator("#map")).to_have_attribute("data-markers", "4")
        page.click("#report-open")
        page.click("#r-pick")
        page.mouse.click(*_screen(page, *QUETTA))
        expect(page.locator("#r-pick")).to_have_attribute("aria-pressed", "false")
        lat, lon = float(page.input_value("#r-lat")), float(page.input_value("#r-lon"))
        assert abs(lat - QUETTA[0]) < 0.2 and abs(lon - QUETTA[1]) < 0.2, (lat, lon)
        expect(page.locator(".leaflet-popup")).to_have_count(0)
