"""The live stream's watcher: events in the order records were stored, and subscriptions that end on close."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from pathlib import Path

import pytest

from sarhad.model.incident import Perpetrator
from sarhad.monitor.rules import Rule, add_rule
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


def test_the_watcher_raises_on_each_version_the_alerts_the_publisher_raises(tmp_path: Path) -> None:
    """Records written without the rules (by a process without the hook) are evaluated by the watcher, each
    version as it was written: the alerts a node whose publisher had the rules raised, a group named second
    and a killed figure a later version dropped included."""
    rules = (
        Rule("near", near_border_km=10),
        Rule("lej", perpetrators=("Lashkar-e-Jhangvi",)),
        Rule("many", min_killed=10),
        Rule("chagai", admin1=("Chagai",), crossing_km=40),
    )
    two = replace(
        make("two-groups", border_km=80), perpetrators=(Perpetrator("Jaish al-Adl"), Perpetrator("Lashkar-e-Jhangvi"))
    )
    publishes = [[make("a", killed=20), two, make("far", border_km=300, admin2="Kech", lat=26.0, lon=63.05)],
                 [make("a", killed=1)]]  # fmt: skip
    alerts = []
    for name, rules_first in (("publisher", True), ("watcher", False)):
        node = Node.init(tmp_path / name, "PK")
        try:
            watcher = Watcher(node.db, Broadcaster())
            assert watcher.poll() == []  # the first look only sets the marks
            for rule in rules if rules_first else ():
                add_rule(node.db, rule)
            for records in publishes:
                node.publish(records)
            for rule in () if rules_first else rules:
                add_rule(node.db, rule)
            events = watcher.poll()
            rows = node.db.fetchall("SELECT rule, incident_id, origin, reason FROM alerts ORDER BY rule, incident_id")
            alerts.append([tuple(r) for r in rows])
            assert sorted(e.data["rule"] for e in events if e.kind == "alert") == [r[0] for r in alerts[-1]]
        finally:
            node.close()
    assert alerts[0] == alerts[1]
    assert sorted({(r[0], r[1]) for r in alerts[1]}) == sorted(
        [("chagai", make("a").id), ("chagai", two.id), ("lej", two.id), ("many", make("a").id),
         ("near", make("a").id)]
    )  # fmt: skip


def test_the_watcher_skips_a_stored_version_that_is_not_a_valid_incident(
    node: Node, caplog: pytest.LogCaptureFixture
) -> None:
    """A body no incident can be read from (damaged in the database) is logged and skipped; the other records
    of the same look are evaluated."""
    watcher = Watcher(node.db, Broadcaster())
    assert watcher.poll() == []
    bad, good = make("bad"), make("good")
    node.publish([bad, good])
    add_rule(node.db, Rule("near", near_border_km=10))
    with node.db.transaction():
        node.db.execute("UPDATE objects SET body = ? WHERE id = ?", ('{"type": "incident", "id": "x"}', bad.id))
    with caplog.at_level(logging.WARNING, logger="sarhad.monitor.stream"):
        events = watcher.poll()
    assert [e.data["incident_id"] for e in events if e.kind == "alert"] == [good.id]
    assert f"cannot evaluate {bad.id}" in caplog.text


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
