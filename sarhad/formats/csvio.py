"""Streaming CSV reading with line numbers and clear errors, in constant memory.

Rows come out as ``(line, {column: text})`` where ``line`` is the physical line the row starts on (a quoted
field may span lines). Invalid UTF-8, an unterminated quote, a wrong header or an empty file raise
InvalidInput saying where.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from sarhad.errors import InvalidInput

__all__ = ["read_header", "read_rows"]

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
MAX_FIELD = 1_000_000  # characters; a longer field is hostile or broken


def _open(path: Path) -> IO[str]:
    try:
        # surrogateescape keeps invalid bytes visible so that we can say on which line they are
        return path.open("r", encoding="utf-8-sig", errors="surrogateescape", newline="")
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read: {exc.strerror}") from exc


def _bad_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read_header(path: Path) -> list[str]:
    """The header row of ``path``. Raises InvalidInput when the file is empty or unreadable."""
    with _open(path) as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise InvalidInput(f"{path.name}:1: header: the file is empty (expected a header row)") from None
        except csv.Error as exc:
            raise InvalidInput(f"{path.name}:1: {exc}") from exc
    return header


def read_rows(
    path: Path, required: frozenset[str], *, known: tuple[str, ...] = ()
) -> Iterator[tuple[int, dict[str, str], str | None]]:
    """Yield ``(line, row, problem)`` for each data row of the CSV file ``path``.

    ``problem`` is None for a well-formed row, else what is wrong with this row alone (``field: message``:
    a wrong field count, bytes that are not UTF-8, an oversized field), which the caller may skip.
    Raises InvalidInput for what breaks the whole file: it is empty, the header lacks a ``required``
    column or repeats one, or a quote is never closed.
    """
    name = path.name
    with _open(path) as fh:
        reader = csv.reader(fh, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            raise InvalidInput(f"{name}:1: header: the file is empty (expected a header row)") from None
        except csv.Error as exc:
            raise InvalidInput(f"{name}:1: {exc}") from exc
        header = [h.strip() for h in header]
        if any(_bad_text(h) for h in header):
            raise InvalidInput(f"{name}:1: the header is not valid UTF-8")
        missing = sorted(required - set(header))
        if missing:
            hint = f" (expected the {len(known)} columns of this format)" if known else ""
            raise InvalidInput(
                f"{name}:1: header: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}{hint}"
            )
        if len(set(header)) != len(header):
            dupes = sorted({h for h in header if header.count(h) > 1})
            raise InvalidInput(f"{name}:1: header: column {', '.join(dupes)} appears twice")
        width = len(header)
        last = reader.line_num
        while True:
            start = last + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InvalidInput(f"{name}:{start}: row: {exc} (an unterminated quote?)") from exc
            last = reader.line_num
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # blank line
            problem = None
            if len(fields) != width:
                problem = f"row: has {len(fields)} fields, the header has {width}"
                fields = (fields + [""] * width)[:width]
            else:
                joined = "".join(fields)  # ASCII (the common case) is valid UTF-8, and short rows have no long field
                if not joined.isascii() and _bad_text(joined):
                    bad = next(i for i, value in enumerate(fields) if _bad_text(value))
                    problem = f"{header[bad]}: the bytes are not valid UTF-8"
                    fields = [v.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for v in fields]
                elif len(joined) > MAX_FIELD and max(map(len, fields)) > MAX_FIELD:
                    bad = next(i for i, value in enumerate(fields) if len(value) > MAX_FIELD)
                    problem = f"{header[bad]}: field longer than {MAX_FIELD} characters"
            yield start, dict(zip(header, fields, strict=False)), problem  # fields has the header's width by now
