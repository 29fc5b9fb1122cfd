"""Export incidents: to a dataset's own CSV format (lossless for rows imported from it), sarhad's flat CSV,
or GeoJSON.

A dataset format's file holds every incident: records from other sources (another dataset, a party's report,
an article, a peer) are converted into rows that format's importer accepts, each under an id of that format
derived from the record's id; a second record with the source id of a row already written (another party's
copy of the same dataset row) keeps its row but gets such an id, so the file imports again whole. Ids are
compared as the importer reads them: ``201001200001.0`` (a whole number written as a float) is ``201001200001``.
A record stored under such a float id by an import that read it as text, whose record under the whole number is
exported too, is the same event and is left out: the export keeps the current record of each event once.

sarhad's flat CSV is for people to open in a spreadsheet: a text cell that a spreadsheet would take for a formula
(one beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a single quote before
it unless ``raw_cells`` is asked for (:mod:`sarhad._internal.cells`); its number columns are written as they
are. A dataset's format gives back the imported rows as they were, byte for byte, and is never changed so.

Exports stream in constant memory. Rows under licences that forbid redistribution (GTD, ACLED) are left
out when the export is meant for others (``for_peers``), unless the node is configured to share them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

from sarhad._internal.cells import neutralised
from sarhad._internal.csv_out import lf_writer
from sarhad.errors import InvalidInput
from sarhad.formats import TABLE_FORMATS, TableFormat, table_format
from sarhad.formats.base import RowError, row_id
from sarhad.formats.seen_ids import SeenIds
from sarhad.model.codes import RESTRICTED_LICENCES, TLP_LEVELS
from sarhad.model.figures import Figure, Range
from sarhad.model.incident import Incident
from sarhad.model.incident import incident_id as uuid_of
from sarhad.node import Node
from sarhad.store.incidents import Filters
from sarhad.store.raw_rows import Headers, parse_columns

__all__ = ["EXPORT_FORMATS", "FLAT_COLUMNS", "export"]

FLAT_COLUMNS: Final = (
    "id", "source_id", "dataset", "reported_by", "date_start", "date_end", "date_precision", "country", "admin1",
    "admin1_code", "admin2", "place", "lat", "lon", "geo_precision", "border_km", "perpetrators", "attack_types",
    "target_types", "weapon_types", "killed_low", "killed_best", "killed_high", "wounded_low", "wounded_best",
    "wounded_high", "killed_zero_ambiguous", "wounded_zero_ambiguous", "tlp", "licence", "title", "summary", "sources",
    "flags", "modified",
)  # fmt: skip


_NUMBER_COLUMNS: Final = frozenset(
    ("lat", "lon", "border_km", *(f"{m}_{b}" for m in ("killed", "wounded") for b in ("low", "best", "high")))
)
# true or false, as sarhad writes them: no formula to neutralise
_FLAG_COLUMNS: Final = frozenset(("killed_zero_ambiguous", "wounded_zero_ambiguous"))
_TEXT_CELLS: Final = tuple(
    i for i, column in enumerate(FLAT_COLUMNS) if column not in _NUMBER_COLUMNS and column not in _FLAG_COLUMNS
)


def _rows(node: Node, filters: Filters) -> Iterator[tuple[Incident, dict[str, str] | None]]:
    """The current records matching ``filters``, in arrival order, each with its verbatim source row (None for
    a record that has none)."""
    where, params = filters.where()
    # the filters name the incidents table's columns: apply them before the join
    sql = (
        f"SELECT o.id, o.body, r.header, r.row FROM (SELECT id, modified FROM incidents{where}) i"
        " JOIN objects o ON o.id = i.id AND o.modified = i.modified"
        " LEFT JOIN raw_rows r ON r.id = i.id ORDER BY o.seq"
    )
    headers = Headers(node.db)
    for incident_id, body, header, raw in node.db.iterate(sql, params):
        yield (
            Incident.from_stix(json.loads(body)),
            None if raw is None else headers.row(incident_id, int(header), str(raw)),
        )


def _records(node: Node, filters: Filters) -> Iterator[Incident]:
    """The current records matching ``filters``, in arrival order, as :func:`_rows` gives them but without
    their source rows, which the flat CSV and GeoJSON do not carry: not read, not parsed."""
    where, params = filters.where()
    sql = (
        f"SELECT o.body FROM (SELECT id, modified FROM incidents{where}) i"
        " JOIN objects o ON o.id = i.id AND o.modified = i.modified ORDER BY o.seq"
    )
    for (body,) in node.db.iterate(sql, params):
        yield Incident.from_stix(json.loads(body))


def _n(value: Any) -> str:
    return "" if value is None else str(value)


_NO_TOTAL: Final = Range()


def _totals(inc: Incident) -> tuple[Range, bool, Range, bool]:
    """The record's total killed and wounded (:func:`sarhad.model.figures.total`), each with whether it is a 0 its
    source gives for none and for no information alike (ACLED's fatalities: the figure's ``zero_ambiguous``), as
    the incidents table's ``*_zero_ambiguous`` columns read it. One pass over the figures."""
    k: Figure | None = None
    w: Figure | None = None
    for f in inc.figures:
        if f.category != "total":
            continue
        if f.measure == "killed" and k is None:
            k = f
        elif f.measure == "wounded" and w is None:
            w = f
    return (
        _NO_TOTAL if k is None else Range(k.low, k.best, k.high),
        k is not None and k.zero_ambiguous and not (k.low or k.best or k.high),
        _NO_TOTAL if w is None else Range(w.low, w.best, w.high),
        w is not None and w.zero_ambiguous and not (w.low or w.best or w.high),
    )


