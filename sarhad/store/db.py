"""One database API over SQLite (the embedded default) and PostgreSQL.

SQL is written once with ``?`` placeholders and translated for psycopg. DDL may use ``{blob}``,
``{bigint}`` and ``{real}``, filled per dialect. Errors from either driver become ``StorageError``.
There is one writer: ``transaction()`` serialises writes; readers use their own connections (SQLite WAL).
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final, Literal

from sarhad.errors import InvalidInput, NotFound, StorageError

__all__ = [
    "SQLITE_PAGE_SIZE",
    "Compacted",
    "Database",
    "Dialect",
    "open_database",
    "postgres_conninfo",
    "shown_url",
    "sqlite_path",
]

log = logging.getLogger(__name__)
# A transaction-scoped advisory lock per schema (each node has its own schema or database).
_PG_WRITER_LOCK = "SELECT pg_advisory_xact_lock(hashtext('sarhad-writer:' || current_schema()))"
# WAL gives SQLite readers a snapshot; PostgreSQL needs REPEATABLE READ for one across statements.
_PG_SNAPSHOT = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"

Dialect = Literal["sqlite", "postgresql"]
Row = tuple[Any, ...]

_DDL = {
    "sqlite": {"blob": "BLOB", "bigint": "INTEGER", "real": "REAL"},
    "postgresql": {"blob": "BYTEA", "bigint": "BIGINT", "real": "DOUBLE PRECISION"},
}
# Python's sqlite3 adapts every parameter that is not exactly an int, float, str or bytearray: for None it looks
# for a ``__conform__`` method first, and that failed lookup costs more than binding a value. With an adapter
# registered for None (one that gives None back, bound as NULL) the lookup ends at once: a 30-column
# ``incidents`` row with half its values unknown binds in about 2.8 µs instead of 4.6. Process-wide, and it
# changes nothing else: None is still stored as NULL.
_NULL: Final[dict[None, None]] = {}
sqlite3.register_adapter(type(None), _NULL.get)  # _NULL.get(None) is None, without a Python call
_PLACEHOLDER = re.compile(r"\?")
# The page size of a new SQLite database (an existing one keeps its own). Most rows are large (an incident's
# STIX body is about 1.5 KB): 16 KiB pages hold them with less slack than SQLite's default of 4 KiB, and the
# B-trees keyed by random ids (UUIDs), which an import grows at every insert, are shallower. A 1,000,000-row
# ACLED import costs about a quarter less CPU in the importing process; a one-record publish about 0.1 ms more
# (it writes a few larger pages).
SQLITE_PAGE_SIZE = 16384
_CURSORS = itertools.count(1)
# How long an SQLite connection waits for another one's lock before it fails.
BUSY_TIMEOUT_MS = 30_000


# What a write that failed on a resource was: rolled back whole. A command that commits more than once (a sync of
# several peers, an owed cosignature after a sync) keeps what it committed before, so this says no more than that.
_ROLLED_BACK: Final = (
    "the write that failed was rolled back whole (nothing of it is stored; what the command stored before it stays)"
)


class Database:
    """A connection to the node's database with one API for both dialects.

    Create one with :func:`open_database`. Not thread-safe: give each thread its own ``Database``.
    ``created_schema`` is True when opening it created its PostgreSQL ``schema`` (a failed ``Node.init`` drops
    what it created, and only that).
    """

    def __init__(
        self, url: str, conn: Any, dialect: Dialect, schema: str | None = None, *, created_schema: bool = False
    ) -> None:
        self.url = url
        self.dialect: Dialect = dialect
        self.schema = schema
        self.created_schema = created_schema
        self._conn = conn
        self._depth = 0
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"Database(dialect={self.dialect!r})"

    # -- SQL -------------------------------------------------------------------------------------------
    def ddl(self, template: str) -> str:
        """Fill ``{blob}``, ``{bigint}`` and ``{real}`` in a DDL template for this dialect."""
        return template.format(**_DDL[self.dialect])

    def _sql(self, sql: str) -> str:
        if self.dialect == "postgresql":
            return _PLACEHOLDER.sub("%s", sql.replace("%", "%%"))
        return sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; returns the driver cursor. Raises StorageError on failure."""
        try:
            return self._conn.execute(self._sql(sql), params)
        except Exception as exc:
            raise self._translate(exc, sql) from exc

    def execute_script(self, statements: Sequence[str]) -> None:
        """Run statements that take no parameters, in order: on PostgreSQL in one round trip (one simple-query
        message, which runs them in the open transaction, or in one of its own outside one), on SQLite one by one
        (its ``executescript`` would commit the open transaction first). Raises StorageError on failure; on
        PostgreSQL its message gives the server's reason and the script's beginning, not which statement failed.
        """
        if not statements:
            return
        if self.dialect == "sqlite":
            for sql in statements:
                self.execute(sql)
            return
        script = ";\n".join(statements)
        try:
            # No parameters, so psycopg sends the text as it is (no placeholders, no %% escapes), in one message.
            self._conn.execute(script)
        except Exception as exc:
            raise self._translate(exc, f"one of {len(statements)} statements: {script}") from exc

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement for each row. Raises StorageError on failure."""
        try:
            if self.dialect == "postgresql":
                with self._conn.cursor() as cur:
                    cur.executemany(self._sql(sql), rows)
            else:
                self._conn.executemany(sql, rows)
        except Exception as exc:
            raise self._translate(exc, sql) from exc

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run a query and return all its rows as tuples."""
        return [tuple(r) for r in self.execute(sql, params).fetchall()]

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """Run a query and return its first row, or None."""
        row = self.execute(sql, params).fetchone()
        return None if row is None else tuple(row)

    def iterate(self, sql: str, params: Sequence[Any] = (), size: int = 5000) -> Iterator[Row]:
        """Stream a query's rows in chunks of ``size`` without loading them all."""
        if self.dialect == "postgresql":
            # A server-side cursor lives in a transaction: join the open one or hold a read-only one.
            own = self._depth == 0
            if own:
                self._conn.execute("BEGIN READ ONLY")
            done = False
            try:
                with self._conn.cursor(name=f"sarhad_cursor_{next(_CURSORS)}") as cur:
                    cur.itersize = size
                    cur.execute(self._sql(sql), params)
                    for row in cur:
                        yield tuple(row)
                done = True
            except Exception as exc:
                raise self._translate(exc, sql) from exc
            finally:
                if own and done:
                    self._commit(writing=False)
                elif own:  # an error, or the caller stopped early (GeneratorExit)
                    self._rollback()
            return
        cur = self.execute(sql, params)
        while True:
            rows = cur.fetchmany(size)
            if not rows:
                return
            for row in rows:
                yield tuple(row)

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Bulk-insert rows: PostgreSQL's COPY, or executemany on SQLite."""
        if self.dialect == "postgresql":
            try:
                with (
                    self._conn.cursor() as cur,
                    cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
                ):
                    for row in rows:
                        copy.write_row(row)
            except Exception as exc:
                raise self._translate(exc, f"COPY {table}") from exc
            return
        marks = ", ".join("?" * len(columns))
        self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    @contextmanager
    def bulk(self, cache_mib: int = 128, *, write_once: bool = False) -> Iterator[Database]:
        """Run a large write with a larger SQLite page cache (``cache_mib`` MiB instead of 2), restored after.

        An import inserts keys that are random (UUIDs) into several B-trees; once those outgrow the cache every
        insert reads and spills pages, and the cost per row grows with the size of the node. PostgreSQL
        manages its own buffers: there this does nothing.

        ``write_once`` also leaves WAL mode for a rollback journal while the block runs, when no other
        connection has the file open (otherwise it stays in WAL mode, as if not asked). In WAL mode every page
        a transaction writes goes to the WAL and is copied into the database file afterwards (the
        checkpoint): for an import that adds gigabytes, twice the writing (at a million ACLED rows 5-7 s of a
        70-second import). With a rollback journal the new pages go to the file once, and only the
        original of a page that existed before goes to the journal, so a failure or a crash still leaves the
        database as it was (the next connection rolls a hot journal back). Meanwhile other processes that
        open the node can read what was committed before until the write needs the file for itself; then
        they wait for it (busy timeout) and fail with a message naming the import. Synchronous is FULL for
        the block, as a rollback journal needs for durability; WAL mode and NORMAL come back after it.
        """
        if self.dialect != "sqlite":
            yield self
            return
        row = self.fetchone("PRAGMA cache_size")
        before = int(row[0]) if row else -2000
        self.execute(f"PRAGMA cache_size = {-int(cache_mib) * 1024}")
        journal = write_once and self._leave_wal()
        try:
            yield self
        finally:
            if journal:
                self._return_to_wal()
            self.execute(f"PRAGMA cache_size = {before}")

    def _leave_wal(self) -> bool:
        """Switch this SQLite database to a rollback journal, if no other connection has it open."""
        if self._depth:
            return False  # the journal mode cannot change inside a transaction
        self._conn.execute("PRAGMA busy_timeout=0")  # a file another connection holds: no switch, at once
        try:
            mode = str(self._conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]).lower()
        except sqlite3.OperationalError as exc:
            log.debug("a large write stays in WAL mode: %s", exc)  # another connection has the file open
            return False
        finally:
            self._conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if mode != "delete":
            return False
        self._conn.execute("PRAGMA synchronous=FULL")
        return True

    def _return_to_wal(self, attempts: int = 40) -> None:
        """Back to WAL mode after :meth:`_leave_wal`; a reader that holds the file at that moment is waited for
        a little, and if it keeps it, the next connection to open the node switches (:func:`open_database`)."""
        # each try gives up at once on a held file instead of waiting the busy timeout
        self._conn.execute("PRAGMA busy_timeout=0")
        try:
            for attempt in range(attempts):
                try:
                    self._conn.execute("PRAGMA synchronous=NORMAL")
                    if str(self._conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]).lower() == "wal":
                        return
                except sqlite3.Error as exc:
                    if attempt == attempts - 1:
                        log.warning("%s stays in rollback-journal mode until it is next opened: %s", self.url, exc)
                        return
                time.sleep(0.05)
        finally:
            self._conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")

    @contextmanager
    def deferred_indexes(self, *tables: str, unique: Sequence[str] = ()) -> Iterator[Database]:
        """Drop the non-unique indexes of ``tables`` for a bulk insert and create them again at the end.

        Must run inside the open transaction, so readers never see the tables without them and a failure
        rolls the drop back. Building an index once from the finished table is cheaper than keeping it up
        to date row by row once the table outgrows the page cache. The ``CREATE UNIQUE INDEX`` indexes of
        the ``unique`` tables are deferred too (a duplicate then fails when the index is built, which rolls
        the whole write back); keys declared in a table's definition always stay. SQLite only; elsewhere
        this does nothing.
        """
        if self.dialect != "sqlite" or not self.in_transaction or not (tables or unique):
            yield self
            return
        names = [*tables, *unique]
        marks = ", ".join("?" * len(names))
        indexes = [
            (name, sql, table)
            for name, sql, table in self.fetchall(
                f"SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({marks})"
                " AND sql IS NOT NULL ORDER BY name",
                names,
            )
            if table in unique or not str(sql).upper().startswith("CREATE UNIQUE")
        ]
        for name, _sql, _table in indexes:
            self.execute(f'DROP INDEX "{name}"')
        yield self
        # only on success: after an error the transaction rolls back, and the drop with it
        for _name, sql, _table in indexes:
            self.execute(str(sql))

    # -- transactions ----------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """Run the block in one transaction: commit on success, roll back on any exception.

        Nested use joins the outer transaction. Only one writer holds it at a time.
        """
        with self._open(self._begin) as db:
            yield db

    @contextmanager
    def snapshot(self) -> Iterator[Database]:
        """Read in one consistent snapshot without holding the writer's lock (writers go on meanwhile).

        Nested use joins the outer transaction. Meant for long reads such as ``log verify``.
        """

        def begin() -> None:
            try:
                self._conn.execute("BEGIN" if self.dialect == "sqlite" else _PG_SNAPSHOT)
            except Exception as exc:
                raise self._translate(exc, "BEGIN") from exc

        with self._open(begin, writing=False) as db:
            yield db

    @contextmanager
    def _open(self, begin: Callable[[], None], *, writing: bool = True) -> Iterator[Database]:
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            begin()
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._depth = 0
                self._rollback()
                raise
            self._depth = 0
            try:
                self._commit(writing=writing)
            except BaseException:
                self._rollback()  # a COMMIT that failed (busy, disk full) leaves the transaction open
                raise

    @property
    def in_transaction(self) -> bool:
        """True inside ``transaction()``."""
        return self._depth > 0

    def _begin(self) -> None:
        try:
            if self.dialect == "sqlite":
                self._conn.execute("BEGIN IMMEDIATE")
            else:
                self._conn.execute("BEGIN")
                # One writer per node, as SQLite's BEGIN IMMEDIATE gives: without it two writers both read
                # MAX(objects.seq) before either locks the log's head row, and one loses its whole batch.
                self._conn.execute(_PG_WRITER_LOCK)
        except Exception as exc:
            raise self._translate(exc, "BEGIN") from exc

    def _commit(self, *, writing: bool = True) -> None:
        try:
            self._conn.execute("COMMIT")
        except Exception as exc:
            if writing and self.dialect == "postgresql" and _pg_lost(exc, self._conn):
                # The server may have committed before the session ended, its answer lost with the connection: the
                # write is in doubt, not rolled back (a command run again might store some of it twice).
                raise StorageError(
                    f"{shown_url(self.url)}: the connection to the database server was lost while the write was"
                    f" committed ({_first_line(exc)}): whether it is stored is not known (the server may have"
                    " committed it before the connection ended); check what the command was to store before"
                    " running it again"
                ) from exc
            raise self._translate(exc, "COMMIT") from exc

    def _rollback(self) -> None:
        if self.dialect == "sqlite" and not self._conn.in_transaction:
            return  # SQLite rolled back itself (a full disk, an I/O error): a ROLLBACK would only fail
        if self.dialect == "postgresql" and (self._conn.closed or self._conn.broken):
            return  # the session ended (terminated, server restarted): the server rolled its transaction back
        try:
            self._conn.execute("ROLLBACK")
        except Exception as exc:  # the original error matters more: it is raised, this is only logged
            log.warning("rollback failed: %s", exc)
            log.debug("rollback failed", exc_info=True)

    def close(self) -> None:
        """Close the connection."""
        try:
            self._conn.close()
        except Exception as exc:
            raise self._translate(exc, "close") from exc

    def compact(self) -> Compacted:
        """Rewrite an SQLite database file: free pages are given back and it takes :data:`SQLITE_PAGE_SIZE`.

        A node keeps the space of rows it deleted or moved (the source rows' migration to ``raw_headers``
        leaves the old rows' pages free) and the page size it was created with; ``VACUUM`` copies the live
        pages into a new file. The page size can change only outside WAL mode, so the rewrite leaves it and
        comes back, which needs the only connection to the file: with another one open (``sarhad serve``, a
        sync) this raises StorageError and nothing changes. ``VACUUM`` is one transaction: a failure (a full
        disk) leaves the file as it was. Raises InvalidInput on PostgreSQL, which reclaims space with its own
        ``VACUUM`` (autovacuum).
        """
        if self.dialect != "sqlite":
            raise InvalidInput(
                "store compact is for SQLite nodes; PostgreSQL gives space back with its own VACUUM (autovacuum"
                " runs it; VACUUM FULL on the node's tables rewrites them)"
            )
        if self._depth:
            raise StorageError("store compact cannot run inside a transaction")
        path = Path(self.url.removeprefix("sqlite:///"))
        size_before = _file_size(path)
        page_before = int(self._conn.execute("PRAGMA page_size").fetchone()[0])
        try:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            mode = str(self._conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0])
        except sqlite3.Error as exc:
            raise StorageError(f"cannot compact {path}: {exc} (is another sarhad process using the node?)") from exc
        if mode.lower() != "delete":
            raise StorageError(
                f"cannot compact {path}: another connection has the database open (is `sarhad serve` or a sync"
                " running?); stop it and try again"
            )
        try:
            self._conn.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")
            self._conn.execute("VACUUM")
        except sqlite3.Error as exc:
            raise StorageError(f"cannot compact {path}: {exc}; the database is as it was") from exc
        finally:
            self._conn.execute("PRAGMA journal_mode=WAL")
        page_after = int(self._conn.execute("PRAGMA page_size").fetchone()[0])
        return Compacted(str(path), size_before, _file_size(path), page_before, page_after)

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _translate(self, exc: Exception, sql: str) -> StorageError:
        if isinstance(exc, StorageError):
            return exc
        statement = " ".join(sql.split())[:120]
        if self.dialect == "sqlite" and getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL":
            # What the operator must do does not depend on the statement: say where, and that nothing is half-done.
            return StorageError(
                f"{sqlite_path(self.url)}: the disk is full ({exc}): free space on it and run the command again;"
                f" {_ROLLED_BACK}"
            )
        resource = _pg_resource(exc) if self.dialect == "postgresql" else None
        if resource is not None:
            return StorageError(f"{shown_url(self.url)}: {resource}; {_ROLLED_BACK}")
        if self.dialect == "postgresql" and _pg_lost(exc, self._conn):
            return StorageError(
                f"{shown_url(self.url)}: the connection to the database server was lost ({_first_line(exc)}): run"
                f" the command again once the server answers; {_ROLLED_BACK}"
            )
        hint = ""
        if self.dialect == "sqlite" and "database is locked" in str(exc):
            hint = (
                " (another sarhad process is writing to this node, for longer than the 30 s this one waits: a"
                " large import holds the node until it ends; try again then)"
            )
        return StorageError(f"{self.dialect} failed on '{statement}': {exc}{hint}")


@dataclass(frozen=True)
class Compacted:
    """What :meth:`Database.compact` did: the file's size (with its WAL) and page size before and after."""

    path: str
    bytes_before: int
    bytes_after: int
    page_size_before: int
    page_size_after: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _file_size(path: Path) -> int:
    """The database file's bytes with its WAL's."""
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def _wal(conn: sqlite3.Connection) -> None:
    """Put a new connection's database in WAL mode. While another process runs a large import with a rollback
    journal (:meth:`Database.bulk` ``write_once``) the switch cannot happen: this connection then works with
    that journal, and a later one switches back."""
    try:
        conn.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):  # in WAL mode already, the switch takes no lock
            raise
        log.debug("%s: staying with the rollback journal a writer uses: %s", conn, exc)


