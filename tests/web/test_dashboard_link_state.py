"""More of the dashboard's state in its link, and what the page says when a link asks for what it cannot show.

A real Chromium against a real server on loopback (as in test_dashboard_links): the country filter, the
incident table's page and the selected incident travel in the link; a link's value the reader's lists do not
offer, a page past the last one, or an incident the reader cannot read (or that no longer exists) leaves the
defaults and a visible notice naming the part of the link not applied. A map cluster where only some incidents
give a killed figure says of how many; the joint picture names a party whose killed figure is unknown, and
follows new records while it is shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from sarhad.config import load_settings
from sarhad.model.incident import incident_id
from sarhad.node import Node
from tests.conftest import browser_context
from tests.integration.test_dashboard_browser import _incident, _serve, sync_playwright
from tests.web.test_dashboard_links import PLACES, pytestmark

if sync_playwright is not None:
    from playwright.sync_api import Browser, Page, expect

__all__ = ["pytestmark"]  # the browser tests' markers

# Thirty PK incidents on thirty days, then the seven of test_dashboard_links: the table has two pages of 25.
MANY = [
    ("PK", f"pk-m{i}", f"2024-01-{i + 1:02d}", "Turbat", "Balochistan", "Kech", 26.00, 63.05, 40.0, "TTP", 1)
    for i in range(30)
] + PLACES  # fmt: skip
MISSING = "incident--00000000-0000-5000-8000-000000000000"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[dict[str, Any]]:
    with _serve(tmp_path / "pk", PLACES) as served:
        yield served


@pytest.fixture
def many(tmp_path: Path) -> Iterator[dict[str, Any]]:
    with _serve(tmp_path / "pk", MANY) as served:
        yield served


def _open(browser: Browser, link: str, token: str) -> Page:
    """``link`` opened in a fresh browser context (a colleague's), signed in with ``token``."""
    page = browser_context(browser, viewport={"width": 1440, "height": 900}).new_page()
    page.goto(link)
    page.fill("#token", token)
    page.press("#token", "Enter")
    page.wait_for_selector("html[data-ready='true']")
    return page


def _fragment(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).fragment)


def test_the_country_filter_is_in_the_panel_and_in_the_link(server: dict[str, Any], browser: Browser) -> None:
    page = _open(browser, server["base"] + "/", server["analyst"])
    assert page.locator("#f-country option").all_inner_texts() == ["All", "IR", "PK"]
    page.select_option("#f-country", "IR")
    expect(page.locator("#table-total")).to_have_text("· 2")
    page.wait_for_function("() => location.hash.includes('country=IR')")
    colleague = _open(browser, page.url, server["viewer"])
    expect(colleague.locator("#table-total")).to_have_text("· 2")
    assert colleague.input_value("#f-country") == "IR"
    parties = colleague.locator("#incidents tbody tr td:nth-child(2)").all_inner_texts()
    assert [p.strip() for p in parties] == ["IR", "IR"]
    expect(colleague.locator("#link-notice")).to_be_hidden()


def test_a_link_carries_the_tables_page_and_the_selected_incident(many: dict[str, Any], browser: Browser) -> None:
    page = _open(browser, many["base"] + "/", many["analyst"])
    expect(page.locator("#page-label")).to_have_text("page 1 of 2")
    page.click("#next")
    expect(page.locator("#page-label")).to_have_text("page 2 of 2")
    row = page.locator("#incidents tbody tr").nth(3)
    chosen = row.get_attribute("data-id") or ""
    row.click()
    expect(page.locator("[data-testid=versions]")).to_be_visible()
    page.wait_for_function("() => location.hash.includes('incident=')")
    assert _fragment(page)["page"] == ["2"] and _fragment(page)["incident"] == [chosen]

    colleague = _open(browser, page.url, many["viewer"])
    expect(colleague.locator("#page-label")).to_have_text("page 2 of 2")
    expect(colleague.locator(f"#incidents tbody tr[data-id='{chosen}']")).to_have_attribute("aria-selected", "true")
    expect(colleague.locator("#detail .hash")).to_contain_text(chosen)
    assert colleague.url == page.url
    expect(colleague.locator("#link-notice")).to_be_hidden()
    # A filter changed starts again at the first page: the link then names none.
    colleague.select_option("#f-party", "IR")
    expect(colleague.locator("#page-label")).to_have_text("page 1 of 1")
    colleague.wait_for_function("() => !location.hash.includes('page=')")


def test_another_link_opened_in_the_tab_shows_its_page_and_incident(many: dict[str, Any], browser: Browser) -> None:
    page = _open(browser, many["base"] + "/", many["analyst"])
    expect(page.locator("#page-label")).to_have_text("page 1 of 2")
    pk3 = incident_id("party", "PK", "pk-3")
    page.goto(many["base"] + f"/#page=2&incident={pk3}")  # the same document: a new entry in the tab's history
    expect(page.locator("#page-label")).to_have_text("page 2 of 2")
    expect(page.locator("#detail .hash")).to_contain_text(pk3)
    page.go_back()
    expect(page.locator("#page-label")).to_have_text("page 1 of 2")
    expect(page.locator("#detail")).to_contain_text("Select an incident")


