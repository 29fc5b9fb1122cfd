"""A report is for a quarter that has started: a later one was written as an empty report (HTTP 200), which reads
as a quarter in which nothing was done."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
import pytest

from sarhad.errors import InvalidInput
from sarhad.framework import ops
from sarhad.framework.quarter import Quarter, utc_today
from sarhad.framework.report import build_context
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import run_cli
from tests.web.conftest import running


def test_a_report_for_a_quarter_not_started_is_refused_naming_the_current_one(any_fw_node: Node) -> None:
    refused = r"quarter 2026Q3 has not started yet \(today, 2026-05-02 UTC, is in 2026Q2\)"
    with pytest.raises(InvalidInput, match=refused):
        build_context(any_fw_node, "2026Q3", today=date(2026, 5, 2))
    assert build_context(any_fw_node, "2026Q2", today=date(2026, 5, 2))["quarter"] == "2026Q2"


def test_report_quarterly_for_a_later_quarter_exits_non_zero_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(tmp_path / "pk")
    assert run_cli(capsys, "--home", home, "init", "--party", "PK")[0] == 0
    assert run_cli(capsys, "--home", home, "framework", "init", "--template", "pk-ir-2025")[0] == 0
    later = str(Quarter.of(utc_today()).next())
    out = tmp_path / "later.html"
    code, _, err = run_cli(capsys, "--home", home, "report", "quarterly", "--quarter", later, "--out", str(out))
    assert code == 1
    assert f"quarter {later} has not started yet" in err
    assert not out.exists()


def test_the_dashboard_report_of_a_later_quarter_is_a_400_naming_it(fw_node: Node) -> None:
    ops.assess(fw_node, "C-02", "2026Q1", 2, "Two meetings")
    later = str(Quarter.of(utc_today()).next())
    token = create_token(fw_node.db, "mp", "viewer", "PARL")
    with running(fw_node) as (base, _server, _thread), httpx.Client(base_url=base, timeout=60) as client:
        response = client.get(
            "/api/dashboard/report", params={"quarter": later}, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 400
    assert f"quarter {later} has not started yet" in response.json()["error"]["message"]
