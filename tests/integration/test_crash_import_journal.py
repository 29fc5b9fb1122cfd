"""Crash safety of an import written with a rollback journal instead of the WAL (a large file): SIGKILL while it
parses or writes never leaves a broken log or a hot journal behind the next open, never loses what was stored,
and rerunning completes the job."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from tests.conftest import write_ucdp
from tests.integration.import_crash import (
    MARKS,
    ROWS,
    incidents,
    kill_inside_the_work,
    node_with_an_acknowledged_import,
    sarhad,
)

pytestmark = MARKS

# The import as `sarhad import`, with the threshold of a large file lowered so that this small file is written
# with a rollback journal instead of the WAL (sarhad.store.db.Database.bulk, ``write_once``).
_LARGE_IMPORT = """
import sys
from sarhad import importer
from sarhad.cli import main
importer._DEFER_MIN_BYTES = 1
sys.exit(main(sys.argv[1:]))
"""


def test_sigkill_during_an_import_with_a_rollback_journal_loses_nothing(tmp_path: Path) -> None:
    home = node_with_an_acknowledged_import(tmp_path)
    rng = random.Random(20261206)
    expected, kills, interrupted, hot = 500, 0, 0, 0
    attempts = 10
    for attempt in range(attempts):
        path = tmp_path / f"batch{attempt}.csv"
        write_ucdp(path, ROWS, 3_000_000 + attempt * ROWS)
        proc = subprocess.Popen(
            [sys.executable, "-c", _LARGE_IMPORT, "--home", str(home), "import", "ucdp", str(path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        killed = kill_inside_the_work(proc, path, rng, after_reading=attempt % 2 == 1)
        kills += killed
        code = proc.wait(timeout=60)
        hot += (home / "sarhad.db-journal").exists()  # killed while writing with the rollback journal
        # the next open of the node (the log check, in this process) rolls the hot journal back and returns the
        # node to WAL mode
        check = sarhad(home, "log", "verify")
        assert check.returncode == 0, f"attempt {attempt}: {check.stdout}{check.stderr}"
        assert not (home / "sarhad.db-journal").exists()
        with closing(sqlite3.connect(home / "sarhad.db")) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        count = incidents(home)
        if not killed:
            assert code == 0
            expected += ROWS
        elif count == expected + ROWS:
            expected += ROWS  # committed just before the kill
        else:
            assert count == expected, f"attempt {attempt}: {count} incidents, expected {expected} (half-stored?)"
            interrupted += 1
            assert sarhad(home, "import", "ucdp", str(path)).returncode == 0  # rerunning completes the job
            expected += ROWS
            count = incidents(home)
        assert count == expected, f"attempt {attempt}: {count} incidents, expected {expected} (a half-stored import?)"
    assert kills >= 8, f"only {kills} of {attempts} imports were interrupted"
    assert interrupted, "every killed import had already committed: the kills did not land inside the work"
    assert hot, "no kill landed while the import wrote with its rollback journal"
