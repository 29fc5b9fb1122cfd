"""A node's backup: a consistent copy of its database and settings, taken while the node serves or imports.

Copying ``sarhad.db`` with the file system while another process writes gives a torn copy: in WAL mode the
committed pages are partly in ``sarhad.db-wal``, and a large import (:meth:`~sarhad.store.db.Database.bulk`)
writes pages into the file itself, their originals kept in a rollback journal. SQLite's online backup copies
the pages one read transaction sees, so the copy holds exactly what was committed when it began: an import
or a sync still running is all absent, never half there. PostgreSQL has its own tool for that, ``pg_dump``
(one snapshot too); sarhad prints the command rather than run a program the operator did not name.

The node key is left out unless asked for: it is what makes the node's checkpoints its own, and a backup
copied to the places backups go should not carry it. See "Backing up and restoring a node" in the guide.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sarhad.config import SETTINGS_FILE, Settings, settings_text
from sarhad.errors import InvalidInput, NotFound, StorageError
from sarhad.store.db import BUSY_TIMEOUT_MS, Database, postgres_conninfo, sqlite_path

__all__ = ["DATABASE_FILE", "DUMP_FILE", "Backup", "backup_node", "pg_dump_command"]

DATABASE_FILE = "sarhad.db"
DUMP_FILE = "sarhad.dump"
KEY_FILE = "node.key"
# Pages copied per step of the online backup: each step reports progress (16 MiB of 16 KiB pages).
_STEP_PAGES = 1024
# The framework's evidence files (sarhad.framework.ops.EVIDENCE_DIR), kept in the home beside the database.
_EVIDENCE_DIR = "evidence"

Progress = Callable[[int, int], None]
"""Called with the pages copied so far and the database's pages."""


@dataclass(frozen=True)
class Backup:
    """What :func:`backup_node` wrote into ``folder`` (``copied``) and did not (``left_out``).

    For SQLite: the copy's ``bytes``, the entries of its log (``log_size``) and the size its latest checkpoint
    signs (``checkpoint_size``), and ``check``, SQLite's ``quick_check`` answer for the copy. For PostgreSQL:
    ``command``, the ``pg_dump`` that writes the database into the folder, and ``password`` when the node's URL
    holds one, which the command leaves out (libpq takes it from ``PGPASSWORD`` or ``~/.pgpass``).
    """

    folder: str
    dialect: str
    copied: tuple[str, ...]
    left_out: tuple[str, ...]
    seconds: float
    bytes: int | None = None
    log_size: int | None = None
    checkpoint_size: int | None = None
    check: str | None = None
    command: tuple[str, ...] | None = None
    password: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "copied": list(self.copied), "left_out": list(self.left_out),
                "command": None if self.command is None else list(self.command)}  # fmt: skip


def backup_node(settings: Settings, out: Path, *, with_key: bool = False, progress: Progress | None = None) -> Backup:
    """Back up the node of ``settings`` into the folder ``out`` (made if missing; an existing one must be empty).

    SQLite: ``sarhad.db`` is an online backup of the node's database, taken in one read transaction while
    other processes go on writing, then opened read-only and checked (``PRAGMA quick_check``, and the log's
    size against its latest checkpoint). ``sarhad.toml`` is the node's settings without the database's
    location, so a home made of the folder uses its own ``sarhad.db``. PostgreSQL: ``sarhad.toml`` as it is,
    and :attr:`Backup.command` says how to dump the database. ``node.key`` (mode 0600) only with ``with_key``;
    the framework's evidence files when the home holds some.

    Raises InvalidInput when ``out`` is a file or a folder holding something, NotFound when ``with_key`` and the
    key is missing, StorageError when the database cannot be read (missing, or held by a large import with a
    rollback journal) or the copy fails its check.
    """
    started = time.perf_counter()
    _check_folder(out)
    if with_key and not settings.key_path.is_file():
        raise NotFound(f"node key {settings.key_path} is missing: there is no key to back up")
    path = sqlite_path(settings.database_url)
    source = _open_source(path) if path is not None else None
    made = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    copied: list[str] = []
    try:
        if source is not None:
            try:
                checked = _copy_sqlite(source, out / DATABASE_FILE, progress)
            finally:
                source.close()
            copied.append(DATABASE_FILE)
        if source is not None:
            (out / SETTINGS_FILE).write_text(settings_text(settings, database=False), encoding="utf-8")
        else:  # as the operator wrote it: not the URL of a --db given for this command, which may hold a password
            shutil.copyfile(settings.home / SETTINGS_FILE, out / SETTINGS_FILE)
        copied.append(SETTINGS_FILE)
        if with_key:
            _copy_key(settings.key_path, out / KEY_FILE)
            copied.append(KEY_FILE)
        evidence = settings.home / _EVIDENCE_DIR
        if evidence.is_dir():
            shutil.copytree(evidence, out / _EVIDENCE_DIR)
            copied.append(_EVIDENCE_DIR)
    except BaseException:
        _remove(out, made)
        raise
    left_out = ([] if source is not None else [DUMP_FILE]) + ([] if with_key else [KEY_FILE])
    seconds = round(time.perf_counter() - started, 3)
    if source is not None:
        size, log_size, checkpoint_size, check = checked
        return Backup(str(out), "sqlite", tuple(copied), tuple(left_out), seconds, size, log_size, checkpoint_size,
                      check)  # fmt: skip
    command, password = pg_dump_command(settings.database_url, out.absolute() / DUMP_FILE)
    return Backup(str(out), "postgresql", tuple(copied), tuple(left_out), seconds, command=tuple(command),
                  password=password)  # fmt: skip


