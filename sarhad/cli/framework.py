"""Commands for framework monitoring: framework, assess, evidence, indicator, milestone, dispute, recommend, report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from sarhad.cli._shared import console, print_json, print_listing, print_table, state
from sarhad.errors import InvalidInput

__all__ = ["register"]

framework_app = typer.Typer(help="The framework's commitments and their status.", no_args_is_help=True)
evidence_app = typer.Typer(help="Evidence files and links (hashed, copied into the node home).", no_args_is_help=True)
indicator_app = typer.Typer(help="Indicators: baselines, targets and each party's actual values.", no_args_is_help=True)
milestone_app = typer.Typer(help="Milestones: planned against actual.", no_args_is_help=True)
dispute_app = typer.Typer(help="Disputes between the parties: positions, level, right of reply.", no_args_is_help=True)
recommend_app = typer.Typer(help="The committees' recommendations and their follow-up.", no_args_is_help=True)
report_app = typer.Typer(help="Reports for the committees and parliamentary groups.", no_args_is_help=True)

_JSON = typer.Option(False, "--json", help="Print JSON for scripts.")
_PARTY = typer.Option(
    None,
    "--party",
    help="Record for this party (PK, IR, or JOINT for the joint committee) "
    "instead of the node's own, e.g. a submission received off-line.",
)
_EVIDENCE = typer.Option(None, "--evidence", help="An evidence id or code (repeat for several).")
_QUARTER = typer.Option(..., "--quarter", help="The quarter, e.g. 2026Q1.")
_LEVELS = "CLEAR (the parliamentary monitors read it), GREEN, AMBER, AMBER+STRICT or RED"


def _tlp(default: str) -> Any:
    """The ``--tlp`` option of a command that publishes a framework record: one wording for all of them. The
    library checks the value (``sarhad.framework._write.tlp_label``): one that is not a TLP level is refused."""
    return typer.Option(None, "--tlp", help=f"TLP marking: {_LEVELS} (default {default}).")


def _done(json_out: bool, result: dict[str, Any], line: str) -> None:
    if json_out:
        print_json(result)
    else:
        console.print(line, highlight=False, markup=False)


# -- framework ---------------------------------------------------------------------------------------------
@framework_app.command("init")
def framework_init(
    ctx: typer.Context,
    template: str = typer.Option("pk-ir-2025", "--template", help="The founding framework to load."),
    tlp: str = _tlp("CLEAR: the framework's records are for everyone"),
    json_out: bool = _JSON,
) -> None:
    """Load a founding framework: commitments C-01…, milestones, indicators and their sources."""
    from sarhad.framework.ops import init_template

    out = init_template(state(ctx).node(), template, tlp=tlp or "CLEAR")
    _done(
        json_out,
        out,
        f"framework {out['framework']}: {out['commitments']} commitments, {out['milestones']} "
        f"milestones, {out['indicators']} indicators ({out['written']} records written, {out['unchanged']} "
        f"unchanged); due unspecified: {', '.join(out['due_unspecified'])}",
    )


@framework_app.command("list")
def framework_list(
    ctx: typer.Context,
    quarter: str = typer.Option(None, "--quarter", help="Only this quarter's status."),
    json_out: bool = _JSON,
) -> None:
    """The commitments with each party's level and the derived state per quarter, and the shared records whose
    later version this node may not read (counted nowhere)."""
    from sarhad.framework.views import commitment_list
    from sarhad.framework.withheld import withheld_text

    rows = commitment_list(state(ctx).node().db, quarter)
    if json_out:
        print_json(rows)
        return
    # Show the latest quarter anyone assessed (or the one asked for).
    assessed = sorted(q for r in rows for q, st in r["status"].items() if st["state"] != "not-assessed")
    last = quarter.upper().replace("-", "") if quarter else (assessed[-1] if assessed else None)
    parties = [k for k in (rows[0]["status"][last] if rows and last else {}) if k != "state"]
    print_listing(
        ["id", "focus area", "due", *parties, *([f"state {last}"] if last else []), "commitment"],
        [
            [
                r["id"],
                r["focus_area"],
                r["due"],
                *([_lvl(r["status"][last][p]) for p in parties] + [r["status"][last]["state"]] if last else []),
                r["text"] if len(r["text"]) <= 80 else r["text"][:79] + "…",
            ]
            for r in rows
        ],
        empty="no commitments: the framework holds none",
        title=None if last else "no assessment yet",
    )
    # Shared records whose later version this node was refused count nowhere above: say so, not nothing.
    for w in (w for r in rows for w in r["withheld"] if w["quarter"] == last):
        console.print(f"  {withheld_text(w)}", highlight=False, markup=False)


@framework_app.command("proposals")
def framework_proposals(ctx: typer.Context, json_out: bool = _JSON) -> None:
    """Commitments proposed by ingested news articles (`sarhad ingest article`), newest article first."""
    from sarhad.framework.proposals import list_proposals

    rows = list_proposals(state(ctx).node())
    if json_out:
        print_json(rows)
        return
    print_listing(
        ["actor", "commitment", "due", "article"],
        [
            [
                r["actor"],
                r["text"] if len(r["text"]) <= 70 else r["text"][:69] + "…",
                r["due"] or (r["recurrence"] or "–"),
                f"{r['article']['published'] or '?'} {r['article']['title'] or ''}"[:60],
            ]
            for r in rows
        ],
        empty="no proposed commitments: ingest articles with 'sarhad ingest article FILE…'",
    )
    # A proposal a peer changed under a marking this node may not read is shown as last read: say so.
    for r in (r for r in rows if r["withheld"]):
        w = r["withheld"]
        console.print(
            f"  {r['id']}: superseded by a version this node cannot read (marked {w['tlp']}, from {w['origin']},"
            f" version {w['version']}); shown as last read",
            highlight=False,
            markup=False,
        )


def _lvl(level: int | None) -> str:
    return "–" if level is None else str(level)


@framework_app.command("show")
def framework_show(
    ctx: typer.Context, commitment: str = typer.Argument(..., metavar="ID"), json_out: bool = _JSON
) -> None:
    """One commitment in full: text, source, milestones, indicators and their values, every assessment (and the
    evidence each value and assessment cites), disputes, and the shared records whose later version this node may
    not read."""
    from sarhad.framework.views import cited_text, commitment_detail
    from sarhad.framework.withheld import withheld_text

    d = commitment_detail(state(ctx).node().db, commitment)
    if json_out:
        print_json(d)
        return
    console.print(f"[bold]{d['id']}[/] {d['title']}", highlight=False)
    for key in ("text", "focus_area", "type", "lead", "due", "due_stated", "verifiable", "note"):
        if d.get(key) not in (None, ""):
            console.print(f"  {key:11} {d[key]}", highlight=False, markup=False)
    console.print(f"  source      {d['source']}", highlight=False, markup=False)
    if d["milestones"]:
        print_table(
            ["milestone", "title", "due", "status"],
            [[m["code"], m["title"], m["due"] or "unspecified", m["status"]] for m in d["milestones"]],
        )
    if d["indicators"]:
        print_table(
            ["indicator", "title", "baseline", "target"],
            [[i["code"], i["title"], i["baseline"], i["target"]] for i in d["indicators"]],
        )
    values = [(i["code"], v) for i in d["indicators"] for v in i["values"]]
    if values:
        print_table(
            ["indicator", "quarter", "party", "value", "comment"],
            [[code, v["period"], v["party"], v["value"], v["comment"]] for code, v in values],
            title="indicator values",
        )
        for code, v in values:
            for item in v["evidence"]:
                console.print(
                    f"  {code} {v['period']} {v['party']} evidence: {cited_text(item, 'this node')}",
                    highlight=False,
                    markup=False,
                )
    print_listing(
        ["quarter", "assessor", "level", "compliance", "effectiveness", "state", "rationale"],
        [
            [a["quarter"], a["assessor"], a["level"], a["compliance"], a["effectiveness"], a["state"], a["rationale"]]
            for a in d["assessments"]
        ],
        empty=f"no assessments: record one with 'sarhad assess {d['id']} --quarter Q --level N --rationale TEXT'",
        title="assessments",
    )
    for a in d["assessments"]:
        for item in a["evidence"]:
            console.print(
                f"  {a['quarter']} {a['assessor']} evidence: {cited_text(item, 'this node')}",
                highlight=False,
                markup=False,
            )
    for w in d["withheld"]:
        console.print(f"  {withheld_text(w)}", highlight=False, markup=False)
    for q, s in d["status"].items():
        console.print(
            f"  {q}: {s['state']}" + (f" ({'; '.join(s['reasons'])})" if s["reasons"] else ""),
            highlight=False,
            markup=False,
        )


@framework_app.command("rebuild")
def framework_rebuild(ctx: typer.Context, json_out: bool = _JSON) -> None:
    """Recreate the framework's query tables from the stored objects."""
    from sarhad.framework.store import rebuild

    count = rebuild(state(ctx).node().db)
    _done(json_out, {"records": count}, f"rebuilt {count} framework records from the stored objects")


