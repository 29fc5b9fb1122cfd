"""A command run with ``--json`` that fails prints its error on stdout as one JSON document, for the script that
reads stdout; the ``error: …`` line on stderr and the exit status stay as they are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sarhad.exchange.peers import add_peer
from sarhad.node import Node
from tests.conftest import UNUSED_TOKEN
from tests.conftest import run_cli as run


def _one_error(stdout: str, err: str, kind: str, message: str) -> None:
    assert json.loads(stdout) == {"error": {"kind": kind, "message": message}}
    assert f"error: {message}" in " ".join(err.split())


@pytest.mark.parametrize("command", [("export", "stix"), ("export", "csv"), ("stix-export",)])
def test_export_into_a_missing_folder_prints_the_error_as_json(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    out = tmp_path / "nowhere" / "bundle.json"
    code, stdout, err = run(capsys, "--home", str(home), *command, "--out", str(out), "--json")
    assert code == 1
    message = f"cannot write {out}: the folder {out.parent} does not exist (create it first)"
    _one_error(stdout, err, "InvalidInput", message)


def test_import_of_a_bad_bundle_prints_the_error_as_json(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "bundle", "objects": [', encoding="utf-8")
    code, stdout, err = run(capsys, "--home", str(home), "import", "stix", str(bad), "--json")
    assert code == 1
    doc = json.loads(stdout)
    assert list(doc) == ["error"] and doc["error"]["kind"] == "InvalidInput"
    assert f"error: {doc['error']['message']}" in err and str(bad) in doc["error"]["message"]


def test_import_of_a_bad_csv_prints_its_own_rejection_only(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    # The import's --json document says what it rejected (docs/formats.md); no second document follows it.
    bad = tmp_path / "bad.csv"
    bad.write_text("not,a,ucdp,file\n", encoding="utf-8")
    code, stdout, err = run(capsys, "--home", str(home), "import", "ucdp", str(bad), "--json")
    assert code == 1 and err.startswith("error: ")
    rejected = json.loads(stdout)
    assert (rejected["stored"], rejected["file"]) == (False, str(bad))


def test_incidents_show_of_an_unknown_id_prints_the_error_as_json(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    code, stdout, err = run(capsys, "--home", str(home), "incidents", "show", "incident--nope", "--json")
    assert code == 1
    _one_error(stdout, err, "NotFound", "no incident incident--nope")
    code, stdout, err = run(capsys, "--home", str(home), "incidents", "show", "incident--nope")
    assert (code, stdout) == (1, "") and "error: no incident incident--nope" in err


def test_a_failed_sync_prints_its_results_only(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # sync --json lists each peer's result, a failed one with its error, then fails: one document on stdout.
    home = tmp_path / "ir"
    node, other = Node.init(home, "IR"), Node.init(tmp_path / "pk", "PK")
    try:
        add_peer(node.db, "PK", "http://127.0.0.1:1", other.signer.vkey, UNUSED_TOKEN)  # nobody listens there
    finally:
        node.close()
        other.close()
    code, stdout, err = run(capsys, "--home", str(home), "sync", "--json")
    assert code == 1 and "error: " in err
    (result,) = json.loads(stdout)
    assert (result["peer"], result["ok"]) == ("PK", False)


def test_json_after_double_dash_is_not_the_option(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    code, stdout, err = run(capsys, "--home", str(home), "incidents", "show", "--", "--json")
    assert (code, stdout) == (1, "") and "error: no incident --json" in err
