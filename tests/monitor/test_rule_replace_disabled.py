"""A rule a desk disabled stays disabled when it is changed (``rules add --replace``, ``rules load --replace``):
only ``rules enable`` lets it watch again, as docs/dashboard.md says, and what the command prints says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sarhad.monitor.alerts import list_alerts
from sarhad.monitor.rules import Rule, add_rule, get_rule
from sarhad.node import Node
from tests.conftest import run_cli
from tests.monitor.test_evaluate import make


def test_changing_a_disabled_rule_with_replace_leaves_it_disabled(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(any_node.settings.home)
    add_rule(any_node.db, Rule("deadly", min_killed=2))
    assert run_cli(capsys, "--home", home, "alerts", "rules", "disable", "deadly")[0] == 0

    code, out, err = run_cli(
        capsys, "--home", home, "alerts", "rules", "add", "--name", "deadly", "--min-killed", "3", "--replace", "--json"
    )
    assert code == 0, err
    shown = json.loads(out)
    assert (shown["action"], shown["min_killed"], shown["disabled"]) == ("replaced", 3, True)
    assert get_rule(any_node.db, "deadly") == Rule("deadly", min_killed=3, disabled=True)
    code, out, err = run_cli(capsys, "--home", home, "alerts", "rules", "add", "--name", "deadly", "--min-killed",
                             "4", "--replace")  # fmt: skip
    assert code == 0, err
    assert "replaced rule deadly: killed ≥ 4 (disabled: watches nothing until 'sarhad alerts rules enable" in out
    any_node.publish([make("while", killed=9)])
    assert list_alerts(any_node.db) == []

    assert run_cli(capsys, "--home", home, "alerts", "rules", "enable", "deadly")[0] == 0
    any_node.publish([make("after", killed=9)])
    assert [a.incident_id for a in list_alerts(any_node.db)] == [make("after").id]


def test_loading_a_rules_file_with_replace_leaves_a_disabled_rule_disabled(
    any_node: Node, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    home = str(any_node.settings.home)
    add_rule(any_node.db, Rule("deadly", min_killed=2))
    add_rule(any_node.db, Rule("border", near_border_km=10))
    assert run_cli(capsys, "--home", home, "alerts", "rules", "disable", "deadly")[0] == 0
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\nname = "deadly"\nmin_killed = 5\n\n[[rule]]\nname = "border"\nnear_border_km = 20\n')

    code, out, err = run_cli(capsys, "--home", home, "alerts", "rules", "load", str(rules), "--replace", "--json")
    assert code == 0, err
    shown = {r["name"]: r for r in json.loads(out)["rules"]}
    assert (shown["deadly"]["min_killed"], shown["deadly"]["disabled"]) == (5, True)
    assert (shown["border"]["near_border_km"], shown["border"]["disabled"]) == (20, False)
    assert get_rule(any_node.db, "deadly").disabled is True
    assert get_rule(any_node.db, "border").disabled is False
