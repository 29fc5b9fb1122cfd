"""The quarterly report as JSON, for the parliamentary monitors' scripts: what the HTML report shows, from the
same context (:func:`sarhad.framework.report.build_context`), so the same read rules apply: a report written for a
reader (``readable``) holds only what that reader may read, and says of the rest only what the HTML says of it
(a rating assessed but not released at the reader's level, a record superseded by a version it cannot read).
"""

from __future__ import annotations

from typing import Any

__all__ = ["report_json"]


def _rating(r: dict[str, Any]) -> dict[str, Any]:
    a = r["assessment"]
    out: dict[str, Any] = {
        "party": r["party"],
        "assessed": a is not None,
        "level": r["level"],
        "level_label": r["level_label"],
        "compliance": r["compliance"],
        "effectiveness": r["effectiveness"],
        "rationale": None if a is None else a.get("rationale"),
        "next_step": None if a is None else a.get("next_step"),
        "evidence": r["evidence"],
        "not_released": None,
        "superseded": None,
    }
    if r["unreleased"]:
        out["not_released"] = {"tlp": r["unreleased"]["tlp"]}
    if r["withheld"]:
        w = r["withheld"]
        out["superseded"] = {"tlp": w["tlp"], "version": w["version"], "last_readable": w["last_readable"]}
    return out


def _card(card: dict[str, Any]) -> dict[str, Any]:
    c, st = card["c"], card["status"]
    return {
        "code": c["code"],
        "name": c["name"],
        "focus_area": c["focus_area"],
        "due": c["due"],
        "state": card["chip"],
        "reasons": list(st.reasons),
        "agreed_level": st.agreed_level,
        "reconciled_level": st.reconciled_level,
        "ratings": [_rating(r) for r in card["ratings"]],
        "milestones": [
            {k: m.get(k) for k in ("code", "name", "due", "due_revised", "status", "date_met")}
            for m in card["milestones"]
        ],
        "indicators": card["indicators"],
        "disputes": [d["code"] for d in card["disputes"]],
    }


def _indicator(row: dict[str, Any]) -> dict[str, Any]:
    i = row["i"]
    return {
        "code": i["code"],
        "name": i["name"],
        "unit": i.get("unit"),
        "values": {p: {"value": v["value"], "status": v["status"].label} for p, v in row["per"].items()},
        "agreed": row["agreed"],
        "agreed_status": None if row["agreed_status"] is None else row["agreed_status"].label,
        "evidence": {who: items for who, items in row["evidence"]},
    }


def report_json(ctx: dict[str, Any]) -> dict[str, Any]:
    """The report of ``ctx`` (:func:`~sarhad.framework.report.build_context`) as a JSON-ready dict:
    ``{"framework", "quarter", "tlp", "version", "generated", "as_of", "as_of_notes", "counts", "index", "commitments",
    "disputes", "indicators", "recommendations", "not_readable", "not_released"}``."""
    index = ctx["index"]
    return {
        "framework": ctx["fw"]["code"],
        "quarter": ctx["quarter"],
        "tlp": ctx["tlp"],
        "version": ctx["version"],
        "generated": ctx["generated"],
        "as_of": ctx.get("as_of"),
        "as_of_notes": ctx.get("as_of_notes"),
        "counts": ctx["counts"],
        "index": {
            "overall": index["overall"].value,
            "by_area": {k: v.value for k, v in index.items() if k != "overall"},
            "by_party": {p: ix["overall"].value for p, ix in ctx["index_party"].items()},
        },
        "commitments": [_card(card) for card in ctx["cards"]],
        "disputes": [{k: v for k, v in d.items() if k != "id"} | {"id": d["id"]} for d in ctx["register"]],
        "indicators": [_indicator(row) for row in ctx["indicators"]["rows"]],
        "recommendations": {
            "points_arising": ctx["recommendations"]["auto"],
            "recorded": [
                {k: r.get(k) for k in ("code", "quarter", "text", "owner", "due", "commitment", "status")}
                for r in ctx["recommendations"]["recorded"]
            ],
        },
        "not_readable": ctx["withheld"],
        "not_released": ctx["unreleased"],
    }
