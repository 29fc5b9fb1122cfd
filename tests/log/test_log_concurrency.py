"""One writer at a time: two processes publishing into the same node at once never fork the log.

Each process publishes batches through the node's publisher (store write, log append and a signed checkpoint
in one transaction). The database serialises them (SQLite's BEGIN IMMEDIATE, PostgreSQL's lock on the log's
head row), so every batch lands whole, each batch signs one checkpoint, and the log verifies afterwards.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sarhad.config import load_settings
from sarhad.log import merkle
from sarhad.node import Node
from tests.log.helpers import note_id, publish_notes, verify

ROOT = Path(__file__).resolve().parents[2]
BATCHES = 12
BATCH = 7

WRITER = """
import sys
from pathlib import Path
from sarhad.config import load_settings
from sarhad.errors import StorageError
from sarhad.node import Node

node = Node.open(load_settings(Path(sys.argv[1]), database_url=sys.argv[5] or None))
first, batches, batch = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
sys.stdout.write("ready\\n")
sys.stdout.flush()
sys.stdin.readline()  # start together
retries = 0
for b in range(batches):
    for attempt in range(20):
        try:
            with node.publisher() as pub:
                for i in range(first + b * batch, first + (b + 1) * batch):
                    note_id = f"note--{i:08d}-0000-4000-8000-000000000000"
                    pub.add_object({"type": "note", "id": note_id, "content": str(i)})
            break
        except StorageError as exc:  # the batch rolled back whole; a client retries it
            retries += 1
            sys.stderr.write(f"retry: {exc}\\n")
    else:
        raise SystemExit(f"batch {b} failed 20 times")
node.close()
sys.stdout.write(f"{retries}\\n")
"""


def _race(node: Node, database_url: str = "") -> int:
    """Run two writers at once; return how many batches had to be retried."""
    publish_notes(node, 0, 3)
    home = node.settings.home
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(home), str(first), str(BATCHES), str(BATCH), database_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for first in (1_000, 2_000)
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None
            if proc.stdout.readline() != "ready\n":
                pytest.fail(f"a writer did not start: {proc.communicate(timeout=30)[1]}")
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        retries = 0
        for proc in procs:
            out, err = proc.communicate(timeout=180)
            assert proc.returncode == 0, err
            retries += int(out.split()[-1])
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()

    report = verify(node)
    total = 3 + 2 * BATCHES * BATCH
    assert report.size == total
    assert report.checkpoints == 1 + 2 * BATCHES  # one per batch, none lost, none forked
    sizes = [cp.size for cp in node.log.checkpoints()]
    assert sizes == sorted(sizes) and all((s - 3) % BATCH == 0 for s in sizes)
    # Each batch's leaves are contiguous: a batch is one writer's, never interleaved with the other's.
    for start in range(3, total, BATCH):
        owners = {node.log.leaf(i).envelope.object_id[6:14] for i in range(start, start + BATCH)}
        assert len({int(o) // 1000 for o in owners}) == 1
    # Every checkpoint extends the one before it, checked from the stored nodes.
    roots = {cp.size: cp.root for cp in node.log.checkpoints()}
    for old, new in itertools.pairwise(sizes):
        merkle.verify_consistency(old, new, node.log.consistency_proof(old, new), roots[old], roots[new])
    assert node.log.find_object(note_id(2_000 + BATCHES * BATCH - 1)) < total
    return retries


@pytest.mark.slow
def test_two_writers_sqlite(node: Node) -> None:
    assert _race(node) == 0  # BEGIN IMMEDIATE: the second writer waits for the first


@pytest.mark.slow
@pytest.mark.postgres
def test_two_writers_postgresql(tmp_path: Path, pg_schema_url: str) -> None:
    node = Node.init(tmp_path / "pk", "PK", database_url=pg_schema_url)
    try:
        assert load_settings(node.settings.home, database_url=pg_schema_url).database_url == pg_schema_url
        # Every write transaction takes the node's advisory writer lock: the second writer waits, as on SQLite.
        assert _race(node, pg_schema_url) == 0
    finally:
        node.close()
