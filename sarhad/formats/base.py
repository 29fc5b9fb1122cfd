"""What a tabular dataset format provides, and the helpers its row parsers share.

A format parses one CSV row (column → text) into an :class:`Incident` and writes an incident back as a row.
Parsers raise :class:`RowError` naming the field; the importer adds the file and line.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from sarhad.canonical import canonical_text
from sarhad.model.incident import Incident

__all__ = [
    "RowContext",
    "RowError",
    "TableFormat",
    "opt_float",
    "opt_int",
    "raw_digest",
    "raw_text",
    "req",
]


class RowError(Exception):
    """One field of one row is wrong (internal to parsing; the importer turns it into InvalidInput)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class RowContext:
    """What a row parser knows besides the row: who asserts it."""

    reported_by: str
    tlp: str = "CLEAR"


@dataclass(frozen=True, slots=True)
class TableFormat:
    """A CSV dataset format.

    ``columns`` is the canonical header (the export writes it); ``required`` the columns an input must have;
    ``parse`` turns a row into an Incident; ``to_row`` writes an Incident (and its verbatim source row, if it
    came from this format) back as a row; ``default_reporter`` is who asserts rows without ``--reported-by``.
    """

    name: str
    columns: tuple[str, ...]
    required: frozenset[str]
    licence: str
    default_reporter: str
    parse: Callable[[Mapping[str, str], RowContext], Incident]
    to_row: Callable[[Incident, Mapping[str, str] | None], dict[str, str]]
    id_column: str


def req(row: Mapping[str, str], field: str) -> str:
    """The non-blank value of ``field``, stripped. Raises RowError when blank."""
    value = row.get(field, "").strip()
    if not value:
        raise RowError(field, "is empty")
    return value


_MISSING: Final = frozenset({"", "NA", "NULL", "null", "None"})


def opt_int(row: Mapping[str, str], field: str, *, sentinels: frozenset[int] = frozenset()) -> int | None:
    """The integer in ``field``, or None when blank or a sentinel (e.g. GTD's -9/-99).

    Accepts ``12`` and ``12.0``. Raises RowError for anything else or a negative count.
    """
    text = row.get(field, "").strip()
    if text in _MISSING:
        return None
    try:
        number = float(text)
    except ValueError:
        raise RowError(field, f"{text!r} is not a number") from None
    if not number.is_integer():
        raise RowError(field, f"{text!r} is not a whole number")
    value = int(number)
    if value in sentinels:
        return None
    if value < 0:
        raise RowError(field, f"{text!r} is negative")
    return value


def opt_float(row: Mapping[str, str], field: str, low: float, high: float) -> float | None:
    """The number in ``field`` within ``low..high``, or None when blank. Raises RowError otherwise."""
    text = row.get(field, "").strip()
    if text in _MISSING:
        return None
    try:
        value = float(text)
    except ValueError:
        raise RowError(field, f"{text!r} is not a number") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise RowError(field, f"{text} is outside {low:g}..{high:g}")
    return value


def raw_text(row: Mapping[str, str]) -> str:
    """A source row's canonical JSON text: what ``raw_rows`` stores and ``raw_sha256`` hashes."""
    return canonical_text(dict(row))


def raw_digest(row: Mapping[str, str]) -> str:
    """SHA-256 (hex) of a source row's canonical JSON: what the record's ``raw_sha256`` holds."""
    return hashlib.sha256(raw_text(row).encode()).hexdigest()
