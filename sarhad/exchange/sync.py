"""Verified sync: pull a peer's new log entries and objects, check everything, store it, cosign.

Steps (each failure stores nothing and says which step and which entry failed):

1. Fetch the peer's latest checkpoint and verify its signature with the peer's registered key and origin.
2. Compare it with the last checkpoint of that peer this node verified: a smaller size (rollback) or the same
   size with another root (split view) is kept as evidence; otherwise verify the consistency proof between
   them. A failing proof is evidence too, and the entry the peer rewrote is located and named.
3. Fetch the new entries (envelope + leaf hash) and the objects this node may read; recompute each leaf from
   its envelope and each envelope's hash from its object.
4. Check that all the peer's leaves (those held plus the new ones) hash to the checkpoint's root.
5. In one transaction: store leaves, objects (``origin`` = the peer's party), incident rows and the
   checkpoint; cosign the checkpoint and send the cosignature back (a refusal rolls everything back).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import httpx

from sarhad.canonical import canonical_text
from sarhad.errors import ExchangeError, InvalidInput, SarhadError, VerificationError
from sarhad.exchange.peers import Peer, node_cosigner
from sarhad.framework.store import index_stored
from sarhad.log.checkpoint import Checkpoint, open_checkpoint
from sarhad.log.envelope import Envelope
from sarhad.log.merkle import MemoryTree, verify_consistency
from sarhad.model.incident import SARHAD_EXTENSION, Incident, content_hash
from sarhad.monitor import summary as incident_summaries
from sarhad.monitor.evaluate import evaluate, notify_committed
from sarhad.store.incidents import incident_row

if TYPE_CHECKING:
    from sarhad.node import Node

__all__ = ["CHUNK", "SyncResult", "sync_peer"]

log = logging.getLogger(__name__)

CHUNK: Final = 10_000


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What one sync did."""

    peer: str
    old_size: int
    new_size: int
    entries: int
    objects: int
    withheld: int
    cosigned: bool
    seconds: float

    def summary(self) -> str:
        return (
            f"synced {self.peer}: log {self.old_size} → {self.new_size}, {self.entries} new entries,"
            f" {self.objects} objects ({self.withheld} withheld by TLP), cosigned, in {self.seconds:.2f} s"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "peer": self.peer,
            "old_size": self.old_size,
            "new_size": self.new_size,
            "entries": self.entries,
            "objects": self.objects,
            "withheld": self.withheld,
            "cosigned": self.cosigned,
            "seconds": round(self.seconds, 3),
        }


class _PeerHTTP:
    """The peer's log API over HTTP with our token; errors become ExchangeError naming the request."""

    def __init__(self, peer: Peer, timeout: float = 60.0) -> None:
        self.peer = peer
        self.client = httpx.Client(
            base_url=peer.url, headers={"Authorization": f"Bearer {peer.token}"}, timeout=timeout
        )

    def close(self) -> None:
        self.client.close()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ExchangeError(f"peer {self.peer.name}: {method} {path} failed: {exc}") from exc
        if response.status_code >= 400:
            detail = response.text.strip()[:300]
            try:
                detail = str(response.json()["error"]["message"])
            except (ValueError, KeyError, TypeError):
                pass
            raise ExchangeError(f"peer {self.peer.name}: {method} {path} answered {response.status_code}: {detail}")
        return response

    def json(self, path: str, **params: Any) -> Any:
        try:
            return self.request("GET", path, params=params).json()
        except ValueError as exc:
            raise ExchangeError(f"peer {self.peer.name}: GET {path} did not answer JSON") from exc


def _now() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _held(node: Node, peer: Peer) -> tuple[Checkpoint | None, int]:
    row = node.db.fetchone("SELECT note FROM peer_checkpoints WHERE peer = ? ORDER BY size DESC LIMIT 1", (peer.name,))
    top = node.db.fetchone("SELECT MAX(idx) FROM peer_leaves WHERE peer = ?", (peer.name,))
    leaves = 0 if top is None or top[0] is None else int(top[0]) + 1
    return (None if row is None else Checkpoint.parse(str(row[0])), leaves)


