"""The fifth held-out batch: the general rules its first run prompted, each checked on its article and on a
sentence of its own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sarhad.extract import extract_article, extract_file
from sarhad.extract.numbers import find_numbers

ROOT = Path(__file__).parents[2]
BATCH = ROOT / "tests" / "assets" / "articles" / "heldout5"


def _extract(name: str) -> dict[str, Any]:
    return extract_file(str(BATCH / name)).to_json()


def _figures(result: dict[str, Any]) -> set[tuple[float, str]]:
    return {(f["value"], f["unit"]) for f in result["figures"]}


def test_a_group_the_registry_does_not_know_is_the_claimant() -> None:
    main = _extract("601.txt")["incidents"][0]
    assert (main["perpetrator"], main["attribution"], main["perpetrator_id"]) == (
        "Ittehad-ul-Mujahideen Pakistan", "claimed", None,
    )  # fmt: skip
    text = (BATCH / "601.txt").read_text(encoding="utf-8")
    s, e = main["spans"]["perpetrator"]
    assert text[s:e] == "Ittehad-ul-Mujahideen Pakistan"
    assert "dozens" not in json.dumps(_extract("601.txt")["figures"])  # "dozens of attackers" is not a count
    for sentence, who in (
        ("Jaish-ul-Mujahideen Pakistan claimed responsibility.", "Jaish-ul-Mujahideen Pakistan"),
        ("No group claimed responsibility.", None),
        ("Police chief Ahmed Khan said no one had claimed responsibility.", None),
        ("The Pakistan Army claimed responsibility for the operation.", None),
    ):
        text = f"Gunmen killed four policemen in Bannu on Monday.\n\n{sentence}"
        assert extract_article(text, published="2025-03-04").incidents[0]["perpetrator"] == who, sentence


def test_a_toll_update_is_not_a_new_incident_and_survivors_are_the_wounded() -> None:
    (main,) = _extract("602.txt")["incidents"]
    assert (main["date"], main["killed"], main["wounded"], main["toll_updated"]) == ("2025-03-10", 6, 1, True)
    assert main["perpetrator_id"] == "bla" and main["attribution"] == "claimed"
    text = (
        "Four soldiers were killed and three injured when militants attacked a post in Kalat on Monday.\n\n"
        "Two of the three injured later died at a hospital in Quetta on Tuesday, raising the death toll to six."
    )
    (inc,) = extract_article(text, published="2025-03-12").incidents
    assert (inc["date"], inc["place"], inc["killed"], inc["wounded"]) == ("2025-03-10", "Kalat", 6, 1)


def test_a_third_member_was_wounded() -> None:
    main = _extract("603.txt")["incidents"][0]
    assert (main["date"], main["admin1"], main["killed"], main["wounded"]) == (
        "2025-09-14", "Sistan and Baluchestan", 2, 1,
    )  # fmt: skip


def test_reported_future_and_targets_are_commitments() -> None:
    result = _extract("604.txt")
    by_due = {c["due"]: c for c in result["commitments"]}
    assert {"2026-03-20", "2026-01", "2025-12-29"} <= set(by_due)
    assert by_due["2026-03-20"]["actor"] == "Iran and Pakistan"  # not "Dec. 22 (IRNA) – Iran and Pakistan"
    assert by_due["2026-01"]["text"].startswith("visit Zahedan")
    target = next(c for c in result["commitments"] if "target" in c["text"])
    assert target["actor"] == "Iran" and target["text"].startswith("an annual trade target of $5 billion")
    assert (5000000000, "USD per year") in _figures(result)


def test_the_same_bazaar_is_the_main_incidents_place() -> None:
    main, bg = _extract("605.txt")["incidents"]
    assert main["target"] == "crowded Qissa Khwani bazaar" and main["attribution"] == "suspected"
    assert (bg["date"], bg["admin1"], bg["place"], bg["killed"], bg["wounded"]) == (
        "2024-09", "Khyber Pakhtunkhwa", main["place"], 2, 11,
    )  # fmt: skip


def test_a_year_then_a_quantity_is_not_a_range() -> None:
    assert (3417, "fatalities") in _figures(_extract("606.txt"))
    numbers = find_numbers("fatalities rose by 34 percent in 2025 to 3,417, while 10 to 12 were hurt")
    assert [(n.text, n.value, n.is_year) for n in numbers] == [
        ("34", 34, False), ("2025", 2025, True), ("3,417", 3417, False), ("10 to 12", 12, False),
    ]  # fmt: skip


def test_an_operation_against_infiltrators_is_not_an_incident() -> None:
    result = _extract("608.txt")
    assert result["incidents"] == []
    assert {(30, "militants"), (2600, "km")} <= _figures(result)


def test_a_commitment_stops_before_the_next_clauses_subject() -> None:
    text = (
        "Pakistan, Iran agree on new steps\n\n"
        "ISLAMABAD: Iran will supply 1.2 million tonnes of LNG by mid-2026, and Pakistan will export 10,000 "
        "tonnes of rice early next year.\n"
    )
    got = {(c["actor"], c["text"], c["due"]) for c in extract_article(text, published="2025-11-18").commitments}
    assert ("Iran", "supply 1.2 million tonnes of LNG by mid-2026", "2026") in got
    assert ("Pakistan", "export 10,000 tonnes of rice early next year", "2026") in got
