"""The framework as plain JSON-ready data, for the CLI's ``--json`` and the web API."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sarhad.errors import NotFound
from sarhad.framework.derive import quarters_of, status
from sarhad.framework.model import LEVELS
from sarhad.framework.quarter import Quarter, utc_today
from sarhad.framework.store import FrameworkData, load
from sarhad.framework.withheld import withheld_records
from sarhad.log.envelope import LIKE_ESCAPE, like_pattern
from sarhad.store.current import current
from sarhad.store.db import Database

__all__ = [
    "cited_by_id",
    "cited_evidence",
    "cited_text",
    "cluster_disputes",
    "commitment_detail",
    "commitment_list",
    "dispute_rows",
    "dispute_table",
    "indicator_table",
    "recommendation_table",
]


def _status_quarters(data: FrameworkData, quarter: str | None) -> list[Quarter]:
    if quarter:
        return [Quarter.parse(quarter)]
    return quarters_of(data, Quarter.of(utc_today()))


def commitment_list(
    db: Database, quarter: str | None = None, *, readable: tuple[str, list[Any]] | None = None
) -> list[dict[str, Any]]:
    """``[{"id", "text", "focus_area", "due", "status": {QUARTER: {PARTY: level|None, …, "state"}}, "withheld"}]``.

    ``id`` is the commitment code (``C-01``); levels are the submitted assessments' implementation levels.
    ``withheld`` lists the commitment's assessments, indicator values and disputes of those quarters whose
    latest version this node was refused (:func:`~sarhad.framework.withheld.withheld_records`): they count in no
    level and no state, and are listed so that a party's shared rating does not vanish without a word.
    ``readable`` limits the records used to those a principal may read (see :func:`load`).
    """
    data = load(db, readable=readable)
    quarters = _status_quarters(data, quarter)
    withheld = withheld_records(db, data, [str(q) for q in quarters], readable=readable)
    out = []
    for c in data.commitments:
        per_q: dict[str, dict[str, Any]] = {}
        for q in quarters:
            st = status(data, c["code"], q)
            per_q[str(q)] = {**{p: st.level(p) for p in data.parties}, "state": st.state}
        out.append(
            {
                "id": c["code"],
                "text": c["text_verbatim"],
                "focus_area": c["focus_area"],
                "due": c["due"],
                "status": per_q,
                "withheld": [w for w in withheld if w["commitment"] == c["code"]],
            }
        )
    return out


def _fmt_target(t: dict[str, Any] | None) -> str:
    if not t or t.get("value") is None:
        return "none set"
    when = " per quarter" if t.get("per_period") else (f" by {t['by']}" if t.get("by") else " (no date)")
    return f"{t['value']:g}{when}"


def _fmt_baseline(b: dict[str, Any] | None) -> str:
    if not b or b.get("value") is None:
        return "none"
    return f"{b['value']:g} ({b.get('date', '?')})"


def commitment_detail(db: Database, code: str) -> dict[str, Any]:
    """One commitment with its milestones, indicators, assessments (every assessor), disputes and status.

    Each milestone carries its ``status_changes``: who changed its status or date met, and when (for a status an
    older release set without an entry, the party that published the version first carrying it).

    Each assessment carries its ``evidence_refs`` and ``evidence``: each item cited as :func:`cited_evidence`
    shows it, so evidence this node was not given (a peer withheld it) is marked withheld, not left out. Each
    indicator carries its ``values`` (period, party, value, comment), each with its ``evidence_refs`` and
    ``evidence`` shown the same way. ``withheld`` lists the commitment's assessments, indicator values and
    disputes whose latest version this node was refused, with the last version it could read
    (:func:`~sarhad.framework.withheld.withheld_records`), which no other part shows as current.
    """
    data = load(db)
    c = data.commitment(code)
    src = c.get("source_ref") or {}
    assessments = [a for a in data.assessments if a["commitment"] == c["code"]]
    indicators = [i for i in data.indicators if i["commitment"] == c["code"]]
    codes = {i["code"] for i in indicators}
    values = [v for v in data.values if v["indicator"] in codes]
    cited = cited_by_id(db, [*assessments, *values], data.evidence_by_id())
    quarters = sorted({Quarter.parse(a["quarter"]) for a in assessments})
    st = {str(q): status(data, c["code"], q) for q in quarters}
    return {
        "id": c["code"],
        "stix_id": c["id"],
        "title": c["name"],
        "text": c["text_verbatim"],
        "focus_area": c["focus_area"],
        "type": c.get("commitment_type"),
        "owner": c.get("owner"),
        "lead": c.get("lead"),
        "due": c["due"],
        "due_stated": c.get("due_stated"),
        "verifiable": c.get("verifiable"),
        "note": c.get("note"),
        "source": f"{src.get('source_name', '')} {src.get('url', '')}".strip(),
        "milestones": [
            {
                "code": m["code"],
                "title": m["name"],
                "due": m.get("due_revised") or m.get("due"),
                "status": m["status"],
                "status_changes": m.get("status_changes", []),
            }
            for m in data.milestones
            if m["commitment"] == c["code"]
        ],
        "indicators": [
            {
                "code": i["code"],
                "title": i["name"],
                "baseline": _fmt_baseline(i.get("baseline")),
                "target": _fmt_target(i.get("target")),
                "values": [_value_row(v, cited) for v in values if v["indicator"] == i["code"]],
            }
            for i in indicators
        ],
        "assessments": [
            {
                "quarter": a["quarter"],
                "assessor": a["assessor"],
                "level": a["implementation_level"],
                "level_label": LEVELS[a["implementation_level"]],
                "compliance": a.get("compliance"),
                "effectiveness": a.get("effectiveness"),
                "state": a["state"],
                "rationale": a["rationale"],
                "evidence_refs": a.get("evidence_refs", []),
                "evidence": _cites(a, cited),
                "recorded_by": a["recorded_by"],
                "version": a["modified"],
            }
            for a in assessments
        ],
        "disputes": [d["code"] for d in data.disputes if d.get("subject", {}).get("commitment") == c["code"]],
        "withheld": [w for w in withheld_records(db, data) if w["commitment"] == c["code"]],
        "status": {
            q: {
                "state": s.state,
                "agreed": s.agreed_level,
                "reconciled": s.reconciled_level,
                **{p: s.level(p) for p in data.parties},
                "reasons": s.reasons,
            }
            for q, s in st.items()
        },
    }


def indicator_table(db: Database) -> list[dict[str, Any]]:
    """Every indicator with baseline, target and the values recorded.

    Each value carries its ``evidence_refs`` and ``evidence``: each item cited as :func:`cited_evidence` shows
    it (evidence this node was not given is marked withheld, not left out).
    """
    data = load(db)
    cited = cited_by_id(db, data.values, data.evidence_by_id())
    return [
        {
            "code": i["code"],
            "commitment": i["commitment"],
            "title": i["name"],
            "unit": i.get("unit"),
            "measure": i.get("measure"),
            "baseline": _fmt_baseline(i.get("baseline")),
            "target": _fmt_target(i.get("target")),
            "baseline_detail": i.get("baseline"),
            "target_detail": i.get("target"),
            "values": [_value_row(v, cited) for v in data.values if v["indicator"] == i["code"]],
        }
        for i in data.indicators
    ]


def _value_row(v: dict[str, Any], cited: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """An indicator value as the views show it: the value, and the evidence it cites (see :func:`_cites`)."""
    return {
        "period": v["period"],
        "party": v["party"],
        "value": v.get("value"),
        "comment": v.get("comment"),
        "evidence_refs": v.get("evidence_refs", []),
        "evidence": _cites(v, cited),
    }


def cited_by_id(
    db: Database, records: Iterable[dict[str, Any]], readable: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """What :func:`cited_evidence` shows of every item the ``records`` cite (their ``evidence_refs``), by id:
    one look-up for all of them, not one per record. A record of any kind that cites evidence (an assessment,
    a dispute position, an indicator value) may be among them."""
    return {e["id"]: e for e in cited_evidence(db, [r for x in records for r in x.get("evidence_refs", [])], readable)}


def _cites(record: dict[str, Any], cited: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The items ``record`` cites, in its order, each once, from ``cited`` (:func:`cited_by_id`)."""
    return [cited[r] for r in dict.fromkeys(record.get("evidence_refs", []))]


