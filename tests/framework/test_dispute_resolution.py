"""A dispute's outcome, ``resolved_on`` and ``resolution``, is the one of the history entry that resolves it: its
day and its note. On one node (``dispute update``) and on two (PK and IR each change the dispute without having
seen the other's change, on loopback), SQLite and PostgreSQL: both nodes show the same outcome, in ``dispute
show``, the API and the quarterly report, and a dispute resolved again or reopened keeps nothing of an earlier one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sarhad.exchange.authorship import history_state, merge_versions
from sarhad.framework.model import TYPES
from sarhad.framework.ops import open_dispute, reply_dispute, update_dispute
from sarhad.framework.views import dispute_table
from sarhad.node import Node
from tests.security.shared_records import (
    BACKENDS,
    IR_POSITION,
    PK_POSITION,
    Nodes,
    framework_nodes,
    quarterly_report,
)

OPENED, IR_DAY, PK_DAY, LATER = date(2026, 3, 2), date(2026, 3, 5), date(2026, 3, 9), date(2026, 3, 20)
SUBJECT = "Were requests answered in time?"


def _opened(node: Node, day: date = OPENED) -> str:
    code: str = open_dispute(node, "C-08", "2026Q1", SUBJECT, PK_POSITION, today=day)["code"]
    return code


def _outcome(node: Node) -> tuple[str, str | None, str | None]:
    """The one dispute's status, resolved_on and resolution as ``dispute_table`` (show, list, the API) gives it."""
    (row,) = dispute_table(node.db)
    return row["status"], row["resolved_on"], row["resolution"]


def test_resolving_records_the_day_and_the_note_of_the_resolving_entry(any_fw_node: Node) -> None:
    code = _opened(any_fw_node)
    update_dispute(any_fw_node, code, status="resolved-agreed", note="72-hour protocol agreed", today=PK_DAY)
    assert _outcome(any_fw_node) == ("resolved-agreed", PK_DAY.isoformat(), "72-hour protocol agreed")
    (row,) = dispute_table(any_fw_node.db)
    assert row["history"][-1] == {
        "on": PK_DAY.isoformat(),
        "by": "PK",
        "event": "status resolved-agreed; 72-hour protocol agreed",
        "status": "resolved-agreed",
        "note": "72-hour protocol agreed",
    }


def test_a_resolution_with_an_escalation_takes_the_note_alone(any_fw_node: Node) -> None:
    code = _opened(any_fw_node)
    update_dispute(any_fw_node, code, level="ministerial", status="resolved-disagreement-noted", note="noted; closed",
                   today=PK_DAY)  # fmt: skip
    assert _outcome(any_fw_node) == ("resolved-disagreement-noted", PK_DAY.isoformat(), "noted; closed")


def test_a_reopened_dispute_has_no_outcome(any_fw_node: Node) -> None:
    code = _opened(any_fw_node)
    update_dispute(any_fw_node, code, status="resolved-agreed", note="agreed", today=PK_DAY)
    update_dispute(any_fw_node, code, status="under-review", note="IR asks to reopen", today=LATER)
    assert _outcome(any_fw_node) == ("under-review", None, None)


def test_a_dispute_resolved_again_without_a_note_keeps_no_earlier_note(any_fw_node: Node) -> None:
    code = _opened(any_fw_node)
    update_dispute(any_fw_node, code, status="resolved-agreed", note="agreed", today=PK_DAY)
    update_dispute(any_fw_node, code, status="resolved-disagreement-noted", today=LATER)
    assert _outcome(any_fw_node) == ("resolved-disagreement-noted", LATER.isoformat(), None)


def test_a_note_alone_leaves_the_outcome(any_fw_node: Node) -> None:
    code = _opened(any_fw_node)
    update_dispute(any_fw_node, code, status="resolved-agreed", note="agreed", today=PK_DAY)
    update_dispute(any_fw_node, code, note="protocol signed", today=LATER)
    assert _outcome(any_fw_node) == ("resolved-agreed", PK_DAY.isoformat(), "agreed")


@pytest.fixture(params=BACKENDS)
def nodes(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Nodes]:
    """PK and IR holding the framework, each the other's peer."""
    with framework_nodes(tmp_path, request) as pair:
        yield pair


def _shown(nodes: Nodes, capsys: pytest.CaptureFixture[str], code: str) -> list[tuple[Any, ...]]:
    """The outcome PK and IR show, each in ``dispute show --json`` and in its API."""
    shown = []
    for node in (nodes.pk, nodes.ir):
        row = nodes.node_cli(node, capsys, "dispute", "show", code)
        (api,) = nodes.api(node, "/api/disputes")["disputes"]
        shown.append((row["status"], row["resolved_on"], row["resolution"]))
        assert (api["status"], api["resolved_on"], api["resolution"]) == shown[-1]
    return shown


