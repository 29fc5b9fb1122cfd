"""Calendar quarters, the framework's reporting period: ``2026Q1`` … ``2026Q4``, and the day it is (UTC)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sarhad.errors import InvalidInput

__all__ = ["Quarter", "utc_today"]


def utc_today() -> date:
    """Today's date in UTC: the framework stamps every day and tells the current quarter by it, as the report's
    "generated" time, so that the machine's time zone changes neither."""
    return datetime.now(UTC).date()


_QUARTER = re.compile(r"^(\d{4})-?Q(\d+)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True, order=True)
class Quarter:
    """One calendar quarter. Build it with :meth:`parse` (``2026Q1``; ``2026-Q1`` is accepted too)."""

    year: int
    q: int

    def __post_init__(self) -> None:
        if not 1 <= self.q <= 4:
            raise InvalidInput(f"quarter {self.year}Q{self.q}: the quarter number must be 1..4")
        if not 1900 <= self.year <= 2999:
            raise InvalidInput(f"quarter {self.year}Q{self.q}: the year must be four digits")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``2026Q1`` → Quarter(2026, 1). Raises InvalidInput for anything else (``2026Q5``, ``Q1``)."""
        m = _QUARTER.match(text.strip()) if isinstance(text, str) else None
        if m is None:
            raise InvalidInput(f"quarter {text!r} is not of the form YYYYQn, e.g. 2026Q1")
        year, q = int(m.group(1)), int(m.group(2))
        if not 1 <= q <= 4:
            raise InvalidInput(f"quarter {text!r}: the quarter number must be 1..4, e.g. 2026Q1")
        return cls(year, q)

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The quarter a date falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.q}"

    @property
    def label(self) -> str:
        """``Q1 2026`` (for prose)."""
        return f"Q{self.q} {self.year}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.q - 2, 1)

    @property
    def end(self) -> date:
        nxt = self.next()
        return nxt.start - timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.q == 4 else Quarter(self.year, self.q + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.q == 1 else Quarter(self.year, self.q - 1)

    def range_to(self, last: Quarter) -> list[Quarter]:
        """Every quarter from this one to ``last``, both included (empty when ``last`` is earlier)."""
        out = []
        cur = self
        while cur <= last:
            out.append(cur)
            cur = cur.next()
        return out
