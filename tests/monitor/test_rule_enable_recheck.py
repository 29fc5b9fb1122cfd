"""``sarhad alerts rules enable``: the alerts of a rule that was disabled are checked against their records'
current versions, as the corrections made while it was paused would have: updated, no longer matching (since that
version); on SQLite and on PostgreSQL."""

from __future__ import annotations

import json

import pytest

from sarhad.monitor.alerts import Alert, list_alerts
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from tests.conftest import run_cli
from tests.monitor.test_evaluate import make


def _version(node: Node, incident_id: str) -> str:
    row = node.db.fetchone("SELECT modified FROM incidents WHERE id = ?", (incident_id,))
    assert row is not None
    return str(row[0])


def _alerts(node: Node) -> dict[str, Alert]:
    return {a.incident_id: a for a in list_alerts(node.db, rule="deadly")}


def test_enabling_a_rule_brings_its_alerts_up_to_the_corrections_made_while_it_was_disabled(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(any_node.settings.home)
    add_rule(any_node.db, Rule("deadly", min_killed=3))
    any_node.publish([make("ebb", killed=5), make("rise", killed=5), make("same", killed=5)])
    first = {i: _version(any_node, make(i).id) for i in ("ebb", "rise", "same")}
    assert run_cli(capsys, "--home", home, "alerts", "rules", "disable", "deadly")[0] == 0

    any_node.publish([make("ebb", killed=1), make("rise", killed=9), make("new", killed=9)])  # two corrected, one new
    ebb, rise = _version(any_node, make("ebb").id), _version(any_node, make("rise").id)
    assert ebb > first["ebb"] and rise > first["rise"]
    assert {a.state for a in _alerts(any_node).values()} == {"matches"}  # not followed while paused

    code, out, err = run_cli(capsys, "--home", home, "alerts", "rules", "enable", "deadly")
    assert code == 0, err
    assert " ".join(out.split()) == (
        "enabled rule deadly; 2 of its alerts changed with their records' current versions"
        " ('sarhad alerts list --rule deadly')"
    )
    alerts = _alerts(any_node)
    assert set(alerts) == {make(i).id for i in ("ebb", "rise", "same")}  # none raised on the record that arrived
    gone = alerts[make("ebb").id]
    assert (gone.state, gone.lapsed, gone.version) == ("no_longer_matches", ebb, first["ebb"])
    assert f"no longer matches (since version {ebb})" in gone.state_text()
    grown = alerts[make("rise").id]
    assert (grown.state, grown.version, grown.reason) == ("matches", rise, "9 killed")
    assert grown.changes == ({"fact": "killed", "old": 5, "new": 9},)
    kept = alerts[make("same").id]
    assert (kept.state, kept.updated, kept.version) == ("matches", None, first["same"])

    # enabling again, or disabling and enabling with nothing corrected, changes no alert
    code, out, _ = run_cli(capsys, "--home", home, "alerts", "rules", "enable", "deadly", "--json")
    assert code == 0 and json.loads(out)["action"] == "already_enabled" and "alerts_changed" not in json.loads(out)
    assert run_cli(capsys, "--home", home, "alerts", "rules", "disable", "deadly")[0] == 0
    code, out, _ = run_cli(capsys, "--home", home, "alerts", "rules", "enable", "deadly", "--json")
    shown = json.loads(out)
    assert code == 0 and (shown["action"], shown["alerts_changed"]) == ("enabled", 0)
    assert _alerts(any_node) == alerts
