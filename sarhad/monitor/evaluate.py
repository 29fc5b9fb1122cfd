"""Evaluate the alert rules on new records: the one code path for own, imported and synced records.

:func:`evaluate` runs inside the caller's open transaction (the publisher's or the sync's): it reads the rules,
stores an alert per matching (rule, incident) unless one exists, and returns the new alerts. They are also
queued; after its commit the caller calls :func:`notify_committed`, which hands them to the process's stream
(:mod:`sarhad.monitor.stream`) so that open dashboards hear of them at once. It runs there only: the rules that
read the database (a surge, a disagreement) then see it as it was when the record was written, so the same
records raise the same alerts whenever a server's watcher, which only streams them, notices them. A rule
applies to the records written after it is added (a sync, to those of the rules held when it started).

The rules read a few facts of each record, its :class:`Subject`: from an :class:`Incident`, or in a sync from
the record's ``incidents`` row and the group names of its STIX object, so that a sync need not build (nor send
between its processes) an Incident per record.
"""

from __future__ import annotations

import csv
import functools
import json
import logging
import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any, Final, Literal, NamedTuple

from sarhad.model.incident import Incident
from sarhad.monitor.alerts import (
    Alert,
    AlertWrites,
    Change,
    StoredAlert,
    alert_id,
    next_alert_seq,
    next_event_seq,
    stored_alerts,
)
from sarhad.monitor.counterparts import Facts, disagrees, disagrees_many, haversine_km
from sarhad.monitor.rules import Rule, area_keys, watching
from sarhad.store.db import Database
from sarhad.store.incidents import INCIDENT_COLUMNS, UNKNOWN_TYPE

__all__ = [
    "Subject",
    "crossings",
    "evaluate",
    "looked_at",
    "match",
    "match_record",
    "may_alert",
    "may_alert_subjects",
    "notify_committed",
    "recheck",
    "take_pending",
]

log = logging.getLogger(__name__)

_CROSSINGS: Final = Path(__file__).resolve().parent.parent / "geo" / "data" / "crossings.csv"
_pending: list[Alert] = []
# The row columns of a Subject's fields but the group names, in the Subject's order.
_ROW_FIELDS: Final = itemgetter(*(INCIDENT_COLUMNS.index(c) for c in (
    "id", "reported_by", "date_start", "country", "admin1", "admin1_code", "admin2", "lat", "lon", "border_km",
)))  # fmt: skip
_ROW_MODIFIED: Final = INCIDENT_COLUMNS.index("modified")
_ROW_PRECISION: Final = INCIDENT_COLUMNS.index("geo_precision")
_ROW_ATTACK: Final = INCIDENT_COLUMNS.index("attack_type")
# The facts an alert keeps of what its rule read in the database (a surge's counts, see _surge; a disagreement's
# counterparts, see _match_database): an alert stored before they were kept has none.
_COUNTED: Final = ("incidents", "expected", "disagreements")
# The facts kept since a later release than the others: their first appearance in an alert's facts is no change.
_LATER: Final = (*_COUNTED, "geo_precision")
# A point of these geo precisions stands for an area (its centroid, its seat or another stand-in place): how far it
# lies from the border or a crossing, or whether it lies in a polygon, says where the area is, not the incident.
_AREA_ONLY: Final = {"admin2": "district", "admin1": "province", "region": "region", "country": "country"}
# A point of these geo precisions lies in the record's district (a place, or its district's seat): as the reconciler
# (sarhad.reconcile.features), the nearest district seat of its province names that district.
_DISTRICT_PRECISIONS: Final = frozenset({"exact", "near", "admin2"})
_ROW_KILLED: Final = itemgetter(*(INCIDENT_COLUMNS.index(c) for c in ("killed_low", "killed_best", "killed_high")))


