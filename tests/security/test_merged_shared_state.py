"""The state of a record both parties edit, once each party's entries are merged: PK and IR each change a
dispute, a recommendation or a milestone without having seen the other's change (real nodes on loopback, SQLite
and PostgreSQL). Whichever version is the later one, both nodes must show the same merged history, in the same
order (by day, then by when the version that first carried the entry was published), and the state that history
arrives at: the latest change of state, whoever made it, in ``dispute show``, ``recommend list``, ``framework
show``, the API and the quarterly report.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sarhad.framework.ops import (
    add_recommendation,
    open_dispute,
    reply_dispute,
    update_dispute,
    update_milestone,
    update_recommendation,
)
from tests.security.shared_records import (
    BACKENDS,
    IR_POSITION,
    PK_POSITION,
    Nodes,
    framework_nodes,
    quarterly_report,
)

OPENED, IR_DAY, PK_DAY = date(2026, 3, 2), date(2026, 3, 5), date(2026, 3, 9)


@pytest.fixture(params=BACKENDS)
def nodes(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Nodes]:
    """PK and IR holding the framework, each the other's peer (:func:`framework_nodes`)."""
    with framework_nodes(tmp_path, request) as pair:
        yield pair


def _opened(nodes: Nodes, day: date = OPENED) -> dict[str, Any]:
    opened = open_dispute(nodes.pk, "C-08", "2026Q1", "Were requests answered in time?", PK_POSITION, today=day)
    nodes.ir_syncs()
    return opened


def _disputes_shown(nodes: Nodes, capsys: pytest.CaptureFixture[str], code: str) -> list[dict[str, Any]]:
    """The dispute as PK's and IR's ``dispute show --json`` print it: its state, history and positions."""
    keys = ("level", "status", "history", "positions")
    shown = [nodes.node_cli(node, capsys, "dispute", "show", code) for node in (nodes.pk, nodes.ir)]
    return [{k: s[k] for k in keys} for s in shown]


def test_this_nodes_later_escalation_put_back_into_a_peers_later_version_sets_the_level_on_both_nodes(
    nodes: Nodes, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    opened = _opened(nodes)
    update_dispute(nodes.pk, opened["code"], level="joint-committee", note="not settled", today=PK_DAY)
    reply_dispute(nodes.ir, opened["code"], IR_POSITION, today=IR_DAY)  # IR's later version, without PK's change
    nodes.both_sync()
    pk_shown, ir_shown = _disputes_shown(nodes, capsys, opened["code"])
    assert (pk_shown["level"], pk_shown["status"]) == ("joint-committee", "under-review")
    assert [(e["on"], e["by"]) for e in pk_shown["history"]] == [
        (OPENED.isoformat(), "PK"),
        (IR_DAY.isoformat(), "IR"),
        (PK_DAY.isoformat(), "PK"),
    ]
    assert ir_shown == pk_shown
    for node in (nodes.pk, nodes.ir):
        (row,) = nodes.api(node, "/api/disputes")["disputes"]
        assert (row["level"], row["status"], row["history"]) == ("joint-committee", "under-review", pk_shown["history"])
    report = quarterly_report(nodes, capsys, tmp_path / "r.html")
    assert "<th>Level</th><td>joint-committee</td>" in report


@pytest.mark.parametrize("first", ["PK", "IR"])
def test_same_day_changes_are_ordered_as_they_were_published_and_both_nodes_agree(
    nodes: Nodes, capsys: pytest.CaptureFixture[str], first: str
) -> None:
    opened = _opened(nodes, IR_DAY)
    changes = {"PK": (nodes.pk, "joint-committee"), "IR": (nodes.ir, "ministerial")}
    second = "IR" if first == "PK" else "PK"
    for party in (first, second):  # neither has seen the other's change
        node, level = changes[party]
        update_dispute(node, opened["code"], level=level, note=f"{party} escalates", today=IR_DAY)
    nodes.both_sync()
    pk_shown, ir_shown = _disputes_shown(nodes, capsys, opened["code"])
    assert [e["by"] for e in pk_shown["history"]] == ["PK", first, second]
    assert pk_shown["level"] == changes[second][1]
    assert ir_shown == pk_shown


def test_this_nodes_later_follow_up_put_back_into_a_peers_later_version_sets_the_status_on_both_nodes(
    nodes: Nodes, capsys: pytest.CaptureFixture[str]
) -> None:
    made = add_recommendation(nodes.pk, "2026Q1", "Agree a 72-hour protocol", today=OPENED)
    nodes.ir_syncs()
    update_recommendation(nodes.pk, made["code"], "implemented", note="signed", today=PK_DAY)
    update_recommendation(nodes.ir, made["code"], "in-progress", note="draft sent", today=IR_DAY)  # published later
    nodes.both_sync()
    shown = [nodes.node_cli(node, capsys, "recommend", "list") for node in (nodes.pk, nodes.ir)]
    ((pk_shown,), (ir_shown,)) = shown
    assert pk_shown["status"] == "implemented"
    assert [(h["by"], h["status"]) for h in pk_shown["history"]] == [("IR", "in-progress"), ("PK", "implemented")]
    assert ir_shown == pk_shown


def test_this_nodes_later_new_date_put_back_into_a_peers_later_version_is_the_milestones_date_on_both_nodes(
    nodes: Nodes, capsys: pytest.CaptureFixture[str]
) -> None:
    update_milestone(nodes.pk, "M-05.1", due="2026-04-15", reason="after the summit", today=PK_DAY)
    update_milestone(nodes.ir, "M-05.1", due="2026-05-20", reason="after the budget", today=IR_DAY)  # published later
    nodes.both_sync()
    shown = []
    for node in (nodes.pk, nodes.ir):
        (milestone,) = [m for m in nodes.node_cli(node, capsys, "framework", "show", "C-05")["milestones"]
                        if m["code"] == "M-05.1"]  # fmt: skip
        shown.append(milestone)
    assert shown[0]["due"] == "2026-04-15"
    assert shown[1] == shown[0]
