"""A peer's record marked stricter, across real nodes on loopback, stops being shown as current everywhere, not
only in ``incidents``: PK's GREEN assessment of a commitment and its CLEAR incident, synced by IR, then marked
RED for PK alone. After IR's next sync (which brings their envelopes only) the framework views (``framework
show|list``, the quarterly report, the dashboard's framework panel, ``store rebuild``) no longer show the
assessment, and the alert IR's rule raised on the incident is listed nowhere (``alerts list``, the dashboard's
list and count), though it stays stored and is listed again once IR may read a later version; evidence marked
stricter is cited as withheld under its later marking. A copy that arrives after the envelope of its later
version is not current either, and a node's decision whose later version it knows from an envelope alone does
not constrain its clustering."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from sarhad.exchange.peers import get_peer
from sarhad.exchange.schema import MIGRATIONS as EXCHANGE
from sarhad.exchange.sync import sync_peer
from sarhad.exchange.withheld import framework_superseded, record_withheld
from sarhad.framework.ops import add_evidence, assess
from sarhad.framework.store import index_object
from sarhad.log.envelope import Envelope
from sarhad.marking import mark_incident
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from sarhad.reconcile.decisions import Decision
from sarhad.reconcile.store import load_decisions
from sarhad.store.rebuild import rebuild_views
from sarhad.store.schema import migrate
from sarhad.web.auth import create_token
from tests.conftest import run_cli
from tests.framework.test_withheld_evidence import _logged_sha256
from tests.monitor.test_evaluate import make
from tests.monitor.test_summary import from_scratch, snapshot
from tests.node_pair import peered, pk_and_ir

RATIONALE = "Two of four joint border meetings held at Taftan."
ALERTED = make("alerted")  # CLEAR, by PK, naming Jaish al-Adl


@dataclass
class Nodes:
    pk: Node
    ir: Node
    pk_url: str
    ir_url: str

    def sync(self) -> None:
        sync_peer(self.ir, get_peer(self.ir.db, "PK"))

    def cli(self, capsys: pytest.CaptureFixture[str], *args: str) -> str:
        code, out, err = run_cli(capsys, "--home", str(self.ir.settings.home), *args)
        assert code == 0, err
        return out


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def nodes(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Nodes]:
    """PK assessed C-04 for 2026Q1 (GREEN) and published a CLEAR incident; IR, with a rule on the incident's
    group, synced both (and raised an alert). On PostgreSQL each node has a schema of its own."""
    with pk_and_ir(tmp_path, request, framework="pk-ir-2025") as (pk, ir):
        assess(pk, "C-04", "2026Q1", 2, RATIONALE, tlp="GREEN")
        pk.publish([ALERTED])
        add_rule(ir.db, Rule(name="jaish", perpetrators=("Jaish",)))
        with peered(pk, ir) as (pk_url, ir_url):
            nodes = Nodes(pk, ir, pk_url, ir_url)
            nodes.sync()
            yield nodes


def _mark_red(pk: Node) -> None:
    """PK marks both records RED for its own principals: IR's peer principal is refused both new versions."""
    assess(pk, "C-04", "2026Q1", 2, RATIONALE, tlp="RED")
    mark_incident(pk, ALERTED.id, "RED")