# -- assess ------------------------------------------------------------------------------------------------
def assess_cmd(
    ctx: typer.Context,
    commitment: str = typer.Argument(..., metavar="COMMITMENT_ID", help="e.g. C-08"),
    more_evidence: list[str] = typer.Argument(
        None, metavar="EVIDENCE_ID", help="More evidence ids after --evidence: `--evidence E-1 E-2`."
    ),
    quarter: str = _QUARTER,
    level: int = typer.Option(
        ...,
        "--level",
        help="Implementation level 0 not initiated, 1 minimal, 2 intermediate, 3 full (Peace Accords Matrix).",
    ),
    compliance: str = typer.Option(None, "--compliance", help="Technical compliance C, LC, PC or NC (FATF)."),
    effectiveness: str = typer.Option(None, "--effectiveness", help="high, substantial, moderate or low (FATF)."),
    rationale: str = typer.Option(..., "--rationale", help="Why this level: what was done, what is missing."),
    evidence: list[str] = _EVIDENCE,
    party: str = _PARTY,
    draft: bool = typer.Option(
        False, "--draft/--submitted", help="Keep it a draft (not counted, TLP:RED) or submit it (the default)."
    ),
    confidence: str = typer.Option(None, "--confidence", help="on-track, at-risk or off-track."),
    next_step: str = typer.Option(None, "--next-step", help="The next step, its owner and date."),
    tlp: str = _tlp("GREEN; RED for drafts"),
    json_out: bool = _JSON,
) -> None:
    """Record an assessment of a commitment for a quarter (as the node's party unless --party)."""
    from sarhad.framework.ops import assess

    if more_evidence and not evidence:
        raise InvalidInput(f"unexpected argument(s) {' '.join(more_evidence)}: evidence ids follow --evidence")
    out = assess(
        state(ctx).node(),
        commitment,
        quarter,
        level,
        rationale,
        compliance=compliance,
        effectiveness=effectiveness,
        evidence=[*(evidence or []), *(more_evidence or [])],
        party=party,
        state="draft" if draft else "submitted",
        confidence=confidence,
        next_step=next_step,
        tlp=tlp,
    )
    _done(
        json_out,
        out,
        f"{out['party']} assessed {out['commitment']} for {out['quarter']}: level {out['level']} "
        f"({out['level_label']}), {out['state']}" + ("" if out["changed"] else " (unchanged)"),
    )


