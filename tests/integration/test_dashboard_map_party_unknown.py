"""Killed unknown, not 0, on the map's clusters and on the timeline's party bars: a cluster none of whose
incidents gives a killed figure says so in its title, and in a month where one party gives figures and another
does not, the other party gets a mark saying unknown (real Chromium against a real server on loopback, as in
test_dashboard_browser)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from sarhad.config import load_settings
from sarhad.node import Node
from tests.integration.conftest import BROWSER_MARKS, PLACES, expect, incident, serve, sign_in

pytestmark = BROWSER_MARKS

# July 2025: IR reports two incidents near Dalbandin (apart from the other places), neither gives a killed
# figure; PK reports one near Quetta that gives 4.
_JULY = [
    *(
        replace(incident("IR", f"ir-u{i}", f"2025-07-0{i + 1}", "Dalbandin", "Balochistan", "Chagai", 28.89, 64.41,
                          60.0, None, 1), figures=())
        for i in range(2)
    ),
    incident("PK", "pk-k", "2025-07-09", "Quetta", "Balochistan", "Quetta", 30.18, 66.97, 420.0, "TTP", 4),
]  # fmt: skip


def _publish_july(home: Path) -> None:
    with Node.open(load_settings(home)) as node:
        node.publish(_JULY)


def test_a_map_cluster_whose_killed_figure_is_unknown_says_so(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    page, _ = browser_page
    # Clusters rather than points: the page asks the real server for them with a limit of one point.
    page.route("**/api/dashboard/markers?*", lambda route: route.continue_(url=route.request.url + "&limit=1"))
    with serve(tmp_path / "pk", PLACES) as served:
        _publish_july(served["home"])
        sign_in(page, served["base"], served["analyst"])
        expect(page.locator("#map")).to_have_attribute("data-mode", "clusters")
        drawn = page.evaluate("window.sarhad.markers()")
        assert drawn and all(m["cluster"] for m in drawn)
        unknown = [m for m in drawn if m["killed_known"] == 0]
        assert [(m["count"], m["killed"], m["title"]) for m in unknown] == [(2, 0, "2 incidents, killed unknown")]
        assert abs(unknown[0]["lat"] - 28.89) < 0.01 and abs(unknown[0]["lon"] - 64.41) < 0.01
        # Every other cluster gives its killed figure; the title is the marker's tooltip on the page.
        assert all(m["title"].endswith(f", {m['killed']} killed") for m in drawn if m["killed_known"])
        expect(page.locator('.leaflet-marker-icon[title="2 incidents, killed unknown"]')).to_have_count(1)
        assert page.locator('.leaflet-marker-icon[title$="0 killed"]').count() == 0


def test_the_timeline_marks_a_party_whose_killed_figure_is_unknown_in_a_month_others_give_one(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    page, _ = browser_page
    with serve(tmp_path / "pk", PLACES) as served:
        _publish_july(served["home"])
        sign_in(page, served["base"], served["analyst"])
        # Incidents per month: IR has its bar of 2 in July, nothing is unknown.
        expect(page.locator("#timeline rect[data-party=IR] title", has_text="2025-07")).to_have_text(
            "2025-07 · IR: 2 incidents"
        )
        assert page.locator("#timeline rect.unknown").count() == 0
        page.click(".seg button[data-measure=killed]")
        mark = page.locator("#timeline rect.unknown")
        expect(mark).to_have_count(1)
        assert mark.get_attribute("data-month") == "2025-07"
        assert mark.get_attribute("data-unknown-party") == "IR"
        assert mark.locator("title").text_content() == "2025-07 · IR: killed unknown (2 incidents, none gives a figure)"
        expect(page.locator("#timeline rect[data-party=PK] title", has_text="2025-07")).to_have_text(
            "2025-07 · PK: 4 killed"
        )
        assert page.locator("#timeline rect[data-party=IR] title", has_text="2025-07").count() == 0
        expect(page.locator("#timeline")).to_have_attribute(
            "aria-label", "killed per month per party, 2025-03 to 2025-07; killed unknown for IR in 2025-07"
        )
