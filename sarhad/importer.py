"""Import a dataset file into the node: parse, validate, enrich with geography, publish.

One file is one publish: either every row is stored (and logged, under one new checkpoint) or, when a row is
bad, nothing is — unless ``skip_invalid``, which stores the good rows and writes the rejected ones, each with
its reason, to ``<input>.rejected.csv`` beside the input. Re-importing a file changes nothing.
"""

from __future__ import annotations

import csv
import logging
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

from sarhad.errors import InvalidInput
from sarhad.formats import table_format
from sarhad.formats.base import RowContext, RowError
from sarhad.formats.csvio import read_rows
from sarhad.model.incident import Incident, Place
from sarhad.monitor.rules import list_rules
from sarhad.node import Node

__all__ = ["MAX_REPORTED_ERRORS", "ImportResult", "import_file"]

log = logging.getLogger(__name__)
MAX_REPORTED_ERRORS = 10
_ENRICH_BATCH = 5000

Progress = Callable[[int], None]


@dataclass
class ImportResult:
    """What an import did."""

    file: str
    format: str
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejected_file: str | None = None
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    tree_size: int | None = None

    def summary(self) -> str:
        """One line for the terminal."""
        text = (
            f"imported {self.rows - self.rejected} {self.format} rows from {self.file}: {self.added} added, "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.rejected} rejected in {self.seconds:.1f} s"
        )
        if self.rejected_file:
            text += f" (rejected rows in {self.rejected_file})"
        return text

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "format": self.format,
            "rows": self.rows,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "rejected_file": self.rejected_file,
            "errors": self.errors,
            "seconds": round(self.seconds, 3),
            "tree_size": self.tree_size,
        }


class _Geography:
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

    def complete(self, batch: list[tuple[Incident, dict[str, str]]]) -> list[tuple[Incident, dict[str, str]]]:
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
        out = []
        for inc, raw in batch:
            found = known.get(inc.place) if inc.place.border_km is None else None
            out.append((inc if found is None else inc.with_place(found), raw))
        return out


_DEFER_MIN_BYTES = 16 * 2**20
_BYTES_PER_ROW = 1000  # a rough size of a row (ACLED about 480 bytes, UCDP 550, GTD more): rows in a file


def _deferred_indexes(node: Node, path: Path) -> AbstractContextManager[object]:
    """Build the record tables' secondary indexes after a large import instead of row by row, when sound.

    Only when the file (at least 16 MiB) holds more rows than the node already has, since rebuilding costs
    in proportion to the whole table; and only without alert rules, whose queries in the same transaction
    need the indexes.
    """
    try:
        size = path.stat().st_size
    except OSError:
        return nullcontext()
    if size < _DEFER_MIN_BYTES or node.db.dialect != "sqlite" or list_rules(node.db):
        return nullcontext()
    row = node.db.fetchone("SELECT COUNT(*) FROM incidents")
    if row is not None and int(row[0]) * _BYTES_PER_ROW > size:
        return nullcontext()
    # The log's (object_id, version) index too: a publish logs each new version once, so its rows are unique.
    return node.db.deferred_indexes("incidents", "objects", unique=("log_leaves",))


def import_file(
    node: Node,
    format_name: str,
    path: Path,
    *,
    reported_by: str | None = None,
    tlp: str = "CLEAR",
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import the CSV file ``path`` in format ``format_name`` (``ucdp``, ``gtd``, ``acled``).

    ``reported_by`` attributes the rows to a party (a party's own spreadsheet) instead of the dataset.
    Raises InvalidInput listing the first errors as ``FILE:LINE: field: what is wrong`` when the file or a
    row is bad (and ``skip_invalid`` is off); nothing is stored then.
    """
    fmt = table_format(format_name)
    started = time.perf_counter()
    geography = _Geography()
    ctx = RowContext(reported_by=reported_by or fmt.default_reporter, tlp=tlp, locate=geography.locate)
    result = ImportResult(file=path.name, format=fmt.name)
    rejected_path = path.with_name(path.name + ".rejected.csv")
    rejected_rows: list[tuple[int, dict[str, str], str]] = []
    batch: list[tuple[Incident, dict[str, str]]] = []

    with node.db.bulk(), node.publisher() as pub, _deferred_indexes(node, path):

        def flush() -> None:
            for inc, raw in geography.complete(batch):
                pub.add(inc, raw)
            batch.clear()

        for line, row, problem in read_rows(path, fmt.required, known=fmt.columns):
            result.rows += 1
            if progress is not None and result.rows % 1000 == 0:
                progress(1000)
            if problem is None:
                try:
                    incident = fmt.parse(row, ctx)
                except RowError as exc:
                    problem = str(exc)
                except InvalidInput as exc:
                    problem = f"row: {exc}"
            if problem is not None:
                result.rejected += 1
                if len(result.errors) < MAX_REPORTED_ERRORS:
                    result.errors.append(f"{path.name}:{line}: {problem}")
                if skip_invalid:
                    rejected_rows.append((line, row, problem))
                elif len(result.errors) >= MAX_REPORTED_ERRORS:
                    break
                continue
            if result.errors and not skip_invalid:
                continue  # the file will be rejected: only keep collecting errors
            batch.append((incident, row))
            if len(batch) >= _ENRICH_BATCH:
                flush()
        if result.errors and not skip_invalid:
            more = "" if result.rejected < MAX_REPORTED_ERRORS else f" (showing the first {MAX_REPORTED_ERRORS})"
            raise InvalidInput(
                f"{path.name}: rejected, nothing was stored: {result.rejected} bad row"
                f"{'s' if result.rejected != 1 else ''}{more}; use --skip-invalid to store the good rows\n  "
                + "\n  ".join(result.errors)
            )
        flush()
    if progress is not None:
        progress(result.rows % 1000)
    if rejected_rows:
        _write_rejected(rejected_path, rejected_rows)
        result.rejected_file = str(rejected_path)
    result.added = pub.result.added
    result.updated = pub.result.updated
    result.unchanged = pub.result.unchanged
    result.tree_size = pub.result.tree_size
    result.seconds = time.perf_counter() - started
    log.info(result.summary())
    return result


def _write_rejected(path: Path, rows: list[tuple[int, dict[str, str], str]]) -> None:
    columns = ["line", "reason", *rows[0][1].keys()]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for line, row, reason in rows:
            writer.writerow([line, reason, *row.values()])
