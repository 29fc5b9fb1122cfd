"""The Country list offers every country the reader may read, one whose incidents give no province too, so a link
carrying it is applied (real Chromium against a real server on loopback, as in test_dashboard_browser)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from sarhad.config import load_settings
from sarhad.model.incident import Place
from sarhad.node import Node
from tests.integration.conftest import BROWSER_MARKS, PLACES, expect, incident, serve

pytestmark = BROWSER_MARKS


def test_a_link_to_a_country_whose_incidents_give_no_province_is_applied(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    page, _ = browser_page
    with serve(tmp_path / "pk", PLACES) as served:
        with Node.open(load_settings(served["home"])) as node:
            afghan = incident("PK", "pk-af", "2025-06-05", "Zaranj", "Nimruz", "Zaranj", 31.0, 61.9, 5.0, "TTP", 3)
            node.publish([replace(afghan, place=Place(country="AF", lat=31.0, lon=61.9, precision="near"))])
        page.goto(served["base"] + "/#country=AF")
        page.fill("#token", served["analyst"])
        page.press("#token", "Enter")
        page.wait_for_selector("html[data-ready='true']")
        assert page.eval_on_selector_all("#f-country option", "os => os.map(o => o.value)") == ["", "AF", "IR", "PK"]
        expect(page.locator("#f-country")).to_have_value("AF")
        expect(page.locator("#link-notice")).to_be_hidden()
        expect(page.locator("[data-testid=kpi-incidents]")).to_have_text("1")
