"""Indicators: a party's actual value of an indicator for a quarter, and the target and baseline the committees
agree.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sarhad.errors import InvalidInput
from sarhad.framework._write import (
    current_marking,
    date_or_quarter_end,
    framework_quarter,
    publish,
    require_started,
    resolve_party,
    tlp_label,
)
from sarhad.framework.evidence import resolve_evidence
from sarhad.framework.model import MEASURES, object_id, stix_object
from sarhad.framework.quarter import utc_today
from sarhad.framework.store import load

if TYPE_CHECKING:
    from sarhad.node import Node

__all__ = ["record_indicator", "set_indicator_target"]


def record_indicator(
    node: Node,
    indicator: str,
    quarter: str,
    value: float | None,
    *,
    party: str | None = None,
    comment: str | None = None,
    source: str | None = None,
    evidence: list[str] | None = None,
    tlp: str = "GREEN",
    today: date | None = None,
) -> dict[str, Any]:
    """Record one party's actual value of an indicator for a quarter.

    Raises InvalidInput for a bad value or quarter (or one that has not started by ``today``, the UTC date by
    default), NotFound for an unknown indicator or evidence.
    """
    data = load(node.db)
    ind = data.indicator(indicator)
    q = framework_quarter(data, quarter)
    require_started(q, "an indicator value", today)
    who = resolve_party(data, node, party, joint=True)
    if value is None and not comment:
        raise InvalidInput("give a --value (or, for a qualitative indicator, a --comment)")
    if value is not None:
        if value != value or value in (float("inf"), float("-inf")):
            raise InvalidInput(f"value {value} is not a finite number")
        if ind.get("measure") == "boolean" and value not in (0, 1):
            raise InvalidInput(f"{ind['code']} is yes/no: the value must be 1 (yes) or 0 (no), not {value}")
        if ind.get("measure") == "percentage" and not 0 <= value <= 100:
            raise InvalidInput(f"{ind['code']} is a percentage: {value} is outside 0..100")
    refs = resolve_evidence(node, evidence)
    oid = object_id("indicator-value", data.code, ind["code"], str(q), who)
    stix = stix_object(
        "indicator-value",
        (data.code, ind["code"], str(q), who),
        node.settings.party,
        tlp_label(tlp),
        framework=data.code,
        indicator=ind["code"],
        indicator_ref=ind["id"],
        commitment=ind["commitment"],
        period=str(q),
        party=who,
        value=value,
        comment=comment,
        source=source,
        evidence_refs=refs,
        recorded_by=node.settings.party,
    )
    (version,) = publish(node, [(stix, tlp_label(tlp))])
    return {
        "id": oid,
        "indicator": ind["code"],
        "quarter": str(q),
        "party": who,
        "value": value,
        "changed": version is not None,
    }


def set_indicator_target(
    node: Node,
    indicator: str,
    value: float,
    *,
    by: str | None = None,
    per_quarter: bool = False,
    source: str | None = None,
    baseline: float | None = None,
    baseline_date: str | None = None,
    allow_past: bool = False,
    today: date | None = None,
) -> dict[str, Any]:
    """Set (or change) an indicator's target, and optionally its baseline, as agreed by the committees.

    ``by`` (a date, or a quarter for its last day) is a date to come: one before ``today`` (the UTC date by
    default) is refused unless ``allow_past``, for a target the committees agreed for a date now past (recorded
    late, so that the reports of the quarters before it measure against it). Raises InvalidInput for a bad or
    past date, or a target both per quarter and by a date; NotFound for an unknown indicator.
    """
    data = load(node.db)
    ind = dict(data.indicator(indicator))
    if by is not None and per_quarter:
        raise InvalidInput("a target is either per quarter or by a date, not both")
    day = today or utc_today()
    by_date = date_or_quarter_end(by, "--by")
    if by_date is not None and by_date < day.isoformat() and not allow_past:
        named = "" if by == by_date else f" ({by_date})"
        raise InvalidInput(
            f"--by {by}{named} is before today ({day.isoformat()}, UTC): a target is for a date to come; give"
            " --allow-past to record one the committees agreed for a date now past"
        )
    ind["target"] = {
        "value": value,
        "by": by_date,
        "per_period": per_quarter or None,
        "source": source or f"set by {node.settings.party} on {day.isoformat()}",
    }
    ind["target"] = {k: v for k, v in ind["target"].items() if v is not None}
    if baseline is not None:
        ind["baseline"] = {
            "value": baseline,
            "date": baseline_date or day.isoformat(),
            "source": source or f"set by {node.settings.party}",
        }
    if ind.get("measure") not in MEASURES:  # pragma: no cover - template data
        raise InvalidInput(f"{ind['code']}: unknown measure {ind.get('measure')!r}")
    # The indicator keeps the framework's marking (framework init --tlp), CLEAR by default.
    (version,) = publish(node, [(ind, current_marking(node, ind["id"], "CLEAR"))])
    return {
        "indicator": ind["code"],
        "target": ind["target"],
        "baseline": ind.get("baseline"),
        "changed": version is not None,
    }
