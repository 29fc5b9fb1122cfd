"""Verified sync: pull a peer's new log entries and objects, check everything, store it, cosign.

Steps (each failure stores nothing and says which step and which entry failed):

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
   party (a position, a history entry, a change of date) is not one this node published
   (:mod:`sarhad.exchange.authorship`).
4. Check that all the peer's leaves (those held, through the frontier kept from the last sync, plus the new
   ones) hash to the checkpoint's root.
5. Store leaves, the new frontier, objects (``origin`` = the peer's party), incident rows and the checkpoint,
   and record its cosignature as owed to the peer (``owed_cosignatures``).
6. Cosign the checkpoint and send the cosignature back; once the peer accepts it, nothing is owed.

Steps 3 to 5 run in one transaction: a piece of entries is written, uncommitted, once all of it checks, while
the next request is on its way; the commit comes only after step 4, and any failure on the way rolls
everything back. For a large sync, step 3 and the preparation of the rows run in a second process
(:func:`run_checker`) while this one writes the piece before. Step 6 comes after the commit, so a peer that
refuses the cosignature (it has not registered this node yet) or an answer that is lost does not undo what was
verified: the cosignature stays owed, with the reason, and every sync sends that of the peer's latest
checkpoint, even with nothing new to pull. Cosigning the latest is enough: a witness cosigns a checkpoint only
once it is consistent with those it verified before, so it vouches for every earlier one (C2SP
tlog-cosignature).
"""

from __future__ import annotations

import base64
import functools
import gc
import hashlib
import json
import json.encoder
import logging
import marshal
import os
import pickle
import queue
import re
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, closing, nullcontext, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any, Final, NamedTuple

import httpx
import orjson

from sarhad._internal.child import child_environment, relay, take, widen_pipe
from sarhad._internal.collector import paused_collector
from sarhad.canonical import canonical_text
from sarhad.errors import ExchangeError, InvalidInput, SarhadError, VerificationError
from sarhad.exchange import withheld
from sarhad.exchange.authorship import SHARED_TYPES, OwnVersions, attributed, own_versions, refuse_rewritten
from sarhad.exchange.client import MAX_RESPONSE_BYTES
from sarhad.exchange.frontier import Frontier
from sarhad.exchange.peers import Peer, node_cosigner
from sarhad.framework.model import TYPES
from sarhad.framework.store import index_stored
from sarhad.log.checkpoint import Checkpoint, open_checkpoint
from sarhad.log.envelope import Envelope
from sarhad.log.merkle import leaf_hash, verify_consistency
from sarhad.model.incident import SARHAD_EXTENSION, Incident, content_hash
from sarhad.monitor import summary as incident_summaries
from sarhad.monitor.evaluate import Subject, evaluate, may_alert_subjects, notify_committed
from sarhad.monitor.rules import Rule, list_rules
from sarhad.store.current import own_ids
from sarhad.store.db import Database, open_database
from sarhad.store.incidents import incident_row, incident_row_from_stix

if TYPE_CHECKING:
    from sarhad.node import Node

__all__ = ["CHECKER_MIN", "CHUNK", "SyncResult", "sync_peer"]

log = logging.getLogger(__name__)

