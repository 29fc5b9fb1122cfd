"""The report's points arising (recommendations generated from the data) read as sentences a committee can act
on, also for a commitment the parties have not rated."""

from __future__ import annotations

from datetime import date

from sarhad.framework import ops
from sarhad.framework.report import build_context
from sarhad.node import Node

TODAY = date(2026, 4, 14)


def test_points_arising_for_a_dispute_on_an_unrated_commitment_ask_for_ratings_not_to_reconcile_them(
    fw_node: Node,
) -> None:
    d = ops.open_dispute(fw_node, "C-08", "2026Q1", "Were requests answered in time?", "4 of 11 in 72 h",
                         today=date(2026, 3, 2))  # fmt: skip

    auto = build_context(fw_node, "2026Q1", today=TODAY)["recommendations"]["auto"]
    points = [p for p in auto if "C-08 " in p]

    # It read "reconcile the ratings of C-08 (; open dispute D-2026Q1-PK1)": no rating to reconcile, and an
    # empty list of levels before the reason.
    assert points == [f"PK, IR to submit their assessments of C-08 for Q1 2026 (open dispute {d['code']})."]


def test_points_arising_for_rated_commitments_name_the_levels_then_the_reasons(fw_node: Node) -> None:
    ops.assess(fw_node, "C-08", "2026Q1", 1, "4 of 11 answered in time", party="PK")
    ops.open_dispute(fw_node, "C-08", "2026Q1", "Requests in time?", "4 of 11 in 72 h", today=date(2026, 3, 2))

    auto = build_context(fw_node, "2026Q1", today=TODAY)["recommendations"]["auto"]
    (point,) = [p for p in auto if "C-08 " in p]

    assert "reconcile the ratings of C-08 (PK 1; no submitted assessment by IR; open dispute D-2026Q1-PK1)" in point
