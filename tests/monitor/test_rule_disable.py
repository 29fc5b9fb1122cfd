"""A desk stops a rule watching for a while (``alerts rules disable``) and lets it watch again (``enable``): the
rule and its alerts stay stored, and the records that arrive while it is disabled, own or imported, raise none of
its alerts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sarhad.monitor.alerts import list_alerts
from sarhad.monitor.rules import Rule, add_rule, get_rule
from sarhad.node import Node
from tests.conftest import run_cli
from tests.monitor.test_evaluate import make

ACLED = Path(__file__).resolve().parent.parent / "assets" / "synthetic" / "acled_synthetic.csv"


def test_a_disabled_rule_raises_no_alert_until_it_is_enabled_again(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(any_node.settings.home)
    add_rule(any_node.db, Rule("deadly", min_killed=2))
    any_node.publish([make("before", killed=3)])
    assert len(list_alerts(any_node.db)) == 1

    code, out, err = run_cli(capsys, "--home", home, "alerts", "rules", "disable", "deadly")
    assert (code, out.strip()) == (0, "disabled rule deadly"), err
    assert (
        "deadly: killed ≥ 2 (disabled: watches nothing)"
        in run_cli(capsys, "--home", home, "alerts", "rules", "list")[1]
    )
    any_node.publish([make("while", killed=9)])
    code, _, err = run_cli(capsys, "--home", home, "import", "acled", str(ACLED), "--reported-by", "PK")
    assert code == 0, err
    assert [a.incident_id for a in list_alerts(any_node.db)] == [make("before").id]  # kept, and no new one

    code, out, err = run_cli(capsys, "--home", home, "alerts", "rules", "enable", "deadly", "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert (shown["action"], shown["disabled"], shown["min_killed"]) == ("enabled", False, 2)
    any_node.publish([make("after", killed=4)])
    assert {a.incident_id for a in list_alerts(any_node.db)} == {make("before").id, make("after").id}


def test_disabling_twice_or_an_unknown_rule_changes_nothing(any_node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(any_node.settings.home)
    add_rule(any_node.db, Rule("deadly", min_killed=2))
    assert run_cli(capsys, "--home", home, "alerts", "rules", "disable", "deadly")[0] == 0
    code, out, _ = run_cli(capsys, "--home", home, "alerts", "rules", "disable", "deadly", "--json")
    assert code == 0 and json.loads(out)["action"] == "already_disabled"
    code, _, err = run_cli(capsys, "--home", home, "alerts", "rules", "enable", "dedly")
    assert code != 0 and "no alert rule named 'dedly'; rules: deadly" in err
    assert get_rule(any_node.db, "deadly").disabled is True
