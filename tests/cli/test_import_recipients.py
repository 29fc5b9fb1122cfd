"""``sarhad import … --tlp RED --recipient PARTY:NAME``: every record of the file names its recipients, in one
process or through the import worker; bad recipients refuse the import before anything is read or stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sarhad.config import load_settings
from sarhad.errors import InvalidInput
from sarhad.importer import import_file
from sarhad.model.incident import SARHAD_EXTENSION
from sarhad.node import Node
from tests.conftest import UCDP_SAMPLE
from tests.conftest import run_cli as run


@pytest.fixture
def home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    h = tmp_path / "pk"
    assert run(capsys, "--home", str(h), "init", "--party", "PK")[0] == 0
    return h


def _markings(home: Path) -> set[tuple[str, tuple[str, ...]]]:
    """(TLP, recipients) of every stored incident body."""
    with Node.open(load_settings(home)) as node:
        found = set()
        for tlp, body in node.db.fetchall("SELECT tlp, body FROM objects WHERE type = 'incident'"):
            ext = json.loads(body)["extensions"][SARHAD_EXTENSION]
            found.add((str(tlp), tuple(ext.get("recipients", ()))))
        return found


def test_import_names_the_recipients_of_every_record(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--home", str(home), "import", "ucdp", str(UCDP_SAMPLE), "--tlp", "red",
                         "--recipient", "IR:desk-a", "--recipient", "PK:jtc-liaison", "--json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["added"] == 37
    assert _markings(home) == {("RED", ("IR:desk-a", "PK:jtc-liaison"))}
    code, out, _ = run(capsys, "--home", str(home), "incidents", "list", "--limit", "1", "--json")
    first = json.loads(out)[0]["id"]
    code, out, _ = run(capsys, "--home", str(home), "incidents", "show", first)
    assert code == 0 and "IR:desk-a" in out


def test_the_import_worker_carries_the_recipients_too(tmp_path: Path) -> None:
    with Node.init(tmp_path / "one", "PK") as one, Node.init(tmp_path / "two", "PK") as two:
        a = import_file(one, "ucdp", UCDP_SAMPLE, tlp="RED", recipients=("IR:desk-a",), worker_min_bytes=10**12)
        b = import_file(two, "ucdp", UCDP_SAMPLE, tlp="RED", recipients=("IR:desk-a",), worker_min_bytes=0)
        assert (a.worker, b.worker) == (False, True)
        bodies = "SELECT id, content_sha256 FROM objects WHERE type = 'incident' ORDER BY id"
        assert one.db.fetchall(bodies) == two.db.fetchall(bodies)
    assert _markings(tmp_path / "two") == {("RED", ("IR:desk-a",))}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tlp", "GREEN", "--recipient", "IR:desk-a"], "recipients are for TLP:RED records only; this import is"),
        (["--tlp", "RED", "--recipient", "desk-a"], "recipient 'desk-a' is not PARTY:NAME"),
        (["--tlp", "RED", "--recipient", "IR:a", "--recipient", "IR:a"], "recipient 'IR:a' is named twice"),
        (["--tlp", "PURPLE"], "TLP 'PURPLE' is not one of"),
    ],
)  # fmt: skip
def test_bad_recipients_refuse_the_import_and_store_nothing(
    home: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, "--home", str(home), "import", "ucdp", str(UCDP_SAMPLE), *args)
    assert code != 0
    assert message in " ".join(err.split())
    with Node.open(load_settings(home)) as node:
        assert node.db.fetchone("SELECT COUNT(*) FROM objects") == (0,)
        assert node.db.fetchone("SELECT COUNT(*) FROM incidents") == (0,)


def test_the_library_refuses_recipients_without_red(tmp_path: Path) -> None:
    with Node.init(tmp_path / "n", "PK") as node, pytest.raises(InvalidInput, match="TLP:RED records only"):
        import_file(node, "ucdp", UCDP_SAMPLE, tlp="AMBER", recipients=("IR:desk-a",))
