"""The dashboard's state in its link, and one colour per armed group, in a real Chromium against a real server.

The filters, the colour mode, the timeline's measure and the map's view live in the page's fragment
(``#since=…&perpetrator=…&map=7/26.500/62.900``): a link opened in another tab, before or after signing in,
shows the same filters, rows and totals; Back and Forward move between links; a malformed or hostile link is
ignored with the defaults. Coloured by perpetrator, a group's spellings share one colour and one legend entry,
read through the page's read-only hook ``window.sarhad.markers()`` (the map draws on a canvas).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import CHROMIUM, browser_context
from tests.integration.test_dashboard_browser import _serve, _sign_in, sync_playwright

if sync_playwright is not None:
    from playwright.sync_api import Browser, Dialog, Page, expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (run .ci/system-packages)"),
    pytest.mark.skipif(sync_playwright is None, reason="playwright is not installed (pip install -e .[dev])"),
]

BLA = "Baloch Liberation Army"
PLACES = [
    # (party, source, date, place, admin1, admin2, lat, lon, border_km, perpetrator, killed)
    ("PK", "pk-1", "2025-03-02", "Turbat", "Balochistan", "Kech", 26.00, 63.05, 40.0, "BLA", 4),
    ("PK", "pk-2", "2025-04-11", "Taftan", "Balochistan", "Chagai", 28.96, 61.59, 2.5, "Jaish al-Adl", 2),
    ("PK", "pk-3", "2025-05-20", "Quetta", "Balochistan", "Quetta", 30.18, 66.97, 420.0, "TTP", 9),
    ("PK", "pk-4", "2025-05-02", "Mand", "Balochistan", "Kech", 26.08, 62.17, 5.0, BLA, 3),
    ("PK", "pk-5", "2025-02-10", "Panjgur", "Balochistan", "Panjgur", 26.97, 64.09, 60.0, "BLA", 1),
    ("IR", "ir-1", "2025-04-12", "Mirjaveh", "Sistan and Baluchestan", "Mirjaveh", 29.02, 61.45, 9, "Jaish al-Adl", 6),
    ("IR", "ir-2", "2025-06-01", "Saravan", "Sistan and Baluchestan", "Saravan", 27.37, 62.33, 12.0, None, 1),
]  # fmt: skip
FILTERS = ("since", "until", "country", "admin1", "perpetrator", "party", "near_border")
DEFAULTS = dict.fromkeys(FILTERS, "") | {"colour": "party"}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[dict[str, Any]]:
    with _serve(tmp_path / "pk", PLACES) as served:
        yield served


def _page(browser: Browser) -> Page:
    """A page in a context of its own: no token in its session storage, as in a colleague's browser."""
    return browser_context(browser, viewport={"width": 1440, "height": 900}).new_page()


def _fragment(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).fragment)


def _settled(page: Page, total: int, markers: int | None = None) -> None:
    """Wait until the table shows ``total`` incidents and the map ``markers`` (by default all of them)."""
    expect(page.locator("#table-total")).to_have_text(f"· {total}")
    expect(page.locator("#map")).to_have_attribute("data-markers", str(total if markers is None else markers))


_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def _shown(page: Page) -> dict[str, Any]:
    """What the page shows: the filters, the timeline's measure, the map's view, the table and the totals."""
    shown: dict[str, Any] = page.evaluate(
        """() => ({
          filters: Object.fromEntries([...document.querySelector('#filters').elements]
                                        .filter((e) => e.name).map((e) => [e.name, e.value])),
          measure: document.querySelector('.seg button[aria-checked=true]').dataset.measure,
          view: window.sarhad ? window.sarhad.view() : null,
          rows: [...document.querySelectorAll('#incidents tbody tr[data-id]')].map((tr) => tr.dataset.id),
          total: document.querySelector('#table-total').textContent,
          kpis: document.querySelector('#kpis').innerText,
          markers: window.sarhad ? window.sarhad.markers().map((m) => m.id).sort() : null,
        })"""
    )
    return shown


