"""Disputes: opened by a party about a commitment's assessment (or an indicator value) in a quarter, or about an
incident of the joint picture (a reconciliation cluster) whose parties' figures disagree; the other party's timed
right of reply, escalation and outcome.

A dispute about the joint picture records, when it is opened, the cluster and each report it is about with the
version read then (``{"kind": "cluster", "cluster", "reports": [{"id", "version"}]}``): cluster ids change as
reconciliation regroups the reports, and a report may be corrected, so the dispute keeps saying what was disputed.
It is marked no less strictly than the reports it names, as an analyst decision is
(:func:`sarhad.reconcile.store.check_decision_marking`): it names them and says what a party thinks of them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sarhad.errors import InvalidInput, NotFound
from sarhad.framework._write import (
    framework_quarter,
    kept_marking,
    publish,
    require_started,
    resolve_party,
    tlp_label,
)
from sarhad.framework.evidence import resolve_evidence
from sarhad.framework.model import DISPUTE_LEVELS, DISPUTE_STATUSES, stix_object
from sarhad.framework.quarter import utc_today
from sarhad.framework.store import FrameworkData, load
from sarhad.model.codes import TLP_LEVELS

if TYPE_CHECKING:
    from sarhad.node import Node

__all__ = ["open_dispute", "reply_dispute", "update_dispute"]


def _dispute(data: FrameworkData, code: str) -> dict[str, Any]:
    for d in data.disputes:
        if d["code"].upper() == code.strip().upper() or d["id"] == code.strip():
            return dict(d)
    raise NotFound(f"no dispute {code!r} (known: {', '.join(d['code'] for d in data.disputes) or 'none'})")


def open_dispute(
    node: Node,
    commitment: str,
    quarter: str,
    summary: str,
    position: str,
    *,
    indicator: str | None = None,
    evidence: list[str] | None = None,
    party: str | None = None,
    level: str = "technical",
    reply_days: int = 30,
    today: date | None = None,
    tlp: str | None = None,
    cluster: str | None = None,
    reports: list[str] | None = None,
) -> dict[str, Any]:
    """Open a dispute about a commitment's assessment (or an indicator value) in a quarter, or, with
    ``cluster`` (a cluster id or the id of an incident in it), about that incident of the joint picture.

    The raising party's position is recorded; the other party has ``reply_days`` to reply (a timed right of
    reply, as CTED's 30 days). ``today`` (the UTC date by default) is the day it is raised on. ``tlp`` is GREEN
    by default; for a dispute about a cluster, the strictest marking among the reports it names (at least GREEN):
    every current member of the cluster, or ``reports`` alone (member ids) when given, the reports the party cites.

    Raises InvalidInput (for an indicator of another commitment, a quarter that has not started by ``today``, a
    ``reports`` id that is not a member of the cluster, or a ``tlp`` less strict than a report named, among
    others) or NotFound (an unknown commitment or cluster), before anything is published.
    """
    marking = tlp_label(tlp) if tlp is not None else None
    data = load(node.db)
    c = data.commitment(commitment)
    q = framework_quarter(data, quarter)
    require_started(q, "a dispute", today)
    raised_by = resolve_party(data, node, party)
    if level not in DISPUTE_LEVELS:
        raise InvalidInput(f"dispute level {level!r} is not one of {', '.join(DISPUTE_LEVELS)}")
    if not summary.strip() or not position.strip():
        raise InvalidInput("a dispute needs a --subject and the raising party's --position")
    if not 1 <= reply_days <= 365:
        raise InvalidInput(f"--reply-days {reply_days} is outside 1..365")
    ind = None
    if indicator:
        found = data.indicator(indicator)
        if found["commitment"] != c["code"]:
            raise InvalidInput(
                f"indicator {found['code']} belongs to commitment {found['commitment']}, not {c['code']}: "
                f"open the dispute with --commitment {found['commitment']}"
            )
        ind = found["code"]
    if reports and cluster is None:
        raise InvalidInput(
            "--report names reports of a cluster: give the cluster (or one of its incidents) with --cluster"
        )
    about: dict[str, Any] = {"kind": "indicator" if ind else "assessment"}
    if cluster is not None:
        if ind:
            raise InvalidInput(
                "a dispute is about an indicator's value or about a cluster: give --indicator or --cluster"
            )
        about, marking = _cluster_subject(node, cluster, reports or [], marking)
    marking = marking or "GREEN"
    refs = resolve_evidence(node, evidence)
    day = today or utc_today()
    n = 1 + sum(1 for d in data.disputes if d["code"].startswith(f"D-{q}-{raised_by}"))
    code = f"D-{q}-{raised_by}{n}"
    stix = stix_object(
        "dispute",
        (data.code, code),
        node.settings.party,
        marking,
        framework=data.code,
        code=code,
        subject={
            "kind": about["kind"],
            "commitment": c["code"],
            "quarter": str(q),
            **({"indicator": ind} if ind else {}),
            **{k: v for k, v in about.items() if k != "kind"},
        },
        summary=summary.strip(),
        raised_by=raised_by,
        raised_on=day.isoformat(),
        positions={raised_by: {"text": position.strip(), "evidence_refs": refs, "on": day.isoformat()}},
        level=level,
        status="open",
        reply_due=(day + timedelta(days=reply_days)).isoformat(),
        history=[{"on": day.isoformat(), "by": raised_by, "event": f"opened at {level} level"}],
        recorded_by=node.settings.party,
    )
    publish(node, [(stix, marking)])
    return {
        "id": stix["id"],
        "code": code,
        "commitment": c["code"],
        "quarter": str(q),
        "raised_by": raised_by,
        "reply_due": stix["reply_due"],
        "status": "open",
        "level": level,
        "tlp": marking,
        **({"cluster": about["cluster"], "reports": about["reports"]} if cluster is not None else {}),
    }


def _cluster_subject(node: Node, ident: str, cited: list[str], tlp: str | None) -> tuple[dict[str, Any], str]:
    """The subject of a dispute about the cluster ``ident`` (or the cluster of incident ``ident``): its id and the
    reports it names with their current versions (every member, or the ``cited`` ones), and the marking to open it
    with: ``tlp``, or the strictest among the reports named (at least GREEN) when ``tlp`` is None.

    Raises NotFound for an unknown cluster; InvalidInput for a cited id that is not a member, or a ``tlp`` less
    strict than a report named (naming the strictest such report and the level to use).
    """
    from sarhad.reconcile.store import cluster_of

    cid = cluster_of(node.db, ident.strip())
    rows = node.db.fetchall(
        "SELECT i.id, i.modified, i.tlp, i.reported_by, i.source_id FROM reconcile_members m"
        " JOIN incidents i ON i.id = m.incident_id WHERE m.cluster_id = ? ORDER BY i.id",
        (cid,),
    )
    members = {str(r[0]): (str(r[1]), str(r[2]), f"{r[3]} {r[4]}") for r in rows}
    if not members:
        raise NotFound(f"cluster {cid} holds no report this node can read (run `sarhad reconcile` again)")
    named = list(dict.fromkeys(r.strip() for r in cited)) or sorted(members)
    strangers = [r for r in named if r not in members]
    if strangers:
        raise InvalidInput(
            f"--report {strangers[0]} is not a report of cluster {cid}: a dispute about the joint picture names"
            f" reports of the cluster (`sarhad clusters show {cid}` lists them); nothing was published"
        )
    rank = {level: n for n, level in enumerate(TLP_LEVELS)}
    strictest = max(named, key=lambda r: rank.get(members[r][1], len(rank)))
    level = members[strictest][1] if members[strictest][1] in rank else "RED"
    if tlp is None:
        tlp = max("GREEN", level, key=rank.__getitem__)
    elif rank[level] > rank[tlp]:
        raise InvalidInput(
            f"{members[strictest][2]} ({strictest}) is TLP:{level}: a dispute naming it at TLP:{tlp} would tell"
            f" those who may read TLP:{tlp} that the report exists and which incident it is about; nothing was"
            f" published. Open the dispute with --tlp {level}, or without --tlp to take the strictest marking"
            " among its reports, or name with --report only the reports the party cites"
        )
    subject = {
        "kind": "cluster",
        "cluster": cid,
        "reports": [{"id": r, "version": members[r][0]} for r in named],
    }
    return subject, tlp


def reply_dispute(
    node: Node,
    code: str,
    position: str,
    *,
    evidence: list[str] | None = None,
    party: str | None = None,
    today: date | None = None,
    tlp: str | None = None,
) -> dict[str, Any]:
    """Record a party's position in a dispute (its reply, or a revised position).

    The new version keeps the dispute's marking (:func:`~sarhad.framework._write.kept_marking`): ``tlp``, when
    given, must be it. Raises InvalidInput for an empty position or a ``tlp`` other than the dispute's marking
    (nothing is published), NotFound for an unknown dispute or evidence.
    """
    data = load(node.db)
    d = _dispute(data, code)
    who = resolve_party(data, node, party)
    if not position.strip():
        raise InvalidInput("a reply needs a --position")
    refs = resolve_evidence(node, evidence)
    marking = kept_marking(node, d, tlp, f"dispute {d['code']}", "a reply")
    day = (today or utc_today()).isoformat()
    d["positions"] = {**d.get("positions", {}), who: {"text": position.strip(), "evidence_refs": refs, "on": day}}
    if d["status"] == "open":
        d["status"] = "under-review"
    d["history"] = [*d.get("history", []), {"on": day, "by": who, "event": "position recorded"}]
    publish(node, [(d, marking)])
    return {"code": d["code"], "status": d["status"], "positions": sorted(d["positions"])}


def update_dispute(
    node: Node,
    code: str,
    *,
    status: str | None = None,
    level: str | None = None,
    note: str | None = None,
    today: date | None = None,
    tlp: str | None = None,
) -> dict[str, Any]:
    """Escalate a dispute or record its outcome (resolved-agreed or resolved-disagreement-noted).

    The outcome is the one of the history entry that resolves it: ``resolved_on`` is its day (``today``, the UTC
    date by default) and ``resolution`` its ``note`` (none without one); a dispute given a status that is not
    resolved has neither. A ``note`` alone is recorded in the history and leaves the outcome as it is. The new
    version keeps the dispute's marking (:func:`~sarhad.framework._write.kept_marking`): ``tlp``, when given, must
    be it. Raises InvalidInput for an unknown status or level, nothing to change, or a ``tlp`` other than the
    dispute's marking (nothing is published); NotFound for an unknown dispute.
    """
    data = load(node.db)
    d = _dispute(data, code)
    day = (today or utc_today()).isoformat()
    events = []
    if level is not None:
        if level not in DISPUTE_LEVELS:
            raise InvalidInput(f"dispute level {level!r} is not one of {', '.join(DISPUTE_LEVELS)}")
        events.append(
            f"escalated to {level} level"
            if DISPUTE_LEVELS.index(level) > DISPUTE_LEVELS.index(d["level"])
            else f"moved to {level} level"
        )
        d["level"] = level
    if status is not None:
        if status not in DISPUTE_STATUSES:
            raise InvalidInput(f"dispute status {status!r} is not one of {', '.join(DISPUTE_STATUSES)}")
        events.append(f"status {status}")
        d["status"] = status
        # The outcome is the resolving entry's (as the views merge it, sarhad.exchange.authorship): a dispute
        # resolved again, or reopened, keeps nothing of an earlier outcome.
        resolved = status.startswith("resolved")
        d["resolved_on"] = day if resolved else None
        d["resolution"] = note if resolved else None
    if not events and not note:
        raise InvalidInput("nothing to change: give --status, --level or --note")
    marking = kept_marking(node, d, tlp, f"dispute {d['code']}", "an update")
    if note:
        events.append(note)
    d = {k: v for k, v in d.items() if v is not None}
    # What the entry changes, in fields (read by sarhad.exchange.authorship.dispute_event) beside the text that
    # says it in words: a note is then a note, whatever it says ('status open', '…; escalated to … level').
    said = {"level": level, "status": status, "note": note or None}
    entry = {"on": day, "by": node.settings.party, "event": "; ".join(events)}
    d["history"] = [*d.get("history", []), {**entry, **{k: v for k, v in said.items() if v is not None}}]
    publish(node, [(d, marking)])
    return {"code": d["code"], "status": d["status"], "level": d["level"]}
