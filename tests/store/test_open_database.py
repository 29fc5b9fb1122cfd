"""``open_database`` leaves no connection open when it fails after connecting: a PostgreSQL schema that cannot be
used, an SQLite file that is not a database."""

from __future__ import annotations

import gc
import os
import re
import socket
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from sarhad.config import Settings
from sarhad.errors import StorageError
from sarhad.store.db import open_database, shown_url
from tests.conftest import drop_schema, postgres_url, run_cli

PROC_FDS = Path("/proc/self/fd")


@pytest.fixture
def pg_base() -> Iterator[str]:
    base = postgres_url()
    if base is None:
        pytest.skip("SARHAD_TEST_POSTGRES_URL is not set (the PostgreSQL server is needed)")
    yield base


def _open_connections(application_name: str) -> list[psycopg.Connection[object]]:
    """This process's PostgreSQL connections of ``application_name`` that are still open."""
    return [
        c
        for c in gc.get_objects()
        if isinstance(c, psycopg.Connection) and not c.closed and f"application_name={application_name}" in c.info.dsn
    ]


@pytest.mark.postgres
@pytest.mark.parametrize("existing", [True, False], ids=["schema-exists", "schema-created"])
def test_a_schema_postgresql_refuses_leaves_no_connection_open(pg_base: str, existing: bool) -> None:
    # "select" passes the plain-identifier check but is a reserved word: CREATE SCHEMA (or, when a quoted
    # "select" exists, SET search_path) fails after the connection is made
    name = f"sarhad_{uuid.uuid4().hex[:12]}"
    sep = "&" if "?" in pg_base else "?"
    url = f"{pg_base}{sep}application_name={name}&schema=select"
    with psycopg.connect(pg_base, autocommit=True) as admin:
        # The schema's name is fixed (a reserved word), so runs of this test in other processes (xdist workers,
        # another run on the same server) take turns; the lock ends with this connection.
        admin.execute("SELECT pg_advisory_lock(hashtext('sarhad tests: the schema named select'))")
        if existing:
            admin.execute('CREATE SCHEMA "select"')
        try:
            with pytest.raises(StorageError, match=r"^cannot use PostgreSQL schema 'select': syntax error"):
                open_database(url)
            assert _open_connections(name) == []
        finally:
            admin.execute('DROP SCHEMA IF EXISTS "select"')


@pytest.mark.postgres
def test_a_schema_name_that_is_not_plain_is_refused_before_connecting(pg_base: str) -> None:
    name = f"sarhad_{uuid.uuid4().hex[:12]}"
    with pytest.raises(StorageError, match=r"^schema name 'Mixed' is not a plain lower-case identifier"):
        open_database(f"{pg_base}?application_name={name}&schema=Mixed")
    assert _open_connections(name) == []


def _open_files(path: Path) -> list[str]:
    """This process's file descriptors open on ``path`` (or on a file beside it: its ``-wal``, ``-journal``)."""
    if not PROC_FDS.is_dir():
        pytest.skip("needs /proc/self/fd to see which files the process holds open")
    found = []
    for fd in os.listdir(PROC_FDS):
        try:
            target = os.readlink(PROC_FDS / fd)
        except OSError:  # the descriptor listdir itself used, closed since
            continue
        if target.startswith(str(path.resolve())):
            found.append(target)
    return found


def test_a_file_that_is_not_an_sqlite_database_is_named_and_left_closed(tmp_path: Path) -> None:
    path = tmp_path / "sarhad.db"
    path.write_text("name,killed\nsomewhere,3\n")
    with pytest.raises(
        StorageError, match=f"^{re.escape(str(path))} is not an SQLite database \\(file is not a database\\)"
    ) as caught:
        open_database(f"sqlite:///{path}")
    # while the error is alive (a CLI printing it, a server logging it), its traceback holds the frames of
    # open_database: their connection must be closed, not left for the garbage collector
    assert caught.value is not None and _open_files(path) == []
    assert path.read_text() == "name,killed\nsomewhere,3\n"


@pytest.mark.postgres
def test_a_server_with_no_connection_free_is_named_with_what_to_do(pg_base: str) -> None:
    # A role allowed no connection: the real server refuses it with too_many_connections (SQLSTATE 53300), as it
    # does any client once max_connections are taken.
    role = f"sarhad_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_base, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN CONNECTION LIMIT 0")
    try:
        url = pg_base.replace("://postgres@", f"://{role}:pw@", 1)
        assert url != pg_base
        shown = re.escape(pg_base.replace("://postgres@", f"://{role}:***@", 1))
        pattern = (
            rf"^cannot connect to PostgreSQL at {shown}: the database server accepts no more connections"
            r" \(.*too many connections.*\): .*then run the command again$"
        )
        with pytest.raises(StorageError, match=pattern):
            open_database(url)
    finally:
        with psycopg.connect(pg_base, autocommit=True) as admin:
            admin.execute(f"DROP ROLE {role}")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://sarhad:s3cret@db.example/sarhad", "postgresql://sarhad:***@db.example/sarhad"),
        # libpq takes the password as a query parameter too (sarhad passes every parameter but schema on to it)
        ("postgresql://sarhad@db.example/sarhad?password=s3cret", "postgresql://sarhad@db.example/sarhad?password=***"),
        (
            "postgres://db.example/sarhad?sslmode=require&password=s3cret&schema=pk",
            "postgres://db.example/sarhad?sslmode=require&password=***&schema=pk",
        ),
        ("postgresql://u:s3cret@h/d?password=s3cret", "postgresql://u:***@h/d?password=***"),
    ],
)
def test_shown_url_hides_a_password_in_the_userinfo_or_the_query(url: str, shown: str) -> None:
    assert shown_url(url) == shown
    assert "s3cret" not in shown_url(url)


