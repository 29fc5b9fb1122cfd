"""A node written by the previous release opens under this code: its database migrates and its log verifies.

The fixture ``tests/assets/upgrade/node-0.1.0.tar.gz`` is the home of a PK node made by sarhad 0.1.0 (commit
148b7a6) with ``make_node_0_1_0.sh`` beside it: incidents both parties report (one with a killed figure they
disagree on), the framework with a dispute IR answered, and IR's log copied by a sync. The release after it added
``refused_entries``, ``reconcile_clusters.disagree``, ``reconcile_audiences`` and the summaries' ``killed_known``.
"""

from __future__ import annotations

import json
import sqlite3
import tarfile
from pathlib import Path

import pytest

from sarhad.store.db import open_database
from sarhad.store.schema import migrate
from tests.conftest import run_cli

FIXTURE = Path(__file__).parents[1] / "assets" / "upgrade" / "node-0.1.0.tar.gz"


@pytest.fixture
def old_home(tmp_path: Path) -> Path:
    """The 0.1.0 node's home, unpacked into ``tmp_path`` (its database not yet opened by this code)."""
    with tarfile.open(FIXTURE) as tar:
        tar.extractall(tmp_path, filter="data")
    home = tmp_path / "pk"
    (home / "node.key").chmod(0o600)
    return home


def _summary(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as con:
        return sorted(con.execute("SELECT * FROM incident_summary").fetchall(), key=repr)


def test_node_of_release_0_1_0_migrates_and_verifies(old_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = old_home / "sarhad.db"
    with sqlite3.connect(db) as con:
        tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "refused_entries" not in tables and "reconcile_audiences" not in tables  # the old schema

    code, out, err = run_cli(capsys, "--home", str(old_home), "log", "verify")
    assert code == 0, err
    assert "peer IR:" in out and "log verified" in out

    with sqlite3.connect(db) as con:
        tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"refused_entries", "reconcile_audiences"} <= tables
        # the clusters written by 0.1.0 keep their flags, and the disagreement is found from them
        flagged = con.execute("SELECT cluster_id FROM reconcile_clusters WHERE flags LIKE '%figures_disagree%'")
        assert [c for (c,) in flagged] == [
            c for (c,) in con.execute("SELECT cluster_id FROM reconcile_clusters WHERE disagree = 1")
        ]
        assert con.execute("SELECT COUNT(*) FROM reconcile_clusters WHERE disagree = 1").fetchone() == (1,)
        # every incident gives a killed figure: the migration counted them, none reads unknown
        known = con.execute("SELECT SUM(n), SUM(killed_known) FROM incident_summary").fetchone()
        assert known[0] == known[1] > 0
    migrated = _summary(db)

    code, out, err = run_cli(capsys, "--home", str(old_home), "stats", "--json")
    assert code == 0, err
    stats = json.loads(out)
    assert stats["killed"]["unknown"] == 0 and stats["killed"]["best"] > 0

    code, out, err = run_cli(capsys, "--home", str(old_home), "peer", "list", "--json")
    assert code == 0, err
    assert "IR" in out

    code, out, err = run_cli(capsys, "--home", str(old_home), "dispute", "show", "D-2026Q1-PK1")
    assert code == 0, err
    assert "IR: One met" in out and "PK: Two met" in out

    # what the migration filled in is what a rebuild from the objects gives
    code, out, err = run_cli(capsys, "--home", str(old_home), "store", "rebuild")
    assert code == 0, err
    assert _summary(db) == migrated

    code, out, err = run_cli(capsys, "--home", str(old_home), "log", "verify")
    assert code == 0, err


def test_migrating_a_node_of_release_0_1_0_again_changes_nothing(old_home: Path) -> None:
    db = open_database(f"sqlite:///{old_home / 'sarhad.db'}")
    try:
        assert migrate(db) > 0
        assert migrate(db) == 0
    finally:
        db.close()


def _milestone(home: Path, capsys: pytest.CaptureFixture[str], code: str) -> dict[str, object]:
    """The milestone ``code`` of C-03 as the node at ``home`` shows it (``framework show --json``)."""
    status, out, err = run_cli(capsys, "--home", str(home), "framework", "show", "C-03", "--json")
    assert status == 0, err
    (found,) = [m for m in json.loads(out)["milestones"] if m["code"] == code]
    assert isinstance(found, dict)
    return found


def test_a_milestone_met_under_release_0_1_0_shows_and_keeps_who_met_it(
    old_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 0.1.0 recorded `milestone update M-03.1 --status met --date-met 2026-01-10` with no entry; the version it
    # published that day explains it, in the name of PK, which published it
    met_by_pk = {"on": "2026-12-06", "by": "PK", "status": "met", "date_met": "2026-01-10"}
    shown = _milestone(old_home, capsys, "M-03.1")
    assert (shown["status"], shown["status_changes"]) == ("met", [met_by_pk])

    args = ("milestone", "update", "M-03.1", "--due", "2027-03-31", "--reason", "the training centre opens later")
    status, _, err = run_cli(capsys, "--home", str(old_home), *args)
    assert status == 0, err
    with sqlite3.connect(old_home / "sarhad.db") as con:
        (body,) = con.execute(
            "SELECT o.body FROM objects o JOIN fw_milestones v ON v.id = o.id AND v.modified = o.modified"
            " WHERE v.code = 'M-03.1'"
        ).fetchone()
    published = json.loads(body)
    assert (published["status"], published["status_changes"]) == ("met", [met_by_pk])  # dated as 0.1.0 made it
    assert _milestone(old_home, capsys, "M-03.1")["due"] == "2027-03-31"
