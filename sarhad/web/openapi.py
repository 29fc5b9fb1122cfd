"""The OpenAPI 3.0 description of the JSON API, served at ``GET /api/openapi.json``.

The description is public (it is in :data:`sarhad.web.app.PUBLIC_PATHS`): it says what the API takes and
answers and holds no data; every path it describes needs a bearer token. It covers ``/api/incidents`` (list,
create), ``/api/incidents/{incident_id}`` and ``/api/stats``; errors are the one envelope
``{"error": {"code", "message", "field"?}}``. Schemathesis runs against it in ``tests/security``.
"""

from __future__ import annotations

from typing import Any, Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sarhad.store.incidents import GROUPINGS

__all__ = ["NEW_INCIDENT", "OPENAPI_PATH", "description", "routes"]

OPENAPI_PATH: Final = "/api/openapi.json"

_ERROR: Final = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"}},
        }
    },
}


def _error(text: str) -> dict[str, Any]:
    return {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _json(text: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": text, "content": {"application/json": {"schema": schema}}}


_FILTERS: Final = [
    {"name": name, "in": "query", "required": False, "schema": {"type": "string"}, "description": text}
    for name, text in [
        ("since", "first start date, YYYY-MM-DD"),
        ("until", "last start date, YYYY-MM-DD"),
        ("country", "ISO 3166-1 alpha-2 code"),
        ("admin1", "ISO 3166-2 code or province name"),
        ("perpetrator", "armed group"),
        ("reported_by", "party code"),
        ("dataset", "source dataset"),
    ]
] + [{"name": "near_border", "in": "query", "required": False, "schema": {"type": "number", "minimum": 0}}]

_PAGE: Final = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 0, "maximum": 2**53 - 1},
        "description": text,
    }
    for name, text in [("limit", "page size (at most 1000 are returned)"), ("offset", "incidents to skip")]
]

_COMMON_ERRORS: Final = {
    "400": _error("malformed input"),
    "401": _error("no token, or a wrong one"),
    "429": {
        **_error("too many failed authentications from this address: wait and retry"),
        "headers": {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer", "minimum": 1}}},
    },
}

_FIGURES: Final = {"type": "object", "additionalProperties": True}

NEW_INCIDENT: Final[dict[str, Any]] = {
    "type": "object",
    "required": ["source_id", "date_start"],
    "properties": {
        "source_id": {"type": "string", "minLength": 1},
        "date_start": {"type": "string", "format": "date"},
        "date_end": {"type": "string", "format": "date"},
        "date_precision": {"type": "string", "enum": ["day", "month", "year"]},
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "tlp": {"type": "string", "enum": ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]},
        "place": {"type": "object"},
        "attack_types": {"type": "array", "items": {"type": "string"}},
        "target_types": {"type": "array", "items": {"type": "string"}},
        "weapon_types": {"type": "array", "items": {"type": "string"}},
        "perpetrators": {"type": "array", "items": {"type": "object"}},
        "figures": {"type": "array", "items": {"type": "object"}},
        "sources": {"type": "array", "items": {"type": "object"}},
    },
}


def description() -> dict[str, Any]:
    """The OpenAPI document (a fresh dict each call)."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "sarhad JSON API", "version": "1"},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": _ERROR},
        },
        "security": [{"bearer": []}],
        "paths": {
            "/api/incidents": {
                "get": {
                    "summary": "Incidents the principal may read, oldest first (then by id)",
                    "parameters": [*_FILTERS, *_PAGE],
                    "responses": {
                        "200": _json(
                            "a page of incidents",
                            {
                                "type": "object",
                                "required": ["total", "limit", "offset", "incidents"],
                                "properties": {
                                    "total": {"type": "integer", "minimum": 0},
                                    "limit": {"type": "integer", "minimum": 0},
                                    "offset": {"type": "integer", "minimum": 0},
                                    "incidents": {"type": "array", "items": {"type": "object"}},
                                },
                            },
                        ),
                        **_COMMON_ERRORS,
                    },
                },
                "post": {
                    "summary": "Publish an incident of this node's party (analyst or admin)",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": NEW_INCIDENT}},
                    },
                    "responses": {
                        "201": _json(
                            "published",
                            {
                                "type": "object",
                                "required": ["id", "added", "updated"],
                                "properties": {
                                    "id": {"type": "string"},
                                    "added": {"type": "integer"},
                                    "updated": {"type": "integer"},
                                },
                            },
                        ),
                        **_COMMON_ERRORS,
                        "403": _error("the principal may not write"),
                        "413": _error("the body is too large"),
                    },
                },
            },
            "/api/incidents/{incident_id}": {
                "get": {
                    "summary": "One incident as STIX, if the principal may read it",
                    "parameters": [
                        {"name": "incident_id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": _json(
                            "the incident",
                            {
                                "type": "object",
                                "required": ["incident", "origin"],
                                "properties": {"incident": {"type": "object"}, "origin": {"type": "string"}},
                            },
                        ),
                        **_COMMON_ERRORS,
                        "404": _error("no such incident that the principal may read"),
                    },
                }
            },
            "/api/stats": {
                "get": {
                    "summary": "Totals of incidents and figures, optionally grouped",
                    "parameters": [
                        {
                            "name": "by",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "enum": sorted(GROUPINGS)},
                        },
                        *_FILTERS,
                    ],
                    "responses": {"200": _json("the totals", _FIGURES), **_COMMON_ERRORS},
                }
            },
        },
    }


async def openapi(request: Request) -> Response:
    """Public: the OpenAPI description of the JSON API."""
    return JSONResponse(description())


routes: Final = [Route(OPENAPI_PATH, openapi)]
