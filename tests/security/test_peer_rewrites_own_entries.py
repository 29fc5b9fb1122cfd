"""A hostile peer rewrites this node's words inside a record both parties edit: PK's position in a dispute PK
opened, PK's follow-up of a recommendation, PK's reason for moving a milestone. IR's version of the record is a
later one, so PK's node would take it as current and show PK's words as IR wrote them. PK and IR are real nodes
on loopback, each syncing from the other; PK's sync must refuse IR's version, naming the entry and the field,
keep it apart (``refused_entries``) without applying it, and keep its report, while IR's log is copied and its
other entries taken; IR's honest reply must still be taken.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import sarhad.exchange.checking as checking
from sarhad.framework.ops import (
    add_recommendation,
    open_dispute,
    reply_dispute,
    update_dispute,
    update_milestone,
    update_recommendation,
)
from tests.monitor.test_evaluate import make
from tests.security.shared_records import (
    BACKENDS,
    IR_POSITION,
    PK_POSITION,
    Nodes,
    framework_nodes,
    pk_dispute,
    quarterly_report,
    shown_dispute,
)


@pytest.fixture(params=BACKENDS)
def nodes(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Nodes]:
    """PK and IR holding the framework, each the other's peer (:func:`framework_nodes`)."""
    with framework_nodes(tmp_path, request) as pair:
        yield pair