class Subject(NamedTuple):
    """What the alert rules read of a record: its place, every group it names, its total killed (low, best,
    high), and for surges and disagreements its id, party and start date.

    A plain tuple underneath, so a sync's checking process sends it with ``marshal``."""

    id: str
    reported_by: str
    date_start: str
    country: str | None
    admin1: str | None
    admin1_code: str | None
    admin2: str | None
    lat: float | None
    lon: float | None
    border_km: float | None
    perpetrators: tuple[str, ...]
    killed_low: int | None
    killed_best: int | None
    killed_high: int | None
    modified: str | None = None  # the record's version (an alert's life follows it); None: not known
    geo_precision: str | None = None  # how exactly its place is known (codes.GEO_PRECISIONS); None: not known
    attack_type: str | None = None  # the first attack type it names that is not "Unknown" (the row's attack_type)

    @classmethod
    def of(cls, inc: Incident) -> Subject:
        """The subject of a record."""
        p, k = inc.place, inc.killed
        return cls(
            inc.id, inc.reported_by, inc.date_start, p.country, p.admin1, p.admin1_code, p.admin2, p.lat, p.lon,
            p.border_km, tuple(x.name for x in inc.perpetrators), k.low, k.best, k.high, inc.modified, p.precision,
            next((t for t in inc.attack_types if t != UNKNOWN_TYPE), None),
        )  # fmt: skip

    @classmethod
    def of_row(cls, row: Sequence[Any], perpetrators: tuple[str, ...]) -> Subject:
        """The subject of a record from its ``incidents`` row (:data:`INCIDENT_COLUMNS`) and the names of all the
        groups it names, in order (the row holds the first only): ``Subject.of(inc)`` when the row is
        ``incident_row(inc, …)`` and the names those of ``inc.perpetrators``."""
        return cls._make((
            *_ROW_FIELDS(row), perpetrators, *_ROW_KILLED(row), row[_ROW_MODIFIED], row[_ROW_PRECISION],
            row[_ROW_ATTACK],
        ))  # fmt: skip

    @property
    def perpetrator(self) -> str | None:
        """The first group named (:attr:`Incident.perpetrator`)."""
        return self.perpetrators[0] if self.perpetrators else None