def shown_url(url: str) -> str:
    """A database URL as a message may show it: a password in it becomes ``***`` (the user stays, to tell which
    account), e.g. ``postgresql://sarhad:***@db.example:5432/sarhad?schema=pk``; so does a ``password`` query
    parameter, which libpq takes as well (``…/sarhad?password=***``)."""
    shown = re.sub(r"^([a-z]+://[^:@/]*):[^@/]*@", r"\1:***@", url)
    return re.sub(r"([?&]password=)[^&]*", r"\1***", shown)


# PostgreSQL's "insufficient resources" conditions (SQLSTATE class 53, PostgreSQL manual, Appendix A): what the
# server lacks, and what the operator can do about it. Like SQLite's full disk, they do not depend on the statement.
_PG_RESOURCES: Final = {
    "53100": ("the database server's disk is full", "free space on the server's disk (or ask its administrator)"),
    "53200": (
        "the database server is out of memory",
        "wait for the server's other work to end (or ask its administrator for more memory)",
    ),
    "53300": (
        "the database server accepts no more connections",
        "stop a client that holds connections (another sarhad serve, sync or import) or raise the server's"
        " max_connections",
    ),
    "53400": (
        "the database server reached a limit of its configuration",
        "ask its administrator to raise the limit the message names",
    ),
}