def test_a_peers_version_rewriting_this_nodes_dispute_position_is_refused_and_the_report_unchanged(
    nodes: Nodes, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    opened = pk_dispute(nodes)

    def rewrite(d: dict[str, Any]) -> None:  # IR's "reply": its own position, and PK's made to concede
        d["positions"]["PK"]["text"] = "All requests were answered in time."
        d["positions"]["IR"] = {"text": IR_POSITION, "evidence_refs": [], "on": d["raised_on"]}

    nodes.ir.publish([make("ir-1", party="IR")])  # IR's own record, taken (it is in the report before too)
    nodes.pk_syncs()
    nodes.ir_publishes_changed(opened["id"], rewrite)
    nodes.ir.publish([make("ir-2", party="IR", day="2024-01-05")])  # and one after it, in the same sync
    report = quarterly_report(nodes, capsys, tmp_path / "a.html")
    before = nodes.stored()
    code, out, err = nodes.cli(capsys, "sync", "IR")
    assert code == 6, err
    assert re.search(
        rf"^refused: peer IR: entry \d+ \({opened['id']}@[^)]+\): positions\['PK'\] is attributed to PK, this"
        r" node's party, but it differs from what PK published \(text\): a peer cannot write or rewrite PK's words",
        out,
        re.MULTILINE,
    ), out
    assert nodes.stored() == before
    assert nodes.pk.db.fetchone("SELECT 1 FROM incidents WHERE id = ?", (make("ir-2", party="IR").id,)) is not None
    assert shown_dispute(nodes, capsys, opened["code"])["positions"]["PK"]["text"] == PK_POSITION
    assert quarterly_report(nodes, capsys, tmp_path / "b.html") == report


@pytest.mark.parametrize("checker", ["inline", "process"])
def test_a_peers_honest_reply_keeping_this_nodes_position_is_taken(
    nodes: Nodes, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, checker: str
) -> None:
    # In the second process (all entries but the first), the check reads PK's own versions from PK's database.
    monkeypatch.setattr(checking, "LEAD", 1)
    opened = pk_dispute(nodes)
    nodes.ir.publish([make("ir-1", party="IR")])
    reply_dispute(nodes.ir, opened["code"], IR_POSITION)
    update_dispute(nodes.ir, opened["code"], level="joint-committee", note="not settled at the technical level")
    nodes.pk_syncs(checker=checker)
    shown = shown_dispute(nodes, capsys, opened["code"])
    assert shown["positions"]["PK"]["text"] == PK_POSITION
    assert shown["positions"]["IR"]["text"] == IR_POSITION
    assert shown["level"] == "joint-committee"


def test_a_position_by_this_node_that_it_never_published_is_refused(nodes: Nodes) -> None:
    # IR records "PK's" position in a dispute IR opens in PK's name: PK never published that record.
    nodes.ir.publish([make("ir-1", party="IR")])
    forged = open_dispute(nodes.ir, "C-08", "2026Q1", "Were requests answered?", "PK has no complaint.", party="PK")
    before = nodes.stored()
    nodes.refused(
        nodes.pk_syncs(checker="process"),
        rf"^peer IR: entry \d+ \({forged['id']}@[^)]+\): positions\['PK'\] is attributed to PK, this node's"
        r" party, but PK never published an entry of this record's positions",
    )
    assert nodes.stored() == before


def test_a_peers_version_rewriting_this_nodes_dispute_position_is_refused_in_the_second_process(
    nodes: Nodes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checking, "LEAD", 1)
    opened = pk_dispute(nodes)
    nodes.ir.publish([make(f"ir-{i}", party="IR") for i in range(3)])

    def rewrite(d: dict[str, Any]) -> None:  # PK's evidence and date changed, its text kept
        d["positions"]["PK"]["evidence_refs"] = ["x-sarhad-evidence--00000000-0000-5000-8000-000000000000"]
        d["positions"]["PK"]["on"] = "2026-01-01"

    nodes.ir_publishes_changed(opened["id"], rewrite)
    before = nodes.stored()
    nodes.refused(
        nodes.pk_syncs(checker="process"), r"positions\['PK'\] .* differs from what PK published \(evidence_refs, on\)"
    )
    assert nodes.stored() == before


def test_a_peers_version_rewriting_this_nodes_recommendation_follow_up_is_refused(nodes: Nodes) -> None:
    made = add_recommendation(nodes.pk, "2026Q1", "Agree a 72-hour protocol", owner="TC (intelligence)")
    update_recommendation(nodes.pk, made["code"], "in-progress", note="draft protocol sent to IR")
    nodes.ir_syncs()

    def rewrite(r: dict[str, Any]) -> None:
        r["history"][0]["note"] = "PK withdrew the protocol"

    nodes.ir_publishes_changed(made["id"], rewrite)
    before = nodes.stored()
    nodes.refused(
        nodes.pk_syncs(),
        rf"^peer IR: entry \d+ \({made['id']}@[^)]+\): history\[0\] is attributed to PK, this node's party,"
        r" but it differs from what PK published \(note\)",
    )
    assert nodes.stored() == before


def test_a_peers_honest_follow_up_of_this_nodes_recommendation_is_taken(
    nodes: Nodes, capsys: pytest.CaptureFixture[str]
) -> None:
    made = add_recommendation(nodes.pk, "2026Q1", "Agree a 72-hour protocol")
    update_recommendation(nodes.pk, made["code"], "in-progress", note="draft protocol sent to IR")
    nodes.ir_syncs()
    update_recommendation(nodes.ir, made["code"], "implemented", note="signed on both sides")
    nodes.pk_syncs()
    code, out, err = nodes.cli(capsys, "recommend", "list", "--json")
    assert code == 0, err
    (shown,) = json.loads(out)
    assert [(h["by"], h["status"], h.get("note")) for h in shown["history"]] == [
        ("PK", "in-progress", "draft protocol sent to IR"),
        ("IR", "implemented", "signed on both sides"),
    ]


def test_a_peers_version_rewriting_this_nodes_reason_for_a_new_milestone_date_is_refused(nodes: Nodes) -> None:
    update_milestone(nodes.pk, "M-05.1", due="2026-04-15", reason="moved to after the summit")
    nodes.ir_syncs()
    milestone = nodes.pk.db.fetchone("SELECT id FROM fw_milestones WHERE code = 'M-05.1'")
    assert milestone is not None

    def rewrite(m: dict[str, Any]) -> None:
        m["changes"][0]["reason"] = "PK was not ready"

    nodes.ir_publishes_changed(str(milestone[0]), rewrite)
    before = nodes.stored()
    nodes.refused(nodes.pk_syncs(), r"changes\[0\] is attributed to PK, .* differs from what PK published \(reason\)")
    assert nodes.stored() == before
