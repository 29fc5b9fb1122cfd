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


def known_rows(db: Database, dataset: str, fingerprint: bytes) -> KnownRows:
    """The rows of ``dataset`` an import under ``fingerprint`` would find unchanged: those whose record's
    current version has the content hash their derivation gave."""

    def pairs() -> Iterator[tuple[str, str]]:
        for record_id, derivation in db.iterate(
            "SELECT d.id, d.derivation FROM import_derivations d JOIN incidents i ON i.id = d.id"
            " WHERE i.dataset = ? AND i.content_sha256 = d.content_sha256",
            (dataset,),
        ):
            yield str(record_id), str(derivation)

    return KnownRows.build(fingerprint, pairs())


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
