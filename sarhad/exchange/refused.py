"""Entries of a peer's log that a sync verified but did not apply (table ``refused_entries``).

Step 3 of a sync (:mod:`sarhad.exchange.entries`) tells two kinds of failure apart. An entry whose leaf, hash,
id or version does not match what the peer serves proves the log itself wrong: the sync stores nothing. An
entry that is correctly logged but that this node will not take as the peer's record (an object that speaks
for this node's party, a version of a shared record that rewrites this node's words) proves only that the peer
published it. Its leaf is kept with the rest of the log, which is verified, checkpointed and cosigned as
usual, but its object enters no view and replaces nothing: it is kept here, with the reason and the body the
peer served, for an auditor and for the operators to take up with the peer's. Since logs are append-only, the
refusal is for good for that version; a later version of the same record is checked like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sarhad.store.db import Database

__all__ = ["Refusal", "record_refused", "refused_count"]


@dataclass(frozen=True, slots=True)
class Refusal:
    """An entry of ``peer``'s log at ``index`` whose object (``object_id`` at ``version``, whose envelope logs
    ``sha256``) the sync refused, and why."""

    peer: str
    index: int
    object_id: str
    version: str
    sha256: str
    reason: str

    @property
    def message(self) -> str:
        """The refusal as the sync reports it, naming the peer and the entry."""
        return f"peer {self.peer}: entry {self.index} ({self.object_id}@{self.version}): {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "object_id": self.object_id,
            "version": self.version,
            "sha256": self.sha256,
            "reason": self.reason,
        }


# What step 3 hands the writer of each refused entry (plain, so that the checking process can send it):
# (log index, object id, version, the envelope's sha256, reason, the body as served).
RefusedRow = tuple[int, str, str, str, str, str]


def record_refused(db: Database, peer: str, rows: Sequence[RefusedRow], stamp: str) -> list[Refusal]:
    """Keep the refused entries ``rows`` of ``peer``'s log (in the caller's transaction), each once: an entry
    already kept at its index is left as it is. Returns the refusals."""
    db.executemany(
        "INSERT INTO refused_entries (peer, idx, object_id, version, sha256, reason, refused, body)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (peer, idx) DO NOTHING",
        [(peer, idx, oid, version, sha, reason, stamp, body) for idx, oid, version, sha, reason, body in rows],
    )
    return [Refusal(peer, idx, oid, version, sha, reason) for idx, oid, version, sha, reason, _ in rows]


def refused_count(db: Database, peer: str) -> int:
    """How many entries of the log filed under ``peer`` this node refused (0 when none)."""
    row = db.fetchone("SELECT COUNT(*) FROM refused_entries WHERE peer = ?", (peer,))
    return 0 if row is None else int(row[0])
