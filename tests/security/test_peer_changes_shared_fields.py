"""A hostile peer changes the rest of a record both parties edit: the fields fixed when PK created it (a
dispute's summary or ``raised_by``, a recommendation's text, a milestone's original date), or its state (a
dispute settled or escalated, a milestone's date moved) with no history entry saying who did it. PK's sync must
refuse each such version of IR's, naming the record, the field and both values, and keep it apart; IR's
honest versions (a reply, a reply to a version PK has since revised, a settlement recorded in the history) are
taken. A version of IR's that leaves PK's position out is taken too, but PK's views and report still show PK's
words: they put PK's latest entries back.

PK and IR are real nodes on loopback (SQLite, and PostgreSQL with a schema each).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sarhad.framework.ops import add_recommendation, reply_dispute, update_dispute, update_milestone
from sarhad.node import Node
from tests.monitor.test_evaluate import make
from tests.security.shared_records import (
    BACKENDS,
    IR_POSITION,
    PK_POSITION,
    Nodes,
    framework_nodes,
    pk_dispute,
    quarterly_report,
    release_0_1_0_milestone_met,
    shown_dispute,
    this_quarter,
)

PK_REVISED = "5 of 11 requests were answered within 72 hours; one more came late."


@pytest.fixture(params=BACKENDS)
def pair(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Nodes]:
    """PK and IR holding the framework, each the other's peer (:func:`framework_nodes`)."""
    with framework_nodes(tmp_path, request) as nodes:
        yield nodes


def _summary(d: dict[str, Any]) -> None:
    d["summary"] = "Did PK withdraw its complaint?"


def _raised_by(d: dict[str, Any]) -> None:
    d["raised_by"] = "IR"


def _settled(d: dict[str, Any]) -> None:  # settled with no history entry saying who settled it
    d["status"] = "resolved-agreed"
    d["resolution"] = "PK agreed that all requests were answered."


def _escalated(d: dict[str, Any]) -> None:
    d["level"] = "ministerial"


def _moved(d: dict[str, Any]) -> None:  # the entry of the dispute's history that says who escalated it, changed
    d["history"] = [*d["history"], {"on": d["raised_on"], "by": "IR", "event": "position recorded"}]
    d["level"] = "ministerial"


REWRITES: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "summary": (
        _summary,
        r"summary is \"Did PK withdraw its complaint\?\" but PK published \"Were requests answered in time\?\": summary"
        r" is fixed when the record is created, and a peer cannot change it",
    ),
    "raised_by": (_raised_by, r"raised_by is \"IR\" but PK published \"PK\""),
    "settled": (
        _settled,
        r"status is \"resolved-agreed\" but its history records 'open': a change of state is made with the"
        r" history entry that names the party that made it",
    ),
    "escalated": (_escalated, r"level is \"ministerial\" but its history records 'technical'"),
    "escalated-with-another-entry": (_moved, r"level is \"ministerial\" but its history records 'technical'"),
}


@pytest.mark.parametrize("rewrite", sorted(REWRITES))
def test_a_peers_version_changing_a_dispute_this_node_raised_is_refused_and_kept_apart(
    pair: Nodes, capsys: pytest.CaptureFixture[str], tmp_path: Path, rewrite: str
) -> None:
    change, reason = REWRITES[rewrite]
    opened = pk_dispute(pair)
    pair.ir.publish([make("ir-1", party="IR")])
    pair.pk_syncs()
    pair.ir_publishes_changed(opened["id"], change)
    pair.ir.publish([make("ir-2", party="IR", day="2024-01-05")])  # after it, in the same sync: taken
    report = quarterly_report(pair, capsys, tmp_path / "a.html")
    before = pair.stored()
    result = pair.pk_syncs()
    pair.refused(result, rf"^peer IR: entry \d+ \({opened['id']}@[^)]+\): {reason}")
    assert pair.stored() == before
    assert pair.pk.db.fetchone("SELECT 1 FROM incidents WHERE id = ?", (make("ir-2", party="IR").id,)) is not None
    shown = shown_dispute(pair, capsys, opened["code"])
    assert (shown["summary"], shown["raised_by"], shown["status"], shown["level"]) == (
        "Were requests answered in time?",
        "PK",
        "open",
        "technical",
    )
    assert quarterly_report(pair, capsys, tmp_path / "b.html") == report


def test_a_peers_version_rewriting_a_recommendation_this_node_made_is_refused(
    pair: Nodes, capsys: pytest.CaptureFixture[str]
) -> None:
    made = add_recommendation(pair.pk, "2026Q1", "Agree a 72-hour protocol", owner="TC (intelligence)")
    pair.ir_syncs()

    def rewrite(r: dict[str, Any]) -> None:
        r["text"] = "Drop the 72-hour protocol"

    pair.ir_publishes_changed(made["id"], rewrite)
    before = pair.stored()
    pair.refused(
        pair.pk_syncs(checker="process"),
        r"text is \"Drop the 72-hour protocol\" but PK published \"Agree a 72-hour protocol\"",
    )
    assert pair.stored() == before
    status, out, err = pair.cli(capsys, "recommend", "list", "--json")
    assert status == 0, err
    assert [r["text"] for r in json.loads(out)] == ["Agree a 72-hour protocol"]


