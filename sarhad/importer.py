"""Import a dataset file into the node: parse, validate, enrich with geography, publish.

One file is one publish: either every row is stored (and logged, under one new checkpoint) or, when a row is
bad, nothing is — unless ``skip_invalid``, which stores the good rows and writes the rejected ones, each with
its reason, to ``<input>.rejected.csv`` beside the input. Re-importing a file changes nothing.
"""

from __future__ import annotations

import csv
import logging
import os
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from sarhad._internal.collector import paused_collector
from sarhad._internal.words import counted
from sarhad.errors import InvalidInput
from sarhad.formats import table_format
from sarhad.formats.csvio import EXCEL_HINT, NOT_UTF8, check_encoding, content_size
from sarhad.formats.scan import MAX_REPORTED_ERRORS, Rejected, Tally, rejection, scan
from sarhad.formats.unchanged import fingerprint
from sarhad.import_worker import WorkerReport, WorkerSpec, prepared_batches
from sarhad.model.codes import TLP_LEVELS
from sarhad.model.incident import Incident, check_recipients
from sarhad.monitor.rules import watching
from sarhad.node import Node
from sarhad.store.derivations import known_rows

__all__ = ["MAX_REPORTED_ERRORS", "WORKER_MIN_BYTES", "ImportResult", "import_file"]

log = logging.getLogger(__name__)

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
    worker: bool = False  # read and prepared in a worker process
    # of ``unchanged``, the rows only read and hashed: the store holds their records as this import would
    # derive them (sarhad.formats.unchanged)
    known: int = 0
    # bytes: the worker's own peak resident memory (the importing process's is not in it), when it was used and
    # the system says
    worker_peak_rss: int | None = None

    def summary(self) -> str:
        """One line for the terminal."""
        text = (
            f"imported {counted(self.rows - self.rejected, f'{self.format} row')} from {self.file}: "
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, {self.rejected} rejected"
            f" in {self.seconds:.1f} s"
        )
        if self.rejected_file:
            text += f" (rejected rows in {self.rejected_file})"
        return text

    def encoding_hint(self) -> tuple[str, bool] | None:
        """What to tell the user, once for the file, when rows were rejected (``skip_invalid``) for bytes that
        are not UTF-8 (a file Excel saved as Windows-1252), and whether it leads, before the summary.

        When every error shown is such bytes, the encoding is what to fix first: it leads, in the words of the
        rejection without ``skip_invalid`` (:func:`sarhad.formats.scan.rejection`); when only some are, it comes
        after the errors. None when no error is.
        """
        not_utf8 = [error.endswith(NOT_UTF8) for error in self.errors]
        if not any(not_utf8):
            return None
        if not all(not_utf8):
            return f"{NOT_UTF8} on some rows: {EXCEL_HINT}", False
        many = self.rejected != 1
        more = "" if self.rejected < MAX_REPORTED_ERRORS else f" (showing the first {MAX_REPORTED_ERRORS})"
        rows = f"{self.rejected} rejected row{'s' if many else ''}{more} {'are' if many else 'is'}"
        return f"{rows} not valid UTF-8; {EXCEL_HINT}", True

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


# The thresholds below go by the CSV text a file holds (csvio.content_size): a gzip file or a zip archive by the
# size of the text inside, not by its size on disk, which is 4 to 8 times smaller.
_DEFER_MIN_BYTES = 16 * 2**20
# A worker process costs about half a second to start and a little CPU per row to send the records: worth it
# from about 35,000 ACLED rows (16 MiB), when a second CPU is free.
WORKER_MIN_BYTES = 16 * 2**20
_BYTES_PER_ROW = 1000  # a rough size of a row (ACLED about 480 bytes, UCDP 550, GTD more): rows in a file


def _large(path: Path) -> bool:
    """Whether ``path`` is large enough (16 MiB) for an SQLite node to take it with a rollback journal, which
    writes the new pages once instead of twice (:meth:`~sarhad.store.db.Database.bulk`)."""
    try:
        return content_size(path) >= _DEFER_MIN_BYTES
    except OSError:
        return False  # the reader says why


def _deferred_indexes(node: Node, path: Path) -> AbstractContextManager[object]:
    """Build the record tables' secondary indexes after a large import instead of row by row, when sound.

    Only when the file (at least 16 MiB) holds more rows than the node already has, since rebuilding costs
    in proportion to the whole table; and only without alert rules, whose queries in the same transaction
    need the indexes.
    """
    try:
        size = content_size(path)
    except OSError:
        return nullcontext()
    if size < _DEFER_MIN_BYTES or node.db.dialect != "sqlite" or watching(node.db):
        return nullcontext()
    row = node.db.fetchone("SELECT COUNT(*) FROM incidents")
    if row is not None and int(row[0]) * _BYTES_PER_ROW > size:
        return nullcontext()
    # The log's (object_id, version) index too: a publish logs each new version once, so its rows are unique.
    return node.db.deferred_indexes("incidents", "objects", unique=("log_leaves",))


def _use_worker(path: Path, min_bytes: int | None) -> bool:
    """Whether to read and prepare the file in a worker process: a file holding at least ``min_bytes`` of CSV
    text (when None, :data:`WORKER_MIN_BYTES`; a compressed file's text, not its size on disk) and a second
    CPU. Alert rules do not matter: they read what the prepared records hold
    (:class:`sarhad.monitor.evaluate.Subject`), wherever they were prepared."""
    if min_bytes is None:
        min_bytes = WORKER_MIN_BYTES
    try:
        if content_size(path) < min_bytes:
            return False
    except OSError:
        return False  # the reader says why
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    # the worker is started as ``sys.executable -m sarhad.import_worker`` with a pipe passed by descriptor
    # (POSIX); an embedded interpreter may have no executable
    return cpus > 1 and os.name == "posix" and bool(sys.executable)


