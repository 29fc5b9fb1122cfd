"""Query parameters the dashboard and log routes refuse with 400 naming the parameter (found by schemathesis
against the OpenAPI description): never a 500, never a value that reaches SQL out of range.

On both databases: a page number past what a database integer holds was a storage error (500) on each.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.web.conftest import ANY_DATABASE, sample_reader


@pytest.fixture(scope="module", params=ANY_DATABASE)
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """An analyst's client of a served node holding the UCDP sample, one per module and database: every test
    here only reads (a refused request stores nothing; the one that asserts so looks at rules, which no test
    here adds)."""
    with sample_reader(request, tmp_path_factory, "analyst") as c:
        yield c


def _refused(response: httpx.Response, *words: str) -> None:
    assert response.status_code == 400, response.text
    message = response.json()["error"]["message"]
    for word in words:
        assert word in message


@pytest.mark.parametrize(
    "route", ["options", "timeline", "markers", "table", "clusters"], ids=lambda r: f"/api/dashboard/{r}"
)
@pytest.mark.parametrize("value", ["-1", "nan", "inf", "-inf"])
def test_dashboard_routes_refuse_a_near_border_that_is_no_distance(
    client: httpx.Client, route: str, value: str
) -> None:
    _refused(client.get(f"/api/dashboard/{route}", params={"near_border": value}), "near_border", value)


@pytest.mark.parametrize("value", ["2024-1x-05", "abcd-ef-gh", "2024/01/05"])
def test_dashboard_routes_refuse_a_since_that_is_no_date(client: httpx.Client, value: str) -> None:
    _refused(client.get("/api/dashboard/table", params={"since": value}), "since", "YYYY-MM-DD")
    _refused(client.get("/api/dashboard/timeline", params={"until": value}), "until", "YYYY-MM-DD")


def test_dashboard_routes_still_take_an_empty_filter_and_a_date(client: httpx.Client) -> None:
    answer = client.get("/api/dashboard/table", params={"since": "", "until": "2030-01-01", "admin1": ""})
    assert answer.status_code == 200, answer.text
    assert answer.json()["total"] == 37


def test_the_table_refuses_an_offset_past_a_database_integer(client: httpx.Client) -> None:
    _refused(client.get("/api/dashboard/table", params={"offset": str(2**63)}), "offset", "outside")
    assert client.get("/api/dashboard/table", params={"offset": str(2**53 - 1)}).json()["rows"] == []


@pytest.mark.parametrize("value", ["nan,0,1,1", "0,0,inf,1", "-inf,0,1,1"])
def test_markers_refuse_a_bbox_that_is_not_finite(client: httpx.Client, value: str) -> None:
    _refused(client.get("/api/dashboard/markers", params={"zoom": "6", "bbox": value}), "bbox")


@pytest.mark.parametrize("name", ["start", "end"])
def test_log_entries_refuse_a_leaf_past_a_database_integer(client: httpx.Client, name: str) -> None:
    _refused(client.get("/log/entries", params={name: str(2**63)}), name, "outside")


def test_log_entries_from_the_last_database_integer_are_none(client: httpx.Client) -> None:
    answer = client.get("/log/entries", params={"start": str(2**63 - 1)})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"entries": []}


@pytest.mark.parametrize("route", ["options", "timeline", "markers", "table"], ids=lambda r: f"/api/dashboard/{r}")
@pytest.mark.parametrize("value", ["9193-60-66", "2024-02-30", "2024-00-10"])
def test_dashboard_routes_refuse_a_day_that_does_not_exist(client: httpx.Client, route: str, value: str) -> None:
    _refused(client.get(f"/api/dashboard/{route}", params={"until": value}), "until", value)


@pytest.mark.parametrize(
    ("route", "name"),
    [("table", "near_border"), ("table", "limit"), ("table", "offset"), ("markers", "zoom"), ("markers", "limit"),
     ("alerts", "limit"), ("clusters", "near_border"), ("clusters", "limit"), ("clusters", "offset")],
)  # fmt: skip
def test_dashboard_routes_refuse_an_empty_number_as_the_json_api_does(
    client: httpx.Client, route: str, name: str
) -> None:
    _refused(client.get(f"/api/dashboard/{route}", params={name: ""}), name)


@pytest.mark.parametrize("value", ["0000", "0000-01", " 202", "+202", "20250101", "2025-W01-1"])
def test_the_alerts_window_refuses_what_is_not_yyyy_yyyy_mm_or_yyyy_mm_dd(client: httpx.Client, value: str) -> None:
    for name in ("since", "until"):
        answer = client.get("/api/dashboard/alerts", params={name: value})
        _refused(answer, name, "YYYY, YYYY-MM or YYYY-MM-DD")
        assert answer.json()["error"]["field"] == name


def test_a_rule_with_a_negative_surge_minimum_is_refused_and_not_stored(client: httpx.Client) -> None:
    rule = {"name": "surge", "surge_window_days": 7, "surge_factor": 2.0, "surge_min_count": -1}
    _refused(client.post("/api/dashboard/rules", json=rule), "surge_min_count")
    assert client.get("/api/dashboard/rules").json() == {"rules": []}


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [("/api/incidents", {"contry": "PK"}, "contry"), ("/api/stats", {"by": "year", "sinse": "2020"}, "sinse"),
     ("/api/incidents", {"near_border": "far"}, "near_border"), ("/api/stats", {"near_border": "-5"}, "near_border"),
     ("/api/incidents", {"country": "Narnia"}, "country"), ("/api/stats", {"country": "xx"}, "country"),
     ("/api/incidents", {"limit": "ten"}, "limit"), ("/api/incidents", {"offset": str(2**63)}, "offset"),
     ("/api/incidents", {"after": "not-a-cursor"}, "after"), ("/api/stats", {"by": "mnth"}, "by")],
    ids=["unknown", "unknown-stats", "near_border-nan", "near_border-negative", "country-name", "country-code",
         "limit", "offset", "after", "by"],
)  # fmt: skip
def test_the_json_api_names_the_one_parameter_at_fault(
    client: httpx.Client, path: str, params: dict[str, str], field: str
) -> None:
    answer = client.get(path, params=params)
    _refused(answer, field)
    assert answer.json()["error"]["field"] == field


@pytest.mark.parametrize(
    ("route", "params", "field"),
    [("table", {"since": "2024-1x-05"}, "since"), ("timeline", {"until": "2024-02-30"}, "until"),
     ("options", {"since": "2024/01/05"}, "since"), ("table", {"near_border": "far"}, "near_border"),
     ("table", {"near_border": "-5"}, "near_border"), ("table", {"country": "Narnia"}, "country"),
     ("table", {"limit": "ten"}, "limit"), ("table", {"offset": "ten"}, "offset"),
     ("table", {"offset": str(2**63)}, "offset"), ("markers", {"zoom": "six"}, "zoom"),
     ("markers", {"bbox": "0,0,1"}, "bbox"), ("markers", {"bbox": "nan,0,1,1"}, "bbox"),
     ("markers", {"bbox": "1,0,0,1"}, "bbox"), ("alerts", {"limit": "ten"}, "limit")],
    ids=["since-table", "until-timeline", "since-options", "near_border-nan", "near_border-negative", "country",
         "limit", "offset-text", "offset-past", "zoom", "bbox-shape", "bbox-nan", "bbox-min-max", "alerts-limit"],
)  # fmt: skip
def test_dashboard_routes_name_the_one_parameter_at_fault(
    client: httpx.Client, route: str, params: dict[str, str], field: str
) -> None:
    answer = client.get(f"/api/dashboard/{route}", params=params)
    _refused(answer, field)
    assert answer.json()["error"].get("field") == field
