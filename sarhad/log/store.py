"""The persistent transparency log in the node's database (SQLite or PostgreSQL).

Appends run inside the caller's transaction (the node's publisher), next to the store write, and commit
with it: a batch is either wholly logged and stored, or not at all. Each append writes the new leaves and
every perfect subtree they complete (``log_nodes``), so that a root or a proof reads O(log n) rows and
never rehashes leaves. At the end of each batch the caller signs one checkpoint; signing checks that the
new tree extends the latest signed one (a consistency proof from the stored nodes) and compare-and-swaps
``log_head``, so the node never signs two inconsistent checkpoints.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sarhad.errors import InvalidInput, NotFound, StorageError, VerificationError
from sarhad.log import merkle
from sarhad.log.checkpoint import Checkpoint
from sarhad.log.cosignature import CosignatureVerifier, verify_cosignatures
from sarhad.log.envelope import Envelope
from sarhad.log.note import Signer, add_signatures, parse_note
from sarhad.store.db import Database

__all__ = ["CosignaturesAdded", "Leaf", "Log"]

log = logging.getLogger(__name__)

_ZERO = bytes(32)
_CHUNK = 400  # ids per IN (...) list


@dataclass(frozen=True, slots=True)
class Leaf:
    """One stored leaf: its index, envelope (and its exact canonical text) and leaf hash."""

    index: int
    envelope: Envelope
    canonical: str
    leaf_hash: bytes


@dataclass(frozen=True, slots=True)
class CosignaturesAdded:
    """What :meth:`Log.add_cosignatures` made of a cosigned note: ``found`` cosignatures by known witnesses
    (each verified), of which ``added`` were new (the others were stored before)."""

    found: int
    added: int


def _now() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class Log:
    """The node's append-only log over ``db``. One writer: appends and signing need an open transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def __repr__(self) -> str:
        return f"Log({self.db!r})"

    # -- reading ----------------------------------------------------------------------------------------
    def size(self) -> int:
        """The number of leaves (signed or, inside a batch, not yet)."""
        row = self.db.fetchone("SELECT MAX(idx) FROM log_leaves")
        return 0 if row is None or row[0] is None else int(row[0]) + 1

    def _fetch(self, wanted: Sequence[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        found: dict[tuple[int, int], bytes] = {}
        leaves = sorted({i for level, i in wanted if level == 0})
        nodes = sorted({(level, i) for level, i in wanted if level > 0})
        for start in range(0, len(leaves), _CHUNK):
            chunk = leaves[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for idx, h in self.db.fetchall(f"SELECT idx, leaf_hash FROM log_leaves WHERE idx IN ({marks})", chunk):
                found[(0, int(idx))] = bytes(h)
        for start in range(0, len(nodes), _CHUNK // 2):
            pairs = nodes[start : start + _CHUNK // 2]
            where = " OR ".join(["(level = ? AND idx = ?)"] * len(pairs))
            params = [v for pair in pairs for v in pair]
            for level, idx, h in self.db.fetchall(f"SELECT level, idx, hash FROM log_nodes WHERE {where}", params):
                found[(int(level), int(idx))] = bytes(h)
        missing = [key for key in wanted if key not in found]
        if missing:
            level, idx = missing[0]
            what = f"leaf {idx}" if level == 0 else f"node (level {level}, index {idx})"
            raise StorageError(f"the log's {what} is missing from the database")
        for key, h in found.items():
            if len(h) != merkle.HASH_SIZE:
                raise StorageError(f"the log's hash at {key} is {len(h)} bytes, expected {merkle.HASH_SIZE}")
        return found

    def _with_nodes(self, compute: Callable[[merkle.Subtree], list[bytes]]) -> list[bytes]:
        """Run ``compute(subtree)`` twice: once to learn which subtrees it reads, then with them fetched in
        one or two queries."""
        wanted: list[tuple[int, int]] = []

        def record(level: int, index: int) -> bytes:
            wanted.append((level, index))
            return _ZERO

        compute(record)
        hashes = self._fetch(wanted)
        return compute(lambda level, index: hashes[(level, index)])

    def _check_size(self, size: int) -> None:
        current = self.size()
        if not 0 <= size <= current:
            raise InvalidInput(f"tree size {size} is outside 0..{current} (the log's size)")

    def root(self, size: int | None = None) -> bytes:
        """The root of the first ``size`` leaves (default: all), from at most log2(size)+1 stored nodes."""
        size = self.size() if size is None else size
        self._check_size(size)
        if size == 0:
            return merkle.EMPTY_ROOT
        return self._with_nodes(lambda sub: [merkle.root(size, sub)])[0]

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """PATH(index, D[size]): the RFC 9162 inclusion proof, from O(log size) stored nodes."""
        self._check_size(size)
        if not 0 <= index < size:
            raise InvalidInput(f"leaf index {index} is outside a tree of {size}")
        return self._with_nodes(lambda sub: merkle.inclusion_proof(index, size, sub))

    def consistency_proof(self, old: int, new: int) -> list[bytes]:
        """PROOF(old, D[new]): the RFC 9162 consistency proof (empty from 0 and between equal sizes)."""
        self._check_size(new)
        if not 0 <= old <= new:
            raise InvalidInput(f"old size {old} is outside 0..{new}")
        return self._with_nodes(lambda sub: merkle.consistency_proof(old, new, sub))

    def leaf(self, index: int) -> Leaf:
        """The leaf at ``index``. Raises NotFound."""
        row = self.db.fetchone("SELECT envelope, leaf_hash FROM log_leaves WHERE idx = ?", (index,))
        if row is None:
            raise NotFound(f"the log has no leaf {index} (size {self.size()})")
        text = str(row[0])
        return Leaf(index, Envelope.from_canonical(text), text, bytes(row[1]))

    def find_object(self, object_id: str, version: str | None = None) -> int:
        """The leaf index of ``object_id`` at ``version`` (default: its latest logged version). Raises NotFound."""
        if version is None:
            row = self.db.fetchone(
                "SELECT idx FROM log_leaves WHERE object_id = ? ORDER BY idx DESC LIMIT 1", (object_id,)
            )
        else:
            row = self.db.fetchone(
                "SELECT idx FROM log_leaves WHERE object_id = ? AND version = ?", (object_id, version)
            )
        if row is None:
            what = object_id if version is None else f"{object_id}@{version}"
            raise NotFound(f"{what} is not in the log")
        return int(row[0])

    def latest_checkpoint(self) -> Checkpoint | None:
        """The latest signed checkpoint (with its note), or None before the first."""
        row = self.db.fetchone("SELECT note FROM log_checkpoints ORDER BY size DESC LIMIT 1")
        return None if row is None else Checkpoint.parse(str(row[0]))

    def checkpoint(self, size: int) -> Checkpoint:
        """The checkpoint signed at ``size``. Raises NotFound when the node signed none at that size."""
        row = self.db.fetchone("SELECT note FROM log_checkpoints WHERE size = ?", (size,))
        if row is None:
            raise NotFound(f"the log signed no checkpoint at size {size}{self._signed_around(size)}")
        return Checkpoint.parse(str(row[0]))

    def _signed_around(self, size: int) -> str:
        """Where the signed sizes nearest ``size`` are, for a message: a checkpoint is signed once per batch,
        so most sizes have none, and an auditor cannot guess which do."""
        below = self.db.fetchone("SELECT MAX(size) FROM log_checkpoints WHERE size < ?", (size,))
        above = self.db.fetchone("SELECT MIN(size) FROM log_checkpoints WHERE size > ?", (size,))
        near = [int(row[0]) for row in (below, above) if row is not None and row[0] is not None]
        if not near:
            return " (it has signed none yet)"
        if len(near) == 1:
            return f" (the nearest size it signed is {near[0]}; it signs one checkpoint per batch)"
        return f" (the nearest sizes it signed are {near[0]} and {near[1]}; it signs one checkpoint per batch)"

    def checkpoints(self) -> Iterator[Checkpoint]:
        """Every signed checkpoint, by size."""
        for (note,) in self.db.fetchall("SELECT note FROM log_checkpoints ORDER BY size"):
            yield Checkpoint.parse(str(note))

    def latest_cosigned(self, witnesses: Sequence[CosignatureVerifier]) -> Checkpoint | None:
        """The checkpoint an auditor should be given: the latest cosigned by the most of ``witnesses`` (all of
        them, once each has cosigned one), or the latest signed when none of them has cosigned any (or there are
        none); None before the first checkpoint.

        The log signs a checkpoint after every batch, and a witness cosigns one only when it next hears of it,
        so the latest is often not cosigned yet (C2SP tlog-witness: a log serves its checkpoints with the
        cosignatures it has collected). A witness's cosignature vouches for every earlier checkpoint too, since
        it cosigns only one consistent with those it verified before.
        """
        if witnesses:
            keys = " OR ".join("(name = ? AND key_id = ?)" for _ in witnesses)
            row = self.db.fetchone(
                f"SELECT size FROM log_cosignatures WHERE {keys} GROUP BY size ORDER BY COUNT(*) DESC, size DESC"
                " LIMIT 1",
                [value for w in witnesses for value in (w.name, w.key_id)],
            )
            if row is not None:
                return self.checkpoint(int(row[0]))
        return self.latest_checkpoint()

    def cosigned_note(self, size: int) -> str:
        """The signed checkpoint at ``size`` with every stored cosignature line appended."""
        note = self.checkpoint(size).note or ""
        lines = [
            str(line)
            for (line,) in self.db.fetchall(
                "SELECT line FROM log_cosignatures WHERE size = ? ORDER BY name, key_id", (size,)
            )
        ]
        if not lines:
            return note
        extra = parse_note(parse_note(note).text + "\n" + "".join(lines)).signatures
        return add_signatures(note, extra)

    # -- writing ------------------------------------------------------------------------------------------
    def _require_transaction(self, what: str) -> None:
        if not self.db.in_transaction:
            raise StorageError(f"{what} must run inside the caller's transaction (db.transaction())")

    def _lock_head(self) -> int:
        sql = "SELECT size FROM log_head WHERE id = 1"
        if self.db.dialect == "postgresql":
            sql += " FOR UPDATE"
        row = self.db.fetchone(sql)
        if row is None:
            raise StorageError("the log's head row is missing (log_head): the database is damaged")
        return int(row[0])

    def append(self, envelopes: Sequence[Envelope]) -> int:
        """Append ``envelopes`` as leaves and return the index of the first.

        Runs in the caller's open transaction and commits nothing itself. Raises StorageError outside a
        transaction, InvalidInput for an empty batch.
        """
        self._require_transaction("log.append")
        if not envelopes:
            raise InvalidInput("log.append needs at least one envelope")
        self._lock_head()
        n = self.size()
        texts = [e.canonical() for e in envelopes]
        sha = merkle.leaf_hash
        hashes = [sha(t) for t in texts]
        self._insert(
            "log_leaves",
            ("idx", "object_id", "version", "envelope", "leaf_hash"),
            [
                (n + i, e.object_id, e.version, t.decode("utf-8"), h)
                for i, (e, t, h) in enumerate(zip(envelopes, texts, hashes, strict=True))
            ],
        )
        rows = self._new_nodes(n, hashes)
        if rows:
            self._insert("log_nodes", ("level", "idx", "hash"), rows)
        return n

    def _insert(self, table: str, columns: tuple[str, ...], rows: Sequence[tuple[object, ...]]) -> None:
        copy = getattr(self.db, "copy_rows", None)
        if copy is not None:
            copy(table, columns, rows)
        else:
            marks = ", ".join("?" * len(columns))
            self.db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def _new_nodes(self, n: int, new_leaves: list[bytes]) -> list[tuple[int, int, bytes]]:
        """The perfect subtrees that appending ``new_leaves`` to a tree of ``n`` leaves completes."""
        # The left siblings the new nodes pair with: the complete right-border nodes (l, (n >> l) - 1) for
        # each set bit l of n.
        frontier_ids = [(level, (n >> level) - 1) for level in range(n.bit_length()) if n >> level & 1]
        frontier = self._fetch(frontier_ids) if frontier_ids else {}
        rows: list[tuple[int, int, bytes]] = []
        sha = merkle._sha256
        current = new_leaves
        first = n  # index of current[0] at this level
        level = 0
        while current:
            if first & 1:
                current = [frontier[(level, first - 1)], *current]
                first -= 1
            parents = [sha(b"\x01" + current[i] + current[i + 1]).digest() for i in range(0, len(current) - 1, 2)]
            first >>= 1
            level += 1
            rows.extend((level, first + i, h) for i, h in enumerate(parents))
            current = parents
        return rows

    def sign_checkpoint(self, signer: Signer, origin: str) -> Checkpoint:
        """Sign a checkpoint for the log's current size, in the caller's transaction, and store it.

        Refuses (StorageError) unless the tree extends the latest signed checkpoint: a smaller size, a
        different root at the same size or a failing consistency proof. If the size has not changed the
        existing checkpoint is returned. ``log_head`` is compare-and-swapped, so a concurrent writer that
        signed first makes this call fail instead of forking the log.
        """
        self._require_transaction("log.sign_checkpoint")
        head = self._lock_head()
        size = self.size()
        new_root = self.root(size)
        if head >= 0:
            row = self.db.fetchone("SELECT root, note FROM log_checkpoints WHERE size = ?", (head,))
            if row is None:
                raise StorageError(f"log_head names a checkpoint at size {head} that is not stored")
            old_root = bytes(row[0])
            if size < head:
                raise StorageError(
                    f"refusing to sign: the log has {size} leaves, fewer than its latest checkpoint ({head})"
                )
            if size == head:
                if new_root != old_root:
                    raise StorageError(
                        f"refusing to sign: the tree of size {size} no longer has the signed root; the log was altered"
                    )
                return Checkpoint.parse(str(row[1]))
            try:
                merkle.verify_consistency(head, size, self.consistency_proof(head, size), old_root, new_root)
            except VerificationError as exc:
                raise StorageError(
                    f"refusing to sign: the tree of size {size} does not extend the checkpoint at {head}: {exc}"
                ) from exc
        checkpoint = Checkpoint(origin, size, new_root).sign(signer)
        self.db.execute(
            "INSERT INTO log_checkpoints (size, root, note, created) VALUES (?, ?, ?, ?)",
            (size, new_root, checkpoint.note, _now()),
        )
        cursor = self.db.execute("UPDATE log_head SET size = ? WHERE id = 1 AND size = ?", (size, head))
        if getattr(cursor, "rowcount", 1) != 1:
            raise StorageError("refusing to sign: another writer moved the log's head (compare-and-swap failed)")
        log.info("signed checkpoint %s at size %d", origin, size)
        return checkpoint

    def add_cosignatures(self, note: str, witnesses: Sequence[CosignatureVerifier]) -> CosignaturesAdded:
        """Store the cosignatures on ``note`` (a cosigned copy of one of our checkpoints) by known
        ``witnesses``; return how many it found (each verified once, here) and how many were new.

        Cosignatures by unknown keys are ignored; when none is by a known witness nothing is stored and the
        note is not compared with our checkpoints (``found`` is 0: a caller that must keep a statement
        refuses then). Raises VerificationError when a known witness's cosignature does not verify or the
        note is not one of our checkpoints."""
        self._require_transaction("log.add_cosignatures")
        found = verify_cosignatures(note, witnesses)
        if not found:
            return CosignaturesAdded(found=0, added=0)
        cp = Checkpoint.parse(note)
        ours = self.checkpoint(cp.size)
        if ours.body() != cp.body():
            raise VerificationError(f"the cosigned checkpoint at size {cp.size} is not the one this log signed")
        added = 0
        for cosig in found:
            exists = self.db.fetchone(
                "SELECT 1 FROM log_cosignatures WHERE size = ? AND name = ? AND key_id = ?",
                (cp.size, cosig.name, cosig.key_id),
            )
            if exists:
                continue
            self.db.execute(
                "INSERT INTO log_cosignatures (size, name, key_id, timestamp, line, received)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (cp.size, cosig.name, cosig.key_id, cosig.timestamp, cosig.signature.line(), _now()),
            )
            added += 1
        return CosignaturesAdded(found=len(found), added=added)