def _evidence(node: Node, peer: Peer, reason: str, note_a: str, note_b: str) -> None:
    with node.db.transaction():
        node.db.execute(
            "INSERT INTO split_views (peer, detected, reason, note_a, note_b) VALUES (?, ?, ?, ?, ?)",
            (peer.name, _now(), reason, note_a, note_b),
        )


def _fetch_entries(http: _PeerHTTP, start: int, end: int, objects: bool) -> list[tuple[int, str, bytes, str | None]]:
    import base64

    out: list[tuple[int, str, bytes, str | None]] = []
    pos = start
    while pos < end:
        stop = min(end, pos + CHUNK)
        data = http.json("/log/entries", start=pos, end=stop, objects=1 if objects else 0)
        bodies = data.get("objects", {}) if objects else {}
        got = data.get("entries", [])
        if not got:
            raise ExchangeError(f"peer {http.peer.name}: no entries from {pos} although its checkpoint has {end}")
        for entry in got:
            index = int(entry["index"])
            if index != pos:
                raise VerificationError(f"peer {http.peer.name}: expected entry {pos}, the peer sent {index}")
            body = bodies.get(str(index))
            out.append(
                (index, str(entry["envelope"]), base64.b64decode(entry["leaf_hash"]),
                 None if body is None else json.dumps(body, ensure_ascii=False))
            )  # fmt: skip
            pos += 1
    return out


def _locate_rewrite(node: Node, http: _PeerHTTP, held: int) -> str:
    """The first entry below ``held`` whose leaf the peer now serves differently, named for the message."""
    stored = node.db.fetchall(
        "SELECT idx, envelope, leaf_hash FROM peer_leaves WHERE peer = ? AND idx < ? ORDER BY idx",
        (http.peer.name, held),
    )
    served = _fetch_entries(http, 0, held, objects=False)
    for (idx, envelope, leaf), (_i, now_env, now_leaf, _b) in zip(stored, served, strict=False):
        if bytes(leaf) != now_leaf or str(envelope) != now_env:
            ref = Envelope.from_canonical(str(envelope)).ref
            return f"entry {idx} ({ref}) was rewritten"
    return "no stored entry differs; the peer's proof is wrong"


def sync_peer(node: Node, peer: Peer) -> SyncResult:
    """Pull, verify, store and cosign ``peer``'s new entries (see the module doc).

    Raises VerificationError (a split view or rewritten history is also kept in ``split_views``) or
    ExchangeError when the peer cannot be reached or answers badly; nothing is stored then.
    """
    started = time.perf_counter()
    http = _PeerHTTP(peer)
    try:
        return _sync(node, peer, http, started)
    finally:
        http.close()