def pg_dump_command(url: str, file: Path) -> tuple[list[str], bool]:
    """The ``pg_dump`` command that writes the node of the PostgreSQL ``url`` to ``file`` (custom format, which
    ``pg_restore`` reads), and whether the URL held a password, which the command leaves out.

    A node in a schema of its own (``?schema=NAME``) is dumped with ``--schema=NAME``; one without owns its
    database, which is dumped whole.
    """
    conninfo, schema = postgres_conninfo(url)
    parts = urlsplit(conninfo)
    password = parts.password is not None
    if password:
        user, _, host = parts.netloc.rpartition("@")
        parts = parts._replace(netloc=f"{user.partition(':')[0]}@{host}")
    command = ["pg_dump", "--format=custom"]
    if schema:
        command.append(f"--schema={schema}")
    command += [f"--file={file}", urlunsplit(parts)]
    return command, password


def _check_folder(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"--out {out}: not a folder (a backup is a folder: sarhad.db, sarhad.toml, …)")
    if out.is_dir():
        held = sorted(p.name for p in out.iterdir())
        if held:
            shown = ", ".join(held[:5]) + (", …" if len(held) > 5 else "")
            raise InvalidInput(f"--out {out} is not empty ({shown}): a backup never overwrites; give a new folder")


def _open_source(path: Path) -> sqlite3.Connection:
    """A connection to the node's SQLite file that neither creates it nor changes its journal mode.

    Refuses a file in rollback-journal mode: a large import holds it so (:meth:`Database.bulk`), and a backup
    would then either wait for the import or make the import wait for the copy, up to the busy timeout.
    """
    if not path.is_file():
        raise StorageError(f"the node's database {path} does not exist: nothing to back up")
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=rw", uri=True, isolation_level=None,
                               timeout=BUSY_TIMEOUT_MS / 1000)  # fmt: skip
        mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
    except sqlite3.Error as exc:
        raise StorageError(f"cannot read the node's database {path}: {exc}") from exc
    if mode != "wal":
        conn.close()
        raise StorageError(
            f"cannot back up {path} now: a large import is writing it with a rollback journal (journal mode"
            f" {mode}), and a copy would hold the import up or wait for it; try again when it ends"
        )
    return conn


def _copy_sqlite(source: sqlite3.Connection, target: Path, progress: Progress | None) -> tuple[int, int, int, str]:
    """Copy ``source`` into the new file ``target``, check the copy, and return its bytes, log size, latest
    checkpoint's size and ``quick_check`` answer."""
    partial = target.with_name(target.name + ".partial")
    try:
        # One read transaction around every step: the copy is that snapshot, and writers in other processes go
        # on meanwhile (WAL) instead of restarting the backup at each commit they make.
        source.execute("BEGIN")
        source.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        with closing(sqlite3.connect(partial, isolation_level=None)) as copy:
            source.backup(copy, pages=_STEP_PAGES, progress=None if progress is None else _pages(progress))
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        source.execute("COMMIT")
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(f"cannot back up the node's database into {target}: {exc}") from exc
    partial.rename(target)
    return (target.stat().st_size, *_check_copy(target))


def _pages(progress: Progress) -> Callable[[int, int, int], None]:
    """``progress`` as ``sqlite3.Connection.backup`` calls it: with a status, the pages left and all pages."""
    return lambda _status, left, total: progress(total - left, total)


def _check_copy(path: Path) -> tuple[int, int, str]:
    """Open the copy read-only and check it: SQLite's ``quick_check`` (pages, records, no index-to-table
    comparison: linear, where ``integrity_check`` is not), and that its log's entries are all signed."""
    from sarhad.log.store import Log

    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot open the copy {path} to check it: {exc}") from exc
    with closing(conn):
        try:
            problems = [str(r[0]) for r in conn.execute("PRAGMA quick_check")]
        except sqlite3.Error as exc:
            raise StorageError(f"the copy {path} fails SQLite's quick_check: {exc}") from exc
        if problems != ["ok"]:
            raise StorageError(f"the copy {path} fails SQLite's quick_check: {'; '.join(problems[:3])}")
        log = Log(Database(f"sqlite:///{path}", conn, "sqlite"))
        size = log.size()
        latest = log.latest_checkpoint()
        signed = latest.size if latest is not None else 0
    if signed != size:
        raise StorageError(
            f"the copy {path} holds a log of {size} entries but its latest checkpoint signs {signed}: it is not"
            " a committed state of the node, and is removed"
        )
    return size, signed, "ok"


def _copy_key(key: Path, target: Path) -> None:
    """Copy the signing key into a file created for it, readable by its owner only from the start."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key.read_bytes())


def _remove(out: Path, made: bool) -> None:
    """Undo a failed backup: the folder when it made it, otherwise what it may have written into the empty one."""
    if made:
        shutil.rmtree(out, ignore_errors=True)
        return
    for name in (DATABASE_FILE, DATABASE_FILE + ".partial", SETTINGS_FILE, KEY_FILE, _EVIDENCE_DIR):
        entry = out / name
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
