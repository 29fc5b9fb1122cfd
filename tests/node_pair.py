"""Two real nodes, PK and IR, for the tests in which one syncs from the other (a hostile or honest peer).

:func:`pk_and_ir` makes the nodes (on PostgreSQL each has a schema of its own) and closes them afterwards;
:func:`peered` serves them on loopback and registers each as the other's peer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from sarhad.exchange.peers import add_peer, get_peer
from sarhad.exchange.refused import Refusal
from sarhad.exchange.sync import SyncResult, sync_peer
from sarhad.framework.ops import init_template
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import drop_schema, run_cli
from tests.web.conftest import running


@dataclass
class Pair:
    """PK and IR, each the other's peer (:func:`peered`): PK's syncs of IR and back, and PK's command line."""

    pk: Node
    ir: Node

    def pk_syncs(self, checker: str = "auto") -> SyncResult:
        return sync_peer(self.pk, get_peer(self.pk.db, "IR"), checker=checker)

    def ir_syncs(self) -> SyncResult:
        return sync_peer(self.ir, get_peer(self.ir.db, "PK"))

    def cli(self, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
        return run_cli(capsys, "--home", str(self.pk.settings.home), *args)


_GENERATED = re.compile(rb"generated \d{4}-\d\d-\d\d \d\d:\d\d UTC")


def report_bytes(path: Path) -> bytes:
    """A rendered quarterly report without the minute it was generated in, so that two renders of the same data
    compare equal even when they straddle a minute."""
    return _GENERATED.sub(b"generated (time)", path.read_bytes())


def refused_apart(pk: Node, ir: Node, result: SyncResult, pattern: str) -> Refusal:
    """The one entry of IR's log that PK's sync ``result`` refused, whose message matches ``pattern``: kept apart
    on PK with its reason, not applied, while IR's whole log was copied."""
    (refusal,) = result.refused
    assert re.search(pattern, refusal.message), refusal.message
    kept = pk.db.fetchone("SELECT reason FROM refused_entries WHERE peer = 'IR' AND idx = ?", (refusal.index,))
    assert kept is not None and kept[0] == refusal.reason
    version = (refusal.object_id, refusal.version)
    assert pk.db.fetchone("SELECT 1 FROM objects WHERE id = ? AND modified = ?", version) is None
    size, copied = (
        ir.db.fetchone("SELECT COUNT(*) FROM log_leaves"),
        pk.db.fetchone("SELECT COUNT(*) FROM peer_leaves WHERE peer = 'IR'"),
    )
    assert size is not None and copied is not None and int(copied[0]) == int(size[0])
    return refusal


@contextmanager
def pk_and_ir(
    tmp_path: Path, request: pytest.FixtureRequest, *, framework: str | None = None
) -> Iterator[tuple[Node, Node]]:
    """PK and IR under ``tmp_path``, on SQLite, or on PostgreSQL when the fixture's ``request.param`` is
    "postgresql" (PK in the test's schema, IR in one of its own, dropped at the end); with ``framework``, both
    hold that template."""
    urls: list[str | None] = [None, None]
    if request.param == "postgresql":
        base = request.getfixturevalue("pg_schema_url")
        urls = [base, base + "_ir"]
    pk = Node.init(tmp_path / "pk", "PK", database_url=urls[0])
    ir = Node.init(tmp_path / "ir", "IR", database_url=urls[1])
    try:
        if framework is not None:
            init_template(pk, framework)
            init_template(ir, framework)
        yield pk, ir
    finally:
        pk.close()
        ir.close()
        if urls[1] is not None:
            drop_schema(urls[1])


@contextmanager
def peered(pk: Node, ir: Node) -> Iterator[tuple[str, str]]:
    """Both nodes served on loopback, each registered as the other's peer (with a peer token of the other):
    yields their URLs, PK's first."""
    with running(ir) as (ir_url, ir_server, _), running(pk) as (pk_url, _, _):
        try:
            add_peer(pk.db, "IR", ir_url, ir.signer.vkey, create_token(ir.db, "pk", "peer", "PK"))
            add_peer(ir.db, "PK", pk_url, pk.signer.vkey, create_token(pk.db, "ir", "peer", "IR"))
            yield pk_url, ir_url
        finally:
            ir_server.should_exit = True  # both servers stop at once, not one after the other
