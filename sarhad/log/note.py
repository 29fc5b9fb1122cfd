"""C2SP signed notes (c2sp.org/signed-note) with Ed25519, verifier keys and key files.

A note is UTF-8 text ending in a newline, a blank line, then one or more signature lines::

    — <key name> <base64(4-byte key ID ‖ signature)>

The key ID is the first 4 bytes of ``SHA-256(name ‖ 0x0A ‖ sigtype ‖ public key)``; a verifier key (vkey) is
``<name>+<8 hex digits of the key ID>+<base64(sigtype ‖ public key)>``. Type 0x01 signs the note text with
Ed25519; type 0x04 is a tlog-cosignature/v1 (see :mod:`sarhad.log.cosignature`).

Private keys are kept in the Go ``golang.org/x/mod/sumdb/note`` format,
``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ‖ 32-byte seed)>``, in a file of mode 0600. No repr, message
or log line ever shows them.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import stat
import struct
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Self

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from sarhad.errors import ConfigError, InvalidInput, NotFound, VerificationError

if TYPE_CHECKING:
    from sarhad.log.cosignature import CosignatureSigner

__all__ = [
    "MAX_SIGNATURES",
    "SIG_COSIGNATURE_V1",
    "SIG_ED25519",
    "Note",
    "Signature",
    "Signer",
    "Verifier",
    "add_signatures",
    "key_id",
    "open_note",
    "parse_note",
    "sign_note",
]

SIG_ED25519 = 0x01
SIG_COSIGNATURE_V1 = 0x04
MAX_SIGNATURES = 100  # the spec asks verifiers to accept at least 16; Go's note package stops at 100
_DASH = "\u2014 "  # EM DASH + space starts every signature line
_PRIVATE_PREFIX = "PRIVATE+KEY+"
_RESERVED_PREFIXES = ("cosignature/", "subtree/")


def key_id(name: str, sigtype: int, public_key: bytes) -> int:
    """``SHA-256(name ‖ 0x0A ‖ sigtype ‖ public key)[:4]`` as a big-endian integer."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([sigtype]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def check_key_name(name: str) -> None:
    """Raise InvalidInput unless ``name`` is a valid key name (non-empty, no spaces, no '+')."""
    if not name:
        raise InvalidInput("a key name must not be empty")
    for ch in name:
        if ch == "+" or ch.isspace() or unicodedata.category(ch) in ("Zs", "Zl", "Zp", "Cc", "Cf", "Cs"):
            raise InvalidInput(f"key name {name!r} contains {ch!r}: names hold no spaces, '+' or control characters")


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise InvalidInput("a note's text must end with a newline")
    for ch in text:
        if ch != "\n" and (ord(ch) < 0x20 or ch == "\x7f"):
            raise InvalidInput(f"a note's text must hold no control characters other than newline, found {ch!r}")


