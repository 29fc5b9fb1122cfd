from __future__ import annotations

from datetime import date

import pytest

from sarhad.errors import InvalidInput
from sarhad.framework.quarter import Quarter


@pytest.mark.parametrize("text", ["2026Q1", "2026q1", "2026-Q1", " 2026Q1 "])
def test_quarter_parse_accepts_the_usual_spellings(text: str) -> None:
    assert Quarter.parse(text) == Quarter(2026, 1)
    assert str(Quarter.parse(text)) == "2026Q1"


@pytest.mark.parametrize("text", ["2026Q5", "2026Q0", "Q1", "2026", "26Q1", "2026Q1x", ""])
def test_quarter_parse_rejects_anything_else(text: str) -> None:
    with pytest.raises(InvalidInput, match="quarter"):
        Quarter.parse(text)


def test_quarter_bounds_and_neighbours() -> None:
    q = Quarter.parse("2025Q4")
    assert (q.start, q.end) == (date(2025, 10, 1), date(2025, 12, 31))
    assert str(q.next()) == "2026Q1" and str(q.previous()) == "2025Q3"
    assert [str(x) for x in q.range_to(Quarter(2026, 2))] == ["2025Q4", "2026Q1", "2026Q2"]
    assert Quarter.of(date(2026, 3, 31)) == Quarter(2026, 1)
    assert Quarter(2026, 1).label == "Q1 2026"
