"""Audit this node's copies of its peers' logs: the peers' part of ``sarhad log verify``.

A sync (:mod:`sarhad.exchange.sync`) keeps, for each peer, the leaves of the peer's log (``peer_leaves``:
envelope and leaf hash), the objects it may read (``objects`` rows with ``origin`` = the peer's party and
``log_index`` = the object's entry in the peer's log, the body exactly as the peer hashed it) and every
checkpoint of the peer it verified (``peer_checkpoints``). These copies are what the node shows and
re-publishes of the peer; nothing stored is trusted. The copies checked are those of the registered peers
and of the removed ones (``removed_peers``: ``sarhad peer remove`` keeps a peer's copy with the key, origin and
party it was checked with; see :mod:`sarhad.exchange.peers`). A copy is filed under a name, and a name that
holds a copy keeps its log's key and party, so each copy is checked with the key its checkpoints were
verified with. A peer registered again under a new name with the same key and party takes over the removed
copy of that log (filed under its new name), so it verifies before it syncs again. For each copy the verifier

1. reads the copied leaves in order and checks that the indexes run 0, 1, 2, … without gaps, that each
   envelope is canonical and that its leaf hash (RFC 9162 §2.1.1, ``SHA-256(0x00 ‖ envelope)``) is the stored
   one;
2. checks every stored checkpoint of the peer that the copy reaches: its signature by the peer's key (the
   registered one, or the one kept at its removal) and origin, the stored size and root against the signed note,
   and its root against the root recomputed from the copied leaves at its size; the copy must reach every
   checkpoint a sync verified and end at a verified checkpoint. Checkpoints beyond the copy that the node saw only
   as the peer's witness cannot be checked against it and are counted (their signatures are checked). Each
   checkpoint is checked with the key its signature line names, so a copy synced again after the peer's key was
   replaced has checkpoints of both keys, each checked with its own. A checkpoint signed by a key the node no
   longer holds (a peer registered again with a new key before ``peer add`` refused that, and no former key
   recorded for the copy with ``sarhad peer former-key``) is not passed: its signature cannot be checked, so it is
   counted (one beyond the copy too: nothing of it could be checked), its key named by the name and key ID of its
   signature line (a note does not carry the key itself, and an Ed25519 key cannot be recovered from its
   signatures), the copy's status is ``key_not_held`` and the CLI says what to do; the rest of the copy (its size,
   its root against the copy, the frontier, the objects) is still checked. A signature by a key it holds that does
   not verify fails;
3. checks that the stored frontier of the copy (``peer_frontiers``, what the next sync extends) is the one
   the copied leaves give, and that every entry a sync refused and kept apart (``refused_entries``, see
   :mod:`sarhad.exchange.refused`) is in the copy, with the object id, version and SHA-256 its envelope logs,
   and a kept body that hashes to that SHA-256 (they are counted);
4. recomputes the leaf of every stored object of the peer from its body (the envelope with the body's
   SHA-256, the object's id, version and TLP, and the logged time) and compares it with the copied leaf at
   the object's entry. Objects are stored by party, not by peer: when several copies (of registered or
   removed peers) share a party, each object is checked against the one whose copied entry at its
   ``log_index`` logs it.

The first problem raises :class:`VerificationError` naming the peer and the entry, e.g. ``peer IR: entry 17
(incident--…@2026-…): the stored object's body does not hash to the SHA-256 the peer logged``.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from sarhad.errors import InvalidInput, VerificationError
from sarhad.log import merkle
from sarhad.log.checkpoint import Checkpoint, open_checkpoint
from sarhad.log.envelope import Envelope
from sarhad.log.note import Verifier, parse_note
from sarhad.store.db import Database, Row

__all__ = ["PeerCopyReport", "verify_peer_copies"]

Progress = Callable[[str, int, int], None]
"""``progress(step, done, total)``: ``step`` is ``"peer NAME leaves"`` or ``"peer NAME objects"`` (``"party
CODE (peers …) objects"`` when peers share a party)."""

_EVERY = 5000  # rows between progress calls


@dataclass
class PeerCopyReport:
    """What the verification of one peer's copy covered; ``removed`` is when the peer was removed (its copy
    checked with the key kept then), None for a registered peer."""

    peer: str
    party: str
    origin: str = ""
    removed: str | None = None
    leaves: int = 0
    objects: int = 0
    checkpoints: int = 0
    beyond: int = 0
    checkpoint_size: int | None = None
    root: bytes = merkle.EMPTY_ROOT
    not_held: int = 0
    not_held_beyond: int = 0
    keys_not_held: list[str] = field(default_factory=list)
    refused: int = 0

    @property
    def status(self) -> str:
        """``"verified"``, or ``"key_not_held"`` when checkpoints of the copy are signed by a key this node no
        longer holds (``keys_not_held``): their signatures, so the copy's roots, could not be checked."""
        return "key_not_held" if self.not_held else "verified"

    def key_warning(self) -> str | None:
        """What a ``"key_not_held"`` copy lacks and what to do about it; None for a verified copy."""
        if not self.not_held:
            return None
        n, beyond = self.not_held, self.not_held_beyond
        which = f" ({beyond} of them beyond it)" if beyond and n > 1 else " (beyond it)" if beyond else ""
        keys = ", ".join(self.keys_not_held)
        held = "a key" if len(self.keys_not_held) == 1 else "keys"
        signatures = "its signature is" if n == 1 else "their signatures are"
        return (
            f"peer {self.peer}: {_counted(n, 'checkpoint')} of the copy{which} {'is' if n == 1 else 'are'} signed by"
            f" {keys}, {held} this node no longer holds (the peer was registered again with another key):"
            f" {signatures} not checked, so the copy is not verified. A signed note names its key only by name and"
            f" a 4-byte hash, from which the key cannot be recovered: ask the peer's operators for that verifier"
            f" key and record it with 'sarhad peer former-key {self.peer} --vkey VKEY'"
        )

    def summary(self) -> str:
        at = (
            f"root at its last verified checkpoint ({self.checkpoint_size}) recomputed"
            if self.checkpoint_size is not None
            else "no verified checkpoint yet"
        )
        beyond = f", {self.beyond} beyond the copy" if self.beyond else ""
        removed = f" (removed {self.removed}; checked with the key kept then)" if self.removed else ""
        not_held = f", {self.not_held} NOT CHECKED (signed by a key this node no longer holds)" if self.not_held else ""
        match = "matches its leaf" if self.objects == 1 else "match their leaves"
        refused = f", {_counted(self.refused, 'refused entry', 'refused entries')} kept apart" if self.refused else ""
        return (
            f"peer {self.peer}{removed}: {_counted(self.leaves, 'leaf', 'leaves')}, {_counted(self.objects, 'object')}"
            f" {match}{refused}; {at}; {_counted(self.checkpoints, 'checkpoint')} checked{beyond}{not_held}"
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "party": self.party,
            "origin": self.origin,
            "removed": self.removed,
            "leaves": self.leaves,
            "objects": self.objects,
            "refused_entries": self.refused,
            "checkpoints": self.checkpoints,
            "checkpoints_beyond_copy": self.beyond,
            "checkpoints_key_not_held": self.not_held,
            "keys_not_held": self.keys_not_held,
            "checkpoint_size": self.checkpoint_size,
            "root": base64.b64encode(self.root).decode(),
        }


def _counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun``, in the plural unless ``n`` is 1: ``1 checkpoint``, ``2 checkpoints``, ``0 leaves``."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def verify_peer_copies(db: Database, *, progress: Progress | None = None) -> list[PeerCopyReport]:
    """Check the copy of every registered or removed peer's log and objects (see the module doc), in name order.

    Raises VerificationError naming the peer and the first bad entry, object or checkpoint.
    """
    if db.in_transaction:
        return _verify_all(db, progress or _quiet)
    # One snapshot: a sync committing half-way through would look like tampering.
    with db.snapshot():
        return _verify_all(db, progress or _quiet)


def _quiet(step: str, done: int, total: int) -> None:
    """The default progress callback: silence."""


def _verify_all(db: Database, progress: Progress) -> list[PeerCopyReport]:
    peers = db.fetchall(
        "SELECT name, party, vkey, origin, NULL FROM peers"
        " UNION ALL SELECT name, party, vkey, origin, removed FROM removed_peers ORDER BY 1"
    )
    reports = [
        _verify_log_copy(db, PeerCopyReport(str(n), str(p), str(o), None if r is None else str(r)), str(v), progress)
        for n, p, v, o, r in peers
    ]
    by_party: dict[str, list[PeerCopyReport]] = {}
    for report in reports:
        by_party.setdefault(report.party, []).append(report)
    for party, copies in by_party.items():
        _verify_objects(db, party, copies, progress)
    return reports


def _count(db: Database, sql: str, params: tuple[object, ...]) -> int:
    row = db.fetchone(sql, params)
    return int(row[0]) if row and row[0] is not None else 0


def _verify_log_copy(db: Database, report: PeerCopyReport, vkey: str, progress: Progress) -> PeerCopyReport:
    """Steps 1 to 3 for the copy filed under ``report.peer``: its copied leaves, its checkpoints (with
    ``vkey``, registered or kept at the peer's removal, or a former key recorded for the copy) and the
    frontier."""
    name, origin = report.peer, report.origin
    tree = merkle.MemoryTree()

    # 1. The copied leaves, in order.
    step = f"peer {name} leaves"
    total = _count(db, "SELECT COUNT(*) FROM peer_leaves WHERE peer = ?", (name,))
    progress(step, 0, total)
    expected = 0
    for idx, text, stored in db.iterate(
        "SELECT idx, envelope, leaf_hash FROM peer_leaves WHERE peer = ? ORDER BY idx", (name,)
    ):
        idx = int(idx)
        if idx != expected:
            if idx > expected:
                raise VerificationError(f"peer {name}: entry {expected} is missing (the next copied entry is {idx})")
            raise VerificationError(f"peer {name}: entry {idx} is out of order (expected entry {expected})")
        try:
            envelope = Envelope.from_canonical(str(text))
        except InvalidInput as exc:
            raise VerificationError(f"peer {name}: entry {idx}: the copied envelope is malformed: {exc}") from None
        computed = merkle.leaf_hash(str(text).encode("utf-8"))
        if bytes(stored) != computed:
            raise VerificationError(
                f"peer {name}: entry {idx} ({envelope.ref}): the copied leaf hash does not match its envelope"
            )
        tree.append_hash(computed)
        expected += 1
        if not expected % _EVERY:
            progress(step, expected, total)
    held = report.leaves = expected
    progress(step, held, total)

    # 2. The peer's checkpoints against the copy, each with the key that signed it: the registered one (or the
    # one kept at its removal), or a former key of the same log recorded with 'sarhad peer former-key'.
    keys = _keys(db, report, vkey)
    registered = keys[0]
    by_id = {(k.name, k.key_id): k for k in keys}
    covered = 0  # the largest checkpoint the copy reaches, its signature checked or not
    for size, root, note, source in db.fetchall(
        "SELECT size, root, note, source FROM peer_checkpoints WHERE peer = ? ORDER BY size", (name,)
    ):
        size = int(size)
        label = f"peer {name}: checkpoint {size}"
        try:
            parsed = parse_note(str(note))
            signers = [by_id[(s.name, s.key_id)] for s in parsed.signatures if (s.name, s.key_id) in by_id]
            if signers:
                want = origin if signers[0] is registered else signers[0].name
                checkpoint, _opened = open_checkpoint(str(note), signers, want)
            else:
                # Signed by a key this node no longer holds (a peer registered again with another key before
                # 'peer add' refused that): named by the signature whose key name is the log's origin (the
                # others are witnesses' cosignatures), counted, and the copy still checked against the note.
                checkpoint = Checkpoint.from_body(parsed.text)
                for sig in [s for s in parsed.signatures if s.name == checkpoint.origin] or parsed.signatures:
                    if (fingerprint := f"{sig.name}+{sig.key_id:08x}") not in report.keys_not_held:
                        report.keys_not_held.append(fingerprint)
        except (InvalidInput, VerificationError) as exc:
            raise VerificationError(f"{label}: {exc}") from None
        if checkpoint.size != size or checkpoint.root != bytes(root):
            raise VerificationError(f"{label}: the stored size or root does not match the signed note")
        if size > held:
            if source == "sync":  # a sync stores the leaves with the checkpoint, in one transaction
                raise VerificationError(
                    f"{label}: verified by a sync, but the copy holds {held} entries: entries were deleted"
                )
            report.beyond += 1  # seen as a witness only: the copy need not reach it
            if not signers:
                # Nothing of it is checked, not even its signature: counted as not held too, so the copy is not
                # passed (the peer's key signed it when this node cosigned it; 'peer former-key' records that key).
                report.not_held += 1
                report.not_held_beyond += 1
            continue
        if checkpoint.root != tree.root(size):
            raise VerificationError(
                f"{label}: the signed root does not match the root recomputed from the {size} copied leaves"
            )
        covered = size
        if not signers:
            report.not_held += 1
            continue
        report.checkpoints += 1
        report.checkpoint_size, report.root = size, checkpoint.root
    if held and covered != held:
        raise VerificationError(
            f"peer {name}: entries {covered}..{held - 1} of the copy are not covered by a verified checkpoint"
        )

    # 3. The frontier the next sync extends (sarhad.exchange.frontier) against the copied leaves: a wrong one
    # would make that sync fail as if the peer had rewritten its log.
    frontier = db.fetchone("SELECT size, hashes FROM peer_frontiers WHERE peer = ?", (name,))
    if frontier is not None and (int(frontier[0]) != held or bytes(frontier[1]) != _frontier(tree, held)):
        raise VerificationError(
            f"peer {name}: the stored frontier (for {int(frontier[0])} entries) is not the frontier of the {held}"
            " copied entries"
        )
    # ... and the entries a sync refused (sarhad.exchange.refused): each is the copy's entry at its index, and
    # the body kept for an auditor is the one that entry logs.
    for idx, object_id, version, sha, body, text in db.iterate(
        "SELECT r.idx, r.object_id, r.version, r.sha256, r.body, l.envelope FROM refused_entries r"
        " LEFT JOIN peer_leaves l ON l.peer = r.peer AND l.idx = r.idx WHERE r.peer = ? ORDER BY r.idx",
        (name,),
    ):
        label = f"peer {name}: refused entry {idx} ({object_id}@{version})"
        if text is None:
            raise VerificationError(f"{label} is not in the copy")
        logged = Envelope.from_canonical(str(text))  # checked in step 1
        if (logged.object_id, logged.version, logged.sha256) != (object_id, version, sha):
            raise VerificationError(f"{label}: the copied entry logs {logged.ref} with SHA-256 {logged.sha256}")
        if hashlib.sha256(str(body).encode("utf-8")).hexdigest() != sha:
            raise VerificationError(f"{label}: the body kept does not hash to the SHA-256 the peer logged")
        report.refused += 1
    return report


def _keys(db: Database, report: PeerCopyReport, vkey: str) -> list[Verifier]:
    """The keys the copy filed under ``report.peer`` is checked with: ``vkey`` (registered, or kept at the
    peer's removal) first, then the former keys of its log recorded for it (``peer_former_keys``)."""
    kept = "kept at its removal" if report.removed else "registered"
    keys: list[Verifier] = []
    rows = [(kept, vkey)] + [
        ("former", str(v)) for (v,) in db.fetchall("SELECT vkey FROM peer_former_keys WHERE peer = ?", (report.peer,))
    ]
    for what, text in rows:
        try:
            keys.append(Verifier.from_vkey(text))
        except InvalidInput as exc:
            raise VerificationError(f"peer {report.peer}: the {what} key cannot be read: {exc}") from None
    return keys


class _Leaves:
    """The copied leaves of one peer's log in index order, read as far as :meth:`at` asks."""

    def __init__(self, db: Database, peer: str) -> None:
        self._rows = db.iterate("SELECT idx, envelope, leaf_hash FROM peer_leaves WHERE peer = ? ORDER BY idx", (peer,))
        self._row = next(self._rows, None)

    def at(self, idx: int) -> Row | None:
        """The copied leaf at ``idx`` (envelope, leaf hash), or None. ``idx`` must not decrease between calls."""
        while self._row is not None and int(self._row[0]) < idx:
            self._row = next(self._rows, None)
        if self._row is not None and int(self._row[0]) == idx:
            return self._row[1:]
        return None


def _verify_objects(db: Database, party: str, copies: list[PeerCopyReport], progress: Progress) -> None:
    """Step 4 for the objects of ``party`` against the copies of its peers' logs (usually one peer a party;
    with several, each object belongs to the peer whose copied entry at its ``log_index`` logs it).

    The objects, in ``log_index`` order, are merged with each copy's leaves, in index order, here rather than
    joined in SQL: each side is one ordered read whatever the database knows of the tables, where PostgreSQL
    without planner statistics (a restored dump before ``ANALYZE``) planned the join as a scan of the copy per
    object, quadratic in the number of entries.
    """
    names = [c.peer for c in copies]
    by_name = {c.peer: c for c in copies}
    who = f"peer {names[0]}" if len(names) == 1 else f"party {party} (peers {', '.join(names)})"
    step = f"{who} objects"
    total = _count(db, "SELECT COUNT(*) FROM objects WHERE origin = ?", (party,))
    progress(step, 0, total)
    leaves = [(name, _Leaves(db, name)) for name in names]
    rows = db.iterate(
        "SELECT id, modified, tlp, sha256, log_index, body FROM objects WHERE origin = ?"
        " ORDER BY log_index, id, modified",
        (party,),
    )
    done = 0
    sha = hashlib.sha256
    for object_id, version, tlp, obj_sha, log_index, body in rows:
        ref = f"{object_id}@{version}"
        held: list[tuple[str, Envelope, bytes]] = []
        if log_index is not None:
            for name, copy in leaves:
                entry = copy.at(int(log_index))
                if entry is not None:
                    held.append((name, Envelope.from_canonical(str(entry[0])), bytes(entry[1])))
        if not held:
            raise VerificationError(
                f"{who}: object {ref} points at entry {log_index} of the peer's log, which the copy does not hold"
            )
        mine = [h for h in held if (h[1].object_id, h[1].version) == (object_id, version)]
        if not mine:
            name, logged, _ = held[0]
            raise VerificationError(
                f"peer {name}: entry {log_index} ({ref}): the copied entry logs another object ({logged.ref})"
            )
        name, logged, stored = mine[0]
        label = f"peer {name}: entry {log_index} ({ref})"
        try:
            digest = sha(str(body).encode("utf-8")).hexdigest()
        except UnicodeEncodeError:
            raise VerificationError(f"{label}: the stored object's body is not UTF-8 text") from None
        # The leaf recomputed from what is stored of the object (its body's hash, id, version and TLP).
        recomputed = Envelope(str(object_id), str(version), digest, str(tlp), logged.time)
        if merkle.leaf_hash(recomputed.canonical()) != stored:
            if digest != logged.sha256:
                raise VerificationError(
                    f"{label}: the stored object's body does not hash to the SHA-256 the peer logged"
                )
            raise VerificationError(
                f"{label}: the stored object's TLP {tlp!r} does not match the peer's logged {logged.tlp!r}"
            )
        if obj_sha != logged.sha256:
            raise VerificationError(f"{label}: the object row's sha256 does not match the peer's logged one")
        by_name[name].objects += 1
        done += 1
        if not done % _EVERY:
            progress(step, done, total)
    progress(step, done, total)


def _frontier(tree: merkle.MemoryTree, size: int) -> bytes:
    """The hashes of the perfect subtrees that the binary digits of ``size`` cut the leaves into, largest
    (leftmost) first, concatenated: the stored form of ``sarhad.exchange.frontier.Frontier``."""
    out: list[bytes] = []
    start = 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            out.append(tree.subtree(level, start >> level))
            start += 1 << level
    return b"".join(out)
