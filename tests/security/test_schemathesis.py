"""Schemathesis against the JSON API's own OpenAPI description, over HTTP to the app served on loopback.

Bounded for CI (``MAX_EXAMPLES`` generated requests per operation, valid and invalid, plus schemathesis's
coverage cases): no answer is a 5xx, every answer matches the description (status codes, content type, body
schema, headers), and requests that break the description are refused. A 429 from the failure limiter is
documented too. The requests carry an analyst's token, so the create operation really publishes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.web.auth import create_token
from sarhad.web.openapi import description
from tests.conftest import UCDP_SAMPLE
from tests.web.conftest import running

MAX_EXAMPLES = 40


def _without_security(document: dict[str, Any]) -> dict[str, Any]:
    """The description without its security requirement: every request here carries the analyst's token.

    Requests without or with a wrong token are the route-enumeration test's job (``test_access.py``); here they
    would also trip the failure limiter, which then answers 429 to everything from 127.0.0.1.
    """
    document.pop("security")
    document["components"].pop("securitySchemes")
    return document


schema = schemathesis.openapi.from_dict(_without_security(description()))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The app of a PK node holding the UCDP sample, served on 127.0.0.1; (base URL, analyst token)."""
    with Node.init(tmp_path_factory.mktemp("schemathesis") / "pk", "PK") as node:
        import_file(node, "ucdp", UCDP_SAMPLE)
        token = create_token(node.db, "fuzz", "analyst", "PK")
        with running(node) as (base, _server, _thread):
            yield base, token


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_the_json_api_answers_every_generated_request_as_described(
    case: schemathesis.Case[Any], served: tuple[str, str]
) -> None:
    base, token = served
    # A valid request may still be refused for what a schema cannot say (date_end before date_start, a
    # figure's low above its high): the check that every schema-valid request is accepted does not apply.
    case.call_and_validate(
        base_url=base,
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[checks.positive_data_acceptance],
    )
