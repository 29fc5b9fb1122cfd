"""RFC 9162 §2.1 Merkle trees: tree hash, inclusion paths, consistency proofs and their verification.

Three layers, all over SHA-256 and 0-based leaf indexes:

* **Reference functions** over a list of leaf hashes, written as the RFC's recursive definitions
  (:func:`tree_hash` = MTH, :func:`inclusion_path` = PATH, :func:`consistency_path` = PROOF). They are slow
  (O(n)) and exist to be obviously right; tests compare everything else with them.
* **Proof generators** that read only O(log n) *perfect* subtrees through an accessor
  ``subtree(level, index) -> bytes``, the hash of leaves ``[index·2**level, (index+1)·2**level)``
  (:func:`root`, :func:`inclusion_proof`, :func:`consistency_proof`). The persistent log serves the accessor
  from its ``log_nodes`` table; :class:`MemoryTree` serves it from one ``bytearray`` per level.
* **Verifiers** (:func:`verify_inclusion`, :func:`verify_consistency`) that follow RFC 9162 §2.1.3.2 and
  §2.1.4.2 step by step, including the "or fn is 0" guard, and raise :class:`VerificationError` saying why.

Size-0 policy (outside RFC 9162; the C2SP tlog-witness rule): the root of the empty tree is
``SHA-256("")`` (:data:`EMPTY_ROOT`); a tree of size 0 has no inclusion proofs; a consistency proof *from*
size 0 is the empty list, and it verifies only when the old root is :data:`EMPTY_ROOT` (and, for 0 → 0, the
new root too). Every hash in a proof, and every leaf hash, must be exactly 32 bytes.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Sequence

from sarhad.errors import InvalidInput, VerificationError

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MAX_TREE_SIZE",
    "MemoryTree",
    "Subtree",
    "consistency_path",
    "consistency_proof",
    "consistency_proof_size",
    "inclusion_path",
    "inclusion_proof",
    "inclusion_proof_size",
    "leaf_hash",
    "node_hash",
    "range_hash",
    "root",
    "root_from_inclusion",
    "roots_from_consistency",
    "tree_hash",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
MAX_TREE_SIZE = 2**64 - 1  # C2SP and RFC 9162 sizes are uint64
_sha256 = hashlib.sha256
EMPTY_ROOT = _sha256(b"").digest()
# A SHA-256 state that has absorbed the node prefix 0x01: copying it and feeding the two children is a little
# faster than hashing 0x01 || left || right from scratch, and gives the same digest.
_NODE = _sha256(b"\x01")

Subtree = Callable[[int, int], bytes]
"""``subtree(level, index)``: the hash of the perfect subtree over leaves [index·2**level, (index+1)·2**level)."""


def leaf_hash(data: bytes) -> bytes:
    """``MTH({d}) = SHA-256(0x00 || d)`` (RFC 9162 §2.1.1)."""
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)`` (RFC 9162 §2.1.1)."""
    return _sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n ≥ 2): the RFC's k with k < n ≤ 2k."""
    return 1 << ((n - 1).bit_length() - 1)


# ---------------------------------------------------------------------------------------------------------
# Reference definitions (RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1), over a list of leaf hashes.


def tree_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) over the given *leaf hashes* (already ``SHA-256(0x00 || d)``); the empty tree hashes to
    :data:`EMPTY_ROOT`."""
    n = len(leaf_hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hashes[0]
    k = _split(n)
    return node_hash(tree_hash(leaf_hashes[:k]), tree_hash(leaf_hashes[k:]))


def inclusion_path(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) (RFC 9162 §2.1.3.1), leaf to root."""
    n = len(leaf_hashes)
    if not 0 <= index < n:
        raise InvalidInput(f"leaf index {index} is outside a tree of {n}")
    if n == 1:
        return []
    k = _split(n)
    if index < k:
        return [*inclusion_path(index, leaf_hashes[:k]), tree_hash(leaf_hashes[k:])]
    return [*inclusion_path(index - k, leaf_hashes[k:]), tree_hash(leaf_hashes[:k])]


