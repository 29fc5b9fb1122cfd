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
    big = tmp_path / "big.csv"
    write_ucdp(big, 6000, 2_000_000)
    rng = random.Random(20251108)
    completed = 0
    for attempt in range(20):
        proc = subprocess.Popen(
            [sys.executable, "-m", "sarhad", "--home", str(home), "import", "ucdp", str(big)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(rng.uniform(0.2, 3.0))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        else:
            completed += 1
        proc.wait(timeout=30)
        check = sarhad(home, "log", "verify")
        assert check.returncode == 0, f"attempt {attempt}: {check.stdout}{check.stderr}"
        count = incidents(home)
        assert count in (500, 6500), f"attempt {attempt}: a half-stored import ({count} incidents)"
        if count == 6500:
            break
    finish = sarhad(home, "import", "ucdp", str(big), "--json")
    assert finish.returncode == 0, finish.stderr
    assert incidents(home) == 6500
    assert sarhad(home, "log", "verify").returncode == 0
    _ = completed
