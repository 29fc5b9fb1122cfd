"""A past quarter's report shows the state at the quarter's end: re-generated later, after a party revised its
assessment, a dispute was opened and replied to, a milestone was met and evidence was added, it says the same
(apart from its "generated" time), and it says what it leaves out. It showed the state of the day it was drawn."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from sarhad.exchange.peers import get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.framework import ops
from sarhad.framework.report import build_context, render_html
from sarhad.node import Node
from tests.framework.scenario import frozen_clock
from tests.node_pair import peered, pk_and_ir


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


def _body(html: str) -> str:
    """The report from its commitment cards to the end: every part but the cover and the dashboard's notes."""
    return html[html.index('<section id="commitments">') :]


def test_a_past_quarters_report_is_the_state_at_its_end_when_drawn_up_again_later(
    any_fw_node_at: Node, tmp_path: Path
) -> None:
    node = any_fw_node_at
    with frozen_clock(_at(date(2026, 3, 20))):
        ops.assess(node, "C-02", "2026Q1", 2, "Q1: two committee meetings held.", tlp="CLEAR")
        ops.assess(node, "C-02", "2026Q1", 2, "IR: two meetings.", party="IR", tlp="CLEAR")
        ops.open_dispute(node, "C-08", "2026Q1", "Timeliness", "4 of 11 in time", today=date(2026, 3, 20))
    q1_then = render_html(build_context(node, "2026Q1", today=date(2026, 4, 2)))
    (tmp_path / "evidence.txt").write_text("minutes of a Q2 meeting", encoding="utf-8")
    with frozen_clock(_at(date(2026, 5, 20))):
        ops.assess(node, "C-02", "2026Q1", 3, "REVISED IN Q2: three meetings.", tlp="CLEAR")
        ops.reply_dispute(node, "D-2026Q1-PK1", "REPLY IN Q2: all answered", party="IR", today=date(2026, 5, 20))
        ops.open_dispute(node, "C-03", "2026Q1", "OPENED IN Q2", "the summit was late", today=date(2026, 5, 20))
        ops.update_milestone(node, "M-02.1", status="met", date_met="2026-05-10", today=date(2026, 5, 20))
        ops.add_evidence(node, tmp_path / "evidence.txt", "meeting", title="EVIDENCE ADDED IN Q2")
    ctx = build_context(node, "2026Q1", today=date(2026, 5, 21))
    q1_later = render_html(ctx)
    assert ctx["as_of"] == "2026-03-31" and ctx["version"] == "2026-03-31"
    for later in ("REVISED IN Q2", "REPLY IN Q2", "OPENED IN Q2", "EVIDENCE ADDED IN Q2"):
        assert later not in q1_later
    assert "Q1: two committee meetings held." in q1_later
    assert next(m for m in ctx["data"].milestones if m["code"] == "M-02.1")["status"] == "scheduled"
    assert [d["code"] for d in ctx["register"]] == ["D-2026Q1-PK1"] and ctx["register"][0]["status"] == "open"
    assert _body(q1_later) == _body(q1_then)
    # What it leaves out, it says.
    notes = ctx["as_of_notes"]
    assert notes["opened_later"] == [{"code": "D-2026Q1-PK2", "raised_on": "2026-05-20"}]
    assert {"record": "PK's assessment of C-02 for 2026Q1", "latest": "2026-05-20"} in notes["revised_later"]
    assert {"record": "dispute D-2026Q1-PK1", "latest": "2026-05-20"} in notes["revised_later"]
    assert {"record": "milestone M-02.1", "latest": "2026-05-20"} in notes["revised_later"]
    assert "State as of</th><td>2026-03-31, the end of Q1 2026" in q1_later
    assert "1 dispute(s) opened after the quarter's end (D-2026Q1-PK2, raised 2026-05-20)" in q1_later
    assert "the stored incidents do not tell what was held on 2026-03-31" in q1_later
    # The current quarter's report is today's state.
    q2 = build_context(node, "2026Q2", today=date(2026, 5, 21))
    assert q2["as_of"] is None and "OPENED IN Q2" in render_html(q2)
    assert next(m for m in q2["data"].milestones if m["code"] == "M-02.1")["status"] == "met"


def test_an_assessment_first_submitted_after_its_quarter_is_shown_and_said_to_be(any_fw_node_at: Node) -> None:
    with frozen_clock(_at(date(2026, 4, 3))):
        ops.assess(any_fw_node_at, "C-02", "2026Q1", 2, "Submitted after the quarter ended.")
    ctx = build_context(any_fw_node_at, "2026Q1", today=date(2026, 5, 21))
    assert ctx["cur"]["C-02"].level("PK") == 2
    assert ctx["as_of_notes"]["published_later"] == [
        {"record": "PK's assessment of C-02 for 2026Q1", "published": "2026-04-03"}
    ]
    assert "shown as first published after it: PK&#39;s assessment of C-02 for 2026Q1 (published 2026-04-03)" in (
        render_html(ctx)
    )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def pair(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, Node]]:
    """PK and IR, each holding the founding framework published on 5 January 2026."""
    with pk_and_ir(tmp_path, request) as (pk, ir):
        with frozen_clock(_at(date(2026, 1, 5))):
            ops.init_template(pk, "pk-ir-2025")
            ops.init_template(ir, "pk-ir-2025")
        yield pk, ir


def test_a_peers_assessment_revised_after_the_quarter_leaves_the_quarters_report_as_it_was(
    pair: tuple[Node, Node],
) -> None:
    pk, ir = pair
    with frozen_clock(_at(date(2026, 3, 20))):
        ops.assess(ir, "C-02", "2026Q1", 1, "IR in March: one meeting.", tlp="CLEAR")
    with peered(pk, ir):
        sync_peer(pk, get_peer(pk.db, "IR"))
    q1_then = render_html(build_context(pk, "2026Q1", today=date(2026, 4, 2)))
    with frozen_clock(_at(date(2026, 5, 20))):
        ops.assess(ir, "C-02", "2026Q1", 3, "IR REVISED IN MAY: three meetings.", tlp="CLEAR")
    with peered(pk, ir):
        sync_peer(pk, get_peer(pk.db, "IR"))
    ctx = build_context(pk, "2026Q1", today=date(2026, 5, 21))
    q1_later = render_html(ctx)
    assert ctx["cur"]["C-02"].level("IR") == 1
    assert "IR in March: one meeting." in q1_later and "IR REVISED IN MAY" not in q1_later
    assert _body(q1_later) == _body(q1_then)
    assert ctx["as_of_notes"]["revised_later"] == [
        {"record": "IR's assessment of C-02 for 2026Q1", "latest": "2026-05-20"}
    ]
    # The current quarter's view of the same record is the revised one.
    assert "IR REVISED IN MAY" in render_html(build_context(pk, "2026Q1", today=date(2026, 3, 31)))
