"""Places the press names without their country: a county named by its full gazetteer name ("in Sib and Suran")
is found, and where a name exists on both sides of the border the administrative word beside it chooses the
side: "county", "shahrestan" or "bakhsh" are Iran's units, "district" and "tehsil" Pakistan's."""

from __future__ import annotations

from typing import Any

import pytest

from sarhad.extract import extract_article


def _main(text: str) -> dict[str, Any]:
    return extract_article(text, published="2026-02-03").incidents[0]


def test_a_county_named_with_and_is_found_as_one_place() -> None:
    text = "Gunmen attacked a police post in Sib and Suran on Monday night, killing three policemen."
    inc = _main(text)
    assert (inc["country"], inc["admin1"], inc["place"]) == ("IR", "Sistan and Baluchestan", "Sib and Suran")
    start = text.index("Sib and Suran")
    assert inc["spans"]["place"] == [start, start + len("Sib and Suran")]


def test_two_places_joined_by_and_keep_the_first_as_before() -> None:
    inc = _main("Blasts in Quetta and Peshawar killed six people on Monday.")
    assert (inc["place"], inc["admin1"]) == ("Quetta", "Balochistan")


@pytest.mark.parametrize(
    ("text", "country", "admin1"),
    [
        ("Four border guards were killed when militants attacked a post in Taftan county on Thursday.", "IR",
         "Sistan and Baluchestan"),
        ("Militants attacked a border post in the Taftan shahrestan on Thursday, killing two guards.", "IR",
         "Sistan and Baluchestan"),
        ("Two Levies men were killed in an attack in Pishin district on Thursday.", "PK", "Balochistan"),
        ("Gunmen killed two policemen in Taftan on Thursday.", "PK", "Balochistan"),
    ],
    ids=["county", "shahrestan", "district", "bare-name"],
)  # fmt: skip
def test_the_administrative_word_chooses_the_side_of_a_name_on_both_sides(text: str, country: str, admin1: str) -> None:
    inc = _main(text)
    assert (inc["country"], inc["admin1"]) == (country, admin1)


def test_the_articles_country_still_wins_over_the_administrative_word() -> None:
    inc = _main("Pakistani officials said two Levies men were killed in Taftan county of Balochistan on Thursday.")
    assert (inc["country"], inc["admin1"]) == ("PK", "Balochistan")


# A place across the border from the article's country: the sentence's own word for the place wins over the
# article's country. "County", "shahrestan" and "bakhsh" are Iran's units and "tehsil" Pakistan's, in any
# article; "district" names Pakistan only where the article's country is unknown (Iran's English-language press
# calls its counties and bakhsh "districts" too); "of Pakistan" or "in Iran" after the name names its country.
ACROSS_THE_BORDER = [
    ("Pakistan's Foreign Office condemned the attack on Thursday in which gunmen killed four border guards in"
     " Taftan county.", "IR", "Sistan and Baluchestan", "Taftan"),
    ("Pakistani officials said militants who attacked Iranian border guards in Saravan county on Thursday,"
     " killing four, had fled towards Panjgur district of Balochistan.", "IR", "Sistan and Baluchestan", "Saravan"),
    ("Islamabad condemned Thursday's attack in the Mirjaveh shahrestan in which militants killed two Iranian"
     " border guards.", "IR", "Sistan and Baluchestan", "Mirjaveh"),
    ("Iranian police said gunmen killed two Levies men in Kalat district of Pakistan on Thursday.", "PK",
     "Balochistan", "Kalat"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "country", "admin1", "place"), ACROSS_THE_BORDER, ids=["county", "county-fled",
                         "shahrestan", "of-pakistan"])  # fmt: skip
def test_the_sentences_own_word_for_a_place_wins_over_the_articles_country(
    text: str, country: str, admin1: str, place: str
) -> None:
    inc = _main(text)
    assert (inc["country"], inc["admin1"], inc["place"]) == (country, admin1, place)


@pytest.mark.parametrize(
    "text",
    [
        "Iran's IRNA said gunmen killed two border guards in Rask district on Thursday.",
        "Iranian officials said gunmen killed two border guards in Saravan district on Thursday.",
    ],
    ids=["rask", "saravan"],
)
def test_district_in_an_iranian_article_stays_in_iran(text: str) -> None:
    inc = _main(text)
    assert (inc["country"], inc["admin1"]) == ("IR", "Sistan and Baluchestan")
