"""``sarhad sync | head -1``: the reader of the output going away does not stop the syncs. A real ``sarhad sync``
process, its stdout a pipe whose reader has closed, syncs every peer (real nodes served on loopback), exits 0
and prints no traceback; PK on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from sarhad.exchange.peers import add_peer, copied_leaves
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.log.helpers import publish_notes
from tests.web.conftest import serving

PARAMS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def run_with_reader_gone(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``sarhad ARGS`` in a new process whose stdout is a pipe nobody reads any more (as after ``| head -1``
    has read its line): each write to it meets EPIPE."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-m", "sarhad", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            timeout=180,
            check=False,
        )
    finally:
        os.close(write_end)


@pytest.fixture(params=PARAMS)
def hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """PK's home, with two peers, AF and IR, each holding 5 notes, served on loopback and registering PK."""
    url = request.getfixturevalue("pg_schema_url") if request.param == "postgresql" else None
    with ExitStack() as stack:
        pk = stack.enter_context(Node.init(tmp_path / "pk", "PK", database_url=url))
        for number, party in enumerate(("AF", "IR")):
            peer = stack.enter_context(Node.init(tmp_path / party.lower(), party))
            publish_notes(peer, 100 * number, 5)
            token = create_token(pk.db, party.lower(), "peer", party)
            add_peer(peer.db, "PK", "http://127.0.0.1:9", pk.signer.vkey, token)  # takes PK's cosignature
            peer_url = stack.enter_context(serving(peer))
            add_peer(pk.db, party, peer_url, peer.signer.vkey, create_token(peer.db, "pk", "peer", "PK"))
        home = pk.settings.home
        pk.close()
        yield home


def test_sync_with_its_reader_gone_syncs_every_peer(hub: Path) -> None:
    done = run_with_reader_gone("--home", str(hub), "sync")
    assert "Traceback" not in done.stderr
    assert done.returncode == 0, done.stderr
    with _open(hub) as pk:
        assert (copied_leaves(pk.db, "AF"), copied_leaves(pk.db, "IR")) == (5, 5)


def _open(home: Path) -> Node:
    from sarhad.config import load_settings

    return Node.open(load_settings(home))
