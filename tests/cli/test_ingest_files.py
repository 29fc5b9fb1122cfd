"""``sarhad ingest article FILE...`` publishes every article it is given: a file that is not one is named with its
reason and stores nothing, the others are published all the same, and the exit status says that some failed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sarhad.node import Node
from tests.cli.bad_articles import write_bad_articles
from tests.conftest import ASSETS, run_cli

ARTICLES = ASSETS / "articles"


def _stored_ids(node: Node) -> set[str]:
    return {row[0] for row in node.db.fetchall("SELECT DISTINCT id FROM objects")}


def test_ingest_goes_on_past_bad_files_and_stores_only_the_good_ones(
    any_node: Node, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = write_bad_articles(tmp_path, leave_out={"empty.txt"})
    good = [str(ARTICLES / "07.txt"), str(ARTICLES / "00.txt")]
    files = [good[0], *bad, good[1]]
    before = _stored_ids(any_node)
    code, out, err = run_cli(capsys, "--home", str(any_node.settings.home), "ingest", "article", *files, "--json")
    assert code == 1
    entries = json.loads(out)
    assert [e["file"] for e in entries] == files  # each path as given, published or not (as extract)
    published = [entries[0], entries[-1]]
    assert all(e["error"] is None and e["added"] > 0 for e in published)
    assert entries[0]["incidents"] and entries[-1]["commitments"] >= 5
    for entry, reason in zip(entries[1:-1], bad.values(), strict=True):
        assert set(entry) == {"file", "error"}
        assert reason in entry["error"] and not entry["error"].startswith(entry["file"])
    for path, reason in bad.items():
        assert reason in err.split(f"error: {path}: ", 1)[1].splitlines()[0]
    assert f"{len(bad)} of {len(files)} files could not be ingested" in err and "Traceback" not in err
    # What is stored is the two articles (reports, incidents, proposed commitments), nothing of the bad files.
    reports_and_incidents = {i for e in published for i in (e["report_id"], *e["incidents"])}
    new = _stored_ids(any_node) - before
    notes = {i for i in new if i.startswith("note--")}
    assert new - notes == reports_and_incidents
    assert len(notes) == sum(e["commitments"] for e in published)
    for incident_id in entries[0]["incidents"]:
        assert any_node.incident(incident_id).dataset == "article"


def test_ingest_prints_each_published_article_and_the_failed_ones_on_stderr(
    any_node: Node, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.txt"
    files = [str(ARTICLES / "07.txt"), str(missing), str(ARTICLES / "12.txt")]
    code, out, err = run_cli(capsys, "--home", str(any_node.settings.home), "ingest", "article", *files)
    assert code == 1
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines] == [files[0], files[2]]
    assert f"error: {missing}: no such file" in err
    assert "1 of 3 files could not be ingested" in err and str(missing) in err.splitlines()[-1]


def test_ingest_refuses_a_bad_published_date_before_storing_anything(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _stored_ids(any_node)
    files = [str(ARTICLES / "07.txt"), str(ARTICLES / "00.txt")]
    home = str(any_node.settings.home)
    code, out, err = run_cli(capsys, "--home", home, "ingest", "article", *files, "--published", "2025-13-40")
    assert code == 1 and out == ""
    assert "--published '2025-13-40' is not a date (YYYY-MM-DD)" in err
    assert err.count("is not a date") == 1 and "could not be ingested" not in err
    assert _stored_ids(any_node) == before


def test_ingest_of_good_files_only_exits_0_with_error_null(any_node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(any_node.settings.home)
    code, out, err = run_cli(capsys, "--home", home, "ingest", "article", str(ARTICLES / "07.txt"), "--json")
    assert code == 0, err
    [entry] = json.loads(out)
    assert entry["error"] is None and entry["file"] == str(ARTICLES / "07.txt")
