"""``sarhad extract FILE...`` reads every file it is given: one that is not an article is reported with its
reason, the others are extracted all the same, and the exit status says that some failed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.bad_articles import write_bad_articles
from tests.conftest import ASSETS, run_cli

ARTICLES = ASSETS / "articles"


def test_extract_goes_on_past_bad_files_and_names_each_with_its_reason(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = write_bad_articles(tmp_path)
    good = [str(ARTICLES / "07.txt"), str(ARTICLES / "00.txt")]
    files = [good[0], *bad, good[1]]
    code, out, err = run_cli(capsys, "extract", *files)
    assert code == 1
    # Both articles, before and after the bad files, are extracted and shown.
    assert out.count(good[0]) == 1 and out.count(good[1]) == 1
    assert "26 killed" in out
    for path, reason in bad.items():
        assert f"error: {path}: " in err and reason in err.split(f"error: {path}: ", 1)[1].splitlines()[0]
    assert f"{len(bad)} of {len(files)} files could not be extracted" in err
    assert "Traceback" not in err


def test_extract_json_lists_each_failed_file_with_its_error_in_order(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = write_bad_articles(tmp_path)
    good = [str(ARTICLES / "07.txt"), str(ARTICLES / "00.txt")]
    files = [good[0], *bad, good[1]]
    code, out, err = run_cli(capsys, "extract", *files, "--json")
    assert code == 1
    entries = json.loads(out)
    assert [e["file"] for e in entries] == files
    assert entries[0]["error"] is None and entries[0]["incidents"][0]["killed"] == 26
    assert entries[-1]["error"] is None and entries[-1]["commitments"]
    for entry, reason in zip(entries[1:-1], bad.values(), strict=True):
        assert reason in entry["error"] and not entry["error"].startswith(entry["file"])
        assert set(entry) == {"file", "error"}
    assert f"{len(bad)} of {len(files)} files could not be extracted" in err


def test_extract_of_good_files_only_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "extract", str(ARTICLES / "07.txt"), "--json")
    assert code == 0, err
    [entry] = json.loads(out)
    assert entry["error"] is None
