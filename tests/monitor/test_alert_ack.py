"""An alerts desk acknowledges the alerts it has dealt with (``alerts ack``): who and when is listed with each
alert, ``alerts list --unacked`` leaves them out until a new version of the incident changes the alert, and an
id that is no alert acknowledges nothing."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from sarhad.model.figures import Figure
from sarhad.monitor.alerts import list_alerts
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from tests.conftest import run_cli
from tests.monitor.test_evaluate import make


def _listed(capsys: pytest.CaptureFixture[str], home: str, *args: str) -> list[dict[str, Any]]:
    code, out, err = run_cli(capsys, "--home", home, "alerts", "list", "--json", *args)
    assert code == 0, err
    listed: list[dict[str, Any]] = json.loads(out)
    return listed


def test_an_acknowledged_alert_says_who_and_when_and_leaves_the_unacknowledged_list(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    add_rule(any_node.db, Rule("deadly", min_killed=2))
    records = [make("a", killed=3), make("b", killed=5)]
    any_node.publish(records)
    home = str(any_node.settings.home)
    first, second = (a.id for a in sorted(list_alerts(any_node.db), key=lambda a: a.incident_id != records[0].id))

    code, out, err = run_cli(capsys, "--home", home, "alerts", "ack", first)
    assert code == 0, err
    assert out.startswith(f"acknowledged: {first} (deadly, {records[0].id})")
    listed = {a["id"]: a for a in _listed(capsys, home)}
    assert listed[first]["acknowledged"]["by"].startswith("cli")
    assert listed[first]["acknowledged"]["changed_since"] is False
    assert "acknowledged" not in listed[second]
    assert [a["id"] for a in _listed(capsys, home, "--unacked")] == [second]
    table = run_cli(capsys, "--home", home, "alerts", "list")[1]
    assert f"acknowledged by {listed[first]['acknowledged']['by']}" in table

    # again: left as it was, said so
    code, out, err = run_cli(capsys, "--home", home, "alerts", "ack", first, "--json")
    assert code == 0, err
    again = json.loads(out)
    assert [(a["id"], a["action"]) for a in again] == [(first, "already_acknowledged")]
    assert again[0]["acknowledged"] == listed[first]["acknowledged"]


def test_an_unknown_alert_id_acknowledges_nothing(any_node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    add_rule(any_node.db, Rule("deadly", min_killed=2))
    any_node.publish([make("a", killed=3)])
    home = str(any_node.settings.home)
    (alert,) = list_alerts(any_node.db)
    code, _, err = run_cli(capsys, "--home", home, "alerts", "ack", alert.id, "alert--nope")
    assert code != 0
    assert "no alert 'alert--nope' is listed on this node" in err and "nothing was acknowledged" in err
    assert [a["id"] for a in _listed(capsys, home, "--unacked")] == [alert.id]


def test_an_alert_changed_after_it_was_acknowledged_is_listed_to_acknowledge_again(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    """A correction of the incident that the rule reads (killed 3 -> 30) updates the alert: the desk sees it
    among the alerts to acknowledge, marked changed since, until it acknowledges it again."""
    add_rule(any_node.db, Rule("deadly", min_killed=2))
    record = make("a", killed=3)
    any_node.publish([record])
    home = str(any_node.settings.home)
    (alert,) = list_alerts(any_node.db)
    assert run_cli(capsys, "--home", home, "alerts", "ack", alert.id)[0] == 0
    assert _listed(capsys, home, "--unacked") == []

    any_node.publish([replace(record, figures=(Figure("killed", "total", 30, 30, 30, "party_official", "PK"),))])
    (changed,) = _listed(capsys, home, "--unacked")
    assert changed["id"] == alert.id and changed["acknowledged"]["changed_since"] is True
    assert changed["changes"] == [{"fact": "killed", "old": 3, "new": 30}]
    assert "changed since" in run_cli(capsys, "--home", home, "alerts", "list")[1]

    code, out, err = run_cli(capsys, "--home", home, "alerts", "ack", alert.id, "--json")
    assert code == 0, err
    assert json.loads(out)[0]["action"] == "acknowledged"
    assert _listed(capsys, home, "--unacked") == []
