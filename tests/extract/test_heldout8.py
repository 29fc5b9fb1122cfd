"""The eighth held-out batch: what its gold file does not score. A toll that may rise is open above (high
null), the county or district word places a name on both sides of the border, and "Sib and Suran" is found."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sarhad.extract import extract_file

BATCH = Path(__file__).parents[2] / "tests" / "assets" / "articles" / "heldout8"


def _main(name: str) -> dict[str, Any]:
    incident: dict[str, Any] = extract_file(str(BATCH / name)).incidents[0]
    return incident


@pytest.mark.parametrize(
    ("name", "place", "country", "precision"),
    [
        ("1001.txt", "Sib and Suran", "IR", "admin2"),
        ("1002.txt", "Taftan", "IR", "admin2"),
        ("1003.txt", "Pishin", "PK", "exact"),
        ("1004.txt", "Kalat", "PK", "exact"),
    ],
)
def test_the_batchs_places(name: str, place: str, country: str, precision: str) -> None:
    inc = _main(name)
    assert (inc["place"], inc["country"], inc["geo_precision"]) == (place, country, precision)


@pytest.mark.parametrize(
    ("name", "killed", "wounded"),
    [
        ("1002.txt", (2, 2, None), (1, 1, 1)),  # "The death toll could rise", a paragraph after the attack
        ("1003.txt", (4, 4, None), (7, 7, 7)),  # "the number of dead is feared to rise"
        ("1004.txt", (2, 2, 2), (5, 5, 5)),  # nothing said to rise
        ("1005.txt", (1, 1, 1), (4, 4, None)),  # "The number of injured is expected to rise"
    ],
)
def test_the_batchs_open_and_closed_highs(
    name: str, killed: tuple[int, int, int | None], wounded: tuple[int, int, int | None]
) -> None:
    inc = _main(name)
    assert (inc["killed"], inc["killed_low"], inc["killed_high"]) == killed
    assert (inc["wounded"], inc["wounded_low"], inc["wounded_high"]) == wounded
