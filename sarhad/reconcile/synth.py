"""A generator of realistic overlapping reports with known truth, to measure and benchmark reconciliation.

Incidents happen in and around the cities of Balochistan, Khyber Pakhtunkhwa and Sistan-Baluchestan. Each
is reported by some of: the party on whose side it happened (``PK`` or ``IR``), the other party when it is
near the border, ACLED and UCDP rows, and a news article. Every report is perturbed the way real ones are:

* dates a day off (a night attack), a party's a few days off (announced or found later), ranges ("days",
  "week"), or only the month;
* coordinates jittered, snapped to the city centre, the district's (a county's in Iran) or only the province
  (centroid or none), at the positions sarhad's gazetteer gives those areas;
* perpetrators in each source's spelling (``Fitna al-Khawarij`` for the TTP in Pakistan's reports,
  ``Jaish al-Zolm`` for Jaish al-Adl in Iran's, ``Jaish ul-Adl`` in a dataset), omitted, or another group
  blamed;
* figures that differ by a few, a dataset's lowest reported count, missing wounded, missing attack types.

Some incidents get a *look-alike*: a second attack on the same day nearby, in the same city (a few km away) or
elsewhere in its district (up to ~30 km).

The defaults reflect real reporting: about 15% of reports name only the district and 7% only the province
(ACLED's and UCDP's coarser precision codes, a party's "in Kech district"); the other party dates about 30% of
the incidents both report a day later, and a party's report is 2-5 days off in about 3%.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Final

from sarhad.geo import find
from sarhad.model.figures import Figure
from sarhad.model.incident import Incident, Perpetrator, Place, incident_id
from sarhad.reconcile.actor import actor_key
from sarhad.reconcile.record import Record

__all__ = ["CITIES", "DISTRICTS", "Synthetic", "TrueIncident", "as_incident", "generate"]

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
# The district (a county in Iran) of each city, as sarhad's gazetteer names it.
DISTRICTS: Final[dict[str, str]] = {
    "Quetta": "Quetta", "Turbat": "Kech", "Gwadar": "Gwadar", "Panjgur": "Panjgur", "Khuzdar": "Khuzdar",
    "Mastung": "Mastung", "Taftan": "Chagai", "Peshawar": "Peshawar", "Bannu": "Bannu",
    "Dera Ismail Khan": "Dera Ismail Khan", "Miranshah": "North Waziristan", "Zahedan": "Zahedan",
    "Saravan": "Saravan", "Chabahar": "Chabahar", "Rask": "Rask", "Khash": "Khash", "Iranshahr": "Iranshahr",
}  # fmt: skip
_AREA_KINDS: Final = {"admin2": ("district", "county"), "admin1": ("province",)}
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
class TrueIncident:
    """What really happened: ``day`` a proleptic ordinal, ``city`` an index into :data:`CITIES`, ``lat``/``lon``
    the true place; ``lookalike_of`` the number of the incident this one is a look-alike of, if any."""

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
    lookalike_of: int | None = None


@dataclass(frozen=True, slots=True)
class Synthetic:
    """Generated reports and the truth: ``truth[record id]`` is the number of the incident it reports,
    ``incident_truth[number]`` that incident."""

    records: list[Record]
    truth: dict[str, int]
    incidents: int
    incident_truth: dict[int, TrueIncident] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Area:
    """An admin area as a coarse report places an incident: its name and the gazetteer's position."""

    name: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class _Shares:
    """How often a report is coarse or misdated (see :func:`generate`)."""

    districts: float
    provinces: float
    night: float
    slips: float


def _gazetteer_area(name: str, country: str, code: str, precision: str) -> _Area:
    """The district, county or province ``name`` as sarhad's gazetteer places it."""
    for c in find(name, country, code):
        if c.kind in _AREA_KINDS[precision] and c.admin1_code == code:
            return _Area(name, c.lat, c.lon)
    raise LookupError(f"sarhad's gazetteer has no {precision} area {name!r} in {code}")


@cache
def _areas(city: int) -> tuple[_Area, _Area]:
    """The district (county) and the province of a city of :data:`CITIES`."""
    name, country, code, province, *_ = CITIES[city]
    return (
        _gazetteer_area(DISTRICTS[name], country, code, "admin2"),
        _gazetteer_area(province, country, code, "admin1"),
    )


