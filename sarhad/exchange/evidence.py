"""The evidence a sync kept that a peer rewrote its log (``split_views``): read back, and taken away.

A sync that finds a peer's log rolled back, shown split or rewritten (sarhad.exchange.sync, step 2) fails and
keeps the checkpoint it verified before, the one the peer signs now (both as received) and the consistency
proof the peer served between them when that did not verify. ``sarhad log verify`` reports each piece,
``sarhad log evidence`` lists them and writes, per piece, the files an auditor checks offline with
``sarhad log check-proof`` (sarhad.log.conflict says what two checkpoints can show and what they cannot).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sarhad.errors import InvalidInput, VerificationError
from sarhad.log import merkle
from sarhad.log.checkpoint import Checkpoint, open_checkpoint
from sarhad.log.note import Verifier
from sarhad.store.db import Database

__all__ = ["Evidence", "folder_name", "list_evidence", "write_evidence"]

_KINDS = {-1: "rollback", 0: "split view", 1: "rewritten history"}


def _b64(h: bytes) -> str:
    return base64.b64encode(h).decode("ascii")


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of ``split_views``: the peer, when it was found (UTC, ISO 8601), the sync's reason, the
    checkpoint verified before (``earlier``) and the one the peer signed instead (``later``), both carrying
    their notes as received, and the peer's consistency proof between them that did not verify (base64)."""

    peer: str
    detected: str
    reason: str
    earlier: Checkpoint
    later: Checkpoint
    proof: tuple[str, ...] | None

    @property
    def kind(self) -> str:
        """``rollback`` (a smaller size), ``split view`` (the same size) or ``rewritten history`` (a larger size
        whose consistency proof did not verify)."""
        return _KINDS[(self.later.size > self.earlier.size) - (self.later.size < self.earlier.size)]

    def as_dict(self) -> dict[str, Any]:
        """The piece as ``--json`` prints it (roots in base64)."""
        return {
            "peer": self.peer,
            "kind": self.kind,
            "detected": self.detected,
            "reason": self.reason,
            "earlier_size": self.earlier.size,
            "earlier_root": _b64(self.earlier.root),
            "later_size": self.later.size,
            "later_root": _b64(self.later.root),
        }

    def summary(self) -> str:
        """One line: ``peer PK: split view found 2026-…: size 37 (root …) verified, then size 37 (root …)``."""
        return (
            f"peer {self.peer}: {self.kind} found {self.detected}: size {self.earlier.size} (root"
            f" {_b64(self.earlier.root)}) verified, then size {self.later.size} (root {_b64(self.later.root)})"
        )


def list_evidence(db: Database) -> list[Evidence]:
    """Every piece of evidence held, oldest first. Raises InvalidInput naming the piece when a stored
    checkpoint cannot be read (the table was changed by hand)."""
    out = []
    rows = db.fetchall("SELECT peer, detected, reason, note_a, note_b, proof FROM split_views ORDER BY detected, peer")
    for peer, detected, reason, note_a, note_b, proof in rows:
        try:
            earlier, later = Checkpoint.parse(str(note_a)), Checkpoint.parse(str(note_b))
            hashes = None if proof is None else tuple(str(h) for h in json.loads(str(proof)))
        except (InvalidInput, ValueError, TypeError) as exc:
            where = f"split_views: the evidence against peer {peer} found {detected}"
            raise InvalidInput(f"{where} is damaged: {exc}") from exc
        out.append(Evidence(str(peer), str(detected), str(reason), earlier, later, hashes))
    return out


def folder_name(number: int, item: Evidence) -> str:
    """The name of the ``number``-th piece (from 1, in :func:`list_evidence`'s order, which new pieces only
    extend): ``1-PK``, the folder :func:`write_evidence` writes it to, which ``sarhad log verify`` names so that
    an auditor finds ``DIR/1-PK/evidence.json`` after ``sarhad log evidence --out DIR``."""
    return f"{number}-{item.peer}"


def _peer_keys(db: Database, peer: str) -> list[str]:
    """The keys of the log filed under ``peer``: registered or kept at its removal, then its former keys."""
    rows = db.fetchall(
        "SELECT vkey FROM peers WHERE name = ? UNION ALL SELECT vkey FROM removed_peers WHERE name = ?", (peer, peer)
    )
    rows += db.fetchall("SELECT vkey FROM peer_former_keys WHERE peer = ?", (peer,))
    return [str(r[0]) for r in rows]


def _signing_key(db: Database, item: Evidence) -> str | None:
    """The peer's key that signs both checkpoints, else the one that signs the later (a sync checked it)."""
    signs: list[str] = []
    for vkey in _peer_keys(db, item.peer):
        verifier = Verifier.from_vkey(vkey)
        ok = []
        for cp in (item.earlier, item.later):
            try:
                open_checkpoint(cp.note or "", [verifier])
                ok.append(True)
            except (InvalidInput, VerificationError):
                ok.append(False)
        if all(ok):
            return vkey
        if ok[1]:
            signs.append(vkey)
    return signs[0] if signs else None