# -- evidence ----------------------------------------------------------------------------------------------
@evidence_app.command("add")
def evidence_add(
    ctx: typer.Context,
    source: str = typer.Argument(..., metavar="FILE", help="A file (copied into the node home) or an http(s) link."),
    kind: str = typer.Option(..., "--kind", help="document, meeting, incident, dataset, media or observation."),
    incident: list[str] = typer.Option(None, "--incident", help="An incident this evidence is about (repeatable)."),
    title: str = typer.Option(None, "--title", help="A title (default: the file name)."),
    party: str = _PARTY,
    language: str = typer.Option(None, "--language", help="Language code, e.g. en, ur, fa."),
    sha256: str = typer.Option(None, "--sha256", help="The expected SHA-256 (checked for a file; stored for a link)."),
    tlp: str = _tlp("GREEN"),
    json_out: bool = _JSON,
) -> None:
    """Add evidence; prints its id (use it with --evidence)."""
    from sarhad.framework.ops import add_evidence

    out = add_evidence(
        state(ctx).node(),
        source,
        kind,
        incidents=incident,
        title=title,
        party=party,
        language=language,
        sha256=sha256,
        tlp=tlp or "GREEN",
    )
    if json_out:
        print_json(out)
    else:
        typer.echo(out["id"])


@evidence_app.command("list")
def evidence_list(ctx: typer.Context, json_out: bool = _JSON) -> None:
    """Every piece of evidence with its hash."""
    from sarhad.framework.store import load

    rows = [
        {
            "id": e["id"],
            "code": e["code"],
            "kind": e["kind"],
            "name": e.get("name"),
            "sha256": e.get("sha256"),
            "size": e.get("size"),
            "file": e.get("file"),
            "url": e.get("url"),
            "incidents": e.get("incident_refs", []),
            "submitted_by": e.get("submitted_by"),
            "captured_at": e.get("captured_at"),
        }
        for e in load(state(ctx).node().db).evidence
    ]
    if json_out:
        print_json(rows)
        return
    print_listing(
        ["code", "kind", "name", "sha256", "size", "by"],
        [[r["code"], r["kind"], r["name"], (r["sha256"] or "")[:16] + "…", r["size"], r["submitted_by"]] for r in rows],
        empty="no evidence: add a file or link with 'sarhad evidence add FILE --kind KIND'",
    )


