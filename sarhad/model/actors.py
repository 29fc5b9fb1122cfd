"""The alias registry of armed groups: one canonical actor behind every spelling, dataset name and state label.

The registry ships as ``sarhad/model/data/actors.json``. Each actor has a stable ``id`` (``"ttp"``, ``"bla"``,
``"jaish-al-adl"`` …), a canonical English ``name``, the countries it operates in and its aliases, each alias
tagged with where the spelling comes from: ``text`` (press spelling), ``gtd`` (a GTD ``gname``), ``ucdp`` (a
UCDP actor or dyad side name), ``acled`` (an ACLED actor name) or ``state-pk`` / ``state-ir`` (the label a
government uses, e.g. Pakistan's "Fitna al-Khawarij" for the TTP, Iran's "Jaish al-Zolm" for Jaish al-Adl).

``resolve_actor(name)`` accepts any of those spellings, loosely: case, accents, hyphens, apostrophes,
"the"/"so-called" and a trailing "(TTP)" do not matter, and transliteration variants that share a consonant
skeleton ("Tehreek-e-Taliban" / "Tehrik-i-Taliban", "Jaish ul-Adl" / "Jaish al-Adel") resolve when the
skeleton is unambiguous. ``find_actor_mentions(text)`` scans running text for every alias, longest first.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = [
    "Actor",
    "ActorMention",
    "Alias",
    "all_actors",
    "find_actor_mentions",
    "get_actor",
    "resolve_actor",
]


@dataclass(frozen=True, slots=True)
class Alias:
    """One spelling of an actor's name and where it comes from."""

    text: str
    source: str = "text"  # text | gtd | ucdp | acled | state-pk | state-ir
    kind: str = "name"  # name | state_label | wing | dyad | ambiguous
    lang: str = "en"