def test_a_link_opens_the_same_filters_view_rows_and_totals_in_a_colleagues_browser(
    server: dict[str, Any], browser: Browser
) -> None:
    page = _page(browser)
    _sign_in(page, server["base"], server["analyst"])
    _settled(page, len(PLACES))
    page.fill("#f-since", "2025-03-01")
    page.select_option("#f-perpetrator", BLA)
    page.select_option("#f-near", "50")
    page.select_option("#f-colour", "perpetrator")
    page.click(".seg button[data-measure=killed]")
    # pk-1 (BLA) and pk-4 (Baloch Liberation Army); pk-5 is older and farther
    _settled(page, 2)
    with page.expect_response(lambda r: "/api/dashboard/markers" in r.url and "zoom=7" in r.url):
        page.click(".leaflet-control-zoom-in")
    page.evaluate(_FRAMES)
    page.wait_for_function("() => location.hash.includes('map=7')")
    in_view = page.get_attribute("#map", "data-markers")
    history = page.evaluate("history.length")
    sent = _shown(page)
    assert sent["filters"] == {**DEFAULTS, "since": "2025-03-01", "perpetrator": BLA, "near_border": "50",
                               "colour": "perpetrator"}  # fmt: skip
    assert sent["measure"] == "killed" and sent["view"]["zoom"] == 7
    assert page.evaluate("history.length") == history  # the URL is replaced, not pushed: Back leaves the page
    link = page.url
    assert _fragment(page)["perpetrator"] == [BLA] and _fragment(page)["since"] == ["2025-03-01"]

    colleague = _page(browser)
    colleague.goto(link)
    expect(colleague.locator("#login")).to_be_visible()
    colleague.fill("#token", server["viewer"])
    colleague.press("#token", "Enter")
    colleague.wait_for_selector("html[data-ready='true']")
    _settled(colleague, 2, int(in_view or 0))
    assert _shown(colleague) == sent
    assert colleague.url == link


def test_a_malformed_or_hostile_link_is_ignored_with_the_defaults(server: dict[str, Any], browser: Browser) -> None:
    page = _page(browser)
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    hostile = (
        "#since=2025-13-45&until=%3Cscript%3Ewindow.pwned%3D1%3C%2Fscript%3E"
        "&perpetrator=%3Cimg%20src%3Dx%20onerror%3D%22window.pwned%3D1%22%3E&party=XX&admin1=Nowhere"
        "&colour=javascript%3Aalert(1)&near_border=7&map=99%2Fabc%2F1e400&measure=deaths&__proto__=x&evil=1"
    )
    page.goto(server["base"] + "/" + hostile)
    page.fill("#token", server["analyst"])
    page.press("#token", "Enter")
    page.wait_for_selector("html[data-ready='true']")
    _settled(page, len(PLACES))
    shown = _shown(page)
    assert shown["filters"] == DEFAULTS
    assert shown["measure"] == "incidents"
    assert shown["view"] == {"zoom": 6, "lat": 28.2, "lon": 63.0}
    assert page.evaluate("window.pwned") is None and not dialogs
    assert page.locator("img[src=x]").count() == 0 and "<script>" not in page.inner_html("#filters")
    # The page says only what it shows: the bad keys are gone from its link.
    page.wait_for_function("() => !location.hash.includes('evil')")
    assert not set(_fragment(page)) - {"map"}, page.url