@evidence_app.command("verify")
def evidence_verify(ctx: typer.Context, json_out: bool = _JSON) -> None:
    """Re-hash every evidence file in the node home (exit 1 when one is missing or altered)."""
    from sarhad.errors import VerificationError
    from sarhad.framework.ops import verify_evidence

    rows = verify_evidence(state(ctx).node())
    if json_out:
        print_json(rows)
    else:
        print_listing(["code", "result"], [[r["code"], r["result"]] for r in rows], empty="no evidence to verify")
    bad = [r["code"] for r in rows if r["result"] in ("missing", "altered")]
    if bad:
        raise VerificationError(f"evidence missing or altered: {', '.join(bad)}")


# -- indicators and milestones -----------------------------------------------------------------------------
@indicator_app.command("list")
def indicator_list(ctx: typer.Context, json_out: bool = _JSON) -> None:
    """Indicators with baseline, target and the values recorded per quarter and party."""
    from sarhad.framework.views import indicator_table

    rows = indicator_table(state(ctx).node().db)
    if json_out:
        print_json(rows)
        return
    print_listing(
        ["indicator", "commitment", "title", "baseline", "target", "values"],
        [
            [
                r["code"],
                r["commitment"],
                r["title"],
                r["baseline"],
                r["target"],
                "; ".join(f"{v['period']} {v['party']}={v['value']}" for v in r["values"]),
            ]
            for r in rows
        ],
        empty="no indicators: the framework holds none",
    )


