"""Press spellings of border places ("near Gawadar", "Nokkundi", "Mirjaweh") give the incident its place,
country and province through the gazetteer."""

from __future__ import annotations

import pytest

from sarhad.extract import extract_article

CASES = [
    ("Two Levies personnel were killed when gunmen attacked a check post near Nokkundi on Tuesday.",
     "PK", "Balochistan", 28.82, 62.75),
    ("A soldier was killed and two were wounded in a roadside blast near Gawadar on Monday.",
     "PK", "Balochistan", 25.12, 62.32),
    ("Two border guards were killed when militants attacked their post near Mirjaweh on Sunday, Iranian media said.",
     "IR", "Sistan and Baluchestan", 29.01, 61.45),
    ("Gunmen killed three police officers in Sib and Suran county on Sunday, IRNA reported.",
     "IR", "Sistan and Baluchestan", 27.29, 62.00),
    ("Two Revolutionary Guards were killed in a clash with militants near Jakigur on Friday, state media said.",
     "IR", "Sistan and Baluchestan", 25.90, 61.65),
    ("Gunmen shot dead two labourers in Panjgoor on Wednesday, police said.",
     "PK", "Balochistan", 26.97, 64.09),
    ("Ten police officers were killed when gunmen attacked a convoy in Taftan county in Iran on Saturday.",
     "IR", "Sistan and Baluchestan", 28.60, 61.14),
]  # fmt: skip


@pytest.mark.parametrize(("text", "country", "admin1", "lat", "lon"), CASES, ids=[c[0][:40] for c in CASES])
def test_a_press_spelling_places_the_incident(text: str, country: str, admin1: str, lat: float, lon: float) -> None:
    (inc,) = extract_article(text, published="2026-02-03").incidents
    assert (inc["country"], inc["admin1"]) == (country, admin1)
    assert inc["lat"] is not None and abs(inc["lat"] - lat) < 0.1 and abs(inc["lon"] - lon) < 0.1


@pytest.mark.parametrize(
    ("text", "precision"),
    [
        # Jakigur's coordinates are a curated estimate ("(approximate)" in aliases.csv): the record says so
        ("Two Revolutionary Guards were killed in a clash with militants near Jakigur on Friday, state media said.",
         "near"),
        ("Gunmen killed a shopkeeper in Tump on Friday, police said.", "near"),
        # GeoNames places keep their exact point
        ("Gunmen shot dead two labourers in Panjgoor on Wednesday, police said.", "exact"),
    ],
)  # fmt: skip
def test_a_place_known_only_roughly_is_near_not_exact(text: str, precision: str) -> None:
    (inc,) = extract_article(text, published="2026-02-03").incidents
    assert inc["geo_precision"] == precision