def consistency_path(old_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) (RFC 9162 §2.1.4.1); empty when m = n and, by the size-0 policy, when m = 0."""
    n = len(leaf_hashes)
    if not 0 <= old_size <= n:
        raise InvalidInput(f"old size {old_size} is outside 0..{n}")
    if old_size in (0, n):
        return []
    return _subproof(old_size, leaf_hashes, True)


def _subproof(m: int, d: Sequence[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [tree_hash(d)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, d[:k], b), tree_hash(d[k:])]
    return [*_subproof(m - k, d[k:], False), tree_hash(d[:k])]


# ---------------------------------------------------------------------------------------------------------
# Generators over perfect subtrees: O(log n) accessor calls each.


def _check_size(size: int) -> None:
    if not 0 <= size <= MAX_TREE_SIZE:
        raise InvalidInput(f"tree size {size} is outside 0..2**64-1")


def range_hash(start: int, end: int, subtree: Subtree) -> bytes:
    """MTH(D[start:end]) for a range that is a node of the RFC tree of size ``end`` (``start`` a multiple of
    the largest power of two ≤ end - start, or 0): the right fold of its perfect pieces."""
    n = end - start
    if n <= 0:
        if n == 0 and start == 0:
            return EMPTY_ROOT
        raise InvalidInput(f"range [{start}, {end}) is empty")
    pieces: list[bytes] = []
    pos = start
    for level in range(n.bit_length() - 1, -1, -1):
        if n >> level & 1:
            pieces.append(subtree(level, pos >> level))
            pos += 1 << level
    h = pieces.pop()
    while pieces:
        h = _sha256(b"\x01" + pieces.pop() + h).digest()
    return h


def root(size: int, subtree: Subtree) -> bytes:
    """The root MTH(D[size]) from at most log2(size)+1 perfect subtrees."""
    _check_size(size)
    return range_hash(0, size, subtree)


def _node_path(
    level: int, index: int, size: int, subtree: Subtree, border: Callable[[int, int], bytes] | None
) -> list[bytes]:
    """The path from the complete node (level, index) up to the root of the tree of ``size`` leaves."""
    last = (size - 1) >> level
    inner = (index ^ last).bit_length()
    out = [subtree(level + i, (index >> i) ^ 1) for i in range(inner - 1)]
    if inner:
        # The sibling at relative level inner-1 holds the last leaf: it may be incomplete (ephemeral).
        start = (last >> (inner - 1)) << (level + inner - 1)
        out.append(border(start, size) if border else range_hash(start, size, subtree))
    x = index >> inner
    i = level + inner
    while x:
        if x & 1:
            out.append(subtree(i, x ^ 1))
        x >>= 1
        i += 1
    return out


def inclusion_proof(
    index: int, size: int, subtree: Subtree, border: Callable[[int, int], bytes] | None = None
) -> list[bytes]:
    """PATH(index, D[size]) from O(log size) perfect subtrees.

    ``border(start, size)``, if given, returns MTH(D[start:size]) (e.g. from a cache); by default it is
    computed with :func:`range_hash`.
    """
    _check_size(size)
    if not 0 <= index < size:
        raise InvalidInput(f"leaf index {index} is outside a tree of {size}")
    return _node_path(0, index, size, subtree, border)


def consistency_proof(
    old_size: int, new_size: int, subtree: Subtree, border: Callable[[int, int], bytes] | None = None
) -> list[bytes]:
    """PROOF(old_size, D[new_size]) from O(log new_size) perfect subtrees (empty for 0 and for equal sizes)."""
    _check_size(new_size)
    if not 0 <= old_size <= new_size:
        raise InvalidInput(f"old size {old_size} is outside 0..{new_size}")
    if old_size in (0, new_size):
        return []
    # The highest complete node whose last leaf is old_size-1; the proof is that node (unless it is the whole
    # old tree, i.e. old_size is a power of two) followed by its path in the new tree.
    level = (old_size & -old_size).bit_length() - 1
    index = (old_size - 1) >> level
    path = _node_path(level, index, new_size, subtree, border)
    return [subtree(level, index), *path] if index else path


def inclusion_proof_size(index: int, size: int) -> int:
    """The number of hashes in PATH(index, D[size])."""
    last = size - 1
    inner = (index ^ last).bit_length()
    return inner + (index >> inner).bit_count()


def consistency_proof_size(old_size: int, new_size: int) -> int:
    """The number of hashes in PROOF(old_size, D[new_size]) (0 for 0 and for equal sizes)."""
    if old_size in (0, new_size):
        return 0
    level = (old_size & -old_size).bit_length() - 1
    index = (old_size - 1) >> level
    last = (new_size - 1) >> level
    inner = (index ^ last).bit_length()
    return (1 if index else 0) + inner + (index >> inner).bit_count()


# ---------------------------------------------------------------------------------------------------------
# Verification, exactly as RFC 9162 §2.1.3.2 and §2.1.4.2.
#
# These loops are bound by SHA-256, so each step does as little else as possible: the node prefix 0x01 is
# absorbed once into _NODE and every node hash is a copy of that state fed the two children (cheaper than a
# new OpenSSL context per hash), the proof is walked with an iterator rather than copied, and fn and sn are
# plain ints. Where §2.1.4.2 hashes the same proof element into fr and sr, the state after 0x01 || c is
# copied once and finished twice. The results are those of the RFC's steps; tests compare them with the
# recursive definitions and with the conformance probes.


def _check_hashes(what: str, proof: Sequence[bytes]) -> None:
    if proof and set(map(len, proof)) != _ONLY_HASH_SIZE:
        for i, h in enumerate(proof):
            if len(h) != HASH_SIZE:
                raise VerificationError(f"{what} hash {i} is {len(h)} bytes, expected {HASH_SIZE}")


_ONLY_HASH_SIZE = {HASH_SIZE}


def root_from_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` yields for ``leaf`` (a leaf hash) at ``index`` in a tree of ``size``
    (RFC 9162 §2.1.3.2 without the final comparison). Raises VerificationError when the proof is malformed."""
    if len(leaf) != HASH_SIZE:
        raise VerificationError(f"leaf hash is {len(leaf)} bytes, expected {HASH_SIZE}")
    if not 0 <= size <= MAX_TREE_SIZE:
        raise VerificationError(f"tree size {size} is outside 0..2**64-1")
    if not 0 <= index < size:
        raise VerificationError(f"leaf index {index} is outside a tree of {size}")
    want = inclusion_proof_size(index, size)
    if len(proof) != want:
        raise VerificationError(
            f"inclusion proof has {len(proof)} hashes, expected {want} for index {index} in a tree of {size}"
        )
    _check_hashes("inclusion proof", proof)
    node = _NODE.copy  # node() then update(left), update(right): SHA-256(0x01 || left || right)
    fn = index
    sn = size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            raise VerificationError(f"inclusion proof for index {index} in a tree of {size} is too long")
        h = node()
        if fn & 1 or fn == sn:
            h.update(p)  # r = HASH(0x01 || p || r)
            h.update(r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            h.update(r)  # r = HASH(0x01 || r || p)
            h.update(p)
        r = h.digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerificationError(f"inclusion proof for index {index} in a tree of {size} is too short")
    return r


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root_hash: bytes) -> None:
    """Check that ``leaf`` (a leaf hash) is at ``index`` in the tree of ``size`` whose root is ``root_hash``.

    Raises VerificationError naming the failure, e.g.
    ``inclusion proof has 3 hashes, expected 4 for index 5 in a tree of 8``.
    """
    computed = root_from_inclusion(leaf, index, size, proof)
    if computed != root_hash:
        raise VerificationError(
            f"inclusion proof for index {index} in a tree of {size} does not lead to the root "
            f"(computed {_b64(computed)}, expected {_b64(root_hash)})"
        )


