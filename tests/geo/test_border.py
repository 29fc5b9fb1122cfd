"""The border line and the fast distance method, checked against independent geodesic computations."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import shapely
from pyproj import Geod

import sarhad.geo as geo
from sarhad.errors import InvalidInput
from sarhad.geo._data import border_collection

GEOD = Geod(ellps="WGS84")


def line_lonlat() -> np.ndarray:
    return np.asarray(border_collection()["features"][0]["geometry"]["coordinates"], dtype=float)


def brute_force_km(lat: float, lon: float, dense: np.ndarray) -> float:
    """Geodesic distance to the nearest vertex of a densified line (an upper bound within ~25 m)."""
    _, _, d = GEOD.inv(np.full(len(dense), lon), np.full(len(dense), lat), dense[:, 0], dense[:, 1])
    return float(np.min(d)) / 1000.0


@pytest.fixture(scope="module")
def dense() -> np.ndarray:
    """The border densified along geodesics to ≤ 50 m spacing (pyproj Geod.npts), independent of LCC."""
    c = line_lonlat()
    out = [c[:1]]
    for (lon0, lat0), (lon1, lat1) in itertools.pairwise(c):
        _, _, d = GEOD.inv(lon0, lat0, lon1, lat1)
        n = int(d // 50.0)
        if n:
            out.append(np.asarray(GEOD.npts(lon0, lat0, lon1, lat1, n)))
        out.append(np.array([[lon1, lat1]]))
    return np.concatenate(out)


def test_border_runs_from_the_tripoint_to_gwadar_bay() -> None:
    c = line_lonlat()
    (lon0, lat0), (lon1, lat1) = c[0], c[-1]
    assert abs(lat0 - 29.86) < 0.02 and abs(lon0 - 60.87) < 0.02  # PK-IR-AF tripoint (Kuh-i-Malik Siah)
    assert abs(lat1 - 25.17) < 0.05 and abs(lon1 - 61.6) < 0.05  # mouth of the Dasht river, Gwadar Bay


def test_border_length_is_close_to_the_source_and_stated_beside_the_official_figure() -> None:
    info = geo.border_info()
    measured = GEOD.geometry_length(shapely.LineString(line_lonlat())) / 1000.0
    assert measured == pytest.approx(info.length_km, abs=0.1)
    # within a few percent of the source line's own length (simplification shortens it slightly)
    assert abs(info.length_km - info.source_length_km) / info.source_length_km < 0.02
    assert info.official_length_km == 959
    # the OSM line at 10 m resolution follows river meanders, so it is a little longer than the official figure
    assert 0.95 < info.length_km / 959 < 1.06
    assert info.licence == "ODbL-1.0" and "OpenStreetMap" in info.attribution


def test_fast_distances_match_brute_force_geodesics(dense: np.ndarray) -> None:
    rng = np.random.default_rng(11)
    c = line_lonlat()
    k = rng.integers(0, len(c), 120)
    lat = np.concatenate([c[k, 1] + rng.uniform(-0.3, 0.3, k.size), rng.uniform(24, 37, 40)])
    lon = np.concatenate([c[k, 0] + rng.uniform(-0.3, 0.3, k.size), rng.uniform(50, 75, 40)])
    fast = geo.border_distances(lat, lon)
    for i in range(lat.size):
        ref = brute_force_km(lat[i], lon[i], dense)
        # the reference is measured to vertices 50 m apart, so it may exceed the truth by ~25 m; beyond
        # 100 km the fast method measures to a 300 m simplification of the line (documented)
        assert fast[i] <= ref + (0.02 if ref < 99 else 0.3), (lat[i], lon[i], fast[i], ref)
        assert fast[i] >= ref - 0.03 - 0.001 * ref, (lat[i], lon[i], fast[i], ref)


def test_points_on_the_line_are_at_zero() -> None:
    c = line_lonlat()[::500]
    d = geo.border_distances(c[:, 1], c[:, 0])
    assert np.all(d < 0.001)


def test_signed_distances_agree_with_sides() -> None:
    lat = np.array([30.18414, 29.4963, 28.94687, 29.0148])
    lon = np.array([67.00141, 60.8629, 61.58661, 61.44959])
    s = geo.signed_border_distances(lat, lon)
    assert s[0] > 0 and s[2] > 0  # Quetta, Taftan: Pakistan
    assert s[1] < 0 and s[3] < 0  # Zahedan, Mirjaveh: Iran
    assert np.allclose(np.abs(s), geo.border_distances(lat, lon))


def test_empty_input_gives_empty_output() -> None:
    assert geo.border_distances([], []).shape == (0,)


def test_border_distances_rejects_bad_input() -> None:
    with pytest.raises(InvalidInput, match="latitude"):
        geo.border_distances([100.0], [60.0])


def test_quetta_is_about_as_far_as_the_map_says() -> None:
    # Quetta's nearest border stretch is by Mashkel (about 28.2N 62.8E): ~4.2° of longitude and ~1.9° of
    # latitude away, i.e. roughly 460 km
    assert 430 < geo.where(30.18414, 67.00141).border_km < 490