CHUNK: Final = 10_000
# Below this many new entries, keeping the indexes up to date row by row costs less than rebuilding them.
DEFER_INDEXES_MIN: Final = 20_000
# Entries checked, prepared and written together (a fetched chunk holds several pieces).
PIECE: Final = 2_500
# The summaries' gathered changes are written when they hold more groups and points than this.
DELTAS_MAX: Final = 50_000
# From this many new entries, a second process fetches, checks and prepares chunks while this one writes (this
# one checks the first LEAD entries itself while that process starts: below about twice that, the second
# process would have little or nothing left to do).
CHECKER_MIN: Final = 20_000
# Messages (prepared pieces) the syncing process holds from the checking process ahead of the writing.
FRAMES_AHEAD: Final = 4
# A large sync checks this many entries itself while the checking process starts.
LEAD: Final = 12_500
SQLITE_CACHE_MIB: Final = 256
_CHECKER_MODULE = "sarhad.exchange.checker"  # run with ``python -m``
_FRAME: Final = struct.Struct(">Q")  # the length of each message from the checking process
# json's C string encoder (ensure_ascii=False) writes a string as RFC 8785 §3.2.2.2 does.
_string: Final[Callable[[str], str]] = json.encoder.encode_basestring


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

    @property
    def cosigned(self) -> bool:
        """Whether the peer accepted the cosignature of its checkpoint (everything is stored either way)."""
        return self.cosignature_error is None

    def summary(self) -> str:
        synced = (
            f"synced {self.peer}: log {self.old_size} → {self.new_size}, {self.entries} new entries,"
            f" {self.objects} objects ({self.withheld} withheld by TLP)"
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
            "stored": True,
            "cosigned": self.cosigned,
            "cosignature_error": self.cosignature_error,
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
        """One request; the answer is read as a stream and refused past :data:`MAX_RESPONSE_BYTES`."""
        try:
            with self.client.stream(method, path, **kwargs) as streamed:
                body = bytearray()
                for chunk in streamed.iter_bytes():
                    body += chunk
                    if len(body) > MAX_RESPONSE_BYTES:
                        raise ExchangeError(
                            f"peer {self.peer.name}: {method} {path} answered more than the limit of"
                            f" {MAX_RESPONSE_BYTES:,} bytes"
                        )
        except httpx.HTTPError as exc:
            raise ExchangeError(f"peer {self.peer.name}: {method} {path} failed: {exc}") from exc
        # the body is decoded already: drop the headers that would have it decoded again
        headers = [(k, v) for k, v in streamed.headers.items() if k not in ("content-encoding", "content-length")]
        response = httpx.Response(streamed.status_code, headers=headers, content=bytes(body), request=streamed.request)
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
    received, and the consistency proof between them that did not verify (base64 hashes), if any."""
    with node.db.transaction():
        node.db.execute(
            "INSERT INTO split_views (peer, detected, reason, note_a, note_b, proof) VALUES (?, ?, ?, ?, ?, ?)",
            (peer.name, _now(), reason, note_a, note_b, None if proof is None else json.dumps(proof)),
        )


class _Entry(NamedTuple):
    """One fetched log entry: its envelope text and leaf hash, and the object body if we may read it.

    ``body`` is the object's JSON text as the peer serves it (``bodies=text``), or the parsed object from a
    server that sends objects inline. (A named tuple: one is built per entry, and a tuple is cheapest.)
    """

    position: int
    envelope: str
    leaf: bytes
    body: str | dict[str, Any] | None


def _params(start: int, end: int, objects: bool) -> dict[str, Any]:
    params: dict[str, Any] = {"start": start, "end": end}
    if objects:
        # Bodies as JSON strings: each is hashed as it arrives, with no re-serialisation (logapi.entries).
        params.update(objects=1, bodies="text")
    return params


def _read_entries(http: _PeerHTTP, data: Any, pos: int, end: int, out: list[_Entry]) -> int:
    """Append the entries of one ``/log/entries`` answer (from ``pos``, before ``end``); return the next pos."""
    try:
        bodies = data.get("objects", {})
        got = data.get("entries", [])
    except AttributeError:
        raise ExchangeError(f"peer {http.peer.name}: /log/entries did not answer a JSON object") from None
    if not got:
        raise ExchangeError(f"peer {http.peer.name}: no entries from {pos} although its checkpoint has {end}")
    for entry in got:
        try:
            index = int(entry["index"])
            if index != pos:
                raise VerificationError(f"peer {http.peer.name}: expected entry {pos}, the peer sent {index}")
            leaf = base64.b64decode(entry["leaf_hash"], validate=True)
            out.append(_Entry(index, str(entry["envelope"]), leaf, bodies.get(str(index))))
        except (KeyError, TypeError, ValueError) as exc:  # binascii.Error is a ValueError
            raise ExchangeError(f"peer {http.peer.name}: entry {pos} is malformed ({exc!r})") from exc
        pos += 1
        if pos == end:
            break
    return pos


def _fetch_entries(http: _PeerHTTP, start: int, end: int, objects: bool) -> list[_Entry]:
    """Entries ``start..end-1`` (with the bodies we may read if ``objects``), in as many requests as needed."""
    out: list[_Entry] = []
    pos = start
    while pos < end:
        pos = _read_entries(
            http, http.json("/log/entries", **_params(pos, min(end, pos + CHUNK), objects)), pos, end, out
        )
    return out


def _entry_chunks(http: _PeerHTTP, start: int, end: int, size: int, piece: int) -> Generator[list[_Entry]]:
    """Entries and bodies ``start..end-1`` chunk by chunk, the next chunk fetched while the caller checks one.

    The peer prepares a chunk and the network carries it while this node verifies the previous one. The
    fetching thread only moves bytes: parsing them there would contend for the GIL with the checking and
    writing here, and every row SQLite writes would wait for it.
    """
    # The first request is one piece long, so that checking starts while the peer prepares the next one.
    first = min(end, start + min(size, piece))
    ranges = [(start, first)] if start < end else []
    ranges += [(pos, min(end, pos + size)) for pos in range(first, end, size)]
    if not ranges:
        return

    def fetch(lo: int, hi: int) -> bytes:
        return http.request("GET", "/log/entries", params=_params(lo, hi, True)).content

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sarhad-sync-fetch") as pool:
        pending = pool.submit(fetch, *ranges[0])
        for (lo, hi), following in zip(ranges, [*ranges[1:], None], strict=True):
            raw = pending.result()
            if following is not None:
                pending = pool.submit(fetch, *following)
            try:
                data = _loads(raw)
            except ValueError as exc:
                raise ExchangeError(f"peer {http.peer.name}: GET /log/entries did not answer JSON") from exc
            chunk: list[_Entry] = []
            pos = _read_entries(http, data, lo, hi, chunk)
            if pos < hi:  # a peer that answers fewer entries per request: fetch the rest of the range
                chunk += _fetch_entries(http, pos, hi, objects=True)
            yield chunk


def _loads(text: str | bytes) -> Any:
    """Parse JSON: with orjson (about twice as fast on these bodies), else with json, whose answer stands.

    json decides what orjson refuses (lone surrogates, integers beyond 64 bits, NaN), so a sync accepts and
    refuses exactly what json would. Raises ValueError when json refuses it too.
    """
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _member(value: Any) -> str:
    """The canonical JSON of a member's value; strings and lists of strings (the usual small members: name,
    type, spec_version, object_marking_refs) written directly."""
    if type(value) is str:
        return _string(value)
    if type(value) is list and all(type(v) is str for v in value):
        return "[" + ",".join([_string(v) for v in value]) + "]"
    return canonical_text(value)


def _content_hash(obj: dict[str, Any], text: str | None, data: bytes | None = None) -> str:
    """:func:`sarhad.model.incident.content_hash` of ``obj``, cut out of ``text``, its canonical JSON.

    The common case first: ``created`` is the first member (no other key sorts before it, as in every STIX
    object sarhad writes) and ``modified`` the last member with that value whose tail (the members after it)
    is a JSON object's members on their own, i.e. the top level: cutting the two members out needs no
    serialisation. Anything else goes to :func:`_content_hash_general`. ``data``, when given, is ``text`` in
    UTF-8: for ASCII text (the same offsets) the two parts are hashed from it without copying them.
    """
    created, modified = obj.get("created"), obj.get("modified")
    if text is None or type(created) is not str or type(modified) is not str:
        return content_hash(obj)
    head = '{"created":' + _string(created) + ","
    mark = ',"modified":' + _string(modified)
    cut = text.rfind(mark)
    if cut >= len(head) and text.startswith(head):
        after = cut + len(mark)
        rest = text[after:]
        if rest == "}" or (rest[:1] == "," and _is_object("{" + rest[1:])):
            if data is None or len(data) != len(text):
                return hashlib.sha256(("{" + text[len(head) : cut] + rest).encode("utf-8")).hexdigest()
            view = memoryview(data)
            digest = hashlib.sha256(b"{")
            digest.update(view[len(head) : cut])
            digest.update(view[after:])
            return digest.hexdigest()
    return _content_hash_general(obj, text)


def _is_object(text: str) -> bool:
    try:
        return type(orjson.loads(text)) is dict
    except orjson.JSONDecodeError:
        return False


def _content_hash_general(obj: dict[str, Any], text: str | None) -> str:
    """:func:`sarhad.model.incident.content_hash` of ``obj``, cut out of ``text``, its canonical JSON.

    The hash is over the canonical JSON without the top-level ``created`` and ``modified`` members. Canonical
    JSON sorts the members by key, so instead of serialising the object again the two members are cut out of
    the text served, after checking that the members around them (re-serialised: the few small ones before
    ``created`` and after ``modified``) sit exactly where canonical JSON puts them. Anything unexpected falls
    back to serialising the object. (A peer whose log committed to a body that is not canonical gets the hash
    of that body without its two timestamps.)
    """
    created, modified = obj.get("created"), obj.get("modified")
    keys = sorted(obj)
    if text is None or type(created) is not str or type(modified) is not str or not "".join(keys).isascii():
        return content_hash(obj)
    first, last = keys.index("created"), keys.index("modified")
    try:
        before = [f"{_string(k)}:{_member(obj[k])}" for k in keys[:first]]
        after = [f"{_string(k)}:{_member(obj[k])}" for k in keys[last + 1 :]]
    except InvalidInput:
        return content_hash(obj)
    head = "{" + "".join(m + "," for m in before) + f'"created":{_string(created)},'
    tail = f'"modified":{_string(modified)}' + "".join("," + m for m in after) + "}"
    if last < first or len(text) < len(head) + len(tail) or not text.startswith(head) or not text.endswith(tail):
        return content_hash(obj)
    between = text[len(head) : len(text) - len(tail)]
    if between and not between.endswith(","):
        return content_hash(obj)
    members = [*before, *([between[:-1]] if between else []), *after]
    return hashlib.sha256(("{" + ",".join(members) + "}").encode("utf-8")).hexdigest()


class _Checked(NamedTuple):
    """A fetched entry whose leaf and object were recomputed and match: ready to store."""

    entry: _Entry
    envelope: Envelope
    text: str | None
    obj: dict[str, Any] | None


# An envelope in canonical form whose five strings hold no escape sequence (every envelope sarhad writes): the
# match is then exactly RFC 8785's output for those strings, so it needs no JSON parse and no re-serialising.
_PLAIN: Final = r'"([^"\\\x00-\x1f]*)"'
_CANONICAL_ENVELOPE: Final = re.compile(
    f'{{"object_id":{_PLAIN},"sha256":"([0-9a-f]{{64}})","time":{_PLAIN},"tlp":{_PLAIN},"version":{_PLAIN}}}'
)


def _envelope(text: str) -> Envelope:
    """Parse an envelope that must be in canonical form (:meth:`Envelope.from_canonical`, with a fast path).

    Raises InvalidInput when it is not.
    """
    match = _CANONICAL_ENVELOPE.fullmatch(text)
    if match is None:
        return Envelope.from_canonical(text)
    object_id, sha, stamp, tlp, version = match.groups()
    return Envelope(object_id=object_id, version=version, sha256=sha, tlp=tlp, time=stamp)


def _check_entry(name: str, entry: _Entry) -> _Checked:
    """Recompute the leaf from the envelope and the envelope's hash from the object (step 3)."""
    try:
        raw = entry.envelope.encode("utf-8")
        env = _envelope(entry.envelope)
    except (InvalidInput, UnicodeEncodeError) as exc:
        raise VerificationError(f"peer {name}: entry {entry.position}: {exc}") from exc
    # The text is exactly the envelope's canonical form (checked above): hash the text as is.
    if leaf_hash(raw) != entry.leaf:
        raise VerificationError(
            f"peer {name}: entry {entry.position} ({env.ref}): the leaf hash does not match its envelope"
        )
    if entry.body is None:
        return _Checked(entry, env, None, None)
    mismatch = VerificationError(
        f"peer {name}: entry {entry.position} ({env.ref}): the object served does not match the logged hash"
    )
    if isinstance(entry.body, str):
        # The exact bytes the publisher hashed: check them before parsing anything.
        text = entry.body
        try:
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        except UnicodeEncodeError:
            raise mismatch from None
        if digest != env.sha256:
            raise mismatch
        try:
            obj = _loads(text)
        except ValueError as exc:
            raise VerificationError(f"peer {name}: entry {entry.position} ({env.ref}): the object is not JSON") from exc
    else:
        obj = entry.body
        try:
            text = canonical_text(obj)
        except InvalidInput as exc:
            raise VerificationError(f"peer {name}: entry {entry.position} ({env.ref}): {exc}") from exc
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != env.sha256:
            raise mismatch
    if not isinstance(obj, dict) or obj.get("id") != env.object_id or obj.get("modified") != env.version:
        raise mismatch
    if not isinstance(obj.get("type"), str):
        raise VerificationError(f"peer {name}: entry {entry.position} ({env.ref}): the object has no type")
    return _Checked(entry, env, text, obj)


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
    # A larger SQLite page cache: a big first sync inserts into every index of objects and incidents in
    # random key order, and with the default 2 MB the same pages would be spilled again and again.
    with node.db.bulk(SQLITE_CACHE_MIB), node.db.transaction():
        if node.db.fetchone("SELECT 1 FROM incidents LIMIT 1") is None:
            synced = {}
        new_entries = checkpoint.size - held
        # Alert rules are evaluated on the parsed incidents that may raise an alert; without rules none are kept.
        rules = tuple(list_rules(node.db))
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
        refused_before = node.db.fetchone("SELECT 1 FROM withheld_versions LIMIT 1") is not None
        own_log = node.db.fetchone("SELECT 1 FROM log_leaves LIMIT 1") is not None
        with _deferred_indexes(node, new_entries, rules), closing(prepared) as chunks:
            for chunk in chunks:
                frontier.extend(leaf for _, _, leaf in chunk.leaves)
                objects += _write(node, peer, chunk, stamp, synced, deltas, touched, refused_before, own_log)
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
        withheld=entries - objects,
        seconds=time.perf_counter() - started,
        cosignature_error=error,
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


