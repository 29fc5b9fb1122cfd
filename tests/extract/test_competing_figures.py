"""Competing tolls: where an article gives a count from different sayers, each sayer's count is kept as an
assertion of its own, named as an organisation or a kind of source (never a person), and the main count stays
the one the extractor chose before."""

from __future__ import annotations

from typing import Any

import pytest

from sarhad.extract import extract_article
from sarhad.extract.sayers import find_sayer


def _main(text: str, published: str = "2025-11-08") -> dict[str, Any]:
    return extract_article(text, published=published).incidents[0]


def _said(inc: dict[str, Any], measure: str = "killed") -> list[tuple[str | None, int | None, bool]]:
    return [(a["asserted_by"], a["best"], a["main"]) for a in inc["assertions"] if a["measure"] == measure]


def test_a_groups_claim_is_kept_beside_the_militarys_count() -> None:
    inc = _main(
        "Militants attacked an army post in Kech district of Balochistan on Friday. The Baloch Liberation Army "
        "claimed it killed a dozen soldiers; the military said five soldiers were martyred."
    )
    assert inc["killed"] == 5  # the main count is what it was: the claim's vague "a dozen" gives way
    assert _said(inc) == [("Pakistan military (ISPR)", 5, True), ("BLA (claim)", 12, False)]
    claim = next(a for a in inc["assertions"] if not a["main"])
    text = extract_article(
        "Militants attacked an army post in Kech district of Balochistan on Friday. The Baloch Liberation Army "
        "claimed it killed a dozen soldiers; the military said five soldiers were martyred.",
        published="2025-11-08",
    ).article.text
    assert text[claim["span"][0] : claim["span"][1]] == "a dozen soldiers"


def test_state_media_and_the_claimant_each_keep_their_count() -> None:
    inc = _main(
        "Gunmen attacked a border guard post in Saravan on Friday. Iranian state media said three guards died; "
        "Jaish al-Adl said it killed 10."
    )
    assert inc["killed"] == 10  # unchanged: the largest count, as before
    assert _said(inc) == [("Jaish al-Adl (claim)", 10, True), ("Iranian state media", 3, False)]


def test_hospital_officials_and_police_each_put_the_toll() -> None:
    inc = _main(
        "A bomb exploded in a market in Quetta on Friday. Hospital officials put the toll at 14, police at 11. "
        "Rescue officials said the toll could rise."
    )
    assert inc["killed"] == 14
    assert _said(inc) == [("hospital officials", 14, True), ("police", 11, False)]


def test_a_count_told_by_one_sayer_only_has_no_competing_assertions() -> None:
    inc = _main("Gunmen shot dead five people in Quetta on Friday, police said.")
    assert inc["killed"] == 5 and inc["assertions"] == []
    inc = _main("Gunmen shot dead five people in Quetta on Friday. Police said five people were killed.")
    assert inc["assertions"] == []


def test_the_articles_own_count_stays_main_beside_a_claim() -> None:
    inc = _main(
        "Six soldiers were martyred when militants attacked a check post in Turbat on Friday. The Baloch "
        "Liberation Army said it killed 15 soldiers."
    )
    assert inc["killed"] == 15  # the largest count, as before
    # the article's own six (no sayer named: the outlet's) is kept beside the claim
    assert _said(inc) == [("BLA (claim)", 15, True), (None, 6, False)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Interior Minister Mohsin Naqvi said four people were killed", "interior ministry"),
        ("Ahmed Khan said four people were killed", None),
        ("four people were killed, a police official said", "police"),
        ("four people were killed, according to the district administration", "district administration"),
        ("the ISPR said four soldiers were martyred", "Pakistan military (ISPR)"),
        ("the group said it killed four soldiers", "TTP (claim)"),
    ],
)
def test_a_sayer_is_an_organisation_or_a_kind_of_source_never_a_person(sentence: str, expected: str | None) -> None:
    at = sentence.index("four")
    assert find_sayer(sentence, at, at + 4, "PK", claimant="TTP") == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Gunmen kill five Revolutionary Guards in southeast Iran, Jaish al-Adl claims attack",
        "Two Levies officials abducted in Dera Bugti, BRAS claims responsibility",
        "Gunmen killed five guards on Saturday, Jaish al-Adl claimed responsibility for the attack.",
        "Gunmen killed five guards on Saturday, and Jaish al-Adl claimed the attack.",
    ],
)
def test_a_group_claiming_the_attack_after_a_count_is_no_sayer_of_the_count(sentence: str) -> None:
    at = sentence.index("five") if "five" in sentence else sentence.index("Two")
    assert find_sayer(sentence, at, at + 4, "IR") is None


def test_a_group_claiming_the_count_after_it_is_still_its_sayer() -> None:
    sentence = "Five soldiers were killed, the BLA claimed."
    assert find_sayer(sentence, 0, 4, "PK") == "BLA (claim)"


def test_a_headline_claim_of_the_attack_adds_no_competing_count() -> None:
    text = (
        "Gunmen kill five Revolutionary Guards in southeast Iran, Jaish al-Adl claims attack\n"
        "https://www.example-wire.com/world/iran-guards\n2025-05-03\n\n"
        "DUBAI, May 3 (Wire) - Gunmen killed five members of Iran's Revolutionary Guards in an attack on their "
        "vehicle in Sistan-Baluchistan on Saturday, state media reported."
    )
    inc = extract_article(text).incidents[0]
    assert inc["killed"] == 5 and inc["assertions"] == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Pakistani Taliban say they killed two policemen in northwestern district", "TTP (claim)"),
        ("Two policemen killed in Lakki Marwat, police say", "police"),
    ],
)
def test_a_headlines_present_tense_say_names_the_sayer(sentence: str, expected: str) -> None:
    at = sentence.index("two") if "two" in sentence else sentence.index("Two")
    assert find_sayer(sentence, at, at + 3, "PK") == expected


def test_a_group_claiming_the_attack_that_killed_a_count_is_no_sayer_of_it() -> None:
    sentence = "The TTP claims attack that killed four soldiers in Khyber district"
    at = sentence.index("four")
    assert find_sayer(sentence, at, at + 4, "PK") is None
