"""RFC 9162 Merkle functions: the classic vectors, and properties against a naive recursive tree hash."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sarhad.errors import InvalidInput, VerificationError
from sarhad.log import merkle

# RFC 6962 / transparency-dev test inputs d0..d7 and the roots for sizes 0..8.
LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
ROOTS = [
    bytes.fromhex(h)
    for h in [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
]
H = {  # the named nodes of the 8-leaf tree
    "L0": "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "L1": "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "L2": "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
    "L3": "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
    "L4": "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "L5": "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
    "L6": "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    "L7": "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    "0:2": "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "2:4": "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    "4:6": "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
    "6:8": "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    "0:4": "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4:8": "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    "4:7": "837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e",
}
INCLUSION = [
    (0, 1, []),
    (0, 8, ["L1", "2:4", "4:8"]),
    (5, 8, ["L4", "6:8", "0:4"]),
    (2, 3, ["0:2"]),
    (1, 5, ["L0", "2:4", "L4"]),
]
CONSISTENCY = [
    (1, 1, []),
    (1, 8, ["L1", "2:4", "4:8"]),
    (6, 8, ["4:6", "6:8", "0:4"]),
    (2, 5, ["2:4", "L4"]),
    (6, 7, ["4:6", "L6", "0:4"]),
    (3, 7, ["L2", "L3", "0:2", "4:7"]),
    (4, 8, ["4:8"]),
    (5, 8, ["L4", "L5", "6:8", "0:4"]),
    (7, 8, ["L6", "L7", "4:6", "0:4"]),
]


def naive_root(data: list[bytes]) -> bytes:
    """MTH written from scratch over the raw leaf data, independent of sarhad.log.merkle."""
    if not data:
        return hashlib.sha256(b"").digest()
    if len(data) == 1:
        return hashlib.sha256(b"\x00" + data[0]).digest()
    k = 1
    while k * 2 < len(data):
        k *= 2
    return hashlib.sha256(b"\x01" + naive_root(data[:k]) + naive_root(data[k:])).digest()


class SmallChunks(merkle.MemoryTree):
    """Chunks of 4 hashes, so that small trees cross many chunk boundaries."""

    __slots__ = ()
    _SHIFT = 2
    _MASK = 3
    _CHUNK = 4 * 32


def _tree(n: int) -> merkle.MemoryTree:
    tree = merkle.MemoryTree()
    for i in range(n):
        tree.append(i.to_bytes(4, "big"))
    return tree


def _data(n: int) -> list[bytes]:
    return [i.to_bytes(4, "big") for i in range(n)]


def test_roots_of_the_classic_vectors() -> None:
    hashes = [merkle.leaf_hash(d) for d in LEAVES]
    for size, want in enumerate(ROOTS):
        assert merkle.tree_hash(hashes[:size]) == want
        assert naive_root(LEAVES[:size]) == want
        tree = merkle.MemoryTree(hashes[:size])
        assert tree.root() == want
    assert merkle.EMPTY_ROOT == ROOTS[0]


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_vectors(index: int, size: int, path: list[str]) -> None:
    hashes = [merkle.leaf_hash(d) for d in LEAVES[:size]]
    want = [bytes.fromhex(H[p]) for p in path]
    assert merkle.inclusion_path(index, hashes) == want
    tree = merkle.MemoryTree(hashes)
    assert tree.inclusion_proof(index) == want
    assert merkle.inclusion_proof(index, size, tree.subtree) == want
    merkle.verify_inclusion(hashes[index], index, size, want, ROOTS[size])


@pytest.mark.parametrize(("old", "new", "path"), CONSISTENCY)
def test_consistency_vectors(old: int, new: int, path: list[str]) -> None:
    hashes = [merkle.leaf_hash(d) for d in LEAVES[:new]]
    want = [bytes.fromhex(H[p]) for p in path]
    assert merkle.consistency_path(old, hashes) == want
    tree = merkle.MemoryTree(hashes)
    assert tree.consistency_proof(old) == want
    assert merkle.consistency_proof(old, new, tree.subtree) == want
    merkle.verify_consistency(old, new, want, ROOTS[old], ROOTS[new])


def test_error_messages_name_the_problem() -> None:
    tree = _tree(8)
    proof = tree.inclusion_proof(5)
    with pytest.raises(VerificationError, match="inclusion proof has 2 hashes, expected 3 for index 5 in a tree of 8"):
        merkle.verify_inclusion(tree.leaf_hash(5), 5, 8, proof[:2], tree.root())
    with pytest.raises(VerificationError, match="does not lead to the root"):
        merkle.verify_inclusion(tree.leaf_hash(4), 5, 8, proof, tree.root())
    with pytest.raises(VerificationError, match="leaf index 8 is outside a tree of 8"):
        merkle.verify_inclusion(tree.leaf_hash(4), 8, 8, proof, tree.root())
    with pytest.raises(VerificationError, match="hash 1 is 31 bytes"):
        merkle.verify_inclusion(tree.leaf_hash(5), 5, 8, [proof[0], proof[1][:31], proof[2]], tree.root())
    cons = tree.consistency_proof(3)
    with pytest.raises(VerificationError, match="consistency proof has 3 hashes, expected 4 from size 3 to 8"):
        merkle.verify_consistency(3, 8, cons[:3], tree.root(3), tree.root())
    with pytest.raises(VerificationError, match="old root"):
        merkle.verify_consistency(3, 8, cons, tree.root(4), tree.root())
    with pytest.raises(VerificationError, match="new root"):
        merkle.verify_consistency(3, 8, cons, tree.root(3), tree.root(7))
    with pytest.raises(VerificationError, match="larger than"):
        merkle.verify_consistency(8, 3, [], tree.root(), tree.root(3))


def test_size_zero_policy() -> None:
    tree = _tree(5)
    assert tree.consistency_proof(0) == []
    assert merkle.consistency_path(0, [tree.leaf_hash(i) for i in range(5)]) == []
    merkle.verify_consistency(0, 5, [], merkle.EMPTY_ROOT, tree.root())
    merkle.verify_consistency(0, 0, [], merkle.EMPTY_ROOT, merkle.EMPTY_ROOT)
    with pytest.raises(VerificationError, match="from size 0 must be empty"):
        merkle.verify_consistency(0, 5, [tree.root()], merkle.EMPTY_ROOT, tree.root())
    with pytest.raises(VerificationError, match="size 0 must be SHA-256"):
        merkle.verify_consistency(0, 5, [], tree.root(), tree.root())
    with pytest.raises(VerificationError, match="size 0 must be SHA-256"):
        merkle.verify_consistency(0, 0, [], merkle.EMPTY_ROOT, tree.root())
    with pytest.raises(InvalidInput):
        tree.inclusion_proof(0, 0)
    with pytest.raises(VerificationError):
        merkle.verify_inclusion(merkle.EMPTY_ROOT, 0, 0, [], merkle.EMPTY_ROOT)
    assert merkle.MemoryTree().root() == merkle.EMPTY_ROOT
    assert merkle.root(0, tree.subtree) == merkle.EMPTY_ROOT


def test_memory_tree_rejects_bad_input() -> None:
    tree = _tree(3)
    with pytest.raises(InvalidInput):
        tree.append_hash(b"short")
    with pytest.raises(InvalidInput):
        tree.extend_hashes(b"x" * 33)
    with pytest.raises(InvalidInput):
        tree.root(4)
    with pytest.raises(InvalidInput):
        tree.subtree(1, 1)  # leaves 2..3 are not complete
    with pytest.raises(InvalidInput):
        tree.subtree(5, 0)
    with pytest.raises(InvalidInput):
        tree.consistency_proof(4)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=300), st.data())
def test_proofs_match_reference_and_verify(size: int, data: st.DataObject) -> None:
    leaves = _data(size)
    tree = data.draw(st.sampled_from([merkle.MemoryTree, SmallChunks]), label="kind")()
    # Any mix of batch and one-by-one appends.
    cuts = sorted(data.draw(st.lists(st.integers(min_value=0, max_value=size), max_size=4), label="cuts"))
    pos = 0
    for j, cut in enumerate([*cuts, size]):
        if j % 2:
            for d in leaves[pos:cut]:
                tree.append(d)
        elif cut > pos:
            tree.extend(leaves[pos:cut])
        pos = max(pos, cut)
    hashes = [merkle.leaf_hash(d) for d in leaves]
    assert tree.root() == naive_root(leaves) == merkle.tree_hash(hashes) == merkle.root(size, tree.subtree)

    index = data.draw(st.integers(min_value=0, max_value=size - 1), label="index")
    path = merkle.inclusion_path(index, hashes)
    assert tree.inclusion_proof(index) == path
    assert merkle.inclusion_proof(index, size, tree.subtree) == path
    assert len(path) == merkle.inclusion_proof_size(index, size)
    assert len(path) <= (size - 1).bit_length()
    merkle.verify_inclusion(hashes[index], index, size, path, naive_root(leaves))

    old = data.draw(st.integers(min_value=0, max_value=size), label="old")
    proof = merkle.consistency_path(old, hashes)
    assert tree.consistency_proof(old) == proof
    assert merkle.consistency_proof(old, size, tree.subtree) == proof
    assert len(proof) == merkle.consistency_proof_size(old, size)
    assert len(proof) <= (size - 1).bit_length() + 1
    merkle.verify_consistency(old, size, proof, naive_root(leaves[:old]), naive_root(leaves))
    # Proofs for an earlier size are served from the same tree.
    assert tree.root(old) == naive_root(leaves[:old])
    if old:
        i = data.draw(st.integers(min_value=0, max_value=old - 1), label="i")
        assert tree.inclusion_proof(i, old) == merkle.inclusion_path(i, hashes[:old])


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=64),
    st.data(),
)
def test_tampered_proofs_are_rejected(size: int, data: st.DataObject) -> None:
    leaves = _data(size)
    tree = merkle.MemoryTree()
    tree.extend(leaves)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = tree.inclusion_proof(index)
    good_root = tree.root()
    # A wrong leaf, a wrong index, a wrong size, or any flipped bit must fail.
    with pytest.raises(VerificationError):
        merkle.verify_inclusion(merkle.leaf_hash(b"other"), index, size, proof, good_root)
    other = data.draw(st.integers(min_value=0, max_value=2 * size))
    if other != index:
        with pytest.raises(VerificationError):
            merkle.verify_inclusion(tree.leaf_hash(index), other, size, proof, good_root)
    if proof:
        j = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        bit = data.draw(st.integers(min_value=0, max_value=255))
        bad = bytearray(proof[j])
        bad[bit // 8] ^= 1 << (bit % 8)
        tampered = [*proof[:j], bytes(bad), *proof[j + 1 :]]
        with pytest.raises(VerificationError):
            merkle.verify_inclusion(tree.leaf_hash(index), index, size, tampered, good_root)
    old = data.draw(st.integers(min_value=1, max_value=size))
    cons = tree.consistency_proof(old)
    old_root = tree.root(old)
    merkle.verify_consistency(old, size, cons, old_root, good_root)
    if cons:
        j = data.draw(st.integers(min_value=0, max_value=len(cons) - 1))
        bad = bytearray(cons[j])
        bad[0] ^= 0x80
        with pytest.raises(VerificationError):
            merkle.verify_consistency(old, size, [*cons[:j], bytes(bad), *cons[j + 1 :]], old_root, good_root)
        with pytest.raises(VerificationError):
            merkle.verify_consistency(old, size, [*cons, cons[0]], old_root, good_root)
    if old < size:
        with pytest.raises(VerificationError):
            merkle.verify_consistency(old, size, cons, old_root, tree.root(size - 1) if size - 1 != old else b"x")


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=2**64 - 1),
    st.integers(min_value=0, max_value=2**64 - 1),
    st.lists(st.binary(min_size=32, max_size=32), max_size=70),
)
def test_verifiers_terminate_on_hostile_sizes(a: int, b: int, proof: list[bytes]) -> None:
    # Random sizes, indexes and hashes never loop forever or crash with anything but VerificationError.
    leaf = hashlib.sha256(b"x").digest()
    try:
        merkle.verify_inclusion(leaf, min(a, b), max(a, b), proof, leaf)
    except VerificationError:
        pass
    try:
        merkle.verify_consistency(min(a, b), max(a, b), proof, leaf, leaf)
    except VerificationError:
        pass


def test_large_tree_spot_checks() -> None:
    n = 5000
    leaves = _data(n)
    tree = merkle.MemoryTree()
    tree.extend(leaves)
    hashes = [merkle.leaf_hash(d) for d in leaves]
    assert tree.root() == merkle.tree_hash(hashes)
    for index in (0, 1, 2047, 2048, 4095, 4096, 4999):
        assert tree.inclusion_proof(index) == merkle.inclusion_path(index, hashes)
    for old in (1, 2, 1000, 2048, 4097, 4999):
        assert tree.consistency_proof(old) == merkle.consistency_path(old, hashes)
    # Resident bytes per leaf: two 32-byte hashes plus bytearray slack.
    assert tree.nbytes() / n <= 80


def test_a_failing_proof_names_both_roots_in_base64_as_checkpoints_write_them() -> None:
    # The auditor compares the roots with the third line of the checkpoints: a proof from a forked log leads to
    # the root of the saved checkpoint, which the message must show as the checkpoint does.
    import base64

    tree = _tree(8)

    def b64(h: bytes) -> str:
        return base64.b64encode(h).decode()

    cons = tree.consistency_proof(3)
    with pytest.raises(VerificationError) as caught:
        merkle.verify_consistency(3, 8, cons, tree.root(4), tree.root())
    assert f"(computed {b64(tree.root(3))}, expected {b64(tree.root(4))})" in str(caught.value)
    with pytest.raises(VerificationError) as caught:
        merkle.verify_inclusion(tree.leaf_hash(4), 5, 8, tree.inclusion_proof(5), tree.root())
    assert f"expected {b64(tree.root())})" in str(caught.value)