def test_a_peers_version_moving_a_milestones_original_date_is_refused(pair: Nodes) -> None:
    milestone = pair.ir.db.fetchone("SELECT id FROM fw_milestones WHERE code = 'M-05.1'")
    assert milestone is not None

    def rewrite(m: dict[str, Any]) -> None:  # the date it slipped from, moved so that it did not slip
        m["due"] = "2030-12-31"

    pair.ir_publishes_changed(str(milestone[0]), rewrite)
    pair.refused(pair.pk_syncs(), r"due is \"2030-12-31\" but PK published \"20\d\d-\d\d-\d\d\"")


def _met(m: dict[str, Any]) -> None:  # met, with no entry saying who recorded it, in this release's form
    m["status"] = "met"
    m["date_met"] = "2026-03-20"
    m["status_changes"] = []


def _met_earlier(m: dict[str, Any]) -> None:  # the date met of IR's own recorded change, moved with no entry
    m["date_met"] = "2026-01-02"


MILESTONE_CHANGES: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "met": (_met, r"status is \"met\" but its history records 'scheduled'"),
    "date met": (_met_earlier, r"date_met is \"2026-01-02\" but its history records '2026-03-20'"),
}


@pytest.mark.parametrize("change", sorted(MILESTONE_CHANGES))
def test_a_peers_version_changing_a_milestones_status_or_date_met_without_an_entry_is_refused(
    pair: Nodes, capsys: pytest.CaptureFixture[str], change: str
) -> None:
    if change == "date met":
        update_milestone(pair.ir, "M-05.1", status="met", date_met="2026-03-20")
        assert not pair.pk_syncs().refused
    milestone = pair.pk.db.fetchone("SELECT id FROM fw_milestones WHERE code = 'M-05.1'")
    assert milestone is not None
    rewrite, reason = MILESTONE_CHANGES[change]
    pair.ir_publishes_changed(str(milestone[0]), rewrite)
    before = pair.stored()
    pair.refused(pair.pk_syncs(), rf"^peer IR: entry \d+ \({milestone[0]}@[^)]+\): {reason}")
    assert pair.stored() == before


def test_a_milestone_met_by_the_peer_is_taken_with_the_entry_naming_it(
    pair: Nodes, capsys: pytest.CaptureFixture[str]
) -> None:
    update_milestone(pair.ir, "M-05.1", status="met", date_met="2026-03-20")
    assert not pair.pk_syncs().refused
    (shown,) = [m for m in pair.node_cli(pair.pk, capsys, "framework", "show", "C-05")["milestones"]
                if m["code"] == "M-05.1"]  # fmt: skip
    assert shown["status"] == "met"
    row = pair.pk.db.fetchone("SELECT body FROM objects o JOIN fw_milestones v ON v.id = o.id"
                              " AND v.modified = o.modified WHERE v.code = 'M-05.1'")  # fmt: skip
    assert row is not None
    entries = json.loads(row[0])["status_changes"]
    assert [(e["by"], e["status"], e["date_met"]) for e in entries] == [("IR", "met", "2026-03-20")]


def _met_by_release_0_1_0(m: dict[str, Any]) -> None:
    """What 0.1.0's ``milestone update --status met --date-met`` changed: status, date met and date modified, with
    no entry and no ``status_changes`` at all."""
    m.pop("status_changes", None)
    m.update(status="met", date_met="2026-03-20", date_modified="2026-03-20")


def _milestone_shown(pair: Nodes, capsys: pytest.CaptureFixture[str], node: Node, code: str) -> dict[str, Any]:
    """The milestone ``code`` of C-05 as ``node``'s ``framework show --json`` prints it."""
    shown = pair.node_cli(node, capsys, "framework", "show", "C-05")["milestones"]
    (found,) = [m for m in shown if m["code"] == code]
    assert isinstance(found, dict)
    return found


def _current_milestone(node: Node, code: str) -> dict[str, Any]:
    row = node.db.fetchone(
        "SELECT o.body FROM objects o JOIN fw_milestones v ON v.id = o.id AND v.modified = o.modified WHERE v.code = ?",
        (code,),
    )
    assert row is not None
    body: dict[str, Any] = json.loads(row[0])
    return body


