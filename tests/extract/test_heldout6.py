"""The sixth held-out batch: the general rules its first run prompted, each checked on its article and on a
sentence of its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sarhad.extract import extract_article, extract_file

ROOT = Path(__file__).parents[2]
BATCH = ROOT / "tests" / "assets" / "articles" / "heldout6"


def _extract(name: str) -> dict[str, Any]:
    return extract_file(str(BATCH / name)).to_json()


def test_an_arson_without_casualties_is_an_incident() -> None:
    (main,) = _extract("803.txt")["incidents"]
    assert (main["date"], main["admin1"], main["attack_type"]) == (
        "2025-05-08", "Khyber Pakhtunkhwa", "Facility/Infrastructure Attack",
    )  # fmt: skip
    assert main["killed"] is None and main["wounded"] is None  # "no one was hurt" is not a count
    text = "Militants torched a boys' school in Kurram district on Sunday night, officials said."
    (inc,) = extract_article(text, published="2025-02-10").incidents
    assert inc["attack_type"] == "Facility/Infrastructure Attack" and inc["date"] == "2025-02-09"


def test_an_abduction_reported_at_the_recovery_keeps_its_own_date() -> None:
    (main,) = _extract("806.txt")["incidents"]
    assert (main["date"], main["admin1"], main["attack_type"], main["attribution"]) == (
        "2025-03-03", "Balochistan", "Hostage Taking (Kidnapping)", "blamed",
    )  # fmt: skip


def test_an_offer_is_a_proposed_commitment() -> None:
    offer = next(c for c in _extract("804.txt")["commitments"] if "locomotives" in c["text"])
    assert (offer["actor"], offer["due"]) == ("Iran", None)


def test_the_two_countries_are_the_ones_the_sentence_names() -> None:
    (c,) = _extract("805.txt")["commitments"]
    assert set(c["parties"]) == {"IR", "PK"} and "border commission" in c["text"]


def test_coordinated_counts_keep_their_own_nouns_as_figure_units() -> None:
    figures = {(f["value"], f["unit"]) for f in _extract("805.txt")["figures"]}
    assert {(62, "members"), (31, "civilians"), (118, "members"), (45, "incidents")} <= figures
