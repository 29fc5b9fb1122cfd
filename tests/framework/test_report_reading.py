"""What a reader of the quarterly report must not misread: a party's level, a disagreement, how an index or a
point arising was reached."""

from __future__ import annotations

from datetime import date

from sarhad.framework import ops
from sarhad.framework.report import build_context, render_html
from sarhad.node import Node

TODAY = date(2026, 4, 14)


def _changes_of(node: Node, code: str) -> dict[str, dict[str, object]]:
    moves = build_context(node, "2026Q1", today=TODAY)["changes"]["moves"]
    (move,) = [m for m in moves if m["code"] == code]
    cells: dict[str, dict[str, object]] = move["cells"]
    return cells


def test_changes_do_not_show_a_missing_assessment_as_a_downgrade(fw_node: Node) -> None:
    ops.assess(fw_node, "C-10", "2025Q4", 2, "patrols on two sectors", party="PK")
    ops.assess(fw_node, "C-10", "2025Q4", 2, "patrols on two sectors", party="IR")
    ops.assess(fw_node, "C-10", "2026Q1", 2, "patrols on two sectors", party="IR")

    pk = _changes_of(fw_node, "C-10")["PK"]

    assert (pk["from"], pk["to"]) == (2, None)
    assert pk["arrow"] != "▼" and pk["direction"] == "none"
    html = render_html(build_context(fw_node, "2026Q1", today=TODAY))
    assert "○ no submitted assessment this quarter" in html


def test_ratings_chart_shades_parties_apart_and_draws_the_joint_committees_level(fw_node: Node) -> None:
    ops.assess(fw_node, "C-10", "2026Q1", 2, "patrols on two sectors", party="PK")
    ops.assess(fw_node, "C-10", "2026Q1", 0, "no joint patrol took place", party="IR")
    ops.assess(fw_node, "C-10", "2026Q1", 1, "reconciled at the joint committee", party="JOINT")

    svg = build_context(fw_node, "2026Q1", today=TODAY)["chart_dumbbell"]

    # The joint committee settled the state (agreed), but PK 2 and IR 0 still disagree: the row is shaded and
    # the committee's level 1 is drawn between them, with a legend entry saying what the ring is.
    assert svg.count('fill="#fffbeb"') == 1
    assert 'fill="none" stroke="#4c1d95"' in svg
    assert "joint committee" in svg


def test_method_annex_says_a_single_partys_level_counts_in_the_joint_index(fw_node: Node) -> None:
    ops.assess(fw_node, "C-11", "2026Q1", 3, "data exchanged", party="PK")

    ctx = build_context(fw_node, "2026Q1", today=TODAY)

    # Only PK rated C-11, and the joint index counts its 3: the method annex must say so.
    assert ctx["index"]["overall"].percent == "100%"
    assert "where only one party has assessed a commitment, that party's level" in render_html(ctx)


def test_points_arising_say_why_ratings_at_the_same_level_need_reconciling(fw_node: Node) -> None:
    ev = ops.add_evidence(fw_node, __file__, "document")["id"]
    ops.assess(fw_node, "C-02", "2026Q1", 3, "both committees met", party="PK", evidence=[ev])
    ops.assess(fw_node, "C-02", "2026Q1", 3, "committees operating", party="IR")

    (point,) = [p for p in build_context(fw_node, "2026Q1", today=TODAY)["recommendations"]["auto"] if "C-02" in p]

    # "reconcile the ratings of C-02 (PK 3, IR 3)" asked to reconcile two equal levels without saying why.
    assert "C-02 (PK 3, IR 3; full implementation claimed without evidence by IR)" in point


def test_trade_chart_names_whose_baseline_it_draws(fw_node: Node) -> None:
    svg = build_context(fw_node, "2026Q1", today=TODAY)["chart_trade"]

    # The 2.5 is the bilateral trade of 2024 (I-12.2), not the free-trade zone's, whose path starts at 0.
    assert "bilateral trade baseline 2.5 (2024)" in svg
