"""ACLED (Armed Conflict Location & Event Data) CSV, as the API and the export tool write it (31 columns).

Codebook: https://acleddata.com/methodology/acled-codebook. Data licence: the ACLED Terms of Use, which forbid
giving others the raw data, so records get licence ``ACLED-ToU`` and stay out of exports to peers unless the node
is configured to share them. Each party imports ACLED with its own account.

What a row becomes:

- date: ``event_date`` with ``time_precision`` 1 → that day; 2 → the week around it (ACLED puts the middle date
  of a week or weekend: ±3 days); 3 → the whole month (ACLED puts the middle of the month).
- place: ``country``/``iso``, ``admin1``, ``admin2``, ``location``, ``latitude``/``longitude``; ``geo_precision``
  1 → exact, 2 → near, 3 → region (ACLED then uses a natural feature or the provincial capital).
- figures: ``fatalities`` → killed/total with rule ``lowest_reported`` (ACLED records the lowest of conflicting
  reports). ACLED writes 0 both for "none" and for "no information", so a 0 is kept as ``best: 0`` with
  ``zero_ambiguous``; writing a record with no figure back to ACLED gives 0, as ACLED does.
- actor types ``inter1``/``inter2``: the numeric codes of older exports (1 State forces … 8 External/Other
  forces) and the text of current ones ("Rebel group") are both accepted.
- perpetrators: non-state actors, not protesters or civilians and not "Unidentified …" (ACLED's actor 1 is not
  necessarily the aggressor). For violence against civilians and explosions/remote violence actor 1 is the one
  who acted (``confirmed``); otherwise the attribution is ``unknown``.
- attack, weapon and target types (GTD names) where the sub-event type implies them; ``notes`` → summary,
  ``source`` (";"-separated) → sources.

The verbatim row travels beside the record for lossless re-export.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any, Final

from sarhad.formats.base import (
    RowContext,
    RowError,
    TableFormat,
    derived_digits,
    origin_note,
    raw_digest,
    raw_forms,
    row_id,
    row_values,
    spreadsheet_hint,
)
from sarhad.formats.places import admin1_of, alpha_3, country_code, iso_numeric
from sarhad.formats.places import country_name as english_name
from sarhad.model.figures import Figure
from sarhad.model.incident import Incident, Perpetrator, Place, check_fields, incident_id

__all__ = [
    "ACTOR_TYPES",
    "COLUMNS",
    "EVENT_TYPES",
    "FORMAT",
    "REQUIRED",
    "actor_type",
    "converted_id",
    "fields",
    "parse",
    "row_digest",
    "to_row",
]

COLUMNS: Final = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip
# What an input must have; older exports (with data_id, event_id_no_cnty, iso3) have these too.
REQUIRED: Final = frozenset(
    {"event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "inter1",
     "country", "latitude", "longitude", "geo_precision", "fatalities"}
)  # fmt: skip

# Event types and their sub-event types (codebook; when tactics combine, the type listed higher wins).
EVENT_TYPES: Final[dict[str, tuple[str, ...]]] = {
    "Battles": ("Government regains territory", "Non-state actor overtakes territory", "Armed clash"),
    "Protests": ("Excessive force against protesters", "Protest with intervention", "Peaceful protest"),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}
DISORDER_TYPES: Final = ("Political violence", "Demonstrations", "Strategic developments",
                         "Political violence; Demonstrations")  # fmt: skip
# Actor types: the numeric codes of older exports and the text of current ones.
ACTOR_TYPES: Final[dict[int, str]] = {
    1: "State forces",
    2: "Rebel group",
    3: "Political militia",
    4: "Identity militia",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}
_INTER: Final[dict[str, int]] = {
    "": 0,
    "0": 0,
    **{str(code): code for code in ACTOR_TYPES},
    **{name.casefold(): code for code, name in ACTOR_TYPES.items()},
    "state force": 1,
    "rebel groups": 2,
    "political militias": 3,
    "identity militias": 4,
    "rioter": 5,
    "protester": 6,
    "civilian": 7,
    "external/other force": 8,
    "external/other": 8,
}
_NOT_PERPETRATORS: Final = frozenset({1, 5, 6, 7})  # state forces, rioters, protesters, civilians
_STATE_PREFIXES: Final = ("Military Forces of", "Police Forces of", "Government of")
_ACTED: Final = frozenset({"Violence against civilians", "Explosions/Remote violence"})

TIME_PRECISION: Final = {"1": "day", "2": "week", "3": "month"}
GEO_PRECISION: Final = {"1": "exact", "2": "near", "3": "region"}
GEO_PRECISION_CODE: Final = {"exact": "1", "near": "2"}

# What a sub-event type says about the attack, weapon and target (GTD codebook names).
ATTACK_OF: Final = {
    "Suicide bomb": "Bombing/Explosion",
    "Remote explosive/landmine/IED": "Bombing/Explosion",
    "Grenade": "Bombing/Explosion",
    "Abduction/forced disappearance": "Hostage Taking (Kidnapping)",
    "Attack": "Armed Assault",
    "Armed clash": "Armed Assault",
    "Looting/property destruction": "Facility/Infrastructure Attack",
}
WEAPON_OF: Final = {
    "Suicide bomb": "Explosives",
    "Remote explosive/landmine/IED": "Explosives",
    "Grenade": "Explosives",
    "Shelling/artillery/missile attack": "Explosives",
    "Air/drone strike": "Explosives",
    "Chemical weapon": "Chemical",
}
# country → (iso numeric, ACLED country, ACLED region), for rows built from other datasets' records.
COUNTRIES: Final = {
    "PK": ("586", "Pakistan", "South Asia"),
    "IR": ("364", "Iran", "Middle East"),
    "AF": ("4", "Afghanistan", "South Asia"),
    "IN": ("356", "India", "South Asia"),
}
# ACLED event ids are a country prefix and a number (PAK1234); other datasets' ids exported as ACLED may be
# digits or carry dashes.
_SOURCE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")
# A converted row's dates that ACLED's event_date and time_precision cannot say (a year: the month around its
# middle; a span of days longer than a week) travel in its tags, which the import reads back: without them a
# record known to the year came back as known to its July.
_SPAN_TAG = re.compile(r"sarhad span (\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2}) (day|days|week|month|year|unknown)\b")
_NULL: Final = frozenset({"", "NA", "NULL", "null", "None"})


# -- cached pieces: a file repeats dates, places, actors and sources ------------------------------------------
@lru_cache(maxsize=65536)
def _event_date(text: str) -> date:
    value = text.strip()
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        if len(value) > 10 and value[10] in "T ":  # 2024-01-05T00:00:00 / 2024-01-05 00:00:00
            return date.fromisoformat(value[:10])
        return datetime.strptime(value, "%d %B %Y").date()  # older exports: 05 January 2024
    except ValueError:
        raise RowError("event_date", f"{text!r} is not a date (YYYY-MM-DD){spreadsheet_hint(text)}") from None


@lru_cache(maxsize=65536)
def _span(day: date, precision: str) -> tuple[str, str, str, str]:
    """(date_start, date_end, sarhad precision, year) of an event date with its ACLED time_precision."""
    kind = TIME_PRECISION.get(precision.strip())
    if kind is None:
        if not precision.strip():
            raise RowError("time_precision", "is empty")
        raise RowError("time_precision", f"{precision!r} is not 1 (day), 2 (week) or 3 (month)")
    if kind == "day":
        start = end = day
    elif kind == "week":
        start, end = day - timedelta(days=3), day + timedelta(days=3)
    else:
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return start.isoformat(), end.isoformat(), kind, f"{day.year:04d}"


def _tagged_span(tags: str, day: date, span: tuple[str, str, str]) -> tuple[str, str, str]:
    """The dates a converted row's ``tags`` give (``sarhad span START/END PRECISION``) when they hold its
    ``event_date``, else ``span`` (the dates event_date and time_precision give)."""
    found = _SPAN_TAG.search(tags)
    if found is None:
        return span
    try:
        start, end = date.fromisoformat(found[1]), date.fromisoformat(found[2])
    except ValueError:
        return span
    return (found[1], found[2], found[3]) if start <= day <= end else span


def actor_type(text: str, field: str = "inter1") -> int:
    """The actor-type code (0 = none, 1..8) of an ``inter1``/``inter2`` value, numeric or text.

    Raises RowError naming ``field`` for anything else.
    """
    code = _INTER.get(text)
    if code is None:
        code = _INTER.get(text.strip().casefold())
        if code is None:
            try:
                number = float(text)
            except ValueError:
                number = -1.0
            if number.is_integer() and 0 <= number <= 8:
                return int(number)
            raise RowError(
                field, f"{text!r} is not an ACLED actor type (1..8 or a name such as 'Rebel group', 'State forces')"
            )
    return code


@lru_cache(maxsize=65536)
def _place(
    country_name: str, iso: str, admin1: str, admin2: str, location: str, lat: float | None, lon: float | None,
    precision: str,
) -> Place:  # fmt: skip
    country = country_code(country_name, iso_numeric=iso)
    admin1_name, admin1_code = admin1_of(admin1, country)
    return Place(
        country=country,
        admin1=admin1_name,
        admin1_code=admin1_code,
        admin2=admin2 or None,
        name=location or None,
        lat=lat,
        lon=lon,
        precision=precision,
    )


@lru_cache(maxsize=65536)
def _sources(text: str) -> tuple[str, ...]:
    return tuple(s for s in (part.strip() for part in text.split(";")) if s)


@lru_cache(maxsize=4096)
def _killed(best: int | None, asserted: str) -> tuple[Figure, ...]:
    if best is None:
        return ()
    return (Figure("killed", "total", None, best, None, "lowest_reported", asserted, zero_ambiguous=best == 0),)


def _coordinate(text: str, field: str, limit: float) -> float | None:
    value_text = text.strip()
    if value_text in _NULL:
        return None
    try:
        value = float(value_text)
    except ValueError:
        raise RowError(field, f"{value_text!r} is not a number{spreadsheet_hint(value_text)}") from None
    if not -limit <= value <= limit:  # also False for NaN
        raise RowError(field, f"{value_text} is outside {-limit:g}..{limit:g}")
    return value


def _count(text: str, field: str) -> int | None:
    if text.isdigit() and text.isascii():
        return int(text)
    value = text.strip()
    if value in _NULL:
        return None
    try:
        number = float(value)
    except ValueError:
        raise RowError(field, f"{value!r} is not a number{spreadsheet_hint(value)}") from None
    if not number.is_integer():
        raise RowError(field, f"{value!r} is not a whole number")
    if number < 0:
        raise RowError(field, f"{value!r} is negative")
    return int(number)


def _check_optional(row: Mapping[str, str], year: str) -> None:
    """Check the columns the record does not use, so that a broken file is caught at import."""
    get = row.get
    _check_codes(get("year", ""), year, get("disorder_type", ""), get("interaction", ""), get("iso", ""))
    text = get("timestamp", "")
    if text and not (text.isascii() and text.isdigit()):
        value = text.strip()
        if value and not (value.isascii() and value.isdigit()):
            raise RowError("timestamp", f"{value!r} is not a Unix time (seconds){spreadsheet_hint(value)}")


@lru_cache(maxsize=65536)
def _check_codes(text: str, year: str, disorder: str, interaction: str, iso: str) -> None:
    if text and text != year:
        value = text.strip()
        if value != year:
            try:
                number = float(value)
            except ValueError:
                raise RowError("year", f"{value!r} is not a number{spreadsheet_hint(value)}") from None
            if number != int(year):
                raise RowError("year", f"{value} does not match event_date (year {year})")
    if disorder and disorder not in DISORDER_TYPES and disorder.strip() not in DISORDER_TYPES:
        raise RowError("disorder_type", f"{disorder!r} is not one of {', '.join(DISORDER_TYPES)}")
    if interaction and interaction.isascii() and interaction.isdigit():
        if len(interaction) != 2 or "9" in interaction:
            raise RowError("interaction", f"{interaction!r} is not a two-digit ACLED interaction code (e.g. 12, 27)")
    value = iso.strip()
    if value and not (value.isascii() and value.isdigit()):
        raise RowError("iso", f"{value!r} is not an ISO 3166 numeric country code")


@lru_cache(maxsize=65536)
def _event(
    event_type: str, sub_event: str, actor1: str, inter1_text: str, actor2: str, inter2_text: str, civilians: str
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[Perpetrator, ...]]:
    """(attack types, target types, weapon types, perpetrators) of an event's type and actors.

    Raises RowError naming the bad field. Cached: a file repeats the same few hundred combinations.
    """
    event_type = event_type.strip()
    subs = EVENT_TYPES.get(event_type)
    if subs is None:
        if not event_type:
            raise RowError("event_type", "is empty")
        raise RowError("event_type", f"{event_type!r} is not an ACLED event type ({', '.join(EVENT_TYPES)})")
    sub_event = sub_event.strip()
    if sub_event not in subs:
        if not sub_event:
            raise RowError("sub_event_type", "is empty")
        raise RowError("sub_event_type", f"{sub_event!r} is not a sub-event type of {event_type}")
    actor1 = actor1.strip()
    if not actor1:
        raise RowError("actor1", "is empty")
    inter1 = actor_type(inter1_text, "inter1")
    if inter1 == 0:
        raise RowError("inter1", "is empty or 0 while actor1 is given")
    actor2 = actor2.strip()
    inter2 = actor_type(inter2_text, "inter2")
    civilians = civilians.strip()
    if civilians and civilians.casefold() != "civilians targeted":
        raise RowError("civilian_targeting", f"{civilians!r} is neither blank nor 'Civilians targeted'")
    attribution = "confirmed" if event_type in _ACTED else "unknown"
    perpetrators: tuple[Perpetrator, ...] = ()
    if _is_perpetrator(actor1, inter1):
        perpetrators = (Perpetrator(actor1, attribution),)
    if actor2 and actor2 != actor1 and inter2 != 0 and _is_perpetrator(actor2, inter2):
        perpetrators = (*perpetrators, Perpetrator(actor2, "unknown"))
    attack = ATTACK_OF.get(sub_event)
    weapon = WEAPON_OF.get(sub_event)
    return (
        (attack,) if attack else (),
        ("Private Citizens & Property",) if civilians or inter2 == 7 else (),
        (weapon,) if weapon else (),
        perpetrators,
    )


def _is_perpetrator(actor: str, inter: int) -> bool:
    return (
        inter not in _NOT_PERPETRATORS
        and not actor.startswith(_STATE_PREFIXES)
        and not actor.startswith("Unidentified")
    )


def row_digest(row: Mapping[str, str]) -> str:
    """:func:`sarhad.formats.base.raw_digest` of a row (kept for callers of this module)."""
    return raw_digest(row)


def parse(row: Mapping[str, str], ctx: RowContext, *, raw_sha256: str | None = None) -> Incident:
    """One ACLED row as an Incident. Raises RowError naming the bad field.

    ``raw_sha256``, when given, is the row's :func:`~sarhad.formats.base.raw_digest`, already made (by
    :meth:`sarhad.formats.unchanged.KnownRows.lookup`): it is not made again.
    """
    values = _fields(row, ctx, raw_sha256=raw_sha256)
    try:
        return Incident(*values)
    except Exception as exc:  # the model's own checks
        raise RowError("row", str(exc)) from exc


def fields(row: Mapping[str, str], ctx: RowContext, *, raw_sha256: str | None = None) -> tuple[Any, ...]:
    """The fields of the Incident :func:`parse` gives for ``row``, without building it: the values of
    :class:`Incident`'s fields in their order, from ``id`` to ``raw_sha256``, checked as the record checks them
    (:func:`sarhad.model.incident.check_fields`), so ``Incident(*fields(row, ctx)[:21])`` is ``parse(row, ctx)``;
    then the row's column names and values as the JSON arrays ``raw_rows`` keeps
    (:func:`sarhad.formats.base.row_values`), computed in the same pass as ``raw_sha256``.

    The import worker prepares records straight from these (:meth:`sarhad.prepare.Preparer.from_fields`).
    ``raw_sha256`` is as :func:`parse` takes it.
    Raises RowError naming the bad field, as :func:`parse` does.
    """
    values = _fields(row, ctx, forms=True, raw_sha256=raw_sha256)
    try:
        check_fields(values[0], values[1], values[4], values[5], values[6], values[16], values[17])
    except Exception as exc:  # the model's own checks, as parse reports them
        raise RowError("row", str(exc)) from exc
    return values


def _fields(
    row: Mapping[str, str], ctx: RowContext, forms: bool = False, raw_sha256: str | None = None
) -> tuple[Any, ...]:
    get = row.get
    source_id = row_id(row, "event_id_cnty")
    if not source_id:
        raise RowError("event_id_cnty", "is empty")
    if not _SOURCE_ID.fullmatch(source_id):
        raise RowError(
            "event_id_cnty", f"{source_id!r} is not an ACLED event id (e.g. PAK1234){spreadsheet_hint(source_id)}"
        )
    text = get("event_date", "")
    if not text.strip():
        raise RowError("event_date", "is empty")
    day = _event_date(text)
    start, end, date_precision, year = _span(day, get("time_precision", ""))
    _check_optional(row, year)
    if "sarhad span" in get("tags", ""):
        start, end, date_precision = _tagged_span(get("tags", ""), day, (start, end, date_precision))
    sub_event = get("sub_event_type", "")
    attack_types, target_types, weapon_types, perpetrators = _event(
        get("event_type", ""), sub_event, get("actor1", ""), get("inter1", ""), get("actor2", ""),
        get("inter2", ""), get("civilian_targeting", ""),
    )  # fmt: skip
    geo = get("geo_precision", "").strip()
    precision = GEO_PRECISION.get(geo)
    if precision is None:
        if not geo:
            raise RowError("geo_precision", "is empty")
        raise RowError("geo_precision", f"{geo!r} is not 1 (town), 2 (near a town) or 3 (region)")
    lat = _coordinate(get("latitude", ""), "latitude", 90)
    lon = _coordinate(get("longitude", ""), "longitude", 180)
    if (lat is None) != (lon is None):
        raise RowError("longitude" if lon is None else "latitude", "is empty while the other coordinate is given")
    country_name = get("country", "").strip()
    if not country_name:
        raise RowError("country", "is empty")
    location = get("location", "").strip()
    place = _place(
        country_name, get("iso", "").strip(), get("admin1", "").strip(), get("admin2", "").strip(), location,
        lat, lon, precision,
    )  # fmt: skip
    if ctx.locate is not None:
        place = ctx.locate(place)
    asserted = ctx.reported_by
    sub_event = sub_event.strip()
    try:
        # in the order of Incident's fields (id … raw_sha256)
        return (
            incident_id("acled", asserted, source_id), asserted, "acled", source_id, start, end, date_precision,
            place, attack_types, target_types, weapon_types, perpetrators,
            _killed(_count(get("fatalities", ""), "fatalities"), asserted), _sources(get("source", "")),
            f"{sub_event} in {location}" if location else sub_event, get("notes", "").strip(), ctx.tlp,
            ctx.recipients, "ACLED-ToU", None, *_raw(row, forms, raw_sha256),
        )  # fmt: skip
    except RowError:
        raise
    except Exception as exc:  # a lone surrogate in the row…
        raise RowError("row", str(exc)) from exc


def _raw(row: Mapping[str, str], forms: bool, raw_sha256: str | None) -> tuple[str, ...]:
    """The record's ``raw_sha256`` and, with ``forms``, the row's keys and values as ``raw_rows`` keeps them."""
    if raw_sha256 is None:
        return raw_forms(row) if forms else (raw_digest(row),)
    return (raw_sha256, *row_values(row)) if forms else (raw_sha256,)


# -- writing -----------------------------------------------------------------------------------------------
_EVENT_OF_ATTACK: Final = {
    "Bombing/Explosion": ("Political violence", "Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "Hostage Taking (Kidnapping)": ("Political violence", "Violence against civilians",
                                    "Abduction/forced disappearance"),
    "Hostage Taking (Barricade Incident)": ("Political violence", "Violence against civilians",
                                            "Abduction/forced disappearance"),
    "Facility/Infrastructure Attack": ("Strategic developments", "Strategic developments",
                                       "Looting/property destruction"),
}  # fmt: skip
_DEFAULT_EVENT: Final = ("Political violence", "Violence against civilians", "Attack")


def _unix(stamp: str) -> str:
    try:
        moment = datetime.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return ""
    return str(int(moment.timestamp()))


def converted_id(inc: Incident) -> str:
    """An ACLED event id for a record that has none of its own: the country's ISO 3166 alpha-3 code, which ACLED's
    own ids begin with (``SYR``, ``DEU``; ``XXX`` for no country or one ISO has not assigned), and 15 digits from
    the record's id where ACLED's own have at most 6, the same in every export."""
    return (alpha_3(inc.place.country) or "XXX") + derived_digits(inc, 15)


def to_row(inc: Incident, raw: Mapping[str, str] | None) -> dict[str, str]:
    """The ACLED row for ``inc``: its verbatim source row when it came from ACLED, else one built from it that
    ``parse`` accepts (see docs/formats.md for what fills each column).

    A record with no killed figure gets ``fatalities`` 0, as ACLED writes it for "no information" (the
    importer keeps such a 0 as ambiguous).
    """
    if raw is not None and inc.dataset == "acled":
        return {c: raw.get(c, "") for c in COLUMNS}
    row = dict.fromkeys(COLUMNS, "")
    own = inc.dataset == "acled" and _SOURCE_ID.fullmatch(inc.source_id) is not None
    start, end = date.fromisoformat(inc.date_start), date.fromisoformat(inc.date_end)
    middle = start + (end - start) // 2
    if inc.date_precision == "day" and start == end:
        precision = "1"
    elif inc.date_precision in ("day", "days", "week"):
        precision = "2"
    else:
        precision = "3"
    row["event_id_cnty"] = inc.source_id if own else converted_id(inc)
    row["event_date"] = middle.isoformat()
    row["year"] = str(middle.year)
    row["time_precision"] = precision
    disorder, event_type, sub_event = _DEFAULT_EVENT
    for attack in inc.attack_types:
        if attack in _EVENT_OF_ATTACK:
            disorder, event_type, sub_event = _EVENT_OF_ATTACK[attack]
            break
    row["disorder_type"], row["event_type"], row["sub_event_type"] = disorder, event_type, sub_event
    p = inc.place
    # ACLED's country is never blank, and it has no "unknown" country: Unknown reads back as none
    iso, country, region = COUNTRIES.get(
        p.country or "", (iso_numeric(p.country), english_name(p.country) or "Unknown", "")
    )
    perps = inc.perpetrators
    if perps:
        row["actor1"], row["inter1"] = perps[0].name, "Rebel group"
    else:
        row["actor1"], row["inter1"] = f"Unidentified Armed Group ({country})", "Political militia"
    if len(perps) > 1:
        row["actor2"], row["inter2"] = perps[1].name, "Rebel group"
        row["interaction"] = f"{row['inter1']}-{row['inter2']}"
    elif "Private Citizens & Property" in inc.target_types:
        row["actor2"], row["inter2"] = f"Civilians ({country})", "Civilians"
        row["interaction"] = f"{row['inter1']}-Civilians"
        row["civilian_targeting"] = "Civilians targeted"
    else:
        row["interaction"] = f"{row['inter1']} only"
    row["iso"], row["country"], row["region"] = iso, country, region
    row["admin1"] = p.admin1 or ""
    row["admin2"] = p.admin2 or ""
    row["location"] = p.name or p.admin2 or p.admin1 or country
    row["latitude"] = "" if p.lat is None else repr(p.lat)
    row["longitude"] = "" if p.lon is None else repr(p.lon)
    row["geo_precision"] = GEO_PRECISION_CODE.get(p.precision, "3")
    row["source"] = "; ".join(s.replace(";", ",") for s in inc.sources)
    row["notes"] = inc.summary
    killed = inc.killed.best
    row["fatalities"] = "0" if killed is None else str(killed)
    row["timestamp"] = _unix(inc.modified)
    if not own:
        row["tags"] = origin_note(inc).replace(";", ",")
        if _span(middle, precision)[:3] != (inc.date_start, inc.date_end, inc.date_precision):
            row["tags"] += f", sarhad span {inc.date_start}/{inc.date_end} {inc.date_precision}"
    return row


FORMAT: Final = TableFormat(
    name="acled",
    columns=COLUMNS,
    required=REQUIRED,
    licence="ACLED-ToU",
    default_reporter="ACLED",
    parse=parse,
    to_row=to_row,
    id_column="event_id_cnty",
    fields=fields,
    converted_id=converted_id,
    country_code=("iso", "ISO 3166 numeric code"),
)
