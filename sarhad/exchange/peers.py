"""The peer registry: the nodes this node pulls from, their log keys and the tokens they gave us.

A peer's log key (vkey) verifies its checkpoints; the same Ed25519 key, as a cosignature/v1 key (type 0x04)
under the same name, verifies the cosignatures it returns for ours. A node cosigns with its own log key the
same way (:func:`node_cosigner`), so registering a peer by its vkey is enough in both directions.

The copy of a peer's log a sync keeps (``peer_leaves``, ``peer_checkpoints``, ``peer_frontiers``, and the
entries it refused, ``refused_entries``) is filed under the peer's name, and was checked with the key and
party registered under that name. So a name that holds a copy keeps its log: registering another key or party
under it is refused. Removing a peer
(:func:`remove_peer`) drops its URL and token but keeps its copy, with the key, origin and party it was
checked with (``removed_peers``), so ``sarhad log verify`` still checks it. Registering the same log again
(the same vkey and party) under the removed name, or under a new name, takes the copy back: the next sync
extends it instead of copying the log again.

One log is one peer: a log (its vkey) registered under one name is refused under another, and a removed
peer's log is refused under another party (its copy and objects are filed under its own party), so a node
never keeps two copies of one log.

Before a name that held a copy kept its key, a peer registered again with a new key left its copy's
checkpoints signed by a key the node no longer held. The key cannot be recovered from the notes (a signature
names its key by name and a 4-byte hash only); :func:`add_former_key` records it once the peer's operators
give it, and ``sarhad log verify`` checks those checkpoints with it.

A cosignature a peer refused, or whose answer was lost, is owed to it (:func:`owed_cosignature`) until a later
sync delivers one; removing the peer drops what it is owed, since no sync can deliver it any more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sarhad.errors import InvalidInput, NotFound, VerificationError
from sarhad.log.checkpoint import open_checkpoint
from sarhad.log.cosignature import CosignatureSigner, CosignatureVerifier
from sarhad.log.note import Verifier, parse_note
from sarhad.store.db import Database
from sarhad.web.auth import require_token_form

if TYPE_CHECKING:
    from sarhad.node import Node

__all__ = [
    "OwedCosignature",
    "Peer",
    "RemovedPeer",
    "add_former_key",
    "add_peer",
    "copied_leaves",
    "cosigner_for",
    "get_peer",
    "list_peers",
    "list_removed_peers",
    "node_cosigner",
    "owed_cosignature",
    "peer_by_origin",
    "remove_peer",
    "shared_logs",
    "witness_keys",
]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_PARTY = re.compile(r"^[A-Z][A-Z0-9-]{1,15}$")
_COLUMNS = "name, url, vkey, origin, token, party"
# The tables that file a peer's copy (and the evidence against it) under the peer's name.
_COPY_TABLES = (
    "peer_leaves",
    "peer_checkpoints",
    "peer_frontiers",
    "peer_former_keys",
    "split_views",
    "refused_entries",
)


@dataclass(frozen=True, slots=True)
class Peer:
    """A registered peer. The token is a secret and never appears in the repr."""

    name: str
    url: str
    vkey: str
    origin: str
    token: str = field(repr=False)
    party: str

    @property
    def verifier(self) -> Verifier:
        """The peer's log key."""
        return Verifier.from_vkey(self.vkey)

    @classmethod
    def of(
        cls, name: str, url: str, vkey: str, token: str, party: str | None = None, *, own_origin: str | None = None
    ) -> Peer:
        """A peer as an operator gives it (``party`` defaults to ``name`` in capitals), checked but not stored:
        :func:`add_peer` stores it.

        Raises InvalidInput for a malformed name, URL, vkey, token (not of the form ``sarhad_<id>_<secret>``) or
        party, or for a vkey whose origin is ``own_origin`` (this node's own log's).
        """
        if not _NAME.match(name):
            raise InvalidInput(f"peer name {name!r} must be 1-64 letters, digits, '.', '_' or '-'")
        if not url.startswith(("http://", "https://")):
            raise InvalidInput(f"peer URL {url!r} must start with http:// or https://")
        verifier = Verifier.from_vkey(vkey)
        if own_origin is not None and verifier.name == own_origin:
            raise InvalidInput(
                f"the key {vkey!r} signs the log {own_origin!r}, this node's own log's origin: a peer is another"
                " node with a log of its own (give the peer's key from 'sarhad key show' on that node; a second"
                " node of the same party needs its own origin, 'sarhad init --origin')"
            )
        party = party or name.upper()
        if not _PARTY.match(party):
            raise InvalidInput(f"peer party {party!r} is not a party code (2-16 capitals, digits or '-'); give --party")
        require_token_form(token, "the peer's token")
        return cls(name, url.rstrip("/"), vkey, verifier.name, token, party)


