"""What an analyst sees when a command goes wrong: one line naming what and where, a non-zero exit status."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sarhad._internal.dates import shown_date
from sarhad.cli import app, main
from tests.conftest import UCDP_SAMPLE, filled_home
from tests.conftest import run_cli as run


@pytest.fixture
def home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A PK node on SQLite with the UCDP sample."""
    return filled_home(capsys, tmp_path / "pk")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_home(request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A PK node with the UCDP sample, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return filled_home(capsys, tmp_path / "pk")
    return filled_home(capsys, tmp_path / "pk", "--db", request.getfixturevalue("pg_schema_url"))


def test_export_into_a_missing_folder_names_the_path_without_a_traceback(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "no-such-folder" / "incidents.geojson"
    code, _, err = run(capsys, "--home", str(home), "export", "geojson", "--out", str(out))
    assert code == 1
    assert f"error: cannot write {out}: the folder {out.parent} does not exist (create it first)" in " ".join(
        err.split()
    )
    assert "Traceback" not in err


def test_export_onto_a_folder_says_so(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--home", str(home), "export", "csv", "--out", str(tmp_path))
    assert code == 1 and f"error: cannot write {tmp_path}: it is a folder; name a file in it" in " ".join(err.split())


def test_check_proof_of_a_missing_file_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "proof.json"
    code, _, err = run(capsys, "log", "check-proof", str(missing), "--vkey", "sarhad.pk/log+00000000+AA")
    assert code == 1 and f"error: {missing}: No such file or directory" in err


def test_import_of_a_folder_says_it_is_a_folder(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--home", str(home), "import", "acled", str(tmp_path))
    assert code == 1 and f"error: {tmp_path}: a folder, not a file" in err


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (("import", "kml", str(UCDP_SAMPLE)), "unknown format 'kml': expected one of ucdp, gtd, acled or stix"),
        (
            ("export", "kml", "--out", "x.kml"),
            "unknown export format 'kml': expected one of csv, geojson, ucdp, gtd, acled or stix",
        ),
    ],
)
def test_an_unknown_format_lists_every_format_the_help_names(
    home: Path, command: tuple[str, ...], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--home", str(home), *command)
    assert code == 1 and expected in err


@pytest.mark.parametrize("flag", ["--since", "--until"])
@pytest.mark.parametrize("month", ["2025-13", "2025-00", "2025/11"])
def test_a_month_that_does_not_exist_is_refused_not_read_as_empty(
    any_home: Path, flag: str, month: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--home", str(any_home), "stats", flag, month, "--json")
    message = f"{flag} {month!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
    assert code == 1 and message in err
    assert json.loads(out) == {"error": {"kind": "InvalidInput", "message": message}}  # no stats of nothing


def test_a_month_selects_that_month(any_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--home", str(any_home), "incidents", "list", "--since", "2010-02", "--until", "2010-02",
                       "--json")  # fmt: skip
    dates = {r["date_start"][:7] for r in json.loads(out)}
    assert code == 0 and dates <= {"2010-02"}


def test_ctrl_c_says_interrupted_and_exits_130(capsys: pytest.CaptureFixture[str]) -> None:
    @app.command("interrupt-probe", hidden=True)
    def probe() -> None:
        raise KeyboardInterrupt

    try:
        code = main(["interrupt-probe"])
    finally:
        app.registered_commands = [c for c in app.registered_commands if c.name != "interrupt-probe"]
    _, err = capsys.readouterr()
    assert code == 130 and "interrupted" in err


def test_clusters_list_json_carries_the_date_the_table_shows(
    any_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = any_home
    run(capsys, "--home", str(home), "reconcile")
    code, out, _ = run(capsys, "--home", str(home), "clusters", "list", "--limit", "3", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 3
    for r in rows:
        assert {"cluster_id", "date_start", "date", "members", "killed", "wounded", "flags"} <= set(r)
        assert set(r["date"]) == {"start", "end", "precision", "agree"}
    code, table, _ = run(capsys, "--home", str(home), "clusters", "list", "--limit", "3")
    assert all(shown_date(r["date"]["start"], r["date"]["end"], r["date"]["precision"]) in table for r in rows)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def serving(home: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sarhad", "--home", str(home), "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        yield proc, port
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)


def test_serve_says_where_it_listens_and_stops_on_ctrl_c(serving: tuple[subprocess.Popen[str], int]) -> None:
    proc, port = serving
    assert proc.stderr is not None
    # The line comes once the server listens; wait for it a bounded time (a silent server fails here).
    assert select.select([proc.stderr], [], [], 60)[0], "serve printed nothing within 60 s"
    line = proc.stderr.readline()
    assert line.startswith(f"serving node PK on http://127.0.0.1:{port}/"), line
    with socket.create_connection(("127.0.0.1", port), timeout=10):
        pass
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 130


def test_side_other_than_the_two_sides_is_refused(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--home", str(home), "incidents", "list", "--side", "XX", "--json")
    assert code == 1 and "--side 'XX': expected one of PK, IR" in err
    assert json.loads(out)["error"]["message"].startswith("--side 'XX': expected one of PK, IR")  # not a listing
    code, out, _ = run(capsys, "--home", str(home), "incidents", "list", "--side", "ir", "--json")
    assert code == 0 and {r["country"] for r in json.loads(out)} == {"IR"}


def test_reported_by_filter_ignores_case(any_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, upper, _ = run(capsys, "--home", str(any_home), "stats", "--reported-by", "UCDP", "--json")
    _, lower, _ = run(capsys, "--home", str(any_home), "stats", "--reported-by", "ucdp", "--json")
    assert json.loads(upper)["incidents"] == json.loads(lower)["incidents"] == 37


def test_reported_by_filter_takes_a_country_name_as_import_does(
    any_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 'import --reported-by Pakistan' stores PK: the filter must find those records by the same words.
    code, _, err = run(capsys, "--home", str(any_home), "import", "ucdp", str(UCDP_SAMPLE), "--reported-by", "Pakistan")
    assert code == 0, err
    counts = {}
    for given in ("PK", "pk", "Pakistan", "PAK"):
        for command in (("stats", "--json"), ("incidents", "list", "--json")):
            code, out, err = run(capsys, "--home", str(any_home), *command, "--reported-by", given)
            assert code == 0, err
            answer = json.loads(out)
            counts[(given, command[0])] = answer["incidents"] if command[0] == "stats" else len(answer)
    assert set(counts.values()) == {37}, counts


def test_import_reported_by_is_one_party_whatever_its_case(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--home", str(home), "import", "ucdp", str(UCDP_SAMPLE), "--reported-by", "pk")
    assert code == 0, err
    code, out, err = run(capsys, "--home", str(home), "import", "ucdp", str(UCDP_SAMPLE), "--reported-by", "PK",
                         "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["unchanged"] == 37, err  # the same records, not 37 more
    code, _, err = run(capsys, "--home", str(home), "import", "ucdp", str(UCDP_SAMPLE), "--reported-by", "P K")
    assert code == 1 and "--reported-by 'P K' is not a party code" in err


def test_import_stix_prints_json_and_refuses_csv_options(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = tmp_path / "bundle.json"
    code, _, err = run(capsys, "--home", str(home), "stix-export", "--out", str(bundle))
    assert code == 0, err
    other = tmp_path / "ir"
    run(capsys, "--home", str(other), "init", "--party", "IR")
    code, out, err = run(capsys, "--home", str(other), "import", "stix", str(bundle), "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["format"] == "stix" and summary["incidents"] == 37 and summary["added"] >= 37
    code, out, _ = run(capsys, "--home", str(other), "stix-import", str(bundle), "--json")
    assert code == 0 and json.loads(out)["unchanged"] == summary["added"]
    code, _, err = run(capsys, "--home", str(other), "import", "stix", str(bundle), "--tlp", "RED", "--skip-invalid")
    assert code == 1 and "--skip-invalid, --tlp: not for stix" in err


def test_stix_export_prints_json_as_export_stix_does(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # stix-import takes --json; its pair stix-export gives the same summary as 'export stix --json'.
    code, out, err = run(capsys, "--home", str(home), "export", "stix", "--out", str(tmp_path / "a.json"), "--json")
    assert code == 0, err
    expected = json.loads(out)
    code, out, err = run(capsys, "--home", str(home), "stix-export", "--out", str(tmp_path / "b.json"), "--json")
    assert code == 0, err
    assert json.loads(out) == {**expected, "file": str(tmp_path / "b.json")}
    assert expected["format"] == "stix" and expected["objects"] > 37
    # and --for-peers as 'export stix' takes it: GTD's rows may not travel
    gtd = Path(__file__).resolve().parents[1] / "assets" / "synthetic" / "gtd_synthetic.csv"
    assert run(capsys, "--home", str(home), "import", "gtd", str(gtd))[0] == 0
    peers = ["--for-peers", "--json"]
    code, out, err = run(capsys, "--home", str(home), "export", "stix", "--out", str(tmp_path / "c.json"), *peers)
    assert code == 0, err
    shared = json.loads(out)
    code, out, err = run(capsys, "--home", str(home), "stix-export", "--out", str(tmp_path / "d.json"), *peers)
    assert code == 0, err
    assert json.loads(out) == {**shared, "file": str(tmp_path / "d.json")}
    assert shared["objects"] == expected["objects"]  # the UCDP sample's: none of GTD's 120


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("unshare") is None,
    reason="mounting the home read-only in a private mount namespace needs root and unshare",
)
def test_a_read_only_home_says_the_folder_is_read_only(home: Path) -> None:
    # A read-only mount (an auditor's copy, a full or failing disk remounted read-only), seen by this process
    # alone: SQLite writes its WAL and shared-memory files beside the database even to read.
    command = 'mount --bind -o ro "$1" "$1" && exec "$2" -m sarhad --home "$1" stats'
    done = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", command, "sh", str(home), sys.executable],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stderr == (
        f"error: cannot open SQLite database {home / 'sarhad.db'}: unable to open database file: the folder {home}"
        " is read-only (SQLite writes sarhad.db-wal and sarhad.db-shm beside the database, also to read it): make"
        " it writable, or copy the node home to a writable disk\n"
    )


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("mssql://pk:s3cret@127.0.0.1/sarhad", "'mssql://pk:***@127.0.0.1/sarhad'"),
        ("mysql://pk@127.0.0.1/sarhad?password=s3cret", "'mysql://pk@127.0.0.1/sarhad?password=***'"),
    ],
)
def test_an_unsupported_database_url_is_named_without_its_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str, shown: str
) -> None:
    code, _, err = run(capsys, "--home", str(tmp_path / "pk"), "--db", url, "init", "--party", "PK")
    assert code == 1
    assert err == f"error: database URL {shown} is not supported: expected sqlite:///PATH or postgresql://…\n"
    assert "s3cret" not in err


@pytest.mark.postgres
def test_a_postgres_url_is_a_postgresql_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pg_schema_url: str
) -> None:
    """``postgres://`` (the short scheme many hosts hand out) names the same server as ``postgresql://``; the
    node home records the long form."""
    url = "postgres://" + pg_schema_url.removeprefix("postgresql://")
    home = tmp_path / "pk"
    code, _, err = run(capsys, "--home", str(home), "--db", url, "init", "--party", "PK")
    assert code == 0, err
    assert f'database = "{pg_schema_url}"' in (home / "sarhad.toml").read_text(encoding="utf-8")
    code, out, err = run(capsys, "--home", str(home), "--db", url, "stats", "--json")
    assert code == 0, err
    assert '"incidents": 0' in out
