"""Audit a node's log from its database: ``sarhad log verify``.

Nothing stored is trusted. The verifier

1. reads every leaf in order and checks that the indexes run 0, 1, 2, … without gaps, that each envelope is
   canonical JSON whose leaf hash is the stored one, and that it matches its object row: same id and
   version, the object's body hashes to the envelope's SHA-256, same TLP, and the row's ``log_index`` points
   back at the leaf;
2. checks that every object the node published itself (``origin`` = its party) is some leaf, and that every
   stored source row (``raw_rows``, the verbatim GTD/ACLED/UCDP row of an imported incident, its values under
   a header in ``raw_headers``) hashes, in its canonical form, to the ``raw_sha256`` that the latest logged
   version of the incident carrying one commits to;
3. rebuilds the tree from the recomputed leaf hashes and compares every stored node with it;
4. checks every stored checkpoint: the signature (by one of ``verifiers``), the origin, the root against
   the rebuilt tree, consistency with the previous checkpoint, and that the latest covers every leaf;
5. checks that every stored cosignature is a well-formed line on a stored checkpoint, and verifies those by
   the ``witnesses`` given (``sarhad log verify`` gives the keys of the peers it knows, each a witness of this
   node's log, and ``--witness`` keys); the others are counted as stored but not checked. With ``party``,
   none may have been deleted: the audit trail (carried into the log) counts those ``POST /log/cosignatures``
   stored, and at least that many must be.

The first problem raises :class:`VerificationError` naming the entry, e.g.
``leaf 17 (incident--…@2026-…): object body hash does not match the envelope``. The work is linear in the
size of the log (one pass over the leaves with their objects, one over the source rows, one over the nodes,
one over the checkpoints); ``progress(step, done, total)``, if given, is called every few thousand rows.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from sarhad.canonical import canonical_text
from sarhad.errors import InvalidInput, VerificationError
from sarhad.log import merkle
from sarhad.log.checkpoint import open_checkpoint
from sarhad.log.cosignature import CosignatureVerifier
from sarhad.log.envelope import Envelope
from sarhad.log.note import Verifier, parse_note
from sarhad.store.db import Database
from sarhad.store.raw_rows import decode_row, parse_columns

__all__ = ["Progress", "VerifyReport", "verify_log"]

Progress = Callable[[str, int, int], None]
"""``progress(step, done, total)``: ``step`` names the pass ("leaves", "raw rows", "nodes", "checkpoints")."""

_EVERY = 5000  # rows between progress calls
_RAW_KEY = '"raw_sha256":"'  # in canonical JSON this text can only be a key (quotes in strings are escaped)


@dataclass
class VerifyReport:
    """What a successful verification covered."""

    size: int = 0
    root: bytes = merkle.EMPTY_ROOT
    checkpoints: int = 0
    nodes: int = 0
    objects: int = 0
    raw_rows: int = 0
    cosignatures: int = 0
    """Stored cosignatures verified with a witness key given."""
    cosignatures_stored: int = 0
    """Every stored cosignature: the verified ones and those by a key not given, not checked."""
    latest_note: str | None = None
    witnesses: dict[str, int] = field(default_factory=dict)
    known: dict[str, int] = field(default_factory=dict)
    """The checkpoints kept elsewhere that the log contains: where each came from, and its size."""

    def summary(self) -> str:
        lines = [
            f"leaves: {self.size} (every envelope matches its object)",
            f"root: {base64.b64encode(self.root).decode()} (hex {self.root.hex()})",
            f"nodes: {self.nodes} stored subtree hashes match the leaves",
            f"checkpoints: {self.checkpoints} signed, mutually consistent; the latest covers every leaf",
        ]
        if self.known:
            sizes = ", ".join(f"{name}: size {size}" for name, size in self.known.items())
            lines.append(f"saved checkpoints: {len(self.known)} contained in the log ({sizes})")
        if self.raw_rows:
            lines.append(f"source rows: {self.raw_rows} match the raw_sha256 their incidents commit to")
        if self.cosignatures:
            by = ", ".join(f"{count} by {name}" for name, count in sorted(self.witnesses.items()))
            lines.append(f"cosignatures: {self.cosignatures} verified ({by})")
        if unchecked := self.cosignatures_not_checked:
            which = f"{unchecked} " if self.cosignatures else ""  # all of them when none was verified
            hint = "give --witness KEY to check them"
            lines.append(f"stored cosignatures: {self.cosignatures_stored} ({which}not checked: {hint})")
        return "\n".join(lines)

    @property
    def cosignatures_not_checked(self) -> int:
        """Stored cosignatures by a key not given: their lines are well formed, their signatures not checked."""
        return self.cosignatures_stored - self.cosignatures


def _fail(message: str) -> VerificationError:
    return VerificationError(message)


def _has_column(db: Database, table: str, column: str) -> bool:
    if db.dialect == "sqlite":
        return any(row[1] == column for row in db.fetchall(f"PRAGMA table_info({table})"))
    return (
        db.fetchone(
            "SELECT 1 FROM information_schema.columns WHERE table_name = ? AND column_name = ?"
            " AND table_schema = current_schema()",
            (table, column),
        )
        is not None
    )


def verify_log(
    db: Database,
    verifiers: Iterable[Verifier],
    *,
    origin: str | None = None,
    party: str | None = None,
    witnesses: Sequence[CosignatureVerifier] = (),
    known: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> VerifyReport:
    """Recompute the whole log from the stored objects and check every checkpoint (see the module doc).

    ``verifiers`` are the log's keys; ``origin``, if given, is required of every checkpoint; ``party``, if
    given, selects the objects that must all be logged (``objects.origin = party``); ``known`` maps where each
    came from (a file name, which the messages use) to a signed checkpoint obtained earlier (from a witness, a
    peer or an auditor's notes): each must match the rebuilt tree, which catches a log rolled back to an
    earlier state. ``progress`` is told how far each pass has
    got. Raises VerificationError naming the first bad entry.
    """
    keys = list(verifiers)
    if not keys:
        raise InvalidInput("verify_log needs the log's verifier key")
    # One transaction: a consistent snapshot (a batch committed half-way through would look like tampering).
    if db.in_transaction:
        return _verify(db, keys, origin, party, witnesses, known or {}, progress or _quiet)
    with db.snapshot():
        return _verify(db, keys, origin, party, witnesses, known or {}, progress or _quiet)


def _quiet(step: str, done: int, total: int) -> None:
    """The default progress callback: silence."""


def _count(db: Database, sql: str) -> int:
    row = db.fetchone(sql)
    return int(row[0]) if row and row[0] is not None else 0


def _verify(
    db: Database,
    keys: list[Verifier],
    origin: str | None,
    party: str | None,
    witnesses: Sequence[CosignatureVerifier],
    known: Mapping[str, str],
    progress: Progress,
) -> VerifyReport:
    report = VerifyReport()
    tree = merkle.MemoryTree()
    has_origin = _has_column(db, "objects", "origin")
    # The raw_sha256 of the latest logged version of each incident that carries one (a later version edited
    # through the API or received in a bundle may carry none; the source row then stays that version's).
    raw_commitments: dict[str, str] = {}
    total = _count(db, "SELECT COUNT(*) FROM log_leaves")
    progress("leaves", 0, total)

    # 1. Leaves, in order, against their objects.
    expected = 0
    rows = db.iterate(
        "SELECT l.idx, l.object_id, l.version, l.envelope, l.leaf_hash, o.body, o.sha256, o.tlp, o.log_index"
        + (", o.origin" if has_origin else ", NULL")
        + " FROM log_leaves l LEFT JOIN objects o ON o.id = l.object_id AND o.modified = l.version"
        " ORDER BY l.idx"
    )
    sha = hashlib.sha256
    for idx, object_id, version, text, stored_hash, body, obj_sha, obj_tlp, log_index, obj_origin in rows:
        idx = int(idx)
        if idx != expected:
            if idx > expected:
                raise _fail(f"leaf {expected} is missing (the next stored leaf is {idx})")
            raise _fail(f"leaf {idx} is out of order (expected leaf {expected})")
        label = f"leaf {idx} ({object_id}@{version})"
        try:
            envelope = Envelope.from_canonical(str(text))
        except InvalidInput as exc:
            raise _fail(f"{label}: the envelope is malformed: {exc}") from None
        if (envelope.object_id, envelope.version) != (object_id, version):
            raise _fail(f"{label}: the leaf's columns do not match its envelope ({envelope.ref})")
        computed = merkle.leaf_hash(str(text).encode("utf-8"))
        if bytes(stored_hash) != computed:
            raise _fail(f"{label}: the stored leaf hash does not match the envelope")
        if body is None:
            raise _fail(f"{label}: the logged object is missing from the store")
        if sha(str(body).encode("utf-8")).hexdigest() != envelope.sha256:
            raise _fail(f"{label}: object body hash does not match the envelope")
        if obj_sha != envelope.sha256:
            raise _fail(f"{label}: the object row's sha256 does not match the envelope")
        if obj_tlp != envelope.tlp:
            raise _fail(f"{label}: the object's TLP {obj_tlp!r} does not match the envelope's {envelope.tlp!r}")
        if log_index is None or int(log_index) != idx:
            raise _fail(f"{label}: the object row points at log index {log_index}, not {idx}")
        if party is not None and has_origin and obj_origin != party:
            raise _fail(f"{label}: the object's origin is {obj_origin!r}, not this node's party {party!r}")
        if object_id.startswith("incident--"):
            raw_sha = _raw_sha256(str(body))
            if raw_sha is not None:
                raw_commitments[object_id] = raw_sha
        tree.append_hash(computed)
        expected += 1
        if not expected % _EVERY:
            progress("leaves", expected, total)
    size = expected
    report.size = size
    progress("leaves", size, total)

    # 2. Objects the node published that no leaf covers.
    if party is not None and has_origin:
        row = db.fetchone(
            "SELECT o.id, o.modified, o.log_index FROM objects o LEFT JOIN log_leaves l"
            " ON l.idx = o.log_index AND l.object_id = o.id AND l.version = o.modified"
            " WHERE o.origin = ? AND l.idx IS NULL ORDER BY o.log_index, o.id LIMIT 1",
            (party,),
        )
        if row is not None:
            raise _fail(f"object {row[0]}@{row[1]} (log index {row[2]}) is not in the log")
        count = db.fetchone("SELECT COUNT(*) FROM objects WHERE origin = ?", (party,))
        report.objects = int(count[0]) if count else 0

    # 2b. Source rows, against the raw_sha256 their incident's logged versions commit to.
    if _has_table(db, "raw_rows"):
        report.raw_rows = _verify_raw_rows(db, raw_commitments, progress)
    del raw_commitments

    # 3. Stored subtree hashes against the rebuilt tree: exactly the complete nodes above the leaves.
    def expected_nodes() -> Iterator[tuple[int, int]]:
        level = 1
        while size >> level:
            for i in range(size >> level):
                yield (level, i)
            level += 1

    wanted = expected_nodes()
    node_total = size - size.bit_count()  # complete nodes above the leaves of a tree of this size
    progress("nodes", 0, node_total)
    for level, idx, h in db.iterate("SELECT level, idx, hash FROM log_nodes ORDER BY level, idx"):
        stored = (int(level), int(idx))
        want = next(wanted, None)
        if want is None or stored < want:
            raise _fail(f"node (level {stored[0]}, index {stored[1]}) does not belong to a tree of {size} leaves")
        if stored > want:
            raise _fail(f"node (level {want[0]}, index {want[1]}) is missing")
        lo, hi = stored[1] << stored[0], ((stored[1] + 1) << stored[0]) - 1
        if bytes(h) != tree.subtree(*stored):
            raise _fail(f"node (level {stored[0]}, index {stored[1]}) over leaves {lo}..{hi} does not match the leaves")
        report.nodes += 1
        if not report.nodes % _EVERY:
            progress("nodes", report.nodes, node_total)
    progress("nodes", report.nodes, node_total)
    want = next(wanted, None)
    if want is not None:
        raise _fail(f"node (level {want[0]}, index {want[1]}) is missing")

    # 4. Checkpoints: signature, root, mutual consistency, coverage.
    previous: tuple[int, bytes] | None = None
    last_created = ""
    checkpoint_total = _count(db, "SELECT COUNT(*) FROM log_checkpoints")
    progress("checkpoints", 0, checkpoint_total)
    for cp_size, cp_root, note, created in db.iterate(
        "SELECT size, root, note, created FROM log_checkpoints ORDER BY size"
    ):
        cp_size = int(cp_size)
        label = f"checkpoint {cp_size}"
        try:
            checkpoint, _opened = open_checkpoint(str(note), keys, origin)
        except (InvalidInput, VerificationError) as exc:
            raise _fail(f"{label}: {exc}") from None
        if checkpoint.size != cp_size or checkpoint.root != bytes(cp_root):
            raise _fail(f"{label}: the stored size or root does not match the signed note")
        if cp_size > size:
            raise _fail(f"{label}: signed for {cp_size} leaves but the log holds {size}")
        if checkpoint.root != tree.root(cp_size):
            raise _fail(f"{label}: the signed root does not match the root recomputed from the leaves")
        if str(created) < last_created:
            raise _fail(f"{label}: created {created}, before the previous checkpoint ({last_created})")
        last_created = str(created)
        if previous is not None:
            old_size, old_root = previous
            try:
                merkle.verify_consistency(
                    old_size, cp_size, tree.consistency_proof(old_size, cp_size), old_root, checkpoint.root
                )
            except VerificationError as exc:
                raise _fail(f"{label}: not consistent with checkpoint {old_size}: {exc}") from None
        previous = (cp_size, checkpoint.root)
        report.checkpoints += 1
        report.latest_note = str(note)
        if not report.checkpoints % 500:
            progress("checkpoints", report.checkpoints, checkpoint_total)
    progress("checkpoints", report.checkpoints, checkpoint_total)
    latest = previous[0] if previous else None
    if latest is None:
        if size:
            raise _fail(f"leaves 0..{size - 1} are not covered by any signed checkpoint")
    elif latest != size:
        raise _fail(f"leaf {latest} onwards ({size - latest} leaves) is not covered by a signed checkpoint")
    head = db.fetchone("SELECT size FROM log_head WHERE id = 1")
    want_head = -1 if latest is None else latest
    if head is None or int(head[0]) != want_head:
        raise _fail(f"log_head says {None if head is None else head[0]}, but the latest checkpoint is {want_head}")
    report.root = tree.root()

    # 4b. Checkpoints kept elsewhere: the log must still contain the trees they sign.
    for name, note in known.items():
        try:
            checkpoint, _opened = open_checkpoint(note, keys, origin)
        except (InvalidInput, VerificationError) as exc:
            raise _fail(f"saved checkpoint {name}: {exc}") from None
        if checkpoint.size > size:
            raise _fail(
                f"saved checkpoint {name} is signed for {checkpoint.size} leaves but the log holds {size}:"
                " the log was truncated or rolled back"
            )
        ours = tree.root(checkpoint.size)
        if checkpoint.root != ours:
            signed, held = (base64.b64encode(h).decode() for h in (checkpoint.root, ours))
            raise _fail(
                f"saved checkpoint {name} signs root {signed} for the tree of {checkpoint.size}, but the log's tree"
                f" of {checkpoint.size} has root {held}: the log was rewritten after the checkpoint was saved (a fork)"
            )
        report.known[name] = checkpoint.size

    # 5. Cosignatures.
    witness_keys = {(w.name, w.key_id): w for w in witnesses}
    for cs_size, name, key_id, timestamp, line in db.fetchall(
        "SELECT c.size, c.name, c.key_id, c.timestamp, c.line FROM log_cosignatures c ORDER BY c.size, c.name"
    ):
        label = f"cosignature by {name} on checkpoint {cs_size}"
        note_row = db.fetchone("SELECT note FROM log_checkpoints WHERE size = ?", (cs_size,))
        if note_row is None:
            raise _fail(f"{label}: there is no such checkpoint")
        text = parse_note(str(note_row[0])).text
        try:
            sig = parse_note(text + "\n" + str(line)).signatures[0]
        except InvalidInput as exc:
            raise _fail(f"{label}: malformed: {exc}") from None
        if (sig.name, sig.key_id) != (name, int(key_id)) or int.from_bytes(sig.signature[:8], "big") != int(timestamp):
            raise _fail(f"{label}: the stored columns do not match the signature line")
        report.cosignatures_stored += 1
        witness = witness_keys.get((sig.name, sig.key_id))
        if witness is None:
            continue
        if not witness.verify(text.encode("utf-8"), sig.signature):
            raise _fail(f"{label}: the cosignature does not verify")
        report.cosignatures += 1
        report.witnesses[name] = report.witnesses.get(name, 0) + 1
    if party is not None:
        _check_cosignatures_kept(db, party, report.cosignatures_stored)
    return report


# sarhad.audit.AUDIT_TYPE (which imports the node, and so this module), and how its canonical body names a
# received cosignature's record.
_AUDIT_TYPE: Final = "x-sarhad-audit"
_AUDITED_COSIGNATURE: Final = '"action":"cosignature"'


def _check_cosignatures_kept(db: Database, party: str, stored: int) -> None:
    """Check that no cosignature received was deleted: every one this node stored came through
    ``POST /log/cosignatures``, which audits how many were new (``cosignature`` / ``N new``), and the audit trail
    is carried into the log, so its count is checked against the log (step 1). Nothing deletes a stored
    cosignature, so fewer rows than the trail counts means some were deleted. A cosignature whose audit row was
    lost (a crash between the two) only makes the trail count fewer: never a false alarm.
    """
    if not _has_table(db, "audit"):
        return
    targets = [
        str(record["target"])
        for (body,) in db.fetchall(
            "SELECT body FROM objects WHERE type = ? AND origin = ? AND body LIKE ?",
            (_AUDIT_TYPE, party, f"%{_AUDITED_COSIGNATURE}%"),
        )
        for record in json.loads(str(body)).get("records", [])
        if isinstance(record, dict) and record.get("action") == "cosignature"
    ]
    # Rows not yet carried into the log (at most one flush interval's, or until the next start after a crash).
    targets += [
        str(t) for (t,) in db.fetchall("SELECT target FROM audit WHERE action = 'cosignature' AND logged IS NULL")
    ]
    audited = sum(int(m.group(1)) for t in targets if (m := _NEW.match(t)))
    if audited > stored:
        lost = audited - stored
        raise _fail(
            f"the audit trail records {audited} cosignature{'s' if audited != 1 else ''} received on this log's"
            f" checkpoints ('POST /log/cosignatures'), but log_cosignatures holds {stored}: {lost}"
            f" {'was' if lost == 1 else 'were'} deleted"
        )


_NEW: Final = re.compile(r"(\d+) new\Z")


def _has_table(db: Database, table: str) -> bool:
    if db.dialect == "sqlite":
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    else:
        sql = "SELECT 1 FROM information_schema.tables WHERE table_name = ? AND table_schema = current_schema()"
    return db.fetchone(sql, (table,)) is not None


def _raw_sha256(body: str) -> str | None:
    """The ``raw_sha256`` an incident body (canonical JSON, already checked against its leaf) commits to.

    sarhad writes that key only in its incident extension, so one occurrence is read in place; a body with
    several is parsed.
    """
    at = body.find(_RAW_KEY)
    if at < 0:
        return None
    if body.find(_RAW_KEY, at + 1) < 0:
        start = at + len(_RAW_KEY)
        return body[start : body.index('"', start)]
    from sarhad.model.incident import SARHAD_EXTENSION

    ext = json.loads(body).get("extensions", {}).get(SARHAD_EXTENSION, {})
    value = ext.get("raw_sha256") if isinstance(ext, dict) else None
    return value if isinstance(value, str) else None


def _verify_raw_rows(db: Database, commitments: dict[str, str], progress: Progress) -> int:
    """Check every stored source row against the incident that commits to it; return how many were checked.

    A row is stored as its values under a header that names the columns once (:mod:`sarhad.store.raw_rows`);
    the digest is over the row as the JSON object it was imported as, names and values zipped back together.
    A row is kept only for records imported from a source file (not for records received in a STIX bundle),
    so a row that is absent cannot be told from one that was deleted; a row that was changed, inserted, or
    swapped for another version's or another incident's row, or a header that was changed, is caught.
    """
    headers: dict[int, tuple[str, tuple[str, ...]]] = {}
    for header, dataset, columns in db.fetchall("SELECT id, dataset, columns FROM raw_headers"):
        try:
            headers[int(header)] = (str(dataset), parse_columns(str(columns)))
        except ValueError as exc:
            raise _fail(f"source row header {header} ({dataset}) cannot be read: {exc}") from None
    total = _count(db, "SELECT COUNT(*) FROM raw_rows")
    progress("raw rows", 0, total)
    done = 0
    # In storage order: ordered by id, a large table would be read at random.
    for incident_id, header, text in db.iterate("SELECT id, header, row FROM raw_rows"):
        found = headers.get(int(header))
        if found is None:
            raise _fail(f"raw row {incident_id}: its header {header} is not stored")
        dataset, columns = found
        label = f"raw row {incident_id} ({dataset})"
        committed = commitments.get(incident_id)
        if committed is None:
            raise _fail(f"{label}: no logged version of an incident with this id commits to a source row")
        try:
            row = decode_row(columns, str(text))
            digest = hashlib.sha256(canonical_text(row).encode("utf-8")).hexdigest()
        except (ValueError, InvalidInput) as exc:
            raise _fail(f"{label}: the stored row cannot be read: {exc}") from None
        if digest != committed:
            raise _fail(f"{label}: the row does not hash to the raw_sha256 its incident commits to")
        done += 1
        if not done % _EVERY:
            progress("raw rows", done, total)
    progress("raw rows", done, total)
    return done
