"""Distance to the Pakistan-Iran border: geodesic, vectorised, exact to the committed line.

The line (``data/border.geojson``, OpenStreetMap, ODbL) is handled in a Lambert conformal conic projection
centred on the border (standard parallels 25.5°N and 29.5°N), where the nearest point of the line is found:

1. every point is measured against a coarse copy of the line (Douglas-Peucker, 300 m) to find the stretches
   that can hold its nearest point (those within the coarse minimum + 3 × 300 m);
2. those stretches are searched segment by segment on the full line, giving the nearest point exactly;
3. the distance from the point to that nearest point is the WGS84 geodesic (``pyproj.Geod``), so the
   projection's small scale error never enters the figure.

The projection being conformal, "nearest" in the plane and on the ellipsoid agree to well under a metre
near the border; far away (hundreds of km) the nearest point may slide along the line, which changes the
distance only to second order. ``tests/geo/test_border.py`` checks this against brute-force geodesics to a
densified line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import shapely
from pyproj import Geod, Proj

from sarhad.errors import InvalidInput

__all__ = ["BorderIndex", "BorderInfo", "border_index", "border_info"]

COARSE_M = 300.0
CHUNK = 8192
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True, slots=True)
class BorderInfo:
    """What the border line is and where it comes from."""

    name: str
    length_km: float
    source_length_km: float
    official_length_km: float
    vertices: int
    source: str
    licence: str
    attribution: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "length_km": self.length_km,
            "source_length_km": self.source_length_km,
            "official_length_km": self.official_length_km,
            "vertices": self.vertices,
            "source": self.source,
            "licence": self.licence,
            "attribution": self.attribution,
        }


def border_info() -> BorderInfo:
    """The committed border's length (geodesic, km), its source and licence, and the official 959 km."""
    from sarhad.geo._data import border_collection

    p = border_collection()["features"][0]["properties"]
    return BorderInfo(
        name=p["name"],
        length_km=float(p["length_km"]),
        source_length_km=float(p["source_length_km"]),
        official_length_km=float(p["official_length_km"]),
        vertices=int(p["vertices"]),
        source=p["source"],
        licence=p["licence"],
        attribution=p["attribution"],
    )


