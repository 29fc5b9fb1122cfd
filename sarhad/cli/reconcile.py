"""Commands for reconciliation: ``reconcile`` and the ``clusters`` group (list, show, export, confirm, split,
merge, review)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from sarhad._internal.dates import shown_date
from sarhad._internal.words import counted
from sarhad.cli._shared import (
    console,
    err_console,
    print_json,
    print_listing,
    print_table,
    progress_enabled,
    state,
    summary_console,
)
from sarhad.errors import InvalidInput

if TYPE_CHECKING:
    from sarhad.reconcile.record import Record

__all__ = ["register"]

clusters_app = typer.Typer(help="Incidents as clusters of reports: the joint picture and analyst decisions.",
                           no_args_is_help=True)  # fmt: skip

_JSON = typer.Option(False, "--json", help="Print JSON for scripts.")
_NOTE = typer.Option("", "--note", help="Why (kept with the decision).")
_TLP = typer.Option(
    None,
    "--tlp",
    help="TLP of the published decision, no less strict than any record it names"
    " (by default the strictest marking among those records, at least GREEN).",
    show_default=False,
)
_RECORDS = typer.Argument(..., help="The incident ids to move out into a cluster of their own.")
_CLUSTERS = typer.Argument(..., help="Two or more cluster ids (or ids of their incidents).")


def reconcile_cmd(
    ctx: typer.Context,
    full: bool = typer.Option(False, "--full", help="Recompute every cluster instead of updating."),
    json_out: bool = _JSON,
) -> None:
    """Run or update the clustering of the node's incidents and print a summary."""
    from sarhad.reconcile.store import reconcile

    node = state(ctx).node()
    if progress_enabled():
        with err_console.status("reconciling: reading records, blocking, scoring, clustering"):
            summary = reconcile(
                node.db, node.settings.party, full=full, share_restricted=node.settings.share_restricted
            )
    else:
        summary = reconcile(node.db, node.settings.party, full=full, share_restricted=node.settings.share_restricted)
    if json_out:
        print_json(summary.to_dict())
    else:
        console.print(summary.line(), highlight=False, markup=False)


def _range(r: dict[str, Any]) -> str:
    if r["best"] is None and r["low"] is None:
        return "?"
    if r["low"] == r["high"]:
        return str(r["best"])
    return f"{r['best']} ({r['low']}-{r['high']})"


def _reporters(members: list[dict[str, Any]]) -> str:
    """Who reported a cluster's members (:func:`~sarhad.reconcile.joint.reporter`), naming the kind of report
    where one party gave several (its own report and a news article its node read): "IR, PK, PK (article),
    UCDP"; a party's own report in a dataset's format stays the party's: "PK (UCDP format)". A source that
    reported several members (a cluster merged with ``clusters merge --same-source``) is named once with their
    count: "IR (UCDP format) ×2"."""
    from sarhad.reconcile.joint import PRESS_DATASETS

    counts: dict[str, int] = {}
    for m in members:
        counts[m["reported_by"]] = counts.get(m["reported_by"], 0) + 1
    names: dict[str, int] = {}
    for m in members:
        label = m["label"]
        alone = counts[m["reported_by"]] == 1 and m["dataset"] not in PRESS_DATASETS
        name = m["reported_by"] if alone or m["dataset"] == "party" else label
        names[name] = names.get(name, 0) + 1
    return ", ".join(name if n == 1 else f"{name} ×{n}" for name, n in sorted(names.items()))


def list_cmd(
    ctx: typer.Context,
    disagreements: bool = typer.Option(False, "--disagreements", help="Only clusters whose parties disagree."),
    to_review: bool = typer.Option(
        False, "--to-review", help="Only clusters with an analyst decision of this node's to review."
    ),
    limit: int = typer.Option(None, "--limit", help="At most this many clusters."),
    json_out: bool = _JSON,
) -> None:
    """List clusters: members, joint killed and wounded, flags, and the analyst decisions a correction put to
    review."""
    from sarhad.reconcile.store import list_clusters

    if limit is not None and limit < 1:
        raise InvalidInput(f"--limit {limit}: expected a count >= 1")
    node = state(ctx).node()
    rows = list_clusters(node.db, disagreements=disagreements, to_review=to_review, limit=limit, joint=json_out,
                         party=node.settings.party)  # fmt: skip
    if json_out:
        print_json(rows)  # every column of the table, and each source's figures and the place
        return
    if to_review:
        empty = "no clusters with an analyst decision to review" + (" whose parties disagree" if disagreements else "")
    elif disagreements:
        empty = "no clusters whose parties disagree"
    else:
        empty = "no clusters: run 'sarhad reconcile' to group the node's incidents"
    print_listing(
        ["cluster", "date", "reported by", "killed", "wounded", "flags"],
        [
            [
                r["cluster_id"],
                shown_date(r["date"]["start"], r["date"]["end"], r["date"]["precision"]),
                _reporters(r["members"]),
                _range(r["killed"]),
                _range(r["wounded"]),
                ", ".join([*r["flags"], *(f"{d['decision']} decision to review" for d in r["to_review"])]),
            ]
            for r in rows
        ],
        empty=empty,
        summary=counted(len(rows), "cluster"),
    )


