"""``sarhad log verify --vkey``, an auditor's check of a copy of a node, only reads the copy: the database file's
bytes and time stamp are the same afterwards (on PostgreSQL every transaction is read-only), and a copy whose
schema is older than the release's is refused, naming what it lacks and how to proceed, instead of being brought
up to date; ``--upgrade`` does that, on a second copy."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from sarhad.node import Node
from sarhad.store.db import open_database
from sarhad.store.schema import COMPONENTS
from tests.conftest import run_cli
from tests.log.helpers import publish_notes


def _copy(capsys: pytest.CaptureFixture[str], node: Node, out: Path) -> Path:
    """A copy of ``node`` as an auditor is given it: on SQLite a backup (without node.key); on PostgreSQL the
    node's own home, whose database the check reaches through the same URL."""
    publish_notes(node, 0, 6)
    if node.db.dialect == "postgresql":
        return node.settings.home
    code, _, err = run_cli(capsys, "--home", str(node.settings.home), "store", "backup", "--out", str(out))
    assert code == 0, err
    return out


def _state(home: Path, url: str) -> tuple[object, ...]:
    """What the check must not change: the SQLite file's bytes and time stamp, and the migrations recorded."""
    db = open_database(url, read_only=True)
    try:
        migrations = sorted(db.fetchall("SELECT component, version FROM schema_migrations"))
        objects = db.fetchall("SELECT id, modified, content_sha256 FROM objects ORDER BY id, modified")
    finally:
        db.close()
    file = home / "sarhad.db"
    if not url.startswith("sqlite"):
        return (migrations, objects)
    return (migrations, objects, hashlib.sha256(file.read_bytes()).hexdigest(), file.stat().st_mtime_ns)


def _url(home: Path) -> str:
    from sarhad.config import load_settings

    return load_settings(home).database_url


def test_verify_with_the_verifier_key_leaves_the_copy_as_it_was(
    capsys: pytest.CaptureFixture[str], any_node: Node, tmp_path: Path
) -> None:
    copy = _copy(capsys, any_node, tmp_path / "copy")
    vkey = any_node.signer.vkey
    before = _state(copy, _url(copy))
    code, out, err = run_cli(capsys, "--home", str(copy), "log", "verify", "--vkey", vkey, "--json")
    assert code == 0, err
    assert json.loads(out)["size"] == 6
    assert _state(copy, _url(copy)) == before


def test_verify_refuses_a_copy_with_an_older_schema_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], any_node: Node, tmp_path: Path
) -> None:
    copy = _copy(capsys, any_node, tmp_path / "copy")
    vkey, url = any_node.signer.vkey, _url(copy)
    latest = len(COMPONENTS()["exchange"])
    db = open_database(url, create=False)  # the copy as an older release left it: its last step not applied
    try:
        with db.transaction():
            db.execute("DELETE FROM schema_migrations WHERE component = 'exchange' AND version = ?", (latest,))
    finally:
        db.close()
    before = _state(copy, url)
    code, _, err = run_cli(capsys, "--home", str(copy), "log", "verify", "--vkey", vkey)
    said = " ".join(err.split())
    assert code == 1
    assert f"has an older schema than this release of sarhad (exchange at version {latest - 1} of {latest})" in said
    assert "log verify --vkey VKEY --upgrade' on the copy" in said
    assert _state(copy, url) == before
    # on a second copy (here, the same), --upgrade brings the schema up to date first, then checks
    code, out, err = run_cli(capsys, "--home", str(copy), "log", "verify", "--vkey", vkey, "--upgrade", "--json")
    assert code == 0, err
    assert json.loads(out)["size"] == 6
    assert ("exchange", latest) in _state(copy, url)[0]  # type: ignore[operator]
