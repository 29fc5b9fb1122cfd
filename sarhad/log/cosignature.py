"""C2SP tlog-cosignature v1 (signature type 0x04): a witness's Ed25519 signature over a checkpoint.

The signed message is ``"cosignature/v1\\ntime <timestamp>\\n" + <checkpoint note text>``; the signature line's
bytes after the key ID are ``u64be timestamp ‖ 64-byte Ed25519 signature``. The cosigner's key name is not
in the message, so each key belongs to one cosigner.
"""

from __future__ import annotations

import struct
import time as _time
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sarhad.errors import InvalidInput, VerificationError
from sarhad.log.note import SIG_COSIGNATURE_V1, Signature, Signer, Verifier, add_signatures, parse_note

__all__ = ["Cosignature", "CosignatureSigner", "CosignatureVerifier", "cosignature_message", "verify_cosignatures"]


def cosignature_message(checkpoint_text: str, timestamp: int) -> bytes:
    """The bytes a cosignature/v1 signs for the checkpoint note text at ``timestamp`` (seconds since 1970)."""
    if not 0 <= timestamp <= 2**63 - 1:
        raise InvalidInput(f"cosignature timestamp {timestamp} is outside 0..2**63-1")
    return f"cosignature/v1\ntime {timestamp}\n".encode() + checkpoint_text.encode("utf-8")


class CosignatureVerifier(Verifier):
    """Checks cosignature/v1 signatures (vkey type 0x04)."""

    __slots__ = ()

    def __init__(self, name: str, public_key: bytes, sigtype: int = SIG_COSIGNATURE_V1) -> None:
        if sigtype != SIG_COSIGNATURE_V1:
            raise InvalidInput("a cosignature verifier has type 0x04")
        super().__init__(name, public_key, SIG_COSIGNATURE_V1)

    def verify(self, text: bytes, signature: bytes) -> bool:
        if len(signature) != 8 + 64:
            return False
        (timestamp,) = struct.unpack(">Q", signature[:8])
        if timestamp > 2**63 - 1:  # the spec's bound
            return False
        message = f"cosignature/v1\ntime {timestamp}\n".encode() + text
        return super().verify(message, signature[8:])


@dataclass(frozen=True, slots=True)
class Cosignature:
    """A verified cosignature: who signed, when (seconds since 1970) and the signature line."""

    name: str
    key_id: int
    timestamp: int
    signature: Signature


class CosignatureSigner(Signer):
    """A witness key that cosigns checkpoints (type 0x04)."""

    __slots__ = ()

    sigtype = SIG_COSIGNATURE_V1

    @property
    def verifier(self) -> CosignatureVerifier:
        return CosignatureVerifier(self.name, self.public_key)

    @classmethod
    def generate(cls, name: str) -> CosignatureSigner:
        return cls(name, Ed25519PrivateKey.generate())

    def cosign(self, checkpoint_text: str, timestamp: int | None = None) -> Signature:
        """The cosignature line's signature for a checkpoint note text (default time: now)."""
        ts = int(_time.time()) if timestamp is None else timestamp
        sig = self.sign_bytes(cosignature_message(checkpoint_text, ts))
        return Signature(self.name, self.key_id, struct.pack(">Q", ts) + sig)

    def cosign_note(self, note: str, timestamp: int | None = None) -> str:
        """The signed checkpoint ``note`` with this witness's cosignature appended."""
        return add_signatures(note, [self.cosign(parse_note(note).text, timestamp)])

    def sign(self, text: str) -> str:
        raise InvalidInput("a cosignature key signs checkpoints with cosign(), not plain notes")


def verify_cosignatures(note: str, witnesses: Iterable[CosignatureVerifier]) -> list[Cosignature]:
    """The cosignatures on ``note`` by known ``witnesses``; raises VerificationError when a known witness's
    cosignature does not verify. Unknown signatures are ignored."""
    parsed = parse_note(note)
    known = {(w.name, w.key_id): w for w in witnesses}
    text = parsed.text.encode("utf-8")
    out: list[Cosignature] = []
    for sig in parsed.signatures:
        w = known.get((sig.name, sig.key_id))
        if w is None:
            continue
        if not w.verify(text, sig.signature):
            raise VerificationError(f"invalid cosignature by {sig.name} ({sig.key_id:08x})")
        (ts,) = struct.unpack(">Q", sig.signature[:8])
        out.append(Cosignature(sig.name, sig.key_id, ts, sig))
    return out
