"""Recommendations: the committees' recommendations for the next quarter, and their follow-up in later reports.

A recommendation is marked TLP:GREEN unless its author gives another marking: TLP:CLEAR for one the committees
publish for the parliamentary monitors, who read TLP:CLEAR only. Its follow-up keeps its marking, as a dispute's
reply does (:func:`~sarhad.framework._write.kept_marking`): both parties write into it.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sarhad.errors import InvalidInput, NotFound
from sarhad.framework._write import (
    date_or_quarter_end,
    framework_quarter,
    kept_marking,
    publish,
    require_started,
    tlp_label,
)
from sarhad.framework.model import RECOMMENDATION_STATUSES, stix_object
from sarhad.framework.quarter import utc_today
from sarhad.framework.store import load

if TYPE_CHECKING:
    from sarhad.node import Node

__all__ = ["add_recommendation", "update_recommendation"]


def add_recommendation(
    node: Node,
    quarter: str,
    text: str,
    *,
    owner: str | None = None,
    due: str | None = None,
    commitment: str | None = None,
    today: date | None = None,
    tlp: str = "GREEN",
) -> dict[str, Any]:
    """Record a recommendation of the committees for the next quarter (followed up in later reports).

    ``quarter`` is the one it is made in; ``tlp`` its marking (CLEAR for the parliamentary monitors). Raises
    InvalidInput for a bad quarter (or one that has not started by ``today``, the UTC date by default), an empty
    text or a ``tlp`` that is not a TLP level; NotFound for an unknown commitment.
    """
    marking = tlp_label(tlp)
    data = load(node.db)
    q = framework_quarter(data, quarter)
    require_started(q, "a recommendation", today)
    if not text.strip():
        raise InvalidInput("a recommendation needs its --text")
    c = data.commitment(commitment)["code"] if commitment else None
    n = 1 + sum(1 for r in data.recommendations if r["quarter"] == str(q))
    code = f"R-{q}-{node.settings.party}{n}"
    stix = stix_object(
        "recommendation",
        (data.code, code),
        node.settings.party,
        marking,
        framework=data.code,
        code=code,
        quarter=str(q),
        text=text.strip(),
        owner=owner,
        due=date_or_quarter_end(due, "--due"),
        commitment=c,
        status="open",
        history=[],
    )
    publish(node, [(stix, marking)])
    return {"id": stix["id"], "code": code, "quarter": str(q), "status": "open"}


def update_recommendation(
    node: Node,
    code: str,
    status: str,
    *,
    note: str | None = None,
    today: date | None = None,
    tlp: str | None = None,
) -> dict[str, Any]:
    """Record the follow-up of a recommendation: in-progress, implemented or not-accepted, on ``today`` (the UTC
    date by default).

    The new version keeps the recommendation's marking (:func:`~sarhad.framework._write.kept_marking`): ``tlp``,
    when given, must be it. Raises NotFound for an unknown recommendation; InvalidInput for an unknown status or a
    ``tlp`` other than its marking (nothing is published).
    """
    data = load(node.db)
    found = [r for r in data.recommendations if r["code"].upper() == code.strip().upper()]
    if not found:
        raise NotFound(f"no recommendation {code!r}")
    if status not in RECOMMENDATION_STATUSES:
        raise InvalidInput(f"recommendation status {status!r} is not one of {', '.join(RECOMMENDATION_STATUSES)}")
    r = dict(found[0])
    marking = kept_marking(node, r, tlp, f"recommendation {r['code']}", "a follow-up")
    r["status"] = status
    r["history"] = [
        *r.get("history", []),
        {
            "on": (today or utc_today()).isoformat(),
            "by": node.settings.party,
            "status": status,
            **({"note": note} if note else {}),
        },
    ]
    publish(node, [(r, marking)])
    return {"code": r["code"], "status": status}
