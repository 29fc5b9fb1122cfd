"""The tenth held-out batch: what its first run missed, each rule checked on its article and on a sentence of
its own. A main incident placed only "across the border in Sistan-Baluchestan" under a Pakistani dateline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sarhad.extract import extract_article, extract_file

BATCH = Path(__file__).parents[2] / "tests" / "assets" / "articles" / "heldout10"


def _incidents(name: str) -> list[dict[str, Any]]:
    incidents: list[dict[str, Any]] = extract_file(str(BATCH / name)).to_json()["incidents"]
    return incidents


def test_a_main_incident_only_across_the_border_in_a_province_is_in_that_province() -> None:
    main = _incidents("1201.txt")[0]
    assert (main["country"], main["admin1"], main["place"]) == ("IR", "Sistan and Baluchestan", None)
    text = (
        "Guards killed across the border\nhttps://www.example-tribune.com.pk/story/guards\n2026-08-04\n\n"
        "QUETTA: Three Iranian border guards were killed on Monday when gunmen ambushed their vehicle across the "
        "border in Iran's Sistan and Baluchestan province, officials said.\n\n"
        "Levies officials said patrols had been stepped up in Chagai district after the attack."
    )
    (inc,) = extract_article(text).incidents
    assert (inc["country"], inc["admin1"], inc["geo_precision"]) == ("IR", "Sistan and Baluchestan", "admin1")


def test_a_main_incident_in_a_named_town_stays_there_when_attackers_fled_across_the_border() -> None:
    text = (
        "Two soldiers killed in Panjgur\nhttps://www.example-dawn.com/news/panjgur\n2026-08-04\n\n"
        "PANJGUR: Two soldiers were killed on Monday when militants attacked a check post in Panjgur and then "
        "escaped across the border in Sistan and Baluchestan, officials said."
    )
    (inc,) = extract_article(text).incidents
    assert (inc["country"], inc["admin1"], inc["place"]) == ("PK", "Balochistan", "Panjgur")


def test_a_group_asked_to_hand_the_attackers_over_is_no_perpetrator() -> None:
    assert _incidents("1202.txt")[0]["perpetrator"] is None
    text = (
        "Three policemen were killed on Sunday when gunmen attacked a checkpoint near Zabol, officials said. "
        "Iran urged the Afghan Taliban to stop the attackers from using Afghan soil after the attack."
    )
    (inc,) = extract_article(text, published="2026-08-11").incidents
    assert inc["perpetrator"] is None


def test_the_taliban_authorities_are_a_government_not_a_perpetrator() -> None:
    text = (
        "Two border guards were killed on Sunday in an attack on a post in Hirmand county, officials said. "
        "The Taliban authorities in Kabul said the attack had come from the Iranian side."
    )
    (inc,) = extract_article(text, published="2026-08-11").incidents
    assert inc["perpetrator"] is None
    claimed = "Two soldiers were killed on Sunday in an attack near Zabol. The Taliban claimed responsibility."
    (inc,) = extract_article(claimed, published="2026-08-11").incidents
    assert inc["perpetrator"] == "Taliban"


def test_the_injured_who_died_since_leave_the_wounded_count() -> None:
    (main,) = _incidents("1205.txt")
    assert (main["killed"], main["wounded"]) == (9, 12)
    text = (
        "The toll from Saturday's blast in Quetta rose to six on Monday after two of the injured succumbed to their "
        "wounds, hospital officials said. Four people had been killed and 20 wounded in the blast."
    )
    (inc,) = extract_article(text, published="2026-09-07").incidents
    assert (inc["killed"], inc["wounded"]) == (6, 18)


def test_a_count_of_the_injured_given_after_the_deaths_is_kept() -> None:
    text = (
        "The toll from Saturday's blast in Quetta rose to six on Monday after two of the injured died, hospital "
        "officials said. Eighteen injured people are still being treated at the Civil Hospital."
    )
    (inc,) = extract_article(text, published="2026-09-07").incidents
    assert (inc["killed"], inc["wounded"]) == (6, 18)


def test_two_pledges_with_their_own_deadlines_in_one_clause_are_two_commitments() -> None:
    found = {c["text"]: c["due"] for c in extract_file(str(BATCH / "1206.txt")).to_json()["commitments"]}
    assert found["open two new border markets on the Panjgur-Saravan stretch by the end of December"] == "2026-12"
    assert found["resume trade through the Gabd-Rimdan crossing within 45 days"] == "2026-10-30"
    text = (
        "Iran and Pakistan will reopen the Mirjaveh-Taftan gate to pilgrims by June and complete the new customs "
        "terminal within six months, the interior ministry said."
    )
    found = {c["text"]: c["due"] for c in extract_article(text, published="2026-01-10").commitments}
    assert found == {
        "reopen the Mirjaveh-Taftan gate to pilgrims by June": "2026-06",
        "complete the new customs terminal within six months": "2026-07",
    }


def test_a_pledge_without_its_own_deadline_keeps_its_coordinated_verbs() -> None:
    text = "Iran and Pakistan will review and monitor the progress of the border markets by March, officials said."
    (commitment,) = extract_article(text, published="2026-01-10").commitments
    assert (commitment["text"], commitment["due"]) == (
        "review and monitor the progress of the border markets by March",
        "2026-03",
    )


def test_a_reaffirmed_target_is_a_commitment_of_its_own() -> None:
    found = {c["text"]: c["due"] for c in extract_file(str(BATCH / "1206.txt")).to_json()["commitments"]}
    assert found["exchange lists of wanted militants every six months"] is None
    text = (
        "The two sides agreed to hold border talks every quarter, and reaffirmed their goal of raising trade to "
        "$5 billion by 2028."
    )
    found = {c["text"]: c["due"] for c in extract_article(text, published="2026-01-10").commitments}
    assert found == {"hold border talks every quarter": None, "raising trade to $5 billion by 2028": "2028"}


def test_a_call_on_the_other_side_to_act_is_no_commitment() -> None:
    assert extract_file(str(BATCH / "1208.txt")).to_json()["commitments"] == []
    text = (
        "Pakistan, Iran to hold border talks\nhttps://www.example-dawn.com/news/talks\n2026-01-10\n\n"
        "ISLAMABAD: Pakistan and Iran will hold border talks in Quetta next month, officials said.\n\n"
        "Pakistan's foreign office called on Tehran to hand over the suspects in the Panjgur attack."
    )
    found = [(c["text"], c["due"]) for c in extract_article(text).commitments]
    assert found == [("hold border talks in Quetta next month", "2026-02")]
