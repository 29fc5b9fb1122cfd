"""A hostile peer: a real node's app on loopback whose consistency proof is replaced by garbage.

Sync must refuse with a clear ``SarhadError`` naming the peer and what was wrong, store nothing new, and keep
working once the peer answers honestly again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from starlette.responses import JSONResponse, PlainTextResponse, StreamingResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from sarhad.errors import ExchangeError
from sarhad.exchange.client import MAX_RESPONSE_BYTES
from sarhad.exchange.peers import add_peer, get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.node import Node
from sarhad.web.app import create_app
from sarhad.web.auth import create_token
from tests.conftest import UNUSED_TOKEN
from tests.monitor.test_evaluate import make
from tests.web.conftest import running


@contextmanager
def serving_with_proof(node: Node, proof: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``node``'s app on a free loopback port, except that ``/log/proof/consistency`` answers ``proof["body"]``
    while it is set (yields the base URL and ``proof``, which the test may change)."""

    async def hostile(scope: Scope, receive: Receive, send: Send) -> None:
        await JSONResponse(proof["body"])(scope, receive, send)

    with serving_with_route(node, "/log/proof/consistency", hostile, when=lambda: "body" in proof) as url:
        yield url, proof


@contextmanager
def serving_with_route(
    node: Node, path: str, hostile: ASGIApp, when: Callable[[], bool] = lambda: True
) -> Iterator[str]:
    """``node``'s app on a free loopback port, except that ``path`` is answered by ``hostile`` while ``when()``
    holds (yields the base URL)."""
    real = create_app(node.settings)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == path and when():
            await hostile(scope, receive, send)
        else:
            await real(scope, receive, send)

    with running(node, app) as (base, _server, _thread):
        yield base


@pytest.mark.parametrize(
    "body",
    [{"hashes": ["not base64!"]}, {"hashes": [17]}, {"hashes": "AAAA"}, ["not", "an", "object"]],
    ids=["not-base64", "not-strings", "not-a-list", "not-an-object"],
)
def test_a_malformed_consistency_proof_is_refused_naming_the_peer_and_nothing_is_stored(
    tmp_path: Path, body: Any
) -> None:
    with Node.init(tmp_path / "ir", "IR") as ir, Node.init(tmp_path / "pk", "PK") as pk:
        ir.publish([make("ir-1", party="IR"), make("ir-2", party="IR")])
        token = create_token(ir.db, "pk-node", "peer", "PK")
        add_peer(ir.db, "PK", "http://127.0.0.1:9", pk.signer.vkey, UNUSED_TOKEN)  # IR accepts PK's cosignatures
        proof: dict[str, Any] = {}
        with serving_with_proof(ir, proof) as (url, proof):
            add_peer(pk.db, "IR", url, ir.signer.vkey, token)
            first = sync_peer(pk, get_peer(pk.db, "IR"))  # nothing held yet: no proof needed
            ir.publish([make("ir-3", party="IR")])
            proof["body"] = body
            held = pk.db.fetchone("SELECT COUNT(*) FROM incidents")
            with pytest.raises(ExchangeError, match=r"peer IR: its consistency proof from \d+ to \d+ is malformed"):
                sync_peer(pk, get_peer(pk.db, "IR"))
            assert pk.db.fetchone("SELECT COUNT(*) FROM incidents") == held
            del proof["body"]  # the peer answers honestly again: sync carries on from where it was
            again = sync_peer(pk, get_peer(pk.db, "IR"))
    assert again.old_size == first.new_size and again.new_size > first.new_size


def test_an_answer_larger_than_the_limit_is_refused_while_it_streams_and_nothing_is_stored(tmp_path: Path) -> None:
    async def endless(scope: Scope, receive: Receive, send: Send) -> None:
        async def chunks() -> AsyncIterator[bytes]:
            block = b"x" * (1024 * 1024)
            for _ in range(MAX_RESPONSE_BYTES // len(block) + 2):  # the limit and a bit more
                yield block

        await StreamingResponse(chunks(), media_type="text/plain")(scope, receive, send)

    with Node.init(tmp_path / "ir", "IR") as ir, Node.init(tmp_path / "pk", "PK") as pk:
        ir.publish([make("ir-1", party="IR")])
        token = create_token(ir.db, "pk-node", "peer", "PK")
        with serving_with_route(ir, "/log/checkpoint", endless) as url:
            add_peer(pk.db, "IR", url, ir.signer.vkey, token)
            with pytest.raises(ExchangeError, match=r"peer IR: GET /log/checkpoint answered more than the limit"):
                sync_peer(pk, get_peer(pk.db, "IR"))
        assert pk.db.fetchone("SELECT COUNT(*) FROM peer_leaves") == (0,)
        assert pk.db.fetchone("SELECT COUNT(*) FROM incidents") == (0,)


@pytest.mark.parametrize("answer", ["json", "text"])
def test_a_peers_error_text_is_repeated_short_and_without_its_control_characters(tmp_path: Path, answer: str) -> None:
    # a peer's 403 whose message is 100,000 characters with a terminal escape that would clear the screen
    said = "\x1b[2J\x1b[31mforged\rerror " + "y" * 100_000

    async def refusing(scope: Scope, receive: Receive, send: Send) -> None:
        if answer == "json":
            await JSONResponse({"error": {"code": "forbidden", "message": said}}, 403)(scope, receive, send)
        else:
            await PlainTextResponse(said, 403)(scope, receive, send)

    with Node.init(tmp_path / "ir", "IR") as ir, Node.init(tmp_path / "pk", "PK") as pk:
        token = create_token(ir.db, "pk-node", "peer", "PK")
        with serving_with_route(ir, "/log/checkpoint", refusing) as url:
            add_peer(pk.db, "IR", url, ir.signer.vkey, token)
            with pytest.raises(ExchangeError, match=r"peer IR: GET /log/checkpoint answered 403") as caught:
                sync_peer(pk, get_peer(pk.db, "IR"))
    message = str(caught.value)
    assert "\x1b" not in message and "\r" not in message
    assert "?[2J?[31mforged?error yyy" in message and message.endswith("…")
    assert len(message) < 500
