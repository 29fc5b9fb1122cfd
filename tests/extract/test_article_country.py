"""The article's country, read as a reader reads it: the dateline's place first, then the towns and districts
the gazetteer knows on one side of the border only, provinces and country words; a province named as the other
side ("across the border in Sistan and Baluchestan") is not the article's. Each incident is still placed by its
own sentence first: a round-up of both countries' attacks places each in its own country."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sarhad.extract import extract_article
from sarhad.extract.article import parse_article
from sarhad.extract.features import analyse
from sarhad.extract.incident_places import article_country
from sarhad.extract.places import sole_country

HELDOUT9 = Path(__file__).parents[2] / "tests" / "assets" / "articles" / "heldout9"
# a source whose domain names no country, so the words alone decide
HEADER = "Attack report\nhttps://www.example-wire.com/story\n2026-03-04\n\n"


def _country(body: str) -> str | None:
    article = parse_article(HEADER + body)
    return article_country(article, analyse(article))


def _places(body: str) -> list[tuple[str | None, str | None, str | None]]:
    incidents: list[dict[str, Any]] = extract_article(HEADER + body).incidents
    return [(i["country"], i["admin1"], i["place"]) for i in incidents]


@pytest.mark.parametrize(
    ("name", "country"),
    [("Turbat", "PK"), ("Kech", "PK"), ("Panjgur", "PK"), ("Saravan", "IR"), ("Zahedan", "IR")],
)
def test_a_place_the_gazetteer_knows_on_one_side_only_has_that_country(name: str, country: str) -> None:
    assert sole_country(name) == country


@pytest.mark.parametrize("name", ["Taftan", "Pishin", "Kalat", "Khash", "Nowhereabad"])
def test_a_name_on_both_sides_or_on_neither_has_no_sole_country(name: str) -> None:
    assert sole_country(name) is None


@pytest.mark.parametrize("dateline", ["TURBAT, March 3:", "QUETTA:"])
def test_the_datelines_town_outweighs_a_province_named_once_and_a_country_word(dateline: str) -> None:
    body = (
        f"{dateline} Two policemen were killed in a blast on Monday, officials said. They said the bomber had "
        "crossed over from Sistan and Baluchestan, and Iranian officials condemned the attack."
    )
    assert _country(body) == "PK"
    assert _places(body) == [("PK", "Balochistan", None)]


@pytest.mark.parametrize(
    ("place", "where"),
    [("in Turbat", "Turbat"), ("in Kech district", "Kech"), ("at a checkpoint in Panjgur", "Panjgur")],
)
def test_a_pakistani_town_or_district_makes_the_article_pakistans(place: str, where: str) -> None:
    body = (
        f"Three soldiers were killed in an attack {place} on Monday. Officials said the attackers had come from "
        "Sistan and Baluchestan."
    )
    assert _country(body) == "PK"
    assert _places(body) == [("PK", "Balochistan", where)]


@pytest.mark.parametrize("town", ["Saravan", "Zahedan"])
def test_an_iranian_town_makes_the_article_irans(town: str) -> None:
    body = (
        f"Two border guards were killed in an attack near {town} on Monday. Officials said the attackers had "
        "come from Balochistan."
    )
    assert _country(body) == "IR"
    assert _places(body) == [("IR", "Sistan and Baluchestan", town)]


def test_a_province_across_the_border_is_not_the_articles_country() -> None:
    body = (
        "Three soldiers were killed in an attack on Monday, officials said. Militants have also struck across "
        "the border in Iran's Sistan and Baluchestan province."
    )
    assert _country(body) is None
    body = (
        "Three soldiers were killed in an attack in Kech district on Monday. The attackers fled across the border "
        "into Sistan and Baluchestan, officials said, and Iranian guards were alerted."
    )
    assert _country(body) == "PK"
    assert _places(body) == [("PK", "Balochistan", "Kech")]


def test_an_incident_across_the_border_is_placed_there() -> None:
    body = (
        "On Monday, three soldiers were killed when a roadside bomb hit their vehicle in Turbat. On Wednesday, "
        "across the border in Sistan and Baluchestan, gunmen shot dead two border guards."
    )
    assert _country(body) == "PK"
    assert _places(body) == [("PK", "Balochistan", "Turbat"), ("IR", "Sistan and Baluchestan", None)]


def test_a_round_up_places_each_incident_in_its_own_country() -> None:
    body = (
        "The past week saw two attacks on the border. On Monday, three soldiers were killed when a roadside bomb "
        "hit their vehicle in Turbat. On Wednesday, gunmen shot dead two border guards near Saravan in Sistan and "
        "Baluchestan province."
    )
    assert _places(body) == [("PK", "Balochistan", "Turbat"), ("IR", "Sistan and Baluchestan", "Saravan")]


def test_heldout_1107_needs_neither_its_pakistani_source_nor_the_groups_name() -> None:
    text = (HELDOUT9 / "1107.txt").read_text(encoding="utf-8")
    text = text.replace(
        "https://www.example-tribune.com.pk/story/week-in-review-border-attacks", "https://www.example-wire.com/w"
    ).replace(" The Balochistan Liberation Army (BLA) claimed responsibility.", "")
    places = [(i["country"], i["admin1"], i["place"]) for i in extract_article(text).incidents]
    assert places == [
        ("PK", "Balochistan", "Tump"),
        ("IR", "Sistan and Baluchestan", "Saravan"),
        ("PK", "Balochistan", "Jivani"),
        ("PK", "Balochistan", "Panjgur"),
    ]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (
            "QUETTA: Five Iranian border guards were killed in an attack in Sistan and Baluchestan province on "
            "Monday, Iranian media said.",
            ("IR", "Sistan and Baluchestan", None),
        ),
        (
            "ZAHEDAN: Two Pakistani soldiers were killed in Balochistan on Monday, officials said.",
            ("PK", "Balochistan", None),
        ),
        (
            "ISLAMABAD: Pakistan condemned an attack that killed five guards in Sistan and Baluchestan on Monday.",
            ("IR", "Sistan and Baluchestan", None),
        ),
    ],
)
def test_the_main_incidents_own_province_wins_over_the_datelines_country(
    body: str, where: tuple[str, str, None]
) -> None:
    assert _places(body) == [where]