def as_coords(lats: Sequence[float] | np.ndarray, lons: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes as float64 arrays of one length, checked for range."""
    lat = np.asarray(lats, dtype=np.float64).ravel()
    lon = np.asarray(lons, dtype=np.float64).ravel()
    if lat.shape != lon.shape:
        raise InvalidInput(f"got {lat.size} latitudes and {lon.size} longitudes: expected the same number")
    bad = ~((lat >= -90) & (lat <= 90))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidInput(f"point {i}: latitude {lat[i]} is outside -90..90")
    bad = ~((lon >= -180) & (lon <= 180))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidInput(f"point {i}: longitude {lon[i]} is outside -180..180")
    return lat, lon


class BorderIndex:
    """The border line prepared for fast nearest-point queries (see the module docstring)."""

    def __init__(self, lonlat: np.ndarray, lcc: str) -> None:
        self.lonlat = lonlat
        self._proj = Proj(lcc)  # WGS84 lon/lat <-> LCC metres on the same ellipsoid
        x, y = self._proj(lonlat[:, 0], lonlat[:, 1])
        self.xy = np.column_stack([x, y])
        # Coarse copy: Douglas-Peucker keeps a subset of the vertices; remember which.
        coarse = np.asarray(shapely.simplify(shapely.LineString(self.xy), COARSE_M, preserve_topology=False).coords)
        where = {(float(a), float(b)): i for i, (a, b) in enumerate(self.xy)}
        self.keep = np.array([where[(float(a), float(b))] for a, b in coarse], dtype=np.int64)
        self.cxy = self.xy[self.keep]

    @staticmethod
    def _seg_dist(px: np.ndarray, py: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Squared distances (and segment parameters t) from points (column vectors) to segments a→b."""
        ex = b[:, 0] - a[:, 0]
        ey = b[:, 1] - a[:, 1]
        len2 = ex * ex + ey * ey
        len2[len2 == 0] = 1e-12
        dx = px - a[:, 0]
        dy = py - a[:, 1]
        t = np.clip((dx * ex + dy * ey) / len2, 0.0, 1.0)
        qx = dx - t * ex
        qy = dy - t * ey
        return qx * qx + qy * qy, t

    def nearest(self, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each point: the nearest point of the line (lat, lon) and the side (+1 left of the line, i.e.
        east of a line run from the tripoint to the coast, which is Pakistan's side; -1 right)."""
        n = lat.size
        px, py = self._proj(lon, lat)
        px = np.asarray(px)
        py = np.asarray(py)
        ca, cb = self.cxy[:-1], self.cxy[1:]
        pair_pt: list[np.ndarray] = []
        pair_k: list[np.ndarray] = []
        margin = 3.0 * COARSE_M
        for s in range(0, n, CHUNK):
            cx = px[s : s + CHUNK, None]
            cy = py[s : s + CHUNK, None]
            d2, _ = self._seg_dist(cx, cy, ca, cb)
            d = np.sqrt(d2)
            lim = d.min(axis=1, keepdims=True) + margin
            pi, k = np.nonzero(d <= lim)
            pair_pt.append(pi + s)
            pair_k.append(k)
        pts = np.concatenate(pair_pt) if pair_pt else np.zeros(0, np.int64)
        ks = np.concatenate(pair_k) if pair_k else np.zeros(0, np.int64)
        best_d2 = np.full(n, np.inf)
        best_j = np.zeros(n, dtype=np.int64)
        best_t = np.zeros(n)
        order = np.argsort(ks, kind="stable")
        ks_sorted = ks[order]
        bounds = np.searchsorted(ks_sorted, np.arange(len(self.keep)))
        for seg in range(len(self.keep) - 1):
            lo, hi = bounds[seg], bounds[seg + 1]
            if lo == hi:
                continue
            idx = pts[order[lo:hi]]
            j0, j1 = self.keep[seg], self.keep[seg + 1]
            a, b = self.xy[j0:j1], self.xy[j0 + 1 : j1 + 1]
            for s in range(0, idx.size, CHUNK):
                sub = idx[s : s + CHUNK]
                d2, t = self._seg_dist(px[sub, None], py[sub, None], a, b)
                jj = d2.argmin(axis=1)
                rows = np.arange(sub.size)
                dmin = d2[rows, jj]
                better = dmin < best_d2[sub]
                upd = sub[better]
                best_d2[upd] = dmin[better]
                best_j[upd] = j0 + jj[better]
                best_t[upd] = t[rows, jj][better]
        a = self.xy[best_j]
        b = self.xy[best_j + 1]
        fx = a[:, 0] + best_t * (b[:, 0] - a[:, 0])
        fy = a[:, 1] + best_t * (b[:, 1] - a[:, 1])
        cross = (b[:, 0] - a[:, 0]) * (py - a[:, 1]) - (b[:, 1] - a[:, 1]) * (px - a[:, 0])
        flon, flat = self._proj(fx, fy, inverse=True)
        return np.asarray(flat), np.asarray(flon), np.where(cross >= 0, 1.0, -1.0)

    def distances_km(self, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Geodesic distance (km, ≥ 0) from each point to the line, and the local side (+1/-1)."""
        if lat.size == 0:
            return np.zeros(0), np.zeros(0)
        flat, flon, side = self.nearest(lat, lon)
        _, _, dist = _GEOD.inv(lon, lat, flon, flat)
        return np.abs(np.asarray(dist)) / 1000.0, side


@cache
def border_index() -> BorderIndex:
    """The border index, built once per process from ``data/border.geojson``."""
    from sarhad.geo._data import border_collection, manifest

    coords = np.asarray(border_collection()["features"][0]["geometry"]["coordinates"], dtype=np.float64)
    return BorderIndex(coords, manifest()["lcc"])
