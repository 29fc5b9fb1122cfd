"""Another party's principals may not read GTD's and ACLED's rows (unless the node shares them): the dashboard's
counting views answer them from the summary tables' ``restricted`` key, exactly as the rows would, on SQLite and
on PostgreSQL; and a node whose summaries predate the key gains it when it opens."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sarhad.importer import import_file
from sarhad.model.codes import RESTRICTED_LICENCES
from sarhad.monitor import views
from sarhad.node import Node
from sarhad.store.incidents import Filters
from sarhad.store.schema import COMPONENTS, migrate
from sarhad.web.auth import Principal
from sarhad.web.context import Context
from tests.conftest import ASSETS, UCDP_SAMPLE
from tests.monitor.test_evaluate import make
from tests.monitor.test_summary import from_scratch, snapshot

GTD = ASSETS / "synthetic" / "gtd_synthetic.csv"
ACLED = ASSETS / "synthetic" / "acled_synthetic.csv"
PRINCIPALS = (
    Principal("ana", "analyst", "PK"),  # this node's party: reads every licence
    Principal("ir-node", "peer", "IR"),
    Principal("ana", "analyst", "IR"),
    Principal("m", "viewer", "PARL"),
    Principal("monitor", "viewer", "PUBLIC"),
)
# a licence no row has: the same rows left out, but not those the summaries can leave out (the rows answer)
NO_SUCH = "NO-SUCH-LICENCE"


def _fill(node: Node) -> None:
    for dataset, path in (("ucdp", UCDP_SAMPLE), ("gtd", GTD), ("acled", ACLED)):
        import_file(node, dataset, path)
    node.publish(
        [
            replace(make(f"p{i}", day=f"2025-0{1 + i % 6}-{10 + i:02d}", killed=None if i % 4 else i), tlp=tlp)
            for i, tlp in enumerate(("CLEAR", "GREEN", "AMBER", "RED", "CLEAR", "GREEN"))
        ]
    )


def _by_rows(filters: Filters) -> Filters:
    return replace(filters, exclude_licences=(*filters.exclude_licences, NO_SUCH))


def _clusters(found: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The clusters in an order of their own, each centroid to about 100 m: the cells add the coordinates in
    another order than the rows, which can move the fourth decimal."""
    return sorted(
        (c["count"], c["killed"], c["killed_known"], c["party"], sorted(c["parties"].items()),
         round(c["lat"], 3), round(c["lon"], 3))
        for c in found["clusters"]
    )  # fmt: skip


def _answers(node: Node, filters: Filters) -> dict[str, Any]:
    db = node.db
    return {
        "timeline": views.timeline(db, filters),
        "years": views.timeline_years(db, filters),
        "options": views.options(db, filters),
        "total": views.table(db, filters, limit=5)["total"],
        "clusters": _clusters(views.markers(db, filters, zoom=5, limit=1)),
    }


def test_another_partys_views_from_the_summaries_equal_the_rows(any_node: Node) -> None:
    _fill(any_node)
    ctx = Context(any_node)
    for who in PRINCIPALS:
        for asked in (Filters(), Filters(since="2019-01-01"), Filters(since="2019-03-15", until="2024-06-10")):
            filters = ctx.incident_filters(who, asked)
            if who.party != "PK":
                assert set(filters.exclude_licences) == RESTRICTED_LICENCES
            fast = _answers(any_node, filters)
            assert fast == _answers(any_node, _by_rows(filters)), (who, asked)
            # the summaries answered the table's total (and the cells the map's clusters: not for dates)
            assert views._groups(any_node.db, filters, ()) is not None
            markers = views.markers(any_node.db, filters, zoom=5, limit=1)
            assert markers["mode"] == "clusters" and ("sampled" not in markers) is (asked == Filters())
    # the node's own analyst sees the GTD and ACLED rows the others do not
    everyone = views.table(any_node.db, Filters(), limit=1)["total"]
    held = any_node.db.fetchone(
        f"SELECT COUNT(*) FROM incidents WHERE licence IN ({', '.join('?' * len(RESTRICTED_LICENCES))})",
        sorted(RESTRICTED_LICENCES),
    )
    assert held is not None and held[0] > 0
    assert views.table(any_node.db, ctx.incident_filters(PRINCIPALS[1], Filters()), limit=1)["total"] < everyone


def test_the_migration_gives_an_older_nodes_summaries_the_restricted_key(any_node: Node) -> None:
    """A database whose summaries predate ``restricted``: opening it makes them again with the key, filled."""
    db = any_node.db
    _fill(any_node)
    expected = snapshot(db)
    monitor = COMPONENTS()["monitor"]
    first = next(i for i, s in enumerate(monitor) if s == "DROP TABLE incident_summary") + 1
    older = "reported_by, dataset, country, admin1, admin1_code, perpetrator, tlp"
    with db.transaction():
        # the tables as they were before the key, filled as they were then
        db.execute("DROP TABLE incident_summary")
        db.execute("DROP TABLE incident_cells")
        db.execute("DROP TABLE alert_acks")  # a later step makes it: a node of that time had none
        db.execute(
            "CREATE TABLE incident_summary (month TEXT NOT NULL, reported_by TEXT NOT NULL, dataset TEXT NOT NULL,"
            " country TEXT NOT NULL, admin1 TEXT NOT NULL, admin1_code TEXT NOT NULL, perpetrator TEXT NOT NULL,"
            " tlp TEXT NOT NULL, n BIGINT NOT NULL, killed BIGINT NOT NULL, killed_known BIGINT NOT NULL DEFAULT 0,"
            f" PRIMARY KEY (month, {older}))"
        )
        db.execute(
            "CREATE TABLE incident_cells (band INTEGER NOT NULL, cx BIGINT NOT NULL, cy BIGINT NOT NULL,"
            " reported_by TEXT NOT NULL, tlp TEXT NOT NULL, n BIGINT NOT NULL, killed BIGINT NOT NULL,"
            " lat_sum DOUBLE PRECISION NOT NULL, lon_sum DOUBLE PRECISION NOT NULL,"
            " killed_known BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (band, cy, cx, reported_by, tlp))"
        )
        for fill in [s for s in monitor[: first - 1] if callable(s)]:  # the summaries as the earlier steps filled them
            fill(db)
        db.execute("DELETE FROM schema_migrations WHERE component = 'monitor' AND version >= ?", (first,))
    assert migrate(db) == len(monitor) - first + 1
    assert snapshot(db) == expected == from_scratch(db)
    assert any(r[len(r) - 4] == 1 for r in expected[0])  # GTD's and ACLED's groups are told apart
    ir = Context(any_node).incident_filters(PRINCIPALS[1], Filters())
    assert _answers(any_node, ir) == _answers(any_node, _by_rows(ir))