def _b64decode(value: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise InvalidInput(f"{what} is not valid base64") from exc
    if base64.b64encode(raw).decode("ascii") != value:
        raise InvalidInput(f"{what} is not canonical base64")
    return raw


@dataclass(frozen=True, slots=True)
class Signature:
    """One signature line of a note: the key name, its 4-byte key ID, and the signature bytes after the ID."""

    name: str
    key_id: int
    signature: bytes

    def line(self) -> str:
        """The signature line, ``— name base64(keyID ‖ signature)\\n``."""
        return f"{_DASH}{self.name} {base64.b64encode(struct.pack('>I', self.key_id) + self.signature).decode()}\n"


@dataclass(frozen=True, slots=True)
class Note:
    """A parsed note: its text (ending in a newline) and signatures. After :func:`open_note`, ``verified``
    holds the signatures that a known key checked, ``unverified`` those of unknown keys."""

    text: str
    signatures: tuple[Signature, ...]
    verified: tuple[Signature, ...] = field(default=())
    unverified: tuple[Signature, ...] = field(default=())

    def render(self) -> str:
        """The note as text: the body, a blank line and the signature lines."""
        return self.text + "\n" + "".join(s.line() for s in self.signatures)


def parse_note(note: str) -> Note:
    """Split a signed note into text and signatures without checking any. Raises InvalidInput when malformed."""
    if not isinstance(note, str):
        raise InvalidInput("a note must be text")
    split = note.rfind("\n\n")
    if split < 0:
        raise InvalidInput("malformed note: no blank line before the signatures")
    text = note[: split + 1]
    sigs = note[split + 2 :]
    _check_text(text)
    if not sigs:
        raise InvalidInput("malformed note: no signature line after the blank line (the note is not signed)")
    if not sigs.endswith("\n"):
        raise InvalidInput("malformed note: the signature lines must end with a newline")
    out: list[Signature] = []
    for number, line in enumerate(sigs[:-1].split("\n"), start=1):
        if not line.startswith(_DASH):
            raise InvalidInput(f"malformed note: signature line {number} does not start with '— '")
        name, sep, b64 = line[len(_DASH) :].partition(" ")
        if not sep or not b64:
            raise InvalidInput(f"malformed note: signature line {number} has no signature")
        check_key_name(name)
        raw = _b64decode(b64, f"signature line {number}")
        if len(raw) < 5:
            raise InvalidInput(f"malformed note: signature line {number} is too short")
        out.append(Signature(name, int.from_bytes(raw[:4], "big"), raw[4:]))
        if len(out) > MAX_SIGNATURES:
            raise InvalidInput(f"malformed note: more than {MAX_SIGNATURES} signatures")
    return Note(text, tuple(out))


class Verifier:
    """A public key that checks one kind of note signature: Ed25519 (type 0x01) or cosignature/v1 (0x04).

    Build one from a vkey string with :meth:`from_vkey`.
    """

    __slots__ = ("_public", "key_id", "name", "public_key", "sigtype")

    def __init__(self, name: str, public_key: bytes, sigtype: int = SIG_ED25519) -> None:
        check_key_name(name)
        if sigtype not in (SIG_ED25519, SIG_COSIGNATURE_V1):
            raise InvalidInput(f"signature type 0x{sigtype:02x} is not supported (0x01 Ed25519, 0x04 cosignature)")
        if len(public_key) != 32:
            raise InvalidInput(f"an Ed25519 public key is 32 bytes, found {len(public_key)}")
        self.name = name
        self.public_key = bytes(public_key)
        self.sigtype = sigtype
        self.key_id = key_id(name, sigtype, public_key)
        self._public = Ed25519PublicKey.from_public_bytes(public_key)

    @classmethod
    def from_vkey(cls, vkey: str) -> Verifier:
        """Parse ``name+hex8+base64(type ‖ key)``. Raises InvalidInput when malformed or the ID does not match."""
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3:
            raise InvalidInput(f"verifier key {vkey!r} is not name+keyid+key")
        name, hex_id, b64 = parts
        if len(hex_id) != 8 or any(c not in "0123456789abcdef" for c in hex_id):
            raise InvalidInput(f"verifier key {vkey!r}: the key ID must be 8 lower-case hex digits")
        raw = _b64decode(b64, f"verifier key {vkey!r}")
        if len(raw) < 2:
            raise InvalidInput(f"verifier key {vkey!r} is too short")
        if raw[0] == SIG_COSIGNATURE_V1:
            from sarhad.log.cosignature import CosignatureVerifier

            verifier: Verifier = CosignatureVerifier(name, raw[1:])
        else:
            verifier = cls(name, raw[1:], raw[0])
        if verifier.key_id != int(hex_id, 16):
            raise InvalidInput(
                f"verifier key {vkey!r}: key ID {hex_id} does not match the key (expected {verifier.key_id:08x})"
            )
        return verifier

    @property
    def vkey(self) -> str:
        """The C2SP verifier key string."""
        return f"{self.name}+{self.key_id:08x}+{base64.b64encode(bytes([self.sigtype]) + self.public_key).decode()}"

    def verify(self, text: bytes, signature: bytes) -> bool:
        """True when ``signature`` (without the key ID) signs the note text ``text``."""
        if len(signature) != 64:
            return False
        try:
            self._public.verify(signature, text)
        except InvalidSignature:
            return False
        return True

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.vkey!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Verifier) and self.vkey == other.vkey

    def __hash__(self) -> int:
        return hash(self.vkey)


