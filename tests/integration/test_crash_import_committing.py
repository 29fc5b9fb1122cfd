"""Crash safety of import, killed after it has read its file, while it writes the batch, signs the checkpoint
and commits: SIGKILL there never leaves a broken log, never loses what was stored, never stores half the batch,
and rerunning completes the job. (Killed while parsing: test_crash_import_parsing.py; with a rollback journal:
test_crash_import_journal.py.)"""

from __future__ import annotations

from pathlib import Path

from tests.integration.import_crash import MARKS, kill_imports_and_rerun

pytestmark = MARKS


def test_sigkill_while_an_import_writes_and_commits_keeps_the_log_verifiable_and_loses_nothing(
    tmp_path: Path,
) -> None:
    kill_imports_and_rerun(tmp_path, after_reading=True, attempts=11, seed=20251109)
