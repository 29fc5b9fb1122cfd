"""The alias registry of armed groups: every spelling, dataset name and state label to one actor."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from sarhad.model.actors import all_actors, find_actor_mentions, get_actor, resolve_actor


@pytest.mark.parametrize(
    ("name", "actor_id"),
    [
        ("Tehrik-i-Taliban Pakistan (TTP)", "ttp"),  # GTD gname
        ("Tehreek-e-Taliban Pakistan", "ttp"),
        ("tehrik e taliban pakistan", "ttp"),
        ("Pakistani Taliban", "ttp"),
        ("TTP", "ttp"),
        ("Government of Pakistan - TTP", "ttp"),  # UCDP dyad side
        ("TTP: Tehreek-i-Taliban Pakistan", "ttp"),  # ACLED actor
        ("Fitna al-Khawarij", "ttp"),  # Pakistan's label
        ("Fitna al Khawarij", "ttp"),
        ("khwarij", "ttp"),
        ("Baloch Liberation Army (BLA)", "bla"),
        ("Balochistan Liberation Army", "bla"),
        ("Government of Pakistan - BLA", "bla"),
        ("Majeed Brigade", "bla"),
        ("BLF", "blf"),
        ("Baloch Liberation Front (BLF)", "blf"),
        ("Fitna al-Hindustan", "fitna-al-hindustan"),
        ("Jaish al-Adl", "jaish-al-adl"),
        ("Jaish ul-Adl", "jaish-al-adl"),
        ("Jaish-ul-Adl", "jaish-al-adl"),
        ("so-called Jaish al-Adl", "jaish-al-adl"),
        ("Jaish al-Zolm", "jaish-al-adl"),  # Iran's label
        ("Jaish-e-Zalum", "jaish-al-adl"),
        ("Jaish al-Adel", "jaish-al-adl"),  # transliteration variant, by skeleton
        ("Jondullah", "jundallah"),  # UCDP
        ("Jundallah", "jundallah"),  # GTD
        ("Khorasan Chapter of the Islamic State", "iskp"),  # GTD
        ("Islamic State (Khorasan)", "iskp"),  # ACLED
        ("ISIS-K", "iskp"),
        ("ISKP", "iskp"),
        ("Daesh", "islamic-state"),
        ("Lashkar-e-Jhangvi", "lej"),
        ("LeJ", "lej"),
        ("PJAK", "pjak"),
    ],
)
def test_resolve_actor(name: str, actor_id: str) -> None:
    actor = resolve_actor(name)
    assert actor is not None, name
    assert actor.id == actor_id


@pytest.mark.parametrize("name", ["gunmen", "militants", "", "   ", "the police", "Pakistan Army"])
def test_unknown_names_resolve_to_none(name: str) -> None:
    assert resolve_actor(name) is None


def test_actor_fields() -> None:
    ttp = resolve_actor("TTP")
    assert ttp is not None
    assert ttp.name == "Tehrik-i-Taliban Pakistan"
    assert ttp.aliases[0] == ttp.name
    assert "Fitna al-Khawarij" in ttp.aliases
    assert ttp.label_of("Fitna al-Khawarij") == "PK"
    assert ttp.label_of("Pakistani Taliban") is None
    assert "PK" in ttp.countries
    assert get_actor("ttp") is ttp
    assert get_actor("no-such-group") is None
    label = resolve_actor("Fitna al-Hindustan")
    assert label is not None and label.kind == "state_label" and label.label_by == "PK"
    assert {"bla", "blf"} <= {a.id for a in all_actors() if "fitna-al-hindustan" in a.member_of}


def test_registry_data_file_is_consistent() -> None:
    raw = json.loads(resources.files("sarhad.model").joinpath("data/actors.json").read_text(encoding="utf-8"))
    ids = [a["id"] for a in raw["actors"]]
    assert len(ids) == len(set(ids))
    known = set(ids)
    for a in raw["actors"]:
        for ref in [a.get("parent"), a.get("successor_of"), *a.get("member_of", [])]:
            assert ref is None or ref in known, (a["id"], ref)
        for alias in a["aliases"]:
            assert alias["source"] in {"text", "gtd", "ucdp", "acled", "state-pk", "state-ir"}


def test_no_alias_is_claimed_by_two_actors() -> None:
    # every non-ambiguous alias resolves to the actor that lists it
    for actor in all_actors():
        for alias in actor.alias_records:
            if alias.kind in {"ambiguous"}:
                continue
            found = resolve_actor(alias.text)
            assert found is not None and found.id == actor.id, (alias.text, actor.id, found and found.id)


def test_find_actor_mentions_spans_and_labels() -> None:
    text = (
        "Responsibility was claimed by the Tehreek-e-Taliban Pakistan (TTP); ISPR blamed Fitna al-Khawarij, "
        "while Jaish al-Zolm and the BLA were not mentioned. TTPs and BLAH are not names."
    )
    found = find_actor_mentions(text)
    assert [(m.text, m.actor.id, m.state_label) for m in found] == [
        ("Tehreek-e-Taliban Pakistan (TTP)", "ttp", None),
        ("Fitna al-Khawarij", "ttp", "PK"),
        ("Jaish al-Zolm", "jaish-al-adl", "IR"),
        ("BLA", "bla", None),
    ]
    for m in found:
        assert text[m.start : m.end] == m.text


def test_short_abbreviations_are_case_sensitive() -> None:
    assert find_actor_mentions("the bla bla of the talks") == []
    assert [m.actor.id for m in find_actor_mentions("the BLA said")] == ["bla"]
