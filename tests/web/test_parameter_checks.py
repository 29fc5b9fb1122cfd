"""What each web route takes as query parameters, and how a bad one is answered: the dashboard's routes refuse
a parameter they do not take as the JSON API does, the JSON API reads ``since``/``until`` as the CLI does, and
TAXII's error resource names a bad parameter in its ``details``.

On both databases: the window's days and TAXII's ``added_after`` reach SQL, which compares them as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from starlette.routing import Route

from sarhad.node import Node
from sarhad.web.app import create_app
from sarhad.web.dashboard import FILTER_PARAMETERS, TEMPLATES
from sarhad.web.openapi import description
from tests.web.conftest import ANY_DATABASE, TAXII, sample_reader

OBJECTS = "/taxii2/sarhad/collections/incidents/objects/"


@pytest.fixture(scope="module", params=ANY_DATABASE)
def reader(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """An analyst's client of a served node holding the UCDP sample, one per module and database, for the tests
    that only read (the one that stores a rule takes ``client``, a node of its own)."""
    with sample_reader(request, tmp_path_factory, "analyst") as c:
        yield c


def _field_refused(answer: httpx.Response, field: str, *words: str) -> None:
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["field"] == field
    for word in words:
        assert word in error["message"]


# -- the dashboard's allow lists ---------------------------------------------------------------------------
_DASHBOARD_GETS = (
    "whoami", "options", "timeline", "markers", "table", "incidents/incident--none", "alerts", "rules", "log",
    "framework", "report", "layers", "clusters", "clusters/cluster--none",
)  # fmt: skip


def test_every_dashboard_route_refuses_a_parameter_it_does_not_take(client: httpx.Client) -> None:
    for route in _DASHBOARD_GETS:
        taken = {"quarter": "2026-Q1"} if route == "report" else {}
        answer = client.get(f"/api/dashboard/{route}", params={**taken, "bogus": "1"})
        _field_refused(answer, "bogus", "unknown query parameter 'bogus'")
    _field_refused(client.get("/api/stream", params={"token": "x"}), "token", "this route takes none")
    rule = {"name": "near", "near_border_km": 10}
    _field_refused(client.post("/api/dashboard/rules", params={"dry_run": "1"}, json=rule), "dry_run")
    assert client.get("/api/dashboard/rules").json() == {"rules": []}  # nothing stored
    assert client.post("/api/dashboard/rules", json=rule).status_code == 201
    _field_refused(client.delete("/api/dashboard/rules/near", params={"force": "1"}), "force")
    assert [r["name"] for r in client.get("/api/dashboard/rules").json()["rules"]] == ["near"]


def test_the_dashboard_routes_still_take_every_parameter_they_list(reader: httpx.Client) -> None:
    filters = {"since": "2010-01-01", "until": "2011-12-31", "country": "PK", "admin1": "", "perpetrator": "",
               "party": "", "near_border": "1000"}  # fmt: skip
    for route, extra in [("options", {}), ("timeline", {}), ("markers", {"zoom": "6", "bbox": "58,23,72,36",
                         "limit": "10"}), ("table", {"limit": "5", "offset": "0"}),
                         ("clusters", {"disagreements": "false", "limit": "5", "offset": "0"})]:  # fmt: skip
        answer = reader.get(f"/api/dashboard/{route}", params={**filters, **extra})
        assert answer.status_code == 200, (route, answer.text)
    answer = reader.get("/api/dashboard/alerts", params={"since": "2010", "until": "2011-06", "limit": "5"})
    assert answer.status_code == 200, answer.text


def test_the_pages_filters_are_what_the_dashboard_routes_take() -> None:
    form = (TEMPLATES / "dashboard.html").read_text(encoding="utf-8").split('id="filters"', 1)[1].split("</form>")[0]
    sent = set(re.findall(r'name="([a-z0-9_]+)"', form)) - {"colour"}  # the page keeps the colour to itself
    assert sent == set(FILTER_PARAMETERS)


def _query_names(operation: dict[str, Any]) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}


def test_the_openapi_description_lists_each_routes_allow_list(node: Node) -> None:
    paths = description()["paths"]
    checked = 0
    for route in create_app(node.settings).routes:
        takes = getattr(getattr(route, "endpoint", None), "query_parameters", None)
        if not isinstance(route, Route) or takes is None or route.path not in paths:
            continue
        for method in (route.methods or {"GET"}) - {"HEAD"}:
            assert _query_names(paths[route.path][method.lower()]) == set(takes), (method, route.path)
            checked += 1
    assert checked >= 15
    for path, params in [("/api/incidents", {"country", "limit", "offset", "after", "near_border"}),
                         ("/api/stats", {"by", "since", "dataset"})]:  # fmt: skip
        assert params <= _query_names(paths[path]["get"])


# -- the JSON API's window -----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/incidents", "/api/stats"])
@pytest.mark.parametrize("value", ["yesterday", "2024-13", "2024-02-30", "0000", "20250101", "2024/01/05"])
def test_the_json_api_refuses_a_since_or_until_that_is_no_date(reader: httpx.Client, path: str, value: str) -> None:
    for name in ("since", "until"):
        _field_refused(reader.get(path, params={name: value}), name, value, "YYYY, YYYY-MM or YYYY-MM-DD")


def _total(reader: httpx.Client, path: str, **window: str) -> int:
    answer = reader.get(path, params=window)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    return int(data["total"] if path == "/api/incidents" else data["incidents"])


@pytest.mark.parametrize("path", ["/api/incidents", "/api/stats"])
def test_the_json_api_reads_a_year_or_a_month_as_the_cli_does(reader: httpx.Client, path: str) -> None:
    # The sample: 11 incidents before 2010, 7 in 2010 (one in December), 2 in March 2011.
    assert _total(reader, path, until="2010") == _total(reader, path, until="2010-12-31") == 18
    assert _total(reader, path, since="2010-12", until="2011-03") == 3
    assert _total(reader, path, since="2010", until="2010") == 7


@pytest.mark.parametrize("path", ["/api/incidents", "/api/stats"])
def test_the_json_api_refuses_a_since_after_its_until(reader: httpx.Client, path: str) -> None:
    answer = reader.get(path, params={"since": "2011", "until": "2010-06"})
    _field_refused(answer, "since", "since 2011-01-01 is after until 2010-06-30")
    assert _total(reader, path, since="2010-06-28", until="2010-06") == 1  # a window of days to its end


# -- TAXII's error resource ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "value"),
    [("limit", "ten"), ("limit", "0"), ("next", "page-2"), ("added_after", "yesterday"),
     ("added_after", "2024-02-30T00:00:00Z"), ("match[version]", "newest")],
)  # fmt: skip
def test_taxii_names_a_bad_query_parameter_in_the_error_details(reader: httpx.Client, name: str, value: str) -> None:
    answer = reader.get(OBJECTS, params={name: value}, headers=TAXII)
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"] == "application/taxii+json;version=2.1"
    error = answer.json()
    assert error["details"] == {"field": name}
    assert error["http_status"] == "400" and error["title"] == "Bad request"
    assert name in error["description"]


def test_taxii_reads_added_after_as_an_instant_whatever_its_offset(reader: httpx.Client) -> None:
    everything = reader.get(OBJECTS, headers=TAXII)
    last = datetime.fromisoformat(everything.headers["X-TAXII-Date-Added-Last"])
    in_new_york = last.astimezone(timezone(timedelta(hours=-5))).isoformat(timespec="milliseconds")
    assert reader.get(OBJECTS, params={"added_after": in_new_york}, headers=TAXII).json() == {"more": False}
    a_second_before = (last - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")  # no fraction
    page = reader.get(OBJECTS, params={"added_after": a_second_before}, headers=TAXII).json()
    assert len(page["objects"]) == len(everything.json()["objects"])
