""" "Near the village of X in Y county": the smaller place X where the gazetteer knows it; else the record is at
the county or district Y with Y's precision (admin2) and names X, never at Y's town as if exactly there."""

from __future__ import annotations

import math

import pytest

from sarhad.extract import extract_article


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dlat, dlon = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(dlon / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


UNKNOWN_VILLAGE = [
    # (text, country, admin1, the county's or district's seat: lat, lon)
    ("Gunmen attacked a border guard patrol near the village of Esfandak in Saravan county on Wednesday, killing"
     " two border guards, police said.", "IR", "Sistan and Baluchestan", 27.37, 62.33),
    ("Two Levies personnel were killed when militants attacked a check post in the village of Kalatak in Kech"
     " district on Monday.", "PK", "Balochistan", 26.0, 63.05),
    ("A roadside bomb killed three soldiers near the small village of Bamposht in Saravan district on Sunday.",
     "IR", "Sistan and Baluchestan", 27.37, 62.33),
]  # fmt: skip


@pytest.mark.parametrize(("text", "country", "admin1", "lat", "lon"), UNKNOWN_VILLAGE, ids=lambda v: str(v)[:30])
def test_a_village_the_gazetteer_does_not_know_is_placed_at_its_county_as_admin2(
    text: str, country: str, admin1: str, lat: float, lon: float
) -> None:
    (inc,) = extract_article(text, published="2026-02-03").incidents
    village = text.split("village of ")[1].split()[0]
    assert inc["place"] == village
    assert inc["spans"]["place"] == [text.index(village), text.index(village) + len(village)]
    assert (inc["country"], inc["admin1"], inc["geo_precision"]) == (country, admin1, "admin2")
    assert _km(inc["lat"], inc["lon"], lat, lon) < 30


def test_a_village_the_gazetteer_knows_is_placed_at_the_village() -> None:
    text = ("Gunmen attacked a border guard patrol near the village of Jaleq in Saravan county on Wednesday, killing"
            " two border guards, police said.")  # fmt: skip
    (inc,) = extract_article(text, published="2026-02-03").incidents
    assert (inc["place"], inc["admin1"], inc["geo_precision"]) == ("Jaleq", "Sistan and Baluchestan", "exact")
    assert _km(inc["lat"], inc["lon"], 27.60, 62.71) < 5  # Jaleq, 44 km from Saravan town


def test_a_county_named_as_a_county_is_admin2_not_its_town() -> None:
    text = "Gunmen killed two border guards in Saravan county on Wednesday, police said."
    (inc,) = extract_article(text, published="2026-02-03").incidents
    assert (inc["place"], inc["geo_precision"]) == ("Saravan", "admin2")
