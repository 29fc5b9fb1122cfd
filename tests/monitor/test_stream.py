"""The live stream's watcher: events in the order records were stored, and subscriptions that end on close."""

from __future__ import annotations

import asyncio

from sarhad.monitor.stream import END, Broadcaster, Watcher
from sarhad.node import Node
from tests.monitor.test_evaluate import make


def test_incident_events_come_in_the_order_the_records_were_stored(node: Node) -> None:
    watcher = Watcher(node.db, Broadcaster())
    assert watcher.poll() == []  # the first look only sets the marks
    records = [make(f"order-{i}") for i in range(8)]
    node.publish(records)
    events = [e for e in watcher.poll() if e.kind == "incident"]
    assert [e.data["id"] for e in events] == [r.id for r in records]
    assert [r.id for r in records] != sorted(r.id for r in records)  # the order is not the ids' order


def test_closing_a_broadcaster_ends_its_subscriptions_at_once() -> None:
    async def scenario() -> tuple[object, object, int]:
        broadcaster = Broadcaster()
        sub = broadcaster.subscribe()
        waiting = asyncio.create_task(sub.get(timeout=30))
        await asyncio.sleep(0)
        broadcaster.close()
        return await asyncio.wait_for(waiting, 1), await sub.get(timeout=30), len(broadcaster)

    first, again, left = asyncio.run(scenario())
    assert first is END and again is END and left == 0
