"""Geocoding names: spellings, districts, ambiguity resolved by context, then population."""

from __future__ import annotations

import pytest

import sarhad.geo as geo

REQUESTED = [
    ("Quetta", "PK", "PK-BA"), ("Turbat", "PK", "PK-BA"), ("Kech", "PK", "PK-BA"), ("Panjgur", "PK", "PK-BA"),
    ("Gwadar", "PK", "PK-BA"), ("Mastung", "PK", "PK-BA"), ("Taftan", "PK", "PK-BA"),
    ("Zahedan", "IR", "IR-11"), ("Saravan", "IR", "IR-11"), ("Rask", "IR", "IR-11"), ("Chabahar", "IR", "IR-11"),
    ("Iranshahr", "IR", "IR-11"), ("Mirjaveh", "IR", "IR-11"), ("Khash", "IR", "IR-11"),
    ("Peshawar", "PK", "PK-KP"), ("Bannu", "PK", "PK-KP"), ("Dera Ismail Khan", "PK", "PK-KP"),
    ("North Waziristan", "PK", "PK-KP"), ("Miranshah", "PK", "PK-KP"), ("Mand", "PK", "PK-BA"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "country", "code"), REQUESTED, ids=[r[0] for r in REQUESTED])
def test_requested_names_are_found_in_the_right_province(name: str, country: str, code: str) -> None:
    best = geo.find(name)[0]
    assert (best.country, best.admin1_code) == (country, code)
    assert 0 < best.confidence <= 1


def test_district_aliases_point_at_their_headquarters() -> None:
    kech = geo.find("Kech")[0]
    assert kech.kind == "district" and kech.admin1 == "Balochistan"
    assert abs(kech.lat - 26.0) < 0.05 and abs(kech.lon - 63.05) < 0.05  # Turbat
    nw = geo.find("North Waziristan")[0]
    assert nw.kind == "district" and nw.admin1 == "Khyber Pakhtunkhwa"
    assert abs(nw.lat - 33.0) < 0.05 and abs(nw.lon - 70.07) < 0.05  # Miranshah


def test_district_seats_are_the_districts_and_counties_find_knows() -> None:
    seats = {(s.name, s.admin1_code): s for s in geo.district_seats()}
    # Chagai district is placed at its seat, Dalbandin, where find places it too
    chagai = seats["Chagai", "PK-BA"]
    found = geo.find("Chagai district", "PK")[0]
    assert (chagai.kind, chagai.country, chagai.lat, chagai.lon) == ("district", "PK", found.lat, found.lon)
    assert seats["Zahedan", "IR-11"].kind == "county"
    # districts and counties only: no towns, provinces or crossings
    assert {s.kind for s in seats.values()} == {"district", "county"}
    assert ("Turbat", "PK-BA") not in seats and ("Kech", "PK-BA") in seats


def test_news_phrases_are_understood() -> None:
    assert geo.find("Kech district")[0].name == "Kech"
    taftan = geo.find("the Taftan border")[0]
    assert taftan.kind == "crossing" and taftan.name == "Taftan–Mirjaveh"
    sb = geo.find("Sistan-Baluchestan province")[0]
    assert (sb.kind, sb.admin1_code, sb.admin1) == ("province", "IR-11", "Sistan and Baluchestan")
    assert geo.find("KPK")[0].admin1_code == "PK-KP"
    assert geo.find("Baluchistan")[0].admin1_code == "PK-BA"


def test_matching_ignores_case_and_diacritics() -> None:
    for spelling in ("ZAHEDAN", "zāhedān", "Zāhedān", "  zahedan "):
        assert geo.find(spelling)[0].name == "Zahedan"
    assert geo.find("Chābahār")[0].name == "Chabahar"
    assert geo.find("زاهدان")[0].name == "Zahedan"


def test_pishin_follows_the_country_context() -> None:
    assert geo.find("Pishin")[0].country == "PK"  # the larger one without context
    ir = geo.find("Pishin", country="IR")[0]
    assert ir.country == "IR" and ir.admin1_code == "IR-11" and abs(ir.lon - 61.75) < 0.05
    pk = geo.find("Pishin", country="PK")[0]
    assert pk.country == "PK" and pk.admin1_code == "PK-BA"
    assert ir.confidence > geo.find("Pishin")[0].confidence


@pytest.mark.parametrize(("name", "lat"), [("Khash", 28.22), ("Zahedan", 29.50), ("Iranshahr", 27.20)])
def test_namesakes_lose_to_the_sistan_and_baluchestan_town(name: str, lat: float) -> None:
    found = geo.find(name)
    assert len(found) >= 2  # the namesakes exist
    assert found[0].admin1_code == "IR-11" and abs(found[0].lat - lat) < 0.05


def test_khash_in_afghanistan_with_context() -> None:
    af = geo.find("Khash", country="AF")[0]
    assert af.country == "AF" and af.admin1_code == "AF-NIM"


def test_admin1_hint_breaks_ties_within_a_country() -> None:
    sarbaz = geo.find("Sarbaz", admin1="Sistan and Baluchestan")[0]
    assert sarbaz.admin1_code == "IR-11"


@pytest.mark.parametrize(
    ("name", "hint", "code"),
    [("Pishin", "Balochistan", "PK-BA"), ("Pishin", "Sistan-Baluchestan", "IR-11"), ("Zahedan", "Fars", "IR-07"),
     ("Iranshahr", "Kerman", "IR-08"), ("Khash", "Nimruz", "AF-NIM"), ("Khash", "Sistan and Baluchestan", "IR-11")],
)  # fmt: skip
def test_a_province_hint_picks_the_namesake_in_that_province(name: str, hint: str, code: str) -> None:
    found = geo.find(name, admin1=hint)
    assert found[0].admin1_code == code
    assert found[0].confidence >= found[1].confidence


@pytest.mark.parametrize("name", ["Mand", "Pishin", "Khash", "Zahedan", "Iranshahr", "Sarbaz", "Kalat", "Hub"])
def test_confidence_never_rises_down_the_ranked_list(name: str) -> None:
    for country in (None, "PK", "IR", "AF"):
        confidences = [c.confidence for c in geo.find(name, country=country, limit=10)]
        assert confidences == sorted(confidences, reverse=True), (name, country, confidences)


def test_candidates_are_ranked_and_limited() -> None:
    found = geo.find("Pishin", limit=2)
    assert len(found) == 2
    assert found[0].confidence >= found[1].confidence
    assert geo.find("Pishin", limit=1)[0] == found[0]


def test_unknown_and_empty_names_give_no_candidates() -> None:
    assert geo.find("Atlantis-on-Sea") == []
    assert geo.find("") == []
    assert geo.find("   ") == []


def test_candidate_to_dict_has_the_contract_fields() -> None:
    d = geo.find("Quetta")[0].to_dict()
    assert {"name", "country", "admin1", "lat", "lon", "confidence"} <= set(d)
    assert d["country"] == "PK" and d["admin1"] == "Balochistan"
