"""The joint picture's cluster list marks a cluster with an analyst's decision to review, and its detail says
which: a record it names was corrected since, materially, and how (real Chromium against a real server on
loopback, as in test_dashboard_decisions)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sarhad.config import load_settings
from sarhad.model.incident import incident_id
from sarhad.node import Node
from tests.conftest import run_cli
from tests.integration.conftest import BROWSER_MARKS, PLACES, expect, incident, serve, sign_in

pytestmark = BROWSER_MARKS


def test_a_merge_whose_record_was_corrected_80_days_later_is_to_review(
    tmp_path: Path, browser_page: tuple[Any, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    from sarhad.reconcile.store import cluster_of, reconcile

    page, _ = browser_page
    taftan, mirjaveh = incident_id("party", "PK", "pk-2"), incident_id("party", "IR", "ir-1")
    with serve(tmp_path / "pk", PLACES) as served:
        home = str(served["home"])
        with Node.open(load_settings(served["home"])) as node:
            reconcile(node.db, "PK")
            apart = cluster_of(node.db, taftan) != cluster_of(node.db, mirjaveh)
        decide = ["merge", taftan, mirjaveh] if apart else ["confirm", taftan]
        code, _, err = run_cli(capsys, "--home", home, "clusters", *decide, "--note", "one raid")
        assert code == 0, err
        [mirjaveh_row] = [p for p in PLACES if p[1] == "ir-1"]
        corrected = replace(incident(*mirjaveh_row), date_start="2025-07-01", date_end="2025-07-01")
        with Node.open(load_settings(served["home"])) as node:
            node.publish([corrected])
            reconcile(node.db, "PK")
            cluster = cluster_of(node.db, taftan)
        sign_in(page, served["base"], served["analyst"])
        page.click("#joint-toggle")
        # the joint picture's list marks the cluster, and no other, before its detail is opened
        expect(page.locator(f"tr[data-id='{cluster}'] [data-testid=cluster-to-review]")).to_have_text(
            "decision to review"
        )
        expect(page.locator("#clusters [data-testid=cluster-to-review]")).to_have_count(1)
        page.click(f"tr[data-id='{cluster}']")
        decisions = page.locator("[data-testid=cluster-decisions]")
        expect(decisions).to_contain_text(
            '"one raid" — to review: IR ir-1 was corrected since: date 2025-04-12 -> 2025-07-01 (80 days later)'
        )
        expect(page.locator("[data-testid=cluster-decisions] .to-review")).to_have_count(1)
