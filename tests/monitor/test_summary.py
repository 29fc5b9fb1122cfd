"""The dashboard's summary tables stay equal to an aggregate from scratch, whatever sequence of writes."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sarhad.monitor import summary, views
from sarhad.node import Node
from sarhad.store.db import Database, open_database
from sarhad.store.incidents import INCIDENT_COLUMNS, Filters, rebuild_incidents
from sarhad.store.schema import migrate
from tests.monitor.test_evaluate import make

PLACES = [
    # (country, admin1, admin1_code, lat, lon): two provinces per country, one place without a province
    ("PK", "Balochistan", "PK-BA", 28.96, 61.59),
    ("PK", "Khyber Pakhtunkhwa", "PK-KP", 34.01, 71.58),
    ("IR", "Sistan and Baluchestan", "IR-13", 29.02, 61.45),
    ("IR", None, None, 27.37, 62.33),
    (None, None, None, None, None),
]
MONTHS = ["2024-12-31", "2025-01-01", "2025-01-15", "2025-02-28", "2025-03-02"]

version = st.fixed_dictionaries(
    {
        "id": st.integers(0, 5),
        "day": st.sampled_from(MONTHS),
        "place": st.integers(0, len(PLACES) - 1),
        "jitter": st.integers(-30, 30),
        "party": st.sampled_from(["PK", "IR", "UCDP"]),
        "perpetrator": st.sampled_from([None, "Jaish al-Adl", "BLA"]),
        "killed_best": st.one_of(st.none(), st.integers(0, 9)),
        "killed_low": st.one_of(st.none(), st.integers(0, 3)),
        "tlp": st.sampled_from(["CLEAR", "GREEN"]),
    }
)


def row(v: dict[str, Any]) -> tuple[Any, ...]:
    country, admin1, code, lat, lon = PLACES[v["place"]]
    values = {c: None for c in INCIDENT_COLUMNS} | {
        "id": f"incident--{v['id']}", "modified": "m", "created": "c", "origin": "PK", "dataset": "party",
        "source_id": str(v["id"]), "reported_by": v["party"], "date_start": v["day"], "date_end": v["day"],
        "date_precision": "day", "country": country, "admin1": admin1, "admin1_code": code,
        "lat": None if lat is None else lat + v["jitter"] / 10, "lon": None if lon is None else lon + v["jitter"] / 7,
        "geo_precision": "near", "perpetrator": v["perpetrator"], "killed_best": v["killed_best"],
        "killed_low": v["killed_low"], "tlp": v["tlp"], "licence": "PARTY-OWN", "content_sha256": "x",
    }  # fmt: skip
    return tuple(values[c] for c in INCIDENT_COLUMNS)


def snapshot(db: Database) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Both summary tables, ordered, with the coordinate sums rounded."""
    keys = ", ".join(("month", *summary.SUMMARY_KEYS))
    s = [tuple(r) for r in db.fetchall(f"SELECT {keys}, n, killed, killed_known FROM incident_summary ORDER BY {keys}")]
    c = [
        (*r[:8], round(float(r[8]), 6), round(float(r[9]), 6))
        for r in db.fetchall(
            "SELECT band, cx, cy, reported_by, tlp, n, killed, killed_known, lat_sum, lon_sum FROM incident_cells"
            " ORDER BY band, cx, cy, reported_by, tlp"
        )
    ]
    return s, c


def from_scratch(db: Database) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with db.transaction():
        summary.rebuild(db)
    return snapshot(db)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(version, min_size=1, max_size=6), min_size=1, max_size=6))
def test_summary_equals_an_aggregate_from_scratch_after_any_writes(batches: list[list[dict[str, Any]]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'node.db'}")
        try:
            migrate(db)
            for batch in batches:
                with db.transaction():
                    summary.upsert(db, [row(v) for v in batch])
            incremental = snapshot(db)
            assert all(r[-3] > 0 for r in incremental[0]) and all(r[5] > 0 for r in incremental[1])
            assert incremental == from_scratch(db)
            # and what the views answer from it equals what the rows say
            for f in (Filters(), Filters(since="2025-01-10"), Filters(until="2025-02-28", reported_by="PK")):
                where, params = f.where()
                rows_total = db.fetchone(f"SELECT COUNT(*) FROM incidents{where}", params)
                assert rows_total is not None
                assert views.table(db, f)["total"] == rows_total[0]
        finally:
            db.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(version, min_size=1, max_size=6), min_size=1, max_size=6))
def test_deltas_written_once_after_many_batches_equal_an_aggregate_from_scratch(
    batches: list[list[dict[str, Any]]],
) -> None:
    # A long writer (a large sync) gathers the batches' changes in one Deltas and writes them at the end.
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'node.db'}")
        try:
            migrate(db)
            with db.transaction():
                deltas = summary.Deltas()
                for batch in batches:
                    summary.upsert(db, [row(v) for v in batch], deltas=deltas)
                assert snapshot(db) == ([], [])  # nothing written before write()
                deltas.write(db)
            assert snapshot(db) == from_scratch(db)
        finally:
            db.close()