def _pk_assessments(nodes: Nodes, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    shown = json.loads(nodes.cli(capsys, "framework", "show", "C-04", "--json"))["assessments"]
    return [a for a in shown if a["assessor"] == "PK"]


def _pk_level(nodes: Nodes, capsys: pytest.CaptureFixture[str]) -> object:
    rows = json.loads(nodes.cli(capsys, "framework", "list", "--quarter", "2026Q1", "--json"))
    (c04,) = [r for r in rows if r["id"] == "C-04"]
    return c04["status"]["2026Q1"]["PK"]


def _report(nodes: Nodes, capsys: pytest.CaptureFixture[str], out: Path) -> str:
    nodes.cli(capsys, "report", "quarterly", "--quarter", "2026Q1", "--out", str(out))
    return out.read_text(encoding="utf-8")


def test_the_framework_views_no_longer_show_a_peers_record_marked_stricter(
    nodes: Nodes, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Before: IR shows PK's GREEN assessment everywhere.
    (before,) = _pk_assessments(nodes, capsys)
    assert (before["level"], before["rationale"]) == (2, RATIONALE)
    assert _pk_level(nodes, capsys) == 2
    assert RATIONALE in _report(nodes, capsys, tmp_path / "before.html")
    _mark_red(nodes.pk)
    nodes.sync()
    # IR holds its copy still, but it is not current: no view shows it.
    held = "SELECT tlp FROM objects WHERE type = 'x-sarhad-assessment' AND origin = 'PK'"
    assert nodes.ir.db.fetchall(held) == [("GREEN",)]
    assert _pk_assessments(nodes, capsys) == []
    assert _pk_level(nodes, capsys) is None
    assert RATIONALE not in _report(nodes, capsys, tmp_path / "after.html")
    rebuild_views(nodes.ir.db)  # sarhad store rebuild does not bring it back
    assert _pk_assessments(nodes, capsys) == [] and _pk_level(nodes, capsys) is None


def test_a_node_synced_before_drops_the_stale_framework_rows_when_next_opened(
    nodes: Nodes, capsys: pytest.CaptureFixture[str]
) -> None:
    """A node that synced the withheld version before the sync dropped framework rows kept the stale row."""
    _mark_red(nodes.pk)
    nodes.sync()
    ir = nodes.ir
    row = ir.db.fetchone("SELECT body FROM objects WHERE type = 'x-sarhad-assessment' AND origin = 'PK'")
    assert row is not None
    with ir.db.transaction():  # as such a node has it: the row indexed, the migration not yet applied
        index_object(ir.db, json.loads(row[0]), "PK")
        version = EXCHANGE.index(framework_superseded) + 1
        ir.db.execute("DELETE FROM schema_migrations WHERE component = 'exchange' AND version = ?", (version,))
    stale = "SELECT COUNT(*) FROM fw_assessments WHERE origin = 'PK'"
    assert ir.db.fetchone(stale) == (1,)
    assert migrate(ir.db) == 1  # as opening the node does
    assert ir.db.fetchone(stale) == (0,)
    assert _pk_assessments(nodes, capsys) == [] and _pk_level(nodes, capsys) is None


def test_the_dashboard_shows_no_principal_the_stale_assessment_as_current(nodes: Nodes) -> None:
    """PK's admin may read IR's copy as an earlier version (the RED envelope admits the originator's
    custodian), but not as the commitment's current rating."""
    admin = create_token(nodes.ir.db, "pk-root", "admin", "PK")
    viewer = create_token(nodes.ir.db, "desk-b", "viewer", "IR")

    def panel(token: str) -> dict[str, object]:
        with httpx.Client(base_url=nodes.ir_url, timeout=30) as client:
            answer = client.get("/api/dashboard/framework", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200
        return dict(answer.json())

    assert panel(admin)["quarter"] == panel(viewer)["quarter"] == "2026Q1"
    _mark_red(nodes.pk)
    nodes.sync()
    # No rating of 2026Q1 is current any more, for PK's admin as for IR's viewer.
    assert panel(admin) == panel(viewer) and panel(admin)["quarter"] != "2026Q1"


def test_alerts_on_an_incident_marked_stricter_are_listed_nowhere_until_a_later_version_arrives(
    nodes: Nodes, capsys: pytest.CaptureFixture[str]
) -> None:
    ir = nodes.ir
    token = create_token(ir.db, "root", "admin", "IR")

    def listed() -> tuple[list[str], list[str], int]:
        cli = [a["incident_id"] for a in json.loads(nodes.cli(capsys, "alerts", "list", "--json"))]
        with httpx.Client(base_url=nodes.ir_url, timeout=30) as client:
            answer = client.get("/api/dashboard/alerts", headers={"Authorization": f"Bearer {token}"}).json()
        return cli, [a["incident_id"] for a in answer["alerts"]], answer["total"]

    assert listed() == ([ALERTED.id], [ALERTED.id], 1)
    _mark_red(nodes.pk)
    nodes.sync()
    assert listed() == ([], [], 0)
    assert ir.db.fetchone("SELECT COUNT(*) FROM alerts") == (1,)  # kept, not deleted
    mark_incident(nodes.pk, ALERTED.id, "CLEAR")  # a later version IR may read: current again
    nodes.sync()
    assert listed() == ([ALERTED.id], [ALERTED.id], 1)


def test_a_copy_arriving_after_the_envelope_of_its_later_version_is_not_current(
    nodes: Nodes, capsys: pytest.CaptureFixture[str]
) -> None:
    """IR knows a later version of PK's second assessment and incident from an envelope (as another peer's
    log would have carried it) before the sync that brings the earlier version's body."""
    pk, ir = nodes.pk, nodes.ir
    later = make("later")
    pk.publish([later])
    assessed = assess(pk, "C-04", "2026Q2", 1, RATIONALE, tlp="GREEN")
    envelopes = [
        Envelope(object_id=oid, version="2099-01-01T00:00:00.000Z", sha256="0" * 64, tlp="RED", time="2099-01-01")
        for oid in (later.id, assessed["id"])
    ]
    with ir.db.transaction():
        record_withheld(ir.db, envelopes, "PK")
    nodes.sync()
    assert ir.db.fetchone("SELECT COUNT(*) FROM objects WHERE id IN (?, ?)", (later.id, assessed["id"])) == (2,)
    assert ir.db.fetchone("SELECT 1 FROM incidents WHERE id = ?", (later.id,)) is None
    assert [a["quarter"] for a in _pk_assessments(nodes, capsys)] == ["2026Q1"]  # not 2026Q2
    assert later.id not in nodes.cli(capsys, "alerts", "list", "--json")
    assert snapshot(ir.db) == from_scratch(ir.db)  # the summaries moved the dropped row's share out


def test_a_decision_whose_later_version_was_withheld_does_not_constrain_the_clustering(any_node: Node) -> None:
    node = any_node
    decision = Decision("confirm", ("incident--a", "incident--b"))
    with node.publisher() as pub:
        version = pub.add_object(decision.to_stix("PK"), tlp="GREEN")
    (loaded,) = load_decisions(node.db, "PK")
    assert version is not None and loaded.members == decision.members
    later = Envelope(object_id=str(loaded.id), version="2099-01-01T00:00:00.000Z", sha256="0" * 64, tlp="RED",
                     time="2099-01-01T00:00:00.000Z")  # fmt: skip
    with node.db.transaction():
        record_withheld(node.db, [later], "PK")
    assert load_decisions(node.db, "PK") == []


def test_evidence_marked_stricter_is_cited_as_withheld_under_its_later_marking(
    nodes: Nodes, capsys: pytest.CaptureFixture[str]
) -> None:
    """PK's current assessment cites evidence PK then marked RED: IR shows the item as withheld with what PK's
    log shows of the RED version, not its copy of the GREEN one as readable, nor under its GREEN marking."""
    pk = nodes.pk
    url = "https://example.org/taftan-minutes"
    evidence = add_evidence(pk, url, "document", title="Minutes of the Taftan meeting", tlp="GREEN")
    assess(pk, "C-05", "2026Q1", 1, RATIONALE, evidence=[evidence["code"]], tlp="GREEN")
    nodes.sync()

    def cited() -> dict[str, object]:
        shown = json.loads(nodes.cli(capsys, "framework", "show", "C-05", "--json"))["assessments"]
        ((item,),) = [a["evidence"] for a in shown if a["assessor"] == "PK"]
        return dict(item)

    assert (cited()["readable"], cited()["tlp"]) == (True, "GREEN")
    add_evidence(pk, url, "document", incidents=[ALERTED.id], tlp="RED")  # a later version, marked RED
    nodes.sync()
    assert cited() == {
        "id": evidence["id"], "readable": False, "party": "PK", "tlp": "RED",
        "logged_sha256": _logged_sha256(pk, evidence["id"]),
    }  # fmt: skip
