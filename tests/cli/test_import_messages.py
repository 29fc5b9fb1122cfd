"""What ``sarhad import`` tells a user: an Excel file's encoding first, the path as given, Ctrl-C, a peer's party."""

from __future__ import annotations

import csv
import json
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sarhad.config import load_settings
from sarhad.errors import InvalidInput
from sarhad.exchange.peers import add_peer
from sarhad.importer import import_file
from sarhad.log.note import Signer
from sarhad.node import Node
from sarhad.store.incidents import count_incidents
from tests.conftest import UNUSED_TOKEN, run_cli, write_ucdp

GTD_SAMPLE = Path(__file__).resolve().parents[1] / "assets" / "synthetic" / "gtd_synthetic.csv"


@pytest.fixture
def home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    code, _, err = run_cli(capsys, "--home", str(tmp_path / "pk"), "init", "--party", "PK")
    assert code == 0, err
    return tmp_path / "pk"


def _gtd_table() -> list[list[str]]:
    with GTD_SAMPLE.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))  # one line a row: row N is on line N + 1


def _windows_file(path: Path, accented_lines: tuple[int, ...], table: list[list[str]] | None = None) -> Path:
    """The GTD sample as Excel saves it on Windows (cp1252), with an 'é' in the rows on ``accented_lines``."""
    table = table or _gtd_table()
    for line in accented_lines:
        table[line - 1][table[0].index("provstate")] = "Qu\u00e9tta"
    with path.open("w", newline="", encoding="cp1252") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(table)
    return path


