"""Verified sync: pull a peer's new log entries and objects, check everything, store it, cosign.

Steps (each failure stores nothing and says which step and which entry failed; a refused object, step 3, is no
failure):

1. Fetch the peer's latest checkpoint and verify its signature with the peer's registered key and origin.
2. Compare it with the last checkpoint of that peer this node verified: a smaller size (rollback) or the same
   size with another root (split view) is kept as evidence; otherwise verify the consistency proof between
   them. A failing proof is evidence too, and the entry the peer rewrote is located and named.
3. Fetch the new entries (envelope + leaf hash) and the objects this node may read, chunk by chunk; recompute
   each leaf from its envelope and each envelope's hash from its object (the bytes served, or their canonical
   JSON when the peer sends parsed objects), and check the object's id and version against its envelope.
   Refuse an object that names this node's party as its author (an incident it reported, a figure it asserted,
   an assessment or indicator value of it, evidence it submitted): ids derive from those names, so a peer's
   later version would replace this node's own record in its views. Refuse too a peer's version of a record
   both parties edit (a dispute, a recommendation, a milestone) in which an entry attributed to this node's
   party (a position, a history entry, a change of date) is not one this node published, a field fixed when the
   record was created differs from this node's, or the state (level, status, revised date) is not the one its
   history records (:mod:`sarhad.exchange.authorship`). A refused object is correctly logged: its leaf goes on
   with the others (the log is verified, stored and cosigned all the same), the object is kept apart with the reason
   (:mod:`sarhad.exchange.refused`) and enters no view, and the sync reports it. This step is
   :mod:`sarhad.exchange.entries`.
4. Check that all the peer's leaves (those held, through the frontier kept from the last sync, plus the new
   ones) hash to the checkpoint's root.
5. Store leaves, the new frontier, objects (``origin`` = the peer's party), incident rows, the refused entries
   and the checkpoint, and record its cosignature as owed to the peer (``owed_cosignatures``).
6. Cosign the checkpoint and send the cosignature back; once the peer accepts it, nothing is owed.

Steps 3 to 5 run in one transaction: a piece of entries is written, uncommitted, once all of it checks, while
the next request is on its way; the commit comes only after step 4, and any failure on the way rolls
everything back. For a large sync, step 3 and the preparation of the rows run in a second process
(:mod:`sarhad.exchange.checking`) while this one writes the piece before. Step 6 comes after the commit, so a
peer that refuses the cosignature (it has not registered this node yet) or an answer that is lost does not undo
what was verified: the cosignature stays owed, with the reason, and every sync sends that of the peer's latest
checkpoint, even with nothing new to pull. Cosigning the latest is enough: a witness cosigns a checkpoint only
once it is consistent with those it verified before, so it vouches for every earlier one (C2SP
tlog-cosignature).
"""

from __future__ import annotations

import base64
import functools
import json
import logging
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, closing, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from sarhad._internal.collector import paused_collector
from sarhad.errors import ExchangeError, InvalidInput, StorageError, VerificationError
from sarhad.exchange import withheld
from sarhad.exchange.authorship import own_versions
from sarhad.exchange.checking import CHECKER_MIN, _checked_elsewhere, _use_checker
from sarhad.exchange.entries import CHUNK, _envelope, _fetch_entries, _Prepared, _prepared_chunks
from sarhad.exchange.frontier import Frontier
from sarhad.exchange.peer_http import _PeerHTTP
from sarhad.exchange.peers import Peer, node_cosigner
from sarhad.exchange.refused import Refusal, RefusedRow, record_refused
from sarhad.framework.store import index_stored
from sarhad.log.checkpoint import Checkpoint, open_checkpoint
from sarhad.log.envelope import Envelope
from sarhad.log.merkle import verify_consistency
from sarhad.monitor import summary as incident_summaries
from sarhad.monitor.evaluate import evaluate, notify_committed
from sarhad.monitor.rules import Rule, watching
from sarhad.store.current import own_ids

if TYPE_CHECKING:
    from sarhad.node import Node

__all__ = ["CHECKER_MIN", "CHUNK", "SyncResult", "sync_peer"]

log = logging.getLogger(__name__)

