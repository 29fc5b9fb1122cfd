"""The ``reported_by`` filter (``--reported-by``, the API's ``reported_by``) takes a party or dataset code in any
case and finds the same incidents on SQLite and PostgreSQL: the text typed is put in capitals by Unicode's rules
and compared exactly, not folded by the database (SQLite's UPPER changes ASCII letters only)."""

from __future__ import annotations

import pytest

from sarhad.model.incident import Incident, incident_id
from sarhad.node import Node
from sarhad.store.incidents import Filters, count_incidents, query_incidents

# (reported_by as stored, source id): codes in capitals, and values a peer may have stored otherwise
STORED = [("PK", "1"), ("PK", "2"), ("UCDP", "3"), ("ÇTD", "4"), ("ğazete", "5"), ("ir-press", "6")]


def _report(party: str, source: str) -> Incident:
    return Incident(id=incident_id("party", party, source), reported_by=party, dataset="party", source_id=source,
                    date_start="2026-01-02", date_end="2026-01-02")  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "sources"),
    [
        ("PK", {"1", "2"}),
        ("pk", {"1", "2"}),
        (" Pk ", {"1", "2"}),
        ("ucdp", {"3"}),
        ("ÇTD", {"4"}),
        ("çtd", {"4"}),
        ("ğazete", {"5"}),  # stored otherwise than in capitals: found as typed
        ("ir-press", {"6"}),
        ("IR", set()),
        ("P", set()),
    ],
)
def test_reported_by_filter_ignores_the_case_typed_alike_on_both_databases(
    any_node: Node, typed: str, sources: set[str]
) -> None:
    any_node.publish([_report(party, source) for party, source in STORED])
    found = {r["source_id"] for r in query_incidents(any_node.db, Filters(reported_by=typed))}
    assert found == sources
    assert count_incidents(any_node.db, Filters(reported_by=typed)) == len(sources)
