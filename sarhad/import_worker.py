"""An import's reading half in a second process: parse, validate and prepare the records while the importer writes.

A large import costs about as much to read and prepare (CSV parsing, validation, the STIX text, the hashes,
the verbatim row's JSON) as to write (SQLite or PostgreSQL, the log, the summaries). :func:`prepared_batches`
starts a worker process that runs :func:`sarhad.formats.scan.scan` and a :class:`~sarhad.prepare.Preparer`
and sends the prepared records, a batch at a time, through a pipe; the importing process, the single writer,
publishes them as they come. A thread of the importing process receives them into a queue of a few batches,
so memory stays bounded and the two processes overlap.

The worker is a fresh interpreter (``python -m sarhad.import_worker``: nothing inherited from the parent, and
no re-import of the parent's main module, so any script may import) and dies with the parent: the parent
terminates it when it stops reading for any reason (an error, Ctrl-C), and a worker whose parent has gone
fails on its next write to the pipe and exits. A file error or bad rows come back as the same tally and
errors an import in one process produces; an unexpected failure in the worker comes back with its traceback.
The worker's last message also says how much memory it used at its peak (:class:`WorkerReport`), which only
the worker itself can tell (:mod:`sarhad._internal.memory`).
"""

from __future__ import annotations

import marshal
import os
import pickle
import queue
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sarhad._internal.child import child_environment, relay, take, widen_pipe
from sarhad._internal.collector import paused_collector
from sarhad._internal.memory import peak_rss
from sarhad.errors import InvalidInput, SarhadError
from sarhad.formats.scan import Rejected, Tally

__all__ = ["WorkerReport", "WorkerSpec", "prepared_batches"]

BATCH = 1000  # records per message
# Messages the importing process holds before the worker waits (about 3 MB each for ACLED): more than the
# publisher writes at once, so that the worker goes on preparing while a batch is written.
QUEUED = 8


@dataclass(frozen=True)
class WorkerSpec:
    """What the worker needs: the file and how to read it, and who publishes it when (for the STIX text)."""

    format_name: str
    path: str
    reported_by: str | None
    tlp: str
    recipients: tuple[str, ...]
    skip_invalid: bool
    party: str
    stamp: str
    encoding: str = "utf-8"
    # the rows the store holds as this import would derive them (KnownRows.state()): counted, not prepared
    known: tuple[bytes, bytes, bytes] | None = None


@dataclass
class WorkerReport:
    """What the worker says of itself when it has read the whole file."""

    # bytes: the most the worker held in RAM at once (its own, not the importing process's: see
    # sarhad._internal.memory); None where the system does not say
    peak_rss: int | None = None


def _work(conn: Any, spec: WorkerSpec) -> None:
    """The worker process: scan and prepare, sending ``("batch", rows read, records, rejected)`` messages,
    then ``("done", rows read, tally, rejected, peak RSS)``, or ``("invalid", message)`` / ``("crash",
    traceback)``."""
    try:
        from sarhad.formats import table_format
        from sarhad.formats.scan import scan
        from sarhad.formats.unchanged import KnownRows
        from sarhad.prepare import Preparer

        fmt = table_format(spec.format_name)
        prepare = Preparer(spec.party, spec.stamp)
        tally = Tally()
        rejected: list[Rejected] = []
        read = [0]

        def progress(n: int) -> None:
            read[0] += n

        batches = scan(
            fmt, Path(spec.path), reported_by=spec.reported_by, tlp=spec.tlp, recipients=spec.recipients,
            skip_invalid=spec.skip_invalid, tally=tally, rejected=rejected, batch_size=BATCH, progress=progress,
            straight=True, encoding=spec.encoding,
            known=None if spec.known is None else KnownRows.from_state(spec.known),
        )  # fmt: skip
        # the straight path where the format has one: the stored forms from the checked fields, no record
        straight, general = prepare.from_fields, prepare
        with paused_collector():
            for batch in batches:
                records = [straight(rec, raw) if isinstance(rec, tuple) else general(rec, raw) for rec, raw in batch]
                conn.send_bytes(_encode(("batch", read[0], records, rejected[:])))
                read[0] = 0
                rejected.clear()
        # scan counts thousands
        conn.send_bytes(_encode(("done", read[0] + tally.rows % 1000, tally, rejected, peak_rss())))
    except (BrokenPipeError, ConnectionResetError, KeyboardInterrupt):
        return  # the parent has gone or is stopping: nothing to report to
    except InvalidInput as exc:
        _send(conn, ("invalid", str(exc)))
    except BaseException:
        _send(conn, ("crash", traceback.format_exc()))
    finally:
        conn.close()