@functools.cache
def crossings() -> tuple[tuple[str, float, float], ...]:
    """The official border crossings (name, lat, lon) from the geography's curated table."""
    try:
        lines = [ln for ln in _CROSSINGS.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    except OSError:
        log.warning("crossings table %s is missing; crossing rules match nothing", _CROSSINGS)
        return ()
    return tuple((r["name"], float(r["lat"]), float(r["lon"])) for r in csv.DictReader(lines))


def _border_km(s: Subject) -> float | None:
    if s.border_km is not None:
        return s.border_km
    if s.lat is None or s.lon is None:
        return None
    try:
        from sarhad.geo import border_distances  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    return float(border_distances([s.lat], [s.lon])[0])


def _border_kms(subjects: Sequence[Subject]) -> dict[int, float]:
    """The border distance of each record that has coordinates but no distance yet, by its position in
    ``subjects`` (two versions of one incident in a batch may stand in different places), in one vectorised
    call (one call per record costs about a quarter of a millisecond, mostly in setting it up)."""
    at: list[int] = []
    lats: list[float] = []
    lons: list[float] = []
    for i, s in enumerate(subjects):
        if s.border_km is None and s.lat is not None and s.lon is not None:
            at.append(i)
            lats.append(s.lat)
            lons.append(s.lon)
    if not at:
        return {}
    try:
        from sarhad.geo import border_distances  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return {}
    return {i: float(d) for i, d in zip(at, border_distances(lats, lons), strict=True)}


def _inside(lon: float, lat: float, ring: Sequence[tuple[float, float]]) -> bool:
    # Ray casting (even-odd rule) on the ring as given; enough for a desk's area of interest.
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _known_only(s: Subject) -> str:
    """What a reason from the record's point adds when the point stands for an area: `` (place known only to the
    region)``; nothing when it is a place."""
    area = _AREA_ONLY.get(s.geo_precision or "")
    return f" (place known only to the {area})" if area else ""


@functools.cache
def _seats_by_province() -> dict[str, tuple[tuple[str, str, float, float], ...]]:
    """By province (ISO 3166-2, upper case): the name, kind, latitude and longitude of each district seat."""
    from sarhad.geo import district_seats

    out: dict[str, list[tuple[str, str, float, float]]] = {}
    for seat in district_seats():
        out.setdefault(seat.admin1_code.upper(), []).append((seat.name, seat.kind, seat.lat, seat.lon))
    return {code: tuple(seats) for code, seats in out.items()}


@functools.lru_cache(maxsize=16384)
def _nearest_seat(code: str, lat: float, lon: float) -> tuple[str, str] | None:
    seats = _seats_by_province().get(code.upper())
    if not seats:
        return None
    # compared on an equirectangular projection, exact enough within one province (as the reconciler)
    scale = math.cos(math.radians(lat))
    name, kind, _, _ = min(seats, key=lambda t: (t[2] - lat) ** 2 + ((t[3] - lon) * scale) ** 2)
    return name, kind


def _inferred_district(s: Subject) -> tuple[str, str] | None:
    """The (name, kind) of the district (a county in Iran) of a record that names none but has a point in one:
    the nearest district seat of its province (:func:`sarhad.geo.district_seats`), as the reconciler takes it; None
    when it names one, its point stands for a larger area, or its province has no seats."""
    if s.admin2 or s.lat is None or s.lon is None or not s.admin1_code:
        return None
    if s.geo_precision not in _DISTRICT_PRECISIONS:
        return None
    return _nearest_seat(s.admin1_code, s.lat, s.lon)


def _facts(s: Subject) -> Facts:
    return Facts(
        s.id, s.reported_by, s.date_start, s.lat, s.lon, s.admin1, s.admin2, s.perpetrator,
        s.killed_low, s.killed_best, s.killed_high,
    )  # fmt: skip


def _subject(inc: Incident | Subject) -> Subject:
    return inc if isinstance(inc, Subject) else Subject.of(inc)


_Surge = tuple[str, dict[str, Any]] | None
"""A surge's reason and the counts it gives as facts, or None: no surge (see :func:`_surge`)."""
_Area = tuple[str, str | None] | None
"""Where a surge counts: ``("admin1", name)``, ``("country", code)`` or None, everywhere."""


def _surge(db: Database, rule: Rule, inc: Subject) -> _Surge:
    """Whether ``inc`` is part of a surge in its area: the reason, and the counts it gives as facts (``incidents``
    in the window, ``expected`` from the baseline, as the reason rounds it), or None."""
    assert rule.surge_window_days is not None and rule.surge_factor is not None
    try:
        day = date.fromisoformat(inc.date_start)
    except ValueError:
        return None
    window, base = rule.surge_window_days, rule.surge_baseline_days
    scope, params = "", []
    if inc.admin1:
        scope, params = " AND admin1 = ?", [inc.admin1]
    elif inc.country:
        scope, params = " AND country = ?", [inc.country]

    def count(first: date, last: date, exclude: str | None) -> int:
        extra = " AND id <> ?" if exclude else ""
        args: list[Any] = [first.isoformat(), last.isoformat(), *params, *([exclude] if exclude else [])]
        row = db.fetchone(f"SELECT COUNT(*) FROM incidents WHERE date_start BETWEEN ? AND ?{scope}{extra}", args)
        return int(row[0]) if row else 0

    recent = count(day - timedelta(days=window - 1), day, inc.id) + 1
    end = day - timedelta(days=window)
    return _surge_of(rule, inc, recent, count(end - timedelta(days=base - 1), end, None))


def _surge_of(rule: Rule, inc: Subject, recent: int, baseline: int) -> _Surge:
    """:func:`_surge` once counted: ``recent`` incidents in the window (``inc`` among them), ``baseline`` in the
    baseline's days before it."""
    assert rule.surge_window_days is not None and rule.surge_factor is not None
    window = rule.surge_window_days
    expected = baseline * window / rule.surge_baseline_days
    if recent >= rule.surge_min_count and recent >= rule.surge_factor * expected:
        where = inc.admin1 or inc.country or "all areas"
        reason = f"surge in {where}: {recent} incidents in {window} days, expected {expected:.1f}"
        return reason, {"incidents": recent, "expected": float(f"{expected:.1f}")}
    return None


def _surges(db: Database, rule: Rule, subjects: Sequence[Subject]) -> list[_Surge]:
    """:func:`_surge` of each of ``subjects``, the same, from one grouped query for them all (the incidents per
    day and area on the days their windows and baselines cover) and one for their stored rows, where
    :func:`_surge` asks two queries a record."""
    assert rule.surge_window_days is not None and rule.surge_factor is not None
    window, base = rule.surge_window_days, rule.surge_baseline_days
    days: list[date | None] = []
    for s in subjects:
        try:
            days.append(date.fromisoformat(s.date_start))
        except ValueError:
            days.append(None)
    spans: list[list[date]] = []  # the days counted, as non-overlapping [first, last] in order
    for day in sorted(d for d in days if d is not None):
        first = day - timedelta(days=window + base - 1)
        if spans and first <= spans[-1][1] + timedelta(days=1):
            spans[-1][1] = day
        else:
            spans.append([first, day])
    # area -> date_start -> incidents that day in that area
    per_day: dict[_Area, dict[str, int]] = {}
    for start in range(0, len(spans), 200):
        chunk = spans[start : start + 200]
        rows = db.fetchall(
            "SELECT date_start, admin1, country, COUNT(*) FROM incidents WHERE "
            + " OR ".join(["date_start BETWEEN ? AND ?"] * len(chunk))
            + " GROUP BY date_start, admin1, country",
            [d.isoformat() for span in chunk for d in span],
        )
        for day_text, admin1, country, n in rows:
            areas: tuple[_Area, ...] = (("admin1", admin1), ("country", country), None)
            for counted in areas:
                on_day = per_day.setdefault(counted, {})
                on_day[str(day_text)] = on_day.get(str(day_text), 0) + int(n)
    stored = _stored_places(db, [s.id for s, d in zip(subjects, days, strict=True) if d is not None])
    sums: dict[_Area, tuple[list[str], list[int]]] = {}  # area -> its days in order and the running total

    def count(area: _Area, first: date, last: date) -> int:
        if area not in sums:
            ordered = sorted(per_day.get(area, {}).items())
            totals = [0]
            for _, n in ordered:
                totals.append(totals[-1] + n)
            sums[area] = ([d for d, _ in ordered], totals)
        keys, totals = sums[area]
        return totals[bisect_right(keys, last.isoformat())] - totals[bisect_left(keys, first.isoformat())]

    out: list[_Surge] = []
    for s, on in zip(subjects, days, strict=True):
        if on is None:
            out.append(None)
            continue
        day = on
        area: _Area = ("admin1", s.admin1) if s.admin1 else ("country", s.country) if s.country else None
        first = day - timedelta(days=window - 1)
        recent = count(area, first, day) + 1
        # the record's own stored row is not counted (_surge asks ``id <> ?``)
        place = stored.get(s.id)
        if place is not None and first.isoformat() <= place[0] <= day.isoformat():
            if area is None or place[1 if area[0] == "admin1" else 2] == area[1]:
                recent -= 1
        end = day - timedelta(days=window)
        out.append(_surge_of(rule, s, recent, count(area, end - timedelta(days=base - 1), end)))
    return out


def _stored_places(db: Database, ids: Sequence[str]) -> dict[str, tuple[str, str | None, str | None]]:
    """The (date_start, admin1, country) of the stored rows of these incidents, by id."""
    found: dict[str, tuple[str, str | None, str | None]] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), 400):
        chunk = unique[start : start + 400]
        rows = db.fetchall(
            f"SELECT id, date_start, admin1, country FROM incidents WHERE id IN ({','.join('?' * len(chunk))})", chunk
        )
        for id_, day, admin1, country in rows:
            found[str(id_)] = (str(day), admin1, country)
    return found


