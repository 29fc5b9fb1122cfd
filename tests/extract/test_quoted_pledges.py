"""Commitments in quotations: a party's pledge in its own words counts; threats, refusals and praise do not."""

from __future__ import annotations

from sarhad.extract import extract_article

HEADER = "Minister briefs Senate on border\nhttps://www.example.com/senate-border\n2026-02-10\n\n"


def _commitments(body: str) -> set[tuple[str, str, str | None]]:
    result = extract_article(HEADER + body)
    return {(c["actor"], c["text"], c["due"]) for c in result.commitments}


def test_a_first_person_pledge_in_quotes_is_a_commitment() -> None:
    for open_q, close_q in (('"', '"'), ("\u201c", "\u201d")):
        body = (
            f"ISLAMABAD: {open_q}We will deploy 1,000 more troops along the border with Iran by June,{close_q} "
            "Interior Minister Mohsin Naqvi told the Senate on Tuesday.\n\n"
            "Pakistan and Iran share a 909-kilometre border. Pakistan has stepped up patrols since January.\n"
        )
        got = _commitments(body)
        assert ("Pakistan (We)", "deploy 1,000 more troops along the border with Iran by June", "2026-06") in got
    # with no country named often enough to say who speaks, "We" stays the actor
    alone = 'ISLAMABAD: "We will open two more crossings by June," the minister said.\n'
    assert _commitments(alone) == {("We", "open two more crossings by June", "2026-06")}


def test_threats_refusals_and_statements_in_quotes_are_not_commitments() -> None:
    body = (
        'ISLAMABAD: "The responsibility for the consequences will lie squarely with Iran," the minister said. '
        '"We will not allow our soil to be used against Iran," he added. '
        "\u201cOur forces will respond to any aggression,\u201d he said. "
        '"Pakistan will never forget the sacrifices of its soldiers," he said.\n'
    )
    assert _commitments(body) == set()


def test_a_state_of_affairs_is_not_a_commitment() -> None:
    body = (
        "ISLAMABAD: The MoU, which will remain valid for five years, was signed by the two interior ministers.\n\n"
        "Both sides decided that a hotline between the border commanders would be operational by the end of May.\n"
    )
    got = _commitments(body)
    assert [due for _, text, due in got if "hotline" in text] == ["2026-05"]
    assert not any("valid" in text for _, text, _ in got)
