"""Assessments: one assessor's implementation level (with ratings, rationale and evidence) of a commitment for a
quarter.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sarhad.errors import InvalidInput
from sarhad.framework._write import (
    current_version,
    framework_quarter,
    publish,
    require_started,
    resolve_party,
    tlp_label,
)
from sarhad.framework.evidence import resolve_evidence
from sarhad.framework.model import COMPLIANCE, CONFIDENCE, EFFECTIVENESS, JOINT, LEVELS, object_id, stix_object
from sarhad.framework.store import load
from sarhad.model.incident import identity_id

if TYPE_CHECKING:
    from sarhad.node import Node

__all__ = ["assess"]


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
    q = framework_quarter(data, quarter)
    require_started(q, "an assessment", today)
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
    assessor = resolve_party(data, node, party, joint=True)
    evidence_refs = resolve_evidence(node, evidence)
    oid = object_id("assessment", data.code, c["code"], str(q), assessor)
    me = node.settings.party
    current = current_version(node, oid)
    # The assessor's own version, current here, or a later one of its node's that this node was refused.
    published = current is not None and current.get("created_by_ref") == identity_id(assessor)
    withheld = node.db.fetchone("SELECT 1 FROM withheld_versions WHERE id = ? AND origin = ?", (oid, assessor))
    if assessor != me and (published or withheld is not None):
        raise InvalidInput(
            f"{assessor} has published its own assessment of {c['code']} for {q}; it cannot be overwritten "
            "here: open a dispute instead"
        )
    tlp = tlp_label(tlp or ("RED" if state == "draft" else "GREEN"))
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
    (version,) = publish(node, [(stix, tlp)])
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