def match(
    db: Database,
    rule: Rule,
    inc: Incident | Subject,
    *,
    border_km: float | None = None,
    disagreements: Sequence[str] | None = None,
) -> list[str] | None:
    """Why ``inc`` matches ``rule`` (one reason per condition), or None when a condition fails.

    Cheap conditions are checked first (:func:`match_record`); the database is asked only for surges and
    disagreements. ``border_km``, when given, is the record's distance to the border, computed already (see
    :func:`evaluate`); ``disagreements``, when given, are the record's disagreements with other parties'
    records, looked up already (:func:`sarhad.monitor.counterparts.disagrees_many`).
    """
    subject = _subject(inc)
    reasons = _match_record(rule, subject, border_km)
    if reasons is None:
        return None
    return _match_database(db, rule, subject, reasons, disagreements)


def _match_database(
    db: Database,
    rule: Rule,
    inc: Subject,
    reasons: list[str],
    disagreements: Sequence[str] | None,
    facts: dict[str, Any] | None = None,
    surge: _Surge | Literal["ask"] = "ask",
) -> list[str] | None:
    """The rest of :func:`match` once :func:`match_record` gave ``reasons``: the conditions that ask the
    database (surges, disagreements), their reasons added to ``reasons`` and, when ``facts`` is given, what
    they read (a surge's counts; the disagreements the reason gives, see :func:`looked_at`) added to it. ``surge``,
    when given, is the record's surge, counted already (:func:`_surges`)."""
    if rule.surge_window_days is not None:
        if surge == "ask":
            surge = _surge(db, rule, inc)
        if surge is None:
            return None
        reasons.append(surge[0])
        if facts is not None:
            facts.update(surge[1])
    if rule.disagrees:
        diffs = disagrees(db, _facts(inc)) if disagreements is None else disagreements
        if not diffs:
            return None
        shown = list(diffs[:3])
        reasons.append("disagrees with " + " | ".join(shown))
        if facts is not None:
            # which party gives which figure or group, as the reason says it: another party's record that changes
            # while this one stays the same changes the reason, and so the alert is updated when it is next judged
            facts["disagreements"] = shown
    return reasons


