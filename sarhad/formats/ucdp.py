"""UCDP Georeferenced Event Dataset (GED) CSV, version 23.1 and later (49 columns).

Codebook: https://ucdp.uu.se/downloads/ged/ged231.pdf. Data licence CC BY 4.0 (Uppsala Conflict Data
Program). Figures: ``low / best / high`` totals (rule ``ucdp``) plus the per-side best estimates
``deaths_a``, ``deaths_b``, ``deaths_civilians`` and ``deaths_unknown``. ``low ≤ best ≤ high`` is broken in some
published rows: such rows are kept as published and flagged ``low_best_high_inconsistent``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Final

from sarhad.formats.base import (
    RowContext,
    RowError,
    TableFormat,
    derived_digits,
    opt_float,
    opt_int,
    origin_note,
    raw_digest,
    req,
    row_id,
    spreadsheet_hint,
)
from sarhad.formats.places import admin1_of, country_code, ged_country_name, gw_number
from sarhad.model.figures import Figure
from sarhad.model.incident import Incident, Perpetrator, Place, incident_id

__all__ = ["COLUMNS", "COUNTRIES", "FORMAT", "converted_id", "to_row"]

COLUMNS: Final = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id",
    "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources",
    "source_article", "source_office", "source_date", "source_headline", "source_original", "where_prec",
    "where_coordinates", "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt",
    "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec", "date_start", "date_end",
    "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob",
)  # fmt: skip
REQUIRED: Final = frozenset(
    {"id", "type_of_violence", "side_a", "side_b", "where_prec", "latitude", "longitude", "country",
     "date_prec", "date_start", "date_end", "best", "high", "low"}
)  # fmt: skip

# UCDP date_prec 1..5 and where_prec 1..7 (codebook §3) onto sarhad's precision scales.
DATE_PREC: Final = {"1": "day", "2": "days", "3": "week", "4": "month", "5": "year"}
WHERE_PREC: Final = {
    "1": "exact",
    "2": "near",
    "3": "admin2",
    "4": "admin1",
    "5": "region",
    "6": "country",
    "7": "water",
}
DATE_PREC_CODE: Final = {v: k for k, v in DATE_PREC.items()}
WHERE_PREC_CODE: Final = {v: k for k, v in WHERE_PREC.items()} | {"unknown": "6"}
VIOLENCE: Final = {"1": "state-based", "2": "non-state", "3": "one-sided"}


def _date(row: Mapping[str, str], field: str) -> str:
    text = req(row, field)
    day = text[:10]
    try:
        date.fromisoformat(day)
    except ValueError:
        raise RowError(field, f"{text!r} is not a date (YYYY-MM-DD){spreadsheet_hint(text)}") from None
    if len(day) != 10:
        raise RowError(field, f"{text!r} is not a date (YYYY-MM-DD)")
    return day


def _perpetrators(row: Mapping[str, str]) -> tuple[Perpetrator, ...]:
    kind = row.get("type_of_violence", "").strip()
    side_a = row.get("side_a", "").strip()
    side_b = row.get("side_b", "").strip()
    if kind == "3":  # one-sided violence: side A is the actor that killed civilians
        return (Perpetrator(side_a, "confirmed"),) if side_a else ()
    names = [s for s in (side_a, side_b) if s and not s.startswith("Government of") and s != "Civilians"]
    return tuple(Perpetrator(n, "unknown") for n in names)


def parse(row: Mapping[str, str], ctx: RowContext, *, raw_sha256: str | None = None) -> Incident:
    """One GED row as an Incident. Raises RowError naming the bad field.

    ``raw_sha256``, when given, is the row's :func:`~sarhad.formats.base.raw_digest`, already made (by
    :meth:`sarhad.formats.unchanged.KnownRows.lookup`): it is not made again.
    """
    source_id = row_id(row, "id")
    if not source_id:
        raise RowError("id", "is empty")
    if not source_id.isdigit():
        raise RowError("id", f"{source_id!r} is not a UCDP event id (digits){spreadsheet_hint(source_id)}")
    violence = req(row, "type_of_violence")
    if violence not in VIOLENCE:
        raise RowError("type_of_violence", f"{violence!r} is not 1, 2 or 3")
    date_prec = req(row, "date_prec")
    if date_prec not in DATE_PREC:
        raise RowError("date_prec", f"{date_prec!r} is not 1..5")
    where_prec = req(row, "where_prec")
    if where_prec not in WHERE_PREC:
        raise RowError("where_prec", f"{where_prec!r} is not 1..7")
    start = _date(row, "date_start")
    end = _date(row, "date_end")
    if end < start:
        raise RowError("date_end", f"{end} is before date_start {start}")
    lat = opt_float(row, "latitude", -90, 90)
    lon = opt_float(row, "longitude", -180, 180)
    if (lat is None) != (lon is None):
        raise RowError("longitude" if lon is None else "latitude", "is empty while the other coordinate is given")
    country = country_code(row.get("country", ""), gw=row.get("country_id", ""))
    admin1, admin1_code = admin1_of(row.get("adm_1", ""), country)
    low = opt_int(row, "low")
    best = opt_int(row, "best")
    high = opt_int(row, "high")
    asserted = ctx.reported_by
    figures = [Figure("killed", "total", low, best, high, "ucdp", asserted)]
    for field, category in (
        ("deaths_a", "side_a"),
        ("deaths_b", "side_b"),
        ("deaths_civilians", "civilians"),
        ("deaths_unknown", "unknown"),
    ):
        value = opt_int(row, field)
        if value is not None:
            figures.append(Figure("killed", category, None, value, None, "ucdp", asserted))
    flags = []
    if not figures[0].consistent:
        flags.append("low_best_high_inconsistent")
    place = Place(
        country=country,
        admin1=admin1,
        admin1_code=admin1_code,
        admin2=(row.get("adm_2", "").strip() or None),
        name=(row.get("where_coordinates", "").strip() or None),
        lat=lat,
        lon=lon,
        precision=WHERE_PREC[where_prec],
    )
    if ctx.locate is not None:
        place = ctx.locate(place)
    sources = tuple(
        s
        for s in (
            "; ".join(p for p in (row.get("source_office", "").strip(), row.get("source_date", "").strip()) if p),
            row.get("source_headline", "").strip(),
        )
        if s
    )
    try:
        return Incident(
            id=incident_id("ucdp", ctx.reported_by, source_id),
            reported_by=ctx.reported_by,
            dataset="ucdp",
            source_id=source_id,
            date_start=start,
            date_end=end,
            date_precision=DATE_PREC[date_prec],
            place=place,
            attack_types=(),
            perpetrators=_perpetrators(row),
            figures=tuple(figures),
            sources=sources,
            title=row.get("dyad_name", "").strip() or row.get("conflict_name", "").strip(),
            summary=row.get("where_description", "").strip(),
            tlp=ctx.tlp,
            recipients=ctx.recipients,
            licence="CC-BY-4.0",
            raw=None,
            raw_sha256=raw_digest(row) if raw_sha256 is None else raw_sha256,
            flags=tuple(flags),
        )
    except Exception as exc:  # the model's own checks, e.g. a date that does not exist
        raise RowError("row", str(exc)) from exc


def _n(value: int | None) -> str:
    return "" if value is None else str(value)


# country → (UCDP country name, Gleditsch-Ward number, UCDP region), for rows built from other records.
COUNTRIES: Final = {
    "PK": ("Pakistan", "770", "Asia"),
    "IR": ("Iran", "630", "Middle East"),
    "AF": ("Afghanistan", "700", "Asia"),
    "IN": ("India", "750", "Asia"),
}


def converted_id(inc: Incident) -> str:
    """A GED id for a record that has none of its own: 18 digits from the record's id, starting with 9 (GED's
    own ids are far shorter), the same in every export."""
    return "9" + derived_digits(inc, 17)


def to_row(inc: Incident, raw: Mapping[str, str] | None) -> dict[str, str]:
    """The GED row for ``inc``: its verbatim source row when it came from GED, else one built from it that
    ``parse`` accepts (see docs/formats.md for what fills each column)."""
    if raw is not None and inc.dataset == "ucdp":
        return {c: raw.get(c, "") for c in COLUMNS}
    by_cat: dict[str, Figure] = {}
    for f in inc.figures:  # the first of a category is the record's own (later ones: other sayers')
        if f.measure == "killed":
            by_cat.setdefault(f.category, f)
    tot = by_cat.get("total")
    p = inc.place
    perps = [x.name for x in inc.perpetrators]
    # a country outside the region: its name as GED writes it (which parse reads back) and, when sarhad knows it,
    # its GW number
    outside = (ged_country_name(p.country), gw_number(p.country), "")
    country, country_id, region = COUNTRIES.get(p.country or "", outside)
    own = inc.dataset == "ucdp" and inc.source_id.isdigit()
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        id=inc.source_id if own else converted_id(inc),
        year=inc.date_start[:4],
        # GED has no "unknown" kind of violence: an attack on people by an organised group is one-sided
        # violence (3), the perpetrator, if known, its side A
        type_of_violence="3",
        side_a=perps[0] if perps else "",
        side_b="Civilians",
        dyad_name=inc.title,
        number_of_sources=str(len(inc.sources)) if inc.sources else "",
        source_headline="; ".join(inc.sources),
        source_original="" if own else origin_note(inc),
        where_prec=WHERE_PREC_CODE.get(p.precision, "6"),
        where_coordinates=p.name or "",
        where_description=inc.summary,
        adm_1=p.admin1 or "",
        adm_2=p.admin2 or "",
        latitude="" if p.lat is None else repr(p.lat),
        longitude="" if p.lon is None else repr(p.lon),
        country=country,
        country_id=country_id,
        region=region,
        date_prec=DATE_PREC_CODE.get(inc.date_precision, "5"),
        date_start=inc.date_start + " 00:00:00.000",
        date_end=inc.date_end + " 00:00:00.000",
        deaths_a=_n(by_cat["side_a"].best) if "side_a" in by_cat else "",
        deaths_b=_n(by_cat["side_b"].best) if "side_b" in by_cat else "",
        deaths_civilians=_n(by_cat["civilians"].best) if "civilians" in by_cat else "",
        deaths_unknown=_n(by_cat["unknown"].best) if "unknown" in by_cat else "",
        best=_n(tot.best) if tot else "",  # blank: GED's reader takes it as unknown, never 0
        high=_n(tot.high) if tot else "",
        low=_n(tot.low) if tot else "",
    )
    return row


FORMAT: Final = TableFormat(
    name="ucdp",
    columns=COLUMNS,
    required=REQUIRED,
    licence="CC-BY-4.0",
    default_reporter="UCDP",
    parse=parse,
    to_row=to_row,
    id_column="id",
    converted_id=converted_id,
    country_code=("country_id", "Gleditsch-Ward number"),
)