class _Prepared(NamedTuple):
    """A checked chunk made ready to write: everything that needs no database, computed before any write.

    ``objects`` rows lack the node's ``added`` stamp and ``seq`` (the writer assigns them); ``received`` holds
    what the alert rules read (:class:`sarhad.monitor.evaluate.Subject`) of the incidents they may alert on
    (:func:`sarhad.monitor.evaluate.may_alert_subjects`: their conditions on the record alone hold), to be
    evaluated in the writer's transaction.
    """

    leaves: list[tuple[int, str, bytes]]
    objects: list[tuple[Any, ...]]
    incidents: list[tuple[Any, ...]]
    received: list[Subject]


def _prepare(peer: Peer, checked: list[_Checked], keep_incidents: bool) -> _Prepared:
    """Content hashes, incident records and rows of a checked chunk (``received``: the subject of every incident
    record, when ``keep_incidents``). Raises VerificationError naming the entry."""
    name, party = peer.name, peer.party
    objects: list[tuple[Any, ...]] = []
    incidents: list[tuple[Any, ...]] = []
    received: list[Subject] = []
    for c in checked:
        obj, env = c.obj, c.envelope
        if obj is None:
            continue
        try:
            csha = _content_hash(obj, c.text)
        except (InvalidInput, UnicodeEncodeError) as exc:
            raise VerificationError(f"peer {name}: entry {c.entry.position} ({env.ref}): {exc}") from exc
        if obj["type"] == "incident":
            try:
                inc = Incident.from_stix(obj)
            except SarhadError as exc:
                raise VerificationError(f"peer {name}: entry {c.entry.position} ({env.ref}): {exc}") from exc
            licence = inc.licence
            if keep_incidents:
                received.append(Subject.of(inc))
            incidents.append(incident_row(inc, obj["created"], obj["modified"], party, csha))
        else:
            licence = _licence(obj)
        objects.append((env.object_id, env.version, obj["type"], env.sha256, csha, env.tlp, licence,
                        c.entry.position, c.text))  # fmt: skip
    leaves = [(c.entry.position, c.entry.envelope, c.entry.leaf) for c in checked]
    return _Prepared(leaves, objects, incidents, received)


