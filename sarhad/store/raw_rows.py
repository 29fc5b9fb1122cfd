"""The verbatim source rows of imported records: how they are laid out, written and read back.

A source row (one line of a GTD, ACLED or UCDP file, column → text) is kept for a lossless re-export and is
committed to by its record's ``raw_sha256``. Every row of a file has the same columns, so the column names are
kept once, in ``raw_headers`` (a dataset and a JSON array of names, found by the SHA-256 of that array), and
``raw_rows`` keeps each row as the JSON array of its values in the file's column order, with the id of its
header. Until this layout, each row was a JSON object that repeated every column name: for ACLED about a third
of the row's bytes, written for every record.

The layout changes nothing in what is committed: ``raw_sha256`` is still the SHA-256 of the row's canonical
JSON object, the names and values zipped back together (:func:`sarhad.formats.base.raw_digest`), so records
logged before the change verify as they did.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Final

from sarhad.errors import StorageError
from sarhad.store.db import Database
from sarhad.store.schema import Statement

__all__ = [
    "MIGRATIONS",
    "HeaderIds",
    "Headers",
    "decode_row",
    "header_sha256",
    "move_to_headers",
    "parse_columns",
    "raw_row",
]

# The former layout's table while the migration moves its rows (see move_to_headers).
_MIGRATING: Final = "raw_rows_by_header"
_dump = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def header_sha256(columns: str) -> str:
    """The SHA-256 (hex) of a header's JSON array of column names: its key in ``raw_headers``."""
    return hashlib.sha256(columns.encode("utf-8", "surrogatepass")).hexdigest()


class HeaderIds:
    """The writer's side: the id of a header in ``raw_headers``, added the first time a publish meets it.

    Use one per transaction: a header added in a transaction that rolls back is gone with it.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._ids: dict[tuple[str, str], int] = {}

    def __call__(self, dataset: str, columns: str) -> int:
        """The id of ``dataset``'s header ``columns`` (a JSON array of names in file order)."""
        key = (dataset, columns)
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = self._find_or_add(dataset, columns)
        return found

    def _find_or_add(self, dataset: str, columns: str) -> int:
        db = self._db
        digest = header_sha256(columns)
        row = db.fetchone("SELECT id FROM raw_headers WHERE dataset = ? AND sha256 = ?", (dataset, digest))
        if row is not None:
            return int(row[0])
        # the single writer holds the transaction: no one else can take the same id meanwhile
        top = db.fetchone("SELECT MAX(id) FROM raw_headers")
        new = 1 if top is None or top[0] is None else int(top[0]) + 1
        db.execute(
            "INSERT INTO raw_headers (id, dataset, sha256, columns) VALUES (?, ?, ?, ?)",
            (new, dataset, digest, columns),
        )
        return new


def parse_columns(text: str) -> tuple[str, ...]:
    """A stored header's column names. Raises ValueError when it is not a JSON array of distinct texts."""
    columns = json.loads(text)
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise ValueError("the header is not a JSON array of column names")
    if len(set(columns)) != len(columns):
        raise ValueError("the header names a column twice")
    return tuple(columns)


def decode_row(columns: tuple[str, ...], text: str) -> dict[str, Any]:
    """The verbatim row (column → value, in file order) from its stored values and its header's columns.

    Raises ValueError when the values are not a JSON array with one value per column.
    """
    values = json.loads(text)
    if not isinstance(values, list):
        raise ValueError("the stored row is not a JSON array")
    if len(values) != len(columns):
        raise ValueError(f"the stored row has {len(values)} values for {len(columns)} columns")
    return dict(zip(columns, values, strict=True))


class Headers:
    """The readers' side: turns stored rows back into verbatim rows, reading each header once."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._columns: dict[int, tuple[str, ...]] = {}

    def columns(self, header: int) -> tuple[str, ...]:
        """The column names of header ``header``. Raises StorageError when it is missing or unreadable."""
        found = self._columns.get(header)
        if found is None:
            row = self._db.fetchone("SELECT columns FROM raw_headers WHERE id = ?", (header,))
            if row is None:
                raise StorageError(f"source row header {header} is missing from raw_headers")
            try:
                found = self._columns[header] = parse_columns(str(row[0]))
            except ValueError as exc:
                raise StorageError(f"source row header {header} cannot be read: {exc}") from None
        return found

    def row(self, incident_id: str, header: int, text: str) -> dict[str, Any]:
        """The verbatim row of ``incident_id`` stored as ``text`` under ``header``. Raises StorageError."""
        try:
            return decode_row(self.columns(header), text)
        except ValueError as exc:
            raise StorageError(f"the source row of {incident_id} cannot be read: {exc}") from None


def raw_row(db: Database, incident_id: str) -> dict[str, Any] | None:
    """The verbatim source row ``incident_id`` was imported from, or None. Raises StorageError."""
    found = db.fetchone("SELECT header, row FROM raw_rows WHERE id = ?", (incident_id,))
    return None if found is None else Headers(db).row(incident_id, int(found[0]), str(found[1]))


def move_to_headers(db: Database) -> None:
    """Migration: copy the rows of the former layout (a JSON object a row, repeating the column names) from
    ``raw_rows`` into the new table, each as its values under its header (added to ``raw_headers``).

    The JSON object kept the file's column order, so the names and values come back in that order; each value
    is written back as the same JSON it was (a string, or whatever a record once held).
    """
    ids = HeaderIds(db)
    batch: list[tuple[str, int, str]] = []

    def write() -> None:
        db.copy_rows(_MIGRATING, ("id", "header", "row"), batch)
        batch.clear()

    # in storage order (by id, a large table would be read at random); ``iterate`` joins the migration's
    # transaction, and the rows written go to another table
    for incident_id, dataset, text in db.iterate("SELECT id, dataset, row FROM raw_rows"):
        try:
            row = json.loads(str(text))
        except ValueError as exc:
            raise StorageError(f"the source row of {incident_id} cannot be read as JSON: {exc}") from None
        if not isinstance(row, dict):
            raise StorageError(f"the source row of {incident_id} is not a JSON object")
        batch.append((str(incident_id), ids(str(dataset), _dump(list(row))), _dump(list(row.values()))))
        if len(batch) >= 5000:
            write()
    write()


MIGRATIONS: Final[list[Statement]] = [
    # One row per distinct header of a dataset's files; ``sha256`` is over ``columns`` (the JSON array).
    """CREATE TABLE raw_headers (
        id INTEGER PRIMARY KEY,
        dataset TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        columns TEXT NOT NULL,
        UNIQUE (dataset, sha256)
    )""",
    # The values of each row, under its header. The former ``sha256`` column repeated what the record's
    # logged body commits to (``raw_sha256``); ``log verify`` recomputes it from the row.
    f"""CREATE TABLE {_MIGRATING} (
        id TEXT PRIMARY KEY,
        header INTEGER NOT NULL,
        row TEXT NOT NULL
    )""",
    move_to_headers,
    "DROP TABLE raw_rows",
    f"ALTER TABLE {_MIGRATING} RENAME TO raw_rows",
]
