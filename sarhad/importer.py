"""Import a dataset file into the node: parse, validate, enrich with geography, publish.

One file is one publish: either every row is stored (and logged, under one new checkpoint) or, when a row is
bad, nothing is — unless ``skip_invalid``, which stores the good rows and writes the rejected ones, each with
its reason, to ``<input>.rejected.csv`` beside the input. Re-importing a file changes nothing.
"""

from __future__ import annotations

import csv
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from sarhad.errors import InvalidInput
from sarhad.formats import table_format
from sarhad.formats.base import RowContext, RowError
from sarhad.formats.csvio import read_rows
from sarhad.model.incident import Incident
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


def _enrich(batch: list[tuple[Incident, dict[str, str]]]) -> list[tuple[Incident, dict[str, str]]]:
    """Fill the border distance (and a missing province) from the node's geography, in one vectorised call."""
    try:
        from sarhad.geo import border_distances
    except ImportError:  # geography data not installed
        return batch
    located = [(i, inc) for i, (inc, _) in enumerate(batch) if inc.place.lat is not None]
    if not located:
        return batch
    lats = [float(inc.place.lat or 0.0) for _, inc in located]
    lons = [float(inc.place.lon or 0.0) for _, inc in located]
    distances = border_distances(lats, lons)
    out = list(batch)
    for (i, inc), km in zip(located, distances, strict=True):
        out[i] = (replace(inc, place=replace(inc.place, border_km=round(float(km), 3))), batch[i][1])
    return out


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
    ctx = RowContext(reported_by=reported_by or fmt.default_reporter, tlp=tlp)
    result = ImportResult(file=path.name, format=fmt.name)
    rejected_path = path.with_name(path.name + ".rejected.csv")
    rejected_rows: list[tuple[int, dict[str, str], str]] = []
    batch: list[tuple[Incident, dict[str, str]]] = []

    with node.publisher() as pub:

        def flush() -> None:
            for inc, raw in _enrich(batch):
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
