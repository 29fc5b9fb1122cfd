"""A past quarter's report for a reader of TLP:CLEAR alone (a parliamentary monitor) says which assessments were
not released at its level as they stood at the quarter's end: one withheld then (GREEN) and released later is said
to be withheld, not "not assessed" (the report drawn up again later says what it said then). One released then and
marked stricter later is withheld by the later version (sarhad.web.auth.read_clause): said to be withheld, marked
as the later version is."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from sarhad.exchange.peers import get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.framework import ops
from sarhad.framework.report import Readable, build_context, render_html
from sarhad.node import Node
from sarhad.web.auth import Principal
from sarhad.web.context import Context
from tests.framework.scenario import frozen_clock
from tests.node_pair import peered, pk_and_ir

LATER = date(2026, 5, 21)  # 2026Q1 is over


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


def _monitor(node: Node) -> Readable:
    ctx = Context(node)
    principal = Principal("mp-committee", "viewer", "PARL")
    return Readable(ctx.read_clause(principal, "o"), lambda f: ctx.incident_filters(principal, f))


def _card(html: str, code: str) -> str:
    return html.split(f'id="card-{code}"')[1].split("</article>")[0]


def test_a_rating_released_at_the_quarters_end_and_marked_stricter_later_is_said_to_be_withheld_as_marked_now(
    any_fw_node_at: Node,
) -> None:
    node = any_fw_node_at
    with frozen_clock(_at(date(2026, 3, 20))):
        ops.assess(node, "C-04", "2026Q1", 1, "MARCH, CLEAR: one committee met.", tlp="CLEAR")
    with frozen_clock(_at(date(2026, 5, 20))):
        ops.assess(node, "C-04", "2026Q1", 2, "MAY, GREEN: two committees met.", tlp="GREEN")
    ctx = build_context(node, "2026Q1", today=LATER, readable=_monitor(node))
    html = render_html(ctx)
    assert ctx["unreleased"] == [{"commitment": "C-04", "party": "PK", "tlp": "GREEN"}]
    card = _card(html, "C-04")
    assert "assessed, not released at the reader's level (marked GREEN)" in card
    assert card.count("not assessed") == 1  # IR's, who did not assess
    assert "MARCH, CLEAR" not in html and "MAY, GREEN" not in html


def test_a_rating_withheld_at_the_quarters_end_and_released_later_is_said_to_be_withheld_not_missing(
    any_fw_node_at: Node,
) -> None:
    node = any_fw_node_at
    with frozen_clock(_at(date(2026, 3, 20))):
        ops.assess(node, "C-04", "2026Q1", 1, "MARCH, GREEN: one committee met.", tlp="GREEN")
    with frozen_clock(_at(date(2026, 5, 20))):
        ops.assess(node, "C-04", "2026Q1", 2, "MAY, CLEAR: two committees met.", tlp="CLEAR")
    ctx = build_context(node, "2026Q1", today=LATER, readable=_monitor(node))
    html = render_html(ctx)
    assert ctx["unreleased"] == [{"commitment": "C-04", "party": "PK", "tlp": "GREEN"}]
    card = _card(html, "C-04")
    assert "assessed, not released at the reader's level (marked GREEN)" in card
    assert card.count("not assessed") == 1  # IR's, who did not assess
    assert "MARCH, GREEN" not in html and "MAY, CLEAR" not in html
    auto = " ".join(ctx["recommendations"]["auto"])
    assert "PK to release its assessment of C-04 for Q1 2026" in auto


def test_a_draft_at_the_quarters_end_submitted_later_is_not_said_to_be_withheld(any_fw_node_at: Node) -> None:
    node = any_fw_node_at
    with frozen_clock(_at(date(2026, 3, 20))):
        ops.assess(node, "C-04", "2026Q1", 1, "MARCH DRAFT.", tlp="GREEN", state="draft")
    with frozen_clock(_at(date(2026, 5, 20))):
        ops.assess(node, "C-04", "2026Q1", 2, "MAY, GREEN, submitted.", tlp="GREEN")
    ctx = build_context(node, "2026Q1", today=LATER, readable=_monitor(node))
    assert ctx["unreleased"] == []
    assert "not assessed" in _card(render_html(ctx), "C-04")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def pair(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, Node]]:
    """PK and IR, each holding the founding framework published on 5 January 2026."""
    with pk_and_ir(tmp_path, request) as (pk, ir):
        with frozen_clock(_at(date(2026, 1, 5))):
            ops.init_template(pk, "pk-ir-2025")
            ops.init_template(ir, "pk-ir-2025")
        yield pk, ir


def _sync(pk: Node, ir: Node) -> None:
    with peered(pk, ir):
        sync_peer(pk, get_peer(pk.db, "IR"))


def _body(html: str) -> str:
    return html[html.index('<section id="commitments">') :]


def test_a_peers_rating_superseded_after_the_quarter_by_a_version_refused_here_is_shown_as_it_stood(
    pair: tuple[Node, Node],
) -> None:
    """IR's Q1 assessment, current at the end of Q1, revised in May as TLP:RED (PK is given its envelope alone):
    PK's Q1 report drawn up again in May shows the rating of March, as the one drawn up in April did, and names the
    later version, instead of "superseded by a version this node cannot read"."""
    pk, ir = pair
    with frozen_clock(_at(date(2026, 3, 20))):
        ops.assess(ir, "C-02", "2026Q1", 1, "IR in March: one meeting.", tlp="CLEAR")
    _sync(pk, ir)
    q1_then = render_html(build_context(pk, "2026Q1", today=date(2026, 4, 2)))
    with frozen_clock(_at(date(2026, 5, 20))):
        ops.assess(ir, "C-02", "2026Q1", 3, "IR REVISED IN MAY, RED.", tlp="RED")
    _sync(pk, ir)
    ctx = build_context(pk, "2026Q1", today=date(2026, 5, 21))
    q1_later = render_html(ctx)
    assert ctx["cur"]["C-02"].level("IR") == 1 and ctx["withheld"] == []
    assert "IR in March: one meeting." in q1_later and "cannot read" not in _body(q1_later)
    assert _body(q1_later) == _body(q1_then)
    assert ctx["as_of_notes"]["revised_later"] == [
        {"record": "IR's assessment of C-02 for 2026Q1", "latest": "2026-05-20"}
    ]
    # The current quarter's view of the record is the refused version's: superseded, not shown.
    now = build_context(pk, "2026Q1", today=date(2026, 3, 31))
    assert now["cur"]["C-02"].level("IR") is None and [w["party"] for w in now["withheld"]] == ["IR"]
