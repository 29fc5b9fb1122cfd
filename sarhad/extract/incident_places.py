"""Where an incident happened: the article's country and dominant province, and an incident's province and
most specific place (province mentions, the gazetteer, regional phrases, the article's dominant province,
the dateline); a background incident "in the same province" takes the main incident's.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import replace
from typing import Any, Final

from sarhad.extract.article import Article
from sarhad.extract.clusters import Cluster
from sarhad.extract.features import SentenceFeatures, names_a_neighbour
from sarhad.extract.places import (
    COUNTRY_WORDS,
    GeoHit,
    PlaceMention,
    geocode,
    geocode_prefixes,
    geocode_within,
    province,
    sole_country,
    unit_country,
)

__all__ = ["article_country", "dominant_province", "place_of", "same_province"]


_DOMAIN_COUNTRY = [
    (
        re.compile(
            r"(?:\.pk$|dawn\.com|thenews\.com\.pk|tribune\.com\.pk|geo\.tv|dunyanews|samaa|arynews|brecorder|"
            r"nation\.com\.pk|app\.com\.pk|radio\.gov\.pk)"
        ),
        "PK",
    ),
    (
        re.compile(
            r"(?:\.ir$|presstv|tehrantimes|irna|mehrnews|tasnim|ifpnews|kayhan|iranintl|iranwire|farsnews|habilian)"
        ),
        "IR",
    ),
    (re.compile(r"(?:\.af$|tolonews|khaama|pajhwok|ariananews|amu\.tv)"), "AF"),
]


_BORDER_COMPOUND = re.compile(
    r"\b(?:Pak|Pakistan|Iran|Afghan|Afghanistan)\s*[-\u2013/]\s*(?:Pak|Pakistan|Iran|Iranian|Afghan|Afghanistan)\b"
)


# a place name that is an institution's, not a place: "Frontier Corps", "Levies Department"
_INSTITUTION = re.compile(r"\b(?:Police|Army|Corps|Guards|Ministry|Department|News|Agency|School of|Institute)\b")
# A dateline names where the story was filed ("TURBAT, March 3:"), which a reader takes for the story's country
# before any other word: it outweighs a province named once (2) and a country word or two.
_DATELINE_VOTE: Final = 4
_PLACE_VOTE: Final = 2


def article_country(article: Article, features: list[SentenceFeatures]) -> str | None:
    """The country the article is about: its source's country, its dateline's place, and the provinces, the
    places (towns, districts) the gazetteer knows in one country only, and the country words its sentences
    name. A place or country named as the other side of a border ("across the border in Sistan and
    Baluchestan", "the area borders Iran's …") is not the article's."""
    votes: Counter[str] = Counter()
    if article.domain:
        for pattern, code in _DOMAIN_COUNTRY:
            if pattern.search(article.domain):
                votes[code] += 2
    for f in features:
        text, off = f.sentence.text, f.sentence.start
        if f.sentence.dateline is not None:
            s, e = f.sentence.dateline
            found = sole_country(article.text[s:e].split(",")[0].strip().title())
            if found is not None:
                votes[found] += _DATELINE_VOTE
        for p in f.provinces:
            if not p.beyond:
                votes[p.country] += 2
        for pm in f.places:
            if _INSTITUTION.search(pm.name) or names_a_neighbour(text, pm.start - off):
                continue
            found = sole_country(pm.name)
            if found is not None:
                votes[found] += _PLACE_VOTE
        # "the Pak-Iran border" names both countries: no vote
        for m in re.finditer(r"[A-Za-z']+", _BORDER_COMPOUND.sub(" ", text)):
            found = COUNTRY_WORDS.get(m.group(0).casefold())
            if found in {"PK", "IR", "AF"} and not names_a_neighbour(text, m.start()):
                votes[found] += 1
    if not votes:
        return None
    return votes.most_common(1)[0][0]


def dominant_province(features: list[SentenceFeatures], country: str | None) -> str | None:
    """The province the article names most (in ``country`` when given), event sentences counting double."""
    counts: Counter[str] = Counter()
    for f in features:
        for p in f.provinces:
            if not p.beyond and (country is None or p.country == country):
                counts[p.admin1] += 2 if f.is_event else 1
        if f.region:
            counts[f.region] += 1
    return counts.most_common(1)[0][0] if counts else None


_OWNER_AFTER = re.compile(r"\s+(?:[a-z]+\s+)?(?:of|in)\s+(?:the\s+)?([A-Z][\w'\-]+(?:\s+[A-Z][\w'\-]+){0,2})")
# a type word naming a district, county (shahrestan) or tehsil
_ADMIN2_WORDS: Final = ("district", "count", "tehsil", "shahrestan")
# "Jaleq in Saravan county", and set off by a comma: "off Jivani, in Gwadar district"
_INSIDE = re.compile(r",?\s+(?:in|of)\s+(?:the\s+)?")


def _sentence_side(pm: PlaceMention, text: str, country: str | None) -> str | None:
    """The side of the border the sentence itself gives a place: a country named as its container ("Kalat
    district of Pakistan", "Taftan county in Iran"), else its administrative word (:func:`unit_country`: "Saravan
    county" is Iran's even in a Pakistani article), else None."""
    owner = _OWNER_AFTER.match(text, pm.end) if pm.type_word else None
    if owner is not None:
        named = COUNTRY_WORDS.get(owner.group(1).casefold())
        if named in {"PK", "IR", "AF"}:
            return named
    return unit_country(pm.type_word, country)


def _geocode_mention(pm: PlaceMention, country: str | None, side: str | None) -> tuple[GeoHit | None, bool]:
    """The gazetteer's place for ``pm`` and whether it lies across the border from the article: on the ``side``
    the sentence gives it where the gazetteer knows it there (the sentence's own word is more specific than the
    article's country), else in the article's ``country`` when it has one, else anywhere."""
    if side is not None and side != country:
        hit = geocode_prefixes(pm.name, side)
        if hit is not None:
            return hit, country is not None
    return geocode_prefixes(pm.name, country) or geocode_prefixes(pm.name), False


def _admin2_word(pm: PlaceMention) -> bool:
    return bool(pm.type_word and pm.type_word.casefold().startswith(_ADMIN2_WORDS))


def _inner_places(mentions: list[PlaceMention], text: str) -> dict[PlaceMention, PlaceMention]:
    """ "The village of Jaleq in Saravan county": each county, district or tehsil mention that a smaller place's
    mention names as its container (the text between them "in" or "of"), with that smaller place."""
    inner: dict[PlaceMention, PlaceMention] = {}
    for small, big in itertools.pairwise(sorted(mentions, key=lambda m: m.start)):
        if _admin2_word(big) and not _admin2_word(small) and _INSIDE.fullmatch(text, small.end, big.start):
            inner[big] = small
    return inner


_POINT_KINDS: Final = frozenset({"city", "town", "village", "place", "populated place"})


def _containers(sentences: list[SentenceFeatures], text: str, country: str | None) -> dict[str, tuple[GeoHit, bool]]:
    """ "Near Dasht in Mastung district": each place name that a sentence of the cluster names inside a district,
    county or tehsil (folded), with that container's gazetteer entry as a district (its position, district
    precision) and whether it lies across the border from the article. The place must be found inside it, in
    whichever sentence it is named (the title's "near Dasht" too)."""
    out: dict[str, tuple[GeoHit, bool]] = {}
    for f in sentences:
        for big, small in _inner_places(f.places, text).items():
            hit, across = _geocode_mention(big, country, _sentence_side(big, text, country))
            if hit is None:
                typed = f"{big.name} {big.type_word}"
                hit = geocode(typed, country) or geocode(typed)
            if hit is None or hit.lat is None or hit.kind in {"province", "country"}:
                continue
            if hit.kind in _POINT_KINDS:
                # "Mastung district" found as its seat, the town: the district is what the text names
                hit = replace(hit, kind="county" if hit.country == "IR" else "district")
            out.setdefault(small.name.casefold(), (hit, across or (country is not None and hit.country != country)))
    return out


def place_of(
    cluster: Cluster, features: list[SentenceFeatures], country: str | None, dominant: str | None, article: Article
) -> dict[str, Any]:
    """Where the cluster's incident happened: country, province (and how it was found: ``admin1_source``), the
    most specific place with its coordinates and precision, and the spans of the place and province words."""
    best_place: tuple[PlaceMention, GeoHit | None] | None = None
    province_votes: Counter[str] = Counter()
    province_span: dict[str, tuple[int, int]] = {}
    same_sentence_province: dict[int, str] = {}
    province_country: dict[str, str] = {}
    # the other country's provinces a main incident's sentence with its victims names ("Five Iranian guards were
    # killed in Sistan and Baluchestan" under "QUETTA:"): its place when the article's country has none for it
    foreign: Counter[str] = Counter()
    # "Four Iranian guards were killed when militants attacked their patrol across the border in Sistan-Baluchestan"
    # under "QUETTA:": the sentence with the victims places them on the other side, the sentences it names
    beyond: dict[str, int] = {}
    for i, f in enumerate(cluster.sentences):
        for p in f.provinces:
            # the main incident stays in the article's country, and "across the border in …" is the other side
            if cluster.main and (p.beyond or (country and p.country != country)):
                if p.beyond and any(c.who == "victims" for c in f.casualties):
                    beyond.setdefault(p.admin1, i)
                    province_span.setdefault(p.admin1, (p.start, p.end))
                if not p.beyond and any(c.who == "victims" for c in f.casualties):
                    foreign[p.admin1] += 1
                    province_span.setdefault(p.admin1, (p.start, p.end))
                continue
            province_votes[p.admin1] += 3 if f.is_event else 1
            province_span.setdefault(p.admin1, (p.start, p.end))
            same_sentence_province.setdefault(i, p.admin1)
            province_country[p.admin1] = p.country
    region = next((f.region for f in cluster.sentences if f.region), None)
    best_place_score = -1
    best_index = 0
    best_across = False  # the chosen place lies across the border from the article, as its sentence says
    inside: dict[PlaceMention, PlaceMention] = {}  # the county or district mentions chosen for a place in them
    containers = _containers(cluster.sentences, article.text, country)
    for i, f in enumerate(cluster.sentences):
        inner = _inner_places(f.places, article.text)
        for pm in f.places:
            if _INSTITUTION.search(pm.name):
                continue
            hit, across = _geocode_mention(pm, country, _sentence_side(pm, article.text, country))
            if hit is None and pm.type_word:
                # a spelling the gazetteer's curated aliases know only with its type word ("Gawadar district")
                typed = f"{pm.name} {pm.type_word}"
                hit = geocode(typed, country) or geocode(typed)
            owner = _OWNER_AFTER.match(article.text, pm.end) if pm.type_word else None
            if owner is not None:
                # "the Shewa tehsil of North Waziristan": the district the text names is the place's container
                owner_hit = geocode_prefixes(owner.group(1), country)
                # "Taftan county in Iran": a country is no container that places the county
                if (
                    owner_hit is not None
                    and owner_hit.kind != "country"
                    and (hit is None or hit.country != owner_hit.country or hit.admin1 != owner_hit.admin1)
                ):
                    hit, across = owner_hit, False
            container = None if _admin2_word(pm) else containers.get(pm.name.casefold())
            if container is not None:
                # a place the text names in a district lies in it: the gazetteer's place of that name there, else
                # the district itself (a same-named place elsewhere, even the gazetteer's only one, is not it)
                district, across = container
                hit = geocode_within(pm.name, district) or district
            if hit is None and pm.type_word is None:
                continue
            if hit is not None and country and hit.country != country and not across:
                if sole_country(pm.name) == hit.country:
                    # "Turbat" in an article read as Iran's: the gazetteer knows the name on one side only, so the
                    # sentence places it there whatever the article's country
                    across = True
                elif cluster.main or (pm.type_word is None and len(pm.name) < 4):
                    continue
            score = (hit is not None) * 2 + (pm.type_word is not None) + (f.sentence.role != "title")
            small = inner.get(pm)
            if small is not None:
                # "the village of Jaleq in Saravan county" in a Pakistani article: the village is on the county's side
                near = hit.country if across and hit is not None else country
                small_hit = geocode_prefixes(small.name, near) or geocode_prefixes(small.name)
                if small_hit is not None and (hit is None or small_hit.admin1 == hit.admin1):
                    # "the village of Jaleq in Saravan county": the village, which the gazetteer knows, not its county
                    continue
                inside[pm] = small
            if best_place is None or score > best_place_score:
                best_place = (pm, hit)
                best_across = across
                best_place_score = score
                best_index = i
        if best_place is not None and best_place[1] is not None:
            break
    if beyond and (
        best_place is None
        or (best_place[1] is not None and best_place[1].kind == "country")
        or not any(c.who == "victims" for c in cluster.sentences[best_index].casualties)
    ):
        # the victims' sentence names no town of its own ("in Iran's" is the country): a place of another sentence
        # ("security was tightened in Washuk district after the attack") is on this side of the border
        best_place = None
        province_votes = Counter({admin1: 1 for admin1 in beyond})
    admin1 = None
    admin1_span = None
    place_name = None
    place_span = None
    lat = lon = None
    precision = "unknown"
    hit = None
    if best_place is not None:
        chosen_pm, hit = best_place
        named = inside.get(chosen_pm, chosen_pm)  # a place the gazetteer does not know is named, at its county
        place_name = re.sub(
            r"\s+(?:district|county|counties|shahrestan|bakhsh|town|city|tehsil|area)$", "", named.name, flags=re.I
        )
        place_span = (named.start, named.start + len(place_name))
        explicit = same_sentence_province.get(best_index)
        if explicit and best_across and hit is not None and province_country[explicit] != hit.country:
            # "attacked border guards in Saravan county …, had fled towards Panjgur district of Balochistan"
            explicit = None
        if explicit:
            admin1 = explicit
        elif hit is not None and hit.admin1:
            admin1 = hit.admin1
        if hit is not None:
            lat, lon = hit.lat, hit.lon
            # "Saravan county" is the county, which the gazetteer may find as its seat, the town: not a point
            point = hit.kind in _POINT_KINDS and not _admin2_word(chosen_pm)
            # a curated place whose coordinates are known only roughly is "near", never "exact"
            precision = ("near" if hit.approximate else "exact") if point else "admin2"
        elif _admin2_word(chosen_pm):
            precision = "admin2"
    if admin1 is None and province_votes:
        admin1 = province_votes.most_common(1)[0][0]
        admin1_span = province_span.get(admin1)
    if admin1 is None and foreign:
        admin1 = foreign.most_common(1)[0][0]
        admin1_span = province_span.get(admin1)
    source = "text" if admin1 is not None else None
    if admin1 is None and region:
        admin1, source = region, "region"
    if admin1 is None and dominant:
        admin1, source = dominant, "article"
    if admin1 is None and cluster.main:
        for f in features:
            if f.sentence.dateline:
                s, e = f.sentence.dateline
                name = article.text[s:e].split(",")[0].strip().title()
                dl = geocode(name, country)
                if dl is not None and dl.admin1:
                    admin1, source = dl.admin1, "dateline"
                    break
    if admin1 is not None and admin1_span is None:
        admin1_span = province_span.get(admin1)
    ctry = None
    code = None
    if admin1 is not None:
        norm = province(admin1, None)
        if norm:
            admin1, code = norm
            ctry = code.split("-")[0]
    if ctry is None:
        ctry = hit.country if hit is not None else country
    if precision == "unknown" and admin1:
        precision = "admin1"
    elif precision == "unknown" and ctry:
        precision = "country"
    return {
        "country": ctry,
        "admin1": admin1,
        "admin1_code": code,
        "place": place_name,
        "lat": lat,
        "lon": lon,
        "geo_precision": precision,
        "admin1_source": source,
        "spans": {
            "place": list(place_span) if place_span else None,
            "admin1": list(admin1_span) if admin1_span else None,
        },
    }


_SAME_PLACE = re.compile(
    r"\b(?:in|of|at|on) the same (?P<what>province|region|district|county|city|town|area|bazaar|market|village|place|"
    r"spot|mosque|road|highway|checkpost|check post|station)\b",
    re.I,
)


def same_province(cluster: Cluster, place: dict[str, Any], main_place: dict[str, Any]) -> dict[str, Any]:
    """ "In Taftan county of the same province", "a similar blast in the same bazaar": a background incident in
    the main incident's province (and, for a district, town or spot, at its place)."""
    m = next((m for f in cluster.sentences if (m := _SAME_PLACE.search(f.sentence.text))), None)
    if m is None:
        return place
    out = dict(place)
    if m.group("what").casefold() not in {"province", "region"} and main_place["place"]:
        for key in ("place", "lat", "lon", "geo_precision"):
            out[key] = main_place[key]
        out["spans"] = {"place": main_place["spans"]["place"], "admin1": None}
    elif place["admin1"] == main_place["admin1"]:
        return place
    else:
        out["spans"] = {"place": place["spans"]["place"], "admin1": None}
        if place["country"] != main_place["country"]:
            # the gazetteer's hit was a namesake in the other country: keep the name, not its coordinates
            out["lat"] = out["lon"] = None
            out["geo_precision"] = "admin1"
    for key in ("country", "admin1", "admin1_code"):
        out[key] = main_place[key]
    out["admin1_source"] = "text"
    return out
