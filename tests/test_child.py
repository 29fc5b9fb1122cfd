"""Receiving a child process's messages on a thread: relay() and take(); the pipe's buffer: widen_pipe()."""

from __future__ import annotations

import fcntl
import os
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sarhad._internal.child import PIPE_BYTES, relay, take, widen_pipe


def _receiver(
    messages: Iterator[str], inbox: queue.Queue[str], stop: threading.Event, more: Callable[[str], bool]
) -> threading.Thread:
    thread = threading.Thread(target=relay, args=(lambda: next(messages), inbox, stop, more), daemon=True)
    thread.start()
    return thread


def test_messages_arrive_in_order_up_to_the_last_one() -> None:
    inbox: queue.Queue[str] = queue.Queue(maxsize=2)  # smaller than the stream: the thread waits for room
    thread = _receiver(iter(["a", "b", "c", "end", "never"]), inbox, threading.Event(), lambda m: m != "end")
    got = [take(inbox, thread, "gone") for _ in range(4)]
    assert got == ["a", "b", "c", "end"]
    thread.join(5)
    assert not thread.is_alive() and inbox.empty()


# the thread's failure is the case under test (pytest reports the exception that ended it)
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_receiving_thread_that_fails_is_reported_instead_of_waited_for() -> None:
    def broken() -> Iterator[str]:
        yield "a"
        raise RuntimeError("a message that cannot be read")

    inbox: queue.Queue[str] = queue.Queue(maxsize=4)
    thread = _receiver(broken(), inbox, threading.Event(), lambda m: True)
    assert take(inbox, thread, "gone") == "a"
    assert take(inbox, thread, "gone") == "gone"  # not a wait for ever


def test_stop_ends_the_thread_while_the_inbox_is_full() -> None:
    inbox: queue.Queue[str] = queue.Queue(maxsize=1)
    stop = threading.Event()
    thread = _receiver(iter(["a", "b", "c"]), inbox, stop, lambda m: True)
    assert take(inbox, thread, "gone") == "a"
    stop.set()
    thread.join(5)
    assert not thread.is_alive()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe sizes are set on Linux only")
def test_a_widened_pipe_holds_a_megabyte_and_still_carries_everything() -> None:
    read_fd, write_fd = os.pipe()
    try:
        default = fcntl.fcntl(read_fd, fcntl.F_GETPIPE_SZ)
        widen_pipe(read_fd)
        assert fcntl.fcntl(write_fd, fcntl.F_GETPIPE_SZ) == PIPE_BYTES > default
        # a megabyte fits without a reader (the default 64 KiB pipe would block the writer here)
        os.set_blocking(write_fd, False)
        data = os.urandom(PIPE_BYTES)
        assert os.write(write_fd, data) == PIPE_BYTES
        got = b""
        while len(got) < PIPE_BYTES:
            got += os.read(read_fd, PIPE_BYTES)
        assert got == data
    finally:
        os.close(read_fd)
        os.close(write_fd)


def test_widening_a_descriptor_that_is_not_a_pipe_changes_nothing_and_raises_nothing(tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_bytes(b"x")
    fd = os.open(path, os.O_RDONLY)
    try:
        widen_pipe(fd)
        assert os.read(fd, 10) == b"x"
    finally:
        os.close(fd)
