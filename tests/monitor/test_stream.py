"""The live stream's watcher: events in the order records were stored, the alerts their writers raised (the
same whenever it looks), and subscriptions that end on close."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from sarhad.config import load_settings
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


def test_the_watcher_streams_the_alerts_the_publisher_raised_and_raises_none_itself(node: Node) -> None:
    """The alerts of each version are the publisher's (a group named second and a killed figure a later version
    dropped included); the watcher streams them, and a rule added after the records were written does not alert
    on them, however late the watcher looks: a rule applies to the records written after it."""
    rules = (
        Rule("near", near_border_km=10),
        Rule("lej", perpetrators=("Lashkar-e-Jhangvi",)),
        Rule("many", min_killed=10),
        Rule("chagai", admin1=("Chagai",), crossing_km=40),
    )
    two = replace(
        make("two-groups", border_km=80), perpetrators=(Perpetrator("Jaish al-Adl"), Perpetrator("Lashkar-e-Jhangvi"))
    )
    far = make("far", border_km=300, admin2="Kech", lat=26.0, lon=63.05)
    watcher = Watcher(node.db, Broadcaster())
    assert watcher.poll() == []  # the first look only sets the marks
    for rule in rules:
        add_rule(node.db, rule)
    node.publish([make("a", killed=20), two, far])
    node.publish([make("a", killed=1)])
    add_rule(node.db, Rule("late", near_border_km=500))
    events = watcher.poll()
    rows = node.db.fetchall("SELECT rule, incident_id FROM alerts ORDER BY rule, incident_id")
    assert [tuple(r) for r in rows] == sorted(
        [("chagai", make("a").id), ("chagai", two.id), ("lej", two.id), ("many", make("a").id),
         ("near", make("a").id)]
    )  # fmt: skip
    assert sorted((e.data["rule"], e.data["incident_id"]) for e in events if e.kind == "alert") == [
        tuple(r) for r in rows
    ]


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("looks", ["after each write", "after the last write"])
def test_the_alerts_of_records_another_connection_writes_do_not_depend_on_when_the_watcher_looks(
    database: str, looks: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The rules that read the database (a surge, a disagreement) judge each record as the database was when it
    was written, in the writer's transaction; the server's watcher, on its own connection, only streams the
    alerts. Were it to evaluate the records again when it notices them, an earlier record would find the later
    ones (three incidents in the window, another party's disagreeing report) and alert too, but only when the
    watcher looked late."""
    url = request.getfixturevalue("pg_schema_url") if database == "postgresql" else None
    Node.init(tmp_path / "pk", "PK", database_url=url).close()
    writer = Node.open(load_settings(tmp_path / "pk"))
    server = Node.open(load_settings(tmp_path / "pk"))  # the server's own connection, as the app opens it
    try:
        add_rule(writer.db, Rule("surge", surge_window_days=7, surge_factor=3, surge_baseline_days=70))
        add_rule(writer.db, Rule("disputed", disagrees=True))
        watcher = Watcher(server.db, Broadcaster())
        assert watcher.poll() == []  # the first look only sets the marks
        first, second, third = (make(f"s{i}", day=f"2025-04-{10 + i}") for i in range(1, 4))
        ir = make("ir", party="IR", day="2025-04-12", lat=29.02, lon=61.45, killed=6)
        events = []
        for record in (first, second, third, ir):
            writer.publish([record])
            if looks == "after each write":
                events += watcher.poll()
        events += watcher.poll()
        rows = server.db.fetchall("SELECT rule, incident_id FROM alerts ORDER BY rule, incident_id")
        expected = sorted([("disputed", ir.id), ("surge", third.id), ("surge", ir.id)])
        assert [tuple(r) for r in rows] == expected
        streamed = sorted((e.data["rule"], e.data["incident_id"]) for e in events if e.kind == "alert")
        assert streamed == expected
        assert [e.data["id"] for e in events if e.kind == "incident"] == [first.id, second.id, third.id, ir.id]
    finally:
        server.close()
        writer.close()


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
