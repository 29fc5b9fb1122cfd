"""The map clusters' ``killed_known``: how many of a cluster's incidents give a killed figure, so that a cluster
none of whose incidents gives one reads killed unknown rather than 0 killed; kept in the grid cells by their
writers and filled by their migration, the same from the cells as from the rows (on SQLite and PostgreSQL, in
the library and over HTTP)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx

from sarhad.model.incident import Incident
from sarhad.monitor import views
from sarhad.node import Node
from sarhad.store.incidents import Filters
from sarhad.store.schema import COMPONENTS, migrate
from sarhad.web.auth import create_token
from tests.monitor.test_evaluate import make
from tests.monitor.test_summary import from_scratch, snapshot
from tests.web.conftest import serving

BBOX = (58.0, 23.0, 72.0, 36.0)
# Near Taftan: three incidents, none gives a killed figure; near Quetta: one of two gives 4; near Turbat: one
# gives 0 (a figure). Cells of zoom 6 are about 1.2 degrees wide: the three places fall in three cells.
INCIDENTS: list[Incident] = [
    *(make(f"t{i}", killed=None, lat=28.96 + i / 100, lon=61.59) for i in range(3)),
    make("q0", killed=None, lat=30.18, lon=66.97),
    make("q1", killed=4, lat=30.19, lon=66.98),
    make("k0", killed=0, lat=26.0, lon=63.05),
]
EXPECTED = [(3, 0, 0), (2, 4, 1), (1, 0, 1)]  # (count, killed, killed_known) per cluster, largest first


def _clusters(answer: dict[str, Any]) -> list[tuple[int, int, int]]:
    assert answer["mode"] == "clusters", answer
    return [(c["count"], c["killed"], c["killed_known"]) for c in answer["clusters"]]


def test_clusters_count_the_incidents_giving_a_killed_figure(any_node: Node) -> None:
    any_node.publish(INCIDENTS)
    fast = views.markers(any_node.db, Filters(), zoom=6, bbox=BBOX, limit=1)  # from the cells
    slow = views.markers(any_node.db, Filters(near_border=10_000), zoom=6, bbox=BBOX, limit=1)  # from the rows
    assert _clusters(fast) == _clusters(slow) == EXPECTED
    assert fast["clusters"] == slow["clusters"]
    # A later version that gives the figure: the Taftan cluster is known from then on, in the cells too.
    any_node.publish([replace(make("t0", killed=5, lat=28.96, lon=61.59), modified="2025-09-01T00:00:00.000Z")])
    assert _clusters(views.markers(any_node.db, Filters(), zoom=6, bbox=BBOX, limit=1))[0] == (3, 5, 1)
    assert snapshot(any_node.db) == from_scratch(any_node.db)


def test_the_migration_fills_killed_known_of_the_cells(any_node: Node) -> None:
    """A database whose cells predate the column: opening it adds the column and fills it."""
    db = any_node.db
    any_node.publish(INCIDENTS)
    before = snapshot(db)
    monitor = COMPONENTS()["monitor"]
    first = next(i for i, s in enumerate(monitor) if isinstance(s, str) and "incident_cells ADD COLUMN" in s) + 1
    with db.transaction():
        db.execute("ALTER TABLE incident_cells DROP COLUMN killed_known")
        # the column's step and the rebuild after it (the steps after those are not undone)
        db.execute(
            "DELETE FROM schema_migrations WHERE component = 'monitor' AND version IN (?, ?)", (first, first + 1)
        )
    assert migrate(db) == 2
    assert snapshot(db) == before
    assert _clusters(views.markers(db, Filters(), zoom=6, bbox=BBOX, limit=1)) == EXPECTED


def test_the_markers_route_gives_killed_known_per_cluster(any_node: Node) -> None:
    any_node.publish(INCIDENTS)
    token = create_token(any_node.db, "val", "viewer", "PK")
    with (
        serving(any_node) as base,
        httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as c,
    ):
        for extra in ({}, {"near_border": "10000"}):  # from the cells, and from the rows
            answer = c.get("/api/dashboard/markers", params={"zoom": 6, "bbox": "58,23,72,36", "limit": 1, **extra})
            assert answer.status_code == 200, answer.text
            assert _clusters(answer.json()) == EXPECTED
