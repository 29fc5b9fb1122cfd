"""What is derived from the parties' records, never stored: reconciliation states, the implementation index,
indicator statuses and the changes between quarters. Pure functions over :class:`FrameworkData`.

Reconciliation per commitment and quarter (submitted assessments only; drafts never count):

- ``agreed``: the joint committee recorded a reconciled rating, or both parties gave the same level;
- ``divergent``: the parties' levels differ by one;
- ``disputed``: they differ by two or more, a party claims *full* (3) without evidence, or a dispute about the
  commitment and quarter is open;
- ``single-party``: only one party assessed it;
- ``not-assessed``: nobody did.

The implementation index is Σ levels / 3n (Kroc Institute, Peace Accords Matrix), computed per party on the
commitments that party assessed, and jointly on the *reconciled level*: the agreed level where there is one,
otherwise the lower of the two parties' levels (the level both at least accept), or the only party's level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from sarhad.framework.model import JOINT
from sarhad.framework.quarter import Quarter
from sarhad.framework.store import FrameworkData

__all__ = [
    "STATES",
    "CommitmentStatus",
    "IndicatorStatus",
    "implementation_index",
    "indicator_status",
    "quarters_of",
    "status",
    "status_matrix",
]

STATES: Final = ("agreed", "divergent", "disputed", "single-party", "not-assessed")
OPEN_DISPUTE: Final = ("open", "under-review")


@dataclass
class CommitmentStatus:
    """One commitment in one quarter: each assessor's submitted assessment and the derived state."""

    commitment: str
    quarter: str
    by_party: dict[str, dict[str, Any] | None]
    joint: dict[str, Any] | None
    state: str
    agreed_level: int | None
    reconciled_level: int | None
    reasons: list[str] = field(default_factory=list)
    drafts: list[dict[str, Any]] = field(default_factory=list)

    def level(self, party: str) -> int | None:
        a = self.by_party.get(party)
        return None if a is None else int(a["implementation_level"])


def quarters_of(data: FrameworkData, until: Quarter | None = None) -> list[Quarter]:
    """The framework's quarters: from its first quarter to the latest assessed one (or ``until``)."""
    first = Quarter.parse(data.framework.get("first_quarter") or "2025Q4")
    seen = [Quarter.parse(a["quarter"]) for a in data.assessments]
    last = max([first, *seen, *([until] if until else [])])
    return first.range_to(last)


def status(data: FrameworkData, commitment: str, quarter: Quarter) -> CommitmentStatus:
    """The reconciliation of ``commitment`` in ``quarter`` (see the module docstring for the rules)."""
    q = str(quarter)
    mine = [a for a in data.assessments if a["commitment"] == commitment and a["quarter"] == q]
    submitted = {a["assessor"]: a for a in mine if a["state"] == "submitted"}
    drafts = [a for a in mine if a["state"] != "submitted"]
    by_party: dict[str, dict[str, Any] | None] = {p: submitted.get(p) for p in data.parties}
    joint = submitted.get(JOINT)
    levels = {p: int(a["implementation_level"]) for p, a in by_party.items() if a is not None}
    disputes = [
        d
        for d in data.disputes
        if d["status"] in OPEN_DISPUTE
        # one about an incident of the joint picture disputes its figures, not the commitment's rating
        and d.get("subject", {}).get("kind") != "cluster"
        and d.get("subject", {}).get("commitment") == commitment
        and d.get("subject", {}).get("quarter") in (q, None)
    ]
    reasons: list[str] = []
    agreed_level: int | None = None
    if joint is not None:
        agreed_level = int(joint["implementation_level"])
        state = "agreed"
        reasons.append("reconciled rating recorded by the joint committee")
    elif len(levels) == len(data.parties) and levels:
        spread = max(levels.values()) - min(levels.values())
        unsupported = [
            p for p, a in by_party.items() if a and a["implementation_level"] == 3 and not a.get("evidence_refs")
        ]
        if spread >= 2:
            state = "disputed"
            reasons.append(f"levels differ by {spread}")
        elif unsupported:
            state = "disputed"
            reasons.append(f"full implementation claimed without evidence by {', '.join(unsupported)}")
        elif spread == 1:
            state = "divergent"
            reasons.append("levels differ by 1")
        else:
            state = "agreed"
            agreed_level = next(iter(levels.values()))
    elif levels:
        state = "single-party"
        missing = [p for p in data.parties if p not in levels]
        reasons.append(f"no submitted assessment by {', '.join(missing)}")
    else:
        state = "not-assessed"
    if disputes:
        state = "disputed"
        reasons.append("open dispute " + ", ".join(d["code"] for d in disputes))
    if agreed_level is not None:
        reconciled: int | None = agreed_level
    elif levels:
        reconciled = min(levels.values())
    else:
        reconciled = None
    return CommitmentStatus(commitment, q, by_party, joint, state, agreed_level, reconciled, reasons, drafts)


