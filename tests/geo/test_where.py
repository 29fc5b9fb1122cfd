"""Known places land in the right country and province, on the right side of the border."""

from __future__ import annotations

import numpy as np
import pytest

import sarhad.geo as geo
from sarhad.errors import InvalidInput

# (name, lat, lon, country, admin1_code) — GeoNames positions.
KNOWN = [
    ("Quetta", 30.18414, 67.00141, "PK", "PK-BA"),
    ("Turbat", 26.00122, 63.04849, "PK", "PK-BA"),
    ("Gwadar", 25.12163, 62.32541, "PK", "PK-BA"),
    ("Taftan", 28.94687, 61.58661, "PK", "PK-BA"),
    ("Panjgur", 26.97186, 64.09459, "PK", "PK-BA"),
    ("Jiwani", 25.04852, 61.74573, "PK", "PK-BA"),
    ("Zahedan", 29.4963, 60.8629, "IR", "IR-11"),
    ("Saravan", 27.37089, 62.33096, "IR", "IR-11"),
    ("Chabahar", 25.2919, 60.643, "IR", "IR-11"),
    ("Mirjaveh", 29.0148, 61.44959, "IR", "IR-11"),
    ("Pishin (Iran)", 26.07937, 61.75403, "IR", "IR-11"),
    ("Kerman", 30.28321, 57.07879, "IR", "IR-08"),
    ("Bandar Abbas", 27.1865, 56.2808, "IR", "IR-22"),
    ("Peshawar", 34.008, 71.57849, "PK", "PK-KP"),
    ("Miranshah", 33.00059, 70.07117, "PK", "PK-KP"),
    ("Wana", 32.29889, 69.5725, "PK", "PK-KP"),
    ("Karachi", 24.8608, 67.0104, "PK", "PK-SD"),
    ("Lahore", 31.558, 74.35071, "PK", "PK-PB"),
    ("Islamabad", 33.72148, 73.04329, "PK", "PK-IS"),
    ("Gilgit", 35.91869, 74.31245, "PK", "PK-GB"),
    ("Muzaffarabad", 34.37002, 73.47082, "PK", "PK-JK"),
    ("Kandahar", 31.61332, 65.71013, "AF", "AF-KAN"),
    ("Zaranj", 30.95962, 61.86037, "AF", "AF-NIM"),
    ("Kabul", 34.52813, 69.17233, "AF", "AF-KAB"),
]


@pytest.mark.parametrize(("name", "lat", "lon", "country", "code"), KNOWN, ids=[k[0] for k in KNOWN])
def test_known_place_is_in_its_country_and_province(name: str, lat: float, lon: float, country: str, code: str) -> None:
    w = geo.where(lat, lon)
    assert (w.country, w.admin1_code) == (country, code)
    assert w.side == country
    assert w.border_km >= 0
    if country == "PK":
        assert w.signed_border_km == w.border_km
    elif country == "IR":
        assert w.signed_border_km == -w.border_km


def test_canonical_names_and_codes() -> None:
    assert geo.where(30.18414, 67.00141).admin1 == "Balochistan"
    assert geo.where(29.4963, 60.8629).admin1 == "Sistan and Baluchestan"
    assert geo.where(33.00059, 70.07117).admin1 == "Khyber Pakhtunkhwa"
    assert geo.where(29.4963, 60.8629).admin1_code == "IR-11"


def test_taftan_is_close_to_the_border_and_its_crossing() -> None:
    w = geo.where(28.94687, 61.58661)
    assert w.border_km < 3
    assert w.nearest_crossing.name == "Taftan–Mirjaveh"
    assert w.nearest_crossing.km < 5


def test_points_just_either_side_of_the_line_have_opposite_signs() -> None:
    from sarhad.geo._data import border_collection

    line = np.asarray(border_collection()["features"][0]["geometry"]["coordinates"])
    for k in range(100, len(line) - 100, 400):
        lon0, lat0 = line[k]
        # 1 km either side of a border vertex, across the local direction of the line (which runs from
        # the tripoint south to the coast, so Pakistan is on its left)
        dx, dy = line[k + 3] - line[k - 3]
        n = np.hypot(dx, dy)
        off = 0.009 * np.array([-dy, dx]) / n
        left, right = geo.where(lat0 + off[1], lon0 + off[0]), geo.where(lat0 - off[1], lon0 - off[0])
        assert (left.side, right.side) == ("PK", "IR"), (k, left, right)
        for w in (left, right):
            assert (w.signed_border_km > 0) == (w.side == "PK")
            assert w.border_km <= 1.1


def test_sea_and_far_points_have_no_country() -> None:
    w = geo.where(22.5, 63.0)  # Arabian Sea, beyond territorial waters
    assert w.country is None and w.admin1 is None and w.side is None
    assert w.border_km > 250
    far = geo.where(51.5, -0.1)  # London: outside the mapped region
    assert far.country is None
    assert far.border_km > 5000


def test_other_countries_of_the_region_have_codes_but_no_province() -> None:
    w = geo.where(28.6139, 77.209)  # Delhi
    assert (w.country, w.admin1) == ("IN", None)
    assert geo.where(23.588, 58.3829).country == "OM"  # Muscat


def test_kashmir_points_are_marked_disputed() -> None:
    assert geo.where(34.37002, 73.47082).disputed  # Muzaffarabad
    assert geo.where(34.0837, 74.7973).disputed  # Srinagar
    assert geo.where(34.0837, 74.7973).country == "IN"
    assert not geo.where(30.18414, 67.00141).disputed


def test_where_rejects_out_of_range_coordinates() -> None:
    with pytest.raises(InvalidInput, match=r"latitude 95\.0 is outside -90\.\.90"):
        geo.where(95.0, 61.0)
    with pytest.raises(InvalidInput, match=r"longitude 190\.0 is outside"):
        geo.where(28.0, 190.0)


def test_locate_many_matches_where_point_by_point() -> None:
    lats = [k[1] for k in KNOWN] + [22.5, 51.5]
    lons = [k[2] for k in KNOWN] + [63.0, -0.1]
    got = geo.locate_many(lats, lons)
    assert len(got) == len(lats)
    for (lat, lon), (country, admin1, code) in zip(zip(lats, lons, strict=True), got, strict=True):
        w = geo.where(lat, lon)
        assert (w.country, w.admin1, w.admin1_code) == (country, admin1, code)


def test_locate_many_agrees_with_exact_polygon_tests_on_random_points() -> None:
    import shapely

    from sarhad.geo._data import regions

    rng = np.random.default_rng(3)
    lat = rng.uniform(22.5, 40.0, 20_000)
    lon = rng.uniform(43.5, 78.5, 20_000)
    from sarhad.geo.admin import locate_ids

    ids = locate_ids(lat, lon)
    reg = regions()
    tree = shapely.STRtree(reg.geoms)
    pts = shapely.points(lon, lat)
    exact = np.full(lat.size, -1)
    pi, ri = tree.query(pts, predicate="intersects")
    exact[pi[::-1]] = ri[::-1]  # first match wins, as in locate_ids (regions do not overlap)
    assert (ids == exact).mean() > 0.9999


def test_locate_many_rejects_mismatched_lengths() -> None:
    with pytest.raises(InvalidInput, match="got 2 latitudes and 1 longitudes"):
        geo.locate_many([1.0, 2.0], [3.0])