@dataclass(frozen=True, slots=True)
class RemovedPeer:
    """A peer removed from the registry whose copy this node keeps: the key, origin and party it was checked
    with, and when it was removed (UTC, ISO 8601)."""

    name: str
    vkey: str
    origin: str
    party: str
    removed: str


@dataclass(frozen=True, slots=True)
class OwedCosignature:
    """The cosignature of a peer's checkpoint that this node still owes it: the checkpoint's size, why the peer
    did not take it (its answer, or what broke the connection), and when it was last sent (UTC, ISO 8601)."""

    size: int
    reason: str
    attempted: str


def _peer(row: tuple[object, ...]) -> Peer:
    return Peer(*(str(v) for v in row))


def _holds_copy(db: Database, name: str) -> bool:
    """Whether a copy of a log (leaves or checkpoints) is filed under ``name``."""
    return any(
        db.fetchone(f"SELECT 1 FROM {table} WHERE peer = ? LIMIT 1", (name,)) is not None
        for table in ("peer_leaves", "peer_checkpoints")
    )


def add_peer(
    db: Database,
    name: str,
    url: str,
    vkey: str,
    token: str,
    party: str | None = None,
    *,
    own_origin: str | None = None,
) -> Peer:
    """Register (or replace) the peer ``name`` at ``url`` whose log key is ``vkey``.

    ``party`` defaults to ``name`` in capitals. A name that holds a copy of a log (registered or removed)
    keeps that log's key and party; a removed peer's copy of the same log (same vkey and party) filed under
    another name is taken over, so the next sync extends it (see the module doc). ``own_origin``, this node's
    log origin, is refused as a peer's: a log is known by its origin (the cosignatures on this node's
    checkpoints, the objects it publishes), so a peer of the same origin, this node's own key or another node
    set up under the same party, would be taken for this node.

    Raises InvalidInput for a malformed name, URL, vkey, token (not of the form ``sarhad_<id>_<secret>``) or
    party (see :meth:`Peer.of`), for a vkey whose origin is ``own_origin``, for another key or party under a
    name that holds a copy, for a vkey registered under another name, or for the vkey of a removed peer of
    another party; nothing is changed then.
    """
    peer = Peer.of(name, url, vkey, token, party, own_origin=own_origin)
    party = peer.party
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with db.transaction():
        before = db.fetchone("SELECT vkey, party FROM peers WHERE name = ?", (name,))
        if before is None:
            before = db.fetchone("SELECT vkey, party FROM removed_peers WHERE name = ?", (name,))
        if before is not None and (str(before[0]), str(before[1])) != (vkey, party) and _holds_copy(db, name):
            raise InvalidInput(
                f"peer name {name!r} holds a copy of the log of key {before[0]!r} (party {before[1]}), checked"
                f" with that key: it cannot take the key {vkey!r} (party {party}); register that under another name"
            )
        _refuse_another_registration(db, name, vkey, party)
        if before is None:
            _take_over(db, name, vkey, party)
        db.execute("DELETE FROM removed_peers WHERE name = ?", (name,))
        db.execute("DELETE FROM peers WHERE name = ?", (name,))
        db.execute(
            f"INSERT INTO peers ({_COLUMNS}, added) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (peer.name, peer.url, peer.vkey, peer.origin, peer.token, peer.party, stamp),
        )
    return peer


def _refuse_another_registration(db: Database, name: str, vkey: str, party: str) -> None:
    """Refuse the log of ``vkey`` under ``name`` when another name already holds it: a registered peer (any
    party: its syncs would keep a second copy of the same log), or a removed one under another party (its
    copy and objects are filed under that party; under the same party the copy is taken over instead)."""
    row = db.fetchone("SELECT name, party FROM peers WHERE vkey = ? AND name <> ? ORDER BY name LIMIT 1", (vkey, name))
    if row is not None:
        raise InvalidInput(
            f"the log of key {vkey!r} is already registered as peer {row[0]!r} (party {row[1]}): one log is one"
            f" peer; change its URL or token with 'sarhad peer add {row[0]} …', or remove it first"
        )
    row = db.fetchone(
        "SELECT name, party, removed FROM removed_peers WHERE vkey = ? AND party <> ? AND name <> ?"
        " ORDER BY removed DESC, name LIMIT 1",
        (vkey, party, name),
    )
    if row is not None:
        raise InvalidInput(
            f"the log of key {vkey!r} is kept as removed peer {row[0]!r} (party {row[1]}, removed {row[2]}), whose"
            f" copy and objects are filed under party {row[1]}: it cannot be registered under party {party};"
            f" register it with --party {row[1]} to take the copy back"
        )