@indicator_app.command("record")
def indicator_record(
    ctx: typer.Context,
    indicator: str = typer.Argument(..., metavar="INDICATOR_ID", help="e.g. I-02.1"),
    quarter: str = _QUARTER,
    value: float = typer.Option(None, "--value", help="The actual value for the quarter."),
    comment: str = typer.Option(None, "--comment", help="A comment (or the qualitative result)."),
    source: str = typer.Option(None, "--source", help="Where the value comes from."),
    evidence: list[str] = _EVIDENCE,
    party: str = _PARTY,
    tlp: str = _tlp("GREEN"),
    json_out: bool = _JSON,
) -> None:
    """Record a party's actual value of an indicator for a quarter."""
    from sarhad.framework.ops import record_indicator

    out = record_indicator(
        state(ctx).node(),
        indicator,
        quarter,
        value,
        party=party,
        comment=comment,
        source=source,
        evidence=evidence,
        tlp=tlp or "GREEN",
    )
    given = "(no value)" if out["value"] is None else _number(out["value"])
    _done(json_out, out, f"{out['party']} {out['indicator']} {out['quarter']} = {given}")


@indicator_app.command("target")
def indicator_target(
    ctx: typer.Context,
    indicator: str = typer.Argument(..., metavar="INDICATOR_ID"),
    value: float = typer.Option(..., "--value", help="The target value."),
    by: str = typer.Option(None, "--by", help="The target date (YYYY-MM-DD or a quarter)."),
    per_quarter: bool = typer.Option(False, "--per-quarter", help="The target applies to every quarter."),
    baseline: float = typer.Option(None, "--baseline", help="Set the baseline value too."),
    baseline_date: str = typer.Option(None, "--baseline-date", help="The baseline's date."),
    source: str = typer.Option(None, "--source", help="Who agreed the target, where."),
    allow_past: bool = typer.Option(
        False, "--allow-past", help="Accept a --by date before today (a target agreed earlier, recorded late)."
    ),
    json_out: bool = _JSON,
) -> None:
    """Set an indicator's target (and optionally its baseline).

    A --by date before today (UTC) is refused unless --allow-past.
    """
    from sarhad.framework.ops import set_indicator_target

    out = set_indicator_target(
        state(ctx).node(),
        indicator,
        value,
        by=by,
        per_quarter=per_quarter,
        source=source,
        baseline=baseline,
        baseline_date=baseline_date,
        allow_past=allow_past,
    )
    set_baseline = out["baseline"] if baseline is not None else None
    _done(json_out, out, f"{out['indicator']}: {_target_words(out['target'], set_baseline)}")


def _target_words(target: dict[str, Any], baseline: dict[str, Any] | None) -> str:
    """``target 5 by 2030-12-31 (agreed at the JC); baseline 2.5 on 2025-06-30``: an indicator's target as a
    line says it."""
    when = " every quarter" if target.get("per_period") else (f" by {target['by']}" if target.get("by") else "")
    words = f"target {_number(target['value'])}{when} ({target['source']})"
    if baseline:
        words += f"; baseline {_number(baseline['value'])} on {baseline['date']}"
    return words


def _number(value: float) -> str:
    """5.0 as ``5``, 2.5 as ``2.5``, 1234567.0 as ``1234567`` (not ``1.23457e+06``)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@milestone_app.command("list")
def milestone_list(ctx: typer.Context, json_out: bool = _JSON) -> None:
    """Milestones with planned and revised dates and status."""
    from sarhad.framework.store import load

    rows = [
        {
            "code": m["code"],
            "commitment": m["commitment"],
            "title": m["name"],
            "due": m.get("due"),
            "due_revised": m.get("due_revised"),
            "status": m["status"],
            "date_met": m.get("date_met"),
            "changes": m.get("changes", []),
        }
        for m in load(state(ctx).node().db).milestones
    ]
    if json_out:
        print_json(rows)
        return
    print_listing(
        ["milestone", "commitment", "title", "due", "revised", "status", "met"],
        [
            [
                r["code"],
                r["commitment"],
                r["title"],
                r["due"] or "unspecified",
                r["due_revised"],
                r["status"],
                r["date_met"],
            ]
            for r in rows
        ],
        empty="no milestones: the framework holds none",
    )


@milestone_app.command("update")
def milestone_update(
    ctx: typer.Context,
    milestone: str = typer.Argument(..., metavar="MILESTONE_ID", help="e.g. M-03.1"),
    status: str = typer.Option(None, "--status", help="scheduled, met, partiallyMet or notMet."),
    date_met: str = typer.Option(None, "--date-met", help="When it was met (YYYY-MM-DD)."),
    due: str = typer.Option(None, "--due", help="A revised due date (needs --reason)."),
    reason: str = typer.Option(None, "--reason", help="Why the date moved."),
    json_out: bool = _JSON,
) -> None:
    """Record a milestone's status, or a revised date with its reason."""
    from sarhad.framework.ops import update_milestone

    out = update_milestone(state(ctx).node(), milestone, status=status, date_met=date_met, due=due, reason=reason)
    words = f"{out['milestone']}: {out['status']}"
    if out.get("date_met") and (status is not None or date_met is not None):
        words += f", met on {out['date_met']}"
    if due is not None:
        words += f"; due {out['due_revised']} (planned {out['due'] or 'unspecified'})"
    _done(json_out, out, words)


