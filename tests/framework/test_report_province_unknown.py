"""The report's security context does not print 0 killed for a province whose incidents give no killed figure."""

from __future__ import annotations

from datetime import date

from sarhad.framework.report import build_context, render_html
from sarhad.node import Node
from tests.monitor.test_evaluate import make

TODAY = date(2026, 4, 14)


def test_province_cell_shows_killed_unknown_not_zero(fw_node: Node) -> None:
    fw_node.publish([
        make("a", day="2026-02-03", killed=None),  # Balochistan, no killed figure
        make("b", day="2026-02-10", killed=None, admin1="Sistan and Baluchestan", party="IR"),
        make("c", day="2026-03-01", killed=0, admin1="Sistan and Baluchestan", party="IR"),
    ])  # fmt: skip

    ctx = build_context(fw_node, "2026Q1", today=TODAY)
    (row,) = [t for t in ctx["security"]["table"] if t["quarter"] == "2026Q1"]

    # It read (1, 0): a province of incidents giving no figure looked like one where nobody was killed.
    assert row["by"]["Balochistan"] == (1, None)
    assert row["by"]["Sistan and Baluchestan"] == (2, 0)  # one gives 0: a count, with one unknown beside it
    assert "1 / ?" in render_html(ctx)
