"""The OpenAPI description of the dashboard's JSON routes (``/api/dashboard/…``), merged into the node's one
description by :func:`sarhad.web.openapi.description`.

Each parameter is described as the route's code takes it (:mod:`sarhad.web.dashboard`): a bound the code
enforces is a bound here (a value outside it is refused, never moved into it). The joint picture's two routes
are described in :mod:`sarhad.web.openapi` with the clusters' schema.
"""

from __future__ import annotations

from typing import Any, Final

from sarhad._internal.dates import WINDOW_DAY_PATTERN
from sarhad.web.dashboard import MAX_ALERTS, MAX_MARKERS, MAX_OFFSET, MAX_ROWS, MAX_ZOOM

__all__ = ["FILTERS", "paths"]


def _error(text: str) -> dict[str, Any]:
    return {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _json(text: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": text, "content": {"application/json": {"schema": schema}}}


def _query(name: str, schema: dict[str, Any], text: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": text}


_STRING: Final = {"type": "string"}
_TEXT: Final = {"type": "string", "nullable": True}
_NUMBER: Final = {"type": "number", "nullable": True}
_INT: Final = {"type": "integer", "nullable": True}
_COUNT: Final = {"type": "integer", "minimum": 0}
_WINDOW_DAY: Final = {
    "type": "string",
    "pattern": f"^$|{WINDOW_DAY_PATTERN}",
    "description": "YYYY, YYYY-MM or YYYY-MM-DD (empty: none)",
}

FILTERS: Final = [
    _query(
        "since",
        _WINDOW_DAY,
        "first start date: YYYY, YYYY-MM or YYYY-MM-DD (a year or month: its first day; empty: none); after until: 400",
    ),
    _query(
        "until",
        _WINDOW_DAY,
        "last start date: YYYY, YYYY-MM or YYYY-MM-DD (a year or month: its last day; empty: none)",
    ),
    _query("country", _STRING, "ISO 3166-1 alpha-2 or alpha-3 code, or a country name (400 otherwise)"),
    _query("admin1", _STRING, "ISO 3166-2 code or province name"),
    _query("perpetrator", _STRING, "armed group (any of its spellings)"),
    _query("party", _STRING, "reporting party's code"),
    _query("near_border", {"type": "number", "minimum": 0}, "within this many km of the border"),
]
"""The dashboard's filters (:func:`sarhad.web.dashboard.request_filters`); an empty value is no filter."""

_ERRORS: Final = {
    "400": _error("malformed input"),
    "401": _error("no token, or a wrong one"),
    "429": {
        **_error("too many failed authentications from this address: wait and retry"),
        "headers": {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer", "minimum": 1}}},
    },
}

_ROW: Final[dict[str, Any]] = {
    "type": "object",
    "required": ["id", "date_start", "reported_by", "tlp", "origin"],
    "properties": {
        "id": _STRING,
        "date_start": _STRING,
        "date_end": _STRING,
        "date_precision": {
            "type": "string",
            "description": "how exactly the date is known (day, days, week, month, year, unknown): a page shows a"
            " year- or month-precision date as YYYY or YYYY-MM, as `sarhad incidents list` does",
        },
        "reported_by": _STRING,
        "dataset": _TEXT,
        "country": _TEXT,
        "admin1": _TEXT,
        "admin2": _TEXT,
        "place": _TEXT,
        "lat": _NUMBER,
        "lon": _NUMBER,
        "border_km": _NUMBER,
        "perpetrator": _TEXT,
        "perpetrator_group": _TEXT,
        "attack_type": _TEXT,
        "killed_low": _INT,
        "killed_best": _INT,
        "killed_high": _INT,
        "killed_zero_ambiguous": {
            "type": "boolean",
            "description": "the killed 0 is one its source gives for none and for no information alike (ACLED's"
            " fatalities): the page shows it as 0?",
        },
        "wounded_best": _INT,
        "tlp": _STRING,
        "origin": _STRING,
    },
    "description": "an incident's current version, compact",
}

_MARKER_CLUSTER: Final = {
    "type": "object",
    "required": ["lat", "lon", "count", "killed", "killed_known", "party", "parties"],
    "properties": {
        "lat": {"type": "number"},
        "lon": {"type": "number"},
        "count": _COUNT,
        "killed": {**_COUNT, "description": "the sum of the killed figures the cluster's incidents give"},
        "killed_known": {
            **_COUNT,
            "description": "how many of the cluster's incidents give a killed figure: at 0, killed is unknown",
        },
        "party": _STRING,
        "parties": {"type": "object", "additionalProperties": _COUNT},
    },
}

_RULE_NAME: Final = {
    "type": "string",
    "minLength": 1,
    "maxLength": 80,
    "pattern": "^[A-Za-z0-9._ -]*[A-Za-z0-9._-][A-Za-z0-9._ -]*$",
    "description": "1-80 letters, digits, spaces or '-', '_', '.', not only spaces",
}
_POSITIVE: Final = {"type": "number", "exclusiveMinimum": True, "minimum": 0, "nullable": True}
_NAMES: Final = {
    "nullable": True,
    "oneOf": [
        {"type": "string", "pattern": "[^\\s]"},
        {"type": "array", "items": {"type": "string", "pattern": "[^\\s]"}},
    ],
    "description": "a name or a list of names, none blank",
}

NEW_RULE: Final[dict[str, Any]] = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "description": "an alert rule: at least one condition; a surge needs both surge_window_days and surge_factor;"
    " perpetrators must name armed groups of the alias registry; a polygon's points are [lon, lat] within"
    " -180..180 and -90..90",
    "properties": {
        "name": _RULE_NAME,
        "near_border_km": _POSITIVE,
        "crossing_km": _POSITIVE,
        "admin1": _NAMES,
        "polygon": {
            "type": "array",
            "nullable": True,
            "items": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "number"}},
        },
        "perpetrators": _NAMES,
        "min_killed": {"type": "integer", "minimum": 0, "nullable": True},
        "surge_window_days": {"type": "integer", "minimum": 1, "nullable": True},
        "surge_factor": _POSITIVE,
        "surge_baseline_days": {"type": "integer", "minimum": 1, "nullable": True},
        "surge_min_count": {"type": "integer", "minimum": 0, "nullable": True},
        "disagrees": {"type": "boolean", "nullable": True},
        "side": {"type": "string", "enum": ["PK", "IR", "pk", "ir"], "nullable": True},
        "attack_types": _NAMES,
        "disabled": {"type": "boolean", "nullable": True},
    },
}
"""The body of ``POST /api/dashboard/rules`` (:meth:`sarhad.monitor.rules.Rule.from_dict` checks it)."""

_RULE: Final = {
    "type": "object",
    "required": ["name", "conditions"],
    "properties": {
        "name": _STRING,
        "conditions": {"type": "array", "items": _STRING},
        "disabled": {"type": "boolean", "description": "true: the rule stays stored but watches nothing"},
    },
}

_ACKNOWLEDGED: Final = {
    "type": "object",
    "description": "present once the alert is acknowledged: who, when, and whether the alert changed since",
    "required": ["by", "at", "changed_since"],
    "properties": {"by": _STRING, "at": _STRING, "changed_since": {"type": "boolean"}},
}

_CODE_LISTS: Final = (
    "attack_types",
    "target_types",
    "weapon_types",
    "date_precisions",
    "geo_precisions",
    "tlp_levels",
    "measures",
    "categories",
    "attributions",
)
"""The report form's plain code lists (:mod:`sarhad.web.reportform`)."""

_CHECKPOINT_SEEN: Final = {
    "size": _INT,
    "root": _TEXT,
    "verified": _TEXT,
    "source": _TEXT,
    "leaves": _COUNT,
}


def _get(summary: str, response: dict[str, Any], parameters: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"get": {"summary": summary, "parameters": parameters or [], "responses": {"200": response, **_ERRORS}}}


def paths() -> dict[str, Any]:
    """The dashboard's routes as OpenAPI path items (a fresh dict each call)."""
    return {
        "/api/dashboard/whoami": _get(
            "The principal of the token, and the node's party",
            _json(
                "who asks",
                {
                    "type": "object",
                    "required": ["name", "role", "party", "may_write", "node"],
                    "properties": {
                        "name": _STRING,
                        "role": _STRING,
                        "party": _TEXT,
                        "may_write": {"type": "boolean"},
                        "node": _STRING,
                    },
                },
            ),
        ),
        "/api/dashboard/options": _get(
            "What the filters can offer for the matching incidents: parties, countries, provinces, perpetrators,"
            " date range",
            _json(
                "the choices",
                {
                    "type": "object",
                    "required": ["parties", "countries", "provinces", "perpetrators", "first", "last"],
                    "properties": {
                        "parties": {"type": "array", "items": _STRING},
                        "countries": {
                            "type": "array",
                            "items": _STRING,
                            "description": "ISO 3166-1 alpha-2 codes of the matching incidents, with a province"
                            " or without",
                        },
                        "provinces": {
                            "type": "array",
                            "items": {"type": "object", "properties": {"country": _TEXT, "admin1": _TEXT}},
                        },
                        "perpetrators": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["name", "incidents"],
                                "properties": {
                                    "name": _STRING,
                                    "incidents": _COUNT,
                                    "spellings": {"type": "array", "items": _STRING},
                                },
                            },
                        },
                        "first": _TEXT,
                        "last": _TEXT,
                    },
                },
            ),
            FILTERS,
        ),
        "/api/dashboard/timeline": _get(
            "Incidents and killed (best, else low) per month and reporting party, oldest month first; an incident"
            " whose date is known only to the year is in no month but in years, under the year its range starts in",
            _json(
                "the months, and the years of the dates known only to the year",
                {
                    "type": "object",
                    "required": ["months", "years"],
                    "properties": {
                        "months": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["month", "party", "incidents", "killed"],
                                "properties": {
                                    "month": _STRING,
                                    "party": _STRING,
                                    "incidents": _COUNT,
                                    "killed": {**_COUNT, "nullable": True},
                                },
                            },
                        },
                        "years": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["year", "party", "incidents", "killed", "killed_known"],
                                "properties": {
                                    "year": _STRING,
                                    "party": _STRING,
                                    "incidents": _COUNT,
                                    "killed": _COUNT,
                                    "killed_known": _COUNT,
                                },
                            },
                        },
                    },
                },
            ),
            FILTERS,
        ),
        "/api/dashboard/markers": _get(
            "The map's markers: the matching located incidents as points, or beyond limit as grid clusters",
            _json(
                "points or clusters",
                {
                    "type": "object",
                    "required": ["mode", "total"],
                    "properties": {
                        "mode": {"type": "string", "enum": ["points", "clusters"]},
                        "total": _COUNT,
                        "points": {"type": "array", "items": _ROW},
                        "clusters": {"type": "array", "items": _MARKER_CLUSTER},
                        "cell": {"type": "number", "description": "the grid's cell in degrees"},
                        "sampled": {"type": "boolean", "description": "clusters of the newest rows only"},
                    },
                },
            ),
            [
                *FILTERS,
                _query("zoom", {"type": "integer", "minimum": 0, "maximum": MAX_ZOOM}, "the map's zoom (default 5)"),
                _query(
                    "bbox",
                    {"type": "string", "maxLength": 200},
                    "MINLON,MINLAT,MAXLON,MAXLAT: four finite numbers, each min at most its max",
                ),
                _query(
                    "limit",
                    {"type": "integer", "minimum": 1, "maximum": MAX_MARKERS},
                    "points at most before clusters (default 1500)",
                ),
            ],
        ),
        "/api/dashboard/table": _get(
            "One page of the matching incidents, newest first",
            _json(
                "the page",
                {
                    "type": "object",
                    "required": ["total", "killed_known", "limit", "offset", "rows"],
                    "properties": {
                        "total": _COUNT,
                        "killed_known": {"type": "boolean", "description": "whether any match gives a killed figure"},
                        "limit": _COUNT,
                        "offset": _COUNT,
                        "rows": {"type": "array", "items": _ROW},
                    },
                },
            ),
            [
                *FILTERS,
                _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_ROWS}, "page size (default 50)"),
                _query("offset", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}, "rows to skip"),
            ],
        ),
        "/api/dashboard/incidents/{incident_id}": {
            "get": {
                "summary": "One incident the principal may read, every other party's version of it it may read"
                " with where they disagree, its alerts and its joint picture's cluster",
                "parameters": [{"name": "incident_id", "in": "path", "required": True, "schema": _STRING}],
                "responses": {
                    "200": _json(
                        "the incident",
                        {
                            "type": "object",
                            "required": ["incident", "versions", "alerts"],
                            "properties": {
                                "incident": {
                                    **_ROW,
                                    "required": [*_ROW["required"], "cluster_id", "version", "report"],
                                    "properties": {
                                        **_ROW["properties"],
                                        "name": _TEXT,
                                        "description": _TEXT,
                                        "recipients": {"type": "array", "nullable": True, "items": _STRING},
                                        "cluster_id": _TEXT,
                                        "version": {
                                            "type": "integer",
                                            "minimum": 1,
                                            "description": "how many versions of the record this node keeps",
                                        },
                                        "report": {
                                            "type": "object",
                                            "nullable": True,
                                            "description": "the record as the body of POST /api/incidents that"
                                            " corrects it (same source_id), when the principal may correct it: one"
                                            " of the node's party's own reports and a principal who may write;"
                                            " null otherwise",
                                        },
                                    },
                                },
                                "versions": {"type": "array", "items": {"type": "object"}},
                                "alerts": {"type": "array", "items": {"type": "object"}},
                            },
                        },
                    ),
                    "404": _error("no such incident, or the principal may not read it"),
                    **_ERRORS,
                },
            }
        },
        "/api/dashboard/codes": _get(
            "The report form's code lists: GTD attack, target and weapon types, date and place precisions, TLP"
            " levels, figure measures and categories, attributions, the gazetteer's provinces and districts and the"
            " alias registry's armed groups",
            _json(
                "the code lists",
                {
                    "type": "object",
                    "required": [*_CODE_LISTS, "provinces", "districts", "groups"],
                    "properties": {
                        **{name: {"type": "array", "items": _STRING} for name in _CODE_LISTS},
                        "provinces": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["code", "name", "country"],
                                "properties": {"code": _STRING, "name": _STRING, "country": _STRING},
                            },
                        },
                        "districts": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["name", "kind", "country", "admin1_code", "lat", "lon"],
                                "properties": {
                                    "name": _STRING,
                                    "kind": _STRING,
                                    "country": _STRING,
                                    "admin1_code": _STRING,
                                    "lat": {"type": "number"},
                                    "lon": {"type": "number"},
                                },
                            },
                        },
                        "groups": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["name", "short"],
                                "properties": {"name": _STRING, "short": _TEXT},
                            },
                        },
                    },
                },
            ),
        ),
        "/api/dashboard/alerts": _get(
            "The newest alerts on incidents the principal may read",
            _json(
                "the alerts, and how many the principal may see in all",
                {
                    "type": "object",
                    "required": ["alerts", "total", "seq"],
                    "properties": {
                        "alerts": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": [
                                    "id",
                                    "rule",
                                    "incident_id",
                                    "reason",
                                    "created",
                                    "state",
                                    "version",
                                    "lapsed_since",
                                    "updated",
                                    "changes",
                                    "incident",
                                ],
                                "properties": {
                                    "state": {
                                        "enum": ["matches", "no_longer_matches"],
                                        "description": "no_longer_matches once a newer version of the incident"
                                        " stopped matching the rule",
                                    },
                                    "version": {
                                        "type": ["string", "null"],
                                        "description": "the incident's version that last matched (null: raised"
                                        " before versions were kept)",
                                    },
                                    "lapsed_since": {
                                        "type": ["string", "null"],
                                        "description": "the version since which it no longer matches",
                                    },
                                    "updated": {
                                        "type": ["string", "null"],
                                        "description": "when a newer version last changed the alert",
                                    },
                                    "changes": {
                                        "type": "array",
                                        "description": "what that change changed of what the rule looks at",
                                        "items": {
                                            "type": "object",
                                            "required": ["fact", "old", "new"],
                                            "properties": {"fact": {"type": "string"}},
                                        },
                                    },
                                    "geo_precision": {
                                        "type": "string",
                                        "description": "how exactly the place of the version that last matched is"
                                        " known, for a rule on its point (near the border, a crossing, a polygon):"
                                        " admin2, admin1, region or country mean the point stands for that area",
                                    },
                                    "acknowledged": _ACKNOWLEDGED,
                                    "incident": {
                                        "type": "object",
                                        "description": "its incident's summary: date, place, perpetrator,"
                                        " killed_best, killed_zero_ambiguous (the page shows ACLED's 0 as 0?),"
                                        " reported_by, lat, lon",
                                    },
                                },
                            },
                        },
                        "total": _COUNT,
                        "seq": {
                            "type": "object",
                            "description": "the highest sequence number of each table that the list and total"
                            " reflect (one snapshot); a live event whose seq is at or below its table's here is"
                            " shown already",
                            "required": ["objects", "alerts", "alert_events", "withheld_versions"],
                            "properties": {
                                "objects": _COUNT,
                                "alerts": _COUNT,
                                "alert_events": _COUNT,
                                "withheld_versions": _COUNT,
                            },
                        },
                    },
                },
            ),
            [
                _query(
                    "limit", {"type": "integer", "minimum": 1, "maximum": MAX_ALERTS}, "alerts at most (default 50)"
                ),
                _query(
                    "since",
                    _WINDOW_DAY,
                    "alerts raised on or after this day (a year or month: its first day); after until: 400",
                ),
                _query("until", _WINDOW_DAY, "alerts raised on or before this day (a year or month: its last day)"),
                _query(
                    "unacked",
                    {"type": "string", "enum": ["1", "true", "0", "false"]},
                    "1: only the alerts not acknowledged, or changed since they were (in the list and total)",
                ),
            ],
        ),
        "/api/dashboard/alerts/ack": {
            "post": {
                "summary": "Acknowledge alerts as the principal, all or none (analyst or admin of this node's party)",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["ids"],
                                "properties": {"ids": {"type": "array", "minItems": 1, "items": _STRING}},
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json(
                        "each alert as listed, with what this did",
                        {
                            "type": "object",
                            "required": ["alerts"],
                            "properties": {
                                "alerts": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["id", "acknowledged", "action"],
                                        "properties": {
                                            "acknowledged": _ACKNOWLEDGED,
                                            "action": {"enum": ["acknowledged", "already_acknowledged"]},
                                        },
                                    },
                                }
                            },
                        },
                    ),
                    "403": _error("the principal may not write"),
                    "404": _error("an id is no alert the principal may see; nothing was acknowledged"),
                    "413": _error("the body is too large"),
                    **_ERRORS,
                },
            }
        },
        "/api/dashboard/rules": {
            **_get(
                "The alert rules, each with its conditions in words",
                _json(
                    "the rules",
                    {
                        "type": "object",
                        "required": ["rules"],
                        "properties": {"rules": {"type": "array", "items": _RULE}},
                    },
                ),
            ),
            "post": {
                "summary": "Add an alert rule (analyst or admin)",
                "requestBody": {"required": True, "content": {"application/json": {"schema": NEW_RULE}}},
                "responses": {
                    "201": _json("added", {"type": "object", "required": ["rule"], "properties": {"rule": _RULE}}),
                    "403": _error("the principal may not write"),
                    "413": _error("the body is too large"),
                    **_ERRORS,
                },
            },
        },
        "/api/dashboard/rules/{name}": {
            "delete": {
                "summary": "Remove an alert rule (analyst or admin)",
                "parameters": [{"name": "name", "in": "path", "required": True, "schema": _STRING}],
                "responses": {
                    "200": _json(
                        "removed", {"type": "object", "required": ["removed"], "properties": {"removed": _STRING}}
                    ),
                    "403": _error("the principal may not write"),
                    "404": _error("no rule of that name"),
                    **_ERRORS,
                },
            }
        },
        **{
            f"/api/dashboard/rules/{{name}}/{switch}": {
                "post": {
                    "summary": f"{switch.capitalize()} an alert rule (analyst or admin of this node's party)",
                    "parameters": [{"name": "name", "in": "path", "required": True, "schema": _STRING}],
                    "responses": {
                        "200": _json(
                            "the rule as listed, and whether this changed it",
                            {
                                "type": "object",
                                "required": ["rule", "action"],
                                "properties": {
                                    "rule": _RULE,
                                    "action": {"enum": [f"{switch}d", f"already_{switch}d"]},
                                },
                            },
                        ),
                        "403": _error("the principal may not write"),
                        "404": _error("no rule of that name"),
                        **_ERRORS,
                    },
                }
            }
            for switch in ("disable", "enable")
        },
        "/api/dashboard/log": _get(
            "The log's latest checkpoint and its cosignatures, each peer's last verified checkpoint and the"
            " cosignature owed to it, and the removed peers whose log copy the node keeps",
            _json(
                "the log's state",
                {
                    "type": "object",
                    "required": ["origin", "checkpoint", "peers", "removed_peers"],
                    "properties": {
                        "origin": _STRING,
                        "checkpoint": {
                            "type": "object",
                            "nullable": True,
                            "required": ["size", "root", "created", "cosignatures"],
                            "properties": {
                                "size": _COUNT,
                                "root": _STRING,
                                "created": _STRING,
                                "cosignatures": {"type": "array", "items": {"type": "object"}},
                                "latest_cosigned_size": _INT,
                                "latest_cosigned": {"type": "object", "nullable": True},
                            },
                        },
                        "peers": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": [
                                    "name",
                                    "party",
                                    "origin",
                                    "split_views",
                                    "refused_entries",
                                    "evidence",
                                    "cosignature_owed",
                                ],
                                "properties": {
                                    "name": _STRING,
                                    **_CHECKPOINT_SEEN,
                                    "split_views": _COUNT,
                                    "refused_entries": _COUNT,
                                    "evidence": _COUNT,
                                    "cosignature_owed": {"type": "object", "nullable": True},
                                },
                            },
                        },
                        "removed_peers": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["name", "removed"],
                                "properties": {"name": _STRING, "removed": _STRING, **_CHECKPOINT_SEEN},
                            },
                        },
                    },
                },
            ),
        ),
        "/api/dashboard/framework": _get(
            "The framework's commitments and their state in the latest assessed quarter, counted by state",
            _json(
                "the commitments",
                {
                    "type": "object",
                    "required": ["quarter", "counts", "commitments"],
                    "properties": {
                        "quarter": _TEXT,
                        "counts": {"type": "object", "additionalProperties": _COUNT},
                        "commitments": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["id", "text", "state"],
                                "properties": {
                                    "id": _STRING,
                                    "text": _STRING,
                                    "focus_area": _TEXT,
                                    "state": _STRING,
                                },
                            },
                        },
                    },
                },
            ),
        ),
        "/api/dashboard/layers": {
            "get": {
                "summary": "The map's GeoJSON layers with their attributions (gzip when accepted; an ETag)",
                "parameters": [
                    {"name": "If-None-Match", "in": "header", "required": False, "schema": _STRING},
                ],
                "responses": {
                    "200": _json(
                        "the layers",
                        {
                            "type": "object",
                            "required": ["crossings", "attribution"],
                            "properties": {"crossings": {"type": "object"}, "attribution": _STRING},
                        },
                    ),
                    "304": {"description": "unchanged since the ETag given"},
                    **_ERRORS,
                },
            }
        },
    }
