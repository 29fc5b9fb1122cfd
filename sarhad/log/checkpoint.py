"""C2SP tlog-checkpoint: the signed statement of a log's size and root.

The note text is three lines, then optional extension lines::

    <origin>
    <tree size, decimal, no leading zeros>
    <root hash, standard base64>

sarhad signs every checkpoint with the node's Ed25519 key (a signed note whose key name is the origin) and
writes no extension lines; it parses them when others do.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from sarhad.errors import InvalidInput, VerificationError
from sarhad.log.merkle import HASH_SIZE
from sarhad.log.note import Note, Signer, Verifier, open_note, parse_note

__all__ = ["Checkpoint", "open_checkpoint"]

_SIZE = re.compile(r"0|[1-9][0-9]{0,19}")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A log checkpoint; ``note`` is the signed note that carried it (None for an unsigned body)."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()
    note: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin:
            raise InvalidInput("a checkpoint origin must be one non-empty line")
        if not 0 <= self.size <= 2**64 - 1:
            raise InvalidInput(f"checkpoint size {self.size} is outside 0..2**64-1")
        if len(self.root) != HASH_SIZE:
            raise InvalidInput(f"checkpoint root is {len(self.root)} bytes, expected {HASH_SIZE}")
        for ext in self.extensions:
            if not ext or "\n" in ext:
                raise InvalidInput("checkpoint extension lines must be non-empty single lines")

    def body(self) -> str:
        """The note text: origin, size, base64 root, extension lines, each ending in a newline."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode("ascii"), *self.extensions]
        return "".join(line + "\n" for line in lines)

    def sign(self, signer: Signer) -> Checkpoint:
        """This checkpoint signed by ``signer``; the result carries the note text."""
        return replace(self, note=signer.sign(self.body()))

    @classmethod
    def from_body(cls, text: str) -> Checkpoint:
        """Parse a checkpoint note text (without signatures). Raises InvalidInput when malformed."""
        if not text.endswith("\n"):
            raise InvalidInput("a checkpoint must end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise InvalidInput(f"a checkpoint has at least 3 lines (origin, size, root), found {len(lines)}")
        origin, size, root, *extensions = lines
        if not origin:
            raise InvalidInput("checkpoint origin line is empty")
        if not _SIZE.fullmatch(size) or int(size) > 2**64 - 1:
            raise InvalidInput(f"checkpoint size {size!r} is not a decimal uint64 without leading zeros")
        try:
            raw = base64.b64decode(root.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            raise InvalidInput(f"checkpoint root {root!r} is not base64") from None
        if len(raw) != HASH_SIZE or base64.b64encode(raw).decode("ascii") != root:
            raise InvalidInput(f"checkpoint root {root!r} is not the canonical base64 of a 32-byte hash")
        if any(not e for e in extensions):
            raise InvalidInput("checkpoint extension lines must not be empty")
        return cls(origin, int(size), raw, tuple(extensions))

    @classmethod
    def parse(cls, note: str) -> Checkpoint:
        """Parse a signed checkpoint note *without* checking its signatures."""
        parsed = parse_note(note)
        return replace(cls.from_body(parsed.text), note=note)


def open_checkpoint(note: str, verifiers: Iterable[Verifier], origin: str | None = None) -> tuple[Checkpoint, Note]:
    """Verify a signed checkpoint and parse it.

    The note must be signed by one of ``verifiers`` (see :func:`sarhad.log.note.open_note`); when ``origin``
    is given, the checkpoint must be for that log. Raises InvalidInput when malformed and VerificationError
    when a signature or the origin does not check.
    """
    opened = open_note(note, verifiers)
    checkpoint = replace(Checkpoint.from_body(opened.text), note=note)
    if origin is not None and checkpoint.origin != origin:
        raise VerificationError(f"checkpoint is for origin {checkpoint.origin!r}, expected {origin!r}")
    return checkpoint, opened
