"""The CLI contract other checks rely on: init, import, incidents, stats, export, exit codes."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from sarhad.cli import main
from tests.conftest import UCDP_SAMPLE
from tests.conftest import run_cli as run


@pytest.fixture
def home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    h = tmp_path / "pk"
    code, _, err = run(capsys, "--home", str(h), "init", "--party", "PK")
    assert code == 0, err
    return h


def test_import_and_stats_json_contract(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--home", str(home), "import", "ucdp", str(UCDP_SAMPLE), "--json")
    assert code == 0
    assert json.loads(out)["added"] == 37
    code, out, _ = run(capsys, "--home", str(home), "stats", "--json")
    data = json.loads(out)
    assert data["incidents"] == 37
    assert data["killed"]["best"] == 165 and data["killed"]["low"] == 154 and data["killed"]["high"] == 211
    assert set(data["wounded"]) >= {"low", "best", "high"}
    code, out, _ = run(capsys, "--home", str(home), "stats", "--by", "year", "--json")
    groups = json.loads(out)["groups"]
    assert sum(g["incidents"] for g in groups) == 37
    assert all({"key", "incidents", "killed", "wounded"} <= set(g) for g in groups)


def test_incidents_list_json_has_the_contract_fields(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--home", str(home), "import", "ucdp", str(UCDP_SAMPLE))
    code, out, _ = run(capsys, "--home", str(home), "incidents", "list", "--country", "IR", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 3
    for r in rows:
        assert {"id", "source_id", "reported_by", "date_start", "country", "admin1", "lat", "lon", "killed",
                "wounded"} <= set(r)  # fmt: skip
        assert r["id"].startswith("incident--") and r["reported_by"] == "UCDP" and r["country"] == "IR"
        assert set(r["killed"]) == {"low", "best", "high"}
    code, out, _ = run(capsys, "--home", str(home), "incidents", "show", rows[0]["id"], "--json")
    assert json.loads(out)["incident"]["id"] == rows[0]["id"]


def test_filters_select_by_date_and_bbox(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--home", str(home), "import", "ucdp", str(UCDP_SAMPLE))
    _, out, _ = run(capsys, "--home", str(home), "incidents", "list", "--since", "2010", "--until", "2010", "--json")
    assert {r["date_start"][:4] for r in json.loads(out)} == {"2010"}
    _, out, _ = run(capsys, "--home", str(home), "incidents", "list", "--bbox", "60,25,64,30", "--json")
    assert all(60 <= r["lon"] <= 64 and 25 <= r["lat"] <= 30 for r in json.loads(out))
    code, _, err = run(capsys, "--home", str(home), "incidents", "list", "--bbox", "1,2,3")
    assert code == 1 and "MINLON,MINLAT,MAXLON,MAXLAT" in err


def test_export_round_trip_through_the_cli(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--home", str(home), "import", "ucdp", str(UCDP_SAMPLE))
    out = tmp_path / "x.csv"
    code, _, _ = run(capsys, "--home", str(home), "export", "ucdp", "--out", str(out))
    assert code == 0
    with out.open(newline="", encoding="utf-8") as a, UCDP_SAMPLE.open(newline="", encoding="utf-8") as b:
        assert list(csv.reader(a)) == list(csv.reader(b))
    geo = tmp_path / "x.geojson"
    run(capsys, "--home", str(home), "export", "geojson", "--out", str(geo))
    features = json.loads(geo.read_text(encoding="utf-8"))["features"]
    assert len(features) == 37 and features[0]["geometry"]["type"] == "Point"


def test_errors_are_one_line_and_non_zero(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,relid\n", encoding="utf-8")
    code, _, err = run(capsys, "--home", str(home), "import", "ucdp", str(bad))
    assert code == 1 and "header: missing columns" in err and "Traceback" not in err
    code, _, err = run(capsys, "--home", str(tmp_path / "none"), "stats")
    assert code == 1 and "not a sarhad node home" in err
    code, _, err = run(capsys, "--home", str(home), "init", "--party", "PK")
    assert code == 1 and "already holds a sarhad node" in err
    code, _, err = run(capsys, "--home", str(home), "stats", "--by", "weekday")
    assert code == 1 and "cannot group by 'weekday'" in err


def test_console_script_runs_as_a_process(home: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sarhad", "--home", str(home), "stats", "--json"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["incidents"] == 0


def test_a_command_exit_code_reaches_the_shell(capsys: pytest.CaptureFixture[str]) -> None:
    import typer

    from sarhad.cli import app

    @app.command("exit-code-probe", hidden=True)
    def probe() -> None:
        raise typer.Exit(3)

    try:
        assert main(["exit-code-probe"]) == 3
    finally:
        app.registered_commands = [c for c in app.registered_commands if c.name != "exit-code-probe"]


def test_store_rebuild_recreates_the_views(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--home", str(home), "import", "ucdp", str(UCDP_SAMPLE))
    _, before, _ = run(capsys, "--home", str(home), "stats", "--by", "admin1", "--json")
    code, out, _ = run(capsys, "--home", str(home), "store", "rebuild", "--json")
    assert code == 0 and json.loads(out)["incidents"] == 37
    _, after, _ = run(capsys, "--home", str(home), "stats", "--by", "admin1", "--json")
    assert json.loads(after) == json.loads(before)


def _to_small_pages(path: Path) -> None:
    """Rewrite a node's database with SQLite's default 4 KiB pages, as a node made before 16 KiB pages has."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("PRAGMA page_size=4096")
        conn.execute("VACUUM")
        conn.execute("PRAGMA journal_mode=WAL")
        assert conn.execute("PRAGMA page_size").fetchone() == (4096,)