# The fields of a framework record that name the one party whose record it is (its key, and so its id,
# includes that party): a peer's version naming this node's party would pass for this node's own record.
# Records both parties edit (disputes, milestones, recommendations) carry the other party's name legitimately.
_AUTHOR_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    TYPES["assessment"]: ("assessor", "recorded_by"),
    TYPES["indicator-value"]: ("party", "recorded_by"),
    TYPES["evidence"]: ("submitted_by",),
}


def _claimed_field(obj: dict[str, Any], own: str) -> tuple[str, Any] | None:
    """The field of a peer's object, and its value, that names ``own`` (this node's party) as the party that
    reported, asserted or assessed it; None when no field does.

    An incident's id is derived from its reporter (``uuid5(dataset|reported_by|source_id)``) and an assessment's
    from its assessor, so a peer's later version of such a record would replace this node's own in every view
    (the incidents, the framework's tables, the report): the log proves what the peer published, not that this
    node's party said it. Party names are compared without regard to case or surrounding space.
    """
    mine = own.strip().casefold()

    def names_own(value: Any) -> bool:
        return isinstance(value, str) and value.strip().casefold() == mine

    kind = obj.get("type")
    if kind == "incident":
        extensions = obj.get("extensions")
        ext = extensions.get(SARHAD_EXTENSION) if isinstance(extensions, dict) else None
        if not isinstance(ext, dict):
            return None
        if names_own(ext.get("reported_by")):
            return "reported_by", ext["reported_by"]
        figures = ext.get("figures")
        for i, figure in enumerate(figures if isinstance(figures, list) else ()):
            if isinstance(figure, dict) and names_own(figure.get("asserted_by")):
                return f"figures[{i}].asserted_by", figure["asserted_by"]
        return None
    for name in _AUTHOR_FIELDS.get(kind, ()) if isinstance(kind, str) else ():
        if names_own(obj.get(name)):
            return name, obj[name]
    return None


