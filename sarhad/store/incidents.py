"""The ``incidents`` table: the current version of every incident, flattened for queries and statistics.

It is a view of the ``objects`` table (rebuildable from it); this module writes it inside the publisher's
transaction and answers the CLI's and the API's questions from it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Final

from sarhad.errors import InvalidInput, NotFound, SarhadError
from sarhad.model.codes import TLP_LEVELS
from sarhad.model.figures import Figure
from sarhad.model.incident import SARHAD_EXTENSION, Incident, Perpetrator, check_fields

# Incident.from_stix's own pieces, shared so that incident_row_from_stix reads exactly what it reads.
from sarhad.model.incident import _EPOCH, _TIMESTAMP, _TLP_BY_ID, _place  # isort: skip
from sarhad.store.current import current
from sarhad.store.db import Database, Dialect
from sarhad.store.like import LIKE_ESCAPE, case_blind_matches, like_literal

__all__ = [
    "GROUPINGS",
    "INCIDENT_COLUMNS",
    "UNKNOWN_TYPE",
    "Filters",
    "count_incidents",
    "highest_tlp",
    "incident_row",
    "incident_row_from_stix",
    "incident_row_of_fields",
    "insert_incidents",
    "iter_incidents",
    "load_incident",
    "perpetrator_group",
    "query_incidents",
    "rebuild_incidents",
    "stats",
    "upsert_incidents",
]

INCIDENT_COLUMNS: Final = (
    "id", "modified", "created", "origin", "dataset", "source_id", "reported_by", "date_start", "date_end",
    "date_precision", "country", "admin1", "admin1_code", "admin2", "place", "lat", "lon", "geo_precision",
    "border_km", "perpetrator", "attack_type", "killed_low", "killed_best", "killed_high", "wounded_low",
    "wounded_best", "wounded_high", "tlp", "licence", "content_sha256", "killed_zero_ambiguous",
    "wounded_zero_ambiguous",
)  # fmt: skip

# The attack type the table keeps is the first the record names that says what the attack was: the codebook's
# "Unknown" (GTD's attacktype1 9, which GTD writes when it cannot tell) says nothing, and counts with the records
# naming none (stats --by attack-type, the dashboard), while the record keeps it as the source wrote it.
UNKNOWN_TYPE: Final = "Unknown"

# A row replaces the stored one only when it is a later version: an earlier version written after a later one
# (versions synced out of order, a peer sending an old version again) leaves the current version in place.
_UPSERT: Final = (
    f"INSERT INTO incidents ({', '.join(INCIDENT_COLUMNS)}) VALUES ({', '.join('?' * len(INCIDENT_COLUMNS))})"
    " ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in INCIDENT_COLUMNS if c not in ("id", "created"))
    + " WHERE excluded.modified > incidents.modified"
)


def incident_row(inc: Incident, created: str, modified: str, origin: str, content_sha: str) -> tuple[Any, ...]:
    """The ``incidents`` row for one version of an incident."""
    p = inc.place
    k = _total(inc.figures, "killed")
    w = _total(inc.figures, "wounded")
    return (
        inc.id, modified, created, origin, inc.dataset, inc.source_id, inc.reported_by, inc.date_start,
        inc.date_end, inc.date_precision, p.country, p.admin1, p.admin1_code, p.admin2, p.name, p.lat, p.lon,
        p.precision, p.border_km, inc.perpetrator, _attack_type(inc.attack_types),
        k[0], k[1], k[2], w[0], w[1], w[2], inc.tlp, inc.licence, content_sha, k[3], w[3],
    )  # fmt: skip


# A total not given: no figures, and no ambiguous zero.
_NO_TOTAL: Final = (None, None, None, 0)


def _total(figures: Iterable[Figure], measure: str) -> tuple[int | None, int | None, int | None, int]:
    """The ``total`` figure's low, best and high for ``measure`` (:func:`sarhad.model.figures.total`), and 1 when
    it is a zero the source cannot tell from "no information" (ACLED's fatalities 0: ``zero_ambiguous``), else 0
    (the ``*_zero_ambiguous`` columns; an integer, which both databases store alike)."""
    for f in figures:
        if f.measure == measure and f.category == "total":
            unclear = f.zero_ambiguous and not (f.low or f.best or f.high)
            return f.low, f.best, f.high, 1 if unclear else 0
    return _NO_TOTAL


def _attack_type(names: Sequence[Any]) -> Any:
    """The first of an incident's attack types other than :data:`UNKNOWN_TYPE`, or None."""
    for name in names:
        if name != UNKNOWN_TYPE:
            return name
    return None


def incident_row_of_fields(
    fields: tuple[Any, ...], created: str, modified: str, origin: str, content_sha: str
) -> tuple[Any, ...]:
    """``incident_row(Incident(*fields), …)`` without the record: ``fields`` are an Incident's fields in their
    order, from ``id`` to ``raw_sha256``, as a parser checked them (see :func:`sarhad.formats.acled.fields`)."""
    (
        oid, reported_by, dataset, source_id, start, end, precision, p, attack_types, _, _, perpetrators,
        figures, _, _, _, tlp, _, licence, *_,
    ) = fields  # fmt: skip
    k = _total(figures, "killed") if figures else _NO_TOTAL
    w = _total(figures, "wounded") if figures else _NO_TOTAL
    return (
        oid, modified, created, origin, dataset, source_id, reported_by, start, end, precision, p.country,
        p.admin1, p.admin1_code, p.admin2, p.name, p.lat, p.lon, p.precision, p.border_km,
        perpetrators[0].name if perpetrators else None, _attack_type(attack_types) if attack_types else None,
        k[0], k[1], k[2], w[0], w[1], w[2], tlp, licence, content_sha, k[3], w[3],
    )  # fmt: skip


_LISTS: Final = ("attack_types", "target_types", "weapon_types", "sources", "flags")


def incident_row_from_stix(obj: dict[str, Any], origin: str, content_sha: str) -> tuple[Any, ...] | None:
    """``incident_row(Incident.from_stix(obj), …)``, built straight from a STIX incident (a sync stores many).

    It runs the record's own checks (:func:`sarhad.model.incident.check_fields`, the place, perpetrators and
    figures) without building the record, so the same incidents are accepted. Anything out of the ordinary (a
    value of an unexpected type, a check that fails) gives None, and the caller takes the long way,
    :meth:`Incident.from_stix`, which accepts it or says what is wrong. (About three times cheaper.)
    """
    try:
        ext = obj["extensions"][SARHAD_EXTENSION]
        refs = obj.get("object_marking_refs") or ()
        oid, created, modified = obj["id"], obj["created"], obj["modified"]
        reported_by, dataset, source_id = ext["reported_by"], ext["dataset"], ext["source_id"]
        start, end = ext["date_start"], ext["date_end"]
        precision = ext.get("date_precision", "day")
        licence = ext.get("licence", "PARTY-OWN")
        recipients = ext.get("recipients", ())
        perpetrators = ext.get("perpetrators", ())
        figures = ext.get("figures", ())
    except (KeyError, TypeError, AttributeError):
        return None
    if (
        obj.get("type") != "incident" or type(ext) is not dict or type(oid) is not str
        or type(reported_by) is not str or type(dataset) is not str or type(source_id) is not str
        or type(start) is not str or type(end) is not str or type(licence) is not str
        or type(refs) not in (list, tuple) or type(recipients) not in (list, tuple)
        or any(name in ext and type(ext[name]) is not list for name in _LISTS)
        or type(perpetrators) not in (list, tuple) or type(figures) not in (list, tuple)
    ):  # fmt: skip
        return None
    for stamp in (created,) if created == modified else (created, modified):
        if stamp != _EPOCH and (type(stamp) is not str or not _TIMESTAMP.match(stamp)):
            return None
    markings = [m for m in refs if type(m) is str and m in _TLP_BY_ID]
    tlp = _TLP_BY_ID[markings[0]] if markings else "CLEAR"
    try:
        check_fields(oid, reported_by, start, end, precision, tlp, tuple(recipients))
        p = _place(ext.get("place") or {})
        named = [Perpetrator(**x) for x in perpetrators]
        stated = [Figure.from_dict(f) for f in figures] if figures else ()
    except (SarhadError, TypeError, ValueError, AttributeError, KeyError):
        return None
    attacks = ext.get("attack_types")
    k = _total(stated, "killed") if stated else _NO_TOTAL
    w = _total(stated, "wounded") if stated else _NO_TOTAL
    return (
        oid, modified, created, origin, dataset, source_id, reported_by, start, end, precision, p.country, p.admin1,
        p.admin1_code, p.admin2, p.name, p.lat, p.lon, p.precision, p.border_km, named[0].name if named else None,
        _attack_type(attacks) if attacks else None, k[0], k[1], k[2], w[0], w[1], w[2], tlp, licence, content_sha,
        k[3], w[3],
    )  # fmt: skip


def upsert_incidents(db: Database, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert the row of each incident, or replace the stored row by a later version (by ``modified``): a row
    of an earlier version than the stored one changes nothing, so the table keeps the current versions
    whatever order they are written in. (:func:`sarhad.monitor.summary.upsert` keeps the summaries in step.)"""
    db.executemany(_UPSERT, rows)


def insert_incidents(db: Database, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert incidents the table does not hold yet (in bulk: COPY on PostgreSQL). Raises StorageError when
    one is already there."""
    if rows:
        db.copy_rows("incidents", INCIDENT_COLUMNS, rows)


@dataclass(frozen=True, slots=True)
class Filters:
    """What to select. Dates are ISO ``YYYY-MM-DD`` (an incident matches when its start date is in range);
    ``bbox`` is ``(min_lon, min_lat, max_lon, max_lat)``; ``near_border`` a distance in km; ``side`` a
    country code; ``dedup`` keeps one report per reconciled incident among those the other filters keep (the
    cluster's representative when they keep it, see ``_STANDS_FOR``), and every report not yet clustered.

    ``perpetrator`` names an armed group: when the alias registry (:func:`sarhad.model.actors.resolve_actor`)
    knows the name, it matches every stored spelling of that group ("Jaish ul-Adl" finds "Jaish al-Adl",
    "BLA" finds "Baloch Liberation Army"); a name the registry does not know matches the perpetrators containing
    it. ``admin1`` matches a province by its name or any spelling the gazetteer knows ("KPK"), and the rows
    stored under the name typed. Both ignore case by Unicode's rules ("SĪSTĀN" finds "Sīstān"), alike on SQLite
    and PostgreSQL: :meth:`resolved` looks the names up among the stored ones (:mod:`sarhad.store.like`) into
    ``perpetrator_spellings`` and ``admin1_spellings``, which the query then selects, and sets ``dialect`` to the
    database's, since the names are bound as one parameter, in each dialect's way (they may be tens of thousands).

    ``tlp`` keeps the rows of those levels; ``readable``, an SQL condition over the ``incidents`` table with its
    parameters, admits rows besides (a principal's own party's, the TLP:RED records it may read: see
    sarhad.web.auth.beyond_levels_clause). Without ``tlp``, ``readable`` is the whole condition.

    ``year_only`` True keeps the incidents whose date is known only to the year (GTD's ``imonth`` 0, UCDP's
    ``date_prec`` 5), False leaves them out: a quarter's count, where such an incident's range starting on
    1 January does not make it January's."""

    since: str | None = None
    until: str | None = None
    country: str | None = None
    admin1: str | None = None
    perpetrator: str | None = None
    reported_by: str | None = None
    dataset: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    near_border: float | None = None
    side: str | None = None
    tlp: tuple[str, ...] | None = None
    readable: tuple[str, tuple[Any, ...]] | None = None
    exclude_licences: tuple[str, ...] = ()
    dedup: bool = False
    perpetrator_spellings: tuple[str, ...] | None = None
    admin1_spellings: tuple[str, ...] | None = None
    dialect: Dialect | None = None
    year_only: bool | None = None

    def resolved(self, db: Database) -> Filters:
        """These filters with the stored names their ``perpetrator`` and ``admin1`` filters find (see the class),
        or unchanged when there are no such filters or it is done already."""
        found = self
        if self.perpetrator and self.perpetrator_spellings is None:
            found = replace(found, perpetrator_spellings=_perpetrators(db, self.perpetrator), dialect=db.dialect)
        if self.admin1 and self.admin1_spellings is None:
            found = replace(found, admin1_spellings=_provinces(db, self.admin1, self.country), dialect=db.dialect)
        return found

    def where(self) -> tuple[str, list[Any]]:
        """The SQL ``WHERE`` clause (or empty) and its parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.since:
            clauses.append("date_start >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("date_start <= ?")
            params.append(self.until)
        if self.country:
            clauses.append("country = ?")
            params.append(self.country.upper())
        if self.side:
            clauses.append("country = ?")
            params.append(self.side.upper())
        if self.admin1:
            from sarhad.geo.admin import normalise_admin1  # the gazetteer's tables: only when the filter is given

            # Any spelling the importers normalise ("Sistan va Baluchestan", "Baluchistan", "KPK") finds the
            # province they stored it under; a name the tables do not know is matched as typed.
            known = normalise_admin1(self.admin1, self.country)
            name, code = known if known else (self.admin1, self.admin1.upper())
            if self.admin1_spellings is not None:  # resolved: the same rows on both dialects
                if self.admin1_spellings:
                    spelled, names = _one_of("admin1", self.admin1_spellings, self.dialect)
                    clauses.append(f"({spelled} OR admin1_code = ?)")
                    params += [*names, code]
                else:
                    clauses.append("admin1_code = ?")
                    params.append(code)
            else:  # SQLite's LOWER folds ASCII letters only
                clauses.append("(LOWER(admin1) = LOWER(?) OR admin1_code = ?)")
                params += [name, code]
        if self.perpetrator_spellings is not None:
            if self.perpetrator_spellings:
                spelled, names = _one_of("perpetrator", self.perpetrator_spellings, self.dialect)
                clauses.append(spelled)
                params += names
            else:
                clauses.append("1 = 0")
        elif self.perpetrator:
            # not resolved: a name containing the text typed (its % and _ are letters, not wildcards), its case
            # ignored as the dialect's LOWER ignores it
            clauses.append(f"LOWER(perpetrator) LIKE LOWER(?) ESCAPE '{LIKE_ESCAPE}'")
            params.append(f"%{like_literal(self.perpetrator)}%")
        if self.reported_by:
            # Party and dataset codes are capitals, so 'ucdp' or 'pk' typed by an analyst means them: the text is
            # put in capitals here (Unicode's), not the column in SQL, whose UPPER folds ASCII letters only on
            # SQLite and follows the locale on PostgreSQL. A value stored otherwise (a peer's own) is found as
            # typed. Exact comparisons find the same rows on both.
            typed = self.reported_by.strip()
            codes = list(dict.fromkeys((typed.upper(), typed)))
            clauses.append(f"reported_by IN ({', '.join('?' * len(codes))})")
            params += codes
        if self.dataset:
            clauses.append("dataset = ?")
            params.append(self.dataset)
        if self.bbox:
            min_lon, min_lat, max_lon, max_lat = self.bbox
            if not (min_lon <= max_lon and min_lat <= max_lat):
                raise InvalidInput(f"bounding box {self.bbox} has min > max (expected MINLON,MINLAT,MAXLON,MAXLAT)")
            clauses.append("lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?")
            params += [min_lat, max_lat, min_lon, max_lon]
        if self.near_border is not None:
            clauses.append("border_km <= ?")
            params.append(self.near_border)
        if self.tlp is not None:
            levels = f"tlp IN ({', '.join('?' * len(self.tlp))})" if self.tlp else "1 = 0"
            clauses.append(f"({levels} OR {self.readable[0]})" if self.readable else levels)
            params += list(self.tlp)
        if self.readable is not None:
            if self.tlp is None:
                clauses.append(self.readable[0])
            params += list(self.readable[1])
        if self.exclude_licences:
            clauses.append(f"licence NOT IN ({', '.join('?' * len(self.exclude_licences))})")
            params += list(self.exclude_licences)
        if self.year_only is not None:
            clauses.append("date_precision = 'year'" if self.year_only else "date_precision <> 'year'")
        if self.dedup:
            # One report per incident, and every report no run has clustered yet. Of a cluster's reports that
            # the other filters keep, the one that stands for it: its representative (sarhad reconcile) when
            # they keep it, else a party's report, then the most precisely dated and placed one. Picking the
            # representative first and filtering after would drop the incident whenever the filters leave out
            # that one report (--reported-by IR, --max-tlp CLEAR and the node's own RED report).
            inner = f" WHERE {' AND '.join(clauses)}" if clauses else ""
            clauses.append(
                "(id NOT IN (SELECT incident_id FROM reconcile_members) OR id IN (SELECT id FROM ("
                f"SELECT incidents.id, ROW_NUMBER() OVER (PARTITION BY m.cluster_id ORDER BY {_STANDS_FOR}) AS n"
                f" FROM incidents JOIN reconcile_members m ON m.incident_id = incidents.id{inner}) ranked"
                " WHERE n = 1))"
            )
            params += params
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


# How a cluster's report is chosen to stand for it among those the filters keep (``Filters.dedup``): the order
# of sarhad.reconcile.store.representative, whose choice comes first.
_STANDS_FOR: Final = (
    "CASE WHEN incidents.id IN (SELECT representative FROM reconcile_clusters c WHERE c.cluster_id = m.cluster_id)"
    " THEN 0 ELSE 1 END, CASE WHEN incidents.dataset = 'party' THEN 0 ELSE 1 END,"
    " CASE incidents.date_precision WHEN 'day' THEN 0 WHEN 'days' THEN 1 WHEN 'week' THEN 2 WHEN 'month' THEN 3"
    " WHEN 'year' THEN 4 ELSE 5 END,"
    " CASE incidents.geo_precision WHEN 'exact' THEN 0 WHEN 'near' THEN 1 WHEN 'admin2' THEN 2 WHEN 'water' THEN 3"
    " WHEN 'admin1' THEN 4 WHEN 'region' THEN 5 WHEN 'country' THEN 6 ELSE 7 END, incidents.id"
)


def _one_of(column: str, values: tuple[str, ...], dialect: Dialect | None) -> tuple[str, list[Any]]:
    """The condition ``column`` is one of ``values`` and its parameters: one, whatever the number of values.

    A case-blind filter may find tens of thousands of stored names (a short text typed as a perpetrator), more
    than a statement may have parameters (PostgreSQL's protocol allows 65,535, SQLite's builds 32,766 by
    default). PostgreSQL takes them as an array (psycopg adapts a list), SQLite as a JSON array it reads with
    ``json_each`` (built in since SQLite 3.38); both compare the column exactly, as ``IN (…)`` would. Without a
    dialect (filters not resolved by :meth:`Filters.resolved`) the values are listed, one parameter each.
    """
    if dialect == "postgresql":
        return f"{column} = ANY(?)", [list(values)]
    if dialect == "sqlite":
        return f"{column} IN (SELECT value FROM json_each(?))", [json.dumps(values, ensure_ascii=False)]
    return f"{column} IN ({', '.join('?' * len(values))})", list(values)


def _distinct(db: Database, column: str, within: tuple[str, str] | None = None) -> list[str]:
    """The distinct values of ``column`` of ``incidents`` that are not NULL (of the rows whose ``within[0]``
    column is ``within[1]``, when given), in the index's order, read by skipping through an index that starts
    with the column (or with ``within[0]`` then the column).

    ``SELECT DISTINCT`` reads every entry of the index; this reads one per distinct value (a loose index scan:
    each step asks for the first value after the last one found). The comparison ``>`` is the index's own, so no
    value is passed over, and NULLs, which ``>`` never finds, are left out, as the filters want.
    """
    same = f"{within[0]} = ? AND " if within else ""
    first = f"SELECT MIN({column}) FROM incidents" + (f" WHERE {within[0]} = ?" if within else "")
    after = f"SELECT {column} FROM incidents WHERE {same}{column} > found.v ORDER BY {column} LIMIT 1"
    sql = (
        f"WITH RECURSIVE found (v) AS (SELECT ({first})"
        f" UNION ALL SELECT ({after}) FROM found WHERE found.v IS NOT NULL)"
        " SELECT v FROM found WHERE v IS NOT NULL"
    )
    params = [within[1], within[1]] if within else []
    return [str(v) for (v,) in db.fetchall(sql, params)]


def _perpetrators(db: Database, text: str) -> tuple[str, ...]:
    """The stored perpetrator names a ``perpetrator`` filter of ``text`` finds: every spelling of the group when
    the alias registry knows the name, else the names containing ``text`` but for case."""
    from sarhad.model.actors import resolve_actor

    # the distinct names are few, the perpetrator index answers, and the registry maps spellings loosely. Of
    # 300,000 rows under 3,000 names PostgreSQL reads them in 0.08 s by skipping through the index, 0.32 s with
    # SELECT DISTINCT; SQLite's DISTINCT, 0.02 s, walks the index faster than it takes the 3,000 steps (0.03 s)
    if db.dialect == "postgresql":
        stored = _distinct(db, "perpetrator")
    else:
        sql = "SELECT DISTINCT perpetrator FROM incidents WHERE perpetrator IS NOT NULL"
        stored = [str(name) for (name,) in db.fetchall(sql)]
    actor = resolve_actor(text)
    if actor is None:
        return case_blind_matches(stored, text, contains=True)
    return tuple(sorted(name for name in stored if perpetrator_group(name) == actor.name))


def _provinces(db: Database, text: str, country: str | None) -> tuple[str, ...]:
    """The stored province names an ``admin1`` filter of ``text`` finds (besides the rows of the province's code):
    the name typed and, when the gazetteer knows it, the province's own name, but for case."""
    from sarhad.geo.admin import normalise_admin1

    known = normalise_admin1(text, country)
    # few distinct names, and the (country, admin1) index answers: for each country (few), its names, skipping
    # through the index on both dialects (300,000 rows of 80 provinces in 2 countries: 0.4 ms on SQLite, 15 ms
    # on PostgreSQL, where SELECT DISTINCT admin1 took 156 ms and 300 ms)
    if country:
        stored = _distinct(db, "admin1", ("country", country.upper()))
    else:
        stored = [name for code in _distinct(db, "country") for name in _distinct(db, "admin1", ("country", code))]
        nowhere = "SELECT DISTINCT admin1 FROM incidents WHERE country IS NULL AND admin1 IS NOT NULL"
        stored += [str(name) for (name,) in db.fetchall(nowhere)]
    return case_blind_matches(stored, text, *(known[:1] if known else ()))


@lru_cache(maxsize=4096)  # a store holds few distinct names, each asked for once per row
def perpetrator_group(name: str | None) -> str | None:
    """The group a stored perpetrator name stands for: the alias registry's canonical name for the spellings
    it knows ("BLA", "Baloch Liberation Army (BLA)": "Baloch Liberation Army"), else the name as stored."""
    if not name:
        return name
    from sarhad.model.actors import resolve_actor

    actor = resolve_actor(name)
    return actor.name if actor is not None else name


def _summary(row: Sequence[Any]) -> dict[str, Any]:
    r = dict(zip(INCIDENT_COLUMNS, row, strict=True))
    return {
        "id": r["id"],
        "source_id": r["source_id"],
        "dataset": r["dataset"],
        "reported_by": r["reported_by"],
        "date_start": r["date_start"],
        "date_end": r["date_end"],
        "date_precision": r["date_precision"],
        "country": r["country"],
        "admin1": r["admin1"],
        "admin1_code": r["admin1_code"],
        "admin2": r["admin2"],
        "place": r["place"],
        "lat": r["lat"],
        "lon": r["lon"],
        "geo_precision": r["geo_precision"],
        "border_km": r["border_km"],
        "perpetrator": r["perpetrator"],
        "attack_type": r["attack_type"],
        "killed": {"low": r["killed_low"], "best": r["killed_best"], "high": r["killed_high"]},
        "wounded": {"low": r["wounded_low"], "best": r["wounded_best"], "high": r["wounded_high"]},
        # beside the figures, not in them: programs read "killed" as exactly {"low", "best", "high"}
        "killed_zero_ambiguous": bool(r["killed_zero_ambiguous"]),
        "wounded_zero_ambiguous": bool(r["wounded_zero_ambiguous"]),
        "tlp": r["tlp"],
        "licence": r["licence"],
        "modified": r["modified"],
        "origin": r["origin"],
    }


def query_incidents(
    db: Database,
    filters: Filters = Filters(),
    *,
    limit: int | None = None,
    offset: int = 0,
    after: tuple[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Incidents matching ``filters`` as summary dicts, oldest first (then by id, for a stable order).

    ``after`` = (date_start, id) of the last incident of the previous page starts the page right after it
    (keyset paging: a page costs the same however deep it is, and stays right while incidents are added);
    ``offset`` skips that many rows instead (the cost grows with it).
    """
    where, params = filters.resolved(db).where()
    if after is not None:
        where = f"{where} AND " if where else " WHERE "
        # the bound on date_start alone first, so that the date index's range starts at the cursor
        where += "date_start >= ? AND (date_start > ? OR id > ?)"
        params = [*params, after[0], after[0], after[1]]
    sql = f"SELECT {', '.join(INCIDENT_COLUMNS)} FROM incidents{where} ORDER BY date_start, id"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    return [_summary(row) for row in db.fetchall(sql, params)]


def count_incidents(db: Database, filters: Filters = Filters()) -> int:
    """How many incidents match ``filters``."""
    where, params = filters.resolved(db).where()
    row = db.fetchone(f"SELECT COUNT(*) FROM incidents{where}", params)
    return int(row[0]) if row else 0


def iter_incidents(db: Database, filters: Filters = Filters()) -> Iterator[Incident]:
    """Stream the full current version of each matching incident (for exports), oldest first."""
    where, params = filters.resolved(db).where()
    sql = (
        f"SELECT o.body FROM (SELECT id, modified, date_start FROM incidents{where}) i"
        " JOIN objects o ON o.id = i.id AND o.modified = i.modified ORDER BY i.date_start, i.id"
    )
    for (body,) in db.iterate(sql, params):
        yield Incident.from_stix(json.loads(body))


def load_incident(db: Database, incident_id: str) -> Incident:
    """The current version of one incident. Raises NotFound."""
    row = db.fetchone(
        "SELECT o.body FROM incidents i JOIN objects o ON o.id = i.id AND o.modified = i.modified WHERE i.id = ?",
        (incident_id,),
    )
    if row is None:
        raise NotFound(f"no incident {incident_id}")
    return Incident.from_stix(json.loads(row[0]))


# A date known only to the year (GTD's imonth 0, UCDP's date_prec 5) has its range's first day as date_start:
# by month it counts under the year alone ("2008", ordered before "2008-01"), never as January's (or as the
# month its range happens to start in). A date known to the day, days, week or month counts in the month its
# range starts in, the month --since and --until read.
GROUPINGS: Final[dict[str, str]] = {
    "year": "SUBSTR(date_start, 1, 4)",
    "month": "CASE WHEN date_precision = 'year' THEN SUBSTR(date_start, 1, 4) ELSE SUBSTR(date_start, 1, 7) END",
    "country": "country",
    "admin1": "admin1",
    "perpetrator": "perpetrator",
    "attack-type": "attack_type",
    "reported-by": "reported_by",
    "dataset": "dataset",
}


def _range(measure: str, dialect: Dialect) -> str:
    """The sums of each incident's range of ``measure``: from the smallest to the largest figure it gives.

    One figure (ACLED's and GTD's best) is its own low and high; a low or high without a best counts as given;
    an incident giving none adds nothing. The figures are ordered, since a source's own may not be: UCDP
    publishes rows with low above high or best outside low..high (see :class:`sarhad.model.figures.Figure`).
    Each COALESCE puts one known figure first, so LEAST/GREATEST see only known figures (SQLite's MIN/MAX of
    several arguments give NULL when any is NULL), or only NULLs when there are none. A row with neither low
    nor high, most of a node (ACLED, GTD), skips them: that halves the extra cost of the sums on SQLite.
    """
    low, best, high = f"{measure}_low", f"{measure}_best", f"{measure}_high"
    known = f"COALESCE({low}, {best}, {high}), COALESCE({best}, {high}, {low}), COALESCE({high}, {low}, {best})"
    least, greatest = ("LEAST", "GREATEST") if dialect == "postgresql" else ("MIN", "MAX")
    single = f"{low} IS NULL AND {high} IS NULL"
    return (
        f"SUM(CASE WHEN {single} THEN {best} ELSE {least}({known}) END), "
        f"SUM(CASE WHEN {single} THEN {best} ELSE {greatest}({known}) END)"
    )


def _aggregates(dialect: Dialect) -> str:
    """The 13 columns :func:`_figures` reads: the count, then each measure's sums, unknown and range."""
    return ", ".join(
        ["COUNT(*)"]
        + [
            f"SUM({measure}_low), SUM({measure}_best), SUM({measure}_high), "
            f"SUM(CASE WHEN {measure}_best IS NULL THEN 1 ELSE 0 END), {_range(measure, dialect)}"
            for measure in ("killed", "wounded")
        ]
    )


def _figures(row: Sequence[Any]) -> dict[str, Any]:
    def num(v: Any) -> int:
        return int(v or 0)

    def measure(low: Any, best: Any, high: Any, unknown: Any, range_low: Any, range_high: Any) -> dict[str, Any]:
        return {
            "low": num(low), "best": num(best), "high": num(high), "unknown": num(unknown),
            "range": {"low": num(range_low), "high": num(range_high)},
        }  # fmt: skip

    return {"incidents": num(row[0]), "killed": measure(*row[1:7]), "wounded": measure(*row[7:13])}


# The rank of a row's TLP level (CLEAR lowest, RED highest): the levels' names do not sort in that order.
_TLP_RANK_SQL: Final = (
    "CASE tlp " + " ".join(f"WHEN '{level}' THEN {rank}" for rank, level in enumerate(TLP_LEVELS)) + " END"
)


def highest_tlp(levels: Iterable[str]) -> str | None:
    """The highest of TLP ``levels`` (CLEAR < GREEN < AMBER < AMBER+STRICT < RED), or None when there are none."""
    return max(levels, key=TLP_LEVELS.index, default=None)


def stats(
    db: Database, by: str | None = None, filters: Filters = Filters(), *, marking: bool = False
) -> dict[str, Any]:
    """Incidents, killed and wounded: for each measure the sums of the stored ``low``/``best``/``high``, how
    many incidents have no ``best`` (``unknown``), and the ``range`` of the total (``{"low", "high"}``).

    The range is the sum of each incident's range, from the smallest to the largest figure it gives (see
    :func:`_range`), so the total ``best`` lies within it as long as every incident giving a figure gives a
    best; the sums of the stored lows and highs do not bound anything when sources giving three figures
    (UCDP) and one (ACLED, GTD) are added together.

    Without ``by``: one total. With ``by`` (a key of GROUPINGS): ``{"groups": [{"key", …}, …]}`` ordered by
    key, plus the total. By ``month`` the key is ``YYYY-MM``, or ``YYYY`` for the incidents whose date is known
    only to the year (before that year's months). By ``perpetrator``, the key is the group's canonical name
    (:func:`perpetrator_group`): the spellings of one group are one group, ordered by that name, unknown first.

    With ``marking``, ``tlp`` is the highest TLP level of the incidents counted (None when none is): what a
    document showing these figures is marked with at least. It is a MAX over the total's own rows, no second query.
    Raises InvalidInput for an unknown grouping.
    """
    where, params = filters.resolved(db).where()
    aggregates = _aggregates(db.dialect)
    highest = f", MAX({_TLP_RANK_SQL})" if marking else ""
    total_row = db.fetchone(f"SELECT {aggregates}{highest} FROM incidents{where}", params)
    out = _figures(total_row or (0,) * 13)
    if marking:
        rank = total_row[13] if total_row else None
        out["tlp"] = None if rank is None else TLP_LEVELS[int(rank)]
    if by is None:
        return out
    if by not in GROUPINGS:
        raise InvalidInput(f"cannot group by {by!r}: expected one of {', '.join(GROUPINGS)}")
    expr = GROUPINGS[by]
    rows = db.fetchall(f"SELECT {expr} AS k, {aggregates} FROM incidents{where} GROUP BY k ORDER BY k", params)
    out["by"] = by
    groups = [{"key": row[0], **_figures(row[1:])} for row in rows]
    if by == "perpetrator":
        groups = _merged_groups(groups)
    out["groups"] = groups
    return out


def _merged_groups(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Perpetrator groups keyed by the group each spelling stands for, the figures of one group's spellings
    added up; ordered by key, unknown first."""
    merged: dict[str | None, dict[str, Any]] = {}
    for group in groups:
        key = perpetrator_group(group["key"])
        into = merged.get(key)
        merged[key] = {**group, "key": key} if into is None else _added(into, group)
    return [merged[k] for k in sorted(merged, key=lambda k: (k is not None, k or ""))]


def _added(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """The figures of :func:`_figures` ``a`` and ``b`` added up (``a``'s key)."""
    out: dict[str, Any] = {}
    for name, value in a.items():
        if name == "key":
            out[name] = value
        elif isinstance(value, dict):
            out[name] = _added(value, b[name])
        else:
            out[name] = value + b[name]
    return out


def rebuild_incidents(db: Database) -> int:
    """Recreate the ``incidents`` table from the latest version of each incident in ``objects``.

    An incident whose latest version a peer withheld (``withheld_versions``, see
    :mod:`sarhad.exchange.withheld`) has no current version here, and no row. Runs inside the caller's
    transaction; returns how many incidents it wrote.
    """
    db.execute("DELETE FROM incidents")
    rows = []
    count = 0
    sql = f"SELECT o.body, o.content_sha256, o.origin FROM objects o WHERE o.type = 'incident' AND {current('o')}"
    for body, csha, origin in db.iterate(sql):
        inc = Incident.from_stix(json.loads(body))
        rows.append(incident_row(inc, inc.created, inc.modified, origin, csha))
        if len(rows) >= 5000:
            upsert_incidents(db, rows)
            count += len(rows)
            rows = []
    if rows:
        upsert_incidents(db, rows)
        count += len(rows)
    from sarhad.monitor.summary import rebuild  # the dashboard's summaries are views of this table too

    rebuild(db)
    return count
