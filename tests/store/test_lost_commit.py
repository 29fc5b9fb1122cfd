"""A PostgreSQL session lost while its write is being committed: the server may have committed it before the
connection ended, so the error says that whether it is stored is not known, not that nothing of it is."""

from __future__ import annotations

import re

import psycopg
import pytest

from sarhad.errors import StorageError
from sarhad.store.db import open_database


@pytest.mark.postgres
def test_a_postgresql_session_lost_at_commit_says_the_write_may_be_stored(pg_schema_url: str) -> None:
    db = open_database(pg_schema_url)
    base = pg_schema_url.partition("?")[0]
    try:
        db.execute("CREATE TABLE notes (text TEXT)")
        pid = db.fetchone("SELECT pg_backend_pid()")
        assert pid is not None
        pattern = (
            rf"^{re.escape(base)}\?schema=\w+: the connection to the database server was lost while the write was"
            r" committed \(.+\): whether it is stored is not known \(the server may have committed it before the"
            r" connection ended\); check what the command was to store before running it again$"
        )
        with pytest.raises(StorageError, match=pattern), db.transaction():
            db.execute("INSERT INTO notes (text) VALUES (?)", ("a",))
            # the session ends after the block's last statement: the COMMIT is the statement that finds it gone
            with psycopg.connect(base, autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", (pid[0],))
    finally:
        db.close()


@pytest.mark.postgres
def test_a_postgresql_read_snapshot_lost_at_its_end_claims_no_write(pg_schema_url: str) -> None:
    db = open_database(pg_schema_url)
    base = pg_schema_url.partition("?")[0]
    try:
        pid = db.fetchone("SELECT pg_backend_pid()")
        assert pid is not None
        with pytest.raises(StorageError, match=r"connection to the database server was lost \(") as caught:
            with db.snapshot():  # a long read ('log verify') wrote nothing that could be in doubt
                db.fetchone("SELECT 1")
                with psycopg.connect(base, autocommit=True) as other:
                    other.execute("SELECT pg_terminate_backend(%s)", (pid[0],))
        assert "not known" not in str(caught.value)
    finally:
        db.close()
