"""A dispute keeps its marking through replies and updates: one opened TLP:CLEAR for the parliamentary monitors
stays theirs to read, one opened TLP:RED is not laid open to the community by the other party's reply."""

from __future__ import annotations

from sarhad.framework import ops
from sarhad.framework.quarter import Quarter, utc_today
from sarhad.framework.report import Readable, build_context
from sarhad.framework.store import load
from sarhad.node import Node
from sarhad.web.auth import Principal
from sarhad.web.context import Context


def _markings(node: Node, dispute_id: str) -> list[str]:
    return [
        str(r[0]) for r in node.db.fetchall("SELECT tlp FROM objects WHERE id = ? ORDER BY modified", (dispute_id,))
    ]


def _reader(node: Node, principal: Principal) -> Readable:
    ctx = Context(node)
    return Readable(ctx.read_clause(principal, "o"), lambda f: ctx.incident_filters(principal, f))


def test_a_clear_dispute_stays_readable_by_the_monitors_after_the_reply_and_the_update(any_fw_node: Node) -> None:
    opened = ops.open_dispute(any_fw_node, "C-02", "2025Q4", "Did both committees meet?", "Both met.", tlp="CLEAR")
    ops.reply_dispute(any_fw_node, opened["code"], "Only one met.", party="IR")
    ops.update_dispute(any_fw_node, opened["code"], level="joint-committee", note="not settled")
    assert _markings(any_fw_node, opened["id"]) == ["CLEAR", "CLEAR", "CLEAR"]
    monitor = _reader(any_fw_node, Principal("mp-committee", "viewer", "PARL"))
    (seen,) = load(any_fw_node.db, readable=monitor.objects).disputes
    assert ({p: v["text"] for p, v in seen["positions"].items()}, seen["level"]) == (
        {"PK": "Both met.", "IR": "Only one met."},
        "joint-committee",
    )
    # The current quarter's register (2025Q4 is over: its report, as of its end, has no dispute opened today).
    register = build_context(any_fw_node, str(Quarter.of(utc_today())), readable=monitor)["register"]
    assert [d["code"] for d in register] == [opened["code"]]


def test_a_red_dispute_stays_red_after_the_other_partys_reply(any_fw_node: Node) -> None:
    opened = ops.open_dispute(any_fw_node, "C-08", "2025Q4", "Requests unanswered", "7 of 11 late.", tlp="RED")
    ops.reply_dispute(any_fw_node, opened["code"], "All answered.", party="IR")
    ops.update_dispute(any_fw_node, opened["code"], note="to the joint committee")
    assert _markings(any_fw_node, opened["id"]) == ["RED", "RED", "RED"]
    community = _reader(any_fw_node, Principal("liaison", "viewer", "IR"))
    assert load(any_fw_node.db, readable=community.objects).disputes == []
