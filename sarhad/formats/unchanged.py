"""Rows a re-import may count unchanged without deriving their records again.

The record an import derives from a source row is fixed by the row (its canonical JSON, which the record's
``raw_sha256`` hashes), the import's options that shape the record (the format, who reports it, its TLP and
recipients), the publishing party (the record's ``created_by_ref``), the geography data (its border distance)
and the mapping code (:data:`sarhad.formats.base.MAPPING_VERSION`, and sarhad's release). :func:`fingerprint`
hashes all but the row; a row's *derivation* is the first 16 bytes of the SHA-256 of the fingerprint and the
row's ``raw_sha256``.

For each record an import derives, the node keeps its derivation beside the content hash it derived
(:mod:`sarhad.store.derivations`). Before a file is read, the importer takes the derivations of the dataset's
records whose current version still has that content hash, as :class:`KnownRows`: a row whose derivation is
among them derives that very record again, whose content the store holds, so the publisher would count it
unchanged. The scan counts it so without parsing it (:func:`sarhad.formats.scan.scan`), after reading it and
hashing its text. Every other row takes the full path, its parser given the row's hash (each row is hashed once): a new
or changed row, other options, another mapping
version, a record whose current version is not the one the import derived (a local edit, a peer's version, a
withheld later version).

:class:`KnownRows` keeps 32 bytes a record (the derivation and the record id's UUID) and a bucket index of about
one byte a record: about 33 MB for a million records.
"""

from __future__ import annotations

import array
import hashlib
import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any, Final

import numpy as np

from sarhad import __version__
from sarhad.errors import InvalidInput
from sarhad.formats.base import MAPPING_VERSION, raw_digest

__all__ = ["KnownRows", "derivation", "fingerprint"]

_sha256 = hashlib.sha256
_KEY: Final = 16  # bytes of a derivation, and of a record id's UUID


@cache
def _geography() -> str:
    """What identifies the geography data a record's border distance comes from (its manifest lists the hashes
    of the data files), or ``none`` when it is not installed (:class:`sarhad.formats.scan.Geography`)."""
    try:
        from sarhad.geo import border_distances  # noqa: F401
    except ImportError:
        return "none"
    return _sha256((resources.files("sarhad.geo") / "data" / "manifest.json").read_bytes()).hexdigest()


def fingerprint(format_name: str, reported_by: str, tlp: str, recipients: tuple[str, ...], party: str) -> bytes:
    """What, besides the source row, shapes the records an import of ``format_name`` derives: ``reported_by``
    as the parser gets it (the dataset's default reporter without ``--reported-by``), ``tlp``, ``recipients``,
    the publishing ``party``, the geography data, :data:`~sarhad.formats.base.MAPPING_VERSION` and sarhad's own
    version (so that a node upgraded to another release derives every row again once, whatever was bumped)."""
    text = json.dumps(
        [__version__, MAPPING_VERSION, format_name, reported_by, tlp, list(recipients), party, _geography()]
    )
    return _sha256(text.encode()).digest()


def derivation(fingerprint: bytes, raw_sha256: str) -> str:
    """The derivation (hex) of a row whose canonical JSON hashes to ``raw_sha256``, under ``fingerprint``."""
    return _sha256(fingerprint + raw_sha256.encode()).digest()[:_KEY].hex()


class KnownRows:
    """The derivations of the records a re-import would find unchanged, each with its record id, sorted, with
    the start of each bucket of derivations (by their first bits) for a lookup of a few bytes' search."""

    __slots__ = ("_fingerprint", "_ids", "_keys", "_shift", "_starts")

    def __init__(self, fingerprint: bytes, keys: bytes, ids: bytes) -> None:
        """``keys``: the derivations, 16 bytes each, sorted; ``ids``: the records' UUIDs, in the same order."""
        self._fingerprint = fingerprint
        self._keys = keys
        self._ids = ids
        count = len(keys) // _KEY
        bits = max(1, (count // 4).bit_length())
        self._shift = 64 - bits
        firsts = np.frombuffer(keys, dtype=">u8")[0::2].astype(np.uint64) >> np.uint64(self._shift)
        starts = np.searchsorted(firsts, np.arange((1 << bits) + 1, dtype=np.uint64)).astype(np.uint32)
        self._starts = array.array("I")
        if self._starts.itemsize != 4:  # pragma: no cover - every platform we run on
            self._starts = array.array("L")
            starts = starts.astype(np.uint64 if self._starts.itemsize == 8 else np.uint32)
        self._starts.frombytes(starts.tobytes())

    @classmethod
    def build(cls, fingerprint: bytes, chunks: Iterable[tuple[str, str]]) -> KnownRows:
        """From ``(record id, derivation hex)`` pairs, in any order."""
        keys: list[bytes] = []
        ids: list[bytes] = []
        batch: list[tuple[str, str]] = []

        def take() -> None:
            keys.append(bytes.fromhex("".join(d for _, d in batch)))
            ids.append(bytes.fromhex("".join(i[-36:] for i, _ in batch).replace("-", "")))
            batch.clear()

        for pair in chunks:
            batch.append(pair)
            if len(batch) >= 10_000:
                take()
        take()
        # each list is dropped once joined, and the ids sorted only once the keys' arrays are gone: building a
        # million records' table takes about 75 MB at its peak (33 of it kept), not 120
        key_bytes = b"".join(keys)
        keys.clear()
        id_bytes = b"".join(ids)
        ids.clear()
        key_halves = np.frombuffer(key_bytes, dtype=">u8").reshape(-1, 2)
        order = np.lexsort((key_halves[:, 1], key_halves[:, 0]))
        sorted_keys = key_halves[order].tobytes()
        del key_halves, key_bytes
        sorted_ids = np.frombuffer(id_bytes, dtype=">u8").reshape(-1, 2)[order].tobytes()
        return cls(fingerprint, sorted_keys, sorted_ids)

    def __len__(self) -> int:
        return len(self._keys) // _KEY

    @property
    def nbytes(self) -> int:
        """The memory it holds."""
        return len(self._keys) + len(self._ids) + len(self._starts) * self._starts.itemsize

    def state(self) -> tuple[bytes, bytes, bytes]:
        """What :meth:`from_state` takes back (for a worker process)."""
        return self._fingerprint, self._keys, self._ids

    @classmethod
    def from_state(cls, state: tuple[bytes, bytes, bytes]) -> KnownRows:
        return cls(*state)

    def lookup(self, row: Any) -> tuple[str | None, str | None]:
        """The id of the record ``row`` derives when this is one of the known rows, else None; and the row's
        ``raw_sha256`` (:func:`~sarhad.formats.base.raw_digest`), which a parser of a row that is not known
        takes instead of hashing the row again, or None when the row was not hashed (no known rows, or a row
        canonical JSON cannot hold: its parser says what is wrong)."""
        if not self._keys:
            return None, None
        try:
            raw = raw_digest(row)
        except InvalidInput:
            return None, None  # the full path says what is wrong
        key = _sha256(self._fingerprint + raw.encode()).digest()[:_KEY]
        bucket = int.from_bytes(key[:8], "big") >> self._shift
        end = self._starts[bucket + 1] * _KEY
        keys = self._keys
        at = keys.find(key, self._starts[bucket] * _KEY, end)
        while at > 0 and at % _KEY:  # found across two keys (never in practice): look on
            at = keys.find(key, at + 1, end)
        if at < 0:
            return None, raw
        h = self._ids[at : at + _KEY].hex()
        return f"incident--{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}", raw
