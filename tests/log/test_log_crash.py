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