def may_alert(rules: Sequence[Rule], incidents: Sequence[Incident]) -> list[Incident]:
    """The records for which some rule's conditions on the record alone (:func:`match_record`) hold: only
    these can raise an alert. A border distance computed here goes with the record (its place's
    ``border_km``), so it is not computed again. (:func:`may_alert_subjects` for subjects.)"""
    out = []
    for i, km in _may_alert(rules, [Subject.of(inc) for inc in incidents]):
        inc = incidents[i]
        out.append(inc if km is None else inc.with_place(replace(inc.place, border_km=km)))
    return out


def may_alert_subjects(rules: Sequence[Rule], subjects: Sequence[Subject]) -> list[Subject]:
    """The subjects for which some rule's conditions on the record alone (:func:`match_record`) hold: only
    these can raise an alert, so a large sync's checking process sends only these to be evaluated. A border
    distance computed here goes with the subject (its ``border_km``), so it is not computed again."""
    return [subjects[i] if km is None else subjects[i]._replace(border_km=km) for i, km in _may_alert(rules, subjects)]


def _may_alert(rules: Sequence[Rule], subjects: Sequence[Subject]) -> list[tuple[int, float | None]]:
    """The position of each subject some rule may alert on, with the border distance computed for it, if any."""
    if not rules:
        return []
    distances = _border_kms(subjects) if any(r.near_border_km is not None for r in rules) else {}
    kept = []
    for i, s in enumerate(subjects):
        km = distances.get(i)
        if any(_match_record(rule, s, km) is not None for rule in rules):
            kept.append((i, km))
    return kept


def match_record(rule: Rule, inc: Incident | Subject, *, border_km: float | None = None) -> list[str] | None:
    """The part of :func:`match` that needs nothing but the record: place, group and killed conditions."""
    return _match_record(rule, _subject(inc), border_km)


def _match_record(rule: Rule, p: Subject, border_km: float | None) -> list[str] | None:
    reasons: list[str] = []
    if rule.near_border_km is not None:
        km = _border_km(p) if border_km is None else border_km
        if km is None or km > rule.near_border_km:
            return None
        reasons.append(f"{km:.1f} km from the border{_known_only(p)}")
    if rule.crossing_km is not None:
        if p.lat is None or p.lon is None:
            return None
        near = [(haversine_km(p.lat, p.lon, lat, lon), name) for name, lat, lon in crossings()]
        if not near or min(near)[0] > rule.crossing_km:
            return None
        km, name = min(near)
        reasons.append(f"{km:.1f} km from the {name} crossing{_known_only(p)}")
    if rule.admin1:
        # an area matches however either side spells it ("Sibi" / "Sibi district", "Balochistan province" / PK-BA)
        have = frozenset().union(*(area_keys(v) for v in (p.admin1, p.admin1_code, p.admin2) if v))
        watched = next((a for a in rule.admin1 if area_keys(a) & have), None)
        if watched is None:
            # a record placed only by its point: in the district whose seat, of its province's, is nearest
            seat = _inferred_district(p)
            if seat is None or not any(area_keys(a) & area_keys(seat[0]) for a in rule.admin1):
                return None
            reasons.append(f"in {seat[0]} ({seat[1]} inferred from the point)")
        else:
            # the area as the rule named it, with the record's own place when that is another (its district)
            where = p.admin2 or p.admin1 or p.admin1_code
            reasons.append(
                f"in {where or watched}"
                if where is None or area_keys(where) & area_keys(watched)
                else f"in {watched} ({where})"
            )
    if rule.polygon:
        if p.lat is None or p.lon is None or not _inside(p.lon, p.lat, rule.polygon):
            return None
        reasons.append(f"inside the watched area{_known_only(p)}")
    if rule.perpetrators:
        hit = next(((n, w) for n in p.perpetrators for w in rule.perpetrators if _same_group(w, n)), None)
        if hit is None:
            return None
        named, watched = hit
        reasons.append(f"perpetrator {named}" if named == watched else f"perpetrator {named} ({watched})")
    if rule.min_killed is not None:
        killed = p.killed_best if p.killed_best is not None else p.killed_low
        if killed is None or killed < rule.min_killed:
            return None
        reasons.append(f"{killed} killed")
    if rule.side is not None:
        if p.country != rule.side:
            return None
        reasons.append(f"on the {rule.side} side")
    if rule.attack_types:
        if p.attack_type is None or p.attack_type.casefold() not in {t.casefold() for t in rule.attack_types}:
            return None
        reasons.append(f"attack type {p.attack_type}")
    if rule.disagrees and not p.perpetrator:
        if p.killed_low is None and p.killed_best is None and p.killed_high is None:
            # Another party's record can contradict only a perpetrator or a killed figure
            # (counterparts.disagreements; a different date alone is not a disagreement): this one states
            # neither, so no other record can disagree with it, and the database need not be asked.
            return None
    return reasons


