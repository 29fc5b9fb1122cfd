"""Press spellings of the places along the Pakistan-Iran border and its roads (aliases.csv): each resolves to
the right place, country and province, with and without the country as context."""

from __future__ import annotations

import pytest

import sarhad.geo as geo
from sarhad.extract.places import geocode

PK, IR = ("PK", "PK-BA"), ("IR", "IR-11")
# (spelling, (country, province), lat, lon of the place meant)
SPELLINGS = [
    ("Gawadar", PK, 25.12, 62.32), ("Guadar", PK, 25.12, 62.32), ("Gwader", PK, 25.12, 62.32),
    ("Jeewani", PK, 25.05, 61.74), ("Jiwni", PK, 25.05, 61.74), ("Urmara", PK, 25.21, 64.64),
    ("Turbet", PK, 26.00, 63.04), ("Tump", PK, 26.12, 62.37), ("Buleda", PK, 26.20, 62.80),
    ("Bulaida", PK, 26.20, 62.80), ("Hoshab", PK, 26.03, 63.89), ("Panjgoor", PK, 26.97, 64.09),
    ("Punjgur", PK, 26.97, 64.09), ("Parom", PK, 26.90, 63.55), ("Paroom", PK, 26.90, 63.55),
    ("Washuck", PK, 27.73, 64.80), ("Besima", PK, 27.91, 65.87), ("Basima", PK, 27.91, 65.87),
    ("Mashkel", PK, 27.96, 63.23), ("Mashkhel", PK, 27.96, 63.23), ("Nooshki", PK, 29.55, 66.02),
    ("Dalbandeen", PK, 28.89, 64.41), ("Nokkundi", PK, 28.82, 62.75), ("Nok-Kundi", PK, 28.82, 62.75),
    ("Naukundi", PK, 28.82, 62.75),
    ("Mirjaweh", IR, 29.01, 61.45), ("Mir Javeh", IR, 29.01, 61.45), ("Iranshehr", IR, 27.20, 60.68),
    ("Nikshar", IR, 26.23, 60.21), ("Kanarak", IR, 25.36, 60.40), ("Dashtyari", IR, 25.39, 61.14),
    ("Sib and Suran", IR, 27.29, 62.00), ("Sib-o-Suran", IR, 27.29, 62.00), ("Soran", IR, 27.29, 62.00),
    ("Zaboli", IR, 27.13, 61.67), ("Jakigur", IR, 25.90, 61.65), ("Jakigour", IR, 25.90, 61.65),
    ("Kalagan", IR, 27.30, 62.50),
]  # fmt: skip


@pytest.mark.parametrize(("name", "where", "lat", "lon"), SPELLINGS, ids=[s[0] for s in SPELLINGS])
def test_a_press_spelling_finds_the_place(name: str, where: tuple[str, str], lat: float, lon: float) -> None:
    for country in (None, where[0]):
        best = geo.find(name, country=country)[0]
        assert (best.country, best.admin1_code) == where, country
        assert abs(best.lat - lat) < 0.1 and abs(best.lon - lon) < 0.1, (best.name, best.lat, best.lon)
        assert best.confidence >= 0.5
        hit = geocode(name, country)  # what the extractor asks
        assert hit is not None and (hit.country, hit.admin1_code) == where


def test_qualified_press_spellings_are_found_too() -> None:
    assert geo.find("near Gawadar")[0].name == "Gwadar"
    assert geo.find("Sib and Suran county")[0].kind == "county"
    assert geo.find("Mashkel tehsil")[0].name == "Mashkel"


def test_taftan_is_the_pakistani_town_unless_the_context_is_iran() -> None:
    pk = geo.find("Taftan")[0]
    assert (pk.country, pk.kind) == ("PK", "city")
    ir = geo.find("Taftan", country="IR")[0]
    assert (ir.country, ir.admin1_code, ir.kind, ir.name) == ("IR", "IR-11", "county", "Taftan county")
    assert ir.confidence > 0.8
    # the Iranian county is now a rival without context, as Pishin's towns are
    assert 0.5 < pk.confidence < geo.find("Taftan", country="PK")[0].confidence


def test_zaboli_is_mehrestan_not_zabol() -> None:
    best = geo.find("Zaboli")[0]
    assert best.name == "Mehrestān"
    assert all(c.name != "Zabol" for c in geo.find("Zaboli", limit=10))


def test_a_curated_estimate_says_it_is_approximate() -> None:
    from sarhad.geo.gazetteer import find

    (tump, *_) = find("Tump", "PK")
    (turbat, *_) = find("Turbat", "PK")
    assert (tump.name, tump.approximate, tump.to_dict()["approximate"]) == ("Tump", True, True)
    assert (turbat.approximate, turbat.to_dict()["approximate"]) == (False, False)