# Below this many new entries, keeping the indexes up to date row by row costs less than rebuilding them.
DEFER_INDEXES_MIN: Final = 20_000
# Entries checked, prepared and written together (a fetched chunk holds several pieces).
PIECE: Final = 2_500
# The summaries' gathered changes are written when they hold more groups and points than this.
DELTAS_MAX: Final = 50_000
SQLITE_CACHE_MIB: Final = 256
_INSERT_OBJECT: Final = (
    "INSERT INTO objects (id, modified, type, sha256, content_sha256, tlp, licence, origin, added, seq, log_index,"
    " body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id, modified) DO NOTHING"
)


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What one sync did."""

    peer: str
    old_size: int
    new_size: int
    entries: int
    objects: int
    withheld: int
    seconds: float
    # Why the peer did not take this node's cosignature (refused, or the answer was lost): it is owed, and the
    # next sync sends it again. None once the peer accepted it.
    cosignature_error: str | None = None
    # The entries this sync verified and stored in the log's copy but whose objects it refused to apply.
    refused: tuple[Refusal, ...] = ()
    # The versions withheld, by the TLP level their envelopes log (the peer shares a body only with those who
    # may read it: a TLP:RED record for its own people, or naming recipients, is not for this node; nor is a GTD or
    # ACLED row, whatever its level, unless the peer shares those: an envelope does not say its licence, so such
    # versions are counted under their level).
    withheld_tlp: tuple[tuple[str, int], ...] = ()
    # The peer's log is empty (it has published nothing yet, so it has signed no checkpoint): nothing was pulled,
    # verified or cosigned, and nothing is owed.
    empty: bool = False

    def withheld_text(self) -> str:
        """The versions withheld, in words: what they are and whether that is expected."""
        if not self.withheld:
            return "none withheld"
        parts = []
        for level, n in self.withheld_tlp:
            records = "record" if n == 1 else "records"
            if level == "RED":
                parts.append(
                    f"{n} {records} the peer marked TLP:RED for itself or for recipients it named, not shared with"
                    " this node: expected"
                )
            elif level in ("AMBER", "AMBER+STRICT"):
                parts.append(
                    f"{n} {records} the peer marked TLP:{level}, shared only with the parties it registered: this"
                    " node is not one of them there, or they are under a licence that forbids redistribution (GTD,"
                    " ACLED), which the peer does not share"
                )
            else:
                parts.append(
                    f"{n} {records} the peer marked TLP:{level} and did not share with this node: under a licence"
                    " that forbids redistribution (GTD, ACLED), which the peer does not share: expected"
                )
        rest = self.withheld - sum(n for _, n in self.withheld_tlp)
        if rest > 0:
            parts.append(f"{rest} not received")
        return "; ".join(parts)

    @property
    def cosigned(self) -> bool:
        """Whether the peer accepted the cosignature of its checkpoint (everything is stored either way)."""
        return self.cosignature_error is None

    def summary(self) -> str:
        if self.empty:
            return (
                f"synced {self.peer}: its log is empty (the peer has published nothing yet, so it has signed no"
                " checkpoint): nothing to pull or cosign"
            )
        synced = (
            f"synced {self.peer}: log {self.old_size} → {self.new_size}, {self.entries} new"
            f" {'entry' if self.entries == 1 else 'entries'}, {self.objects}"
            f" {'object' if self.objects == 1 else 'objects'} ({self.withheld_text()}"
            + (f", {len(self.refused)} refused" if self.refused else "")
            + ")"
        )
        if self.cosigned:
            return f"{synced}, cosigned, in {self.seconds:.2f} s"
        return (
            f"{synced}, in {self.seconds:.2f} s: stored, but the cosignature was not delivered (it is sent again"
            f" with the next sync): {self.cosignature_error}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "peer": self.peer,
            "old_size": self.old_size,
            "new_size": self.new_size,
            "entries": self.entries,
            "objects": self.objects,
            "withheld": self.withheld,
            "withheld_by_tlp": dict(self.withheld_tlp),
            "stored": True,
            "empty": self.empty,
            "cosigned": self.cosigned and not self.empty,
            "cosignature_error": self.cosignature_error,
            "refused": [r.as_dict() for r in self.refused],
            "seconds": round(self.seconds, 3),
        }


def _now() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _held(node: Node, peer: Peer) -> tuple[Checkpoint | None, int]:
    row = node.db.fetchone("SELECT note FROM peer_checkpoints WHERE peer = ? ORDER BY size DESC LIMIT 1", (peer.name,))
    top = node.db.fetchone("SELECT MAX(idx) FROM peer_leaves WHERE peer = ?", (peer.name,))
    leaves = 0 if top is None or top[0] is None else int(top[0]) + 1
    return (None if row is None else Checkpoint.parse(str(row[0])), leaves)


def _frontier(node: Node, peer: Peer, held: int) -> Frontier:
    """The frontier of the ``held`` leaves copied from ``peer``: stored by the last sync, else recomputed."""
    row = node.db.fetchone("SELECT size, hashes FROM peer_frontiers WHERE peer = ?", (peer.name,))
    if row is not None and int(row[0]) == held:
        return Frontier.from_bytes(held, bytes(row[1]))
    # A database synced before frontiers were kept: rehash the copied leaves once.
    return Frontier.of_leaves(
        bytes(r[0])
        for r in node.db.iterate("SELECT leaf_hash FROM peer_leaves WHERE peer = ? ORDER BY idx", (peer.name,))
    )


def _evidence(node: Node, peer: Peer, reason: str, note_a: str, note_b: str, proof: list[str] | None = None) -> None:
    """Keep the checkpoint verified before (``note_a``), the one the peer serves now (``note_b``), both as
    received, and the consistency proof between them that did not verify (base64 hashes), if any. The same two
    checkpoints served again (every later sync fails alike) are kept once, with the time they were first found."""
    with node.db.transaction():
        kept = node.db.fetchone(
            "SELECT 1 FROM split_views WHERE peer = ? AND note_a = ? AND note_b = ?", (peer.name, note_a, note_b)
        )
        if kept is not None:
            return
        node.db.execute(
            "INSERT INTO split_views (peer, detected, reason, note_a, note_b, proof) VALUES (?, ?, ?, ?, ?, ?)",
            (peer.name, _now(), reason, note_a, note_b, None if proof is None else json.dumps(proof)),
        )


def _deferred_indexes(node: Node, new_entries: int, rules: Sequence[Rule]) -> AbstractContextManager[object]:
    """Build the secondary indexes of ``incidents`` once after a large sync, when sound.

    Only on SQLite, for at least :data:`DEFER_INDEXES_MIN` new entries that outnumber the incidents already
    stored (a rebuild costs in proportion to the whole table), and only without alert rules that query the
    database in the same transaction (surges and disagreements need the indexes; rules on the record alone
    do not). The indexes of ``objects`` stay: their keys (``seq``, log position, ``added`` then ``seq``) grow
    with every row a sync writes, so each row goes at the end of each index, which costs less than reading the
    whole table and its bodies again to build them. The drop and the rebuild are part of the sync's
    transaction: a failure rolls both back.
    """
    querying = any(rule.surge_window_days is not None or rule.disagrees for rule in rules)
    if node.db.dialect != "sqlite" or new_entries < DEFER_INDEXES_MIN or querying:
        return nullcontext()
    row = node.db.fetchone("SELECT COUNT(*) FROM incidents")
    if row is not None and int(row[0]) >= new_entries:
        return nullcontext()
    return node.db.deferred_indexes("incidents")


def _locate_rewrite(node: Node, http: _PeerHTTP, held: int) -> str:
    """The first entry below ``held`` whose leaf the peer now serves differently, named for the message."""
    stored = node.db.fetchall(
        "SELECT idx, envelope, leaf_hash FROM peer_leaves WHERE peer = ? AND idx < ? ORDER BY idx",
        (http.peer.name, held),
    )
    served = _fetch_entries(http, 0, held, objects=False)
    for (idx, envelope, leaf), now in zip(stored, served, strict=False):
        if bytes(leaf) != now.leaf or str(envelope) != now.envelope:
            ref = Envelope.from_canonical(str(envelope)).ref
            return f"entry {idx} ({ref}) was rewritten"
    return "no stored entry differs; the peer's proof is wrong"


def sync_peer(
    node: Node, peer: Peer, progress: Callable[[int, int], None] | None = None, *, checker: str = "auto"
) -> SyncResult:
    """Pull, verify, store and cosign ``peer``'s new entries (see the module doc).

    A cosignature the peer refuses or whose answer is lost does not undo the sync: the result's
    ``cosignature_error`` says why, the cosignature stays owed (``owed_cosignatures``), and the next sync sends
    it again.

    ``progress(done, total)``, if given, is called after each chunk of new entries is checked and written.
    ``checker`` says where chunks are fetched, checked and prepared: ``"inline"`` in this process,
    ``"process"`` in a second process while this one writes, ``"auto"`` (the default) in a second process
    for at least :data:`CHECKER_MIN` new entries.
    An entry whose object is refused (it speaks for this node's party or rewrites its words) does not fail the
    sync: it is kept in ``refused_entries`` and named in the result's ``refused``.
    Raises VerificationError (a split view or rewritten history is also kept in ``split_views``) or
    ExchangeError when the peer cannot be reached or answers badly; nothing is stored then.
    """
    if checker not in ("auto", "process", "inline"):
        raise ValueError(f"checker must be 'auto', 'process' or 'inline', not {checker!r}")
    started = time.perf_counter()
    http = _PeerHTTP(peer)
    # The cyclic garbage collector would walk every object parsed so far again and again during a large
    # sync, which allocates many small containers and frees them by reference counting; pause it meanwhile.
    try:
        with paused_collector():
            return _sync(node, peer, http, started, progress, checker)
    finally:
        http.close()


def _sync(
    node: Node,
    peer: Peer,
    http: _PeerHTTP,
    started: float,
    progress: Callable[[int, int], None] | None,
    checker: str,
) -> SyncResult:
    name = peer.name
    # 1. The peer's checkpoint, signed by its key for its origin.
    note = http.checkpoint()
    if note is None:
        last, held = _held(node, peer)
        if last is None and held == 0:
            # A peer that has published nothing has signed nothing: the usual state of a node set up a moment
            # ago, not a fault. Nothing to verify, store or cosign.
            return SyncResult(
                peer=name,
                old_size=0,
                new_size=0,
                entries=0,
                objects=0,
                withheld=0,
                seconds=time.perf_counter() - started,
                empty=True,
            )
        # A log this node verified cannot have become empty.
        raise ExchangeError(
            f"peer {name}: GET /log/checkpoint answered 404: the log has no signed checkpoint yet, but this node"
            f" verified its checkpoint of size {held if last is None else last.size} before: is {peer.url} still"
            f" {name}'s node? ('sarhad peer list' shows the URL)"
        )
    try:
        checkpoint, _ = open_checkpoint(note, [peer.verifier], peer.origin)
    except (InvalidInput, VerificationError) as exc:
        raise VerificationError(f"peer {name}: its checkpoint does not verify: {exc}") from exc
    # 2. Against the last checkpoint verified.
    last, held = _held(node, peer)
    old = 0 if last is None else last.size
    if last is not None:
        if checkpoint.size < last.size:
            reason = f"rollback: the peer now signs size {checkpoint.size}, after size {last.size} was verified"
            _evidence(node, peer, reason, last.note or "", note)
            raise VerificationError(f"peer {name}: {reason}; evidence kept")
        if checkpoint.size == last.size and checkpoint.root != last.root:
            where = _locate_rewrite(node, http, held)
            reason = f"split view: two signed checkpoints of size {last.size} with different roots; {where}"
            _evidence(node, peer, reason, last.note or "", note)
            raise VerificationError(f"peer {name}: {reason}; evidence kept")
        if checkpoint.size > last.size and last.size > 0:
            proof = http.json("/log/proof/consistency", old=last.size, new=checkpoint.size)
            try:
                hashes = [base64.b64decode(h, validate=True) for h in proof.get("hashes", [])]
            except (AttributeError, TypeError, ValueError) as exc:  # binascii.Error is a ValueError
                raise ExchangeError(
                    f"peer {name}: its consistency proof from {last.size} to {checkpoint.size} is malformed ({exc!r})"
                ) from exc
            try:
                verify_consistency(last.size, checkpoint.size, hashes, last.root, checkpoint.root)
            except VerificationError as exc:
                where = _locate_rewrite(node, http, held)
                reason = (
                    f"rewritten history: size {checkpoint.size} is not consistent with size {last.size}"
                    f" ({exc}); {where}"
                )
                _evidence(
                    node, peer, reason, last.note or "", note, [base64.b64encode(h).decode("ascii") for h in hashes]
                )
                raise VerificationError(f"peer {name}: {reason}; evidence kept") from exc
    # 3-5 in one transaction: each chunk of new entries is checked as it arrives (leaf from envelope, hash
    # from object) and written while the next chunk is on its way; nothing is committed before the root
    # check (4), and any failure rolls all of it back.
    frontier = _frontier(node, peer, held)
    # Into a node without incidents, the only rows a chunk can replace are those of earlier chunks of this
    # sync: keep them here instead of reading them back for the summaries (None: read them back).
    synced: dict[str, tuple[Any, ...]] | None = None
    stamp = _now()
    entries = objects = 0
    refusals: list[Refusal] = []
    # A larger SQLite page cache: a big first sync inserts into every index of objects and incidents in
    # random key order, and with the default 2 MB the same pages would be spilled again and again.
    with node.db.bulk(SQLITE_CACHE_MIB), node.db.transaction():
        if node.db.fetchone("SELECT 1 FROM incidents LIMIT 1") is None:
            synced = {}
        new_entries = checkpoint.size - held
        # Alert rules are evaluated on the parsed incidents that may raise an alert; without rules none are kept.
        rules = tuple(watching(node.db))
        # 3. Every leaf and object hash of a chunk is recomputed before any of it is prepared and written:
        # here, or for a large sync in a second process while this one writes the chunk before.
        # closing(): a failure here stops the fetch in flight (or the checking process) before going on.
        own = node.settings.party
        published = functools.partial(own_versions, node.db, own)
        if _use_checker(checker, new_entries):
            prepared = _checked_elsewhere(http, own, published, node.db.url, held, checkpoint.size, rules, CHUNK, PIECE)
        else:
            prepared = _prepared_chunks(http, own, published, held, checkpoint.size, rules, CHUNK, PIECE)
        # The summaries' changes of every chunk, written once (a point recurs in every chunk).
        deltas = incident_summaries.Deltas()
        # The objects whose rows a withheld version may supersede: those of the withheld versions this sync
        # records, and those it writes of which a withheld version is known (looked up only on a node that was
        # refused a body before: one this sync refuses is recorded).
        touched: set[str] = set()
        levels: dict[str, int] = {}  # the versions withheld, by TLP level
        refused_before = node.db.fetchone("SELECT 1 FROM withheld_versions LIMIT 1") is not None
        own_log = node.db.fetchone("SELECT 1 FROM log_leaves LIMIT 1") is not None
        with _deferred_indexes(node, new_entries, rules), closing(prepared) as chunks:
            for chunk in chunks:
                frontier.extend(leaf for _, _, leaf in chunk.leaves)
                stored, rejected = _write(
                    node, peer, chunk, stamp, synced, deltas, touched, refused_before, own_log, levels
                )
                objects += stored
                refusals += record_refused(node.db, name, sorted(chunk.refused + rejected), stamp)
                entries += len(chunk.leaves)
                if progress is not None:
                    progress(entries, new_entries)
            # The incident and framework rows whose object has a later version a peer withheld are not current
            # any more, whatever the order the versions arrived in.
            withheld.drop_superseded(node.db, deltas, touched)
            deltas.write(node.db)
        # 4. The held leaves (through their frontier) and the new ones hash to the checkpoint root.
        if frontier.size != checkpoint.size or frontier.root() != checkpoint.root:
            where = _locate_rewrite(node, http, held) if held else "the new entries are wrong"
            raise VerificationError(
                f"peer {name}: its {frontier.size} entries do not hash to the root of its checkpoint at size"
                f" {checkpoint.size}; {where}"
            )
        # 5. The frontier and the checkpoint, and its cosignature owed until the peer accepts it (6).
        node.db.execute(
            "INSERT INTO peer_frontiers (peer, size, hashes) VALUES (?, ?, ?)"
            " ON CONFLICT (peer) DO UPDATE SET size = excluded.size, hashes = excluded.hashes",
            (name, frontier.size, frontier.to_bytes()),
        )
        if checkpoint.size > old or last is None:
            node.db.execute(
                "INSERT INTO peer_checkpoints (peer, size, root, note, verified, source) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (peer, size) DO NOTHING",
                (name, checkpoint.size, checkpoint.root, note, stamp, "sync"),
            )
        # Written with what it is owed for: a sync stopped before step 6 has an answer leaves it owed.
        node.db.execute(
            "INSERT INTO owed_cosignatures (peer, size, reason, attempted) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (peer) DO UPDATE SET size = excluded.size, reason = excluded.reason,"
            " attempted = excluded.attempted",
            (name, checkpoint.size, "the sync stopped before the peer answered", stamp),
        )
    notify_committed()
    # 6. Cosign the checkpoint and send the cosignature back.
    error = _deliver_cosignature(node, http, note, checkpoint.size)
    return SyncResult(
        peer=name,
        old_size=old,
        new_size=checkpoint.size,
        entries=entries,
        objects=objects,
        withheld=entries - objects - len(refusals),
        seconds=time.perf_counter() - started,
        cosignature_error=error,
        refused=tuple(refusals),
        withheld_tlp=tuple(sorted(levels.items())),
    )


def _deliver_cosignature(node: Node, http: _PeerHTTP, note: str, size: int) -> str | None:
    """Cosign the peer's checkpoint ``note`` of ``size`` (stored) and send the cosignature back; None once the
    peer accepts it (nothing is owed then), else why it was not delivered (recorded with the owed cosignature).

    A refusal or a lost connection is not a failure of the sync, which is committed: the peer may not have
    registered this node yet, and it has a verified copy either way.
    """
    name = http.peer.name
    cosigned = node_cosigner(node).cosign_note(note)
    try:
        http.request("POST", "/log/cosignatures", content=cosigned.encode("utf-8"),
                     headers={"Content-Type": "text/plain; charset=utf-8"})  # fmt: skip
    except ExchangeError as exc:
        log.info("the cosignature of %s's checkpoint of size %d is owed: %s", name, size, exc)
        with node.db.transaction():
            node.db.execute(
                "UPDATE owed_cosignatures SET reason = ?, attempted = ? WHERE peer = ?", (str(exc), _now(), name)
            )
        return str(exc)
    with node.db.transaction():
        node.db.execute("DELETE FROM owed_cosignatures WHERE peer = ? AND size <= ?", (name, size))
    return None


def _write(
    node: Node,
    peer: Peer,
    prepared: _Prepared,
    stamp: str,
    synced: dict[str, tuple[Any, ...]] | None,
    deltas: incident_summaries.Deltas,
    touched: set[str],
    refused_before: bool,
    own_log: bool,
    levels: dict[str, int],
) -> tuple[int, list[RefusedRow]]:
    """Write a prepared chunk inside the caller's transaction: leaves, objects (``added`` = ``stamp``),
    incident rows, framework views and alerts; the summaries' changes are added to ``deltas`` (the caller
    writes them once at the end). Returns how many objects were stored, and the framework records refused
    because the view tables would not take them (:func:`_apply_record`), to be kept apart with the others.

    ``touched`` gets the ids of the withheld versions recorded and, when ``refused_before`` (the node held
    withheld versions before this sync), of the objects written of which a withheld version is known: the
    objects whose rows a later withheld version may supersede. ``levels`` counts the withheld versions by TLP level.

    ``own_log`` says whether this node's own log holds any entry: then the incidents of the chunk of which it
    holds a version of its own (:func:`sarhad.store.current.own_ids`) are left out of ``incidents`` and the alert
    rules.

    ``synced``, when given, holds every incident row stored now (the node had none before this sync): the
    rows this chunk replaces are taken from it, and it is brought up to date.
    """
    name = peer.name
    node.db.executemany(
        "INSERT INTO peer_leaves (peer, idx, envelope, leaf_hash) VALUES (?, ?, ?, ?)",
        [(name, idx, envelope, leaf) for idx, envelope, leaf in prepared.leaves],
    )
    seq_row = node.db.fetchone("SELECT MAX(seq) FROM objects")
    seq = 1 if seq_row is None or seq_row[0] is None else int(seq_row[0]) + 1
    party = peer.party
    rows = [(*o[:7], party, stamp, seq + i, *o[7:]) for i, o in enumerate(prepared.objects)]
    # Framework records are written one by one below, each with its view row or not at all.
    records = [row for row in rows if str(row[0]).startswith("x-sarhad-")]
    node.db.executemany(
        _INSERT_OBJECT, [row for row in rows if not str(row[0]).startswith("x-sarhad-")] if records else rows
    )
    if len(rows) + len(prepared.refused) < len(prepared.leaves):
        # The versions whose bodies the peer withheld: what their envelopes say (checked in step 3) is kept, so
        # that a copy held of an earlier version is no longer taken for the current one (drop_superseded at the
        # end of the sync, and the read rule). A refused version (served, not applied) is not one of them.
        held = {row[10] for row in rows} | {r[0] for r in prepared.refused}
        bodiless = [_envelope(envelope) for idx, envelope, _ in prepared.leaves if idx not in held]
        withheld.record_withheld(node.db, bodiless, party)
        touched.update(e.object_id for e in bodiless)
        for e in bodiless:
            levels[e.tlp] = levels.get(e.tlp, 0) + 1
    if refused_before and rows:
        touched.update(withheld.known(node.db, [str(row[0]) for row in rows]))
    incidents, received = prepared.incidents, prepared.received
    if own_log and incidents:
        # This node's own incidents stay current whatever a peer's log holds of them (sarhad.store.current):
        # the peer's version is stored above, as the peer's, but gets no row, and raises no alert.
        mine = own_ids(node.db, list(dict.fromkeys(str(r[0]) for r in incidents)))
        if mine:
            incidents = [r for r in incidents if r[0] not in mine]
            received = [s for s in received if s.id not in mine]
    if incidents:
        # upsert_incidents, plus the dashboard's summaries (sarhad.monitor.summary) in the same transaction.
        if synced is None:
            incident_summaries.upsert(node.db, incidents, deltas=deltas)
        else:
            ids = dict.fromkeys(str(r[0]) for r in incidents)
            replaced = [synced[i] for i in ids if i in synced]
            synced.update(incident_summaries.upsert(node.db, incidents, replaced=replaced, deltas=deltas))
        if len(deltas.summary) + len(deltas.points) > DELTAS_MAX:
            deltas.write(node.db)  # memory stays bounded when the rows spread over very many groups or points
    # The same code paths as the node's own records: framework views, then the alert rules.
    refused: list[RefusedRow] = []
    for row in records:
        reason = _apply_record(node, row)
        if reason is not None:
            refused.append((int(row[10]), str(row[0]), str(row[1]), str(row[3]), reason, str(row[11])))
    # The versions no rule may alert on (left out of ``received``) still end the alerts of the earlier ones.
    alerting = {(s.id, s.modified) for s in received}
    others = [(str(r[0]), str(r[1])) for r in incidents if (r[0], r[1]) not in alerting]
    evaluate(node.db, received, origin=peer.party, unmatched=others)
    return len(rows) - len(refused), refused


def _apply_record(node: Node, row: tuple[Any, ...]) -> str | None:
    """Store a peer's framework record (its ``objects`` row) and its view row, in the caller's transaction; None
    once done, else why the database would not take the view row (a code the framework already has under
    another id, say), and nothing of the record is stored.

    Checking (step 3) refuses the records whose view row cannot be made (:func:`sarhad.framework.store.row_problem`);
    this refuses the ones the tables themselves reject, inside a savepoint so that the rest of the sync stands.
    """
    db = node.db
    db.execute("SAVEPOINT sarhad_record")
    try:
        db.execute(_INSERT_OBJECT, row)
        index_stored(db, row[0], row[1])
    except StorageError as exc:
        db.execute("ROLLBACK TO SAVEPOINT sarhad_record")
        db.execute("RELEASE SAVEPOINT sarhad_record")
        cause = str(exc.__cause__ or exc).strip().splitlines()
        return f"its view row cannot be written: {cause[0] if cause else exc}"
    db.execute("RELEASE SAVEPOINT sarhad_record")
    return None