def test_store_compact_gives_an_old_node_large_pages_and_keeps_everything(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "--home", str(home), "import", "ucdp", str(UCDP_SAMPLE))
    _to_small_pages(home / "sarhad.db")
    _, before, _ = run(capsys, "--home", str(home), "stats", "--by", "admin1", "--json")
    code, out, err = run(capsys, "--home", str(home), "store", "compact", "--json")
    assert code == 0, err
    done = json.loads(out)
    assert (done["page_size_before"], done["page_size_after"]) == (4096, 16384)
    assert done["path"] == str(home / "sarhad.db") and done["bytes_after"] > 0
    with closing(sqlite3.connect(home / "sarhad.db")) as conn:
        assert conn.execute("PRAGMA page_size").fetchone() == (16384,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    _, after, _ = run(capsys, "--home", str(home), "stats", "--by", "admin1", "--json")
    assert json.loads(after) == json.loads(before)
    code, _, err = run(capsys, "--home", str(home), "log", "verify")
    assert code == 0, err
    out_file = tmp_path / "again.csv"
    assert run(capsys, "--home", str(home), "export", "ucdp", "--out", str(out_file))[0] == 0
    assert out_file.read_bytes() == UCDP_SAMPLE.read_bytes()


def test_store_compact_refuses_while_another_process_has_the_node_open(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "--home", str(home), "import", "ucdp", str(UCDP_SAMPLE))
    _to_small_pages(home / "sarhad.db")
    with closing(sqlite3.connect(home / "sarhad.db")) as other:  # as `sarhad serve` would hold it
        assert other.execute("SELECT COUNT(*) FROM incidents").fetchone() == (37,)
        code, out, err = run(capsys, "--home", str(home), "store", "compact")
        assert code != 0 and out == ""
        assert "cannot compact" in err and "another sarhad process" in err
        assert other.execute("PRAGMA page_size").fetchone() == (4096,)
        assert other.execute("SELECT COUNT(*) FROM incidents").fetchone() == (37,)


def test_store_compact_is_for_sqlite(capsys: pytest.CaptureFixture[str], tmp_path: Path, pg_schema_url: str) -> None:
    home = tmp_path / "pg"
    code, _, err = run(capsys, "--home", str(home), "init", "--party", "PK", "--db", pg_schema_url)
    assert code == 0, err
    code, _, err = run(capsys, "--home", str(home), "store", "compact")
    assert code != 0 and "store compact is for SQLite nodes" in err
