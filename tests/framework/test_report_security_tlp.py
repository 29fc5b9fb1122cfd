"""The security context's older parts mark the quarterly report: the incidents and killed per quarter by province,
the map of the quarter's incidents near the border with the list beside it, and data-exchange timeliness each take
the highest TLP of the incidents they count or list for the reader (they fed no marking, so a node's report that
listed a TLP:AMBER incident near the border was marked GREEN: a reader would share it too widely)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sarhad.framework.report import Readable, build_context, render_html
from sarhad.model.figures import Figure
from sarhad.model.incident import Incident, Place, incident_id
from sarhad.node import Node
from sarhad.web.auth import Principal
from sarhad.web.context import Context

TODAY = date(2026, 4, 14)
OUTSIDER = Principal("observer", "peer", "AF")  # reads CLEAR and GREEN only


def _incident(
    source: str, party: str, dataset: str, day: str, name: str, lon: float, lat: float, km: float, tlp: str
) -> Incident:
    admin1, country = ("Sistan and Baluchestan", "IR") if name in ("Saravan", "Zahedan") else ("Balochistan", "PK")
    return Incident(
        id=incident_id(dataset, party, source),
        reported_by=party,
        dataset=dataset,
        source_id=source,
        date_start=day,
        date_end=day,
        place=Place(country=country, admin1=admin1, name=name, lat=lat, lon=lon, precision="near", border_km=km),
        figures=(Figure("killed", "total", 2, 2, 2, "reported", party),),
        title=f"Attack in {name}",
        tlp=tlp,
    )


# A GREEN report of the quarter near the border, so that every report shows something of the security context.
GREEN_NEAR = _incident("green-mand", "PK", "PARTY", "2026-02-10", "Mand", 62.05, 26.08, 12.0, "GREEN")
# UCDP's AMBER row of an earlier quarter, far from the border: counted in the province table alone (a dataset's
# row is no party's record, so timeliness leaves it out; the map shows the reported quarter only).
AMBER_TABLE = _incident("amber-quetta", "UCDP", "UCDP", "2025-08-15", "Quetta", 67.0, 30.18, 390.0, "AMBER")
# IR's AMBER report of the quarter near Saravan: listed beside the map (and counted in the table).
AMBER_NEAR = _incident("amber-saravan", "IR", "PARTY", "2026-03-20", "Saravan", 62.33, 27.37, 20.0, "AMBER")
# IR's AMBER report of an earlier quarter far from the border: in timeliness (and the table), not on the map.
AMBER_TIMELY = _incident("amber-zahedan", "IR", "PARTY", "2025-11-02", "Zahedan", 60.86, 29.5, 75.0, "AMBER")


def _reader(node: Node, principal: Principal) -> Readable:
    ctx = Context(node)
    return Readable(ctx.read_clause(principal, "o"), lambda f: ctx.incident_filters(principal, f))


def _context(node: Node, readable: Readable | None = None) -> dict[str, Any]:
    return build_context(node, "2026Q1", today=TODAY, readable=readable)


def _counted(security: dict[str, Any], quarter: str) -> int:
    return int(next(t["incidents"] for t in security["table"] if t["quarter"] == quarter))


def test_an_amber_incident_counted_only_in_the_province_table_makes_the_report_amber(any_fw_node: Node) -> None:
    any_fw_node.publish([GREEN_NEAR])
    assert _context(any_fw_node)["tlp"] == "GREEN"
    any_fw_node.publish([AMBER_TABLE])

    ctx = _context(any_fw_node)

    security = ctx["security"]
    assert _counted(security, "2025Q3") == 1
    assert [i["id"] for i in security["near"]] == [GREEN_NEAR.id]
    assert security["tlps"] == {"table": "AMBER", "near": "GREEN", "timeliness": "GREEN"}
    assert ctx["tlp"] == "AMBER"
    assert '<span class="tlp tlp-amber">TLP:AMBER</span>' in render_html(ctx)


def test_an_amber_incident_in_the_border_list_makes_the_report_amber(any_fw_node: Node) -> None:
    any_fw_node.publish([GREEN_NEAR, AMBER_NEAR])

    ctx = _context(any_fw_node)

    security = ctx["security"]
    assert [i["id"] for i in security["near"]] == [GREEN_NEAR.id, AMBER_NEAR.id]
    assert security["tlps"]["near"] == "AMBER"
    assert ctx["tlp"] == "AMBER"


def test_an_amber_record_in_timeliness_marks_that_part_amber(any_fw_node: Node) -> None:
    any_fw_node.publish([GREEN_NEAR, AMBER_TIMELY])

    ctx = _context(any_fw_node)

    security = ctx["security"]
    assert security["timeliness"]["IR"][2] is not None  # 2025Q4: IR's one record
    assert security["tlps"] == {"table": "AMBER", "near": "GREEN", "timeliness": "AMBER"}
    assert ctx["tlp"] == "AMBER"


def test_a_reader_who_may_not_read_amber_gets_a_report_neither_showing_nor_marked_by_it(any_fw_node: Node) -> None:
    any_fw_node.publish([GREEN_NEAR, AMBER_TABLE, AMBER_NEAR, AMBER_TIMELY])
    outsider = _reader(any_fw_node, OUTSIDER)

    own, theirs = _context(any_fw_node), _context(any_fw_node, outsider)

    assert own["tlp"] == "AMBER"
    security = theirs["security"]
    assert [_counted(security, q) for q in ("2025Q3", "2025Q4", "2026Q1")] == [0, 0, 1]
    assert [i["id"] for i in security["near"]] == [GREEN_NEAR.id]
    assert security["timeliness"]["IR"] == [None, None, None, None]
    assert security["tlps"] == {"table": "GREEN", "near": "GREEN", "timeliness": "GREEN"}
    assert theirs["tlp"] == "GREEN"
    html = render_html(theirs)
    assert "Saravan" not in html and "Quetta" not in html and "Zahedan" not in html
    assert "TLP:AMBER" not in html


def test_a_quarter_without_incidents_leaves_the_marking(any_fw_node: Node) -> None:
    ctx = _context(any_fw_node)

    assert ctx["security"]["tlps"] == {"table": None, "near": None, "timeliness": None}
    assert ctx["tlp"] in ("CLEAR", "GREEN")
