"""The dates a user gives to bound a window (``--since``/``--until`` on the command line, ``since``/``until``
in the dashboard's query): a year, a month or a day; and an incident's date as a listing shows it, no more
exactly than it is known (:func:`shown_date`)."""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Final

from sarhad.errors import InvalidInput

__all__ = ["WINDOW_DAY_PATTERN", "check_window", "date_span", "shown_date", "window_day"]

WINDOW_DAY_PATTERN: Final = "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
"""A window's day as a user writes it: YYYY, YYYY-MM or YYYY-MM-DD (the description publishes it)."""
_WINDOW_DAY: Final = re.compile(WINDOW_DAY_PATTERN)


def window_day(text: str, name: str, *, first: bool) -> str:
    """The ISO day ``text`` names: YYYY, YYYY-MM or YYYY-MM-DD; a year or a month stands for its first day when
    ``first`` (the window's start) and for its last day otherwise.

    Raises InvalidInput when ``text`` is not such a date (a month 13, a 30 February), naming ``name``.
    """
    # Digits only: int() and fromisoformat() would also take ' 202', '+202', '20250101' or '2025-W01-1'.
    if not _WINDOW_DAY.fullmatch(text):
        raise InvalidInput(f"{name} {text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    try:
        if len(text) == 4:
            year = date(int(text), 1, 1).year  # date() checks the year: '0000' is refused
            return f"{year:04d}-01-01" if first else f"{year:04d}-12-31"
        if len(text) == 7 and text[4] == "-":
            # date() checks the month: '2025-13' is refused, not read as an empty month.
            start = date(int(text[:4]), int(text[5:7]), 1)
            if first:
                return start.isoformat()
            return start.replace(day=calendar.monthrange(start.year, start.month)[1]).isoformat()
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise InvalidInput(f"{name} {text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)") from None


def check_window(since: str | None, until: str | None, since_name: str, until_name: str) -> None:
    """Check that a window's first day ``since`` is not after its last day ``until`` (ISO days, as
    :func:`window_day` gives them; None: open).

    Raises InvalidInput naming both when it is: such a window holds no day, which is a mistake (the two
    swapped, a year typed wrong) rather than a question whose answer is nothing.
    """
    if since and until and since > until:
        raise InvalidInput(f"{since_name} {since} is after {until_name} {until}: the window holds no day")


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def date_span(start: str, end: str, precision: str) -> tuple[date, date]:
    """The first and last day an incident's date range ``start``..``end`` (ISO days) may be, by its precision: a
    date known only to the year spans its whole years, one known to the month its whole months, whichever days the
    source gave as the range's first and last; a date of any other precision is the range as given."""
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    if precision == "year":
        return first.replace(month=1, day=1), last.replace(month=12, day=31)
    if precision == "month":
        return first.replace(day=1), _month_end(last)
    return first, last


def shown_date(start: str, end: str, precision: str) -> str:
    """An incident's date range ``start``..``end`` (ISO days) with its precision, as exactly as it is known.

    A date known only to the year (GTD's ``imonth`` 0, UCDP's ``date_prec`` 5) spans whole years, and one known
    to the month whole months, whichever days the source gave as the range's first and last (a year-only date
    runs from its first year's 1 January to its last year's 31 December); the range is then written in its
    shortest exact form: ``2008`` for a whole year, ``2008-03`` for a whole month, ``2008-03-14`` for a day,
    else ``first..last`` (years, months or days).
    """
    first, last = date_span(start, end, precision)
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31):
        return f"{first.year:04d}" if first.year == last.year else f"{first.year:04d}..{last.year:04d}"
    if first.day == 1 and last == _month_end(last):
        one, other = first.isoformat()[:7], last.isoformat()[:7]
        return one if one == other else f"{one}..{other}"
    return first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"
