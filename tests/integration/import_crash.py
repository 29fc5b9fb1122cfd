"""Killing ``sarhad import`` inside its work, for the crash tests of import (``test_crash_import_*.py``).

Each kill is placed by what the import is doing, not by the clock: the test watches how far the child has
read its input (``/proc/PID/fdinfo``) and kills it at a random point of the file, while it parses, or a
moment after it has read everything, while it writes the batch, signs the checkpoint and commits. So the
kills land inside the work on an idle machine and under load alike. The crash tests are split by what the
import is doing when it is killed, one file each, so that a parallel run spreads them over its workers.
"""

from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from tests.conftest import write_ucdp

MARKS = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/fdinfo").is_dir(), reason="needs Linux /proc to see the import's progress"),
]

ROWS = 2_500  # one batch: parsed while the file is read, written after (a few tenths of a second)


def sarhad(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``sarhad --home HOME ARGS`` in this process (the checks between the kills, which open the node after
    the killed process, and the imports that must finish): the same command line without an interpreter's start
    each time. Only the imports to kill are processes of their own."""
    from sarhad.cli import main

    argv = ["--home", str(home), *args]
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


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


def node_with_an_acknowledged_import(tmp_path: Path) -> Path:
    """A new node's home holding 500 incidents from an import that exited 0: every later crash must keep them."""
    home = tmp_path / "pk"
    assert sarhad(home, "init", "--party", "PK").returncode == 0
    first = tmp_path / "first.csv"
    write_ucdp(first, 500, 1_000_000)
    assert sarhad(home, "import", "ucdp", str(first)).returncode == 0
    return home


def kill_imports_and_rerun(tmp_path: Path, *, after_reading: bool, attempts: int, seed: int) -> None:
    """Kill ``attempts`` imports of a batch each, while they read (parse) or after (write, sign, commit); after
    each, the log verifies and the node holds every acknowledged batch and no part of another; rerunning the
    interrupted imports then completes the job."""
    home = node_with_an_acknowledged_import(tmp_path)
    rng = random.Random(seed)
    expected, kills, late = 500, 0, 0
    pending: list[Path] = []
    for attempt in range(attempts):
        # each attempt imports a file of its own, so every kill interrupts real work
        path = tmp_path / f"batch{attempt}.csv"
        write_ucdp(path, ROWS, 2_000_000 + attempt * ROWS)
        proc = subprocess.Popen(
            [sys.executable, "-m", "sarhad", "--home", str(home), "import", "ucdp", str(path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        killed = kill_inside_the_work(proc, path, rng, after_reading=after_reading)
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
    assert kills >= attempts - 1, f"only {kills} of {attempts} imports were interrupted"
    assert pending, "every killed import had already committed: the kills did not land inside the work"
    for path in pending:  # rerunning completes the job
        finish = sarhad(home, "import", "ucdp", str(path), "--json")
        assert finish.returncode == 0, finish.stderr
    assert incidents(home) == 500 + attempts * ROWS
    assert sarhad(home, "log", "verify").returncode == 0
