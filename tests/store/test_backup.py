"""store backup: a consistent copy of a node taken while other processes write to it, and its restore."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from sarhad.config import load_settings
from sarhad.errors import InvalidInput, StorageError
from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.store.backup import backup_node
from tests.conftest import UCDP_SAMPLE, filled_home, run_cli, write_ucdp


def count(db_file: Path, sql: str) -> int:
    with closing(sqlite3.connect(db_file)) as conn:
        return int(conn.execute(sql).fetchone()[0])


def test_backup_json_says_what_was_copied_and_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = filled_home(capsys, tmp_path / "pk")
    code, out, err = run_cli(capsys, "--home", str(home), "store", "backup", "--out", str(tmp_path / "b"), "--json")
    assert code == 0, err
    done = json.loads(out)
    assert done["copied"] == ["sarhad.db", "sarhad.toml"]
    assert done["left_out"] == ["node.key"]
    assert (done["log_size"], done["checkpoint_size"], done["check"]) == (37, 37, "ok")
    assert done["bytes"] == (tmp_path / "b" / "sarhad.db").stat().st_size
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["sarhad.db", "sarhad.toml"]
    # one self-contained file: the copy is not left in WAL mode, which needs its -wal beside it
    assert count(tmp_path / "b" / "sarhad.db", "SELECT COUNT(*) FROM incidents") == 37


def test_backup_text_names_what_was_left_out_and_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = filled_home(capsys, tmp_path / "pk")
    code, out, err = run_cli(capsys, "--home", str(home), "store", "backup", "--out", str(tmp_path / "b"))
    assert code == 0, err
    assert "log of 37 entries, checkpoint 37" in out
    assert "node.key was not copied" in out and "--with-key" in out


def test_backup_with_key_copies_it_readable_by_the_owner_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = filled_home(capsys, tmp_path / "pk")
    out = tmp_path / "b"
    code, text, err = run_cli(capsys, "--home", str(home), "store", "backup", "--out", str(out), "--with-key")
    assert code == 0, err
    assert (out / "node.key").read_bytes() == (home / "node.key").read_bytes()
    assert stat.S_IMODE((out / "node.key").stat().st_mode) == 0o600
    assert "keep it apart" in text


def test_backup_refuses_a_folder_that_holds_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = filled_home(capsys, tmp_path / "pk")
    out = tmp_path / "b"
    out.mkdir()
    (out / "sarhad.db").write_bytes(b"an older backup")
    code, _, err = run_cli(capsys, "--home", str(home), "store", "backup", "--out", str(out))
    assert code != 0
    assert "is not empty" in err and "sarhad.db" in err
    assert (out / "sarhad.db").read_bytes() == b"an older backup"


def test_backup_into_an_empty_folder_is_allowed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = filled_home(capsys, tmp_path / "pk")
    (tmp_path / "b").mkdir()
    code, _, err = run_cli(capsys, "--home", str(home), "store", "backup", "--out", str(tmp_path / "b"))
    assert code == 0, err


def test_restored_home_uses_its_own_database_and_verifies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = filled_home(capsys, tmp_path / "pk")
    out = tmp_path / "b"
    assert run_cli(capsys, "--home", str(home), "store", "backup", "--out", str(out), "--with-key")[0] == 0
    restored = tmp_path / "elsewhere" / "pk"
    shutil.copytree(out, restored)
    shutil.rmtree(home)  # the original is gone: the restored settings must not point at its database
    code, text, err = run_cli(capsys, "--home", str(restored), "log", "verify")
    assert code == 0, err
    assert "log verified" in text
    assert load_settings(restored).database_url == f"sqlite:///{(restored / 'sarhad.db').resolve()}"
    code, text, _ = run_cli(capsys, "--home", str(restored), "stats", "--json")
    assert json.loads(text)["incidents"] == 37


def test_backup_during_an_import_holds_only_what_was_committed(tmp_path: Path) -> None:
    node = Node.init(tmp_path / "pk", "PK")
    import_file(node, "ucdp", UCDP_SAMPLE)
    big = tmp_path / "more.csv"
    write_ucdp(big, 12_000, 900_000)
    out = tmp_path / "b"
    taken: list[int] = []

    def back_up_midway(rows: int) -> None:
        taken.append(rows)
        if sum(taken) >= 10_000 and not out.exists():  # past the first batch's writes, before the commit
            backup_node(load_settings(node.settings.home), out)

    try:
        import_file(node, "ucdp", big, progress=back_up_midway, worker_min_bytes=1 << 40)
        assert count(node.settings.home / "sarhad.db", "SELECT COUNT(*) FROM incidents") == 37 + 12_000
    finally:
        node.close()
    assert out.exists()
    assert count(out / "sarhad.db", "SELECT COUNT(*) FROM incidents") == 37
    assert count(out / "sarhad.db", "SELECT COUNT(*) FROM log_leaves") == 37
    shutil.copy(node.settings.home / "node.key", out / "node.key")
    with Node.open(load_settings(out)) as restored:
        from tests.log.helpers import verify

        assert verify(restored).size == 37


def test_backup_refuses_while_a_large_import_holds_a_rollback_journal(tmp_path: Path) -> None:
    node = Node.init(tmp_path / "pk", "PK")
    import_file(node, "ucdp", UCDP_SAMPLE)
    try:
        # what a large import does (Database.bulk write_once): the only connection leaves WAL mode and writes
        with node.db.bulk(write_once=True), node.db.transaction():
            node.db.execute("UPDATE log_head SET size = size")
            with pytest.raises(StorageError, match=r"rollback journal.*import.*try again when it ends"):
                backup_node(load_settings(node.settings.home), tmp_path / "b")
    finally:
        node.close()
    assert not (tmp_path / "b").exists()


def test_backup_of_a_missing_database_is_refused(tmp_path: Path) -> None:
    node = Node.init(tmp_path / "pk", "PK")
    node.close()
    (tmp_path / "pk" / "sarhad.db").unlink()
    with pytest.raises(StorageError, match=r"sarhad\.db.*does not exist"):
        backup_node(load_settings(tmp_path / "pk"), tmp_path / "b")
    assert not (tmp_path / "b").exists()


def test_backup_into_a_file_is_refused(tmp_path: Path) -> None:
    node = Node.init(tmp_path / "pk", "PK")
    node.close()
    (tmp_path / "b").write_text("x")
    with pytest.raises(InvalidInput, match="not a folder"):
        backup_node(load_settings(tmp_path / "pk"), tmp_path / "b")


@pytest.mark.postgres
def test_postgresql_backup_prints_the_pg_dump_command_for_the_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pg_schema_url: str
) -> None:
    home = filled_home(capsys, tmp_path / "pk", "--db", pg_schema_url)
    out = tmp_path / "b"
    code, text, err = run_cli(capsys, "--home", str(home), "store", "backup", "--out", str(out), "--json")
    assert code == 0, err
    done = json.loads(text)
    base, _, schema = pg_schema_url.partition("?schema=")
    assert done["command"] == ["pg_dump", "--format=custom", f"--schema={schema}", f"--file={out / 'sarhad.dump'}",
                               base]  # fmt: skip
    assert done["copied"] == ["sarhad.toml"] and done["left_out"] == ["sarhad.dump", "node.key"]
    assert sorted(p.name for p in out.iterdir()) == ["sarhad.toml"]
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed: the command's shape is checked, not its run")
    subprocess.run(done["command"], check=True, capture_output=True)
    listing = subprocess.run(["pg_restore", "--list", str(out / "sarhad.dump")], check=True, capture_output=True)
    assert f"TABLE DATA {schema} log_leaves" in listing.stdout.decode()


@pytest.mark.postgres
def test_postgresql_backup_text_keeps_the_password_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pg_schema_url: str
) -> None:
    home = filled_home(capsys, tmp_path / "pk", "--db", pg_schema_url)
    with_password = pg_schema_url.replace("postgres@", "postgres:s3cret@")
    out = tmp_path / "b"
    code, text, err = run_cli(capsys, "--home", str(home), "--db", with_password, "store", "backup", "--out", str(out))
    assert code == 0, err
    assert "s3cret" not in text + err + (out / "sarhad.toml").read_text()
    assert "pg_dump --format=custom" in text and "PGPASSWORD" in text
