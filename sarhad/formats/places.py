"""Country and province names as datasets write them, onto ISO codes and sarhad's canonical names.

Thin wrappers over :mod:`sarhad.geo` with a per-process cache: importers call them for every row.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Final

__all__ = ["admin1_of", "country_code", "country_name"]

# Gleditsch-Ward numbers (UCDP country_id, gwno*), ISO numeric (ACLED iso) and GTD country codes.
GW_CODES: Final = {"770": "PK", "630": "IR", "700": "AF", "750": "IN", "2": "US", "710": "CN", "698": "OM"}
ISO_NUMERIC: Final = {"586": "PK", "364": "IR", "4": "AF", "004": "AF", "356": "IN"}
GTD_CODES: Final = {"153": "PK", "94": "IR", "4": "AF", "92": "IN"}


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


@lru_cache(maxsize=4096)
def country_code(name: str, *, gw: str = "", iso_numeric: str = "", gtd: str = "") -> str | None:
    """ISO alpha-2 for a dataset's country name or code, or None when unknown."""
    normalise_country = _geo("normalise_country")
    for table, code in ((GW_CODES, gw), (ISO_NUMERIC, iso_numeric), (GTD_CODES, gtd)):
        code = code.strip()
        if code in table:
            return table[code]
    text = name.strip()
    if not text:
        return None
    found: str | None = normalise_country(text)
    return found


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
    """The English name of an ISO alpha-2 country code, as the datasets write it (``IR`` → Iran); the code
    itself for a country outside sarhad's region, and blank for None."""
    if not code:
        return ""
    try:
        from sarhad.geo.admin import COUNTRY_NAMES
    except ImportError:  # the geography data is not installed
        return code
    names = COUNTRY_NAMES.get(code)
    return names[0] if names else code
