"""The timeline's ``killed_known``: how many incidents of a month and party give a killed figure, so that a month
none of whose incidents gives one reads unknown rather than 0; kept in the summary table by its writers and
filled by its migration (on SQLite and on PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sarhad.monitor import views
from sarhad.node import Node
from sarhad.store.incidents import Filters
from sarhad.store.schema import COMPONENTS, migrate
from tests.monitor.test_evaluate import make

# April: two incidents, neither gives a figure; May: one of two gives 3; June: one gives 0 (a figure).
INCIDENTS = [
    make("a", killed=None, day="2025-04-02"),
    make("b", killed=None, day="2025-04-20"),
    make("c", killed=None, day="2025-05-03"),
    make("d", killed=3, day="2025-05-04"),
    make("e", killed=0, day="2025-06-01"),
]


def _months(node: Node, filters: Filters) -> list[tuple[Any, ...]]:
    return [(m["month"], m["incidents"], m["killed"], m["killed_known"]) for m in views.timeline(node.db, filters)]


def test_timeline_counts_the_incidents_giving_a_killed_figure_per_month(any_node: Node) -> None:
    any_node.publish(INCIDENTS)
    expected = [("2025-04", 2, 0, 0), ("2025-05", 2, 3, 1), ("2025-06", 1, 0, 1)]
    assert _months(any_node, Filters()) == expected  # from the summary table
    assert _months(any_node, Filters(near_border=100)) == expected  # from the rows
    # A window starting inside April: that month from the rows, the others from the summary.
    assert _months(any_node, Filters(since="2025-04-10")) == [("2025-04", 1, 0, 0), *expected[1:]]
    # A later version that gives the figure: April is known from then on.
    any_node.publish([replace(make("a", killed=5, day="2025-04-02"), modified="2025-09-01T00:00:00.000Z")])
    assert _months(any_node, Filters())[0] == ("2025-04", 2, 5, 1)


def test_the_migration_fills_killed_known_from_the_incidents(any_node: Node) -> None:
    """A database whose summary predates the column: opening it adds the column and fills it."""
    db = any_node.db
    any_node.publish(INCIDENTS)
    before = _months(any_node, Filters())
    monitor = COMPONENTS()["monitor"]
    column = next(i for i, s in enumerate(monitor) if isinstance(s, str) and "incident_summary ADD COLUMN" in s)
    versions = (column + 1, column + 2)  # the column and its filling
    with db.transaction():
        db.execute("ALTER TABLE incident_summary DROP COLUMN killed_known")
        db.execute("DELETE FROM schema_migrations WHERE component = 'monitor' AND version IN (?, ?)", versions)
    assert migrate(db) == 2
    assert _months(any_node, Filters()) == before == [("2025-04", 2, 0, 0), ("2025-05", 2, 3, 1), ("2025-06", 1, 0, 1)]
