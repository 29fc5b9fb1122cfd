"""The page shows every date as exactly as it is known, and a link whose From is after its To asks nothing that
must fail (real Chromium against a real server on loopback, as in test_dashboard_browser).

A date known only to the year reads ``2019``, one known to the month ``2019-03``, as ``sarhad incidents list``
writes them (the page's rule is checked against the CLI's function), in the table, a live row, the detail, the
alerts and the joint picture, where a cluster whose reports disagree on the date shows their span.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from sarhad._internal.dates import shown_date
from sarhad.config import load_settings
from sarhad.node import Node
from tests.integration.conftest import BROWSER_MARKS, PLACES, expect, incident, serve, sign_in
from tests.reconcile.helpers import report

pytestmark = BROWSER_MARKS

# Near the border (the served node's rule border-25km raises an alert on each): 2019 only, March 2019, a span of days
YEAR = replace(
    incident("PK", "pk-y", "2019-01-01", "Taftan", "Balochistan", "Chagai", 28.96, 61.59, 2.5, None, 3),
    date_end="2019-12-31",
    date_precision="year",
)
MONTH = replace(
    incident("IR", "ir-m", "2019-03-01", "Mirjaveh", "Sistan and Baluchestan", "Mirjaveh", 29.02, 61.45, 9, None, 1),
    date_end="2019-03-31",
    date_precision="month",
)
DAYS = replace(
    incident("PK", "pk-d", "2019-03-30", "Mashkel", "Balochistan", "Washuk", 27.9, 63.2, 8.0, None, 2),
    date_end="2019-04-05",
    date_precision="days",
)
SHOWN = {YEAR.id: "2019", MONTH.id: "2019-03", DAYS.id: "2019-03-30..2019-04-05"}

# The CLI's rule on the forms the sources give: whole years and months, spans of them, days, a leap February
CASES = [
    ("2019-01-01", "2019-12-31", "year"), ("2019-06-15", "2019-06-15", "year"), ("2018-01-01", "2019-12-31", "year"),
    ("2019-03-01", "2019-03-31", "month"), ("2019-03-14", "2019-03-14", "month"), ("2019-03-01", "2019-05-31", "month"),
    ("2024-02-01", "2024-02-29", "month"), ("2024-02-01", "2024-02-29", "day"), ("2023-02-01", "2023-02-28", "days"),
    ("2019-03-30", "2019-04-05", "days"), ("2019-03-14", "2019-03-14", "day"), ("2019-01-01", "2019-12-31", "day"),
    ("2019-01-01", "2019-01-01", "unknown"), ("2019-12-01", "2020-01-31", "week"), ("0999-01-01", "0999-01-01", "year"),
]  # fmt: skip


def test_the_pages_date_rule_is_the_clis(tmp_path: Path, browser_page: tuple[Any, list[str]]) -> None:
    page, _ = browser_page
    with serve(tmp_path / "pk", PLACES) as served:
        sign_in(page, served["base"], served["analyst"])
        shown = page.evaluate("(cases) => cases.map(([s, e, p]) => window.sarhad.shownDate(s, e, p))", CASES)
    assert shown == [shown_date(*case) for case in CASES]


def test_the_table_alerts_and_detail_show_a_date_no_more_exactly_than_it_is_known(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    page, _ = browser_page
    with serve(tmp_path / "pk", PLACES) as served:
        with Node.open(load_settings(served["home"])) as node:
            node.publish([YEAR, MONTH, DAYS])
        sign_in(page, served["base"], served["analyst"])
        for incident_id, text in SHOWN.items():
            row = page.locator(f"#incidents tbody tr[data-id='{incident_id}'] td").first
            expect(row).to_have_text(text)
            alert = page.locator(f"#alert-list li[data-incident='{incident_id}'] .meta")
            expect(alert).to_contain_text(text)
            assert "-01-01" not in alert.inner_text()
        page.locator(f"#incidents tbody tr[data-id='{YEAR.id}']").click()
        expect(page.locator("#detail p.muted").first).to_have_text("2019 · Taftan, Chagai, Balochistan, PK")
        expect(page.locator("[data-testid=versions] tbody tr td:nth-child(2)").first).to_have_text("2019")


def test_a_live_record_known_only_to_the_year_shows_the_year(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    page, _ = browser_page
    with serve(tmp_path / "pk", PLACES) as served:
        sign_in(page, served["base"], served["analyst"])
        page.wait_for_selector("#live[data-state='on']")
        body = {
            "source_id": "pk-live-year", "date_start": "2018-01-01", "date_end": "2018-12-31",
            "date_precision": "year", "title": "Attack on a patrol near Mashkel",
            "place": {"country": "PK", "admin1": "Balochistan", "admin2": "Washuk", "name": "Mashkel", "lat": 27.9,
                      "lon": 63.2, "precision": "near", "border_km": 8.0},
        }  # fmt: skip
        res = httpx.post(served["base"] + "/api/incidents", json=body,
                         headers={"Authorization": f"Bearer {served['analyst']}"})  # fmt: skip
        assert res.status_code == 201, res.text
        new_id = res.json()["id"]
        expect(page.locator(f"#incidents tbody tr[data-id='{new_id}'] td").first).to_have_text("2018")
        expect(page.locator(f"#alert-list li[data-incident='{new_id}'] .meta")).to_contain_text("2018 Mashkel")


_TURBAT = {
    "lat": 26.0031, "lon": 63.0544, "geo": "exact", "admin1": "PK-BA", "place": "Turbat", "attack": "Armed Assault",
    "perpetrator": "Balochistan Liberation Army", "killed": 7, "wounded": 3,
    "summary": "Gunmen attacked a bus of labourers near Turbat; 7 killed",
}  # fmt: skip
_GWADAR = {**_TURBAT, "lat": 25.1264, "lon": 62.3225, "place": "Gwadar"}


def test_the_joint_picture_shows_a_span_where_the_reports_dates_disagree(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    from sarhad.reconcile.store import reconcile

    late = [report("PK", "PK-301", "2024-04-10", **_TURBAT), report("IR", "IR-12", "2024-04-13", **_TURBAT)]  # type: ignore[arg-type]
    agree = [
        report("PK", "PK-611", "2024-06-11", **_GWADAR),  # type: ignore[arg-type]
        report("GTD", "g-2024", "2024-01-01", end="2024-12-31", precision="year", **_GWADAR),  # type: ignore[arg-type]
    ]
    page, _ = browser_page
    with serve(tmp_path / "pk", []) as served:
        with Node.open(load_settings(served["home"])) as node:
            node.publish([*late, *agree, YEAR])
            reconcile(node.db, "PK")
        sign_in(page, served["base"], served["analyst"])
        page.click("#joint-toggle")
        rows = page.locator("#clusters tbody tr")
        expect(rows).to_have_count(3)
        dates = {r.get_attribute("data-id"): r.locator("td").first.inner_text() for r in rows.all()}
        assert sorted(dates.values()) == ["2019 (year)", "2024-04-10..2024-04-13", "2024-06-11"]
        span = page.locator("#clusters tbody tr", has_text="2024-04-10..2024-04-13")
        assert span.locator(".cluster-date").get_attribute("data-agree") == "false"
        span.click()
        expect(page.locator("#detail p.muted").first).to_contain_text("2024-04-10..2024-04-13 · Turbat")
        page.locator("#clusters tbody tr", has_text="2019").click()
        expect(page.locator("#detail p.muted").first).to_contain_text("2019 (year) · ")
        expect(page.locator("[data-testid=cluster-members] tbody tr td:nth-child(2)")).to_have_text(["2019"])


@pytest.mark.parametrize("fragment", ["#since=2030-01-01&until=2020-01-01", "#until=2020-01-01&since=2030-01-01"])
def test_a_link_whose_from_is_after_its_to_says_so_and_asks_nothing_that_must_fail(
    tmp_path: Path, browser_page: tuple[Any, list[str]], fragment: str
) -> None:
    page, requests = browser_page
    refused: list[str] = []
    page.on("response", lambda r: refused.append(r.url) if r.status >= 400 else None)
    with serve(tmp_path / "pk", PLACES) as served:
        page.goto(served["base"] + "/" + fragment)
        page.fill("#token", served["analyst"])
        page.press("#token", "Enter")
        page.wait_for_selector("html[data-ready='true']")
        expect(page.locator("[data-testid=window-empty]")).to_contain_text("From 2030-01-01 is after To 2020-01-01")
        expect(page.locator("[data-testid=window-empty-rows]")).to_be_visible()
        # the link's dates are kept as it gives them, both marked invalid
        assert page.input_value("#f-since") == "2030-01-01" and page.input_value("#f-until") == "2020-01-01"
        assert (
            page.get_attribute("#f-since", "aria-invalid") == page.get_attribute("#f-until", "aria-invalid") == "true"
        )
        assert page.get_attribute("#map", "data-markers") == "0"
        asked = [u for u in requests if "since=2030-01-01" in u]
        assert (asked, refused) == ([], [])
        # the panels that do not depend on the filters are there
        expect(page.locator("#alert-list li")).not_to_have_count(0)
        # moving From back before To: the page asks, and shows the window's incidents
        page.fill("#f-since", "2019-01-01")
        expect(page.locator("#table-total")).to_have_text("· 0")
        assert page.get_attribute("#f-since", "aria-invalid") is None
        page.fill("#f-until", "2030-01-01")
        expect(page.locator("#table-total")).to_have_text(f"· {len(PLACES)}")
        assert refused == []
