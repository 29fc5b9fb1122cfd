"""The OpenAPI 3.0 description of the JSON API, served at ``GET /api/openapi.json``.

The description is public (it is in :data:`sarhad.web.app.PUBLIC_PATHS`): it says what the API takes and
answers and holds no data; every path it describes needs a bearer token except ``/health``. It covers every
JSON route: ``/api/incidents`` (list, create), ``/api/incidents/{incident_id}``, ``/api/stats``,
``/api/disputes``, the log's proofs, entries and cosignatures, and the dashboard's ``/api/dashboard/…``
(:mod:`sarhad.web.openapi_dashboard`). Errors are the one envelope ``{"error": {"code", "message", "field"?}}``.
Schemathesis runs against it in ``tests/security``, and a test there fails when the app serves a route the
description does not name (TAXII, the page, the event stream and the text routes are left out, each with its
reason).
"""

from __future__ import annotations

import copy
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sarhad._internal.dates import WINDOW_DAY_PATTERN
from sarhad.formats.stix import extension_schema
from sarhad.model.codes import ATTACK_TYPES, TARGET_TYPES, WEAPON_TYPES
from sarhad.store.incidents import GROUPINGS
from sarhad.web import openapi_dashboard
from sarhad.web.disputes import QUARTER_PATTERN
from sarhad.web.logapi import MAX_LOG_NUMBER

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


_WINDOW: Final = [
    {"name": name, "in": "query", "required": False, "description": text,
     "schema": {"type": "string", "pattern": f"^$|{WINDOW_DAY_PATTERN}"}}
    for name, text in [
        ("since", "first start date: YYYY, YYYY-MM or YYYY-MM-DD (a year or month: its first day; empty: none)"
         "; after until: 400"),
        ("until", "last start date: YYYY, YYYY-MM or YYYY-MM-DD (a year or month: its last day; empty: none)"),
    ]
]  # fmt: skip
"""``since`` and ``until`` as the CLI's ``--since`` and ``--until`` take them."""
_FILTERS: Final = (
    _WINDOW
    + [
        {"name": name, "in": "query", "required": False, "schema": {"type": "string"}, "description": text}
        for name, text in [
            (
                "country",
                "assigned ISO 3166-1 alpha-2 code in any case, or a country name or alpha-3 code (400 otherwise)",
            ),
            ("admin1", "ISO 3166-2 code or province name"),
            ("perpetrator", "armed group"),
            ("reported_by", "party code"),
            ("dataset", "source dataset"),
        ]
    ]
    + [{"name": "near_border", "in": "query", "required": False, "schema": {"type": "number", "minimum": 0}}]
)

_PAGE: Final = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 0, "maximum": 2**53 - 1},
        "description": text,
    }
    for name, text in [("limit", "page size (at most 1000 are returned)"), ("offset", "incidents to skip")]
] + [
    {
        "name": "after",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "maxLength": 1024},
        "description": "the 'next' cursor of the previous page: the page right after it, at the same cost however"
        " deep (not with offset)",
    }
]

_COMMON_ERRORS: Final = {
    "400": _error("malformed input"),
    "401": _error("no token, or a wrong one"),
    "429": {
        **_error("too many failed authentications from this address: wait and retry"),
        "headers": {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer", "minimum": 1}}},
    },
}

_COUNT: Final = {"type": "integer", "minimum": 0}

_MEASURE: Final = {
    "type": "object",
    "required": ["low", "best", "high", "unknown", "range"],
    "properties": {
        "low": {**_COUNT, "description": "the sum of the stored lows (a source giving one figure gives none)"},
        "best": {**_COUNT, "description": "the sum of the stored bests"},
        "high": {**_COUNT, "description": "the sum of the stored highs (a source giving one figure gives none)"},
        "unknown": {**_COUNT, "description": "incidents with no best (in no sum when they give no figure)"},
        "range": {
            "type": "object",
            "required": ["low", "high"],
            "properties": {"low": _COUNT, "high": _COUNT},
            "description": "the range of the total: the sums of each incident's smallest and largest figure (a"
            " single figure is its own low and high)",
        },
    },
}

_TOTALS: Final = {"incidents": _COUNT, "killed": _MEASURE, "wounded": _MEASURE}

_STATS: Final = {
    "type": "object",
    "required": ["incidents", "killed", "wounded"],
    "properties": {
        **_TOTALS,
        "by": {"type": "string", "description": "the grouping asked for"},
        "groups": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "incidents", "killed", "wounded"],
                "properties": {"key": {"type": "string", "nullable": True}, **_TOTALS},
            },
        },
    },
}

