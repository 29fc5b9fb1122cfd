""" "…, the provincial police said. Eleven people were killed.": a count whose own sentence names no sayer is
the sayer's whose attribution ends the sentence (or ';'-clause) right before it in the same paragraph, or who
"confirmed the toll" in the sentence right after. Never another's: a sayer of the count's own, a group's claim,
a new paragraph, a sentence that turns elsewhere ("Separately, …") or names a sayer of its own for something
else keep the count from being carried."""

from __future__ import annotations

from typing import Any

import pytest

from sarhad.extract import extract_article
from sarhad.extract.sayers import find_sayer

CLAIM = " The Baloch Liberation Army said it killed 20 soldiers."


def _said(text: str) -> list[tuple[str | None, int | None, bool]]:
    inc: dict[str, Any] = extract_article(text, published="2025-11-08").incidents[0]
    return [(a["asserted_by"], a["best"], a["main"]) for a in inc["assertions"] if a["measure"] == "killed"]


@pytest.mark.parametrize(
    "text",
    [
        "Militants attacked a checkpoint in Kech district of Balochistan on Friday, the provincial police said. "
        "Eleven people were killed.",
        "Militants stormed a checkpoint in Kech district of Balochistan on Friday, police said; eleven people were "
        "killed.",
        "Militants stormed a checkpoint in Kech district of Balochistan on Friday. Eleven people were killed. "
        "Police confirmed the toll.",
    ],
    ids=["sentence-before", "clause-before", "confirmed-after"],
)
def test_a_count_takes_the_sayer_of_the_adjacent_sentence_or_clause(text: str) -> None:
    assert _said(text + CLAIM) == [("BLA (claim)", 20, True), ("police", 11, False)]


def test_the_counts_own_sayer_wins_over_the_sentence_before() -> None:
    text = (
        "Militants attacked a checkpoint in Kech district of Balochistan on Friday, the provincial police said. "
        "Hospital officials said eleven people were killed."
    )
    assert _said(text + CLAIM) == [("BLA (claim)", 20, True), ("hospital officials", 11, False)]


def test_a_new_paragraph_is_not_the_sayers() -> None:
    text = (
        "Militants attacked a checkpoint in Kech district of Balochistan on Friday, the provincial police said.\n\n"
        "Eleven people were killed."
    )
    assert _said(text + CLAIM) == [("BLA (claim)", 20, True), (None, 11, False)]


@pytest.mark.parametrize(
    ("previous", "sentence", "following"),
    [
        # a group's own words are its claim, not the source of the article's count
        ("The Baloch Liberation Army said it carried out the attack, the group's spokesman said.",
         "Eleven people were killed.", None),
        # the sentence turns to another event
        ("Militants attacked a checkpoint in Kech on Friday, police said.",
         "Separately, eleven people were killed in a blast in Panjgur.", None),
        # the count's sentence names a sayer of its own, for something else
        ("Militants attacked a checkpoint in Kech on Friday, police said.",
         "Eleven people were killed, while officials said the attackers fled.", None),
        # the sayer before is for what the sentence says, with no attribution at its end
        ("Police said the attackers fled into the mountains.", "Eleven people were killed.", None),
        # the sentence after gives a count of its own
        (None, "Eleven people were killed.", "Police put the toll at 14."),
        # a person is no sayer, whichever sentence names them
        ("Militants attacked a checkpoint in Kech on Friday, Ahmed Khan said.", "Eleven people were killed.", None),
    ],
    ids=["group-claim", "separately", "own-sayer-elsewhere", "no-end-attribution", "new-count-after", "person"],
)  # fmt: skip
def test_a_count_is_never_carried_to_another_sayer(previous: str | None, sentence: str, following: str | None) -> None:
    at = sentence.casefold().index("eleven")
    found = find_sayer(sentence, at, at + 6, "PK", claimant="BLA", previous=previous, following=following)
    assert found is None
