"""Geocoding place names offline: GeoNames places of PK, IR and AF, curated districts, provinces, crossings.

A name is folded (case, diacritics, punctuation; see :func:`sarhad.geo.admin.normalise_text`) and looked
up among every place's names and alternate names. Qualifiers that news text wraps around a name ("the",
"district", "province", "border", "crossing" …) are peeled off when the whole phrase is not a name, and
tell which kind of place is meant. Candidates are ranked by how well they fit: the match (the place's
own name beats an alternate name, an exact phrase beats one with qualifiers peeled off), the country and
province hints, the kind the qualifier asks for; then by population.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from sarhad.geo.admin import ADMIN1_EXTRA, COUNTRY_NAMES, normalise_admin1, normalise_country, normalise_text

__all__ = ["APPROXIMATE_NOTE", "Candidate", "DistrictSeat", "district_seats", "find"]

APPROXIMATE_NOTE: Final = "(approximate)"
"""How a note in ``aliases.csv`` ends when the row's coordinates are known only to a few tens of kilometres."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One possible place for a name. ``confidence`` (0..1) is how sure sarhad is that this is the place
    meant, given the hints; ``kind`` is "city" (any GeoNames populated place), "district", "county",
    "province", "country" or "crossing". ``approximate`` marks a curated place whose coordinates are known only to
    a few tens of kilometres (its note in ``aliases.csv`` ends "(approximate)"): a record placed there is
    "near", not "exact"."""

    name: str
    country: str | None
    admin1: str | None
    admin1_code: str | None
    lat: float
    lon: float
    population: int
    kind: str
    confidence: float
    geonameid: int | None = None
    approximate: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "country": self.country,
            "admin1": self.admin1,
            "admin1_code": self.admin1_code,
            "lat": self.lat,
            "lon": self.lon,
            "population": self.population,
            "kind": self.kind,
            "confidence": self.confidence,
            "geonameid": self.geonameid,
            "approximate": self.approximate,
        }


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    country: str | None
    admin1_code: str | None
    lat: float
    lon: float
    population: int
    kind: str
    geonameid: int | None
    approximate: bool = False


# Qualifiers: the words peeled off a phrase, and the kinds of place each one asks for.
_KINDS: dict[str, tuple[str, ...]] = {
    "district": ("district",), "districts": ("district",), "agency": ("district",), "tehsil": ("district",),
    "tribal district": ("district",), "division": ("district", "province"),
    "county": ("county",), "shahrestan": ("county",),
    "province": ("province",), "ostan": ("province",), "state": ("province",),
    "border": ("crossing",), "border crossing": ("crossing",), "crossing": ("crossing",),
    "border point": ("crossing",), "crossing point": ("crossing",), "border post": ("crossing",),
    "gate": ("crossing",), "border town": ("city",),
    "city": ("city",), "town": ("city",), "village": ("city",), "port": ("city",), "area": (), "region": (),
    "valley": ("district",),
}  # fmt: skip
_SUFFIX = re.compile(r"^(?P<core>.+?) (?P<q>" + "|".join(sorted(map(re.escape, _KINDS), key=len, reverse=True)) + r")$")
_PREFIX = re.compile(r"^(?:the|in|at|near|of|from|district of|province of|city of|town of) (?P<core>.+)$")
_KIND_PRIOR = {"city": 1.0, "province": 0.99, "country": 1.0, "district": 0.97, "county": 0.96, "crossing": 0.9}


@cache
def _index() -> tuple[list[_Entry], dict[str, list[tuple[int, float]]]]:
    """All entries, and normalised name -> [(entry index, match quality)]."""
    from sarhad.geo._data import gazetteer_data, seat_rows

    g = gazetteer_data()
    entries: list[_Entry] = []
    keys: dict[str, list[tuple[int, float]]] = {}

    def add(entry: _Entry, primary: list[str], alternates: list[str], folded: bool = False) -> None:
        i = len(entries)
        entries.append(entry)
        seen: set[str] = set()
        for names, q in ((primary, 1.0), (alternates, 0.95)):
            for n in names:
                k = n if folded and q < 1.0 else normalise_text(n)
                if k and k not in seen:
                    seen.add(k)
                    keys.setdefault(k, []).append((i, q))

    for gid, name, cc, code, lat, lon, pop, alts in g["places"]:  # alternates are stored folded
        add(_Entry(name, cc, code, lat, lon, pop, "city", gid), [name], alts, folded=True)
    for name, kind, cc, code, lat, lon, pop, alts, note in g["aliases"]:
        approximate = str(note or "").rstrip().endswith(APPROXIMATE_NOTE)
        add(_Entry(name, cc, code, lat, lon, pop, kind, None, approximate), [name], alts)
    # Districts (counties) of seats.csv by their own GeoNames name, at their seat: "Upper Kohistan district" at
    # Dasu. A name that a curated row of the same country has is left to it (the curated row is that district).
    curated = {(cc, normalise_text(n)) for n0, _k, cc, _c, _la, _lo, _p, alts, _n in g["aliases"] for n in (n0, *alts)}
    for r in seat_rows():
        own_names = [
            n for n in _district_names(r.get("district") or "") if (r["country"], normalise_text(n)) not in curated
        ]
        if own_names:
            entry = _Entry(
                own_names[0], r["country"], r["admin1_code"], float(r["lat"]), float(r["lon"]), 0, r["kind"], None
            )
            add(entry, own_names, [])
    for row in g["crossings"]:
        name, pk, ir, lat, lon, _conf, _st, _op, _d, _c, aliases = row[:11]
        add(_Entry(name, None, None, lat, lon, 0, "crossing", None), [name], [f"{pk}-{ir}", f"{ir}-{pk}", *aliases])
    for code, name, cc, lat, lon in g["provinces"]:
        alts = [n for n in (*g["admin1_names"].get(code, []), *ADMIN1_EXTRA.get(code, ())) if n != name]
        add(_Entry(name, cc, code, lat, lon, 0, "province", None), [name], alts)
    labels = {"PK": (30.0, 69.5), "IR": (32.5, 54.0), "AF": (34.0, 66.0)}
    for cc, (lat, lon) in labels.items():
        names = COUNTRY_NAMES[cc]
        add(_Entry(names[0], cc, None, lat, lon, 0, "country", None), [names[0]], [n for n in names[1:] if len(n) > 3])
    return entries, keys


# The type word of a GeoNames district name: "Swābi District", "Malakand Protected Area", "Shahrestān-e Jīroft".
_DISTRICT_WORDS = re.compile(
    r"^(?:shahrest[aā]n-e )?(?P<core>.+?)(?: (?:district|agency|county|protected area))?$", re.I
)


def _district_names(name: str) -> list[str]:
    """A GeoNames district name without its type word and diacritics (the name the news uses: "Lower Dir"), then
    as GeoNames gives it ("Lower Dīr District")."""
    name = name.strip()
    m = _DISTRICT_WORDS.match(name)
    core = unicodedata.normalize("NFKD", m.group("core") if m else name)
    plain = "".join(ch for ch in core if not unicodedata.combining(ch)).replace("\u2018", "'").replace("\u2019", "'")
    return [n for n in dict.fromkeys((plain, name)) if n]


def _lookups(phrase: str) -> list[tuple[str, float, tuple[str, ...]]]:
    """(key, quality factor, kinds asked for) to try for a phrase, the phrase itself first."""
    key = normalise_text(phrase)
    out: list[tuple[str, float, tuple[str, ...]]] = [(key, 1.0, ())]
    core, factor = key, 1.0
    kinds: tuple[str, ...] = ()
    for _ in range(3):
        m = _PREFIX.match(core)
        if m:
            core = m.group("core")
            factor *= 0.98
            out.append((core, factor, kinds))
            continue
        m = _SUFFIX.match(core)
        if m:
            core = m.group("core")
            kinds = kinds or _KINDS[m.group("q")]
            factor *= 0.95
            out.append((core, factor, kinds))
            continue
        break
    return out


def find(name: str, country: str | None = None, admin1: str | None = None, limit: int = 5) -> list[Candidate]:
    """Ranked candidates for a place name, best first (empty when nothing matches).

    ``country`` (a name or code: "PK", "Iran") and ``admin1`` (any spelling normalise_admin1 knows) are
    context, e.g. the country an article is about: places that fit rank first, and confidence reflects how
    clearly the best candidate stands out. Matching ignores case and diacritics and knows GeoNames'
    alternate names and sarhad's aliases ("Kech" → the district at Turbat, "North Waziristan" → Miranshah);
    "Kech district", "the Taftan border" and "Sistan-Baluchestan province" work too.
    """
    if not name or not name.strip():
        return []
    entries, keys = _index()
    cc = normalise_country(country) if country else None
    a1 = normalise_admin1(admin1, cc) if admin1 else None
    a1_code = a1[1] if a1 else None
    best: dict[int, float] = {}
    for key, factor, kinds in _lookups(name):
        for i, q in keys.get(key, ()):
            e = entries[i]
            fit = q * factor * _KIND_PRIOR.get(e.kind, 0.95)
            if kinds:
                fit *= 1.0 / _KIND_PRIOR.get(e.kind, 0.95) if e.kind in kinds else 0.8
            if cc:
                fit *= 1.0 if e.country in (cc, None) and (e.country == cc or e.kind == "crossing") else 0.5
            if a1_code:
                fit *= 1.0 if e.admin1_code == a1_code else 0.8 if e.country == a1_code[:2] else 0.6
            if fit > best.get(i, 0.0):
                best[i] = fit
    if not best:
        return []
    # a common name can match hundreds of villages: only the top 50 compete for confidence
    ranked = sorted(best.items(), key=lambda kv: (-round(kv[1], 6), -entries[kv[0]].population, kv[0]))[:50]
    # Confidence: the fit, shared with rival candidates that are other places (a district and its
    # headquarters town, at the same spot, are not rivals).
    weights = []
    for i, fit in ranked:
        e = entries[i]
        weights.append((fit**4) * math.log10(e.population + 100.0))
    names = _province_names()
    out: list[Candidate] = []
    for pos, (i, fit) in enumerate(ranked[: max(limit, 0)]):
        e = entries[i]
        rivals = sum(
            w for (j, _), w in zip(ranked, weights, strict=True)
            if j != i and not _same_place(e, entries[j])
        )  # fmt: skip
        share = weights[pos] / (weights[pos] + rivals)
        conf = round(min(1.0, fit * math.sqrt(share)), 3)
        # The list is ranked by fit first: a candidate never claims more confidence than a better-fitting
        # one above it, even when it is the more populous place.
        if out:
            conf = min(conf, out[-1].confidence)
        out.append(Candidate(e.name, e.country, names.get(e.admin1_code or ""), e.admin1_code, e.lat, e.lon,
                             e.population, e.kind, conf, e.geonameid, e.approximate))  # fmt: skip
    return out


def _same_place(a: _Entry, b: _Entry) -> bool:
    return a.country == b.country and abs(a.lat - b.lat) < 0.02 and abs(a.lon - b.lon) < 0.02


@cache
def _province_names() -> dict[str, str]:
    from sarhad.geo._data import gazetteer_data

    return {code: name for code, name, *_ in gazetteer_data()["provinces"]}


@dataclass(frozen=True, slots=True)
class DistrictSeat:
    """Where sarhad places a district of Pakistan or Afghanistan or a county of Iran: its seat (headquarters
    town). ``kind`` is "district" or "county"; ``admin1_code`` the ISO 3166-2 code of its province.
    ``basis``: "curated" (a district of ``aliases.csv``, named as the district), "seat" (GeoNames marks the
    town as the district's seat; named by the town), or "largest place" (GeoNames marks no seat: the
    district's most populous place stands in, a point inside the district)."""

    name: str
    kind: str
    country: str
    admin1_code: str
    lat: float
    lon: float
    basis: str = "curated"


@cache
def district_seats() -> tuple[DistrictSeat, ...]:
    """Every district and county sarhad knows, at its seat: the curated ones in the order of ``aliases.csv``,
    then those of ``seats.csv``.

    No district boundaries ship (see docs/geography.md). The border provinces (Balochistan, Khyber
    Pakhtunkhwa, Gilgit-Baltistan; Sistan and Baluchestan, Kerman, Hormozgan, South and Razavi Khorasan; the 13
    provinces of Afghanistan along Pakistan and Iran) have a seat for every district GeoNames knows there
    (``manifest.json`` "seats" counts them); another province without seats here says nothing about its districts.
    """
    from sarhad.geo._data import gazetteer_data, seat_rows

    curated = (
        DistrictSeat(name, kind, cc, code, lat, lon)
        for name, kind, cc, code, lat, lon, *_ in gazetteer_data()["aliases"]
        if kind in ("district", "county")
    )
    added = (
        DistrictSeat(r["name"], r["kind"], r["country"], r["admin1_code"], float(r["lat"]), float(r["lon"]), r["basis"])
        for r in seat_rows()
    )
    return (*curated, *added)
