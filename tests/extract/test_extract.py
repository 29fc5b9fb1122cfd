"""extract_article end to end: the dev set's gold answers, span integrity, the JSON contract."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from sarhad.errors import InvalidInput
from sarhad.extract import MAX_ARTICLE_CHARS, extract_article, extract_file
from sarhad.extract.numbers import find_numbers
from sarhad.model.codes import ATTACK_TYPES, DATE_PRECISIONS, GEO_PRECISIONS, TARGET_TYPES

ARTICLES = Path(__file__).parents[1] / "assets" / "articles"
SETS = [ARTICLES, ARTICLES / "own", *(ARTICLES / f"heldout{n}" for n in ("", "2", "3", "4", "5", "6"))]
FILES = sorted(p for d in SETS if d.is_dir() for p in d.glob("*.txt"))


def _extract(name: str) -> dict[str, Any]:
    return extract_file(str(ARTICLES / name)).to_json()


def test_founding_article_commitments_and_figures() -> None:
    result = _extract("00.txt")
    assert result["incidents"] == []
    dues = {c["due"] for c in result["commitments"]}
    assert {"2025-12", "2026-Q1", "2026"} <= dues
    texts = " | ".join(c["text"] for c in result["commitments"])
    for words in ("technical committees", "Tehran", "joint sessions", "monitor progress", "drone surveillance",
                  "free trade zone"):  # fmt: skip
        assert words in texts or words in " ".join(c["actor"] for c in result["commitments"]), words
    quarterly = next(c for c in result["commitments"] if "monitor progress" in c["text"])
    assert quarterly["recurrence"] == "P3M" and quarterly["due"] is None
    figures = {(f["value"], f["unit"]) for f in result["figures"]}
    assert {(959, "km"), (1000, "deaths"), (2500000000, "USD"), (5000000000, "USD per year"), (12, "agreements"),
            (500000000, "PKR")} <= figures  # fmt: skip


def test_incident_article_main_fields() -> None:
    main = _extract("07.txt")["incidents"][0]
    assert (main["date"], main["country"], main["admin1"], main["killed"], main["wounded"]) == (
        "2024-11-09", "PK", "Balochistan", 26, 62,
    )  # fmt: skip
    assert main["attack_type"] == "Bombing/Explosion" and main["perpetrator"] is None
    assert main["killed_qualifier"] == "at least" and main["killed_low"] == 26
    bg = _extract("07.txt")["incidents"][1]
    assert (bg["date"], bg["place"], bg["killed"]) == ("2024-11", "Mastung", 8)


def test_perpetrator_claimed_vs_suspected() -> None:
    main = _extract("12.txt")["incidents"][0]
    assert main["perpetrator"] == "Tehreek-e-Taliban Pakistan (TTP)"
    assert main["perpetrator_id"] == "ttp" and main["attribution"] == "claimed"
    first, second, third = _extract("05.txt")["incidents"]
    assert first["perpetrator_id"] == second["perpetrator_id"] == third["perpetrator_id"] == "jaish-al-adl"
    assert first["attribution"] == "claimed"
    assert second["date"] == "2024-04-04" and second["killed"] == 10 and second["attackers_killed"] == 18
    assert third["date"] == "2023-12" and third["place"] == "Rask"


def test_statistics_article_has_figures_not_incidents() -> None:
    result = _extract("22.txt")
    assert result["incidents"] == []
    figures = {(f["value"], f["unit"]) for f in result["figures"]}
    assert {(293, "attacks"), (404, "deaths"), (569, "injured"), (1100, "deaths")} <= figures


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_span_points_at_its_words(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    result = extract_article(text).to_json()
    for inc in result["incidents"]:
        spans = inc["spans"]
        for name in ("killed", "wounded"):
            if spans[name]:
                s, e = spans[name]
                words = text[s:e]
                assert find_numbers(words) or re.match(r"(?i)(?:an?|his|her|their)\b", words), (name, words)
        if spans["perpetrator"]:
            s, e = spans["perpetrator"]
            assert text[s:e] == inc["perpetrator"]
        if spans["place"]:
            s, e = spans["place"]
            assert text[s:e] == inc["place"]
        if spans["target"]:
            s, e = spans["target"]
            assert text[s:e] == inc["target"] or re.search(r"\ba (?:person|cleric|doctor)\b", inc["target"])
        if spans["date"]:
            s, e = spans["date"]
            assert 0 <= s < e <= len(text)
    for f in result["figures"]:
        s, e = f["span"]
        assert 0 <= s < e <= len(text) and re.search(r"\d|[a-z]", text[s:e], re.I)
    for c in result["commitments"]:
        s, e = c["spans"]["text"]
        assert c["text"][:10] in text[s:e] or c["cue"] == "section"


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_contract_shape(path: Path) -> None:
    result = extract_file(str(path)).to_json()
    json.dumps(result)  # plain JSON
    assert set(result) >= {"file", "incidents", "commitments", "figures"}
    for inc in result["incidents"]:
        assert set(inc) >= {"date", "country", "admin1", "place", "lat", "lon", "perpetrator", "killed", "wounded",
                            "attack_type", "target", "spans", "confidence"}  # fmt: skip
        assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", inc["date"])
        assert inc["country"] is None or re.fullmatch(r"[A-Z]{2}", inc["country"])
        assert inc["attack_type"] in ATTACK_TYPES.values()
        assert inc["target_type"] is None or inc["target_type"] in TARGET_TYPES.values()
        assert inc["date_precision"] in DATE_PRECISIONS and inc["geo_precision"] in GEO_PRECISIONS
        assert inc["attribution"] in {"claimed", "blamed", "suspected", "unknown"}
        assert 0 < inc["confidence"] <= 1
    for c in result["commitments"]:
        assert set(c) >= {"actor", "text", "due", "spans"}
        assert c["due"] is None or re.fullmatch(r"\d{4}(-(Q[1-4]|H[12]|\d{2}(-\d{2})?))?", c["due"])
    for f in result["figures"]:
        assert set(f) >= {"quantity", "value", "unit", "span"} and isinstance(f["value"], int | float)


def test_plain_text_needs_published_for_relative_dates() -> None:
    text = "Gunmen shot dead three policemen in Bannu district of Khyber Pakhtunkhwa on Sunday."
    result = extract_article(text, "2024-05-13").to_json()
    main = result["incidents"][0]
    assert (main["date"], main["admin1"], main["killed"]) == ("2024-05-12", "Khyber Pakhtunkhwa", 3)


def test_extract_file_errors(tmp_path: Path) -> None:
    from sarhad.errors import InvalidInput, NotFound

    with pytest.raises(NotFound):
        extract_file(str(tmp_path / "missing.txt"))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(InvalidInput):
        extract_file(str(bad))


def test_figure_units_of_the_press() -> None:
    text = "Attacks rose 42pc in October to 85, while Rs500m and $1.2bn were pledged and a 2,640-km border was fenced."
    figures = {(f["value"], f["unit"]) for f in extract_article(text, "2025-11-02").to_json()["figures"]}
    assert {(42, "percent"), (500000000, "PKR"), (1200000000, "USD"), (2640, "km")} <= figures


def test_a_text_longer_than_an_article_is_refused_with_its_size(tmp_path: Path) -> None:
    text = "Militants attacked a checkpost in Kech district. " * (MAX_ARTICLE_CHARS // 49 + 1)
    with pytest.raises(InvalidInput, match=r"long\.txt: 2,000,\d{3} characters, more than an article may have"):
        extract_article(text, "2025-02-11", file="long.txt")
    path = tmp_path / "big.txt"
    with path.open("wb") as fh:  # sparse: refused by its size, before it is read
        fh.truncate(4 * MAX_ARTICLE_CHARS + 1)
    with pytest.raises(InvalidInput, match=r"big\.txt: 8,000,001 bytes, more than an article may have"):
        extract_file(str(path))
