"""The live stream's numbering: a stream that reconnects with the id of the last event it got is sent the events it
missed, each once, or ``resync`` when they are no longer kept (:func:`sarhad.monitor.stream.frames`)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sarhad.monitor.stream import Broadcaster, Event, frames


def _event(n: int, tlp: str = "CLEAR") -> Event:
    return Event("incident", {"id": f"incident--{n}"}, tlp, "PK")


def _parse(frame: str) -> tuple[str | None, str | None, Any]:
    """A frame as (id, kind, data); kind and data None for a frame with an id alone."""
    fields: dict[str, str] = {}
    for line in frame.strip("\n").split("\n"):
        name, _, value = line.partition(": ")
        fields[name] = value
    return fields.get("id"), fields.get("event"), json.loads(fields["data"]) if "data" in fields else None


async def _read(broadcaster: Broadcaster, last_id: str | None, publish: list[Event], count: int) -> Any:
    """The ``count`` frames after the first of a stream opened with ``last_id`` that gets ``publish`` once open
    (:func:`_parse`); the stream's reader may read all but RED."""
    stream = frames(broadcaster, last_id, lambda e: e.tlp != "RED", lifetime=3600, keepalive=3600)
    assert await anext(stream) == "retry: 1000\n: connected\n\n"
    broadcaster.publish(publish)
    out = [_parse(await anext(stream)) for _ in range(count)]
    await stream.aclose()
    return out


def test_a_stream_resuming_from_an_id_gets_the_events_after_it_once_and_then_the_new_ones() -> None:
    async def run() -> None:
        b = Broadcaster()
        b.publish([_event(1), _event(2), _event(3)])
        got = await _read(b, b.event_id(1), [_event(4)], 3)
        assert [(i, kind, d["id"]) for i, kind, d in got] == [
            (b.event_id(2), "incident", "incident--2"),
            (b.event_id(3), "incident", "incident--3"),
            (b.event_id(4), "incident", "incident--4"),
        ]

    asyncio.run(run())


def test_a_new_stream_is_told_its_place_and_events_it_may_not_read_move_it() -> None:
    async def run() -> None:
        b = Broadcaster()
        b.publish([_event(1)])
        got = await _read(b, None, [_event(2), _event(3, "RED"), _event(4)], 3)
        assert got[0] == (b.event_id(1), None, None)  # its place before any event
        assert [(i, kind) for i, kind, _ in got[1:]] == [(b.event_id(2), "incident"), (b.event_id(4), "incident")]
        stream = frames(b, b.event_id(4), lambda e: e.tlp != "RED", lifetime=3600, keepalive=0.01)
        await anext(stream)
        assert _parse(await anext(stream)) == (b.event_id(4), None, None)
        b.publish([_event(5, "RED")])
        assert _parse(await anext(stream)) == (b.event_id(5), None, None)  # at the keep-alive, its place
        await stream.aclose()

    asyncio.run(run())


def test_an_id_of_another_broadcaster_or_too_old_gets_resync_first() -> None:
    async def run() -> None:
        b = Broadcaster(history=2)
        b.publish([_event(1), _event(2), _event(3)])
        restarted = await _read(b, Broadcaster().event_id(3), [], 1)
        assert restarted == [(b.event_id(3), "resync", {"reason": "restarted"})]
        old = await _read(b, b.event_id(0), [_event(4)], 2)
        assert old[0] == (b.event_id(3), "resync", {"reason": "too_old"})
        assert old[1][:2] == (b.event_id(4), "incident")
        kept = await _read(b, b.event_id(2), [], 2)  # events 3 and 4 are kept: no resync
        assert [(i, kind) for i, kind, _ in kept] == [(b.event_id(3), "incident"), (b.event_id(4), "incident")]
        for bad in ("", "x", f"{b.epoch}-", f"{b.epoch}-9", f"{b.epoch}-²", f"{b.epoch}--1"):
            got = await _read(b, bad, [], 1)
            assert got[0][1] == "resync", bad

    asyncio.run(run())


def test_a_stream_whose_queue_lost_events_takes_them_from_the_history() -> None:
    async def run() -> None:
        b = Broadcaster()
        stream = frames(b, None, lambda e: True, lifetime=3600, keepalive=3600)
        await anext(stream)
        for n in range(1, 1201):  # more than a subscription's queue holds (it drops the oldest)
            b.publish([_event(n)])
        got = [_parse(await anext(stream)) for _ in range(1201)]
        await stream.aclose()
        assert got[0] == (b.event_id(0), None, None)
        assert [d["id"] for _, _, d in got[1:]] == [f"incident--{n}" for n in range(1, 1201)]

    asyncio.run(run())


def test_a_stream_ends_at_its_lifetime_not_at_the_keep_alive_after_it() -> None:
    """The page reconnects when its stream ends (after 5 minutes on purpose): a stream waiting for its next
    keep-alive (every 15 s) used to outlive its lifetime by up to that long. It ends with no keep-alive sent."""

    async def run() -> list[str]:
        b = Broadcaster()
        stream = frames(b, None, lambda e: True, lifetime=0.05, keepalive=30)
        return [frame async for frame in stream]

    got = asyncio.run(run())
    assert got[0] == "retry: 1000\n: connected\n\n"
    assert not any("keep-alive" in frame for frame in got), got
