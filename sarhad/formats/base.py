"""What a tabular dataset format provides, and the helpers its row parsers share.

A format parses one CSV row (column → text) into an :class:`Incident` and writes an incident back as a row.
Parsers raise :class:`RowError` naming the field; the importer adds the file and line.
"""

from __future__ import annotations

import hashlib
import json
import json.encoder
import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol

from sarhad.canonical import canonical_text
from sarhad.model.incident import Incident, Place

__all__ = [
    "MAPPING_VERSION",
    "FieldsParser",
    "RowContext",
    "RowError",
    "RowParser",
    "TableFormat",
    "derived_digits",
    "given_once",
    "opt_float",
    "opt_int",
    "origin_note",
    "raw_digest",
    "raw_text",
    "req",
    "row_id",
    "row_values",
    "spreadsheet_hint",
]


# The version of the mapping from a source row to its record: bump it with any change to what a row becomes (a
# format's parser, the places and codes it looks up, the STIX text of a record). A re-import counts a row
# unchanged without deriving it again when the record stored was derived from the same row under the same
# version (sarhad.formats.unchanged); tests/formats/test_unchanged_rows.py fails when the records of its fixture
# rows change and this is not bumped.
MAPPING_VERSION: Final = 2  # 2: an id written as a whole float (201001200001.0) is the whole number


