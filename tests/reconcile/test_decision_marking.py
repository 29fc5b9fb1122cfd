"""An analyst decision is marked no less strictly than the records it names: a decision about PK's TLP:RED
report, published at the default TLP:GREEN, would tell IR's node (by sync) that the report exists and which
incident it is about. Two real nodes on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from sarhad.exchange.peers import get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.node import Node
from sarhad.reconcile.store import cluster_of, reconcile
from tests.conftest import run_cli
from tests.node_pair import peered, pk_and_ir
from tests.reconcile.helpers import report

_KHARAN = {"lat": 28.88, "lon": 64.40, "place": "Kharan", "attack": "Armed Assault", "perpetrator": "BLA"}
_DECISIONS = "SELECT COUNT(*) FROM objects WHERE type = 'x-sarhad-cluster-decision'"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def pair(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, Node, str]]:
    """PK holding its TLP:RED report of an attack in Kharan and IR's CLEAR report of it, synced from IR and
    reconciled into one cluster; IR, PK's peer; the RED report's id."""
    with pk_and_ir(tmp_path, request) as (pk, ir), peered(pk, ir):
        red = replace(report("PK", "PK-G", "2025-11-11", killed=21, **_KHARAN), tlp="RED")  # type: ignore[arg-type]
        pk.publish([red])
        ir.publish([report("IR", "IR-G", "2025-11-11", killed=3, **_KHARAN)])  # type: ignore[arg-type]
        sync_peer(pk, get_peer(pk.db, "IR"))
        reconcile(pk.db, "PK")
        yield pk, ir, red.id


def _decisions(node: Node) -> int:
    row = node.db.fetchone(_DECISIONS)
    assert row is not None
    return int(row[0])


def _naming(node: Node, record: str) -> list[str]:
    """The bodies of the decision objects ``node`` holds that name ``record``."""
    rows = node.db.fetchall("SELECT body FROM objects WHERE type = 'x-sarhad-cluster-decision'")
    return [str(b) for (b,) in rows if b is not None and record in str(b)]


def test_a_decision_naming_a_red_record_at_green_is_refused_and_nothing_reaches_the_peer(
    pair: tuple[Node, Node, str], capsys: pytest.CaptureFixture[str]
) -> None:
    pk, ir, red = pair
    home = str(pk.settings.home)
    code, _, err = run_cli(capsys, "--home", home, "clusters", "confirm", red, "--note", "one attack", "--tlp", "green")
    assert code == 1
    said = " ".join(err.split())
    assert f"PK PK-G ({red}) is TLP:RED: a confirm decision naming it at TLP:GREEN" in said
    assert "nothing was published. Publish the decision with --tlp RED, or without --tlp" in said
    # A split names the records that stay as well: splitting IR's report out names PK's RED one.
    ir_report = next(m for m in pk.db.fetchall("SELECT id FROM incidents WHERE reported_by = 'IR'"))[0]
    code, _, err = run_cli(capsys, "--home", home, "clusters", "split", red, str(ir_report), "--tlp", "AMBER")
    assert code == 1 and "a split decision naming it at TLP:AMBER" in " ".join(err.split())
    assert _decisions(pk) == 0
    sync_peer(ir, get_peer(ir.db, "PK"))
    assert _naming(ir, red) == []


@pytest.mark.parametrize("spelled", ["RED", "TLP:RED", " red"])  # as every other command's --tlp reads it
def test_a_decision_naming_a_red_record_is_published_red_and_stays_on_the_node(
    pair: tuple[Node, Node, str], capsys: pytest.CaptureFixture[str], spelled: str
) -> None:
    pk, ir, red = pair
    code, out, err = run_cli(capsys, "--home", str(pk.settings.home), "clusters", "confirm", red, "--tlp", spelled)
    assert code == 0, err
    assert out.startswith(f"confirm: 2 records now in {cluster_of(pk.db, red)}")
    assert len(_naming(pk, red)) == 1
    sync_peer(ir, get_peer(ir.db, "PK"))
    assert _naming(ir, red) == []


def test_a_decision_at_a_level_that_is_not_tlp_is_refused(
    pair: tuple[Node, Node, str], capsys: pytest.CaptureFixture[str]
) -> None:
    pk, _, red = pair
    code, _, err = run_cli(capsys, "--home", str(pk.settings.home), "clusters", "confirm", red, "--tlp", "PURPLE")
    assert code == 1 and "TLP 'PURPLE' is not one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED" in err
    assert _decisions(pk) == 0


def test_a_decision_without_tlp_takes_the_strictest_marking_of_its_records_and_says_so(
    pair: tuple[Node, Node, str], capsys: pytest.CaptureFixture[str]
) -> None:
    pk, ir, red = pair
    home = str(pk.settings.home)
    ir_report = str(pk.db.fetchall("SELECT id FROM incidents WHERE reported_by = 'IR'")[0][0])
    # A split of IR's CLEAR report names PK's RED one as the record that stays: the decision is RED.
    code, out, err = run_cli(capsys, "--home", home, "clusters", "split", red, ir_report)
    assert code == 0, err
    assert "(published TLP:RED, the strictest marking among the records it names)" in " ".join(out.split())
    rows = pk.db.fetchall("SELECT tlp FROM objects WHERE type = 'x-sarhad-cluster-decision'")
    assert [str(t) for (t,) in rows] == ["RED"]
    # Merging them back names both: RED again, and --json says where the level came from.
    code, out, err = run_cli(capsys, "--home", home, "clusters", "merge", red, ir_report, "--json")
    assert code == 0, err
    assert (json.loads(out)["tlp"], json.loads(out)["tlp_chosen"]) == ("RED", "records")
    sync_peer(ir, get_peer(ir.db, "PK"))
    assert _naming(ir, red) == [] and _naming(ir, ir_report) == []


def test_a_decision_about_clear_records_without_tlp_is_green_and_reaches_the_peer(
    pair: tuple[Node, Node, str], capsys: pytest.CaptureFixture[str]
) -> None:
    pk, ir, _ = pair
    turbat = {"lat": 26.00, "lon": 63.05, "place": "Turbat", "attack": "Armed Assault", "perpetrator": "BLA"}
    first, second = report("PK", "PK-T1", "2025-12-01", **turbat), report("PK", "PK-T2", "2025-12-20", **turbat)  # type: ignore[arg-type]
    pk.publish([first, second])
    reconcile(pk.db, "PK")
    assert cluster_of(pk.db, first.id) != cluster_of(pk.db, second.id)
    home = str(pk.settings.home)
    code, out, err = run_cli(capsys, "--home", home, "clusters", "merge", first.id, second.id, "--same-source")
    assert code == 0, err
    assert out.rstrip().endswith("(published TLP:GREEN)")
    sync_peer(ir, get_peer(ir.db, "PK"))
    assert len(_naming(ir, first.id)) == 1
