"""Country and province names as datasets write them, onto ISO codes and sarhad's canonical names.

Thin wrappers over :mod:`sarhad.geo` with a per-process cache: importers call them for every row.

A country is known by the names and codes of the region's countries (:data:`sarhad.geo.admin.COUNTRY_NAMES`)
and, for any other country, by its ISO 3166-1 English name and numeric code (``sarhad/geo/data/countries.csv``,
from Debian iso-codes). The Gleditsch-Ward numbers (UCDP) and GTD country codes below are the region's only:
no openly licensed list of either ships with sarhad, so an export leaves them blank for other countries and
names the country instead (see docs/formats.md). UCDP's GED names some countries in its own way (the state's
earlier name in brackets, "Yemen (North Yemen)", or a short name, "Syria"): :data:`GED_COUNTRIES` reads those.
GTD names the states of its time ("Soviet Union", "Zaire", "West Germany (FRG)") and some countries by short
names ("Russia", "Vietnam"): :data:`GTD_COUNTRIES` reads those. An export writes each dataset's name of a
present state (:func:`ged_country_name`, :func:`gtd_country_name`).
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any, Final

__all__ = [
    "GED_COUNTRIES",
    "GTD_COUNTRIES",
    "admin1_of",
    "alpha_3",
    "country_code",
    "country_name",
    "ged_country_name",
    "gtd_country_name",
    "gtd_number",
    "gw_number",
    "iso_numeric",
]

# Gleditsch-Ward numbers (UCDP country_id, gwno*), ISO numeric (ACLED iso) and GTD country codes.
GW_CODES: Final = {"770": "PK", "630": "IR", "700": "AF", "750": "IN", "2": "US", "710": "CN", "698": "OM"}
ISO_NUMERIC: Final = {"586": "PK", "364": "IR", "4": "AF", "004": "AF", "356": "IN"}
GTD_CODES: Final = {"153": "PK", "94": "IR", "4": "AF", "92": "IN"}

# GED's ``country`` where it is neither ISO 3166's English name nor one sarhad.geo knows: UCDP's names of
# Gleditsch-Ward states, with the state's earlier name in brackets where the GW state spans both (GED 23.1 to
# 25.1 write these; the codebook points to the GW list for ``country_id``).
GED_COUNTRIES: Final = {
    "Bolivia": "BO", "Bosnia-Herzegovina": "BA", "Cambodia (Kampuchea)": "KH", "DR Congo (Zaire)": "CD",
    "Ivory Coast": "CI", "Kingdom of eSwatini (Swaziland)": "SZ", "Laos": "LA", "Macedonia, FYR": "MK",
    "Madagascar (Malagasy)": "MG", "Moldova": "MD", "Myanmar (Burma)": "MM", "North Korea": "KP",
    "Russia (Soviet Union)": "RU", "Serbia (Yugoslavia)": "RS", "South Korea": "KR", "Syria": "SY",
    "Tanzania": "TZ", "United States of America": "US", "Venezuela": "VE", "Vietnam (North Vietnam)": "VN",
    "Yemen (North Yemen)": "YE", "Zimbabwe (Rhodesia)": "ZW",
}  # fmt: skip
# what an export writes: GED's present names (its later releases write "North Macedonia", as ISO does)
_GED_NAMES: Final = {code: name for name, code in GED_COUNTRIES.items() if name != "Macedonia, FYR"}

# GTD's ``country_txt`` where it is neither ISO 3166's English name, nor GED's, nor one sarhad.geo knows (GTD
# 1970-2020 and earlier releases). A state that no longer exists is read as its successor, the state that
# continues it as UCDP's Gleditsch-Ward list and the UN do: the Soviet Union as Russia, Yugoslavia and
# Serbia-Montenegro as Serbia, both Germanys as Germany, both Yemens as Yemen, South Vietnam as Vietnam, Zaire
# and the People's Republic of the Congo as the two Congos, Rhodesia as Zimbabwe, the New Hebrides as Vanuatu;
# Czechoslovakia, which left no continuing state, as the Czech Republic, as its records are usually carried on.
# Kosovo has no ISO code: XK, the code the EU and the IMF use. GTD's names of no country ("International",
# "Multinational", "Asian") are not here, and "St. Martin", an island of two ISO territories (MF, SX), is not.
GTD_COUNTRIES: Final = {
    "Brunei": "BN", "Congo (Brazzaville)": "CG", "Congo (Kinshasa)": "CD", "Corsica": "FR", "Czech Republic": "CZ",
    "Czechoslovakia": "CZ", "Democratic Republic of the Congo": "CD", "East Germany (GDR)": "DE", "East Timor": "TL",
    "Falkland Islands": "FK", "Great Britain": "GB", "Kosovo": "XK", "Macau": "MO", "Macedonia": "MK",
    "Man, Isle of": "IM", "New Hebrides": "VU", "North Yemen": "YE", "Northern Ireland": "GB",
    "People's Republic of the Congo": "CG", "Republic of the Congo": "CG", "Rhodesia": "ZW", "Russia": "RU",
    "Serbia-Montenegro": "RS", "Slovak Republic": "SK", "South Vietnam": "VN", "South Yemen": "YE",
    "Soviet Union": "RU", "St. Kitts and Nevis": "KN", "St. Lucia": "LC", "Swaziland": "SZ", "Taiwan": "TW",
    "Vatican City": "VA", "Vietnam": "VN", "West Bank and Gaza Strip": "PS", "West Germany (FRG)": "DE",
    "Yugoslavia": "RS", "Zaire": "CD",
}  # fmt: skip

# what an export writes: GTD's names of present states where they are not ISO's (never a former state's, nor a
# part's, "Northern Ireland"; GTD's older "Macedonia" and "Swaziland" give way to ISO's present names)
_GTD_NAMES: Final = {
    GTD_COUNTRIES[name]: name
    for name in (
        "Brunei", "Czech Republic", "Democratic Republic of the Congo", "East Timor", "Falkland Islands", "Kosovo",
        "Macau", "Man, Isle of", "Republic of the Congo", "Russia", "Slovak Republic", "St. Kitts and Nevis",
        "St. Lucia", "Taiwan", "Vatican City", "Vietnam", "West Bank and Gaza Strip",
    )
}  # fmt: skip

# names of codes in use that ISO has not assigned, which the datasets name as here and country_code reads back
_UNASSIGNED_NAMES: Final = {"XK": "Kosovo"}

_FALLBACK_COUNTRIES: Final = {"pakistan": "PK", "iran": "IR", "afghanistan": "AF", "india": "IN"}


def _geo(name: str) -> Any:
    """A normaliser from sarhad.geo; a minimal stand-in while the geography data is not installed."""
    try:
        import sarhad.geo as geo

        return getattr(geo, name)
    except (ImportError, AttributeError):
        if name == "normalise_country":
            return lambda text: _FALLBACK_COUNTRIES.get(text.split(" (")[0].strip().casefold())
        return lambda text, country: None


@cache
def _iso_countries() -> dict[str, Any]:
    """Every ISO 3166-1 country by alpha-2 (``sarhad.geo``'s ``countries.csv``); empty without the geography
    data."""
    try:
        from sarhad.geo._data import iso_countries
    except ImportError:
        return {}
    return iso_countries()


@cache
def _iso_by_numeric() -> dict[str, str]:
    """ISO numeric code without leading zeros ("4", as ACLED writes it) → alpha-2."""
    table = {str(int(c.numeric)): code for code, c in _iso_countries().items()}
    return table | {str(int(number)): code for number, code in ISO_NUMERIC.items()}


@cache
def _iso_by_name() -> dict[str, str]:
    """ISO English name, folded as :func:`sarhad.geo.admin.normalise_text` folds it → alpha-2."""
    try:
        from sarhad.geo.admin import normalise_text
    except ImportError:
        return {}
    return {normalise_text(c.name): code for code, c in _iso_countries().items()}


@cache
def _dataset_names() -> dict[str, str]:
    """:data:`GED_COUNTRIES` and :data:`GTD_COUNTRIES`, folded as :func:`sarhad.geo.admin.normalise_text` folds a
    name → alpha-2."""
    names = GED_COUNTRIES | GTD_COUNTRIES
    try:
        from sarhad.geo.admin import normalise_text
    except ImportError:
        return {name.casefold(): code for name, code in names.items()}
    return {normalise_text(name): code for name, code in names.items()}


def _iso_name_code(name: str) -> str | None:
    """The alpha-2 code of a country's ISO English name ("Germany", "Korea, Republic of") or of GED's or GTD's
    name for it ("Russia (Soviet Union)", "Soviet Union"), or None."""
    try:
        from sarhad.geo.admin import normalise_text
    except ImportError:
        return _dataset_names().get(name.casefold())
    key = normalise_text(name)
    return _iso_by_name().get(key) or _dataset_names().get(key)


def _numeric_code(text: str) -> str | None:
    """The alpha-2 code of an ISO numeric code ("4", "004"), or None."""
    return _iso_by_numeric().get(str(int(text))) if text.isascii() and text.isdigit() else None


@lru_cache(maxsize=4096)
def country_code(name: str, *, gw: str = "", iso_numeric: str = "", gtd: str = "") -> str | None:
    """ISO alpha-2 for a dataset's country name or code, or None when unknown.

    Codes first (a Gleditsch-Ward number of the region, any ISO numeric code, a GTD code of the region), then
    the name: the region's names and spellings, then any country's ISO English name (what an export writes for
    a country outside the region) or GED's or GTD's name for it (:data:`GED_COUNTRIES`, :data:`GTD_COUNTRIES`).
    """
    normalise_country = _geo("normalise_country")
    for table, code in ((GW_CODES, gw), (GTD_CODES, gtd)):
        code = code.strip()
        if code in table:
            return table[code]
    found: str | None = _numeric_code(iso_numeric.strip())
    if found is not None:
        return found
    text = name.strip()
    if not text:
        return None
    found = normalise_country(text)
    return found if found is not None else _iso_name_code(text)


@lru_cache(maxsize=16384)
def admin1_of(name: str, country: str | None) -> tuple[str | None, str | None]:
    """(canonical province name, ISO 3166-2 code) for a dataset's admin-1 spelling.

    Unknown spellings keep the dataset's own name (without a trailing "province") and no code.
    """
    normalise_admin1 = _geo("normalise_admin1")
    text = name.strip()
    if not text:
        return None, None
    found: tuple[str, str] | None = normalise_admin1(text, country)
    if found is not None:
        return found
    for suffix in (" province", " Province", " ostan", " Ostan"):
        text = text.removesuffix(suffix)
    return text, None


def country_name(code: str | None) -> str:
    """The English name of an ISO alpha-2 country code, as the datasets write it (``IR`` → Iran): the region's
    usual name, else ISO's (``DE`` → Germany), which :func:`country_code` reads back; Kosovo for ``XK``, which
    ISO has not assigned, the code itself for any other such code, and blank for None."""
    if not code:
        return ""
    if code in _UNASSIGNED_NAMES:
        return _UNASSIGNED_NAMES[code]
    try:
        from sarhad.geo.admin import COUNTRY_NAMES
    except ImportError:  # the geography data is not installed
        return code
    names = COUNTRY_NAMES.get(code)
    if names:
        return names[0]
    iso = _iso_countries().get(code)
    return str(iso.name) if iso is not None else code


def iso_numeric(code: str | None) -> str:
    """ACLED's ``iso`` for an ISO alpha-2 code: the ISO 3166 numeric code without leading zeros (``AF`` → 4),
    blank when unknown (a code ISO has not assigned)."""
    iso = _iso_countries().get(code or "")
    if iso is not None:
        return str(int(iso.numeric))
    return next((number for number, alpha_2 in ISO_NUMERIC.items() if alpha_2 == code and code), "")


def gw_number(code: str | None) -> str:
    """The Gleditsch-Ward number (UCDP's ``country_id``) of an ISO alpha-2 code, blank when sarhad's list
    (:data:`GW_CODES`) lacks the country."""
    return next((number for number, alpha_2 in GW_CODES.items() if alpha_2 == code and code), "")


def gtd_number(code: str | None) -> str:
    """GTD's ``country`` code of an ISO alpha-2 code, blank when sarhad's list (:data:`GTD_CODES`) lacks the
    country."""
    return next((number for number, alpha_2 in GTD_CODES.items() if alpha_2 == code and code), "")


def ged_country_name(code: str | None) -> str:
    """GED's name of an ISO alpha-2 country code (``YE`` → Yemen (North Yemen), ``US`` → United States of America)
    when GED names it its own way, else :func:`country_name`; :func:`country_code` reads either back."""
    return _GED_NAMES.get(code or "") or country_name(code)


def gtd_country_name(code: str | None) -> str:
    """GTD's name of an ISO alpha-2 country code (``RU`` → Russia, ``CZ`` → Czech Republic) when GTD names the
    present state its own way, else :func:`country_name`; never a former state's name (``RU`` is not the Soviet
    Union). :func:`country_code` reads either back."""
    return _GTD_NAMES.get(code or "") or country_name(code)


def alpha_3(code: str | None) -> str | None:
    """The ISO 3166-1 alpha-3 code of an alpha-2 code (``SY`` → SYR), or None for one ISO has not assigned."""
    iso = _iso_countries().get(code or "")
    return str(iso.alpha_3) if iso is not None else None
