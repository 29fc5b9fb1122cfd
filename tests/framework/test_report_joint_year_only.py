"""The report's joint picture places a cluster as the report places an incident: one whose reports all know its
date only to the year (GTD's ``imonth`` 0, UCDP's ``date_prec`` 5; a range starting on 1 January) is in no
quarter, not Q1's, and the picture says how many such incidents the quarter's year had; one with a report dated
more exactly is in the quarter of its most exactly dated reports' earliest date. On SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sarhad.framework.report import build_context, render_html
from sarhad.model.incident import Incident
from sarhad.node import Node
from sarhad.reconcile.store import reconcile
from tests.framework.test_report_joint import _incident

TODAY = date(2026, 9, 14)


def _year_only(row: tuple[object, ...], start: str = "2026-01-01", end: str = "2026-12-31") -> Incident:
    return replace(_incident(row), date_start=start, date_end=end, date_precision="year")


def _node(node: Node) -> Node:
    node.publish([
        # Both parties know an attack in Mand only by its year.
        _year_only(("Y", "PK", "PARTY", "2026-01-01", "Mand", "Balochistan", "PK", 62.05, 26.08, 4, None, "GREEN")),
        _year_only(("Y", "IR", "PARTY", "2026-01-01", "Mand", "Balochistan", "PK", 62.05, 26.08, 4, None, "GREEN")),
        # PK knows an attack in Turbat by its year; IR gives its day, in May.
        _year_only(("M", "PK", "PARTY", "2026-01-01", "Turbat", "Balochistan", "PK", 63.05, 26.0, 2, None, "GREEN")),
        _incident(("M", "IR", "PARTY", "2026-05-10", "Turbat", "Balochistan", "PK", 63.05, 26.0, 2, None, "GREEN")),
        # A day-dated attack of Q1, reported by PK alone.
        _incident(("D", "PK", "PARTY", "2026-02-10", "Quetta", "Balochistan", "PK", 67.0, 30.18, 1, None, "GREEN")),
    ])  # fmt: skip
    reconcile(node.db, node.settings.party)
    return node


def _joint(node: Node, quarter: str) -> dict[str, Any]:
    joint: dict[str, Any] = build_context(node, quarter, today=TODAY)["security"]["joint"]
    return joint


def test_a_cluster_known_only_to_the_year_is_in_no_quarter(any_fw_node: Node) -> None:
    node = _node(any_fw_node)
    clusters = node.db.fetchall("SELECT cluster_id, COUNT(*) FROM reconcile_members GROUP BY cluster_id")
    assert sorted(n for _, n in clusters) == [1, 2, 2]  # Mand's two reports, Turbat's two, Quetta's one

    q1, q2 = _joint(node, "2026Q1"), _joint(node, "2026Q2")
    # Q1 held Mand's and Turbat's too: their ranges start on 1 January.
    assert q1["state"] == "reconciled"
    assert (q1["incidents"], q1["reported"]) == (1, {"both": 0, "PK": 1, "IR": 0, "neither": 0})
    # Turbat is May's, as IR dated it; Mand is in no quarter.
    assert (q2["incidents"], q2["reported"]) == (1, {"both": 1, "PK": 0, "IR": 0, "neither": 0})
    assert q1["year_only"] == q2["year_only"] == {"year": "2026", "incidents": 1}
    assert _joint(node, "2025Q4")["year_only"] == {"year": "2025", "incidents": 0}


def test_the_year_only_clusters_are_said_under_the_joint_picture(any_fw_node: Node) -> None:
    html = render_html(build_context(_node(any_fw_node), "2026Q1", today=TODAY))

    part = html.split('id="joint-picture"')[1].split("</section>")[0]
    assert "1 reconciled incident of 2026 is known only to the year, so in no quarter" in part


def test_a_year_only_record_newer_than_the_last_run_makes_the_years_pictures_out_of_date(any_fw_node: Node) -> None:
    node = _node(any_fw_node)
    assert _joint(node, "2026Q3")["state"] == "reconciled"
    node.publish([
        _year_only(("N", "IR", "PARTY", "2026-01-01", "Panjgur", "Balochistan", "PK", 64.1, 26.97, 5, None, "GREEN")),
    ])  # fmt: skip

    q3 = _joint(node, "2026Q3")  # its record starts on 1 January, months before Q3
    assert (q3["state"], q3["stale_records"]) == ("stale", 1)
