"""Crash safety of import, killed while it reads and parses its file: SIGKILL at a random point of the file
never leaves a broken log, never loses what was stored, never stores part of the file, and rerunning completes
the job. (Killed after reading: test_crash_import_committing.py; with a rollback journal:
test_crash_import_journal.py.)"""

from __future__ import annotations

from pathlib import Path

from tests.integration.import_crash import MARKS, kill_imports_and_rerun

pytestmark = MARKS


def test_sigkill_while_an_import_parses_keeps_the_log_verifiable_and_loses_nothing(tmp_path: Path) -> None:
    kill_imports_and_rerun(tmp_path, after_reading=False, attempts=11, seed=20251108)
