"""The log's leaves: canonical envelopes that commit to an object version without revealing it.

An envelope is the RFC 8785 canonical JSON of five strings::

    {"object_id":"incident--…","sha256":"<hex SHA-256 of the object's canonical JSON>",
     "time":"2026-12-01T20:19:36.123Z","tlp":"GREEN","version":"2026-12-01T20:19:36.123Z"}

``version`` is the object's ``modified`` timestamp, ``time`` when the node logged it. The leaf hash is
``SHA-256(0x00 ‖ envelope)`` (RFC 9162). Report bodies never enter the log, only their hashes.
"""

from __future__ import annotations

import hashlib
import json
import json.encoder
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sarhad.canonical import canonical_bytes
from sarhad.errors import InvalidInput, VerificationError
from sarhad.log.merkle import leaf_hash
from sarhad.store.like import LIKE_ESCAPE, like_literal

__all__ = ["FIELDS", "LIKE_ESCAPE", "Envelope", "like_pattern"]

FIELDS = ("object_id", "sha256", "time", "tlp", "version")
_HEX64 = re.compile(r"[0-9a-f]{64}")
# json's C string encoder (ensure_ascii=False) escapes exactly '"', '\\' and U+0000..U+001F, as RFC 8785 does.
_encode_string: Callable[[str], str] = json.encoder.encode_basestring


@dataclass(frozen=True, slots=True)
class Envelope:
    """One leaf of the log: which object version, its SHA-256, its TLP and when it was logged."""

    object_id: str
    version: str
    sha256: str
    tlp: str
    time: str

    def __post_init__(self) -> None:
        # The common case in one expression (the publisher builds one envelope per record); the loop below
        # only runs to say what is wrong.
        o, v, s, t, m = self.object_id, self.version, self.sha256, self.tlp, self.time
        if (
            type(o) is str and o and type(v) is str and v and type(t) is str and t and type(m) is str and m
            and type(s) is str and len(s) == 64 and _HEX64.fullmatch(s)
        ):  # fmt: skip
            return
        for name in FIELDS:
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise InvalidInput(f"envelope {name} must be a non-empty string, found {value!r}")
        if not _HEX64.fullmatch(self.sha256):
            raise InvalidInput(f"envelope sha256 {self.sha256!r} is not 64 lower-case hex digits")

    def canonical(self) -> bytes:
        """The RFC 8785 canonical JSON bytes: the leaf data.

        Written out directly (the keys are fixed and sorted, every value is a string, escaped as RFC 8785
        §3.2.2.2 asks); tests check it against :func:`sarhad.canonical.canonical_bytes`.
        """
        enc = _encode_string
        text = (
            f'{{"object_id":{enc(self.object_id)},"sha256":"{self.sha256}","time":{enc(self.time)},'
            f'"tlp":{enc(self.tlp)},"version":{enc(self.version)}}}'
        )
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:
            return canonical_bytes(self.as_dict())  # raises InvalidInput naming the lone surrogate

    def as_dict(self) -> dict[str, str]:
        return {
            "object_id": self.object_id,
            "sha256": self.sha256,
            "time": self.time,
            "tlp": self.tlp,
            "version": self.version,
        }

    def leaf_hash(self) -> bytes:
        """``SHA-256(0x00 ‖ canonical())``."""
        return leaf_hash(self.canonical())

    @property
    def ref(self) -> str:
        """``object_id@version``, how messages name the object."""
        return f"{self.object_id}@{self.version}"

    def check_body(self, data: bytes, name: str) -> None:
        """Check that ``data`` (a file's bytes; ``name`` names it in messages) is the object version this
        envelope commits to.

        The exact bytes the log hashed pass as they are. Anything else is read as JSON, one STIX object or a
        bundle holding it ('sarhad stix-export'), and its RFC 8785 form is hashed: the same object printed
        with a trailing newline (as the ``sqlite3`` shell prints a column) or indented is the same JSON value,
        and only that value is committed to. A key given twice is refused, since readers of the file would
        disagree on its value.

        Raises InvalidInput when ``data`` is not JSON, or VerificationError when it holds no object whose
        canonical JSON hashes to the envelope's ``sha256``.
        """
        if hashlib.sha256(data).hexdigest() == self.sha256:
            return
        try:
            value = json.loads(data, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InvalidInput(
                f"{name}: not JSON ({exc}); give the object's JSON, one STIX object or a bundle that holds it"
            ) from None
        except ValueError as exc:  # from the hooks: a key given twice, NaN or Infinity
            raise InvalidInput(f"{name}: {exc}") from None
        if isinstance(value, dict) and value.get("type") == "bundle" and isinstance(value.get("objects"), list):
            found = [o for o in value["objects"] if isinstance(o, dict) and o.get("id") == self.object_id]
            if not found:
                raise VerificationError(f"{name}: the bundle holds no object {self.object_id}")
        else:
            found = [value]
        held = []
        for candidate in found:
            try:
                digest = hashlib.sha256(canonical_bytes(candidate)).hexdigest()
            except InvalidInput as exc:
                raise InvalidInput(f"{name}: {exc}") from None
            if digest == self.sha256:
                return
            held.append(f"{_what(candidate)} (SHA-256 {digest})")
        raise VerificationError(
            f"{name}: holds {'; '.join(held)}, whose canonical JSON (RFC 8785) is not the {self.ref} the log"
            f" committed to (SHA-256 {self.sha256})"
        )

    @classmethod
    def from_canonical(cls, data: bytes | str) -> Envelope:
        """Parse an envelope and check that ``data`` is exactly its canonical form (same keys, no extra
        white space or escapes). Raises InvalidInput otherwise."""
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        try:
            value: Any = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"envelope is not JSON: {exc}") from None
        if not isinstance(value, dict) or sorted(value) != list(FIELDS):
            keys = sorted(value) if isinstance(value, dict) else type(value).__name__
            raise InvalidInput(f"envelope must have exactly the keys {', '.join(FIELDS)}; found {keys}")
        env = cls(**value)
        if env.canonical() != raw:
            raise InvalidInput("envelope is not in RFC 8785 canonical form")
        return env


def _what(value: Any) -> str:
    """How a message names a JSON value given as an object: ``id@modified`` when it has them."""
    if not isinstance(value, dict):
        return "a JSON " + {list: "array", str: "string", bool: "true or false"}.get(type(value), "number or null")
    if not isinstance(value.get("id"), str):
        return "a JSON object without an id"
    modified = value.get("modified")
    return str(value["id"]) + (f"@{modified}" if isinstance(modified, str) else "")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for key, item in pairs:
        if key in value:
            raise ValueError(f"key {key!r} is given twice (readers would disagree on its value)")
        value[key] = item
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def like_pattern(object_id: str) -> str:
    """A SQL ``LIKE`` pattern (with ``ESCAPE`` :data:`LIKE_ESCAPE`) for the stored envelopes of ``object_id``.

    The id is written as :meth:`Envelope.canonical` writes it (JSON-escaped: a quote or backslash in it is
    stored escaped), as the first field, so the id of another object that contains it does not match; its
    ``%`` and ``_`` are escaped (:func:`sarhad.store.like.like_literal`) so that they match only themselves.
    SQLite's ``LIKE`` ignores the case of ASCII letters, so a caller compares the id of each envelope found.
    """
    return like_literal(f'{{"object_id":{_encode_string(object_id)},') + "%"
