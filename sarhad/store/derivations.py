"""What each imported record was derived from, so that a re-import can count an unchanged row without
deriving it again (:mod:`sarhad.formats.unchanged`).

``import_derivations`` keeps, for each record an import derived, the row's derivation (its ``raw_sha256`` under
the import's options, party, geography and mapping version) and the content hash that derivation gave. It is a
cache: nothing is committed to it, and a row missing from it (a node from before it, a record written by
another path) only takes the full path. A record whose current version has another content hash (a local edit,
a peer's version) is not taken for a known row, whatever is kept here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Final

from sarhad.formats.unchanged import KnownRows
from sarhad.store.db import Database
from sarhad.store.schema import Statement

__all__ = ["MIGRATIONS", "known_rows", "remember"]

MIGRATIONS: Final[list[Statement]] = [
    """CREATE TABLE import_derivations (
        id TEXT PRIMARY KEY,
        derivation TEXT NOT NULL,
        content_sha256 TEXT NOT NULL
    )""",
]


# SQLite's page cache while the known rows are read (KiB; SQLite's own default is 2,000)
_JOIN_CACHE_KIB: Final = 2048


def known_rows(db: Database, dataset: str, fingerprint: bytes) -> KnownRows:
    """The rows of ``dataset`` an import under ``fingerprint`` would find unchanged: those whose record's
    current version has the content hash their derivation gave.

    Reads every derivation of the dataset once, through a small SQLite page cache, whatever the cache of the
    caller (an import's bulk write: 128 MiB), which the join would otherwise fill with pages the import does not
    need, on top of the table being built (a million records: the importing process's peak fell by about 120
    MB). When the dataset's records are most of those with a derivation, SQLite walks the derivations in the
    order they were written and looks each record up, which finds records written in the same order near each
    other, instead of looking each record's derivation up at random: a million records took 2.8-3.3 CPU-s with
    a 128 MiB or 2 MiB cache, against 4.6 and 7.6.
    """
    walk = ","  # the planner's choice of order
    if db.dialect == "sqlite" and _most_derivations(db, dataset):
        walk = " CROSS JOIN"  # SQLite's way to keep the tables' order: import_derivations is the outer loop

    def pairs() -> Iterator[tuple[str, str]]:
        for record_id, derivation in db.iterate(
            f"SELECT d.id, d.derivation FROM import_derivations d{walk} incidents i"
            " WHERE i.id = d.id AND i.dataset = ? AND i.content_sha256 = d.content_sha256",
            (dataset,),
        ):
            yield str(record_id), str(derivation)

    with _page_cache(db, _JOIN_CACHE_KIB):
        return KnownRows.build(fingerprint, pairs())


def _most_derivations(db: Database, dataset: str) -> bool:
    """Whether ``dataset`` holds at least half the records an import derived (SQLite): its records by the
    ``incidents_source`` index, the derivations by their last rowid (deleted ones counted: an estimate)."""
    records = db.fetchone("SELECT COUNT(*) FROM incidents WHERE dataset = ?", (dataset,))
    last = db.fetchone("SELECT MAX(rowid) FROM import_derivations")
    return bool(records and last and last[0] is not None and 2 * int(records[0]) >= int(last[0]))


@contextmanager
def _page_cache(db: Database, kib: int) -> Iterator[None]:
    """Run the block with an SQLite page cache of ``kib`` KiB, the size before restored after (PostgreSQL
    manages its own buffers). A cache made smaller frees its pages beyond the new size at once."""
    if db.dialect != "sqlite":
        yield
        return
    row = db.fetchone("PRAGMA cache_size")
    before = int(row[0]) if row else -2000
    db.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {before}")


def remember(db: Database, rows: Sequence[tuple[str, str, str]]) -> None:
    """Keep ``(record id, derivation, content hash)`` for records an import derived, replacing what was kept."""
    if not rows:
        return
    if db.dialect == "postgresql":
        # COPY cannot replace: the ids' old rows go first, in one statement a chunk
        ids = [r[0] for r in rows]
        for start in range(0, len(ids), 10_000):
            db.execute("DELETE FROM import_derivations WHERE id = ANY(?)", (ids[start : start + 10_000],))
        db.copy_rows("import_derivations", ("id", "derivation", "content_sha256"), sorted(rows))
        return
    db.executemany(
        "INSERT INTO import_derivations (id, derivation, content_sha256) VALUES (?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET derivation = excluded.derivation, content_sha256 = excluded.content_sha256",
        sorted(rows),
    )
