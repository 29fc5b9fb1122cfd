"""Crash safety of import: SIGKILL at random moments never leaves a broken log or loses what was stored."""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import UCDP_SAMPLE

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def sarhad(home: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sarhad", "--home", str(home), *args],
        capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def write_ucdp(path: Path, rows: int, first_id: int) -> None:
    with UCDP_SAMPLE.open(newline="", encoding="utf-8") as fh:
        header, *sample = list(csv.reader(fh))
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(header)
        for i in range(rows):
            row = list(sample[i % len(sample)])
            row[0] = str(first_id + i)
            out.writerow(row)


def incidents(home: Path) -> int:
    proc = sarhad(home, "stats", "--json")
    assert proc.returncode == 0, proc.stderr
    return int(json.loads(proc.stdout)["incidents"])


def test_sigkill_during_import_keeps_the_log_verifiable_and_loses_nothing(tmp_path: Path) -> None:
    home = tmp_path / "pk"
    assert sarhad(home, "init", "--party", "PK").returncode == 0
    first = tmp_path / "first.csv"
    write_ucdp(first, 500, 1_000_000)
    assert sarhad(home, "import", "ucdp", str(first)).returncode == 0  # acknowledged: must survive every crash
    rng = random.Random(20251108)
    rows, expected, kills = 1500, 500, 0
    pending: list[Path] = []
    for attempt in range(22):
        # each attempt imports a file of its own, so every kill interrupts real work
        path = tmp_path / f"batch{attempt}.csv"
        write_ucdp(path, rows, 2_000_000 + attempt * rows)
        proc = subprocess.Popen(
            [sys.executable, "-m", "sarhad", "--home", str(home), "import", "ucdp", str(path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(rng.uniform(0.3, 2.5))
        killed = proc.poll() is None
        if killed:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        code = proc.wait(timeout=60)
        check = sarhad(home, "log", "verify")
        assert check.returncode == 0, f"attempt {attempt}: {check.stdout}{check.stderr}"
        count = incidents(home)
        if not killed:
            assert code == 0
            expected += rows  # acknowledged
        elif count == expected + rows:
            expected += rows  # committed just before the kill
        else:
            pending.append(path)
        assert count == expected, f"attempt {attempt}: {count} incidents, expected {expected} (a half-stored import?)"
    assert kills >= 20 or not pending, f"only {kills} imports were interrupted"
    for path in pending:  # rerunning completes the job
        finish = sarhad(home, "import", "ucdp", str(path), "--json")
        assert finish.returncode == 0, finish.stderr
    assert incidents(home) == 500 + 22 * rows
    assert sarhad(home, "log", "verify").returncode == 0
