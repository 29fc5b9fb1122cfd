"""Reading the article format: header, roles (captions, meta lines, headings), sentences, datelines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sarhad.errors import InvalidInput
from sarhad.extract.article import parse_article, split_sentences

ARTICLES = Path(__file__).parents[1] / "assets" / "articles"


def test_header_and_roles() -> None:
    a = parse_article((ARTICLES / "12.txt").read_text(encoding="utf-8"))
    assert a.title == "Pakistani Taliban say they killed two policemen in northwestern district"
    assert a.url == "https://www.arabnews.pk/node/2363411/pakistan"
    assert a.domain == "arabnews.pk"
    assert a.published == date(2023, 8, 29)
    roles = {s.text[:30]: s.role for s in a.sentences}
    assert roles["Pakistani police seal off grou"] == "caption"  # "(AFP/File)"
    assert roles["Updated 29 August 2023"] == "meta"
    assert roles["Short Url"] == "meta"
    assert "repeat" in roles.values()  # the title repeated in the body
    lead = next(s for s in a.sentences if s.text.startswith("PESHAWAR"))
    assert lead.dateline is not None and a.text[lead.dateline[0] : lead.dateline[1]] == "PESHAWAR"
    for s in a.sentences:
        assert a.text[s.start : s.end] == s.text


def test_captions_with_credits_are_not_story() -> None:
    a = parse_article((ARTICLES / "07.txt").read_text(encoding="utf-8"))
    story = [s.text for s in a.story()]
    assert not any("— Reuters" in s for s in story)
    assert any(s.startswith("A suicide bombing tore through") for s in story)


def test_headings_give_sections() -> None:
    a = parse_article((ARTICLES / "00.txt").read_text(encoding="utf-8"))
    s = next(s for s in a.sentences if s.text.startswith("A bilateral summit in Tehran"))
    assert s.section == "What\u2019s Next"
    assert any(x.role == "boilerplate" and x.text.startswith("Leave a Reply") for x in a.sentences)


def test_plain_text_with_published() -> None:
    a = parse_article("Gunmen killed two policemen in Bannu on Sunday.", "2024-05-13")
    assert a.title is None and a.published == date(2024, 5, 13)
    assert [s.role for s in a.sentences] == ["body"]
    with pytest.raises(InvalidInput):
        parse_article("text", "13/05/2024")


def test_sentence_splitting_keeps_abbreviations() -> None:
    text = "Lt. Gen. Ahmed met Dr. Ghalibaf. They talked. The U.S. was not there."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Lt. Gen. Ahmed met Dr. Ghalibaf.",
        "They talked.",
        "The U.S. was not there.",
    ]
