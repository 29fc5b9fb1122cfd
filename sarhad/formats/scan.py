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
from sarhad.formats.base import RowContext, RowError, TableFormat
from sarhad.formats.csvio import read_rows
from sarhad.model.incident import Incident, Place

__all__ = ["MAX_REPORTED_ERRORS", "Geography", "Rejected", "RejectedFile", "Tally", "rejection", "scan"]

MAX_REPORTED_ERRORS = 10
# (line, row, reason) of a rejected row, for the rejects file
Rejected = tuple[int, dict[str, str], str]
# a record, or with ``straight`` its fields (Incident's, id … raw_sha256, then what the format adds), and its
# source row
Parsed = tuple[Incident | tuple[Any, ...], dict[str, str]]
_PLACE = 7  # the place's position among an Incident's fields


@dataclass
class Tally:
    """What a scan has seen so far: rows read, rows rejected, and the first errors (``FILE:LINE: …``)."""

    rows: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)


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
) -> Iterator[list[Parsed]]:
    """Yield the good rows of ``path`` as ``(incident, source row)`` in batches of up to ``batch_size``.

    With ``straight``, a format that can (``fmt.fields``) gives each record's checked fields instead of the
    record, for :meth:`sarhad.prepare.Preparer.from_fields`; the rows it accepts and rejects, and why, are the
    same.

    Counts into ``tally``; with ``skip_invalid`` appends each bad row to ``rejected``. Without it, once a
    row is bad nothing more is yielded: the scan goes on only to collect the first errors, and the caller
    rejects the file (:func:`rejection`). ``progress`` is called with 1000 for every thousand rows read.
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
    batch: list[Parsed] = []
    for line, row, problem in read_rows(path, fmt.required, known=fmt.columns):
        tally.rows += 1
        if progress is not None and tally.rows % 1000 == 0:
            progress(1000)
        if problem is None:
            try:
                incident = parse(row, ctx)
            except RowError as exc:
                problem = str(exc)
            except InvalidInput as exc:
                problem = f"row: {exc}"
        if problem is not None:
            tally.rejected += 1
            if len(errors) < MAX_REPORTED_ERRORS:
                errors.append(f"{path.name}:{line}: {problem}")
            if skip_invalid:
                rejected.append((line, row, problem))
            elif len(errors) >= MAX_REPORTED_ERRORS:
                break
            continue
        if errors and not skip_invalid:
            continue  # the file will be rejected: only keep collecting errors
        batch.append((incident, row))
        if len(batch) >= batch_size:
            yield geography.complete(batch)
            batch = []
    if batch and not (errors and not skip_invalid):
        yield geography.complete(batch)


class RejectedFile(InvalidInput):
    """A file rejected whole for its bad rows: the message lists the first errors; ``rows``, ``rejected`` and
    ``errors`` (``FILE:LINE: field: what is wrong``) say the same for a script (``import --json``)."""

    def __init__(self, message: str, rows: int, rejected: int, errors: Sequence[str]) -> None:
        super().__init__(message)
        self.rows = rows
        self.rejected = rejected
        self.errors = list(errors)


def rejection(name: str, tally: Tally) -> RejectedFile:
    """The error that rejects the file ``name`` whole, listing the first errors."""
    more = "" if tally.rejected < MAX_REPORTED_ERRORS else f" (showing the first {MAX_REPORTED_ERRORS})"
    return RejectedFile(
        f"{name}: rejected, nothing was stored: {tally.rejected} bad row"
        f"{'s' if tally.rejected != 1 else ''}{more}; use --skip-invalid to store the good rows\n  "
        + "\n  ".join(tally.errors),
        tally.rows,
        tally.rejected,
        tally.errors,
    )
