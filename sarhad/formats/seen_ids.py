"""The record ids an import has accepted so far, kept compactly, so that a repeated id is found at any distance.

A file must not give the same record id twice: the publisher would keep the last copy (within a batch) or
store it as a new version of the first (across batches), and the import would count neither. A Python set of
a million ids costs about 100 MB; :class:`SeenIds` keeps each id's UUID as two 64-bit numbers with its line,
20 bytes an id, in a few sorted arrays, and looks up a whole chunk of rows at once.

The lookup is exact: a record id is ``incident--<UUID>`` (a UUIDv5 of dataset, reporting party and source id),
and two ids are the same record exactly when their UUIDs are equal, which is what is compared.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["SeenIds"]

_U64 = npt.NDArray[np.uint64]
_U32 = npt.NDArray[np.uint32]


class SeenIds:
    """Ids seen, each with the line it was seen on, in sorted runs merged as a binary counter merges its digits
    (a run is merged into the one before it once that one is no larger), so that there are at most about
    log2(ids / chunk) runs to search and each id is re-sorted about as often."""

    def __init__(self) -> None:
        # (high halves sorted, low halves, lines), in that order
        self._runs: list[tuple[_U64, _U64, _U32]] = []

    def earlier_lines(self, ids: Sequence[str], lines: Sequence[int]) -> list[int | None]:
        """For each of ``ids`` (``incident--<UUID>``, in file order, on ``lines``), the line of an earlier row
        with the same id, or None when it is new; the new ones are remembered."""
        if not ids:
            return []
        halves = np.frombuffer(bytes.fromhex("".join(i[-36:] for i in ids).replace("-", "")), dtype=">u8")
        high, low = halves[0::2].astype(np.uint64), halves[1::2].astype(np.uint64)
        found: list[int | None] = [None] * len(ids)
        for run_high, run_low, run_lines in self._runs:
            at = np.searchsorted(run_high, high)
            inside = at < len(run_high)
            hits = np.flatnonzero(inside & (run_high[np.minimum(at, len(run_high) - 1)] == high))
            for i in hits.tolist():  # a repeat, or (rarely) another id with the same high half
                j = int(at[i])
                while j < len(run_high) and run_high[j] == high[i]:
                    if run_low[j] == low[i]:
                        found[i] = int(run_lines[j])
                        break
                    j += 1
        first_in_chunk: dict[str, int] = {}
        new: list[int] = []
        for i, record_id in enumerate(ids):
            if found[i] is not None:
                continue
            line = first_in_chunk.get(record_id)
            if line is None:
                first_in_chunk[record_id] = lines[i]
                new.append(i)
            else:
                found[i] = line
        self._remember(high[new], low[new], np.asarray([lines[i] for i in new], dtype=np.uint32))
        return found

    def _remember(self, high: _U64, low: _U64, lines: _U32) -> None:
        if not len(high):
            return
        order = np.argsort(high, kind="stable")
        runs = self._runs
        runs.append((high[order], low[order], lines[order]))
        while len(runs) > 1 and len(runs[-2][0]) <= len(runs[-1][0]):
            (h1, l1, n1), (h2, l2, n2) = runs.pop(-2), runs.pop()
            merged_high = np.concatenate((h1, h2))
            order = np.argsort(merged_high, kind="stable")
            runs.append((merged_high[order], np.concatenate((l1, l2))[order], np.concatenate((n1, n2))[order]))
