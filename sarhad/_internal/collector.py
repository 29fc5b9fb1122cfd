"""Pausing Python's cyclic garbage collector during bulk work.

An import, a sync or a clustering run allocates millions of small containers (tuples, lists, dicts), which
reference counting frees as soon as a row is done; none of them forms a cycle worth collecting. Each few
hundred allocations, though, the cyclic collector runs, and every so often it walks every object the process
holds (the parsed geography, the modules, what is queued), again and again: 4-8 % of the CPU of an import's
worker process (100,000 ACLED rows). :func:`paused_collector` turns it off for such a block and back on
after; a cycle formed meanwhile is collected then, by the collector's next run.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_collector"]


@contextmanager
def paused_collector() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off (as it was after: a nested block changes nothing)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
