"""The dashboard's alert route checks its window as the other routes do, and no route moves a number it does not
take into range: a ``limit`` (or ``zoom``, ``offset``) outside the route's range is refused with 400 naming it,
on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest


def test_the_alerts_refuse_a_since_after_until_naming_since(client: httpx.Client) -> None:
    answer = client.get("/api/dashboard/alerts", params={"since": "2011-03", "until": "2010"})
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == {
        "code": "invalid_input",
        "message": "since 2011-03-01 is after until 2010-12-31: the window holds no day",
        "field": "since",
    }
    # the same window as the table's: the same words
    assert client.get("/api/dashboard/table", params={"since": "2011-03", "until": "2010"}).json() == answer.json()
    assert client.get("/api/dashboard/alerts", params={"since": "2010-06", "until": "2010-06"}).status_code == 200


@pytest.mark.parametrize(
    ("route", "name", "value", "bounds"),
    [("alerts", "limit", "0", "1..500"), ("alerts", "limit", "501", "1..500"), ("alerts", "limit", "-3", "1..500"),
     ("markers", "limit", "0", "1..5000"), ("markers", "limit", "5001", "1..5000"),
     ("markers", "zoom", "19", "0..18"), ("markers", "zoom", "-1", "0..18"),
     ("table", "limit", "0", "1..500"), ("table", "limit", "501", "1..500"), ("table", "offset", "-1", "0..")],
)  # fmt: skip
def test_a_number_outside_the_routes_range_is_refused_naming_it(
    client: httpx.Client, route: str, name: str, value: str, bounds: str
) -> None:
    answer = client.get(f"/api/dashboard/{route}", params={name: value})
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["field"] == name
    assert error["message"].startswith(f"{name} {value} is outside {bounds}")


@pytest.mark.parametrize(
    ("route", "params"),
    [("alerts", {"limit": "1"}), ("alerts", {"limit": "500"}), ("markers", {"limit": "1", "zoom": "0"}),
     ("markers", {"limit": "5000", "zoom": "18"}), ("table", {"limit": "500", "offset": "0"})],
)  # fmt: skip
def test_a_number_at_the_edge_of_the_routes_range_is_taken(
    client: httpx.Client, route: str, params: dict[str, str]
) -> None:
    assert client.get(f"/api/dashboard/{route}", params=params).status_code == 200
