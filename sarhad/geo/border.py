"""Distance to the Pakistan-Iran border: geodesic, vectorised, exact to the committed line within 100 km.

The line (``data/border.geojson``, OpenStreetMap, ODbL) is handled in a Lambert conformal conic projection
centred on the border (standard parallels 25.5°N and 29.5°N), where the nearest point of the line is found:

1. every point is measured against a coarse copy of the line (Douglas-Peucker, 5 km: a few dozen segments);
   the stretches within the minimum + 2 × 5 km can hold its nearest point (a Douglas-Peucker copy is within
   its tolerance of the line it simplifies, both ways);
2. those stretches are searched on a 300 m copy the same way, then on the full line, which gives the
   nearest point exactly;
3. the distance from the point to that nearest point: the plane distance divided by the projection's
   exact scale factor at the middle of the path (conformal, so within ~15 m of the WGS84 geodesic up to
   100 km and ~150 m at 500 km); beyond 500 km the geodesic itself (``pyproj.Geod``). Beyond 100 km the
   nearest point is taken on the 300 m copy, which changes a distance by at most 300 m (under 0.3%).

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

MID_M = 300.0  # tolerance of the middle level (m)
PLANE_M = 500_000.0  # beyond this distance, the WGS84 geodesic (pyproj.Geod) instead of plane / scale
EXACT_M = 100_000.0  # within this distance the nearest point is exact; beyond, within MID_M
TOP_M = 5000.0  # tolerance of the top level (m)
BLOCK = 65536  # points per block (bounds memory)
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
        raise InvalidInput(f"{_which(i, lat.size)}latitude {lat[i]} is outside -90..90")
    bad = ~((lon >= -180) & (lon <= 180))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidInput(f"{_which(i, lon.size)}longitude {lon[i]} is outside -180..180")
    return lat, lon


def _which(index: int, count: int) -> str:
    """Name the bad point among several; a single point (``sarhad geo where``) needs no number."""
    return f"point {index}: " if count > 1 else ""


class BorderIndex:
    """The border line prepared for fast nearest-point queries (see the module docstring)."""

    def __init__(self, lonlat: np.ndarray, lcc: str) -> None:
        self.lonlat = lonlat
        self._proj = Proj(lcc)  # WGS84 lon/lat <-> LCC metres on the same ellipsoid
        x, y = self._proj(lonlat[:, 0], lonlat[:, 1])
        self.xy = np.column_stack([x, y])
        # Nested simplifications (Douglas-Peucker keeps a subset of the vertices): mid ⊂ fine, top ⊂ mid.
        self.mid_keep = _dp_keep(self.xy, MID_M)
        self.mid_xy = self.xy[self.mid_keep]
        self.top_keep = _dp_keep(self.mid_xy, TOP_M)
        self.top_xy = self.mid_xy[self.top_keep]
        # float32 copies for the selection stages: their margins are hundreds of metres, far above the
        # ~0.2 m resolution of float32 at these coordinates, and they halve the memory traffic
        self.mid_xy32 = self.mid_xy.astype(np.float32)
        self.top_xy32 = self.top_xy.astype(np.float32)
        self._scale = _LccScale(lcc)

    def nearest(self, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each point: the nearest point of the line (lat, lon) and the side (+1 left of the line, i.e.
        east of a line run from the tripoint to the coast, which is Pakistan's side; -1 right)."""
        flat, flon, side, _ = self._nearest(lat, lon)
        return flat, flon, side

    def _nearest(
        self, lat: np.ndarray, lon: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
        """:meth:`nearest`, plus the plane coordinates (px, py, foot x, foot y) and the 'far' mask."""
        n = lat.size
        px, py = (np.asarray(v, dtype=np.float64) for v in self._proj(lon, lat))
        fine_j = np.zeros(n, dtype=np.int64)  # nearest full-resolution segment (for points within EXACT_M)
        mid_j = np.zeros(n, dtype=np.int64)  # nearest mid-level segment (for points farther)
        t = np.zeros(n)
        far = np.zeros(n, dtype=bool)
        ta, tb = self.top_xy32[:-1], self.top_xy32[1:]
        px32, py32 = px.astype(np.float32), py.astype(np.float32)
        for s in range(0, n, BLOCK):
            bx, by = px[s : s + BLOCK], py[s : s + BLOCK]
            bx32, by32 = px32[s : s + BLOCK], py32[s : s + BLOCK]
            # 1. every point against the top level (a few dozen segments)
            d = np.sqrt(_seg_dist(bx32[:, None], by32[:, None], ta, tb)[0])
            pi, k = np.nonzero(d <= d.min(axis=1, keepdims=True) + 2 * TOP_M + 1.0)
            # 2. the mid-level segments under the top segments that can hold the nearest point
            pi, m, dmid = _expand(bx32, by32, pi, k, self.top_keep, self.mid_xy32, 2 * MID_M + 2.0)
            # 3. points farther than EXACT_M keep their nearest mid-level point (at most MID_M off, under
            # 0.3% of their distance); nearer points get the exact nearest point of the full line
            bfar = dmid > EXACT_M
            far[s : s + BLOCK] = bfar
            pf = bfar[pi]
            _leaves(bx, by, pi[pf], m[pf], self.mid_xy, mid_j[s : s + BLOCK], t[s : s + BLOCK])  # float64
            _finest(bx, by, pi[~pf], m[~pf], self.mid_keep, self.xy, fine_j[s : s + BLOCK], t[s : s + BLOCK])
        # endpoints of each point's nearest segment, in the plane (for the side) and in lon/lat
        ia = np.where(far, self.mid_keep[mid_j], fine_j)
        ib = np.where(far, self.mid_keep[np.minimum(mid_j + 1, len(self.mid_keep) - 1)], fine_j + 1)
        a, b = self.xy[ia], self.xy[ib]
        cross = (b[:, 0] - a[:, 0]) * (py - a[:, 1]) - (b[:, 1] - a[:, 1]) * (px - a[:, 0])
        # The foot in lon/lat by interpolating the segment's ends: segments are at most a few km long, so
        # this is within centimetres of the projected foot and saves an inverse projection.
        la, lb = self.lonlat[ia], self.lonlat[ib]
        flon = la[:, 0] + t * (lb[:, 0] - la[:, 0])
        flat = la[:, 1] + t * (lb[:, 1] - la[:, 1])
        plane = (px, py, a[:, 0] + t * (b[:, 0] - a[:, 0]), a[:, 1] + t * (b[:, 1] - a[:, 1]), far)
        return flat, flon, np.where(cross >= 0, 1.0, -1.0), plane

    def distances_km(self, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Geodesic distance (km, ≥ 0) from each point to the line, and the local side (+1/-1)."""
        if lat.size == 0:
            return np.zeros(0), np.zeros(0)
        flat, flon, side, (px, py, fx, fy, _far) = self._nearest(lat, lon)
        km = np.hypot(px - fx, py - fy)
        # k taken at the middle of the path: within ~15 m of the geodesic up to 100 km, ~150 m at 500 km
        km /= self._scale((lat + flat) / 2)
        geodesic = km > PLANE_M
        if geodesic.any():
            _, _, dist = _GEOD.inv(lon[geodesic], lat[geodesic], flon[geodesic], flat[geodesic])
            km[geodesic] = np.abs(np.asarray(dist))
        return km / 1000.0, side


class _LccScale:
    """The point scale factor k(latitude) of a two-standard-parallel Lambert conformal conic projection on
    the WGS84 ellipsoid (Snyder, Map Projections: A Working Manual, eqs. 14-15, 15-1, 15-3)."""

    def __init__(self, lcc: str) -> None:
        params = dict(p.lstrip("+").split("=", 1) for p in lcc.split() if "=" in p)
        f = 1 / 298.257223563
        self.e2 = f * (2 - f)
        self.e = float(np.sqrt(self.e2))
        p1, p2 = np.radians(float(params["lat_1"])), np.radians(float(params["lat_2"]))
        m1, m2, t1, t2 = self._m(p1), self._m(p2), self._t(p1), self._t(p2)
        self.n = float((np.log(m1) - np.log(m2)) / (np.log(t1) - np.log(t2)))
        self.c = float(m1 / t1**self.n)

    def _m(self, phi: Any) -> Any:
        return np.cos(phi) / np.sqrt(1 - self.e2 * np.sin(phi) ** 2)

    def _t(self, phi: Any) -> Any:
        es = self.e * np.sin(phi)
        return np.tan(np.pi / 4 - phi / 2) / ((1 - es) / (1 + es)) ** (self.e / 2)

    def __call__(self, lat: np.ndarray) -> np.ndarray:
        phi = np.radians(lat)
        k: np.ndarray = self.c * self._t(phi) ** self.n / self._m(phi)
        return k


def _dp_keep(xy: np.ndarray, tolerance: float) -> np.ndarray:
    """Indices of the vertices that Douglas-Peucker simplification at ``tolerance`` keeps."""
    kept = np.asarray(shapely.simplify(shapely.LineString(xy), tolerance, preserve_topology=False).coords)
    where = {(float(a), float(b)): i for i, (a, b) in enumerate(xy)}
    return np.array([where[(float(a), float(b))] for a, b in kept], dtype=np.int64)


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


def _groups(parents: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """(parent, positions of the pairs that have it), for each parent present."""
    order = np.argsort(parents, kind="stable")
    ps = parents[order]
    cuts = np.flatnonzero(np.diff(ps)) + 1
    return [(int(parents[part[0]]), part) for part in np.split(order, cuts) if part.size]


def _expand(
    bx: np.ndarray,
    by: np.ndarray,
    pi: np.ndarray,
    parent: np.ndarray,
    keep: np.ndarray,
    xy: np.ndarray,
    margin: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (point, child segment) whose child lies within the point's nearest child distance + margin,
    and that nearest child distance per point.

    A parent segment k of the coarser level stands for the child segments keep[k] .. keep[k+1]-1.
    """  # fmt: skip
    best = np.full(bx.size, np.inf)
    mats = []
    for k, pos in _groups(parent):
        pts = pi[pos]
        c0, c1 = keep[k], keep[k + 1]
        d = np.sqrt(_seg_dist(bx[pts, None], by[pts, None], xy[c0:c1], xy[c0 + 1 : c1 + 1])[0])
        best[pts] = np.minimum(best[pts], d.min(axis=1))  # a point appears once per parent
        mats.append((pts, c0, d))
    out_p, out_c = [], []
    for pts, c0, d in mats:
        r, c = np.nonzero(d <= (best[pts] + margin)[:, None])
        out_p.append(pts[r])
        out_c.append(c0 + c)
    return np.concatenate(out_p), np.concatenate(out_c), best


def _leaves(
    bx: np.ndarray,
    by: np.ndarray,
    pi: np.ndarray,
    seg: np.ndarray,
    xy: np.ndarray,
    best_j: np.ndarray,
    best_t: np.ndarray,
) -> None:
    """For pairs (point, segment of xy), set each point's nearest segment (best_j) and foot t (best_t)."""  # fmt: skip
    best = np.full(bx.size, np.inf)
    for k, pos in _groups(seg):
        pts = pi[pos]
        d2, t = _seg_dist(bx[pts, None], by[pts, None], xy[k : k + 1], xy[k + 1 : k + 2])
        better = d2[:, 0] < best[pts]
        upd = pts[better]
        best[upd] = d2[better, 0]
        best_j[upd] = k
        best_t[upd] = t[better, 0]


def _finest(
    bx: np.ndarray,
    by: np.ndarray,
    pi: np.ndarray,
    parent: np.ndarray,
    keep: np.ndarray,
    xy: np.ndarray,
    best_j: np.ndarray,
    best_t: np.ndarray,
) -> None:
    """Set, for the points in ``pi``, the nearest full-resolution segment (best_j) and its foot's t."""
    best = np.full(bx.size, np.inf)
    for k, pos in _groups(parent):
        pts = pi[pos]
        c0, c1 = keep[k], keep[k + 1]
        d2, t = _seg_dist(bx[pts, None], by[pts, None], xy[c0:c1], xy[c0 + 1 : c1 + 1])
        jj = d2.argmin(axis=1)
        rows = np.arange(pts.size)
        dmin = d2[rows, jj]
        # a point meets a parent once but may meet several parents: keep the best over them
        better = dmin < best[pts]
        upd = pts[better]
        best[upd] = dmin[better]
        best_j[upd] = c0 + jj[better]
        best_t[upd] = t[rows, jj][better]


@cache
def border_index() -> BorderIndex:
    """The border index, built once per process from ``data/border.geojson``."""
    from sarhad.geo._data import border_collection, manifest

    coords = np.asarray(border_collection()["features"][0]["geometry"]["coordinates"], dtype=np.float64)
    return BorderIndex(coords, manifest()["lcc"])
