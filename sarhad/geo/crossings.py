"""The official Pakistan-Iran border crossings (curated in ``data/crossings.csv``, with sources)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from pyproj import Geod

__all__ = ["Crossing", "NearestCrossing", "crossings", "nearest_crossing", "nearest_crossings"]

_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True, slots=True)
class Crossing:
    """One crossing. ``lat``/``lon`` are on the border line (the published point snapped to it);
    ``source_lat``/``source_lon`` are the published or derived point; ``confidence`` says how well the
    location is known (medium, low, very low)."""

    name: str
    pk_side: str
    ir_side: str
    lat: float
    lon: float
    confidence: str
    status: str
    opened: str
    pk_district: str
    ir_county: str
    aliases: tuple[str, ...]
    sources: str
    source_lat: float
    source_lon: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "pk_side": self.pk_side,
            "ir_side": self.ir_side,
            "lat": self.lat,
            "lon": self.lon,
            "confidence": self.confidence,
            "status": self.status,
            "opened": self.opened or None,
            "pk_district": self.pk_district,
            "ir_county": self.ir_county,
            "sources": self.sources,
        }


@dataclass(frozen=True, slots=True)
class NearestCrossing:
    """The nearest crossing to a point and its geodesic distance."""

    name: str
    km: float
    confidence: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "km": self.km, "confidence": self.confidence}


@cache
def crossings() -> tuple[Crossing, ...]:
    """All curated crossings, north to south as listed."""
    from sarhad.geo._data import gazetteer_data

    out = []
    for row in gazetteer_data()["crossings"]:
        name, pk, ir, lat, lon, conf, status, opened, dist, county, aliases, sources, slat, slon = row
        out.append(Crossing(name, pk, ir, float(lat), float(lon), conf, status, opened, dist, county,
                            tuple(aliases), sources, float(slat), float(slon)))  # fmt: skip
    return tuple(out)


def nearest_crossings(lats: np.ndarray, lons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index (into :func:`crossings`) of the nearest crossing to each point and its distance in km."""
    cs = crossings()
    dist = np.empty((len(cs), lats.size))
    for i, c in enumerate(cs):
        _, _, d = _GEOD.inv(lons, lats, np.full(lats.size, c.lon), np.full(lats.size, c.lat))
        dist[i] = np.asarray(d) / 1000.0
    idx = dist.argmin(axis=0)
    return idx, dist[idx, np.arange(lats.size)]


def nearest_crossing(lat: float, lon: float) -> NearestCrossing:
    """The nearest official crossing to a point (geodesic km, 1 decimal)."""
    idx, km = nearest_crossings(np.array([lat], dtype=float), np.array([lon], dtype=float))
    c = crossings()[int(idx[0])]
    return NearestCrossing(c.name, round(float(km[0]), 1), c.confidence)
