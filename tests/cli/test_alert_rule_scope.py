"""A watch officer who adds a rule to a node that already holds records is told that the rule watches what
arrives from now on, not what is stored: otherwise "no alerts" reads as "nothing matched"."""

from __future__ import annotations

from pathlib import Path

import pytest

from sarhad.node import Node
from tests.conftest import run_cli
from tests.monitor.test_evaluate import make


def test_adding_a_rule_says_the_stored_records_are_not_checked(
    any_node: Node, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    home = str(any_node.settings.home)
    code, out, err = run_cli(capsys, "--home", home, "alerts", "rules", "add", "--name", "a", "--near-border", "20")
    assert code == 0 and "not checked" not in out, err  # nothing stored yet: nothing to say
    any_node.publish([make("x"), make("y")])
    code, out, err = run_cli(capsys, "--home", home, "alerts", "rules", "add", "--name", "b", "--near-border", "20")
    assert code == 0, err
    assert "watches the records that arrive from now on: the 2 incidents stored are not checked" in out
    rules = tmp_path / "r.toml"
    rules.write_text('[[rule]]\nname = "c"\nmin_killed = 1\n')
    code, out, err = run_cli(capsys, "--home", home, "alerts", "rules", "load", str(rules))
    assert code == 0, err
    assert "loaded 1 rules" in out and "the 2 incidents stored are not checked" in out