def _take_over(db: Database, name: str, vkey: str, party: str) -> None:
    """File under ``name`` the copy of a removed peer of the same log (``vkey``) and ``party``, if there is
    one: it was checked with the same key, so the new name's next sync extends it."""
    row = db.fetchone(
        "SELECT name FROM removed_peers WHERE vkey = ? AND party = ? ORDER BY removed DESC, name LIMIT 1",
        (vkey, party),
    )
    if row is None:
        return
    for table in _COPY_TABLES:
        db.execute(f"UPDATE {table} SET peer = ? WHERE peer = ?", (name, str(row[0])))
    db.execute("DELETE FROM removed_peers WHERE name = ?", (str(row[0]),))


def remove_peer(db: Database, name: str) -> RemovedPeer | None:
    """Remove the peer ``name`` from the registry: no more syncs, its URL and token are dropped.

    The copy of its log stays, with its key, origin and party (returned), so ``sarhad log verify`` still
    checks it and the objects it carried; None when it held no copy (nothing is kept). A cosignature owed to it
    is dropped: no sync will deliver it.
    Raises NotFound when no peer ``name`` is registered.
    """
    with db.transaction():
        peer = get_peer(db, name)
        db.execute("DELETE FROM peers WHERE name = ?", (name,))
        db.execute("DELETE FROM owed_cosignatures WHERE peer = ?", (name,))
        if not _holds_copy(db, name):
            return None
        removed = RemovedPeer(
            name, peer.vkey, peer.origin, peer.party, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        )
        db.execute(
            "INSERT INTO removed_peers (name, vkey, origin, party, removed) VALUES (?, ?, ?, ?, ?)",
            (removed.name, removed.vkey, removed.origin, removed.party, removed.removed),
        )
    return removed


