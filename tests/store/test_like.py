"""Text put into a ``LIKE`` pattern matches only itself (``%``, ``_``, the escape character and, on PostgreSQL,
a backslash), and the incident filter that searches perpetrators' names uses it. The text filters of the
incident lists (``--perpetrator``, ``--admin1``) ignore case by Unicode's rules, not only for ASCII letters, and
find the same incidents on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from sarhad.model.incident import Incident, Perpetrator, Place, incident_id
from sarhad.node import Node
from sarhad.store.incidents import Filters, count_incidents, query_incidents
from sarhad.store.like import LIKE_ESCAPE, folded, like_literal

TEXTS = ["%", "_", "!", "!%", "a_b", "50%", "back\\slash", "\\%", "it's"]


def _matches(node: Node, text: str, pattern: str) -> bool:
    row = node.db.fetchone(f"SELECT CASE WHEN ? LIKE ? ESCAPE '{LIKE_ESCAPE}' THEN 1 ELSE 0 END", (text, pattern))
    return row is not None and row[0] == 1


@pytest.mark.parametrize("literal", TEXTS)
def test_like_literal_matches_itself_and_nothing_else(any_node: Node, literal: str) -> None:
    pattern = like_literal(literal)
    assert _matches(any_node, literal, pattern)
    for other in ["", "x", "ab", "axb", "50", "500", "back/slash", "\\", "!!", *TEXTS]:
        if other != literal:
            assert not _matches(any_node, other, pattern), (other, literal)
    # as a prefix: the literal followed by anything, and only that
    assert _matches(any_node, literal + "tail", pattern + "%")
    assert not _matches(any_node, "x" + literal, pattern + "%")


def _named(source: str, name: str) -> Incident:
    return Incident(id=incident_id("party", "PK", source), reported_by="PK", dataset="party", source_id=source,
                    date_start="2026-01-02", date_end="2026-01-02", perpetrators=(Perpetrator(name),))  # fmt: skip


def test_the_perpetrator_filter_takes_wildcards_as_text(any_node: Node) -> None:
    any_node.publish([_named("1", "Group_A"), _named("2", "GroupXA"), _named("3", "100% Front")])
    assert count_incidents(any_node.db, Filters(perpetrator="p_a")) == 1  # not GroupXA
    assert count_incidents(any_node.db, Filters(perpetrator="%")) == 1  # only the name with a percent sign
    assert count_incidents(any_node.db, Filters(perpetrator="_")) == 1
    assert count_incidents(any_node.db, Filters(perpetrator="group")) == 2  # still a case-blind substring


# (source id, perpetrator, country, province as stored)
NAMED = [
    ("1", "Sīstān Front", "IR", "Sīstān"),
    ("2", "SĪSTĀN FRONT", "IR", "SĪSTĀN"),
    ("3", "Ομάδα Δέλτα", "GR", "Αττική"),
    ("4", "جیش العدل", "IR", "سیستان و بلوچستان"),
    ("5", "Ōmar Brigade", "FR", "Île-de-France"),
    ("6", "Straße Front", "PK", "Balochistan"),
]


def _placed(source: str, name: str, country: str, admin1: str) -> Incident:
    return Incident(id=incident_id("party", "PK", source), reported_by="PK", dataset="party", source_id=source,
                    date_start="2026-01-02", date_end="2026-01-02", perpetrators=(Perpetrator(name),),
                    place=Place(country=country, admin1=admin1, precision="admin1"))  # fmt: skip


def _found(node: Node, filters: Filters) -> set[str]:
    return {row["source_id"] for row in query_incidents(node.db, filters)}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("SĪSTĀN", {"1", "2"}),  # SQLite's LIKE and LOWER fold only ASCII letters: Ī is not ī there
        ("sīstān front", {"1", "2"}),
        ("ΔΈΛΤΑ", {"3"}),
        ("ōmar", {"5"}),
        ("جیش", {"4"}),  # a script without case
        ("STRASSE", {"6"}),  # Unicode's case folding: ß is ss
        ("front", {"1", "2", "6"}),
        ("Sistan", set()),  # case, not accents
    ],
)
def test_the_perpetrator_filter_ignores_case_beyond_ascii_on_both_databases(
    any_node: Node, typed: str, expected: set[str]
) -> None:
    any_node.publish([_placed(*row) for row in NAMED])
    assert _found(any_node, Filters(perpetrator=typed)) == expected
    assert count_incidents(any_node.db, Filters(perpetrator=typed)) == len(expected)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ÎLE-DE-FRANCE", {"5"}),
        ("île-de-france", {"5"}),
        ("ΑΤΤΙΚΉ", {"3"}),
        ("سیستان و بلوچستان", {"4"}),
        ("sīstān", {"1", "2"}),  # a name of a province the gazetteer knows: its rows under that name too
        ("BALOCHISTAN", {"6"}),
        ("balochistan", {"6"}),
    ],
)
def test_the_province_filter_ignores_case_beyond_ascii_on_both_databases(
    any_node: Node, typed: str, expected: set[str]
) -> None:
    any_node.publish([_placed(*row) for row in NAMED])
    assert _found(any_node, Filters(admin1=typed)) == expected
    assert count_incidents(any_node.db, Filters(admin1=typed)) == len(expected)


def test_folded_ignores_case_and_the_composition_of_letters() -> None:
    assert folded("SĪSTĀN") == folded("sīstān") == folded("si\u0304sta\u0304n")
    assert folded("Straße") == folded("STRASSE")
    assert folded("Sistan") != folded("Sīstān")
