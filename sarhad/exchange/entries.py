"""Step 3 of a sync (:mod:`sarhad.exchange.sync`): fetch a peer's new entries, check them, prepare their rows.

Entries come chunk by chunk (:func:`_entry_chunks`, the next chunk fetched while one is checked). Each entry's
leaf is recomputed from its envelope and the envelope's hash from its object (the bytes served, or their
canonical JSON when the peer sends parsed objects), and the object's id and version are checked against its
envelope. Any mismatch fails the sync: the log itself is wrong. An object that is correctly logged but names
this node's party as its author (:func:`_claim_refusal`), a peer's version of a shared record that rewrites an
entry of this node's party, a field fixed at its creation or its state without the history entry that records
who changed it (:mod:`sarhad.exchange.authorship`), an incident that is no valid incident record
(:func:`_prepare`), or any other object this node cannot apply (no type, a content hash that cannot be
computed, a string no database takes, a framework record without the fields of its view row: :func:`_unusable`),
is refused instead: its leaf goes with the rest, its object is kept apart
(:mod:`sarhad.exchange.refused`) and not applied. A checked piece is prepared (:class:`_Prepared`): its rows,
computed without the database, so that all of it can run in a second process (:mod:`sarhad.exchange.checking`)
while the sync writes the piece before.

The common entry (every one sarhad serves) goes a straight way that builds no envelope or :class:`Incident`
(:func:`_check_straight`); any other, and any that fails a check, goes the general way (:func:`_check_entry`,
then :func:`_prepare`), which stores the same rows or says which check failed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import json.encoder
import re
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from typing import Any, Final, NamedTuple

import orjson

from sarhad.canonical import canonical_text
from sarhad.errors import ExchangeError, InvalidInput, SarhadError, VerificationError
from sarhad.exchange.authorship import SHARED_TYPES, OwnVersions, field_refusal, rewrite_refusal, state_refusal
from sarhad.exchange.peer_http import _PeerHTTP
from sarhad.exchange.peers import Peer
from sarhad.exchange.refused import RefusedRow
from sarhad.framework.model import KIND_OF_TYPE, TYPES
from sarhad.framework.store import row_problem
from sarhad.log.envelope import Envelope
from sarhad.log.merkle import leaf_hash
from sarhad.model.incident import (
    CREATED_PLACEHOLDER,
    MODIFIED_PLACEHOLDER,
    SARHAD_EXTENSION,
    Incident,
    content_hash,
)
from sarhad.monitor.evaluate import Subject, may_alert_subjects
from sarhad.monitor.rules import Rule
from sarhad.store.incidents import INCIDENT_COLUMNS, incident_row, incident_row_from_stix

__all__ = ["CHUNK"]

CHUNK: Final = 10_000
# json's C string encoder (ensure_ascii=False) writes a string as RFC 8785 §3.2.2.2 does.
_string: Final[Callable[[str], str]] = json.encoder.encode_basestring


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
    is a JSON object's members on their own, i.e. the top level: putting the two timestamps' stand-ins in place
    of their values needs no serialisation. Anything else goes to :func:`_content_hash_general`. ``data``, when
    given, is ``text`` in UTF-8: for ASCII text (the same offsets) the parts between are hashed from it without
    copying them.
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
                return hashlib.sha256((_HEAD + text[len(head) : cut] + _MARK + rest).encode("utf-8")).hexdigest()
            view = memoryview(data)
            digest = hashlib.sha256(_HEAD_BYTES)
            digest.update(view[len(head) : cut])
            digest.update(_MARK_BYTES)
            digest.update(view[after:])
            return digest.hexdigest()
    return _content_hash_general(obj, text)


# Where an incidents row holds the record's licence, which its objects row repeats (by name: the row grows).
_LICENCE: Final = INCIDENT_COLUMNS.index("licence")

# The canonical text's first member and its "modified" member as content_hash writes them (the timestamps'
# stand-ins), put in place of the object's own two.
_HEAD: Final = '{"created":' + _string(CREATED_PLACEHOLDER) + ","
_MARK: Final = ',"modified":' + _string(MODIFIED_PLACEHOLDER)
_HEAD_BYTES: Final = _HEAD.encode("utf-8")
_MARK_BYTES: Final = _MARK.encode("utf-8")


def _is_object(text: str) -> bool:
    try:
        return type(orjson.loads(text)) is dict
    except orjson.JSONDecodeError:
        return False


def _content_hash_general(obj: dict[str, Any], text: str | None) -> str:
    """:func:`sarhad.model.incident.content_hash` of ``obj``, cut out of ``text``, its canonical JSON.

    The hash is over the canonical JSON with the top-level ``created`` and ``modified`` members' values replaced
    by their stand-ins. Canonical JSON sorts the members by key, so instead of serialising the object again the
    two members are replaced in the text served, after checking that the members around them (re-serialised: the
    few small ones before ``created`` and after ``modified``) sit exactly where canonical JSON puts them.
    Anything unexpected falls back to serialising the object. (A peer whose log committed to a body that is not
    canonical gets the hash of that body with its two timestamps' stand-ins.)
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
    members = [
        *before,
        f'"created":{_string(CREATED_PLACEHOLDER)}',
        *([between[:-1]] if between else []),
        f'"modified":{_string(MODIFIED_PLACEHOLDER)}',
        *after,
    ]
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
    return _Checked(entry, env, text, obj)


def _unusable(obj: dict[str, Any], text: str) -> str | None:
    """Why this node cannot apply a peer's correctly logged object ``obj`` (served as ``text``): it has no type
    or an id of another type, a string in it holds a character no database column takes, or it is a framework
    record whose view row cannot be written (:func:`sarhad.framework.store.row_problem`); None when it can be
    applied.

    Such an object proves only that the peer published it, as a refused claim does: it is refused, not a
    failure of the sync (a failure would stop every later sync at the same entry, since logs are append-only).
    A type this node does not know is no reason: the object is kept, in no view, as a newer node may write it.
    """
    kind = obj.get("type")
    if type(kind) is not str or not kind:
        return "the object has no type"
    if not str(obj.get("id")).startswith(kind + "--"):
        # STIX 2.1 §2.9: an id is its type, "--" and a UUID. Another type under an id would replace that
        # record's current version here with an object that no check of that record's type has seen.
        return f"its id {obj.get('id')!r} is not one of a {kind!r} object (STIX ids are '{kind}--' and a UUID)"
    # A NUL or a lone surrogate reaches a parsed string only through a \u escape (the text is UTF-8).
    if "\\u" in text:
        where = _unstorable(obj, "$")
        if where is not None:
            return where
    return row_problem(obj) if kind in KIND_OF_TYPE else None


def _unstorable(value: Any, path: str) -> str | None:
    """Where ``value`` (at ``path``) holds a string PostgreSQL cannot store (a NUL) or no database can (a lone
    surrogate, which is no UTF-8), and which; None when nowhere."""
    if type(value) is str:
        if "\x00" in value:
            return f"{path} holds a NUL character, which this node's database cannot store"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"{path} holds a lone surrogate ({value!a}), which is no UTF-8 text"
        return None
    if type(value) is dict:
        for key, item in value.items():
            where = _unstorable(key, f"{path} (a key)") or _unstorable(item, f"{path}.{key}")
            if where is not None:
                return where
    elif type(value) is list:
        for i, item in enumerate(value):
            where = _unstorable(item, f"{path}[{i}]")
            if where is not None:
                return where
    return None


class _Prepared(NamedTuple):
    """A checked chunk made ready to write: everything that needs no database, computed before any write.

    ``objects`` rows lack the node's ``added`` stamp and ``seq`` (the writer assigns them); ``received`` holds
    what the alert rules read (:class:`sarhad.monitor.evaluate.Subject`) of the incidents they may alert on
    (:func:`sarhad.monitor.evaluate.may_alert_subjects`: their conditions on the record alone hold), to be
    evaluated in the writer's transaction. ``refused`` holds the entries whose object was refused (their leaves
    are among ``leaves``; nothing else of them is anywhere): :data:`sarhad.exchange.refused.RefusedRow`.
    """

    leaves: list[tuple[int, str, bytes]]
    objects: list[tuple[Any, ...]]
    incidents: list[tuple[Any, ...]]
    received: list[Subject]
    refused: list[RefusedRow]


def _prepare(peer: Peer, checked: list[_Checked], keep_incidents: bool) -> _Prepared:
    """Content hashes, incident records and rows of a checked chunk (``received``: the subject of every incident
    record, when ``keep_incidents``). An object that is correctly logged but whose content hash cannot be
    computed (canonical JSON cannot hold a number in it), or an incident that is no valid incident record, is
    refused (``refused``: its hash is right, so the peer's log is)."""
    party = peer.party
    objects: list[tuple[Any, ...]] = []
    incidents: list[tuple[Any, ...]] = []
    received: list[Subject] = []
    refused: list[RefusedRow] = []
    for c in checked:
        obj, env = c.obj, c.envelope
        if obj is None:
            continue
        try:
            csha = _content_hash(obj, c.text)
        except (InvalidInput, UnicodeEncodeError) as exc:
            reason = f"its content hash cannot be computed: {exc}"
            refused.append((c.entry.position, env.object_id, env.version, env.sha256, reason, str(c.text)))
            continue
        if obj["type"] == "incident":
            try:
                inc = Incident.from_stix(obj)
            except SarhadError as exc:
                reason = f"the object is not a valid incident record: {exc}"
                refused.append((c.entry.position, env.object_id, env.version, env.sha256, reason, str(c.text)))
                continue
            licence = inc.licence
            if keep_incidents:
                received.append(Subject.of(inc))
            incidents.append(incident_row(inc, obj["created"], obj["modified"], party, csha))
        else:
            licence = _licence(obj)
        objects.append((env.object_id, env.version, obj["type"], env.sha256, csha, env.tlp, licence,
                        c.entry.position, c.text))  # fmt: skip
    leaves = [(c.entry.position, c.entry.envelope, c.entry.leaf) for c in checked]
    return _Prepared(leaves, objects, incidents, received, refused)


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


def _claim_refusal(obj: dict[str, Any], own: str) -> str | None:
    """Why step 3 refuses a peer's object that names this node's party ``own`` as its author
    (:func:`_claimed_field`): the field and its value; None when it does not."""
    claim = _claimed_field(obj, own)
    if claim is None:
        return None
    field, value = claim
    return f"{field} is {value!r}, this node's party: a peer cannot publish a record as {own}'s"


def _check_piece(
    peer: Peer, entries: list[_Entry], rules: Sequence[Rule], own: str, published: OwnVersions
) -> _Prepared:
    """Check (step 3) and prepare a piece of entries: :func:`_check_entry` then :func:`_prepare`, fused.

    The common entry goes the straight way (:func:`_check_straight`); any other entry, and any entry that
    fails a check, goes the general way, which stores the same rows or raises the error naming the entry.
    With alert ``rules``, what they read of each incident (its :class:`sarhad.monitor.evaluate.Subject`: on the
    straight way from its row and the group names of its object, without an :class:`Incident`) is kept, and
    the subjects some rule may alert on (:func:`sarhad.monitor.evaluate.may_alert_subjects`) go with the
    piece, to be evaluated by the writer. An object that names ``own``, this node's party, as its author
    (:func:`_claim_refusal`), and a version of a shared record with an entry attributed to ``own`` that none of
    this node's own versions holds (:func:`sarhad.exchange.authorship.rewrite_refusal`), a field fixed at creation
    that differs from this node's own versions (:func:`~sarhad.exchange.authorship.field_refusal`) or a state its
    own history does not arrive at (:func:`~sarhad.exchange.authorship.state_refusal`), is refused: its leaf
    stays in the piece, the object only in ``refused``. Those own versions are looked up once for the piece
    (``published``), for the shared records in it.
    """
    party = peer.party
    objects: list[tuple[Any, ...]] = []
    incidents: list[tuple[Any, ...]] = []
    records: list[Subject] = []
    refused: list[RefusedRow] = []
    shared: list[tuple[_Entry, str, dict[str, Any], str]] = []  # versions of shared records
    for entry in entries:
        rows = _check_straight(entry, party)
        if rows is None:
            checked = _check_entry(peer.name, entry)
            env = checked.envelope
            if checked.obj is not None and checked.text is not None:
                reason = _unusable(checked.obj, checked.text) or _claim_refusal(checked.obj, own)
                if reason is not None:
                    refused.append((entry.position, env.object_id, env.version, env.sha256, reason, checked.text))
                    continue
                if checked.obj.get("type") in SHARED_TYPES:
                    shared.append((entry, env.sha256, checked.obj, checked.text))
            general = _prepare(peer, [checked], bool(rules))
            objects += general.objects
            incidents += general.incidents
            records += general.received
            refused += general.refused
            continue
        row, incident, obj = rows
        text = str(entry.body)  # the straight way takes only bodies served as text
        reason = _claim_refusal(obj, own) or _unusable(obj, text)
        if reason is not None:
            refused.append((entry.position, str(row[0]), str(row[1]), str(row[3]), reason, text))
            continue
        if row[2] in SHARED_TYPES:
            shared.append((entry, str(row[3]), obj, text))
        objects.append(row)
        if incident is not None:
            incidents.append(incident)
            if rules:
                # The row holds the first group only; the rules read every one. _check_straight built the row
                # from this object's perpetrators, so each is a dict with a name.
                names = obj["extensions"][SARHAD_EXTENSION].get("perpetrators", ())
                records.append(Subject.of_row(incident, tuple(p["name"] for p in names)))
    if shared:
        mine = published([obj["id"] for _, _, obj, _ in shared])
        rewritten: set[int] = set()
        for entry, sha, obj, text in shared:
            ours = mine.get(obj["id"], [])
            reason = rewrite_refusal(obj, own, ours) or field_refusal(obj, own, ours) or state_refusal(obj)
            if reason is not None:
                refused.append((entry.position, obj["id"], obj["modified"], sha, reason, text))
                rewritten.add(entry.position)
        if rewritten:  # a shared record is no incident: its objects row is all there is of it
            objects = [o for o in objects if o[7] not in rewritten]
            refused.sort()
    leaves = [(e.position, e.envelope, e.leaf) for e in entries]
    return _Prepared(leaves, objects, incidents, may_alert_subjects(rules, records), refused)


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
    return (object_id, version, kind, digest, csha, tlp, row[_LICENCE], entry.position, text), row, obj


def _licence(obj: dict[str, Any]) -> str:
    """The licence of an object that is not an incident: its sarhad extension's, else PARTY-OWN."""
    extensions = obj.get("extensions")
    ours = extensions.get(SARHAD_EXTENSION) if isinstance(extensions, dict) else None
    return str(ours.get("licence", "PARTY-OWN")) if isinstance(ours, dict) else "PARTY-OWN"


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