def _refuse_claim(peer: str, position: int, ref: str, obj: dict[str, Any], own: str) -> None:
    """Refuse (step 3) a peer's object that names this node's party ``own`` as its author
    (:func:`_claimed_field`). Raises VerificationError naming the entry, the field and its value."""
    claim = _claimed_field(obj, own)
    if claim is not None:
        field, value = claim
        raise VerificationError(
            f"peer {peer}: entry {position} ({ref}): {field} is {value!r}, this node's party: a peer cannot"
            f" publish a record as {own}'s"
        )


def _check_piece(
    peer: Peer, entries: list[_Entry], rules: Sequence[Rule], own: str, published: OwnVersions
) -> _Prepared:
    """Check (step 3) and prepare a piece of entries: :func:`_check_entry` then :func:`_prepare`, fused.

    The common entry goes the straight way (:func:`_check_straight`); any other entry, and any entry that
    fails a check, goes the general way, which stores the same rows or raises the error naming the entry.
    With alert ``rules``, what they read of each incident (its :class:`sarhad.monitor.evaluate.Subject`: on the
    straight way from its row and the group names of its object, without an :class:`Incident`) is kept, and
    the subjects some rule may alert on (:func:`sarhad.monitor.evaluate.may_alert_subjects`) go with the
    piece, to be evaluated by the writer. An object that names ``own``, this node's party, as its author is
    refused (:func:`_refuse_claim`), and so is a version of a shared record with an entry attributed to ``own``
    that none of this node's own versions holds (:func:`sarhad.exchange.authorship.refuse_rewritten`): those
    versions are looked up once for the piece (``published``), for the shared records that have such entries.
    """
    party = peer.party
    objects: list[tuple[Any, ...]] = []
    incidents: list[tuple[Any, ...]] = []
    records: list[Subject] = []
    shared: list[tuple[int, str, dict[str, Any]]] = []  # versions of shared records with entries of ``own``
    for entry in entries:
        rows = _check_straight(entry, party)
        if rows is not None and rows[1] is not None and rules:
            # The row holds the first group only; the rules read every one. _check_straight built the row
            # from this object's perpetrators, so each is a dict with a name.
            names = rows[2]["extensions"][SARHAD_EXTENSION].get("perpetrators", ())
            records.append(Subject.of_row(rows[1], tuple(p["name"] for p in names)))
        if rows is None:
            checked = _check_entry(peer.name, entry)
            if checked.obj is not None:
                _refuse_claim(peer.name, entry.position, checked.envelope.ref, checked.obj, own)
                if checked.obj.get("type") in SHARED_TYPES and next(attributed(checked.obj, own), None):
                    shared.append((entry.position, checked.envelope.ref, checked.obj))
            general = _prepare(peer, [checked], bool(rules))
            objects += general.objects
            incidents += general.incidents
            records += general.received
        else:
            ref = f"{rows[0][0]}@{rows[0][1]}"
            _refuse_claim(peer.name, entry.position, ref, rows[2], own)
            if rows[0][2] in SHARED_TYPES and next(attributed(rows[2], own), None):
                shared.append((entry.position, ref, rows[2]))
            objects.append(rows[0])
            if rows[1] is not None:
                incidents.append(rows[1])
    if shared:
        mine = published([obj["id"] for _, _, obj in shared])
        for position, ref, obj in shared:
            refuse_rewritten(peer.name, position, ref, obj, own, mine.get(obj["id"], []))
    leaves = [(e.position, e.envelope, e.leaf) for e in entries]
    return _Prepared(leaves, objects, incidents, may_alert_subjects(rules, records))


