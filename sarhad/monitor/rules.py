"""Alert rules: what an analyst's desk watches.

A :class:`Rule` is a named conjunction of conditions; an incident matches when every condition given holds:

* ``near_border_km``: the place is at most this far from the border (``place.border_km``);
* ``crossing_km``: the place is at most this far from an official border crossing;
* ``admin1``: the province or district (name or ISO 3166-2 code) is one of these, however either side spells it
  (:func:`area_keys`: "Balochistan province" is Balochistan, PK-BA; "Sibi" is the datasets' "Sibi district",
  "Kurram" their "Kurram agency"); a rule names only areas sarhad knows (:func:`check_rule_targets`);
* ``polygon``: the point lies inside this polygon (``[[lon, lat], …]``, one outer ring), whose bounding box must
  meet the mapped region's (a polygon given lat, lon lies far outside it; :func:`check_rule_targets`);
* ``perpetrators``: a group the record names is one of these, under any of its spellings in the alias registry
  (:mod:`sarhad.model.actors`: "Jaish al-Zolm" is Jaish al-Adl); a rule names only groups the registry knows
  (:func:`check_rule_targets`). A rule stored before that check whose name the registry does not know matches a group
  whose name contains it (case-insensitive);
* ``min_killed``: the best (else low) figure of killed is at least this;
* ``side``: the record is on this side of the border (its country, ``PK`` or ``IR``: what ``incidents list --side``
  reads);
* ``attack_types``: the record's attack type is one of these GTD attack types (:data:`sarhad.model.codes.ATTACK_TYPES`,
  any case): the first it names that says what the attack was, the one ``incidents`` keeps and ``stats --by
  attack-type`` counts;
* ``surge_window_days`` / ``surge_factor``: in the incident's province, the count of incidents in the window
  ending on its date is at least ``surge_factor`` times the count expected from the ``surge_baseline_days``
  before the window (and at least ``surge_min_count``);
* ``disagrees``: another party reported the same incident (see :mod:`sarhad.monitor.counterparts`) with a
  different perpetrator or figures that do not overlap.

Rules are stored in ``alert_rules`` (spec as canonical JSON), added one by one or loaded from a TOML/JSON file.
A rule ``disabled`` stays stored, with its alerts, but watches nothing until it is enabled again
(:func:`set_disabled`): the records that arrive meanwhile are not checked against it (:func:`watching`), and its
alerts are brought up to their records' current versions when it is enabled again (:func:`switch_rule`).
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from sarhad.canonical import canonical_text
from sarhad.errors import InvalidInput, NotFound
from sarhad.store.db import Database

__all__ = [
    "Rule",
    "add_rule",
    "area_keys",
    "check_rule_named",
    "check_rule_targets",
    "get_rule",
    "list_rules",
    "load_rules_file",
    "remove_rule",
    "set_disabled",
    "switch_rule",
    "unknown_areas",
    "unknown_groups",
    "watching",
]

_NAME_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_. ")
SIDES: Final = ("PK", "IR")
"""The two sides of the border a rule's ``side`` names (a record's ``country``)."""


def _attack_type(rule: str, name: str) -> str:
    """The GTD attack type ``name`` spells (any case, spaces around "/" ignored), as the codebook writes it.

    Raises InvalidInput listing the attack types when ``name`` is none of them (the codebook's "Unknown" included:
    the record's attack type a rule reads is never "Unknown").
    """
    from sarhad.model.codes import ATTACK_TYPES

    def key(text: str) -> str:
        return " ".join(text.replace("/", " / ").split()).casefold()

    known = {key(t): t for t in ATTACK_TYPES.values() if t != "Unknown"}
    found = known.get(key(name))
    if found is None:
        raise InvalidInput(
            f"rule {rule!r}: attack_types: {name!r} is not a GTD attack type; expected one of "
            + ", ".join(repr(t) for t in known.values())
        )
    return found


def _positive(rule: str, field: str, value: float | None) -> None:
    if value is not None and not value > 0:
        raise InvalidInput(f"rule {rule!r}: {field}: expected a positive number, found {value:g}")


@dataclass(frozen=True, slots=True)
class Rule:
    """A named alert rule. A Rule that exists has a valid name and at least one condition.

    Raises InvalidInput when the name is empty or malformed, no condition is given, a number is not
    positive, or the polygon has fewer than 3 points.
    """

    name: str
    near_border_km: float | None = None
    crossing_km: float | None = None
    admin1: tuple[str, ...] = ()
    polygon: tuple[tuple[float, float], ...] = ()
    perpetrators: tuple[str, ...] = ()
    min_killed: int | None = None
    surge_window_days: int | None = None
    surge_factor: float | None = None
    surge_baseline_days: int = 365
    surge_min_count: int = 3
    disagrees: bool = False
    side: str | None = None
    attack_types: tuple[str, ...] = ()
    disabled: bool = False

    def __post_init__(self) -> None:
        if not self.name.strip() or not set(self.name) <= _NAME_CHARS or len(self.name) > 80:
            raise InvalidInput(f"rule name {self.name!r} must be 1-80 letters, digits, spaces or '-', '_', '.'")
        if self.side is not None:
            if self.side.strip().upper() not in SIDES:
                raise InvalidInput(
                    f"rule {self.name!r}: side: expected one of {', '.join(SIDES)} (the two sides of the border),"
                    f" found {self.side!r}"
                )
            object.__setattr__(self, "side", self.side.strip().upper())
        if self.attack_types:
            object.__setattr__(self, "attack_types", tuple(_attack_type(self.name, t) for t in self.attack_types))
        _positive(self.name, "near_border_km", self.near_border_km)
        _positive(self.name, "crossing_km", self.crossing_km)
        _positive(self.name, "surge_window_days", self.surge_window_days)
        _positive(self.name, "surge_factor", self.surge_factor)
        _positive(self.name, "surge_baseline_days", self.surge_baseline_days)
        if self.surge_min_count < 0:
            raise InvalidInput(f"rule {self.name}: surge_min_count {self.surge_min_count} is negative")
        if self.min_killed is not None and self.min_killed < 0:
            raise InvalidInput(f"rule {self.name}: min_killed {self.min_killed} is negative")
        if (self.surge_window_days is None) != (self.surge_factor is None):
            raise InvalidInput(f"rule {self.name}: a surge needs both surge_window_days and surge_factor")
        if self.polygon and len(self.polygon) < 3:
            raise InvalidInput(f"rule {self.name}: a polygon needs at least 3 points, found {len(self.polygon)}")
        for lon, lat in self.polygon:
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise InvalidInput(f"rule {self.name}: polygon point ({lon}, {lat}) is not a lon, lat pair")
        if not self.conditions():
            raise InvalidInput(f"rule {self.name} has no condition: give at least one, e.g. --near-border 25")

    def conditions(self) -> list[str]:
        """The rule's conditions in words (for listings and alert reasons)."""
        out: list[str] = []
        if self.near_border_km is not None:
            out.append(f"within {self.near_border_km:g} km of the border")
        if self.crossing_km is not None:
            out.append(f"within {self.crossing_km:g} km of a crossing")
        if self.admin1:
            out.append("in " + " or ".join(self.admin1))
        if self.polygon:
            out.append(f"inside a {len(self.polygon)}-point polygon")
        if self.perpetrators:
            out.append("perpetrator " + " or ".join(self.perpetrators))
        if self.min_killed is not None:
            out.append(f"killed ≥ {self.min_killed}")
        if self.side is not None:
            out.append(f"on the {self.side} side")
        if self.attack_types:
            out.append("attack type " + " or ".join(self.attack_types))
        if self.surge_window_days is not None and self.surge_factor is not None:
            out.append(
                f"surge: {self.surge_window_days} days ≥ {self.surge_factor:g}x the {self.surge_baseline_days}-day"
                " baseline"
            )
        if self.disagrees:
            out.append("another party's record disagrees")
        return out

    def to_dict(self) -> dict[str, Any]:
        """The rule as JSON-ready data (tuples become lists; defaults kept)."""
        data = asdict(self)
        data["admin1"] = list(self.admin1)
        data["perpetrators"] = list(self.perpetrators)
        data["polygon"] = [list(p) for p in self.polygon]
        data["attack_types"] = list(self.attack_types)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rule:
        """Build a rule from data (a file entry, a request body).

        Raises InvalidInput on unknown keys, or a value of the wrong type, naming the field.
        """
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidInput(
                f"rule {data.get('name')!r}: unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        if not isinstance(data.get("name"), str):
            raise InvalidInput("rule: 'name' is required and must be text")
        values: dict[str, Any] = {"name": data["name"]}
        for key, raw in data.items():
            if key != "name" and raw is not None:
                values[key] = _value(str(data["name"]), key, raw)
        return cls(**values)


def _value(rule: str, key: str, raw: Any) -> Any:
    """The value of field ``key`` of a rule given as data, or InvalidInput naming the field and what it holds."""

    def wrong(expected: str) -> InvalidInput:
        return InvalidInput(f"rule {rule!r}: field {key} must be {expected}, found {raw!r}")

    def number(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise wrong("a number")
        return float(value)

    if key in ("admin1", "perpetrators", "attack_types"):
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list | tuple) or not all(isinstance(v, str) and v.strip() for v in items):
            raise wrong("a name or a list of names")
        return tuple(items)
    if key == "polygon":
        if not isinstance(raw, list | tuple) or not all(isinstance(p, list | tuple) and len(p) == 2 for p in raw):
            raise wrong("a list of [lon, lat] points")
        return tuple((number(p[0]), number(p[1])) for p in raw)
    if key in ("near_border_km", "crossing_km", "surge_factor"):
        return number(raw)
    if key in ("min_killed", "surge_window_days", "surge_baseline_days", "surge_min_count"):
        if isinstance(raw, bool) or not isinstance(raw, int | float) or raw != int(raw):
            raise wrong("a whole number")
        return int(raw)
    if key == "side":
        if not isinstance(raw, str):
            raise wrong("PK or IR")
        return raw
    if key in ("disagrees", "disabled"):
        if not isinstance(raw, bool):
            raise wrong("true or false")
        return raw
    return raw


def unknown_groups(rule: Rule) -> list[str]:
    """The group names of ``rule`` that name no armed group of the alias registry (:mod:`sarhad.model.actors`)."""
    from sarhad.model.actors import resolve_actor

    return [name for name in rule.perpetrators if resolve_actor(name) is None]


# the words a dataset or a writer puts after an area's name: "Sibi district", "Kurram agency", "Taftan county"
_AREA_WORDS: Final = re.compile(r"(?:\s+(?:district|agency|county|province|tehsil|division|shahrestan|ostan))+$")
# the mapped region (docs/geography.md): a polygon whose box does not meet it watches nothing sarhad places
_REGION_LON: Final = (43.0, 79.0)
_REGION_LAT: Final = (22.0, 40.5)


@functools.lru_cache(maxsize=4096)
def area_keys(name: str) -> frozenset[str]:
    """The keys under which an area named ``name`` is the same area as another name with a key in common.

    Case, accents and a trailing "district", "agency", "county", "province" (and the like) do not count; a
    province's name in any spelling that :func:`sarhad.geo.normalise_admin1` knows also gives its conventional
    name and ISO 3166-2 code. A district's name with its word ("Kerman county") is not read as a province.
    """
    _, core = _area_text(name)
    keys = {core, name.strip().casefold()}
    province = _province(name)
    if province is not None:
        keys |= {province[0].casefold(), province[1].casefold()}
    return frozenset(keys)


def _area_text(name: str) -> tuple[str, str]:
    """``name`` folded (case, accents, hyphens, spaces), and without its trailing area words."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    text = " ".join("".join(c for c in folded if not unicodedata.combining(c)).replace("-", " ").split())
    return text, _AREA_WORDS.sub("", text) or text


def _province(name: str) -> tuple[str, str] | None:
    """The (name, ISO code) of the province ``name`` spells, unless it names a district ("Kerman county")."""
    from sarhad.geo import normalise_admin1

    text, core = _area_text(name)
    if core != text and not text.endswith("province"):
        return None
    return normalise_admin1(name)


@functools.lru_cache(maxsize=1)
def _known_area_keys() -> frozenset[str]:
    """The keys of every district and county sarhad's gazetteer places (see :func:`sarhad.geo.district_seats`)."""
    from sarhad.geo import district_seats

    return frozenset(k for seat in district_seats() for k in area_keys(seat.name))


def unknown_areas(rule: Rule, db: Database | None = None) -> list[str]:
    """The areas of ``rule`` (``admin1``) that sarhad cannot place: no province (name or ISO code), no district or
    county of the gazetteer, and, given ``db``, no province or district a stored incident names."""
    from sarhad.geo import find

    stored: set[str] | None = None
    out: list[str] = []
    for name in rule.admin1:
        keys = area_keys(name)
        if _province(name) is not None or keys & _known_area_keys():
            continue
        if any(c.kind in ("province", "district", "county") for c in find(name)):
            continue
        if db is not None:
            if stored is None:
                rows = db.fetchall("SELECT DISTINCT admin1, admin2 FROM incidents")
                stored = {k for row in rows for v in row if v for k in area_keys(str(v))}
            if keys & stored:
                continue
        out.append(name)
    return out


def check_rule_targets(rule: Rule, db: Database | None = None) -> Rule:
    """``rule``, when every group and area it names is known and its polygon reaches the mapped region.

    Raises InvalidInput naming the unknown group (a rule on a misspelt group would never alert), the area sarhad
    cannot place (:func:`unknown_areas`; ``db`` adds the areas of the stored incidents), or a polygon whose
    bounding box does not meet the mapped region's (43-79°E, 22-40.5°N: most likely given lat, lon instead of
    lon, lat). Applied where a rule is given (``alerts rules add|load``, the dashboard), not to rules already
    stored.
    """
    unknown = unknown_groups(rule)
    if unknown:
        raise InvalidInput(
            f"rule {rule.name!r}: perpetrators: no armed group in the alias registry is called "
            + ", ".join(repr(n) for n in unknown)
            + " (give a group's name, short name or any alias, e.g. 'Jaish al-Adl', 'TTP', 'BLA')"
        )
    places = unknown_areas(rule, db)
    if places:
        raise InvalidInput(
            f"rule {rule.name!r}: admin1: no province or district is called "
            + ", ".join(repr(n) for n in places)
            + " (give a province's or district's name or an ISO 3166-2 code, e.g. 'Balochistan', 'PK-BA', 'Kech',"
            " 'Sistan and Baluchestan'; 'sarhad geo find NAME' shows what sarhad knows)"
        )
    if rule.polygon:
        # the polygon's bounding box against the region's: a polygon enclosing the region, or a strip across it,
        # has no corner inside yet watches it; one given lat, lon has its box wholly outside (a place in the region
        # lies north of 22°N and south of 40.5°N, so its latitude read as a longitude is west of 43°E)
        lons = [lon for lon, _ in rule.polygon]
        lats = [lat for _, lat in rule.polygon]
        if (
            max(lons) < _REGION_LON[0]
            or min(lons) > _REGION_LON[1]
            or max(lats) < _REGION_LAT[0]
            or min(lats) > _REGION_LAT[1]
        ):
            raise InvalidInput(
                f"rule {rule.name!r}: polygon: it does not reach the mapped region (longitude 43 to 79, latitude 22"
                f" to 40.5): its points span longitude {min(lons):g} to {max(lons):g}, latitude {min(lats):g} to"
                f" {max(lats):g}; give the points as lon,lat"
            )
    return rule


def _now() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def add_rule(db: Database, rule: Rule, *, replace: bool = False) -> Rule:
    """Store ``rule``; the rule as stored. A rule replacing a disabled one stays disabled: a desk that changes a
    rule it paused has it watch again only with :func:`set_disabled` (``rules enable``).

    Raises InvalidInput when a rule of that name exists (unless ``replace``).
    """
    with db.transaction():
        stored = db.fetchone("SELECT spec FROM alert_rules WHERE name = ?", (rule.name,))
        exists = stored is not None
        if exists and not replace:
            raise InvalidInput(f"a rule named {rule.name!r} already exists; remove it first or choose another name")
        if stored is not None:
            if not rule.disabled and Rule.from_dict(json.loads(stored[0])).disabled:
                rule = Rule.from_dict({**rule.to_dict(), "disabled": True})
            db.execute("UPDATE alert_rules SET spec = ? WHERE name = ?", (canonical_text(rule.to_dict()), rule.name))
        else:
            db.execute(
                "INSERT INTO alert_rules (name, spec, created) VALUES (?, ?, ?)",
                (rule.name, canonical_text(rule.to_dict()), _now()),
            )
    return rule


def list_rules(db: Database) -> list[Rule]:
    """Every stored rule, by name."""
    return [Rule.from_dict(json.loads(spec)) for (spec,) in db.fetchall("SELECT spec FROM alert_rules ORDER BY name")]


def watching(db: Database) -> list[Rule]:
    """The rules the records that arrive are checked against: every stored rule not disabled, by name."""
    return [r for r in list_rules(db) if not r.disabled]


def set_disabled(db: Database, name: str, disabled: bool) -> tuple[Rule, bool]:
    """Disable (or enable again) the rule named ``name``; the rule as stored now, and whether this changed it.
    Enabling it brings its alerts up to their records' current versions (:func:`switch_rule`).

    Raises NotFound, listing the rules' names, when no rule has that name.
    """
    rule, changed, _ = switch_rule(db, name, disabled)
    return rule, changed


def switch_rule(db: Database, name: str, disabled: bool) -> tuple[Rule, bool, int]:
    """Disable (or enable again) the rule named ``name``; the rule as stored now, whether this changed it, and how
    many of its alerts changed. A rule's alerts are not followed while it is disabled, so enabling it checks them
    against their records' current versions (:func:`sarhad.monitor.evaluate.recheck`): a record corrected
    meanwhile updates its alert, or ends it ("no longer matches since version …"), as it would have.

    Raises NotFound, listing the rules' names, when no rule has that name.
    """
    with db.transaction():
        row = db.fetchone("SELECT spec FROM alert_rules WHERE name = ?", (name,))
        if row is None:
            names = [str(n) for (n,) in db.fetchall("SELECT name FROM alert_rules ORDER BY name")]
            raise NotFound(f"no alert rule named {name!r}; rules: {', '.join(names) if names else 'none yet'}")
        rule = Rule.from_dict(json.loads(row[0]))
        if rule.disabled == disabled:
            return rule, False, 0
        rule = replace(rule, disabled=disabled)
        db.execute("UPDATE alert_rules SET spec = ? WHERE name = ?", (canonical_text(rule.to_dict()), name))
        if disabled:
            return rule, True, 0
        from sarhad.monitor.evaluate import recheck  # evaluate reads the rules: imported here, not at the top

        return rule, True, recheck(db, rule)


def get_rule(db: Database, name: str) -> Rule:
    """The rule named ``name``. Raises NotFound."""
    row = db.fetchone("SELECT spec FROM alert_rules WHERE name = ?", (name,))
    if row is None:
        raise NotFound(f"no alert rule named {name!r}")
    return Rule.from_dict(json.loads(row[0]))


def check_rule_named(db: Database, name: str) -> None:
    """Check that ``name`` is a rule's name, or was one: a rule removed keeps its alerts, listed under its name.

    Raises NotFound, listing the rules' names, when no rule and no stored alert has that name.
    """
    if db.fetchone("SELECT 1 FROM alert_rules WHERE name = ?", (name,)) is not None:
        return
    if db.fetchone("SELECT 1 FROM alerts WHERE rule = ? LIMIT 1", (name,)) is not None:
        return
    names = [str(n) for (n,) in db.fetchall("SELECT name FROM alert_rules ORDER BY name")]
    raise NotFound(f"no alert rule named {name!r}; rules: {', '.join(names) if names else 'none yet'}")


def remove_rule(db: Database, name: str) -> None:
    """Delete the rule named ``name`` (its alerts stay). Raises NotFound."""
    with db.transaction():
        if db.execute("DELETE FROM alert_rules WHERE name = ?", (name,)).rowcount == 0:
            raise NotFound(f"no alert rule named {name!r}")


def load_rules_file(path: Path, db: Database | None = None) -> list[Rule]:
    """Parse a rules file: TOML (``.toml``) with ``[[rule]]`` tables, or JSON (``.json``: a list of rules or
    ``{"rule": [...]}``).

    Raises InvalidInput when the file is missing, of another kind, malformed, holds a rule that is invalid or
    names a group or an area sarhad does not know (:func:`check_rule_targets`; ``db`` adds the areas of its stored
    incidents), naming the rule, its place in the file and the field, or names a rule twice.
    """
    kind = path.suffix.lower()
    if kind not in (".toml", ".json"):
        raise InvalidInput(f"rules file {path}: expected a .toml or .json file, found {kind or 'no extension'!r}")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot read rules file {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"rules file {path} is not UTF-8 text: {exc}") from exc
    try:
        data: Any = json.loads(text) if kind == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(f"rules file {path} is not valid {kind.lstrip('.').upper()}: {exc}") from exc
    entries: Sequence[Any] = data.get("rule", []) if isinstance(data, dict) else data
    if not isinstance(entries, list) or not entries:
        raise InvalidInput(f"rules file {path} holds no rules: expected [[rule]] tables")
    # where each [[rule]] table starts, for the messages (JSON: the rule's place in the list)
    headers = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip().startswith("[[rule]]")]
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries, start=1):
        where = f"rules file {path}, rule {i}" + (
            f" (line {headers[i - 1]})" if kind == ".toml" and len(headers) == len(entries) else ""
        )
        if not isinstance(entry, dict):
            raise InvalidInput(f"{where} is not a table")
        try:
            rule = check_rule_targets(Rule.from_dict(entry), db)
        except InvalidInput as exc:
            raise InvalidInput(f"{where}: {exc}") from exc
        if rule.name in seen:
            raise InvalidInput(f"{where}: the name {rule.name!r} is already that of rule {seen[rule.name]}")
        seen[rule.name] = i
        rules.append(rule)
    return rules
