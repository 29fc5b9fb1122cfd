"""Perpetrator comparison through the shared alias registry (:mod:`sarhad.model.actors`).

Every spelling of a group ("Jaish ul-Adl", "Jaish al-Zolm", "Fitna al-Khawarij", "TTP") becomes one key, so
the scorer compares keys, never raw names. Names the registry does not know are folded (case, accents,
punctuation) and compared as they are.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from sarhad.model.actors import get_actor, resolve_actor

__all__ = ["actor_key", "actors_related"]


@lru_cache(maxsize=65536)
def actor_key(name: str | None) -> str | None:
    """The canonical key of a perpetrator name: the registry's actor id, else ``name:<folded name>``.

    None for no name or an explicit "unknown".
    """
    if name is None or not name.strip():
        return None
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    folded = re.sub(r"[^a-z0-9]+", " ", folded).strip()
    if folded in {"unknown", "unidentified", "unidentified gunmen", "none", ""}:
        return None
    actor = resolve_actor(name)
    return actor.id if actor is not None else f"name:{folded}"


@lru_cache(maxsize=65536)
def actors_related(a: str, b: str) -> bool:
    """True when two distinct actor keys are a group and its parent, umbrella, successor or faction."""
    x, y = get_actor(a), get_actor(b)
    if x is None or y is None:
        return False
    for one, other in ((x, y), (y, x)):
        if one.parent == other.id or one.successor_of == other.id or other.id in one.member_of:
            return True
    return False