# -- disputes ----------------------------------------------------------------------------------------------
@dispute_app.command("open")
def dispute_open(
    ctx: typer.Context,
    commitment: str = typer.Option(..., "--commitment", help="The commitment, e.g. C-08."),
    quarter: str = _QUARTER,
    subject: str = typer.Option(..., "--subject", help="What is disputed, in a sentence."),
    position: str = typer.Option(..., "--position", help="The raising party's position."),
    indicator: str = typer.Option(
        None, "--indicator", help="When a value of an indicator of that commitment is disputed."
    ),
    cluster: str = typer.Option(
        None,
        "--cluster",
        help="When an incident of the joint picture is disputed: its cluster id, or the id of a report in it.",
    ),
    report: list[str] = typer.Option(
        None, "--report", help="With --cluster: a report of the cluster the party cites (repeatable; default all)."
    ),
    evidence: list[str] = _EVIDENCE,
    party: str = _PARTY,
    level: str = typer.Option("technical", "--level", help="technical, joint-committee or ministerial."),
    reply_days: int = typer.Option(30, "--reply-days", help="Days the other party has to reply."),
    tlp: str = _tlp(
        "GREEN; with --cluster, the strictest marking among the reports named, at least GREEN;"
        " its replies and updates keep it"
    ),
    json_out: bool = _JSON,
) -> None:
    """Open a dispute about a commitment's assessment, an indicator value or an incident of the joint picture
    (--cluster: the reports named and their versions are recorded); prints its code."""
    from sarhad.framework.ops import open_dispute

    out = open_dispute(
        state(ctx).node(),
        commitment,
        quarter,
        subject,
        position,
        indicator=indicator,
        evidence=evidence,
        party=party,
        level=level,
        reply_days=reply_days,
        tlp=tlp,
        cluster=cluster,
        reports=report or None,
    )
    if json_out:
        print_json(out)
    else:
        typer.echo(out["code"])


@dispute_app.command("reply")
def dispute_reply(
    ctx: typer.Context,
    code: str = typer.Argument(..., metavar="DISPUTE_ID"),
    position: str = typer.Option(..., "--position", help="This party's position."),
    evidence: list[str] = _EVIDENCE,
    party: str = _PARTY,
    tlp: str = _tlp("the dispute's own, the only one accepted"),
    json_out: bool = _JSON,
) -> None:
    """Record a party's position (its reply) in a dispute, marked as the dispute is."""
    from sarhad.framework.ops import reply_dispute

    out = reply_dispute(state(ctx).node(), code, position, evidence=evidence, party=party, tlp=tlp)
    _done(json_out, out, f"{out['code']}: {out['status']}; positions of {', '.join(out['positions'])}")