def test_an_incident_or_page_the_link_names_that_cannot_be_shown_is_said_quietly(
    many: dict[str, Any], browser: Browser
) -> None:
    page = _open(browser, many["base"] + f"/#page=9&incident={MISSING}", many["analyst"])
    expect(page.locator("#table-total")).to_have_text(f"· {len(MANY)}")
    expect(page.locator("#page-label")).to_have_text("page 2 of 2")  # the last page there is
    notice = page.locator("#link-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("page 9")
    expect(notice).to_contain_text("incident")
    expect(page.locator("#detail")).to_contain_text("not available to you")
    page.wait_for_function("() => !location.hash.includes('incident=')")
    assert _fragment(page)["page"] == ["2"]
    page.click("#link-notice button")
    expect(notice).to_be_hidden()


def test_a_link_value_the_reader_is_not_offered_is_named_in_a_notice(server: dict[str, Any], browser: Browser) -> None:
    link = server["base"] + "/#perpetrator=Nobody%20Known&party=XX&since=2025-02-30&country=IR&near_border=7"
    page = _open(browser, link, server["viewer"])
    expect(page.locator("#table-total")).to_have_text("· 2")  # the country applied, IR's two
    notice = page.locator("#link-notice")
    expect(notice).to_be_visible()
    text = notice.inner_text()
    for part in ('perpetrator "Nobody Known"', 'party "XX"', 'since "2025-02-30"', 'near_border "7"'):
        assert part in text, text
    assert "country" not in text
    assert page.input_value("#f-perpetrator") == "" and page.input_value("#f-party") == ""
    # A hostile value is shown as text, never as markup.
    hostile = server["base"] + "/#perpetrator=%3Cimg%20src%3Dx%20onerror%3D%22window.pwned%3D1%22%3E"
    other = _open(browser, hostile, server["viewer"])
    expect(other.locator("#link-notice")).to_contain_text('perpetrator "<img src=x')
    assert other.locator("img[src=x]").count() == 0 and other.evaluate("window.pwned") is None


def test_a_map_cluster_where_some_incidents_give_no_killed_figure_says_of_how_many(
    tmp_path: Path, browser: Browser
) -> None:
    # Near Dalbandin: three IR incidents, two give 2 and 3 killed, one gives none.
    dalbandin = [
        _incident(
            "IR", f"ir-d{i}", "2025-07-01", "Dalbandin", "Balochistan", "Chagai", 28.89, 64.41, 60.0, None, killed
        )
        for i, killed in enumerate((2, 3, 0))
    ]
    dalbandin[2] = replace(dalbandin[2], figures=())
    with _serve(tmp_path / "pk", PLACES) as served:
        with Node.open(load_settings(served["home"])) as node:
            node.publish(dalbandin)
        page = browser_context(browser, viewport={"width": 1440, "height": 900}).new_page()
        page.route("**/api/dashboard/markers?*", lambda route: route.continue_(url=route.request.url + "&limit=1"))
        page.goto(served["base"] + "/")
        page.fill("#token", served["analyst"])
        page.press("#token", "Enter")
        expect(page.locator("#map")).to_have_attribute("data-mode", "clusters")
        drawn = page.evaluate("window.sarhad.markers()")
        near = [m for m in drawn if abs(m["lat"] - 28.89) < 0.01 and abs(m["lon"] - 64.41) < 0.01]
        assert [m["title"] for m in near] == ["3 incidents, 5 killed (2 of 3 give a figure)"], drawn
        expect(
            page.locator('.leaflet-marker-icon[title="3 incidents, 5 killed (2 of 3 give a figure)"]')
        ).to_have_count(1)


def test_the_joint_picture_names_a_party_whose_killed_figure_is_unknown_and_follows_new_records(
    server: dict[str, Any], browser: Browser
) -> None:
    from sarhad.reconcile.store import reconcile

    # IR's report of the Turbat attack gives no killed figure; PK's gives 4.
    turbat = replace(_incident("IR", "ir-t", *PLACES[0][2:]), figures=())
    with Node.open(load_settings(server["home"])) as node:
        node.publish([turbat])
        reconcile(node.db, "PK")
    page = _open(browser, server["base"] + "/", server["analyst"])
    page.click("#joint-toggle")
    row = page.locator("#clusters tbody tr", has_text="Turbat")
    expect(row).to_contain_text("IR unknown, PK 4")
    row.click()
    expect(page.locator("#detail")).to_contain_text("1 of 2 reports give a figure")
    # A record arriving while the joint picture is shown appears in it without a reload.
    expect(page.locator("#clusters tbody tr", has_text="Zahedan")).to_have_count(0)
    with Node.open(load_settings(server["home"])) as node:
        node.publish([_incident("IR", "ir-z", "2025-08-01", "Zahedan", "Sistan and Baluchestan", "Zahedan",
                                29.50, 60.86, 30.0, None, 2)])  # fmt: skip
        reconcile(node.db, "PK")
    expect(page.locator("#clusters tbody tr", has_text="Zahedan")).to_have_count(1)
