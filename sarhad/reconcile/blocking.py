"""Blocking: the candidate pairs worth scoring, found without comparing every record with every other.

Each record is *indexed* under a few keys and *probes* a few keys; two records are candidates when one
probes a key the other is indexed under. A key is a time bucket and a place bucket:

* time: the day, for records whose date is known to within a week; the month, for vaguer ones. A record
  probes every bucket of its own date range widened by its precision's slack (``DATE_SLACK_DAYS``), and
  a record of a short range at least by ``DATE_REACH_DAYS`` (a party may date an incident days late); a
  record of a short range that is not a point also probes the months around it, for the vaguer records;
* place: a grid cell of ``CELL_DEGREES`` for coordinates that are a point (probing the 3x3 cells around
  it); the province for province-level places; the country, or nothing, for the vaguest.

Points are also indexed under their province and country so that vaguer records find them; vaguer records
probe those, points never do (two points are compared through their cells only). Keys are packed into
int64, place first and time last, so that the days (or months) a record probes in one place are one range of
keys: a record is indexed under every key of its range, but probes each place with one range, matched by two
binary searches in the sorted index. The cost grows with the number of records times the (small) number of
keys and ranges each one has, plus the number of candidates.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from sarhad.reconcile.features import DATE_REACH_DAYS, I64, Bool, Features
from sarhad.reconcile.record import DATE_SLACK_DAYS

__all__ = ["CELL_DEGREES", "LONG_SPAN_DAYS", "Blocker", "candidate_pairs"]

CELL_DEGREES: Final = 0.25  # ~28 km: the 3x3 neighbourhood covers any two points within ~25 km
LONG_SPAN_DAYS: Final = 7  # a record whose date range is longer than this is blocked by month

_MIN_SLACK: Final = min(DATE_SLACK_DAYS.values())
_MAX_SLACK: Final = max(DATE_SLACK_DAYS.values())

# Namespaces of the time and place parts of a key.
_T_DAY, _T_MONTH_SHORT, _T_MONTH_LONG = 0, 1, 2
_S_CELL, _S_ADMIN_OF_POINT, _S_ADMIN_OF_AREA, _S_COUNTRY, _S_ANY = 0, 1, 2, 3, 4


def _key(t_ns: int, t: I64, s_ns: int, s: I64) -> I64:
    # Place in the high bits, time in the low 22: the keys of one place and time namespace over consecutive days
    # (or months) are consecutive integers, so a probe of a date range in one place is one range of keys.
    return (((s_ns << 26) | s) << 22) | ((t_ns << 20) | t)


def _expand(rows: I64, lo: I64, hi: I64) -> tuple[I64, I64]:
    """For each row, every integer of ``[lo, hi]``: returns (row repeated, value)."""
    counts = (hi - lo + 1).clip(min=0)
    rep = np.repeat(rows, counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    values = np.repeat(lo, counts) + (np.arange(rep.shape[0], dtype=np.int64) - starts)
    return rep, values


def _month(day: I64) -> I64:
    # An approximate month bucket (30.44-day periods): adjacent buckets are probed, so its edges do not matter.
    return (day // 30).astype(np.int64)


class _Keys:
    def __init__(self) -> None:
        self.keys: list[I64] = []
        self.rows: list[I64] = []

    def add(self, keys: I64, rows: I64) -> None:
        self.keys.append(keys)
        self.rows.append(rows)

    def arrays(self) -> tuple[I64, I64]:
        if not self.keys:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        return np.concatenate(self.keys), np.concatenate(self.rows)


class _Ranges:
    """Probes: each a range of keys ``[low, low + span]`` (one place, consecutive days or months) and its row."""

    def __init__(self) -> None:
        self.lows: list[I64] = []
        self.spans: list[I64] = []
        self.rows: list[I64] = []

    def add(self, lows: I64, spans: I64, rows: I64) -> None:
        self.lows.append(lows)
        self.spans.append(spans)
        self.rows.append(rows)

    def arrays(self) -> tuple[I64, I64, I64]:
        if not self.lows:
            return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64)
        return np.concatenate(self.lows), np.concatenate(self.spans), np.concatenate(self.rows)

    def keys(self) -> tuple[I64, I64]:
        """Every key of every range: (key, row)."""
        lows, spans, rows = self.arrays()
        at, offset = _expand(np.arange(lows.shape[0], dtype=np.int64), np.zeros_like(spans), spans)
        return lows[at] + offset, rows[at]


def _cells(f: Features) -> tuple[I64, I64]:
    lat = np.nan_to_num(f.lat)
    lon = np.nan_to_num(f.lon)
    cy = np.floor((lat + 90.0) / CELL_DEGREES).astype(np.int64)
    cx = np.floor((lon + 180.0) / CELL_DEGREES).astype(np.int64)
    return cy, cx


def _keys(f: Features, index_mask: Bool, probe_mask: Bool) -> tuple[_Keys, _Ranges]:
    n = f.size
    rows = np.arange(n, dtype=np.int64)
    cy, cx = _cells(f)
    cell = cy * 2048 + cx
    point = f.cell_point
    has_admin = f.admin1 >= 0
    has_country = f.country >= 0
    short = (f.day_end - f.day_start) <= LONG_SPAN_DAYS
    index, probe = _Keys(), _Ranges()

    # Where each record is indexed: (time bucket, place bucket) for each place bucket it belongs to.
    places: list[tuple[int, Bool, I64]] = [
        (_S_CELL, point, cell),
        (_S_ADMIN_OF_POINT, point & has_admin, f.admin1),
        (_S_ADMIN_OF_AREA, ~point & has_admin, f.admin1),
        (_S_COUNTRY, has_country, f.country),
        (_S_ANY, np.ones(n, np.bool_), np.zeros(n, np.int64)),
    ]
    for t_ns, sel, lo, hi in (
        (_T_DAY, short, f.day_start, f.day_end),
        (_T_MONTH_SHORT, short, _month(f.day_start), _month(f.day_end)),
        (_T_MONTH_LONG, ~short, _month(f.day_start), _month(f.day_end)),
    ):
        for s_ns, place_sel, value in places:
            m = sel & place_sel & index_mask
            r, t = _expand(rows[m], lo[m], hi[m])
            index.add(_key(t_ns, t, s_ns, value[r]), r)

    # What each record probes. Points: the cells around them. Province-level: the province (points and
    # areas). Country-level: the country. No place: everything of those days.
    area_admin = ~point & has_admin
    area_country = ~point & ~has_admin & has_country
    nowhere = ~point & ~has_admin & ~has_country
    reach = np.where(short, np.maximum(f.slack, DATE_REACH_DAYS), f.slack)
    lo_day = f.day_start - reach
    hi_day = f.day_end + reach
    time_probes: list[tuple[Bool, list[int], I64, I64]] = [
        (short, [_T_DAY], lo_day, hi_day),
        (~short, [_T_MONTH_SHORT, _T_MONTH_LONG], _month(lo_day) - 1, _month(hi_day) + 1),
        # A point dated vaguely (a month) never probes provinces, and a short date probes days only: the
        # province-level and placeless records of a short date look for vague ones in the months of their own
        # range widened by the largest slack a vague date allows.
        (short & ~point, [_T_MONTH_LONG], _month(f.day_start - _MAX_SLACK), _month(f.day_end + _MAX_SLACK)),
    ]
    for sel, t_namespaces, lo, hi in time_probes:
        for t_ns in t_namespaces:
            m = sel & point & probe_mask
            r, span = rows[m], hi[m] - lo[m]
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    probe.add(_key(t_ns, lo[r], _S_CELL, cell[r] + dy * 2048 + dx), span, r)
            m = sel & area_admin & probe_mask
            r, span = rows[m], hi[m] - lo[m]
            probe.add(_key(t_ns, lo[r], _S_ADMIN_OF_POINT, f.admin1[r]), span, r)
            probe.add(_key(t_ns, lo[r], _S_ADMIN_OF_AREA, f.admin1[r]), span, r)
            m = sel & area_country & probe_mask
            r, span = rows[m], hi[m] - lo[m]
            probe.add(_key(t_ns, lo[r], _S_COUNTRY, f.country[r]), span, r)
            m = sel & nowhere & probe_mask
            r, span = rows[m], hi[m] - lo[m]
            probe.add(_key(t_ns, lo[r], _S_ANY, np.zeros(r.shape[0], np.int64)), span, r)
    return index, probe


def _sorted(keys: I64, rows: I64) -> tuple[I64, I64]:
    order = np.argsort(keys, kind="stable")
    return keys[order], rows[order]


def _pairs(srows: I64, qrows: I64, left: I64, counts: I64) -> tuple[I64, I64]:
    """For each query ``k``, its row beside each of ``srows[left[k] : left[k] + counts[k]]``."""
    hit = counts > 0
    qrows, left, counts = qrows[hit], left[hit], counts[hit]
    a = np.repeat(qrows, counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return a, srows[np.repeat(left, counts) + (np.arange(a.shape[0], dtype=np.int64) - starts)]


def _lookup(skeys: I64, srows: I64, qkeys: I64, qrows: I64) -> tuple[I64, I64]:
    """Every (query row, stored row) pair with a common key; ``skeys`` is sorted."""
    # Sorted queries make the binary searches walk memory in order (several times faster than random).
    qkeys, qrows = _sorted(qkeys, qrows)
    left = np.searchsorted(skeys, qkeys, side="left")
    return _pairs(srows, qrows, left, np.searchsorted(skeys, qkeys, side="right") - left)


def _lookup_ranges(skeys: I64, srows: I64, lows: I64, spans: I64, qrows: I64) -> tuple[I64, I64]:
    """Every (query row, stored row) pair whose stored key lies in the query's range ``[low, low + span]``;
    ``skeys`` is sorted. A stored row indexed under several keys of one range comes once per key."""
    order = np.argsort(lows, kind="stable")
    lows, spans, qrows = lows[order], spans[order], qrows[order]
    left = np.searchsorted(skeys, lows, side="left")
    return _pairs(srows, qrows, left, np.searchsorted(skeys, lows + spans, side="right") - left)


def _match(index: _Keys, probe: _Ranges) -> tuple[I64, I64]:
    """Every (probing row, indexed row) pair with a common key. Probes are matched chunk by chunk, so
    peak memory is the index plus one chunk, not every probe at once."""
    ikeys, irows = _sorted(*index.arrays())
    found_a: list[I64] = []
    found_b: list[I64] = []
    for lows, spans, prows in zip(probe.lows, probe.spans, probe.rows, strict=True):
        a, b = _lookup_ranges(ikeys, irows, lows, spans, prows)
        found_a.append(a)
        found_b.append(b)
    if not found_a:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(found_a), np.concatenate(found_b)


def _distinct(a: I64, b: I64, n: int) -> tuple[I64, I64]:
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keep = lo != hi
    code = np.sort(lo[keep] * np.int64(n) + hi[keep])
    if code.shape[0]:
        code = code[np.concatenate(([True], code[1:] != code[:-1]))]
    return (code // n).astype(np.int64), (code % n).astype(np.int64)


def _reciprocated(f: Features) -> Bool:
    """Records whose every match also finds them: short, day-slack points (see :func:`candidate_pairs`)."""
    short = (f.day_end - f.day_start) <= LONG_SPAN_DAYS
    return f.cell_point & short & (f.slack <= _MIN_SLACK)


def candidate_pairs(f: Features, new: Bool | None = None) -> tuple[I64, I64]:
    """The distinct candidate pairs ``(a, b)``, ``a < b``, sorted; with ``new``, only pairs touching a new record.

    Incremental runs pass ``new`` (True for the records added since the last run): new records probe every
    record, and old records probe the new ones, so that the pairs are exactly those a run over everything
    would find. Probing is not symmetric (a week-precise date probes its week and ``DATE_REACH_DAYS`` either
    side, a day-precise one its day and as many; a vaguer one whole months around its own; points never
    probe provinces), but whatever a short, day-slack point finds also finds it, so those old records (most of
    them) need not probe.
    """
    n = f.size
    everyone = np.ones(n, np.bool_)
    if new is None:
        a, b = _match(*_keys(f, everyone, everyone))
    else:
        a1, b1 = _match(*_keys(f, everyone, new))
        a2, b2 = _match(*_keys(f, new, ~new & ~_reciprocated(f)))
        a, b = np.concatenate([a1, a2]), np.concatenate([b1, b2])
    return _distinct(a, b, n)


class Blocker:
    """:func:`candidate_pairs` for one set of records and many ``new`` sets in turn (the rounds of an
    incremental run): everyone's index keys, and the probe keys of the records that must probe, are built
    and sorted once."""

    def __init__(self, f: Features) -> None:
        self.f = f
        n = f.size
        nobody = np.zeros(n, np.bool_)
        index, _ = _keys(f, np.ones(n, np.bool_), nobody)
        self.index = _sorted(*index.arrays())
        _, probe = _keys(f, nobody, ~_reciprocated(f))
        # Matched the other way (the new records' index keys against these), so every key of every range.
        self.probe = _sorted(*probe.keys())

    def touching(self, new: Bool) -> tuple[I64, I64]:
        """The distinct candidate pairs that touch a record of ``new``, as :func:`candidate_pairs` gives them."""
        index, probe = _keys(self.f, new, new)
        a1, b1 = _lookup_ranges(*self.index, *probe.arrays())
        b2, a2 = _lookup(*self.probe, *index.arrays())
        return _distinct(np.concatenate([a1, a2]), np.concatenate([b1, b2]), self.f.size)
