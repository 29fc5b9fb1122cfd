"""Streaming CSV reading with line numbers and clear errors, in constant memory.

Rows come out as ``(line, {column: text})`` where ``line`` is the physical line the row starts on (a quoted
field may span lines). Invalid UTF-8, an unterminated quote, a wrong header or an empty file raise
InvalidInput saying where.

Files as tools write them: a UTF-8 byte-order mark (Excel's "CSV UTF-8", ACLED's exports) is dropped, CRLF
line ends and a last line without one are read as any other, and a file in another encoding (Excel's
Windows-1252) is read with ``encoding``. A file compressed as downloaded (gzip, or a zip archive holding one
CSV file, as UCDP ships GED) is read through, as the CSV file inside. What is not a CSV file at all (an Excel
workbook, Excel's UTF-16 "Unicode text", a zip archive of several files) is refused up front with what to do
instead, before any row is read. A line of only commas (a blank row Excel saves) is a blank line.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

from sarhad.errors import InvalidInput

__all__ = [
    "EXCEL_HINT",
    "MAX_FIELD",
    "MAX_ROW",
    "NOT_UTF8",
    "check_encoding",
    "content_size",
    "read_header",
    "read_rows",
]

MAX_FIELD = 1_000_000  # characters; a longer field is hostile or broken (the row is refused, the file read on)
# characters of one row, its lines together: a longer one is no dataset's row, and the file is refused at it. A row
# is held whole in memory (about 7 bytes a character while it is split), and a gzip file or zip archive of a few
# kilobytes can hold a line of gigabytes. Room for 16 fields of MAX_FIELD.
MAX_ROW = 16 * MAX_FIELD
csv.field_size_limit(MAX_ROW)  # a quoted field is a row's part: never longer


EXCEL_HINT = "if the file was saved by Excel, try --encoding cp1252"
NOT_UTF8 = "the bytes are not valid UTF-8"  # a row's problem; the caller gives EXCEL_HINT once for the file
_UTF8 = "utf-8"
# What a file that is not CSV text starts with, and what to do with it.
_SAVE_AS_CSV = (
    'open it in Excel and save it as "CSV UTF-8 (Comma delimited)" (or as "CSV" and import with --encoding cp1252)'
)
_XLSX = f"an Excel workbook (.xlsx), not a CSV file: {_SAVE_AS_CSV}"
_NOT_CSV: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0", f"an Excel 97-2003 workbook (.xls), not a CSV file: {_SAVE_AS_CSV}"),
    (codecs.BOM_UTF16_LE, f'UTF-16 text (Excel\'s "Unicode Text"), not a CSV file: {_SAVE_AS_CSV}'),
    (codecs.BOM_UTF16_BE, f"UTF-16 text, not a CSV file: {_SAVE_AS_CSV}"),
)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_GZIP = b"\x1f\x8b"
_ZIP = b"PK\x03\x04"
# what reading a damaged compressed file raises, part way through it
_DAMAGED = (OSError, EOFError, zlib.error, zipfile.BadZipFile)
# How many times its size on disk a gzip file's text is taken to be when its trailer cannot say (see
# content_size): gzip makes CSV event data 4 to 8 times smaller (ACLED 6.7, GTD 7.5, a small UCDP file 3.7),
# so 3 errs low, as the size on disk alone did.
_GZIP_RATIO = 3


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


class _ArchivedText(io.TextIOWrapper):
    """The text of a zip archive's member, closing the archive with it."""

    def __init__(self, archive: zipfile.ZipFile, member: IO[bytes], encoding: str) -> None:
        super().__init__(member, encoding=encoding, errors="surrogateescape", newline="")
        self._archive = archive

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._archive.close()


