"""``sarhad incidents mark``: a new version of an own record with another marking, a TLP:RED record's recipients
shown by ``incidents show``; bad input stores nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sarhad.config import load_settings
from sarhad.node import Node
from tests.conftest import UCDP_SAMPLE
from tests.conftest import run_cli as run


@pytest.fixture
def home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    h = tmp_path / "pk"
    assert run(capsys, "--home", str(h), "init", "--party", "PK")[0] == 0
    assert run(capsys, "--home", str(h), "import", "ucdp", str(UCDP_SAMPLE))[0] == 0
    return h


def _first_id(home: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code, out, _ = run(capsys, "--home", str(home), "incidents", "list", "--limit", "1", "--json")
    assert code == 0
    return str(json.loads(out)[0]["id"])


def _versions(home: Path, object_id: str) -> int:
    node = Node.open(load_settings(home))
    try:
        row = node.db.fetchone("SELECT COUNT(*) FROM objects WHERE id = ?", (object_id,))
        return int(row[0]) if row else 0
    finally:
        node.close()


def test_marking_red_for_recipients_publishes_a_version_that_show_lists(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wanted = _first_id(home, capsys)
    args = ["--home", str(home), "incidents", "mark", wanted, "--tlp", "red"]
    code, out, err = run(capsys, *args, "--recipient", "PK:jtc-liaison", "--recipient", "IR:desk-a", "--json")
    assert code == 0, err
    assert json.loads(out) == {
        "id": wanted,
        "tlp": "RED",
        "recipients": ["IR:desk-a", "PK:jtc-liaison"],
        "changed": True,
    }
    assert _versions(home, wanted) == 2
    code, out, _ = run(capsys, "--home", str(home), "incidents", "show", wanted)
    assert "TLP:RED" in out and "recipients    IR:desk-a, PK:jtc-liaison" in out
    code, out, _ = run(capsys, "--home", str(home), "incidents", "show", wanted, "--json")
    assert json.loads(out)["incident"]["extensions"]
    code, out, _ = run(capsys, *args, "--recipient", "IR:desk-a", "--recipient", "PK:jtc-liaison")
    assert code == 0 and "already marked" in out
    assert _versions(home, wanted) == 2


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--tlp", "GREEN", "--recipient", "IR:desk-a"], "recipients are for TLP:RED records only"),
        (["--tlp", "RED", "--recipient", "IR desk"], "recipient 'IR desk' is not PARTY:NAME"),
        (["--tlp", "RED", "--recipient", "ir:desk"], "recipient 'ir:desk' is not PARTY:NAME"),
        (["--tlp", "PURPLE"], "TLP 'PURPLE' is not one of"),
    ],
)
def test_bad_markings_are_refused_and_nothing_is_stored(
    home: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    wanted = _first_id(home, capsys)
    code, _, err = run(capsys, "--home", str(home), "incidents", "mark", wanted, *extra)
    assert code != 0 and message in err
    assert _versions(home, wanted) == 1


def test_only_the_originator_may_change_a_records_marking(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wanted = _first_id(home, capsys)
    node = Node.open(load_settings(home))
    try:
        with node.db.transaction():
            node.db.execute("UPDATE incidents SET origin = 'IR' WHERE id = ?", (wanted,))
    finally:
        node.close()
    code, _, err = run(capsys, "--home", str(home), "incidents", "mark", wanted, "--tlp", "RED")
    assert code != 0 and "was published by IR; only its originator may change its marking" in err
