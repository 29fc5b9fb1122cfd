"""Crash safety of sync: SIGKILL of ``sarhad sync`` at random moments inside its work never breaks a log, never
loses what a finished sync stored, never stores half a sync, and rerunning completes the job.

The peer (IR) is a real ``sarhad serve`` process on 127.0.0.1; PK pulls from it with ``sarhad sync``. The kill
moments are drawn between the time an idle sync takes (start-up, checkpoint, nothing to pull) and the time a
timed, un-killed sync of the same size takes, so they land inside the pull, the checks, the store or the
cosigning rather than after the process has finished.
"""

from __future__ import annotations

import io
import json
import os
import random
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

import httpx
import pytest

from tests.conftest import write_ucdp
from tests.serve_process import SARHAD, child_env, sarhad_serve

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROWS = 3000  # rows IR publishes per batch: a sync of them takes a few seconds
KILLS = 20


def cli(home: Path, *args: str) -> str:
    """Run ``sarhad --home HOME ARGS`` in this process, assert exit 0 and return stdout: the steps around the
    killed syncs (the setup, IR's batches, the checks after each kill) without an interpreter's start each."""
    from sarhad.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--home", str(home), *args])
    assert code == 0, f"sarhad {' '.join(args)} exited {code}: {out.getvalue()}{err.getvalue()}"
    return out.getvalue()


def timed_sync(home: Path) -> float:
    """An un-killed ``sarhad sync IR`` in a process of its own, as the killed ones run: its wall time (start-up
    included)."""
    started = time.monotonic()
    done = subprocess.run(
        [*SARHAD, "--home", str(home), "sync", "IR", "--json"],
        capture_output=True, text=True, timeout=180, env=child_env(), check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"sarhad sync exited {done.returncode}: {done.stdout}{done.stderr}"
    [result] = json.loads(done.stdout)
    assert result["ok"], result
    return time.monotonic() - started


def _recalibrated(full: float, idle: float, finished_in: float) -> tuple[float, float]:
    """The (full, idle) sync times scaled to a sync that just finished in ``finished_in`` seconds before its kill.

    On a shared machine (the suite runs on every CPU) the times taken at the start can be several times what a
    sync takes later, when the other work has ended: kills drawn from them would land after every sync.
    """
    if finished_in >= full:
        return full, idle
    return finished_in, idle * finished_in / full


def incidents(home: Path) -> int:
    return int(json.loads(cli(home, "stats", "--json"))["incidents"])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(home: Path, port: int) -> Iterator[str]:
    """``sarhad serve`` for ``home`` on 127.0.0.1:``port`` until the block ends (then SIGTERM, waited for)."""
    # audit rows go into the log at shutdown only, so no audit batch signs a checkpoint PK has not cosigned
    with sarhad_serve(home, port, "--audit-flush-seconds", "3600", stops_cleanly=True) as url:
        yield url


def test_sigkill_during_sync_keeps_both_logs_verifiable_stores_all_or_nothing_and_rerun_completes(
    tmp_path: Path,
) -> None:
    pk, ir = tmp_path / "pk", tmp_path / "ir"
    port = free_port()
    for home, party in ((pk, "PK"), (ir, "IR")):
        cli(home, "init", "--party", party)
    own = tmp_path / "own.csv"
    write_ucdp(own, 200, 1_000_000)
    cli(pk, "import", "ucdp", str(own), "--reported-by", "PK")  # PK's own log is not empty
    pk_vkey, ir_vkey = cli(pk, "key", "show").strip(), cli(ir, "key", "show").strip()
    ir_token = cli(ir, "token", "create", "--principal", "pk-node", "--role", "peer", "--party", "PK").strip()
    pk_token = cli(pk, "token", "create", "--principal", "ir-node", "--role", "peer", "--party", "IR").strip()
    cli(pk, "peer", "add", "IR", f"http://127.0.0.1:{port}", "--vkey", ir_vkey, "--token", ir_token)
    cli(ir, "peer", "add", "PK", "http://127.0.0.1:9", "--vkey", pk_vkey, "--token", pk_token)  # to accept cosigns

    published = 0  # IR incidents published

    def publish_batch() -> None:
        nonlocal published
        path = tmp_path / f"ir{published}.csv"
        write_ucdp(path, ROWS, 2_000_000 + published)
        cli(ir, "import", "ucdp", str(path), "--reported-by", "IR")
        published += ROWS

    rng = random.Random(20251108)
    with serve(ir, port) as url:
        # Calibration: an un-killed sync of one batch, and an idle sync (start-up and checkpoint only).
        publish_batch()
        full = timed_sync(pk)
        idle = timed_sync(pk)
        acknowledged = published  # a sync that exited 0 acknowledged these: every later crash must keep them
        assert incidents(pk) == 200 + acknowledged
        kills = attempts = 0
        pending = False
        while kills < KILLS:
            attempts += 1
            assert attempts <= 3 * KILLS, f"only {kills} of {attempts} syncs were still running when killed"
            if not pending:
                publish_batch()
            proc = subprocess.Popen(
                [*SARHAD, "--home", str(pk), "sync", "IR"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=child_env(),
            )  # fmt: skip
            started = time.monotonic()
            kill_at = started + rng.uniform(0.8 * idle, idle + 0.9 * max(full - idle, 0.2))
            while proc.poll() is None and time.monotonic() < kill_at:
                time.sleep(0.01)
            killed = proc.poll() is None
            if killed:
                os.kill(proc.pid, signal.SIGKILL)
                kills += 1
            else:  # the machine got faster than when the times were taken (a neighbour finished): take them again
                full, idle = _recalibrated(full, idle, time.monotonic() - started)
            code = proc.wait(timeout=60)
            assert "log verified" in cli(pk, "log", "verify"), f"attempt {attempts}"
            held = incidents(pk) - 200
            if not killed:
                assert code == 0, f"attempt {attempts}: sync exited {code}"
            assert held in (acknowledged, published), (
                f"attempt {attempts}: PK holds {held} of IR's incidents; expected {acknowledged} (nothing stored)"
                f" or {published} (all stored): a half-stored sync, or an acknowledged one lost"
            )
            if held == published:
                acknowledged, pending = published, False  # finished, or committed just before the kill
            else:
                pending = True
        print(f"{kills} kills in {attempts} attempts; full sync {full:.2f} s, idle sync {idle:.2f} s")
        # Rerunning completes the job; the peer is unharmed and both logs verify.
        timed_sync(pk)
        assert incidents(pk) == 200 + published
        # the peer is unharmed, and its checkpoint now carries PK's cosignature
        viewer = cli(ir, "token", "create", "--principal", "auditor", "--role", "viewer").strip()
        served = httpx.get(f"{url}/log/checkpoint", headers={"Authorization": f"Bearer {viewer}"}, timeout=10)
        assert served.status_code == 200
        assert served.text.splitlines()[1] == str(published)
        assert f"— {pk_vkey.split('+')[0]} " in served.text
    assert "log verified" in cli(pk, "log", "verify")
    assert "log verified" in cli(ir, "log", "verify")  # its checkpoints and the cosignatures it holds
