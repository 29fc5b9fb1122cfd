"""A monitor's report says that a commitment's assessments exist but are not released at its reader's level: the
parliamentary monitors read TLP:CLEAR alone and assessments default to GREEN, so their report said "not assessed"
of commitments both parties had assessed, and asked the parties to submit what they had submitted."""

from __future__ import annotations

from datetime import date

from sarhad.framework import ops
from sarhad.framework.report import Readable, build_context, render_html
from sarhad.node import Node
from sarhad.web.auth import Principal
from sarhad.web.context import Context

TODAY = date(2026, 5, 2)  # 2026Q1 is over


def _monitor(node: Node) -> Readable:
    ctx = Context(node)
    principal = Principal("mp-committee", "viewer", "PARL")
    return Readable(ctx.read_clause(principal, "o"), lambda f: ctx.incident_filters(principal, f))


def _card(html: str, code: str) -> str:
    return html.split(f'id="card-{code}"')[1].split("</article>")[0]


def test_a_monitors_report_says_green_assessments_exist_but_are_not_released(any_fw_node: Node) -> None:
    ops.assess(any_fw_node, "C-02", "2026Q1", 2, "Secret-ish: the JWG met twice")
    ops.assess(any_fw_node, "C-02", "2026Q1", 3, "Three meetings", party="IR")
    ops.assess(any_fw_node, "C-04", "2026Q1", 1, "One committee met", tlp="CLEAR")
    ops.assess(any_fw_node, "C-05", "2026Q1", 1, "A draft, not an assessment made", state="draft")
    ctx = build_context(any_fw_node, "2026Q1", today=TODAY, readable=_monitor(any_fw_node))
    assert ctx["unreleased"] == [
        {"commitment": "C-02", "party": "IR", "tlp": "GREEN"},
        {"commitment": "C-02", "party": "PK", "tlp": "GREEN"},
    ]
    html = render_html(ctx)
    c02 = _card(html, "C-02")
    assert c02.count("assessed, not released at the reader's level (marked GREEN)") == 2
    assert "not assessed" not in c02 and "JWG met twice" not in html and "Three meetings" not in html
    assert "not assessed" in _card(html, "C-05")  # a draft is not an assessment made
    assert "No assessment has been submitted" not in html  # C-04 is read
    assert "One committee met" in _card(html, "C-04")
    assert "2 submitted assessment(s) of" in html and "exist but are not released at the reader's level" in html
    auto = " ".join(ctx["recommendations"]["auto"])
    assert "to submit its assessment of C-02" not in auto
    assert "IR to release its assessment of C-02 for Q1 2026 at the reader's level, or to say why it is" in auto
    assert "PK to release its assessment of C-02 for" in auto


def test_the_nodes_own_report_has_nothing_unreleased(any_fw_node: Node) -> None:
    ops.assess(any_fw_node, "C-02", "2026Q1", 2, "The JWG met twice")
    ctx = build_context(any_fw_node, "2026Q1", today=TODAY)
    assert ctx["unreleased"] == []
    assert "not released" not in render_html(ctx)


def test_a_monitors_report_without_a_released_assessment_does_not_say_none_was_submitted(any_fw_node: Node) -> None:
    ops.assess(any_fw_node, "C-02", "2026Q1", 2, "The JWG met twice")
    html = render_html(build_context(any_fw_node, "2026Q1", today=TODAY, readable=_monitor(any_fw_node)))
    assert (
        "No assessment has been submitted for Q1 2026 that the reader of this report can read (1 submitted but not"
        " released at the reader's level: see below)" in html
    )


def test_a_cards_state_chip_agrees_with_its_ratings_not_released(any_fw_node: Node) -> None:
    ops.assess(any_fw_node, "C-02", "2026Q1", 2, "The JWG met twice")
    ops.assess(any_fw_node, "C-02", "2026Q1", 2, "The JWG met twice", party="IR")
    ops.assess(any_fw_node, "C-04", "2026Q1", 1, "One committee met", tlp="CLEAR")
    ops.assess(any_fw_node, "C-04", "2026Q1", 1, "One committee met", party="IR")
    html = render_html(build_context(any_fw_node, "2026Q1", today=TODAY, readable=_monitor(any_fw_node)))
    c02, c04 = _card(html, "C-02"), _card(html, "C-04")
    assert "state-not-assessed" not in c02 and "not-assessed" not in c02
    assert '<span class="state state-not-released">assessed, not released at the reader\'s level</span>' in c02
    assert "state-single-party" not in c04
    assert "another rating not released at the reader's level" in c04
    assert "state-not-assessed" in _card(html, "C-05")  # nobody assessed it
