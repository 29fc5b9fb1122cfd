"""Migrations send their statements in batches: a new PostgreSQL node's schema is made in a few dozen round trips
instead of one per statement and one per record, and a batch is still part of its transaction."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from sarhad.errors import StorageError
from sarhad.store.db import Database, open_database
from sarhad.store.schema import COMPONENTS, migrate


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database of either dialect (on PostgreSQL a schema of its own, dropped afterwards)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'node.db'}"
    else:
        url = request.getfixturevalue("pg_schema_url")
    database = open_database(url)
    yield database
    database.close()


def _exists(db: Database, table: str) -> bool:
    if db.dialect == "sqlite":
        return db.fetchone("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)) is not None
    found = db.fetchone(
        "SELECT 1 FROM information_schema.tables WHERE table_name = ? AND table_schema = current_schema()", (table,)
    )
    return found is not None


@pytest.mark.postgres
def test_migrate_makes_a_new_postgresql_schema_in_fewer_round_trips_than_migrations(pg_schema_url: str) -> None:
    migrations = sum(len(statements) for statements in COMPONENTS().values())
    db = open_database(pg_schema_url)
    try:
        pgconn = db._conn.pgconn  # libpq's own trace of the protocol: what went to the server and back
        with tempfile.TemporaryFile() as trace:
            pgconn.trace(trace.fileno())
            pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS | psycopg.pq.Trace.REGRESS_MODE)
            try:
                applied = migrate(db)
            finally:
                pgconn.untrace()
            trace.seek(0)
            messages = [line.split("\t") for line in trace.read().decode().splitlines()]
    finally:
        db.close()
    # The server ends its answer to each request with ReadyForQuery.
    trips = sum(1 for m in messages if m[:1] == ["B"] and m[2:3] == ["ReadyForQuery"])
    assert applied == migrations
    # A statement and a record each, one at a time, was over two round trips per migration (275 for 107); the
    # data steps (functions of the database) still send their own queries, about 45 on an empty database.
    assert trips < migrations, f"{trips} round trips for {migrations} migrations"


def test_migrate_records_every_migration(db: Database) -> None:
    expected = [(c, v) for c, statements in COMPONENTS().items() for v in range(1, len(statements) + 1)]
    assert migrate(db) == len(expected)
    assert sorted(db.fetchall("SELECT component, version FROM schema_migrations")) == sorted(expected)
    assert _exists(db, "objects")
    assert migrate(db) == 0


def test_a_script_rolls_back_with_its_transaction(db: Database) -> None:
    with pytest.raises(RuntimeError, match="after the script"), db.transaction():
        db.execute_script(["CREATE TABLE kept (x INTEGER)", "INSERT INTO kept VALUES (1)"])
        assert db.fetchall("SELECT x FROM kept") == [(1,)]
        raise RuntimeError("after the script")
    assert not _exists(db, "kept")


def test_a_failing_script_gives_the_servers_reason_and_leaves_nothing(db: Database) -> None:
    with pytest.raises(StorageError, match=r"first_one\W* already exists"), db.transaction():
        db.execute_script(["CREATE TABLE first_one (x INTEGER)", "CREATE TABLE first_one (y INTEGER)"])
    assert not _exists(db, "first_one")
