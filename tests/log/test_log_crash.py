"""A writer killed with SIGKILL in the middle of a batch leaves a log that verifies and can go on."""

from __future__ import annotations

import logging
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from sarhad.config import load_settings
from sarhad.errors import StorageError
from sarhad.node import Node
from tests.log.helpers import publish_notes, verify

ROOT = Path(__file__).resolve().parents[2]

WRITER = """
import sys
from pathlib import Path
from sarhad.config import load_settings
from sarhad.node import Node

node = Node.open(load_settings(Path(sys.argv[1])))
i = int(sys.argv[2])
batch = int(sys.argv[3])
while True:
    with node.publisher() as pub:
        for _ in range(batch):
            pub.add_object({"type": "note", "id": f"note--{i:08d}-0000-4000-8000-000000000000", "content": str(i)})
            i += 1
    print(i, flush=True)
"""


def _kill_mid_batch(home: Path, first_id: int, batch: int, rng: random.Random) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(home), str(first_id), str(batch)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None and proc.stderr is not None
            line = proc.stdout.readline()  # one batch committed: the writer is in its loop
            if not line.strip():
                proc.wait(timeout=30)
                pytest.fail(f"the writer stopped: {proc.stderr.read()}")
            time.sleep(rng.uniform(0.01, 0.25))  # land inside a later batch's transaction
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def _crash_and_check(node: Node, batch: int) -> None:
    rng = random.Random(4)
    home = node.settings.home
    settings = node.settings
    publish_notes(node, 0, 10)
    node.close()
    for round_ in range(3):
        _kill_mid_batch(home, 1_000_000 * (round_ + 1), batch, rng)
        with Node.open(settings) as reopened:
            report = verify(reopened)
            latest = reopened.log.latest_checkpoint()
            assert latest is not None and latest.size == report.size == reopened.log.size()
            assert report.size >= 10 + batch * (round_ + 1)
            assert report.size % batch == 10  # only whole batches survive
    with Node.open(settings) as reopened:
        publish_notes(reopened, 500, 3)  # the log goes on from where it was
        verify(reopened)


@pytest.mark.slow
def test_sigkill_mid_append_sqlite(node: Node) -> None:
    _crash_and_check(node, 300)


@pytest.mark.slow
@pytest.mark.postgres
def test_sigkill_mid_append_postgresql(tmp_path: Path, pg_schema_url: str) -> None:
    node = Node.init(tmp_path / "pk", "PK", database_url=pg_schema_url)
    assert load_settings(tmp_path / "pk").database_url == pg_schema_url
    _crash_and_check(node, 120)


def test_a_full_disk_stops_a_batch_whole_naming_the_file_and_what_to_do(
    node: Node, caplog: pytest.LogCaptureFixture
) -> None:
    publish_notes(node, 0, 5)
    size = verify(node).size
    # SQLite's own size limit answers as a full disk does (SQLITE_FULL: "database or disk is full")
    pages = node.db._conn.execute("PRAGMA page_count").fetchone()[0]
    node.db._conn.execute(f"PRAGMA max_page_count = {pages}")
    path = re.escape(str(node.settings.home / "sarhad.db"))
    pattern = rf"^{path}: the disk is full \(database or disk is full\): free space on it and run the command again"
    with caplog.at_level(logging.WARNING), pytest.raises(StorageError, match=pattern):
        publish_notes(node, 5, 400)
    assert [r.getMessage() for r in caplog.records] == []  # SQLite rolled back: no "rollback failed" traceback
    node.db._conn.execute("PRAGMA max_page_count = 1073741823")
    assert verify(node).size == size  # nothing of the batch was stored
    publish_notes(node, 5, 400)
    assert verify(node).size == size + 400


# PostgreSQL's "insufficient resources" conditions (SQLSTATE class 53), raised by the real server from a trigger
# on the log's leaves: the shared test server's disk cannot be filled, but the error is the server's own.
@pytest.mark.postgres
@pytest.mark.parametrize(
    ("errcode", "said"),
    [
        ("disk_full", "the database server's disk is full"),
        ("out_of_memory", "the database server is out of memory"),
        ("too_many_connections", "the database server accepts no more connections"),
        ("configuration_limit_exceeded", "the database server reached a limit of its configuration"),
    ],
)
def test_a_postgresql_server_out_of_a_resource_stops_a_batch_whole_saying_so(
    tmp_path: Path, pg_schema_url: str, errcode: str, said: str
) -> None:
    node = Node.init(tmp_path / "pk", "PK", database_url=pg_schema_url)
    try:
        publish_notes(node, 0, 5)
        size = verify(node).size
        node.db.execute(
            "CREATE FUNCTION refuse_leaf() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            f" RAISE EXCEPTION 'the server says: {errcode}' USING ERRCODE = '{errcode}'; END $$"
        )
        node.db.execute("CREATE TRIGGER refuse_leaf BEFORE INSERT ON log_leaves EXECUTE FUNCTION refuse_leaf()")
        base = re.escape(pg_schema_url.partition("?")[0])
        pattern = (
            rf"^{base}\?schema=\w+: {said} \(the server says: {errcode}\): .*run the command again; the write that"
            r" failed was rolled back whole \(nothing of it is stored; what the command stored before it stays\)$"
        )
        with pytest.raises(StorageError, match=pattern):
            publish_notes(node, 5, 40)
        node.db.execute("DROP TRIGGER refuse_leaf ON log_leaves")
        assert verify(node).size == size  # nothing of the batch was stored
        publish_notes(node, 5, 40)
        assert verify(node).size == size + 40
    finally:
        node.close()


# The session killed in the middle of a batch (pg_terminate_backend from another session, a server restart): the
# real server ends it from a trigger on the log's leaves, with its own error (SQLSTATE 57P01).
@pytest.mark.postgres
def test_a_postgresql_session_terminated_mid_batch_says_so_stores_nothing_and_a_rerun_completes(
    tmp_path: Path, pg_schema_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    node = Node.init(tmp_path / "pk", "PK", database_url=pg_schema_url)
    try:
        publish_notes(node, 0, 5)
        size = verify(node).size
        node.db.execute(
            "CREATE FUNCTION end_session() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            " PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(5); RETURN NEW; END $$"
        )
        node.db.execute("CREATE TRIGGER end_session BEFORE INSERT ON log_leaves EXECUTE FUNCTION end_session()")
        base = re.escape(pg_schema_url.partition("?")[0])
        pattern = (
            rf"^{base}\?schema=\w+: the connection to the database server was lost \(terminating connection due to"
            r" administrator command\): run the command again once the server answers; the write that failed was"
            r" rolled back whole \(nothing of it is stored; what the command stored before it stays\)$"
        )
        with caplog.at_level(logging.WARNING), pytest.raises(StorageError, match=pattern):
            publish_notes(node, 5, 40)
        assert [r.getMessage() for r in caplog.records] == []  # no "rollback failed" traceback on stderr
    finally:
        node.close()
    schema = pg_schema_url.partition("?schema=")[2]
    with psycopg.connect(pg_schema_url.partition("?")[0], autocommit=True) as conn:
        conn.execute(f"DROP TRIGGER end_session ON {schema}.log_leaves")
    with Node.open(load_settings(tmp_path / "pk")) as again:
        assert verify(again).size == size  # nothing of the batch was stored
        publish_notes(again, 5, 40)
        assert verify(again).size == size + 40