_CITED: Final = {
    "type": "object",
    "required": ["id", "readable"],
    "properties": {
        "id": {"type": "string"},
        "readable": {"type": "boolean", "description": "false: withheld, the principal may not read it"},
        "party": {"type": "string", "nullable": True},
        "tlp": {"type": "string", "nullable": True},
        "code": {"type": "string", "description": "readable evidence: its code, title, kind and file SHA-256"},
        "logged_sha256": {
            "type": "string",
            "nullable": True,
            "description": "withheld evidence: the SHA-256 of its record as the log shows it",
        },
    },
}

_DISPUTE: Final = {
    "type": "object",
    "required": ["id", "code", "status", "positions"],
    "properties": {
        "id": {"type": "string"},
        "code": {"type": "string"},
        "status": {"type": "string"},
        "cluster": {
            "type": "string",
            "nullable": True,
            "description": "a dispute about an incident of the joint picture: the cluster it was opened about",
        },
        "reports": {
            "type": "array",
            "description": "a dispute about the joint picture: the reports it names, each with the version read when"
            " it was opened",
            "items": {
                "type": "object",
                "required": ["id", "version"],
                "properties": {"id": {"type": "string"}, "version": {"type": "string"}},
            },
        },
        "positions": {
            "type": "object",
            "description": "by party: its position's text, date, evidence_refs and the evidence as cited",
            "additionalProperties": {
                "type": "object",
                "properties": {"text": {"type": "string"}, "evidence": {"type": "array", "items": _CITED}},
            },
        },
    },
}


_TRIPLE: Final = {
    "type": "object",
    "properties": {k: {"type": "integer", "nullable": True} for k in ("low", "best", "high")},
    "description": "low, best and high; null: unknown (no source gave it)",
}

_CLUSTER: Final[dict[str, Any]] = {
    "type": "object",
    "required": ["cluster_id", "date_start", "members", "killed", "wounded", "flags", "flag_details"],
    "properties": {
        "cluster_id": {"type": "string"},
        "date_start": {"type": "string", "description": "the earliest report's first day (the list's order)"},
        "date": {
            "type": "object",
            "required": ["start", "end", "precision", "agree"],
            "properties": {
                "start": {"type": "string", "format": "date"},
                "end": {"type": "string", "format": "date"},
                "precision": {"type": "string", "description": "of the most exactly dated reports"},
                "agree": {"type": "boolean"},
            },
            "description": "when it happened: the most exactly dated reports' date when the reports' dates agree,"
            " else the span from the earliest to the latest (a month or year stands for its days)",
        },
        "members": {"type": "array", "items": {"type": "object"}, "description": "the reports the principal may read"},
        "parties": {"type": "array", "items": {"type": "string"}},
        "killed": {**_TRIPLE, "description": "the joint figure: the range across the sources, the consensus best"},
        "wounded": _TRIPLE,
        "killed_by_party": {"type": "object", "additionalProperties": _TRIPLE},
        "killed_zero_ambiguous_by_party": {
            "type": "array",
            "items": {"type": "string"},
            "description": "the sources (keyed as in killed_by_party) whose only killed figure is a 0 they give for"
            " none and for no information alike (ACLED's fatalities): left out of the joint figure and of"
            " killed_by_party; the page shows it as 0?",
        },
        "flags": {"type": "array", "items": {"type": "string"}},
        "flag_details": {"type": "array", "items": {"type": "object"}, "description": "each flag in words"},
        "to_review": {
            "type": "boolean",
            "description": "in the list: the cluster's detail shows the principal an"
            " analyst decision to review (a record it names was corrected materially since)",
        },
    },
}

