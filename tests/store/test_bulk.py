"""Bulk-write helpers of the database: a larger page cache and secondary indexes built after the rows."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from sarhad import importer
from sarhad.errors import InvalidInput, StorageError
from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.store.db import SQLITE_PAGE_SIZE, Database, open_database
from sarhad.store.incidents import Filters, query_incidents, stats
from sarhad.store.schema import migrate
from tests.conftest import ASSETS
from tests.log.helpers import verify
from tests.store.helpers import stored_content

ACLED = ASSETS / "synthetic" / "acled_synthetic.csv"


def indexes(db: Database, table: str) -> list[tuple[str, str]]:
    return [
        (str(name), str(sql))
        for name, sql in db.fetchall(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL"
            " ORDER BY name",
            (table,),
        )
    ]


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(f"sqlite:///{tmp_path / 'node.db'}")
    migrate(database)
    return database


def test_deferred_indexes_are_dropped_inside_and_the_same_after(db: Database) -> None:
    before = indexes(db, "incidents")
    assert len(before) >= 6
    with db.transaction(), db.deferred_indexes("incidents"):
        assert indexes(db, "incidents") == []
        assert db.fetchone("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_autoindex_incidents_1'")  # the key stays
    assert indexes(db, "incidents") == before
    db.close()


def test_a_failed_bulk_write_rolls_the_drop_back(db: Database) -> None:
    before = indexes(db, "objects")
    with pytest.raises(RuntimeError), db.transaction(), db.deferred_indexes("objects"):
        raise RuntimeError("the import failed")
    assert indexes(db, "objects") == before
    db.close()


def test_unique_indexes_are_deferred_only_when_asked_and_checked_when_rebuilt(db: Database) -> None:
    before = indexes(db, "log_leaves")
    assert any("UNIQUE" in sql for _name, sql in before)
    with db.transaction(), db.deferred_indexes("log_leaves"):
        assert indexes(db, "log_leaves") == before  # unique ones stay unless named in ``unique``
    with db.transaction(), db.deferred_indexes(unique=("log_leaves",)):
        assert indexes(db, "log_leaves") == []
    assert indexes(db, "log_leaves") == before
    row = (0, "incident--a", "v", "{}", b"x" * 32)
    with pytest.raises(StorageError, match="UNIQUE"), db.transaction(), db.deferred_indexes(unique=("log_leaves",)):
        db.executemany(
            "INSERT INTO log_leaves (idx, object_id, version, envelope, leaf_hash) VALUES (?, ?, ?, ?, ?)",
            [row, (1, *row[1:])],
        )  # a duplicate (object_id, version) fails when the index is built, and nothing stays
    assert db.fetchone("SELECT COUNT(*) FROM log_leaves") == (0,)
    assert indexes(db, "log_leaves") == before
    db.close()


def test_outside_a_transaction_nothing_is_dropped(db: Database) -> None:
    before = indexes(db, "incidents")
    with db.deferred_indexes("incidents"):
        assert indexes(db, "incidents") == before
    db.close()


def test_bulk_raises_the_page_cache_and_restores_it(db: Database) -> None:
    default = db.fetchone("PRAGMA cache_size")
    with db.bulk(cache_mib=64):
        assert db.fetchone("PRAGMA cache_size") == (-64 * 1024,)
    assert db.fetchone("PRAGMA cache_size") == default
    db.close()


def test_a_large_import_builds_the_indexes_after_and_stores_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Node.init(tmp_path / "plain", "PK") as plain:
        import_file(plain, "acled", ACLED)
        expected = query_incidents(plain.db), stats(plain.db, "admin1")
        expected_indexes = indexes(plain.db, "incidents"), indexes(plain.db, "objects")
        log_indexes = indexes(plain.db, "log_leaves")
    monkeypatch.setattr(importer, "_DEFER_MIN_BYTES", 1)  # treat the fixture as a large file
    dropped: list[str] = []
    real = Database.deferred_indexes

    def spy(self: Database, *tables: str, unique: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
        dropped.extend([*tables, *unique])
        return real(self, *tables, unique=unique)

    monkeypatch.setattr(Database, "deferred_indexes", spy)
    with Node.init(tmp_path / "bulk", "PK") as bulk:
        result = import_file(bulk, "acled", ACLED)
        assert dropped == ["incidents", "objects", "log_leaves"]
        assert (indexes(bulk.db, "incidents"), indexes(bulk.db, "objects")) == expected_indexes
        assert indexes(bulk.db, "log_leaves") == log_indexes
        assert bulk.log.find_object(expected[0][0]["id"]) >= 0  # the log's object index is back and answers
        got = query_incidents(bulk.db), stats(bulk.db, "admin1")

        def strip(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [{k: v for k, v in r.items() if k != "modified"} for r in rows]

        assert strip(got[0]) == strip(expected[0]) and got[1] == expected[1]
        assert result.added == len(expected[0])
        # a second large file into a node that now holds as many rows keeps its indexes
        dropped.clear()
        import_file(bulk, "acled", ACLED)
        assert dropped == []
        # and a rejected large import leaves the indexes as they were
        bad = tmp_path / "bad.csv"
        bad.write_text(ACLED.read_text(encoding="utf-8").replace(",1,", ",9,", 1), encoding="utf-8")
        with Node.init(tmp_path / "third", "PK") as third:
            with pytest.raises(InvalidInput):
                import_file(third, "acled", bad)
            assert indexes(third.db, "incidents") == expected_indexes[0]
            assert query_incidents(third.db, Filters()) == []


def test_a_publish_over_many_map_points_writes_its_summaries_along_the_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The summaries' changes a publish gathers are written whenever they pass the bound: same summaries as a
    rebuild from the stored incidents."""
    import sarhad.node
    from sarhad.monitor import summary
    from tests.monitor.test_summary import from_scratch, snapshot

    monkeypatch.setattr(sarhad.node, "_BATCH", 20)
    monkeypatch.setattr(sarhad.node, "_DELTAS_MAX", 10)  # the fixture's 150 rows cover more points than that
    written: list[int] = []
    write = summary.Deltas.write

    def counting(self: summary.Deltas, db: Database) -> None:
        written.append(len(self.points))
        write(self, db)

    monkeypatch.setattr(summary.Deltas, "write", counting)
    node = Node.init(tmp_path / "pk", "PK")
    try:
        import_file(node, "acled", ACLED)
        assert len(written) > 2  # written along the way, not only at the end
        gathered = snapshot(node.db)
        assert gathered[0] and gathered[1]
        assert gathered == from_scratch(node.db)
    finally:
        node.close()