class RowError(Exception):
    """One field of one row is wrong (internal to parsing; the importer turns it into InvalidInput)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class RowContext:
    """What a row parser knows besides the row: who asserts it, and how to complete a place.

    ``locate``, when given, is applied to every Place a parser builds: the importer passes one that adds
    what the node's geography knows (the border distance), computed once per distinct point.
    """

    reported_by: str
    tlp: str = "CLEAR"
    locate: Callable[[Place], Place] | None = None
    recipients: tuple[str, ...] = ()  # the named recipients of TLP:RED records (``PARTY:NAME``)


class RowParser(Protocol):
    """A format's ``parse``: a row as a record. ``raw_sha256``, when given, is the row's :func:`raw_digest`,
    already made by the caller (:meth:`sarhad.formats.unchanged.KnownRows.lookup`), which the parser takes
    instead of hashing the row again."""

    def __call__(self, row: Mapping[str, str], ctx: RowContext, /, *, raw_sha256: str | None = None) -> Incident: ...


class FieldsParser(Protocol):
    """A format's ``fields``: a row as its record's checked fields (see :class:`TableFormat`), taking
    ``raw_sha256`` as :class:`RowParser` does."""

    def __call__(
        self, row: Mapping[str, str], ctx: RowContext, /, *, raw_sha256: str | None = None
    ) -> tuple[Any, ...]: ...


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
    parse: RowParser
    to_row: Callable[[Incident, Mapping[str, str] | None], dict[str, str]]
    id_column: str
    # what ``parse`` gives as the record's checked fields, without the record (see sarhad.formats.acled.fields)
    fields: FieldsParser | None = None
    # the id a record gets in ``id_column`` when its own source id cannot serve: a record from another dataset,
    # or a second record of this dataset with the same source id (another party's copy of a row)
    converted_id: Callable[[Incident], str] | None = None
    # the column holding the format's country code and what that code is: a converted row leaves it blank for a
    # country sarhad has no such code for (the export says so), naming the country in words
    country_code: tuple[str, str] | None = None


def derived_digits(inc: Incident, count: int) -> str:
    """``count`` decimal digits derived from the record's id (a UUID): the same for every export of the record,
    and, at 15 digits or more, as good as unique for the ids of one file."""
    return str(int(inc.id[-36:].replace("-", ""), 16) % 10**count).zfill(count)


def origin_note(inc: Incident) -> str:
    """Where a converted row came from, for a free-text column: the record's dataset, source id and who
    reported it (the importer reads rows as the dataset's own, or ``--reported-by``'s)."""
    return f"sarhad: {inc.dataset} record {inc.source_id} reported by {inc.reported_by} ({inc.id})"


def req(row: Mapping[str, str], field: str) -> str:
    """The non-blank value of ``field``, stripped. Raises RowError when blank."""
    value = row.get(field, "").strip()
    if not value:
        raise RowError(field, "is empty")
    return value


# json's C string encoder (ensure_ascii=False) escapes exactly what RFC 8785 §3.2.2.2 asks for.
_encode_string: Callable[[str], str] = json.encoder.encode_basestring
_concat = operator.add
_dump_row = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

_MISSING: Final = frozenset({"", "NA", "NULL", "null", "None"})


# What a spreadsheet makes of a dataset's numbers and dates when it saves them in its own locale (issue #2: a bad
# file is refused saying what is wrong; here also what to do, as no reading of such a value is safe: 1,234 is a
# thousand in one locale and one in another, 3/4/2019 is March or April).
_SPREADSHEET: Final = (
    (re.compile(r"'.*"), "remove the leading apostrophe (a spreadsheet's mark for text)"),
    (
        # digits then a fraction, or a fraction alone: one way to read each value (``\d*\.?\d+`` read a run of n
        # digits n ways, n² steps for a long refused value)
        re.compile(r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)[eE][+-]?\d+"),
        "a spreadsheet wrote it in scientific notation and may have lost digits: format the column as a whole"
        " number (or as text) before saving, or use the file as downloaded",
    ),
    (
        re.compile(r"[+-]?\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+(?:[.,]\d+)?|[+-]?\d+,\d+"),
        "write it with a decimal point and no thousands separator (1234.5), as the dataset does: a spreadsheet"
        " set to a decimal-comma locale rewrites numbers",
    ),
    (
        re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?:[ T].*)?|\d{1,2}[ -][A-Za-z]{3}[ -]\d{2,4}"),
        "a spreadsheet rewrote the date in its own form (is 3/4/2019 March or April?): format the column as"
        " yyyy-mm-dd before saving, or use the file as downloaded",
    ),
)


def spreadsheet_hint(text: str) -> str:
    """``"; "`` and what a spreadsheet did to ``text`` and how to undo it, when ``text`` looks like a value a
    spreadsheet rewrote (a decimal comma, a thousands separator, scientific notation, a date in its own form,
    a leading apostrophe); else ``""``. For the message of a value that a parser refuses."""
    value = text.strip()
    for pattern, what in _SPREADSHEET:
        if pattern.fullmatch(value):
            return f"; {what}"
    return ""


_HINTS: Final = tuple(f"; {what}" for _, what in _SPREADSHEET)


def given_once(problem: str, given: set[str]) -> str:
    """``problem`` without the :func:`spreadsheet_hint` it ends with when that hint is in ``given`` (an earlier
    error of the file gave it); else ``problem``, adding its hint to ``given``. A file a spreadsheet saved has
    the same rewrite on many rows: its errors say what to do once, as the encoding hint is given once."""
    for hint in _HINTS:
        if problem.endswith(hint):
            if hint in given:
                return problem[: -len(hint)]
            given.add(hint)
            break
    return problem


# A whole number written as a float: pandas writes a column of whole numbers that has a blank cell so (and a
# spreadsheet may). A float holds every whole number of up to 15 digits exactly, so ``201001200001.0`` is
# ``201001200001``; with more digits it may already have lost some (``9007199254740993`` is written
# ``9007199254740992.0``).
_WHOLE_FLOAT: Final = re.compile(r"([0-9]{1,15})\.0+")
_LONG_FLOAT: Final = re.compile(r"[0-9]{16,}\.0+")


def row_id(row: Mapping[str, str], field: str) -> str:
    """The record id in ``field`` (stripped; may be blank), a whole number written as a float read as that
    number (``201001200001.0`` is ``201001200001``), so that a file pandas or a spreadsheet saved gives the same
    records as the file as downloaded; the row is kept as written, and exported so (issue #2).

    Raises RowError for such a float of more than 15 digits, which a float may not hold exactly.
    """
    value = row.get(field, "").strip()
    if "." not in value:
        return value
    whole = _WHOLE_FLOAT.fullmatch(value)
    if whole is not None:
        return whole.group(1)
    if _LONG_FLOAT.fullmatch(value):
        raise RowError(
            field,
            f"{value!r} is an id written as a decimal number, with more digits than one holds exactly: it may have"
            " lost some; use the file as downloaded, or write the column as text",
        )
    return value


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
        raise RowError(field, f"{text!r} is not a number{spreadsheet_hint(text)}") from None
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
        raise RowError(field, f"{text!r} is not a number{spreadsheet_hint(text)}") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise RowError(field, f"{text} is outside {low:g}..{high:g}")
    return value


class _Shape:
    """The JSON pieces of one header (a row's keys in file order): each key encoded once, and the order in
    which RFC 8785 sorts them (by UTF-16 code units, §3.2.3). ``sorted_template`` writes a whole row whose
    values need no escaping with one ``%``; ``sort`` puts its values in the sorted order; ``header`` is the
    keys as a JSON array (one text object per header, so that a batch of records pickles it once)."""

    __slots__ = ("header", "order", "sort", "sorted_prefixes", "sorted_template")

    def __init__(self, keys: tuple[str, ...]) -> None:
        encoded = [_encode_string(k) for k in keys]
        self.header = "[" + ",".join(encoded) + "]"
        self.order = sorted(range(len(keys)), key=lambda i: keys[i].encode("utf-16-be", "surrogatepass"))
        self.sorted_prefixes = tuple(f"{encoded[i]}:" for i in self.order)
        self.sorted_template = "{" + ",".join(f'{p.replace("%", "%%")}"%s"' for p in self.sorted_prefixes) + "}"
        order = self.order
        # itemgetter of two or more indexes gives a tuple (of one, the item itself)
        self.sort: Callable[[tuple[str, ...]], tuple[str, ...]] = (
            operator.itemgetter(*order) if len(order) > 1 else lambda values: tuple(values[i] for i in order)
        )


_SHAPES: dict[tuple[str, ...], _Shape] = {}


def _shape(row: Mapping[str, str]) -> _Shape | None:
    """The shape of a row's header, or None when the row is not a dict with text keys."""
    if type(row) is not dict:
        return None
    keys = tuple(row)
    shape = _SHAPES.get(keys)
    if shape is None:
        if not all(type(k) is str for k in keys):
            return None
        if len(_SHAPES) >= 64:
            _SHAPES.clear()
        shape = _SHAPES[keys] = _Shape(keys)
    return shape


def _plain(row: Mapping[str, str]) -> tuple[_Shape, tuple[str, ...]] | None:
    """The row's shape and values when every value is text that JSON writes as it is (no quote, backslash or
    control character: the common case), else None. Anything unusual (a non-ASCII format character…) goes
    the general way too, which is always right."""
    shape = _shape(row)
    if shape is None:
        return None
    values = tuple(row.values())
    try:
        joined = "".join(values)
    except TypeError:  # a value that is not text
        return None
    if '"' in joined or "\\" in joined or not joined.isprintable():
        return None
    return shape, values


def _encoded(row: Mapping[str, str]) -> tuple[_Shape, list[str]] | None:
    """The row's header shape and its values as JSON strings, or None when the row is not a dict of text."""
    shape = _shape(row)
    if shape is None:
        return None
    try:
        return shape, list(map(_encode_string, row.values()))
    except TypeError:  # a value that is not text
        return None


def _sorted_text(row: Mapping[str, str]) -> str | None:
    """A row of text's canonical JSON written directly (keys sorted, each encoded once per header), or None
    for a row the general writer must handle. The text may still hold a lone surrogate: callers check."""
    plain = _plain(row)
    if plain is not None:
        shape, texts = plain
        return shape.sorted_template % shape.sort(texts)
    found = _encoded(row)
    if found is None:
        return None
    shape, values = found
    return "{" + ",".join(map(_concat, shape.sorted_prefixes, map(values.__getitem__, shape.order))) + "}"


def raw_text(row: Mapping[str, str]) -> str:
    """A source row's canonical JSON text: what ``raw_sha256`` hashes.

    Rows of text (what the CSV reader yields) are written directly, each key encoded once per header; the
    test suite checks the result against :func:`sarhad.canonical.canonical_text`, which handles the rest.
    Raises InvalidInput when the row holds something canonical JSON cannot (a lone surrogate…).
    """
    text = _sorted_text(row)
    if text is None:
        return canonical_text(dict(row))
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return canonical_text(dict(row))  # raises InvalidInput naming the lone surrogate
    return text


def raw_digest(row: Mapping[str, str]) -> str:
    """SHA-256 (hex) of a source row's canonical JSON: what the record's ``raw_sha256`` holds."""
    text = _sorted_text(row)
    if text is None:
        return hashlib.sha256(canonical_text(dict(row)).encode()).hexdigest()
    try:
        return hashlib.sha256(text.encode()).hexdigest()
    except UnicodeEncodeError:
        canonical_text(dict(row))  # raises InvalidInput naming the lone surrogate
        raise


def raw_forms(row: Mapping[str, str]) -> tuple[str, str, str]:
    """``(raw_digest(row), *row_values(row))`` with one pass over the row's values: what a record commits to
    and what ``raw_rows`` keeps of its row (about 2 µs less a row than the two calls for an ACLED row).

    Raises InvalidInput as :func:`raw_digest` does.
    """
    plain = _plain(row)
    if plain is None:
        return (raw_digest(row), *row_values(row))
    shape, values = plain
    try:
        digest = hashlib.sha256((shape.sorted_template % shape.sort(values)).encode()).hexdigest()
    except UnicodeEncodeError:
        return (raw_digest(row), *row_values(row))  # raw_digest raises InvalidInput naming the lone surrogate
    return digest, shape.header, '["' + '","'.join(values) + '"]' if values else "[]"


def row_values(row: Mapping[str, str]) -> tuple[str, str]:
    """A source row as two compact JSON arrays, its keys and its values, each in the file's column order: how
    ``raw_rows`` keeps the verbatim row (the keys once per header, the values once per row).

    The same texts as ``json.dumps(list(row), ensure_ascii=False, separators=(",", ":"))`` and the same of
    ``list(row.values())``, faster for rows of text; the keys' text is the same object for every row of a
    header.
    """
    plain = _plain(row)
    if plain is not None:
        shape, values = plain
        return shape.header, '["' + '","'.join(values) + '"]' if values else "[]"
    found = _encoded(row)
    if found is None:
        return _dump_row(list(row)), _dump_row(list(row.values()))
    return found[0].header, "[" + ",".join(found[1]) + "]"
