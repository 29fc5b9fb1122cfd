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
