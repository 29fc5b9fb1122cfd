"""C2SP tlog-witness ``add-checkpoint``: this node cosigns a peer's checkpoint that extends what it verified.

Request body (c2sp.org/tlog-witness): ``old <size>\\n``, 0-63 base64 consistency-proof lines, a blank line,
then the signed checkpoint. The witness state per peer is the latest checkpoint this node verified of it
(``peer_checkpoints``, shared with sync); compare-and-persist runs in one transaction.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

from sarhad.errors import InvalidInput, NotFound, VerificationError
from sarhad.exchange.peers import Peer, node_cosigner
from sarhad.log.checkpoint import Checkpoint, open_checkpoint
from sarhad.log.merkle import tree_hash, verify_consistency

if TYPE_CHECKING:
    from sarhad.node import Node

__all__ = ["MAX_PROOF_LINES", "WitnessRejected", "add_checkpoint", "witnessed"]

MAX_PROOF_LINES: Final = 63
_OLD = re.compile(r"^old (0|[1-9][0-9]{0,19})$")


class WitnessRejected(Exception):
    """The request is refused with a tlog-witness status code and a text body."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(body.strip())
        self.status = status
        self.body = body


def witnessed(node: Node, peer: str) -> tuple[int, bytes]:
    """The size and root of the latest checkpoint of ``peer`` this node verified (0 and the empty root)."""
    row = node.db.fetchone("SELECT size, root FROM peer_checkpoints WHERE peer = ? ORDER BY size DESC LIMIT 1", (peer,))
    return (0, tree_hash([])) if row is None else (int(row[0]), bytes(row[1]))


def add_checkpoint(node: Node, body: str, find: Callable[[str], Peer]) -> str:
    """Verify a tlog-witness request and return this node's cosignature line for the checkpoint.

    Raises WitnessRejected with the spec's status: 400 malformed or old > size, 404 unknown origin, 403 bad
    signature, 409 stale old size (body: the size held), 422 failing proof or a different root at the same
    size.
    """
    head, sep, rest = body.partition("\n")
    match = _OLD.match(head)
    if not sep or match is None:
        raise WitnessRejected(400, "the body must start with 'old <size>'\n")
    old = int(match.group(1))
    if rest.startswith("\n"):
        lines, note = [], rest[1:]
    else:
        proof_text, sep, note = rest.partition("\n\n")
        if not sep:
            raise WitnessRejected(400, "the proof must end with a blank line before the checkpoint\n")
        lines = proof_text.split("\n")
    if len(lines) > MAX_PROOF_LINES:
        raise WitnessRejected(400, f"the proof has {len(lines)} lines; at most {MAX_PROOF_LINES}\n")
    try:
        proof = [base64.b64decode(line, validate=True) for line in lines]
        checkpoint = Checkpoint.parse(note)
    except (ValueError, InvalidInput) as exc:  # ValueError: binascii.Error, or a non-ASCII proof line
        raise WitnessRejected(400, f"malformed request: {exc}\n") from exc
    try:
        peer = find(checkpoint.origin)
    except NotFound as exc:
        raise WitnessRejected(404, f"{exc}\n") from exc
    try:
        checkpoint, _ = open_checkpoint(note, [peer.verifier], peer.origin)
    except (VerificationError, InvalidInput) as exc:
        raise WitnessRejected(403, f"{exc}\n") from exc
    if old > checkpoint.size:
        raise WitnessRejected(400, f"old size {old} is larger than the checkpoint size {checkpoint.size}\n")
    with node.db.transaction():
        size, root = witnessed(node, peer.name)
        if old != size:
            raise WitnessRejected(409, f"{size}\n")
        try:
            if old == checkpoint.size:
                if checkpoint.root != root:
                    raise VerificationError(f"the checkpoint at size {old} has a different root than the one held")
            elif old == 0:
                if proof:
                    raise VerificationError("a proof from size 0 must be empty")
            else:
                verify_consistency(old, checkpoint.size, proof, root, checkpoint.root)
        except VerificationError as exc:
            raise WitnessRejected(422, f"{exc}\n") from exc
        if checkpoint.size > size:
            node.db.execute(
                "INSERT INTO peer_checkpoints (peer, size, root, note, verified, source) VALUES (?, ?, ?, ?, ?, ?)",
                (peer.name, checkpoint.size, checkpoint.root, note, _now(), "witness"),
            )
    return node_cosigner(node).cosign(checkpoint.body()).line()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
