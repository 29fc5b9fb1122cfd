"""Streaming CSV reading with line numbers and clear errors, in constant memory.

Rows come out as ``(line, {column: text})`` where ``line`` is the physical line the row starts on (a quoted
field may span lines). Invalid UTF-8, an unterminated quote, a wrong header or an empty file raise
InvalidInput saying where.

Files as tools write them: a UTF-8 byte-order mark (Excel's "CSV UTF-8", ACLED's exports) is dropped, CRLF
line ends and a last line without one are read as any other, and a file in another encoding (Excel's
Windows-1252) is read with ``encoding``. What is not a CSV file at all (an Excel workbook, Excel's UTF-16
"Unicode text") is refused up front with what to do instead, before any row is read.
"""

from __future__ import annotations

import codecs
import csv
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from sarhad.errors import InvalidInput

__all__ = ["EXCEL_HINT", "NOT_UTF8", "check_encoding", "read_header", "read_rows"]

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
MAX_FIELD = 1_000_000  # characters; a longer field is hostile or broken


EXCEL_HINT = "if the file was saved by Excel, try --encoding cp1252"
NOT_UTF8 = "the bytes are not valid UTF-8"  # a row's problem; the caller gives EXCEL_HINT once for the file
_UTF8 = "utf-8"
# What a file that is not CSV text starts with, and what to do with it.
_SAVE_AS_CSV = (
    'open it in Excel and save it as "CSV UTF-8 (Comma delimited)" (or as "CSV" and import with --encoding cp1252)'
)
_NOT_CSV: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", f"an Excel workbook (.xlsx), not a CSV file: {_SAVE_AS_CSV}"),
    (b"\xd0\xcf\x11\xe0", f"an Excel 97-2003 workbook (.xls), not a CSV file: {_SAVE_AS_CSV}"),
    (codecs.BOM_UTF16_LE, f'UTF-16 text (Excel\'s "Unicode Text"), not a CSV file: {_SAVE_AS_CSV}'),
    (codecs.BOM_UTF16_BE, f"UTF-16 text, not a CSV file: {_SAVE_AS_CSV}"),
)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def check_encoding(name: str) -> str:
    """The canonical name of the text encoding ``name`` (``utf-8``, ``cp1252``, ``iso8859-1`` …).

    Raises InvalidInput when Python knows no text encoding of that name.
    """
    try:
        info = codecs.lookup(name.strip())
    except (LookupError, ValueError):
        info = None
    # a codec that is not a text encoding (base64, rot13) cannot read a file as text
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise InvalidInput(f"--encoding {name!r}: not a text encoding (e.g. utf-8, cp1252, latin-1)")
    return info.name


def _open(path: Path, encoding: str = _UTF8) -> IO[str]:
    """``path`` opened for the csv module, after a look at its first bytes (once per file, not per row).

    Raises InvalidInput when it cannot be read or is not CSV text (see ``_NOT_CSV``), or when it has a UTF-8
    byte-order mark while another ``encoding`` is asked for.
    """
    try:
        with path.open("rb") as raw:
            start = raw.read(4)
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read: {exc.strerror}") from exc
    name = check_encoding(encoding)
    for magic, what in _NOT_CSV:
        # UTF-16 text is readable when asked for (--encoding utf-16), if it is comma-separated
        if start.startswith(magic) and not (magic in _UTF16_BOMS and name.startswith("utf-16")):
            raise InvalidInput(f"{path}: {what}")
    utf8 = name == _UTF8
    if start.startswith(codecs.BOM_UTF8) and not utf8:
        raise InvalidInput(
            f"{path}: the file starts with a UTF-8 byte-order mark, so it is UTF-8, not {encoding}:"
            " import it without --encoding"
        )
    try:
        # utf-8-sig drops a byte-order mark; surrogateescape keeps invalid bytes visible so that we can say on
        # which line they are
        return path.open("r", encoding="utf-8-sig" if utf8 else encoding, errors="surrogateescape", newline="")
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read: {exc.strerror}") from exc