def _check_consistency_sizes(old_size: int, new_size: int) -> None:
    for name, size in (("old", old_size), ("new", new_size)):
        if not 0 <= size <= MAX_TREE_SIZE:
            raise VerificationError(f"{name} tree size {size} is outside 0..2**64-1")
    if old_size > new_size:
        raise VerificationError(f"old tree size {old_size} is larger than the new tree size {new_size}")


def _verify_trivial_consistency(
    old_size: int, new_size: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes
) -> None:
    """Sizes 0 → n (the size-0 policy) and n → n: the proof must be empty."""
    if old_size == 0:
        if proof:
            raise VerificationError(f"consistency proof from size 0 must be empty, it has {len(proof)} hashes")
        if old_root != EMPTY_ROOT:
            raise VerificationError("the root of a tree of size 0 must be SHA-256 of the empty string")
        if new_size == 0 and new_root != EMPTY_ROOT:
            raise VerificationError("the root of a tree of size 0 must be SHA-256 of the empty string")
        return
    if proof:
        raise VerificationError(
            f"consistency proof between equal sizes ({old_size}) must be empty, it has {len(proof)} hashes"
        )
    if old_root != new_root:
        raise VerificationError(f"trees of equal size {old_size} have different roots")


def roots_from_consistency(
    old_size: int, new_size: int, proof: Sequence[bytes], old_root: bytes
) -> tuple[bytes, bytes]:
    """The old and the new root a consistency proof from ``old_size`` to ``new_size`` leads to (RFC 9162
    §2.1.4.2, steps 1-7, without the final comparisons), for 0 < ``old_size`` < ``new_size``.

    ``old_root`` is used only when ``old_size`` is a power of two: the proof leaves that subtree out, so the old
    root is its first hash. When the new root is the one signed, the hashes are that tree's, so the old root
    computed is the root of its first ``old_size`` leaves: another signed root at that size is a second
    history (sarhad.log.conflict). Raises VerificationError when the proof has the wrong length or shape.
    """
    if not 0 < old_size < new_size <= MAX_TREE_SIZE:
        _check_consistency_sizes(old_size, new_size)
        raise VerificationError(f"no consistency proof has hashes from size {old_size} to {new_size}")
    want = consistency_proof_size(old_size, new_size)
    if len(proof) != want:
        raise VerificationError(
            f"consistency proof has {len(proof)} hashes, expected {want} from size {old_size} to {new_size}"
        )
    _check_hashes("consistency proof", proof)
    if not proof:
        raise VerificationError(f"consistency proof from size {old_size} to {new_size} is empty")
    path = iter(proof)
    fn = old_size - 1
    sn = new_size - 1
    # Step 2: if first is an exact power of 2, prepend first_hash to the path; fr and sr start at path[0].
    fr = sr = old_root if (old_size & fn) == 0 else next(path)
    while fn & 1:
        fn >>= 1
        sn >>= 1
    node = _NODE.copy  # node() then update(left), update(right): SHA-256(0x01 || left || right)
    for c in path:
        if sn == 0:
            raise VerificationError(f"consistency proof from size {old_size} to {new_size} is too long")
        h = node()
        if fn & 1 or fn == sn:
            h.update(c)  # fr = HASH(0x01 || c || fr) and sr = HASH(0x01 || c || sr)
            g = h.copy()
            h.update(fr)
            g.update(sr)
            fr = h.digest()
            sr = g.digest()
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            h.update(sr)  # sr = HASH(0x01 || sr || c)
            h.update(c)
            sr = h.digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerificationError(f"consistency proof from size {old_size} to {new_size} is too short")
    return fr, sr