def export_cmd(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="The file to write (replaced only once it is complete)."),
    fmt: str = typer.Option("csv", "--format", help="csv (one line a cluster) or json."),
    for_peers: bool = typer.Option(
        False,
        "--for-peers",
        help="Count only the reports another party may receive: not TLP:RED, and not under a licence that"
        " forbids sharing (unless the node shares such rows); a cluster with none is left out.",
    ),
    raw_cells: bool = typer.Option(
        False,
        "--raw-cells",
        help="csv: write text cells as stored, for a script. By default a cell a spreadsheet would run as a formula"
        " (beginning with =, +, -, @, a tab or a carriage return) gets a ' before it.",
    ),
    json_out: bool = _JSON,
) -> None:
    """Write every cluster to a file: date, place, reports, joint and each source's killed and wounded, flags."""
    from sarhad.output_file import replacing
    from sarhad.reconcile.export import CLUSTER_EXPORT_FORMATS, export_clusters

    if fmt not in CLUSTER_EXPORT_FORMATS:  # refused before --out is touched
        raise InvalidInput(f"--format {fmt!r}: expected one of {', '.join(CLUSTER_EXPORT_FORMATS)}")
    if raw_cells and fmt != "csv":
        raise InvalidInput(f"--raw-cells applies to --format csv only: {fmt} writes every value as stored already")
    node = state(ctx).node()
    with replacing(out) as part:  # a failed export leaves an earlier file at --out as it was
        done = export_clusters(
            node.db,
            fmt,
            part,
            for_peers=for_peers,
            party=node.settings.party,
            share_restricted=node.settings.share_restricted,
            raw_cells=raw_cells,
        )
    rows = done.rows
    marked = sum(1 for r in rows if r["tlp"] != "CLEAR")
    notes = []
    if for_peers and (done.left_out_clusters or done.left_out_members):
        notes.append(
            f"--for-peers left out {counted(done.left_out_members, 'report')} not for another party (TLP:RED, or a"
            " licence that forbids redistribution), and"
            f" {counted(done.left_out_clusters, 'cluster')} that held no other report; the figures of the clusters"
            " written are computed without them"
        )
    if marked:
        notes.append(
            f"the figures of reports marked above TLP:CLEAR are in {counted(marked, 'cluster')} (the tlp column"
            " gives each cluster's strictest marking): handle the file at that level"
        )
    if json_out:
        said: dict[str, Any] = {"format": fmt, "file": str(out), "clusters": len(rows), "notes": notes}
        if for_peers:
            said["left_out"] = {"clusters": done.left_out_clusters, "reports": done.left_out_members}
        print_json(said)
        return
    summary_console(out).print(
        f"exported {counted(len(rows), 'cluster')} as {fmt} to {out}", highlight=False, markup=False
    )
    for note in notes:
        err_console.print(f"note: {note}", highlight=False, markup=False)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def show_cmd(
    ctx: typer.Context,
    ident: str = typer.Argument(..., help="A cluster id, or the id of one of its incidents."),
    json_out: bool = _JSON,
) -> None:
    """Show a cluster: every member's version side by side, each party's figures, the flags."""
    from sarhad.framework.views import cluster_disputes
    from sarhad.reconcile.joint import reporter
    from sarhad.reconcile.store import cluster_view, decisions_about, record_names

    node = state(ctx).node()
    view = cluster_view(node.db, ident)
    decisions = decisions_about(node.db, node.settings.party, [m.id for m in view.members])
    disputes = cluster_disputes(node.db, view.cluster_id, [m.id for m in view.members])
    if json_out:
        print_json({**view.to_dict(), "decisions": decisions, "disputes": disputes})
        return
    console.print(f"cluster {view.cluster_id}", style="bold", highlight=False, markup=False)
    console.print(f"flags: {', '.join(view.flags) or 'none'}", highlight=False, markup=False)
    for flag, detail in view.details:
        console.print(f"  {flag}: {detail}", highlight=False, markup=False, soft_wrap=True)
    members = view.members
    fields: list[tuple[str, Callable[[Record], str]]] = [
        ("reported by", reporter),
        ("dataset", lambda m: m.dataset),
        ("source id", lambda m: m.source_id),
        ("date", lambda m: shown_date(m.date_start, m.date_end, m.date_precision)),
        ("date precision", lambda m: m.date_precision),
        ("place", lambda m: ", ".join(x for x in (m.place, m.admin1, m.country) if x)),
        ("coordinates", lambda m: "" if m.lat is None else f"{m.lat:.4f}, {m.lon:.4f}"),
        ("geo precision", lambda m: m.geo_precision),
        ("attack type", lambda m: _cell(m.attack_type)),
        ("perpetrator", lambda m: _cell(m.perpetrator)),
    ]
    rows = [[name, *(get(m) for m in members)] for name, get in fields]
    for fig in view.figures:
        cells = []
        for m in members:
            mine = next((f for f in m.figures if f.measure == fig.measure and f.category == fig.category), None)
            cells.append("" if mine is None else _range({"low": mine.low, "best": mine.best, "high": mine.high}))
        rows.append([f"{fig.measure} / {fig.category}", *cells])
    rows.append(["summary", *(m.summary for m in members)])
    rows.append(["id", *(m.id for m in members)])
    print_table(["", *(f"{m.reported_by} {m.source_id}" for m in members)], rows, title="members")
    named = [r for d in decisions for r in (*d["records"], *d["kept"])]
    _print_decisions(
        decisions,
        {**record_names(node.db, named), **{m.id: f"{m.reported_by} {m.source_id}" for m in members}},
        node.settings.party,
    )
    if disputes:
        console.print(f"disputes: {', '.join(disputes)} (`sarhad dispute show`)", highlight=False, markup=False)
    if not view.figures:
        console.print("joint figures: no figures", highlight=False, markup=False)
        return
    parties = sorted({p for f in view.figures for p, *_ in f.by_party})
    table = []
    for f in view.figures:
        own = {p: _range({"low": lo, "best": be, "high": hi}) for p, lo, be, hi in f.by_party}
        table.append([f"{f.measure} / {f.category}", _cell(f.low), _cell(f.best), _cell(f.high),
                      *(own.get(p, "") for p in parties), "yes" if f.disagree else ""])  # fmt: skip
    print_table(["figure", "low", "consensus", "high", *parties, "disagree"], table, title="joint figures")


