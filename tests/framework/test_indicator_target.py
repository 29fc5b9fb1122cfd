"""An indicator's target date (``indicator target --by``) is a date to come: one before today (UTC) is refused,
naming the date and the way to record a target agreed earlier (``--allow-past``), and nothing is written."""

from __future__ import annotations

import json
from datetime import date

import pytest

from sarhad.errors import InvalidInput
from sarhad.framework import ops
from sarhad.framework.store import load
from sarhad.node import Node
from tests.conftest import run_cli
from tests.framework.conftest import objects_count

TODAY = date(2026, 4, 14)


def _target(node: Node) -> object:
    return load(node.db).indicator("I-12.1").get("target")


@pytest.mark.parametrize(
    ("by", "named"),
    [
        ("2026-04-13", r"--by 2026-04-13 is"),
        ("2026Q1", r"--by 2026Q1 \(2026-03-31\) is"),
        ("2020-12-31", "--by 2020-12-31 is"),
    ],
)
def test_a_target_date_before_today_is_refused(any_fw_node: Node, by: str, named: str) -> None:
    before = (objects_count(any_fw_node), any_fw_node.log.size(), _target(any_fw_node))
    with pytest.raises(
        InvalidInput,
        match=rf"^{named} before today \(2026-04-14, UTC\): a target is for a date to come; give --allow-past to"
        " record one the committees agreed for a date now past$",
    ):
        ops.set_indicator_target(any_fw_node, "I-12.1", 5, by=by, today=TODAY)
    assert (objects_count(any_fw_node), any_fw_node.log.size(), _target(any_fw_node)) == before


@pytest.mark.parametrize(
    ("by", "stored"), [("2026-04-14", "2026-04-14"), ("2026Q2", "2026-06-30"), ("2030Q4", "2030-12-31")]
)
def test_a_target_date_of_today_or_later_is_set(any_fw_node: Node, by: str, stored: str) -> None:
    out = ops.set_indicator_target(any_fw_node, "I-12.1", 5, by=by, today=TODAY)
    assert out["target"] == {"value": 5, "by": stored, "source": "set by PK on 2026-04-14"}
    assert _target(any_fw_node) == out["target"]


def test_allow_past_records_a_target_agreed_for_a_date_now_past(any_fw_node: Node) -> None:
    out = ops.set_indicator_target(
        any_fw_node, "I-12.1", 5, by="2025Q4", source="agreed at the JC, 2025-10-02", allow_past=True, today=TODAY
    )
    assert (
        _target(any_fw_node)
        == out["target"]
        == {"value": 5, "by": "2025-12-31", "source": "agreed at the JC, 2025-10-02"}
    )


def test_a_target_without_a_date_needs_no_override(any_fw_node: Node) -> None:
    ops.set_indicator_target(any_fw_node, "I-12.1", 5, per_quarter=True, today=TODAY)
    assert _target(any_fw_node) == {"value": 5, "per_period": True, "source": "set by PK on 2026-04-14"}


def test_the_cli_refuses_a_past_target_date_and_takes_it_with_allow_past(
    any_fw_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--home", str(any_fw_node.settings.home), "indicator", "target", "I-12.1", "--value", "5")
    before = _target(any_fw_node)  # the template's: USD 5 bn, no year
    status, out, err = run_cli(capsys, *args, "--by", "2020-12-31")
    assert status == 1 and out == ""
    assert "--by 2020-12-31 is before today" in err and "give --allow-past" in err and "Traceback" not in err
    assert _target(any_fw_node) == before
    status, out, err = run_cli(capsys, *args, "--by", "2020-12-31", "--allow-past", "--json")
    assert status == 0, err
    assert json.loads(out)["target"]["by"] == "2020-12-31"
    assert _target(any_fw_node) == json.loads(out)["target"]


def test_the_cli_says_the_target_in_words(any_fw_node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    args = ("--home", str(any_fw_node.settings.home), "indicator", "target", "I-12.1", "--value", "5")
    status, out, err = run_cli(capsys, *args, "--by", "2030-12-31", "--source", "agreed at the JC")
    assert status == 0, err
    assert out.strip() == "I-12.1: target 5 by 2030-12-31 (agreed at the JC)"
    status, out, err = run_cli(capsys, *args, "--per-quarter", "--baseline", "2.5", "--baseline-date", "2025-06-30")
    assert status == 0, err
    assert out.strip().startswith("I-12.1: target 5 every quarter (set by PK on ")
    assert out.strip().endswith("); baseline 2.5 on 2025-06-30")
    assert "{" not in out
