"""The live stream against writers on other connections: a commit that lands in the middle of the watcher's
look, and writers whose clocks disagree, lose no record and no alert (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from sarhad.config import load_settings
from sarhad.monitor import evaluate
from sarhad.monitor.rules import Rule, add_rule
from sarhad.monitor.stream import Broadcaster, Event, Watcher
from sarhad.node import Node
from sarhad.store.db import Database
from tests.monitor.test_evaluate import make

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


class Interleaved(Database):
    """The server's connection, on which another connection's whole write transaction commits right after the
    ``after``-th statement of the watcher's next look: an explicit interleaving, not a race."""

    def __init__(self, db: Database) -> None:
        super().__init__(db.url, db._conn, db.dialect, db.schema)
        self.statements = 0
        self.after = 0
        self.write: Callable[[], object] | None = None

    def commit_during_look(self, after: int, write: Callable[[], object]) -> None:
        self.statements, self.after, self.write = 0, after, write

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        cursor = super().execute(sql, params)
        self.statements += 1
        if self.write is not None and self.statements == self.after:
            write, self.write = self.write, None
            write()
        return cursor


@contextmanager
def writer_and_server(database: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, Node]]:
    """Two connections to one new node: a writer's and the server's; the writer holds an alert rule that every
    record of :func:`make` matches."""
    url = request.getfixturevalue("pg_schema_url") if database == "postgresql" else None
    Node.init(tmp_path / "pk", "PK", database_url=url).close()
    writer = Node.open(load_settings(tmp_path / "pk"))
    server = Node.open(load_settings(tmp_path / "pk"))
    try:
        add_rule(writer.db, Rule("near", near_border_km=10))
        yield writer, server
    finally:
        server.close()
        writer.close()


def streamed(events: list[Event]) -> tuple[list[str], list[str]]:
    """The records (by the source id :func:`make` was given) of the incident events and of the alert events,
    in the order streamed."""
    names = {make(name).id: name for name in ("first", "second", "during", "later", "ahead", "behind")}
    incidents = [names[str(e.data["id"])] for e in events if e.kind == "incident"]
    alerts = [names[str(e.data["incident_id"])] for e in events if e.kind == "alert"]
    return incidents, alerts


@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize("after", range(1, 6))
def test_a_record_committed_during_a_look_is_streamed_once_with_its_alert(
    database: str, after: int, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Whichever of its statements the watcher has run when another connection commits, the record and its
    alert are streamed, by that look or the next, once. A look that read the new records, then the highest
    ``seq`` in a second statement, moved its mark past a record committed in between and never streamed it."""
    with writer_and_server(database, tmp_path, request) as (writer, server):
        db = Interleaved(server.db)
        watcher = Watcher(db, Broadcaster())
        assert watcher.poll() == []  # the first look only sets the marks
        writer.publish([make("first")])
        db.commit_during_look(after, lambda: writer.publish([make("second")]))
        events = watcher.poll()
        assert db.write is None  # the commit did land during the look
        events += watcher.poll()
        events += watcher.poll()
        assert streamed(events) == (["first", "second"], ["first", "second"])


@pytest.mark.parametrize("database", DATABASES)
def test_a_record_committed_during_the_first_look_is_streamed_with_its_alert_or_not_at_all(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The first look sets both marks (records and alerts) in one snapshot: a commit landing after its first
    statement, when it read them one by one, streamed the record but took its alert for one already held."""
    with writer_and_server(database, tmp_path, request) as (writer, server):
        db = Interleaved(server.db)
        watcher = Watcher(db, Broadcaster())
        db.commit_during_look(1, lambda: writer.publish([make("during")]))
        assert watcher.poll() == []
        assert db.write is None
        writer.publish([make("later")])
        incidents, alerts = streamed(watcher.poll() + watcher.poll())
        assert incidents == alerts
        assert incidents in (["during", "later"], ["later"])


@pytest.mark.parametrize("database", DATABASES)
def test_an_alert_stamped_before_one_already_streamed_is_streamed(
    database: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writers take turns (SQLite's one writer, an advisory lock on PostgreSQL), but their clocks need not
    agree: a sync on another host, or a clock set back, stamps the alerts it commits second earlier than
    those committed first. The watcher follows the alerts' order of storing, not their stamps."""
    with writer_and_server(database, tmp_path, request) as (writer, server):
        watcher = Watcher(server.db, Broadcaster())
        assert watcher.poll() == []
        monkeypatch.setattr(evaluate, "_now", lambda: "2026-03-01T10:00:05.000Z")
        writer.publish([make("ahead")])
        events = watcher.poll()
        monkeypatch.setattr(evaluate, "_now", lambda: "2026-03-01T10:00:01.000Z")
        writer.publish([make("behind")])
        events += watcher.poll()
        assert streamed(events) == (["ahead", "behind"], ["ahead", "behind"])
