"""A node written by the previous release (``tests/assets/upgrade/node-0.1.0.tar.gz``, whose rule ``border``
raised one alert) migrates: its alert is kept, matching, with no version known, and the next version of its
incident that no longer matches ends it."""

from __future__ import annotations

import json
import sqlite3
import tarfile
from dataclasses import replace
from pathlib import Path

import pytest

from sarhad.config import load_settings
from sarhad.monitor.alerts import list_alerts
from sarhad.node import Node
from tests.conftest import run_cli

FIXTURE = Path(__file__).parents[1] / "assets" / "upgrade" / "node-0.1.0.tar.gz"


def test_the_alert_of_a_node_of_release_0_1_0_keeps_its_place_and_then_lives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with tarfile.open(FIXTURE) as tar:
        tar.extractall(tmp_path, filter="data")
    home = tmp_path / "pk"
    (home / "node.key").chmod(0o600)
    with sqlite3.connect(home / "sarhad.db") as con:
        before = con.execute("SELECT id, rule, incident_id, reason, created FROM alerts").fetchall()
    assert len(before) == 1

    code, out, err = run_cli(capsys, "--home", str(home), "alerts", "list", "--json")  # opening it migrates
    assert code == 0, err
    (alert,) = json.loads(out)
    assert [(alert["id"], alert["rule"], alert["incident_id"], alert["reason"], alert["created"])] == before
    assert (alert["state"], alert["version"], alert["lapsed_since"], alert["changes"]) == ("matches", None, None, [])

    node = Node.open(load_settings(home))
    try:
        incident = node.incident(alert["incident_id"])
        node.publish([replace(incident, figures=())])  # no killed figure: the rule's killed ≥ 1 fails
        (now,) = list_alerts(node.db)
        version = node.db.fetchone("SELECT modified FROM incidents WHERE id = ?", (incident.id,))
        assert version is not None
        assert (now.state, now.lapsed) == ("no_longer_matches", version[0])
    finally:
        node.close()
