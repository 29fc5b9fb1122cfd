"""Idioms of the region's press the extractor must read: possessive districts, border compounds, a victim
and his relatives, martyrdom verbs, a group's state label."""

from __future__ import annotations

from sarhad.extract import extract_article
from sarhad.extract.places import find_place_mentions


def _main(text: str, published: str) -> dict[str, object]:
    return extract_article(text, published=published).incidents[0]


def test_a_possessive_district_gives_the_province() -> None:
    names = [(p.name, p.type_word) for p in find_place_mentions("in South Waziristan's Makeen area on Saturday")]
    assert names == [("South Waziristan", None), ("Makeen", "area")]
    inc = _main(
        "At least 16 soldiers were martyred and eight injured as militants attacked a military post in South "
        "Waziristan's Makeen area in the early hours of Saturday, the ISPR said.",
        "2024-12-22",
    )
    assert (inc["admin1"], inc["killed"], inc["wounded"], inc["date"]) == ("Khyber Pakhtunkhwa", 16, 8, "2024-12-21")
    inc = _main("A roadside bomb killed three people in Bajaur's Mamund tehsil on Friday morning.", "2025-06-07")
    assert (inc["admin1"], inc["place"]) == ("Khyber Pakhtunkhwa", "Bajaur")


def test_the_pak_iran_border_is_not_a_vote_for_iran() -> None:
    inc = _main(
        "Four FC soldiers embraced martyrdom when terrorists attacked their post near the Pak-Iran border in "
        "Panjgur on Wednesday.",
        "2025-06-05",
    )
    assert (inc["country"], inc["admin1"], inc["place"], inc["killed"]) == ("PK", "Balochistan", "Panjgur", 4)


def test_a_victim_and_his_relatives_are_added_up() -> None:
    inc = _main("A roadside bomb killed a tribal elder and his two sons in Bajaur on Friday.", "2025-06-07")
    assert inc["killed"] == 3 and inc["attack_type"] == "Bombing/Explosion"
    inc = _main("Gunmen shot dead a shopkeeper and his two brothers in Quetta on Friday.", "2025-06-07")
    assert inc["killed"] == 3 and inc["admin1"] == "Balochistan"


def test_martyred_as_an_active_verb_and_a_state_label() -> None:
    inc = _main(
        "Terrorists martyred two police officers in Zahedan on Saturday night, Tasnim reported. The Jaish al-Zolm "
        "terrorist group was behind the attack.",
        "2025-06-01",
    )
    assert (inc["killed"], inc["admin1"], inc["perpetrator_id"], inc["state_label"]) == (
        2, "Sistan and Baluchestan", "jaish-al-adl", "IR",
    )  # fmt: skip


def test_a_groups_local_affiliate_is_the_claimant() -> None:
    inc = _main(
        "A suicide bomber killed 11 people at a rally in Bajaur on Sunday. The Islamic State group's local "
        "affiliate, ISKP, claimed the bombing through its Amaq news agency.",
        "2025-06-02",
    )
    assert (inc["perpetrator_id"], inc["attribution"]) == ("iskp", "claimed")
    inc = _main("A suicide bomber killed 11 people in Bajaur on Sunday. The Islamic State claimed it.", "2025-06-02")
    assert inc["perpetrator_id"] == "islamic-state"


def test_a_locality_of_a_named_district_is_placed_in_that_district() -> None:
    text = (
        "MIRAMSHAH: Unidentified militants set fire to a government girls' primary school in the Shewa tehsil of "
        "North Waziristan on Thursday night, officials said."
    )
    inc = _main(text, "2025-05-09")
    # the gazetteer's only Shewa is in Nangarhar: the district the text names wins
    assert (inc["place"], inc["country"], inc["admin1"], inc["geo_precision"]) == (
        "Shewa", "PK", "Khyber Pakhtunkhwa", "admin2",
    )  # fmt: skip
