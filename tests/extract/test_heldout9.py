"""The ninth held-out batch: what its first run missed, each rule checked on its article and on a sentence of
its own. A date given only in the Iranian calendar ("on 12 Esfand"), a round-up whose lead counts the week's
attacks ("The past week saw four attacks"), and a place at sea set off by a comma ("off Jivani, in Gwadar
district")."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sarhad.extract import extract_article, extract_file
from sarhad.extract.dates import find_dates
from sarhad.extract.solar_hijri import nowruz, to_gregorian, year_of

BATCH = Path(__file__).parents[2] / "tests" / "assets" / "articles" / "heldout9"


def _incidents(name: str) -> list[dict[str, Any]]:
    incidents: list[dict[str, Any]] = extract_file(str(BATCH / name)).to_json()["incidents"]
    return incidents


@pytest.mark.parametrize(
    ("year", "day"),
    [(1395, date(2016, 3, 20)), (1403, date(2024, 3, 20)), (1404, date(2025, 3, 21)), (1405, date(2026, 3, 21))],
)
def test_nowruz_falls_on_the_official_first_day_of_the_year(year: int, day: date) -> None:
    assert nowruz(year) == day


def test_solar_hijri_days_convert_with_esfands_leap_day() -> None:
    assert to_gregorian(1404, 12, 12) == date(2026, 3, 3)
    assert to_gregorian(1404, 11, 24) == date(2026, 2, 13)
    assert to_gregorian(1403, 12, 30) == date(2025, 3, 20)  # 1403 is a leap year
    assert year_of(date(2025, 3, 20)) == 1403 and year_of(date(2025, 3, 21)) == 1404
    with pytest.raises(ValueError, match=r"day 30 is outside 1\.\.29 in month 12 of 1404"):
        to_gregorian(1404, 12, 30)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("The attack took place on 12 Esfand, the governor said.", date(2026, 3, 3)),
        ("Two guards were killed on Bahman 24, 1404.", date(2026, 2, 13)),
        ("It happened on the 5th of Farvardin.", date(2025, 3, 25)),  # last year's: this year's is still ahead
    ],
)
def test_an_iranian_calendar_day_is_read_as_its_gregorian_day(text: str, day: date) -> None:
    (mention,) = find_dates(text, date(2026, 3, 5))
    assert (mention.value, mention.precision) == (day, "day")


def test_an_iranian_month_name_without_a_day_is_no_date() -> None:
    assert find_dates("Mehr said the talks in Dey had gone well.", date(2026, 3, 5)) == []


def test_an_attack_dated_only_in_the_iranian_calendar_gets_that_day() -> None:
    (main,) = _incidents("1104.txt")
    assert (main["date"], main["date_precision"]) == ("2026-03-03", "day")
    text = (
        "Border guard killed in Mirjaveh\nsrc\n2026-03-05\n\n"
        "A border guard was killed when gunmen attacked a post in Mirjaveh on 10 Esfand, officials said."
    )
    (inc,) = extract_article(text).incidents
    assert (inc["date"], inc["date_precision"]) == ("2026-03-01", "day")


def test_a_roundups_count_of_the_weeks_attacks_is_no_incident_of_its_own() -> None:
    incidents = _incidents("1107.txt")
    saravan = next(i for i in incidents if i["date"] == "2026-05-06")
    assert (saravan["country"], saravan["admin1"], saravan["place"]) == ("IR", "Sistan and Baluchestan", "Saravan")
    assert saravan["attack_type"] == "Armed Assault"
    text = (
        "Week in review\nhttps://www.example-tribune.com.pk/story/week\n2026-05-10\n\n"
        "QUETTA: The past week saw three attacks on both sides of the border, the deadliest a bombing in Kech "
        "district. On Monday, two soldiers were killed when their vehicle hit a roadside bomb in Turbat. "
        "The Balochistan Liberation Army claimed the bombing. "
        "On Wednesday, gunmen shot dead a border guard near Saravan in Iran's Sistan and Baluchestan province."
    )
    incidents = extract_article(text).incidents
    assert [(i["date"], i["country"], i["place"]) for i in incidents] == [
        ("2026-05-04", "PK", "Turbat"),
        ("2026-05-06", "IR", "Saravan"),
    ]


def test_a_place_at_sea_off_a_town_set_off_by_a_comma_is_that_town() -> None:
    jiwani = next(i for i in _incidents("1107.txt") if i["date"] == "2026-05-07")
    assert (jiwani["place"], jiwani["admin1"], jiwani["geo_precision"]) == ("Jivani", "Balochistan", "exact")
    text = "Armed men abducted three fishermen from a boat off Pasni, in Gwadar district, on Monday, Levies said."
    (inc,) = extract_article(text, published="2026-05-06").incidents
    assert (inc["place"], inc["geo_precision"]) == ("Pasni", "exact")


@pytest.mark.parametrize(
    ("name", "place", "country"),
    [
        ("1101.txt", "Mashkil", "PK"),
        ("1102.txt", "Nik Shahr", "IR"),
        ("1103.txt", "Dera Murad Jamali", "PK"),
        ("1104.txt", "Rasak", "IR"),
        ("1105.txt", "Gwadar", "PK"),
    ],
)
def test_the_batchs_transliterated_places(name: str, place: str, country: str) -> None:
    main = _incidents(name)[0]
    assert (main["place"], main["country"]) == (place, country)


@pytest.mark.parametrize(
    ("text", "target", "target_type"),
    [
        (
            "A security guard was killed on Monday in a grenade attack at Gwadar port. The grenade was thrown at "
            "the gate of the port's container terminal as workers were changing shifts.",
            "gate of the port's container terminal",
            "Maritime",
        ),
        (
            "Two children were killed on Monday when mortar shells landed on a house in Mashkel, officials said.",
            "house",
            "Private Citizens & Property",
        ),
        (
            "Three soldiers were killed on Monday when their vehicle hit a roadside bomb in Turbat.",
            "vehicle",
            "Transportation",
        ),
        ("Gunmen attacked their patrol near Khash on Monday, killing two policemen.", "patrol", "Police"),
    ],
)
def test_what_was_hit_is_the_target_without_a_pronoun(text: str, target: str, target_type: str) -> None:
    (inc,) = extract_article(text, published="2026-05-06").incidents
    assert (inc["target"], inc["target_type"]) == (target, target_type)


def test_a_passive_commitment_keeps_its_subject_and_leaves_the_next_clauses_out() -> None:
    text = (
        "Pakistan, Iran agree on border measures\nsrc\n2026-01-15\n\n"
        "ISLAMABAD: Pakistan and Iran agreed on Wednesday on measures against terrorism, officials said.\n\n"
        "A hotline between the border commanders of the two sides will be established within three months, and "
        "intelligence on militant movements will be shared on a regular basis."
    )
    found = {c["text"]: (c["due"], c["parties"]) for c in extract_article(text).commitments}
    assert found[
        "A hotline between the border commanders of the two sides will be established within three months"
    ] == (
        "2026-04",
        ["PK", "IR"],
    )
    assert found["intelligence on militant movements will be shared on a regular basis"] == (None, ["PK", "IR"])


def test_a_commitments_text_ends_before_who_said_it() -> None:
    text = (
        "Pakistan and Iran agreed on Wednesday to set up a joint committee on border security within three months, "
        "the Ministry of Interior said after a meeting in Islamabad."
    )
    (commitment,) = extract_article(text, published="2026-01-15").commitments
    assert commitment["text"] == "set up a joint committee on border security within three months"
    assert commitment["due"] == "2026-04"
