"""The compact range (frontier) of a peer's log: what a node keeps to extend its verified copy cheaply.

The root of an RFC 9162 tree of size n is the right fold of the hashes of the perfect subtrees that the
binary digits of n cut the leaves into (RFC 9162 §2.1.1: MTH splits at the largest power of two below n, so
the left parts are perfect). Those at most log2(n)+1 hashes are the *frontier*: with it, appending k leaves
and recomputing the root costs O(k + log n) hashes instead of rehashing every leaf held. Sync keeps the
frontier of each peer's log beside the copied leaves and checks that the new leaves it receives, appended to
it, give the root of the peer's new signed checkpoint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Final

from sarhad.errors import InvalidInput
from sarhad.log.merkle import EMPTY_ROOT, HASH_SIZE

__all__ = ["Frontier"]

_NODE_PREFIX: Final = b"\x01"  # RFC 9162 §2.1.1: interior nodes hash 0x01 || left || right


class Frontier:
    """The perfect-subtree hashes of an append-only tree, largest (leftmost) first."""

    __slots__ = ("_hashes", "_levels", "size")

    def __init__(self) -> None:
        self.size = 0
        self._levels: list[int] = []
        self._hashes: list[bytes] = []

    @classmethod
    def of_leaves(cls, leaf_hashes: Iterable[bytes]) -> Frontier:
        """The frontier of the tree over ``leaf_hashes`` (each 32 bytes)."""
        frontier = cls()
        frontier.extend(leaf_hashes)
        return frontier

    @classmethod
    def from_bytes(cls, size: int, data: bytes) -> Frontier:
        """Rebuild a stored frontier: ``data`` is its hashes concatenated, one per set bit of ``size``.

        Raises InvalidInput when the length does not fit the size.
        """
        if size < 0:
            raise InvalidInput(f"a tree size cannot be negative, found {size}")
        levels = [level for level in range(size.bit_length() - 1, -1, -1) if size >> level & 1]
        if len(data) != HASH_SIZE * len(levels):
            raise InvalidInput(f"a frontier of a tree of size {size} has {len(levels)} hashes, found {len(data)} bytes")
        frontier = cls()
        frontier.size = size
        frontier._levels = levels
        frontier._hashes = [bytes(data[i : i + HASH_SIZE]) for i in range(0, len(data), HASH_SIZE)]
        return frontier

    def to_bytes(self) -> bytes:
        """The hashes concatenated (what :meth:`from_bytes` reads back with the size)."""
        return b"".join(self._hashes)

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append leaves by their hashes. Raises InvalidInput for a hash that is not 32 bytes."""
        levels, hashes, sha = self._levels, self._hashes, hashlib.sha256
        size = self.size
        for leaf in leaf_hashes:
            if len(leaf) != HASH_SIZE:
                raise InvalidInput(f"leaf hash {size} is {len(leaf)} bytes, expected {HASH_SIZE}")
            h, level = leaf, 0
            # Two perfect subtrees of the same height merge into one of the next height.
            while levels and levels[-1] == level:
                levels.pop()
                h = sha(_NODE_PREFIX + hashes.pop() + h).digest()
                level += 1
            levels.append(level)
            hashes.append(h)
            size += 1
        self.size = size

    def root(self) -> bytes:
        """MTH of the whole tree: the right fold of the frontier (:data:`EMPTY_ROOT` for size 0)."""
        if not self._hashes:
            return EMPTY_ROOT
        h = self._hashes[-1]
        for left in reversed(self._hashes[:-1]):
            h = hashlib.sha256(_NODE_PREFIX + left + h).digest()
        return h

    def copy(self) -> Frontier:
        """An independent copy."""
        other = Frontier()
        other.size, other._levels, other._hashes = self.size, list(self._levels), list(self._hashes)
        return other
