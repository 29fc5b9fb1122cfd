"""Global Terrorism Database (GTD, START / University of Maryland) CSV: the 135 columns of the 1970-2020 release.

Codebook: https://www.start.umd.edu/gtd/downloads/Codebook.pdf (June 2017 edition). Data licence: the GTD End
User Agreement, which forbids redistributing rows, so records get licence ``GTD-EUA`` and stay out of exports to
peers unless the node is configured to share them.

What a row becomes:

- date: ``iyear/imonth/iday``; ``iday = 0`` → the whole month (precision ``month``), ``imonth = 0`` → the whole
  year (``year``); ``extended = 1`` with a ``resolution`` date → the incident ends then.
- place: ``country``/``country_txt``, ``provstate``, ``city``, ``latitude``/``longitude``; ``specificity`` 1 → exact
  (``vicinity = 1`` → near), 2/3 → admin2, 4 → admin1, 5 → unknown.
- figures (rule ``majority_reliable``, GTD's "majority reliable estimate"): ``nkill`` → killed/total, ``nkillter``
  → killed/perpetrators, ``nwound``/``nwoundte`` → wounded; ``nhostkid`` → kidnapped (kidnappings) or hostages,
  ``nreleased`` → released. Blank, -9 and -99 are unknown (None), never 0.
- perpetrators: ``gname``/``gname2``/``gname3`` ("Unknown" skipped); ``guncertainN = 1`` → suspected, else a claim
  (``claimed``/``claim2``/``claim3`` = 1) → claimed, else confirmed.
- attack, target and weapon types by their codebook names; ``summary``; ``scite1-3`` → sources.

The verbatim row (all columns, sentinels included) travels beside the record for lossless re-export; the model
itself keeps none of the person-identifying text columns (``target1``, ``corp1``, ``motive``, ``propcomment``,
``ransomnote``, ``addnotes``).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Final

from sarhad.formats.base import (
    RowContext,
    RowError,
    TableFormat,
    derived_digits,
    opt_float,
    origin_note,
    raw_digest,
    row_id,
    spreadsheet_hint,
)
from sarhad.formats.places import admin1_of, country_code, gtd_country_name, gtd_number
from sarhad.model.codes import ATTACK_TYPES, TARGET_TYPES, WEAPON_TYPES, code_for
from sarhad.model.figures import Figure
from sarhad.model.incident import Incident, Perpetrator, Place, incident_id

__all__ = ["COLUMNS", "FORMAT", "REQUIRED", "SENTINELS", "converted_id", "parse", "to_row"]

COLUMNS: Final = (
    "eventid", "iyear", "imonth", "iday", "approxdate", "extended", "resolution", "country", "country_txt",
    "region", "region_txt", "provstate", "city", "latitude", "longitude", "specificity", "vicinity", "location",
    "summary", "crit1", "crit2", "crit3", "doubtterr", "alternative", "alternative_txt", "multiple", "success",
    "suicide", "attacktype1", "attacktype1_txt", "attacktype2", "attacktype2_txt", "attacktype3",
    "attacktype3_txt", "targtype1", "targtype1_txt", "targsubtype1", "targsubtype1_txt", "corp1", "target1",
    "natlty1", "natlty1_txt", "targtype2", "targtype2_txt", "targsubtype2", "targsubtype2_txt", "corp2",
    "target2", "natlty2", "natlty2_txt", "targtype3", "targtype3_txt", "targsubtype3", "targsubtype3_txt",
    "corp3", "target3", "natlty3", "natlty3_txt", "gname", "gsubname", "gname2", "gsubname2", "gname3",
    "gsubname3", "motive", "guncertain1", "guncertain2", "guncertain3", "individual", "nperps", "nperpcap",
    "claimed", "claimmode", "claimmode_txt", "claim2", "claimmode2", "claimmode2_txt", "claim3", "claimmode3",
    "claimmode3_txt", "compclaim", "weaptype1", "weaptype1_txt", "weapsubtype1", "weapsubtype1_txt",
    "weaptype2", "weaptype2_txt", "weapsubtype2", "weapsubtype2_txt", "weaptype3", "weaptype3_txt",
    "weapsubtype3", "weapsubtype3_txt", "weaptype4", "weaptype4_txt", "weapsubtype4", "weapsubtype4_txt",
    "weapdetail", "nkill", "nkillus", "nkillter", "nwound", "nwoundus", "nwoundte", "property", "propextent",
    "propextent_txt", "propvalue", "propcomment", "ishostkid", "nhostkid", "nhostkidus", "nhours", "ndays",
    "divert", "kidhijcountry", "ransom", "ransomamt", "ransomamtus", "ransompaid", "ransompaidus", "ransomnote",
    "hostkidoutcome", "hostkidoutcome_txt", "nreleased", "addnotes", "scite1", "scite2", "scite3", "dbsource",
    "INT_LOG", "INT_IDEO", "INT_MISC", "INT_ANY", "related",
)  # fmt: skip
assert len(COLUMNS) == 135

# What an input must have. Releases before 2017 lack ``individual``; every release has these.
REQUIRED: Final = frozenset(
    {"eventid", "iyear", "imonth", "iday", "country", "country_txt", "provstate", "city", "latitude",
     "longitude", "specificity", "attacktype1", "targtype1", "gname", "weaptype1", "nkill", "nwound"}
)  # fmt: skip

# GTD writes -9 ("unknown" for yes/no variables) and -99 ("unknown" for counts and amounts).
SENTINELS: Final = frozenset({-9, -99})

_BINARY: Final = (0, 1)
# Every coded integer column: the values it may take besides blank and the sentinels.
# A tuple (low, high) is an inclusive range; None is any count ≥ 0.
_CODED: Final[dict[str, tuple[int, int] | None]] = {
    "extended": _BINARY, "country": (1, 1100), "region": (1, 12), "specificity": (1, 5), "vicinity": _BINARY,
    "crit1": _BINARY, "crit2": _BINARY, "crit3": _BINARY, "doubtterr": _BINARY, "alternative": (1, 5),
    "multiple": _BINARY, "success": _BINARY, "suicide": _BINARY,
    "attacktype1": (1, 9), "attacktype2": (1, 9), "attacktype3": (1, 9),
    "targtype1": (1, 22), "targtype2": (1, 22), "targtype3": (1, 22),
    "targsubtype1": (1, 999), "targsubtype2": (1, 999), "targsubtype3": (1, 999),
    "natlty1": (1, 1100), "natlty2": (1, 1100), "natlty3": (1, 1100),
    "guncertain1": _BINARY, "guncertain2": _BINARY, "guncertain3": _BINARY, "individual": _BINARY,
    "nperps": None, "nperpcap": None,
    "claimed": _BINARY, "claimmode": (1, 10), "claim2": _BINARY, "claimmode2": (1, 10), "claim3": _BINARY,
    "claimmode3": (1, 10), "compclaim": _BINARY,
    "weaptype1": (1, 13), "weaptype2": (1, 13), "weaptype3": (1, 13), "weaptype4": (1, 13),
    "weapsubtype1": (1, 999), "weapsubtype2": (1, 999), "weapsubtype3": (1, 999), "weapsubtype4": (1, 999),
    "nkill": None, "nkillus": None, "nkillter": None, "nwound": None, "nwoundus": None, "nwoundte": None,
    "property": _BINARY, "propextent": (1, 4), "ishostkid": _BINARY, "nhostkid": None, "nhostkidus": None,
    "nhours": None, "ndays": None, "ransom": _BINARY, "ransomamtus": None, "ransompaid": None,
    "ransompaidus": None, "hostkidoutcome": (1, 7), "nreleased": None,
    "INT_LOG": _BINARY, "INT_IDEO": _BINARY, "INT_MISC": _BINARY, "INT_ANY": _BINARY,
}  # fmt: skip
# Amounts that may carry cents.
_AMOUNTS: Final = ("propvalue", "ransomamt", "ransompaid")

_NULL: Final = frozenset({"", "NA", "NULL", "null", "None", "."})
_SOURCE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")

SPECIFICITY: Final = {1: "exact", 2: "admin2", 3: "admin2", 4: "admin1", 5: "unknown"}
# country → (GTD code, country_txt, region, region_txt), for rows built from other datasets' records.
COUNTRIES: Final = {
    "PK": ("153", "Pakistan", "6", "South Asia"),
    "IR": ("94", "Iran", "10", "Middle East & North Africa"),
    "AF": ("4", "Afghanistan", "6", "South Asia"),
    "IN": ("92", "India", "6", "South Asia"),
}
_UNKNOWN_NAMES: Final = frozenset({"unknown", "unk", "unknown group"})


def _whole(text: str, field: str) -> int:
    try:
        number = float(text)
    except ValueError:
        raise RowError(field, f"{text!r} is not a number{spreadsheet_hint(text)}") from None
    if not number.is_integer():
        raise RowError(field, f"{text!r} is not a whole number")
    return int(number)


def _number(text: str, field: str) -> int | None:
    """The whole number in ``text`` (blank and sentinels → None). Raises RowError."""
    text = text.strip()
    if text in _NULL:
        return None
    try:
        value = int(text)
    except ValueError:
        value = _whole(text, field)
    if value in SENTINELS:
        return None
    if value < 0:
        raise RowError(field, f"{text!r} is negative (GTD writes -9 or -99 for unknown)")
    return value


def _coded(row: Mapping[str, str]) -> dict[str, int | None]:
    """Check and read every coded integer column the row has."""
    out: dict[str, int | None] = {}
    for field, allowed in _CODED.items():
        text = row.get(field)
        if text is None:
            out[field] = None
            continue
        value = _number(text, field)
        if value is not None and allowed is not None and not allowed[0] <= value <= allowed[1]:
            raise RowError(field, f"{value} is not a GTD code for {field} ({allowed[0]}..{allowed[1]})")
        out[field] = value
    for field in _AMOUNTS:
        text = row.get(field, "").strip()
        if text in _NULL:
            continue
        try:
            amount = float(text)
        except ValueError:
            raise RowError(field, f"{text!r} is not a number{spreadsheet_hint(text)}") from None
        if amount != amount or amount in (float("inf"), float("-inf")):
            raise RowError(field, f"{text!r} is not a finite number")
        if amount < 0 and amount not in SENTINELS:
            raise RowError(field, f"{text!r} is negative (GTD writes -99 for unknown)")
    return out


def _year(row: Mapping[str, str]) -> int:
    text = row.get("iyear", "").strip()
    if not text:
        raise RowError("iyear", "is empty")
    try:
        number = float(text)
    except ValueError:
        raise RowError("iyear", f"{text!r} is not a number{spreadsheet_hint(text)}") from None
    if not number.is_integer() or not 1900 <= number <= 2100:
        raise RowError("iyear", f"{text!r} is not a year in 1900..2100")
    return int(number)


def _part(row: Mapping[str, str], field: str, high: int) -> int:
    text = row.get(field, "").strip()
    if text in _NULL:
        return 0  # blank = unknown, as 0
    try:
        number = float(text)
    except ValueError:
        raise RowError(field, f"{text!r} is not a number{spreadsheet_hint(text)}") from None
    if not number.is_integer() or not 0 <= number <= high:
        raise RowError(field, f"{text!r} is not 0 (unknown) or 1..{high}")
    return int(number)


@lru_cache(maxsize=65536)
def _resolution(text: str) -> str | None:
    """An ISO date from GTD's ``resolution`` (2018-01-05, 2018-01-05 00:00:00, 1/5/2018), else None."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y", "%m/%d/%y", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _dates(row: Mapping[str, str], extended: int | None) -> tuple[str, str, str]:
    """(date_start, date_end, precision) from iyear/imonth/iday (and resolution when extended)."""
    year = _year(row)
    month = _part(row, "imonth", 12)
    day = _part(row, "iday", 31)
    if month == 0:
        if day:
            raise RowError("iday", f"{day} is given while imonth is 0 (unknown month)")
        start, end, precision = f"{year:04d}-01-01", f"{year:04d}-12-31", "year"
    elif day == 0:
        last = calendar.monthrange(year, month)[1]
        start, end, precision = f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}", "month"
    else:
        if day > calendar.monthrange(year, month)[1]:
            raise RowError("iday", f"{day} is not a day of {year:04d}-{month:02d}")
        start = end = f"{year:04d}-{month:02d}-{day:02d}"
        precision = "day"
    text = row.get("resolution", "").strip()
    if extended == 1 and text and text not in _NULL:
        resolved = _resolution(text)
        if resolved is None:
            raise RowError("resolution", f"{text!r} is not a date (YYYY-MM-DD or M/D/YYYY)")
        if resolved < start:
            raise RowError("resolution", f"{resolved} is before the incident's start {start}")
        end = max(end, resolved)
    return start, end, precision


