"""Offline geography for sarhad: the Pakistan-Iran border, provinces, crossings and a gazetteer.

Everything here works from the small files in ``sarhad/geo/data/`` (built by ``python -m
sarhad.geo.build``), loaded lazily on first use and cached for the process. Nothing touches the network.

- :func:`where` — one point: country, province, side of and distance to the PK-IR border, nearest crossing.
- :func:`border_distances`, :func:`signed_border_distances`, :func:`locate_many` — the same for arrays of
  points (vectorised; for importers of million-row files); :func:`border_km` — one point's distance as a
  record stores it.
- :func:`find` — geocode a place name with an optional country/province context; :func:`district_seats` — the
  districts and counties it knows, at their seats.
- :func:`normalise_admin1`, :func:`normalise_country` — dataset spellings to canonical names and ISO codes.
- :func:`layers` — GeoJSON layers and attribution for maps.

Sign convention: ``signed_border_km`` is positive on the Pakistani side of the border and negative on the
Iranian side. For points in neither country (Afghanistan, the open sea) the sign says on which side of the
nearest stretch of the line the point lies (east/Pakistani +, west/Iranian -).

Data licences: border and analytics polygons are derived from OpenStreetMap (© OpenStreetMap contributors,
ODbL); display polygons are Natural Earth (public domain); places are GeoNames (CC BY 4.0). See
``sarhad/geo/data/NOTICE.md`` and :data:`ATTRIBUTION`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sarhad.geo.admin import locate_arrays, locate_ids, locate_many, normalise_admin1, normalise_country
from sarhad.geo.border import BorderInfo, as_coords, border_index, border_info
from sarhad.geo.crossings import Crossing, NearestCrossing, crossings, nearest_crossing
from sarhad.geo.gazetteer import Candidate, DistrictSeat, district_seats, find
from sarhad.geo.layers import ATTRIBUTION, MAP_NOTE, kashmir_policy, layers

__all__ = [
    "ATTRIBUTION",
    "MAP_NOTE",
    "BorderInfo",
    "Candidate",
    "Crossing",
    "DistrictSeat",
    "NearestCrossing",
    "Where",
    "border_distances",
    "border_info",
    "border_km",
    "crossings",
    "district_seats",
    "find",
    "kashmir_policy",
    "layers",
    "locate_arrays",
    "locate_many",
    "nearest_crossing",
    "normalise_admin1",
    "normalise_country",
    "signed_border_distances",
    "where",
]


@dataclass(frozen=True, slots=True)
class Where:
    """Everything sarhad knows about one point.

    ``country``: ISO alpha-2 of the country whose territory (land or territorial sea) holds the point, or
    None. ``admin1``/``admin1_code``: canonical English province name and ISO 3166-2 code (PK, IR, AF only).
    ``admin2``: always None for now (no open district polygons; see docs/geography.md). ``border_km``:
    geodesic distance to the PK-IR land border (≥ 0). ``signed_border_km``: + on the Pakistani side,
    - on the Iranian side. ``side``: the country code the point is in, or None. ``disputed``: the point is
    in Jammu and Kashmir (see the Kashmir policy).
    """

    lat: float
    lon: float
    country: str | None
    admin1: str | None
    admin1_code: str | None
    admin2: str | None
    border_km: float
    signed_border_km: float
    side: str | None
    nearest_crossing: NearestCrossing
    disputed: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "lat": self.lat,
            "lon": self.lon,
            "country": self.country,
            "admin1": self.admin1,
            "admin1_code": self.admin1_code,
            "admin2": self.admin2,
            "border_km": self.border_km,
            "signed_border_km": self.signed_border_km,
            "side": self.side,
            "nearest_crossing": self.nearest_crossing.to_dict(),
            "disputed": self.disputed,
        }


def _signed(km: np.ndarray, local_side: np.ndarray, country: np.ndarray) -> np.ndarray:
    sign = np.where(country == "PK", 1.0, np.where(country == "IR", -1.0, local_side))
    return km * sign


def where(lat: float, lon: float) -> Where:
    """Country, province, PK-IR border distance and side, and the nearest crossing of one point.

    Raises InvalidInput when the coordinates are out of range.
    """
    from sarhad.geo._data import regions

    la, lo = as_coords([lat], [lon])
    ids = locate_ids(la, lo)
    reg = regions()
    i = int(ids[0])
    country = str(reg.country[i]) if i >= 0 else None
    km, local = border_index().distances_km(la, lo)
    signed = float(_signed(km, local, np.array([country], dtype=object))[0])
    return Where(
        lat=float(la[0]),
        lon=float(lo[0]),
        country=country,
        admin1=reg.admin1[i] if i >= 0 else None,
        admin1_code=reg.admin1_code[i] if i >= 0 else None,
        admin2=None,
        border_km=round(float(km[0]), 2),
        signed_border_km=round(signed, 2),
        side=country,
        nearest_crossing=nearest_crossing(float(la[0]), float(lo[0])),
        disputed=bool(reg.disputed[i]) if i >= 0 else False,
    )


def border_distances(lats: Sequence[float] | np.ndarray, lons: Sequence[float] | np.ndarray) -> np.ndarray:
    """Geodesic distance (km, float64, ≥ 0) from each point to the PK-IR land border.

    Vectorised: hundreds of thousands of points a second. Raises InvalidInput on mismatched lengths or
    out-of-range coordinates.
    """
    la, lo = as_coords(lats, lons)
    km, _ = border_index().distances_km(la, lo)
    return km


def border_km(lat: float, lon: float) -> float:
    """One point's distance (km) to the PK-IR land border as a record's place stores it: rounded to the metre,
    as an import rounds (:class:`sarhad.formats.scan.Geography`). For a record made one at a time (an article's
    incident, one posted to the API) whose place has coordinates but no distance: without it the record is
    missing from every near-border filter, while a rule, which computes a missing distance, alerts on it.

    Raises InvalidInput on out-of-range coordinates.
    """
    return round(float(border_distances([lat], [lon])[0]), 3)


def signed_border_distances(lats: Sequence[float] | np.ndarray, lons: Sequence[float] | np.ndarray) -> np.ndarray:
    """Like :func:`border_distances`, signed: + on the Pakistani side, - on the Iranian side."""
    la, lo = as_coords(lats, lons)
    km, local = border_index().distances_km(la, lo)
    country, _, _ = locate_arrays(la, lo)
    return _signed(km, local, country)
