"""The versions withheld from a node before ``withheld_versions`` numbered its rows (``seq``, which the live stream
follows) get numbers when it migrates, in the order they arrived, below any given since: a store of release 0.1.0
(``tests/assets/upgrade/node-0.1.0.tar.gz``) on SQLite, and the migration's step on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
import tarfile
from pathlib import Path

from sarhad.config import load_settings
from sarhad.exchange.withheld import record_withheld, withheld_seq
from sarhad.log.envelope import Envelope
from sarhad.monitor.stream import Broadcaster, Watcher
from sarhad.node import Node

FIXTURE = Path(__file__).parents[1] / "assets" / "upgrade" / "node-0.1.0.tar.gz"
SHA = "ab" * 32

# (id, version, recorded): as rows of 0.1.0 recorded them, the first before ``recorded`` existed
OLD_ROWS = [
    ("incident--b", "2025-05-02T00:00:00.000Z", "2025-06-02T10:00:00.000Z"),
    ("incident--a", "2025-05-01T00:00:00.000Z", None),
    ("incident--c", "2025-05-03T00:00:00.000Z", "2025-06-01T10:00:00.000Z"),
]


def _numbers(node: Node) -> list[tuple[str, int | None]]:
    rows = node.db.fetchall("SELECT id, seq FROM withheld_versions ORDER BY seq, id")
    return [(str(r[0]), None if r[1] is None else int(r[1])) for r in rows]


def test_a_store_of_release_0_1_0_numbers_its_withheld_versions_in_the_order_they_arrived(tmp_path: Path) -> None:
    with tarfile.open(FIXTURE) as tar:
        tar.extractall(tmp_path, filter="data")
    home = tmp_path / "pk"
    (home / "node.key").chmod(0o600)
    with sqlite3.connect(home / "sarhad.db") as con:
        assert "seq" not in [c[1] for c in con.execute("PRAGMA table_info(withheld_versions)")]
        (held,) = con.execute("SELECT id, recorded FROM withheld_versions").fetchall()  # a version IR withheld
        assert held[1] > max(r for _, _, r in OLD_ROWS if r)
        con.executemany(
            "INSERT INTO withheld_versions (id, modified, tlp, origin, sha256, recorded)"
            " VALUES (?, ?, 'RED', 'IR', ?, ?)",
            [(i, v, SHA, r) for i, v, r in OLD_ROWS],
        )
    with Node.open(load_settings(home)) as node:  # opening it migrates
        assert _numbers(node) == [("incident--a", 1), ("incident--c", 2), ("incident--b", 3), (held[0], 4)]
        watcher = Watcher(node.db, Broadcaster())
        assert watcher.poll() == []  # the first look sets the marks: the versions numbered are not news
        with node.db.transaction():
            record_withheld(node.db, [Envelope("incident--d", "2025-05-04T00:00:00.000Z", SHA, "RED", "t")], "IR")
        assert _numbers(node)[-1] == ("incident--d", 5)  # a version withheld since follows them


def test_the_step_numbers_the_rows_without_a_number_below_those_numbered_since(any_node: Node) -> None:
    """A store whose ``seq`` column was added before this step: the rows recorded since keep their numbers (a
    live stream follows them); the older rows take the numbers below, in the order they arrived."""
    db = any_node.db
    with db.transaction():
        db.executemany(
            "INSERT INTO withheld_versions (id, modified, tlp, origin, sha256, recorded, seq) VALUES (?, ?, 'RED',"
            " 'IR', ?, ?, ?)",
            [(i, v, SHA, r, None) for i, v, r in OLD_ROWS]
            + [("incident--d", "2025-05-04T00:00:00.000Z", SHA, "2025-06-03T10:00:00.000Z", 1)],
        )
        withheld_seq(db)
    assert _numbers(any_node) == [("incident--a", -2), ("incident--c", -1), ("incident--b", 0), ("incident--d", 1)]
    with db.transaction():
        withheld_seq(db)  # nothing left to number
    assert [n for _, n in _numbers(any_node)] == [-2, -1, 0, 1]
