"""The seventh held-out batch (a border desk's reading: corrections, vague headline counts, no-claim
statements, print datelines, non-incident articles) and the odd files a desk is handed: each rule checked on
its article and on a sentence of its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sarhad.errors import InvalidInput
from sarhad.extract import extract_article, extract_file

ROOT = Path(__file__).parents[2]
BATCH = ROOT / "tests" / "assets" / "articles" / "heldout7"


def _extract(name: str) -> dict[str, Any]:
    return extract_file(str(BATCH / name)).to_json()


def test_a_corrected_toll_gives_way_to_the_correction() -> None:
    (main,) = _extract("907.txt")["incidents"]
    assert (main["killed"], main["killed_low"], main["wounded"]) == (8, 8, 3)
    text = (
        "A bomb killed four people at a market in Kharan on Monday, police said. "
        "An earlier version of this story said that 12 people had been killed."
    )
    (inc,) = extract_article(text, published="2026-02-03").incidents
    assert inc["killed"] == 4


def test_a_vague_headline_count_gives_way_to_the_bodys_count() -> None:
    (main,) = _extract("906.txt")["incidents"]
    assert (main["killed"], main["killed_low"], main["killed_qualifier"]) == (14, 14, "at least")
    assert main["wounded_low"] == 24 and main["wounded_high"] is None  # "dozens" alone stays a lower bound
    text = "Scores killed in Khuzdar blast\nsrc\n2026-02-03\n\nA bomb killed 17 people in Khuzdar on Monday."
    (inc,) = extract_article(text).incidents
    assert inc["killed"] == 17


def test_no_claim_leaves_a_group_named_for_past_attacks_out() -> None:
    (main,) = _extract("910.txt")["incidents"]
    assert (main["perpetrator"], main["attribution"], main["attackers_killed"]) == (None, "unknown", 3)
    text = (
        "Gunmen killed three policemen in Mastung on Monday. No group has claimed responsibility, but the "
        "Balochistan Liberation Front has carried out similar attacks in the district."
    )
    (inc,) = extract_article(text, published="2026-02-03").incidents
    assert (inc["perpetrator"], inc["attribution"]) == (None, "unknown")
    claimed = "Gunmen killed three policemen in Mastung on Monday. The Balochistan Liberation Front claimed the attack."
    (inc,) = extract_article(claimed, published="2026-02-03").incidents
    assert (inc["perpetrator_id"], inc["attribution"]) == ("blf", "claimed")


def test_a_print_dateline_day_is_what_yesterday_counts_from() -> None:
    (main,) = _extract("914.txt")["incidents"]
    assert (main["date"], main["date_precision"]) == ("2026-01-04", "day")
    text = "Title\nDawn\n2026-03-11\n\nKHUZDAR, March 9: Two people were shot dead in Khuzdar on Sunday, police said."
    (inc,) = extract_article(text).incidents
    assert inc["date"] == "2026-03-08"  # the Sunday before the dateline's Monday, not the one before publication
    same_day = "Title\nDawn\n2026-03-10\n\nKHUZDAR, March 10: Two people were shot dead in Khuzdar yesterday."
    assert extract_article(same_day).incidents[0]["date"] == "2026-03-09"


@pytest.mark.parametrize("name", ["904.txt", "905.txt"])
def test_a_trade_fair_or_a_meeting_about_attacks_is_no_incident(name: str) -> None:
    entry = _extract(name)
    assert entry["incidents"] == [] and entry["commitments"]


def test_two_incidents_in_one_article_keep_their_own_day_place_and_claim() -> None:
    main, other = _extract("903.txt")["incidents"]
    assert (main["date"], main["place"], main["state_label"], main["killed"]) == ("2026-03-09", "Saravan", "IR", 2)
    assert (other["date"], other["place"], other["perpetrator"], other["wounded"]) == ("2026-03-10", "Rask", None, 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty, no article text"),
        (b"  \n\n \n", "empty, no article text"),
        (b"Two killed\x00\x00\x01", "binary data, not text"),
        (
            b"<!DOCTYPE html>\n<html><head><title>Two killed in Panjgur</title></head><body><p>Gunmen killed two.</p>",
            r"an HTML page, not article text \('<!DOCTYPE html' on line 1\)",
        ),
        (
            b"Two killed in Panjgur\nhttps://news.example/a\nyesterday\n\nGunmen killed two people in Panjgur.\n",
            r"line 3: 'yesterday' is not a publication date \(YYYY-MM-DD\)",
        ),
        (
            b"Two killed in Panjgur\nDawn\n2026-13-40\n\nGunmen killed two people in Panjgur.\n",
            r"line 3: '2026-13-40' is not a publication date",
        ),
    ],
)
def test_a_file_that_is_not_an_article_gets_a_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "odd.txt"
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match=f"^{path}: {message}"):
        extract_file(str(path))


def test_a_header_with_a_bad_date_is_read_with_published_given(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Two killed in Panjgur\nDawn\n2026-13-40\n\nGunmen killed two people in Panjgur on Monday.\n")
    (inc,) = extract_file(str(path), published="2026-02-04").incidents
    assert inc["date"] == "2026-02-02"


def test_the_cli_names_the_odd_file_and_exits_non_zero(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Gunmen killed two people in Panjgur.</p></body></html>")
    done = subprocess.run(
        [sys.executable, "-m", "sarhad", "extract", str(page)], capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert f"{page}: an HTML page, not article text" in done.stderr
    assert "Traceback" not in done.stderr


def test_one_wounded_in_a_second_half_without_its_verb() -> None:
    for name, killed in (("909.txt", 1), ("914.txt", 2)):
        (main,) = _extract(name)["incidents"]
        assert (main["killed"], main["wounded"]) == (killed, 1)
    text = "Three soldiers were martyred and another injured when militants attacked a post in Zhob on Monday."
    (inc,) = extract_article(text, published="2026-02-03").incidents
    assert (inc["killed"], inc["wounded"]) == (3, 1)


def test_a_killed_person_is_not_wounded_by_the_next_clause() -> None:
    text = "A customs official was shot dead and his guard was injured by gunmen in Taftan on Monday."
    (inc,) = extract_article(text, published="2026-02-03").incidents
    assert (inc["killed"], inc["wounded"]) == (1, 1)


def test_a_province_the_area_borders_is_not_where_it_is() -> None:
    main = _extract("917.txt")["incidents"][0]
    assert (main["country"], main["admin1"], main["place"]) == ("PK", "Balochistan", "Mashkel")
    text = (
        "A soldier was killed when militants attacked a post in Zhob on Monday. "
        "The district borders Afghanistan's Paktika province."
    )
    (inc,) = extract_article(text, published="2026-02-03").incidents
    assert (inc["country"], inc["admin1"]) == ("PK", "Balochistan")


def test_a_headline_toll_in_another_dated_clause_is_that_incidents() -> None:
    main, khash = _extract("920.txt")["incidents"]
    assert (main["place"], main["killed"], main["toll_updated"]) == ("Zahedan", 1, False)
    assert (khash["place"], khash["date"], khash["killed"], khash["toll_updated"]) == ("Khash", "2026-09", 4, True)


def test_a_revised_toll_and_its_day_are_not_the_attacks() -> None:
    (main,) = _extract("916.txt")["incidents"]
    assert (main["date"], main["killed"], main["wounded"]) == ("2026-04-06", 5, 7)
    text = (
        "Police on Thursday revised the death toll from Tuesday's bombing in Quetta to nine, "
        "saying two of the injured had died."
    )
    (inc,) = extract_article(text, published="2026-02-06").incidents
    assert (inc["date"], inc["killed"]) == ("2026-02-03", 9)


def test_a_figures_counted_noun_is_in_its_own_clause_and_sentence() -> None:
    text = (
        "Toll in Jiwani attack revised down to five\nhttps://news.example/jiwani\n2026-04-09\n\n"
        "The number of crossings rose to five.\n\n"
        "The provincial government on Wednesday revised the count to seven, officials said."
    )
    units = {(f["value"], f["unit"]) for f in extract_article(text).figures}
    assert (5, "crossings") in units
    assert not {u for _, u in units} & {"https", "officials"}  # the URL line, the next clause


def test_the_wounded_are_counted_by_their_care() -> None:
    (main,) = _extract("902.txt")["incidents"]
    assert (main["killed"], main["wounded"]) == (9, 14)
    for care in ("remain under treatment", "were admitted to hospital", "are being treated", "were hospitalised"):
        text = f"A bomb killed nine people in Turbat on Monday. Fourteen others {care}."
        (inc,) = extract_article(text, published="2026-03-04").incidents
        assert (inc["killed"], inc["wounded"]) == (9, 14), care


def test_a_round_up_sentence_with_two_dated_clauses_is_two_incidents() -> None:
    panjgur, mirjaveh = _extract("918.txt")["incidents"]
    assert (panjgur["date"], panjgur["place"], panjgur["killed"]) == ("2026-04", "Panjgur", 11)
    assert (mirjaveh["date"], mirjaveh["country"], mirjaveh["killed"]) == ("2026-05", "IR", 3)
    text = (
        "Gunmen killed two policemen in Turbat on Monday, officials said. Last month, four people were "
        "killed in a blast in Kharan, while in December six labourers were abducted in Washuk."
    )
    incidents = extract_article(text, published="2026-02-04").incidents
    assert [(i["date"], i["killed"], i["kidnapped"]) for i in incidents] == [
        ("2026-02-02", 2, None),
        ("2026-01", 4, None),
        ("2025-12", None, 6),
    ]


def test_a_spelling_known_only_with_its_type_word_is_placed() -> None:
    (main,) = _extract("901.txt")["incidents"]  # "the Paroom area of Panjgoor district": Parom, in Panjgur
    assert (main["admin1"], main["place"], main["lat"], main["lon"]) == ("Balochistan", "Paroom", 26.9, 63.55)
    text = "Gunmen killed two fishermen in Gawadar district on Monday."
    (inc,) = extract_article(text, published="2026-03-04").incidents
    assert (inc["country"], inc["admin1"], inc["lat"], inc["lon"]) == ("PK", "Balochistan", 25.12163, 62.32541)


def test_carried_out_by_in_an_officials_words_is_a_blame_with_the_states_label() -> None:
    (main,) = _extract("921.txt")["incidents"]
    assert (main["perpetrator"], main["attribution"], main["state_label"]) == ("Fitna al-Hindustan", "blamed", "PK")
    text = "Gunmen killed two policemen in Kharan on Monday. Police said the attack was carried out by the BLF."
    (inc,) = extract_article(text, published="2026-02-04").incidents
    assert (inc["perpetrator_id"], inc["attribution"]) == ("blf", "blamed")


def test_the_day_a_statement_was_issued_is_not_the_attacks() -> None:
    (main,) = _extract("922.txt")["incidents"]
    assert (main["date"], main["killed"], main["attackers_killed"]) == ("2026-10-17", 5, 3)
    text = (
        "The BLA said in a statement on Tuesday that it had attacked a checkpost in Kalat on Sunday, "
        "killing four soldiers."
    )
    (inc,) = extract_article(text, published="2026-02-04").incidents
    assert inc["date"] == "2026-02-01"


def test_a_separate_attack_the_same_day_elsewhere_is_its_own_incident() -> None:
    turbat, panjgur = _extract("923.txt")["incidents"]
    assert (turbat["place"], turbat["killed"], turbat["attack_type"]) == ("Turbat", 4, "Bombing/Explosion")
    assert (panjgur["place"], panjgur["date"], panjgur["killed"]) == ("Panjgur", "2026-11-02", 3)
    text = (
        "Five people were killed in two attacks in Balochistan on Monday. A bomb killed three people in Kharan, "
        "police said. Separately, gunmen shot dead two labourers in Washuk."
    )
    kharan, washuk = extract_article(text, published="2026-02-03").incidents
    assert (kharan["place"], kharan["killed"]) == ("Kharan", 3)
    assert (washuk["place"], washuk["date"], washuk["killed"]) == ("Washuk", "2026-02-02", 2)


def test_a_datelines_day_is_not_a_commitments_due_date() -> None:
    first = _extract("924.txt")["commitments"][0]
    assert (first["text"], first["due"]) == ("set up a joint border commission", None)
    text = (
        "Title\nIRNA\n2026-11-20\n\nTEHRAN, Nov. 20 (IRNA) – Iran and Pakistan agreed to open a new crossing "
        "at Gabd, the ministry said."
    )
    (c,) = extract_article(text).commitments
    assert c["due"] is None


def test_a_byte_order_mark_is_not_part_of_the_title(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_text((BATCH / "907.txt").read_text(), encoding="utf-8-sig")
    entry = extract_file(str(path)).to_json()
    assert entry["source"]["title"] == "Eight killed as gunmen attack labourers in Washuk"
    assert entry["incidents"][0]["killed"] == 8