def _check_straight(entry: _Entry, party: str) -> tuple[tuple[Any, ...], tuple[Any, ...] | None, dict[str, Any]] | None:
    """The ``objects`` row, for an incident the ``incidents`` row, and the parsed object, of a common entry;
    None for any other.

    The common entry, every one sarhad serves: an envelope in canonical form with plain strings, the body
    served as text, and for an incident the usual shape (:func:`incident_row_from_stix`). Its leaf and object
    hash are recomputed before anything in the object is read, as on the general way, but no envelope,
    checked entry or :class:`Incident` is built. None also when a check fails: the general way says which.
    """
    text = entry.body
    form = _CANONICAL_ENVELOPE.fullmatch(entry.envelope)
    if form is None or type(text) is not str:
        return None
    object_id, digest, stamp, tlp, version = form.groups()
    if not (object_id and stamp and tlp and version):
        return None
    try:
        if leaf_hash(entry.envelope.encode("utf-8")) != entry.leaf:
            return None
        data = text.encode("utf-8")
        if hashlib.sha256(data).hexdigest() != digest:
            return None
        obj = _loads(data)
        kind = obj.get("type") if type(obj) is dict else None
        if type(kind) is not str or obj.get("id") != object_id or obj.get("modified") != version:
            return None
        csha = _content_hash(obj, text, data)
    except (ValueError, InvalidInput, UnicodeEncodeError):
        return None
    if kind != "incident":
        return (object_id, version, kind, digest, csha, tlp, _licence(obj), entry.position, text), None, obj
    row = incident_row_from_stix(obj, party, csha)
    if row is None:
        return None
    return (object_id, version, kind, digest, csha, tlp, row[-2], entry.position, text), row, obj


