"""The map's controls in a laptop's window (1366 x 768): the open report form leaves the layers button and the
legend in reach, the legend lets a click through to the marker under it, Escape closes the layers list, and a
same-spot list opened before a filter change closes with it (real Chromium against a real server on loopback)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sarhad.config import load_settings
from sarhad.node import Node
from tests.integration.conftest import BROWSER_MARKS, PLACES, expect, incident, serve, shot, sign_in

pytestmark = BROWSER_MARKS

LAPTOP = {"width": 1366, "height": 768}
EXPANDED = ".leaflet-control-layers-expanded"


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not drawn"
    return dict(box)


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and (a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])
    )


def _centre(box: dict[str, float]) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _point_at(page: Any, x: float, y: float) -> tuple[float, float]:
    """The latitude and longitude the map draws at screen point (x, y): the map's x grows with the longitude and
    its y falls with the latitude, each alone, so each is found by halving an interval."""
    box = _box(page, "#map")

    def pixel(lat: float, lon: float) -> dict[str, float]:
        at: dict[str, float] = page.evaluate(f"window.sarhad.pixel({lat}, {lon})")
        return at

    lo, hi = 40.0, 90.0
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if box["x"] + pixel(28.0, mid)["x"] < x else (lo, mid)
    lon = (lo + hi) / 2
    lo, hi = 0.0, 50.0
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if box["y"] + pixel(mid, lon)["y"] > y else (lo, mid)
    return (lo + hi) / 2, lon


def test_on_a_laptop_screen_the_open_report_form_leaves_the_layers_button_and_the_legend_in_reach(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    """The form, a drawer 460 px wide at the window's right edge, lay over the map's right edge, where the layers
    button and the legend are: neither could be reached while an analyst reported an incident."""
    page, _ = browser_page
    page.set_viewport_size(LAPTOP)
    with serve(tmp_path / "pk", PLACES) as served:
        sign_in(page, served["base"], served["analyst"])
        page.click("#report-open")
        expect(page.locator("#report")).to_be_visible()
        shot(page, "dashboard-laptop-reporting.png")
        form = _box(page, "#report")
        for sel in [".leaflet-control-layers", "#legend"]:
            assert not _overlap(_box(page, sel), form), f"the report form covers {sel}"
        page.mouse.click(*_centre(_box(page, ".leaflet-control-layers-toggle")))
        expect(page.locator(EXPANDED)).to_have_count(1)
        # Closed, the form gives the controls their places at the map's edge again.
        page.keyboard.press("Escape")
        page.click("#report-close")
        expect(page.locator("#report")).to_be_hidden()
        layers, legend, map_box = _box(page, ".leaflet-control-layers"), _box(page, "#legend"), _box(page, "#map")
        assert map_box["x"] + map_box["width"] - (layers["x"] + layers["width"]) < 20, (layers, map_box)
        assert map_box["x"] + map_box["width"] - (legend["x"] + legend["width"]) < 20, (legend, map_box)


def test_a_click_on_the_legend_opens_the_incident_whose_marker_lies_under_it(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    page, _ = browser_page
    page.set_viewport_size(LAPTOP)
    with serve(tmp_path / "pk", PLACES) as served:
        sign_in(page, served["base"], served["analyst"])
        x, y = _centre(_box(page, "#legend"))
        lat, lon = _point_at(page, x, y)
        with Node.open(load_settings(served["home"])) as node:
            node.publish([incident("PK", "pk-legend", "2025-06-02", "Kharan", "Balochistan", "Kharan", lat, lon, 150.0,
                                   "BLA", 5)])  # fmt: skip
        # Its marker is drawn as it arrives, with its row (one step of the page).
        expect(page.locator("#incidents tbody tr", has_text="Kharan")).to_have_count(1)
        assert _overlap(_box(page, "#legend"), {"x": x - 1, "y": y - 1, "width": 2, "height": 2})
        page.mouse.click(x, y)
        expect(page.locator("#detail h3")).to_have_text("Attack near Kharan")
        expect(page.locator(".leaflet-popup")).to_contain_text("Kharan")
        expect(page.locator("#legend")).to_have_class("legend see-through")  # with the pointer there, it fades


def test_escape_closes_the_layers_list_and_gives_the_keyboard_back_to_its_button(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    page, _ = browser_page
    page.set_viewport_size(LAPTOP)
    with serve(tmp_path / "pk", PLACES) as served:
        sign_in(page, served["base"], served["analyst"])
        toggle = page.locator(".leaflet-control-layers-toggle")
        toggle.focus()
        page.keyboard.press("Enter")
        expect(page.locator(EXPANDED)).to_have_count(1)
        page.keyboard.press("Tab")  # into the list: the first layer's check box
        assert page.evaluate("document.activeElement.className") == "leaflet-control-layers-selector"
        page.keyboard.press("Escape")
        expect(page.locator(EXPANDED)).to_have_count(0)
        expect(toggle).to_be_focused()
        # Opened by the pointer over it, it closes on Escape too, though the pointer stays.
        page.mouse.move(*_centre(_box(page, ".leaflet-control-layers-toggle")))
        expect(page.locator(EXPANDED)).to_have_count(1)
        page.keyboard.press("Escape")
        expect(page.locator(EXPANDED)).to_have_count(0)


QUETTA = (30.18, 66.97)
SAME_SPOT = [
    ("PK", "pk-q1", "2025-03-02", "Kuchlak", "Balochistan", "Quetta", *QUETTA, 420.0, "TTP", 9),
    ("PK", "pk-q2", "2025-05-20", "Hanna", "Balochistan", "Quetta", *QUETTA, 420.0, "BLA", 2),
    ("IR", "ir-q3", "2025-04-11", "Sariab", "Balochistan", "Quetta", *QUETTA, 420.0, None, 5),
]  # fmt: skip


def test_a_same_spot_list_opened_before_a_filter_change_closes_with_it(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    """The list named the three incidents at Quetta after a filter had left one on the map."""
    page, _ = browser_page
    with serve(tmp_path / "pk", SAME_SPOT) as served:
        sign_in(page, served["base"], served["analyst"])
        expect(page.locator("#map")).to_have_attribute("data-markers", "3")
        at = page.evaluate(f"window.sarhad.pixel({QUETTA[0]}, {QUETTA[1]})")
        box = _box(page, "#map")
        page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
        expect(page.locator(".leaflet-popup .spot-list button")).to_have_count(3)
        page.select_option("#f-party", "IR")
        expect(page.locator("#map")).to_have_attribute("data-markers", "1")
        expect(page.locator(".leaflet-popup")).to_have_count(0)
        # A click there now lists nothing: the one incident left opens at once (the pop-up moved the map: where
        # the spot is drawn is asked again).
        at = page.evaluate(f"window.sarhad.pixel({QUETTA[0]}, {QUETTA[1]})")
        page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
        expect(page.locator("#detail h3")).to_have_text("Attack near Sariab")
        expect(page.locator(".leaflet-popup .spot-list")).to_have_count(0)
