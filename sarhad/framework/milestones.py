"""Milestones: a change of status, date met or due date, each recorded in the milestone's own history in the name
of the party that made it.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from sarhad.errors import InvalidInput, NotFound
from sarhad.exchange.authorship import history_state
from sarhad.framework._write import current_marking, date_or_quarter_end, publish
from sarhad.framework.model import MILESTONE_STATUSES
from sarhad.framework.quarter import utc_today
from sarhad.framework.store import load

if TYPE_CHECKING:
    from sarhad.node import Node

__all__ = ["update_milestone"]


def update_milestone(
    node: Node,
    milestone: str,
    *,
    status: str | None = None,
    date_met: str | None = None,
    due: str | None = None,
    reason: str | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Change a milestone's status, date met or due date. A new due date needs a reason; the original date is kept.

    Each change adds an entry naming this node's party, on ``today`` (the UTC date by default): a change of status
    or date met to ``status_changes`` (the status and date met after it), a new due date to ``changes``; a peer
    refuses a version whose status, date met or revised date its entries do not record. A status an older release
    set without an entry is recorded first, in the name of the party that published the version first carrying
    it (:func:`_unrecorded_entry`).
    """
    data = load(node.db)
    found = [m for m in data.milestones if m["code"].upper() == milestone.strip().upper()]
    if not found:
        raise NotFound(f"no milestone {milestone!r} (known: {', '.join(m['code'] for m in data.milestones)})")
    m = dict(found[0])
    day = (today or utc_today()).isoformat()
    if status is not None and status not in MILESTONE_STATUSES:
        raise InvalidInput(f"milestone status {status!r} is not one of {', '.join(MILESTONE_STATUSES)}")
    met = None if date_met is None else date_or_quarter_end(date_met, "--date-met")
    unrecorded = _unrecorded_entry(node, m, day)
    if unrecorded is not None:
        m["status_changes"] = [*m.get("status_changes", []), unrecorded]
    if status is not None or met is not None:
        m["status"] = status or m["status"]
        if met is not None:
            m["date_met"] = met
        entry = {"on": day, "by": node.settings.party, "status": m["status"]}
        m["status_changes"] = [*m.get("status_changes", []), {**entry, **_met_on(m)}]
    if due is not None:
        new_due = date_or_quarter_end(due, "--due")
        if not reason:
            raise InvalidInput("a new due date needs a --reason (slipped dates are reported with their reasons)")
        old = m.get("due_revised") or m.get("due")
        m["due_revised"] = new_due
        m["changes"] = [
            *m.get("changes", []),
            {
                "from": old,
                "to": new_due,
                "reason": reason,
                "by": node.settings.party,
                "on": day,
            },
        ]
    m["date_modified"] = day
    # The milestone keeps the framework's marking (framework init --tlp), CLEAR by default.
    (version,) = publish(node, [(m, current_marking(node, m["id"], "CLEAR"))])
    return {
        "milestone": m["code"],
        "status": m["status"],
        "due": m.get("due"),
        "due_revised": m.get("due_revised"),
        "date_met": m.get("date_met"),
        "changed": version is not None,
    }


def _met_on(milestone: dict[str, Any]) -> dict[str, Any]:
    """``{"date_met": …}`` of a milestone met on a date, else nothing."""
    return {"date_met": milestone["date_met"]} if milestone.get("date_met") else {}


def _unrecorded_entry(node: Node, milestone: dict[str, Any], today: str) -> dict[str, Any] | None:
    """The entry of ``status_changes`` that records ``milestone``'s status and date met when its entries do not
    (set by a release that recorded none): in the name of the party that published the first version of it this
    node holds carrying them, on the day of that version's ``modified`` (this node's party on ``today`` when none
    does). None when its entries record them. Recorded at this node's next change, so that a peer takes it."""
    state = history_state(milestone, ["status_changes"])
    shown = {"status": milestone.get("status"), "date_met": milestone.get("date_met")}
    if shown == state:
        return None
    rows = node.db.fetchall(
        "SELECT origin, body FROM objects WHERE id = ? AND body IS NOT NULL ORDER BY modified", (milestone["id"],)
    )
    author, day = node.settings.party, today
    for origin, body in rows:
        version = json.loads(body)
        if {"status": version.get("status"), "date_met": version.get("date_met")} == shown:
            author, day = str(origin), str(version.get("modified", day))[:10]
            break
    return {"on": day, "by": author, "status": shown["status"], **_met_on(milestone)}