def _offset(lat: float, lon: float, km: float, rng: random.Random) -> tuple[float, float]:
    angle = rng.uniform(0, 2 * math.pi)
    dlat = km * math.cos(angle) / 111.0
    dlon = km * math.sin(angle) / (111.0 * math.cos(math.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)


def _incident(number: int, day: int, city: int, rng: random.Random, near: TrueIncident | None = None) -> TrueIncident:
    """A true incident in and around a city; with ``near``, a look-alike of it: another attack the same day in
    the same city (2.5-8 km away) or, one time in three, elsewhere in its district (10-30 km away)."""
    _, _, code, _, clat, clon, _ = CITIES[city]
    if near is None:
        lat, lon = _offset(clat, clon, abs(rng.gauss(0, 8)), rng)
    else:
        km = rng.uniform(2.5, 8) if rng.random() < 2 / 3 else rng.uniform(10, 30)
        lat, lon = _offset(near.lat, near.lon, km, rng)
    killed = 0 if rng.random() < 0.2 else max(1, int(rng.lognormvariate(1.0, 1.0)))
    wounded = 0 if rng.random() < 0.3 else max(1, int(rng.lognormvariate(1.3, 1.0)))
    actor = None if rng.random() < 0.25 else rng.choice(_GROUPS[code])
    attack, target = rng.choice(_ATTACKS), rng.choice(_TARGETS)
    lookalike_of = None if near is None else near.number
    return TrueIncident(number, day, city, lat, lon, attack, actor, killed, wounded, target, lookalike_of)


def _reporters(t: TrueIncident, rng: random.Random) -> list[str]:
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


def _dates(t: TrueIncident, who: str, shares: _Shares, rng: random.Random) -> tuple[int, int, str]:
    """(first day, last day, precision) as ``who`` dates ``t``."""
    country = CITIES[t.city][1]
    day, end, precision = t.day, t.day, "day"
    if who in ("PK", "IR") and who != country and rng.random() < shares.night:
        day = end = t.day + 1  # the other side's timezone / a night attack counted on the next day
    elif rng.random() < 0.12:
        day = end = t.day + rng.choice((-1, 1))
    if who in ("PK", "IR") and rng.random() < shares.slips:
        day = end = t.day + rng.choice((-2, 2, 2, 3, 3, 4, 5))  # mostly later: announced, or the bodies found
    if who == "UCDP" and rng.random() < 0.15:
        day, end, precision = t.day - 1, t.day + 1, "days"
    elif who == "NEWS" and rng.random() < 0.1:
        day, end, precision = t.day - 3, t.day + 3, "week"
    elif who == "NEWS" and rng.random() < 0.03:
        day, end, precision = (t.day // 30) * 30, (t.day // 30) * 30 + 29, "month"
    return day, end, precision


def _place(
    t: TrueIncident, who: str, shares: _Shares, rng: random.Random
) -> tuple[float | None, float | None, str, str | None]:
    """(lat, lon, geo precision, place name) as ``who`` places ``t``: jittered, the city centre, the district's
    position or the province's centroid (none for news, which names the province alone)."""
    name, _, _, _, clat, clon, _ = CITIES[t.city]
    district, province = _areas(t.city)
    roll = rng.random()
    if roll < shares.districts:
        return district.lat, district.lon, "admin2", district.name
    if roll < shares.districts + shares.provinces:
        return (None, None, "admin1", None) if who == "NEWS" else (province.lat, province.lon, "admin1", None)
    if who != "NEWS" and rng.random() < 0.7:
        lat, lon = _offset(t.lat, t.lon, abs(rng.gauss(0, 0.6)), rng)
        return lat, lon, "exact", name
    return clat, clon, "near", name


def _report(t: TrueIncident, who: str, serial: int, shares: _Shares, rng: random.Random) -> Record:
    name, country, code, _, _, _, _ = CITIES[t.city]
    day, end, precision = _dates(t, who, shares, rng)
    lat, lon, geo, place = _place(t, who, shares, rng)
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
    where = f"{place} district" if geo == "admin2" else name
    summary = f"{verb.capitalize()} on a {t.target} in {where}"
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
        place=place,
        attack_type=attack,
        perpetrator=perpetrator,
        actor=actor_key(perpetrator),
        figures=tuple(figures),
        summary=summary,
        dataset=_DATASET[who],
    )


def _check_share(name: str, value: float) -> None:
    """Raise ValueError naming the option when ``value`` is not a share from 0 to 1."""
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a share from 0 to 1, not {value:g}")


def generate(
    records: int,
    *,
    seed: int = 0,
    per_day: float = 6.0,
    lookalikes: float = 0.12,
    districts: float = 0.15,
    provinces: float = 0.07,
    night: float = 0.3,
    slips: float = 0.03,
) -> Synthetic:
    """About ``records`` reports of ``records / 2.3`` incidents, ``per_day`` incidents a day on average.

    Shares, each from 0 to 1: ``lookalikes`` of incidents get a second attack nearby on the same day;
    ``districts`` of reports are placed at their district's (county's) position and ``provinces`` at their
    province's centroid; ``night`` of the other party's reports date the incident a day later; ``slips`` of
    a party's reports are 2-5 days off. Deterministic for a given seed. Raises ValueError for a share outside
    0..1, or district and province shares adding up to more than 1.
    """
    for name, value in (("lookalikes", lookalikes), ("districts", districts), ("provinces", provinces),
                        ("night", night), ("slips", slips)):  # fmt: skip
        _check_share(name, value)
    if districts + provinces > 1.0:
        raise ValueError(f"districts and provinces together must be at most 1, not {districts + provinces:g}")
    shares = _Shares(districts, provinces, night, slips)
    rng = random.Random(seed)
    n_incidents = max(1, round(records / 2.3))
    days = max(30, round(n_incidents / per_day))
    out: list[Record] = []
    truth: dict[str, int] = {}
    incident_truth: dict[int, TrueIncident] = {}
    number = 0
    serial = 0
    while len(out) < records:
        day = _START + rng.randrange(days)
        city = rng.randrange(len(CITIES))
        group = [_incident(number, day, city, rng)]
        if rng.random() < lookalikes:
            group.append(_incident(number + 1, day, city, rng, near=group[0]))
        for t in group:
            incident_truth[t.number] = t
            for who in _reporters(t, rng):
                serial += 1
                rec = _report(t, who, serial, shares, rng)
                out.append(rec)
                truth[rec.id] = t.number
        number += len(group)
    kept = out[:records]
    return Synthetic(
        records=kept, truth={r.id: truth[r.id] for r in kept}, incidents=number, incident_truth=incident_truth
    )


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
