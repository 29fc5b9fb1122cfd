"""Text put into a ``LIKE`` pattern matches only itself (``%``, ``_``, the escape character and, on PostgreSQL,
a backslash), and the incident filter that searches perpetrators' names uses it."""

from __future__ import annotations

import pytest

from sarhad.model.incident import Incident, Perpetrator, incident_id
from sarhad.node import Node
from sarhad.store.incidents import Filters, count_incidents
from sarhad.store.like import LIKE_ESCAPE, like_literal

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