def test_back_and_forward_move_between_links_and_show_each_ones_filters(
    server: dict[str, Any], browser: Browser
) -> None:
    page = _page(browser)
    base = server["base"] + "/"
    page.goto(base + "#party=IR")
    page.fill("#token", server["analyst"])
    page.press("#token", "Enter")
    page.wait_for_selector("html[data-ready='true']")
    _settled(page, 2)
    page.goto(base + "#party=PK&near_border=10")  # the same document: a new entry in the tab's history
    _settled(page, 2)
    assert _shown(page)["filters"]["party"] == "PK"
    page.select_option("#f-near", "50")  # replaces this entry's link
    _settled(page, 3)
    assert _fragment(page)["near_border"] == ["50"]
    page.go_back()
    _settled(page, 2)
    assert _shown(page)["filters"] == {**DEFAULTS, "party": "IR"}
    parties = page.locator("#incidents tbody tr td:nth-child(2)").all_inner_texts()
    assert [p.strip() for p in parties] == ["IR", "IR"]
    page.go_forward()
    _settled(page, 3)
    assert _shown(page)["filters"] == {**DEFAULTS, "party": "PK", "near_border": "50"}


def test_signing_in_and_out_keeps_the_links_state(server: dict[str, Any], browser: Browser) -> None:
    page = _page(browser)
    link = server["base"] + "/#perpetrator=Jaish+al-Adl&colour=perpetrator"
    page.goto(link)
    expect(page.locator("#login")).to_be_visible()
    _sign_in_here(page, server["viewer"])
    _settled(page, 2)
    assert _shown(page)["filters"] == {**DEFAULTS, "perpetrator": "Jaish al-Adl", "colour": "perpetrator"}
    page.click("#logout")
    expect(page.locator("#login")).to_be_visible()
    assert _fragment(page)["perpetrator"] == ["Jaish al-Adl"]
    _sign_in_here(page, server["analyst"])
    _settled(page, 2)
    assert _shown(page)["filters"] == {**DEFAULTS, "perpetrator": "Jaish al-Adl", "colour": "perpetrator"}


def _sign_in_here(page: Page, token: str) -> None:
    page.fill("#token", token)
    page.press("#token", "Enter")
    page.wait_for_selector("html[data-ready='true']")


def test_a_groups_spellings_share_one_colour_and_one_legend_entry(server: dict[str, Any], browser: Browser) -> None:
    page = _page(browser)
    page.goto(server["base"] + "/#colour=perpetrator")
    _sign_in_here(page, server["analyst"])
    _settled(page, len(PLACES))
    drawn = {m["perpetrator"] or "": m for m in page.evaluate("window.sarhad.markers()")}
    assert drawn["BLA"]["group"] == drawn[BLA]["group"] == BLA
    assert drawn["BLA"]["colour"] == drawn[BLA]["colour"], drawn
    others = {drawn[name]["colour"] for name in ("Jaish al-Adl", "TTP")}
    assert drawn[BLA]["colour"] not in others and len(others) == 2
    legend = page.evaluate(
        "[...document.querySelectorAll('#legend .row[data-group]')].map((r) => [r.dataset.group, r.dataset.colour])"
    )
    groups = [g for g, _ in legend]
    assert groups.count(BLA) == 1 and "BLA" not in groups, legend
    assert dict(legend)[BLA] == drawn[BLA]["colour"]
    # the legend's swatch is drawn in the colour it names
    swatch, named = page.evaluate(
        """(group) => {
          const row = [...document.querySelectorAll('#legend .row[data-group]')].find((r) => r.dataset.group === group);
          const probe = document.createElement('i');
          probe.style.color = row.dataset.colour;
          document.body.append(probe);
          const named = getComputedStyle(probe).color;
          probe.remove();
          return [getComputedStyle(row.querySelector('.sw')).backgroundColor, named];
        }""",
        BLA,
    )
    assert swatch == named


def test_copy_link_puts_the_pages_link_on_the_clipboard(server: dict[str, Any], browser: Browser) -> None:
    context = browser_context(browser, viewport={"width": 1440, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server["base"])
    page = context.new_page()
    _sign_in(page, server["base"], server["analyst"])
    page.select_option("#f-party", "IR")
    _settled(page, 2)
    page.click("#f-copy")
    expect(page.locator("#f-copy")).to_have_text("Link copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.url and "party=IR" in copied
