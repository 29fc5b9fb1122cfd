"""The JSON API for the dashboard: incidents (list, one, create) and statistics.

Lists take the CLI's filters (``since``, ``until``, ``country``, ``admin1``, ``perpetrator``,
``reported_by``, ``dataset``, ``near_border``) by the CLI's rules (``since``/``until``: YYYY, YYYY-MM or
YYYY-MM-DD, a year or month standing for its first day after ``since`` and its last day before ``until``) and
``limit``/``offset``; the principal's TLP rules apply. A query parameter a route does not take is refused.
Errors are one envelope: ``{"error": {"code", "message", "field"?}}``.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Final

import jsonschema
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sarhad.errors import InvalidInput, NotFound
from sarhad.model.figures import Figure
from sarhad.model.incident import Incident, Perpetrator, Place, check_recipient, incident_id
from sarhad.store.incidents import Filters, count_incidents, load_incident, query_incidents, stats
from sarhad.web.context import (
    Context,
    FieldError,
    api_error,
    check_parameters,
    naming_the_field,
    principal_of,
    window_and_place_filters,
)
from sarhad.web.openapi import NEW_INCIDENT

__all__ = ["MAX_PAGE_NUMBER", "routes"]

_MAX_LIMIT: Final = 1000
MAX_PAGE_NUMBER: Final = 2**53 - 1
"""The largest ``limit`` or ``offset`` taken (a database integer; larger ones are refused as invalid)."""
_TEXT_FILTERS: Final = ("since", "until", "country", "admin1", "perpetrator", "reported_by", "dataset")
_FILTERS: Final = (*_TEXT_FILTERS, "near_border")
"""The lists' filters; a route refuses a query parameter it does not take (a misspelt filter would silently
match everything)."""


def _filters(request: Request) -> Filters:
    ctx = Context.of(request)
    principal = principal_of(request)
    query = request.query_params
    values: dict[str, Any] = {k: query[k] for k in _TEXT_FILTERS if query.get(k)}
    # since, until, country and near_border parsed (over their text), by the rules the dashboard's views share
    values.update(window_and_place_filters(query))
    if "reported_by" in values:  # the CLI's rule: 'Pakistan' is PK, as 'import --reported-by' stores it
        from sarhad.geo.admin import party_code

        values["reported_by"] = party_code(values["reported_by"])
    return ctx.incident_filters(principal, Filters(**values))


def _int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise FieldError(name, f"{name} {raw!r} is not an integer") from None
    if not 0 <= value <= MAX_PAGE_NUMBER:
        raise FieldError(name, f"{name} {value} is outside 0..{MAX_PAGE_NUMBER}")
    return value


def _cursor(item: dict[str, Any]) -> str:
    """The ``after`` value that continues after ``item``: its (date_start, id), opaque to clients."""
    raw = json.dumps([item["date_start"], item["id"]], separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _after(request: Request) -> tuple[str, str] | None:
    raw = request.query_params.get("after")
    if raw is None:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode("utf-8"))
    except (ValueError, binascii.Error):
        value = None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        raise FieldError("after", f"after {raw[:80]!r} is not a cursor from this API's 'next'")
    return value[0], value[1]


async def list_incidents(request: Request) -> Response:
    ctx = Context.of(request)
    check_parameters(request, (*_FILTERS, "limit", "offset", "after"))
    filters = _filters(request)
    limit = min(_int(request, "limit", 100), _MAX_LIMIT)
    offset = _int(request, "offset", 0)
    after = _after(request)
    if after is not None and offset:
        raise InvalidInput("give either after (a cursor from 'next') or offset, not both")
    items = query_incidents(ctx.db, filters, limit=limit, offset=offset, after=after)
    total = count_incidents(ctx.db, filters)
    following = _cursor(items[-1]) if items and len(items) == limit else None
    return JSONResponse({"total": total, "limit": limit, "offset": offset, "next": following, "incidents": items})


async def get_incident(request: Request) -> Response:
    ctx = Context.of(request)
    principal = principal_of(request)
    incident_id_ = request.path_params["incident_id"]
    readable, params = ctx.read_clause(principal, "incidents", current_rows=True)
    row = ctx.db.fetchone(f"SELECT origin FROM incidents WHERE id = ? AND {readable}", (incident_id_, *params))
    if row is None:
        raise NotFound(f"no incident {incident_id_} that this principal may read")
    inc = load_incident(ctx.db, incident_id_)
    return JSONResponse({"incident": inc.to_stix(), "origin": row[0], "recipients": list(inc.recipients)})


def _field(data: dict[str, Any], name: str, kind: type, required: bool = False) -> Any:
    value = data.get(name)
    if value is None:
        if required:
            raise FieldError(name, f"{name} is required")
        return None
    if not isinstance(value, kind):
        raise FieldError(name, f"{name} must be a {kind.__name__}, not {type(value).__name__}")
    return value


def _incident_from_json(data: dict[str, Any], party: str) -> Incident:
    source_id = _field(data, "source_id", str, required=True)
    date_start = _field(data, "date_start", str, required=True)
    place = _field(data, "place", dict) or {}
    tlp = _field(data, "tlp", str) or "CLEAR"
    recipients = tuple(sorted(_field(data, "recipients", list) or ()))
    if recipients and tlp != "RED":
        raise FieldError("recipients", f"recipients are for TLP:RED records only; this record is TLP:{tlp}")
    try:
        for reference in recipients:
            check_recipient(reference)
    except InvalidInput as exc:
        raise FieldError("recipients", str(exc)) from None
    date_end = _field(data, "date_end", str) or date_start
    if date_end < date_start:  # both are YYYY-MM-DD (the body schema), so text order is date order
        raise FieldError("date_end", f"date_end {date_end} is before date_start {date_start}")
    try:
        where = Place(**place)  # Publisher.add fills a missing distance to the border
    except InvalidInput as exc:  # latitude without longitude: the form names the place
        raise FieldError("place", f"place: {exc}") from None
    try:
        return Incident(
            id=incident_id("party", party, source_id),
            reported_by=party,
            dataset="party",
            source_id=source_id,
            date_start=date_start,
            date_end=date_end,
            date_precision=_field(data, "date_precision", str) or "day",
            place=where,
            attack_types=tuple(_field(data, "attack_types", list) or ()),
            target_types=tuple(_field(data, "target_types", list) or ()),
            weapon_types=tuple(_field(data, "weapon_types", list) or ()),
            perpetrators=tuple(Perpetrator(**p) for p in _field(data, "perpetrators", list) or ()),
            figures=tuple(
                Figure.from_dict({"rule": "party_official", **f, "asserted_by": party})
                for f in _field(data, "figures", list) or ()
            ),
            sources=tuple(_field(data, "sources", list) or ()),
            title=_field(data, "title", str) or "",
            summary=_field(data, "summary", str) or "",
            tlp=tlp,
            recipients=recipients,
        )
    except (TypeError, ValueError, AttributeError) as exc:  # a backstop: the body schema is checked first
        raise InvalidInput(f"malformed incident: {exc}") from exc


_BODY: Final = jsonschema.Draft7Validator(NEW_INCIDENT, format_checker=jsonschema.FormatChecker(["date"]))


def _check_body(data: dict[str, Any]) -> tuple[str, str | None] | None:
    """The first way ``data`` breaks the documented request schema, as (message, field); None when it fits."""
    errors = sorted(_BODY.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if not errors:
        return None
    first = errors[0]
    if not first.absolute_path:  # the body as a whole: a required field missing, or one it does not take
        if first.validator == "required":
            missing = next(str(k) for k in first.validator_value if k not in data)
            return f"{missing} is required", missing
        if first.validator == "additionalProperties":
            unknown = sorted(str(k) for k in data if k not in NEW_INCIDENT["properties"])
            return f"unknown field {unknown[0]!r}; expected some of {', '.join(NEW_INCIDENT['properties'])}", unknown[0]
        return first.message[:200], None
    path = "/".join(str(p) for p in first.absolute_path)
    field_name = str(first.absolute_path[0])
    if first.validator == "format":
        return f"{path} {str(first.instance)[:40]!r} is not a date (YYYY-MM-DD)", field_name
    if first.validator == "enum":  # a code list: name every value it takes (a short, fixed list), never a huge value
        allowed = "; ".join(str(v) for v in first.validator_value)
        return f"{path}: {str(first.instance)[:60]!r} is not one of: {allowed}", field_name
    message = first.message if len(first.message) <= 200 else first.message[:200] + "…"  # never echo a huge value
    return f"{path}: {message}", field_name


async def create_incident(request: Request) -> Response:
    ctx = Context.of(request)
    principal = principal_of(request)
    ctx.require_writer(principal)
    try:
        data = json.loads(await request.body())
    except ValueError as exc:
        return api_error(400, "invalid_json", f"the body is not JSON: {exc}")
    if not isinstance(data, dict):
        return api_error(400, "invalid_input", "expected a JSON object")
    problem = _check_body(data)
    if problem is not None:
        return api_error(400, "invalid_input", *problem)
    try:
        inc = _incident_from_json(data, ctx.party)
    except FieldError as exc:
        return api_error(400, "invalid_input", str(exc), exc.field)
    with ctx.node.publisher() as pub:
        pub.add(inc)
    ctx.audit(principal, "create-incident", inc.id)
    return JSONResponse({"id": inc.id, "added": pub.result.added, "updated": pub.result.updated}, 201)


async def get_stats(request: Request) -> Response:
    ctx = Context.of(request)
    check_parameters(request, (*_FILTERS, "by"))
    filters = _filters(request)
    try:
        return JSONResponse(stats(ctx.db, request.query_params.get("by"), filters))
    except InvalidInput as exc:  # the one error stats() raises: a grouping it does not know
        return api_error(400, "invalid_input", str(exc), "by")


async def incidents(request: Request) -> Response:
    if request.method == "POST":
        return await create_incident(request)
    return await list_incidents(request)


routes: Final = [
    Route("/api/incidents", naming_the_field(incidents), methods=["GET", "POST"]),
    Route("/api/incidents/{incident_id}", get_incident),
    Route("/api/stats", naming_the_field(get_stats)),
]
