"""The report's security context counts an incident whose date is known only to the year (GTD's ``imonth`` 0,
UCDP's ``date_prec`` 5; its range starts on 1 January) in no quarter, not in Q1's, and says how many such
incidents each year of the table had; the quarter's near-border list leaves them out too. On SQLite and
PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sarhad.framework.report import build_context, render_html
from sarhad.node import Node
from tests.monitor.test_evaluate import make

TODAY = date(2026, 4, 14)


def test_a_date_known_only_to_the_year_is_in_no_quarter_and_the_year_says_how_many(any_fw_node: Node) -> None:
    any_fw_node.publish([
        make("day", day="2026-02-03", killed=2),
        replace(make("month", day="2026-03-01", killed=1), date_end="2026-03-31", date_precision="month"),
        replace(make("year", day="2026-01-01", killed=5), date_end="2026-12-31", date_precision="year"),
        replace(make("ucdp-like", day="2025-09-21", killed=None, admin1="Sistan and Baluchestan", party="IR"),
                date_end="2025-12-07", date_precision="year"),
    ])  # fmt: skip

    ctx = build_context(any_fw_node, "2026Q1", today=TODAY)
    security = ctx["security"]
    rows = {t["quarter"]: t for t in security["table"]}
    # Q1 counted the year-only incident too: 3 incidents, 8 killed.
    assert (rows["2026Q1"]["incidents"], rows["2026Q1"]["killed"]) == (2, 3)
    assert rows["2026Q1"]["by"]["Balochistan"] == (2, 3)
    assert rows["2025Q3"]["incidents"] == 0  # its range starts in September 2025; the year alone is known
    assert security["year_only"] == [
        {"year": "2025", "incidents": 1, "killed": 0, "killed_unknown": 1},
        {"year": "2026", "incidents": 1, "killed": 5, "killed_unknown": 0},
    ]
    assert {inc["source_id"] for inc in security["near"]} == {"day", "month"}
    html = render_html(ctx)
    assert "Dates known only to the year, so in no quarter above" in html
    assert "2026: 1 incident (5 killed)" in html