@dispute_app.command("update")
def dispute_update(
    ctx: typer.Context,
    code: str = typer.Argument(..., metavar="DISPUTE_ID"),
    status: str = typer.Option(
        None, "--status", help="open, under-review, resolved-agreed, resolved-disagreement-noted."
    ),
    level: str = typer.Option(None, "--level", help="Escalate: technical, joint-committee, ministerial."),
    note: str = typer.Option(None, "--note", help="The outcome, or why it moved."),
    tlp: str = _tlp("the dispute's own, the only one accepted"),
    json_out: bool = _JSON,
) -> None:
    """Escalate a dispute or record its outcome, marked as the dispute is."""
    from sarhad.framework.ops import update_dispute

    out = update_dispute(state(ctx).node(), code, status=status, level=level, note=note, tlp=tlp)
    _done(json_out, out, f"{out['code']}: {out['status']} at {out['level']} level")


@dispute_app.command("list")
def dispute_list(
    ctx: typer.Context,
    quarter: str = typer.Option(None, "--quarter", help="Only disputes about this quarter."),
    open_only: bool = typer.Option(False, "--open", help="Only unresolved disputes."),
    json_out: bool = _JSON,
) -> None:
    """The dispute register."""
    from sarhad.framework.views import dispute_table

    rows = dispute_table(state(ctx).node().db, quarter=quarter, open_only=open_only)
    if json_out:
        print_json(rows)
        return
    if quarter or open_only:
        empty = "no disputes match"
    else:
        empty = "no disputes: open one with 'sarhad dispute open'"
    print_listing(
        ["dispute", "commitment", "quarter", "raised by", "level", "status", "reply due", "subject"],
        [
            [
                r["code"],
                r["commitment"],
                r["quarter"],
                r["raised_by"],
                r["level"],
                r["status"],
                # all positions in: the date is no longer a reply owed
                r["reply_due"] + (" (overdue)" if r["overdue"] else "" if r["awaiting"] else " (replied)"),
                r["summary"] + (f" ({_about_cluster(r)})" if r["cluster"] else ""),
            ]
            for r in rows
        ],
        empty=empty,
    )


@dispute_app.command("show")
def dispute_show(
    ctx: typer.Context, code: str = typer.Argument(..., metavar="DISPUTE_ID"), json_out: bool = _JSON
) -> None:
    """One dispute with both positions (and the evidence each cites) and its history."""
    from sarhad.framework.views import cited_text, dispute_table

    rows = [r for r in dispute_table(state(ctx).node().db) if r["code"].upper() == code.upper() or r["id"] == code]
    if not rows:
        from sarhad.errors import NotFound

        raise NotFound(f"no dispute {code!r}")
    r = rows[0]
    if json_out:
        print_json(r)
        return
    console.print(f"[bold]{r['code']}[/] {r['summary']}  ({r['status']}, {r['level']} level)", highlight=False)
    if r["cluster"]:
        console.print(f"  {_about_cluster(r)}:", highlight=False, markup=False)
        for rep in r["reports"]:
            console.print(f"    {rep['id']} version {rep['version']}", highlight=False, markup=False)
    for party, pos in r["positions"].items():
        console.print(f"  {party}: {pos['text']}", highlight=False, markup=False)
        for item in pos["evidence"]:
            console.print(f"    evidence: {cited_text(item, 'this node')}", highlight=False, markup=False)
    for h in r["history"]:
        console.print(f"  {h['on']} {h['by']}: {h['event']}", highlight=False, markup=False)


def _about_cluster(row: dict[str, Any]) -> str:
    """What a dispute about the joint picture is about, as the register says it."""
    n = len(row["reports"])
    return f"about the joint picture: cluster {row['cluster']}, {n} report{'' if n == 1 else 's'}"


# -- recommendations ---------------------------------------------------------------------------------------
@recommend_app.command("add")
def recommend_add(
    ctx: typer.Context,
    quarter: str = _QUARTER,
    text: str = typer.Option(..., "--text", help="The recommendation."),
    owner: str = typer.Option(None, "--owner", help="Who should act."),
    due: str = typer.Option(None, "--due", help="By when (YYYY-MM-DD or quarter)."),
    commitment: str = typer.Option(None, "--commitment", help="The commitment it concerns."),
    tlp: str = _tlp("GREEN; its follow-ups keep it"),
    json_out: bool = _JSON,
) -> None:
    """Record a recommendation (reported, then followed up next quarter)."""
    from sarhad.framework.ops import add_recommendation

    out = add_recommendation(
        state(ctx).node(), quarter, text, owner=owner, due=due, commitment=commitment, tlp=tlp or "GREEN"
    )
    if json_out:
        print_json(out)
    else:
        typer.echo(out["code"])


