"""Listings with nothing to list: one line saying what is missing (and the command that adds it), never an
empty table frame; ``--json`` stays ``[]``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sarhad.node import Node
from tests.conftest import run_cli as run

EMPTY = {
    ("peer", "list"): "no peers: add one with 'sarhad peer add NAME URL --vkey KEY --token TOKEN'",
    # A rule that exists and raised nothing: tests/monitor/test_alerts_list_cli.py (this node has no rule).
    ("alerts", "list"): "no alerts",
    ("alerts", "rules", "list"): "no rules: add one with 'sarhad alerts rules add' or 'sarhad alerts rules load'",
    ("clusters", "list"): "no clusters: run 'sarhad reconcile' to group the node's incidents",
    ("clusters", "list", "--disagreements"): "no clusters whose parties disagree",
    ("audit", "list", "--principal", "nobody"): "no audited actions match",
    ("incidents", "list"): (
        "no incidents: import some with 'sarhad import FORMAT FILE' or sync a peer with 'sarhad sync'"
    ),
    ("incidents", "list", "--country", "ir"): "no incidents match",
    ("evidence", "list"): "no evidence: add a file or link with 'sarhad evidence add FILE --kind KIND'",
    ("evidence", "verify"): "no evidence to verify",
    ("dispute", "list"): "no disputes: open one with 'sarhad dispute open'",
    ("dispute", "list", "--open"): "no disputes match",
    ("framework", "proposals"): "no proposed commitments: ingest articles with 'sarhad ingest article FILE…'",
}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A node holding the framework's template and nothing else: no peer, incident, evidence or dispute."""
    from sarhad.framework.ops import init_template

    h = tmp_path_factory.mktemp("empty") / "pk"
    with Node.init(h, "PK") as node:
        init_template(node, "pk-ir-2025")
    return h


@pytest.mark.parametrize("args", list(EMPTY), ids=" ".join)
def test_an_empty_listing_prints_one_line_instead_of_a_table_frame(
    home: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    code, out, err = run(capsys, "--home", str(home), *args)
    assert (code, err) == (0, "")
    assert out == EMPTY[args] + "\n"
    code, out, err = run(capsys, "--home", str(home), *args, "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == []  # scripts still get a list


def test_a_commitment_without_assessments_says_how_to_record_one(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--home", str(home), "framework", "show", "C-02")
    assert code == 0, err
    assert "no assessments: record one with 'sarhad assess C-02 --quarter Q --level N --rationale TEXT'" in out
    assert "┃ quarter" not in out  # no empty table of assessments
