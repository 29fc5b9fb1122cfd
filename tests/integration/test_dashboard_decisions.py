"""The joint picture's cluster detail names the records an analyst's decision moved out of the cluster by their
source ("split IR ir-1 from PK pk-2"), as ``sarhad clusters show`` does (real Chromium against a real server on
loopback, as in test_dashboard_browser)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sarhad.config import load_settings
from sarhad.model.incident import incident_id
from sarhad.node import Node
from tests.conftest import run_cli
from tests.integration.conftest import BROWSER_MARKS, PLACES, expect, serve, sign_in

pytestmark = BROWSER_MARKS


def test_a_split_names_the_record_it_moved_out_by_its_source(
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
        if apart:  # one incident for the analyst, whatever the clustering made of it
            code, _, err = run_cli(capsys, "--home", home, "clusters", "merge", taftan, mirjaveh)
            assert code == 0, err
        code, _, err = run_cli(capsys, "--home", home, "clusters", "split", taftan, mirjaveh, "--note", "two raids")
        assert code == 0, err
        with Node.open(load_settings(served["home"])) as node:
            cluster = cluster_of(node.db, taftan)
        sign_in(page, served["base"], served["analyst"])
        page.click("#joint-toggle")
        page.click(f"tr[data-id='{cluster}']")
        expect(page.locator("#detail")).to_contain_text('PK split IR ir-1 from PK pk-2 "two raids"')
        assert mirjaveh not in page.inner_text("[data-testid=cluster-decisions]")