def _flat(inc: Incident, k: Range, kz: bool, w: Range, wz: bool) -> list[str]:
    """The flat CSV's row for ``inc``, whose total killed is ``k`` and wounded ``w``, ``kz`` (``wz``) when that is
    an ambiguous 0 (:func:`_totals`)."""
    p = inc.place
    return [
        inc.id, inc.source_id, inc.dataset, inc.reported_by, inc.date_start, inc.date_end, inc.date_precision,
        _n(p.country), _n(p.admin1), _n(p.admin1_code), _n(p.admin2), _n(p.name), _n(p.lat), _n(p.lon), p.precision,
        _n(p.border_km), "; ".join(f"{x.name} ({x.attribution})" for x in inc.perpetrators),
        "; ".join(inc.attack_types), "; ".join(inc.target_types), "; ".join(inc.weapon_types),
        _n(k.low), _n(k.best), _n(k.high), _n(w.low), _n(w.best), _n(w.high), "true" if kz else "false",
        "true" if wz else "false", inc.tlp, inc.licence, inc.title, inc.summary, " | ".join(inc.sources),
        "; ".join(inc.flags), inc.modified,
    ]  # fmt: skip


def _properties(inc: Incident) -> dict[str, Any]:
    """A GeoJSON feature's properties: the flat CSV's columns (but the point's coordinates), with JSON's types.

    A reader of JSON takes a number for a number and null for unknown: the CSV's text ("460.244", "" for an
    unknown figure) read as strings, so a sum or a comparison failed or took "" for a value.
    """
    p = inc.place
    k, kz, w, wz = _totals(inc)
    props: dict[str, Any] = dict(zip(FLAT_COLUMNS, _flat(inc, k, kz, w, wz), strict=True))
    for key in ("lat", "lon"):
        props.pop(key)
    props.update(
        country=p.country, admin1=p.admin1, admin1_code=p.admin1_code, admin2=p.admin2, place=p.name,
        border_km=p.border_km, killed_low=k.low, killed_best=k.best, killed_high=k.high, wounded_low=w.low,
        wounded_best=w.best, wounded_high=w.high, killed_zero_ambiguous=kz, wounded_zero_ambiguous=wz,
        killed=k.to_dict(), wounded=w.to_dict(),
    )  # fmt: skip
    return props


_CHUNK: Final = 5000  # rows whose ids are checked at once


Notes = list[str]  # what an export tells its user beside the file: a fallback it took


