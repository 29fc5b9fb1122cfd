"""A toll the article says may rise ("the toll could rise", "is expected to rise") has no upper bound: its
``high`` is unknown (null), not the count itself; its best and low stay the stated count."""

from __future__ import annotations

from typing import Any

import pytest

from sarhad.extract import extract_article


def _main(text: str) -> dict[str, Any]:
    return extract_article(text, published="2026-02-03").incidents[0]


@pytest.mark.parametrize(
    "text",
    [
        "A bomb exploded at a market in Quetta on Monday, killing nine people. The toll could rise, hospital "
        "officials said.",
        "A bomb exploded at a market in Quetta on Monday, killing nine people, and the death toll is expected to rise.",
        "Nine people were killed in a blast in Quetta on Monday. Officials fear the number of dead may climb.",
    ],
    ids=["could-rise", "expected-to-rise", "may-climb"],
)
def test_a_toll_that_may_rise_has_an_open_high(text: str) -> None:
    inc = _main(text)
    assert (inc["killed"], inc["killed_low"], inc["killed_high"]) == (9, 9, None)


def test_a_wounded_count_expected_to_rise_opens_only_the_wounded() -> None:
    inc = _main(
        "A bomb killed four people and wounded 20 in Quetta on Monday. The number of injured is expected to rise."
    )
    assert (inc["killed"], inc["killed_low"], inc["killed_high"]) == (4, 4, 4)
    assert (inc["wounded"], inc["wounded_low"], inc["wounded_high"]) == (20, 20, None)


def test_a_toll_that_did_rise_keeps_its_bound() -> None:
    inc = _main("A bomb killed four people in Quetta on Monday. The toll later rose to nine.")
    assert (inc["killed"], inc["killed_low"], inc["killed_high"]) == (9, 9, 9)


def test_a_toll_said_not_to_rise_keeps_its_bound() -> None:
    inc = _main("A bomb killed four people in Quetta on Monday. Officials said the toll was not expected to rise.")
    assert inc["killed_high"] == 4


def test_every_sayers_count_of_a_toll_that_may_rise_has_an_open_high() -> None:
    inc = _main(
        "A bomb exploded in a market in Quetta on Monday. Hospital officials put the toll at 14, police at 11. "
        "Rescue officials said the toll could rise."
    )
    said = [(a["asserted_by"], a["low"], a["best"], a["high"]) for a in inc["assertions"] if a["measure"] == "killed"]
    assert said == [("hospital officials", 14, 14, None), ("police", 11, 11, None)]


def test_a_toll_said_to_rise_at_the_end_of_the_article_opens_the_incident_before_it() -> None:
    inc = _main(
        "Gunmen killed three guards at a border post in Saravan on Monday, officials said.\n\n"
        "The attackers escaped across the border before troops arrived.\n\n"
        "The death toll may rise, as the wounded guard is in a serious condition, a hospital official said."
    )
    assert (inc["killed"], inc["killed_low"], inc["killed_high"]) == (3, 3, None)
