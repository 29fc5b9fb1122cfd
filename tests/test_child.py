"""Receiving a child process's messages on a thread: relay() and take()."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator

import pytest

from sarhad._internal.child import relay, take


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
