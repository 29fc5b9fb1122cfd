"""A generator of realistic overlapping reports with known truth, to measure and benchmark reconciliation.

Incidents happen in and around the cities of Balochistan, Khyber Pakhtunkhwa and Sistan-Baluchestan. Each
is reported by some of: the party on whose side it happened (``PK`` or ``IR``), the other party when it is
near the border, ACLED and UCDP rows, and a news article. Every report is perturbed the way real ones are:

* dates a day off (a night attack), ranges ("days", "week"), or only the month;
* coordinates jittered, snapped to the city centre, or only the province (centroid or none);
* perpetrators in each source's spelling (``Fitna al-Khawarij`` for the TTP in Pakistan's reports,
  ``Jaish al-Zolm`` for Jaish al-Adl in Iran's, ``Jaish ul-Adl`` in a dataset), omitted, or another group
  blamed;
* figures that differ by a few, a dataset's lowest reported count, missing wounded, missing attack types.

Some incidents get a *look-alike*: a second attack in the same city on the same day, a few km away.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date
from typing import Final

from sarhad.model.figures import Figure
from sarhad.model.incident import Incident, Perpetrator, Place, incident_id
from sarhad.reconcile.actor import actor_key
from sarhad.reconcile.record import Record

__all__ = ["CITIES", "Synthetic", "as_incident", "generate"]

# name, country, ISO 3166-2, province, lat, lon, near the PK-IR border
CITIES: Final[tuple[tuple[str, str, str, str, float, float, bool], ...]] = (
    ("Quetta", "PK", "PK-BA", "Balochistan", 30.18, 67.00, False),
    ("Turbat", "PK", "PK-BA", "Balochistan", 26.00, 63.05, True),
    ("Gwadar", "PK", "PK-BA", "Balochistan", 25.12, 62.32, True),
    ("Panjgur", "PK", "PK-BA", "Balochistan", 26.97, 64.09, True),
    ("Khuzdar", "PK", "PK-BA", "Balochistan", 27.80, 66.61, False),
    ("Mastung", "PK", "PK-BA", "Balochistan", 29.80, 66.85, False),
    ("Taftan", "PK", "PK-BA", "Balochistan", 28.96, 61.59, True),
    ("Peshawar", "PK", "PK-KP", "Khyber Pakhtunkhwa", 34.01, 71.58, False),
    ("Bannu", "PK", "PK-KP", "Khyber Pakhtunkhwa", 32.99, 70.60, False),
    ("Dera Ismail Khan", "PK", "PK-KP", "Khyber Pakhtunkhwa", 31.83, 70.90, False),
    ("Miranshah", "PK", "PK-KP", "Khyber Pakhtunkhwa", 33.00, 70.07, False),
    ("Zahedan", "IR", "IR-11", "Sistan and Baluchestan", 29.50, 60.86, True),
    ("Saravan", "IR", "IR-11", "Sistan and Baluchestan", 27.37, 62.33, True),
    ("Chabahar", "IR", "IR-11", "Sistan and Baluchestan", 25.29, 60.64, True),
    ("Rask", "IR", "IR-11", "Sistan and Baluchestan", 26.23, 61.40, True),
    ("Khash", "IR", "IR-11", "Sistan and Baluchestan", 28.22, 61.21, True),
    ("Iranshahr", "IR", "IR-11", "Sistan and Baluchestan", 27.20, 60.68, False),
)
_PROVINCE_CENTRE: Final = {"PK-BA": (28.49, 65.10), "PK-KP": (34.50, 72.00), "IR-11": (27.53, 60.58)}
_ATTACKS: Final = (
    "Bombing/Explosion",
    "Armed Assault",
    "Assassination",
    "Hostage Taking (Kidnapping)",
    "Facility/Infrastructure Attack",
)
# Who operates where, and how each source spells them.
_GROUPS: Final = {
    "PK-BA": ("bla", "blf", "ttp", "iskp"),
    "PK-KP": ("ttp", "hafiz-gul-bahadur", "iskp", "lashkar-e-islam"),
    "IR-11": ("jaish-al-adl", "jaish-al-adl", "ansar-al-furqan", "iskp"),
}
_SPELLING: Final = {
    "ttp": {"PK": "Fitna al-Khawarij", "ACLED": "TTP: Tehreek-i-Taliban Pakistan", "UCDP": "TTP",
            "NEWS": "Tehreek-e-Taliban Pakistan"},
    "bla": {"PK": "Fitna al-Hindustan", "ACLED": "BLA: Balochistan Liberation Army", "UCDP": "BLA",
            "NEWS": "Baloch Liberation Army"},
    "blf": {"PK": "Fitna al-Hindustan", "ACLED": "BLF: Balochistan Liberation Front", "UCDP": "BLF", "NEWS": "BLF"},
    "jaish-al-adl": {"IR": "Jaish al-Zolm", "PK": "Jaish al-Adl", "ACLED": "Jaish al-Adl", "UCDP": "Jondullah",
                     "NEWS": "Jaish ul-Adl"},
    "iskp": {"NEWS": "Islamic State Khorasan", "UCDP": "IS", "ACLED": "Islamic State Khorasan Province"},
    "hafiz-gul-bahadur": {"NEWS": "Hafiz Gul Bahadur group"},
    "lashkar-e-islam": {"NEWS": "Lashkar-i-Islam"},
    "ansar-al-furqan": {"NEWS": "Ansar al Furqan"},
}  # fmt: skip
_NAMES: Final = {
    "ttp": "Tehrik-i-Taliban Pakistan", "bla": "Baloch Liberation Army", "blf": "Baloch Liberation Front",
    "jaish-al-adl": "Jaish al-Adl", "iskp": "Islamic State Khorasan Province",
    "hafiz-gul-bahadur": "Hafiz Gul Bahadur Group", "lashkar-e-islam": "Lashkar-e-Islam",
    "ansar-al-furqan": "Ansar al-Furqan",
}  # fmt: skip
_DATASET: Final = {"PK": "party", "IR": "party", "ACLED": "acled", "UCDP": "ucdp", "NEWS": "news"}
_RULE: Final = {"PK": "party_official", "IR": "party_official", "ACLED": "lowest_reported", "UCDP": "ucdp",
                "NEWS": "extracted"}  # fmt: skip
_VERBS: Final = {
    "Bombing/Explosion": ("bomb blast", "explosion", "IED attack", "suicide bombing"),
    "Armed Assault": ("gun attack", "armed assault", "firing", "ambush"),
    "Assassination": ("targeted killing", "assassination", "shooting"),
    "Hostage Taking (Kidnapping)": ("kidnapping", "abduction", "hostage taking"),
    "Facility/Infrastructure Attack": ("attack on a facility", "arson attack", "rocket attack"),
}
_TARGETS: Final = ("checkpost", "convoy", "market", "bus", "police station", "camp", "mosque", "school", "gas pipeline")
_START: Final = date(1990, 1, 1).toordinal()


@dataclass(frozen=True, slots=True)
class Synthetic:
    """Generated reports and the truth: ``truth[record id]`` is the number of the incident it reports."""

    records: list[Record]
    truth: dict[str, int]
    incidents: int


@dataclass(frozen=True, slots=True)
class _Truth:
    number: int
    day: int
    city: int
    lat: float
    lon: float
    attack: str
    actor: str | None
    killed: int
    wounded: int
    target: str


def _offset(lat: float, lon: float, km: float, rng: random.Random) -> tuple[float, float]:
    angle = rng.uniform(0, 2 * math.pi)
    dlat = km * math.cos(angle) / 111.0
    dlon = km * math.sin(angle) / (111.0 * math.cos(math.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)


def _incident(number: int, day: int, city: int, rng: random.Random, near: _Truth | None = None) -> _Truth:
    _, _, code, _, clat, clon, _ = CITIES[city]
    if near is None:
        lat, lon = _offset(clat, clon, abs(rng.gauss(0, 8)), rng)
    else:
        lat, lon = _offset(near.lat, near.lon, rng.uniform(2.5, 8), rng)
    killed = 0 if rng.random() < 0.2 else max(1, int(rng.lognormvariate(1.0, 1.0)))
    wounded = 0 if rng.random() < 0.3 else max(1, int(rng.lognormvariate(1.3, 1.0)))
    actor = None if rng.random() < 0.25 else rng.choice(_GROUPS[code])
    return _Truth(number, day, city, lat, lon, rng.choice(_ATTACKS), actor, killed, wounded, rng.choice(_TARGETS))


def _reporters(t: _Truth, rng: random.Random) -> list[str]:
    country, border = CITIES[t.city][1], CITIES[t.city][6]
    other = "IR" if country == "PK" else "PK"
    out = []
    if rng.random() < 0.85:
        out.append(country)
    if rng.random() < (0.5 if border else 0.03):
        out.append(other)
    if rng.random() < 0.7:
        out.append("ACLED")
    if t.killed > 0 and rng.random() < 0.35:
        out.append("UCDP")
    if rng.random() < 0.35:
        out.append("NEWS")
    return out or ["ACLED"]


def _count(true: int, who: str, party: str, rng: random.Random, spread: float) -> tuple[int | None, ...]:
    """(low, best, high) as ``who`` reports ``true``."""
    if rng.random() < spread:
        return (None, None, None)
    best = true
    if who in ("PK", "IR") and who != party and rng.random() < 0.4:
        best = max(0, true + rng.choice((-3, -2, -1, 2, 4, 8)))  # the other party's count differs
    elif rng.random() < 0.25:
        best = max(0, true + rng.choice((-2, -1, 1, 2)))
    if who == "ACLED":
        return (None, max(0, min(best, true - rng.choice((0, 0, 1)))), None)
    if who == "UCDP":
        return (max(0, best - rng.choice((0, 1, 2))), best, best + rng.choice((0, 1, 3)))
    return (None, best, None)


def _report(t: _Truth, who: str, serial: int, rng: random.Random) -> Record:
    name, country, code, _, clat, clon, _ = CITIES[t.city]
    # dates
    day, end, precision = t.day, t.day, "day"
    if who in ("PK", "IR") and who != country and rng.random() < 0.3:
        day = end = t.day + 1  # the other side's timezone / a night attack counted on the next day
    elif rng.random() < 0.12:
        day = end = t.day + rng.choice((-1, 1))
    if who == "UCDP" and rng.random() < 0.15:
        day, end, precision = t.day - 1, t.day + 1, "days"
    elif who == "NEWS" and rng.random() < 0.1:
        day, end, precision = t.day - 3, t.day + 3, "week"
    elif who == "NEWS" and rng.random() < 0.03:
        day, end, precision = (t.day // 30) * 30, (t.day // 30) * 30 + 29, "month"
    # places
    lat: float | None
    lon: float | None
    roll = rng.random()
    if roll < 0.6 and who != "NEWS":
        lat, lon = _offset(t.lat, t.lon, abs(rng.gauss(0, 0.6)), rng)
        geo = "exact"
    elif roll < 0.85:
        lat, lon, geo = clat, clon, "near"
    elif roll < 0.95 or who == "NEWS":
        lat, lon, geo = (*_PROVINCE_CENTRE[code], "admin1") if who != "NEWS" else (None, None, "admin1")
    else:
        lat, lon, geo = clat, clon, "near"
    # what and who
    attack: str | None = t.attack
    if rng.random() < 0.15:
        attack = None
    elif rng.random() < 0.05:
        attack = rng.choice(_ATTACKS)
    actor = t.actor
    if actor is not None and rng.random() < 0.3:
        actor = None
    elif rng.random() < 0.06:
        actor = rng.choice(_GROUPS[code])  # another group blamed
    perpetrator = None
    if actor is not None:
        perpetrator = _SPELLING.get(actor, {}).get(who, _NAMES[actor])
    figures = []
    for measure, true, spread in (("killed", t.killed, 0.12), ("wounded", t.wounded, 0.4)):
        low, best, high = _count(true, who, country, rng, spread)
        if best is not None:
            figures.append(Figure(measure, "total", low, best, high, _RULE[who], who))
    verb = rng.choice(_VERBS[t.attack])
    summary = f"{verb.capitalize()} on a {t.target} in {name}"
    if t.killed:
        summary += f"; {t.killed} killed"
    source_id = f"{who.lower()}-{serial:08d}"
    return Record(
        id=incident_id(_DATASET[who], who, source_id),
        reported_by=who,
        source_id=source_id,
        day_start=day,
        day_end=end,
        date_precision=precision,
        lat=lat,
        lon=lon,
        geo_precision=geo,
        country=country,
        admin1=code,
        place=name if geo != "admin1" else None,
        attack_type=attack,
        perpetrator=perpetrator,
        actor=actor_key(perpetrator),
        figures=tuple(figures),
        summary=summary,
        dataset=_DATASET[who],
    )


def generate(records: int, *, seed: int = 0, per_day: float = 6.0, lookalikes: float = 0.12) -> Synthetic:
    """About ``records`` reports of ``records / 2.3`` incidents, ``per_day`` incidents a day on average.

    ``lookalikes``: the share of incidents that get a second attack in the same city on the same day.
    Deterministic for a given seed.
    """
    rng = random.Random(seed)
    n_incidents = max(1, round(records / 2.3))
    days = max(30, round(n_incidents / per_day))
    out: list[Record] = []
    truth: dict[str, int] = {}
    number = 0
    serial = 0
    while len(out) < records:
        day = _START + rng.randrange(days)
        city = rng.randrange(len(CITIES))
        group = [_incident(number, day, city, rng)]
        if rng.random() < lookalikes:
            group.append(_incident(number + 1, day, city, rng, near=group[0]))
        for t in group:
            for who in _reporters(t, rng):
                serial += 1
                rec = _report(t, who, serial, rng)
                out.append(rec)
                truth[rec.id] = t.number
        number += len(group)
    return Synthetic(records=out[:records], truth={r.id: truth[r.id] for r in out[:records]}, incidents=number)


def as_incident(rec: Record) -> Incident:
    """The :class:`Incident` a generated record stands for (to publish it on a node)."""
    return Incident(
        id=rec.id,
        reported_by=rec.reported_by,
        dataset=rec.dataset,
        source_id=rec.source_id,
        date_start=rec.date_start,
        date_end=rec.date_end,
        date_precision=rec.date_precision,
        place=Place(
            country=rec.country,
            admin1_code=rec.admin1,
            name=rec.place,
            lat=rec.lat,
            lon=rec.lon,
            precision=rec.geo_precision,
        ),
        attack_types=(rec.attack_type,) if rec.attack_type else (),
        perpetrators=(Perpetrator(rec.perpetrator, "claimed"),) if rec.perpetrator else (),
        figures=rec.figures,
        summary=rec.summary,
        tlp="GREEN",
    )
