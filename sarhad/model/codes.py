"""Code lists the records use: GTD attack, target and weapon types; precisions; TLP; licences.

GTD numbering follows the GTD codebook (START, June 2017 edition). These are the canonical names sarhad
stores and exports; importers map each dataset's own codes onto them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from sarhad.errors import InvalidInput

__all__ = [
    "ATTACK_TYPES",
    "DATE_PRECISIONS",
    "GEO_PRECISIONS",
    "LICENCES",
    "RESTRICTED_LICENCES",
    "TARGET_TYPES",
    "TLP_LEVELS",
    "TYPE_LISTS",
    "WEAPON_TYPES",
    "code_for",
    "off_the_lists",
    "tlp_label",
]

ATTACK_TYPES: Final[dict[int, str]] = {
    1: "Assassination",
    2: "Armed Assault",
    3: "Bombing/Explosion",
    4: "Hijacking",
    5: "Hostage Taking (Barricade Incident)",
    6: "Hostage Taking (Kidnapping)",
    7: "Facility/Infrastructure Attack",
    8: "Unarmed Assault",
    9: "Unknown",
}

TARGET_TYPES: Final[dict[int, str]] = {
    1: "Business",
    2: "Government (General)",
    3: "Police",
    4: "Military",
    5: "Abortion Related",
    6: "Airports & Aircraft",
    7: "Government (Diplomatic)",
    8: "Educational Institution",
    9: "Food or Water Supply",
    10: "Journalists & Media",
    11: "Maritime",
    12: "NGO",
    13: "Other",
    14: "Private Citizens & Property",
    15: "Religious Figures/Institutions",
    16: "Telecommunication",
    17: "Terrorists/Non-State Militia",
    18: "Tourists",
    19: "Transportation",
    20: "Unknown",
    21: "Utilities",
    22: "Violent Political Party",
}

WEAPON_TYPES: Final[dict[int, str]] = {
    1: "Biological",
    2: "Chemical",
    3: "Radiological",
    4: "Nuclear",
    5: "Firearms",
    6: "Explosives",
    7: "Fake Weapons",
    8: "Incendiary",
    9: "Melee",
    10: "Vehicle (not to include vehicle-borne explosives, i.e., car or truck bombs)",
    11: "Sabotage Equipment",
    12: "Other",
    13: "Unknown",
}

# How exactly a date is known; ``date_start``/``date_end`` give the earliest and latest possible day.
DATE_PRECISIONS: Final[tuple[str, ...]] = ("day", "days", "week", "month", "year", "unknown")

# How exactly a place is known, from the most to the least exact (UCDP where_prec order).
GEO_PRECISIONS: Final[tuple[str, ...]] = (
    "exact",
    "near",
    "admin2",
    "admin1",
    "region",
    "country",
    "water",
    "unknown",
)

# TLP 2.0, from the most open to the most restricted.
TLP_LEVELS: Final[tuple[str, ...]] = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")


def tlp_label(tlp: str) -> str:
    """A TLP label as given (``green``, `` Clear``, ``TLP:AMBER``) in the form stored (``GREEN``, ``CLEAR``,
    ``AMBER``): every command's ``--tlp`` reads it so.

    Raises InvalidInput when it is not a TLP 2.0 level, before anything is written.
    """
    level = tlp.strip().upper().removeprefix("TLP:")
    if level not in TLP_LEVELS:
        raise InvalidInput(f"TLP {tlp!r} is not one of {', '.join(TLP_LEVELS)}")
    return level


LICENCES: Final[dict[str, str]] = {
    "CC-BY-4.0": "Creative Commons Attribution 4.0 (UCDP)",
    "GTD-EUA": "GTD End User Agreement: no redistribution",
    "ACLED-ToU": "ACLED Terms of Use: no redistribution of raw data",
    "PARTY-OWN": "the reporting party's own record",
}

# Records under these licences stay out of exports to peers, and are read by no other party's principal (a peer's
# sync included: sarhad.web.auth.unshared_licences), unless the node is configured to share them.
RESTRICTED_LICENCES: Final[frozenset[str]] = frozenset({"GTD-EUA", "ACLED-ToU"})


def code_for(table: dict[int, str], name: str) -> int | None:
    """Return the numeric code of ``name`` in ``table`` (case-insensitive), or None."""
    wanted = name.casefold()
    for code, label in table.items():
        if label.casefold() == wanted:
            return code
    return None


TYPE_LISTS: Final[dict[str, dict[int, str]]] = {
    "attack_types": ATTACK_TYPES,
    "target_types": TARGET_TYPES,
    "weapon_types": WEAPON_TYPES,
}
"""An incident's type fields and the GTD code list each takes its names from."""


def off_the_lists(types: dict[str, Iterable[str]]) -> tuple[str, str] | None:
    """The first (field, name) of ``types`` (an incident's ``attack_types``, ``target_types``, ``weapon_types``)
    whose name is not one of its GTD code list's, None when every name is: what a party's own writer (the JSON
    API, a TAXII client) must keep to, so that the filters, statistics and exports by the code lists find it."""
    for field, names in types.items():
        known = TYPE_LISTS[field].values()
        for name in names:
            if name not in known:
                return field, name
    return None