def _print_decisions(decisions: list[dict[str, Any]], names: dict[str, str], own: str) -> None:
    """One line a decision: who decided what about which records, and whether it shapes this node's clusters
    (``own``: the node's party); under a decision to review, what changed in the records it names."""
    if not decisions:
        return

    def named(ids: list[str]) -> str:
        return ", ".join(names.get(i, i) for i in ids)

    console.print("analyst decisions:", highlight=False, markup=False)
    for d in decisions:
        if d["decision"] == "split":
            what = f"split {named(d['records'])} from {named(d['kept'])}"
        else:
            what = f"{d['decision']} {named(d['records'])} as one incident"
        if d["withdrawn"]:
            applied = f"withdrawn {d['version'][:10]}"
        elif d["applied"]:
            applied = "applied"
        else:
            applied = f"{d['party']}'s decision: not applied on this node"
        if d["to_review"]:
            applied += ", to review"
        note = f' "{d["note"]}"' if d["note"] else ""
        console.print(f"  {d['created'][:10]} {d['party']} {what}{note} ({applied})", highlight=False, markup=False,
                      soft_wrap=True)  # fmt: skip
        for change in d["changes"]:
            console.print(f"    {names.get(change['record'], change['record'])} was corrected since: "
                          f"{'; '.join(change['what'])}", highlight=False, markup=False, soft_wrap=True)  # fmt: skip
        if d["review_note"]:
            console.print(f'    reviewed: "{d["review_note"]}"', highlight=False, markup=False, soft_wrap=True)
        if d["to_review"] and d["party"] == own:
            console.print(f"    still applied until reviewed: sarhad clusters review {d['id']} --keep | --withdraw",
                          highlight=False, markup=False, soft_wrap=True)  # fmt: skip


