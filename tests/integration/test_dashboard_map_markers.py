"""The incidents' markers: each is reached by Tab, named (date, place, killed), shows a focus ring and opens with
Enter or Space as a click does; coloured by perpetrator, no two groups drawn at once share a colour and a shape,
and the legend says which is which (real Chromium against a real server on loopback)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.integration.conftest import BROWSER_MARKS, PLACES, expect, serve, shot, sign_in

pytestmark = BROWSER_MARKS

FOCUS_RING = "rgb(124, 196, 255)"  # --focus in dashboard.css


def _tab_to_marker(page: Any, label: str) -> None:
    """Tab from the map until the keyboard is on the marker named ``label`` (at most a hundred presses)."""
    page.focus("#map")
    for _ in range(100):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == label:
            return
    raise AssertionError(f"Tab never reached a marker named {label!r}")


def test_an_incidents_marker_is_reached_by_tab_named_ringed_and_opened_by_enter_or_space(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    page, _ = browser_page
    with serve(tmp_path / "pk", PLACES) as served:
        sign_in(page, served["base"], served["analyst"])
        expect(page.locator("#map")).to_have_attribute("data-markers", str(len(PLACES)))
        markers = page.get_by_role("button", name="2025-05-20, Quetta, killed 9")
        expect(markers).to_have_count(1)  # a button a screen reader names, as a row of the table is
        _tab_to_marker(page, "2025-05-20, Quetta, killed 9")
        ring = page.evaluate(
            """(() => { const s = getComputedStyle(document.activeElement);
                        return [s.stroke, s.strokeWidth, s.outlineStyle, s.outlineColor]; })()"""
        )
        assert ring == [FOCUS_RING, "3px", "solid", FOCUS_RING], ring
        shot(page, "dashboard-marker-focused.png")
        page.keyboard.press("Enter")
        expect(page.locator("#detail h3")).to_have_text("Attack near Quetta")
        expect(page.locator(".leaflet-popup")).to_contain_text("Quetta")
        # Space opens another, and the page does not scroll for it.
        _tab_to_marker(page, "2025-03-02, Turbat, killed 4")
        scrolled = page.evaluate("window.scrollY")
        page.keyboard.press(" ")
        expect(page.locator("#detail h3")).to_have_text("Attack near Turbat")
        assert page.evaluate("window.scrollY") == scrolled


GROUPS = [f"Group {chr(ord('A') + i)}" for i in range(12)]
# Twelve groups, each with one incident of its own along the border, the first the most active: more groups than
# the nine colours.
SPREAD = [
    ("PK", f"pk-g{i}", f"2025-0{3 + i % 6}-{10 + i:02d}", f"Post {i}", "Balochistan", "Kech", 25.5 + 0.4 * i,
     61.5 + 0.3 * i, 20.0, group, 12 - i)
    for i, group in enumerate(GROUPS)
]  # fmt: skip


def test_coloured_by_perpetrator_twelve_groups_in_one_view_share_no_colour_and_shape_and_the_legend_says_which(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    """Nine colours went round: the tenth group took the first one's colour, and the legend named nine groups."""
    page, _ = browser_page
    with serve(tmp_path / "pk", SPREAD) as served:
        sign_in(page, served["base"], served["analyst"])
        page.select_option("#f-colour", "perpetrator")
        expect(page.locator("#legend .row[data-group^='Group']")).to_have_count(len(GROUPS))
        drawn = page.evaluate("window.sarhad.markers()")
        assert {m["group"] for m in drawn} == set(GROUPS)
        looks = {m["group"]: (m["colour"], m.get("shape")) for m in drawn}
        assert len(set(looks.values())) == len(GROUPS), looks
        # The legend gives each group the colour and the shape of its markers.
        legend = page.eval_on_selector_all(
            "#legend .row[data-group^='Group']",
            "rows => rows.map(r => [r.dataset.group, r.dataset.colour, r.dataset.shape])",
        )
        assert {g: (c, s) for g, c, s in legend} == looks
        # On the map: each marker's drawn fill and outline are its group's.
        paths = page.eval_on_selector_all(
            "path.incident",
            "ps => ps.map(p => [p.getAttribute('aria-label'), p.getAttribute('fill'), p.getAttribute('d')])",
        )
        assert len(paths) == len(GROUPS)
        assert len({(fill, d.count("L"), d.count("h"), d.count("a")) for _, fill, d in paths}) == len(GROUPS)
        shot(page, "dashboard-twelve-groups.png")


MANY = [f"Front {i:02d}" for i in range(40)]
CROWD = [
    ("IR", f"ir-f{i}", f"2025-04-{1 + i % 28:02d}", f"Village {i}", "Sistan and Baluchestan", "Saravan",
     26.0 + 0.1 * (i // 8), 61.0 + 0.25 * (i % 8), 30.0, group, 40 - i)
    for i, group in enumerate(MANY)
]  # fmt: skip


def test_past_36_groups_in_one_view_the_rest_are_counted_as_other_groups_in_the_legend(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    page, _ = browser_page
    with serve(tmp_path / "pk", CROWD) as served:
        sign_in(page, served["base"], served["analyst"])
        page.select_option("#f-colour", "perpetrator")
        expect(page.locator("#legend .row", has_text="4 other groups")).to_have_count(1)
        named = page.eval_on_selector_all(
            "#legend .row[data-group^='Front']", "rows => rows.map(r => [r.dataset.colour, r.dataset.shape])"
        )
        assert len(named) == 36 and len({tuple(n) for n in named}) == 36, named
        drawn = page.evaluate("window.sarhad.markers()")
        others = {m["group"] for m in drawn if [m["colour"], m["shape"]] not in named}
        assert len(others) == 4, others
