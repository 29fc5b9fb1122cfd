"""The quarterly report's joint picture: of the quarter's reconciled incidents, who reported them, where the
parties disagree, and the largest disagreements, counted only from the incidents the reader may read."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sarhad.framework.report import Readable, build_context, render_html, render_pdf
from sarhad.model.figures import Figure
from sarhad.model.incident import Incident, Perpetrator, Place, incident_id
from sarhad.node import Node
from sarhad.reconcile.store import reconcile
from sarhad.web.auth import Principal
from sarhad.web.context import Context
from tests.framework.test_report import _weasyprint, pdf_text

TODAY = date(2026, 4, 14)

# (source, reported by, dataset, day, place, province, country, lon, lat, killed, perpetrator, TLP)
REPORTS = [
    # One attack near Mand both parties reported with different tolls: a figures disagreement.
    ("A", "PK", "PARTY", "2026-02-10", "Mand", "Balochistan", "PK", 62.05, 26.08, 12, "Jaish al-Adl", "GREEN"),
    ("A", "IR", "PARTY", "2026-02-10", "Mand", "Balochistan", "PK", 62.05, 26.08, 9, "Jaish al-Adl", "GREEN"),
    # Both report an attack in Saravan with the same toll: agreed.
    ("B", "PK", "PARTY", "2026-01-20", "Saravan", "Sistan and Baluchestan", "IR", 62.33, 27.37, 3, None, "GREEN"),
    ("B", "IR", "PARTY", "2026-01-20", "Saravan", "Sistan and Baluchestan", "IR", 62.33, 27.37, 3, None, "GREEN"),
    # Only PK reports an attack in Turbat, only IR one in Zahedan, only UCDP one in Quetta.
    ("C", "PK", "PARTY", "2026-03-05", "Turbat", "Balochistan", "PK", 63.05, 26.0, 2, None, "GREEN"),
    ("D", "IR", "PARTY", "2026-02-20", "Zahedan", "Sistan and Baluchestan", "IR", 60.86, 29.5, 1, None, "GREEN"),
    ("E", "UCDP", "UCDP", "2026-03-15", "Quetta", "Balochistan", "PK", 67.0, 30.18, 4, None, "CLEAR"),
    # Both report an attack in Panjgur, but of the quarter before: not counted in 2026Q1.
    ("F", "PK", "PARTY", "2025-12-10", "Panjgur", "Balochistan", "PK", 64.1, 26.97, 5, None, "GREEN"),
    ("F", "IR", "PARTY", "2025-12-10", "Panjgur", "Balochistan", "PK", 64.1, 26.97, 7, None, "GREEN"),
]
# IR's report of an attack in Chabahar, shared TLP:AMBER: only readers of AMBER may count it.
AMBER = ("G", "IR", "PARTY", "2026-03-20", "Chabahar", "Sistan and Baluchestan", "IR", 60.64, 25.29, 6, None, "AMBER")


def _incident(row: tuple[object, ...]) -> Incident:
    source, party, dataset, day, name, admin1, country, lon, lat, killed, perpetrator, tlp = row
    assert isinstance(killed, int) and isinstance(lon, float) and isinstance(lat, float)
    return Incident(
        id=incident_id(str(dataset), str(party), f"{source}-{party}"),
        reported_by=str(party),
        dataset=str(dataset),
        source_id=f"{source}-{party}",
        date_start=str(day),
        date_end=str(day),
        place=Place(country=str(country), admin1=str(admin1), name=str(name), lat=lat, lon=lon, precision="near"),
        perpetrators=(Perpetrator(str(perpetrator)),) if perpetrator else (),
        figures=(Figure("killed", "total", killed, killed, killed, "reported", str(party)),),
        title=f"Attack in {name}",
        tlp=str(tlp),
    )


def _reconciled(node: Node, *, amber: bool = False) -> Node:
    node.publish([_incident(r) for r in [*REPORTS, *([AMBER] if amber else [])]])
    reconcile(node.db, node.settings.party)
    return node


def _reader(node: Node, principal: Principal) -> Readable:
    ctx = Context(node)
    return Readable(ctx.read_clause(principal, "o"), lambda f: ctx.incident_filters(principal, f))


def _joint(node: Node, readable: Readable | None = None) -> dict[str, Any]:
    joint: dict[str, Any] = build_context(node, "2026Q1", today=TODAY, readable=readable)["security"]["joint"]
    return joint


def test_joint_picture_counts_who_reported_the_quarters_incidents(any_fw_node: Node) -> None:
    joint = _joint(_reconciled(any_fw_node))

    assert joint["state"] == "reconciled"
    # A and B by both, C by PK only, D by IR only, E by a dataset alone; F is of 2025Q4.
    assert joint["incidents"] == 5
    assert joint["reported"] == {"both": 2, "PK": 1, "IR": 1, "neither": 1}
    assert joint["disagreements"] == 1
    assert joint["by_flag"] == {
        "figures_disagree": 1,
        "perpetrator_disagree": 0,
        "location_disagree": 0,
        "date_disagree": 0,
    }


def test_joint_picture_lists_the_largest_disagreements_with_each_partys_figure(any_fw_node: Node) -> None:
    joint = _joint(_reconciled(any_fw_node))

    (row,) = joint["largest"]
    assert (row["date"], row["place"]) == ("2026-02-10", "Mand, Balochistan")
    assert row["killed"] == {"PK": 12, "IR": 9}
    assert row["flags"] == ["killed (total): IR says 9, PK 12 (every source: IR 9, PK 12)"]
    assert row["cluster_id"].startswith("cluster--")


def test_joint_picture_is_shown_in_html_and_pdf(any_fw_node: Node, tmp_path: Path) -> None:
    html = render_html(build_context(_reconciled(any_fw_node), "2026Q1", today=TODAY))

    part = html.split('id="joint-picture"')[1].split("</section>")[0]
    assert "Joint picture" in part
    assert "Reported by both parties" in part and "PK only" in part and "IR only" in part
    assert "<td>2026-02-10</td><td>Mand, Balochistan</td>" in part
    assert "killed (total): IR says 9, PK 12" in part
    assert "sarhad clusters show" in part
    _weasyprint()
    render_pdf(html, tmp_path / "q1.pdf")
    assert "Joint picture" in pdf_text(tmp_path / "q1.pdf")


def test_joint_picture_says_when_the_node_has_not_reconciled(any_fw_node: Node) -> None:
    any_fw_node.publish([_incident(r) for r in REPORTS])

    ctx = build_context(any_fw_node, "2026Q1", today=TODAY)

    assert ctx["security"]["joint"]["state"] == "not-reconciled"
    part = render_html(ctx).split('id="joint-picture"')[1].split("</section>")[0]
    assert "has not been reconciled" in part and "sarhad reconcile" in part
    assert "Reported by both parties" not in part  # no table of zeros


def test_joint_picture_says_when_records_are_newer_than_the_last_reconciliation(any_fw_node: Node) -> None:
    _reconciled(any_fw_node)
    any_fw_node.publish([_incident(AMBER)])

    ctx = build_context(any_fw_node, "2026Q1", today=TODAY)

    assert ctx["security"]["joint"]["state"] == "stale"
    assert ctx["security"]["joint"]["stale_records"] == 1
    part = render_html(ctx).split('id="joint-picture"')[1].split("</section>")[0]
    assert "out of date" in part and "Reported by both parties" not in part


def test_a_reader_who_may_not_read_amber_does_not_see_it_counted(any_fw_node: Node) -> None:
    node = _reconciled(any_fw_node, amber=True)
    outsider = _reader(node, Principal("observer", "peer", "AF"))  # reads CLEAR and GREEN

    own, theirs = _joint(node), _joint(node, outsider)

    assert own["reported"] == {"both": 2, "PK": 1, "IR": 2, "neither": 1}
    assert theirs["reported"] == {"both": 2, "PK": 1, "IR": 1, "neither": 1}
    assert theirs["state"] == "reconciled"


def test_the_joint_picture_marks_the_report_with_what_it_counts(any_fw_node: Node) -> None:
    before = build_context(any_fw_node, "2026Q1", today=TODAY)["tlp"]
    node = _reconciled(any_fw_node, amber=True)
    outsider = _reader(node, Principal("observer", "peer", "AF"))

    own = build_context(node, "2026Q1", today=TODAY)
    theirs = build_context(node, "2026Q1", today=TODAY, readable=outsider)

    assert before in ("CLEAR", "GREEN")
    # The node's report counts IR's AMBER record: it is shared as AMBER. The outsider's does not count it, but
    # counts the GREEN reports of both parties.
    assert own["tlp"] == "AMBER"
    assert '<span class="tlp tlp-amber">TLP:AMBER</span>' in render_html(own)
    assert theirs["tlp"] == "GREEN"
