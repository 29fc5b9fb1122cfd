"""Stopping a served node while a dashboard holds the live stream open: everything stops, in order."""

from __future__ import annotations

import logging
import time

import httpx
import pytest

from sarhad.node import Node
from sarhad.web.auth import create_token
from sarhad.web.server import GRACE_S
from tests.web.conftest import running


def test_stopping_the_server_ends_open_streams_then_stops_the_poller_then_closes_the_node(
    node: Node, caplog: pytest.LogCaptureFixture
) -> None:
    token = create_token(node.db, "ana", "analyst", "PK")
    caplog.set_level(logging.INFO)
    with running(node) as (base, server, thread), httpx.Client(base_url=base, timeout=30) as client:
        with client.stream("GET", "/api/stream", headers={"Authorization": f"Bearer {token}"}) as stream:
            lines = stream.iter_lines()
            assert next(lines) == "retry: 1000"  # the stream is open and its poller runs
            time.sleep(0.6)  # let the poller poll a few times
            started = time.monotonic()
            server.should_exit = True
            rest = list(lines)  # the server ends the stream instead of waiting for it
        assert ": connected" in rest
        thread.join(GRACE_S)
        stopped = time.monotonic() - started
    assert not thread.is_alive()
    # Behaviour, not speed: waiting for the stream would take the grace period (GRACE_S), and the stop takes
    # 0.2-0.3 s on a loaded machine; half the grace period tells the two apart with a wide margin.
    assert stopped < GRACE_S / 2, f"the stop took {stopped:.1f} s: it waited for the open stream"
    messages = [r.getMessage() for r in caplog.records]
    assert not [m for m in messages if "live stream poll failed" in m or "closed database" in m], messages
    assert not [m for m in messages if "graceful shutdown exceeded" in m], messages
    # the lifespan's shutdown ran (the node was not left open): the stream's audited read is in the log
    rows = node.db.fetchall("SELECT action, target, logged FROM audit")
    assert ("read", "/api/stream") in {(r[0], r[1]) for r in rows}
    assert all(r[2] for r in rows), rows
