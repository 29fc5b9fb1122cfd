"""The quarterly report is marked with the highest TLP of everything it shows: an indicator value, a milestone or a
recommendation it shows marked AMBER makes the report AMBER (it was marked by assessments, evidence and disputes
only, so an AMBER value in the indicators table left the report GREEN: a reader would share it too widely)."""

from __future__ import annotations

from datetime import date

from sarhad.framework import ops
from sarhad.framework.report import build_context, render_html
from sarhad.node import Node

TODAY = date(2026, 5, 2)  # 2026Q1 is over; 2026Q2 has started


def test_an_amber_indicator_value_makes_the_report_amber(any_fw_node: Node) -> None:
    ops.assess(any_fw_node, "C-04", "2026Q1", 2, "Two of three committees met", tlp="GREEN")
    before = build_context(any_fw_node, "2026Q1", today=TODAY)
    assert before["tlp"] == "GREEN"
    ops.record_indicator(any_fw_node, "I-04.1", "2026Q1", 2, tlp="AMBER")
    ctx = build_context(any_fw_node, "2026Q1", today=TODAY)
    assert ctx["tlp"] == "AMBER"
    assert '<span class="tlp tlp-amber">TLP:AMBER</span>' in render_html(ctx)


def test_a_later_quarter_value_it_does_not_show_leaves_the_marking(any_fw_node: Node) -> None:
    ops.assess(any_fw_node, "C-04", "2026Q1", 2, "Two of three committees met", tlp="GREEN")
    ops.record_indicator(any_fw_node, "I-04.1", "2026Q2", 3, tlp="AMBER")  # after the quarter reported
    assert build_context(any_fw_node, "2026Q1", today=TODAY)["tlp"] == "GREEN"
