"""The live stream's ids: every event carries one, and a stream opened with ``Last-Event-ID`` is sent the events
it missed, each once, or ``resync`` first when the server cannot send them; the alerts' answer says which events it
reflects (its ``seq``). HTTP against a real server on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.integration.test_dashboard_browser import PLACES, _incident
from tests.web.conftest import serving

NEW = ("PK", "pk-new", "2025-06-15", "Mashkel", "Balochistan", "Washuk", 27.90, 63.20, 4.0, "BLA", 3)
LATER = ("PK", "pk-later", "2025-06-16", "Panjgur", "Balochistan", "Panjgur", 26.97, 64.09, 6.0, "BLA", 2)

Frame = tuple[str | None, str | None, Any]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def pk(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, str]]:
    """A PK node holding PLACES with a border rule (on SQLite, or PostgreSQL), and an analyst's token."""
    url = request.getfixturevalue("pg_schema_url") if request.param == "postgresql" else None
    with Node.init(tmp_path / "pk", "PK", database_url=url) as node:
        add_rule(node.db, Rule(name="border-25km", near_border_km=25))
        node.publish(_incident(*p) for p in PLACES)
        yield node, create_token(node.db, "desk", "analyst", "PK")


def _frames(lines: Iterator[str]) -> Iterator[Frame]:
    """A stream's frames as (id, kind, data); kind and data None for a frame with an id alone; comments skipped."""
    fields: dict[str, str] = {}
    for line in lines:
        if line:
            name, _, value = line.partition(":")
            if name:
                fields[name] = value.removeprefix(" ")
            continue
        if "id" in fields or "data" in fields:
            data = json.loads(fields["data"]) if "data" in fields else None
            yield fields.get("id"), fields.get("event") if data is not None else None, data
        fields = {}


def _until(frames: Iterator[Frame], wanted: str, seconds: float = 30) -> list[Frame]:
    """The frames up to the first event whose data names ``wanted`` (a liveness bound of ``seconds``)."""
    deadline, out = time.monotonic() + seconds, []
    for frame in frames:
        out.append(frame)
        if frame[2] is not None and wanted in json.dumps(frame[2], separators=(",", ":")):
            return out
        assert time.monotonic() < deadline, out
    raise AssertionError(f"the stream ended before an event naming {wanted}: {out}")


def test_a_stream_opened_with_last_event_id_gets_what_it_missed_once(pk: tuple[Node, str]) -> None:
    node, token = pk
    new, later = _incident(*NEW), _incident(*LATER)
    with serving(node) as base, httpx.Client(base_url=base, timeout=30) as client:
        auth = {"Authorization": f"Bearer {token}"}
        with client.stream("GET", "/api/stream", headers=auth) as stream:
            frames = _frames(stream.iter_lines())
            place = next(frames)
            assert place[0] and place[1:] == (None, None)  # told its place before any event
            node.publish([new])
            seen = _until(frames, '"rule":"border-25km"')
        events = [f for f in seen if f[1]]
        assert [(kind, d.get("incident_id", d["id"])) for _, kind, d in events] == [
            ("incident", new.id),
            ("alert", new.id),
        ]
        assert all(i for i, _, _ in events) and len({i for i, _, _ in events}) == 2
        alert = events[-1][2]
        listed = client.get("/api/dashboard/alerts", headers=auth).json()
        assert alert["seq"]["alerts"] <= listed["seq"]["alerts"]  # the answer shows it: a page applies it no more
        assert alert["id"] in [a["id"] for a in listed["alerts"]]

        node.publish([later])  # while no stream is open
        resumed = {**auth, "Last-Event-ID": str(events[0][0])}  # as if it had got the incident, not the alert
        with client.stream("GET", "/api/stream", headers=resumed) as stream:
            again = [f for f in _until(_frames(stream.iter_lines()), f'"incident_id":"{later.id}"') if f[1]]
        assert [(kind, d.get("incident_id", d["id"])) for _, kind, d in again] == [
            ("alert", new.id),  # replayed
            ("incident", later.id),
            ("alert", later.id),
        ]
        assert again[0][0] == events[1][0]  # the same event, with the same id
        after = again[-1][2]
        assert after["seq"]["alerts"] > listed["seq"]["alerts"]  # the answer read before did not show it

        for stale in ("0-1", "not an id"):  # another server's id (one restarted), or none of this one's
            with client.stream("GET", "/api/stream", headers={**auth, "Last-Event-ID": stale}) as stream:
                first = next(_frames(stream.iter_lines()))
            assert first[1:] == ("resync", {"reason": "restarted"})