# How the server words too_many_connections (53300) when it refuses a connection (src/backend/utils/init).
_PG_NO_SLOT: Final = ("too many connections", "too many clients already", "remaining connection slots are reserved")


def _pg_lost(exc: Exception, conn: Any) -> bool:
    """Whether a PostgreSQL error ended the session: SQLSTATE class 08 (connection exception) or 57P01-57P03
    (the server terminated it: pg_terminate_backend, a shutdown, a restart), or a connection now closed."""
    code = str(getattr(exc, "sqlstate", "") or "")
    return code.startswith("08") or code in {"57P01", "57P02", "57P03"} or bool(conn.closed or conn.broken)


def _first_line(exc: Exception) -> str:
    """The first line of a driver's message (libpq's run over several), or the error's type when it says nothing."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _pg_resource(exc: Exception) -> str | None:
    """What a PostgreSQL "insufficient resources" error means and what to do (without the "where"), or None for
    another error."""
    code = str(getattr(exc, "sqlstate", "") or "")
    if not code and any(words in str(exc) for words in _PG_NO_SLOT):
        code = "53300"  # refused at connection: libpq passes the server's message on, but not its SQLSTATE
    if not code.startswith("53"):
        return None
    lack, remedy = _PG_RESOURCES.get(
        code, ("the database server is short of a resource", "ask the server's administrator")
    )
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else code
    return f"{lack} ({detail}): {remedy}, then run the command again"


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///PATH`` URL, as :func:`open_database` opens it; None for another database."""
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def _open_sqlite(path: Path) -> sqlite3.Connection:
    """A connection to the SQLite file ``path`` (created when missing), set up as :func:`open_database` says.

    SQLite opens any file; only the first statement reads it, so a file that is not a database, or one this
    process may not write, fails after the connection is made. The connection is then closed here: the error's
    traceback would otherwise keep it, and the file, open for as long as the error lives.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    except (sqlite3.Error, OSError) as exc:
        raise _cannot_open(path, exc) from exc
    try:
        # before anything is written: the first write fixes the page size (later, in WAL mode, it is ignored)
        conn.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")
        _wal(conn)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    except BaseException as exc:
        conn.close()
        if not isinstance(exc, sqlite3.Error):
            raise
        if exc.sqlite_errorname == "SQLITE_NOTADB":
            raise StorageError(f"{path} is not an SQLite database ({exc})") from exc
        raise _cannot_open(path, exc) from exc
    return conn


def _open_sqlite_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to the SQLite file ``path`` (``mode=ro``): nothing is written into the file, not
    even the settings :func:`_open_sqlite` makes (page size, WAL mode). A database in WAL mode is read with its
    ``-wal`` and ``-shm`` files beside it (SQLite makes them when missing and the folder is writable)."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(
            uri, uri=True, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
    except (sqlite3.Error, OSError) as exc:
        raise _cannot_open(path, exc) from exc
    try:
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # reads the file: fails here if it cannot
    except BaseException as exc:
        conn.close()
        if not isinstance(exc, sqlite3.Error):
            raise
        raise _cannot_open(path, exc) from exc
    return conn


def _cannot_open(path: Path, exc: Exception) -> StorageError:
    """The error for a database file that cannot be opened, saying why when its folder is read-only: SQLite
    (in WAL mode) creates the ``-wal`` and ``-shm`` files beside it to read as well as to write."""
    hint = ""
    if path.parent.is_dir() and not os.access(path.parent, os.W_OK):
        hint = (
            f": the folder {path.parent} is read-only (SQLite writes {path.name}-wal and {path.name}-shm beside the"
            " database, also to read it): make it writable, or copy the node home to a writable disk"
        )
    return StorageError(f"cannot open SQLite database {path}: {exc}{hint}")


def _no_node(where: str, why: str) -> str:
    return (
        f"no sarhad node in {where} ({why}): check the database URL (--db, SARHAD_DATABASE_URL or the home's"
        " sarhad.toml); 'sarhad init' creates a node"
    )


def _require_sqlite_node(path: Path) -> None:
    """Raise NotFound unless the SQLite file ``path`` holds a sarhad node (every version made
    ``schema_migrations``), only reading it: what :func:`_open_sqlite` sets (the page size, WAL mode) is written
    into the file, and would switch another program's database to WAL mode or make an empty file a database.

    Raises StorageError, as :func:`_open_sqlite` does, when the file cannot be opened or is not a database.
    """
    if not path.exists():
        raise NotFound(_no_node(str(path), "the file does not exist"))
    try:
        # read-only: closing a read-write connection would move what a WAL file holds into the database
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=False,
            timeout=BUSY_TIMEOUT_MS / 1000,
        )  # fmt: skip
    except (sqlite3.Error, OSError) as exc:
        raise _cannot_open(path, exc) from exc
    try:
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        found = conn.execute(sql).fetchone() is not None
    except sqlite3.Error as exc:
        if exc.sqlite_errorname == "SQLITE_NOTADB":
            raise StorageError(f"{path} is not an SQLite database ({exc})") from exc
        raise _cannot_open(path, exc) from exc
    finally:
        conn.close()
    if not found:
        raise NotFound(_no_node(str(path), "it holds no sarhad tables"))


def _require_node(db: Database, where: str) -> None:
    """Close ``db`` (on PostgreSQL) and raise NotFound unless it holds a sarhad node (every version made
    ``schema_migrations``)."""
    sql = "SELECT 1 WHERE to_regclass('schema_migrations') IS NOT NULL"
    try:
        found = db.fetchone(sql) is not None
    except BaseException:
        db.close()
        raise
    if not found:
        db.close()
        raise NotFound(_no_node(where, "it holds no sarhad tables"))


def postgres_conninfo(url: str) -> tuple[str, str | None]:
    """A ``postgresql://…`` URL as libpq takes it, and the node's schema: sarhad's own ``schema=NAME`` parameter
    is taken out (libpq refuses parameters it does not know). Raises StorageError for a schema name that is
    not a plain lower-case identifier (it is written into SQL and commands unquoted)."""
    base, _, query = url.partition("?")
    schema = None
    rest = []
    for part in query.split("&") if query else []:
        key, _, value = part.partition("=")
        if key == "schema":
            schema = value
        else:
            rest.append(part)
    if schema and not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", schema):
        raise StorageError(f"schema name {schema!r} is not a plain lower-case identifier")
    return base + ("?" + "&".join(rest) if rest else ""), schema


def open_database(url: str, *, create: bool = True, read_only: bool = False) -> Database:
    """Open ``sqlite:///PATH`` or ``postgresql://…`` (optionally ``?schema=NAME``).

    SQLite runs in WAL mode with autocommit handled by sarhad (explicit BEGIN/COMMIT). On PostgreSQL the
    schema is created when missing and made the connection's search path. With ``create=False`` (opening a
    node that exists) nothing is created: the SQLite file, or the PostgreSQL schema, must be there and hold a
    sarhad node's tables, so a mistyped URL is named instead of becoming a new, empty node (whose log the
    home's key would start signing again from size 0). With ``read_only`` (which implies ``create=False``) the
    database is only read, for checking a copy under audit: SQLite opens the file with ``mode=ro`` and sets
    nothing in it (nor WAL mode), and every PostgreSQL transaction of the connection is read-only; a write
    fails. Raises NotFound when ``create`` is False and there is no node; StorageError when the database cannot
    be opened, is not a database (an SQLite URL naming another kind of file) or the schema cannot be used; a
    connection made before the failure is closed.
    """
    create = create and not read_only
    path = sqlite_path(url)
    if path is not None:
        if not create:  # checked before _open_sqlite writes its settings into the file
            _require_sqlite_node(path)
        if read_only:
            return Database(url, _open_sqlite_read_only(path), "sqlite")
        return Database(url, _open_sqlite(path), "sqlite")
    if url.startswith(("postgresql://", "postgres://")):
        import psycopg

        conninfo, schema = postgres_conninfo(url)
        created = False
        try:
            pg: Any = psycopg.connect(conninfo, autocommit=True)
        except psycopg.Error as exc:
            resource = _pg_resource(exc)
            if resource is not None:
                raise StorageError(f"cannot connect to PostgreSQL at {shown_url(url)}: {resource}") from exc
            # libpq's message runs over lines (a hint indented with a tab): one line, as every error is printed
            said = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
            raise StorageError(f"cannot connect to PostgreSQL at {shown_url(url)}: {said}") from exc
        try:
            if schema:
                if pg.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone() is None:
                    if not create:
                        raise NotFound(_no_node(shown_url(url), f"the schema {schema} does not exist"))
                    try:
                        pg.execute(f"CREATE SCHEMA {schema}")
                        created = True
                    except psycopg.errors.DuplicateSchema:
                        pass  # another connection created it meanwhile (autocommit: nothing is left failed)
                pg.execute(f"SET search_path TO {schema}")
            if read_only:  # every transaction of the session, and every statement outside one
                pg.execute("SET default_transaction_read_only = on")
        except psycopg.Error as exc:
            pg.close()  # the connection is not handed out: nothing else would close it
            raise StorageError(f"cannot use PostgreSQL schema {schema!r}: {exc}") from exc
        except BaseException:
            pg.close()
            raise
        pg_db = Database(url, pg, "postgresql", schema, created_schema=created)
        if not create:
            _require_node(pg_db, shown_url(url))
        return pg_db
    raise StorageError(f"unsupported database URL {url!r}: expected sqlite:///PATH or postgresql://…")