def verify_consistency(old_size: int, new_size: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes) -> None:
    """Check that the tree of ``old_size`` with ``old_root`` is a prefix of the tree of ``new_size`` with
    ``new_root``. Raises VerificationError naming the failure.

    Equal sizes need an empty proof and equal roots; size 0 follows the module's size-0 policy.
    """
    if not 0 < old_size < new_size <= MAX_TREE_SIZE:
        _check_consistency_sizes(old_size, new_size)
        _verify_trivial_consistency(old_size, new_size, proof, old_root, new_root)
        return
    fr, sr = roots_from_consistency(old_size, new_size, proof, old_root)
    if fr != old_root:
        raise VerificationError(
            f"consistency proof from size {old_size} to {new_size} does not lead to the old root "
            f"(computed {_b64(fr)}, expected {_b64(old_root)})"
        )
    if sr != new_root:
        raise VerificationError(
            f"consistency proof from size {old_size} to {new_size} does not lead to the new root "
            f"(computed {_b64(sr)}, expected {_b64(new_root)})"
        )


def _b64(h: bytes) -> str:
    # Whole and in base64, as a checkpoint's third line writes a root: an auditor compares the two by eye.
    return base64.b64encode(h).decode("ascii")


# ---------------------------------------------------------------------------------------------------------
# In-memory tree.


