"""Writing the framework's records: every change is a STIX object published through the node's single write
path (:meth:`sarhad.node.Node.publisher`), with the query tables updated in the same transaction.

Each function validates everything first and raises InvalidInput or NotFound before anything is written, so
a rejected call stores nothing. ``party`` defaults to the node's own party; another party's (or the joint
committee's) record received off-line is recorded with ``party=`` and keeps ``recorded_by`` = this node.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
import shutil
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sarhad.errors import ConfigError, InvalidInput, NotFound
from sarhad.exchange.authorship import history_state
from sarhad.framework.model import (
    COMPLIANCE,
    CONFIDENCE,
    DISPUTE_LEVELS,
    DISPUTE_STATUSES,
    EFFECTIVENESS,
    EVIDENCE_KINDS,
    JOINT,
    LEVELS,
    MEASURES,
    MILESTONE_STATUSES,
    RECOMMENDATION_STATUSES,
    extension_definition,
    object_id,
    stix_object,
)
from sarhad.framework.quarter import Quarter, utc_today
from sarhad.framework.store import FrameworkData, index_stored, load
from sarhad.model.incident import identity_id
from sarhad.store.like import LIKE_ESCAPE, like_literal

if TYPE_CHECKING:
    from sarhad.node import Node

__all__ = [
    "TEMPLATES",
    "add_evidence",
    "add_recommendation",
    "assess",
    "init_template",
    "open_dispute",
    "record_indicator",
    "reply_dispute",
    "set_indicator_target",
    "update_dispute",
    "update_milestone",
    "update_recommendation",
]

TEMPLATES = ("pk-ir-2025",)
EVIDENCE_DIR = "evidence"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _publish(node: Node, objects: list[tuple[dict[str, Any], str]]) -> list[str | None]:
    """Publish objects in one transaction and index each new version; returns the versions (None = unchanged)."""
    versions: list[str | None] = []
    with node.publisher() as pub:
        for stix, tlp in objects:
            version = pub.add_object(stix, tlp=tlp)
            index_stored(node.db, stix["id"], version)
            versions.append(version)
    return versions


def _tlp(tlp: str) -> str:
    return tlp.strip().upper()


# -- the template ------------------------------------------------------------------------------------------
def load_template(name: str) -> dict[str, Any]:
    """The template's data file shipped in the package. Raises NotFound for an unknown template."""
    if name not in TEMPLATES:
        raise NotFound(f"no framework template {name!r}: expected one of {', '.join(TEMPLATES)}")
    text = resources.files("sarhad.framework").joinpath("data", f"{name}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def init_template(node: Node, name: str = "pk-ir-2025", *, tlp: str = "CLEAR") -> dict[str, Any]:
    """Load a founding framework (commitments, milestones, indicators and their sources) into the node.

    Idempotent: loading it again changes nothing. Raises ConfigError when the node's party is not a party to
    the framework.
    """
    tpl = load_template(name)
    fw = tpl["framework"]
    party = node.settings.party
    if party not in fw["parties"]:
        raise ConfigError(f"this node's party {party} is not a party to {fw['code']} ({', '.join(fw['parties'])})")
    tlp = _tlp(tlp)
    code = fw["code"]
    source = fw["source_refs"][0]
    # The founding records belong to the framework, not to either party: both nodes write identical objects,
    # so an exchange finds them unchanged.
    creator = code
    objects: list[tuple[dict[str, Any], str]] = [(extension_definition(party), "CLEAR")]
    objects.append(
        (
            stix_object(
                "framework",
                (code,),
                creator,
                tlp,
                name=fw["title"],
                template=name,
                template_version=tpl["template_version"],
                **fw,
            ),
            tlp,
        )
    )
    for ordinal, c in enumerate(tpl["commitments"], start=1):
        props = {k: v for k, v in c.items() if k not in ("title", "text", "type")}
        objects.append(
            (
                stix_object(
                    "commitment",
                    (code, c["code"]),
                    creator,
                    tlp,
                    framework=code,
                    ordinal=ordinal,
                    name=c["title"],
                    text_verbatim=c["text"],
                    commitment_type=c["type"],
                    source_ref=source,
                    due_flag="unspecified" if c["due"] == "unspecified" else None,
                    **props,
                ),
                tlp,
            )
        )
    for m in tpl["milestones"]:
        objects.append(
            (
                stix_object(
                    "milestone",
                    (code, m["code"]),
                    creator,
                    tlp,
                    framework=code,
                    code=m["code"],
                    commitment=m["commitment"],
                    commitment_ref=object_id("commitment", code, m["commitment"]),
                    name=m["title"],
                    due=m.get("due"),
                    status="scheduled",
                    changes=[],
                ),
                tlp,
            )
        )
    for i in tpl["indicators"]:
        props = {k: v for k, v in i.items() if k not in ("title",)}
        objects.append(
            (
                stix_object(
                    "indicator",
                    (code, i["code"]),
                    creator,
                    tlp,
                    framework=code,
                    name=i["title"],
                    commitment_ref=object_id("commitment", code, i["commitment"]),
                    **props,
                ),
                tlp,
            )
        )
    versions = _publish(node, objects)
    written = sum(v is not None for v in versions)
    return {
        "framework": code,
        "template": name,
        "commitments": len(tpl["commitments"]),
        "milestones": len(tpl["milestones"]),
        "indicators": len(tpl["indicators"]),
        "written": written,
        "unchanged": len(versions) - written,
        "due_unspecified": [c["code"] for c in tpl["commitments"] if c["due"] == "unspecified"],
    }


# -- shared validation -------------------------------------------------------------------------------------
def _party(data: FrameworkData, node: Node, party: str | None, *, joint: bool = False) -> str:
    value = (party or node.settings.party).strip().upper()
    allowed = [*data.parties, *([JOINT] if joint else [])]
    if value not in allowed:
        raise InvalidInput(f"party {value!r} is not one of {', '.join(allowed)}")
    return value


def _quarter(data: FrameworkData, text: str) -> Quarter:
    q = Quarter.parse(text)
    first = Quarter.parse(data.framework.get("first_quarter") or "2025Q4")
    if q < first:
        raise InvalidInput(f"quarter {q} is before the framework's first quarter {first}")
    return q


def _started(q: Quarter, what: str, today: date | None) -> None:
    """Refuse a record of a quarter that has not started (by the UTC date): nothing can be assessed or measured
    yet. The current quarter is allowed, as parties assess during it."""
    now = Quarter.of(today or utc_today())
    if q > now:
        raise InvalidInput(f"quarter {q} has not started yet: {what} may be for the current quarter {now} or earlier")


def resolve_evidence(node: Node, ids: list[str] | None) -> list[str]:
    """Evidence STIX ids from ids, codes (``E-…``) or unique prefixes (of the id's UUID, or 8+ hex digits of
    the SHA-256).

    What the user typed is a prefix as written: its ``%`` and ``_`` are not wildcards, so ``--evidence %`` finds
    nothing rather than whatever evidence the node holds. Raises InvalidInput for an empty reference or a prefix
    of several items (naming them), NotFound when nothing matches.
    """
    out: list[str] = []
    for ref in ids or []:
        ref = ref.strip()
        if not ref:
            raise InvalidInput("an evidence reference is empty: give an evidence id, code (E-…) or id prefix")
        sha_prefix = like_literal(ref.lower()) + "%" if len(ref) >= 8 else None  # NULL: no match
        rows = node.db.fetchall(
            "SELECT id FROM fw_evidence WHERE id = ? OR UPPER(code) = UPPER(?)"
            f" OR id LIKE ? ESCAPE '{LIKE_ESCAPE}' OR sha256 LIKE ? ESCAPE '{LIKE_ESCAPE}'",
            (ref, ref, like_literal(f"x-sarhad-evidence--{ref}") + "%", sha_prefix),
        )
        ids_found = sorted({r[0] for r in rows})
        if not ids_found:
            raise NotFound(f"no evidence {ref!r}: add it first with 'sarhad evidence add FILE --kind …'")
        if len(ids_found) > 1:
            raise InvalidInput(f"evidence {ref!r} is ambiguous: {', '.join(ids_found)}")
        out.append(ids_found[0])
    return out


def _date(text: str | None, flag: str) -> str | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        try:
            return Quarter.parse(text).end.isoformat()
        except InvalidInput:
            raise InvalidInput(f"{flag} {text!r} is not a date (YYYY-MM-DD) or a quarter (YYYYQn)") from None


def _current(node: Node, object_id_: str) -> dict[str, Any] | None:
    row = node.db.fetchone("SELECT body FROM objects WHERE id = ? ORDER BY modified DESC LIMIT 1", (object_id_,))
    return None if row is None else dict(json.loads(row[0]))


# -- assessments -------------------------------------------------------------------------------------------
def assess(
    node: Node,
    commitment: str,
    quarter: str,
    level: int,
    rationale: str,
    *,
    compliance: str | None = None,
    effectiveness: str | None = None,
    evidence: list[str] | None = None,
    party: str | None = None,
    state: str = "submitted",
    confidence: str | None = None,
    next_step: str | None = None,
    tlp: str | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Record one assessor's assessment of a commitment for a quarter (a new version replaces their earlier one).

    Raises InvalidInput for a level outside 0–3, an unknown rating, a bad quarter (or one that has not started
    by ``today``, the UTC date by default) or an empty rationale; NotFound for an unknown commitment or evidence.
    """
    data = load(node.db)
    c = data.commitment(commitment)
    q = _quarter(data, quarter)
    _started(q, "an assessment", today)
    if not isinstance(level, int) or level not in LEVELS:
        raise InvalidInput(f"implementation level {level!r} is outside 0..3 (0 not initiated … 3 full)")
    comp = compliance.strip().upper() if compliance else None
    if comp is not None and comp not in COMPLIANCE:
        raise InvalidInput(f"compliance {compliance!r} is not one of {', '.join(COMPLIANCE)}")
    eff = effectiveness.strip().lower() if effectiveness else None
    if eff is not None and eff not in EFFECTIVENESS:
        raise InvalidInput(f"effectiveness {effectiveness!r} is not one of {', '.join(EFFECTIVENESS)}")
    if confidence is not None and confidence not in CONFIDENCE:
        raise InvalidInput(f"confidence {confidence!r} is not one of {', '.join(CONFIDENCE)}")
    if state not in ("draft", "submitted"):
        raise InvalidInput(f"state {state!r} is not draft or submitted")
    if not rationale or not rationale.strip():
        raise InvalidInput("an assessment needs a rationale (--rationale TEXT)")
    assessor = _party(data, node, party, joint=True)
    evidence_refs = resolve_evidence(node, evidence)
    oid = object_id("assessment", data.code, c["code"], str(q), assessor)
    me = node.settings.party
    current = _current(node, oid)
    if assessor != me and current is not None and current.get("created_by_ref") == identity_id(assessor):
        raise InvalidInput(
            f"{assessor} has published its own assessment of {c['code']} for {q}; it cannot be overwritten "
            "here: open a dispute instead"
        )
    tlp = _tlp(tlp or ("RED" if state == "draft" else "GREEN"))
    stix = stix_object(
        "assessment",
        (data.code, c["code"], str(q), assessor),
        me,
        tlp,
        framework=data.code,
        commitment=c["code"],
        commitment_ref=c["id"],
        quarter=str(q),
        assessor=assessor,
        implementation_level=level,
        compliance=comp,
        effectiveness=eff,
        confidence=confidence,
        rationale=rationale.strip(),
        next_step=next_step,
        evidence_refs=evidence_refs,
        state=state,
        recorded_by=me,
        received_off_line=True if assessor not in (me, JOINT) else None,
    )
    (version,) = _publish(node, [(stix, tlp)])
    return {
        "id": oid,
        "commitment": c["code"],
        "quarter": str(q),
        "party": assessor,
        "level": level,
        "level_label": LEVELS[level],
        "compliance": comp,
        "effectiveness": eff,
        "state": state,
        "evidence": evidence_refs,
        "version": version,
        "changed": version is not None,
    }


# -- evidence ----------------------------------------------------------------------------------------------
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _sha256(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def add_evidence(
    node: Node,
    source: str | Path,
    kind: str,
    *,
    incidents: list[str] | None = None,
    title: str | None = None,
    party: str | None = None,
    language: str | None = None,
    sha256: str | None = None,
    tlp: str = "GREEN",
    captured_at: str | None = None,
) -> dict[str, Any]:
    """Add a file (copied, read-only, into the node home's ``evidence/`` folder) or a link as evidence.

    A file's SHA-256 and size are stored; the id is stable from the hash, so adding the same file again adds
    the new incident links only. Raises InvalidInput for an unknown kind, a missing file or a folder, NotFound
    for an unknown incident.
    """
    kind = kind.strip().lower()
    if kind not in EVIDENCE_KINDS:
        raise InvalidInput(f"evidence kind {kind!r} is not one of {', '.join(EVIDENCE_KINDS)}")
    data = load(node.db)
    submitted_by = _party(data, node, party)
    refs: list[str] = []
    for inc in incidents or []:
        row = node.db.fetchone("SELECT id FROM incidents WHERE id = ? OR source_id = ?", (inc, inc))
        if row is None:
            raise NotFound(f"no incident {inc!r} on this node (see 'sarhad incidents list')")
        refs.append(str(row[0]))
    text = str(source)
    url = text if re.match(r"^https?://", text) else None
    path: Path | None = None
    size: int | None = None
    if url is None:
        path = Path(text)
        if path.is_dir():
            raise InvalidInput(f"{path}: a folder, not a file")
        if not path.is_file():
            raise InvalidInput(f"{path}: no such file")
        digest, size = _sha256(path)
        if sha256 and sha256.lower() != digest:
            raise InvalidInput(f"{path}: SHA-256 is {digest}, not the {sha256} given")
    else:
        if sha256 is not None and not re.fullmatch(r"[0-9a-fA-F]{64}", sha256):
            raise InvalidInput(f"--sha256 {sha256!r} is not 64 hex digits")
        digest = sha256.lower() if sha256 else None  # type: ignore[assignment]
    key = digest or url or ""
    code = "E-" + (digest or hashlib.sha256(key.encode()).hexdigest())[:10]
    oid = object_id("evidence", key)
    before = _current(node, oid)
    refs = sorted(set(refs) | set(before.get("incident_refs", []) if before else []))
    if before is not None and refs == sorted(before.get("incident_refs", [])):
        copy = node.settings.home / before["file"] if before.get("file") else None
        if copy is None or copy.is_file():  # nothing new: the same content, the same links
            return {"id": oid, "code": before["code"], "sha256": digest, "size": before.get("size"),
                    "kind": before["kind"], "file": before.get("file"), "url": before.get("url"),
                    "incidents": refs, "changed": False}  # fmt: skip
    rel: str | None = None
    target: Path | None = None
    if path is not None and digest:
        name = _SAFE.sub("_", path.name).strip("._") or "file"
        rel = f"{EVIDENCE_DIR}/{digest}/{name}"
        target = node.settings.home / rel
        if before and before.get("file"):
            rel = before["file"]
            target = node.settings.home / str(rel)
    now = _now()
    custody = list(before.get("custody_log", [])) if before else []
    custody.append(
        {
            "at": now,
            "by": node.settings.party,
            "action": "added" if before is None else "re-added with incident links",
            **({"original_name": path.name} if path is not None else {}),
        }
    )
    stix = stix_object(
        "evidence",
        (key,),
        node.settings.party,
        _tlp(tlp),
        code=code,
        name=title or (before or {}).get("name") or (path.name if path else url),
        kind=kind,
        sha256=digest,
        size=size,
        media_type=(mimetypes.guess_type(path.name)[0] if path else None),
        file=rel,
        url=url,
        captured_at=(before or {}).get("captured_at") or captured_at or now,
        submitted_by=submitted_by,
        language=language,
        incident_refs=refs,
        custody_log=custody,
    )
    copied = False
    try:
        if path is not None and target is not None and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            target.chmod(0o444)  # the evidentiary copy is never edited (Berkeley Protocol)
            copied = True
        (version,) = _publish(node, [(stix, _tlp(tlp))])
    except BaseException:
        if copied and target is not None:
            target.chmod(0o644)
            target.unlink(missing_ok=True)
        raise
    return {
        "id": oid,
        "code": code,
        "sha256": digest,
        "size": size,
        "kind": kind,
        "file": rel,
        "url": url,
        "incidents": refs,
        "changed": version is not None,
    }


def verify_evidence(node: Node) -> list[dict[str, Any]]:
    """Re-hash every evidence file in the node home; each entry says ok, missing or altered."""
    data = load(node.db)
    out = []
    for e in data.evidence:
        if not e.get("file"):
            out.append({"id": e["id"], "code": e["code"], "result": "link"})
            continue
        path = node.settings.home / e["file"]
        if not path.is_file():
            out.append({"id": e["id"], "code": e["code"], "result": "missing"})
            continue
        digest, _ = _sha256(path)
        out.append({"id": e["id"], "code": e["code"], "result": "ok" if digest == e.get("sha256") else "altered"})
    return out


# -- indicators and milestones -----------------------------------------------------------------------------
def record_indicator(
    node: Node,
    indicator: str,
    quarter: str,
    value: float | None,
    *,
    party: str | None = None,
    comment: str | None = None,
    source: str | None = None,
    evidence: list[str] | None = None,
    tlp: str = "GREEN",
    today: date | None = None,
) -> dict[str, Any]:
    """Record one party's actual value of an indicator for a quarter.

    Raises InvalidInput for a bad value or quarter (or one that has not started by ``today``, the UTC date by
    default), NotFound for an unknown indicator or evidence.
    """
    data = load(node.db)
    ind = data.indicator(indicator)
    q = _quarter(data, quarter)
    _started(q, "an indicator value", today)
    who = _party(data, node, party, joint=True)
    if value is None and not comment:
        raise InvalidInput("give a --value (or, for a qualitative indicator, a --comment)")
    if value is not None:
        if value != value or value in (float("inf"), float("-inf")):
            raise InvalidInput(f"value {value} is not a finite number")
        if ind.get("measure") == "boolean" and value not in (0, 1):
            raise InvalidInput(f"{ind['code']} is yes/no: the value must be 1 (yes) or 0 (no), not {value}")
        if ind.get("measure") == "percentage" and not 0 <= value <= 100:
            raise InvalidInput(f"{ind['code']} is a percentage: {value} is outside 0..100")
    refs = resolve_evidence(node, evidence)
    oid = object_id("indicator-value", data.code, ind["code"], str(q), who)
    stix = stix_object(
        "indicator-value",
        (data.code, ind["code"], str(q), who),
        node.settings.party,
        _tlp(tlp),
        framework=data.code,
        indicator=ind["code"],
        indicator_ref=ind["id"],
        commitment=ind["commitment"],
        period=str(q),
        party=who,
        value=value,
        comment=comment,
        source=source,
        evidence_refs=refs,
        recorded_by=node.settings.party,
    )
    (version,) = _publish(node, [(stix, _tlp(tlp))])
    return {
        "id": oid,
        "indicator": ind["code"],
        "quarter": str(q),
        "party": who,
        "value": value,
        "changed": version is not None,
    }


def set_indicator_target(
    node: Node,
    indicator: str,
    value: float,
    *,
    by: str | None = None,
    per_quarter: bool = False,
    source: str | None = None,
    baseline: float | None = None,
    baseline_date: str | None = None,
) -> dict[str, Any]:
    """Set (or change) an indicator's target, and optionally its baseline, as agreed by the committees."""
    data = load(node.db)
    ind = dict(data.indicator(indicator))
    if by is not None and per_quarter:
        raise InvalidInput("a target is either per quarter or by a date, not both")
    ind["target"] = {
        "value": value,
        "by": _date(by, "--by"),
        "per_period": per_quarter or None,
        "source": source or f"set by {node.settings.party} on {utc_today().isoformat()}",
    }
    ind["target"] = {k: v for k, v in ind["target"].items() if v is not None}
    if baseline is not None:
        ind["baseline"] = {
            "value": baseline,
            "date": baseline_date or utc_today().isoformat(),
            "source": source or f"set by {node.settings.party}",
        }
    if ind.get("measure") not in MEASURES:  # pragma: no cover - template data
        raise InvalidInput(f"{ind['code']}: unknown measure {ind.get('measure')!r}")
    (version,) = _publish(node, [(ind, "CLEAR")])
    return {
        "indicator": ind["code"],
        "target": ind["target"],
        "baseline": ind.get("baseline"),
        "changed": version is not None,
    }


def update_milestone(
    node: Node,
    milestone: str,
    *,
    status: str | None = None,
    date_met: str | None = None,
    due: str | None = None,
    reason: str | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Change a milestone's status, date met or due date. A new due date needs a reason; the original date is kept.

    Each change adds an entry naming this node's party, on ``today`` (the UTC date by default): a change of status
    or date met to ``status_changes`` (the status and date met after it), a new due date to ``changes``; a peer
    refuses a version whose status, date met or revised date its entries do not record. A status an older release
    set without an entry is recorded first, in the name of the party that published the version first carrying
    it (:func:`_unrecorded_entry`).
    """
    data = load(node.db)
    found = [m for m in data.milestones if m["code"].upper() == milestone.strip().upper()]
    if not found:
        raise NotFound(f"no milestone {milestone!r} (known: {', '.join(m['code'] for m in data.milestones)})")
    m = dict(found[0])
    day = (today or utc_today()).isoformat()
    if status is not None and status not in MILESTONE_STATUSES:
        raise InvalidInput(f"milestone status {status!r} is not one of {', '.join(MILESTONE_STATUSES)}")
    met = None if date_met is None else _date(date_met, "--date-met")
    unrecorded = _unrecorded_entry(node, m, day)
    if unrecorded is not None:
        m["status_changes"] = [*m.get("status_changes", []), unrecorded]
    if status is not None or met is not None:
        m["status"] = status or m["status"]
        if met is not None:
            m["date_met"] = met
        entry = {"on": day, "by": node.settings.party, "status": m["status"]}
        m["status_changes"] = [*m.get("status_changes", []), {**entry, **_met_on(m)}]
    if due is not None:
        new_due = _date(due, "--due")
        if not reason:
            raise InvalidInput("a new due date needs a --reason (slipped dates are reported with their reasons)")
        old = m.get("due_revised") or m.get("due")
        m["due_revised"] = new_due
        m["changes"] = [
            *m.get("changes", []),
            {
                "from": old,
                "to": new_due,
                "reason": reason,
                "by": node.settings.party,
                "on": day,
            },
        ]
    m["date_modified"] = day
    (version,) = _publish(node, [(m, "CLEAR")])
    return {
        "milestone": m["code"],
        "status": m["status"],
        "due": m.get("due"),
        "due_revised": m.get("due_revised"),
        "date_met": m.get("date_met"),
        "changed": version is not None,
    }


def _met_on(milestone: dict[str, Any]) -> dict[str, Any]:
    """``{"date_met": …}`` of a milestone met on a date, else nothing."""
    return {"date_met": milestone["date_met"]} if milestone.get("date_met") else {}


def _unrecorded_entry(node: Node, milestone: dict[str, Any], today: str) -> dict[str, Any] | None:
    """The entry of ``status_changes`` that records ``milestone``'s status and date met when its entries do not
    (set by a release that recorded none): in the name of the party that published the first version of it this
    node holds carrying them, on the day of that version's ``modified`` (this node's party on ``today`` when none
    does). None when its entries record them. Recorded at this node's next change, so that a peer takes it."""
    state = history_state(milestone, ["status_changes"])
    shown = {"status": milestone.get("status"), "date_met": milestone.get("date_met")}
    if shown == state:
        return None
    rows = node.db.fetchall(
        "SELECT origin, body FROM objects WHERE id = ? AND body IS NOT NULL ORDER BY modified", (milestone["id"],)
    )
    author, day = node.settings.party, today
    for origin, body in rows:
        version = json.loads(body)
        if {"status": version.get("status"), "date_met": version.get("date_met")} == shown:
            author, day = str(origin), str(version.get("modified", day))[:10]
            break
    return {"on": day, "by": author, "status": shown["status"], **_met_on(milestone)}


# -- disputes ----------------------------------------------------------------------------------------------
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
    tlp: str = "GREEN",
) -> dict[str, Any]:
    """Open a dispute about a commitment's assessment (or an indicator value) in a quarter.

    The raising party's position is recorded; the other party has ``reply_days`` to reply (a timed right of
    reply, as CTED's 30 days). ``today`` (the UTC date by default) is the day it is raised on. Raises
    InvalidInput (for an indicator of another commitment or a quarter that has not started by ``today``, among
    others) or NotFound.
    """
    data = load(node.db)
    c = data.commitment(commitment)
    q = _quarter(data, quarter)
    _started(q, "a dispute", today)
    raised_by = _party(data, node, party)
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
    refs = resolve_evidence(node, evidence)
    day = today or utc_today()
    n = 1 + sum(1 for d in data.disputes if d["code"].startswith(f"D-{q}-{raised_by}"))
    code = f"D-{q}-{raised_by}{n}"
    stix = stix_object(
        "dispute",
        (data.code, code),
        node.settings.party,
        _tlp(tlp),
        framework=data.code,
        code=code,
        subject={
            "kind": "indicator" if ind else "assessment",
            "commitment": c["code"],
            "quarter": str(q),
            **({"indicator": ind} if ind else {}),
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
    _publish(node, [(stix, _tlp(tlp))])
    return {
        "id": stix["id"],
        "code": code,
        "commitment": c["code"],
        "quarter": str(q),
        "raised_by": raised_by,
        "reply_due": stix["reply_due"],
        "status": "open",
        "level": level,
    }


def reply_dispute(
    node: Node,
    code: str,
    position: str,
    *,
    evidence: list[str] | None = None,
    party: str | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Record a party's position in a dispute (its reply, or a revised position). Raises NotFound."""
    data = load(node.db)
    d = _dispute(data, code)
    who = _party(data, node, party)
    if not position.strip():
        raise InvalidInput("a reply needs a --position")
    refs = resolve_evidence(node, evidence)
    day = (today or utc_today()).isoformat()
    d["positions"] = {**d.get("positions", {}), who: {"text": position.strip(), "evidence_refs": refs, "on": day}}
    if d["status"] == "open":
        d["status"] = "under-review"
    d["history"] = [*d.get("history", []), {"on": day, "by": who, "event": "position recorded"}]
    _publish(node, [(d, "GREEN")])
    return {"code": d["code"], "status": d["status"], "positions": sorted(d["positions"])}


def update_dispute(
    node: Node,
    code: str,
    *,
    status: str | None = None,
    level: str | None = None,
    note: str | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Escalate a dispute or record its outcome (resolved-agreed or resolved-disagreement-noted)."""
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
        if status.startswith("resolved"):
            d["resolved_on"] = day
    if not events and not note:
        raise InvalidInput("nothing to change: give --status, --level or --note")
    if note:
        d["resolution"] = note if status and status.startswith("resolved") else d.get("resolution")
        events.append(note)
    d = {k: v for k, v in d.items() if v is not None}
    d["history"] = [*d.get("history", []), {"on": day, "by": node.settings.party, "event": "; ".join(events)}]
    _publish(node, [(d, "GREEN")])
    return {"code": d["code"], "status": d["status"], "level": d["level"]}


# -- recommendations ---------------------------------------------------------------------------------------
def add_recommendation(
    node: Node,
    quarter: str,
    text: str,
    *,
    owner: str | None = None,
    due: str | None = None,
    commitment: str | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Record a recommendation of the committees for the next quarter (followed up in later reports).

    ``quarter`` is the one it is made in. Raises InvalidInput for a bad quarter (or one that has not started by
    ``today``, the UTC date by default) or an empty text, NotFound for an unknown commitment.
    """
    data = load(node.db)
    q = _quarter(data, quarter)
    _started(q, "a recommendation", today)
    if not text.strip():
        raise InvalidInput("a recommendation needs its --text")
    c = data.commitment(commitment)["code"] if commitment else None
    n = 1 + sum(1 for r in data.recommendations if r["quarter"] == str(q))
    code = f"R-{q}-{node.settings.party}{n}"
    stix = stix_object(
        "recommendation",
        (data.code, code),
        node.settings.party,
        "GREEN",
        framework=data.code,
        code=code,
        quarter=str(q),
        text=text.strip(),
        owner=owner,
        due=_date(due, "--due"),
        commitment=c,
        status="open",
        history=[],
    )
    _publish(node, [(stix, "GREEN")])
    return {"id": stix["id"], "code": code, "quarter": str(q), "status": "open"}


def update_recommendation(
    node: Node, code: str, status: str, *, note: str | None = None, today: date | None = None
) -> dict[str, Any]:
    """Record the follow-up of a recommendation: in-progress, implemented or not-accepted, on ``today`` (the UTC
    date by default)."""
    data = load(node.db)
    found = [r for r in data.recommendations if r["code"].upper() == code.strip().upper()]
    if not found:
        raise NotFound(f"no recommendation {code!r}")
    if status not in RECOMMENDATION_STATUSES:
        raise InvalidInput(f"recommendation status {status!r} is not one of {', '.join(RECOMMENDATION_STATUSES)}")
    r = dict(found[0])
    r["status"] = status
    r["history"] = [
        *r.get("history", []),
        {
            "on": (today or utc_today()).isoformat(),
            "by": node.settings.party,
            "status": status,
            **({"note": note} if note else {}),
        },
    ]
    _publish(node, [(r, "GREEN")])
    return {"code": r["code"], "status": status}