@recommend_app.command("update")
def recommend_update(
    ctx: typer.Context,
    code: str = typer.Argument(..., metavar="RECOMMENDATION_ID"),
    status: str = typer.Option(..., "--status", help="open, in-progress, implemented or not-accepted."),
    note: str = typer.Option(None, "--note"),
    tlp: str = _tlp("the recommendation's own, the only one accepted"),
    json_out: bool = _JSON,
) -> None:
    """Record the follow-up of a recommendation, marked as the recommendation is."""
    from sarhad.framework.ops import update_recommendation

    out = update_recommendation(state(ctx).node(), code, status, note=note, tlp=tlp)
    _done(json_out, out, f"{out['code']}: {out['status']}")


@recommend_app.command("list")
def recommend_list(
    ctx: typer.Context,
    quarter: str = typer.Option(None, "--quarter", help="Only recommendations made in this quarter."),
    commitment: str = typer.Option(None, "--commitment", help="Only recommendations about this commitment."),
    json_out: bool = _JSON,
) -> None:
    """The recommendations with their owner, due date and follow-up status."""
    from sarhad.framework.views import recommendation_table

    rows = recommendation_table(state(ctx).node().db, quarter=quarter, commitment=commitment)
    if json_out:
        print_json(rows)
        return
    if quarter or commitment:
        empty = "no recommendations match"
    else:
        empty = "no recommendations: record one with 'sarhad recommend add --quarter Q --text TEXT'"
    print_listing(
        ["recommendation", "quarter", "commitment", "owner", "due", "status", "text"],
        [[r["code"], r["quarter"], r["commitment"], r["owner"], r["due"], r["status"], r["text"]] for r in rows],
        empty=empty,
    )


# -- report ------------------------------------------------------------------------------------------------
@report_app.command("quarterly")
def report_quarterly(
    ctx: typer.Context,
    quarter: str = _QUARTER,
    out: Path = typer.Option(..., "--out", help="FILE.pdf or FILE.html (the format follows the extension)."),
    version: str = typer.Option(
        None,
        "--version",
        help="The report's version label (default: the date; for a quarter that is over, its last day, the day the"
        " report's state is drawn at).",
    ),
    joint: bool = typer.Option(False, "--joint", help="Mark the report as jointly agreed (default: draft)."),
    json_out: bool = _JSON,
) -> None:
    """The quarterly progress report for the technical committees and parliamentary groups."""
    import time

    from sarhad.framework.report import write_report

    if out.suffix.lower() not in (".pdf", ".html", ".htm"):
        raise InvalidInput(f"--out {out}: the report is written as .pdf or .html")
    start = time.perf_counter()
    info = write_report(state(ctx).node(), quarter, out, version=version, joint=joint)
    info["seconds"] = round(time.perf_counter() - start, 2)
    _done(
        json_out,
        info,
        f"wrote the {info['quarter']} report to {out} ({info['format']}, "
        f"{info['assessments']} assessments, {info['disputes']} disputes"
        + (f", {info['not_readable']} not readable on this node" if info["not_readable"] else "")
        + f") in {info['seconds']} s",
    )


def register(app: typer.Typer) -> None:
    """Add the framework commands to the root app."""
    app.add_typer(framework_app, name="framework")
    app.command("assess")(assess_cmd)
    app.add_typer(evidence_app, name="evidence")
    app.add_typer(indicator_app, name="indicator")
    app.add_typer(milestone_app, name="milestone")
    app.add_typer(dispute_app, name="dispute")
    app.add_typer(recommend_app, name="recommend")
    app.add_typer(report_app, name="report")