def test_a_resolution_put_back_into_a_peers_later_reply_is_the_outcome_on_both_nodes(
    nodes: Nodes, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = _opened(nodes.pk)
    nodes.ir_syncs()
    update_dispute(nodes.pk, code, status="resolved-agreed", note="72-hour protocol agreed", today=PK_DAY)
    reply_dispute(nodes.ir, code, IR_POSITION, today=IR_DAY)  # published later, without PK's resolution
    nodes.both_sync()
    expected = ("resolved-agreed", PK_DAY.isoformat(), "72-hour protocol agreed")
    assert _shown(nodes, capsys, code) == [expected, expected]
    for node in (nodes.pk, nodes.ir):
        report = quarterly_report(nodes, capsys, tmp_path / f"{node.settings.party}.html", node)
        assert "<strong>Outcome:</strong> 72-hour protocol agreed" in report


def test_both_parties_resolving_apart_take_the_outcome_of_the_later_entry_on_both_nodes(
    nodes: Nodes, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _opened(nodes.pk)
    nodes.ir_syncs()
    update_dispute(nodes.pk, code, status="resolved-agreed", note="agreed at the JC", today=PK_DAY)
    update_dispute(nodes.ir, code, status="resolved-agreed", note="agreed by letter", today=IR_DAY)  # later
    nodes.both_sync()
    # IR's version is current on both nodes, but PK's entry, of a later day, is the one that resolves it.
    expected = ("resolved-agreed", PK_DAY.isoformat(), "agreed at the JC")
    assert _shown(nodes, capsys, code) == [expected, expected]


def test_a_dispute_the_peer_reopened_has_no_outcome_on_either_node(
    nodes: Nodes, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _opened(nodes.pk)
    update_dispute(nodes.pk, code, status="resolved-agreed", note="agreed", today=PK_DAY)
    nodes.ir_syncs()
    update_dispute(nodes.ir, code, status="under-review", note="the protocol was not signed", today=LATER)
    nodes.both_sync()
    assert _shown(nodes, capsys, code) == [("under-review", None, None)] * 2


def test_a_peers_version_that_rewrites_the_resolution_alone_shows_the_resolving_parties_note(
    nodes: Nodes, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _opened(nodes.pk)
    update_dispute(nodes.pk, code, status="resolved-agreed", note="IR to answer within 72 hours", today=PK_DAY)
    nodes.ir_syncs()
    (dispute_id,) = nodes.ir.db.fetchone("SELECT id FROM fw_disputes WHERE code = ?", (code,)) or ()

    def rewritten(d: dict[str, Any]) -> None:  # history untouched: the note in PK's entry still says otherwise
        d["resolution"] = "PK withdrew its complaint"
        d["resolved_on"] = LATER.isoformat()

    nodes.ir_publishes_changed(dispute_id, rewritten)
    nodes.both_sync()
    expected = ("resolved-agreed", PK_DAY.isoformat(), "IR to answer within 72 hours")
    assert _shown(nodes, capsys, code) == [expected, expected]


# Notes that read like the parts of a history entry's text: a status, a level, another party's reply, or several
# parts joined as the entry's text joins them.
HOSTILE_NOTES = (
    "status open",
    "status resolved-agreed",
    "escalated to ministerial level",
    "position recorded",
    "agreed; status under-review",
    "moved to technical level; status open; position recorded",
)


@pytest.mark.parametrize("hostile", HOSTILE_NOTES)
def test_a_note_that_reads_like_a_status_or_a_level_is_a_note(any_fw_node: Node, hostile: str) -> None:
    """A note is the note, whatever it says: neither the state nor the outcome is read from its words."""
    code = _opened(any_fw_node)
    update_dispute(any_fw_node, code, status="resolved-agreed", note=hostile, today=PK_DAY)
    assert _outcome(any_fw_node) == ("resolved-agreed", PK_DAY.isoformat(), hostile)
    update_dispute(any_fw_node, code, note=hostile, today=LATER)  # a note alone: no change of state or outcome
    assert _outcome(any_fw_node) == ("resolved-agreed", PK_DAY.isoformat(), hostile)
    (row,) = dispute_table(any_fw_node.db)
    assert row["level"] == "technical"
    assert [h["event"] for h in row["history"][-2:]] == [f"status resolved-agreed; {hostile}", hostile]


def test_an_entry_of_an_older_release_is_read_from_its_text_with_the_note_last() -> None:
    """A history entry that a node of an older release wrote has its text only: a level, then a status, then the
    note, joined by '; ' (the note may hold '; ' and words like a status itself)."""
    note = "a; status open"
    entries = [
        {"on": "2026-03-02", "by": "PK", "event": "opened at technical level"},
        {"on": "2026-03-05", "by": "IR", "event": "position recorded"},
        {"on": "2026-03-09", "by": "PK", "event": f"escalated to ministerial level; status resolved-agreed; {note}"},
        {"on": "2026-03-20", "by": "IR", "event": "moved to technical level"},
    ]  # fmt: skip
    dispute = {"type": TYPES["dispute"], "modified": "2026-03-20T00:00:00.000Z", "status": "resolved-agreed",
               "level": "technical", "history": entries}  # fmt: skip
    assert history_state(dispute) == {"level": "technical", "status": "resolved-agreed"}
    merged = merge_versions(dispute, [("PK", dispute)])
    assert (merged["resolved_on"], merged["resolution"]) == ("2026-03-09", note)


@pytest.mark.parametrize("hostile", ["status open", "agreed; status under-review"])
def test_a_peers_note_that_reads_like_a_status_is_taken_and_shown_as_a_note_on_both_nodes(
    nodes: Nodes, capsys: pytest.CaptureFixture[str], hostile: str
) -> None:
    code = _opened(nodes.pk)
    update_dispute(nodes.pk, code, status="resolved-agreed", note="agreed", today=PK_DAY)
    nodes.ir_syncs()
    update_dispute(nodes.ir, code, note=hostile, today=LATER)  # IR's note alone: the dispute stays resolved
    nodes.both_sync()  # PK takes IR's version: its state is the one its history arrives at
    expected = ("resolved-agreed", PK_DAY.isoformat(), "agreed")
    assert _shown(nodes, capsys, code) == [expected, expected]