def _not_text(encoding: str) -> str:
    """What a field that ``encoding`` cannot decode is told (without :data:`EXCEL_HINT`: a file rejected for
    many such rows gives it once, see :func:`sarhad.formats.scan.rejection`)."""
    if codecs.lookup(encoding).name == _UTF8:
        return NOT_UTF8
    return f"the bytes are not valid {encoding}"


def _near_miss(column: str, header: list[str]) -> str:
    """`` (found 'NAME')`` when ``header`` has ``column`` under another case, spacing or separator."""

    def key(name: str) -> str:
        return re.sub(r"[\s_-]+", "_", name.strip()).strip("_").casefold()

    found = [h for h in header if key(h) == key(column)]
    return f" (found {', '.join(repr(h) for h in found)})" if found else ""


def _bad_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read_header(path: Path, encoding: str = _UTF8) -> list[str]:
    """The header row of ``path``. Raises InvalidInput when the file is empty or unreadable."""
    with _open(path, encoding) as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise InvalidInput(f"{path}:1: header: the file is empty (expected a header row)") from None
        except csv.Error as exc:
            raise InvalidInput(f"{path}:1: {exc}") from exc
    return header


def read_rows(
    path: Path, required: frozenset[str], *, known: tuple[str, ...] = (), encoding: str = _UTF8
) -> Iterator[tuple[int, dict[str, str], str | None]]:
    """Yield ``(line, row, problem)`` for each data row of the CSV file ``path``.

    ``problem`` is None for a well-formed row, else what is wrong with this row alone (``field: message``:
    a wrong field count, bytes that are not text in ``encoding``, an oversized field), which the caller may
    skip. Column names are taken without surrounding spaces, and otherwise as written: a ``required`` column
    under another case or spelling is missing, and the message names the near miss.
    Raises InvalidInput for what breaks the whole file: it is not CSV text (see :func:`_open`), it is empty,
    the header lacks a ``required`` column or repeats one, or a quote is never closed.
    """
    name = str(path)  # as the user gave it, in every message
    with _open(path, encoding) as fh:
        reader = csv.reader(fh, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            raise InvalidInput(f"{name}:1: header: the file is empty (expected a header row)") from None
        except csv.Error as exc:
            raise InvalidInput(f"{name}:1: {exc}") from exc
        written = header
        header = [h.strip() for h in header]
        if any(_bad_text(h) for h in header):
            hint = f"; {EXCEL_HINT}" if _not_text(encoding) == NOT_UTF8 else ""
            raise InvalidInput(f"{name}:1: header: {_not_text(encoding)}{hint}")
        missing = sorted(required - set(header))
        if missing:
            separator = next((sep for sep in ";\t|" if len(written) == 1 and sep in written[0]), None)
            if separator is not None:  # Excel's "CSV" where the decimal mark is a comma separates by ';'
                raise InvalidInput(
                    f"{name}:1: header: the columns are separated by {separator!r}, not by commas: save the file"
                    ' as "CSV UTF-8 (Comma delimited)", or with commas between the columns'
                )
            hint = f" (expected the {len(known)} columns of this format)" if known else ""
            named = ", ".join(m + _near_miss(m, written) for m in missing)
            raise InvalidInput(f"{name}:1: header: missing column{'s' if len(missing) > 1 else ''} {named}{hint}")
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
                    problem = f"{header[bad]}: {_not_text(encoding)}"
                    fields = [v.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for v in fields]
                elif len(joined) > MAX_FIELD and max(map(len, fields)) > MAX_FIELD:
                    bad = next(i for i, value in enumerate(fields) if len(value) > MAX_FIELD)
                    problem = f"{header[bad]}: field longer than {MAX_FIELD} characters"
            yield start, dict(zip(header, fields, strict=False)), problem  # fields has the header's width by now