def _licence(obj: dict[str, Any]) -> str:
    """The licence of an object that is not an incident: its sarhad extension's, else PARTY-OWN."""
    extensions = obj.get("extensions")
    ours = extensions.get(SARHAD_EXTENSION) if isinstance(extensions, dict) else None
    return str(ours.get("licence", "PARTY-OWN")) if isinstance(ours, dict) else "PARTY-OWN"


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
) -> int:
    """Write a prepared chunk inside the caller's transaction: leaves, objects (``added`` = ``stamp``),
    incident rows, framework views and alerts; the summaries' changes are added to ``deltas`` (the caller
    writes them once at the end). Returns how many objects were stored.

    ``touched`` gets the ids of the withheld versions recorded and, when ``refused_before`` (the node held
    withheld versions before this sync), of the objects written of which a withheld version is known: the
    objects whose rows a later withheld version may supersede.

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
    node.db.executemany(
        "INSERT INTO objects (id, modified, type, sha256, content_sha256, tlp, licence, origin, added, seq,"
        " log_index, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id, modified) DO NOTHING",
        rows,
    )
    if len(rows) < len(prepared.leaves):
        # The versions whose bodies the peer withheld: what their envelopes say (checked in step 3) is kept, so
        # that a copy held of an earlier version is no longer taken for the current one (drop_superseded at the
        # end of the sync, and the read rule).
        held = {row[10] for row in rows}
        refused = [_envelope(envelope) for idx, envelope, _ in prepared.leaves if idx not in held]
        withheld.record_withheld(node.db, refused, party)
        touched.update(e.object_id for e in refused)
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
    for row in rows:
        index_stored(node.db, row[0], row[1])
    evaluate(node.db, received, origin=peer.party)
    return len(rows)


def _prepared_chunks(
    http: _PeerHTTP,
    own: str,
    published: OwnVersions,
    start: int,
    end: int,
    rules: Sequence[Rule],
    size: int,
    piece: int,
) -> Generator[_Prepared]:
    """Fetch entries ``start..end-1`` in requests of ``size``; check (step 3, for a node of party ``own`` whose
    own versions of shared records ``published`` looks up) and prepare them in pieces of at most ``piece``, each
    yielded as soon as it is ready (a writer in another process starts sooner and finishes sooner after the last
    piece). In this process.
    """
    with closing(_entry_chunks(http, start, end, size, piece)) as chunks:
        for chunk in chunks:
            for at in range(0, len(chunk), piece):
                yield _check_piece(http.peer, chunk[at : at + piece], rules, own, published)


def run_checker(source: IO[bytes], sink: IO[bytes]) -> None:
    """The checking process's side (``python -m sarhad.exchange.checker``): read the job from ``source``,
    then fetch, check and prepare its chunks and write each to ``sink`` as soon as it is ready.

    The job is a pickled ``(peer, this node's party, its database URL, start, end, alert rules, chunk size, piece
    size)``. The database is opened only when a piece holds a shared record with an entry of this node's party,
    to read this node's own versions of it (committed before the sync began: the writer's uncommitted rows are
    the peer's). Each message is length-prefixed (:func:`_encode`): ``("chunk", prepared)``, then
    ``("done", None)``, or ``("error", exception)`` after which nothing more is sent.
    """
    gc.disable()  # for the life of this process: the same reason as in the writer (see paused_collector)
    peer, own, url, start, end, rules, size, piece = pickle.loads(source.read())
    opened: list[Database] = []

    def published(ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        if not opened:
            opened.append(open_database(url))
        return own_versions(opened[0], own, ids)

    def send(message: tuple[str, Any]) -> None:
        data = _encode(message)
        sink.write(_FRAME.pack(len(data)))
        sink.write(data)
        sink.flush()

    http = _PeerHTTP(peer)
    try:
        for prepared in _prepared_chunks(http, own, published, start, end, rules, size, piece):
            send(("chunk", prepared))
        send(("done", None))
    except (BrokenPipeError, ConnectionResetError):  # the writer gave up (a failure or Ctrl-C): just stop
        pass
    except BaseException as exc:  # every failure goes back to the writer, which reports it
        if not isinstance(exc, SarhadError):
            exc = ExchangeError(f"peer {peer.name}: checking its entries failed: {exc!r}")
        with suppress(OSError, pickle.PicklingError):
            send(("error", exc))
    finally:
        http.close()
        for db in opened:
            db.close()


def _encode(message: tuple[str, Any]) -> bytes:
    """A message from the checking process: a prepared chunk of plain rows and subjects (as plain tuples) with
    ``marshal`` (about 40 % cheaper than pickle for these tuples of strings and numbers; both processes run the
    same interpreter), anything else (the end, an error) with pickle. The first byte says which."""
    kind, value = message
    if kind == "chunk":
        received = [tuple(s) for s in value.received]
        return b"m" + marshal.dumps((value.leaves, value.objects, value.incidents, received))
    return b"p" + pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)


def _decode(data: bytes) -> tuple[str, Any]:
    """The message :func:`_encode` made."""
    if data[:1] == b"m":
        leaves, objects, incidents, received = marshal.loads(memoryview(data)[1:])
        return "chunk", _Prepared(leaves, objects, incidents, [Subject._make(s) for s in received])
    message: tuple[str, Any] = pickle.loads(memoryview(data)[1:])
    return message


def _read_frame(stream: IO[bytes]) -> bytes | None:
    head = stream.read(_FRAME.size)
    if len(head) < _FRAME.size:
        return None
    (size,) = _FRAME.unpack(head)
    data = stream.read(size)
    return data if len(data) == size else None


def _checked_elsewhere(
    http: _PeerHTTP,
    own: str,
    published: OwnVersions,
    url: str,
    start: int,
    end: int,
    rules: Sequence[Rule],
    size: int,
    piece: int,
) -> Generator[_Prepared]:
    """:func:`_prepared_chunks` in a second process (:func:`run_checker`), so that fetching and checking the
    next chunk overlaps with writing this one. The process is stopped when the generator is closed, whatever
    happened. It is a fresh interpreter running this package, so it shares nothing with this one but the pipe.

    While it starts (a fraction of a second), this process fetches and checks the first :data:`LEAD` entries
    itself, and the checking process begins after them.
    """
    peer = http.peer
    lead = min(LEAD, end - start)
    process = subprocess.Popen(
        [sys.executable, "-m", _CHECKER_MODULE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=child_environment(),
    )
    assert process.stdin is not None and process.stdout is not None
    widen_pipe(process.stdout.fileno())
    frames: queue.Queue[bytes | None] = queue.Queue(maxsize=FRAMES_AHEAD)
    stop = threading.Event()
    stdout = process.stdout
    receiver = threading.Thread(
        target=relay,
        args=(lambda: _frame_or_none(stdout), frames, stop, lambda frame: frame is not None),
        name="sarhad-sync-receiver",
        daemon=True,
    )
    try:
        with process.stdin:
            process.stdin.write(pickle.dumps((peer, own, url, start + lead, end, rules, size, piece)))
        receiver.start()
        yield from _prepared_chunks(http, own, published, start, start + lead, rules, size, piece)
        while True:
            frame = take(frames, receiver, None)
            if frame is None:
                raise ExchangeError(
                    f"peer {peer.name}: the process checking its entries stopped unexpectedly"
                    f" (exit code {process.wait(5)})"
                )
            kind, value = _decode(frame)
            if kind == "chunk":
                yield value
            elif kind == "done":
                return
            else:
                raise value
    finally:
        stop.set()
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if receiver.is_alive():
            receiver.join()  # the pipe is at its end now that the process has gone
        process.stdout.close()


def _frame_or_none(stream: IO[bytes]) -> bytes | None:
    """The next message of the checking process; None once it has gone (or the pipe was closed under us)."""
    try:
        return _read_frame(stream)
    except (OSError, ValueError):
        return None


def _use_checker(mode: str, new_entries: int) -> bool:
    # "auto" needs an interpreter to start (an embedded Python may have no executable) and a second CPU
    if mode != "auto":
        return mode == "process"
    return new_entries >= CHECKER_MIN and bool(sys.executable) and (os.cpu_count() or 1) > 1
