"""The dashboard's timeline counts an incident whose date is known only to the year (GTD's ``imonth`` 0, UCDP's
``date_prec`` 5) under its year, apart from the months (:func:`sarhad.monitor.views.timeline_years`), never in
the month its range starts in; alike from the summary table and from the rows, through the API, and after
``store rebuild``; on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx

from sarhad.monitor import views
from sarhad.node import Node
from sarhad.store.incidents import Filters
from sarhad.store.rebuild import rebuild_views
from sarhad.web.auth import create_token
from tests.monitor.test_evaluate import make
from tests.web.conftest import serving

INCIDENTS = [
    make("jan", day="2008-01-14", killed=2),
    # GTD's imonth 0: the range is the whole year, starting on 1 January.
    replace(make("year", day="2008-01-01", killed=5), date_end="2008-12-31", date_precision="year"),
    # UCDP's date_prec 5: some time between 21 September and 7 December, the year alone known.
    replace(make("ucdp", day="2022-09-21", killed=None, party="IR"), date_end="2022-12-07", date_precision="year"),
    replace(make("month", day="2022-09-01", killed=1), date_end="2022-09-30", date_precision="month"),
]
MONTHS = [("2008-01", "PK", 1, 2, 1), ("2022-09", "PK", 1, 1, 1)]
YEARS = [("2008", "PK", 1, 5, 1), ("2022", "IR", 1, 0, 0)]


def _timeline(node: Node, filters: Filters) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    months = [
        (m["month"], m["party"], m["incidents"], m["killed"], m["killed_known"])
        for m in views.timeline(node.db, filters)
    ]
    years = [
        (y["year"], y["party"], y["incidents"], y["killed"], y["killed_known"])
        for y in views.timeline_years(node.db, filters)
    ]
    return months, years


def test_the_timeline_counts_a_date_known_only_to_the_year_under_the_year(any_node: Node) -> None:
    any_node.publish(INCIDENTS)
    assert _timeline(any_node, Filters()) == (MONTHS, YEARS)  # from the summary table
    assert _timeline(any_node, Filters(near_border=100)) == (MONTHS, YEARS)  # from the rows
    # The window reads the range's first day, as everywhere: from 2022-09-10 the UCDP row (2022-09-21) is in,
    # from 2022-10 it is not; a window starting inside a month reads that month from the rows.
    assert _timeline(any_node, Filters(since="2022-09-10")) == ([], [YEARS[1]])
    assert _timeline(any_node, Filters(since="2022-09-01")) == ([MONTHS[1]], [YEARS[1]])
    assert _timeline(any_node, Filters(since="2022-10-01")) == ([], [])
    rebuild_views(any_node.db)  # what 'sarhad store rebuild' does
    assert _timeline(any_node, Filters()) == (MONTHS, YEARS)


def test_the_timeline_route_answers_the_years_apart(any_node: Node) -> None:
    any_node.publish(INCIDENTS)
    token = create_token(any_node.db, "val", "viewer", "PK")
    with (
        serving(any_node) as base,
        httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client,
    ):
        answer = client.get("/api/dashboard/timeline")
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert [m["month"] for m in data["months"]] == ["2008-01", "2022-09"]
    assert data["years"] == [
        {"year": "2008", "party": "PK", "incidents": 1, "killed": 5, "killed_known": 1},
        {"year": "2022", "party": "IR", "incidents": 1, "killed": 0, "killed_known": 0},
    ]