@pytest.mark.postgres
def test_a_refused_connection_never_shows_a_password_given_as_a_query_parameter(pg_base: str) -> None:
    role = f"sarhad_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_base, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN CONNECTION LIMIT 0")
    try:
        base, _, query = pg_base.replace("://postgres@", f"://{role}@", 1).partition("?")
        url = f"{base}?{query + '&' if query else ''}password=s3cret-pw"
        with pytest.raises(StorageError, match="accepts no more connections") as caught:
            open_database(url)
        assert "s3cret-pw" not in str(caught.value)
        assert "password=***" in str(caught.value)
    finally:
        with psycopg.connect(pg_base, autocommit=True) as admin:
            admin.execute(f"DROP ROLE {role}")


def test_settings_repr_hides_a_password_in_the_userinfo_or_the_query(tmp_path: Path) -> None:
    url = "postgresql://pk:s3cret@db.example/sarhad?password=s3cret&schema=pk"
    shown = repr(Settings(home=tmp_path, party="PK", database_url=url, origin="sarhad.pk/log"))
    assert "s3cret" not in shown
    assert "database_url='postgresql://pk:***@db.example/sarhad?password=***&schema=pk'" in shown


def test_a_command_given_a_missing_sqlite_database_names_it_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "pk"
    code, _, err = run_cli(capsys, "--home", str(home), "init", "--party", "PK")
    assert code == 0, err
    typo = tmp_path / "sarhad-typo.db"
    code, out, err = run_cli(capsys, "--home", str(home), "--db", f"sqlite:///{typo}", "stats")
    assert code == 1 and out == ""
    assert err == (
        f"error: no sarhad node in {typo} (the file does not exist): check the database URL (--db,"
        " SARHAD_DATABASE_URL or the home's sarhad.toml); 'sarhad init' creates a node\n"
    )
    assert not typo.exists()  # not a new, empty node whose log the home's key would sign again from size 0


@pytest.mark.postgres
def test_a_command_given_a_missing_postgresql_schema_names_it_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pg_schema_url: str
) -> None:
    home = tmp_path / "pk"
    code, _, err = run_cli(capsys, "--home", str(home), "init", "--party", "PK", "--db", pg_schema_url)
    assert code == 0, err
    base = pg_schema_url.partition("?")[0]
    typo = f"{pg_schema_url}x"
    schema = typo.partition("?schema=")[2]
    try:
        for command in (["stats"], ["log", "verify"]):  # a signing node and a checking one (no key needed)
            code, out, err = run_cli(capsys, "--home", str(home), "--db", typo, *command)
            assert code == 1 and out == ""
            assert err == (
                f"error: no sarhad node in {typo} (the schema {schema} does not exist): check the database URL"
                " (--db, SARHAD_DATABASE_URL or the home's sarhad.toml); 'sarhad init' creates a node\n"
            )
        with psycopg.connect(base, autocommit=True) as conn:
            assert conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone() is None
            # a schema that exists but holds no node: named, and left without tables
            conn.execute(f"CREATE SCHEMA {schema}")
        code, out, err = run_cli(capsys, "--home", str(home), "--db", typo, "stats")
        assert code == 1 and "(it holds no sarhad tables)" in err
        with psycopg.connect(base, autocommit=True) as conn:
            tables = conn.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = %s", (schema,)).fetchone()
            assert tables == (0,)
    finally:
        drop_schema(typo)
    code, _, err = run_cli(capsys, "--home", str(home), "stats")
    assert code == 0, err


@pytest.mark.postgres
def test_a_server_that_does_not_answer_is_named_on_one_line_without_the_password(
    pg_base: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    home = tmp_path / "pk"
    code, _, err = run_cli(capsys, "--home", str(home), "init", "--party", "PK")
    assert code == 0, err
    # a port nothing listens on: the server is "down" for this client, the shared one keeps running
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://sarhad:s3cret@127.0.0.1:{port}/sarhad?schema=pk"
    code, out, err = run_cli(capsys, "--home", str(home), "--db", url, "stats")
    assert code == 1 and out == ""
    assert err.startswith(
        f"error: cannot connect to PostgreSQL at postgresql://sarhad:***@127.0.0.1:{port}/sarhad?schema=pk:"
        f' connection failed: connection to server at "127.0.0.1", port {port} failed: Connection refused Is the'
        " server running"
    )
    assert err.count("\n") == 1 and "s3cret" not in err


def test_a_command_given_an_sqlite_file_that_holds_no_node_leaves_it_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "pk"
    code, _, err = run_cli(capsys, "--home", str(home), "init", "--party", "PK")
    assert code == 0, err
    other = tmp_path / "other.db"  # another program's database, in SQLite's default (rollback journal) mode
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()
    empty = tmp_path / "empty.db"
    empty.touch()
    for path in (other, empty):
        before = path.read_bytes()
        code, out, err = run_cli(capsys, "--home", str(home), "--db", f"sqlite:///{path}", "stats")
        assert code == 1 and out == ""
        assert f"error: no sarhad node in {path} (it holds no sarhad tables)" in err
        # not switched to WAL, its page size not set, an empty file not made a database: nothing written
        assert path.read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(path.name)) == [path.name]