@functools.lru_cache(maxsize=4096)
def _actor_id(name: str) -> str | None:
    from sarhad.model.actors import resolve_actor

    actor = resolve_actor(name)
    return actor.id if actor else None


@functools.lru_cache(maxsize=16384)
def _same_group(watched: str, named: str) -> bool:
    """Whether the group a record names (``named``) is the one a rule watches (``watched``): the same actor of
    the alias registry under any spelling; for a name the registry does not know (a rule stored before rules were
    checked), a name that contains it."""
    actor = _actor_id(watched)
    if actor is None:
        return watched.lower() in named.lower()
    return _actor_id(named) == actor or named.lower() == watched.lower()


def _now() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def looked_at(rule: Rule, s: Subject, border_km: float | None = None) -> dict[str, Any]:
    """What ``rule`` looks at in the record ``s``, as plain values: what an update of its alert compares (an
    alert is updated when a newer version changes one of these, not when it changes anything else).

    Distances are rounded to 0.1 km and points to 4 decimals (about 10 m), as the reasons give them, so that
    placing a record again on the same spot is not a change. A surge's counts and a disagreement's counterparts,
    which their reasons give too, are read from the database: :func:`evaluate` adds them (``incidents``,
    ``expected``; ``disagreements``, the texts the reason gives)."""
    out: dict[str, Any] = {}
    if rule.near_border_km is not None:
        km = _border_km(s) if border_km is None else border_km
        out["border_km"] = None if km is None else round(km, 1)
    if rule.crossing_km is not None and s.lat is not None and s.lon is not None:
        near = [(haversine_km(s.lat, s.lon, lat, lon), name) for name, lat, lon in crossings()]
        if near:
            km, name = min(near)
            out["crossing"], out["crossing_km"] = name, round(km, 1)
    if rule.near_border_km is not None or rule.crossing_km is not None or rule.polygon:
        # how exactly the point is known: a point that stands for an area, or stops doing so, is a change
        out["geo_precision"] = s.geo_precision
    if rule.admin1:
        out["place"] = s.admin2 or s.admin1 or s.admin1_code
    if rule.polygon:
        out["lat"] = None if s.lat is None else round(s.lat, 4)
        out["lon"] = None if s.lon is None else round(s.lon, 4)
    if rule.surge_window_days is not None:
        out["area"] = s.admin1 or s.country
        out["date_start"] = s.date_start
    if rule.perpetrators or rule.disagrees:
        out["perpetrators"] = list(s.perpetrators)
    if rule.min_killed is not None or rule.disagrees:
        out["killed"] = s.killed_best if s.killed_best is not None else s.killed_low
    if rule.attack_types:
        out["attack_type"] = s.attack_type
    return out


