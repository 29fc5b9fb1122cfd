"""The dashboard's summary tables: what the default view aggregates, kept per group rather than per row.

* ``incident_summary``: incidents, killed and how many of those incidents give a killed figure
  (``killed_known``: a group none of whose incidents gives one has killed unknown, not 0) per month, reporting
  party, dataset, country, province, perpetrator, TLP level and ``restricted`` (the timeline, the filter lists and
  the table's total read it);
* ``incident_cells``: per zoom level in :data:`BANDS`, the map's grid cells (count, killed, how many give a
  killed figure, coordinate sums) per reporting party, TLP level and ``restricted`` (the clusters read it).

``restricted`` is 1 for the incidents under a licence that forbids redistribution
(:data:`~sarhad.model.codes.RESTRICTED_LICENCES`, GTD's and ACLED's), else 0: another party's principals may not
read those (unless the node shares them), and their views read the groups at 0 alone.

Both are views of the ``incidents`` table. Whoever writes ``incidents`` keeps them in step, in the same
transaction: :func:`upsert` replaces incident rows and applies the difference; :func:`apply` takes the flat
rows before and after (subtracting the old row's contribution and adding the new one); :func:`rebuild`
recomputes both from scratch. A missing key value (no province, no perpetrator) is stored as ``''``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Sequence
from typing import Any, Final

from sarhad.model.codes import RESTRICTED_LICENCES
from sarhad.store.db import Database
from sarhad.store.incidents import INCIDENT_COLUMNS, insert_incidents, upsert_incidents

__all__ = [
    "BANDS",
    "SUMMARY_KEYS",
    "Deltas",
    "apply",
    "cell_size",
    "current_rows",
    "rebuild",
    "rebuild_cells",
    "rebuild_summary",
    "upsert",
]

BANDS: Final = range(3, 12)  # zoom levels with precomputed cells (the page's map spans 3..13)
CELL_PX: Final = 56  # a cluster cell, in screen pixels at its zoom level
_ROW_KEYS: Final = ("reported_by", "dataset", "country", "admin1", "admin1_code", "perpetrator", "tlp")
SUMMARY_KEYS: Final = (*_ROW_KEYS, "restricted")
_COL: Final = {c: i for i, c in enumerate(INCIDENT_COLUMNS)}
_SELECT_ROWS: Final = f"SELECT {', '.join(INCIDENT_COLUMNS)} FROM incidents WHERE id IN "
_KILLED_SQL: Final = "COALESCE(killed_best, killed_low, 0)"
_KNOWN_SQL: Final = "CASE WHEN killed_best IS NOT NULL OR killed_low IS NOT NULL THEN 1 ELSE 0 END"
# the licences are sarhad's own codes (letters, digits and '-'), written into the statement
_RESTRICTED_SQL: Final = (
    f"CASE WHEN licence IN ({', '.join(repr(c) for c in sorted(RESTRICTED_LICENCES))}) THEN 1 ELSE 0 END"
)

_SUMMARY_UPSERT: Final = (
    f"INSERT INTO incident_summary (month, {', '.join(SUMMARY_KEYS)}, n, killed, killed_known)"
    f" VALUES ({', '.join('?' * (len(SUMMARY_KEYS) + 4))})"
    f" ON CONFLICT (month, {', '.join(SUMMARY_KEYS)}) DO UPDATE SET"
    " n = incident_summary.n + excluded.n, killed = incident_summary.killed + excluded.killed,"
    " killed_known = incident_summary.killed_known + excluded.killed_known"
)
_SUMMARY_PRUNE: Final = (
    f"DELETE FROM incident_summary WHERE month = ? AND {' AND '.join(f'{k} = ?' for k in SUMMARY_KEYS)} AND n <= 0"
)
_CELLS_UPSERT: Final = (
    "INSERT INTO incident_cells (band, cx, cy, reported_by, tlp, restricted, n, killed, killed_known, lat_sum,"
    " lon_sum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (band, cy, cx, reported_by, tlp, restricted)"
    " DO UPDATE SET"
    " n = incident_cells.n + excluded.n, killed = incident_cells.killed + excluded.killed,"
    " killed_known = incident_cells.killed_known + excluded.killed_known,"
    " lat_sum = incident_cells.lat_sum + excluded.lat_sum, lon_sum = incident_cells.lon_sum + excluded.lon_sum"
)
_CELLS_PRUNE: Final = (
    "DELETE FROM incident_cells WHERE band = ? AND cx = ? AND cy = ? AND reported_by = ? AND tlp = ?"
    " AND restricted = ? AND n <= 0"
)


def cell_size(zoom: int) -> float:
    """The side of a cluster cell at ``zoom``, in degrees (about 56 screen pixels)."""
    return 360.0 / float(1 << zoom) * CELL_PX / 256.0


_DATE, _LAT, _LON = _COL["date_start"], _COL["lat"], _COL["lon"]
_PARTY, _TLP = _COL["reported_by"], _COL["tlp"]
_BEST, _LOW = _COL["killed_best"], _COL["killed_low"]
_MODIFIED, _LICENCE = _COL["modified"], _COL["licence"]
_KEY_COLS: Final = (*(_COL[k] for k in _ROW_KEYS), _LICENCE)
_CELL_SIZES: Final = tuple((band, cell_size(band)) for band in BANDS)


def _killed(row: Sequence[Any]) -> int:
    best = row[_BEST]
    if best is not None:
        return int(best)
    low = row[_LOW]
    return 0 if low is None else int(low)


def _killed_known(row: Sequence[Any]) -> int:
    """1 when the row gives a killed figure (best or low: what :func:`_killed` adds), else 0."""
    return 0 if row[_BEST] is None and row[_LOW] is None else 1


_key_values = operator.itemgetter(*_KEY_COLS)


# a row's key values and licence → the keys as stored ('' for None; restricted 0 or 1)
_KEY_TEXT: dict[tuple[Any, ...], tuple[Any, ...]] = {}


def _restricted(licence: Any) -> int:
    return 1 if licence in RESTRICTED_LICENCES else 0


def _summary_key(row: Sequence[Any]) -> tuple[Any, ...]:
    values = _key_values(row)
    text = _KEY_TEXT.get(values)
    if text is None:
        text = (*("" if v is None else str(v) for v in values[:-1]), _restricted(values[-1]))
        if len(_KEY_TEXT) >= 4096:  # bounded: rows repeat a few hundred combinations
            _KEY_TEXT.clear()
        _KEY_TEXT[values] = text
    return (str(row[_DATE])[:7], *text)


def _cell_keys(lat: Any, lon: Any, party: Any, tlp: Any, restricted: int) -> list[tuple[int, int, int, str, str, int]]:
    """The grid cell of a point in every band."""
    party, tlp, lat, lon = str(party), str(tlp), float(lat), float(lon)
    return [
        (band, math.floor(lon / cell), math.floor(lat / cell), party, tlp, restricted) for band, cell in _CELL_SIZES
    ]


class Deltas:
    """Changes to the summaries gathered over several batches of replaced rows, written once by :meth:`write`.

    A long writer (a large sync) adds each batch and writes at the end of its transaction: a point or group
    that recurs in every batch is then upserted once instead of once per batch. Nothing reads the summaries
    inside the writer's transaction, so they need only be right when it commits.
    """

    def __init__(self) -> None:
        self.summary: dict[tuple[Any, ...], list[int]] = {}
        # Rows are first summed per point (coordinates, party, TLP, restricted), then each distinct point is placed
        # in its cells once per band: an import repeats a few thousand points over a million rows.
        self.points: dict[tuple[Any, ...], list[Any]] = {}

    def add(self, old_rows: Iterable[Sequence[Any]], new_rows: Iterable[Sequence[Any]]) -> None:
        """Count ``old_rows`` out of the summaries and ``new_rows`` in (full ``incidents`` rows)."""
        summary, points = self.summary, self.points
        for sign, rows in ((-1, old_rows), (1, new_rows)):
            for row in rows:
                killed = _killed(row)
                known = _killed_known(row)
                skey = _summary_key(row)
                s = summary.get(skey)
                if s is None:
                    s = summary[skey] = [0, 0, 0]
                s[0] += sign
                s[1] += sign * killed
                s[2] += sign * known
                lat, lon = row[_LAT], row[_LON]
                if lat is None or lon is None:
                    continue
                pkey = (lat, lon, row[_PARTY], row[_TLP], _restricted(row[_LICENCE]))
                p = points.get(pkey)
                if p is None:
                    p = points[pkey] = [0, 0, 0, 0.0, 0.0]
                p[0] += sign
                p[1] += sign * killed
                p[2] += sign * known
                p[3] += sign * float(lat)
                p[4] += sign * float(lon)

    def write(self, db: Database) -> None:
        """Apply what was added to the summary tables (in the caller's transaction), and start again."""
        summary, points = self.summary, self.points
        self.summary, self.points = {}, {}
        cells: dict[tuple[int, int, int, str, str, int], list[float]] = {}
        for pkey, (n, killed, known, lat_sum, lon_sum) in points.items():
            if not (n or killed or known or lat_sum or lon_sum):
                continue
            for key in _cell_keys(*pkey):
                c = cells.get(key)
                if c is None:
                    cells[key] = [n, killed, known, lat_sum, lon_sum]
                else:
                    c[0] += n
                    c[1] += killed
                    c[2] += known
                    c[3] += lat_sum
                    c[4] += lon_sum
        summary_changes = [(*k, v[0], v[1], v[2]) for k, v in summary.items() if v[0] or v[1] or v[2]]
        cell_changes = [
            (*k, int(v[0]), int(v[1]), int(v[2]), v[3], v[4])
            for k, v in cells.items()
            if v[0] or v[1] or v[2] or v[3] or v[4]
        ]
        if summary_changes:
            db.executemany(_SUMMARY_UPSERT, summary_changes)
            db.executemany(_SUMMARY_PRUNE, [k for k, v in summary.items() if v[0] < 0])
        if cell_changes:
            db.executemany(_CELLS_UPSERT, cell_changes)
            db.executemany(_CELLS_PRUNE, [k for k, v in cells.items() if v[0] < 0])


def apply(db: Database, old_rows: Iterable[Sequence[Any]], new_rows: Iterable[Sequence[Any]]) -> None:
    """Update the summaries for incident rows replaced: ``old_rows`` left ``incidents``, ``new_rows`` entered.

    Rows are full ``incidents`` rows (:data:`~sarhad.store.incidents.INCIDENT_COLUMNS` order). Runs inside the
    caller's transaction.
    """
    deltas = Deltas()
    deltas.add(old_rows, new_rows)
    deltas.write(db)


def current_rows(db: Database, ids: Sequence[str]) -> list[tuple[Any, ...]]:
    """The ``incidents`` rows stored now for ``ids`` (those that exist)."""
    found: list[tuple[Any, ...]] = []
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        found.extend(tuple(r) for r in db.fetchall(_SELECT_ROWS + f"({','.join('?' * len(chunk))})", chunk))
    return found


def upsert(
    db: Database,
    rows: Sequence[tuple[Any, ...]],
    *,
    replaced: Sequence[Sequence[Any]] | None = None,
    deltas: Deltas | None = None,
) -> dict[str, tuple[Any, ...]]:
    """:func:`~sarhad.store.incidents.upsert_incidents` and the summaries' update, in the caller's transaction.

    Each incident's row is its latest version (by ``modified``) among ``rows`` and the row stored now: a row of
    an earlier version than the stored one (versions arriving out of order, an old version sent again) is left
    out, and neither the table nor the summaries change for it. ``replaced`` are the rows stored now for these
    ids, when the caller already knows them (the publisher knows which ids are new); by default they are read
    here. With ``deltas``, the summaries' changes are added to it for the caller to write later
    (:meth:`Deltas.write`) instead of being written now.

    Returns the rows written, by incident id (a caller that keeps the stored rows updates them with these).
    """
    if not rows:
        return {}
    old = current_rows(db, [str(r[0]) for r in rows]) if replaced is None else replaced
    stored = {r[0]: r for r in old}
    latest: dict[Any, tuple[Any, ...]] = {}
    for row in rows:
        key = row[0]
        kept = latest.get(key)
        if kept is None or row[_MODIFIED] > kept[_MODIFIED]:
            latest[key] = row
    # Only later versions than the stored row replace it; the share of the rows they replace moves out.
    written = {key: row for key, row in latest.items() if key not in stored or row[_MODIFIED] > stored[key][_MODIFIED]}
    out = [stored[key] for key in written if key in stored]
    # Ids not stored yet are plainly inserted (PostgreSQL's COPY, no conflict handling); the others replace
    # their row.
    insert_incidents(db, sorted(row for key, row in written.items() if key not in stored))
    if out:
        upsert_incidents(db, [row for key, row in written.items() if key in stored])
    if deltas is None:
        apply(db, out, written.values())
    else:
        deltas.add(out, written.values())
    return written


def rebuild_summary(db: Database) -> None:
    """Recompute ``incident_summary`` from ``incidents`` (inside the caller's transaction)."""
    db.execute("DELETE FROM incident_summary")
    keys = ", ".join([*(f"COALESCE({k}, '')" for k in _ROW_KEYS), _RESTRICTED_SQL])
    db.execute(
        f"INSERT INTO incident_summary (month, {', '.join(SUMMARY_KEYS)}, n, killed, killed_known)"
        f" SELECT SUBSTR(date_start, 1, 7), {keys}, COUNT(*), SUM({_KILLED_SQL}), SUM({_KNOWN_SQL}) FROM incidents"
        f" GROUP BY SUBSTR(date_start, 1, 7), {keys}"
    )


def rebuild_cells(db: Database) -> None:
    """Recompute ``incident_cells`` from ``incidents`` (inside the caller's transaction)."""
    db.execute("DELETE FROM incident_cells")
    for band in BANDS:
        cell = cell_size(band)
        cx, cy = f"CAST(FLOOR(lon / {cell!r}) AS INTEGER)", f"CAST(FLOOR(lat / {cell!r}) AS INTEGER)"
        db.execute(
            "INSERT INTO incident_cells (band, cx, cy, reported_by, tlp, restricted, n, killed, killed_known,"
            f" lat_sum, lon_sum) SELECT {band}, {cx}, {cy}, reported_by, tlp, {_RESTRICTED_SQL}, COUNT(*),"
            f" SUM({_KILLED_SQL}), SUM({_KNOWN_SQL}), SUM(lat), SUM(lon) FROM incidents"
            f" WHERE lat IS NOT NULL AND lon IS NOT NULL GROUP BY {cx}, {cy}, reported_by, tlp, {_RESTRICTED_SQL}"
        )


def rebuild(db: Database) -> None:
    """Recompute both summaries from ``incidents`` (inside the caller's transaction)."""
    rebuild_summary(db)
    rebuild_cells(db)