def test_a_new_sqlite_database_gets_16_kib_pages_and_an_existing_one_keeps_its_own(tmp_path: Path) -> None:
    fresh = open_database(f"sqlite:///{tmp_path / 'fresh.db'}")
    migrate(fresh)
    assert fresh.fetchone("PRAGMA page_size") == (SQLITE_PAGE_SIZE,) == (16384,)
    fresh.close()
    # a database made with SQLite's default pages (a node from before) is opened, migrated and written as it is
    old = tmp_path / "old.db"
    with closing(sqlite3.connect(old)) as conn:
        conn.execute("PRAGMA page_size=4096")
        conn.execute("CREATE TABLE before (x INTEGER)")
    db = open_database(f"sqlite:///{old}")
    migrate(db)
    node_state = ("next", "1")
    with db.transaction():
        db.execute("INSERT INTO node_state (key, value) VALUES (?, ?)", node_state)
    assert db.fetchone("PRAGMA page_size") == (4096,)
    assert db.fetchone("SELECT key, value FROM node_state") == node_state
    db.close()


def test_none_is_still_stored_as_null_with_the_fast_adapter(db: Database) -> None:
    # sarhad registers an adapter for None (a shortcut in Python's sqlite3); None must stay SQL NULL.
    assert sqlite3.adapters[(type(None), sqlite3.PrepareProtocol)](None) is None
    db.execute("CREATE TABLE t (a, b TEXT, c REAL)")
    db.executemany("INSERT INTO t VALUES (?, ?, ?)", [(None, None, None), (1, "x", None)])
    assert db.fetchall("SELECT typeof(a), typeof(b), typeof(c) FROM t ORDER BY rowid") == [
        ("null", "null", "null"),
        ("integer", "text", "null"),
    ]
    assert db.fetchone("SELECT COUNT(*) FROM t WHERE b IS NULL AND c IS NULL") == (1,)


def test_the_date_index_holds_party_and_place_for_the_counterparts_lookup(db: Database) -> None:
    # sarhad.monitor.counterparts selects by date, then by party and place: all four are in the index
    cols = [str(r[2]) for r in db.fetchall("PRAGMA index_info(incidents_date)")]
    assert cols == ["date_start", "reported_by", "lat", "lon"]
    plan = " ".join(
        str(r[-1])
        for r in db.fetchall(
            "EXPLAIN QUERY PLAN SELECT id FROM incidents WHERE date_start BETWEEN ? AND ? AND reported_by <> ?",
            ("2025-01-01", "2025-01-07", "PK"),
        )
    )
    assert "incidents_date" in plan


