"""A hostile peer publishes, in its own signed log, records that claim to be this node's: an incident reported
by this node's party (same id as this node's own record, a later version), a figure asserted by it, an
assessment or indicator value by it. IR is a real node on loopback whose log verifies; PK's sync must refuse
the entry, naming it, keep it apart (``refused_entries``) without applying it, and keep showing its own records;
IR's log is verified and copied all the same (see tests/exchange/test_refused_entries.py for the rest of it).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import sarhad.exchange.checking as checking
from sarhad.exchange.peers import add_peer
from sarhad.exchange.refused import Refusal
from sarhad.exchange.sync import SyncResult
from sarhad.framework.ops import assess, record_indicator
from sarhad.model.figures import Figure
from sarhad.web.auth import create_token
from tests.conftest import UNUSED_TOKEN
from tests.monitor.test_evaluate import make
from tests.node_pair import Pair, pk_and_ir, refused_apart, report_bytes
from tests.web.conftest import serving

RATIONALE = "Two of four joint border meetings held at Taftan."


class Nodes(Pair):
    def sync(self, checker: str = "auto") -> SyncResult:
        return self.pk_syncs(checker)

    def stored(self) -> dict[str, list[tuple[object, ...]]]:
        """What PK holds of its own records, and shows in its views, that a forged entry could change."""
        queries = {
            "objects": "SELECT id, modified, origin FROM objects WHERE origin = 'PK' ORDER BY seq",
            "incidents": "SELECT * FROM incidents WHERE origin = 'PK' ORDER BY id",
            "assessments": "SELECT * FROM fw_assessments ORDER BY id",
            "values": "SELECT * FROM fw_indicator_values ORDER BY id",
        }
        return {name: [tuple(r) for r in self.pk.db.fetchall(sql)] for name, sql in queries.items()}

    def refused(self, result: SyncResult, pattern: str) -> Refusal:
        """The one entry ``result`` refused, whose message matches ``pattern``: kept apart with its reason, not
        applied, while IR's whole log was copied."""
        return refused_apart(self.pk, self.ir, result, pattern)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def nodes(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Nodes]:
    """PK and IR, both holding the framework; PK has IR registered as a peer, IR serves on loopback (and takes
    PK's cosignatures). On PostgreSQL each node has a schema of its own."""
    with pk_and_ir(tmp_path, request, framework="pk-ir-2025") as (pk, ir), serving(ir) as ir_url:
        add_peer(pk.db, "IR", ir_url, ir.signer.vkey, create_token(ir.db, "pk", "peer", "PK"))
        add_peer(ir.db, "PK", "http://127.0.0.1:9", pk.signer.vkey, UNUSED_TOKEN)
        yield Nodes(pk, ir)


def test_an_incident_reported_by_this_node_in_a_peers_log_is_refused(
    nodes: Nodes, capsys: pytest.CaptureFixture[str]
) -> None:
    nodes.pk.publish([make("pk-1", party="PK", killed=2)])
    # IR publishes, under PK's name and the same id, a later version that says 40 were killed.
    nodes.ir.publish([make("ir-1", party="IR"), make("pk-1", party="PK", killed=40)])
    forged = make("pk-1", party="PK").id
    before = nodes.stored()
    code, out, err = nodes.cli(capsys, "sync", "IR")
    assert code == 6, err
    assert re.search(rf"^refused: peer IR: entry \d+ \({forged}@[^)]+\): reported_by is 'PK'", out, re.MULTILINE)
    assert "reported_by is 'PK', this node's party: a peer cannot publish a record as PK's" in out
    assert nodes.stored() == before  # the forged version is kept apart; IR's own incident is taken
    assert nodes.pk.db.fetchone("SELECT 1 FROM incidents WHERE id = ?", (make("ir-1", party="IR").id,)) is not None
    (kept,) = nodes.pk.db.fetchall("SELECT object_id, reason FROM refused_entries")
    assert tuple(kept) == (forged, "reported_by is 'PK', this node's party: a peer cannot publish a record as PK's")
    row = nodes.pk.db.fetchone("SELECT killed_best, origin FROM incidents WHERE id = ?", (forged,))
    assert tuple(row or ()) == (2, "PK")


def test_a_figure_asserted_by_this_node_in_a_peers_incident_is_refused(nodes: Nodes) -> None:
    ir_own = make("ir-1", party="IR")
    claimed = Figure("killed", "total", 9, 9, 9, "party_official", "PK")
    nodes.ir.publish([dataclasses.replace(ir_own, figures=(*ir_own.figures, claimed))])
    before = nodes.stored()
    nodes.refused(
        nodes.sync(),
        rf"^peer IR: entry \d+ \({ir_own.id}@[^)]+\): figures\[1\]\.asserted_by is 'PK', this node's party",
    )
    assert nodes.stored() == before
    assert nodes.pk.db.fetchone("SELECT 1 FROM incidents WHERE id = ?", (ir_own.id,)) is None


def test_an_assessment_by_this_node_in_a_peers_log_is_refused_and_the_report_unchanged(
    nodes: Nodes, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assess(nodes.pk, "C-04", "2026Q1", 2, RATIONALE)
    # IR records "PK's" assessment of C-04 as not initiated: the same id (framework, C-04, 2026Q1, PK), later.
    assess(nodes.ir, "C-04", "2026Q1", 0, "Nothing was done.", party="PK")
    code, _, err = nodes.cli(capsys, "report", "quarterly", "--quarter", "2026Q1", "--out", str(tmp_path / "a.html"))
    assert code == 0, err
    before = nodes.stored()
    nodes.refused(nodes.sync(), r"^peer IR: entry \d+ \(x-sarhad-assessment--[^)]+\): assessor is 'PK', this node's")
    assert nodes.stored() == before
    code, out, err = nodes.cli(capsys, "framework", "show", "C-04", "--json")
    assert code == 0, err
    (shown,) = [a for a in json.loads(out)["assessments"] if a["assessor"] == "PK"]
    assert shown["level"] == 2 and shown["rationale"] == RATIONALE
    code, _, err = nodes.cli(capsys, "report", "quarterly", "--quarter", "2026Q1", "--out", str(tmp_path / "b.html"))
    assert code == 0, err
    assert report_bytes(tmp_path / "b.html") == report_bytes(tmp_path / "a.html")


def test_an_indicator_value_of_this_node_checked_in_the_second_process_is_refused(
    nodes: Nodes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Several entries, of which the syncing process checks the first itself and the checking process the rest.
    monkeypatch.setattr(checking, "LEAD", 1)
    nodes.ir.publish([make(f"ir-{i}", party="IR") for i in range(3)])
    data = nodes.pk.db.fetchone("SELECT code FROM fw_indicators ORDER BY code LIMIT 1")
    assert data is not None
    record_indicator(nodes.ir, str(data[0]), "2026Q1", 1.0, party="PK")
    before = nodes.stored()
    nodes.refused(
        nodes.sync(checker="process"),
        r"^peer IR: entry \d+ \(x-sarhad-indicator-value--[^)]+\): party is 'PK', this node",
    )
    assert nodes.stored() == before
