"""Casualty figures as assertions: who says how many, of whom, under which counting rule.

A figure is never a single number. Each :class:`Figure` is one source's ``low / best / high`` for one
measure (killed, wounded, hostages…) and one category (total, civilians, security forces, perpetrators…).
Unknown is ``None``, never 0; ACLED's 0 ("no information" as well as "none") keeps ``zero_ambiguous``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from sarhad.errors import InvalidInput

__all__ = ["CATEGORIES", "MEASURES", "RULES", "Figure", "Range", "total"]

MEASURES: Final = ("killed", "wounded", "hostages", "kidnapped", "released", "arrested")
CATEGORIES: Final = (
    "total",
    "civilians",
    "security_forces",
    "perpetrators",
    "side_a",
    "side_b",
    "unknown",
    "foreign_nationals",
)
RULES: Final = (
    "reported",
    "lowest_reported",  # ACLED: the lowest of conflicting reports
    "majority_reliable",  # GTD: the majority reliable estimate
    "ucdp",  # UCDP: low / best / high
    "party_official",  # a party's official figure
    "extracted",  # read from a news article
)


@dataclass(frozen=True, slots=True)
class Range:
    """A ``low / best / high`` triple; any part may be unknown (None)."""

    low: int | None = None
    best: int | None = None
    high: int | None = None

    def to_dict(self) -> dict[str, int | None]:
        return {"low": self.low, "best": self.best, "high": self.high}


@dataclass(frozen=True, slots=True)
class Figure:
    """One source's count of one measure in one category.

    Raises InvalidInput for an unknown measure, category or rule, or a negative count. ``low <= best <=
    high`` is *not* enforced: UCDP breaks it in published rows, and sarhad keeps what a source says.
    """

    measure: str
    category: str
    low: int | None
    best: int | None
    high: int | None
    rule: str
    asserted_by: str
    zero_ambiguous: bool = False

    def __post_init__(self) -> None:
        if self.measure not in MEASURES:
            raise InvalidInput(f"figure measure {self.measure!r} is not one of {', '.join(MEASURES)}")
        if self.category not in CATEGORIES:
            raise InvalidInput(f"figure category {self.category!r} is not one of {', '.join(CATEGORIES)}")
        if self.rule not in RULES:
            raise InvalidInput(f"figure rule {self.rule!r} is not one of {', '.join(RULES)}")
        for name in ("low", "best", "high"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                raise InvalidInput(f"figure {self.measure}/{self.category} {name} must be a count ≥ 0, not {value!r}")

    @property
    def consistent(self) -> bool:
        """True unless the source's own low/best/high contradict each other."""
        known = [v for v in (self.low, self.best, self.high) if v is not None]
        return known == sorted(known)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "measure": self.measure,
            "category": self.category,
            "low": self.low,
            "best": self.best,
            "high": self.high,
            "rule": self.rule,
            "asserted_by": self.asserted_by,
        }
        if self.zero_ambiguous:
            out["zero_ambiguous"] = True
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Figure:
        """Parse a figure from its dict form. Raises InvalidInput when a field is missing or wrong."""
        try:
            return cls(
                measure=data["measure"],
                category=data["category"],
                low=data.get("low"),
                best=data.get("best"),
                high=data.get("high"),
                rule=data["rule"],
                asserted_by=data["asserted_by"],
                zero_ambiguous=bool(data.get("zero_ambiguous", False)),
            )
        except KeyError as exc:
            raise InvalidInput(f"figure is missing {exc.args[0]!r}") from exc


def total(figures: Iterable[Figure], measure: str) -> Range:
    """The ``total`` range a record gives for ``measure`` (all None when it gives none)."""
    for f in figures:
        if f.measure == measure and f.category == "total":
            return Range(f.low, f.best, f.high)
    return Range()
