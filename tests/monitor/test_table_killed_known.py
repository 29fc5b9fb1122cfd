"""The dashboard table's ``killed_known``: whether any incident matching gives a killed figure, on SQLite and on
PostgreSQL (the page then shows the killed total as unknown rather than 0)."""

from __future__ import annotations

from sarhad.monitor import views
from sarhad.node import Node
from sarhad.store.incidents import Filters
from tests.monitor.test_evaluate import make


def test_table_says_whether_any_matching_incident_gives_a_killed_figure(any_node: Node) -> None:
    assert views.table(any_node.db, Filters())["killed_known"] is False  # nothing stored
    any_node.publish([make("a", killed=None), make("b", killed=None, day="2025-05-02")])
    page = views.table(any_node.db, Filters())
    assert (page["total"], page["killed_known"]) == (2, False)
    any_node.publish([make("c", killed=0, day="2025-06-01")])  # a 0 given is a figure
    assert views.table(any_node.db, Filters())["killed_known"] is True
    page = views.table(any_node.db, Filters(until="2025-05-31"))
    assert (page["total"], page["killed_known"]) == (2, False)