def import_file(
    node: Node,
    format_name: str,
    path: Path,
    *,
    reported_by: str | None = None,
    tlp: str = "CLEAR",
    recipients: tuple[str, ...] = (),
    skip_invalid: bool = False,
    progress: Progress | None = None,
    worker_min_bytes: int | None = None,
    encoding: str = "utf-8",
    peer_party: bool = False,
) -> ImportResult:
    """Import the CSV file ``path`` in format ``format_name`` (``ucdp``, ``gtd``, ``acled``).

    ``reported_by`` attributes the rows to a party (a party's own spreadsheet) instead of the dataset.
    ``tlp`` marks every record; ``recipients`` (``PARTY:NAME``, TLP:RED only) names who may read them.
    A file holding ``worker_min_bytes`` or more of CSV text (default :data:`WORKER_MIN_BYTES`; a gzip file's or
    zip archive's text inside) is read and prepared in a worker process while this one writes
    (:mod:`sarhad.import_worker`); the result is the same.
    ``encoding`` is the file's text encoding (``cp1252`` for a CSV file Excel saved on Windows); a UTF-8
    byte-order mark is dropped. The source rows are kept, and re-exported, as text (UTF-8).
    ``reported_by`` may name a registered peer's party only with ``peer_party``: that peer refuses such rows
    at every sync, and this node's log keeps them for good.
    Raises InvalidInput listing the first errors as ``FILE:LINE: field: what is wrong`` (FILE as ``path`` is
    given) when the file or a row is bad (and ``skip_invalid`` is off), or when ``reported_by`` is a peer's
    party without ``peer_party``; nothing is stored then.
    """
    fmt = table_format(format_name)
    encoding = check_encoding(encoding)
    if tlp not in TLP_LEVELS:
        raise InvalidInput(f"TLP {tlp!r} is not one of {', '.join(TLP_LEVELS)}")
    if recipients:
        check_recipients(recipients, tlp, "import")
    if reported_by is not None and not peer_party:
        _check_not_a_peers_party(node, reported_by)
    log.info("importing %s (%s)", path, fmt.name)
    started = time.perf_counter()
    # the file as the user named it, in every message (issue #2's FILE:LINE), as the rejects file beside it
    result = ImportResult(file=str(path), format=fmt.name)
    rejected_path = path.with_name(path.name + ".rejected.csv")
    rejected_rows: list[Rejected] = []
    tally = Tally()

    with (
        paused_collector(),
        node.db.bulk(write_once=_large(path)),
        node.publisher() as pub,
        _deferred_indexes(node, path),
    ):
        # the rows stored as this import would derive them again are only read, hashed and counted (see
        # sarhad.formats.unchanged); every record derived is remembered for the next import
        derived_by = fingerprint(fmt.name, reported_by or fmt.default_reporter, tlp, recipients, node.settings.party)
        known = known_rows(node.db, fmt.name, derived_by)
        pub.remember_derivations(derived_by)
        result.worker = _use_worker(path, worker_min_bytes)
        if result.worker:
            spec = WorkerSpec(
                fmt.name, str(path), reported_by, tlp, recipients, skip_invalid, node.settings.party, pub.stamp,
                encoding, known.state() if len(known) else None,
            )  # fmt: skip
            del known
            report = WorkerReport()
            batches = prepared_batches(spec, tally, rejected_rows, progress, report)
            del spec  # the worker gets the known rows at its start: this process does not keep them meanwhile
            for records in batches:
                pub.add_prepared(records)
            result.worker_peak_rss = report.peak_rss
        else:
            batches = scan(
                fmt, path, reported_by=reported_by, tlp=tlp, recipients=recipients, skip_invalid=skip_invalid,
                tally=tally,
                rejected=rejected_rows, progress=progress, encoding=encoding, known=known if len(known) else None,
            )  # fmt: skip
            for batch in batches:
                for inc, raw in batch:
                    pub.add(cast(Incident, inc), raw)  # records, not fields: this scan is not ``straight``
            if progress is not None:
                progress(tally.rows % 1000)
        if tally.errors and not skip_invalid:
            raise rejection(str(path), tally)
    result.rows, result.rejected, result.errors = tally.rows, tally.rejected, tally.errors
    if rejected_rows:
        _write_rejected(rejected_path, rejected_rows)
        result.rejected_file = str(rejected_path)
    result.added = pub.result.added
    result.updated = pub.result.updated
    result.unchanged = pub.result.unchanged + tally.unchanged
    result.known = tally.unchanged
    result.tree_size = pub.result.tree_size
    result.seconds = time.perf_counter() - started
    log.info(result.summary())
    return result


def _check_not_a_peers_party(node: Node, reported_by: str) -> None:
    """Refuse ``reported_by`` when it is the party of a registered peer: rows this node publishes as another
    node's party speak for that party, which refuses them at every sync (``refused:``, exit 6)."""
    from sarhad.exchange.peers import list_peers

    party = reported_by.strip().casefold()
    for peer in list_peers(node.db):
        if peer.party.casefold() == party:
            raise InvalidInput(
                f"--reported-by {peer.party} is the party of the peer {peer.name!r}: its node refuses the records"
                f" this node publishes as {peer.party}'s, at every sync, and this node's log keeps them for good;"
                f" import them as this node's ({node.settings.party}) or as the dataset's (without --reported-by),"
                " or add --peer-party if they are meant to be published as that party's"
            )


def _write_rejected(path: Path, rows: list[tuple[int, dict[str, str], str]]) -> None:
    columns = ["line", "reason", *rows[0][1].keys()]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for line, row, reason in rows:
            writer.writerow([line, reason, *row.values()])
