"""The page shows ACLED's 0 killed, which ACLED writes for none and for no information alike, as ``0?`` with a
tooltip saying so, in the incidents table and the detail, as ``sarhad incidents list`` does; a 0 that means none
(a party's) stays ``0`` (real Chromium against a real server on loopback)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from sarhad.config import load_settings
from sarhad.model.figures import Figure
from sarhad.model.incident import incident_id
from sarhad.node import Node
from tests.integration.conftest import BROWSER_MARKS, PLACES, expect, incident, serve, sign_in

pytestmark = BROWSER_MARKS

ACLED_ZERO = replace(
    incident("PK", "PAK9001", "2025-06-20", "Panjgur", "Balochistan", "Panjgur", 26.97, 64.09, 90.0, None, 0),
    id=incident_id("acled", "ACLED", "PAK9001"),
    reported_by="ACLED",
    dataset="acled",
    figures=(Figure("killed", "total", None, 0, None, "lowest_reported", "ACLED", zero_ambiguous=True),),
)
PARTY_ZERO = incident("PK", "pk-0", "2025-06-19", "Gwadar", "Balochistan", "Gwadar", 25.12, 62.32, 60.0, None, 0)


def test_the_table_and_detail_show_acleds_ambiguous_zero_as_zero_with_a_question_mark(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    page, _ = browser_page
    with serve(tmp_path / "pk", PLACES) as served:
        with Node.open(load_settings(served["home"])) as node:
            node.publish([ACLED_ZERO, PARTY_ZERO])
        sign_in(page, served["base"], served["analyst"])
        acled = page.locator(f"#incidents tbody tr[data-id='{ACLED_ZERO.id}'] td:nth-child(6)")
        expect(acled).to_have_text("0?")
        tip = acled.locator("[data-testid=zero-ambiguous]").get_attribute("title") or ""
        assert "ACLED writes 0 for none and for no information alike" in tip
        party = page.locator(f"#incidents tbody tr[data-id='{PARTY_ZERO.id}'] td:nth-child(6)")
        expect(party).to_have_text("0")  # a party's 0 is none
        page.locator(f"#incidents tbody tr[data-id='{ACLED_ZERO.id}']").click()
        killed = page.locator("[data-testid=versions] tbody tr td:nth-child(4)").first
        expect(killed).to_have_text("0?")
        assert killed.locator("[data-testid=zero-ambiguous]").get_attribute("title") == tip
        page.locator(f"#incidents tbody tr[data-id='{PARTY_ZERO.id}']").click()
        expect(page.locator("[data-testid=versions] tbody tr td:nth-child(4)").first).to_have_text("0")
