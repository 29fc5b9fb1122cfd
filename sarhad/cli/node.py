"""Commands for the node's own data: init, import, incidents, stats, export, store."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from sarhad._internal.dates import check_window
from sarhad._internal.words import counted
from sarhad.cli._shared import (
    console,
    country_code,
    date_option,
    err_console,
    print_json,
    print_listing,
    print_table,
    progress_bars,
    progress_enabled,
    state,
    summary_console,
)
from sarhad.errors import InvalidInput
from sarhad.store.incidents import Filters

if TYPE_CHECKING:
    from sarhad.ingest import IngestResult

__all__ = ["register"]

incidents_app = typer.Typer(help="Query the node's incidents.", no_args_is_help=True)
store_app = typer.Typer(help="Maintain the node's database.", no_args_is_help=True)


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    try:
        parts = tuple(float(p) for p in text.split(","))
    except ValueError:
        raise InvalidInput(f"--bbox {text!r}: expected four numbers MINLON,MINLAT,MAXLON,MAXLAT") from None
    if len(parts) != 4:
        raise InvalidInput(f"--bbox {text!r}: expected four numbers MINLON,MINLAT,MAXLON,MAXLAT")
    min_lon, min_lat, max_lon, max_lat = parts
    for name, value, bound in (("longitude", min_lon, 180), ("latitude", min_lat, 90), ("longitude", max_lon, 180),
                               ("latitude", max_lat, 90)):  # fmt: skip
        if not -bound <= value <= bound:
            raise InvalidInput(f"--bbox {text!r}: {name} {value:g} is outside -{bound}..{bound}")
    for name, low, high in (("longitude", min_lon, max_lon), ("latitude", min_lat, max_lat)):
        if low > high:
            raise InvalidInput(f"--bbox {text!r}: the minimum {name} {low:g} is greater than the maximum {high:g}")
    return min_lon, min_lat, max_lon, max_lat


_TLP_ORDER = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")


def _levels_up_to(level: str) -> tuple[str, ...]:
    """The TLP levels from CLEAR up to ``level`` (case-insensitive). Raises InvalidInput for an unknown level."""
    wanted = level.strip().upper().removeprefix("TLP:")
    if wanted not in _TLP_ORDER:
        raise InvalidInput(f"--max-tlp {level!r}: expected one of {', '.join(_TLP_ORDER)}")
    return _TLP_ORDER[: _TLP_ORDER.index(wanted) + 1]


_SIDES = ("PK", "IR")
_PARTY_CODE = re.compile(r"[A-Z0-9-]{2,16}")


def filters_from(
    since: str | None = None,
    until: str | None = None,
    country: str | None = None,
    admin1: str | None = None,
    perpetrator: str | None = None,
    bbox: str | None = None,
    near_border: float | None = None,
    side: str | None = None,
    reported_by: str | None = None,
) -> Filters:
    """Filters from the command-line options shared by list, stats and export."""
    if near_border is not None and near_border < 0:
        raise InvalidInput(f"--near-border {near_border}: expected a distance in km ≥ 0")
    if side is not None and side.upper() not in _SIDES:
        raise InvalidInput(f"--side {side!r}: expected one of {', '.join(_SIDES)} (the two sides of the border)")
    first, last = date_option(since, "--since"), date_option(until, "--until")
    check_window(first, last, "--since", "--until")  # as the JSON API: a window holding no day is refused
    return Filters(
        since=first,
        until=last,
        country=country_code(country),
        admin1=admin1,
        perpetrator=perpetrator,
        bbox=_bbox(bbox),
        near_border=near_border,
        side=side,
        reported_by=None if reported_by is None else _party(reported_by),
    )


def _party(text: str) -> str:
    from sarhad.geo.admin import party_code

    return party_code(text)


_SINCE = typer.Option(None, "--since", help="From this date (YYYY, YYYY-MM or YYYY-MM-DD).")
_UNTIL = typer.Option(None, "--until", help="Up to this date (inclusive).")
_COUNTRY = typer.Option(None, "--country", help="ISO country code (any case) or name, e.g. PK, ir, Pakistan.")
_ADMIN1 = typer.Option(None, "--admin1", help="Province name or ISO 3166-2 code, e.g. Balochistan or PK-BA.")
_PERP = typer.Option(
    None,
    "--perpetrator",
    help="An armed group: every stored spelling of a group the alias registry knows (BLA: Baloch Liberation Army);"
    " other text: perpetrator names containing it.",
)
_BBOX = typer.Option(None, "--bbox", help="MINLON,MINLAT,MAXLON,MAXLAT")
_NEAR = typer.Option(None, "--near-border", help="Within this many km of the border.")
_SIDE = typer.Option(None, "--side", help="On this side of the border (PK or IR).")
_REPORTED = typer.Option(
    None,
    "--reported-by",
    help="Only records asserted by this party or dataset (a code in any case, or a country's name).",
)
_JSON = typer.Option(False, "--json", help="Print JSON for scripts.")
_DATASETS = ("ucdp", "gtd", "acled", "article", "party")  # where a record came from (its ``dataset``)
_DATASET = typer.Option(
    None,
    "--dataset",
    help="Only records from this source: ucdp, gtd, acled, article (news) or party (a party's own posts).",
)


def _from_dataset(filters: Filters, dataset: str | None) -> Filters:
    """``filters`` keeping the records of ``dataset`` only (``--dataset``), unchanged without one.

    Raises InvalidInput for a source sarhad does not know.
    """
    if dataset is None:
        return filters
    name = dataset.strip().lower()
    if name not in _DATASETS:
        raise InvalidInput(f"--dataset {dataset!r}: expected one of {', '.join(_DATASETS)}")
    return dataclasses.replace(filters, dataset=name)


def init(
    ctx: typer.Context,
    party: str = typer.Option(..., "--party", help="This node's party code, e.g. PK or IR."),
    db: str = typer.Option(None, "--db", help="postgresql://… (default: SQLite in the home)."),
    origin: str = typer.Option(None, "--origin", help="The log's origin line (default sarhad.<party>/log)."),
    json_out: bool = _JSON,
) -> None:
    """Create a node home: settings, signing key and database."""
    from sarhad.node import Node

    st = state(ctx)
    node = Node.init(st.home, party.upper(), database_url=db or st.database_url, origin=origin)
    try:
        info = {
            "home": str(node.settings.home),
            "party": node.settings.party,
            "database": node.db.dialect,
            "origin": node.settings.origin,
            "vkey": node.signer.vkey,
        }
    finally:
        node.close()
    if json_out:
        print_json(info)
    else:
        console.print(f"created node {info['party']} in {info['home']} ({info['database']})")
        console.print(f"verifier key: {info['vkey']}")


def import_(
    ctx: typer.Context,
    fmt: str = typer.Argument(..., metavar="FORMAT", help="ucdp, gtd, acled or stix."),
    file: Path = typer.Argument(
        ..., exists=False, help="The file: CSV, gzipped CSV or a zip archive of one CSV file (for stix, a bundle)."
    ),
    reported_by: str = typer.Option(
        None,
        "--reported-by",
        help="Attribute the rows to this party (a code; a country's name is its code: Pakistan is PK).",
    ),
    tlp: str = typer.Option("CLEAR", "--tlp", help="TLP marking: CLEAR, GREEN, AMBER, AMBER+STRICT, RED."),
    recipient: list[str] = typer.Option(
        None, "--recipient", metavar="PARTY:NAME", help="With --tlp RED: a principal the records are for (repeatable)."
    ),
    skip_invalid: bool = typer.Option(
        False, "--skip-invalid", help="Store the good rows; write the bad ones to FILE.rejected.csv."
    ),
    encoding: str = typer.Option(
        "utf-8",
        "--encoding",
        metavar="NAME",
        help="The CSV file's text encoding: cp1252 for a CSV file Excel saved on Windows (not as CSV UTF-8).",
    ),
    peer_party: bool = typer.Option(
        False,
        "--peer-party",
        help="Let --reported-by name a registered peer's party (that peer refuses such rows when it syncs).",
    ),
    json_out: bool = _JSON,
) -> None:
    """Import a UCDP GED, GTD or ACLED CSV file, or a STIX 2.1 bundle (all or nothing unless --skip-invalid).

    A UTF-8 byte-order mark (Excel's "CSV UTF-8") and Windows line ends are fine; the source rows are kept, and
    exported again, in UTF-8 whatever --encoding read them.
    """
    from sarhad.formats import TABLE_FORMATS
    from sarhad.importer import import_file

    if fmt != "stix" and fmt not in TABLE_FORMATS:  # the importer knows the tables; stix goes elsewhere
        raise InvalidInput(f"unknown format {fmt!r}: expected one of {', '.join(TABLE_FORMATS)} or stix")
    if reported_by is not None:
        from sarhad.geo.admin import party_code

        # A party code, as 'init --party' takes it: 'pk' and 'PK' are one party, not two sets of records; and
        # a country's name or alpha-3 code is that country's party ('Pakistan', 'PAK': PK), not a party of its own.
        reported_by = party_code(reported_by)
        if not _PARTY_CODE.fullmatch(reported_by):
            raise InvalidInput(
                f"--reported-by {reported_by!r} is not a party code: expected 2-16 capitals, digits or '-'"
                " (e.g. PK, IR)"
            )
    from sarhad.formats.csvio import check_encoding

    encoding = check_encoding(encoding)
    if file.is_dir():
        raise InvalidInput(f"{file}: a folder, not a file")
    if not file.is_file():
        raise InvalidInput(f"{file}: no such file")
    if fmt == "stix":
        from sarhad.cli.exchange import import_stix_cmd

        if encoding != "utf-8":
            raise InvalidInput("--encoding: not for stix (a STIX bundle is JSON, which is always UTF-8)")
        # A bundle's objects carry their own attribution and marking, and it is stored all or nothing.
        given = [flag for flag, value in (("--reported-by", reported_by), ("--recipient", recipient),
                                          ("--skip-invalid", skip_invalid)) if value]  # fmt: skip
        if tlp.upper() != "CLEAR":
            given.append("--tlp")
        if given:
            raise InvalidInput(
                f"{', '.join(given)}: not for stix (a bundle's objects carry their own attribution and marking,"
                " and a bundle is stored whole)"
            )
        import_stix_cmd(ctx, file, json_out)
        return
    node = state(ctx).node()
    from sarhad.cli import say_when_interrupted

    # one publish: Ctrl-C rolls it all back (sarhad.importer)
    say_when_interrupted(
        f"interrupted: nothing of {file} was stored (an import is all or nothing); run the same command again to"
        " import it"
    )
    try:
        if progress_enabled() and not json_out:
            with progress_bars("importing") as bar:
                task = bar.add_task(file.name, total=None)
                result = import_file(
                    node,
                    fmt,
                    file,
                    reported_by=reported_by,
                    tlp=tlp.upper(),
                    recipients=tuple(recipient or ()),
                    skip_invalid=skip_invalid,
                    progress=lambda n: bar.advance(task, n),
                    encoding=encoding,
                    peer_party=peer_party,
                )
        else:
            result = import_file(
                node, fmt, file, reported_by=reported_by, tlp=tlp.upper(), recipients=tuple(recipient or ()),
                skip_invalid=skip_invalid, encoding=encoding, peer_party=peer_party,
            )  # fmt: skip
    except InvalidInput as exc:
        if json_out:  # a script gets the rejection on stdout too; the message still goes to stderr, exit 1
            print_json(_rejected_json(file, fmt, exc))
        raise
    if json_out:
        print_json(result.to_json())
    else:
        hint = result.encoding_hint()  # once, not on each such row
        if hint is not None and hint[1]:  # every rejected row is not UTF-8: the encoding first
            err_console.print(hint[0], highlight=False, markup=False)
        console.print(result.summary(), highlight=False)
        for error in result.errors:
            err_console.print(f"  {error}", highlight=False, markup=False)
        if hint is not None and not hint[1]:
            err_console.print(hint[0], highlight=False, markup=False)


def _rejected_json(file: Path, fmt: str, exc: InvalidInput) -> dict[str, object]:
    """``import --json``'s output for a file rejected with nothing stored: the first error line, and for bad
    rows how many rows were read and rejected and the first errors (``FILE:LINE: field: what is wrong``)."""
    from sarhad.formats.scan import RejectedFile

    message = str(exc)
    rows = exc if isinstance(exc, RejectedFile) else None
    return {
        "file": str(file),
        "format": fmt,
        "stored": False,
        "error": message.splitlines()[0] if message else "",
        "rows": rows.rows if rows else None,
        "rejected": rows.rejected if rows else None,
        "errors": rows.errors if rows else [message],
    }


@incidents_app.command("list")
def incidents_list(
    ctx: typer.Context,
    since: str = _SINCE,
    until: str = _UNTIL,
    country: str = _COUNTRY,
    admin1: str = _ADMIN1,
    perpetrator: str = _PERP,
    bbox: str = _BBOX,
    near_border: float = _NEAR,
    side: str = _SIDE,
    reported_by: str = _REPORTED,
    dataset: str = _DATASET,
    limit: int = typer.Option(None, "--limit", min=1, help="At most this many."),
    json_out: bool = _JSON,
) -> None:
    """List incidents (oldest first) as a table or JSON.

    The table shows a date as exactly as it is known: 2008 for a date known only to the year, 2008-03 for one
    known to the month, a range (2019-03-30..2019-04-05) for a span of days. --json gives the stored
    date_start, date_end and date_precision.

    A killed figure of 0? is a 0 its source gives for none and for no information alike (ACLED's fatalities);
    --json says so in killed_zero_ambiguous (wounded_zero_ambiguous), beside the figures.
    """
    from sarhad._internal.dates import shown_date
    from sarhad.store.incidents import query_incidents

    filters = _from_dataset(
        filters_from(since, until, country, admin1, perpetrator, bbox, near_border, side, reported_by), dataset
    )
    node = state(ctx).node()
    rows = query_incidents(node.db, filters, limit=limit)
    if json_out:
        print_json(rows)
        return

    def fig(r: dict[str, Any], zero_ambiguous: bool) -> str:
        best = r["best"]
        if best is None:
            return "?"
        if zero_ambiguous:  # ACLED's 0: none, or no information
            return "0?"
        if r["low"] is not None and r["high"] is not None and (r["low"], r["high"]) != (best, best):
            return f"{best} ({r['low']}–{r['high']})"
        return str(best)

    if filters != Filters():
        empty = "no incidents match"
    else:
        empty = "no incidents: import some with 'sarhad import FORMAT FILE' or sync a peer with 'sarhad sync'"
    print_listing(
        ["id", "date", "reported by", "place", "admin1", "perpetrator", "killed", "wounded"],
        [
            [
                r["id"],
                shown_date(r["date_start"], r["date_end"], r["date_precision"]),
                r["reported_by"],
                r["place"] or "",
                r["admin1"] or "",
                r["perpetrator"] or "",
                fig(r["killed"], r["killed_zero_ambiguous"]),
                fig(r["wounded"], r["wounded_zero_ambiguous"]),
            ]
            for r in rows
        ],
        empty=empty,
        summary=counted(len(rows), "incident"),
    )


@incidents_app.command("show")
def incidents_show(
    ctx: typer.Context, incident_id: str = typer.Argument(..., metavar="ID"), json_out: bool = _JSON
) -> None:
    """Show one incident in full, with its figures and source row."""
    node = state(ctx).node()
    inc = node.incident(incident_id)
    stix = inc.to_stix()
    raw = node.raw_row(incident_id)
    if json_out:
        print_json({"incident": stix, "raw": raw})
        return
    p = inc.place
    console.print(f"[bold]{inc.title}[/]  {inc.id}")
    lines = [
        ("reported by", f"{inc.reported_by} ({inc.dataset} {inc.source_id}, licence {inc.licence}, TLP:{inc.tlp})"),
        *([("recipients", ", ".join(inc.recipients))] if inc.recipients else []),
        ("date", f"{inc.date_start}" + (f" – {inc.date_end}" if inc.date_end != inc.date_start else "")
         + f" (precision: {inc.date_precision})"),
        ("place", ", ".join(x for x in (p.name, p.admin2, p.admin1, p.country) if x) + f" (precision: {p.precision})"),
        ("coordinates", "unknown" if p.lat is None else f"{p.lat}, {p.lon}"),
        ("border", "unknown" if p.border_km is None else f"{p.border_km:.1f} km"),
        ("perpetrators", "; ".join(f"{x.name} ({x.attribution})" for x in inc.perpetrators) or "unknown"),
        ("attack type", ", ".join(inc.attack_types) or "unknown"),
        ("flags", ", ".join(inc.flags) or "none"),
        ("modified", inc.modified),
    ]  # fmt: skip
    for key, value in lines:
        console.print(f"  {key:13} {value}", highlight=False, markup=False)
    print_table(
        ["measure", "category", "low", "best", "high", "rule", "asserted by"],
        [[f.measure, f.category, f.low, f.best, f.high, f.rule, f.asserted_by] for f in inc.figures],
        title="figures",
    )
    for source in inc.sources:
        console.print(f"  source: {source}", highlight=False, markup=False)


@incidents_app.command("mark")
def incidents_mark(
    ctx: typer.Context,
    incident_id: str = typer.Argument(..., metavar="ID"),
    tlp: str = typer.Option(..., "--tlp", help="TLP marking: CLEAR, GREEN, AMBER, AMBER+STRICT, RED."),
    recipient: list[str] = typer.Option(
        None,
        "--recipient",
        metavar="PARTY:NAME",
        help="A principal a TLP:RED record is for (repeatable); none: this node's party's principals.",
    ),
    json_out: bool = _JSON,
) -> None:
    """Mark one of this node's own incidents (a new version), naming a TLP:RED record's recipients."""
    from sarhad.cli.audit import record_cli_write
    from sarhad.marking import mark_incident

    node = state(ctx).node()
    with node.db.transaction():
        marked, result = mark_incident(node, incident_id, tlp, recipient or ())
        if result.updated:
            record_cli_write(node.db, "mark-incident", f"{incident_id} TLP:{marked.tlp}")
    out = {"id": incident_id, "tlp": marked.tlp, "recipients": list(marked.recipients), "changed": bool(result.updated)}
    if json_out:
        print_json(out)
        return
    who = f" for {', '.join(marked.recipients)}" if marked.recipients else ""
    state_ = "marked" if result.updated else "already marked"
    console.print(f"{state_} {incident_id} TLP:{marked.tlp}{who}", highlight=False, markup=False)


def stats_cmd(
    ctx: typer.Context,
    by: str = typer.Option(
        None, "--by", help="Group by year, month, country, admin1, perpetrator, attack-type, reported-by, dataset."
    ),
    since: str = _SINCE,
    until: str = _UNTIL,
    country: str = _COUNTRY,
    admin1: str = _ADMIN1,
    perpetrator: str = _PERP,
    bbox: str = _BBOX,
    near_border: float = _NEAR,
    side: str = _SIDE,
    reported_by: str = _REPORTED,
    dataset: str = _DATASET,
    dedup: bool = typer.Option(
        False, "--dedup", help="Count incidents (reconciled clusters, with consensus figures), not reports."
    ),
    json_out: bool = _JSON,
) -> None:
    """Incidents, killed and wounded (best, the range low–high, incidents with the figure unknown)."""
    from sarhad.store.incidents import stats

    filters = _from_dataset(
        filters_from(since, until, country, admin1, perpetrator, bbox, near_border, side, reported_by), dataset
    )
    node = state(ctx).node()
    if dedup:
        from sarhad.reconcile.stats import dedup_stats

        out = dedup_stats(node.db, by, filters)
    else:
        out = stats(node.db, by, filters)
    if json_out:
        print_json(out)
        return

    def figures(m: dict[str, Any], incidents: int) -> list[Any]:
        r = m["range"]  # each incident's smallest to largest figure, summed
        if incidents and m["unknown"] == incidents:
            # No incident gave a best: the sum's 0 would read like a count. The range stays if some gave a
            # low or high (a range of 0–0 then cannot be told from none given, and reads as unknown too).
            span = "unknown" if r["low"] == r["high"] == 0 else f"{r['low']}–{r['high']}"
            return ["unknown", span, m["unknown"]]
        return [m["best"], f"{r['low']}–{r['high']}", m["unknown"]]

    def cells(g: dict[str, Any]) -> list[Any]:
        return [g["incidents"], *figures(g["killed"], g["incidents"]), *figures(g["wounded"], g["incidents"])]

    columns = ["incidents", "killed", "killed low–high", "killed unknown", "wounded", "wounded low–high",
               "wounded unknown"]  # fmt: skip
    rows = [[g["key"] if g["key"] is not None else "(unknown)", *cells(g)] for g in out.get("groups", [])]
    rows.append(["total", *cells(out)])
    print_table([by or "", *columns], rows, title="incidents and casualties")


def export_cmd(
    ctx: typer.Context,
    fmt: str = typer.Argument(..., metavar="FORMAT", help="csv, geojson, ucdp, gtd, acled or stix."),
    out: Path = typer.Option(..., "--out", help="The file to write."),
    since: str = _SINCE,
    until: str = _UNTIL,
    country: str = _COUNTRY,
    admin1: str = _ADMIN1,
    perpetrator: str = _PERP,
    bbox: str = _BBOX,
    near_border: float = _NEAR,
    side: str = _SIDE,
    reported_by: str = _REPORTED,
    dataset: str = _DATASET,
    for_peers: bool = typer.Option(
        False, "--for-peers", help="Leave out rows whose licence forbids sharing, and TLP:RED records."
    ),
    dedup: bool = typer.Option(
        False, "--dedup", help="One report per reconciled incident (its cluster's representative), not every report."
    ),
    max_tlp: str = typer.Option(
        None, "--max-tlp", help="Only rows marked up to this TLP level (CLEAR for a public file).", metavar="LEVEL"
    ),
    raw_cells: bool = typer.Option(
        False,
        "--raw-cells",
        help="csv: write text cells as stored, for a script. By default a cell a spreadsheet would run as a formula"
        " (beginning with =, +, -, @, a tab or a carriage return) gets a ' before it.",
    ),
    json_out: bool = _JSON,
) -> None:
    """Export incidents (lossless for rows imported from the same format).

    ucdp, gtd and acled write every incident the filters keep: records from other sources (another dataset, a
    party's report, a news article, a peer) are converted into rows that format's import accepts, under ids
    derived from the record's (docs/formats.md has the mapping). Such rows import as the dataset's own, or
    as --reported-by's; --dataset keeps one source's records only.
    """
    from sarhad.exporter import EXPORT_FORMATS, export
    from sarhad.output_file import replacing

    if fmt != "stix" and fmt not in EXPORT_FORMATS:  # the exporter knows the tables; stix goes elsewhere
        raise InvalidInput(f"unknown export format {fmt!r}: expected one of {', '.join(EXPORT_FORMATS)} or stix")
    if raw_cells and fmt != "csv":
        raise InvalidInput(f"--raw-cells applies to csv only: {fmt} writes every cell as stored already")
    if fmt == "stix":
        from sarhad.cli.exchange import export_stix_cmd

        if dedup:
            raise InvalidInput("--dedup does not apply to stix: a bundle carries every report")
        if max_tlp:
            raise InvalidInput("--max-tlp does not apply to stix yet: a bundle carries every object")
        filtering = {
            "--since": since, "--until": until, "--country": country, "--admin1": admin1,
            "--perpetrator": perpetrator, "--bbox": bbox, "--near-border": near_border, "--side": side,
            "--reported-by": reported_by, "--dataset": dataset,
        }  # fmt: skip
        named = [flag for flag, value in filtering.items() if value is not None]
        if named:
            # A bundle written without them would hold every object while the analyst believes it filtered.
            raise InvalidInput(
                f"{', '.join(named)} {'does' if len(named) == 1 else 'do'} not apply to stix yet: a bundle carries"
                " every object (filter with csv, geojson, ucdp, gtd or acled)"
            )
        export_stix_cmd(ctx, out, json_out, for_peers=for_peers)
        return
    node = state(ctx).node()
    filters = filters_from(since, until, country, admin1, perpetrator, bbox, near_border, side, reported_by)
    if dedup:
        filters = dataclasses.replace(filters, dedup=True)
    filters = _from_dataset(filters, dataset)
    if max_tlp:
        filters = dataclasses.replace(filters, tlp=_levels_up_to(max_tlp))
    notes: list[str] = []
    with replacing(out) as part:  # a failed export leaves an earlier file at --out as it was
        count = export(node, fmt, part, filters, for_peers=for_peers, notes=notes, raw_cells=raw_cells)
    if json_out:
        print_json({"format": fmt, "file": str(out), "incidents": count, "notes": notes})
    else:
        summary_console(out).print(f"exported {counted(count, 'incident')} as {fmt} to {out}", highlight=False)
        for note in notes:
            err_console.print(f"note: {note}", highlight=False, markup=False)


@store_app.command("rebuild")
def store_rebuild(ctx: typer.Context, json_out: bool = _JSON) -> None:
    """Recreate every query table (incidents, framework, dashboard summaries) from the stored objects."""
    from sarhad.store.rebuild import rebuild_views

    node = state(ctx).node()
    counts = rebuild_views(node.db)
    if json_out:
        # "framework objects" (with a space) was this document's key before the snake_case one; kept for the
        # scripts that read it, to be dropped in a later release.
        print_json({**counts, "framework objects": counts["framework_objects"]})
    else:
        console.print(
            "rebuilt from the stored objects: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()),
            highlight=False,
        )


@store_app.command("compact")
def store_compact(ctx: typer.Context, json_out: bool = _JSON) -> None:
    """Rewrite an SQLite node's file: give back free pages and take the current page size (16 KiB).

    Run it with the node otherwise idle (no `sarhad serve`, no sync): it needs the only connection to the file,
    and refuses, changing nothing, when another one is open. It needs free disk space about the database's size.
    """
    node = state(ctx).node()
    done = node.db.compact()
    if json_out:
        print_json(done.as_dict())
    else:
        console.print(
            f"compacted {done.path}: {done.bytes_before / 1e6:,.1f} MB → {done.bytes_after / 1e6:,.1f} MB,"
            f" pages of {done.page_size_before:,} → {done.page_size_after:,} bytes",
            highlight=False,
        )


@store_app.command("backup")
def store_backup(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="A new or empty folder for the backup."),
    with_key: bool = typer.Option(
        False, "--with-key", help="Copy the signing key node.key too (mode 0600); keep such a backup apart."
    ),
    json_out: bool = _JSON,
) -> None:
    """Back up the node into a folder while it runs: a consistent copy of an SQLite database, checked, and the
    settings; for PostgreSQL the pg_dump command to run.

    The copy holds what was committed when it began (an import or sync still running is not in it). The key is
    left out unless --with-key: store it apart from the database backups. Restore: see the guide.
    """
    from sarhad.config import load_settings
    from sarhad.store.backup import backup_node

    st = state(ctx)
    settings = load_settings(st.home, database_url=st.database_url)
    if progress_enabled() and not json_out:
        with progress_bars("backing up") as bar:
            task = bar.add_task("pages", total=None)
            done = backup_node(
                settings, out, with_key=with_key, progress=lambda n, total: bar.update(task, completed=n, total=total)
            )
    else:
        done = backup_node(settings, out, with_key=with_key)
    if json_out:
        print_json(done.as_dict())
        return
    if done.command is not None:
        import shlex

        console.print(
            f"wrote {', '.join(done.copied)} to {out}; the database is PostgreSQL's to copy: run (one consistent"
            " snapshot, while the node runs)",
            highlight=False,
        )
        console.print(f"  {shlex.join(done.command)}", highlight=False, markup=False)
        if done.password:
            console.print(
                "  the node's URL holds a password, left out here: give it in PGPASSWORD or ~/.pgpass",
                highlight=False,
            )
    else:
        console.print(
            f"backed up {settings.home} to {out} in {done.seconds:.1f} s: {', '.join(done.copied)}; sarhad.db"
            f" {(done.bytes or 0) / 1e6:,.1f} MB, log of {counted(done.log_size or 0, 'entry', 'entries')},"
            f" checkpoint {done.checkpoint_size}, quick_check {done.check}",
            highlight=False,
        )
    if "node.key" in done.copied:
        console.print(
            "node.key copied (0600): keep it apart from the database backups, as safe as the node itself (with it"
            " anyone signs checkpoints as this node)",
            highlight=False,
        )
    else:
        console.print(
            "node.key was not copied (--with-key copies it): keep a copy of the key apart, in a safe place; a"
            " restore needs it",
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("init")(init)
    app.command("import")(import_)
    app.add_typer(incidents_app, name="incidents")
    app.command("stats")(stats_cmd)
    app.command("export")(export_cmd)
    app.add_typer(store_app, name="store")
    app.add_typer(ingest_app, name="ingest")


ingest_app = typer.Typer(help="Turn news articles into the node's records.", no_args_is_help=True)


_INGEST_JSON = typer.Option(
    False, "--json", help="Print a JSON list, one entry per file, in order; a file that failed has only file and error."
)


@ingest_app.command("article")
def ingest_article_cmd(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., metavar="FILE...", help="Article text files (title, source, date, body)."),
    published: str = typer.Option(None, "--published", help="Publication date (YYYY-MM-DD) for plain text."),
    json_out: bool = _INGEST_JSON,
) -> None:
    """Extract incidents and commitments from articles and publish them (the article as their source).

    Each article is published on its own: a file that cannot be ingested (missing, unreadable, not UTF-8, not an
    article) is named on stderr with the reason and stores nothing, and the other files are published all the
    same; the exit status is then 1."""
    from sarhad.ingest import IngestFailure, ingest_articles

    node = state(ctx).node()
    entries = []
    for entry in ingest_articles(node, files, published=published):
        entries.append(entry)
        if isinstance(entry, IngestFailure):
            err_console.print(f"error: {entry.file}: {entry.error}", style="red", highlight=False, markup=False)
        elif not json_out:
            _print_ingested(entry)
    if json_out:
        print_json([entry.to_json() for entry in entries])
    failed = [entry.file for entry in entries if isinstance(entry, IngestFailure)]
    if failed:
        ingested = len(entries) - len(failed)
        raise InvalidInput(
            f"{len(failed)} of {len(entries)} files could not be ingested ({', '.join(failed)});"
            f" the other {ingested} {'was' if ingested == 1 else 'were'} ingested"
        )


def _print_ingested(result: IngestResult) -> None:
    """One line for an article published: what it gave and what that changed."""
    console.print(
        f"{result.file}: {counted(len(result.incidents), 'incident')}, "
        f"{counted(result.commitments, 'proposed commitment')} "
        f"({counted(result.added, 'record')} added, {f'{result.updated} updated, ' if result.updated else ''}"
        f"{result.unchanged} unchanged); report {result.report_id}",
        highlight=False,
    )