def _text(row: Mapping[str, str], field: str) -> str | None:
    value = row.get(field, "").strip()
    return value if value and value not in _NULL and value.casefold() != "unknown" else None


def _types(
    row: Mapping[str, str], fields: tuple[str, ...], codes: Mapping[str, int | None], table: dict[int, str]
) -> tuple[str, ...]:
    names: list[str] = []
    for field in fields:
        code = codes.get(field)
        if code is None:
            continue
        name = table.get(code)
        if name is None:  # inside the column's range but not in sarhad's list
            raise RowError(field, f"{code} is not a GTD code ({min(table)}..{max(table)})")
        if name not in names:
            names.append(name)
    return tuple(names)


def _perpetrators(row: Mapping[str, str], codes: Mapping[str, int | None]) -> tuple[Perpetrator, ...]:
    out: list[Perpetrator] = []
    seen: set[str] = set()
    for name_field, uncertain_field, claim_field in (
        ("gname", "guncertain1", "claimed"),
        ("gname2", "guncertain2", "claim2"),
        ("gname3", "guncertain3", "claim3"),
    ):
        name = row.get(name_field, "").strip()
        if not name or name in _NULL or name.casefold() in _UNKNOWN_NAMES or name in seen:
            continue
        seen.add(name)
        if codes.get(uncertain_field) == 1:
            attribution = "suspected"
        elif codes.get(claim_field) == 1:
            attribution = "claimed"
        else:
            attribution = "confirmed"
        out.append(Perpetrator(name, attribution))
    return tuple(out)