def _sync(node: Node, peer: Peer, http: _PeerHTTP, started: float) -> SyncResult:
    name = peer.name
    # 1. The peer's checkpoint, signed by its key for its origin.
    note = http.request("GET", "/log/checkpoint").text
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
            import base64

            hashes = [base64.b64decode(h) for h in proof.get("hashes", [])]
            try:
                verify_consistency(last.size, checkpoint.size, hashes, last.root, checkpoint.root)
            except VerificationError as exc:
                where = _locate_rewrite(node, http, held)
                reason = (
                    f"rewritten history: size {checkpoint.size} is not consistent with size {last.size}"
                    f" ({exc}); {where}"
                )
                _evidence(node, peer, reason, last.note or "", note)
                raise VerificationError(f"peer {name}: {reason}; evidence kept") from exc
    # 3. New entries and the objects we may read; recompute leaves and object hashes.
    fetched = _fetch_entries(http, held, checkpoint.size, objects=True)
    envelopes: list[Envelope] = []
    for index, text, leaf, body in fetched:
        try:
            env = Envelope.from_canonical(text)
        except InvalidInput as exc:
            raise VerificationError(f"peer {name}: entry {index}: {exc}") from exc
        if env.leaf_hash() != leaf:
            raise VerificationError(
                f"peer {name}: entry {index} ({env.ref}): the leaf hash does not match its envelope"
            )
        if body is not None:
            obj = json.loads(body)
            digest = hashlib.sha256(canonical_text(obj).encode("utf-8")).hexdigest()
            if digest != env.sha256 or obj.get("id") != env.object_id or obj.get("modified") != env.version:
                raise VerificationError(
                    f"peer {name}: entry {index} ({env.ref}): the object served does not match the logged hash"
                )
        envelopes.append(env)
    # 4. All leaves hash to the checkpoint root.
    tree = MemoryTree(
        b"".join(bytes(r[0]) for r in node.db.iterate(
            "SELECT leaf_hash FROM peer_leaves WHERE peer = ? ORDER BY idx", (name,)))
    )  # fmt: skip
    tree.extend_hashes([leaf for _i, _t, leaf, _b in fetched])
    if tree.size != checkpoint.size or tree.root() != checkpoint.root:
        where = _locate_rewrite(node, http, held) if held else "the new entries are wrong"
        raise VerificationError(
            f"peer {name}: its {tree.size} entries do not hash to the root of its checkpoint at size"
            f" {checkpoint.size}; {where}"
        )
    # 5. Store everything, cosign, send the cosignature back.
    stamp = _now()
    objects = 0
    with node.db.transaction():
        node.db.executemany(
            "INSERT INTO peer_leaves (peer, idx, envelope, leaf_hash) VALUES (?, ?, ?, ?)",
            [(name, i, t, leaf) for i, t, leaf, _b in fetched],
        )
        seq_row = node.db.fetchone("SELECT MAX(seq) FROM objects")
        seq = 1 if seq_row is None or seq_row[0] is None else int(seq_row[0]) + 1
        rows: list[tuple[Any, ...]] = []
        incidents: list[tuple[Any, ...]] = []
        received: list[Incident] = []
        for (index, _t, _leaf, body), env in zip(fetched, envelopes, strict=True):
            if body is None:
                continue
            obj = json.loads(body)
            text = canonical_text(obj)
            csha = content_hash(obj)
            licence = "PARTY-OWN"
            if obj.get("type") == "incident":
                try:
                    inc = Incident.from_stix(obj)
                except SarhadError as exc:
                    raise VerificationError(f"peer {name}: entry {index} ({env.ref}): {exc}") from exc
                licence = inc.licence
                received.append(inc)
                incidents.append(incident_row(inc, obj["created"], obj["modified"], peer.party, csha))
            elif isinstance(obj.get("extensions"), dict) and SARHAD_EXTENSION in obj["extensions"]:
                licence = str(obj["extensions"][SARHAD_EXTENSION].get("licence", licence))
            rows.append((env.object_id, env.version, obj["type"], env.sha256, csha, env.tlp, licence,
                         peer.party, stamp, seq, index, text))  # fmt: skip
            seq += 1
        node.db.executemany(
            "INSERT INTO objects (id, modified, type, sha256, content_sha256, tlp, licence, origin, added, seq,"
            " log_index, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id, modified) DO NOTHING",
            rows,
        )
        objects = len(rows)
        if incidents:
            # upsert_incidents, plus the dashboard's summaries (sarhad.monitor.summary) in the same transaction.
            incident_summaries.upsert(node.db, incidents)
        # The same code paths as the node's own records: framework views, then the alert rules.
        for row in rows:
            index_stored(node.db, row[0], row[1])
        evaluate(node.db, received, origin=peer.party)
        if checkpoint.size > old or last is None:
            node.db.execute(
                "INSERT INTO peer_checkpoints (peer, size, root, note, verified, source) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (peer, size) DO NOTHING",
                (name, checkpoint.size, checkpoint.root, note, stamp, "sync"),
            )
        cosigned = node_cosigner(node).cosign_note(note)
        http.request("POST", "/log/cosignatures", content=cosigned.encode("utf-8"),
                     headers={"Content-Type": "text/plain; charset=utf-8"})  # fmt: skip
    notify_committed()
    return SyncResult(
        peer=name,
        old_size=old,
        new_size=checkpoint.size,
        entries=len(fetched),
        objects=objects,
        withheld=len(fetched) - objects,
        cosigned=True,
        seconds=time.perf_counter() - started,
    )
