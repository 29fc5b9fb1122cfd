"""Crash safety of import: SIGKILL at random moments never leaves a broken log or loses what was stored.

Each kill is placed by what the import is doing, not by the clock: the test watches how far the child has
read its input (``/proc/PID/fdinfo``) and kills it at a random point of the file, while it parses, or a
moment after it has read everything, while it writes the batch, signs the checkpoint and commits. So the
kills land inside the work on an idle machine and under load alike.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import write_ucdp

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/fdinfo").is_dir(), reason="needs Linux /proc to see the import's progress"),
]

ROWS = 2_500  # one batch: parsed while the file is read, written after (a few tenths of a second)
ATTEMPTS = 22


def sarhad(home: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sarhad", "--home", str(home), *args],
        capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def incidents(home: Path) -> int:
    proc = sarhad(home, "stats", "--json")
    assert proc.returncode == 0, proc.stderr
    return int(json.loads(proc.stdout)["incidents"])


def read_position(pid: int, path: Path) -> int | None:
    """How many bytes of ``path`` the process has read, or None while (or once) it does not hold it open."""
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") != str(path):
                    continue
                with open(f"/proc/{pid}/fdinfo/{fd}", encoding="ascii") as info:
                    for line in info:
                        if line.startswith("pos:"):
                            return int(line.split()[1])
            except OSError:
                continue  # that descriptor closed meanwhile
    except OSError:
        return None  # the process is gone
    return None


def kill_inside_the_work(proc: subprocess.Popen[bytes], path: Path, rng: random.Random, after_reading: bool) -> bool:
    """SIGKILL ``proc`` at a random point of its work on ``path``; True if it was still running then."""
    path = path.resolve()
    size = path.stat().st_size
    target = rng.uniform(0.02, 0.98) * size
    opened = False
    deadline = time.monotonic() + 90
    while proc.poll() is None and time.monotonic() < deadline:
        pos = read_position(proc.pid, path)
        if pos is not None:
            opened = True
            if not after_reading and pos >= target:
                break
        elif opened and after_reading:
            # the file is read and closed: the batch's write, the checkpoint and the commit are under way
            time.sleep(rng.uniform(0.0, 0.06))
            break
        time.sleep(0.002)
    if proc.poll() is not None:
        return False
    os.kill(proc.pid, signal.SIGKILL)
    return True


def test_sigkill_during_import_keeps_the_log_verifiable_and_loses_nothing(tmp_path: Path) -> None:
    home = tmp_path / "pk"
    assert sarhad(home, "init", "--party", "PK").returncode == 0
    first = tmp_path / "first.csv"
    write_ucdp(first, 500, 1_000_000)
    assert sarhad(home, "import", "ucdp", str(first)).returncode == 0  # acknowledged: must survive every crash
    rng = random.Random(20251108)
    expected, kills, late = 500, 0, 0
    pending: list[Path] = []
    for attempt in range(ATTEMPTS):
        # each attempt imports a file of its own, so every kill interrupts real work
        path = tmp_path / f"batch{attempt}.csv"
        write_ucdp(path, ROWS, 2_000_000 + attempt * ROWS)
        proc = subprocess.Popen(
            [sys.executable, "-m", "sarhad", "--home", str(home), "import", "ucdp", str(path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        killed = kill_inside_the_work(proc, path, rng, after_reading=attempt % 2 == 1)
        kills += killed
        code = proc.wait(timeout=60)
        check = sarhad(home, "log", "verify")
        assert check.returncode == 0, f"attempt {attempt}: {check.stdout}{check.stderr}"
        count = incidents(home)
        if not killed:
            assert code == 0
            expected += ROWS  # acknowledged
        elif count == expected + ROWS:
            expected += ROWS  # committed just before the kill
            late += 1
        else:
            pending.append(path)
        assert count == expected, f"attempt {attempt}: {count} incidents, expected {expected} (a half-stored import?)"
    print(f"{kills} kills: {len(pending)} interrupted the work, {late} came after the commit")
    assert kills >= 20, f"only {kills} of {ATTEMPTS} imports were interrupted"
    assert pending, "every killed import had already committed: the kills did not land inside the work"
    for path in pending:  # rerunning completes the job
        finish = sarhad(home, "import", "ucdp", str(path), "--json")
        assert finish.returncode == 0, finish.stderr
    assert incidents(home) == 500 + ATTEMPTS * ROWS
    assert sarhad(home, "log", "verify").returncode == 0


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
    home = tmp_path / "pk"
    assert sarhad(home, "init", "--party", "PK").returncode == 0
    first = tmp_path / "first.csv"
    write_ucdp(first, 500, 1_000_000)
    assert sarhad(home, "import", "ucdp", str(first)).returncode == 0
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
        # the next process to open the node rolls the hot journal back and returns the node to WAL mode
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
            interrupted += 1
            assert sarhad(home, "import", "ucdp", str(path)).returncode == 0  # rerunning completes the job
            expected += ROWS
        assert incidents(home) == expected, f"attempt {attempt}: a half-stored import?"
    assert kills >= 8, f"only {kills} of {attempts} imports were interrupted"
    assert interrupted, "every killed import had already committed: the kills did not land inside the work"
    assert hot, "no kill landed while the import wrote with its rollback journal"
