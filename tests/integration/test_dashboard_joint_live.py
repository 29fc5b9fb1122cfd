"""The joint picture while records arrive live: the header keeps counting clusters (real Chromium against a
real server on loopback, as in test_dashboard_browser)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sarhad.config import load_settings
from sarhad.node import Node
from tests.integration.conftest import BROWSER_MARKS, PLACES, expect, incident, serve, sign_in

pytestmark = BROWSER_MARKS


def test_a_live_record_leaves_the_joint_pictures_cluster_count_in_the_header(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    from sarhad.reconcile.store import reconcile

    page, _ = browser_page
    with serve(tmp_path / "pk", PLACES) as served:
        with Node.open(load_settings(served["home"])) as node:
            reconcile(node.db, "PK")
        sign_in(page, served["base"], served["analyst"])
        page.wait_for_selector("#live[data-state='on']")
        page.click("#joint-toggle")
        expect(page.locator("#table-total")).to_contain_text("clusters")
        header = page.inner_text("#table-total")
        with Node.open(load_settings(served["home"])) as node:
            node.publish([incident("IR", "ir-live", "2025-06-03", "Pishin", "Sistan and Baluchestan", "Sarbaz", 26.4,
                                    61.75, 5.0, None, 7)])  # fmt: skip
        # The totals follow the record (the page read the table's answer again) ...
        expect(page.locator("[data-testid=kpi-incidents]")).to_have_text(str(len(PLACES) + 1))
        # ... and the header still counts the clusters shown, not the incidents.
        assert page.inner_text("#table-total") == header
        assert page.locator("#incidents").is_hidden()
        # Back to the incidents: their count again, with the live record.
        page.click("#joint-toggle")
        expect(page.locator("#table-total")).to_have_text(f"· {len(PLACES) + 1}")


def test_a_filter_changed_while_the_joint_picture_is_on_updates_the_totals(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    from sarhad.reconcile.store import reconcile

    page, _ = browser_page
    with serve(tmp_path / "pk", PLACES) as served:
        with Node.open(load_settings(served["home"])) as node:
            reconcile(node.db, "PK")
        sign_in(page, served["base"], served["analyst"])
        page.click("#joint-toggle")
        expect(page.locator("#table-total")).to_contain_text("clusters")
        page.select_option("#f-party", "IR")
        # The totals follow the filter as the clusters do; the header still counts the clusters.
        ir = sum(1 for p in PLACES if p[0] == "IR")
        expect(page.locator("[data-testid=kpi-incidents]")).to_have_text(str(ir))
        expect(page.locator("[data-testid=kpi-killed]")).to_have_text(str(sum(p[-1] for p in PLACES if p[0] == "IR")))
        expect(page.locator("#table-total")).to_contain_text("clusters")