def parse(row: Mapping[str, str], ctx: RowContext, *, raw_sha256: str | None = None) -> Incident:
    """One GTD row as an Incident. Raises RowError naming the bad field.

    ``raw_sha256``, when given, is the row's :func:`~sarhad.formats.base.raw_digest`, already made (by
    :meth:`sarhad.formats.unchanged.KnownRows.lookup`): it is not made again.
    """
    source_id = row_id(row, "eventid")
    if not source_id:
        raise RowError("eventid", "is empty")
    if not _SOURCE_ID.fullmatch(source_id):
        raise RowError(
            "eventid",
            f"{source_id!r} is not an event id: up to 64 letters, digits and _ . : - starting with a letter or"
            " digit (GTD's own are 12 digits, e.g. 201801010004; a party's sheet may use its own, e.g. PAK11934)"
            + spreadsheet_hint(source_id),
        )
    codes = _coded(row)
    start, end, date_precision = _dates(row, codes["extended"])
    lat = opt_float(row, "latitude", -90, 90)
    lon = opt_float(row, "longitude", -180, 180)
    if (lat is None) != (lon is None):
        raise RowError("longitude" if lon is None else "latitude", "is empty while the other coordinate is given")
    country_number = codes["country"]
    country = country_code(row.get("country_txt", ""), gtd="" if country_number is None else str(country_number))
    admin1, admin1_code = admin1_of(_text(row, "provstate") or "", country)
    specificity = codes["specificity"]
    precision = "unknown" if specificity is None else SPECIFICITY[specificity]
    if precision == "exact" and codes["vicinity"] == 1:
        precision = "near"
    if lat is None and precision in ("exact", "near"):
        precision = "unknown"
    city = _text(row, "city")
    place = Place(
        country=country,
        admin1=admin1,
        admin1_code=admin1_code,
        admin2=None,
        name=city,
        lat=lat,
        lon=lon,
        precision=precision,
    )
    if ctx.locate is not None:
        place = ctx.locate(place)
    attack_types = _types(row, ("attacktype1", "attacktype2", "attacktype3"), codes, ATTACK_TYPES)
    target_types = _types(row, ("targtype1", "targtype2", "targtype3"), codes, TARGET_TYPES)
    weapon_types = _types(row, ("weaptype1", "weaptype2", "weaptype3", "weaptype4"), codes, WEAPON_TYPES)

    asserted = ctx.reported_by
    figures: list[Figure] = []
    for field, measure, category in (
        ("nkill", "killed", "total"),
        ("nkillter", "killed", "perpetrators"),
        ("nwound", "wounded", "total"),
        ("nwoundte", "wounded", "perpetrators"),
        ("nhostkid", "kidnapped" if 6 in (codes["attacktype1"], codes["attacktype2"], codes["attacktype3"])
         else "hostages", "total"),
        ("nreleased", "released", "total"),
    ):  # fmt: skip
        value = codes[field]
        if value is not None:
            figures.append(Figure(measure, category, None, value, None, "majority_reliable", asserted))
    flags: list[str] = []
    if codes["doubtterr"] == 1:
        flags.append("doubt_terrorism")
    nkill, nkillter = codes["nkill"], codes["nkillter"]
    if nkill is not None and nkillter is not None and nkillter > nkill:
        flags.append("perpetrators_exceed_total")
    sources = tuple(s for s in (row.get(f, "").strip() for f in ("scite1", "scite2", "scite3")) if s)
    where = city or admin1 or _text(row, "country_txt")
    what = attack_types[0] if attack_types else "Incident"
    title = f"{what} in {where}" if where else what
    try:
        return Incident(
            id=incident_id("gtd", asserted, source_id),
            reported_by=asserted,
            dataset="gtd",
            source_id=source_id,
            date_start=start,
            date_end=end,
            date_precision=date_precision,
            place=place,
            attack_types=attack_types,
            target_types=target_types,
            weapon_types=weapon_types,
            perpetrators=_perpetrators(row, codes),
            figures=tuple(figures),
            sources=sources,
            title=title,
            summary=row.get("summary", "").strip(),
            tlp=ctx.tlp,
            recipients=ctx.recipients,
            licence="GTD-EUA",
            raw=None,
            raw_sha256=raw_digest(row) if raw_sha256 is None else raw_sha256,
            flags=tuple(flags),
        )
    except Exception as exc:  # the model's own checks
        raise RowError("row", str(exc)) from exc