@dataclass(frozen=True, slots=True)
class Actor:
    """An armed group (or a state's umbrella label for several groups)."""

    id: str
    name: str
    kind: str = "armed_group"  # armed_group | umbrella | state_label
    short: str | None = None
    countries: tuple[str, ...] = ()
    alias_records: tuple[Alias, ...] = field(default=(), repr=False)
    parent: str | None = None
    member_of: tuple[str, ...] = ()
    successor_of: str | None = None
    label_by: str | None = None
    notes: str = field(default="", repr=False)

    @property
    def aliases(self) -> tuple[str, ...]:
        """Every spelling, the canonical name and short form first."""
        seen: dict[str, None] = {self.name: None}
        if self.short:
            seen[self.short] = None
        for alias in self.alias_records:
            seen.setdefault(alias.text, None)
        return tuple(seen)

    def label_of(self, alias_text: str) -> str | None:
        """The government whose label ``alias_text`` is ("PK", "IR"), or None for an ordinary name."""
        key = _key(alias_text)
        for alias in self.alias_records:
            if alias.kind == "state_label" and _key(alias.text) == key:
                return alias.source.removeprefix("state-").upper()
        if self.kind == "state_label":
            return self.label_by
        return None


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An alias found in running text: ``text[start:end]`` names ``actor``."""

    start: int
    end: int
    text: str
    actor: Actor
    state_label: str | None = None  # "PK" when the text uses Pakistan's label, etc.


@dataclass(slots=True)
class _Registry:
    actors: dict[str, Actor] = field(default_factory=dict)
    by_key: dict[str, set[str]] = field(default_factory=dict)
    by_skeleton: dict[str, set[str]] = field(default_factory=dict)
    by_first: dict[str, list[tuple[re.Pattern[str], str, str | None]]] = field(default_factory=dict)
    first_re: re.Pattern[str] | None = None


_NOISE = frozenset({"the", "so", "called", "socalled", "banned", "proscribed", "outlawed", "militant", "terrorist"})
_CONNECTORS = frozenset({"e", "i", "ul", "al", "el", "u", "ut", "ud", "ur", "a", "ash", "as", "wal"})
_VOWELS = re.compile(r"[aeiouy]")


def _fold(text: str) -> str:
    if text.isascii():
        return text.replace("'", "").replace("`", "").casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("\u2019", "").replace("'", "").replace("`", "")
    return text.casefold()


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[^\w]+", _fold(text)) if t]


def _key(text: str) -> str:
    return " ".join(t for t in _tokens(text) if t not in _NOISE)


def _skeleton(text: str) -> str:
    out: list[str] = []
    for token in _tokens(text):
        if token in _NOISE or token in _CONNECTORS:
            continue
        out.append(token[0] + _VOWELS.sub("", token[1:]))
    return " ".join(out)


def _alias_regex(alias: str) -> str:
    parts = [p for p in re.split(r"[\s\-\u2010\u2011\u2013]+", alias) if p]
    pieces = []
    for part in parts:
        low = part.casefold()
        if low in {"e", "i", "ul", "al", "el"}:
            pieces.append("(?:e|i|ul|al|el|ud|ur)")
        else:
            pieces.append(re.escape(part).replace("'", "['\u2019]?"))
    return r"[\s\-\u2010\u2011\u2013]*".join(pieces)


_WORD = re.compile(r"[^\W_]+")


def _first_token(alias: str) -> str:
    match = _WORD.search(_fold(alias))
    return match.group(0) if match else ""


def _case_sensitive(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    upper = sum(1 for c in letters if c.isupper())
    return len(letters) <= 5 or upper >= max(2, len(letters) - 1)


def _actor_from(raw: dict[str, Any]) -> Actor:
    aliases = tuple(
        Alias(
            text=a["text"],
            source=a.get("source", "text"),
            kind=a.get("kind", "state_label" if str(a.get("source", "")).startswith("state-") else "name"),
            lang=a.get("lang", "en"),
        )
        for a in raw.get("aliases", [])
    )
    return Actor(
        id=raw["id"],
        name=raw["name"],
        kind=raw.get("kind", "armed_group"),
        short=raw.get("short"),
        countries=tuple(raw.get("countries", [])),
        alias_records=aliases,
        parent=raw.get("parent"),
        member_of=tuple(raw.get("member_of", [])),
        successor_of=raw.get("successor_of"),
        label_by=raw.get("label_by"),
        notes=raw.get("notes", ""),
    )


@lru_cache(maxsize=1)
def _registry() -> _Registry:
    data = json.loads(resources.files("sarhad.model").joinpath("data/actors.json").read_text(encoding="utf-8"))
    reg = _Registry()
    for raw in data["actors"]:
        actor = _actor_from(raw)
        reg.actors[actor.id] = actor
    scan: list[tuple[str, str, str | None]] = []
    for actor in reg.actors.values():
        names = [Alias(actor.name), *([Alias(actor.short)] if actor.short else []), *actor.alias_records]
        for alias in names:
            for variant in _variants(alias.text):
                reg.by_key.setdefault(_key(variant), set()).add(actor.id)
                skeleton = _skeleton(variant)
                if len(skeleton.replace(" ", "")) >= 6:
                    reg.by_skeleton.setdefault(skeleton, set()).add(actor.id)
            if alias.kind not in {"dyad", "ambiguous"} and ":" not in alias.text:
                label = alias.source.removeprefix("state-").upper() if alias.kind == "state_label" else None
                scan.append((alias.text, actor.id, label))
    scan.sort(key=lambda item: len(item[0]), reverse=True)
    for text, actor_id, label in scan:
        body = _alias_regex(text)
        flags = 0 if _case_sensitive(text) else re.IGNORECASE
        compiled = re.compile(body + r"(?![\w])", flags)
        first = _first_token(text)
        reg.by_first.setdefault(first, []).append((compiled, actor_id, label))
    firsts = sorted({k for k in reg.by_first if k}, key=len, reverse=True)
    reg.first_re = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(k) for k in firsts) + r")(?!\w)", re.IGNORECASE)
    return reg


def _variants(name: str) -> list[str]:
    """The name, and its parts when it has the form 'Long Name (ABBR)' or 'ACLED: Long Name'."""
    out = [name]
    match = re.fullmatch(r"\s*(.+?)\s*\(([^)]+)\)\s*", name)
    if match and sum(c.isupper() for c in match.group(2)) >= 2 and len(match.group(2)) <= 8:
        out += [match.group(1), match.group(2)]
    if ":" in name and " - " not in name:
        head, _, tail = name.partition(":")
        out += [head.strip(), tail.strip()]
    if " - " in name:  # UCDP dyad side "Government of Pakistan - BLA"
        out.append(name.split(" - ", 1)[1])
    return out


def all_actors() -> tuple[Actor, ...]:
    """Every actor in the registry."""
    return tuple(_registry().actors.values())


def get_actor(actor_id: str) -> Actor | None:
    """The actor with this ``id``, or None."""
    return _registry().actors.get(actor_id)


def resolve_actor(name: str | None) -> Actor | None:
    """The actor that ``name`` (any alias, dataset name or state label) stands for, or None.

    Ambiguous names (one that two actors share) resolve to None rather than to a guess.
    """
    if not name or not name.strip():
        return None
    reg = _registry()
    for variant in _variants(name.strip()):
        for candidate in (variant, re.sub(r"\b(group|outfit|organi[sz]ation|militants?|terrorists?)$", "", variant)):
            ids = reg.by_key.get(_key(candidate))
            if ids and len(ids) == 1:
                return reg.actors[next(iter(ids))]
    for variant in _variants(name.strip()):
        skeleton = _skeleton(variant)
        ids = reg.by_skeleton.get(skeleton)
        if ids and len(ids) == 1:
            return reg.actors[next(iter(ids))]
    return None


def find_actor_mentions(text: str) -> list[ActorMention]:
    """Every alias of a registered actor in ``text``, left to right, longest match first."""
    reg = _registry()
    out: list[ActorMention] = []
    last_end = 0
    assert reg.first_re is not None
    for word in reg.first_re.finditer(text):
        start = word.start()
        if start < last_end:
            continue
        token = word.group(0)
        candidates = reg.by_first.get(token.casefold() if token.isascii() else _fold(token))
        if not candidates:
            continue
        for compiled, actor_id, label in candidates:
            match = compiled.match(text, start)
            if not match:
                continue
            end = match.end()
            actor = reg.actors[actor_id]
            # "Tehreek-e-Taliban Pakistan (TTP)": take the abbreviation in with the name.
            tail = re.match(r"\s*\(([A-Za-z\-]{2,8})\)", text[end : end + 12])
            if tail and resolve_actor(tail.group(1)) is actor:
                end += tail.end()
            out.append(ActorMention(start, end, text[start:end], actor, label))
            last_end = end
            break
    return out