def journal(db: Database) -> tuple[str, int]:
    mode, sync = db.fetchone("PRAGMA journal_mode"), db.fetchone("PRAGMA synchronous")
    assert mode is not None and sync is not None
    return str(mode[0]), int(sync[0])


def test_write_once_leaves_wal_for_a_rollback_journal_and_comes_back(db: Database) -> None:
    assert journal(db) == ("wal", 1)  # NORMAL
    with db.bulk(write_once=True):
        assert journal(db) == ("delete", 2)  # FULL, as a rollback journal needs
        with db.transaction():
            db.execute("INSERT INTO node_state (key, value) VALUES ('k', 'v')")
    assert journal(db) == ("wal", 1)
    assert db.fetchone("SELECT value FROM node_state WHERE key = 'k'") == ("v",)
    with db.bulk():
        assert journal(db) == ("wal", 1)  # only when asked
    db.close()


def test_write_once_stays_in_wal_while_another_connection_has_the_file(db: Database, tmp_path: Path) -> None:
    other = open_database(f"sqlite:///{tmp_path / 'node.db'}")
    assert other.fetchone("SELECT COUNT(*) FROM node_state") == (0,)
    with db.bulk(write_once=True):
        assert journal(db) == ("wal", 1)
        with db.transaction():
            db.execute("INSERT INTO node_state (key, value) VALUES ('k', 'v')")
        assert other.fetchone("SELECT value FROM node_state") == ("v",)  # WAL readers go on as ever
    assert journal(db) == ("wal", 1)
    other.close()
    db.close()


def test_a_failed_write_once_block_stores_nothing_and_returns_to_wal(db: Database) -> None:
    with db.transaction():
        db.execute("INSERT INTO node_state (key, value) VALUES ('before', '1')")
    with pytest.raises(RuntimeError), db.bulk(write_once=True), db.transaction():
        db.executemany("INSERT INTO node_state (key, value) VALUES (?, ?)", [(f"k{i}", "x" * 500) for i in range(5000)])
        raise RuntimeError("a bad row")
    assert journal(db) == ("wal", 1)
    assert db.fetchall("SELECT key FROM node_state") == [("before",)]
    db.close()


def test_a_process_opening_the_node_during_a_write_once_block_reads_and_the_next_open_is_wal(
    db: Database, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'node.db'}"
    with db.transaction():
        db.execute("INSERT INTO node_state (key, value) VALUES ('committed', '1')")
    with db.bulk(write_once=True):
        with db.transaction():
            db.execute("INSERT INTO node_state (key, value) VALUES ('pending', '1')")
            # a process that opens the node now cannot switch it to WAL: it works with the writer's journal and
            # reads what was committed before (the writer has not needed the file for itself yet)
            reader = subprocess.run(
                [sys.executable, "-c", _READ_NODE_STATE, url], capture_output=True, text=True, timeout=60, check=False
            )
            assert reader.returncode == 0, reader.stderr
            assert reader.stdout.split() == ["delete", "committed"]
            held = open_database(url)
            assert journal(held)[0] == "delete"
        # a reader that holds the file when the block ends keeps it in rollback mode ...
        held.execute("BEGIN")
        held.fetchone("SELECT COUNT(*) FROM node_state")
    assert journal(db)[0] == "delete"
    held.execute("COMMIT")
    held.close()
    # ... until the next connection opens the node
    again = open_database(url)
    assert journal(again) == ("wal", 1)
    assert again.fetchall("SELECT key FROM node_state ORDER BY key") == [("committed",), ("pending",)]
    again.close()
    db.close()


_READ_NODE_STATE = """
import sys
from sarhad.store.db import open_database
db = open_database(sys.argv[1])
print(db.fetchone("PRAGMA journal_mode")[0])
for (key,) in db.fetchall("SELECT key FROM node_state ORDER BY key"):
    print(key)
"""


def test_a_large_import_writes_with_a_rollback_journal_and_stores_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Node.init(tmp_path / "plain", "PK") as plain:
        import_file(plain, "acled", ACLED)
        expected = stored_content(plain)
    monkeypatch.setattr(importer, "_DEFER_MIN_BYTES", 1)  # treat the fixture as a large file
    with Node.init(tmp_path / "large", "PK") as large:
        modes: set[tuple[str, int]] = set()
        import_file(large, "acled", ACLED, progress=lambda _n: modes.add(journal(large.db)))
        assert modes == {("delete", 2)}
        assert journal(large.db) == ("wal", 1)
        assert stored_content(large) == expected
        verify(large)  # raises on a bad log