# -- writing -----------------------------------------------------------------------------------------------
def _n(value: int | None) -> str:
    return "" if value is None else str(value)


def _coord(value: float | None) -> str:
    return "" if value is None else repr(value)


def _whole_span(day: date, month: bool) -> tuple[str, str]:
    """The month (or year) of ``day`` as GTD's iday = 0 (imonth = 0) means it."""
    year = day.year
    if month:
        last = calendar.monthrange(year, day.month)[1]
        return f"{year:04d}-{day.month:02d}-01", f"{year:04d}-{day.month:02d}-{last:02d}"
    return f"{year:04d}-01-01", f"{year:04d}-12-31"


def converted_id(inc: Incident) -> str:
    """A GTD event id for a record that has none of its own: the start date (YYYYMMDD, as GTD's own ids begin)
    and 10 digits from the record's id, 18 digits in all where GTD's own have 12, the same in every export."""
    return inc.date_start.replace("-", "") + derived_digits(inc, 10)


def to_row(inc: Incident, raw: Mapping[str, str] | None) -> dict[str, str]:
    """The GTD row for ``inc``: its verbatim source row when it came from GTD, else one built from it that
    ``parse`` accepts (see docs/formats.md for what fills each column)."""
    if raw is not None and inc.dataset == "gtd":
        return {c: raw.get(c, "") for c in COLUMNS}
    row = dict.fromkeys(COLUMNS, "")
    start = date.fromisoformat(inc.date_start)
    own = inc.dataset == "gtd" and _SOURCE_ID.fullmatch(inc.source_id) is not None
    row["eventid"] = inc.source_id if own else converted_id(inc)
    row["iyear"] = str(start.year)
    row["extended"] = "0"
    if inc.date_precision == "day":
        row["imonth"], row["iday"] = str(start.month), str(start.day)
        if inc.date_end != inc.date_start:  # an incident that lasted several days
            row["extended"], row["resolution"] = "1", inc.date_end
    else:
        # GTD knows a day, a month (iday = 0) or a year (imonth = 0): take the narrowest that holds the whole span,
        # so that the date widens but never narrows; approxdate keeps the span in words.
        end = date.fromisoformat(inc.date_end)
        month = (start.year, start.month) == (end.year, end.month)
        row["imonth"], row["iday"] = (str(start.month) if month else "0"), "0"
        if (inc.date_start, inc.date_end) != _whole_span(start, month):
            row["approxdate"] = f"{inc.date_start} to {inc.date_end}"
    p = inc.place
    if p.country in COUNTRIES:
        row["country"], row["country_txt"], row["region"], row["region_txt"] = COUNTRIES[p.country]
    elif p.country:  # outside the region: GTD's name (which parse reads back) and, when sarhad knows it, its code
        row["country"], row["country_txt"] = gtd_number(p.country), gtd_country_name(p.country)
    row["provstate"] = p.admin1 or ""
    row["city"] = p.name or p.admin2 or ""
    row["latitude"], row["longitude"] = _coord(p.lat), _coord(p.lon)
    row["specificity"] = {"exact": "1", "near": "1", "admin2": "3", "admin1": "4"}.get(p.precision, "5")
    row["vicinity"] = "1" if p.precision == "near" else "0"
    row["summary"] = inc.summary
    for i, name in enumerate(inc.attack_types[:3], start=1):
        code = code_for(ATTACK_TYPES, name)
        if code is not None:
            row[f"attacktype{i}"], row[f"attacktype{i}_txt"] = str(code), ATTACK_TYPES[code]
    for i, name in enumerate(inc.target_types[:3], start=1):
        code = code_for(TARGET_TYPES, name)
        if code is not None:
            row[f"targtype{i}"], row[f"targtype{i}_txt"] = str(code), TARGET_TYPES[code]
    for i, name in enumerate(inc.weapon_types[:4], start=1):
        code = code_for(WEAPON_TYPES, name)
        if code is not None:
            row[f"weaptype{i}"], row[f"weaptype{i}_txt"] = str(code), WEAPON_TYPES[code]
    # the first of each kind is never blank in GTD: its codebook's "Unknown" when the record names none
    for column, table in (("attacktype1", ATTACK_TYPES), ("targtype1", TARGET_TYPES), ("weaptype1", WEAPON_TYPES)):
        if not row[column]:
            code = code_for(table, "Unknown")
            if code is not None:
                row[column], row[f"{column}_txt"] = str(code), table[code]
    perps = inc.perpetrators[:3]
    if not perps:
        row["gname"] = "Unknown"
    for i, perp in enumerate(perps, start=1):
        suffix = "" if i == 1 else str(i)
        row[f"gname{suffix}"] = perp.name
        row[f"guncertain{i}"] = "1" if perp.attribution == "suspected" else "0"
        row["claimed" if i == 1 else f"claim{i}"] = "1" if perp.attribution == "claimed" else "0"
    figures: dict[tuple[str, str], int | None] = {}
    for f in inc.figures:  # the first of a measure and category is the record's own (later ones: other sayers')
        figures.setdefault((f.measure, f.category), f.best)
    row["nkill"] = _n(figures.get(("killed", "total")))
    row["nkillter"] = _n(figures.get(("killed", "perpetrators")))
    row["nwound"] = _n(figures.get(("wounded", "total")))
    row["nwoundte"] = _n(figures.get(("wounded", "perpetrators")))
    hostages = figures.get(("kidnapped", "total"), figures.get(("hostages", "total")))
    if hostages is not None:
        row["ishostkid"], row["nhostkid"] = "1", str(hostages)
    row["nreleased"] = _n(figures.get(("released", "total")))
    if "doubt_terrorism" in inc.flags:
        row["doubtterr"] = "1"
    for i, source in enumerate(inc.sources[:3], start=1):
        row[f"scite{i}"] = source
    row["dbsource"] = f"sarhad ({inc.dataset})"
    if not own:
        row["addnotes"] = origin_note(inc)
    return row


FORMAT: Final = TableFormat(
    name="gtd",
    columns=COLUMNS,
    required=REQUIRED,
    licence="GTD-EUA",
    default_reporter="GTD",
    parse=parse,
    to_row=to_row,
    id_column="eventid",
    converted_id=converted_id,
    country_code=("country", "GTD country code"),
)
