"""``sarhad peer add`` says whether it registered a new peer or changed one already registered."""

from __future__ import annotations

import pytest

from sarhad.exchange.peers import get_peer
from sarhad.log.note import Signer
from sarhad.node import Node
from tests.conftest import run_cli


def test_peer_add_again_says_updated_and_keeps_one_peer(node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    home = ("--home", str(node.settings.home))
    vkey = Signer.generate("sarhad.ir/log").verifier.vkey
    code, out, err = run_cli(
        capsys, *home, "peer", "add", "IR", "http://127.0.0.1:8402", "--vkey", vkey, "--token", "t1"
    )
    assert code == 0, err
    assert out == "added peer IR (IR) at http://127.0.0.1:8402, log sarhad.ir/log\n"
    # The operator fixes the URL and token, as the exchange guide says: the same peer, changed, not a second one.
    code, out, err = run_cli(
        capsys, *home, "peer", "add", "IR", "http://127.0.0.1:8502", "--vkey", vkey, "--token", "t2"
    )
    assert code == 0, err
    assert out == "updated peer IR (IR): now at http://127.0.0.1:8502, log sarhad.ir/log\n"
    peer = get_peer(node.db, "IR")
    assert (peer.url, peer.token) == ("http://127.0.0.1:8502", "t2")
