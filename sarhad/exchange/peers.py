"""The peer registry: the nodes this node pulls from, their log keys and the tokens they gave us.

A peer's log key (vkey) verifies its checkpoints; the same Ed25519 key, as a cosignature/v1 key (type 0x04)
under the same name, verifies the cosignatures it returns for ours. A node cosigns with its own log key the
same way (:func:`node_cosigner`), so registering a peer by its vkey is enough in both directions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sarhad.errors import InvalidInput, NotFound
from sarhad.log.cosignature import CosignatureSigner, CosignatureVerifier
from sarhad.log.note import Verifier
from sarhad.store.db import Database

if TYPE_CHECKING:
    from sarhad.node import Node

__all__ = ["Peer", "add_peer", "cosigner_for", "get_peer", "list_peers", "node_cosigner", "peer_by_origin"]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_PARTY = re.compile(r"^[A-Z][A-Z0-9-]{1,15}$")
_COLUMNS = "name, url, vkey, origin, token, party"


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


def _peer(row: tuple[object, ...]) -> Peer:
    return Peer(*(str(v) for v in row))


def add_peer(db: Database, name: str, url: str, vkey: str, token: str, party: str | None = None) -> Peer:
    """Register (or replace) the peer ``name`` at ``url`` whose log key is ``vkey``.

    ``party`` defaults to ``name`` in capitals. Raises InvalidInput for a malformed name, URL, vkey or party.
    """
    if not _NAME.match(name):
        raise InvalidInput(f"peer name {name!r} must be 1-64 letters, digits, '.', '_' or '-'")
    if not url.startswith(("http://", "https://")):
        raise InvalidInput(f"peer URL {url!r} must start with http:// or https://")
    verifier = Verifier.from_vkey(vkey)
    party = party or name.upper()
    if not _PARTY.match(party):
        raise InvalidInput(f"peer party {party!r} is not a party code (2-16 capitals, digits or '-'); give --party")
    if not token:
        raise InvalidInput("the peer's token is empty")
    peer = Peer(name, url.rstrip("/"), vkey, verifier.name, token, party)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with db.transaction():
        db.execute("DELETE FROM peers WHERE name = ?", (name,))
        db.execute(
            f"INSERT INTO peers ({_COLUMNS}, added) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (peer.name, peer.url, peer.vkey, peer.origin, peer.token, peer.party, stamp),
        )
    return peer


def list_peers(db: Database) -> list[Peer]:
    """Every registered peer, by name."""
    return [_peer(r) for r in db.fetchall(f"SELECT {_COLUMNS} FROM peers ORDER BY name")]


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


def node_cosigner(node: Node) -> CosignatureSigner:
    """The node's witness key: its log key used for cosignature/v1 (a distinct key ID, so no confusion)."""
    return node.signer.cosigner()
