"""The framework's records and their STIX 2.1 form.

Every record is a custom STIX object (``x-sarhad-…``) defined by one sarhad ``extension-definition``
(:data:`FRAMEWORK_EXTENSION`, extension type ``new-sdo``). Ids are ``TYPE--uuid5`` of a stable key (the
framework code and the record's code: ``C-01``, ``I-02.1``, ``C-08|2026Q1|PK`` …), so the same record
written twice, or by either party's node, has the same id; each change is a new version of that object.

Kinds: framework, commitment, milestone, indicator, indicator-value (one party's actual for one quarter),
evidence, assessment (one assessor, one commitment, one quarter), dispute, recommendation.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Final

from sarhad.errors import InvalidInput
from sarhad.model.incident import TLP_MARKINGS, identity_id

__all__ = [
    "ASSESSMENT_STATES",
    "COMPLIANCE",
    "DISPUTE_LEVELS",
    "DISPUTE_STATUSES",
    "EFFECTIVENESS",
    "EVIDENCE_KINDS",
    "FRAMEWORK_EXTENSION",
    "JOINT",
    "LEVELS",
    "MILESTONE_STATUSES",
    "TYPES",
    "extension_definition",
    "object_id",
    "stix_object",
]

FRAMEWORK_EXTENSION: Final = "extension-definition--7d5b3c1e-6a0f-5b8e-9c2d-6672616d6577"
_NAMESPACE: Final = uuid.UUID("5a7268ad-0000-5000-8000-6672616d6577")  # "framew": sarhad framework ids

# STIX type of each kind of record.
TYPES: Final[dict[str, str]] = {
    "framework": "x-sarhad-framework",
    "commitment": "x-sarhad-commitment",
    "milestone": "x-sarhad-milestone",
    "indicator": "x-sarhad-indicator",
    "indicator-value": "x-sarhad-indicator-value",
    "evidence": "x-sarhad-evidence",
    "assessment": "x-sarhad-assessment",
    "dispute": "x-sarhad-dispute",
    "recommendation": "x-sarhad-recommendation",
}
KIND_OF_TYPE: Final = {v: k for k, v in TYPES.items()}

# Peace Accords Matrix implementation levels (Joshi, Quinn & Regan 2015).
LEVELS: Final[dict[int, str]] = {0: "not initiated", 1: "minimal", 2: "intermediate", 3: "full"}
# FATF technical compliance and effectiveness ratings.
COMPLIANCE: Final[dict[str, str]] = {
    "C": "compliant",
    "LC": "largely compliant",
    "PC": "partially compliant",
    "NC": "non-compliant",
}
EFFECTIVENESS: Final[dict[str, str]] = {
    "high": "achieved to a very large extent",
    "substantial": "achieved to a large extent",
    "moderate": "achieved to some extent",
    "low": "achieved to a negligible extent",
}
CONFIDENCE: Final = ("on-track", "at-risk", "off-track")
ASSESSMENT_STATES: Final = ("draft", "submitted")
# The joint committee's reconciled rating is recorded as an assessment by this assessor.
JOINT: Final = "JOINT"
EVIDENCE_KINDS: Final = ("document", "meeting", "incident", "dataset", "media", "observation")
MILESTONE_STATUSES: Final = ("scheduled", "met", "partiallyMet", "notMet")  # OCDS milestoneStatus
DISPUTE_LEVELS: Final = ("technical", "joint-committee", "ministerial")
DISPUTE_STATUSES: Final = ("open", "under-review", "resolved-agreed", "resolved-disagreement-noted")
RECOMMENDATION_STATUSES: Final = ("open", "in-progress", "implemented", "not-accepted")
MEASURES: Final = ("unit", "percentage", "currency", "boolean", "ordinal", "qualitative")


def object_id(kind: str, *key: str) -> str:
    """The stable STIX id of a framework record: ``x-sarhad-KIND--uuid5('KIND|key|…')``."""
    if kind not in TYPES:
        raise InvalidInput(f"unknown framework record kind {kind!r}: expected one of {', '.join(TYPES)}")
    return f"{TYPES[kind]}--{uuid.uuid5(_NAMESPACE, '|'.join((kind, *key)))}"


def stix_object(kind: str, key: tuple[str, ...], party: str, tlp: str, /, **props: Any) -> dict[str, Any]:
    """A framework record as a STIX 2.1 object created by ``party`` (None values are left out)."""
    if tlp not in TLP_MARKINGS:
        raise InvalidInput(f"TLP {tlp!r} is not one of {', '.join(TLP_MARKINGS)}")
    obj: dict[str, Any] = {
        "type": TYPES[kind],
        "spec_version": "2.1",
        "id": object_id(kind, *key),
        "created_by_ref": identity_id(party),
        "object_marking_refs": [TLP_MARKINGS[tlp]],
        "extensions": {FRAMEWORK_EXTENSION: {"extension_type": "new-sdo"}},
    }
    obj.update({k: v for k, v in props.items() if v is not None})
    return obj


def extension_definition(party: str) -> dict[str, Any]:
    """The ``extension-definition`` that defines sarhad's framework objects (published once by each node)."""
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": FRAMEWORK_EXTENSION,
        "created_by_ref": identity_id("sarhad"),
        "created": "2026-01-01T00:00:00.000Z",
        "name": "sarhad framework monitoring",
        "description": "Commitments, milestones, indicators, evidence, assessments, disputes and "
        "recommendations of a joint framework, as new STIX domain objects: " + ", ".join(TYPES.values()) + ".",
        "schema": "Plain-text definition: sarhad docs/framework.md, section 'STIX objects'.",
        "version": "1.0.0",
        "extension_types": ["new-sdo"],
        "object_marking_refs": [TLP_MARKINGS["CLEAR"]],
    }


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a figure or a text comes from."""

    source: str
    quote: str | None = None
    url: str | None = None


@dataclass(slots=True)
class Record:
    """A framework record read back from its STIX object (any kind): its kind, code, body and provenance."""

    kind: str
    id: str
    modified: str
    body: dict[str, Any] = field(repr=False)
    origin: str = ""

    def get(self, key: str, default: Any = None) -> Any:
        return self.body.get(key, default)
