"""The quarterly progress report for the technical committees and parliamentary groups, as HTML or PDF.

:func:`build_context` gathers everything the report says from the node (framework records, derived states,
incident statistics); :func:`render_html` fills the Jinja template; :func:`write_report` writes HTML, or PDF
through WeasyPrint (Pango must be installed: ``apt-get install libpango-1.0-0 libpangoft2-1.0-0``), with the
Noto fonts of Debian's ``fonts-noto-core`` for Latin, Urdu (Nastaliq) and Persian (Naskh) text.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sarhad._internal.dates import shown_date
from sarhad.errors import ConfigError, InvalidInput
from sarhad.framework import charts
from sarhad.framework.derive import CommitmentStatus, implementation_index, indicator_status, status_matrix
from sarhad.framework.model import COMPLIANCE, EFFECTIVENESS, JOINT, LEVELS
from sarhad.framework.quarter import Quarter, utc_today
from sarhad.framework.store import FrameworkData, load
from sarhad.framework.withheld import unreleased_assessments, withheld_records
from sarhad.model.incident import TLP_MARKINGS
from sarhad.store.db import Database

if TYPE_CHECKING:
    from sarhad.node import Node
    from sarhad.store.incidents import Filters

__all__ = ["Readable", "build_context", "render_html", "render_pdf", "write_report"]

_TLP_RANK = {name: i for i, name in enumerate(("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"))}
_TLP_OF = {v: k for k, v in TLP_MARKINGS.items()}
_CONTEXT_QUARTERS = 4


@dataclass(frozen=True, slots=True)
class Readable:
    """What one principal may read, for a report written for that principal from nothing else.

    ``objects`` is an SQL condition over the stored object ``o`` with its parameters (the principal's TLP rules,
    ``sarhad.web.context.Context.read_clause``): it decides which framework records (assessments, drafts,
    evidence, disputes, values …) the report uses. ``incidents`` narrows a query's incident filters to the
    incidents the principal may read (``Context.incident_filters``): it decides the security context's figures,
    map and list. Without a ``Readable`` the report is the node's own, written from every record it holds.
    """

    objects: tuple[str, list[Any]]
    incidents: Callable[[Filters], Filters]


def _tlp(obj: dict[str, Any]) -> str:
    for ref in obj.get("object_marking_refs", []):
        if ref in _TLP_OF:
            return _TLP_OF[ref]
    return "CLEAR"


def _up_to(period: Any, q: Quarter) -> bool:
    """Whether a record of ``period`` (a quarter such as 2026Q1) falls in or before ``q``; a period that is not a
    quarter counts as shown (the marking errs towards the stricter)."""
    try:
        return Quarter.parse(str(period)) <= q
    except InvalidInput:
        return True


def _day(text: str | None) -> date | None:
    """The day of a date (``2025-12-31``) or of a time stamp, in UTC (``2026-01-01T02:00:00+05:00`` is
    2025-12-31), as the framework tells every quarter by the UTC date; None for nothing or anything else."""
    if not text:
        return None
    text = str(text)
    try:
        if len(text) > 10:
            stamp = datetime.fromisoformat(text)
            return stamp.astimezone(UTC).date() if stamp.tzinfo is not None else stamp.date()
        return date.fromisoformat(text)
    except ValueError:
        return None


def _value(data: FrameworkData, code: str, period: str) -> dict[str, float | None]:
    """Each party's (and the joint committee's) recorded value of an indicator for a period."""
    out: dict[str, float | None] = {}
    for v in data.values:
        if v["indicator"] == code and v["period"] == period:
            out[v["party"]] = v.get("value")
    return out


def _agreed(values: dict[str, float | None], parties: list[str]) -> float | None:
    if values.get(JOINT) is not None:
        return values[JOINT]
    got = [values.get(p) for p in parties]
    if all(v is not None for v in got) and len(set(got)) == 1:
        return got[0]
    return None


# -- sections ----------------------------------------------------------------------------------------------
def _rated(cur: dict[str, CommitmentStatus]) -> list[dict[str, Any]]:
    """The assessments the cards show: each party's and the joint committee's rating of each commitment."""
    return [a for st in cur.values() for a in [*st.by_party.values(), st.joint] if a is not None]


def _recorded(data: FrameworkData, q: Quarter) -> list[dict[str, Any]]:
    """The indicator values recorded for ``q`` (the indicators table's)."""
    return [v for v in data.values if v["period"] == str(q)]


def _cited(
    db: Database, data: FrameworkData, cur: dict[str, CommitmentStatus], q: Quarter
) -> dict[str, dict[str, Any]]:
    """What the report shows of every item of evidence it cites, by id (:func:`~sarhad.framework.views.
    cited_by_id`): the cards' ratings', the dispute register's positions' and the indicator values', in one
    look-up for the whole report rather than one per part."""
    from sarhad.framework.views import cited_by_id

    positions = [pos for d in data.disputes for pos in d.get("positions", {}).values()]
    return cited_by_id(db, [*_rated(cur), *positions, *_recorded(data, q)], data.evidence_by_id())


def _cards(
    data: FrameworkData,
    cur: dict[str, CommitmentStatus],
    q: Quarter,
    cited: dict[str, dict[str, Any]],
    withheld: list[dict[str, Any]],
    unreleased: Sequence[dict[str, Any]] = (),
) -> list[dict[str, Any]]:
    """One card per commitment. The evidence each rating cites is shown as :func:`~sarhad.framework.views.
    cited_evidence` gives it (from ``cited``, :func:`_cited`): evidence the reader may not read (or this node was
    not given) is marked withheld, not left out of the card. A party's rating whose latest version the reader may
    not read (``withheld``, :func:`~sarhad.framework.withheld.withheld_records`) is shown as superseded, and one
    whose current version the reader may not read (``unreleased``, :func:`~sarhad.framework.withheld.
    unreleased_assessments`) as assessed but not released at the reader's level: neither as "not assessed"."""
    superseded = {(w["commitment"], w["party"]): w for w in withheld if w["kind"] == "assessment"}
    held = {(u["commitment"], u["party"]): u for u in unreleased}
    cards = []
    for c in data.commitments:
        st = cur[c["code"]]
        ratings: list[dict[str, Any]] = []
        for who in [*data.parties, JOINT]:
            a = st.joint if who == JOINT else st.by_party.get(who)
            if a is None and who == JOINT and (c["code"], JOINT) not in held:
                continue
            ratings.append(
                {
                    "party": who,
                    "assessment": a,
                    "level": None if a is None else a["implementation_level"],
                    "level_label": None if a is None else LEVELS[a["implementation_level"]],
                    "compliance": None if a is None else a.get("compliance"),
                    "effectiveness": None if a is None else a.get("effectiveness"),
                    "evidence": [] if a is None else [cited[e] for e in dict.fromkeys(a.get("evidence_refs", []))],
                    "withheld": None if a is not None else superseded.get((c["code"], who)),
                    "unreleased": None if a is not None else held.get((c["code"], who)),
                }
            )
        refs: dict[str, dict[str, Any]] = {}
        for r in ratings:
            for e in r["evidence"]:
                refs[e["id"]] = e
        # The chip says what the ratings cells say: a commitment rated by a party in a version the reader may not
        # read is not "not assessed" (nor rated by one party alone) for that reader.
        hidden = [r["party"] for r in ratings if r["unreleased"] or r["withheld"]]
        chip = st.state
        if hidden and st.state == "not-assessed":
            chip = "not-released"
        elif hidden and st.state == "single-party":
            chip = "partly-not-released"
        cards.append(
            {
                "c": c,
                "status": st,
                "chip": chip,
                "ratings": ratings,
                "evidence": list(refs.values()),
                "milestones": [m for m in data.milestones if m["commitment"] == c["code"]],
                "indicators": [i["code"] for i in data.indicators if i["commitment"] == c["code"]],
                "disputes": [
                    d
                    for d in data.disputes
                    if d.get("subject", {}).get("commitment") == c["code"]
                    and d.get("subject", {}).get("quarter") == str(q)
                ],
                "next_steps": [
                    (r["party"], r["assessment"]["next_step"])
                    for r in ratings
                    if r["assessment"] and r["assessment"].get("next_step")
                ],
            }
        )
    return cards


def _changes(
    data: FrameworkData,
    cur: dict[str, CommitmentStatus],
    prev: dict[str, CommitmentStatus] | None,
    q: Quarter,
    evidence: list[dict[str, Any]],
) -> dict[str, Any]:
    moves = []
    for c in data.commitments:
        now, before = cur[c["code"]], (prev or {}).get(c["code"])
        if before is None:
            continue
        cells = {}
        changed = before.state != now.state
        for p in data.parties:
            a, b = now.level(p), before.level(p)
            # A level last quarter and none now is no downgrade: the party has not (yet) submitted one.
            arrow = "" if a == b else "●" if b is None else "○" if a is None else "▲" if a > b else "▼"
            changed = changed or a != b
            cells[p] = {
                "from": b,
                "to": a,
                "arrow": arrow,
                "direction": {"▲": "up", "▼": "down", "●": "new", "○": "none"}.get(arrow, "same"),
            }
        if changed:
            moves.append(
                {
                    "code": c["code"],
                    "title": c["name"],
                    "cells": cells,
                    "state_from": before.state,
                    "state_to": now.state,
                }
            )
    new_evidence = [e for e in evidence if (d := _day(e.get("captured_at"))) and q.start <= d <= q.end]
    slipped = []
    for m in data.milestones:
        for ch in m.get("changes", []):
            slipped.append({"code": m["code"], "title": m["name"], **ch})
    return {"moves": moves, "new_evidence": new_evidence, "slipped": slipped, "has_previous": prev is not None}


def _moved_out(data: FrameworkData, q: Quarter) -> list[dict[str, Any]]:
    """The milestones that were due in ``q`` and whose date was moved out of it (a change's ``from`` in the
    quarter, the current date outside): "due this quarter, met n/m" counts the current dates only, so these are
    named beside it, from the date in the quarter (of the last move out) to the current one."""
    out = []
    for m in data.milestones:
        now = _day(m.get("due_revised") or m.get("due"))
        if now is not None and q.start <= now <= q.end:
            continue
        left = [ch for ch in m.get("changes", []) if (d := _day(ch.get("from"))) and q.start <= d <= q.end]
        if left:
            out.append(
                {
                    "code": m["code"],
                    "title": m["name"],
                    "from": left[-1]["from"],
                    "to": now,
                    "reason": left[-1]["reason"],
                }
            )
    return out


def _concerns(
    data: FrameworkData, cur: dict[str, CommitmentStatus], q: Quarter, disputes: list[dict[str, Any]], today: date
) -> list[str]:
    """The report's top five concerns. A milestone is one when its date, in or before the quarter, has passed by
    ``today`` (the UTC date the report is written on) and it is not met: a report written during the quarter does
    not call a milestone due later in it late."""
    out: list[str] = []
    for d in disputes:
        if d["overdue"]:
            out.append(
                f"Dispute {d['code']} ({d['commitment']}): the reply of {', '.join(d['awaiting'])} was due "
                f"on {d['reply_due']} and has not been recorded."
            )
    for m in data.milestones:
        due = _day(m.get("due_revised") or m.get("due"))
        if due and due <= q.end and due < today and m["status"] not in ("met",):
            out.append(
                f"Milestone {m['code']} ({m['name']}) was due on {due.isoformat()} and is "
                f"{'partly met' if m['status'] == 'partiallyMet' else 'not met'}."
            )
    for c in data.commitments:
        st = cur[c["code"]]
        if st.state == "disputed":
            out.append(f"{c['code']} {c['name']}: ratings disputed ({'; '.join(st.reasons)}).")
    for c in data.commitments:
        st = cur[c["code"]]
        if st.state == "divergent":
            levels = ", ".join(f"{p} {st.level(p)}" for p in data.parties)
            out.append(f"{c['code']} {c['name']}: the parties' ratings diverge ({levels}).")
    unspecified = [c["code"] for c in data.commitments if c["due"] == "unspecified"]
    if unspecified:
        out.append(
            f"{len(unspecified)} of {len(data.commitments)} commitments have no due date ({', '.join(unspecified)})."
        )
    return out[:5]


def _province_cell(group: dict[str, Any]) -> tuple[int, int | None]:
    """(incidents, killed best) of a province's stats group; killed is None when no incident gives a figure."""
    killed = group["killed"]
    return group["incidents"], (None if killed["unknown"] == group["incidents"] else killed["best"])


def _recommendations(
    data: FrameworkData,
    cur: dict[str, CommitmentStatus],
    q: Quarter,
    disputes: list[dict[str, Any]],
    withheld: list[dict[str, Any]],
    unreleased: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    auto: list[str] = []
    apart = []
    unrated = []
    # A party whose assessment was superseded by a version the reader cannot read did assess: it is asked to
    # share the current version, not to submit one.
    superseded = {(w["commitment"], w["party"]): w for w in withheld if w["kind"] == "assessment"}
    # So did a party whose assessment is not released at the reader's level: it is asked to release it.
    assessed = {*superseded, *((u["commitment"], u["party"]) for u in unreleased)}
    for c in data.commitments:
        st = cur[c["code"]]
        if st.state in ("divergent", "disputed") and st.joint is None:
            levels = ", ".join(f"{p} {st.level(p)}" for p in data.parties if st.level(p) is not None)
            if levels:
                # The reasons too: equal levels are disputed for a claim without evidence or an open dispute.
                apart.append(f"{c['code']} ({'; '.join([levels, *st.reasons])})")
                continue
            # Disputed with no rating (a dispute is open): nothing to reconcile until the parties rate it.
            missing = [p for p in data.parties if (c["code"], p) not in assessed]
            if missing:
                unrated.append(
                    f"{', '.join(missing)} to submit {'their assessments' if len(missing) > 1 else 'its assessment'}"
                    f" of {c['code']} for {q.label} ({'; '.join(st.reasons)})."
                )
    if apart:
        auto.append(
            f"Technical committee to reconcile the ratings of {', '.join(apart)} and record a joint rating "
            "for each, or note the disagreement."
        )
    auto += unrated
    for d in disputes:
        if d["overdue"]:
            auto.append(
                f"{', '.join(d['awaiting'])} to reply to dispute {d['code']}, whose reply was due on "
                f"{d['reply_due']}; otherwise escalate it to the next level."
            )
    for c in data.commitments:
        st = cur[c["code"]]
        if st.state == "single-party":
            missing = [p for p in data.parties if st.level(p) is None and (c["code"], p) not in assessed]
            if missing:
                auto.append(f"{', '.join(missing)} to submit its assessment of {c['code']} for {q.label}.")
    for party in sorted({u["party"] for u in unreleased}):
        codes = [u["commitment"] for u in unreleased if u["party"] == party]
        auto.append(
            f"{party} to release its {'assessments' if len(codes) > 1 else 'assessment'} of {', '.join(codes)} for"
            f" {q.label} at the reader's level, or to say why {'they are' if len(codes) > 1 else 'it is'} withheld."
        )
    for (code, party), w in superseded.items():
        auto.append(
            f"{party} to share its current assessment of {code} for {q.label}, which replaced the one it shared "
            f"with a version marked {w['tlp']}, or to say why it is withheld."
        )
    unverifiable = [c["code"] for c in data.commitments if c.get("verifiable") is False]
    if unverifiable:
        auto.append(
            f"Technical committees to rewrite {', '.join(unverifiable)} into verifiable commitments with a "
            "scope, a lead body and a date."
        )
    unspecified = [c["code"] for c in data.commitments if c["due"] == "unspecified"]
    if unspecified:
        auto.append(f"Agree due dates for {', '.join(unspecified)}.")
    no_target = [
        i["code"]
        for i in data.indicators
        if not (i.get("target") or {}).get("value") is not None and not (i.get("note") or "").startswith("Context")
    ]
    if no_target:
        auto.append(f"Agree baselines and targets for {', '.join(no_target)}.")
    recorded = [r for r in data.recommendations if r["quarter"] == str(q)]
    earlier = [r for r in data.recommendations if Quarter.parse(r["quarter"]) < q]
    return {"auto": auto, "recorded": recorded, "earlier": earlier}


def _security(db: Database, data: FrameworkData, q: Quarter, readable: Readable | None, party: str) -> dict[str, Any]:
    """The security context: incidents and killed per quarter by province, the quarter's incidents near the
    border (map and list), data-exchange timeliness and the joint picture, from the incidents the reader may read.

    ``tlps`` holds, for each of the first three parts, the highest TLP of the incidents it counts or lists (None
    when it shows none), each taken from the part's own query; the joint picture keeps its own ``tlps``. The
    report's marking takes them all."""
    from sarhad.framework.joint_picture import joint_picture
    from sarhad.store.incidents import Filters, highest_tlp, query_incidents, stats

    def readable_only(filters: Filters) -> Filters:
        return filters if readable is None else readable.incidents(filters)

    quarters = [q]
    while len(quarters) < _CONTEXT_QUARTERS:
        quarters.insert(0, quarters[0].previous())
    per_q = []
    provinces: dict[str, int] = defaultdict(int)
    # An incident whose date is known only to the year (its range starting on 1 January, or wherever the source
    # began it) is in no quarter's count: each year of the table says how many such incidents it had instead.
    for qq in quarters:
        quarter = readable_only(Filters(since=qq.start.isoformat(), until=qq.end.isoformat(), year_only=False))
        s = stats(db, by="admin1", filters=quarter, marking=True)
        per_q.append(s)
        for g in s["groups"]:
            provinces[g["key"] or "(unknown)"] += g["incidents"]
    names = sorted(provinces, key=lambda k: -provinces[k])
    top, rest = names[:6], names[6:]
    groups: dict[str, list[int]] = {n: [] for n in top}
    if rest:
        groups["other"] = []
    table = []
    for qq, s in zip(quarters, per_q, strict=True):
        by = {(g["key"] or "(unknown)"): g for g in s["groups"]}
        for n in top:
            groups[n].append(by[n]["incidents"] if n in by else 0)
        if rest:
            groups["other"].append(sum(by[n]["incidents"] for n in rest if n in by))
        table.append(
            {
                "quarter": str(qq),
                "incidents": s["incidents"],
                "killed": s["killed"]["best"],
                "killed_unknown": s["killed"]["unknown"],
                # killed None: none of the province's incidents gives a figure, which a 0 would read as none killed
                "by": {n: _province_cell(by[n]) if n in by else (0, 0) for n in top},
            }
        )
    year_only = []
    year_tlps = []
    for year in sorted({qq.start.year for qq in quarters}):
        whole = readable_only(Filters(since=f"{year:04d}-01-01", until=f"{year:04d}-12-31", year_only=True))
        y = stats(db, filters=whole, marking=True)
        if y["incidents"]:
            year_tlps.append(y["tlp"])
            year_only.append(
                {
                    "year": f"{year:04d}",
                    "incidents": y["incidents"],
                    "killed": y["killed"]["best"],
                    "killed_unknown": y["killed"]["unknown"],
                }
            )
    near_filters = readable_only(
        Filters(since=q.start.isoformat(), until=q.end.isoformat(), near_border=50, year_only=False)
    )
    near = query_incidents(db, near_filters, limit=5000)
    near = [
        {**inc, "label": str(n), "date_shown": shown_date(inc["date_start"], inc["date_end"], inc["date_precision"])}
        for n, inc in enumerate(near, start=1)
    ]
    exchanged: list[str] = []
    share: dict[str, list[float | None]] = {}
    medians: dict[str, list[float | None]] = {}
    for p in data.parties:
        share[p], medians[p] = [], []
        for qq in quarters:
            where, params = readable_only(
                Filters(since=qq.start.isoformat(), until=qq.end.isoformat(), reported_by=p, year_only=False)
            ).where()
            rows = db.fetchall(f"SELECT date_start, created, tlp FROM incidents{where}", params)
            delays = []
            for start, created, level in rows:
                exchanged.append(str(level))
                d0, d1 = _day(start), _day(created)
                if d0 and d1:
                    delays.append(max((d1 - d0).days, 0))
            share[p].append(sum(d <= 3 for d in delays) / len(delays) if delays else None)
            medians[p].append(statistics.median(delays) if delays else None)
    layers = _geo_layers()
    return {
        "quarters": [str(x) for x in quarters],
        "table": table,
        "year_only": year_only,
        "provinces": top,
        "near": near,
        "near_count": len(near),
        "timeliness": share,
        "medians": medians,
        "chart_bars": charts.bars_by_quarter([str(x) for x in quarters], groups, [t["killed"] for t in table]),
        "chart_map": charts.incident_map(near, layers),
        "chart_timeliness": charts.timeliness([str(x) for x in quarters], share, data.parties),
        "has_basemap": layers is not None,
        "joint": joint_picture(db, q, data.parties, party, None if readable is None else readable.incidents),
        "tlps": {
            "table": highest_tlp(t for t in [*(s["tlp"] for s in per_q), *year_tlps] if t is not None),
            "near": highest_tlp(inc["tlp"] for inc in near),
            "timeliness": highest_tlp(exchanged),
        },
    }


def _geo_layers() -> dict[str, Any] | None:
    """The base map from ``sarhad.geo.layers()`` (countries, provinces, border, crossings) when available.

    Hook: until sarhad.geo ships ``layers()``, the map is drawn on a plain longitude/latitude frame.
    """
    try:
        from sarhad import geo

        layers = getattr(geo, "layers", None)
        return dict(layers()) if callable(layers) else None
    except Exception:  # a missing or half-built geography must not stop the report
        return None


def _indicators(data: FrameworkData, q: Quarter, cited: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The indicators' rows for ``q`` and their bullet chart. Each row's ``evidence`` lists, per party (and the
    joint committee) that recorded a value citing evidence, the items cited as :func:`~sarhad.framework.views.
    cited_evidence` shows them (from ``cited``, :func:`_cited`; withheld ones marked, not left out)."""
    prev = q.previous()
    recorded = _recorded(data, q)
    rows = []
    bullets = []
    for i in data.indicators:
        values = _value(data, i["code"], str(q))
        by_party = {v["party"]: v for v in recorded if v["indicator"] == i["code"]}
        evidence = [
            (who, [cited[r] for r in dict.fromkeys(v["evidence_refs"])])
            for who in [*data.parties, JOINT]
            if (v := by_party.get(who)) is not None and v.get("evidence_refs")
        ]
        before = _value(data, i["code"], str(prev))
        agreed = _agreed(values, data.parties)
        per: dict[str, dict[str, Any]] = {}
        for p in data.parties:
            st = indicator_status(i, values.get(p), q, before.get(p))
            per[p] = {"value": values.get(p), "status": st}
        agreed_st = indicator_status(i, agreed, q, _agreed(before, data.parties)) if agreed is not None else None
        rows.append(
            {
                "i": i,
                "per": per,
                "agreed": agreed,
                "agreed_status": agreed_st,
                "differs": agreed is None and sum(values.get(p) is not None for p in data.parties) == 2,
                "evidence": evidence,
            }
        )
        target = (i.get("target") or {}).get("value")
        if target is not None and i.get("measure") != "boolean":
            label = (
                agreed_st.label
                if agreed_st
                else " / ".join(f"{p}: {per[p]['status'].label}" for p in data.parties if per[p]["value"] is not None)
                or "no data"
            )
            bullets.append(
                charts.BulletRow(
                    i["code"],
                    i["name"],
                    i.get("unit", ""),
                    (i.get("baseline") or {}).get("value"),
                    target,
                    {p: values.get(p) for p in data.parties},
                    label if len(label) < 34 else label[:33] + "…",
                )
            )
    return {"rows": rows, "chart_bullets": charts.bullet(bullets, data.parties)}


def _trade(data: FrameworkData, quarters: list[Quarter]) -> str:
    by_code = {i["code"]: i for i in data.indicators}
    ftz, total = by_code.get("I-12.1"), by_code.get("I-12.2")
    series: dict[str, list[float | None]] = {}
    colours: dict[str, str] = {}
    for ind, label in ((total, "bilateral trade"), (ftz, "free-trade-zone trade")):
        if ind is None:
            continue
        for p in data.parties:
            s = [_value(data, ind["code"], str(qq)).get(p) for qq in quarters]
            if any(v is not None for v in s):
                name = f"{label} · {p}"
                series[name] = s
                colour = charts.PARTY_COLOURS.get(p, charts.MUTED)
                colours[name] = colour if label == "bilateral trade" else colour + "99"
    target_spec = (ftz or {}).get("target") or {}
    goal = float(target_spec.get("value") or 5)
    by = _day(target_spec.get("by"))
    base_spec = (ftz or {}).get("baseline") or {}
    start = _day(base_spec.get("date"))
    path: list[float | None] | None = None
    if by and start:
        base = float(base_spec.get("value") or 0)
        span = max((by - start).days, 1)
        path = [base + (goal - base) * min(max((qq.end - start).days, 0), span) / span for qq in quarters]
    tb = (total or {}).get("baseline") or {}
    baseline = (str(tb.get("date")), float(tb["value"])) if tb.get("value") is not None else None
    note = (
        f"Path: straight line from the zone's baseline to USD {goal:g} bn by {by.isoformat()}."
        if path and by
        else "The article gives no target year, so no path is drawn: set one with 'sarhad indicator target I-12.1 "
        "--value 5 --by YYYY-12-31'."
    )
    return charts.trade_path([str(x) for x in quarters], series, colours, goal, path, baseline, note)


def _plus(q: Quarter, n: int) -> Quarter:
    for _ in range(n):
        q = q.next()
    return q


def _milestone_rows(data: FrameworkData) -> list[dict[str, Any]]:
    return [
        {
            "code": m["code"],
            "title": m["name"],
            "planned": _day(m.get("due")),
            "revised": _day(m.get("due_revised")),
            "met": _day(m.get("date_met")),
            "status": m["status"],
        }
        for m in data.milestones
    ]


_DATED_VIEWS = (("assessment", "fw_assessments"), ("indicator value", "fw_indicator_values"))


def _label(kind: str, r: dict[str, Any]) -> str:
    if kind == "assessment":
        return f"{r['assessor']}'s assessment of {r['commitment']} for {r['quarter']}"
    if kind == "indicator value":
        return f"{r['party']}'s value of {r['indicator']} for {r['period']}"
    return f"{kind} {r.get('code', r['id'])}"


def _as_of(db: Database, data: FrameworkData, q: Quarter, cutoff: str) -> dict[str, Any]:
    """Set ``data`` (loaded as of ``cutoff``, the moment after the last day of ``q``) to the state at the end of
    ``q``, and return what the report must say it leaves out or cannot tell then.

    The records both parties edit (disputes, recommendations, milestones) are cut to their entries of ``q``'s last
    day and before (:func:`~sarhad.exchange.authorship.as_of_day`), and disputes opened later taken out. Returns
    ``opened_later`` (those disputes), ``revised_later`` (records shown as they stood, with later versions or
    entries not shown) and ``published_later`` (assessments and indicator values this node holds no version of
    from before the end: shown as first published, as an assessment made after the quarter is)."""
    from sarhad.exchange.authorship import as_of_day

    last = q.end.isoformat()
    opened_later = [d for d in data.disputes if (_day(d.get("raised_on")) or q.start) > q.end]
    revised: list[dict[str, str]] = []
    for kind, attr in (("dispute", "disputes"), ("recommendation", "recommendations"), ("milestone", "milestones")):
        kept = []
        for r in getattr(data, attr):
            if kind == "dispute" and r in opened_later:
                continue
            entries = [e for name in ("history", "changes", "status_changes") for e in r.get(name) or []]
            entries += list((r.get("positions") or {}).values())
            later = [str(e.get("on"))[:10] for e in entries if isinstance(e, dict) and str(e.get("on"))[:10] > last]
            if not later:
                kept.append(r)
                continue
            cut = as_of_day(r, last)
            if kind != "recommendation" or _up_to(r.get("quarter"), q):
                revised.append({"record": _label(kind, r), "latest": max(later)})
            kept.append(cut)
        setattr(data, attr, kept)
    published: list[dict[str, str]] = []
    for kind, table in _DATED_VIEWS:
        latest = {str(i): str(m) for i, m in db.fetchall(f"SELECT id, modified FROM {table}")}
        for r in data.assessments if kind == "assessment" else data.values:
            version = str(r["modified"])
            if version >= cutoff:
                if _up_to(r.get("quarter", r.get("period")), q):
                    published.append({"record": _label(kind, r), "published": version[:10]})
            elif latest.get(r["id"], version) > version:
                revised.append({"record": _label(kind, r), "latest": latest[r["id"]][:10]})
    return {
        "opened_later": [{"code": d["code"], "raised_on": d.get("raised_on")} for d in opened_later],
        "revised_later": sorted(revised, key=lambda r: r["record"]),
        "published_later": sorted(published, key=lambda r: r["record"]),
    }


def _stood_at_end(
    db: Database,
    data: FrameworkData,
    withheld: list[dict[str, Any]],
    cutoff: str,
    readable: tuple[str, list[Any]] | None,
    notes: dict[str, Any],
) -> list[dict[str, Any]]:
    """Put back into ``data`` (loaded as of ``cutoff``) the assessments and indicator values that a peer superseded
    after ``cutoff`` by a version this node was refused (``withheld``, :func:`~sarhad.framework.withheld.
    withheld_records`): at the quarter's end their version held was the latest, so the report shows it, named
    among ``notes["revised_later"]``, instead of "superseded by a version this node cannot read" (the framework's
    query tables, which :func:`~sarhad.framework.store.load` reads, hold current records only). Only a version
    ``readable`` admits is put back. Returns the items of ``withheld`` still to list."""
    kept: list[dict[str, Any]] = []
    where, params = ("", []) if readable is None else (f" AND {readable[0]}", list(readable[1]))
    for w in withheld:
        last = w["last_readable"]
        if w["kind"] not in ("assessment", "indicator-value") or w["version"] < cutoff or last["version"] >= cutoff:
            kept.append(w)
            continue
        row = db.fetchone(
            f"SELECT o.body FROM objects o WHERE o.id = ? AND o.modified = ?{where}",
            [w["id"], last["version"], *params],
        )
        if row is None:
            kept.append(w)
            continue
        body = json.loads(str(row[0]))
        kind = "assessment" if w["kind"] == "assessment" else "indicator value"
        (data.assessments if kind == "assessment" else data.values).append(body)
        notes["revised_later"].append({"record": _label(kind, body), "latest": w["version"][:10]})
    data.assessments.sort(key=lambda a: (a["commitment"], a["quarter"], a["assessor"]))
    data.values.sort(key=lambda v: (v["indicator"], v["period"], v["party"]))
    notes["revised_later"].sort(key=lambda r: r["record"])
    return kept


def build_context(
    node: Node,
    quarter: str,
    *,
    version: str | None = None,
    joint: bool = False,
    today: date | None = None,
    readable: Readable | None = None,
) -> dict[str, Any]:
    """Everything the quarterly report shows for ``quarter``.

    With ``readable`` the report is one principal's: written only from the framework records and incidents
    it may read (another party's principal gets no TLP:RED evidence or assessment and no draft of this node's
    party); without, it is the node's own, from every record.

    A quarter that is over (by ``today``, the UTC date) is reported as it stood at its end (``as_of``, its last
    day): each record as its latest version published by then (:func:`~sarhad.framework.store.load`), disputes
    opened later left out, reply deadlines and milestones judged on that day; so the report of a quarter drawn
    up again later says the same, apart from its "generated" time. What the stored data cannot tell as of then
    (a record first published after the end, the incidents) is said in the report (``as_of_notes``).

    Raises InvalidInput for a bad quarter or one that has not started.
    """
    from sarhad.framework.views import dispute_rows

    db = node.db
    may_read = None if readable is None else readable.objects
    q = Quarter.parse(quarter)
    today = today or utc_today()
    as_of = q.end if today > q.end else None
    cutoff = None if as_of is None else f"{(as_of + timedelta(days=1)).isoformat()}T00:00:00"
    data = load(db, readable=may_read, as_of=cutoff)
    first = Quarter.parse(data.framework.get("first_quarter") or "2025Q4")
    if q < first:
        raise InvalidInput(f"quarter {q} is before the framework's first quarter {first}")
    # Shared records of the quarter whose later version this node (or the reader) may not read: counted nowhere,
    # listed beside the counts and on the cards so that a party's rating does not simply vanish.
    withheld = withheld_records(db, data, [str(q)], readable=may_read)
    notes = None
    if cutoff is not None:
        notes = _as_of(db, data, q, cutoff)
        withheld = _stood_at_end(db, data, withheld, cutoff, may_read, notes)
    # The day the report judges deadlines on: today, or for a quarter that is over the day after its end.
    day = today if as_of is None else min(today, as_of + timedelta(days=1))
    now = Quarter.of(today)
    if q > now:
        # A quarter that has not started has nothing to report: an empty report would read as a quarter in
        # which nothing was done.
        raise InvalidInput(
            f"quarter {q} has not started yet (today, {today.isoformat()} UTC, is in {now}): a report may be for"
            f" {now} or an earlier quarter"
        )
    quarters = first.range_to(q)
    matrix = status_matrix(data, quarters)
    cur = {code: per[str(q)] for code, per in matrix.items()}
    prev = {code: per[str(q.previous())] for code, per in matrix.items()} if q > first else None
    idx = implementation_index(data, cur)
    idx_party = {p: implementation_index(data, cur, party=p) for p in data.parties}
    counts = {s: sum(1 for st in cur.values() if st.state == s) for s in charts.STATE_COLOURS}
    assessed = [a for a in data.assessments if a["quarter"] == str(q) and a["state"] == "submitted"]
    drafts = [a for a in data.assessments if a["quarter"] == str(q) and a["state"] != "submitted"]
    areas = data.framework.get("focus_areas", [])
    area_label = {a["code"]: a["label"] for a in areas}
    stacked = []
    for a in areas:
        in_area = [c for c in data.commitments if c["focus_area"] == a["code"]]
        missing = sum(1 for c in in_area if cur[c["code"]].reconciled_level is None)
        stacked.append((f"{a['label']} ({idx[a['code']].percent})", idx[a["code"]].distribution, missing))
    n_missing = sum(1 for st in cur.values() if st.reconciled_level is None)
    stacked.append((f"All commitments ({idx['overall'].percent})", idx["overall"].distribution, n_missing))
    series: dict[str, list[float | None]] = {"joint (reconciled)": []}
    for p in data.parties:
        series[p] = []
    for qq in quarters:
        per = {code: matrix[code][str(qq)] for code in matrix}
        series["joint (reconciled)"].append(implementation_index(data, per)["overall"].value)
        for p in data.parties:
            series[p].append(implementation_index(data, per, party=p)["overall"].value)
    colours = {"joint (reconciled)": charts.INK, **{p: charts.PARTY_COLOURS.get(p, charts.MUTED) for p in data.parties}}
    due_now = [
        m for m in data.milestones if (d := _day(m.get("due_revised") or m.get("due"))) and q.start <= d <= q.end
    ]
    cited = _cited(db, data, cur, q)
    # The quarter's submitted assessments the reader may not read: said to exist (by whom, how marked), not
    # left to read as "not assessed" (a monitor who reads TLP:CLEAR alone, of assessments marked GREEN).
    superseded = {(w["commitment"], w["party"]) for w in withheld if w["kind"] == "assessment"}
    unreleased = [
        u
        for u in ([] if may_read is None else unreleased_assessments(db, data, str(q), may_read, as_of=cutoff))
        if (u["commitment"], u["party"]) not in superseded
    ]
    disputes = dispute_rows(data, cited, today=day)
    register = [
        d
        for d in disputes
        if d["quarter"] == str(q)
        or (not d["status"].startswith("resolved") and d["quarter"] and Quarter.parse(d["quarter"]) < q)
    ]
    divergences = [cur[c["code"]] for c in data.commitments if cur[c["code"]].state in ("divergent", "disputed")]
    # Marked with the highest TLP of everything the report shows: ratings, evidence, disputes, the indicator values
    # of the quarter and before (the table and the paths), every milestone (the chart spans them all), the
    # recommendations up to the quarter, the definitions, and the incidents the security context counts or lists
    # (below).
    shown_values = [v for v in data.values if _up_to(v.get("period"), q)]
    shown_recommendations = [r for r in data.recommendations if _up_to(r.get("quarter"), q)]
    objects = [
        *assessed, *data.evidence, *data.disputes, *shown_values, *data.milestones, *shown_recommendations,
        *data.commitments, *data.indicators,
    ]  # fmt: skip
    # The last readable versions the "not readable" box shows say what they said: the report is shared as they are.
    held = [w["last_readable"]["tlp"] for w in withheld]
    # The security context counts and lists incidents (the province table, the border map and list, timeliness,
    # the joint picture's reconciled incidents): the report is shared as they are.
    security = _security(db, data, q, readable, node.settings.party)
    counted = sorted({*security["joint"]["tlps"], *(t for t in security["tlps"].values() if t is not None)})
    tlp = max([*(_tlp(o) for o in objects), *held, *counted] or ["GREEN"], key=lambda t: _TLP_RANK[t])
    mstart = Quarter.of(min([first.start, *[d for m in data.milestones if (d := _day(m.get("due")))]])).start
    mend = max(
        [
            q.end,
            *[
                d
                for m in data.milestones
                for d in (_day(m.get("due")), _day(m.get("due_revised")), _day(m.get("date_met")))
                if d
            ],
        ]
    )
    ev_index = data.evidence
    if cutoff is not None:
        # Evidence published after the quarter's end is listed only when a record the report shows cites it.
        cites = {ref for ref in cited}
        ev_index = [e for e in data.evidence if str(e.get("modified")) < cutoff or e["id"] in cites]
    dumbbell_rows = [
        {
            "code": c["code"],
            "title": c["name"],
            "levels": {p: cur[c["code"]].level(p) for p in data.parties},
            "joint": cur[c["code"]].agreed_level if cur[c["code"]].joint is not None else None,
            "state": cur[c["code"]].state,
        }
        for c in data.commitments
    ]
    cells = {
        (code, str(qq)): (matrix[code][str(qq)].reconciled_level, matrix[code][str(qq)].state)
        for code in matrix
        for qq in quarters
    }
    ctx = {
        "fw": data.framework,
        "data": data,
        "q": q,
        "quarter": str(q),
        "quarters": [str(x) for x in quarters],
        "version": version or (today if as_of is None else as_of).isoformat(),
        "as_of": None if as_of is None else as_of.isoformat(),
        "as_of_notes": notes,
        "joint": joint,
        "today": today,
        "tlp": tlp,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "node_party": node.settings.party,
        "parties": data.parties,
        "party_names": data.framework.get("party_names", {}),
        "levels": LEVELS,
        "compliance": COMPLIANCE,
        "effectiveness": EFFECTIVENESS,
        "area_label": area_label,
        "cur": cur,
        "prev": prev,
        "matrix": matrix,
        "index": idx,
        "index_party": idx_party,
        "counts": counts,
        "assessed": assessed,
        "drafts": drafts,
        "due_now": due_now,
        "due_met": sum(1 for m in due_now if m["status"] == "met"),
        "due_moved": _moved_out(data, q),
        # Those of the quarter and before still open: a dispute about a later quarter is no concern of this one.
        "open_disputes": [d for d in register if not d["status"].startswith("resolved")],
        "register": register,
        "divergences": divergences,
        "concerns": _concerns(data, cur, q, register, day),
        "changes": _changes(data, cur, prev, q, ev_index),
        "cards": _cards(data, cur, q, cited, withheld, unreleased),
        "withheld": withheld,
        "withheld_assessments": sum(1 for w in withheld if w["kind"] == "assessment"),
        "unreleased": unreleased,
        "unreleased_by": {
            p: sum(1 for u in unreleased if u["party"] == p) for p in sorted({u["party"] for u in unreleased})
        },
        "reader": "this node" if readable is None else "the reader of this report",
        "indicators": _indicators(data, q, cited),
        "recommendations": _recommendations(data, cur, q, register, withheld, unreleased),
        "security": security,
        "evidence_index": ev_index,
        "chart_stacked": charts.stacked_levels(stacked, LEVELS),
        "chart_index": charts.index_line([str(x) for x in quarters], series, colours),
        "chart_dumbbell": charts.dumbbell(dumbbell_rows, data.parties),
        "chart_heatmap": charts.heatmap([c["code"] for c in data.commitments], [str(x) for x in quarters], cells),
        "chart_gantt": charts.gantt(_milestone_rows(data), mstart, mend + timedelta(days=20), q.end),
        "chart_trade": _trade(data, first.range_to(_plus(q, 4))),
        "state_colours": charts.STATE_COLOURS,
        "level_colours": charts.LEVEL_COLOURS,
        "party_colours": charts.PARTY_COLOURS,
        "milestone_status": {"met": "met", "partiallyMet": "partly met", "notMet": "not met", "scheduled": "scheduled"},
    }
    return ctx


_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_URDU_LETTERS = re.compile(r"[\u0679\u0688\u0691\u06ba\u06be\u06c1\u06d2\u06d3]")  # ٹ ڈ ڑ ں ھ ہ ے ۓ


def right_to_left(value: Any) -> Any:
    """Text written mostly in Urdu or Persian (a party's rationale, an evidence title, a dispute position) set
    right to left in its own script's font; everything else unchanged. Used as the template's ``finalize``."""
    from markupsafe import Markup

    if not isinstance(value, str) or isinstance(value, Markup) or not _ARABIC_SCRIPT.search(value):
        return value
    if not re.search(r"\S\s+\S", value):
        return value  # one word (a name): the template's own markup, or the bidi algorithm, places it
    letters = [ch for ch in value if ch.isalpha()]
    arabic = sum(1 for ch in letters if _ARABIC_SCRIPT.match(ch))
    if arabic * 2 < len(letters):
        return value  # an English sentence with a name in it: the bidi algorithm orders the name
    lang = "ur" if _URDU_LETTERS.search(value) else "fa"
    return Markup('<span class="rtl-text {0}" lang="{0}" dir="rtl">{1}</span>').format(lang, value)


def render_html(ctx: dict[str, Any]) -> str:
    """The report as one self-contained HTML document (styles and charts inline)."""
    from importlib import resources

    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sarhad.framework", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=right_to_left,
    )
    css = resources.files("sarhad.framework").joinpath("templates", "report.css").read_text(encoding="utf-8")
    safe = {k: Markup(v) for k, v in ctx.items() if k.startswith("chart_")}
    security = dict(ctx["security"])
    for k in list(security):
        if k.startswith("chart_"):
            security[k] = Markup(security[k])
    indicators = dict(ctx["indicators"])
    indicators["chart_bullets"] = Markup(indicators["chart_bullets"])
    return env.get_template("report.html").render(
        **{**ctx, **safe, "security": security, "indicators": indicators}, css=Markup(css)
    )


def render_pdf(html: str, out: Path) -> None:
    """Typeset ``html`` to ``out`` with WeasyPrint. Raises ConfigError when WeasyPrint or Pango is missing."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise ConfigError(
            "PDF output needs WeasyPrint and the Pango library: pip install weasyprint; apt-get install -y "
            f"libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core ({exc})"
        ) from exc
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    weasyprint.HTML(string=html, base_url=str(out.parent)).write_pdf(out)


def write_report(
    node: Node,
    quarter: str,
    out: Path,
    *,
    version: str | None = None,
    joint: bool = False,
    today: date | None = None,
    readable: Readable | None = None,
) -> dict[str, Any]:
    """Write the quarterly report to ``out`` (.html or .pdf); returns a summary of what it holds.

    ``readable`` writes one principal's report (see :func:`build_context`); without, the node's own.
    """
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise InvalidInput(f"{out}: the report is written as .html or .pdf, not {suffix or 'no extension'}")
    ctx = build_context(node, quarter, version=version, joint=joint, today=today, readable=readable)
    html = render_html(ctx)
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".pdf":
        render_pdf(html, out)
    else:
        out.write_text(html, encoding="utf-8")
    return {
        "quarter": ctx["quarter"],
        "file": str(out),
        "format": "pdf" if suffix == ".pdf" else "html",
        "assessments": len(ctx["assessed"]),
        "not_readable": len(ctx["withheld"]),
        "disputes": len(ctx["register"]),
        "index": ctx["index"]["overall"].value,
        "states": ctx["counts"],
        "tlp": ctx["tlp"],
    }