def status_matrix(data: FrameworkData, quarters: list[Quarter]) -> dict[str, dict[str, CommitmentStatus]]:
    """``{commitment code: {quarter: CommitmentStatus}}`` for every commitment and quarter."""
    return {c["code"]: {str(q): status(data, c["code"], q) for q in quarters} for c in data.commitments}


@dataclass
class Index:
    """An implementation index: Σ levels / 3n, with n and the distribution of levels beside it."""

    value: float | None
    n: int
    distribution: dict[int, int]

    @property
    def percent(self) -> str:
        return "–" if self.value is None else f"{100 * self.value:.0f}%"


def _index(levels: list[int]) -> Index:
    dist = {lvl: levels.count(lvl) for lvl in range(4)}
    return Index(sum(levels) / (3 * len(levels)) if levels else None, len(levels), dist)


def implementation_index(
    data: FrameworkData, statuses: dict[str, CommitmentStatus], *, party: str | None = None
) -> dict[str, Index]:
    """The index per focus area and ``"overall"``: on reconciled levels, or on ``party``'s own levels."""
    per_area: dict[str, list[int]] = {a["code"]: [] for a in data.framework.get("focus_areas", [])}
    overall: list[int] = []
    for c in data.commitments:
        st = statuses[c["code"]]
        level = st.reconciled_level if party is None else st.level(party)
        if level is None:
            continue
        per_area.setdefault(c["focus_area"], []).append(level)
        overall.append(level)
    out = {area: _index(levels) for area, levels in per_area.items()}
    out["overall"] = _index(overall)
    return out


# -- indicators --------------------------------------------------------------------------------------------
@dataclass
class IndicatorStatus:
    """The status of one indicator value against its target, in the Open SDG manner, and its trend."""

    code: str
    label: str
    ratio: float | None = None
    arrow: str = ""


_ACHIEVED, _ON_TRACK, _ACCEL, _LIMITED, _DETER = (
    "target achieved",
    "on track",
    "progress, acceleration needed",
    "limited progress",
    "deterioration",
)


def _year_fraction(start: date, end: date) -> float:
    return max((end - start).days, 0) / 365.25


def _parse_day(text: str | None) -> date | None:
    if not text:
        return None
    text = str(text)
    try:
        if len(text) == 4:
            return date(int(text), 12, 31)
        if len(text) == 7:
            return date(int(text[:4]), int(text[5:7]), 28)
        return date.fromisoformat(text[:10])
    except ValueError:
        try:
            return Quarter.parse(text).end
        except Exception:
            return None


def _category(ratio: float) -> tuple[str, str]:
    if ratio >= 0.95:
        return "on-track", _ON_TRACK
    if ratio >= 0.6:
        return "acceleration-needed", _ACCEL
    if ratio >= 0:
        return "limited-progress", _LIMITED
    return "deterioration", _DETER


