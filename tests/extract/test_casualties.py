"""Casualty counts: victims apart from attackers, subsets, toll updates, coordinated counts."""

from __future__ import annotations

import pytest

from sarhad.extract.casualties import find_casualties
from sarhad.extract.numbers import find_numbers


def _cas(text: str) -> list[tuple[int, str, str]]:
    return [(c.value, c.measure, c.who) for c in find_casualties(text, find_numbers(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("killing at least 26 people and wounding 62", [(26, "killed", "victims"), (62, "wounded", "victims")]),
        ("two policemen died and three were wounded", [(2, "killed", "victims"), (3, "wounded", "victims")]),
        ("In the clashes that followed, 18 Jaish al-Adl terrorists were killed.", [(18, "killed", "attackers")]),
        ("security forces foiled them, losing 10 of their members.", [(10, "killed", "victims")]),
        ("killing eight people, five of them children", [(8, "killed", "victims")]),
        ("kills 5 Iranian police officers", [(5, "killed", "victims")]),
        ("a soldier was martyred and 3 terrorists were killed", [(1, "killed", "victims"), (3, "killed", "attackers")]),
        ("militants abducted six labourers", [(6, "kidnapped", "victims")]),
        ("five khwarij were sent to hell", [(5, "killed", "attackers")]),
        ("Three of the attackers were killed and several others were injured", [(3, "killed", "attackers")]),
        ("1,000 terrorism-related deaths in 2024", [(1000, "killed", "victims")]),
    ],
)
def test_casualties(text: str, expected: list[tuple[int, str, str]]) -> None:
    assert _cas(text) == expected


def test_toll_updates() -> None:
    found = find_casualties(t := "the death toll had climbed to 26 after two of the wounded died", find_numbers(t))
    assert [(c.value, c.toll, c.who) for c in found] == [(26, True, "victims"), (2, False, "subset")]
    long = "The death toll from Sunday's suicide bombing at a convention in Bajaur rose to 63 on Tuesday"
    assert [(c.value, c.toll) for c in find_casualties(long, find_numbers(long))] == [(63, True)]


def test_coordinated_counts_add_up() -> None:
    got = _cas("three soldiers and two civilians were killed")
    assert got[0] == (5, "killed", "victims")
    assert {g for g in got[1:]} == {(3, "killed", "subset"), (2, "killed", "subset")}
    assert _cas("killing 2 soldiers and 3 civilians")[0] == (5, "killed", "victims")
    assert _cas("with 331 deaths and 244 people injured") == [(331, "killed", "victims"), (244, "wounded", "victims")]


def test_no_casualty_words_no_casualties() -> None:
    assert _cas("The two leaders met for 45 minutes and signed 12 agreements.") == []
    assert _cas("a 959-kilometre border") == []
