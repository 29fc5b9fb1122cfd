"""ACLED's 0 killed, which ACLED writes for none and for no information alike, shows as ``0?`` with its tooltip
wherever the page gives a killed figure: the map's popup, its list of incidents at one spot and its markers'
accessible names, the alerts' reasons, and the joint picture's figures by party and its reports; and the cluster's
detail names the disputes about it that the reader may read ("disputed: D-1"), as ``sarhad clusters show`` does
(real Chromium against a real server on loopback)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from sarhad.config import load_settings
from sarhad.framework import ops
from sarhad.framework.quarter import Quarter, utc_today
from sarhad.model.figures import Figure
from sarhad.model.incident import incident_id
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from tests.conftest import run_cli
from tests.integration.conftest import BROWSER_MARKS, PLACES, expect, incident, serve, sign_in

pytestmark = BROWSER_MARKS

TURBAT = next(p for p in PLACES if p[1] == "pk-1")
ACLED_ZERO = replace(
    incident("PK", "PAK9002", *TURBAT[2:6], 26.03, 63.05, 40.0, None, 0),
    id=incident_id("acled", "ACLED", "PAK9002"),
    reported_by="ACLED",
    dataset="acled",
    source_id="PAK9002",
    figures=(Figure("killed", "total", None, 0, None, "lowest_reported", "ACLED", zero_ambiguous=True),),
)
"""ACLED's row of PK's Turbat attack (3 km from PK's point), its fatalities 0."""
PARTY_ZERO = incident("PK", "pk-0", "2025-06-19", "Gwadar", "Balochistan", "Gwadar", 25.12, 62.32, 60.0, None, 0)
"""A party's 0 killed, which means none."""
TIP = "ACLED writes 0 for none and for no information alike"


def _screen(page: Any, lat: float, lon: float) -> tuple[float, float]:
    """Where on the screen the marker of a point is drawn."""
    at = page.evaluate(f"window.sarhad.pixel({lat}, {lon})")
    box = page.locator("#map").bounding_box()
    assert box is not None
    return box["x"] + at["x"], box["y"] + at["y"]


def test_acleds_zero_shows_as_zero_with_a_question_mark_on_the_map_alerts_and_joint_picture_and_disputes_show(
    tmp_path: Path, browser_page: tuple[Any, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    from sarhad.reconcile.store import cluster_of, reconcile

    page, _ = browser_page
    pk = incident_id("party", "PK", "pk-1")
    with serve(tmp_path / "pk", PLACES) as served:
        home = served["home"]
        with Node.open(load_settings(home)) as node:
            add_rule(node.db, Rule(name="any-toll", min_killed=0))
            node.publish([ACLED_ZERO, PARTY_ZERO])
            reconcile(node.db, "PK")
            apart = cluster_of(node.db, pk) != cluster_of(node.db, ACLED_ZERO.id)
        if apart:  # one incident for the analyst, whatever the clustering made of it
            code, _, err = run_cli(capsys, "--home", str(home), "clusters", "merge", pk, ACLED_ZERO.id)
            assert code == 0, err
        with Node.open(load_settings(home)) as node:
            cluster = cluster_of(node.db, pk)
            ops.init_template(node, "pk-ir-2025")
            dispute = ops.open_dispute(node, "C-11", str(Quarter.of(utc_today())), "Killed in Turbat", "4 killed.",
                                       cluster=cluster)  # fmt: skip
        headers = {"Authorization": f"Bearer {served['analyst']}"}
        with httpx.Client(base_url=served["base"], headers=headers, timeout=30) as client:
            alerts = client.get("/api/dashboard/alerts").json()["alerts"]
            flags = {a["incident_id"]: a["incident"]["killed_zero_ambiguous"] for a in alerts}
            assert flags == {ACLED_ZERO.id: True, PARTY_ZERO.id: False}
            listed = client.get("/api/dashboard/clusters").json()["clusters"]
            (row,) = [c for c in listed if c["cluster_id"] == cluster]
            assert (row["killed_by_party"].keys(), row["killed_zero_ambiguous_by_party"]) == ({"PK"}, ["ACLED"])

        sign_in(page, served["base"], served["analyst"])
        # The map: ACLED's marker is named with its 0?, and the list of the incidents at its spot says 0? too.
        marker = page.locator(f"#map [data-id='{ACLED_ZERO.id}']")
        assert f"killed 0? (0 as the source gives it: {TIP})" in (marker.get_attribute("aria-label") or "")
        page.mouse.click(*_screen(page, 26.03, 63.05))
        entry = page.locator(f".leaflet-popup .spot-list button[data-id='{ACLED_ZERO.id}']")
        expect(entry).to_contain_text("ACLED · perpetrator unknown · killed 0? (")
        expect(page.locator(f".leaflet-popup .spot-list button[data-id='{pk}']")).to_contain_text("killed 4")
        page.keyboard.press("Escape")
        # Close enough to tell the two apart: ACLED's popup alone, its 0? with the tooltip.
        page.evaluate("location.hash = location.hash.replace(/map=[^&]*/, 'map=13/26.015/63.050')")
        expect(page.locator("#map")).to_have_attribute("data-markers", "2")
        page.mouse.click(*_screen(page, 26.03, 63.05))
        tip = page.locator(".leaflet-popup [data-testid=zero-ambiguous]")
        expect(tip).to_have_text("0?")
        assert TIP in (tip.get_attribute("title") or "")
        page.keyboard.press("Escape")

        # The alerts: the rule's reason for ACLED's record says 0? killed; for the party's, 0 killed (none).
        reason = page.locator(f"#alert-list li[data-incident='{ACLED_ZERO.id}'] .reason")
        expect(reason).to_have_text("0? killed")
        assert TIP in (reason.locator("[data-testid=zero-ambiguous]").get_attribute("title") or "")
        expect(page.locator(f"#alert-list li[data-incident='{PARTY_ZERO.id}'] .reason")).to_have_text("0 killed")

        # The joint picture: ACLED's figure is 0?, not unknown, in the list and the detail, which names the dispute.
        page.click("#joint-toggle")
        by_party = page.locator(f"#clusters tr[data-id='{cluster}'] td:nth-child(4)")
        expect(by_party).to_have_text("ACLED 0?, PK 4")
        assert TIP in (by_party.locator("[data-testid=zero-ambiguous]").get_attribute("title") or "")
        page.click(f"#clusters tr[data-id='{cluster}']")
        members = page.locator("[data-testid=cluster-members] tbody tr")
        expect(members).to_have_count(2)
        shown = dict(zip(members.locator("td:nth-child(1)").all_inner_texts(),
                         members.locator("td:nth-child(5)").all_inner_texts(), strict=True))  # fmt: skip
        assert shown == {"ACLED": "0?", "PK": "4"}
        expect(page.locator("#detail")).to_contain_text("(ACLED 0?, PK 4)")
        expect(page.locator("[data-testid=cluster-disputes]")).to_have_text(f"disputed: {dispute['code']}")