def _export_table(name: str) -> Callable[[Node, Path, Filters, Notes], int]:
    fmt = table_format(name)

    def run(node: Node, out: Path, filters: Filters, notes: Notes) -> int:
        count = 0
        seen = SeenIds()  # the ids written, about 20 bytes each
        extra = _extra_columns(node, fmt)
        columns = (*fmt.columns, *extra)
        uncoded: dict[str, int] = {}  # country → converted rows written without the format's country code
        superseded = _superseded(node, fmt, filters)  # float-id records whose whole-number twin is exported
        left_out: list[str] = []  # the source ids of those met (their twins are written)
        marked: dict[str, int] = {}  # TLP level above CLEAR → rows written (the format has no column for it)
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = lf_writer(fh)
            writer.writerow(columns)
            chunk: list[tuple[Incident, dict[str, str]]] = []
            for inc, raw in _rows(node, filters):
                if inc.id in superseded:
                    left_out.append(inc.source_id)
                    continue
                if inc.tlp != "CLEAR":
                    marked[inc.tlp] = marked.get(inc.tlp, 0) + 1
                row = fmt.to_row(inc, raw)
                verbatim = raw is not None and inc.dataset == fmt.name
                if extra and raw is not None and verbatim:  # a verbatim row: its own columns too
                    row.update((c, raw[c]) for c in extra if c in raw)
                if not verbatim and fmt.country_code and inc.place.country and not row[fmt.country_code[0]]:
                    uncoded[inc.place.country] = uncoded.get(inc.place.country, 0) + 1
                chunk.append((inc, row))
                if len(chunk) == _CHUNK:
                    count = _write_chunk(fmt, writer, seen, chunk, count, columns)
                    chunk = []
            count = _write_chunk(fmt, writer, seen, chunk, count, columns)
        if uncoded and fmt.country_code:
            notes.append(_uncoded_note(fmt, uncoded))
        if left_out:
            notes.append(_left_out_note(fmt, left_out))
        if marked:
            notes.append(_marked_note(fmt, marked))
        return count

    return run


def _uncoded_note(fmt: TableFormat, uncoded: dict[str, int]) -> str:
    """What an export says of the rows it wrote without the format's country code (``fmt.country_code``)."""
    column, what = fmt.country_code or ("", "")
    rows = sum(uncoded.values())
    countries = ", ".join(f"{code} ({n})" for code, n in sorted(uncoded.items()))
    return (
        f"{fmt.name}: sarhad knows no {what} for {countries}: {rows} row{'s' if rows != 1 else ''} left {column}"
        f" blank and name the country in words, which sarhad's import reads back"
    )


def _marked_note(fmt: TableFormat, marked: dict[str, int]) -> str:
    """What an export says of the rows it wrote that are marked above TLP:CLEAR: a dataset's format has no column
    for a marking, so the file carries them unmarked and an import of it marks them with its own ``--tlp``."""
    rows = sum(marked.values())
    levels = ", ".join(f"{level} {marked[level]}" for level in TLP_LEVELS if level in marked)
    return (
        f"{fmt.name}: {rows} row{'s are' if rows != 1 else ' is'} marked above TLP:CLEAR ({levels}) and the"
        f" {fmt.name} format has no column for a marking: an import of the file marks every row with its --tlp"
        " (CLEAR unless given); --max-tlp CLEAR leaves them out"
    )


def _read_id(fmt: TableFormat, text: str) -> str:
    """The id the importer of ``fmt`` reads in ``text`` (a whole number written as a float is that number); the
    text itself when it refuses it (the import names it then)."""
    try:
        return row_id({fmt.id_column: text}, fmt.id_column)
    except RowError:
        return text


_BATCH: Final = 500  # ids looked up in one query