_CLUSTER_FILTERS: Final = _WINDOW + [
    {"name": name, "in": "query", "required": False, "schema": {"type": "string"}, "description": text}
    for name, text in [
        ("country", "country code or name"),
        ("admin1", "ISO 3166-2 code or province name"),
        ("perpetrator", "armed group"),
        ("party", "party code: clusters with a report of that party"),
    ]
] + [
    {"name": "near_border", "in": "query", "required": False, "schema": {"type": "number", "minimum": 0}},
    {"name": "disagreements", "in": "query", "required": False, "schema": {"type": "string", "enum": ["true", "false"]},
     "description": "true: only clusters whose sources disagree"},
    {"name": "to_review", "in": "query", "required": False, "schema": {"type": "string", "enum": ["true", "false"]},
     "description": "true: only clusters whose detail shows the principal an analyst decision to review"},
    {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
    {"name": "offset", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}},
]  # fmt: skip


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """``node`` with every ``{"$ref": "#/$defs/NAME"}`` replaced by the definition (OpenAPI 3.0 has no $defs)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def _new_incident() -> dict[str, Any]:
    """The body of ``POST /api/incidents`` as JSON Schema, its nested parts taken from the extension's schema.

    Figures are asserted by the node's party under the ``party_official`` rule unless another ``rule`` is given;
    a body cannot assert a figure for someone else (``asserted_by`` is not accepted).
    """
    ext = extension_schema()
    props = _inline(ext["properties"], ext.get("$defs", {}))
    figure = copy.deepcopy(props["figures"]["items"])
    figure["required"] = ["measure", "category"]
    del figure["properties"]["asserted_by"]
    perpetrator = copy.deepcopy(props["perpetrators"]["items"])
    perpetrator["required"] = ["name"]
    strings = {"type": "array", "items": {"type": "string", "minLength": 1}}
    recipients = copy.deepcopy(props["recipients"])
    del recipients["minItems"]  # an empty list names no one, as leaving it out does
    return {
        "type": "object",
        "required": ["source_id", "date_start"],
        "additionalProperties": False,
        "properties": {
            "source_id": {"type": "string", "minLength": 1, "maxLength": 200},
            "date_start": {"type": "string", "format": "date"},
            "date_end": {"type": "string", "format": "date"},
            "date_precision": props["date_precision"],
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "tlp": {"type": "string", "enum": ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]},
            "recipients": recipients,
            "place": props["place"],
            # the GTD code lists' names, as the importers store them and the report form offers them
            "attack_types": {"type": "array", "items": {"type": "string", "enum": list(ATTACK_TYPES.values())}},
            "target_types": {"type": "array", "items": {"type": "string", "enum": list(TARGET_TYPES.values())}},
            "weapon_types": {"type": "array", "items": {"type": "string", "enum": list(WEAPON_TYPES.values())}},
            "perpetrators": {"type": "array", "items": perpetrator},
            "figures": {"type": "array", "items": figure},
            "sources": strings,
        },
    }


def _openapi30(node: Any) -> Any:
    """A JSON Schema in OpenAPI 3.0's dialect: ``"type": [T, "null"]`` becomes ``"type": T, "nullable": true``."""
    if isinstance(node, dict):
        out = {k: _openapi30(v) for k, v in node.items()}
        kind = out.get("type")
        if isinstance(kind, list) and "null" in kind and len(kind) == 2:
            out["type"] = next(k for k in kind if k != "null")
            out["nullable"] = True
        if "enum" in out and "type" not in out:
            out["type"] = "string"
        return out
    if isinstance(node, list):
        return [_openapi30(v) for v in node]
    return node


