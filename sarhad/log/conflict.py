"""Whether two checkpoints signed by one key can both be true: the offline check of split-view evidence.

A log signs one history. Two of its checkpoints are a **conflict**, proof that it signed two histories, when

* they have the same size and different roots (a split view); or
* a consistency proof from the smaller to the larger leads to the larger's signed root (so its hashes are
  that tree's) but, at the smaller size, to another root than the one signed there (RFC 9162 §2.1.4.2: the
  larger tree's first leaves are not the smaller tree).

Nothing else shows one from the checkpoints alone. A smaller checkpoint signed "after" a larger one (a
rollback) is consistent with it when it is that log's earlier state: which of the two came first is the
word of the node that received them, not signed (a checkpoint carries no time). A proof that does not lead to
the larger root shows nothing about the log, whoever made it.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

from sarhad.errors import VerificationError
from sarhad.log import merkle
from sarhad.log.checkpoint import Checkpoint, open_checkpoint
from sarhad.log.note import Verifier

__all__ = ["Conflict", "verify_conflict"]


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two checkpoints of ``origin`` that cannot both be true, and why (``what``, one sentence)."""

    origin: str
    first: Checkpoint
    second: Checkpoint
    what: str


def _b64(h: bytes) -> str:
    return base64.b64encode(h).decode("ascii")


def verify_conflict(
    first: str,
    second: str,
    verifier: Verifier,
    proof: Sequence[bytes] | None = None,
    prefix_root: bytes | None = None,
) -> Conflict:
    """Check that the signed checkpoints ``first`` and ``second`` cannot both be true (see the module doc).

    ``proof`` is a consistency proof between their sizes (from the smaller to the larger), needed unless the
    sizes are equal. ``prefix_root`` is the root the proof starts from when the smaller size is a power of two
    (the proof leaves it out): given, it is checked as the rest of the proof is, by leading to the larger root.

    Raises VerificationError when a signature or the origin does not check, or when the files do not show a
    conflict (saying why: consistent, or a proof that shows nothing).
    """
    # 1. Both signed by the log's key, for the same log.
    one, _ = open_checkpoint(first, [verifier])
    two, _ = open_checkpoint(second, [verifier])
    if one.origin != two.origin:
        raise VerificationError(f"the checkpoints are of two logs ({one.origin!r} and {two.origin!r}), not one")
    # 2. Same size: the roots must differ.
    if one.size == two.size:
        if one.root == two.root:
            raise VerificationError(f"both checkpoints sign the same tree of size {one.size}: no conflict")
        return Conflict(
            one.origin,
            one,
            two,
            f"two checkpoints of size {one.size} with different roots ({_b64(one.root)} and {_b64(two.root)})",
        )
    # 3. Different sizes: a proof between them that leads to the larger root and not to the smaller one.
    small, large = sorted((one, two), key=lambda c: c.size)
    if proof is None:
        raise VerificationError(
            f"no consistency proof from size {small.size} to {large.size}: two checkpoints of different sizes"
            " alone do not show a conflict (a log signs its smaller trees first)"
        )
    if small.size == 0:
        # The size-0 policy: the empty tree is a prefix of every tree; only a wrong empty root conflicts.
        if small.root == merkle.EMPTY_ROOT:
            raise VerificationError("the tree of size 0 is a prefix of every tree: no conflict")
        return Conflict(small.origin, one, two, "a checkpoint of size 0 whose root is not SHA-256 of the empty string")
    start = prefix_root if prefix_root is not None else small.root
    old_root, new_root = merkle.roots_from_consistency(small.size, large.size, proof, start)
    if new_root != large.root:
        raise VerificationError(
            f"the consistency proof from size {small.size} to {large.size} does not lead to the signed root of size"
            f" {large.size}: it shows nothing about the log, and the checkpoints alone do not show a conflict"
        )
    if old_root == small.root:
        raise VerificationError(
            f"the tree of size {small.size} is a prefix of the tree of size {large.size}: the two checkpoints are"
            " consistent (no conflict; which one was received first is not signed)"
        )
    return Conflict(
        small.origin,
        one,
        two,
        f"the tree of size {large.size} begins with a tree of size {small.size} whose root is {_b64(old_root)},"
        f" not the signed {_b64(small.root)}",
    )
