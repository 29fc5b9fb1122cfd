"""An alert whose incident is not current when the live stream looks (a later version the peer withheld from this
node arrived after the alert, before the look) is streamed once a current version arrives, not lost: across real
PK and IR nodes on loopback."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from sarhad.exchange.peers import get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.marking import mark_incident
from sarhad.monitor.alerts import alert_id, list_alerts
from sarhad.monitor.rules import Rule, add_rule
from sarhad.monitor.stream import Broadcaster, Watcher
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.monitor.test_evaluate import make
from tests.node_pair import peered, pk_and_ir


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def pair(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, Node]]:
    with pk_and_ir(tmp_path, request) as (pk, ir), peered(pk, ir):
        yield pk, ir


def test_an_alert_on_an_incident_withheld_when_the_stream_looks_is_streamed_when_a_current_version_arrives(
    pair: tuple[Node, Node],
) -> None:
    pk, ir = pair
    add_rule(ir.db, Rule("jaish", perpetrators=("Jaish al-Adl",)))
    watcher = Watcher(ir.db, Broadcaster())
    assert watcher.poll() == []  # the first look only sets the marks
    record = make("withheld-then-cleared")
    pk.publish([record])
    sync_peer(ir, get_peer(ir.db, "PK"))  # the first version, which alerts
    mark_incident(pk, record.id, "RED")  # a later version IR's peer principal may not read
    sync_peer(ir, get_peer(ir.db, "PK"))  # its envelope only, before the stream looks
    assert ir.db.fetchone("SELECT COUNT(*) FROM alerts WHERE incident_id = ?", (record.id,)) == (1,)
    assert list_alerts(ir.db) == []  # stored, not listed: the incident has no current version on IR
    assert [e for e in watcher.poll() if e.kind == "alert"] == []
    mark_incident(pk, record.id, "CLEAR")  # a later version IR may read: current again
    sync_peer(ir, get_peer(ir.db, "PK"))
    alerts = [e for e in watcher.poll() if e.kind == "alert"]
    assert [(e.data["id"], e.data["rule"], e.tlp) for e in alerts] == [(alert_id("jaish", record.id), "jaish", "CLEAR")]
    assert alerts[0].data["reason"] == "perpetrator Jaish al-Adl"
    assert alerts[0].data["incident"]["id"] == record.id
    assert [e for e in watcher.poll() if e.kind == "alert"] == []  # once
    mark_incident(pk, record.id, "GREEN")  # a further version: the alert is not streamed again
    sync_peer(ir, get_peer(ir.db, "PK"))
    assert [e.kind for e in watcher.poll()] == ["incident"]


def test_an_incident_withheld_while_the_stream_looks_is_streamed_as_withheld_once_then_listed_again(
    pair: tuple[Node, Node],
) -> None:
    """The incident and its alert are listed; a later version PK withholds from IR makes them unlisted: a watcher
    started after the alert was raised (a restarted server) streams that once, with the alert, to those who read
    the copy IR holds; a current version then brings the alert back (listed_again)."""
    pk, ir = pair
    add_rule(ir.db, Rule("jaish", perpetrators=("Jaish al-Adl",)))
    record = make("listed-then-withheld")
    pk.publish([record])
    sync_peer(ir, get_peer(ir.db, "PK"))  # the first version, which alerts, before the server (re)starts
    held = ir.db.fetchone("SELECT modified FROM incidents WHERE id = ?", (record.id,))
    assert held is not None
    watcher = Watcher(ir.db, Broadcaster())
    assert watcher.poll() == []  # the first look only sets the marks
    mark_incident(pk, record.id, "RED")  # a later version IR's peer principal may not read
    sync_peer(ir, get_peer(ir.db, "PK"))
    assert list_alerts(ir.db) == []
    (event,) = watcher.poll()
    assert (event.kind, event.tlp, event.origin) == ("withheld", "CLEAR", "PK")
    assert event.data["id"] == record.id
    assert event.data["alerts"] == [alert_id("jaish", record.id)]
    assert event.data["version"] == str(held[0])  # the version held, no longer current
    assert event.data["withheld_version"] > event.data["version"]
    assert watcher.poll() == []  # once
    pk.publish([replace(make("listed-then-withheld", killed=3), tlp="RED")])  # withheld too: nothing new
    sync_peer(ir, get_peer(ir.db, "PK"))
    assert watcher.poll() == []
    mark_incident(pk, record.id, "CLEAR")  # current again: the alert is listed again
    sync_peer(ir, get_peer(ir.db, "PK"))
    events = watcher.poll()
    assert [(e.kind, e.data.get("listed_again")) for e in events] == [("incident", None), ("alert", True)]


def _events(lines: Iterator[str], until: str) -> list[tuple[str, dict[str, Any]]]:
    """The events of a ``text/event-stream`` up to and including the first whose data holds ``until``."""
    seen: list[tuple[str, dict[str, Any]]] = []
    kind = ""
    for line in lines:
        if line.startswith("event:"):
            kind = line.removeprefix("event:").strip()
        elif line.startswith("data:"):
            data = json.loads(line.removeprefix("data:"))
            seen.append((kind, data))
            if until in json.dumps(data):
                return seen
    raise AssertionError(f"the stream ended before an event naming {until}: {seen}")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def served_pair(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, Node, str]]:
    """PK and IR on loopback, each the other's peer; IR's URL."""
    with pk_and_ir(tmp_path, request) as (pk, ir), peered(pk, ir) as (_, ir_url):
        yield pk, ir, ir_url


def test_the_withheld_event_of_a_red_copy_goes_only_to_its_named_recipient(
    served_pair: tuple[Node, Node, str],
) -> None:
    """PK's TLP:RED incident names IR:desk-a; IR holds that copy. PK withholds a later version from IR: over IR's
    live stream, desk-a (named) is told the incident is withheld; desk-b (IR's too, not named, never shown it)
    is not, though both are then sent a CLEAR incident that follows."""
    pk, ir, ir_url = served_pair
    red = replace(make("red-for-desk-a"), tlp="RED", recipients=("IR:desk-a",))
    pk.publish([red])
    sync_peer(ir, get_peer(ir.db, "PK"))  # IR's peer principal reads a RED record naming an IR recipient
    assert ir.db.fetchone("SELECT tlp FROM incidents WHERE id = ?", (red.id,)) == ("RED",)
    tokens = {name: create_token(ir.db, name, "analyst", "IR") for name in ("desk-a", "desk-b")}
    after = make("clear-after")
    with httpx.Client(base_url=ir_url, timeout=60) as client, contextlib.ExitStack() as streams:
        lines = {}
        for name, token in tokens.items():
            answer = streams.enter_context(
                client.stream("GET", "/api/stream", headers={"Authorization": f"Bearer {token}"})
            )
            assert answer.status_code == 200, name
            lines[name] = answer.iter_lines()
            assert next(lines[name]) == "retry: 1000"  # subscribed: every event from here on is queued for it
        mark_incident(pk, red.id, "RED")  # RED for PK alone: IR's peer principal may not read it
        sync_peer(ir, get_peer(ir.db, "PK"))
        assert ir.db.fetchone("SELECT 1 FROM incidents WHERE id = ?", (red.id,)) is None  # withheld from IR
        pk.publish([after])  # a CLEAR incident every IR principal is sent, after the withheld one
        sync_peer(ir, get_peer(ir.db, "PK"))
        told = {name: _events(lines[name], after.id) for name in tokens}
    assert [(k, d["id"]) for k, d in told["desk-a"] if k == "withheld"] == [("withheld", red.id)]
    assert [k for k, _ in told["desk-b"] if k == "withheld"] == []
    assert ("incident", after.id) in [(k, d.get("id")) for k, d in told["desk-b"]]
