"""An alert's life across real PK and IR nodes on loopback: a peer's later versions update or end the alerts IR
raised on the earlier ones (a version no rule may alert on too, which a sync does not evaluate), a version the
peer withholds changes nothing, and an alert withheld while the stream looked is streamed when a current version
arrives, by a server restarted meanwhile."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from sarhad.exchange.peers import get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.marking import mark_incident
from sarhad.monitor.alerts import list_alerts
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.monitor.test_evaluate import make
from tests.node_pair import peered, pk_and_ir
from tests.web.conftest import serving


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def pair(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, Node]]:
    with pk_and_ir(tmp_path, request) as (pk, ir), peered(pk, ir):
        yield pk, ir


def _sync(pk: Node, ir: Node) -> str | None:
    """IR syncs PK; the version of the incident PK published last (PK's current one)."""
    sync_peer(ir, get_peer(ir.db, "PK"))
    row = pk.db.fetchone("SELECT modified FROM incidents ORDER BY modified DESC LIMIT 1")
    return None if row is None else str(row[0])


def _stored(ir: Node, incident_id: str) -> tuple[str | None, str | None, int]:
    """The alert's version and lapse as stored (listed or not), and how many changes it had."""
    row = ir.db.fetchone("SELECT version, lapsed FROM alerts WHERE incident_id = ?", (incident_id,))
    assert row is not None
    events = ir.db.fetchone("SELECT COUNT(*) FROM alert_events")
    assert events is not None
    return row[0], row[1], int(events[0])


def test_a_peers_later_versions_update_end_and_revive_the_alert(pair: tuple[Node, Node]) -> None:
    pk, ir = pair
    add_rule(ir.db, Rule("deadly", min_killed=5))
    record = make("peer-toll", killed=7)
    pk.publish([record])
    first = _sync(pk, ir)
    pk.publish([make("peer-toll", killed=30)])
    second = _sync(pk, ir)
    (alert,) = list_alerts(ir.db)
    assert (alert.state, alert.version, alert.changes) == (
        "matches",
        second,
        ({"fact": "killed", "old": 7, "new": 30},),
    )
    assert alert.version != first
    pk.publish([make("peer-toll", killed=2)])  # no rule may alert on it: the sync does not evaluate it
    third = _sync(pk, ir)
    (alert,) = list_alerts(ir.db)
    assert (alert.state, alert.lapsed, alert.version) == ("no_longer_matches", third, second)
    pk.publish([make("peer-toll", killed=40)])
    fourth = _sync(pk, ir)
    (alert,) = list_alerts(ir.db)
    assert (alert.state, alert.version, alert.changes) == (
        "matches",
        fourth,
        ({"fact": "killed", "old": 30, "new": 40},),
    )


def test_a_version_the_peer_withholds_changes_nothing_of_the_alert(pair: tuple[Node, Node]) -> None:
    pk, ir = pair
    add_rule(ir.db, Rule("deadly", min_killed=5))
    record = make("withheld-toll", killed=30)
    pk.publish([record])
    first = _sync(pk, ir)
    pk.publish([replace(make("withheld-toll", killed=2), tlp="RED")])  # would end it, were IR to read it
    _sync(pk, ir)
    assert _stored(ir, record.id) == (first, None, 0)
    assert list_alerts(ir.db) == []  # not listed while the incident has no current version here
    mark_incident(pk, record.id, "CLEAR")  # the same facts, readable: IR reads that it no longer matches
    cleared = _sync(pk, ir)
    assert _stored(ir, record.id) == (first, cleared, 1)
    (alert,) = list_alerts(ir.db)
    assert alert.state == "no_longer_matches"


def _events_until(lines: Iterator[str], wanted: str, seconds: float = 20) -> list[tuple[str, dict[str, object]]]:
    """The stream's events up to the first whose data names ``wanted``."""
    deadline = time.monotonic() + seconds
    kind, out = "", []
    for line in lines:
        if line.startswith("event: "):
            kind = line[len("event: ") :]
        elif line.startswith("data: "):
            out.append((kind, json.loads(line[len("data: ") :])))
            if wanted in line:
                return out
        if time.monotonic() > deadline:
            break
    raise AssertionError(f"no event naming {wanted} in {out}")


def test_an_alert_withheld_is_streamed_by_the_restarted_server_when_a_current_version_arrives(
    pair: tuple[Node, Node],
) -> None:
    """The alert is raised, then its incident withheld, while IR's server streams; the server restarts before a
    current version arrives: the new server streams the alert then (the store says the version before was
    withheld), as the list shows it again."""
    pk, ir = pair
    add_rule(ir.db, Rule("jaish", perpetrators=("Jaish al-Adl",)))
    token = create_token(ir.db, "desk", "viewer", "IR")
    headers = {"Authorization": f"Bearer {token}"}
    record = make("restart")
    with serving(ir) as base, httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        with client.stream("GET", "/api/stream") as stream:
            assert next(stream.iter_lines()) == "retry: 1000"
            pk.publish([record])
            _sync(pk, ir)  # the first version, which alerts
            mark_incident(pk, record.id, "RED")  # a later version IR's peer principal may not read
            _sync(pk, ir)
    assert list_alerts(ir.db) == []
    assert ir.db.fetchone("SELECT COUNT(*) FROM alerts") == (1,)  # raised, not listed
    with serving(ir) as base, httpx.Client(base_url=base, headers=headers, timeout=30) as client:  # restarted
        with client.stream("GET", "/api/stream") as stream:
            lines = stream.iter_lines()
            assert next(lines) == "retry: 1000"  # subscribed: the watcher has set its marks
            mark_incident(pk, record.id, "CLEAR")  # a later version IR may read: current again
            _sync(pk, ir)
            events = _events_until(lines, '"rule":"jaish"')
    assert [kind for kind, _ in events] == ["incident", "alert"]
    alert = events[-1][1]
    assert (alert["rule"], alert["incident_id"], alert["listed_again"]) == ("jaish", record.id, True)
    assert alert["state"] == "matches"


def test_an_incident_withheld_is_streamed_by_the_restarted_server_as_withheld(pair: tuple[Node, Node]) -> None:
    """The alert is raised while no server runs; the server starts, then PK withholds a later version: the stream
    says the incident is no longer listed, with its alert, as the alerts' list no longer shows it."""
    pk, ir = pair
    add_rule(ir.db, Rule("jaish", perpetrators=("Jaish al-Adl",)))
    token = create_token(ir.db, "desk", "viewer", "IR")
    record = make("withheld-after-restart")
    pk.publish([record])
    _sync(pk, ir)  # the first version, which alerts
    (listed,) = list_alerts(ir.db)
    with (
        serving(ir) as base,
        httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client,
        client.stream("GET", "/api/stream") as stream,
    ):
        lines = stream.iter_lines()
        assert next(lines) == "retry: 1000"  # subscribed: the watcher has set its marks
        mark_incident(pk, record.id, "RED")  # a later version IR's peer principal may not read
        _sync(pk, ir)
        events = _events_until(lines, record.id)
    assert list_alerts(ir.db) == []
    assert [kind for kind, _ in events] == ["withheld"]
    withheld = events[0][1]
    assert (withheld["id"], withheld["alerts"], withheld["version"]) == (record.id, [listed.id], listed.version)