def _decide(ctx: typer.Context, decision: Any, tlp: str | None) -> dict[str, Any]:
    from sarhad.model.codes import tlp_label
    from sarhad.reconcile.store import (
        DEFAULT_DECISION_TLP,
        check_decision_marking,
        decision_marking,
        reconcile,
        record_versions,
    )

    node = state(ctx).node()
    # what the decision is made about: the version of each record it names (a later correction puts it to review)
    decision = replace(decision, versions=record_versions(node.db, [*decision.members, *decision.rest]))
    level = decision_marking(node.db, decision) if tlp is None else tlp_label(tlp)
    check_decision_marking(node.db, decision, level)
    with node.publisher() as pub:
        pub.add_object(decision.to_stix(node.settings.party), tlp=level)
    summary = reconcile(node.db, node.settings.party, share_restricted=node.settings.share_restricted)
    # how the marking was chosen, for the summary line: the analyst's, or the records' when stricter than GREEN
    chosen = "given" if tlp is not None else "records" if level != DEFAULT_DECISION_TLP else "default"
    return {"decision": decision.kind, "records": list(decision.members), "tlp": level, "tlp_chosen": chosen,
            "reconcile": summary.to_dict()}  # fmt: skip


def _after(ctx: typer.Context, out: dict[str, Any], json_out: bool) -> None:
    from sarhad.reconcile.store import cluster_of

    db = state(ctx).node().db
    out["clusters"] = sorted({cluster_of(db, rid) for rid in out["records"]})
    if json_out:
        print_json(out)
    else:
        marked = f"published TLP:{out['tlp']}"
        if out["tlp_chosen"] == "records":
            marked += ", the strictest marking among the records it names"
        console.print(
            f"{out['decision']}: {counted(len(out['records']), 'record')} now in {', '.join(out['clusters'])}"
            f" ({marked})",
            highlight=False,
            markup=False,
        )


def confirm_cmd(
    ctx: typer.Context,
    cluster: str = typer.Argument(..., help="The cluster id."),
    note: str = _NOTE,
    tlp: str | None = _TLP,
    json_out: bool = _JSON,
) -> None:
    """Confirm that a cluster's records are one incident; later runs keep them together."""
    from sarhad.reconcile.decisions import Decision
    from sarhad.reconcile.store import cluster_of, member_ids

    db = state(ctx).node().db
    cid = cluster_of(db, cluster)
    members = member_ids(db, [cid])[cid]
    if len(members) < 2:
        raise InvalidInput(
            f"cluster {cid} holds one record ({members[0]}): there is nothing to confirm"
            " (`clusters merge` joins it to another cluster)"
        )
    out = _decide(ctx, Decision("confirm", tuple(members), clusters=(cid,), note=note), tlp)
    _after(ctx, out, json_out)


def split_cmd(
    ctx: typer.Context,
    cluster: str = typer.Argument(..., help="The cluster id."),
    records: list[str] = _RECORDS,
    note: str = _NOTE,
    tlp: str | None = _TLP,
    json_out: bool = _JSON,
) -> None:
    """Split records out of a cluster: they are another incident; later runs keep them apart."""
    from sarhad.reconcile.decisions import Decision
    from sarhad.reconcile.store import cluster_of, member_ids

    db = state(ctx).node().db
    cid = cluster_of(db, cluster)
    members = member_ids(db, [cid])[cid]
    foreign = [r for r in records if r not in members]
    if foreign:
        raise InvalidInput(f"{', '.join(foreign)} not in cluster {cid} (members: {', '.join(members)})")
    rest = tuple(m for m in members if m not in records)
    out = _decide(ctx, Decision("split", tuple(dict.fromkeys(records)), rest, clusters=(cid,), note=note), tlp)
    _after(ctx, out, json_out)