def _send(conn: Any, message: tuple[Any, ...]) -> None:
    try:
        conn.send_bytes(_encode(message))
    except OSError:
        pass  # the parent has gone


def _encode(message: tuple[Any, ...]) -> bytes:
    """A message to the importing process: a batch with ``marshal``, anything else with pickle; the first byte
    says which.

    A batch is tuples of text, numbers and None and the rejected rows (dicts of text), which ``marshal``
    writes and reads back in about two thirds of pickle's time on both sides (both processes run the same
    interpreter, which ``marshal``'s format needs). A text shared by many records (a header) is written once.
    """
    if message[0] == "batch":
        return b"m" + marshal.dumps(message)
    return b"p" + pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)


def _decode(data: bytes) -> tuple[Any, ...]:
    """The message :func:`_encode` made."""
    body = memoryview(data)[1:]
    message: tuple[Any, ...] = marshal.loads(body) if data[:1] == b"m" else pickle.loads(body)
    return message


def prepared_batches(
    spec: WorkerSpec,
    tally: Tally,
    rejected: list[Rejected],
    progress: Callable[[int], None] | None = None,
    report: WorkerReport | None = None,
) -> Iterator[list[Any]]:
    """Yield the prepared records of ``spec``'s file in batches, read and prepared by a worker process.

    Fills ``tally`` (and, with ``skip_invalid``, ``rejected``) as :func:`sarhad.formats.scan.scan` does and
    calls ``progress`` with the rows read; once the whole file is read, fills ``report``. Raises InvalidInput
    for an error in the file as a whole, SarhadError when the worker fails or stops unexpectedly (a bug, not bad
    input). The worker is stopped when the caller stops iterating.
    """
    read_fd, write_fd = os.pipe()
    widen_pipe(read_fd)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sarhad.import_worker", str(write_fd)],
            stdin=subprocess.PIPE,
            pass_fds=(write_fd,),
            env=child_environment(),
        )
    except BaseException:
        os.close(read_fd)
        raise
    finally:
        os.close(write_fd)  # the worker holds the only write end: reading gives EOFError once it has gone
    reader = Connection(read_fd, writable=False)
    inbox: queue.Queue[tuple[Any, ...]] = queue.Queue(maxsize=QUEUED)
    stop = threading.Event()
    # a thread moves the worker's messages into the inbox as they come, so the worker never waits while the
    # importer writes a batch
    receiver = threading.Thread(
        target=relay,
        args=(lambda: _message(reader), inbox, stop, lambda message: message[0] == "batch"),
        name="sarhad-import-receiver",
        daemon=True,
    )
    try:
        assert proc.stdin is not None
        with proc.stdin:
            proc.stdin.write(pickle.dumps(spec))
        del spec  # the known rows it may hold (33 MB for a million records) are the worker's now
        receiver.start()
        while True:
            message = take(inbox, receiver, ("eof",))
            kind = message[0]
            if kind == "batch":
                _, read, records, rejects = message
                rejected.extend(rejects)
                if progress is not None and read:
                    progress(read)
                yield records
            elif kind == "done":
                _, read, done, rejects, peak = message
                rejected.extend(rejects)
                if report is not None:
                    report.peak_rss = peak
                if progress is not None and read:
                    progress(read)
                tally.rows, tally.rejected, tally.errors = done.rows, done.rejected, done.errors
                tally.unchanged = done.unchanged
                return
            elif kind == "invalid":
                raise InvalidInput(message[1])
            elif kind == "eof":
                raise SarhadError(f"the import worker stopped unexpectedly (exit code {_exit_code(proc)})")
            else:
                raise SarhadError(f"the import worker failed (a bug; nothing was stored):\n{message[1]}")
    finally:
        stop.set()
        if proc.poll() is None:
            proc.terminate()
        proc.wait()
        if receiver.is_alive():
            receiver.join()
        reader.close()


def _message(reader: Connection) -> tuple[Any, ...]:
    """The worker's next message; ``("eof",)`` when it has gone early."""
    try:
        message: tuple[Any, ...] = _decode(reader.recv_bytes())
    except (EOFError, OSError):
        return ("eof",)
    return message


def _exit_code(proc: subprocess.Popen[bytes]) -> int | None:
    try:
        return proc.wait(5)
    except subprocess.TimeoutExpired:
        return None


def main(argv: list[str]) -> int:
    """The worker's entry point: ``python -m sarhad.import_worker FD`` with the pickled WorkerSpec on stdin."""
    conn = Connection(int(argv[0]), readable=False)
    spec = pickle.loads(sys.stdin.buffer.read())
    _work(conn, spec)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
