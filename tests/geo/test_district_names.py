"""Districts by their own names: GeoNames' admin2 names of the seats in seats.csv, found as the district."""

from __future__ import annotations

import sarhad.geo as geo
from sarhad.extract import extract_article
from sarhad.extract.places import geocode


def test_a_district_named_apart_from_its_seat_is_found_as_the_district() -> None:
    # Upper Kohistan district's seat is Dasu; Shangla's Alpurai; Lower Dir's Timargara (GeoNames)
    for phrase, name, lat, lon in (
        ("Upper Kohistan district", "Upper Kohistan", 35.29169, 73.2906),
        ("Shangla district", "Shangla", 34.92039, 72.63265),
        ("Lower Dir", "Lower Dir", 34.82659, 71.84423),
    ):
        best = geo.find(phrase, country="PK")[0]
        assert (best.name, best.kind, best.admin1_code, best.lat, best.lon) == (name, "district", "PK-KP", lat, lon)
        assert best.confidence >= 0.9, phrase


def test_an_iranian_county_with_a_geonames_name_is_found_as_the_county() -> None:
    best = geo.find("Jiroft county")[0]
    assert (best.name, best.kind, best.admin1_code) == ("Jiroft", "county", "IR-08")


def test_a_town_named_as_its_district_is_still_the_town_and_curated_districts_stay() -> None:
    assert geo.find("Swabi", country="PK")[0].kind == "city"
    assert (geo.find("Swabi district", country="PK")[0].kind, geo.find("Swabi district")[0].name) == (
        "district",
        "Swabi",
    )
    kech = geo.find("Kech district")[0]
    assert (kech.name, kech.kind, round(kech.lat, 1), round(kech.lon, 1)) == ("Kech", "district", 26.0, 63.0)


def test_the_extractor_places_an_incident_in_a_district_by_its_name() -> None:
    hit = geocode("Shangla district", "PK")
    assert hit is not None and (hit.name, hit.kind, hit.admin1_code) == ("Shangla", "district", "PK-KP")
    text = (
        "Five killed in Shangla blast\n\n"
        "PESHAWAR, March 26, 2024: Five people were killed on Tuesday when a bomb went off near Besham in the "
        "Shangla district of Khyber Pakhtunkhwa province, police said."
    )
    incident = extract_article(text, file="shangla.txt").incidents[0]
    assert (incident["admin1_code"], incident["lat"], incident["lon"]) == ("PK-KP", 34.92039, 72.63265)