def _reported_twice(db: Any, members: list[str]) -> list[tuple[str, list[str]]]:
    """Each source (as the joint view names it) that reported two or more of ``members``, with their source ids."""
    from sarhad.reconcile.joint import reporter_label

    by_source: dict[str, list[str]] = {}
    for start in range(0, len(members), 500):
        chunk = members[start : start + 500]
        rows = db.fetchall(
            f"SELECT reported_by, dataset, source_id FROM incidents WHERE id IN ({','.join('?' * len(chunk))})",
            tuple(chunk),
        )
        for reported_by, dataset, source_id in rows:
            by_source.setdefault(reporter_label(str(reported_by), str(dataset)), []).append(str(source_id))
    return [(who, sorted(sids)) for who, sids in sorted(by_source.items()) if len(sids) > 1]


def merge_cmd(
    ctx: typer.Context,
    clusters: list[str] = _CLUSTERS,
    same_source: bool = typer.Option(
        False,
        "--same-source",
        help="Merge even when a source reported two of the records (one incident reported twice).",
    ),
    note: str = _NOTE,
    tlp: str | None = _TLP,
    json_out: bool = _JSON,
) -> None:
    """Merge clusters: their records are one incident; later runs keep them together."""
    from sarhad.reconcile.decisions import Decision
    from sarhad.reconcile.store import cluster_of, member_ids

    db = state(ctx).node().db
    ids = sorted({cluster_of(db, c) for c in clusters})
    if len(ids) < 2:
        raise InvalidInput(f"merge needs two or more different clusters, got {', '.join(ids)}")
    members = [m for ms in member_ids(db, ids).values() for m in ms]
    twice = _reported_twice(db, members)
    if twice and not same_source:
        said = "; ".join(
            f"{who} reported {len(sids)}" + (" of these records" if n == 0 else "") + f" ({', '.join(sids)})"
            for n, (who, sids) in enumerate(twice)
        )
        raise InvalidInput(
            f"merging {', '.join(ids)} would make one incident of {said}: a source reports an incident once, so"
            " these are most likely different incidents, and nothing was published. If they are one incident that"
            " a source reported more than once, merge again with --same-source"
        )
    out = _decide(ctx, Decision("merge", tuple(members), clusters=tuple(ids), note=note), tlp)
    _after(ctx, out, json_out)


def review_cmd(
    ctx: typer.Context,
    decision_id: str = typer.Argument(
        ..., help="The decision's id (x-sarhad-cluster-decision--…, in `clusters show`)."
    ),
    keep: bool = typer.Option(False, "--keep", help="Confirm it against the corrected records: it keeps binding."),
    withdraw: bool = typer.Option(False, "--withdraw", help="Withdraw it: it binds nothing from now on."),
    note: str = typer.Option("", "--note", help="Why (kept with the review)."),
    json_out: bool = _JSON,
) -> None:
    """Review one of the node's analyst decisions after a record it names was corrected: --keep or --withdraw.
    Either is published as a new version of the decision."""
    from sarhad.reconcile.store import reconcile, review_decision

    if keep == withdraw:
        raise InvalidInput("give one of --keep (the decision still holds) or --withdraw (it no longer does)")
    node = state(ctx).node()
    reviewed, level, changes = review_decision(node.db, node.settings.party, decision_id, keep=keep, note=note)
    with node.publisher() as pub:
        version = pub.add_object(reviewed.to_stix(node.settings.party), tlp=level)
    summary = reconcile(node.db, node.settings.party, share_restricted=node.settings.share_restricted)
    out = {"decision": decision_id, "review": "kept" if keep else "withdrawn", "version": version, "tlp": level,
           "changes": [c.to_dict() for c in changes], "reconcile": summary.to_dict()}  # fmt: skip
    if json_out:
        print_json(out)
        return
    if keep:
        said = f"kept {reviewed.kind} decision {decision_id}: it now stands on the corrected records"
    else:
        said = f"withdrew {reviewed.kind} decision {decision_id}: it no longer binds the clusters"
    console.print(f"{said} (published TLP:{level})", highlight=False, markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add ``reconcile`` and the ``clusters`` group to the root app."""
    app.command("reconcile")(reconcile_cmd)
    clusters_app.command("list")(list_cmd)
    clusters_app.command("show")(show_cmd)
    clusters_app.command("export")(export_cmd)
    clusters_app.command("confirm")(confirm_cmd)
    clusters_app.command("split")(split_cmd)
    clusters_app.command("merge")(merge_cmd)
    clusters_app.command("review")(review_cmd)
    app.add_typer(clusters_app, name="clusters")