@pytest.mark.parametrize(
    ("since", "until"),
    [(None, None), ("2025-01-01", None), ("2025-01-02", "2025-02-28"), ("2025-01-15", "2025-01-15"),
     ("2024-12-31", "2025-03-01"), ("2025-03-05", "2025-01-01")],
)  # fmt: skip
def test_timeline_and_options_from_summary_equal_the_rows(tmp_path: Path, since: str | None, until: str | None) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'node.db'}")
    try:
        migrate(db)
        versions = [
            {"id": i, "day": MONTHS[i % 5], "place": i % 5, "jitter": i, "party": ["PK", "IR"][i % 2],
             "perpetrator": [None, "BLA", "Jaish al-Adl"][i % 3], "killed_best": i % 4 or None, "killed_low": 1,
             "tlp": "CLEAR"}
            for i in range(6)
        ]  # fmt: skip
        with db.transaction():
            summary.upsert(db, [row(v) for v in versions])
        f = Filters(since=since, until=until)
        where, params = f.where()
        expected = db.fetchall(
            "SELECT SUBSTR(date_start, 1, 7) m, reported_by, COUNT(*), SUM(COALESCE(killed_best, killed_low, 0))"
            f" FROM incidents{where} GROUP BY m, reported_by ORDER BY m, reported_by",
            params,
        )
        assert [(t["month"], t["party"], t["incidents"], t["killed"]) for t in views.timeline(db, f)] == [
            tuple(r) for r in expected
        ]
        o = views.options(db, f)
        span = db.fetchone(f"SELECT MIN(date_start), MAX(date_start) FROM incidents{where}", params)
        assert span is not None
        assert (o["first"], o["last"]) == tuple(span)
        parties = db.fetchall(f"SELECT DISTINCT reported_by FROM incidents{where} ORDER BY 1", params)
        assert o["parties"] == [r[0] for r in parties]
    finally:
        db.close()


def test_publisher_keeps_summaries_when_a_new_version_moves_an_incident(tmp_path: Path) -> None:
    with Node.init(tmp_path / "pk", "PK") as node:
        node.publish([make("a"), make("b", killed=3)])
        # "a" moves month, province and grid cell; "b" changes its figure only
        node.publish([make("a", day="2025-07-02", admin1="Khyber Pakhtunkhwa", lat=34.0, lon=71.5),
                      make("b", killed=7)])  # fmt: skip
        incremental = snapshot(node.db)
        months = [(r[0], r[1], r[4], r[-3], r[-2], r[-1]) for r in incremental[0]]
        assert months == [("2025-04", "PK", "Balochistan", 1, 7, 1), ("2025-07", "PK", "Khyber Pakhtunkhwa", 1, 2, 1)]
        assert incremental == from_scratch(node.db)
        with node.db.transaction():
            node.db.execute("DELETE FROM incident_summary")
            rebuild_incidents(node.db)
        assert snapshot(node.db) == incremental


def test_markers_from_cells_cluster_like_the_rows(tmp_path: Path) -> None:
    with Node.init(tmp_path / "pk", "PK") as node:
        node.publish([make(str(i), lat=28 + i / 100, lon=61 + i / 100, killed=i % 3) for i in range(30)])
        fast = views.markers(node.db, Filters(), zoom=6, bbox=(58, 23, 72, 36), limit=10)
        slow = views.markers(node.db, Filters(near_border=10_000), zoom=6, bbox=(58, 23, 72, 36), limit=10)
        assert fast["mode"] == slow["mode"] == "clusters"
        assert fast["clusters"] == slow["clusters"]
        assert "sampled" not in fast and slow["sampled"] is False
        points = views.markers(node.db, Filters(), zoom=6, bbox=(58, 23, 72, 36), limit=30)
        assert points["mode"] == "points" and points["total"] == 30


@pytest.mark.parametrize("admin1", ["BALOCHISTAN", "sistan and baluchestan", "Nowhere"])
def test_a_province_filter_is_answered_from_the_summary_like_the_rows(tmp_path: Path, admin1: str) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'node.db'}")
    try:
        migrate(db)
        versions = [
            {"id": i, "day": MONTHS[i % 5], "place": i % 5, "jitter": i, "party": ["PK", "IR"][i % 2],
             "perpetrator": None, "killed_best": i % 4 or None, "killed_low": 1, "tlp": "CLEAR"}
            for i in range(10)
        ]  # fmt: skip
        with db.transaction():
            summary.upsert(db, [row(v) for v in versions])
        f = Filters(admin1=admin1).resolved(db)
        found = views._groups(db, f, ("country",))
        assert found is not None, "a resolved province filter should not fall back to the rows"
        where, params = f.where()
        expected = db.fetchall(
            f"SELECT COALESCE(country, ''), COUNT(*) FROM incidents{where} GROUP BY 1 ORDER BY 1", params
        )
        assert sorted((k[0], v[0]) for k, v in found.items()) == [tuple(r) for r in expected]
    finally:
        db.close()
