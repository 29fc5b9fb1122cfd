"""``sarhad alerts rules add``, ``load`` and ``remove`` print JSON for scripts, as ``rules list --json`` shows a
rule, saying what each did (added, replaced, removed); the text says replaced when ``--replace`` replaced one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sarhad.monitor.rules import list_rules
from sarhad.node import Node
from tests.conftest import run_cli as run
from tests.monitor.test_evaluate import make


def _home(node: Node) -> tuple[str, str]:
    return ("--home", str(node.settings.home))


def test_rules_add_and_remove_print_the_rule_as_listed_and_what_was_done(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    home = _home(any_node)
    add = ("alerts", "rules", "add", "--name", "near", "--near-border", "25", "--json")
    code, out, err = run(capsys, *home, *add)
    assert (code, err) == (0, "")
    added = json.loads(out)
    code, listed, _ = run(capsys, *home, "alerts", "rules", "list", "--json")
    (rule,) = json.loads(listed)
    assert added == {**rule, "action": "added", "incidents_not_checked": 0}
    assert added["conditions"] == ["within 25 km of the border"]

    # with incidents stored, the note that they were not checked is a field, not a line mixed into the JSON
    any_node.publish([make("a")])
    code, out, err = run(capsys, *home, *add[:-1], "--min-killed", "2", "--replace", "--json")
    assert (code, err) == (0, "")
    replaced = json.loads(out)
    assert (replaced["action"], replaced["min_killed"], replaced["incidents_not_checked"]) == ("replaced", 2, 1)
    code, out, err = run(capsys, *home, *add[:-1], "--replace")
    assert code == 0, err
    assert out.startswith("replaced rule near: within 25 km of the border\n"), out

    code, out, err = run(capsys, *home, "alerts", "rules", "remove", "near", "--json")
    assert (code, err) == (0, "")
    (alert,) = json.loads(run(capsys, *home, "alerts", "list", "--json")[1])
    assert alert["rule"] == "near"
    assert json.loads(out) == {**rule, "action": "removed", "alerts_kept": 1}
    assert list_rules(any_node.db) == []
    # a rule that is not there: the error as without --json, and as the one JSON document on stdout
    code, out, err = run(capsys, *home, "alerts", "rules", "remove", "near", "--json")
    assert code == 1
    assert json.loads(out) == {"error": {"kind": "NotFound", "message": "no alert rule named 'near'"}}
    assert "no alert rule named 'near'" in err


def test_rules_load_prints_each_rule_loaded_as_json(
    any_node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = _home(any_node)
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\nname = "kp"\nadmin1 = ["Khyber Pakhtunkhwa"]\n[[rule]]\nname = "s"\n'
                     "surge_window_days = 7\nsurge_factor = 2\n")  # fmt: skip
    assert run(capsys, *home, "alerts", "rules", "add", "--name", "s", "--near-border", "5")[0] == 0
    code, out, err = run(capsys, *home, "alerts", "rules", "load", str(rules), "--replace", "--json")
    assert (code, err) == (0, "")
    loaded = json.loads(out)
    listed = json.loads(run(capsys, *home, "alerts", "rules", "list", "--json")[1])
    assert loaded == {
        "file": str(rules),
        "rules": [{**listed[0], "action": "added"}, {**listed[1], "action": "replaced"}],
        "incidents_not_checked": 0,
    }
    assert [r["name"] for r in loaded["rules"]] == ["kp", "s"]
