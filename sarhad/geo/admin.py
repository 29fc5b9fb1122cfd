"""Which country and province a point is in, and the names datasets use for them.

Points are located in the analytics coverage (``data/regions.bin.gz``): OpenStreetMap country outlines
split into provinces along Natural Earth's admin-1 lines. A 0.05° raster answers most points with an array
lookup; points in cells that straddle an edge are tested exactly against the few polygons around them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache

import numpy as np
import shapely

from sarhad.errors import InvalidInput
from sarhad.geo._data import country_codes, regions

__all__ = [
    "COUNTRY_NAMES",
    "locate_ids",
    "locate_many",
    "normalise_admin1",
    "normalise_country",
    "normalise_text",
    "parse_country",
    "party_code",
]

# Countries of the coverage, by ISO alpha-2: English name first, then other names and codes.
COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "PK": ("Pakistan", "Islamic Republic of Pakistan", "PAK", "Pākistān", "پاکستان"),
    "IR": ("Iran", "Iran (Islamic Republic of)", "Islamic Republic of Iran", "Iran, Islamic Republic of",
           "Iran, Islamic Rep.", "Persia", "IRN", "Īrān", "ایران"),
    "AF": ("Afghanistan", "Islamic Republic of Afghanistan", "Islamic Emirate of Afghanistan", "AFG", "افغانستان"),
    "IN": ("India", "Republic of India", "IND"),
    "CN": ("China", "People's Republic of China", "CHN"),
    "TM": ("Turkmenistan", "TKM"), "TJ": ("Tajikistan", "TJK"), "UZ": ("Uzbekistan", "UZB"),
    "KG": ("Kyrgyzstan", "Kyrgyz Republic", "KGZ"), "OM": ("Oman", "OMN"),
    "AE": ("United Arab Emirates", "UAE", "ARE"), "IQ": ("Iraq", "IRQ"), "TR": ("Turkey", "Türkiye", "TUR"),
    "AZ": ("Azerbaijan", "AZE"), "AM": ("Armenia", "ARM"), "KW": ("Kuwait", "KWT"), "QA": ("Qatar", "QAT"),
    "BH": ("Bahrain", "BHR"), "SA": ("Saudi Arabia", "SAU"),
}  # fmt: skip

# Spellings the sources do not give, seen in datasets and news (UCDP, GTD, ACLED, Pakistani and Iranian
# press). Keys are normalised (see normalise_text); the build adds NE's and ISO's own names.
ADMIN1_EXTRA: dict[str, tuple[str, ...]] = {
    "PK-BA": ("Baluchistan", "Balochestan", "Beluchistan", "Baluchestan (Pakistan)", "Balochistan Pakistan"),
    "PK-KP": ("KP", "KPK", "K.P.K.", "K-P", "NWFP", "N.W.F.P.", "North-West Frontier Province",
              "North West Frontier Province", "North-West Frontier", "Khyber Pakhtunkwa", "Khyber Pakhtoonkhwa",
              "Khyber Pukhtunkhwa", "Khyber-Pakhtunkhwa", "Pakhtunkhwa", "FATA", "F.A.T.A.",
              "Federally Administered Tribal Areas", "Federally Administered Tribal Area", "Tribal Areas",
              "Merged districts", "Newly merged districts", "Khyber Pakhtunkhwa (incl. FATA)"),
    "PK-PB": ("Punjab (Pakistan)", "Panjab"), "PK-SD": ("Sind",),
    "PK-GB": ("GB", "Northern Areas", "Gilgit Baltistan"),
    "PK-JK": ("AJK", "AJ&K", "Azad Kashmir", "Azad Jammu & Kashmir", "Pakistan-administered Kashmir"),
    "PK-IS": ("ICT", "Islamabad", "Federal Capital Territory", "Islamabad Capital Territory"),
    "IR-11": ("Sistan-Baluchestan", "Sistan Baluchestan", "Sistan-Balochistan", "Sistan and Balochistan",
              "Sistan and Baluchistan", "Sistan & Baluchestan", "Sistan o Baluchestan", "Sistan-o-Baluchestan",
              "Seistan and Baluchestan", "Seistan-Baluchestan", "Sistan va Baluchestan", "Baluchestan (Iran)",
              "Sistan"),
    "IR-08": ("Kirman",), "IR-22": ("Hormozgan", "Hormuzgan"), "IR-29": ("South Khorasan", "Khorasan-e Jonubi"),
    "IR-09": ("Razavi Khorasan", "Khorasan Razavi", "Khorasan"), "IR-23": ("Teheran",),
    "IR-10": ("Esfahan", "Isfahan"),
}  # fmt: skip

# Persian, Urdu and Dari names that Natural Earth's name_fa and name_ur (which the build adds) lack; NE gives most
# as "استان …", "صوبہ …", "ولایت …", which normalise_admin1 also reads without the word for province. Curated.
ADMIN1_NATIVE: dict[str, tuple[str, ...]] = {
    "PK-JK": ("آزاد کشمیر", "آزاد جموں و کشمیر"), "PK-KP": ("پختونخوا", "فاٹا"),
    "IR-11": ("سیستان", "سیستان بلوچستان"), "IR-09": ("خراسان",),
    "AF-DAY": ("دایکندی",), "AF-PAN": ("پنجشیر",),
}  # fmt: skip

# Names that are a province only in the country given with them. Iran's press and datasets write Sistan and
# Baluchestan as "Baluchestan" ("بلوچستان", "استان بلوچستان") alone, which elsewhere is Pakistan's Balochistan;
# "Baluchestan" (Iran's romanisation) names no province without a country.
ADMIN1_IN_COUNTRY: dict[str, tuple[str, ...]] = {
    "PK-BA": ("Baluchestan",),
    "IR-11": ("Baluchestan", "Baluchistan", "Balochistan", "Balochestan", "Beluchistan", "بلوچستان"),
}  # fmt: skip

# Provinces carved out of another (Daykundi out of Uruzgan in 2004, Panjshir out of Parwan): Natural Earth gives
# the new province its parent's names too ("Uruzgan", "اروزگان", "Parwan"), which are the parent's alone.
_CARVED: dict[str, str] = {"AF-DAY": "AF-URU", "AF-PAN": "AF-PAR"}

_GENERIC = re.compile(
    r"^(?:the |ostan[- ]e |ostan |province of |state of |wilayat[- ]e |velayat[- ]e )|"
    r" (?:province|provinces|ostan|state|region|division|wilayat|velayat|area)$"
)
# The same words in Persian, Urdu and Pashto, as _native_fold leaves them: ostan, suba, wilayat, ayalat (province,
# state), and Urdu's "ilaqa" (area) and "pravins" (province) after a name.
_GENERIC_NATIVE = re.compile(r"^(?:استان|صوبه|ولایت|ایالت) | (?:استان|صوبه|ولایت|علاقه|پراونس)$")
# Persian and Urdu write some letters differently (Urdu's ہ ھ ۃ where Persian writes ه, its ے for ی), and the
# zero-width non-joiner inside a word (Persian's نیم‌فاصله) and direction marks come and go.
_NATIVE_FOLD = str.maketrans(
    {"ہ": "ه", "ھ": "ه", "ۃ": "ه", "ے": "ی", "\u200c": None, "\u200d": None, "\u200e": None, "\u200f": None,
     "\u061c": None}
)  # fmt: skip
_PUNCT = re.compile(r"[\s\-‐‑–—_/,.;:()'’‘“”`ʻʼ\"]+")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "أ": "ا", "إ": "ا", "آ": "ا"})


def normalise_text(name: str) -> str:
    """Fold a place name for matching: no case, no diacritics, '&' as 'and', punctuation as single spaces."""
    if name.isascii():  # the common case: skip Unicode decomposition
        return _PUNCT.sub(" ", name.lower().replace("&", " and ")).strip()
    s = _COMBINING.sub("", unicodedata.normalize("NFKD", name))
    s = _ARABIC_MARKS.sub("", s).translate(_ARABIC_FOLD)
    s = s.casefold().replace("&", " and ").replace("ı", "i")
    return _PUNCT.sub(" ", s).strip()


def _strip_generic(key: str) -> str:
    prev = None
    while prev != key:
        prev, key = key, _GENERIC.sub("", key).strip()
    return key


def _admin1_keys(name: str) -> list[str]:
    """The keys a province name is matched by: folded (:func:`normalise_text`), without the word for province;
    a name in Arabic script also with Urdu's letters as Persian's and without its spaces ("خیبرپختونخوا")."""
    key = normalise_text(name)
    keys = [key, _strip_generic(key)]
    if not key.isascii():
        key = " ".join(key.translate(_NATIVE_FOLD).split())
        bare = key
        prev = None
        while prev != bare:
            prev, bare = bare, _GENERIC_NATIVE.sub("", _strip_generic(bare)).strip()
        keys += [key, bare, key.replace(" ", ""), bare.replace(" ", "")]
    return [k for k in dict.fromkeys(keys) if k]


@cache
def _admin1_table() -> tuple[dict[str, list[str]], dict[str, str]]:
    """normalised spelling -> codes; code -> canonical English name."""
    from sarhad.geo._data import gazetteer_data

    g = gazetteer_data()
    canonical = {code: name for code, name, *_ in g["provinces"]}
    table: dict[str, list[str]] = {}

    def add(name: str, code: str) -> None:
        for key in _admin1_keys(name):
            if code not in table.setdefault(key, []):
                table[key].append(code)

    names_of: dict[str, list[str]] = g["admin1_names"]
    for code, ne_names in names_of.items():
        add(canonical[code], code)
        parents = set(names_of.get(_CARVED.get(code, ""), ()))
        for n in ne_names:
            if n not in parents:
                add(n, code)
    for code, names in (*ADMIN1_EXTRA.items(), *ADMIN1_NATIVE.items()):
        for n in names:
            add(n, code)
    # "Punjab" alone is Pakistan's in this region (India's Punjab is not in the coverage's admin-1).
    return table, canonical


@cache
def _admin1_in_country_table() -> dict[str, list[str]]:
    """normalised spelling -> codes, for the names of ADMIN1_IN_COUNTRY."""
    table: dict[str, list[str]] = {}
    for code, names in ADMIN1_IN_COUNTRY.items():
        for n in names:
            for key in _admin1_keys(n):
                if code not in table.setdefault(key, []):
                    table[key].append(code)
    return table


@cache
def _country_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, names in COUNTRY_NAMES.items():
        table[code.casefold()] = code
        for n in names:
            table[normalise_text(n)] = code
    return table


def normalise_country(name: str | None) -> str | None:
    """ISO alpha-2 code of a country name or code ("Pakistan" → "PK", "Iran (Islamic Republic of)" → "IR").

    Knows the countries of sarhad's region (PK, IR, AF and their neighbours) by English name, common
    variants, alpha-2 and alpha-3 codes; returns None for anything else.
    """
    if not name:
        return None
    key = normalise_text(name)
    return _country_table().get(key) or _country_table().get(_strip_generic(key))


def parse_country(text: str, parameter: str) -> str:
    """The ISO 3166-1 alpha-2 code a country filter names (the CLI's ``--country``, the API's ``country``).

    Takes any assigned ISO 3166-1 alpha-2 code in any case (records may come from anywhere; the codes ship in
    ``data/countries.csv``), or a country name or alpha-3 code that :func:`normalise_country` knows
    ("pakistan", "IRN"). ``parameter`` is the option or query parameter the error names.

    Raises InvalidInput for anything else, listing what is accepted: a filter on a value no record holds would
    otherwise find nothing without a word (``xx`` and ``UK``, which ISO has not assigned, included).
    """
    code = normalise_country(text)
    if code is not None:
        return code
    stripped = text.strip()
    names = ", ".join(sorted(names[0] for names in COUNTRY_NAMES.values()))
    accepted = f"(PK, ir) or one of these names (or their alpha-3 codes): {names}"
    if len(stripped) == 2 and stripped.isascii() and stripped.isalpha():
        if stripped.upper() in country_codes():
            return stripped.upper()
        raise InvalidInput(
            f"{parameter} {text!r} is not an assigned ISO 3166-1 alpha-2 code: expected one in any case {accepted}"
        )
    raise InvalidInput(
        f"{parameter} {text!r} is not a country: expected an ISO 3166-1 alpha-2 code in any case {accepted}"
    )


def party_code(text: str) -> str:
    """The party or dataset code ``text`` names: a country's name or alpha-3 code that
    :func:`normalise_country` knows is that country's alpha-2 code ("Pakistan", "PAK": PK), anything else its
    capitals ("ucdp": UCDP; a think tank's code as given). What ``import --reported-by`` stores and what the
    ``--reported-by`` filter and the API's ``reported_by`` match, so that one party is never two."""
    return normalise_country(text) or text.strip().upper()


def normalise_admin1(name: str | None, country: str | None = None) -> tuple[str, str] | None:
    """(canonical English name, ISO 3166-2 code) of a PK, IR or AF province, from any common spelling.

    Accepts dataset spellings such as "Khyber Pakhtunkwa province", "Federally Administered Tribal Areas"
    (merged into Khyber Pakhtunkhwa: PK-KP), "N.W.F.P.", "KPK", "Baluchistan", "Sīstān va Balūchestān",
    "Sistan-Baluchestan province", ISO codes ("PK-BA", "IR-11"), and the Persian, Urdu and Dari names with or
    without the word for province ("سیستان و بلوچستان", "استان کرمان", "بلوچستان", "خیبر پختونخوا", "صوبہ سندھ",
    "ولایت هلمند"), Urdu's letters read as Persian's and spaces inside a name ignored. ``country`` (a name or
    code) settles names that two countries share: "Baluchistan", "Balochistan" and "بلوچستان" are Pakistan's
    Balochistan (PK-BA) without a country and with Pakistan, and Sistan and Baluchestan (IR-11) with Iran;
    "Baluchestan" alone is either, and None without a country. Returns None when the name is not known.
    """
    if not name:
        return None
    table, canonical = _admin1_table()
    raw = name.strip()
    if raw.upper() in canonical:
        code = raw.upper()
        return canonical[code], code
    cc = normalise_country(country) if country else None
    keys = _admin1_keys(raw)
    codes = next((table[key] for key in keys if key in table), None)
    if cc:
        # "Balochistan" with Iran: its own province of that name (ADMIN1_IN_COUNTRY), not Pakistan's
        in_country = _admin1_in_country_table()
        scoped = next((in_country[key] for key in keys if key in in_country), [])
        codes = [c for c in (*(codes or ()), *scoped) if c.startswith(cc + "-")]
    if not codes:
        return None
    code = codes[0]
    return canonical[code], code


def locate_ids(lats: Sequence[float] | np.ndarray, lons: Sequence[float] | np.ndarray) -> np.ndarray:
    """Index into the coverage of the region holding each point (int32; -1 when in none)."""
    from sarhad.geo.border import as_coords

    lat, lon = as_coords(lats, lons)
    reg = regions()
    ny, nx = reg.raster.shape
    x0, y0 = reg.origin
    col = np.floor((lon - x0) / reg.step).astype(np.int64)
    row = np.floor((lat - y0) / reg.step).astype(np.int64)
    inside = (col >= 0) & (col < nx) & (row >= 0) & (row < ny)
    cell = np.full(lat.size, 255, dtype=np.int32)
    cell[inside] = reg.raster[row[inside], col[inside]]
    out = cell - 1
    exact = np.flatnonzero(cell == 255)
    out[exact] = -1
    if exact.size:
        ex, ey = lon[exact], lat[exact]
        todo = np.ones(exact.size, dtype=bool)
        for i, (bx0, by0, bx1, by1) in enumerate(reg.bounds):
            m = todo & (ex >= bx0) & (ex <= bx1) & (ey >= by0) & (ey <= by1)
            if not m.any():
                continue
            sel = np.flatnonzero(m)
            hit = shapely.intersects_xy(reg.geoms[i], ex[sel], ey[sel])
            got = sel[hit]
            out[exact[got]] = i
            todo[got] = False
    return out


def locate_arrays(
    lats: Sequence[float] | np.ndarray, lons: Sequence[float] | np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(country, admin1, admin1_code) as three object arrays (None where a point is in no region)."""
    ids = locate_ids(lats, lons)
    reg = regions()
    ok = ids >= 0
    country = np.full(ids.size, None, dtype=object)
    admin1 = np.full(ids.size, None, dtype=object)
    code = np.full(ids.size, None, dtype=object)
    country[ok] = reg.country[ids[ok]]
    admin1[ok] = reg.admin1[ids[ok]]
    code[ok] = reg.admin1_code[ids[ok]]
    return country, admin1, code


def locate_many(
    lats: Sequence[float] | np.ndarray, lons: Sequence[float] | np.ndarray
) -> list[tuple[str | None, str | None, str | None]]:
    """(country, admin1, admin1_code) for each point, e.g. ("PK", "Balochistan", "PK-BA").

    Vectorised (a raster lookup, then exact tests for points near an edge): about a million points a second.
    Points outside the coverage (40-80°E band around PK, IR and AF, beyond territorial waters) give
    (None, None, None); other countries of the region give their code with admin1 None.
    Raises InvalidInput when the arrays differ in length or hold out-of-range coordinates.
    """
    country, admin1, code = locate_arrays(lats, lons)
    return list(zip(country.tolist(), admin1.tolist(), code.tolist(), strict=True))