NEW_INCIDENT: Final[dict[str, Any]] = _new_incident()
"""The JSON Schema a ``POST /api/incidents`` body must meet (the API checks it; the description publishes it)."""


def _size(name: str, text: str, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_LOG_NUMBER},
        "description": text,
    }


_HASHES: Final = {"type": "array", "items": {"type": "string", "format": "byte"}, "description": "base64"}


def _log_paths() -> dict[str, Any]:
    """The log's JSON routes (:mod:`sarhad.web.logapi`); its signed notes are text, not described here."""
    return {
        "/log/proof/inclusion": {
            "get": {
                "summary": "The inclusion proof of a leaf (by index, or by object id and version) in a tree size",
                "parameters": [
                    _size("index", "the leaf's index (required unless id is given)"),
                    _size("size", "the tree's size (default: the latest checkpoint's)"),
                    {
                        "name": "id",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "an object's id: its latest logged version's leaf (instead of index)",
                    },
                    {
                        "name": "version",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "with id: that version's leaf",
                    },
                ],
                "responses": {
                    "200": _json(
                        "the proof",
                        {
                            "type": "object",
                            "required": ["index", "size", "hashes"],
                            "properties": {"index": _COUNT, "size": _COUNT, "hashes": _HASHES},
                        },
                    ),
                    "404": _error("no signed checkpoint yet, or the object is not in the log"),
                    **_COMMON_ERRORS,
                },
            }
        },
        "/log/proof/consistency": {
            "get": {
                "summary": "The consistency proof between two tree sizes",
                "parameters": [_size("old", "the older size", True), _size("new", "the newer size", True)],
                "responses": {
                    "200": _json(
                        "the proof",
                        {
                            "type": "object",
                            "required": ["old", "new", "hashes"],
                            "properties": {"old": _COUNT, "new": _COUNT, "hashes": _HASHES},
                        },
                    ),
                    **_COMMON_ERRORS,
                },
            }
        },
        "/log/entries": {
            "get": {
                "summary": "The envelopes and leaf hashes of the leaves start..end-1 (at most 10000), and with"
                " objects the bodies the principal may read, by log index",
                "parameters": [
                    _size("start", "the first leaf (default 0)"),
                    _size("end", "after the last leaf (default and at most start + 10000)"),
                    {
                        "name": "objects",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["1", "true", "0", "false"]},
                        "description": "1 or true: the bodies too (0 or false, or absent: not)",
                    },
                    {
                        "name": "bodies",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["text", "json"]},
                        "description": "text: each body as a JSON string of its stored canonical JSON (json, or"
                        " absent: as a JSON object)",
                    },
                ],
                "responses": {
                    "200": _json(
                        "the entries",
                        {
                            "type": "object",
                            "required": ["entries"],
                            "properties": {
                                "entries": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["index", "envelope", "leaf_hash"],
                                        "properties": {
                                            "index": _COUNT,
                                            "envelope": {"type": "string"},
                                            "leaf_hash": {"type": "string", "format": "byte"},
                                        },
                                    },
                                },
                                "objects": {"type": "object"},
                            },
                        },
                    ),
                    **_COMMON_ERRORS,
                },
            }
        },
        "/log/cosignatures": {
            "post": {
                "summary": "A peer returns this node's checkpoint with its cosignature (peer or admin)",
                "requestBody": {
                    "required": True,
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                },
                "responses": {
                    "200": _json(
                        "the cosignatures kept",
                        {"type": "object", "required": ["added"], "properties": {"added": _COUNT}},
                    ),
                    "403": _error("the principal may not cosign"),
                    "413": _error("the body is too large"),
                    "422": _error("no registered peer's key signed the note, or the note does not verify"),
                    **_COMMON_ERRORS,
                },
            }
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
            "/health": {
                "get": {
                    "summary": "Public: the node is up (says nothing else)",
                    "security": [],
                    "responses": {
                        "200": _json(
                            "up",
                            {"type": "object", "required": ["status"], "properties": {"status": {"enum": ["ok"]}}},
                        )
                    },
                }
            },
            **_log_paths(),
            **openapi_dashboard.paths(),
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
                                    "next": {
                                        "type": "string",
                                        "nullable": True,
                                        "description": "pass as 'after' for the next page; null on a short page",
                                    },
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
                        "content": {"application/json": {"schema": _openapi30(NEW_INCIDENT)}},
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
                                "required": ["incident", "origin", "recipients"],
                                "properties": {
                                    "incident": {"type": "object"},
                                    "origin": {"type": "string"},
                                    "recipients": {
                                        "type": "array",
                                        "items": {"type": "string"},
                                        "description": "a TLP:RED record's named recipients (PARTY:NAME)",
                                    },
                                },
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
                    "responses": {"200": _json("the totals, and with by, the groups", _STATS), **_COMMON_ERRORS},
                }
            },
            "/api/dashboard/clusters": {
                "get": {
                    "summary": "The joint picture: reconciliation's clusters with a report the principal may read,"
                    " disagreements first, then newest first; each shows only the reports the principal may read,"
                    " and its figures and flags are computed from those alone",
                    "parameters": _CLUSTER_FILTERS,
                    "responses": {
                        "200": _json(
                            "one page of clusters; reconciled false (and a hint) when `sarhad reconcile` has not run",
                            {
                                "type": "object",
                                "required": ["reconciled", "total", "clusters"],
                                "properties": {
                                    "reconciled": {"type": "boolean"},
                                    "hint": {"type": "string"},
                                    "total": _COUNT,
                                    "limit": _COUNT,
                                    "offset": _COUNT,
                                    "clusters": {"type": "array", "items": _CLUSTER},
                                },
                            },
                        ),
                        **_COMMON_ERRORS,
                    },
                }
            },
            "/api/dashboard/clusters/{cluster_id}": {
                "get": {
                    "summary": "One cluster (by its id or one of its incidents' ids) as the principal may read it:"
                    " each report, each source's figures, the joint figures, the flags in words, the decisions, the"
                    " disputes",
                    "parameters": [
                        {"name": "cluster_id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": _json(
                            "the cluster",
                            {
                                **_CLUSTER,
                                "required": [*_CLUSTER["required"], "records", "figures", "decisions", "disputes"],
                                "properties": {
                                    **_CLUSTER["properties"],
                                    "records": {"type": "array", "items": {"type": "object"}},
                                    "figures": {"type": "array", "items": {"type": "object"}},
                                    "decisions": {"type": "array", "items": {"type": "object"}},
                                    "disputes": {
                                        "type": "array",
                                        "items": {"type": "string"},
                                        "description": "the codes of the disputes about the joint picture the"
                                        " principal may read that concern the cluster (opened about it or naming"
                                        " one of its reports)",
                                    },
                                },
                            },
                        ),
                        "404": _error("no such cluster, or none of its reports may be read by the principal"),
                        **_COMMON_ERRORS,
                    },
                }
            },
            "/api/disputes": {
                "get": {
                    "summary": "The framework's disputes the principal may read, each position with the evidence it"
                    " cites (evidence the principal may not read is marked withheld: id, party, marking and logged"
                    " SHA-256 only)",
                    "parameters": [
                        {
                            "name": "quarter",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "pattern": QUARTER_PATTERN},
                            "description": "only the disputes about this quarter (YYYYQn)",
                        },
                        {
                            "name": "open",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "enum": ["true", "false"]},
                            "description": "true: only the disputes not resolved",
                        },
                    ],
                    "responses": {
                        "200": _json(
                            "the disputes, by code",
                            {
                                "type": "object",
                                "required": ["disputes"],
                                "properties": {"disputes": {"type": "array", "items": _DISPUTE}},
                            },
                        ),
                        **_COMMON_ERRORS,
                    },
                }
            },
        },
    }


async def openapi(request: Request) -> Response:
    """Public: the OpenAPI description of the JSON API."""
    return JSONResponse(description())


routes: Final = [Route(OPENAPI_PATH, openapi)]