def _superseded(node: Node, fmt: TableFormat, filters: Filters) -> set[str]:
    """The ids of the records of ``fmt``'s dataset matching ``filters`` whose source id is a whole number
    written as a float (``201001200001.0``), and whose twin, the record of the same reporter under the whole
    number (``201001200001``), matches them too.

    An import before ids were read as the importer reads them now (issue #2) stored such a record under
    the float; an import since derives the twin from the same row or from the file as downloaded. They are one
    event: written both, their ids repeat each other for the importer, which refuses the file. The twin is the
    record the importer derives now: it stays, the float-id record is left out. Only such records are read
    here, with a source id holding a '.', about 50 bytes each.
    """
    where, params = filters.where()
    sql = (
        f"SELECT id, reported_by, source_id FROM (SELECT id, dataset, reported_by, source_id FROM incidents{where})"
        " i WHERE dataset = ? AND source_id LIKE ?"
    )
    twins: dict[str, str] = {}  # the twin's id → the float-id record's
    for record, reported_by, source_id in node.db.iterate(sql, [*params, fmt.name, "%.%"]):
        whole = _read_id(fmt, str(source_id))
        if whole != source_id:
            twins[uuid_of(fmt.name, str(reported_by), whole)] = str(record)
    if not twins:
        return set()
    found: set[str] = set()
    ids = list(twins)
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        marks = ", ".join("?" * len(batch))
        rows = node.db.fetchall(
            f"SELECT id FROM (SELECT id FROM incidents{where}) i WHERE id IN ({marks})", [*params, *batch]
        )
        found.update(twins[str(twin)] for (twin,) in rows)
    return found


def _left_out_note(fmt: TableFormat, left_out: list[str]) -> str:
    """What an export says of the float-id records it left out (:func:`_superseded`)."""
    n = len(left_out)
    example = left_out[0]
    return (
        f"{fmt.name}: left out {n} record{'s' if n != 1 else ''} stored under an id written as a decimal number"
        f" (such as {example}) by an import before sarhad read it as the whole number"
        f" ({_read_id(fmt, example)}): the record{'s' if n != 1 else ''} of the same event{'s' if n != 1 else ''}"
        " under the whole number, imported since, "
        f"{'are' if n != 1 else 'is'} in the file, which imports again (written both, the ids would repeat)"
    )


def _extra_columns(node: Node, fmt: TableFormat) -> tuple[str, ...]:
    """The columns beyond ``fmt``'s that the node's imported files of that dataset had, in the order first met:
    an older ACLED export's ``data_id``, ``event_id_no_cnty`` and ``iso3``, a later GED release's additions.

    An export writes them after the format's own columns, so that a row imported from such a file comes back
    with all its values (blank where a row's file lacked the column).
    """
    known = set(fmt.columns)
    extra: list[str] = []
    for (text,) in node.db.fetchall("SELECT columns FROM raw_headers WHERE dataset = ? ORDER BY id", (fmt.name,)):
        for column in parse_columns(str(text)):
            if column not in known:
                known.add(column)
                extra.append(column)
    return tuple(extra)


def _write_chunk(
    fmt: TableFormat,
    writer: Any,
    seen: SeenIds,
    chunk: list[tuple[Incident, dict[str, str]]],
    count: int,
    columns: tuple[str, ...],
) -> int:
    """Write ``chunk``'s rows (their ``columns``) after the ``count`` written, each under an id no earlier row
    has, as the importer reads them (``201001200001.0`` is ``201001200001``); return the new count. A repeated
    id (two parties' copies of one dataset row) becomes the format's converted id.

    Raises InvalidInput in the (astronomically unlikely) case that a converted id repeats too.
    """
    column = fmt.id_column
    lines = list(range(count + 2, count + 2 + len(chunk)))  # the file's lines: the header is line 1

    def keys(rows: list[dict[str, str]]) -> list[str]:  # SeenIds compares UUIDs: one for each id read
        return [uuid_of(fmt.name, "", _read_id(fmt, row[column])) for row in rows]

    rows = [row for _inc, row in chunk]
    repeats = [i for i, line in enumerate(seen.earlier_lines(keys(rows), lines)) if line is not None]
    if repeats and fmt.converted_id is not None:
        for i in repeats:
            rows[i] = {**rows[i], column: fmt.converted_id(chunk[i][0])}
        again = seen.earlier_lines(keys([rows[i] for i in repeats]), [lines[i] for i in repeats])
        for i, line in zip(repeats, again, strict=True):
            if line is not None:
                raise InvalidInput(
                    f"{fmt.name} export: the id {rows[i][column]} of record {chunk[i][0].id} (line {lines[i]})"
                    f" repeats line {line}"
                )
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return count + len(rows)


