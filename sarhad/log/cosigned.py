"""A cosigned checkpoint checked offline: the log's signature and each witness's cosignature, line by line.

An auditor holds a signed checkpoint (C2SP signed-note, tlog-checkpoint) with its cosignatures
(C2SP tlog-cosignature, ``cosignature/v1``), the log's verifier key and the witnesses' keys. Unlike
:func:`sarhad.log.note.open_note`, which stops at the first bad signature, :func:`check_cosigned` gives every
signature line a status, so that what is wrong, and where, can be shown in full:

* ``valid``: the log's signature, or a witness's cosignature dated no later than ``now`` (with
  :data:`CLOCK_SKEW` of slack);
* ``invalid``: a line by a given key (its name and key ID) whose signature does not verify;
* ``future``: a witness's cosignature that verifies but is dated after ``now`` + :data:`CLOCK_SKEW` (a witness
  does not vouch for a checkpoint at a time that has not come);
* ``wrong name``: a line named otherwise whose signature verifies with a witness's key (the cosignature/v1
  message does not hold the key name, so the key of one witness must not pass under another's name);
* ``unknown key``: a line by a key the auditor did not give (not checked, not counted);
* ``missing``: a given witness (or the log) that signed no line.

The checkpoint passes when the log's signature is valid, no line is ``invalid``, ``future`` or ``wrong name``,
and at least ``quorum`` of the given witnesses cosigned (by default, every one).
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sarhad.errors import InvalidInput
from sarhad.log.checkpoint import Checkpoint
from sarhad.log.cosignature import CosignatureVerifier
from sarhad.log.note import Signature, Verifier, parse_note

__all__ = ["CLOCK_SKEW", "CosignedCheckpoint", "SignatureStatus", "check_cosigned"]

CLOCK_SKEW = 300  # seconds a witness's clock may run ahead of the auditor's before its cosignature is refused


def _when(timestamp: int) -> str:
    try:
        return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return f"{timestamp} s after 1970"


@dataclass(frozen=True, slots=True)
class SignatureStatus:
    """One signature line of a checkpoint (or a missing one): whose (``role``: ``log``, ``witness`` or
    ``unknown``), the name and key ID, its status (see the module doc), its time (cosignatures) and why."""

    role: str
    name: str
    key_id: int
    status: str
    timestamp: int | None = None
    detail: str = ""

    @property
    def problem(self) -> bool:
        """True for a line that makes the checkpoint fail whatever the quorum."""
        return self.status in ("invalid", "future", "wrong name") or (self.role == "log" and self.status != "valid")

    def summary(self) -> str:
        """``cosignature by NAME (keyid): valid, at 2026-…`` (a problem in capitals)."""
        what = "log signature" if self.role == "log" else "cosignature"
        status = self.status.upper() if self.problem else self.status
        at = f", at {_when(self.timestamp)}" if self.timestamp is not None else ""
        detail = f" ({self.detail})" if self.detail else ""
        return f"{what} by {self.name} ({self.key_id:08x}): {status}{at}{detail}"

    def as_dict(self) -> dict[str, object]:
        return {
            "role": self.role,
            "name": self.name,
            "key_id": f"{self.key_id:08x}",
            "status": self.status,
            "timestamp": self.timestamp,
            "detail": self.detail or None,
        }


@dataclass(frozen=True, slots=True)
class CosignedCheckpoint:
    """A checkpoint and the status of each of its signatures; ``witnessed`` given witnesses cosigned it
    (``witnesses`` were given) and ``quorum`` had to."""

    checkpoint: Checkpoint
    signatures: tuple[SignatureStatus, ...]
    witnesses: int
    witnessed: int
    quorum: int

    @property
    def label(self) -> str:
        return f"the checkpoint of size {self.checkpoint.size}"

    def problems(self) -> list[str]:
        """What makes the checkpoint fail, one sentence each (empty when it passes)."""
        out = [f"{self.label}: {s.summary()}" for s in self.signatures if s.problem]
        if self.witnessed < self.quorum:
            missing = [s.name for s in self.signatures if s.role == "witness" and s.status == "missing"]
            no = "; ".join(f"no cosignature by witness {name}" for name in missing)
            out.append(
                f"{self.label}: {self.witnessed} of {self.witnesses} witness{'es' if self.witnesses != 1 else ''}"
                f" cosigned, quorum {self.quorum}" + (f" ({no})" if no else "")
            )
        return out

    @property
    def ok(self) -> bool:
        return not self.problems()

    def summary(self) -> str:
        """``the checkpoint of size 37 of ORIGIN: 1 of 1 witness cosigned (quorum 1)``."""
        plural = "es" if self.witnesses != 1 else ""
        return (
            f"{self.label} of {self.checkpoint.origin}: {self.witnessed} of {self.witnesses} witness{plural}"
            f" cosigned (quorum {self.quorum})"
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "origin": self.checkpoint.origin,
            "size": self.checkpoint.size,
            "root": base64.b64encode(self.checkpoint.root).decode("ascii"),
            "signatures": [s.as_dict() for s in self.signatures],
            "witnesses": self.witnesses,
            "witnessed": self.witnessed,
            "quorum": self.quorum,
            "ok": self.ok,
            "problems": self.problems(),
        }


def check_cosigned(
    note: str,
    log_key: Verifier,
    witnesses: Sequence[CosignatureVerifier],
    *,
    now: int,
    quorum: int | None = None,
) -> CosignedCheckpoint:
    """Give every signature of the checkpoint ``note`` a status (see the module doc); never raises for a bad
    signature, which the result names.

    ``now`` is the auditor's clock (seconds since 1970); ``quorum`` is how many of ``witnesses`` must cosign
    (default: all). Raises InvalidInput when the note or the checkpoint is malformed or the quorum is outside
    0..len(witnesses).
    """
    given = {(w.name, w.key_id): w for w in witnesses}
    need = len(given) if quorum is None else quorum
    if not 0 <= need <= len(given):
        raise InvalidInput(
            f"--quorum {need} is more than the {len(given)} witness key{'s' if len(given) != 1 else ''} given"
            if need > len(given)
            else f"--quorum {need} is negative"
        )
    # 1. The note and its checkpoint text (signed-note §Format, tlog-checkpoint §Note text).
    parsed = parse_note(note)
    checkpoint = Checkpoint.parse(note)
    text = parsed.text.encode("utf-8")
    out: list[SignatureStatus] = []
    seen: set[tuple[str, int]] = set()
    signed: set[tuple[str, int]] = set()
    renamed: set[str] = set()  # witnesses whose key signed under another name (said once, not also missing)
    for sig in parsed.signatures:
        status, by = _line(sig, text, log_key, given, seen, now)
        out.append(status)
        if status.status == "valid":
            signed.add((sig.name, sig.key_id))
        if by is not None:
            renamed.add(by)
        seen.add((sig.name, sig.key_id))
    # 2. Those that signed nothing: the log (which must), and the witnesses (the quorum says how many must).
    if (log_key.name, log_key.key_id) not in seen:
        names = ", ".join(sorted({f"{s.name} ({s.key_id:08x})" for s in parsed.signatures})) or "none"
        out.insert(
            0,
            SignatureStatus(
                "log", log_key.name, log_key.key_id, "missing", None,
                f"note is not signed by a known key (signed by: {names}; expected: {log_key.name}"
                f" ({log_key.key_id:08x}))",
            ),
        )  # fmt: skip
    for (name, kid), _w in given.items():
        if (name, kid) not in seen and name not in renamed:
            out.append(SignatureStatus("witness", name, kid, "missing", None, f"no cosignature by witness {name}"))
    witnessed = len([k for k in signed if k in given])
    return CosignedCheckpoint(checkpoint, tuple(out), len(given), witnessed, need)


def _line(
    sig: Signature,
    text: bytes,
    log_key: Verifier,
    given: dict[tuple[str, int], CosignatureVerifier],
    seen: set[tuple[str, int]],
    now: int,
) -> tuple[SignatureStatus, str | None]:
    """The status of one signature line (step 1 of :func:`check_cosigned`), and the name of the given witness
    whose key signed it under another name (else None)."""
    key = (sig.name, sig.key_id)
    if key in seen and (key == (log_key.name, log_key.key_id) or key in given):
        return SignatureStatus(
            _role(key, log_key), sig.name, sig.key_id, "invalid", None, "a second line by this key"
        ), None
    if key == (log_key.name, log_key.key_id):
        ok = log_key.verify(text, sig.signature)
        why = "" if ok else "the signature does not verify with the log's key"
        return SignatureStatus("log", sig.name, sig.key_id, "valid" if ok else "invalid", None, why), None
    timestamp = _timestamp(sig)
    witness = given.get(key)
    if witness is not None:
        if not witness.verify(text, sig.signature):
            why = "the cosignature does not verify with the witness's key"
            return SignatureStatus("witness", sig.name, sig.key_id, "invalid", timestamp, why), None
        assert timestamp is not None  # a verified cosignature/v1 has its 8-byte time
        if timestamp > now + CLOCK_SKEW:
            why = (
                f"it is dated {_when(timestamp)}, {timestamp - now} s in the future of {_when(now)}, the time it"
                " is checked at: refused"
            )
            return SignatureStatus("witness", sig.name, sig.key_id, "future", timestamp, why), None
        return SignatureStatus("witness", sig.name, sig.key_id, "valid", timestamp), None
    # Not a given key's line: unless it verifies with a given witness's key under another name, unknown.
    for w in given.values():
        if w.verify(text, sig.signature):
            why = f"signed by the key of witness {w.name} under the name {sig.name!r}: refused"
            return SignatureStatus("witness", sig.name, sig.key_id, "wrong name", timestamp, why), w.name
    return SignatureStatus("unknown", sig.name, sig.key_id, "unknown key", timestamp, "not checked"), None


def _role(key: tuple[str, int], log_key: Verifier) -> str:
    return "log" if key == (log_key.name, log_key.key_id) else "witness"


def _timestamp(sig: Signature) -> int | None:
    """A cosignature/v1 line's time (its first 8 bytes), or None for a line of another length."""
    if len(sig.signature) != 8 + 64:
        return None
    (ts,) = struct.unpack(">Q", sig.signature[:8])
    return int(ts)