def _zip_member(path: Path) -> tuple[zipfile.ZipFile, zipfile.ZipInfo]:
    """The zip archive ``path`` and the one CSV file it holds (UCDP's ``ged251-csv.zip``).

    Raises InvalidInput when it is an Excel workbook (a zip archive too), holds no CSV file or several, or
    cannot be read as a zip archive.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidInput(f"{path}: starts as a zip archive but cannot be read as one ({exc})") from exc
    names = archive.namelist()
    if "[Content_Types].xml" in names:  # Office Open XML: a workbook (xl/…) or another Office document
        archive.close()
        raise InvalidInput(f"{path}: {_XLSX}")
    # files, not folders, nor what macOS adds (__MACOSX/, ._name)
    files = [
        info
        for info in archive.infolist()
        if not info.is_dir() and not info.filename.startswith("__MACOSX/")
        and not Path(info.filename).name.startswith(".")
    ]  # fmt: skip
    tables = [info for info in files if info.filename.casefold().endswith(".csv")]
    if len(tables) == 1:
        return archive, tables[0]
    archive.close()
    if not tables:
        found = ", ".join(info.filename for info in files[:5]) or "nothing"
        raise InvalidInput(
            f"{path}: a zip archive holding no CSV file (found {found}): unzip it and import the CSV file"
        )
    listed = ", ".join(info.filename for info in tables[:5]) + (", …" if len(tables) > 5 else "")
    raise InvalidInput(
        f"{path}: a zip archive holding {len(tables)} CSV files ({listed}): unzip it and import each file on its own"
    )


def content_size(path: Path) -> int:
    """The size in bytes of the text of the CSV file ``path`` is or holds (for thresholds that go by the rows
    a file holds, e.g. :data:`sarhad.importer.WORKER_MIN_BYTES`), found without reading it through.

    A zip archive's CSV member: its size, which the archive's central directory records exactly. A gzip file:
    its trailer's ISIZE (RFC 1952 §2.3.1), which is the size of the text of the file's last member modulo
    2**32, so exact for what one gzip run of under 4 GiB makes, which is how datasets are shipped. CSV text is
    larger than its gzip file, so an ISIZE below the size on disk is not the whole text (a text of 4 GiB or more
    that wrapped ISIZE round, or several members, as ``cat a.gz b.gz`` makes): then the size on disk times
    ``_GZIP_RATIO``. Anything else, or a file that is not what its first bytes say: its size on disk (the
    reader says what is wrong with it).
    Raises OSError when the file cannot be read.
    """
    on_disk = path.stat().st_size
    with path.open("rb") as raw:
        start = raw.read(4)
        if start.startswith(_GZIP) and on_disk >= 18:  # a gzip header (10 bytes) and trailer (8 bytes) at least
            raw.seek(-4, io.SEEK_END)
            isize = int.from_bytes(raw.read(4), "little")
            return isize if isize >= on_disk else on_disk * _GZIP_RATIO
    if start.startswith(_ZIP):
        try:
            archive, member = _zip_member(path)
        except InvalidInput:
            return on_disk
        archive.close()
        return member.file_size
    return on_disk


def _open(path: Path, encoding: str = _UTF8) -> IO[str]:
    """``path`` opened for the csv module, after a look at its first bytes (once per file, not per row).

    A gzip file, or a zip archive holding one CSV file, is read as the text inside it.
    Raises InvalidInput when it cannot be read or is not CSV text (see ``_NOT_CSV`` and :func:`_zip_member`),
    or when it has a UTF-8 byte-order mark while another ``encoding`` is asked for.
    """
    name = check_encoding(encoding)
    utf8 = name == _UTF8
    text_encoding = "utf-8-sig" if utf8 else encoding
    archive: zipfile.ZipFile | None = None
    member: zipfile.ZipInfo | None = None
    gzipped = False
    try:
        with path.open("rb") as raw:
            start = raw.read(4)
        gzipped = start.startswith(_GZIP)
        if gzipped:
            with gzip.open(path, "rb") as packed:
                start = packed.read(4)
        elif start.startswith(_ZIP):
            archive, member = _zip_member(path)
            with archive.open(member) as packed:
                start = packed.read(4)
    except _DAMAGED as exc:
        if archive is not None:
            archive.close()
        if isinstance(exc, OSError) and exc.strerror:
            raise InvalidInput(f"{path}: cannot read: {exc.strerror}") from exc
        raise InvalidInput(f"{path}: cannot read: the compressed data is damaged ({exc})") from exc
    except RuntimeError as exc:  # an encrypted zip member
        if archive is not None:
            archive.close()
        raise InvalidInput(f"{path}: cannot read the zip archive ({exc}): unzip it and import the CSV file") from exc
    for magic, what in _NOT_CSV:
        # UTF-16 text is readable when asked for (--encoding utf-16), if it is comma-separated
        if start.startswith(magic) and not (magic in _UTF16_BOMS and name.startswith("utf-16")):
            if archive is not None:
                archive.close()
            raise InvalidInput(f"{path}: {what}")
    if start.startswith(codecs.BOM_UTF8) and not utf8:
        if archive is not None:
            archive.close()
        raise InvalidInput(
            f"{path}: the file starts with a UTF-8 byte-order mark, so it is UTF-8, not {encoding}:"
            " import it without --encoding"
        )
    # utf-8-sig drops a byte-order mark; surrogateescape keeps invalid bytes visible so that we can say on
    # which line they are
    if archive is not None and member is not None:
        return _ArchivedText(archive, archive.open(member), text_encoding)
    if gzipped:
        return gzip.open(path, "rt", encoding=text_encoding, errors="surrogateescape", newline="")
    try:
        return path.open("r", encoding=text_encoding, errors="surrogateescape", newline="")
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


class _RowTooLong(Exception):
    """A row (its lines together) reached :data:`MAX_ROW` characters."""


class _Lines:
    """The lines of ``fh`` as the csv module takes them, a row at most :data:`MAX_ROW` characters: a line is read
    only up to what the row has left (``readline(limit)``), so that no line, however long, is held whole. The
    reader of the rows calls :meth:`row_done` after each row."""

    __slots__ = ("_fh", "_left")

    def __init__(self, fh: IO[str]) -> None:
        self._fh = fh
        self._left = MAX_ROW

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._fh.readline(self._left + 1)
        if not line:
            raise StopIteration
        self._left -= len(line)
        if self._left < 0:
            raise _RowTooLong
        return line

    def row_done(self) -> None:
        self._left = MAX_ROW


def _too_long(name: str, line: int, what: str) -> InvalidInput:
    return InvalidInput(
        f"{name}:{line}: {what}: longer than {MAX_ROW:,} characters, which no dataset's row is: is the file damaged?"
        " (nothing past it is read)"
    )


def read_header(path: Path, encoding: str = _UTF8) -> list[str]:
    """The header row of ``path``. Raises InvalidInput when the file is empty or unreadable."""
    with _open(path, encoding) as fh:
        reader = csv.reader(_Lines(fh))
        try:
            header = next(reader)
        except StopIteration:
            raise InvalidInput(f"{path}:1: header: the file is empty (expected a header row)") from None
        except _RowTooLong:
            raise _too_long(str(path), 1, "header") from None
        except csv.Error as exc:
            raise InvalidInput(f"{path}:1: {exc}") from exc
    return header


def read_rows(
    path: Path,
    required: frozenset[str],
    *,
    known: tuple[str, ...] = (),
    encoding: str = _UTF8,
    others: Mapping[str, frozenset[str]] | None = None,
) -> Iterator[tuple[int, dict[str, str], str | None]]:
    """Yield ``(line, row, problem)`` for each data row of the CSV file ``path``.

    ``problem`` is None for a well-formed row, else what is wrong with this row alone (``field: message``:
    a wrong field count, bytes that are not text in ``encoding``, an oversized field), which the caller may
    skip. Column names are taken without surrounding spaces, and otherwise as written: a ``required`` column
    under another case or spelling is missing, and the message names the near miss. ``others`` maps the other
    formats' names to their required columns: a header lacking ``required`` but holding one of those is named
    as that format's (a GTD file given to the ACLED import), with the import that reads it.
    Raises InvalidInput for what breaks the whole file: it is not CSV text (see :func:`_open`), it is empty,
    the header lacks a ``required`` column or repeats one, a quote is never closed, or a row (the header too) is
    longer than :data:`MAX_ROW` characters, when nothing past it is read.
    """
    name = str(path)  # as the user gave it, in every message
    with _open(path, encoding) as fh:
        lines = _Lines(fh)
        reader = csv.reader(lines, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            raise InvalidInput(f"{name}:1: header: the file is empty (expected a header row)") from None
        except _RowTooLong:
            raise _too_long(name, 1, "header") from None
        except csv.Error as exc:
            raise InvalidInput(f"{name}:1: {exc}") from exc
        except _DAMAGED as exc:
            raise InvalidInput(f"{name}:1: cannot read: the compressed data is damaged ({exc})") from exc
        written = header
        header = [h.strip() for h in header]
        if any(_bad_text(h) for h in header):
            hint = f"; {EXCEL_HINT}" if _not_text(encoding) == NOT_UTF8 else ""
            raise InvalidInput(f"{name}:1: header: {_not_text(encoding)}{hint}")
        missing = sorted(required - set(header))
        if missing and not "".join(header):
            raise InvalidInput(f"{name}:1: header: the first line is blank (expected the header row): remove it")
        first = written[0].lstrip().casefold() if written else ""
        if missing and first.startswith(("<!doctype", "<html", "<?xml")):
            raise InvalidInput(
                f"{name}:1: header: the file is a web page (HTML or XML), not a CSV file: a download that failed"
                " (a login page, an expired link)? Download the CSV file again"
            )
        if missing and first.startswith(("{", "[")):
            raise InvalidInput(
                f"{name}:1: header: the file is JSON, not a CSV file: ask the API for CSV, or download the CSV export"
            )
        if missing and len(written) <= 2 and written[0].casefold().startswith("sep="):
            raise InvalidInput(
                f"{name}:1: header: {','.join(written)!r} is a line for Excel naming the separator, not the header:"
                " remove it"
            )
        if missing:
            separator = next((sep for sep in ";\t|" if len(written) == 1 and sep in written[0]), None)
            if separator is not None:  # Excel's "CSV" where the decimal mark is a comma separates by ';'
                raise InvalidInput(
                    f"{name}:1: header: the columns are separated by {separator!r}, not by commas: save the file"
                    ' as "CSV UTF-8 (Comma delimited)", or with commas between the columns'
                )
            fits = [other for other, columns in (others or {}).items() if columns <= set(header)]
            if fits:
                raise InvalidInput(
                    f"{name}:1: header: these are {fits[0]}'s columns (the file lacks {', '.join(missing[:3])}"
                    f"{', …' if len(missing) > 3 else ''} that this import needs): import the file as {fits[0]}"
                    f" (sarhad import {fits[0]} {name})"
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
            lines.row_done()
            try:
                fields = next(reader)
            except StopIteration:
                return
            except _RowTooLong:
                raise _too_long(name, start, "row") from None
            except csv.Error as exc:
                raise InvalidInput(f"{name}:{start}: row: {exc} (an unterminated quote?)") from exc
            except _DAMAGED as exc:  # a compressed file cut short or corrupted
                raise InvalidInput(f"{name}:{start}: cannot read: the compressed data is damaged ({exc})") from exc
            last = reader.line_num
            if not fields or (not fields[0].strip() and not "".join(fields).strip()):
                continue  # a blank line, or one of only commas (a spreadsheet's blank row)
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
