"""The dashboard's answers carry each date's precision, and the joint picture dates a cluster as its reports do.

Over real HTTP on SQLite and PostgreSQL: an incident's row (the table's, a map point's, the detail's, an alert's
incident) carries ``date_end`` and ``date_precision`` beside ``date_start``, so that the page shows a date known
only to the year as ``2019``, as ``sarhad incidents list`` does, not as 1 January. A cluster's ``date`` is its
most exactly dated reports' date when the reports agree, and the span from the earliest to the latest report's
date when they do not, with the precision (``sarhad.web.clusters``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from sarhad.model.incident import Incident
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from sarhad.reconcile.store import reconcile
from sarhad.web.auth import create_token
from tests.reconcile.helpers import report
from tests.web.conftest import serving

_TURBAT = {
    "lat": 26.0031, "lon": 63.0544, "geo": "exact", "admin1": "PK-BA", "place": "Turbat", "attack": "Armed Assault",
    "perpetrator": "Balochistan Liberation Army", "killed": 7, "wounded": 3,
    "summary": "Gunmen attacked a bus of labourers near Turbat; 7 killed",
}  # fmt: skip
# GTD's imonth 0: the year alone; a party's report known to the month; one known to the day
YEAR = report("GTD", "g-2019", "2019-01-01", end="2019-12-31", precision="year", place="Panjgur", lat=26.97, lon=64.09)
MONTH = report("PK", "pk-2019-03", "2019-03-01", end="2019-03-31", precision="month", place="Mand", lat=26.08,
               lon=62.17)  # fmt: skip
DAY = report("IR", "ir-2019-05-20", "2019-05-20", place="Rask", lat=26.24, lon=61.40)
# One attack that IR dates three days after PK: reconciliation puts them in one cluster, flagged date_disagree
LATE = [report("PK", "PK-2024-301", "2024-04-10", **_TURBAT), report("IR", "IR-1403-12", "2024-04-13", **_TURBAT)]  # type: ignore[arg-type]
# One attack in Gwadar that PK dates to the day, UCDP to the month and GTD to the year: the dates agree
_GWADAR = {**_TURBAT, "lat": 25.1264, "lon": 62.3225, "place": "Gwadar"}
AGREE = [
    report("PK", "PK-2024-611", "2024-06-11", **_GWADAR),  # type: ignore[arg-type]
    report("UCDP", "u-2024-06", "2024-06-01", end="2024-06-30", precision="month", **_GWADAR),  # type: ignore[arg-type]
    report("GTD", "g-2024", "2024-01-01", end="2024-12-31", precision="year", **_GWADAR),  # type: ignore[arg-type]
]


@dataclass
class Api:
    node: Node
    client: httpx.Client

    def get(self, path: str, **params: str) -> dict[str, Any]:
        answer = self.client.get(path, params=params)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body


def _api(node: Node, incidents: list[Incident]) -> Iterator[Api]:
    token = create_token(node.db, "desk", "analyst", "PK")
    node.publish(incidents)
    with (
        serving(node) as base,
        httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client,
    ):
        yield Api(node, client)


@pytest.fixture
def api(any_node: Node) -> Iterator[Api]:
    add_rule(any_node.db, Rule(name="anywhere", near_border_km=1000))
    yield from _api(any_node, [YEAR, MONTH, DAY])


def _dates(row: dict[str, Any]) -> tuple[object, object, object]:
    return row["date_start"], row["date_end"], row["date_precision"]


EXPECTED = {
    YEAR.id: ("2019-01-01", "2019-12-31", "year"),
    MONTH.id: ("2019-03-01", "2019-03-31", "month"),
    DAY.id: ("2019-05-20", "2019-05-20", "day"),
}


def test_the_table_and_the_maps_points_carry_each_dates_precision(api: Api) -> None:
    rows = api.get("/api/dashboard/table")["rows"]
    assert {r["id"]: _dates(r) for r in rows} == EXPECTED
    points = api.get("/api/dashboard/markers", zoom="6")["points"]
    assert {r["id"]: _dates(r) for r in points} == EXPECTED


def test_the_detail_and_the_alerts_carry_each_dates_precision(api: Api) -> None:
    detail = api.get(f"/api/dashboard/incidents/{YEAR.id}")["incident"]
    assert _dates(detail) == EXPECTED[YEAR.id]
    alerts = api.get("/api/dashboard/alerts")["alerts"]
    assert {a["incident_id"]: _dates(a["incident"]) for a in alerts} == EXPECTED


@pytest.fixture
def late(any_node: Node) -> Iterator[Api]:
    yield from _api(any_node, [*LATE, *AGREE, YEAR, MONTH])


def test_a_clusters_date_is_the_span_of_its_reports_dates_when_they_disagree(late: Api) -> None:
    reconcile(late.node.db, "PK")
    body = late.get(f"/api/dashboard/clusters/{LATE[0].id}")
    assert "date_disagree" in body["flags"]
    assert body["date"] == {"start": "2024-04-10", "end": "2024-04-13", "precision": "day", "agree": False}
    assert body["date_start"] == "2024-04-10"  # the earliest report's, as `sarhad clusters list` orders them
    listed = late.get("/api/dashboard/clusters")["clusters"]
    mine = [c for c in listed if c["cluster_id"] == body["cluster_id"]]
    assert [c["date"] for c in mine] == [body["date"]]


def test_a_clusters_date_is_its_most_exactly_dated_reports_when_the_dates_agree(late: Api) -> None:
    reconcile(late.node.db, "PK")
    body = late.get(f"/api/dashboard/clusters/{AGREE[2].id}")
    assert len(body["records"]) == 3 and "date_disagree" not in body["flags"]
    # not 1 January, the year-only report's first day: the day PK gives, which the others' month and year hold
    assert body["date"] == {"start": "2024-06-11", "end": "2024-06-11", "precision": "day", "agree": True}


def test_a_clusters_date_known_only_to_the_year_or_month_says_so(late: Api) -> None:
    reconcile(late.node.db, "PK")
    year = late.get(f"/api/dashboard/clusters/{YEAR.id}")["date"]
    assert year == {"start": "2019-01-01", "end": "2019-12-31", "precision": "year", "agree": True}
    month = late.get(f"/api/dashboard/clusters/{MONTH.id}")["date"]
    assert month == {"start": "2019-03-01", "end": "2019-03-31", "precision": "month", "agree": True}
