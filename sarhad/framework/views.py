"""The framework as plain JSON-ready data, for the CLI's ``--json`` and the web API."""

from __future__ import annotations

from datetime import date
from typing import Any

from sarhad.framework.derive import quarters_of, status
from sarhad.framework.model import LEVELS
from sarhad.framework.quarter import Quarter
from sarhad.framework.store import FrameworkData, load
from sarhad.store.db import Database

__all__ = ["commitment_detail", "commitment_list", "dispute_table", "indicator_table"]


def _status_quarters(data: FrameworkData, quarter: str | None) -> list[Quarter]:
    if quarter:
        return [Quarter.parse(quarter)]
    return quarters_of(data, Quarter.of(date.today()))


def commitment_list(
    db: Database, quarter: str | None = None, *, readable: tuple[str, list[Any]] | None = None
) -> list[dict[str, Any]]:
    """``[{"id", "text", "focus_area", "due", "status": {QUARTER: {PARTY: level|None, …, "state"}}}]``.

    ``id`` is the commitment code (``C-01``); levels are the submitted assessments' implementation levels.
    ``readable`` limits the records used to those a principal may read (see :func:`load`).
    """
    data = load(db, readable=readable)
    quarters = _status_quarters(data, quarter)
    out = []
    for c in data.commitments:
        per_q: dict[str, dict[str, Any]] = {}
        for q in quarters:
            st = status(data, c["code"], q)
            per_q[str(q)] = {**{p: st.level(p) for p in data.parties}, "state": st.state}
        out.append(
            {
                "id": c["code"],
                "text": c["text_verbatim"],
                "focus_area": c["focus_area"],
                "due": c["due"],
                "status": per_q,
            }
        )
    return out


def _fmt_target(t: dict[str, Any] | None) -> str:
    if not t or t.get("value") is None:
        return "none set"
    when = " per quarter" if t.get("per_period") else (f" by {t['by']}" if t.get("by") else " (no date)")
    return f"{t['value']:g}{when}"


def _fmt_baseline(b: dict[str, Any] | None) -> str:
    if not b or b.get("value") is None:
        return "none"
    return f"{b['value']:g} ({b.get('date', '?')})"


def commitment_detail(db: Database, code: str) -> dict[str, Any]:
    """One commitment with its milestones, indicators, assessments (every assessor), disputes and status."""
    data = load(db)
    c = data.commitment(code)
    src = c.get("source_ref") or {}
    quarters = sorted({Quarter.parse(a["quarter"]) for a in data.assessments if a["commitment"] == c["code"]})
    st = {str(q): status(data, c["code"], q) for q in quarters}
    return {
        "id": c["code"],
        "stix_id": c["id"],
        "title": c["name"],
        "text": c["text_verbatim"],
        "focus_area": c["focus_area"],
        "type": c.get("commitment_type"),
        "owner": c.get("owner"),
        "lead": c.get("lead"),
        "due": c["due"],
        "due_stated": c.get("due_stated"),
        "verifiable": c.get("verifiable"),
        "note": c.get("note"),
        "source": f"{src.get('source_name', '')} {src.get('url', '')}".strip(),
        "milestones": [
            {"code": m["code"], "title": m["name"], "due": m.get("due_revised") or m.get("due"), "status": m["status"]}
            for m in data.milestones
            if m["commitment"] == c["code"]
        ],
        "indicators": [
            {
                "code": i["code"],
                "title": i["name"],
                "baseline": _fmt_baseline(i.get("baseline")),
                "target": _fmt_target(i.get("target")),
            }
            for i in data.indicators
            if i["commitment"] == c["code"]
        ],
        "assessments": [
            {
                "quarter": a["quarter"],
                "assessor": a["assessor"],
                "level": a["implementation_level"],
                "level_label": LEVELS[a["implementation_level"]],
                "compliance": a.get("compliance"),
                "effectiveness": a.get("effectiveness"),
                "state": a["state"],
                "rationale": a["rationale"],
                "evidence": a.get("evidence_refs", []),
                "recorded_by": a["recorded_by"],
                "version": a["modified"],
            }
            for a in data.assessments
            if a["commitment"] == c["code"]
        ],
        "disputes": [d["code"] for d in data.disputes if d.get("subject", {}).get("commitment") == c["code"]],
        "status": {
            q: {
                "state": s.state,
                "agreed": s.agreed_level,
                "reconciled": s.reconciled_level,
                **{p: s.level(p) for p in data.parties},
                "reasons": s.reasons,
            }
            for q, s in st.items()
        },
    }


def indicator_table(db: Database) -> list[dict[str, Any]]:
    """Every indicator with baseline, target and the values recorded."""
    data = load(db)
    return [
        {
            "code": i["code"],
            "commitment": i["commitment"],
            "title": i["name"],
            "unit": i.get("unit"),
            "measure": i.get("measure"),
            "baseline": _fmt_baseline(i.get("baseline")),
            "target": _fmt_target(i.get("target")),
            "baseline_detail": i.get("baseline"),
            "target_detail": i.get("target"),
            "values": [
                {"period": v["period"], "party": v["party"], "value": v.get("value"), "comment": v.get("comment")}
                for v in data.values
                if v["indicator"] == i["code"]
            ],
        }
        for i in data.indicators
    ]


def dispute_table(
    db: Database,
    *,
    quarter: str | None = None,
    open_only: bool = False,
    today: date | None = None,
    readable: tuple[str, list[Any]] | None = None,
) -> list[dict[str, Any]]:
    """The dispute register: subject, positions, level, reply deadline (and whether it is overdue).

    ``readable`` limits the disputes to those a principal may read (see :func:`load`).
    """
    data = load(db, readable=readable)
    day = (today or date.today()).isoformat()
    q = str(Quarter.parse(quarter)) if quarter else None
    rows = []
    for d in data.disputes:
        subject = d.get("subject", {})
        if q and subject.get("quarter") != q:
            continue
        resolved = d["status"].startswith("resolved")
        if open_only and resolved:
            continue
        others = [p for p in data.parties if p not in d.get("positions", {})]
        rows.append(
            {
                "id": d["id"],
                "code": d["code"],
                "commitment": subject.get("commitment"),
                "quarter": subject.get("quarter"),
                "indicator": subject.get("indicator"),
                "summary": d["summary"],
                "raised_by": d["raised_by"],
                "raised_on": d["raised_on"],
                "positions": d.get("positions", {}),
                "level": d["level"],
                "status": d["status"],
                "reply_due": d.get("reply_due", ""),
                "overdue": bool(not resolved and others and d.get("reply_due") and d["reply_due"] < day),
                "awaiting": others,
                "resolution": d.get("resolution"),
                "history": d.get("history", []),
            }
        )
    return rows
