"""The Iranian (Solar Hijri) calendar: "12 Esfand 1404" as a Gregorian day.

Iran's press, and English texts translated from it, date events by the Iranian calendar ("on 12 Esfand",
"Bahman 24, 1404"). Its year begins at Nowruz (1 Farvardin, 20 or 21 March); the first six months have 31
days, the next five 30, and Esfand 29, or 30 in a leap year. Nowruz is found with the arithmetic of the
break years (Borkowski 1996, as in the jalaali libraries); the official calendar is astronomical (the equinox
before or after noon in Tehran), and the two can differ by a day in a rare year.
"""

from __future__ import annotations

from datetime import date, timedelta

__all__ = ["MONTHS", "to_gregorian", "year_of"]

# The months in order, with the press's spellings of each (the keys are folded: lower case, no hyphen)
MONTHS: dict[str, int] = {
    "farvardin": 1,
    "ordibehesht": 2,
    "ordibehest": 2,
    "khordad": 3,
    "tir": 4,
    "mordad": 5,
    "amordad": 5,
    "shahrivar": 6,
    "mehr": 7,
    "aban": 8,
    "azar": 9,
    "dey": 10,
    "dei": 10,
    "bahman": 11,
    "esfand": 12,
    "isfand": 12,
}

# The years (Anno Persico) at which the pattern of leap years breaks (Borkowski's table)
_BREAKS = (-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178)


def _div(a: int, b: int) -> int:
    """Division truncating towards zero, as the published algorithm's arithmetic does."""
    return int(a / b)


def _mod(a: int, b: int) -> int:
    return a - _div(a, b) * b


def nowruz(year: int) -> date:
    """The Gregorian day of 1 Farvardin of Solar Hijri ``year``.

    Raises ValueError when the year is outside the range the break table covers.
    """
    if not _BREAKS[0] <= year < _BREAKS[-1]:
        raise ValueError(f"Solar Hijri year {year} is outside {_BREAKS[0]}..{_BREAKS[-1] - 1}")
    gregorian_year = year + 621
    leap_j = -14
    previous = _BREAKS[0]
    jump = 0
    for brk in _BREAKS[1:]:
        jump = brk - previous
        if year < brk:
            break
        leap_j += _div(jump, 33) * 8 + _div(_mod(jump, 33), 4)
        previous = brk
    n = year - previous
    leap_j += _div(n, 33) * 8 + _div(_mod(n, 33) + 3, 4)
    if _mod(jump, 33) == 4 and jump - n == 4:
        leap_j += 1
    leap_g = _div(gregorian_year, 4) - _div((_div(gregorian_year, 100) + 1) * 3, 4) - 150
    return date(gregorian_year, 3, 20 + leap_j - leap_g)


def month_length(year: int, month: int) -> int:
    """Days in ``month`` (1-12) of Solar Hijri ``year``."""
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return (nowruz(year + 1) - nowruz(year)).days - 336


def to_gregorian(year: int, month: int, day: int) -> date:
    """The Gregorian day of Solar Hijri ``day`` ``month`` ``year`` (12 Esfand 1404 → 3 March 2026).

    Raises ValueError when the month or day does not exist in that year.
    """
    if not 1 <= month <= 12:
        raise ValueError(f"Solar Hijri month {month} is outside 1..12")
    if not 1 <= day <= month_length(year, month):
        raise ValueError(f"Solar Hijri day {day} is outside 1..{month_length(year, month)} in month {month} of {year}")
    offset = (month - 1) * 31 if month <= 7 else 6 * 31 + (month - 7) * 30
    return nowruz(year) + timedelta(days=offset + day - 1)


def year_of(day: date) -> int:
    """The Solar Hijri year that ``day`` falls in."""
    year = day.year - 621
    return year if day >= nowruz(year) else year - 1