def _facts_text(facts: dict[str, Any]) -> str:
    """``facts`` as stored (``alerts.facts``): JSON, keys sorted, so that equal facts give equal text."""
    return json.dumps(facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The facts ``new`` gives otherwise than ``old``, in ``new``'s order (then those only ``old`` gives)."""
    keys = [*new, *(k for k in old if k not in new)]
    return [{"fact": k, "old": old.get(k), "new": new.get(k)} for k in keys if old.get(k) != new.get(k)]


@functools.lru_cache(maxsize=4096)
def _instant(version: str) -> datetime | str:
    """A version (a STIX timestamp) to compare; the text itself when it is not one. Cached: the records of one
    publish share its timestamp, and their alerts mostly that of the publish before."""
    try:
        return datetime.fromisoformat(version.replace("Z", "+00:00"))
    except ValueError:
        return version


def _newer(version: str | None, alert: StoredAlert) -> bool:
    """Whether ``version`` of an incident is newer than every version that changed ``alert`` (an unknown
    version is not; any is newer than none known, as for an alert stored before versions were kept)."""
    if version is None:
        return False
    known = [v for v in (alert.version, alert.lapsed) if v is not None]
    try:
        return all(_instant(version) > _instant(v) for v in known)  # type: ignore[operator]
    except TypeError:  # one is not a timestamp: as text
        return all(version > v for v in known)


class _Life:
    """The alerts of the records one :func:`evaluate` looks at, and the changes it makes to them, in order."""

    def __init__(self, db: Database, stamp: str, alerts: dict[tuple[str, str], StoredAlert]) -> None:
        self.db = db
        self.stamp = stamp
        self.alerts = alerts
        self._seq: int | None = None  # the next event's number (alert_events.seq), taken when first needed
        # held and written together (AlertWrites.write): an import raises, or a re-import changes, many alerts
        self.writes = AlertWrites(db)

    def _next(self) -> int:
        if self._seq is None:
            self._seq = next_event_seq(self.db)
        self._seq += 1
        return self._seq - 1

    def _change(self, alert: StoredAlert, event: str, version: str, changes: list[Change], **kw: str) -> None:
        self.alerts[(alert.rule, alert.incident_id)] = self.writes.change(
            alert, event, version, changes, self.stamp, self._next(), **kw
        )

    def matched(self, alert: StoredAlert, version: str | None, reason: str, facts: dict[str, Any]) -> None:
        """A version of the alert's incident matches its rule: updated when newer and its facts changed,
        matching again when it had stopped."""
        if not _newer(version, alert):
            return
        assert version is not None
        text = _facts_text(facts)
        # the same text is the same facts, without reading the JSON: the common case of a re-import
        same = not alert.facts or alert.facts == text
        old = {} if same or not alert.facts else json.loads(alert.facts)
        changes = [] if same else _changes(old, facts)
        # A surge's counts and a disagreement's texts are kept since a later release than the alert's other facts:
        # an alert stored before has none, which is no change (its reason is kept until one, or another fact,
        # changes).
        changes = [c for c in changes if c["fact"] in old or c["fact"] not in _LATER]
        if alert.lapsed is None and not changes:
            # nothing the rule looks at changed (or it was not kept): only the version that last matched
            self.alerts[(alert.rule, alert.incident_id)] = self.writes.version(alert, version, text)
            return
        event = "updated" if alert.lapsed is None else "matches_again"
        self._change(alert, event, version, changes, reason=reason, facts=text)

    def unmatched(self, alert: StoredAlert, version: str | None) -> None:
        """A version of the alert's incident does not match its rule: no longer matching, when newer."""
        if alert.lapsed is None and _newer(version, alert):
            assert version is not None
            self._change(alert, "no_longer_matches", version, [])


def evaluate(
    db: Database,
    incidents: Sequence[Incident | Subject],
    *,
    origin: str,
    unmatched: Sequence[tuple[str, str]] = (),
    only: Sequence[Rule] | None = None,
) -> list[Alert]:
    """Evaluate every rule on ``incidents`` (published by, or synced from, ``origin``); return new alerts.

    Runs in the caller's transaction (it opens a nested one when called alone). A rule that already alerted
    on an incident does not alert again, so evaluating a record twice is harmless; a newer version of the
    incident changes that alert's life instead (:mod:`sarhad.monitor.alerts`): updated, no longer matching,
    matching again. ``unmatched`` are the (incident id, version) of records written besides ``incidents`` that
    no rule's conditions on the record alone hold for (:func:`may_alert_subjects` left them out): their alerts
    no longer match. The new alerts are queued for :func:`notify_committed`. ``only``: evaluate these rules
    (instead of those :func:`watching`) on the records' versions for the alerts they already raised, raising none
    (:func:`recheck`).
    """
    if not incidents and not unmatched:
        return []
    with db.transaction():
        rules = watching(db) if only is None else list(only)
        if not rules:
            return []
        stamp = _now()
        seq: int | None = None  # the next alert's number (alerts.seq), in this transaction where writers take turns
        new: list[Alert] = []
        subjects = [_subject(inc) for inc in incidents]
        life = _Life(db, stamp, stored_alerts(db, [s.id for s in subjects] + [i for i, _ in unmatched]))
        distances = _border_kms(subjects) if any(r.near_border_km is not None for r in rules) else {}
        # The conditions on the record alone first, for every record; then the disagreements of the records
        # a disagreement rule still needs them for, looked up together (one query a record costs about 70 µs).
        first = [[_match_record(rule, s, distances.get(i)) for rule in rules] for i, s in enumerate(subjects)]
        asking = [
            i
            for i, reasons in enumerate(first)
            if any(r is not None and rule.disagrees for rule, r in zip(rules, reasons, strict=True))
        ]
        looked_up = disagrees_many(db, [_facts(subjects[i]) for i in asking]) if asking else []
        said = dict(zip(asking, looked_up, strict=True))
        # The same for surges: counted together for the records a surge rule still needs them for.
        surges: dict[tuple[int, int], _Surge] = {}
        for r, rule in enumerate(rules):
            if rule.surge_window_days is not None:
                counting = [i for i, reasons in enumerate(first) if reasons[r] is not None]
                if counting:
                    found = _surges(db, rule, [subjects[i] for i in counting])
                    surges.update(((r, i), surge) for i, surge in zip(counting, found, strict=True))
        for i, inc in enumerate(subjects):
            for r, (rule, record_reasons) in enumerate(zip(rules, first[i], strict=True)):
                reasons = None
                counted: dict[str, Any] = {}  # what the database conditions read (a surge's counts, disagreements)
                if record_reasons is not None:
                    surge: _Surge | Literal["ask"] = surges[(r, i)] if (r, i) in surges else "ask"
                    reasons = _match_database(db, rule, inc, record_reasons, said.get(i), counted, surge)
                stored = life.alerts.get((rule.name, inc.id))
                if reasons is None:
                    if stored is not None:
                        life.unmatched(stored, inc.modified)
                    continue
                facts = {**looked_at(rule, inc, distances.get(i)), **counted}
                if stored is not None:
                    life.matched(stored, inc.modified, "; ".join(reasons), facts)
                    continue
                if only is not None:
                    continue  # a re-check follows the alerts raised; a rule watches only the records that arrive
                alert = Alert(
                    alert_id(rule.name, inc.id), rule.name, inc.id, origin, "; ".join(reasons), stamp, inc.modified
                )
                if seq is None:
                    seq = next_alert_seq(db)  # once, when the first alert is stored: it costs a query
                text = _facts_text(facts)
                # none is stored (life.alerts holds those of every incident here), so it is new
                life.writes.insert(alert, seq, text)
                new.append(alert)
                seq += 1
                life.alerts[(rule.name, inc.id)] = StoredAlert(alert.id, rule.name, inc.id, inc.modified, text, None)
        for incident_id, version in unmatched:
            for rule in rules:
                stored = life.alerts.get((rule.name, incident_id))
                if stored is not None:
                    life.unmatched(stored, version)
        life.writes.write()
    _pending.extend(new)
    return new


def recheck(db: Database, rule: Rule) -> int:
    """Check the alerts ``rule`` raised against the current versions of their incidents, as those versions would
    have when they arrived had the rule been watching: an alert whose record was corrected while the rule was
    disabled is updated, no longer matches (since that version) or matches again. Raises no alert (a rule watches
    the records that arrive). How many alerts changed.
    """
    from sarhad.errors import NotFound
    from sarhad.store.incidents import load_incident

    with db.transaction():
        rows = db.fetchall("SELECT incident_id, updated FROM alerts WHERE rule = ?", (rule.name,))
        if not rows:
            return 0
        before = {str(i): u for i, u in rows}
        subjects: list[Subject] = []
        for incident_id in before:
            try:
                subjects.append(Subject.of(load_incident(db, incident_id)))
            except NotFound:  # an alert on a record not stored here (withheld, say) has no version to read
                continue
        evaluate(db, subjects, origin="", only=[rule])
        after = db.fetchall("SELECT incident_id, updated FROM alerts WHERE rule = ?", (rule.name,))
    return sum(1 for i, u in after if before.get(str(i)) != u)


def take_pending() -> list[Alert]:
    """The alerts queued since the last call (emptying the queue)."""
    out = _pending[:]
    _pending.clear()
    return out


def notify_committed() -> None:
    """Call after the transaction that ran :func:`evaluate` commits: wakes this process's stream watchers."""
    from sarhad.monitor.stream import wake_watchers

    take_pending()
    wake_watchers()
