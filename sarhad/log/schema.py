"""The transparency log's tables (component "log"), for SQLite and PostgreSQL.

* ``log_leaves``: one row per leaf, in order: the canonical envelope (the leaf data) and its leaf hash;
  ``object_id``/``version`` repeat the envelope's fields so that lookups are indexed (the verifier checks
  that they agree).
* ``log_nodes``: the hash of every complete perfect subtree above the leaves (level ≥ 1); level 0 is
  ``log_leaves.leaf_hash``. A proof reads O(log n) of these rows.
* ``log_checkpoints``: every checkpoint the node signed (one per batch), with its signed note.
* ``log_cosignatures``: cosignatures witnesses returned for those checkpoints.
* ``log_head``: one row, the size of the latest signed checkpoint (-1 before the first); signing
  compare-and-swaps it, so two writers can never both extend the same checkpoint.
"""

from __future__ import annotations

from typing import Final

__all__ = ["MIGRATIONS"]

MIGRATIONS: Final[list[str]] = [
    """CREATE TABLE log_leaves (
        idx {bigint} PRIMARY KEY,
        object_id TEXT NOT NULL,
        version TEXT NOT NULL,
        envelope TEXT NOT NULL,
        leaf_hash {blob} NOT NULL
    )""",
    "CREATE UNIQUE INDEX log_leaves_object ON log_leaves (object_id, version)",
    """CREATE TABLE log_nodes (
        level INTEGER NOT NULL,
        idx {bigint} NOT NULL,
        hash {blob} NOT NULL,
        PRIMARY KEY (level, idx)
    )""",
    """CREATE TABLE log_checkpoints (
        size {bigint} PRIMARY KEY,
        root {blob} NOT NULL,
        note TEXT NOT NULL,
        created TEXT NOT NULL
    )""",
    """CREATE TABLE log_cosignatures (
        size {bigint} NOT NULL,
        name TEXT NOT NULL,
        key_id {bigint} NOT NULL,
        timestamp {bigint} NOT NULL,
        line TEXT NOT NULL,
        received TEXT NOT NULL,
        PRIMARY KEY (size, name, key_id)
    )""",
    "CREATE TABLE log_head (id INTEGER PRIMARY KEY CHECK (id = 1), size {bigint} NOT NULL)",
    "INSERT INTO log_head (id, size) VALUES (1, -1)",
]
