"""Dates resolved against the publication date; numbers with their qualifiers."""

from __future__ import annotations

from datetime import date

import pytest

from sarhad.extract.dates import find_dates, parse_iso_date
from sarhad.extract.numbers import find_numbers, parse_number_words

PUB = date(2024, 4, 9)  # a Tuesday


def _one(text: str, anchor: date = PUB, direction: str = "past") -> tuple[str, str | None]:
    found = [d for d in find_dates(text, anchor, direction) if d.kind != "time"]
    assert found, text
    return found[0].kind, found[0].iso()


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("an attack on Tuesday in Sib", "2024-04-09"),  # the publication day itself
        ("the Thursday overnight attacks", "2024-04-04"),
        ("on Monday evening when militants", "2024-04-08"),
        ("late on Friday", "2024-04-05"),
        ("Sunday's suicide bombing", "2024-04-07"),
        ("On Friday, November 7, 2025, the leaders met", "2025-11-07"),
        ("on 2 February 2013", "2013-02-02"),
        ("on November 9", "2023-11-09"),  # the last November 9 before the publication date
        ("In December, the group killed 11", "2023-12"),
        ("Last December, officials said", "2023-12"),
        ("in October last year", "2023-10"),
        ("in April 2024", "2024-04"),
        ("yesterday", "2024-04-08"),
        ("two days ago", "2024-04-07"),
        ("Last week, the group attacked", "2024-04"),
        ("earlier this month", "2024-04"),
        ("in 2022", "2022"),
    ],
)
def test_past_dates(text: str, iso: str) -> None:
    assert _one(text)[1] == iso


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("technical committees in December 2025", "2025-12"),
        ("a summit is slated for Q1 2026", "2026-Q1"),
        ("in the first quarter of 2026", "2026-Q1"),
        ("joint sessions in 2026", "2026"),
        ("by 2026", "2026"),
        ("in the next five years", "2030"),
        ("by the end of the year", "2025"),
        ("by June 2026", "2026-06"),
        ("in December", "2025-12"),  # forward: the next December
        ("by mid-2026", "2026"),
        ("by the end of next month", "2025-12"),
        ("within two months", "2026-01"),
    ],
)
def test_future_dates(text: str, iso: str) -> None:
    assert _one(text, date(2025, 11, 8), "future")[1] == iso


def test_recurrence_and_offsets() -> None:
    kinds = [(d.kind, d.recurrence) for d in find_dates("monitor progress quarterly and meet every month", PUB)]
    assert kinds == [("recurrence", "P3M"), ("recurrence", "P1M")]
    offset = find_dates("The attack came a week after a bomb exploded", PUB)[0]
    assert offset.kind == "offset" and offset.offset_days == 7


def test_spans_point_at_the_words() -> None:
    text = "Police said the attack took place on Saturday near Quetta."
    (d,) = find_dates(text, PUB)
    assert text[d.start : d.end] == "on Saturday"


def test_parse_iso_date() -> None:
    assert parse_iso_date("2024-11-09") == date(2024, 11, 9)
    assert parse_iso_date("Updated 29 August 2023") == date(2023, 8, 29)
    assert parse_iso_date("Published November 9, 2024") == date(2024, 11, 9)
    assert parse_iso_date("no date here") is None


@pytest.mark.parametrize(
    ("text", "value", "low", "high", "qualifier"),
    [
        ("killing at least 26 people", 26, 26, None, "at least"),
        ("over 1,100 were killed", 1100, 1100, None, "over"),
        ("more than 15 percent", 15, 15, None, "over"),
        ("USD 2.5 billion", 2.5e9, 2.5e9, 2.5e9, None),
        ("PKR 500 million", 5e8, 5e8, 5e8, None),
        ("Rs5bn", 5e9, 5e9, 5e9, None),
        ("twenty-six soldiers", 26, 26, 26, None),
        ("a dozen people", 12, 12, 12, "vague"),
        ("10 to 12 people", 12, 10, 12, "range"),
        ("between five and seven", 7, 5, 7, "range"),
        ("nearly 200 people", 200, 200, 200, "about"),
        ("up to 30 people", 30, None, 30, "up to"),
    ],
)
def test_numbers(text: str, value: float, low: float | None, high: float | None, qualifier: str | None) -> None:
    n = find_numbers(text)[0]
    assert (n.value, n.low, n.high, n.qualifier) == (value, low, high, qualifier)
    assert text[n.start : n.end] == n.text


def test_years_are_flagged_and_words_parse() -> None:
    (n,) = find_numbers("in 2024")
    assert n.is_year
    assert parse_number_words("two hundred and five") == 205
    assert parse_number_words("three thousand") == 3000
    assert parse_number_words("many") is None


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("report every two months", "P2M"),
        ("meet every six months", "P6M"),
        ("every 18 months", "P18M"),
        ("every two weeks", "P2W"),
        ("fortnightly", "P2W"),
        ("every quarter", "P3M"),
        ("each year", "P1Y"),
    ],
)
def test_every_n_units_is_a_recurrence(text: str, period: str) -> None:
    found = [d for d in find_dates(text, date(2025, 11, 18), "future") if d.kind == "recurrence"]
    assert [d.recurrence for d in found] == [period]


def test_may_and_march_are_months_after_end_of_and_before_punctuation() -> None:
    anchor = date(2026, 4, 20)
    assert [d.iso() for d in find_dates("operational by the end of May.", anchor, "future")] == ["2026-05"]
    assert [d.iso() for d in find_dates("to be finished by May.", anchor, "future")] == ["2026-05"]
    assert find_dates("the troops may march on", anchor, "future") == []
    assert find_dates("the March of the workers", anchor, "future") == []
