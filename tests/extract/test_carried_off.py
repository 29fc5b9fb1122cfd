""" "…took seven men with them, a Levies official said": gunmen taking people away is an abduction count, so the
official who gives it is a sayer of the kidnapped count beside the one who gave it first. Things taken away
("took away weapons") and people taken along by their own side are no count."""

from __future__ import annotations

from typing import Any

import pytest

from sarhad.extract import extract_article
from sarhad.extract.casualties import find_casualties
from sarhad.extract.numbers import find_numbers


def _cas(text: str) -> list[tuple[int, str, str]]:
    return [(c.value, c.measure, c.who) for c in find_casualties(text, find_numbers(text))]


@pytest.mark.parametrize(
    "text",
    [
        "The gunmen checked the passengers' identity cards and took seven men with them.",
        "Armed men stopped the van and took away seven passengers.",
        "The attackers stormed the camp, taking seven workers captive.",
    ],
    ids=["with-them", "took-away", "captive"],
)
def test_people_carried_off_are_kidnapped(text: str) -> None:
    assert _cas(text) == [(7, "kidnapped", "victims")]


@pytest.mark.parametrize(
    "text",
    [
        "The attackers took away 12 rifles and set fire to two vehicles.",
        "The militants took seven of their wounded with them.",
        "The minister took seven journalists on a tour of the border.",
        "Police took seven men into custody.",
    ],
    ids=["things", "attackers-own", "no-carrying-off", "arrest"],
)
def test_other_takings_are_no_kidnapping(text: str) -> None:
    assert not [c for c in _cas(text) if c[1] == "kidnapped"]


def _said(text: str) -> list[tuple[str | None, int | None, bool]]:
    inc: dict[str, Any] = extract_article(text, published="2025-11-04").incidents[0]
    return [(a["asserted_by"], a["best"], a["main"]) for a in inc["assertions"] if a["measure"] == "kidnapped"]


def test_the_levies_who_say_people_were_carried_off_are_a_sayer() -> None:
    text = (
        "Armed men abducted five passengers from a bus in Kharan district of Balochistan on Friday, officials said.\n\n"
        "The gunmen stopped the bus on the highway and took five men with them, according to Levies officials."
    )
    assert _said(text) == [("officials", 5, True), ("Levies", 5, False)]


def test_levies_named_without_saying_anything_are_no_sayer() -> None:
    text = (
        "Armed men abducted five passengers from a bus in Kharan district of Balochistan on Friday, officials said.\n\n"
        "The gunmen stopped the bus near a Levies post and took five men with them."
    )
    assert _said(text) == []
