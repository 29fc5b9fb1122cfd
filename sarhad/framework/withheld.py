"""A party's shared record whose later version this node was refused: current nowhere, but never silent.

A peer that shares its assessment (TLP:GREEN, say) and then publishes a later version marked stricter (RED, or
AMBER not for this node) leaves this node its copy and the later version's envelope (``withheld_versions``).
The copy is not current (:mod:`sarhad.store.current`), so the framework's query tables, the counts, the cards and
the indices leave it out; yet to a reader of the quarterly report that would read as "the party did not assess".
Neither side may withdraw what it shared without it showing, so :func:`withheld_records` lists every such
assessment, indicator value and dispute: who, what, which quarter, the marking of the version this node cannot
read and when its envelope arrived, and the last version it could read, marked as superseded.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any, Final

from sarhad.framework.model import TYPES
from sarhad.framework.store import FrameworkData, version_as_of
from sarhad.model.codes import TLP_LEVELS
from sarhad.store.current import held_own
from sarhad.store.db import Database

__all__ = ["unreleased_assessments", "withheld_records", "withheld_text"]

# The records a report counts or lists per quarter, by STIX type.
_KINDS: Final = {TYPES[k]: k for k in ("assessment", "indicator-value", "dispute")}


def withheld_records(
    db: Database,
    data: FrameworkData,
    quarters: Collection[str] | None = None,
    *,
    readable: tuple[str, list[Any]] | None = None,
) -> list[dict[str, Any]]:
    """The assessments, indicator values and disputes of framework ``data`` (of ``quarters`` when given) whose
    latest version this node knows from a peer's envelope alone, each with the last version it holds.

    Each is ``{"kind", "id", "party", "commitment", "quarter", "subject", "tlp", "version", "arrived",
    "last_readable": {"version", "tlp", "state", "level", "value", "status"}}``: ``party`` is the assessor, the
    value's party or, for a dispute, the party whose log holds the refused version; ``subject`` the indicator's or
    the dispute's code (None for an assessment); ``tlp`` and ``version`` those of the latest refused version and
    ``arrived`` when its envelope reached this node (None when it was recorded before arrivals were kept);
    ``last_readable`` what the latest version held said (``level`` and ``state`` for an assessment, ``value`` for
    an indicator value, ``status`` for a dispute, the others None). Ordered by quarter, commitment, kind, party.

    ``readable`` (an SQL condition over the stored object ``o`` and its parameters, see
    :func:`sarhad.framework.store.load`) keeps those whose last version held the reader may read: the copy
    names the commitment and quarter, which a reader who may not read it is not told.
    """
    types = list(_KINDS)
    where, params = f"o.type IN ({', '.join('?' * len(types))})", list(types)
    if readable is not None:
        where, params = f"{where} AND {readable[0]}", [*params, *readable[1]]
    # The latest version held (o) and the latest refused (w), when w is the later: one look per row of
    # withheld_versions (the table is empty on a node that was never refused a body) in the primary keys. A
    # peer's version never supersedes this node's own assessment or value (sarhad.store.current): not listed.
    rows = db.fetchall(
        "SELECT o.body, o.tlp, w.modified, w.tlp, w.origin, w.recorded FROM withheld_versions w"
        " JOIN objects o ON o.id = w.id AND o.modified < w.modified"
        " WHERE NOT EXISTS (SELECT 1 FROM withheld_versions w_later WHERE w_later.id = w.id"
        " AND w_later.modified > w.modified)"
        " AND NOT EXISTS (SELECT 1 FROM objects o_later WHERE o_later.id = o.id AND o_later.modified > o.modified)"
        f" AND NOT {held_own('o')} AND {where}",
        params,
    )
    of_indicator = {i["code"]: i["commitment"] for i in data.indicators}
    wanted = None if quarters is None else set(quarters)
    out = []
    for body_text, held_tlp, version, tlp, origin, arrived in rows:
        b = json.loads(str(body_text))
        if b.get("framework") != data.code:
            continue
        kind = _KINDS[str(b["type"])]
        subject = b.get("subject") or {}
        if kind == "assessment":
            party, commitment, quarter, code = b["assessor"], b["commitment"], b["quarter"], None
        elif kind == "indicator-value":
            party, commitment, quarter, code = b["party"], of_indicator.get(b["indicator"]), b["period"], b["indicator"]
        else:
            party, commitment, quarter, code = str(origin), subject.get("commitment"), subject.get("quarter"), b["code"]
        if wanted is not None and quarter not in wanted:
            continue
        out.append(
            {
                "kind": kind,
                "id": b["id"],
                "party": party,
                "commitment": commitment,
                "quarter": quarter,
                "subject": code,
                "tlp": str(tlp),
                "version": str(version),
                "arrived": None if arrived is None else str(arrived),
                "last_readable": {
                    "version": b["modified"],
                    "tlp": str(held_tlp),
                    "state": b.get("state") if kind == "assessment" else None,
                    "level": b.get("implementation_level") if kind == "assessment" else None,
                    "value": b.get("value") if kind == "indicator-value" else None,
                    "status": b.get("status") if kind == "dispute" else None,
                },
            }
        )
    return sorted(out, key=lambda r: (r["quarter"] or "", r["commitment"] or "", r["kind"], r["party"], r["id"]))


def withheld_text(item: dict[str, Any], reader: str = "this node") -> str:
    """One line for an item of :func:`withheld_records`: ``2026Q1 C-04 IR assessment: superseded by a version
    this node cannot read (marked RED, version …, envelope arrived …); last readable: level 2, submitted (GREEN,
    version …)`` (``reader`` names who cannot read it)."""
    last = item["last_readable"]
    if item["kind"] == "assessment":
        said = f"level {last['level']}, {last['state']}"
    elif item["kind"] == "indicator-value":
        said = f"value {last['value']}"
    else:
        said = f"status {last['status']}"
    what = item["kind"].replace("-", " ") + (f" {item['subject']}" if item["subject"] else "")
    arrived = f"envelope arrived {item['arrived']}" if item["arrived"] else "arrival not recorded"
    return (
        f"{item['quarter']} {item['commitment']} {item['party']} {what}: superseded by a version {reader} cannot read"
        f" (marked {item['tlp']}, version {item['version']}, {arrived}); last readable: {said}"
        f" ({last['tlp']}, version {last['version']})"
    )


def unreleased_assessments(
    db: Database, data: FrameworkData, quarter: str, readable: tuple[str, list[Any]], *, as_of: str | None = None
) -> list[dict[str, Any]]:
    """The submitted assessments of framework ``data`` for ``quarter`` whose current version this node holds but
    the reader may not read (``readable``, as for :func:`withheld_records`): ``[{"commitment", "party", "tlp"}]``
    by commitment and party, nothing of their content.

    A reader of TLP:CLEAR alone (a parliamentary monitor) would otherwise be told "not assessed" of a commitment
    both parties assessed TLP:GREEN. Telling it that they exist, by whom and how they are marked tells it what the
    log shows every reader already, as withheld evidence does (:func:`sarhad.framework.views.cited_evidence`):
    an assessment's id derives from its framework, commitment, quarter and assessor, and its envelope carries its
    marking. Drafts are left out: a draft is not an assessment made.

    ``as_of`` (a UTC time stamp, as for :func:`sarhad.framework.store.load`) takes each assessment as the version
    that stood for it then, submitted then, instead of the current one; ``tlp`` is then the stricter of that
    version's marking and the current one's (a version is withheld by its own marking or by a later, stricter
    version's).
    """
    head: list[Any] = []
    version = "v.modified"
    if as_of is not None:
        version, head = version_as_of("v", as_of)
    rows = db.fetchall(
        "SELECT v.commitment, v.assessor, h.tlp, c.tlp, h.body FROM fw_assessments v"
        f" JOIN objects h ON h.id = v.id AND h.modified = {version}"
        " JOIN objects c ON c.id = v.id AND c.modified = v.modified"
        " WHERE v.framework = ? AND v.quarter = ?"
        f" AND NOT EXISTS (SELECT 1 FROM objects o WHERE o.id = h.id AND o.modified = h.modified AND {readable[0]})",
        [*head, data.code, quarter, *readable[1]],
    )
    found = [
        {"commitment": str(c), "party": str(p), "tlp": max(str(t), str(now), key=TLP_LEVELS.index)}
        for c, p, t, now, body in rows
        if json.loads(str(body)).get("state") == "submitted"
    ]
    return sorted(found, key=lambda a: (a["commitment"], a["party"]))