def test_excel_file_leads_with_the_encoding_hint_not_skip_invalid(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    win = _windows_file(tmp_path / "win.csv", (2, 5, 7))
    code, _, err = run_cli(capsys, "--home", str(home), "import", "gtd", str(win))
    assert code == 1
    first = err.splitlines()[0]
    assert first == (
        f"error: {win}: rejected, nothing was stored: 3 rows are not valid UTF-8; if the file was saved by Excel,"
        " try --encoding cp1252"
    ), err
    assert "--skip-invalid" not in err and err.count("--encoding cp1252") == 1
    assert f"{win}:5: provstate: the bytes are not valid UTF-8" in err
    # and the hint is right: the same command with it imports every row
    code, out, err = run_cli(capsys, "--home", str(home), "import", "gtd", str(win), "--encoding", "cp1252")
    assert code == 0 and " 0 rejected" in out, err


def test_mixed_bad_rows_still_offer_skip_invalid_and_the_hint_once(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = _gtd_table()
    table[9][table[0].index("latitude")] = "123.4"  # a row bad for another reason too
    win = _windows_file(tmp_path / "win.csv", (2,), table)
    code, _, err = run_cli(capsys, "--home", str(home), "import", "gtd", str(win))
    assert code == 1
    assert "use --skip-invalid to store the good rows" in err.splitlines()[0], err
    assert err.count("--encoding cp1252") == 1


def test_skip_invalid_leads_with_the_encoding_hint_when_every_rejected_row_is_not_utf8(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    win = _windows_file(tmp_path / "win.csv", (2, 5, 7))
    code, out, err = run_cli(capsys, "--home", str(home), "import", "gtd", str(win), "--skip-invalid")
    assert code == 0 and " 3 rejected" in out, err
    lines = err.splitlines()
    assert lines[0] == "3 rejected rows are not valid UTF-8; if the file was saved by Excel, try --encoding cp1252"
    assert lines[1:] == [f"  {win}:{line}: provstate: the bytes are not valid UTF-8" for line in (2, 5, 7)], err


def test_skip_invalid_gives_the_encoding_hint_after_the_errors_when_some_rows_are_bad_otherwise(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = _gtd_table()
    table[9][table[0].index("latitude")] = "123.4"
    win = _windows_file(tmp_path / "win.csv", (2,), table)
    code, out, err = run_cli(capsys, "--home", str(home), "import", "gtd", str(win), "--skip-invalid")
    assert code == 0 and " 2 rejected" in out, err
    lines = err.splitlines()
    assert lines[0].startswith(f"  {win}:2: provstate:"), err
    hint = "the bytes are not valid UTF-8 on some rows: if the file was saved by Excel, try --encoding cp1252"
    assert lines[-1] == hint and err.count("--encoding cp1252") == 1, err


def test_import_names_the_file_by_the_path_given(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    table = _gtd_table()
    table[11][table[0].index("latitude")] = "123.4"
    with (tmp_path / "sub" / "bad2.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(table)
    args = ("--home", str(home), "import", "gtd", "sub/bad2.csv")
    code, out, err = run_cli(capsys, *args, "--json")
    assert code == 1
    rejected = json.loads(out)
    assert rejected["file"] == "sub/bad2.csv"
    assert rejected["errors"] == ["sub/bad2.csv:12: latitude: 123.4 is outside -90..90"]
    assert rejected["error"].startswith("sub/bad2.csv: rejected, nothing was stored: 1 bad row;")
    code, out, err = run_cli(capsys, *args, "--skip-invalid", "--json")
    assert code == 0, err
    done = json.loads(out)
    assert (done["file"], done["rejected_file"]) == ("sub/bad2.csv", "sub/bad2.csv.rejected.csv")
    assert done["errors"] == ["sub/bad2.csv:12: latitude: 123.4 is outside -90..90"]
    code, out, err = run_cli(capsys, *args, "--skip-invalid")
    assert code == 0 and "from sub/bad2.csv:" in out and "  sub/bad2.csv:12: latitude" in err
    # an error in the file as a whole names it the same way
    (tmp_path / "sub" / "empty.csv").write_bytes(b"")
    code, out, err = run_cli(capsys, "--home", str(home), "import", "gtd", "sub/empty.csv", "--json")
    assert code == 1 and json.loads(out)["file"] == "sub/empty.csv"
    assert "error: sub/empty.csv:1: header: the file is empty" in err


def test_ctrl_c_during_import_says_nothing_was_stored_and_to_run_it_again(home: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    write_ucdp(big, 20_000, 10_000_000)  # long enough to be still importing when Ctrl-C comes
    command = [sys.executable, "-m", "sarhad", "--home", str(home), "--verbose", "import", "ucdp", str(big)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stderr is not None
    # Ctrl-C once the import has started (its first log line), not while Python is still starting
    assert select.select([proc.stderr], [], [], 120)[0], "import logged nothing within 120 s"
    first = proc.stderr.readline()
    assert first.startswith(f"INFO sarhad.importer: importing {big} (ucdp)"), first
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.splitlines()[-1] == (
        f"interrupted: nothing of {big} was stored (an import is all or nothing); run the same command again to"
        " import it"
    ), err
    node = Node.open(load_settings(home))
    try:
        assert count_incidents(node.db) == 0
    finally:
        node.close()


def test_ctrl_c_elsewhere_says_interrupted(home: Path) -> None:
    command = [sys.executable, "-m", "sarhad", "--home", str(home), "serve", "--host", "127.0.0.1", "--port", "0"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    assert select.select([proc.stderr], [], [], 120)[0], "serve printed nothing within 120 s"
    proc.stderr.readline()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and err.splitlines()[-1] == "interrupted", err


def _with_peer(node: Node, party: str) -> None:
    add_peer(node.db, "tehran", "http://127.0.0.1:9", Signer.generate("sarhad.ir/log").vkey, UNUSED_TOKEN, party)


def test_import_refuses_a_registered_peers_party_unless_meant(any_node: Node) -> None:
    _with_peer(any_node, "IR")
    with pytest.raises(InvalidInput, match=r"--reported-by IR is the party of the peer 'tehran': its node refuses"):
        import_file(any_node, "gtd", GTD_SAMPLE, reported_by="ir")
    assert count_incidents(any_node.db) == 0
    assert import_file(any_node, "gtd", GTD_SAMPLE, reported_by="AF").added == 120  # no peer's party
    result = import_file(any_node, "gtd", GTD_SAMPLE, reported_by="IR", peer_party=True)
    assert result.added == 120


def test_cli_import_as_a_peers_party_needs_the_flag(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    node = Node.open(load_settings(home))
    try:
        _with_peer(node, "IR")
    finally:
        node.close()
    args = ("--home", str(home), "import", "gtd", str(GTD_SAMPLE), "--reported-by", "Iran")
    code, out, err = run_cli(capsys, *args, "--json")
    assert code == 1 and json.loads(out)["stored"] is False
    assert "error: --reported-by IR is the party of the peer 'tehran'" in err and "--peer-party" in err
    code, out, err = run_cli(capsys, *args, "--peer-party", "--json")
    assert code == 0 and json.loads(out)["added"] == 120, err
