"""One refused entry does not stop exchange with a peer for good.

IR, a real node on loopback whose log verifies, publishes among its own records one that speaks for PK (an
assessment "received off-line" under PK's name) or that rewrites PK's words in a record both edit. PK's sync
verifies and keeps IR's whole log (leaves, checkpoint, cosignature), keeps the refused entry apart with its
reason and the body served (``refused_entries``), applies every other entry before and after it and in later
syncs, and keeps its own record as it wrote it; ``sync`` exits 6 and ``peer list`` counts the refused entries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

import sarhad.exchange.checking as checking
from sarhad.exchange.peers import get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.framework.ops import assess, open_dispute
from sarhad.model.incident import SARHAD_EXTENSION
from tests.monitor.test_evaluate import make
from tests.node_pair import Pair, peered, pk_and_ir

REFUSED = 6  # sarhad sync's exit status when a peer's log verified but some of its entries were refused
RATIONALE = "Two of four joint border meetings held at Taftan."
PK_POSITION = "4 of 11 requests were answered within 72 hours."


class Nodes(Pair):
    def ir_size(self) -> int:
        row = self.ir.db.fetchone("SELECT COUNT(*) FROM log_leaves")
        assert row is not None
        return int(row[0])

    def refused(self) -> list[tuple[Any, ...]]:
        return [
            tuple(r)
            for r in self.pk.db.fetchall(
                "SELECT peer, idx, object_id, version, sha256, reason, body FROM refused_entries ORDER BY idx"
            )
        ]

    def incidents_of_ir(self) -> set[str]:
        return {str(r[0]) for r in self.pk.db.fetchall("SELECT id FROM incidents WHERE origin = 'IR'")}

    def assert_log_kept_and_cosigned(self) -> None:
        """PK holds IR's whole log at its latest checkpoint, and IR took PK's cosignature of it."""
        size = self.ir_size()
        leaves = self.pk.db.fetchone("SELECT COUNT(*) FROM peer_leaves WHERE peer = 'IR'")
        assert leaves is not None and int(leaves[0]) == size
        top = self.pk.db.fetchone("SELECT MAX(size) FROM peer_checkpoints WHERE peer = 'IR'")
        assert top is not None and int(top[0]) == size
        assert self.pk.db.fetchone("SELECT 1 FROM owed_cosignatures WHERE peer = 'IR'") is None
        assert self.ir.db.fetchone("SELECT 1 FROM log_cosignatures WHERE size = ?", (size,)) is not None


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def nodes(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Nodes]:
    """PK and IR, both holding the framework, both serving on loopback, each registered as the other's peer."""
    with pk_and_ir(tmp_path, request, framework="pk-ir-2025") as (pk, ir), peered(pk, ir):
        yield Nodes(pk, ir)


def _ir_body(nodes: Nodes, object_id: str) -> tuple[str, str, str]:
    """IR's latest version of ``object_id``: (version, SHA-256, body as served)."""
    row = nodes.ir.db.fetchone(
        "SELECT modified, sha256, body FROM objects WHERE id = ? ORDER BY modified DESC LIMIT 1", (object_id,)
    )
    assert row is not None
    return str(row[0]), str(row[1]), str(row[2])


