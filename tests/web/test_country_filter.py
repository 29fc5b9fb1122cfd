"""The JSON API's ``country`` filter follows the CLI's ``--country`` rule: an ISO alpha-2 code in any case or a
known name or alpha-3 code, and 400 naming the parameter and what is accepted for anything else (over HTTP,
on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import UCDP_SAMPLE
from tests.web.conftest import ANY_DATABASE, sample_reader, serving

# Every route that takes the incident filters.
ROUTES = (
    "/api/incidents",
    "/api/stats",
    "/api/dashboard/options",
    "/api/dashboard/timeline",
    "/api/dashboard/markers",
    "/api/dashboard/table",
)


@pytest.fixture(scope="module", params=ANY_DATABASE)
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """A served node holding the UCDP sample (incidents in PK and IR), with a viewer's token: one per module and
    database, since the tests taking it only read."""
    with sample_reader(request, tmp_path_factory, "viewer") as c:
        yield c


def _get(client: httpx.Client, route: str, country: str) -> httpx.Response:
    return client.get(route, params={"country": country, **({"limit": 1000} if route == "/api/incidents" else {})})


@pytest.mark.parametrize("route", ROUTES)
def test_a_country_that_names_no_country_is_refused_naming_the_parameter(client: httpx.Client, route: str) -> None:
    answer = _get(client, route, "Narnia")
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["message"].startswith(
        "country 'Narnia' is not a country: expected an ISO 3166-1 alpha-2 code in any case (PK, ir) or one of"
        " these names (or their alpha-3 codes): "
    )
    assert "Afghanistan" in error["message"] and "Pakistan" in error["message"]


@pytest.mark.parametrize("route", ROUTES)
def test_a_country_name_alpha3_code_or_lower_case_code_filters_as_its_code(client: httpx.Client, route: str) -> None:
    for code, others in (("PK", ("pk", "pakistan", "PAK", " Pakistan ")), ("IR", ("ir", "Iran", "irn"))):
        expected = _get(client, route, code)
        assert expected.status_code == 200, expected.text
        for other in others:
            answer = _get(client, route, other)
            assert answer.status_code == 200, (other, answer.text)
            assert answer.json() == expected.json(), (route, other)
    totals = {code: _get(client, "/api/incidents", code).json()["total"] for code in ("PK", "IR")}
    assert totals["PK"] > 0 and totals["IR"] > 0  # the filters compared above each selected something


@pytest.mark.parametrize("route", ROUTES)
def test_a_two_letter_code_iso_has_not_assigned_is_refused(client: httpx.Client, route: str) -> None:
    answer = _get(client, route, "xx")
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["message"].startswith("country 'xx' is not an assigned ISO 3166-1 alpha-2 code: ")
    assert _get(client, route, "de").status_code == 200  # any assigned code: records may come from anywhere


def test_reported_by_takes_a_country_name_as_the_cli_does(any_node: Node) -> None:
    import_file(any_node, "ucdp", UCDP_SAMPLE, reported_by="PK")
    token = create_token(any_node.db, "val", "viewer", "PK")
    with (
        serving(any_node) as base,
        httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as c,
    ):
        counts = {given: c.get("/api/stats", params={"reported_by": given}).json()["incidents"]
                  for given in ("PK", "pk", "pakistan", "PAK")}  # fmt: skip
    assert set(counts.values()) == {37}, counts