def test_a_milestone_met_by_a_peer_of_release_0_1_0_is_taken_naming_that_peer(
    pair: Nodes, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    milestone = pair.pk.db.fetchone("SELECT id FROM fw_milestones WHERE code = 'M-05.1'")
    assert milestone is not None
    pair.ir_publishes_changed(str(milestone[0]), _met_by_release_0_1_0)
    published = _current_milestone(pair.ir, "M-05.1")
    assert published.keys() == release_0_1_0_milestone_met(tmp_path).keys()  # the form 0.1.0 wrote

    assert not pair.pk_syncs().refused
    assert _current_milestone(pair.pk, "M-05.1") == published  # stored as IR published it
    ir_met = {"on": published["modified"][:10], "by": "IR", "status": "met", "date_met": "2026-03-20"}
    shown = _milestone_shown(pair, capsys, pair.pk, "M-05.1")
    assert (shown["status"], shown["status_changes"]) == ("met", [ir_met])

    # PK's next change of it records the status as IR's, not PK's, and IR takes PK's version
    update_milestone(pair.pk, "M-05.1", due="2026-09-30", reason="the liaison office moved")
    assert _current_milestone(pair.pk, "M-05.1")["status_changes"] == [ir_met]
    assert not pair.ir_syncs().refused
    assert _milestone_shown(pair, capsys, pair.ir, "M-05.1")["status_changes"] == [ir_met]
    update_milestone(pair.ir, "M-05.1", status="partiallyMet", today=date(2026, 12, 31))
    assert not pair.pk_syncs().refused
    shown = _milestone_shown(pair, capsys, pair.pk, "M-05.1")
    assert shown["status"] == "partiallyMet"
    assert [(e["by"], e["status"]) for e in shown["status_changes"]] == [("IR", "met"), ("IR", "partiallyMet")]


def test_a_peers_version_leaving_this_nodes_position_out_is_taken_but_the_views_show_it(
    pair: Nodes, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    opened = pk_dispute(pair)

    def drop(d: dict[str, Any]) -> None:  # IR's reply, with PK's position and history entry left out
        d["positions"] = {"IR": {"text": IR_POSITION, "evidence_refs": [], "on": d["raised_on"]}}
        d["history"] = [{"on": d["raised_on"], "by": "IR", "event": "position recorded"}]
        d["history"].insert(0, {"on": d["raised_on"], "by": "JOINT", "event": "opened at technical level"})
        d["status"] = "under-review"

    pair.ir_publishes_changed(opened["id"], drop)
    result = pair.pk_syncs()
    assert not result.refused
    shown = shown_dispute(pair, capsys, opened["code"])
    assert shown["positions"]["PK"]["text"] == PK_POSITION
    assert shown["positions"]["IR"]["text"] == IR_POSITION
    assert {"by": "PK", "event": "opened at technical level", "on": shown["raised_on"]} in shown["history"]
    report = quarterly_report(pair, capsys, tmp_path / "r.html", quarter=this_quarter())
    assert PK_POSITION in report and IR_POSITION in report


def test_a_peers_honest_reply_to_a_version_this_node_has_since_revised_is_taken_with_both_positions(
    pair: Nodes, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    opened = pk_dispute(pair)
    reply_dispute(pair.pk, opened["code"], PK_REVISED)  # IR has not synced this yet
    reply_dispute(pair.ir, opened["code"], IR_POSITION)  # IR replies to PK's first version
    result = pair.pk_syncs()
    assert not result.refused
    shown = shown_dispute(pair, capsys, opened["code"])
    assert shown["positions"]["PK"]["text"] == PK_REVISED
    assert shown["positions"]["IR"]["text"] == IR_POSITION
    assert sorted(e["by"] for e in shown["history"]) == ["IR", "PK", "PK"]
    report = quarterly_report(pair, capsys, tmp_path / "r.html", quarter=this_quarter())
    assert PK_REVISED in report and IR_POSITION in report
    # PK's next step carries both; IR takes it.
    update_dispute(pair.pk, opened["code"], level="joint-committee", note="not settled at the technical level")
    pair.ir_syncs()
    assert pair.ir.db.fetchone("SELECT COUNT(*) FROM refused_entries") == (0,)


def test_a_settlement_or_escalation_the_peer_records_in_the_history_is_taken_naming_the_peer(
    pair: Nodes, capsys: pytest.CaptureFixture[str]
) -> None:
    opened = pk_dispute(pair)
    reply_dispute(pair.ir, opened["code"], IR_POSITION)
    update_dispute(pair.ir, opened["code"], level="joint-committee", note="not settled at the technical level")
    update_dispute(pair.ir, opened["code"], status="resolved-disagreement-noted", note="both positions noted")
    result = pair.pk_syncs(checker="process")
    assert not result.refused
    shown = shown_dispute(pair, capsys, opened["code"])
    assert (shown["status"], shown["level"]) == ("resolved-disagreement-noted", "joint-committee")
    assert shown["positions"]["PK"]["text"] == PK_POSITION
    last = shown["history"][-1]
    assert last["by"] == "IR" and re.match("status resolved-disagreement-noted", last["event"])