def cited_evidence(db: Database, refs: Iterable[str], readable: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The evidence a position (or assessment) cites, each as what the reader may be shown of it.

    ``readable`` is the evidence the reader may read, by id (``FrameworkData.evidence_by_id`` of a ``load``
    limited to the reader's records). A readable item is ``{"id", "readable": true, "code", "title", "kind",
    "sha256" (of the file, or null for a link), "party", "tlp"}``. Any other is withheld: ``{"id", "readable":
    false, "party", "tlp", "logged_sha256"}``, only what the log already shows every reader of it (the
    envelope: the record's TLP and the SHA-256 of its body) and the party whose log holds it, found among the
    stored objects or, for a record this node was not given, among the withheld versions its syncs recorded
    from the envelopes of its peers' logs; each is null when this node holds neither (the id is all it knows).
    """
    refs = list(dict.fromkeys(refs))
    known = _logged(db, refs)
    out: list[dict[str, Any]] = []
    for ref in refs:
        party, tlp, logged = known.get(ref, (None, None, None))
        e = readable.get(ref)
        if e is not None:
            out.append(
                {
                    "id": ref, "readable": True, "code": e.get("code"), "title": e.get("name"),
                    "kind": e.get("kind"), "sha256": e.get("sha256"), "party": party, "tlp": tlp,
                }
            )  # fmt: skip
            continue
        out.append({"id": ref, "readable": False, "party": party, "tlp": tlp, "logged_sha256": logged})
    return out


def cited_text(item: dict[str, Any], reader: str = "you") -> str:
    """One line for an item of :func:`cited_evidence`: ``E-1a2b3c4d5e Patrol log (document)``, or for a
    withheld one ``withheld evidence x-sarhad-evidence--… (IR, marked RED, logged SHA-256 …): you may not read
    it`` (``reader`` names who may not)."""
    if item["readable"]:
        return f"{item['code']} {item['title']} ({item['kind']})"
    known = f" ({item['party']}, marked {item['tlp']}, logged SHA-256 {item['logged_sha256']})" if item["party"] else ""
    return f"withheld evidence {item['id']}{known}: {reader} may not read it"


_CHUNK = 500
"""Ids per query of :func:`_logged` (well under SQLite's and PostgreSQL's limits on parameters)."""


def _logged(db: Database, ids: list[str]) -> dict[str, tuple[str, str, str]]:
    """(party, TLP, logged SHA-256) of the latest version this node knows of each of ``ids``: from the stored
    objects (any reader's, not the body) when it holds the current version (:mod:`sarhad.store.current`), else
    from ``withheld_versions``, which keeps what the envelope of each version withheld from it says.

    One query per :data:`_CHUNK` ids for the objects and one for the withheld versions, by their primary keys,
    whatever the number of records citing them. Of the withheld versions of an id, the latest (by ``modified``)
    is its latest version: a version held and current is found among the objects first, and any other held
    version is earlier than a withheld one. Should two peers' copies both hold an id withheld (an object has one
    origin: it should not happen), the latest version is taken whichever peer's it is; two of the same version
    cannot both be kept (the table's key is ``(id, modified)``; the first recorded stays), and the origin,
    first by name, would break a tie.

    Only a row recorded before the table kept the SHA-256 and whose envelope the migration did not find in the
    copies (``sha256`` NULL) is searched for in the copies of peers' logs, one scan per chunk of such ids.
    """
    found: dict[str, tuple[str, str, str]] = {}
    for chunk in _chunks(ids):
        for oid, origin, tlp, sha in db.fetchall(
            f"SELECT id, origin, tlp, sha256 FROM objects WHERE id IN ({_marks(chunk)}) AND {current('objects')}",
            chunk,
        ):
            found[str(oid)] = (str(origin), str(tlp), str(sha))
    missing = [i for i in ids if i not in found]
    # Withheld from this node: only the envelope reached it. A sync records every copied entry whose object it
    # did not store in withheld_versions, so an id that table does not hold is in no copy (the id is all this
    # node knows).
    latest: dict[str, tuple[str, str, str, str | None]] = {}
    for chunk in _chunks(missing):
        for oid, modified, origin, tlp, sha in db.fetchall(
            "SELECT id, modified, origin, tlp, sha256 FROM withheld_versions"
            f" WHERE id IN ({_marks(chunk)}) ORDER BY id, modified DESC, origin",
            chunk,
        ):
            latest.setdefault(str(oid), (str(modified), str(origin), str(tlp), None if sha is None else str(sha)))
    unlogged: dict[str, str] = {}
    for oid, (modified, origin, tlp, sha) in latest.items():
        if sha is None:
            unlogged[oid] = modified
        else:
            found[oid] = (origin, tlp, sha)
    # Envelopes are not indexed by object: a chunk of such ids costs one scan of the copies.
    for chunk in _chunks(list(unlogged)):
        where = " OR ".join(f"l.envelope LIKE ? ESCAPE '{LIKE_ESCAPE}'" for _ in chunk)
        rows = db.fetchall(
            "SELECT l.envelope, COALESCE(p.party, r.party) FROM peer_leaves l"
            " LEFT JOIN peers p ON p.name = l.peer LEFT JOIN removed_peers r ON r.name = l.peer"
            f" WHERE {where} ORDER BY l.idx",
            [like_pattern(i) for i in chunk],
        )
        for envelope, party in rows:
            e = json.loads(str(envelope))
            oid = str(e.get("object_id"))
            if unlogged.get(oid) == e.get("version") and party is not None:
                found[oid] = (latest[oid][1], latest[oid][2], str(e["sha256"]))
    return found


def _chunks(ids: list[str]) -> list[list[str]]:
    return [ids[start : start + _CHUNK] for start in range(0, len(ids), _CHUNK)]


def _marks(chunk: list[str]) -> str:
    return ", ".join("?" * len(chunk))


def dispute_table(
    db: Database,
    *,
    quarter: str | None = None,
    open_only: bool = False,
    today: date | None = None,
    readable: tuple[str, list[Any]] | None = None,
) -> list[dict[str, Any]]:
    """The dispute register: subject, positions, level, reply deadline (and whether it is overdue).

    Each position carries, besides its ``evidence_refs``, ``evidence``: what the reader may be shown of each
    item cited (:func:`cited_evidence`; evidence the reader may not read is marked withheld, not left out),
    looked up once for every position listed.
    ``readable`` limits the disputes and the evidence to those a principal may read (see :func:`load`).
    """
    data = load(db, readable=readable)
    listed = _listed_disputes(data, quarter, open_only)
    cited = cited_by_id(db, [pos for d in listed for pos in d.get("positions", {}).values()], data.evidence_by_id())
    return dispute_rows(data, cited, quarter=quarter, open_only=open_only, today=today)


def recommendation_table(
    db: Database,
    *,
    quarter: str | None = None,
    commitment: str | None = None,
    readable: tuple[str, list[Any]] | None = None,
) -> list[dict[str, Any]]:
    """The committees' recommendations, by code: ``[{"id", "code", "quarter", "text", "owner", "due",
    "commitment", "status", "history"}]``, of ``quarter`` (the one they were made in) or about ``commitment``
    when given. ``readable`` limits them to those a principal may read (see :func:`load`).

    Raises InvalidInput for a malformed quarter, NotFound for an unknown commitment.
    """
    data = load(db, readable=readable)
    q = str(Quarter.parse(quarter)) if quarter else None
    c = data.commitment(commitment)["code"] if commitment else None
    return [
        {
            "id": r["id"],
            "code": r["code"],
            "quarter": r["quarter"],
            "text": r["text"],
            "owner": r.get("owner"),
            "due": r.get("due"),
            "commitment": r.get("commitment"),
            "status": r["status"],
            "history": r.get("history", []),
        }
        for r in data.recommendations
        if not (q and r["quarter"] != q) and not (c and r.get("commitment") != c)
    ]


def cluster_disputes(
    db: Database,
    cluster_id: str,
    member_ids: Sequence[str],
    *,
    readable: tuple[str, list[Any]] | None = None,
) -> list[str]:
    """The codes of the disputes about the joint picture that concern cluster ``cluster_id``, whose members are
    ``member_ids`` (those the reader may read): opened about that cluster, or naming one of those reports. A report
    names its incident whatever the cluster ids become, so a dispute follows its reports through a split or a merge.
    ``readable`` limits them to the disputes a principal may read (see :func:`load`); [] on a node with no
    framework.
    """
    try:
        data = load(db, readable=readable)
    except NotFound:
        return []
    members = set(member_ids)
    out = []
    for d in data.disputes:
        subject = d.get("subject", {})
        if subject.get("kind") != "cluster":
            continue
        named = {str(r.get("id")) for r in subject.get("reports", []) if isinstance(r, dict)}
        if subject.get("cluster") == cluster_id or named & members:
            out.append(str(d["code"]))
    return sorted(out)


def _listed_disputes(data: FrameworkData, quarter: str | None, open_only: bool) -> list[dict[str, Any]]:
    q = str(Quarter.parse(quarter)) if quarter else None
    return [
        d
        for d in data.disputes
        if not (q and d.get("subject", {}).get("quarter") != q)
        and not (open_only and d["status"].startswith("resolved"))
    ]


def dispute_rows(
    data: FrameworkData,
    cited: dict[str, dict[str, Any]],
    *,
    quarter: str | None = None,
    open_only: bool = False,
    today: date | None = None,
) -> list[dict[str, Any]]:
    """:func:`dispute_table` of ``data`` (a :func:`load`) with the evidence its positions cite taken from
    ``cited`` (:func:`cited_by_id` of records among which are those positions), for a caller that looks up the
    evidence of other records at the same time (the quarterly report). Raises KeyError when ``cited`` lacks an
    item a listed position cites.
    """
    day = (today or utc_today()).isoformat()
    rows = []
    for d in _listed_disputes(data, quarter, open_only):
        subject = d.get("subject", {})
        resolved = d["status"].startswith("resolved")
        others = [p for p in data.parties if p not in d.get("positions", {})]
        rows.append(
            {
                "id": d["id"],
                "code": d["code"],
                "commitment": subject.get("commitment"),
                "quarter": subject.get("quarter"),
                "indicator": subject.get("indicator"),
                # about the joint picture: the cluster and the reports (with the versions read) when it was opened
                "cluster": subject.get("cluster"),
                "reports": list(subject.get("reports", [])),
                "summary": d["summary"],
                "raised_by": d["raised_by"],
                "raised_on": d["raised_on"],
                "positions": {
                    party: {**pos, "evidence": _cites(pos, cited)} for party, pos in d.get("positions", {}).items()
                },
                "level": d["level"],
                "status": d["status"],
                "reply_due": d.get("reply_due", ""),
                "overdue": bool(not resolved and others and d.get("reply_due") and d["reply_due"] < day),
                "awaiting": others,
                "resolved_on": d.get("resolved_on"),
                "resolution": d.get("resolution"),
                "history": d.get("history", []),
            }
        )
    return rows