def _pk_assessment(nodes: Nodes, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out, err = nodes.cli(capsys, "framework", "show", "C-04", "--json")
    assert code == 0, err
    (shown,) = [a for a in json.loads(out)["assessments"] if a["assessor"] == "PK"]
    return dict(shown)


def test_sync_keeps_a_refused_claim_apart_applies_the_rest_and_exits_6(
    nodes: Nodes, capsys: pytest.CaptureFixture[str]
) -> None:
    assess(nodes.pk, "C-04", "2026Q1", 2, RATIONALE)
    before = _pk_assessment(nodes, capsys)
    nodes.ir.publish([make("ir-1", party="IR")])
    forged = assess(nodes.ir, "C-04", "2026Q1", 0, "Nothing was done.", party="PK")
    nodes.ir.publish([make("ir-2", party="IR")])
    version, sha, body = _ir_body(nodes, forged["id"])
    code, out, err = nodes.cli(capsys, "sync", "IR")
    assert code == REFUSED, err
    assert re.search(
        rf"refused: peer IR: entry (\d+) \({forged['id']}@{re.escape(version)}\): assessor is 'PK', this node's"
        r" party: a peer cannot publish a record as PK's",
        out,
    ), out
    ((peer, idx, object_id, got_version, got_sha, reason, got_body),) = nodes.refused()
    assert (peer, object_id, got_version, got_sha, got_body) == ("IR", forged["id"], version, sha, body)
    assert reason == "assessor is 'PK', this node's party: a peer cannot publish a record as PK's"
    leaf = nodes.pk.db.fetchone("SELECT envelope FROM peer_leaves WHERE peer = 'IR' AND idx = ?", (idx,))
    assert leaf is not None and forged["id"] in str(leaf[0])
    # The entries before and after it are applied; the forged version is not, and PK's own record stands.
    assert nodes.incidents_of_ir() == {make("ir-1", party="IR").id, make("ir-2", party="IR").id}
    assert nodes.pk.db.fetchone("SELECT 1 FROM objects WHERE id = ? AND origin = 'IR'", (forged["id"],)) is None
    assert _pk_assessment(nodes, capsys) == before
    nodes.assert_log_kept_and_cosigned()
    # peer list counts it, in text and JSON.
    code, out, err = nodes.cli(capsys, "peer", "list", "--json")
    assert code == 0, err
    assert [p["refused_entries"] for p in json.loads(out) if p["name"] == "IR"] == [1]
    code, out, err = nodes.cli(capsys, "peer", "list")
    assert code == 0, err
    assert "refused" in out and re.search(r"IR .* 1 refused", out), out
    # A later sync applies IR's later entries, and refuses nothing again: exit 0, the refusal kept once.
    nodes.ir.publish([make("ir-3", party="IR")])
    code, out, err = nodes.cli(capsys, "sync", "IR")
    assert code == 0, err
    assert "refused" not in out
    assert make("ir-3", party="IR").id in nodes.incidents_of_ir()
    assert len(nodes.refused()) == 1
    nodes.assert_log_kept_and_cosigned()
    assert _pk_assessment(nodes, capsys) == before


@pytest.mark.parametrize("checker", ["inline", "process"])
def test_a_refused_entry_is_kept_apart_in_either_process(
    nodes: Nodes, monkeypatch: pytest.MonkeyPatch, checker: str
) -> None:
    # The syncing process checks the first entry itself, the checking process the rest (the refused one too).
    monkeypatch.setattr(checking, "LEAD", 1)
    nodes.ir.publish([make(f"ir-{i}", party="IR") for i in range(3)])
    # An incident "reported by PK" in IR's log, the same id as PK's own record.
    nodes.pk.publish([make("pk-1", party="PK", killed=2)])
    nodes.ir.publish([make("pk-1", party="PK", killed=40), make("ir-9", party="IR")])
    result = nodes.pk_syncs(checker=checker)
    forged = make("pk-1", party="PK").id
    ((refusal),) = result.refused
    assert refusal.object_id == forged and refusal.reason.startswith("reported_by is 'PK', this node's party")
    assert result.entries == nodes.ir_size() and result.objects == result.entries - 1 and result.withheld == 0
    assert "1 refused" in result.summary()
    assert result.as_dict()["refused"][0]["index"] == refusal.index
    assert [r[2] for r in nodes.refused()] == [forged]
    assert nodes.incidents_of_ir() == {make(f"ir-{i}", party="IR").id for i in (0, 1, 2, 9)}
    row = nodes.pk.db.fetchone("SELECT killed_best, origin FROM incidents WHERE id = ?", (forged,))
    assert tuple(row or ()) == (2, "PK")
    nodes.assert_log_kept_and_cosigned()
    # Nothing new: nothing refused again, nothing duplicated.
    assert nodes.pk_syncs(checker=checker).refused == ()
    assert len(nodes.refused()) == 1


def test_a_refused_rewrite_of_a_shared_record_leaves_the_later_correct_version_applied(
    nodes: Nodes, capsys: pytest.CaptureFixture[str]
) -> None:
    opened = open_dispute(nodes.pk, "C-08", "2026Q1", "Were requests answered in time?", PK_POSITION)
    sync_peer(nodes.ir, get_peer(nodes.ir.db, "PK"))
    original = orjson.loads(_ir_body(nodes, opened["id"])[2])

    def publish_on_ir(pk_text: str) -> None:
        body = json.loads(json.dumps(original))
        body["positions"]["PK"]["text"] = pk_text
        body["positions"]["IR"] = {"text": "All were answered.", "evidence_refs": [], "on": body["raised_on"]}
        with nodes.ir.publisher() as pub:
            assert pub.add_object(body, tlp="GREEN") is not None

    publish_on_ir("All requests were answered in time.")  # PK's words rewritten: refused
    nodes.ir.publish([make("ir-1", party="IR")])
    result = nodes.pk_syncs()
    ((refusal),) = result.refused
    assert refusal.object_id == opened["id"]
    assert "positions['PK'] is attributed to PK, this node's party, but it differs" in refusal.reason
    assert make("ir-1", party="IR").id in nodes.incidents_of_ir()
    code, out, err = nodes.cli(capsys, "dispute", "show", opened["code"], "--json")
    assert code == 0, err
    assert json.loads(out)["positions"]["PK"]["text"] == PK_POSITION
    assert "IR" not in json.loads(out)["positions"]
    # IR's later, correct reply (PK's position as PK wrote it) is applied normally.
    publish_on_ir(PK_POSITION)
    assert nodes.pk_syncs().refused == ()
    code, out, err = nodes.cli(capsys, "dispute", "show", opened["code"], "--json")
    assert code == 0, err
    shown = json.loads(out)["positions"]
    assert shown["PK"]["text"] == PK_POSITION and shown["IR"]["text"] == "All were answered."
    assert len(nodes.refused()) == 1
    nodes.assert_log_kept_and_cosigned()


def test_sync_json_reports_each_refused_entry(nodes: Nodes, capsys: pytest.CaptureFixture[str]) -> None:
    nodes.ir.publish([make("pk-1", party="PK"), make("ir-1", party="IR")])
    code, out, err = nodes.cli(capsys, "sync", "IR", "--json")
    assert code == REFUSED, err
    (result,) = json.loads(out)
    assert result["stored"] is True and result["cosigned"] is True and result["ok"] is False
    (refused,) = result["refused"]
    assert refused["object_id"] == make("pk-1", party="PK").id
    assert refused["reason"].startswith("reported_by is 'PK', this node's party")
    assert set(refused) == {"index", "object_id", "version", "sha256", "reason"}


def test_log_verify_counts_the_refused_entries_and_checks_their_bodies(
    nodes: Nodes, capsys: pytest.CaptureFixture[str]
) -> None:
    nodes.ir.publish([make("pk-1", party="PK"), make("ir-1", party="IR")])
    assert len(nodes.pk_syncs().refused) == 1
    code, out, err = nodes.cli(capsys, "log", "verify", "--json")
    assert code == 0, err
    assert json.loads(out)["peers"]["IR"]["refused_entries"] == 1
    code, out, err = nodes.cli(capsys, "log", "verify")
    assert code == 0, err
    assert "1 refused entry kept apart" in out
    # A body kept that is not the one the peer logged is found, naming the entry.
    (idx,) = [r[1] for r in nodes.refused()]
    with nodes.pk.db.transaction():
        nodes.pk.db.execute("UPDATE refused_entries SET body = ? WHERE idx = ?", ('{"type":"incident"}', idx))
    code, _, err = nodes.cli(capsys, "log", "verify")
    assert code == 1
    assert re.search(
        rf"peer IR: refused entry {idx} \(incident--[^)]+\): the body kept does not hash to the SHA-256", err
    ), err


@pytest.mark.parametrize("checker", ["inline", "process"])
def test_an_incident_that_is_no_valid_record_is_refused_and_the_rest_applied(
    nodes: Nodes, monkeypatch: pytest.MonkeyPatch, checker: str
) -> None:
    monkeypatch.setattr(checking, "LEAD", 1)
    nodes.ir.publish([make("ir-1", party="IR")])
    # IR's log holds an incident of its own whose latitude is off the globe: correctly logged, never readable.
    bad = orjson.loads(_ir_body(nodes, make("ir-1", party="IR").id)[2])
    bad["id"] = make("ir-bad", party="IR").id
    bad["extensions"][SARHAD_EXTENSION]["place"]["lat"] = 123.4
    with nodes.ir.publisher() as pub:
        assert pub.add_object(bad, tlp="GREEN") is not None
    nodes.ir.publish([make("ir-2", party="IR")])
    result = nodes.pk_syncs(checker=checker)
    ((refusal),) = result.refused
    assert refusal.object_id == bad["id"]
    assert refusal.reason.startswith("the object is not a valid incident record: ")
    assert "123.4" in refusal.reason
    assert nodes.incidents_of_ir() == {make("ir-1", party="IR").id, make("ir-2", party="IR").id}
    assert nodes.pk.db.fetchone("SELECT 1 FROM objects WHERE id = ?", (bad["id"],)) is None
    nodes.assert_log_kept_and_cosigned()
