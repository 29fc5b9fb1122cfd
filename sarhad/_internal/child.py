"""Starting a second Python process that runs this package (the import worker, a sync's checking process),
and receiving its messages on a thread."""

from __future__ import annotations

import fcntl
import os
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

__all__ = ["child_environment", "relay", "take", "widen_pipe"]

T = TypeVar("T")

# Linux's F_SETPIPE_SZ (the fcntl module has it on Linux only)
_SETPIPE_SZ: int | None = getattr(fcntl, "F_SETPIPE_SZ", None)
PIPE_BYTES = 2**20  # the largest pipe an unprivileged process may ask for by default (/proc/sys/fs/pipe-max-size)


def widen_pipe(fd: int) -> None:
    """Give the pipe ``fd`` (either end) a 1 MiB buffer instead of 64 KiB where the system allows it.

    A child process sends megabytes a message (an import's worker about 2.5 GB for a million ACLED rows); with
    the default buffer every message crosses in 64 KiB pieces, each a wake-up of the other side. Moving 3 MB
    messages between two processes, a 1 MiB pipe took 40 % less CPU on the receiving side and 65 % less on
    the sending side; in a 300,000-row import, whose CPU is spent mostly elsewhere, the wall time was 2-6 %
    shorter in two alternating pairs. Elsewhere (not Linux, or a lower limit) the pipe keeps its size:
    nothing else depends on it.
    """
    if _SETPIPE_SZ is None:
        return
    try:
        fcntl.fcntl(fd, _SETPIPE_SZ, PIPE_BYTES)
    except OSError:
        pass  # a lower limit (pipe-max-size) or too many pipes of this user already large: the default size


def child_environment() -> dict[str, str]:
    """The environment for ``python -m sarhad.…``: this one, with the folder this ``sarhad`` package is in
    first on the path, so that the child runs the same code however this process found it (a source tree, a
    path added by a script). An installed package is found by the interpreter anyway, and an installation
    folder put before the standard library could shadow it, so that one is left where it is."""
    env = dict(os.environ)
    root = Path(__file__).resolve().parents[2]
    if root.name not in ("site-packages", "dist-packages"):
        env["PYTHONPATH"] = os.pathsep.join([str(root), *filter(None, [env.get("PYTHONPATH")])])
    return env


def relay(receive: Callable[[], T], inbox: queue.Queue[T], stop: threading.Event, more: Callable[[T], bool]) -> None:
    """Put each message ``receive()`` gives into ``inbox`` until one for which ``more`` is false (the last one,
    put too) or until ``stop`` is set. A thread of the parent runs it, so that the child process goes on
    producing while the parent is busy with the message before; the bounded ``inbox`` holds it back when the
    parent falls behind. ``receive`` turns a closed pipe into a last message of its own.
    """
    while not stop.is_set():
        message = receive()
        while not stop.is_set():
            try:
                inbox.put(message, timeout=0.1)
                break
            except queue.Full:
                continue
        if not more(message):
            return


def take(inbox: queue.Queue[T], receiver: threading.Thread, gone: T) -> T:
    """The next message :func:`relay` put into ``inbox``, or ``gone`` when the receiving thread has ended
    without leaving one (it failed on an error of its own), so that the parent never waits for ever."""
    while True:
        try:
            return inbox.get(timeout=0.5)
        except queue.Empty:
            # in this order: a thread that put its last message and ended leaves the inbox not empty
            if not receiver.is_alive() and inbox.empty():
                return gone