class Signer:
    """An Ed25519 note signer (type 0x01). The private key never appears in a repr, message or log line."""

    __slots__ = ("_private", "key_id", "name", "public_key")

    sigtype = SIG_ED25519

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        check_key_name(name)
        self.name = name
        self._private = private_key
        self.public_key = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = key_id(name, self.sigtype, self.public_key)

    @classmethod
    def generate(cls, name: str) -> Signer:
        """A new random key named ``name`` (e.g. the log's origin)."""
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, name: str, seed: bytes) -> Self:
        """The key whose 32-byte Ed25519 seed is ``seed`` (for tests and vectors)."""
        if len(seed) != 32:
            raise InvalidInput(f"an Ed25519 seed is 32 bytes, found {len(seed)}")
        return cls(name, Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def from_private_key(cls, text: str) -> Signer:
        """Parse ``PRIVATE+KEY+name+hex8+base64(type ‖ seed)``. Errors never repeat the key."""
        text = text.strip()
        if not text.startswith(_PRIVATE_PREFIX):
            raise InvalidInput("not a signer key: expected PRIVATE+KEY+name+keyid+key")
        parts = text[len(_PRIVATE_PREFIX) :].split("+", 2)
        if len(parts) != 3:
            raise InvalidInput("not a signer key: expected PRIVATE+KEY+name+keyid+key")
        name, hex_id, b64 = parts
        try:
            raw = base64.b64decode(b64.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            raise InvalidInput("signer key: the key is not valid base64") from None
        if len(raw) != 33 or raw[0] != cls.sigtype:
            raise InvalidInput(f"signer key: expected type 0x{cls.sigtype:02x} and a 32-byte seed")
        signer = cls.from_seed(name, raw[1:])
        if hex_id != f"{signer.key_id:08x}":
            raise InvalidInput(f"signer key for {name!r}: key ID {hex_id} does not match the key")
        return signer

    def private_key_text(self) -> str:
        """The key in ``PRIVATE+KEY+…`` form. Secret: write it only to a 0600 file."""
        seed = self._private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        key = base64.b64encode(bytes([self.sigtype]) + seed).decode()
        return f"{_PRIVATE_PREFIX}{self.name}+{self.key_id:08x}+{key}"

    @classmethod
    def from_key_file(cls, path: Path | str) -> Signer:
        """Read a key file. Raises NotFound when it is missing, ConfigError when others may read it or it is
        malformed."""
        path = Path(path)
        try:
            st = path.stat()
        except FileNotFoundError:
            raise NotFound(f"no signing key at {path}") from None
        if os.name == "posix" and st.st_mode & 0o077:
            raise ConfigError(
                f"signing key {path} is readable by others (mode {stat.S_IMODE(st.st_mode):04o}); run chmod 600"
            )
        try:
            return cls.from_private_key(path.read_text(encoding="ascii"))
        except (InvalidInput, UnicodeDecodeError) as exc:
            raise ConfigError(f"signing key {path} is malformed: {exc}") from None

    def write_key_file(self, path: Path | str) -> Path:
        """Write the key to ``path`` with mode 0600 (replacing an existing file) and return the path.

        The key is written to a temporary file beside ``path`` and renamed over it, so a reader never finds
        half a key. Raises OSError (of the failure's kind) naming ``path``, the file the user knows, not the
        temporary one, which is removed.
        """
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.fchmod(fd, 0o600)
                os.write(fd, (self.private_key_text() + "\n").encode("ascii"))
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except OSError as exc:
            with contextlib.suppress(OSError):  # not there, or not ours to remove (a folder of that name)
                tmp.unlink()
            raise OSError(exc.errno, f"cannot write the signing key: {exc.strerror or exc}", str(path)) from exc
        return path

    @property
    def verifier(self) -> Verifier:
        """The matching verifier."""
        return Verifier(self.name, self.public_key, self.sigtype)

    @property
    def vkey(self) -> str:
        """The C2SP verifier key string (``name+hex8+base64``)."""
        return self.verifier.vkey

    def sign_bytes(self, message: bytes) -> bytes:
        """A raw Ed25519 signature over ``message``."""
        return self._private.sign(message)

    def signature(self, text: str) -> Signature:
        """The signature of note text ``text`` (checked: ends in a newline, no control characters).

        Texts that begin like a cosignature message (``cosignature/`` or ``subtree/``) are refused, so the
        same key can also cosign (:meth:`cosigner`) without one kind of signature passing for the other.
        """
        _check_text(text)
        if text.startswith(_RESERVED_PREFIXES):
            raise InvalidInput("note texts starting with 'cosignature/' or 'subtree/' are reserved for cosignatures")
        return Signature(self.name, self.key_id, self.sign_bytes(text.encode("utf-8")))

    def cosigner(self) -> CosignatureSigner:
        """The same Ed25519 key as a tlog-cosignature/v1 signer (type 0x04: another key ID, and the
        ``cosignature/v1`` header separates the signed messages)."""
        from sarhad.log.cosignature import CosignatureSigner

        return CosignatureSigner(self.name, self._private)

    def sign(self, text: str) -> str:
        """The signed note: ``text``, a blank line and this key's signature line."""
        return text + "\n" + self.signature(text).line()

    def __repr__(self) -> str:
        return f"Signer({self.name!r}, key_id={self.key_id:08x})"


def sign_note(text: str, signers: Sequence[Signer]) -> str:
    """``text`` signed by every signer, in order."""
    if not signers:
        raise InvalidInput("a note needs at least one signer")
    return text + "\n" + "".join(s.signature(text).line() for s in signers)


def add_signatures(note: str, signatures: Iterable[Signature]) -> str:
    """The note with extra signature lines appended (lines already present are not repeated)."""
    parsed = parse_note(note)
    out = list(parsed.signatures)
    for sig in signatures:
        if sig not in out:
            out.append(sig)
    return Note(parsed.text, tuple(out)).render()


def open_note(note: str, verifiers: Iterable[Verifier]) -> Note:
    """Parse ``note`` and check its signatures against ``verifiers``.

    Signatures whose name and key ID match no verifier are kept as ``unverified``; a signature by a known key
    that does not verify rejects the note; at least one known key must sign. Raises InvalidInput when the note
    is malformed and VerificationError when its signatures do not check.
    """
    parsed = parse_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    text = parsed.text.encode("utf-8")
    verified: list[Signature] = []
    unverified: list[Signature] = []
    seen: set[tuple[str, int]] = set()
    for sig in parsed.signatures:
        key = (sig.name, sig.key_id)
        verifier = known.get(key)
        if verifier is None:
            unverified.append(sig)
            continue
        if key in seen:
            raise VerificationError(f"note has two signatures by {sig.name} ({sig.key_id:08x})")
        seen.add(key)
        if not verifier.verify(text, sig.signature):
            raise VerificationError(f"invalid signature by {sig.name} ({sig.key_id:08x})")
        verified.append(sig)
    if not verified:
        names = ", ".join(sorted({f"{s.name} ({s.key_id:08x})" for s in parsed.signatures})) or "none"
        expected = ", ".join(sorted(f"{name} ({kid:08x})" for name, kid in known)) or "none"
        raise VerificationError(f"note is not signed by a known key (signed by: {names}; expected: {expected})")
    return Note(parsed.text, parsed.signatures, tuple(verified), tuple(unverified))
