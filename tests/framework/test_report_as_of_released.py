"""A past quarter's report for a reader of TLP:CLEAR alone (a parliamentary monitor) says which assessments were
not released at its level as they stood at the quarter's end: one withheld then (GREEN) and released later is said
to be withheld, not "not assessed" (the report drawn up again later says what it said then). One released then and
marked stricter later is withheld by the later version (sarhad.web.auth.read_clause): said to be withheld, marked
as the later version is."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sarhad.framework import ops
from sarhad.framework.report import Readable, build_context, render_html
from sarhad.node import Node
from sarhad.web.auth import Principal
from sarhad.web.context import Context
from tests.framework.scenario import frozen_clock

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