class MemoryTree:
    """An append-only RFC 9162 tree in memory, about 64 bytes per leaf.

    Level 0 holds the leaf hashes, level l the hashes of perfect subtrees of 2**l leaves, each level as
    contiguous 32-byte hashes: full chunks of 4096 hashes are immutable ``bytes`` (cheap to slice), the
    partial last chunk a ``bytearray``. Proofs for any earlier size are served from the same arrays, since
    perfect subtrees never change.
    """

    __slots__ = ("_border", "_frozen", "_tails", "_views", "_views_size")

    _SHIFT = 12
    _MASK = (1 << 12) - 1
    _CHUNK = (1 << 12) * HASH_SIZE

    def __init__(self, leaf_hashes: bytes | Sequence[bytes] = b"") -> None:
        self._frozen: list[list[bytes]] = [[]]
        self._tails: list[bytearray] = [bytearray()]
        self._border: dict[tuple[int, int], bytes] = {}
        self._views: list[list[bytes]] = []
        self._views_size = -1
        if leaf_hashes:
            self.extend_hashes(leaf_hashes)

    def __len__(self) -> int:
        return (len(self._frozen[0]) << self._SHIFT) + (len(self._tails[0]) >> 5)

    @property
    def size(self) -> int:
        return (len(self._frozen[0]) << self._SHIFT) + (len(self._tails[0]) >> 5)

    def __repr__(self) -> str:
        return f"MemoryTree(size={self.size})"

    def nbytes(self) -> int:
        """Bytes allocated for the hashes (chunks, partial chunks and their lists)."""
        total = 0
        for frozen, tail in zip(self._frozen, self._tails, strict=True):
            total += frozen.__sizeof__() + sum(c.__sizeof__() for c in frozen) + tail.__sizeof__()
        return total

    # -- appending ---------------------------------------------------------------------------------------
    def append(self, data: bytes) -> int:
        """Append one leaf (its data, hashed as ``SHA-256(0x00 || data)``) and return its index."""
        return self._push(_sha256(b"\x00" + data).digest())

    def append_hash(self, leaf: bytes) -> int:
        """Append one leaf hash and return its index."""
        if len(leaf) != HASH_SIZE:
            raise InvalidInput(f"leaf hash is {len(leaf)} bytes, expected {HASH_SIZE}")
        return self._push(leaf)

    def _push(self, h: bytes) -> int:
        tails = self._tails
        tail = tails[0]
        tail += h
        n = (len(self._frozen[0]) << self._SHIFT) + (len(tail) >> 5)
        if n & 1 and len(tail) != self._CHUNK:  # half of all appends: no parent completes
            return n - 1
        frozen = self._frozen
        chunk = self._CHUNK
        index = n - 1
        level = 0
        while True:
            if not n & 1:
                h = _sha256(b"\x01" + tail[-64:]).digest()
            if len(tail) == chunk:
                frozen[level].append(bytes(tail))
                tails[level] = bytearray()
            if n & 1:
                return index
            n >>= 1
            level += 1
            if level == len(tails):
                tails.append(bytearray())
                frozen.append([])
            tail = tails[level]
            tail += h

    def extend(self, datas: Sequence[bytes]) -> int:
        """Append many leaves (their data); return the index of the first."""
        sha = _sha256
        return self.extend_hashes(b"".join([sha(b"\x00" + d).digest() for d in datas]))

    def extend_hashes(self, leaf_hashes: bytes | Sequence[bytes]) -> int:
        """Append many leaf hashes (concatenated 32-byte hashes, or a sequence of them); return the index of
        the first."""
        if isinstance(leaf_hashes, (bytes, bytearray, memoryview)):
            new = bytes(leaf_hashes)
        else:
            if any(len(h) != HASH_SIZE for h in leaf_hashes):
                raise InvalidInput(f"every leaf hash must be {HASH_SIZE} bytes")
            new = b"".join(leaf_hashes)
        if len(new) % HASH_SIZE:
            raise InvalidInput(f"leaf hashes are {len(new)} bytes, not a multiple of {HASH_SIZE}")
        first = self.size
        sha = _sha256
        start = first  # index of new[0] at this level
        level = 0
        while new:
            # Pair the new hashes (and, if they start at an odd index, their waiting left sibling).
            if start & 1:
                src = self._get(level, start - 1) + new
                start -= 1
            else:
                src = new
            self._store(level, new)
            pairs = len(src) >> 6
            new = b"".join([sha(b"\x01" + src[o : o + 64]).digest() for o in range(0, pairs << 6, 64)])
            start >>= 1
            level += 1
        return first

    def _store(self, level: int, data: bytes) -> None:
        if level == len(self._tails):
            self._tails.append(bytearray())
            self._frozen.append([])
        tail = self._tails[level]
        chunk = self._CHUNK
        room = chunk - len(tail)
        if len(data) < room:
            tail += data
            return
        tail += data[:room]
        frozen = self._frozen[level]
        frozen.append(bytes(tail))
        o = room
        while len(data) - o >= chunk:
            frozen.append(data[o : o + chunk])
            o += chunk
        self._tails[level] = bytearray(data[o:])

    # -- reading -----------------------------------------------------------------------------------------
    def _get(self, level: int, index: int) -> bytes:
        frozen = self._frozen[level]
        c = index >> self._SHIFT
        o = (index & self._MASK) << 5
        if c < len(frozen):
            return frozen[c][o : o + 32]
        tail = self._tails[level]
        if c > len(frozen) or o + 32 > len(tail):
            raise IndexError(index)
        return bytes(tail[o : o + 32])

    def leaf_hash(self, index: int) -> bytes:
        """The hash of leaf ``index``."""
        if not 0 <= index < self.size:
            raise InvalidInput(f"leaf index {index} is outside a tree of {self.size}")
        return self._get(0, index)

    def subtree(self, level: int, index: int) -> bytes:
        """The hash of the perfect subtree (level, index); raises InvalidInput when it is not complete."""
        if 0 <= level < len(self._tails) and index >= 0:
            try:
                return self._get(level, index)
            except IndexError:
                pass
        raise InvalidInput(f"subtree ({level}, {index}) is not complete in a tree of {self.size}")

    def _border_hash(self, start: int, end: int) -> bytes:
        key = (start, end)
        h = self._border.get(key)
        if h is None:
            h = range_hash(start, end, self._get)
            if len(self._border) >= 4096:
                self._border.clear()
            self._border[key] = h
        return h

    def _size_or_current(self, size: int | None) -> int:
        current = self.size
        if size is None:
            return current
        if not 0 <= size <= current:
            raise InvalidInput(f"tree size {size} is outside 0..{current}")
        return size

    def root(self, size: int | None = None) -> bytes:
        """The root of the tree of ``size`` leaves (default: all)."""
        size = self._size_or_current(size)
        if size == 0:
            return EMPTY_ROOT
        return self._border_hash(0, size)

    def _read_views(self) -> list[list[bytes]]:
        """Per level, the chunks as ``bytes`` with the partial last chunk copied: rebuilt only after an
        append, so that reads slice immutable bytes without bounds juggling."""
        if self._views_size != self.size:
            self._views = [[*frozen, bytes(tail)] for frozen, tail in zip(self._frozen, self._tails, strict=True)]
            self._views_size = self.size
        return self._views

    def _path(self, level: int, index: int, size: int) -> list[bytes]:
        """_node_path() over the chunk views, inlined for speed (tests compare it with the RFC PATH)."""
        views = self._read_views()
        shift, mask = self._SHIFT, self._MASK
        last = (size - 1) >> level
        inner = (index ^ last).bit_length()
        out: list[bytes] = []
        append = out.append
        for i in range(inner - 1):
            x = (index >> i) ^ 1
            o = (x & mask) << 5
            append(views[level + i][x >> shift][o : o + 32])
        if inner:
            top = level + inner - 1
            start = (last >> (inner - 1)) << top
            if size - start == 1 << top:
                x = start >> top
                o = (x & mask) << 5
                append(views[top][x >> shift][o : o + 32])
            else:
                append(self._border_hash(start, size))
        x = index >> inner
        i = level + inner
        while x:
            if x & 1:
                y = x ^ 1
                o = (y & mask) << 5
                append(views[i][y >> shift][o : o + 32])
            x >>= 1
            i += 1
        return out

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[size]) (default size: all leaves)."""
        size = self._size_or_current(size)
        if not 0 <= index < size:
            raise InvalidInput(f"leaf index {index} is outside a tree of {size}")
        return self._path(0, index, size)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """PROOF(old_size, D[new_size]) (default new size: all leaves)."""
        new_size = self._size_or_current(new_size)
        if not 0 <= old_size <= new_size:
            raise InvalidInput(f"old size {old_size} is outside 0..{new_size}")
        if old_size in (0, new_size):
            return []
        level = (old_size & -old_size).bit_length() - 1
        index = (old_size - 1) >> level
        path = self._path(level, index, new_size)
        if index:
            views = self._read_views()
            o = (index & self._MASK) << 5
            path.insert(0, views[level][index >> self._SHIFT][o : o + 32])
        return path
