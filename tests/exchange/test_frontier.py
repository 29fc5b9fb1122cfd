"""The frontier of a peer's log: the same roots as the RFC 9162 reference, extended in any number of steps."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sarhad.errors import InvalidInput
from sarhad.exchange.frontier import Frontier
from sarhad.log.merkle import EMPTY_ROOT, MemoryTree, tree_hash


def _leaves(n: int) -> list[bytes]:
    return [hashlib.sha256(b"\x00" + i.to_bytes(4, "big")).digest() for i in range(n)]


@given(st.integers(0, 300), st.lists(st.integers(0, 80), max_size=5))
def test_frontier_root_matches_the_reference_after_any_split(first: int, more: list[int]) -> None:
    leaves = _leaves(first + sum(more))
    frontier = Frontier.of_leaves(leaves[:first])
    pos = first
    for count in more:
        # Stored and read back between steps, as sync does between two runs.
        frontier = Frontier.from_bytes(frontier.size, frontier.to_bytes())
        frontier.extend(leaves[pos : pos + count])
        pos += count
        assert frontier.size == pos
        assert frontier.root() == tree_hash(leaves[:pos])
    assert frontier.root() == tree_hash(leaves)


def test_frontier_agrees_with_the_memory_tree_at_every_size() -> None:
    leaves = _leaves(1100)
    tree = MemoryTree(leaves)
    frontier = Frontier()
    assert frontier.root() == EMPTY_ROOT
    for size, leaf in enumerate(leaves, start=1):
        frontier.extend([leaf])
        assert frontier.root() == tree.root(size), size
        # One hash per binary digit 1 of the size: what a node keeps per peer.
        assert len(frontier.to_bytes()) == 32 * size.bit_count()


def test_copy_is_independent() -> None:
    frontier = Frontier.of_leaves(_leaves(5))
    other = frontier.copy()
    other.extend(_leaves(1))
    assert (frontier.size, other.size) == (5, 6)
    assert frontier.root() == tree_hash(_leaves(5))


def test_stored_frontier_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(InvalidInput, match="a frontier of a tree of size 5 has 2 hashes, found 32 bytes"):
        Frontier.from_bytes(5, b"\x00" * 32)
    with pytest.raises(InvalidInput, match="cannot be negative"):
        Frontier.from_bytes(-1, b"")


def test_a_leaf_hash_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(InvalidInput, match="leaf hash 2 is 31 bytes, expected 32"):
        Frontier.of_leaves([*_leaves(2), b"\x00" * 31])