def indicator_status(
    indicator: dict[str, Any], actual: float | None, quarter: Quarter, previous: float | None = None
) -> IndicatorStatus:
    """Where ``actual`` (the value in ``quarter``) stands against the indicator's target.

    Open SDG method: with a dated target, R = observed / needed growth (compound annual growth when baseline
    and actual are positive, linear otherwise): on track ≥ 95 %, acceleration needed 60–95 %, limited
    progress 0–60 %, deterioration < 0. A per-quarter target is met or not each quarter. Without a target
    the trend alone is shown (annual growth > 1.5 % significant, > 0.5 % moderate, ≥ 0 negligible); no
    target is ever invented.
    """
    arrow = (
        "" if previous is None or actual is None else ("↑" if actual > previous else "↓" if actual < previous else "→")
    )
    if not indicator.get("ascending", True) and arrow in ("↑", "↓"):
        arrow = "↓" if arrow == "↑" else "↑"  # the arrow shows better/worse, not up/down
    if actual is None:
        return IndicatorStatus("no-data", "no data this quarter", None, arrow)
    sign = 1 if indicator.get("ascending", True) else -1
    target = indicator.get("target") or None
    baseline = indicator.get("baseline") or None
    base_value = None if baseline is None else baseline.get("value")
    if target is None or target.get("value") is None:
        if base_value is None or (previous is None and base_value is None):
            return IndicatorStatus("trend-only", "no target; no baseline to compare", None, arrow)
        start = _parse_day(baseline.get("date")) if baseline else None
        years = _year_fraction(start, quarter.end) if start else 0
        if base_value > 0 and actual > 0 and years > 0:
            growth = sign * ((actual / base_value) ** (1 / years) - 1)
        else:
            growth = sign * (actual - base_value)
        if growth > 0.015:
            return IndicatorStatus("significant-progress", "no target; significant progress", growth, arrow)
        if growth > 0.005:
            return IndicatorStatus("moderate-progress", "no target; moderate progress", growth, arrow)
        if growth >= 0:
            return IndicatorStatus("negligible-progress", "no target; negligible progress", growth, arrow)
        return IndicatorStatus("deterioration", "no target; deterioration", growth, arrow)
    goal = float(target["value"])
    if sign * (actual - goal) >= 0:
        return IndicatorStatus("achieved", _ACHIEVED, 1.0, arrow)
    base = float(base_value) if base_value is not None else 0.0
    if target.get("per_period"):
        ratio = (actual - base) / (goal - base) if goal != base else 0.0
        code, label = _category(ratio)
        return IndicatorStatus(code, label + " (quarterly target)", ratio, arrow)
    by = _parse_day(target.get("by"))
    start = _parse_day(baseline.get("date")) if baseline else None
    if by is None or start is None:
        share = (actual - base) / (goal - base) if goal != base else 0.0
        if share < 0:
            return IndicatorStatus("deterioration", _DETER + " (no target date)", share, arrow)
        return IndicatorStatus("no-target-date", f"{100 * share:.0f}% of the way; no target date", share, arrow)
    if quarter.end >= by:
        return IndicatorStatus("not-achieved", "target date passed, not achieved", None, arrow)
    elapsed, total = _year_fraction(start, quarter.end), _year_fraction(start, by)
    if elapsed <= 0 or total <= 0:
        return IndicatorStatus("too-early", "too early to tell", None, arrow)
    if base > 0 and actual > 0 and goal > 0:
        observed = (actual / base) ** (1 / elapsed) - 1
        needed = (goal / base) ** (1 / total) - 1
        ratio = observed / needed if needed else 0.0
    else:
        expected = (goal - base) * elapsed / total
        ratio = (actual - base) / expected if expected else 0.0
    if math.isnan(ratio):
        return IndicatorStatus("too-early", "too early to tell", None, arrow)
    code, label = _category(ratio)
    return IndicatorStatus(code, label, ratio, arrow)
