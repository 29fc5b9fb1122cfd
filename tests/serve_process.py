"""``sarhad serve`` in a process of its own, for tests that stop and start a real server or kill its peers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.conftest import CHILD_SITE

SARHAD = [sys.executable, "-m", "sarhad"]


def child_env() -> dict[str, str]:
    """This process's environment without sarhad's own settings, with the checkout on the path (after the
    stand-ins of :data:`tests.conftest.CHILD_SITE`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SARHAD_")}
    env["PYTHONPATH"] = os.pathsep.join([str(CHILD_SITE), str(Path(__file__).parents[1])])
    return env


@contextmanager
def sarhad_serve(home: Path, port: int, *options: str, stops_cleanly: bool = False) -> Iterator[str]:
    """``sarhad serve`` for ``home`` on 127.0.0.1:``port`` (with ``options``) until the block ends, its URL;
    started once it answers ``/health``, then stopped with SIGTERM and waited for (killed if it hangs). With
    ``stops_cleanly`` the block also asserts that it stopped in order. Its output goes to ``home/serve.log``
    (appended, so a server started again on the same home adds to it)."""
    out = (home / "serve.log").open("ab")
    proc = subprocess.Popen(
        [*SARHAD, "--home", str(home), "serve", "--host", "127.0.0.1", "--port", str(port), *options],
        stdout=out, stderr=out, env=child_env(),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60  # a liveness bound: it answers in about a second on a quiet machine
        while True:
            assert proc.poll() is None, (home / "serve.log").read_text()
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "sarhad serve did not answer /health within 60 s"
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            # uvicorn stops in order on SIGTERM, then re-raises the signal it caught
            status = proc.wait(30)
            if stops_cleanly:
                assert status in (0, -signal.SIGTERM), (home / "serve.log").read_text()
        finally:
            if proc.poll() is None:
                proc.kill()
            out.close()
