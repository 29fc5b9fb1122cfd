"""A TLP:RED record's named recipients: checked on construction, carried in the sarhad extension, refused by the
extension's schema on import when malformed."""

from __future__ import annotations

import dataclasses
import re

import pytest

from sarhad.errors import InvalidInput
from sarhad.formats.stix import check_object
from sarhad.model.incident import MAX_RECIPIENTS, SARHAD_EXTENSION, Incident, check_recipient, incident_id

RED = Incident(
    id=incident_id("party", "PK", "r1"), reported_by="PK", dataset="party", source_id="r1",
    date_start="2026-01-02", date_end="2026-01-02", title="t", tlp="RED", recipients=("IR:desk-a", "PK:jtc-liaison"),
)  # fmt: skip


def test_recipients_travel_in_the_sarhad_extension_and_back() -> None:
    stix = RED.to_stix()
    assert stix["extensions"][SARHAD_EXTENSION]["recipients"] == ["IR:desk-a", "PK:jtc-liaison"]
    assert Incident.from_stix(stix) == RED
    check_object(stix, "test object")  # the shipped schema accepts them


def test_a_record_without_recipients_carries_no_recipients_property() -> None:
    stix = dataclasses.replace(RED, recipients=()).to_stix()
    assert "recipients" not in stix["extensions"][SARHAD_EXTENSION]
    assert Incident.from_stix(stix).recipients == ()


@pytest.mark.parametrize(
    "reference",
    ["IR", "IR:", ":desk", "ir:desk", "I:desk", "IR:desk a", "IR:-desk", "IR:" + "d" * 65, "IR:dësk", 7, None],
)
def test_a_malformed_recipient_is_refused_with_what_one_looks_like(reference: object) -> None:
    with pytest.raises(InvalidInput, match=r"is not PARTY:NAME \(a party code such as IR"):
        check_recipient(reference)
    with pytest.raises(InvalidInput, match=r"is not PARTY:NAME"):
        dataclasses.replace(RED, recipients=(reference,))  # type: ignore[arg-type]


@pytest.mark.parametrize("reference", ["IR:desk-a", "PK:jtc.liaison", "AF-2:x", "UN:ops@kabul", "IR:A_1"])
def test_well_formed_recipients_are_taken(reference: str) -> None:
    assert check_recipient(reference) == reference


@pytest.mark.parametrize("tlp", ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT"])
def test_recipients_on_a_record_that_is_not_red_are_refused(tlp: str) -> None:
    with pytest.raises(
        InvalidInput, match=rf"recipients are for TLP:RED records only; this record is TLP:{re.escape(tlp)}"
    ):
        dataclasses.replace(RED, tlp=tlp)


def test_a_recipient_named_twice_or_too_many_recipients_are_refused() -> None:
    with pytest.raises(InvalidInput, match="recipient 'IR:desk-a' is named twice"):
        dataclasses.replace(RED, recipients=("IR:desk-a", "PK:x", "IR:desk-a"))
    many = tuple(f"IR:desk{i}" for i in range(MAX_RECIPIENTS + 1))
    with pytest.raises(InvalidInput, match=f"{MAX_RECIPIENTS + 1} recipients; a record may name at most"):
        dataclasses.replace(RED, recipients=many)


def test_import_refuses_recipients_the_schema_does_not_allow() -> None:
    stix = RED.to_stix()
    stix["extensions"][SARHAD_EXTENSION]["recipients"] = ["IR desk"]
    with pytest.raises(InvalidInput, match=r"sarhad extension property recipients/0: 'IR desk' does not match"):
        check_object(stix, "bundle.json object 3")
    stix["extensions"][SARHAD_EXTENSION]["recipients"] = "IR:desk-a"
    with pytest.raises(InvalidInput, match=r"property recipients: 'IR:desk-a' is not of type 'array'"):
        check_object(stix, "bundle.json object 3")
    green = dataclasses.replace(RED, recipients=()).to_stix()
    green["object_marking_refs"] = ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]
    green["extensions"][SARHAD_EXTENSION]["recipients"] = ["IR:desk-a"]
    with pytest.raises(InvalidInput, match=r"bundle.json object 3 .*recipients are for TLP:RED records only"):
        check_object(green, "bundle.json object 3")
