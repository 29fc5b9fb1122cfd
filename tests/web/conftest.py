"""A served PK node with the UCDP sample, and tokens for each role."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest
from starlette.types import ASGIApp

from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.web.app import create_app
from sarhad.web.auth import create_token
from sarhad.web.server import Server, config
from tests.conftest import UCDP_SAMPLE, drop_schema, postgres_url

TAXII = {"Accept": "application/taxii+json;version=2.1"}
ANY_DATABASE = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
"""The params of a fixture made once on SQLite and once on PostgreSQL."""


@dataclass
class Served:
    node: Node
    client: httpx.Client
    tokens: dict[str, str]

    def auth(self, who: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}", **extra}


@pytest.fixture
def served(node: Node) -> Iterator[Served]:
    import_file(node, "ucdp", UCDP_SAMPLE)
    tokens = {
        "admin": create_token(node.db, "root", "admin", "PK"),
        "analyst": create_token(node.db, "ana", "analyst", "PK"),
        "viewer": create_token(node.db, "val", "viewer", "PK"),
        "peer": create_token(node.db, "ir-node", "peer", "IR"),
        "public": create_token(node.db, "anyone", "viewer", "PUBLIC"),
    }
    with serving(node) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield Served(node, client, tokens)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def client(any_node: Node) -> Iterator[httpx.Client]:
    """An analyst's client of a served node holding the UCDP sample, on each database (a test file may have a
    ``client`` of its own)."""
    import_file(any_node, "ucdp", UCDP_SAMPLE)
    token = create_token(any_node.db, "ana", "analyst", "PK")
    with (
        serving(any_node) as base,
        httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as c,
    ):
        yield c


@contextmanager
def sample_reader(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, role: str
) -> Iterator[httpx.Client]:
    """A client with a ``role`` token of PK's, of a served PK node holding the UCDP sample, on the database of
    ``request.param`` ("sqlite" or "postgresql", in a schema of its own dropped at the end).

    For a module-scoped fixture of tests that only read: the node is built and served once per module and
    database instead of once per test (a second or more each on a loaded machine). A test that changes what is
    stored takes :func:`client`, a node of its own."""
    url = None
    if request.param == "postgresql":
        base = postgres_url()
        if base is None:
            pytest.skip("SARHAD_TEST_POSTGRES_URL is not set (the PostgreSQL server is needed)")
        url = f"{base}?schema=t_{uuid.uuid4().hex[:12]}"
    node = Node.init(tmp_path_factory.mktemp("pk") / "pk", "PK", database_url=url)
    try:
        import_file(node, "ucdp", UCDP_SAMPLE)
        token = create_token(node.db, "reader", role, "PK")
        with (
            serving(node) as served_at,
            httpx.Client(base_url=served_at, timeout=30, headers={"Authorization": f"Bearer {token}"}) as c,
        ):
            yield c
    finally:
        node.close()
        if url is not None:
            drop_schema(url)


@contextmanager
def serving(node: Node) -> Iterator[str]:
    """Run the node's app with uvicorn on a free loopback port in a thread; yield its base URL."""
    with running(node) as (base, _server, _thread):
        yield base


@contextmanager
def running(node: Node, app: ASGIApp | None = None) -> Iterator[tuple[str, Server, threading.Thread]]:
    """Like :func:`serving`, also yielding the server and its thread (to stop it from a test).

    ``app`` replaces the node's app (e.g. one that wraps it to misbehave on a route)."""
    port = _free_port()
    server = Server(config(app or create_app(node.settings), "127.0.0.1", port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # a liveness bound: it starts in well under a second on a quiet machine
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start within 60 s")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}", server, thread
    finally:
        server.should_exit = True
        thread.join(15)
