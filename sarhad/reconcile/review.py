"""Analyst decisions after corrections: which decisions a record's new version puts to review.

A decision (:mod:`sarhad.reconcile.decisions`) is made about the records it names as they were then: it keeps the
version of each (``record_versions``; a decision published before it kept them was made about the versions the node
held when it stored the decision). When a named record has a newer version that changes its date, place or figures
*materially*, the decision is **to review**. Material is what the scorer (:mod:`sarhad.reconcile.score`) would count
against the old and the new version being one report of one incident, compared part by part
(:func:`material_change`): a date moved further than the slack allows, a place whose agreement falls below that of
an unknown place (another district, or a point further than the two positions' precision allows), killed or
wounded figures whose agreement falls below that of an unknown figure, or the two versions' structured score (the
summaries left out) below the threshold. A refinement (a province made a town, a best figure given a range) is not.

A decision to review keeps binding until the analyst reviews it, so that nothing splits without a word: confirmed,
it is published again, made about the new versions (:func:`sarhad.reconcile.store.review_decision`); withdrawn, it
is published again marked ``revoked`` and no longer binds.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from sarhad._internal.dates import shown_date
from sarhad.errors import InvalidInput
from sarhad.model.figures import Range
from sarhad.model.incident import Incident
from sarhad.reconcile.decisions import DECISION_TYPE, Decision
from sarhad.reconcile.features import Features
from sarhad.reconcile.record import Record
from sarhad.reconcile.score import WEIGHTS, Scoring, part_scores
from sarhad.store.current import current
from sarhad.store.db import Database

__all__ = ["Change", "HeldDecision", "basis", "held_decisions", "material_change", "to_review"]

_log = logging.getLogger(__name__)

# A part whose agreement falls below this counts against the pair: 0.5 is the score of a side that does not say.
_AGAINST: Final = 0.5
_EARTH_KM: Final = 6371.0


@dataclass(frozen=True, slots=True)
class HeldDecision:
    """A decision's current version on this node: who published it (``party``), its version and sequence number
    (``seq``: when this node stored it) and its TLP marking."""

    decision: Decision
    party: str
    version: str
    seq: int
    tlp: str


@dataclass(frozen=True, slots=True)
class Change:
    """A named record's material correction since a decision: the version the decision was made about
    (``before``), the current one (``after``) and, in words, each part that changed (``what``)."""

    record: str
    before: str
    after: str
    what: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"record": self.record, "before": self.before, "after": self.after, "what": list(self.what)}


def held_decisions(db: Database, party: str | None = None) -> list[HeldDecision]:
    """The current version of every decision this node holds (of ``party`` alone when given), in the order stored."""
    sql = f"SELECT o.origin, o.modified, o.seq, o.tlp, o.body FROM objects o WHERE o.type = ? AND {current('o')}"
    params: list[Any] = [DECISION_TYPE]
    if party is not None:
        sql += " AND o.origin = ?"
        params.append(party)
    held: list[HeldDecision] = []
    for origin, version, seq, tlp, body in db.fetchall(sql + " ORDER BY o.seq", params):
        try:
            decision = Decision.from_stix(json.loads(body))
        except InvalidInput as exc:
            # A peer's decision this release cannot read (a kind a later release added, a malformed one): it binds
            # nothing here (peers' decisions never do) and must not take the joint picture down for every reader.
            _log.warning("decision of %s left out of the review: %s", origin, exc)
            continue
        held.append(HeldDecision(decision, str(origin), str(version), int(seq), str(tlp)))
    return held


def basis(db: Database, held: HeldDecision) -> dict[str, str]:
    """Record id → the version the decision was made about: as it says (``record_versions``), or, for a decision
    that does not say (published before decisions kept them), the latest version the node held before it stored
    the decision. A record the node held no version of then is left out."""
    d = held.decision
    if d.versions:
        return dict(d.versions)
    out: dict[str, str] = {}
    for rid in dict.fromkeys([*d.members, *d.rest]):
        row = db.fetchone(
            "SELECT modified FROM objects WHERE id = ? AND seq < ? ORDER BY seq DESC LIMIT 1", (rid, held.seq)
        )
        if row is not None:
            out[rid] = str(row[0])
    return out


def _km(a: Record, b: Record) -> float | None:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    la, lb = math.radians(a.lat), math.radians(b.lat)
    h = math.sin((lb - la) / 2) ** 2 + math.cos(la) * math.cos(lb) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    return 2 * _EARTH_KM * math.asin(math.sqrt(min(1.0, h)))


def _place(r: Record) -> str:
    words = ", ".join(x for x in (r.place, r.admin1, r.country) if x) or "no place"
    return words if r.lat is None else f"{words} ({r.lat:.4f}, {r.lon:.4f}, {r.geo_precision})"


def _figure(r: Range) -> str:
    if r.best is None and r.low is None and r.high is None:
        return "unknown"
    if r.low in (None, r.best) and r.high in (None, r.best):
        return str(r.best)
    return f"{r.best} ({r.low}-{r.high})"


def _date(r: Record) -> str:
    return shown_date(r.date_start, r.date_end, r.date_precision)


def material_change(before: Record, after: Record, scoring: Scoring | None = None) -> tuple[str, ...]:
    """What changed materially between two versions of one record, in words (empty when nothing did): each of its
    date, place, killed and wounded that the scorer would count against the two versions being one report, or,
    when their structured score (the summaries left out) falls below the threshold, each part that differs."""
    scoring = scoring or Scoring()
    f = Features.of([before, after])
    a, b = np.array([0], dtype=np.int64), np.array([1], dtype=np.int64)
    parts, late = part_scores(f, a, b)
    agree = {name: float(values[0]) for name, values in parts.items()}
    rest = sum(WEIGHTS[name] * agree[name] for name in WEIGHTS if name != "date")
    weak_late = bool(late[0]) and rest < scoring.late_agreement * (1 - WEIGHTS["date"])  # as score_pairs has it
    below = (0.0 if weak_late else rest + WEIGHTS["date"] * agree["date"]) < scoring.threshold
    days = (after.day_start - before.day_start) or (after.day_end - before.day_end)
    km = _km(before, after)
    said = {
        "date": f"date {_date(before)} -> {_date(after)}"
        + (f" ({abs(days)} days {'later' if days > 0 else 'earlier'})" if days else ""),
        "place": f"place {_place(before)} -> {_place(after)}" + ("" if km is None else f" ({km:.0f} km away)"),
        "killed": f"killed {_figure(before.killed)} -> {_figure(after.killed)}",
        "wounded": f"wounded {_figure(before.wounded)} -> {_figure(after.wounded)}",
        "attack": f"attack type {before.attack_type or 'unknown'} -> {after.attack_type or 'unknown'}",
        "actor": f"perpetrator {before.perpetrator or 'unknown'} -> {after.perpetrator or 'unknown'}",
    }
    against = {
        "date": bool(late[0]),
        "place": agree["place"] < _AGAINST,
        "killed": agree["killed"] < _AGAINST,
        "wounded": agree["wounded"] < _AGAINST,
    }
    if any(against.values()):
        return tuple(said[name] for name, yes in against.items() if yes)
    if below:
        return tuple(said[name] for name in WEIGHTS if agree[name] < 1.0)
    return ()


def _records(db: Database, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Record]:
    out: dict[tuple[str, str], Record] = {}
    for rid, version in sorted(set(wanted)):
        row = db.fetchone("SELECT body FROM objects WHERE id = ? AND modified = ?", (rid, version))
        if row is not None:
            out[(rid, version)] = Record.from_incident(Incident.from_stix(json.loads(row[0])))
    return out


def to_review(db: Database, decisions: Sequence[HeldDecision]) -> dict[str, list[Change]]:
    """Decision id → the material changes (:func:`material_change`) of the records it names since the versions it
    was made about, for each of ``decisions`` that has any and is not withdrawn: the decisions to review. A record
    the node no longer holds, or whose earlier version it does not hold, says nothing."""
    bases = {h.decision.id: basis(db, h) for h in decisions if not h.decision.revoked}
    named = sorted({rid for b in bases.values() for rid in b})
    now: dict[str, str] = {}
    for start in range(0, len(named), 500):
        chunk = named[start : start + 500]
        rows = db.fetchall(f"SELECT id, modified FROM incidents WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
        now.update({str(i): str(m) for i, m in rows})
    moved = {
        did: [(rid, version, now[rid]) for rid, version in sorted(b.items()) if rid in now and now[rid] != version]
        for did, b in bases.items()
    }
    records = _records(db, [(rid, v) for pairs in moved.values() for rid, old, new in pairs for v in (old, new)])
    found: dict[tuple[str, str, str], tuple[str, ...]] = {}
    out: dict[str, list[Change]] = {}
    for did, pairs in moved.items():
        for rid, old, new in pairs:
            if (rid, old) not in records or (rid, new) not in records:
                continue
            key = (rid, old, new)
            if key not in found:
                found[key] = material_change(records[(rid, old)], records[(rid, new)])
            if found[key]:
                out.setdefault(did, []).append(Change(rid, old, new, found[key]))
    return out
