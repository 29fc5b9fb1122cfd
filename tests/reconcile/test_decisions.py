"""Analyst decisions: valid on construction, round-trip through STIX, later decisions win."""

from __future__ import annotations

import pytest

from sarhad.errors import InvalidInput
from sarhad.reconcile.decisions import DECISION_TYPE, Decision, constraints


def test_decision_round_trips_through_its_stix_object() -> None:
    d = Decision("split", ("incident--b",), ("incident--a", "incident--c"), clusters=("cluster--1",), note="two")
    obj = d.to_stix("PK")
    assert obj["type"] == DECISION_TYPE and obj["id"].startswith(f"{DECISION_TYPE}--")
    back = Decision.from_stix({**obj, "created": "2026-01-01T00:00:00.000Z"})
    assert (back.kind, back.members, back.rest, back.note) == ("split", d.members, d.rest, "two")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "undo", "members": ("a",)}, "decision kind 'undo' is not one of confirm, split, merge"),
        ({"kind": "confirm", "members": ()}, "names no records"),
        ({"kind": "split", "members": ("a",)}, "must leave at least one record"),
        ({"kind": "split", "members": ("a",), "rest": ("a",)}, "same record on both sides"),
    ],
)
def test_malformed_decisions_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        Decision(**kwargs)  # type: ignore[arg-type]


def test_from_stix_refuses_other_objects_and_missing_fields() -> None:
    with pytest.raises(InvalidInput, match="expected a x-sarhad-cluster-decision, found type 'note'"):
        Decision.from_stix({"type": "note"})
    with pytest.raises(InvalidInput, match="missing 'decision'"):
        Decision.from_stix({"type": DECISION_TYPE, "id": f"{DECISION_TYPE}--1", "object_refs": ["a"]})


def test_later_decision_about_a_pair_overrides_an_earlier_one() -> None:
    merge = Decision("merge", ("a", "b", "c"), created="2026-01-01T00:00:00Z", id="x--1")
    split = Decision("split", ("c",), ("a", "b"), created="2026-01-02T00:00:00Z", id="x--2")
    must, cannot = constraints([split, merge])
    assert must == [("a", "b")]
    assert cannot == [("a", "c"), ("b", "c")]
    again = Decision("confirm", ("a", "b", "c"), created="2026-01-03T00:00:00Z", id="x--3")
    must, cannot = constraints([merge, split, again])
    assert cannot == [] and len(must) == 3
