"""A reader of the output that goes away (``sarhad … | head -1``) does not cut a command's work short: the CLI
handles it once, for every command that prints as it goes. Real ``sarhad`` processes whose stdout (or stderr)
is a pipe nobody reads any more."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ASSETS

ARTICLES = ASSETS / "articles"


def _run(*args: str, stream: str = "stdout") -> subprocess.CompletedProcess[str]:
    """Run ``sarhad ARGS`` with ``stream`` (stdout or stderr) a pipe whose reader has closed; the other is read."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    gone = {stream: write_end}
    try:
        return subprocess.run(
            [sys.executable, "-m", "sarhad", *args],
            stdout=gone.get("stdout", subprocess.PIPE),
            stderr=gone.get("stderr", subprocess.PIPE),
            stdin=subprocess.DEVNULL,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)


def test_extract_with_its_reader_gone_reads_every_file_and_reports_the_bad_one(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    done = _run("extract", str(ARTICLES / "07.txt"), str(ARTICLES / "00.txt"), str(empty))
    assert "Traceback" not in done.stderr
    assert f"error: {empty}: empty, no article text" in done.stderr
    assert done.returncode == 1


def test_a_command_whose_stderr_reader_is_gone_goes_on_and_exits_0(tmp_path: Path) -> None:
    undated = tmp_path / "undated.txt"  # its warning (no publication date) is the first write to stderr
    undated.write_text("Militants abducted six labourers in Kech district of Balochistan on Monday.", encoding="utf-8")
    done = _run("extract", str(undated), str(ARTICLES / "07.txt"), stream="stderr")
    assert done.returncode == 0
    assert str(undated) in done.stdout and str(ARTICLES / "07.txt") in done.stdout
