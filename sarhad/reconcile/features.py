"""Records as column arrays: the numeric form that blocking and scoring work on, built once per run.

Strings (countries, provinces, attack types, actors, parties) become small integer codes (-1 for unknown),
missing numbers become NaN, so that comparing millions of candidate pairs is a few vectorised operations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from sarhad.reconcile.record import DATE_SLACK_DAYS, Record

__all__ = ["DATE_REACH_DAYS", "Features", "tokens"]

# How many days either side of its own [start, end] a record with a short date range looks for other reports of
# its incident: beyond the date slack, a party may date an incident days late (announced later, the bodies found
# later). Such pairs are candidates, scored lower the further apart they are (see :mod:`sarhad.reconcile.score`).
DATE_REACH_DAYS: Final = 5

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]

# Coordinates of these precisions are a place, not a province's or country's centroid: they block by cell.
_CELL_PRECISIONS = frozenset({"exact", "near", "water"})
# Coordinates of these precisions lie in a district (a county in Iran): a point on land, or the district's seat.
_DISTRICT_PRECISIONS = frozenset({"exact", "near", "admin2"})
_NOT_LETTER = str.maketrans({c: " " for c in "0123456789.,;:!?()[]{}\"'/-_&%$#@*+=<>|\\"})
_STOP = frozenset(
    "the and for was were with from that this have has had are not but his her they their into after near "
    "killed injured wounded attack attacked people least said police security forces".split()
)


def tokens(text: str) -> frozenset[str]:
    """The content words of a summary (lower case, 3+ letters, common words dropped)."""
    return frozenset(w for w in text.lower().translate(_NOT_LETTER).split() if len(w) >= 3 and w not in _STOP)


class _Codes:
    """Assigns small integers to strings in order of first appearance (-1 for None)."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def __call__(self, value: str | None) -> int:
        if value is None:
            return -1
        return self.codes.setdefault(value, len(self.codes))


@cache
def _seats() -> dict[str, tuple[F64, F64, I64]]:
    """By province (ISO 3166-2): the latitudes and longitudes of its district seats, and their numbers."""
    from sarhad.geo import district_seats

    by_province: dict[str, list[tuple[float, float, int]]] = {}
    for number, seat in enumerate(district_seats()):
        by_province.setdefault(seat.admin1_code, []).append((seat.lat, seat.lon, number))
    return {
        code: (np.array([s[0] for s in rows]), np.array([s[1] for s in rows]), np.array([s[2] for s in rows]))
        for code, rows in by_province.items()
    }


def _districts(records: Sequence[Record], lat: F64, lon: F64) -> I64:
    """The number of each record's district (-1 when not known): the nearest district seat of its province to its
    coordinates. Without district boundaries this stands in for "the district that holds the point"; a
    district's own position (its seat) is its own district. Only provinces with seats in the gazetteer count."""
    out = np.full(len(records), -1, dtype=np.int64)
    province = np.array(
        [
            r.admin1.upper() if r.admin1 and r.lat is not None and r.geo_precision in _DISTRICT_PRECISIONS else None
            for r in records
        ],
        dtype=object,
    )
    for code, (seat_lat, seat_lon, number) in _seats().items():
        rows = np.flatnonzero(province == code)
        if not rows.shape[0]:
            continue
        # Which seat is nearest: compared on an equirectangular projection, exact enough within one province.
        dy = lat[rows, None] - seat_lat[None, :]
        dx = (lon[rows, None] - seat_lon[None, :]) * np.cos(np.radians(lat[rows, None]))
        out[rows] = number[np.argmin(dy**2 + dx**2, axis=1)]
    return out


def _figure(values: list[Any]) -> F64:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Features:
    """Column arrays over a sequence of records (index ``i`` is ``records[i]``). ``district``: the number (in
    :func:`sarhad.geo.district_seats`) of the district whose seat is nearest the record's point among those of
    its province, -1 when the record has no point or its province no seats."""

    day_start: I64
    day_end: I64
    slack: I64
    lat: F64
    lon: F64
    radius: F64
    cell_point: Bool
    country: I64
    admin1: I64
    district: I64
    attack: I64
    actor: I64
    actor_names: tuple[str, ...]
    source: I64
    killed_low: F64
    killed_best: F64
    killed_high: F64
    wounded_best: F64

    @property
    def size(self) -> int:
        return int(self.day_start.shape[0])

    @classmethod
    def of(cls, records: Sequence[Record]) -> Features:
        """Build the arrays for ``records``."""
        country, admin1, attack, actor, source = _Codes(), _Codes(), _Codes(), _Codes(), _Codes()
        kl: list[Any] = []
        kb: list[Any] = []
        kh: list[Any] = []
        wb: list[Any] = []
        for r in records:
            k = r.killed
            kl.append(k.low if k.low is not None else k.best)
            kb.append(k.best if k.best is not None else (k.low if k.low is not None else k.high))
            kh.append(k.high if k.high is not None else k.best)
            w = r.wounded
            wb.append(w.best if w.best is not None else (w.low if w.low is not None else w.high))
        killed_low = _figure(kl)
        killed_best = _figure(kb)
        killed_high = _figure(kh)
        lat = np.fromiter((np.nan if r.lat is None else r.lat for r in records), np.float64, len(records))
        lon = np.fromiter((np.nan if r.lon is None else r.lon for r in records), np.float64, len(records))
        return cls(
            day_start=np.fromiter((r.day_start for r in records), np.int64, len(records)),
            day_end=np.fromiter((r.day_end for r in records), np.int64, len(records)),
            slack=np.fromiter((DATE_SLACK_DAYS[r.date_precision] for r in records), np.int64, len(records)),
            lat=lat,
            lon=lon,
            radius=np.fromiter((r.radius_km for r in records), np.float64, len(records)),
            cell_point=np.fromiter(
                (r.lat is not None and r.geo_precision in _CELL_PRECISIONS for r in records), np.bool_, len(records)
            ),
            country=np.fromiter((country(r.country) for r in records), np.int64, len(records)),
            admin1=np.fromiter(
                (admin1(None if r.admin1 is None else f"{r.country}|{r.admin1.lower()}") for r in records),
                np.int64,
                len(records),
            ),
            district=_districts(records, lat, lon),
            attack=np.fromiter((attack(r.attack_type) for r in records), np.int64, len(records)),
            actor=np.fromiter((actor(r.actor) for r in records), np.int64, len(records)),
            actor_names=tuple(actor.codes),
            source=np.fromiter((source(r.source) for r in records), np.int64, len(records)),
            killed_low=np.where(np.isnan(killed_low), killed_best, killed_low),
            killed_best=killed_best,
            killed_high=np.where(np.isnan(killed_high), killed_best, killed_high),
            wounded_best=_figure(wb),
        )
