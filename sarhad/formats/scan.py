"""Reading a dataset file into records: the rows a format parses, in batches, and the rows it rejects and why.

:func:`scan` is the reading half of an import, the same whether it runs in the importing process or in a
worker process (:mod:`sarhad.import_worker`): it reads the CSV file, parses each row with its format, adds
the border distance of each place (:class:`Geography`) and counts, in a :class:`Tally`, the rows read and
rejected and the first errors as ``FILE:LINE: field: what is wrong``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sarhad.errors import InvalidInput
from sarhad.formats.base import RowContext, RowError, TableFormat, given_once
from sarhad.formats.csvio import EXCEL_HINT, NOT_UTF8, read_rows
from sarhad.formats.seen_ids import SeenIds
from sarhad.formats.unchanged import KnownRows
from sarhad.model.incident import Incident, Place

__all__ = ["MAX_REPORTED_ERRORS", "Geography", "Rejected", "RejectedFile", "Tally", "rejection", "scan"]

MAX_REPORTED_ERRORS = 10
# (line, row, reason) of a rejected row, for the rejects file
Rejected = tuple[int, dict[str, str], str]
# a record, or with ``straight`` its fields (Incident's, id … raw_sha256, then what the format adds), and its
# source row
Parsed = tuple[Incident | tuple[Any, ...], dict[str, str]]
_PLACE = 7  # the place's position among an Incident's fields
# Rows read between two checks for repeated ids: the same in one process and in a worker (whatever their
# batches), so that both find the same bad rows and stop at the same row.
_CHUNK = 1000


@dataclass
class Tally:
    """What a scan has seen so far: rows read, rows rejected, and the first errors (``FILE:LINE: …``)."""

    rows: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)
    # rows whose record is stored as they would make it again (``known``), not parsed: the import counts them
    # unchanged
    unchanged: int = 0


class _Known:
    """A known row's record id, standing for its record among a chunk's rows (never batched)."""

    __slots__ = ("id",)

    def __init__(self, record_id: str) -> None:
        self.id = record_id


class Geography:
    """Border distances for an import's places, computed once per distinct place and in vectorised batches.

    :meth:`locate` (the parsers' ``RowContext.locate``) returns the completed place when it is known and
    otherwise notes it; :meth:`complete` then computes the noted places in one call and completes the rows
    that carry them. A file repeats its places, so after the first rows almost every place is known.
    """

    _LIMIT = 200_000  # distinct places remembered (memory stays bounded whatever the file)

    def __init__(self) -> None:
        try:
            from sarhad.geo import border_distances
        except ImportError:  # geography data not installed
            self._distances: Callable[[list[float], list[float]], Sequence[float]] | None = None
        else:
            self._distances = border_distances  # type: ignore[assignment]
        self._known: dict[Place, Place] = {}
        self._pending: set[Place] = set()

    def locate(self, place: Place) -> Place:
        if place.lat is None or place.lon is None or self._distances is None:
            return place
        found = self._known.get(place)
        if found is None:
            self._pending.add(place)
            return place
        return found

    def complete(self, batch: list[Parsed]) -> list[Parsed]:
        if not self._pending or self._distances is None:
            return batch
        if len(self._known) + len(self._pending) > self._LIMIT:
            self._known.clear()
        todo = list(self._pending)
        self._pending.clear()
        distances = self._distances([float(p.lat or 0.0) for p in todo], [float(p.lon or 0.0) for p in todo])
        for place, km in zip(todo, distances, strict=True):
            self._known[place] = replace(place, border_km=round(float(km), 3))
        known = self._known
        out: list[Parsed] = []
        for rec, raw in batch:
            if isinstance(rec, tuple):  # a record's fields (see scan's ``straight``): the place is the eighth
                place = rec[_PLACE]
                found = known.get(place) if place.border_km is None else None
                out.append((rec if found is None else (*rec[:_PLACE], found, *rec[_PLACE + 1 :]), raw))
            else:
                found = known.get(rec.place) if rec.place.border_km is None else None
                out.append((rec if found is None else rec.with_place(found), raw))
        return out


def scan(
    fmt: TableFormat,
    path: Path,
    *,
    reported_by: str | None,
    tlp: str,
    recipients: tuple[str, ...] = (),
    skip_invalid: bool,
    tally: Tally,
    rejected: list[Rejected],
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
    straight: bool = False,
    encoding: str = "utf-8",
    known: KnownRows | None = None,
) -> Iterator[list[Parsed]]:
    """Yield the good rows of ``path`` as ``(incident, source row)`` in batches of up to ``batch_size``.

    With ``straight``, a format that can (``fmt.fields``) gives each record's checked fields instead of the
    record, for :meth:`sarhad.prepare.Preparer.from_fields`; the rows it accepts and rejects, and why, are the
    same.

    A row that repeats the record id of an earlier row is bad (``ID_COLUMN: ID repeats line N``): a file
    gives each record once (:class:`~sarhad.formats.seen_ids.SeenIds`).

    Counts into ``tally``; with ``skip_invalid`` appends each bad row to ``rejected``. Without it, once a
    row is bad nothing more is yielded: the scan goes on only to collect the first errors, and the caller
    rejects the file (:func:`rejection`). ``progress`` is called with 1000 for every thousand rows read.
    ``encoding`` is the file's text encoding (a name :func:`~sarhad.formats.csvio.check_encoding` accepts).
    A row among ``known`` (:class:`~sarhad.formats.unchanged.KnownRows`, for these options) is not parsed, only
    checked for a repeated id, and counted in ``tally.unchanged`` instead of yielded: the store holds its
    record as parsing it would make it.
    Raises InvalidInput for what breaks the whole file (see :func:`sarhad.formats.csvio.read_rows`).
    """
    geography = Geography()
    ctx = RowContext(
        reported_by=reported_by or fmt.default_reporter, tlp=tlp, locate=geography.locate, recipients=recipients
    )
    parse: Callable[..., Incident | tuple[Any, ...]] = fmt.parse
    if straight and fmt.fields is not None:
        parse = fmt.fields
    errors = tally.errors
    seen = SeenIds()
    hinted: set[str] = set()  # the spreadsheet hints the errors gave (each is given once)
    # the rows of the chunk being read: the good ones (line, record, row) wait for the check of their ids, and
    # the bad ones are counted with the repeats, in line order
    chunk: list[tuple[int, Incident | tuple[Any, ...] | _Known, dict[str, str]]] = []
    bad: list[Rejected] = []
    batch: list[Parsed] = []

    def settle() -> None:
        """Reject the chunk's rows that repeat an earlier row's id, count its bad rows, batch its good rows."""
        ids = [rec[0] if isinstance(rec, tuple) else rec.id for _, rec, _ in chunk]
        for (line, rec, row), earlier in zip(chunk, seen.earlier_lines(ids, [c[0] for c in chunk]), strict=True):
            if earlier is None:
                if isinstance(rec, _Known):
                    tally.unchanged += 1
                else:
                    batch.append((rec, row))
            else:
                bad.append((line, row, f"{fmt.id_column}: {row[fmt.id_column].strip()} repeats line {earlier}"))
        chunk.clear()
        bad.sort(key=lambda rejected: rejected[0])
        for line, row, problem in bad:
            tally.rejected += 1
            if len(errors) < MAX_REPORTED_ERRORS:
                errors.append(f"{path}:{line}: {given_once(problem, hinted)}")
            if skip_invalid:
                rejected.append((line, row, problem))
        bad.clear()
        if errors and not skip_invalid:
            batch.clear()  # the file will be rejected: only keep collecting errors

    from sarhad.formats import TABLE_FORMATS  # the registry imports the formats, which import this module

    others = {name: other.required for name, other in TABLE_FORMATS.items() if name != fmt.name}
    for line, row, problem in read_rows(path, fmt.required, known=fmt.columns, encoding=encoding, others=others):
        tally.rows += 1
        if progress is not None and tally.rows % 1000 == 0:
            progress(1000)
        if problem is None:
            found, digest = known.lookup(row) if known is not None else (None, None)
            if found is not None:
                chunk.append((line, _Known(found), row))
            else:
                try:
                    # the row's hash, when the lookup made it, is not made again (issue #2: 14 µs a row)
                    incident = parse(row, ctx, raw_sha256=digest)
                except RowError as exc:
                    problem = str(exc)
                except InvalidInput as exc:
                    problem = f"row: {exc}"
                else:
                    chunk.append((line, incident, row))
        if problem is not None:
            bad.append((line, row, problem))
            if not skip_invalid and len(errors) + len(bad) >= MAX_REPORTED_ERRORS:
                break
        if tally.rows % _CHUNK == 0:
            settle()
            if len(batch) >= batch_size:
                batch[:] = geography.complete(batch)  # all of it: its places are computed now
                while len(batch) >= batch_size:
                    yield batch[:batch_size]
                    del batch[:batch_size]
    settle()
    batch[:] = geography.complete(batch)
    while batch:
        yield batch[:batch_size]
        del batch[:batch_size]


class RejectedFile(InvalidInput):
    """A file rejected whole for its bad rows: the message lists the first errors; ``rows``, ``rejected`` and
    ``errors`` (``FILE:LINE: field: what is wrong``) say the same for a script (``import --json``)."""

    def __init__(self, message: str, rows: int, rejected: int, errors: Sequence[str]) -> None:
        super().__init__(message)
        self.rows = rows
        self.rejected = rejected
        self.errors = list(errors)


def rejection(name: str, tally: Tally) -> RejectedFile:
    """The error that rejects the file ``name`` whole, listing the first errors.

    When every error shown is bytes that are not UTF-8 (a file Excel saved as Windows-1252), the first line
    says so and what to try (``--encoding cp1252``), and no --skip-invalid, which would drop exactly the rows
    with accents; when only some are, the hint comes once, after the errors, not after each such row.
    """
    more = "" if tally.rejected < MAX_REPORTED_ERRORS else f" (showing the first {MAX_REPORTED_ERRORS})"
    many = tally.rejected != 1
    not_utf8 = [error.endswith(NOT_UTF8) for error in tally.errors]
    if not_utf8 and all(not_utf8):
        rows = f"{tally.rejected} row{'s' if many else ''}{more} {'are' if many else 'is'}"
        head = f"{rows} not valid UTF-8; {EXCEL_HINT}"
        tail = ""
    else:
        head = f"{tally.rejected} bad row{'s' if many else ''}{more}; use --skip-invalid to store the good rows"
        tail = f"\n{NOT_UTF8} on some rows: {EXCEL_HINT}" if any(not_utf8) else ""
    return RejectedFile(
        f"{name}: rejected, nothing was stored: {head}\n  " + "\n  ".join(tally.errors) + tail,
        tally.rows,
        tally.rejected,
        tally.errors,
    )