def _proof_from_copy(db: Database, item: Evidence) -> tuple[list[str], str] | None:
    """For a rollback: the consistency proof from the later (smaller) size to the earlier one, and the root it
    starts from, computed from this node's copy of the peer's leaves, when the copy gives the earlier root.

    The copy ends at the last checkpoint a sync verified, so it holds the earlier tree. Whoever computed the
    proof, it shows something only if it leads to the earlier signed root (sarhad.log.conflict).
    """
    small, large = item.later.size, item.earlier.size
    if not 0 < small < large:
        return None
    tree = merkle.MemoryTree(
        [
            bytes(r[0])
            for r in db.fetchall(
                "SELECT leaf_hash FROM peer_leaves WHERE peer = ? AND idx < ? ORDER BY idx", (item.peer, large)
            )
        ]
    )
    if tree.size < large or tree.root(large) != item.earlier.root:
        return None
    return [_b64(h) for h in tree.consistency_proof(small, large)], _b64(tree.root(small))


_README = """\
Evidence that the log {origin} ({peer}) was rewritten: {kind}, found {detected} by this node.

  earlier.checkpoint  the checkpoint this node verified first, byte for byte as received
  later.checkpoint    the checkpoint the peer signed instead, byte for byte as received
  peer.vkey           the log's verifier key{key_note}
  evidence.json       both checkpoints, the key and the proof, as 'sarhad log check-proof' reads them

The node's reason: {reason}

Check it offline:  sarhad log check-proof evidence.json --vkey "$(cat peer.vkey)"

First compare peer.vkey with the key {peer}'s operators publish for {origin} (their 'sarhad key show'),
obtained from them, not from this folder: this node wrote peer.vkey, and a key of its own making under that
name would sign anything. With the key obtained from them, the check passes only for their signatures.

It passes only if both checkpoints are signed by that key and they cannot both be true: the same size with
different roots, or a consistency proof between the two sizes that leads to the larger signed root and, at
the smaller size, to another root than the one signed there. {proof_note}
What the files cannot show: which checkpoint was received first (checkpoints carry no time; the order and the
date above are this node's record), nor which entries were rewritten (that needs the peer's leaves).
"""

_PROOF_NOTES = {
    "rollback": "The proof from the smaller size to the larger was computed from this node's copy of the peer's"
    " leaves; it counts only because it leads to the larger signed root. A smaller checkpoint that is a prefix"
    " of the larger shows no conflict: the peer served an earlier state of one history.",
    "split view": "Two checkpoints of one size need no proof.",
    "rewritten history": "The proof is the one the peer served and this node refused; it shows a conflict only if"
    " it leads to the larger signed root (a wrong proof alone proves nothing).",
}


def write_evidence(db: Database, items: list[Evidence], out: Path) -> list[Path]:
    """Write, per piece, a folder under ``out`` (``1-PK``, ``2-PK``, … in the order given) holding the files an
    auditor checks offline; return the folders. Raises InvalidInput when ``out`` exists and is not a folder."""
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"{out} is not a folder")
    folders = []
    for n, item in enumerate(items, 1):
        folder = out / folder_name(n, item)
        folder.mkdir(parents=True, exist_ok=True)
        vkey = _signing_key(db, item)
        proof: list[str] | None = None if item.proof is None else list(item.proof)
        prefix_root = None
        if item.kind == "rollback" and (computed := _proof_from_copy(db, item)) is not None:
            proof, prefix_root = computed
        document = {
            **item.as_dict(),
            "origin": item.earlier.origin,
            "vkey": vkey,
            "earlier_checkpoint": item.earlier.note,
            "later_checkpoint": item.later.note,
            "proof": proof,
            "prefix_root": prefix_root,
        }
        # The notes as received: bytes, so that no newline is translated on any platform.
        (folder / "earlier.checkpoint").write_bytes((item.earlier.note or "").encode("utf-8"))
        (folder / "later.checkpoint").write_bytes((item.later.note or "").encode("utf-8"))
        (folder / "peer.vkey").write_bytes(((vkey or "") + "\n").encode("utf-8"))
        (folder / "evidence.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        key_note = "" if vkey else " (none of the keys this node holds for the peer signs them: ask its operators)"
        readme = _README.format(
            origin=item.earlier.origin,
            peer=item.peer,
            kind=item.kind,
            detected=item.detected,
            reason=item.reason,
            key_note=key_note,
            proof_note=_PROOF_NOTES[item.kind],
        )
        (folder / "README.txt").write_text(readme, encoding="utf-8")
        folders.append(folder)
    return folders
