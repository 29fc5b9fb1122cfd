"""The OpenAPI description covers every route the app serves, so schemathesis fuzzes each of them.

A route added without a description fails here: describe it in :mod:`sarhad.web.openapi` (or
:mod:`sarhad.web.openapi_dashboard`), or, if it answers no JSON that OpenAPI can usefully describe, add it to
:data:`NOT_DESCRIBED` with the reason.
"""

from __future__ import annotations

from starlette.routing import Mount, Route

from sarhad.node import Node
from sarhad.web.app import create_app
from sarhad.web.openapi import OPENAPI_PATH, description

NOT_DESCRIBED: dict[tuple[str, str], str] = {
    ("GET", "/"): "the dashboard's page (HTML, public)",
    ("GET", "/favicon.ico"): "an image (public)",
    ("GET", OPENAPI_PATH): "the description itself",
    ("GET", "/api/stream"): "server-sent events, not JSON",
    ("GET", "/api/dashboard/report"): "the quarterly report, HTML",
    ("GET", "/log/checkpoint"): "a signed note, text/plain",
    ("POST", "/log/witness/add-checkpoint"): "C2SP tlog-witness: text in, text out, the spec's own statuses",
}
"""Routes left out of the description on purpose, and why."""

TAXII_PREFIX = "/taxii2/"
"""TAXII 2.1 speaks application/taxii+json with its own error resource; tests/web/test_taxii.py covers it."""


def _served(node: Node) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for route in create_app(node.settings).routes:
        if isinstance(route, Mount):  # the static files
            continue
        assert isinstance(route, Route), route
        for method in (route.methods or {"GET"}) - {"HEAD"}:
            found.add((method, route.path))
    return found


def _described() -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in description()["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_route_is_described_or_left_out_with_a_reason(node: Node) -> None:
    served = {r for r in _served(node) if not r[1].startswith(TAXII_PREFIX)}
    missing = served - _described() - set(NOT_DESCRIBED)
    assert not missing, f"routes served but not in the OpenAPI description: {sorted(missing)}"


def test_the_description_names_no_route_the_app_does_not_serve(node: Node) -> None:
    ghosts = _described() - _served(node)
    assert not ghosts, f"described but not served: {sorted(ghosts)}"
    stale = set(NOT_DESCRIBED) - _served(node)
    assert not stale, f"left out but not served any more: {sorted(stale)}"
    both = set(NOT_DESCRIBED) & _described()
    assert not both, f"both described and left out: {sorted(both)}"
