"""The second process of a large sync: it fetches, checks and prepares entries (step 3) while the sync writes.

:func:`run_checker` is that process's side (``python -m sarhad.exchange.checker``); :func:`_checked_elsewhere`
is the syncing process's side, which starts it, sends it the job and reads the prepared pieces back, each
message length-prefixed (:func:`_encode`, :func:`_decode`). :func:`_use_checker` says when a sync uses it
(:data:`CHECKER_MIN`). The checking itself is :mod:`sarhad.exchange.entries`, the same in both processes.
"""

from __future__ import annotations

import gc
import marshal
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
from collections.abc import Generator, Sequence
from contextlib import suppress
from typing import IO, Any, Final

from sarhad._internal.child import child_environment, relay, take, widen_pipe
from sarhad.errors import ExchangeError, SarhadError
from sarhad.exchange.authorship import OwnVersions, own_versions
from sarhad.exchange.entries import _Prepared, _prepared_chunks
from sarhad.exchange.peer_http import _PeerHTTP
from sarhad.monitor.evaluate import Subject
from sarhad.monitor.rules import Rule
from sarhad.store.db import Database, open_database

__all__ = ["CHECKER_MIN", "run_checker"]

# From this many new entries, a second process fetches, checks and prepares chunks while this one writes (this
# one checks the first LEAD entries itself while that process starts: below about twice that, the second
# process would have little or nothing left to do).
CHECKER_MIN: Final = 20_000
# Messages (prepared pieces) the syncing process holds from the checking process ahead of the writing.
FRAMES_AHEAD: Final = 4
# A large sync checks this many entries itself while the checking process starts.
LEAD: Final = 12_500
_CHECKER_MODULE = "sarhad.exchange.checker"  # run with ``python -m``
_FRAME: Final = struct.Struct(">Q")  # the length of each message from the checking process


def run_checker(source: IO[bytes], sink: IO[bytes]) -> None:
    """The checking process's side (``python -m sarhad.exchange.checker``): read the job from ``source``,
    then fetch, check and prepare its chunks and write each to ``sink`` as soon as it is ready.

    The job is a pickled ``(peer, this node's party, its database URL, start, end, alert rules, chunk size, piece
    size)``. The database is opened only when a piece holds a shared record with an entry of this node's party,
    to read this node's own versions of it (committed before the sync began: the writer's uncommitted rows are
    the peer's). Each message is length-prefixed (:func:`_encode`): ``("chunk", prepared)``, then
    ``("done", None)``, or ``("error", exception)`` after which nothing more is sent.
    """
    gc.disable()  # for the life of this process: the same reason as in the writer (see paused_collector)
    peer, own, url, start, end, rules, size, piece = pickle.loads(source.read())
    opened: list[Database] = []

    def published(ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        if not opened:
            opened.append(open_database(url))
        return own_versions(opened[0], own, ids)

    def send(message: tuple[str, Any]) -> None:
        data = _encode(message)
        sink.write(_FRAME.pack(len(data)))
        sink.write(data)
        sink.flush()

    http = _PeerHTTP(peer)
    try:
        for prepared in _prepared_chunks(http, own, published, start, end, rules, size, piece):
            send(("chunk", prepared))
        send(("done", None))
    except (BrokenPipeError, ConnectionResetError):  # the writer gave up (a failure or Ctrl-C): just stop
        pass
    except BaseException as exc:  # every failure goes back to the writer, which reports it
        if not isinstance(exc, SarhadError):
            exc = ExchangeError(f"peer {peer.name}: checking its entries failed: {exc!r}")
        with suppress(OSError, pickle.PicklingError):
            send(("error", exc))
    finally:
        http.close()
        for db in opened:
            db.close()


def _encode(message: tuple[str, Any]) -> bytes:
    """A message from the checking process: a prepared chunk of plain rows and subjects (as plain tuples) with
    ``marshal`` (about 40 % cheaper than pickle for these tuples of strings and numbers; both processes run the
    same interpreter), anything else (the end, an error) with pickle. The first byte says which."""
    kind, value = message
    if kind == "chunk":
        received = [tuple(s) for s in value.received]
        return b"m" + marshal.dumps((value.leaves, value.objects, value.incidents, received, value.refused))
    return b"p" + pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)


def _decode(data: bytes) -> tuple[str, Any]:
    """The message :func:`_encode` made."""
    if data[:1] == b"m":
        leaves, objects, incidents, received, refused = marshal.loads(memoryview(data)[1:])
        return "chunk", _Prepared(leaves, objects, incidents, [Subject._make(s) for s in received], refused)
    message: tuple[str, Any] = pickle.loads(memoryview(data)[1:])
    return message


def _read_frame(stream: IO[bytes]) -> bytes | None:
    head = stream.read(_FRAME.size)
    if len(head) < _FRAME.size:
        return None
    (size,) = _FRAME.unpack(head)
    data = stream.read(size)
    return data if len(data) == size else None


def _checked_elsewhere(
    http: _PeerHTTP,
    own: str,
    published: OwnVersions,
    url: str,
    start: int,
    end: int,
    rules: Sequence[Rule],
    size: int,
    piece: int,
) -> Generator[_Prepared]:
    """:func:`_prepared_chunks` in a second process (:func:`run_checker`), so that fetching and checking the
    next chunk overlaps with writing this one. The process is stopped when the generator is closed, whatever
    happened. It is a fresh interpreter running this package, so it shares nothing with this one but the pipe.

    While it starts (a fraction of a second), this process fetches and checks the first :data:`LEAD` entries
    itself, and the checking process begins after them.
    """
    peer = http.peer
    lead = min(LEAD, end - start)
    process = subprocess.Popen(
        [sys.executable, "-m", _CHECKER_MODULE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=child_environment(),
    )
    assert process.stdin is not None and process.stdout is not None
    widen_pipe(process.stdout.fileno())
    frames: queue.Queue[bytes | None] = queue.Queue(maxsize=FRAMES_AHEAD)
    stop = threading.Event()
    stdout = process.stdout
    receiver = threading.Thread(
        target=relay,
        args=(lambda: _frame_or_none(stdout), frames, stop, lambda frame: frame is not None),
        name="sarhad-sync-receiver",
        daemon=True,
    )
    try:
        with process.stdin:
            process.stdin.write(pickle.dumps((peer, own, url, start + lead, end, rules, size, piece)))
        receiver.start()
        yield from _prepared_chunks(http, own, published, start, start + lead, rules, size, piece)
        while True:
            frame = take(frames, receiver, None)
            if frame is None:
                raise ExchangeError(
                    f"peer {peer.name}: the process checking its entries stopped unexpectedly"
                    f" (exit code {process.wait(5)})"
                )
            kind, value = _decode(frame)
            if kind == "chunk":
                yield value
            elif kind == "done":
                return
            else:
                raise value
    finally:
        stop.set()
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if receiver.is_alive():
            receiver.join()  # the pipe is at its end now that the process has gone
        process.stdout.close()


def _frame_or_none(stream: IO[bytes]) -> bytes | None:
    """The next message of the checking process; None once it has gone (or the pipe was closed under us)."""
    try:
        return _read_frame(stream)
    except (OSError, ValueError):
        return None


def _use_checker(mode: str, new_entries: int) -> bool:
    # "auto" needs an interpreter to start (an embedded Python may have no executable) and a second CPU
    if mode != "auto":
        return mode == "process"
    return new_entries >= CHECKER_MIN and bool(sys.executable) and (os.cpu_count() or 1) > 1
