"""``stats(marking=True)``: the highest TLP of the incidents counted, by TLP order (not by the levels' names, which
sort AMBER below CLEAR), from the total's own query, on SQLite and PostgreSQL."""

from __future__ import annotations

from sarhad.model.incident import Incident, incident_id
from sarhad.node import Node
from sarhad.store.incidents import Filters, highest_tlp, stats


def _marked(source: str, tlp: str, year: str = "2026") -> Incident:
    return Incident(id=incident_id("party", "PK", source), reported_by="PK", dataset="party", source_id=source,
                    date_start=f"{year}-01-02", date_end=f"{year}-01-02", tlp=tlp)  # fmt: skip


def test_stats_marking_is_the_highest_tlp_of_the_counted_incidents(any_node: Node) -> None:
    any_node.publish([_marked("clear", "CLEAR"), _marked("amber", "AMBER"), _marked("strict", "AMBER+STRICT", "2025")])

    assert stats(any_node.db, marking=True)["tlp"] == "AMBER+STRICT"
    assert stats(any_node.db, filters=Filters(since="2026-01-01"), marking=True)["tlp"] == "AMBER"
    assert stats(any_node.db, by="year", filters=Filters(tlp=("CLEAR", "GREEN")), marking=True)["tlp"] == "CLEAR"


def test_stats_marking_is_none_when_nothing_is_counted(any_node: Node) -> None:
    out = stats(any_node.db, marking=True)

    assert out["incidents"] == 0 and out["tlp"] is None


def test_stats_without_marking_says_nothing_of_it(any_node: Node) -> None:
    any_node.publish([_marked("amber", "AMBER")])

    assert "tlp" not in stats(any_node.db)


def test_highest_tlp_orders_the_levels_by_tlp() -> None:
    assert highest_tlp(["GREEN", "AMBER", "CLEAR"]) == "AMBER"
    assert highest_tlp(["AMBER", "RED", "AMBER+STRICT"]) == "RED"
    assert highest_tlp([]) is None
