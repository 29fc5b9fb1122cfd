"""Analyst decisions on clusters: confirm, split, merge, published as the node's own STIX objects.

A decision is an ``x-sarhad-cluster-decision`` object, logged like any record. It names *records*, not
just clusters, because cluster ids change as clusters grow: a ``confirm`` or ``merge`` says "these records
are one incident", a ``split`` says "these records are another incident than those". Every later run turns
the decisions, oldest first, into must-link and cannot-link pairs (a later decision about a pair overrides
an earlier one) and the clustering respects them.

A decision also records what it was made about: the version of each record it names (``record_versions``). When a
record gets a version since then that changes its date, place or figures materially
(:mod:`sarhad.reconcile.review`), the decision is *to review*: it keeps binding, and the analyst confirms it (a new
version of the decision, made about the new versions: ``review_note``) or withdraws it (a new version marked
``revoked``, which no longer binds).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sarhad.errors import InvalidInput
from sarhad.model.incident import identity_id

__all__ = ["DECISION_KINDS", "DECISION_TYPE", "Decision", "constraints"]

DECISION_TYPE: Final = "x-sarhad-cluster-decision"
DECISION_KINDS: Final = ("confirm", "split", "merge")


@dataclass(frozen=True, slots=True)
class Decision:
    """One analyst decision. ``members``: the records confirmed, merged, or split out; ``rest``: for a
    split, the records that stay. ``clusters``: the cluster ids the analyst saw (for the record). ``versions``:
    (record id, version) of each record named as the analyst saw it; ``revoked``: the analyst withdrew it (it no
    longer binds); ``review_note``: why the analyst confirmed or withdrew it after a record it names changed.

    Raises InvalidInput for an unknown kind, no members, or a split without records on both sides.
    """

    kind: str
    members: tuple[str, ...]
    rest: tuple[str, ...] = ()
    clusters: tuple[str, ...] = ()
    note: str = ""
    id: str = ""
    created: str = ""
    versions: tuple[tuple[str, str], ...] = ()
    revoked: bool = False
    review_note: str = ""

    def __post_init__(self) -> None:
        if self.kind not in DECISION_KINDS:
            raise InvalidInput(f"decision kind {self.kind!r} is not one of {', '.join(DECISION_KINDS)}")
        if not self.members:
            raise InvalidInput(f"a {self.kind} decision names no records")
        if self.kind == "split" and not self.rest:
            raise InvalidInput("a split must leave at least one record in the cluster")
        if set(self.members) & set(self.rest):
            raise InvalidInput("a split names the same record on both sides")

    def to_stix(self, party: str) -> dict[str, Any]:
        """The STIX object to publish (``created``/``modified`` are set by the publisher)."""
        object_id = self.id or f"{DECISION_TYPE}--{uuid.uuid4()}"
        obj: dict[str, Any] = {
            "type": DECISION_TYPE,
            "spec_version": "2.1",
            "id": object_id,
            "created_by_ref": identity_id(party),
            "decision": self.kind,
            "object_refs": list(self.members),
            "cluster_ids": list(self.clusters),
        }
        if self.rest:
            obj["kept_refs"] = list(self.rest)
        if self.note:
            obj["note"] = self.note
        if self.versions:
            obj["record_versions"] = dict(self.versions)
        if self.revoked:
            obj["revoked"] = True
        if self.review_note:
            obj["review_note"] = self.review_note
        return obj

    @classmethod
    def from_stix(cls, obj: Mapping[str, Any]) -> Decision:
        """Parse a decision object. Raises InvalidInput when it is not one."""
        if obj.get("type") != DECISION_TYPE:
            raise InvalidInput(f"expected a {DECISION_TYPE}, found type {obj.get('type')!r}")
        versions = obj.get("record_versions", {})
        if not isinstance(versions, Mapping):
            raise InvalidInput(f"{obj.get('id')}: record_versions is not an object of record id to version")
        try:
            return cls(
                kind=obj["decision"],
                members=tuple(obj["object_refs"]),
                rest=tuple(obj.get("kept_refs", ())),
                clusters=tuple(obj.get("cluster_ids", ())),
                note=str(obj.get("note", "")),
                id=obj["id"],
                created=str(obj.get("created", "")),
                versions=tuple(sorted((str(k), str(v)) for k, v in versions.items())),
                revoked=obj.get("revoked") is True,
                review_note=str(obj.get("review_note", "")),
            )
        except KeyError as exc:
            raise InvalidInput(f"{obj.get('id')}: the decision is missing {exc.args[0]!r}") from exc
        except (TypeError, AttributeError) as exc:  # a list given as a number, a field of the wrong shape
            raise InvalidInput(f"{obj.get('id')}: the decision is malformed ({exc})") from exc


def _pairs(xs: Sequence[str], ys: Sequence[str] | None = None) -> Iterable[tuple[str, str]]:
    if ys is None:
        for i, x in enumerate(xs):
            for y in xs[i + 1 :]:
                yield (min(x, y), max(x, y))
    else:
        for x in xs:
            for y in ys:
                yield (min(x, y), max(x, y))


def constraints(decisions: Iterable[Decision]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Must-link and cannot-link record pairs from ``decisions`` (applied oldest first; later wins). A withdrawn
    decision (``revoked``) binds nothing: the pairs it named are as the decisions before it left them."""
    state: dict[tuple[str, str], bool] = {}
    for d in sorted(decisions, key=lambda d: (d.created, d.id)):
        if d.revoked:
            continue
        members = sorted(set(d.members))
        for pair in _pairs(members):
            state[pair] = True
        if d.kind == "split":
            rest = sorted(set(d.rest))
            for pair in _pairs(rest):
                state[pair] = True
            for pair in _pairs(members, rest):
                state[pair] = False
    must = sorted(p for p, v in state.items() if v)
    cannot = sorted(p for p, v in state.items() if not v)
    return must, cannot