def add_former_key(db: Database, name: str, vkey: str) -> int:
    """Record ``vkey`` as a former key of the log whose copy is filed under ``name`` (registered or removed).

    Before ``peer add`` refused another key under a name that holds a copy, a peer registered again with a
    new key left its copy's checkpoints signed by a key the node no longer held, and ``sarhad log verify``
    cannot check them (status ``key_not_held``). A signed note names its key by name and a 4-byte hash only,
    so the key itself must come from the peer's operators; it is recorded only if it signs checkpoints of the
    copy, and every one of them verifies with it. Returns how many checkpoints it signs.

    Raises NotFound when no copy is filed under ``name``, InvalidInput for a malformed key or one that signs
    none of the copy's checkpoints, VerificationError when a checkpoint it names does not verify with it.
    """
    verifier = Verifier.from_vkey(vkey)
    with db.transaction():
        if not _holds_copy(db, name):
            raise NotFound(f"no copy of a peer's log is filed under {name!r} (see 'sarhad peer list')")
        signed = 0
        seen: set[str] = set()
        for size, note in db.fetchall("SELECT size, note FROM peer_checkpoints WHERE peer = ? ORDER BY size", (name,)):
            sigs = parse_note(str(note)).signatures
            seen.update(f"{s.name}+{s.key_id:08x}" for s in sigs)
            if not any((s.name, s.key_id) == (verifier.name, verifier.key_id) for s in sigs):
                continue
            try:
                open_checkpoint(str(note), [verifier], verifier.name)
            except VerificationError as exc:
                raise VerificationError(f"peer {name}: checkpoint {size}: {exc}") from None
            signed += 1
        if not signed:
            raise InvalidInput(
                f"the key {verifier.name}+{verifier.key_id:08x} signs none of the checkpoints of the copy filed under"
                f" {name!r} (they are signed by: {', '.join(sorted(seen)) or 'none'})"
            )
        db.execute("DELETE FROM peer_former_keys WHERE peer = ? AND vkey = ?", (name, vkey))
        db.execute(
            "INSERT INTO peer_former_keys (peer, vkey, added) VALUES (?, ?, ?)",
            (name, vkey, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
        )
    return signed


def list_peers(db: Database) -> list[Peer]:
    """Every registered peer, by name."""
    return [_peer(r) for r in db.fetchall(f"SELECT {_COLUMNS} FROM peers ORDER BY name")]


def list_removed_peers(db: Database) -> list[RemovedPeer]:
    """Every removed peer whose copy this node keeps, by name."""
    return [
        RemovedPeer(*(str(v) for v in r))
        for r in db.fetchall("SELECT name, vkey, origin, party, removed FROM removed_peers ORDER BY name")
    ]


def shared_logs(db: Database) -> list[list[str]]:
    """The names, registered or removed, that hold copies of one log (the same key): each group sorted, groups in
    order. ``add_peer`` refuses a second name for a key, but a node that registered one before that rule may hold
    two copies of a log, each synced and verified apart; ``sarhad log verify`` and ``peer list`` name them so that
    an operator keeps one (``peer remove``)."""
    by_key: dict[str, list[str]] = {}
    rows = db.fetchall("SELECT name, vkey FROM peers UNION ALL SELECT name, vkey FROM removed_peers")
    for name, vkey in rows:
        by_key.setdefault(str(vkey), []).append(str(name))
    return sorted(sorted(names) for names in by_key.values() if len(names) > 1)


def copied_leaves(db: Database, name: str) -> int:
    """How many leaves of a peer's log the copy filed under ``name`` holds (registered or removed; 0 when
    none): the size of the log this node keeps of it and checks with ``sarhad log verify``."""
    row = db.fetchone("SELECT COUNT(*) FROM peer_leaves WHERE peer = ?", (name,))
    return int(row[0]) if row else 0


def owed_cosignature(db: Database, name: str) -> OwedCosignature | None:
    """The cosignature this node owes the peer ``name`` (a sync stored its checkpoint, the peer did not take the
    cosignature), or None when nothing is owed. The next sync of that peer sends it again."""
    row = db.fetchone("SELECT size, reason, attempted FROM owed_cosignatures WHERE peer = ?", (name,))
    return None if row is None else OwedCosignature(int(row[0]), str(row[1]), str(row[2]))


def get_peer(db: Database, name: str) -> Peer:
    """The peer ``name``. Raises NotFound."""
    row = db.fetchone(f"SELECT {_COLUMNS} FROM peers WHERE name = ?", (name,))
    if row is None:
        known = ", ".join(p.name for p in list_peers(db)) or "none"
        raise NotFound(f"no peer {name!r} (registered: {known}); add it with 'sarhad peer add'")
    return _peer(row)


def peer_by_origin(db: Database, origin: str) -> Peer:
    """The peer whose log has ``origin``. Raises NotFound."""
    row = db.fetchone(f"SELECT {_COLUMNS} FROM peers WHERE origin = ?", (origin,))
    if row is None:
        raise NotFound(f"no registered peer has the log origin {origin!r}")
    return _peer(row)


def cosigner_for(peer: Peer) -> CosignatureVerifier:
    """The verifier of the cosignatures ``peer`` makes (its log key as a cosignature/v1 key)."""
    v = peer.verifier
    return CosignatureVerifier(v.name, v.public_key)


def witness_keys(db: Database) -> list[CosignatureVerifier]:
    """The cosignature keys of every peer this node knows, each a witness of this node's log: the registered
    peers', the removed peers' whose copy is kept, and the former keys recorded with :func:`add_former_key`.

    A cosignature is stored only when a registered peer's key verifies it (``POST /log/cosignatures``), so
    ``sarhad log verify`` checks the stored ones with these; one by a peer removed without a copy, or by a key
    replaced before, is by none of them.
    """
    rows = db.fetchall(
        "SELECT vkey FROM peers UNION SELECT vkey FROM removed_peers UNION SELECT vkey FROM peer_former_keys"
    )
    keys: dict[tuple[str, int], CosignatureVerifier] = {}
    for (vkey,) in rows:
        v = Verifier.from_vkey(str(vkey))
        cosigner = CosignatureVerifier(v.name, v.public_key)
        keys[(cosigner.name, cosigner.key_id)] = cosigner
    return [keys[k] for k in sorted(keys)]


def node_cosigner(node: Node) -> CosignatureSigner:
    """The node's witness key: its log key used for cosignature/v1 (a distinct key ID, so no confusion)."""
    return node.signer.cosigner()