def _export_csv(node: Node, out: Path, filters: Filters, notes: Notes, *, raw_cells: bool = False) -> int:
    """sarhad's flat CSV; its text cells neutralised for a spreadsheet unless ``raw_cells`` (see the module)."""
    count = 0
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = lf_writer(fh)
        writer.writerow(FLAT_COLUMNS)
        for inc in _records(node, filters):
            row = _flat(inc, *_totals(inc))
            if not raw_cells:
                for i in _TEXT_CELLS:
                    row[i] = neutralised(row[i])
            writer.writerow(row)
            count += 1
    return count


def _export_geojson(node: Node, out: Path, filters: Filters, notes: Notes) -> int:
    count = 0
    with out.open("w", encoding="utf-8") as fh:
        fh.write('{"type":"FeatureCollection","features":[\n')
        for inc in _records(node, filters):
            props = _properties(inc)
            geometry = (
                None if inc.place.lat is None else {"type": "Point", "coordinates": [inc.place.lon, inc.place.lat]}
            )
            feature = {"type": "Feature", "id": inc.id, "geometry": geometry, "properties": props}
            fh.write(("," if count else "") + json.dumps(feature, ensure_ascii=False) + "\n")
            count += 1
        fh.write("]}\n")
    return count


EXPORT_FORMATS: Final[dict[str, Callable[[Node, Path, Filters, Notes], int]]] = {
    "csv": _export_csv,
    "geojson": _export_geojson,
    **{name: _export_table(name) for name in TABLE_FORMATS},
}


def export(
    node: Node,
    format_name: str,
    out: Path,
    filters: Filters = Filters(),
    *,
    for_peers: bool = False,
    notes: Notes | None = None,
    raw_cells: bool = False,
) -> int:
    """Write the incidents matching ``filters`` to ``out`` in ``format_name``; return how many.

    ``notes`` gets what the user should know of the file beside the count: a dataset format's rows written
    without that format's country code (a country sarhad has no Gleditsch-Ward number or GTD code for).

    ``for_peers`` leaves out rows whose licence forbids redistribution, unless the node shares them, and
    TLP:RED records: a file handed to another party is not addressed to a RED record's named recipients (they
    read it through the node, which checks who they are).

    ``raw_cells`` writes the ``csv`` format's text cells as stored, a summary beginning with ``=`` included, for
    a script; by default such a cell gets a single quote before it, so that a spreadsheet shows it as text.

    Raises InvalidInput for an unknown format, or ``raw_cells`` with another format than ``csv`` (the others
    never change a cell).
    """
    if format_name not in EXPORT_FORMATS:
        raise InvalidInput(f"unknown export format {format_name!r}: expected one of {', '.join(EXPORT_FORMATS)}")
    if raw_cells and format_name != "csv":
        raise InvalidInput(f"raw cells apply to the csv format only: {format_name} writes every cell as stored already")
    filters = filters.resolved(node.db)  # the stored names its perpetrator and province filters find
    if for_peers:
        levels = tuple(t for t in (filters.tlp if filters.tlp is not None else TLP_LEVELS) if t != "RED")
        filters = Filters(**{**_fields(filters), "tlp": levels})
    if for_peers and not node.settings.share_restricted:
        filters = Filters(**{**_fields(filters), "exclude_licences": tuple(sorted(RESTRICTED_LICENCES))})
    if format_name == "csv":
        return _export_csv(node, out, filters, [] if notes is None else notes, raw_cells=raw_cells)
    return EXPORT_FORMATS[format_name](node, out, filters, [] if notes is None else notes)


def _fields(filters: Filters) -> dict[str, Any]:
    return {name: getattr(filters, name) for name in filters.__slots__}
