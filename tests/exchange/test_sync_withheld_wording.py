"""``sync`` says what the versions a peer did not send are: a record the peer marked TLP:RED for itself is not
lost data but expected, and says so; ``--json`` keeps ``withheld`` and adds the count by level."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from sarhad.node import Node
from tests.conftest import run_cli
from tests.monitor.test_evaluate import make
from tests.node_pair import peered, pk_and_ir


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def pair(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, Node]]:
    """PK and IR, each the other's peer, served on loopback."""
    with pk_and_ir(tmp_path, request) as (pk, ir), peered(pk, ir):
        yield pk, ir


def test_sync_says_a_record_the_peer_keeps_for_itself_is_expected(
    pair: tuple[Node, Node], capsys: pytest.CaptureFixture[str]
) -> None:
    pk, ir = pair
    home = str(ir.settings.home)
    pk.publish([make("shared"), replace(make("private"), tlp="RED")])
    code, out, err = run_cli(capsys, "--home", home, "sync", "PK")
    assert code == 0, err
    assert (
        "2 new entries, 1 object (1 record the peer marked TLP:RED for itself or for recipients it named, not shared"
        " with this node: expected), cosigned" in out
    ), out
    pk.publish([make("another"), replace(make("private 2"), tlp="RED"), replace(make("private 3"), tlp="RED")])
    code, out, err = run_cli(capsys, "--home", home, "sync", "PK", "--json")
    assert code == 0, err
    result = json.loads(out)[0]
    assert (result["withheld"], result["withheld_by_tlp"]) == (2, {"RED": 2})
    code, out, err = run_cli(capsys, "--home", home, "sync", "PK")
    assert code == 0 and "0 objects (none withheld)" in out, out
