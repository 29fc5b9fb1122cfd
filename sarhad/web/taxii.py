"""The TAXII 2.1 server (OASIS TAXII 2.1, §4-§5) over the node's ``objects`` table.

Routes live under ``/taxii2/``: discovery, one API root (``/taxii2/sarhad/``), the collections ``incidents``,
``framework`` and ``reports``, their objects (GET with ``added_after``, ``limit``/``next``, ``match[id]``,
``match[type]``, ``match[version]``, ``match[spec_version]``; POST for principals that may write), manifest,
object by id, versions, and status resources. Every error is a TAXII error resource (§3.6.1); for a bad query
parameter (``added_after``, ``limit``, ``next``, ``match[version]``) its ``details`` are ``{"field": NAME}``.

Paging is a cursor over ``objects.seq`` (the order of arrival), so it stays correct while objects are being
added and each page is one index range scan: ``next`` is the last ``seq`` served. ``added_after`` is
resolved once to a ``seq`` through the ``(added, seq)`` index; ``added`` never decreases as ``seq`` grows
(both are assigned by the one writer). Bodies are stored as canonical JSON and spliced into the response
unparsed.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sarhad.errors import InvalidInput, NotFound
from sarhad.formats.stix import check_object, tlp_of
from sarhad.model.codes import TYPE_LISTS, off_the_lists
from sarhad.model.incident import SARHAD_EXTENSION, Incident
from sarhad.node import utc_timestamp
from sarhad.store.current import current
from sarhad.web.context import Context, FieldError, principal_of, taxii_error

__all__ = ["MEDIA_TYPE", "STIX_MEDIA_TYPE", "routes"]

MEDIA_TYPE: Final = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE: Final = "application/stix+json;version=2.1"
API_ROOT: Final = "sarhad"
MAX_PAGE: Final = 1000
MAX_CONTENT_LENGTH: Final = 50 * 1024 * 1024
_REPORT_TYPES: Final = ("report", "note", "opinion")
_TIMESTAMP: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})"
)
"""An RFC 3339 date-time (TAXII 2.1 §3.2 timestamps); the digits are checked by :meth:`datetime.fromisoformat`."""


@dataclass(frozen=True, slots=True)
class Collection:
    """A TAXII collection: which object types it holds (``where`` is its SQL predicate on ``objects``)."""

    id: str
    alias: str
    title: str
    description: str
    where: str


COLLECTIONS: Final = (
    Collection(
        "6f3a2e4c-1b0d-4c8e-9a71-696e63696401",
        "incidents",
        "Incidents",
        "Incident records (STIX incident with the incident-core and sarhad extensions).",
        "o.type = 'incident'",
    ),
    Collection(
        "6f3a2e4c-1b0d-4c8e-9a71-6672616d6502",
        "framework",
        "Framework",
        "The framework's commitments, milestones, indicators, assessments and evidence.",
        "o.type NOT IN ('incident', 'report', 'note', 'opinion')",
    ),
    Collection(
        "6f3a2e4c-1b0d-4c8e-9a71-7265706f7203",
        "reports",
        "Reports",
        "News articles, party statements, notes and opinions.",
        "o.type IN ('report', 'note', 'opinion')",
    ),
)
_BY_KEY: Final = {k: c for c in COLLECTIONS for k in (c.id, c.alias)}


def _json(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(value, ensure_ascii=False), status, headers, media_type=MEDIA_TYPE)


def _accepts(request: Request) -> bool:
    # TAXII 2.1 §1.6.8: the client asks for application/taxii+json;version=2.1 (a bare taxii+json means the
    # latest version, which is 2.1 here).
    for part in request.headers.get("accept", "").split(","):
        fields = [f.strip().lower() for f in part.split(";")]
        if fields[0] != "application/taxii+json":
            continue
        params = dict(f.partition("=")[::2] for f in fields[1:])
        if params.get("version", "2.1") == "2.1":
            return True
    return False


def _negotiate(request: Request) -> None:
    if not _accepts(request):
        raise _MediaError(406, f"this server answers {MEDIA_TYPE}; the request accepts only "
                          f"{request.headers.get('accept', '(nothing)')!r}")  # fmt: skip


class _MediaError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _collection(request: Request) -> Collection:
    if request.path_params.get("api_root") != API_ROOT:
        raise NotFound(f"no API root {request.path_params.get('api_root')!r}; this server has /taxii2/{API_ROOT}/")
    key = request.path_params.get("collection", "")
    try:
        return _BY_KEY[key]
    except KeyError:
        raise NotFound(f"no collection {key!r}: expected one of {', '.join(c.alias for c in COLLECTIONS)}") from None


def _values(request: Request, name: str) -> list[str]:
    out: list[str] = []
    for raw in request.query_params.getlist(name):
        out.extend(v.strip() for v in raw.split(",") if v.strip())
    return out


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise FieldError(name, f"{name} {raw!r} is not an integer") from None
    if not low <= value:
        raise FieldError(name, f"{name} {value} is below {low}")
    return min(value, high)


def _moment(raw: str) -> datetime | None:
    """``raw`` as an instant when it is a TAXII timestamp (§3.2: RFC 3339, with its offset), else None."""
    if not _TIMESTAMP.fullmatch(raw):
        return None
    try:
        return datetime.fromisoformat(raw)  # checks the digits: a month 13, an hour 25
    except ValueError:
        return None


def _timestamp(raw: str, name: str) -> str:
    """``raw``, a TAXII timestamp, as ``objects.added`` stores one: UTC to the millisecond, so that comparing
    the texts compares the instants. Raises FieldError naming ``name`` when it is none."""
    moment = _moment(raw)
    if moment is None:
        raise FieldError(name, f"{name} {raw[:40]!r} is not a timestamp (RFC 3339, e.g. 2026-01-31T12:00:00Z)")
    return utc_timestamp(moment.astimezone(UTC))


def _versions(request: Request, default: str) -> list[str]:
    """The ``match[version]`` values (§3.5.1: ``first``, ``last``, ``all`` or a version's timestamp), or
    ``[default]``. Raises FieldError for any other."""
    versions = _values(request, "match[version]")
    for value in versions:
        if value not in ("first", "last", "all") and _moment(value) is None:
            raise FieldError("match[version]", f"match[version] {value[:40]!r}: expected first, last, all or a"
                             " version's timestamp")  # fmt: skip
    return versions or [default]


def _query(ctx: Context, request: Request, coll: Collection, object_id: str | None = None) -> tuple[str, list[Any]]:
    """The WHERE clause (after the cursor) for a TAXII objects/manifest/versions request."""
    principal = principal_of(request)
    clauses = [coll.where]
    params: list[Any] = []
    versions = _versions(request, "all" if request.url.path.endswith("/versions/") else "last")
    # The rows of the latest versions alone (the default) are current versions: the read rule's look for a later
    # version (whose marking an earlier version must also pass) would find none.
    readable, readable_params = ctx.read_clause(principal, "o", current_rows=versions == ["last"])
    clauses.append(readable)
    params += readable_params
    ids = [object_id] if object_id else _values(request, "match[id]")
    if ids:
        clauses.append(f"o.id IN ({', '.join('?' * len(ids))})")
        params += ids
    types = _values(request, "match[type]")
    if types:
        clauses.append(f"o.type IN ({', '.join('?' * len(types))})")
        params += types
    specs = _values(request, "match[spec_version]")
    if specs and "2.1" not in specs:
        clauses.append("1 = 0")
    if "all" not in versions:
        parts: list[str] = []
        # a version is an instant: as the client wrote it, and as it is stored (UTC, to the millisecond)
        stamps = sorted(
            {form for v in versions if v not in ("first", "last") for form in (v, _timestamp(v, "match[version]"))}
        )
        if "last" in versions:
            # the current version: no later version held, nor one known from its envelope alone (withheld from
            # this node, see sarhad.exchange.withheld)
            parts.append(f"({current('o')})")
        if "first" in versions:
            parts.append("NOT EXISTS (SELECT 1 FROM objects n WHERE n.id = o.id AND n.modified < o.modified)")
        if stamps:
            parts.append(f"o.modified IN ({', '.join('?' * len(stamps))})")
            params += stamps
        clauses.append("(" + " OR ".join(parts) + ")")
    return " AND ".join(clauses), params


def _start_seq(ctx: Context, request: Request) -> int:
    """The ``seq`` after which this page starts: from ``next``, else from ``added_after``, else 0."""
    cursor = request.query_params.get("next")
    if cursor is not None:
        try:
            return int(cursor)
        except ValueError:
            raise FieldError("next", f"next {cursor[:40]!r} is not a cursor this server issued") from None
    raw = request.query_params.get("added_after")
    if raw is None:
        return 0
    after = _timestamp(raw, "added_after")
    row = ctx.db.fetchone("SELECT seq FROM objects WHERE added > ? ORDER BY added, seq LIMIT 1", (after,))
    if row is None:
        top = ctx.db.fetchone("SELECT MAX(seq) FROM objects")
        return int(top[0]) if top and top[0] is not None else 0
    return int(row[0]) - 1


def _page(
    ctx: Context, request: Request, coll: Collection, columns: str, object_id: str | None = None
) -> tuple[list[tuple[Any, ...]], bool, int]:
    where, params = _query(ctx, request, coll, object_id)
    limit = _int_param(request, "limit", MAX_PAGE, 1, MAX_PAGE)
    start = _start_seq(ctx, request)
    rows = ctx.db.fetchall(
        f"SELECT o.seq, o.added, {columns} FROM objects o WHERE o.seq > ? AND {where} ORDER BY o.seq LIMIT ?",
        [start, *params, limit + 1],
    )
    more = len(rows) > limit
    return rows[:limit], more, start


def _envelope_response(
    rows: Sequence[tuple[Any, ...]], more: bool, key: str, items: list[str] | list[bytes]
) -> Response:
    headers = {}
    if rows:
        headers["X-TAXII-Date-Added-First"] = str(rows[0][1])
        headers["X-TAXII-Date-Added-Last"] = str(rows[-1][1])
    head = '{"more":' + ("true" if more else "false")
    if more:
        head += ',"next":"' + str(rows[-1][0]) + '"'
    if not items:
        return Response(head + "}", 200, headers, media_type=MEDIA_TYPE)
    start = (head + ',"' + key + '":[').encode("utf-8")
    if isinstance(items[0], bytes):
        body = start + b",".join(items) + b"]}"
    else:
        body = start + ",".join(items).encode("utf-8") + b"]}"
    return Response(body, 200, headers, media_type=MEDIA_TYPE)


def _body_bytes(ctx: Context) -> str:
    """The SQL for the stored body as UTF-8 bytes: spliced into the answer with no decoding and encoding."""
    return "CAST(o.body AS BLOB)" if ctx.db.dialect == "sqlite" else "convert_to(o.body, 'UTF8')"


async def discovery(request: Request) -> Response:
    _negotiate(request)
    ctx = Context.of(request)
    return _json(
        {
            "title": f"sarhad node {ctx.party}",
            "description": "TAXII 2.1 server of a sarhad node: incidents, framework objects and reports.",
            "contact": ctx.party,
            "default": f"{request.base_url}taxii2/{API_ROOT}/",
            "api_roots": [f"{request.base_url}taxii2/{API_ROOT}/"],
        }
    )


async def api_root(request: Request) -> Response:
    _negotiate(request)
    if request.path_params["api_root"] != API_ROOT:
        raise NotFound(f"no API root {request.path_params['api_root']!r}")
    return _json(
        {
            "title": f"sarhad {Context.of(request).party}",
            "description": "The node's shared objects.",
            "versions": [MEDIA_TYPE],
            "max_content_length": MAX_CONTENT_LENGTH,
        }
    )


def _collection_resource(request: Request, coll: Collection) -> dict[str, Any]:
    principal = principal_of(request)
    return {
        "id": coll.id,
        "title": coll.title,
        "description": coll.description,
        "alias": coll.alias,
        "can_read": True,
        "can_write": principal.may_write,
        "media_types": [STIX_MEDIA_TYPE],
    }


async def collections(request: Request) -> Response:
    _negotiate(request)
    if request.path_params["api_root"] != API_ROOT:
        raise NotFound(f"no API root {request.path_params['api_root']!r}")
    return _json({"collections": [_collection_resource(request, c) for c in COLLECTIONS]})


async def collection(request: Request) -> Response:
    _negotiate(request)
    return _json(_collection_resource(request, _collection(request)))


async def objects(request: Request) -> Response:
    if request.method == "POST":
        return await _add_objects(request)
    _negotiate(request)
    ctx = Context.of(request)
    coll = _collection(request)
    rows, more, _ = _page(ctx, request, coll, _body_bytes(ctx))
    return _envelope_response(rows, more, "objects", [bytes(r[2]) for r in rows])


async def object_by_id(request: Request) -> Response:
    _negotiate(request)
    ctx = Context.of(request)
    coll = _collection(request)
    object_id = request.path_params["object_id"]
    rows, more, start = _page(ctx, request, coll, _body_bytes(ctx), object_id)
    if not rows and start == 0:
        raise NotFound(f"no object {object_id} in collection {coll.alias} that this principal may read")
    return _envelope_response(rows, more, "objects", [bytes(r[2]) for r in rows])


async def versions(request: Request) -> Response:
    _negotiate(request)
    ctx = Context.of(request)
    coll = _collection(request)
    object_id = request.path_params["object_id"]
    rows, more, start = _page(ctx, request, coll, "o.modified", object_id)
    if not rows and start == 0:
        raise NotFound(f"no object {object_id} in collection {coll.alias} that this principal may read")
    return _envelope_response(rows, more, "versions", [json.dumps(str(r[2])) for r in rows])


async def manifest(request: Request) -> Response:
    _negotiate(request)
    ctx = Context.of(request)
    coll = _collection(request)
    rows, more, _ = _page(ctx, request, coll, "o.id, o.modified")
    items = [json.dumps({"id": r[2], "date_added": r[1], "version": r[3], "media_type": STIX_MEDIA_TYPE}) for r in rows]
    return _envelope_response(rows, more, "objects", items)


def _check_types(obj: dict[str, Any], where: str) -> None:
    """Raises InvalidInput when ``obj``, an incident a writer of this node's party posts, names an attack, target
    or weapon type off the GTD code lists (as ``POST /api/incidents`` refuses; a peer's records are not checked)."""
    if obj["type"] != "incident":
        return
    ext = obj["extensions"][SARHAD_EXTENSION]
    found = off_the_lists({field: ext.get(field) or () for field in TYPE_LISTS})
    if found is not None:
        field, name = found
        allowed = "; ".join(TYPE_LISTS[field].values())
        raise InvalidInput(f"{where} ({obj['id']}): {field}: {name[:60]!r} is not one of: {allowed}")


async def _add_objects(request: Request) -> Response:
    _negotiate(request)
    content_type = request.headers.get("content-type", "")
    fields = [f.strip().lower() for f in content_type.split(";")]
    if fields[0] != "application/taxii+json" or not (len(fields) == 1 or "version=2.1" in fields[1:]):
        raise _MediaError(415, f"POST a TAXII envelope as {MEDIA_TYPE}, not {content_type or '(no type)'!r}")
    principal = principal_of(request)
    ctx = Context.of(request)
    ctx.require_writer(principal)
    _collection(request)
    body = await request.body()
    if len(body) > MAX_CONTENT_LENGTH:
        raise _MediaError(413, f"the envelope is {len(body)} bytes; max_content_length is {MAX_CONTENT_LENGTH}")
    try:
        envelope = json.loads(body)
    except ValueError as exc:
        raise InvalidInput(f"the request body is not JSON: {exc}") from exc
    items = envelope.get("objects") if isinstance(envelope, dict) else None
    if not isinstance(items, list):
        raise InvalidInput("expected a TAXII envelope {'objects': [...]}")
    for i, obj in enumerate(items):
        check_object(obj, f"envelope object {i}")
        _check_types(obj, f"envelope object {i}")
    successes = []
    with ctx.node.publisher() as pub:
        for obj in items:
            if obj["type"] == "incident":
                pub.add(Incident.from_stix(obj))
            else:
                pub.add_object(dict(obj), tlp=tlp_of(obj))
            successes.append({"id": obj["id"], "version": obj.get("modified", "")})
    ctx.audit(principal, "taxii-add", f"{len(items)} objects")
    status = {
        "id": str(uuid.uuid4()),
        "status": "complete",
        "request_timestamp": pub._stamp,
        "total_count": len(items),
        "success_count": len(items),
        "successes": successes,
        "failure_count": 0,
        "pending_count": 0,
    }
    with ctx.db.transaction():
        ctx.db.execute("INSERT INTO taxii_status (id, body) VALUES (?, ?)", (status["id"], json.dumps(status)))
    return _json(status, 202)


async def status(request: Request) -> Response:
    _negotiate(request)
    ctx = Context.of(request)
    row = ctx.db.fetchone("SELECT body FROM taxii_status WHERE id = ?", (request.path_params["status_id"],))
    if row is None:
        raise NotFound(f"no status {request.path_params['status_id']}")
    return Response(str(row[0]), 200, media_type=MEDIA_TYPE)


def media_error_response(exc: _MediaError) -> Response:
    """The TAXII error resource for a media-type or size error."""
    return taxii_error(exc.status, str(exc))


MediaError = _MediaError

routes: Final = [
    Route("/taxii2/", discovery),
    Route("/taxii2/{api_root}/", api_root),
    Route("/taxii2/{api_root}/status/{status_id}/", status),
    Route("/taxii2/{api_root}/collections/", collections),
    Route("/taxii2/{api_root}/collections/{collection}/", collection),
    Route("/taxii2/{api_root}/collections/{collection}/objects/", objects, methods=["GET", "POST"]),
    Route("/taxii2/{api_root}/collections/{collection}/manifest/", manifest),
    Route("/taxii2/{api_root}/collections/{collection}/objects/{object_id}/", object_by_id),
    Route("/taxii2/{api_root}/collections/{collection}/objects/{object_id}/versions/", versions),
]
