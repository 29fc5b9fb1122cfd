"""The dashboard's and the joint picture's window filters take what the JSON API and the CLI take: ``since`` and
``until`` as YYYY, YYYY-MM or YYYY-MM-DD (a year or month standing for its first day after ``since`` and its last
before ``until``), and refuse a ``since`` after ``until`` (a window that holds no day) with 400 naming ``since``.

On both databases; the UCDP sample has 6 incidents from January to June 2010 and 7 in all of 2010.
"""

from __future__ import annotations

import re

import httpx
import pytest

from sarhad.web.openapi import description

ROUTES = ("options", "timeline", "markers", "table", "clusters")


def _total(client: httpx.Client, **window: str) -> int:
    answer = client.get("/api/dashboard/table", params=window)
    assert answer.status_code == 200, answer.text
    total: int = answer.json()["total"]
    return total


def test_the_dashboards_window_takes_a_month_or_a_year_as_the_json_api_does(client: httpx.Client) -> None:
    assert _total(client, since="2010-01", until="2010-06") == 6
    assert _total(client, since="2010-01-01", until="2010-06-30") == 6
    assert _total(client, since="2010", until="2010") == 7
    api = client.get("/api/incidents", params={"since": "2010-01", "until": "2010-06"}).json()
    assert api["total"] == 6
    for route in ROUTES:
        answer = client.get(f"/api/dashboard/{route}", params={"since": "2010-01", "until": "2010"})
        assert answer.status_code == 200, (route, answer.text)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"/api/dashboard/{r}")
def test_the_dashboards_window_refuses_a_since_after_until(client: httpx.Client, route: str) -> None:
    answer = client.get(f"/api/dashboard/{route}", params={"since": "2011-03", "until": "2010"})
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == {
        "code": "invalid_input",
        "message": "since 2011-03-01 is after until 2010-12-31: the window holds no day",
        "field": "since",
    }
    # the JSON API says the same of the same window
    same = client.get("/api/incidents", params={"since": "2011-03", "until": "2010"})
    assert same.json()["error"] == answer.json()["error"]


def test_the_description_publishes_the_dashboards_window_forms() -> None:
    document = description()
    for path in ("/api/dashboard/table", "/api/dashboard/clusters"):
        parameters = {p["name"]: p["schema"] for p in document["paths"][path]["get"]["parameters"]}
        for name in ("since", "until"):
            pattern = parameters[name]["pattern"]
            for value in ("", "2010", "2010-06", "2010-06-30"):
                assert re.search(pattern, value), (path, name, value)
            assert not re.search(pattern, "2010/06"), (path, name)
