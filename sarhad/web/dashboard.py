"""The dashboard: the page, its static files, its aggregate API and the live stream.

Routes (:func:`routes`):

* ``GET /`` and ``GET /static/…``: the page and its assets (public: no secrets; the page asks for a token and
  keeps it in ``sessionStorage``). Leaflet is served from the ``xstatic-leaflet`` package at
  ``/static/leaflet/``; there is no tile layer, only GeoJSON layers.
* ``GET /api/dashboard/{whoami,options,timeline,markers,table,alerts,rules,log,framework,layers}`` and
  ``GET /api/dashboard/incidents/{id}``: aggregates for the page, computed in the database (see
  :mod:`sarhad.monitor.views`). Every one takes the token as ``Authorization: Bearer …`` and applies the
  principal's TLP rules. Each route has its allow list of query parameters (:func:`api_routes`); another one
  is a 400 naming it as ``field``, as on the JSON API.
* ``GET /api/dashboard/clusters`` and ``GET /api/dashboard/clusters/{id}``: the joint picture (reconciliation's
  clusters as the principal may read them), :mod:`sarhad.web.clusters`.
* ``POST /api/dashboard/rules``, ``DELETE /api/dashboard/rules/{name}``, ``POST /api/dashboard/rules/{name}/disable``
  and ``…/enable``: manage alert rules; ``POST /api/dashboard/alerts/ack``: acknowledge alerts (a writer of this
  node: analyst or admin of its party).
* ``GET /api/dashboard/codes``: the report form's code lists (:mod:`sarhad.web.reportform`); the form posts to
  ``POST /api/incidents``, and ``GET /api/dashboard/incidents/{id}`` gives an own record as the body that corrects it.
* ``GET /api/dashboard/report?quarter=YYYY-Qn``: the framework's quarterly report (HTML), written from the
  records and incidents the principal may read.
* ``GET /api/stream``: server-sent events (``text/event-stream``): ``incident``, ``alert``, ``alert_update`` and
  ``withheld`` events (see :mod:`sarhad.monitor.stream`). It takes the token in the ``Authorization`` header like
  every API route; the page reads it with ``fetch()`` and a stream reader (``EventSource`` cannot send headers,
  and a token in a URL would end up in logs).

The app factory must let ``/`` and ``/static/…`` through without a token: :data:`PUBLIC_PATHS` and
:data:`PUBLIC_PREFIXES`; until it does, :func:`compose` wraps an app so that they are served before it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gzip
import hashlib
import json
import math
import tempfile
import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from sarhad.errors import InvalidInput, NotFound
from sarhad.exchange.peers import copied_leaves, list_removed_peers, owed_cosignature
from sarhad.exchange.refused import refused_count
from sarhad.model.incident import SARHAD_EXTENSION
from sarhad.monitor import views
from sarhad.monitor.alerts import Alert, acknowledge, list_alerts
from sarhad.monitor.counterparts import Facts, counterparts
from sarhad.monitor.rules import Rule, add_rule, check_rule_targets, list_rules, remove_rule, set_disabled
from sarhad.monitor.stream import Broadcaster, Event, Watcher, frames, sequences
from sarhad.store.db import Database
from sarhad.store.incidents import Filters, load_incident
from sarhad.web import clusters, reportform
from sarhad.web.context import (
    Context,
    FieldError,
    naming_the_field,
    principal_of,
    window_and_place_filters,
)

__all__ = [
    "FILTER_PARAMETERS",
    "MAX_ALERTS",
    "MAX_MARKERS",
    "MAX_OFFSET",
    "MAX_ROWS",
    "MAX_ZOOM",
    "PUBLIC_PATHS",
    "PUBLIC_PREFIXES",
    "compose",
    "is_public",
    "request_filters",
    "routes",
]

PUBLIC_PATHS: Final = frozenset({"/", "/favicon.ico"})
PUBLIC_PREFIXES: Final = ("/static/",)
STATIC: Final = Path(__file__).resolve().parent / "static"
TEMPLATES: Final = Path(__file__).resolve().parent / "templates"
_KEEPALIVE_S: Final = 15.0
_STREAM_MAX_S: Final = 300.0  # the page reconnects; bounds a connection's life (and a revoked token's)
MAX_OFFSET: Final = 2**53 - 1
"""The largest ``offset`` the table takes (a database integer, as the JSON API's)."""
MAX_ROWS: Final = 500
"""The largest ``limit`` of the table (rows of a page)."""
MAX_MARKERS: Final = 5000
"""The largest ``limit`` of the markers (points before grid clusters)."""
MAX_ALERTS: Final = 500
"""The largest ``limit`` of the alerts."""
MAX_ZOOM: Final = 18
"""The largest ``zoom`` of the markers."""
FILTER_PARAMETERS: Final = ("since", "until", "admin1", "country", "perpetrator", "party", "near_border")
"""The dashboard's filters (:func:`request_filters`): every route that takes them takes them all; a route
refuses a query parameter it does not take (400 naming it as ``field``), as the JSON API does."""


def is_public(path: str) -> bool:
    """Whether ``path`` is one of the dashboard's public paths (the page and its static files)."""
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def _leaflet_dir() -> Path:
    import xstatic.pkg.leaflet as leaflet  # type: ignore[import-untyped]

    return Path(leaflet.BASE_DIR)


# -- request helpers ---------------------------------------------------------------------------------------
def request_filters(request: Request) -> Filters:
    """The dashboard's filters of ``request`` (its query parameters), narrowed to what the principal may read:
    ``since``, ``until``, ``country`` and ``near_border`` as the JSON API takes them
    (:func:`sarhad.web.context.window_and_place_filters`). Raises FieldError naming a bad parameter."""
    q = request.query_params
    values: dict[str, Any] = {}
    for key, name in (("admin1", "admin1"), ("perpetrator", "perpetrator"), ("party", "reported_by")):
        if q.get(key):
            values[name] = q[key]
    values.update(window_and_place_filters(q))
    return Context.of(request).incident_filters(principal_of(request), Filters(**values))


def _float(raw: str, name: str) -> float:
    """``raw`` as a finite number (nan and infinities reach no comparison or grid). Raises FieldError."""
    try:
        value = float(raw)
    except ValueError:
        raise FieldError(name, f"{name} {raw!r} is not a number") from None
    if not math.isfinite(value):
        raise FieldError(name, f"{name} {raw!r} is not a finite number")
    return value


def _int(request: Request, name: str, default: int, low: int, high: int) -> int:
    """The integer query parameter ``name`` of ``request`` (``default`` when it is not given), within
    ``low``..``high``. Raises FieldError naming it otherwise: a value out of range is refused, never moved into
    it (``limit=0`` is no page size; the answer would not be what was asked)."""
    raw = request.query_params.get(name)
    if raw is None:  # empty is not an integer, as on the JSON API
        return default
    try:
        value = int(raw)
    except ValueError:
        raise FieldError(name, f"{name} {raw!r} is not an integer") from None
    if not low <= value <= high:
        raise FieldError(name, f"{name} {value} is outside {low}..{high}")
    return value


def _bbox(raw: str | None) -> tuple[float, float, float, float] | None:
    if not raw:
        return None
    parts = raw.split(",")
    if len(parts) != 4:
        raise FieldError("bbox", f"bbox {raw!r} must be MINLON,MINLAT,MAXLON,MAXLAT")
    a, b, c, d = (_float(p, "bbox") for p in parts)
    if a > c or b > d:
        raise FieldError("bbox", f"bbox {raw!r} has min > max (expected MINLON,MINLAT,MAXLON,MAXLAT)")
    return a, b, c, d


def _json(value: Any, status: int = 200) -> Response:
    return JSONResponse(value, status, headers={"Cache-Control": "no-store"})


# -- page and static files ---------------------------------------------------------------------------------
async def page(request: Request) -> Response:
    """The dashboard page (public)."""
    html = (TEMPLATES / "dashboard.html").read_text(encoding="utf-8")
    return HTMLResponse(
        html,
        headers={
            "Cache-Control": "no-cache",
            # Nothing may load from outside this origin (issue #9: the page makes no outside request).
            "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; style-src 'self' "
            "'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


async def favicon(request: Request) -> Response:
    return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")


# -- aggregate API -----------------------------------------------------------------------------------------
async def whoami(request: Request) -> Response:
    p = principal_of(request)
    ctx = Context.of(request)
    return _json({"name": p.name, "role": p.role, "party": p.party, "may_write": p.may_write, "node": ctx.party})


async def options(request: Request) -> Response:
    return _json(views.options(Context.of(request).db, request_filters(request)))


async def timeline(request: Request) -> Response:
    """``months``: incidents and killed per month and party; ``years``: the same per year for the incidents whose
    date is known only to the year, which are in no month (:func:`sarhad.monitor.views.timeline_years`)."""
    db, filters = Context.of(request).db, request_filters(request)
    return _json({"months": views.timeline(db, filters), "years": views.timeline_years(db, filters)})


async def markers(request: Request) -> Response:
    zoom = _int(request, "zoom", 5, 0, MAX_ZOOM)
    bbox = _bbox(request.query_params.get("bbox"))
    limit = _int(request, "limit", 1500, 1, MAX_MARKERS)
    return _json(views.markers(Context.of(request).db, request_filters(request), zoom=zoom, bbox=bbox, limit=limit))


async def table(request: Request) -> Response:
    limit = _int(request, "limit", 50, 1, MAX_ROWS)
    offset = _int(request, "offset", 0, 0, MAX_OFFSET)  # at most a database integer
    return _json(views.table(Context.of(request).db, request_filters(request), limit=limit, offset=offset))


async def incident(request: Request) -> Response:
    """One incident with every other party's version of it and where they disagree."""
    ctx = Context.of(request)
    principal = principal_of(request)
    wanted = request.path_params["incident_id"]
    readable, params = ctx.read_clause(principal, "incidents", current_rows=True)
    rows = views.compact_rows(ctx.db, f"id = ? AND {readable}", [wanted, *params])
    if not rows:
        raise NotFound(f"no incident {wanted} that this principal may read")
    row = rows[0]
    full = ctx.db.fetchone(
        "SELECT killed_low, killed_best, killed_high, admin1, admin2, perpetrator FROM incidents WHERE id = ?",
        (wanted,),
    )
    assert full is not None
    facts = Facts(
        row["id"], row["reported_by"], row["date_start"], row["lat"], row["lon"], full[3], full[4], full[5],
        full[0], full[1], full[2],
    )  # fmt: skip
    found = counterparts(ctx.db, facts)
    shown: set[str] = set()
    if found:  # the versions this principal may read, by the same rule
        marks = ", ".join("?" * len(found))
        sql = f"SELECT id FROM incidents WHERE id IN ({marks}) AND {readable}"
        shown = {str(r[0]) for r in ctx.db.fetchall(sql, [*(other["id"] for other, _ in found), *params])}
    versions = [
        {
            **{k: other[k] for k in views.COMPACT_COLUMNS},
            "killed_zero_ambiguous": bool(other["killed_zero_ambiguous"]),
            "disagreements": diffs,
        }
        for other, diffs in found
        if other["id"] in shown
    ]
    alerts = [a.to_dict() for a in list_alerts(ctx.db, incident=wanted, limit=20)]
    # the current version (the incidents row's): a peer's later version of this node's own record is not it
    title = ctx.db.fetchone(
        "SELECT o.body FROM objects o JOIN incidents i ON i.id = o.id AND i.modified = o.modified WHERE o.id = ?",
        (wanted,),
    )
    extra: dict[str, Any] = {}
    if title is not None:
        body = json.loads(title[0])
        ext = (body.get("extensions") or {}).get(SARHAD_EXTENSION) or {}
        extra = {"name": body.get("name"), "description": body.get("description"), "recipients": ext.get("recipients")}
    cluster = ctx.db.fetchone("SELECT cluster_id FROM reconcile_members WHERE incident_id = ?", (wanted,))
    extra["cluster_id"] = str(cluster[0]) if cluster else None  # the joint picture's cluster (this one is read)
    # which version of it the current one is, among those of the party whose record it is (a peer's copy of this
    # node's record, kept as the peer's, is not one), and for a record the principal may correct from the report
    # form (its party's own report), that record as the form's body (sarhad.web.reportform)
    held = ctx.db.fetchone(
        "SELECT COUNT(*) FROM objects o JOIN incidents i ON i.id = o.id AND o.origin = i.origin"
        " AND o.modified <= i.modified WHERE o.id = ?",
        (wanted,),
    )
    extra["version"] = int(held[0]) if held else 1
    own = load_incident(ctx.db, wanted)
    extra["report"] = reportform.report_body(own) if reportform.correctable(own, principal, ctx.party) else None
    return _json({"incident": {**row, **extra}, "versions": versions, "alerts": alerts})


async def alerts(request: Request) -> Response:
    """The newest alerts the principal may see, each with its state (:meth:`sarhad.monitor.alerts.Alert.to_dict`:
    ``state``, ``version``, ``lapsed_since``, ``updated``, ``changes``) and its incident's summary; ``total``: how
    many alerts the principal may see, listed or not for ``limit`` (1..:data:`MAX_ALERTS`; another is refused).
    The incident's summary gives its date as stored (``date_start``, ``date_end``, ``date_precision``), for the
    page to show it no more exactly than it is known.

    An alert is seen when it is listed (its incident has a current version, :func:`sarhad.monitor.alerts.
    listed`) and the principal may read that version (the read rule); the list and ``total`` take the same
    condition, so ``total`` counts no alert the principal may not read. ``since`` and ``until`` (YYYY, YYYY-MM
    or YYYY-MM-DD, as ``sarhad alerts list`` takes them) keep the alerts raised on or after, on or before, that
    date (the alerts' time, not the incidents'); 400 naming the parameter otherwise, and naming ``since`` when it is
    after ``until`` (a window that holds no day), as the other routes' windows
    (:func:`sarhad.web.context.window_and_place_filters`).

    ``seq``: the highest sequence number of ``objects``, ``alerts``, ``alert_events`` and ``withheld_versions``
    that the list and ``total`` reflect (one snapshot, :func:`sarhad.monitor.stream.sequences`). A live event
    carries the number of the row that caused it (its ``seq``, e.g. ``{"alerts": 41}``): at or below the answer's,
    the answer shows it already, and a page applies it no more.

    Each alert acknowledged carries ``acknowledged``: ``{by, at, changed_since}`` (as ``alerts list --json``).
    ``unacked=1`` keeps the alerts not acknowledged, or changed since they were (``alerts list --unacked``), in
    the list and in ``total``; ``unacked=0`` (the default) keeps all. An acknowledgement has no sequence number:
    the live stream does not carry it, and another page shows it at its next load of this route."""
    ctx = Context.of(request)
    principal = principal_of(request)
    limit = _int(request, "limit", 50, 1, MAX_ALERTS)
    unacked = _flag(request, "unacked")
    # the window's days by the dashboard's one parser: a since after until is refused, naming since
    days = window_and_place_filters({k: v for k, v in request.query_params.items() if k in ("since", "until")})
    window: list[str] = []
    window_params: list[Any] = []
    if "since" in days:
        window.append("a.created >= ?")
        window_params.append(days["since"])
    if "until" in days:
        # ``created`` is an ISO 8601 UTC timestamp: on or before a day is before the next day's first instant.
        window.append("a.created < ?")
        window_params.append((date.fromisoformat(days["until"]) + timedelta(days=1)).isoformat())
    if unacked:  # the condition of list_alerts(unacked=True)
        window.append(
            "NOT EXISTS (SELECT 1 FROM alert_acks n WHERE n.alert_id = a.id"
            " AND (a.updated IS NULL OR a.updated <= n.at))"
        )
    readable, params = ctx.read_clause(principal, "i", current_rows=True)
    params = [*params, *window_params]
    # The join with incidents is listed(): only an incident with a current version has a row there.
    seen = f"FROM alerts a JOIN incidents i ON i.id = a.incident_id WHERE {' AND '.join([readable, *window])}"
    # One snapshot for the list, the count and the sequences they reflect (see the docstring).
    with ctx.db.snapshot() as db:
        seq = sequences(db)
        rows = db.fetchall(
            "SELECT a.id, a.rule, a.incident_id, a.origin, a.reason, a.created, a.version, a.lapsed, a.updated,"
            " a.changes, a.facts, k.principal, k.at, i.date_start, i.date_end, i.date_precision, i.place, i.admin1,"
            " i.perpetrator, i.killed_best, i.reported_by, i.lat, i.lon, i.killed_zero_ambiguous"
            f" {seen.replace(' WHERE ', ' LEFT JOIN alert_acks k ON k.alert_id = a.id WHERE ', 1)}"
            " ORDER BY a.created DESC, a.id LIMIT ?",
            (*params, limit),
        )
        counted = db.fetchone(f"SELECT COUNT(*) {seen}", params)
    out = []
    for r in rows:
        out.append({**Alert.of_row(r[:13]).to_dict(), "incident": {
            "date_start": r[13], "date_end": r[14], "date_precision": r[15], "place": r[16], "admin1": r[17],
            "perpetrator": r[18], "killed_best": r[19], "reported_by": r[20], "lat": r[21], "lon": r[22],
            "killed_zero_ambiguous": bool(r[23])}})  # fmt: skip
        if len(out) >= limit:
            break
    return _json({"alerts": out, "total": int(counted[0]) if counted else 0, "seq": seq})


async def ack_alerts(request: Request) -> Response:
    """Acknowledge alerts (body ``{"ids": ["alert--…", …]}``) as the principal, a writer of this node, as
    ``sarhad alerts ack`` does: all or none, each answered as the alerts route lists it with ``action``
    (``acknowledged``, or ``already_acknowledged`` when it was and did not change since: who and when stay).

    403 for a principal who may not write here; 404 naming the first id that is no alert the principal may see
    (listed, on an incident it may read); 400 for a body that is no such object. Nothing is stored then."""
    ctx = Context.of(request)
    principal = principal_of(request)
    ctx.require_writer(principal)
    ids = _ids(await request.body())
    readable, params = ctx.read_clause(principal, "i", current_rows=True)
    with ctx.db.transaction():  # the acknowledgements and their audit rows together
        for alert_id_ in ids:
            seen = ctx.db.fetchone(
                f"SELECT 1 FROM alerts a JOIN incidents i ON i.id = a.incident_id WHERE a.id = ? AND {readable}",
                (alert_id_, *params),
            )
            if seen is None:
                raise NotFound(f"no alert {alert_id_!r} is listed on this node for you; nothing was acknowledged")
        done = acknowledge(ctx.db, ids, principal.name)
        for alert, new in done:
            if new:
                ctx.audit(principal, "ack-alert", alert.id)
    actions = [{**alert.to_dict(), "action": "acknowledged" if new else "already_acknowledged"} for alert, new in done]
    return _json({"alerts": actions})


def _ids(body: bytes) -> list[str]:
    """The alert ids of an acknowledgement's body. Raises FieldError naming ``ids`` when it holds none."""
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise InvalidInput(f"the body is not JSON: {exc}") from None
    if not isinstance(data, dict) or "ids" not in data:
        raise FieldError("ids", 'expected a JSON object {"ids": ["alert--…", …]}')
    ids = data["ids"]
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
        raise FieldError("ids", f"ids must be a non-empty list of alert ids (alert--…), not {ids!r}")
    return list(dict.fromkeys(ids))


def _flag(request: Request, name: str) -> bool:
    """The query parameter ``name`` as a switch: ``1``/``true`` or ``0``/``false`` (absent: false). Raises
    FieldError naming it otherwise."""
    raw = request.query_params.get(name)
    if raw is None or raw in ("0", "false"):
        return False
    if raw in ("1", "true"):
        return True
    raise FieldError(name, f"{name} {raw!r} is not 1, true, 0 or false")


async def rules(request: Request) -> Response:
    ctx = Context.of(request)
    if request.method == "POST":
        ctx.require_writer(principal_of(request))
        try:
            data = json.loads(await request.body())
        except ValueError as exc:
            raise InvalidInput(f"the body is not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise InvalidInput("expected a JSON object (a rule)")
        rule = add_rule(ctx.db, check_rule_targets(Rule.from_dict(data), ctx.db))
        ctx.audit(principal_of(request), "add-alert-rule", rule.name)
        return _json({"rule": {**rule.to_dict(), "conditions": rule.conditions()}}, 201)
    return _json({"rules": [{**r.to_dict(), "conditions": r.conditions()} for r in list_rules(ctx.db)]})


async def delete_rule(request: Request) -> Response:
    ctx = Context.of(request)
    ctx.require_writer(principal_of(request))
    remove_rule(ctx.db, request.path_params["name"])
    ctx.audit(principal_of(request), "remove-alert-rule", request.path_params["name"])
    return _json({"removed": request.path_params["name"]})


async def switch_rule(request: Request) -> Response:
    """Disable (``…/disable``) or enable again (``…/enable``) the rule ``name``, as ``sarhad alerts rules
    disable/enable`` does: the rule as listed, with ``action`` (``disabled``, ``already_disabled``, ``enabled``,
    ``already_enabled``). 403 for a principal who may not write here, 404 naming the rules when none has that
    name."""
    ctx = Context.of(request)
    principal = principal_of(request)
    ctx.require_writer(principal)
    name = request.path_params["name"]
    word = "disabled" if request.url.path.endswith("/disable") else "enabled"
    with ctx.db.transaction():
        rule, changed = set_disabled(ctx.db, name, word == "disabled")
        if changed:
            ctx.audit(principal, f"{word[:-1]}-alert-rule", name)
    action = word if changed else f"already_{word}"
    return _json({"rule": {**rule.to_dict(), "conditions": rule.conditions()}, "action": action})


def _last_verified(db: Database, name: str) -> dict[str, Any]:
    """The last checkpoint of the peer ``name``'s log this node verified (nulls when none), and the leaves of
    the copy it keeps."""
    last = db.fetchone(
        "SELECT size, root, verified, source FROM peer_checkpoints WHERE peer = ? ORDER BY size DESC LIMIT 1",
        (name,),
    )
    return {
        "size": int(last[0]) if last else None, "root": bytes(last[1]).hex() if last else None,
        "verified": last[2] if last else None, "source": last[3] if last else None,
        "leaves": copied_leaves(db, name),
    }  # fmt: skip


def _cosignatures(db: Database, size: int) -> list[dict[str, Any]]:
    """The cosignatures on this node's checkpoint at ``size``: the witness's name (a peer's log origin), when
    it arrived, and the peer and party of that origin (null for a witness that is no registered peer)."""
    rows = db.fetchall(
        "SELECT c.name, c.received, p.name, p.party FROM log_cosignatures c LEFT JOIN peers p ON p.origin = c.name"
        " WHERE c.size = ? ORDER BY c.name",
        (size,),
    )
    return [{"name": r[0], "received": r[1], "peer": r[2], "party": r[3]} for r in rows]


async def log_status(request: Request) -> Response:
    """The node's latest checkpoint with its cosignatures, each peer's last verified checkpoint and the
    cosignature this node owes it (``cosignature_owed``: the size of the peer's checkpoint, why the peer did
    not take it, when it was last sent; null when none is owed), how many of its entries a sync refused
    (``refused_entries``, kept apart: ``sarhad peer list``) and how many pieces of evidence of a rewritten log
    this node holds against it (``evidence``, also ``split_views``: ``sarhad log evidence``), and each removed
    peer whose log copy the node keeps (``removed_peers``: when it was removed, its party and origin, the
    leaves of the copy and its last verified checkpoint).

    ``latest_cosigned`` is the newest checkpoint that any witness cosigned, with its cosignatures: the newest
    checkpoint is often not cosigned yet (the peers cosign it at their next sync), and an auditor must still
    see that, and by whom, the log was cosigned up to that size."""
    db = Context.of(request).db
    own = db.fetchone("SELECT size, root, created FROM log_checkpoints ORDER BY size DESC LIMIT 1")
    checkpoint: dict[str, Any] | None = None
    if own is not None:
        last = db.fetchone(
            "SELECT k.size, k.created FROM log_checkpoints k WHERE k.size = (SELECT MAX(size) FROM log_cosignatures)"
        )
        checkpoint = {
            "size": int(own[0]),
            "root": bytes(own[1]).hex(),
            "created": own[2],
            "cosignatures": _cosignatures(db, int(own[0])),
            "latest_cosigned_size": int(last[0]) if last else None,
            "latest_cosigned": None
            if last is None
            else {"size": int(last[0]), "created": last[1], "cosignatures": _cosignatures(db, int(last[0]))},
        }
    peers = []
    for name, party, origin in db.fetchall("SELECT name, party, origin FROM peers ORDER BY name"):
        split = db.fetchone("SELECT COUNT(*) FROM split_views WHERE peer = ?", (name,))
        # a sync stored the peer's data but the peer did not take this node's cosignature (peer list shows it too)
        owed = owed_cosignature(db, str(name))
        evidence = int(split[0]) if split else 0
        peers.append({
            "name": name, "party": party, "origin": origin, **_last_verified(db, str(name)),
            "split_views": evidence,
            # what an operator must take up with the peer's: entries kept apart, and evidence of a rewritten log
            "refused_entries": refused_count(db, str(name)),
            "evidence": evidence,
            "cosignature_owed": None if owed is None else dataclasses.asdict(owed),
        })  # fmt: skip
    removed = [
        {"name": r.name, "party": r.party, "origin": r.origin, "removed": r.removed, **_last_verified(db, r.name)}
        for r in list_removed_peers(db)
    ]
    return _json(
        {
            "origin": Context.of(request).node.settings.origin,
            "checkpoint": checkpoint,
            "peers": peers,
            "removed_peers": removed,
        }
    )


async def framework(request: Request) -> Response:
    """Commitments and their status in the latest quarter, counted by state, from the framework records the
    principal may read (its TLP rules)."""
    ctx = Context.of(request)
    try:
        from sarhad.framework.views import commitment_list
    except ImportError:  # pragma: no cover - the framework component is part of the package
        return _json({"commitments": [], "counts": {}, "quarter": None})
    try:
        items = commitment_list(ctx.db, readable=ctx.read_clause(principal_of(request)))
    except NotFound:
        items = []
    # The latest quarter that any party assessed (the current quarter is usually not assessed yet); with no
    # assessment at all, the latest quarter known.
    quarters = {q for c in items for q in c["status"]}
    assessed = {q for c in items for q, s in c["status"].items() if s.get("state", "not-assessed") != "not-assessed"}
    quarter = max(assessed or quarters) if quarters else None
    counts: dict[str, int] = {}
    summary = []
    for c in items:
        if quarter is None or quarter not in c["status"]:
            continue
        state = c["status"][quarter].get("state", "unknown")
        counts[state] = counts.get(state, 0) + 1
        summary.append({"id": c["id"], "text": c["text"], "focus_area": c["focus_area"], "state": state})
    return _json({"quarter": quarter, "counts": counts, "commitments": summary})


async def report(request: Request) -> Response:
    """The quarterly report as HTML (``?quarter=YYYY-Qn``), or as JSON (``&format=json``, or ``Accept:
    application/json`` without ``format``: :func:`sarhad.framework.report_json.report_json`), written for the
    principal who asks.

    It is written only from the framework records and incidents the principal may read (its TLP rules): a
    principal of another party gets a report without this party's drafts and TLP:RED evidence and assessments;
    this party's principals get those they may read. The node's full report is the CLI's
    (``sarhad report quarterly``).
    """
    from sarhad.framework.report import Readable, write_report

    ctx = Context.of(request)
    principal = principal_of(request)
    quarter = request.query_params.get("quarter")
    if not quarter:
        raise InvalidInput("query parameter quarter is required (e.g. 2026-Q1)")
    readable = Readable(
        objects=ctx.read_clause(principal, "o"),
        incidents=lambda filters: ctx.incident_filters(principal, filters),
    )
    wanted = request.query_params.get("format")
    if wanted not in (None, "html", "json"):
        raise FieldError("format", f"query parameter format is {wanted!r}: it is html or json")
    accept = request.headers.get("accept", "")
    if wanted == "json" or (wanted is None and "application/json" in accept and "text/html" not in accept):
        from sarhad.framework.report import build_context
        from sarhad.framework.report_json import report_json

        body = report_json(build_context(ctx.node, quarter, readable=readable))
        return Response(
            json.dumps(body, ensure_ascii=False, default=str),
            media_type="application/json",
            headers={"Cache-Control": "no-store", "Vary": "Accept"},
        )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.html"
        write_report(ctx.node, quarter, out, readable=readable)
        html = out.read_text(encoding="utf-8")
    return HTMLResponse(html, headers={"Cache-Control": "no-store", "Vary": "Accept"})


async def layers(request: Request) -> Response:
    """The map's GeoJSON layers (countries, provinces, border line and band, crossings) with attributions.

    Built once per process (coordinates rounded to 3 decimals, about 100 m) and sent gzip-compressed when the
    client accepts it, with an ETag so that a reload costs a 304.
    """
    plain, packed, etag = await asyncio.get_running_loop().run_in_executor(None, _layers_json)
    headers = {"Cache-Control": "private, max-age=86400", "ETag": etag, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(packed, media_type="application/json", headers={**headers, "Content-Encoding": "gzip"})
    return Response(plain, media_type="application/json", headers=headers)


_layers_cache: list[tuple[bytes, bytes, str]] = []
_layers_lock = threading.Lock()


def _layers_json() -> tuple[bytes, bytes, str]:
    """The layers as JSON, gzip-compressed JSON and the ETag (computed once, by whichever thread comes first)."""
    with _layers_lock:
        if not _layers_cache:
            plain = json.dumps(_rounded(_layers()), separators=(",", ":")).encode()
            etag = '"' + hashlib.sha256(plain).hexdigest()[:32] + '"'
            _layers_cache.append((plain, gzip.compress(plain, 6), etag))
        return _layers_cache[0]


def _rounded(value: Any) -> Any:
    """``value`` with every float rounded to 3 decimals (GeoJSON coordinates, for the screen)."""
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def _warm_layers() -> None:
    """Build the layers in the background, so that the first page load does not wait for them."""
    if not _layers_cache:
        threading.Thread(target=_layers_json, name="dashboard-layers", daemon=True).start()


def _layers() -> dict[str, Any]:
    from sarhad.monitor.evaluate import crossings

    out: dict[str, Any] = {}
    try:
        from sarhad.geo import layers as geo_layers  # type: ignore[attr-defined,unused-ignore]

        out = dict(geo_layers())
    except ImportError:
        out = {}
    if "crossings" not in out:
        out["crossings"] = {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"name": n}, "geometry": {"type": "Point", "coordinates": [lon, lat]}}
                for n, lat, lon in crossings()
            ],
        }
    out.setdefault(
        "attribution",
        "Border line © OpenStreetMap contributors (ODbL); countries and provinces: Natural Earth (public domain)",
    )
    return out


# -- live stream -------------------------------------------------------------------------------------------
class _Hub:
    """The app's broadcaster and its watcher task (started with the first subscriber)."""

    def __init__(self, ctx: Context) -> None:
        self.broadcaster = Broadcaster()
        self.watcher = Watcher(ctx.db, self.broadcaster)
        self.task: asyncio.Task[None] | None = None

    def ensure_running(self) -> None:
        if self.task is None or self.task.done():
            self.watcher.poll()  # set the marks now, so events from here on are not missed
            self.task = asyncio.get_running_loop().create_task(self.watcher.run())

    async def stop(self) -> None:
        """Cancel the watcher task and wait until it has ended (it then no longer touches the database)."""
        self.broadcaster.close()
        task, self.task = self.task, None
        if task is None or task.done():
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def stop_stream(app: Starlette) -> None:
    """Stop the live stream's watcher of ``app``, if it runs: call before the node's database closes.

    Without this the watcher's next poll would run against a closed database during shutdown.
    """
    hub: _Hub | None = getattr(app.state, "sarhad_stream", None)
    if hub is not None:
        await hub.stop()


def _hub(request: Request) -> _Hub:
    state = request.app.state
    hub: _Hub | None = getattr(state, "sarhad_stream", None)
    if hub is None:
        hub = _Hub(Context.of(request))
        state.sarhad_stream = hub
    hub.ensure_running()
    return hub


async def stream(request: Request) -> Response:
    """Server-sent events: ``incident``, ``alert``, ``alert_update`` and ``withheld`` (only those the principal may
    read), each with its ``id:``; with ``Last-Event-ID``, those missed since that id first, or ``resync`` when the
    server no longer keeps them (:func:`sarhad.monitor.stream.frames`). A stream ends after ``_STREAM_MAX_S``."""
    ctx = Context.of(request)
    principal = principal_of(request)
    hub = _hub(request)

    def readable(event: Event) -> bool:
        return ctx.may_read(principal, event.tlp, event.origin, event.recipients, event.licence)

    last_event_id = request.headers.get("last-event-id")
    return StreamingResponse(
        frames(hub.broadcaster, last_event_id, readable, lifetime=_STREAM_MAX_S, keepalive=_KEEPALIVE_S),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def public_routes() -> list[BaseRoute]:
    """The page and its static files (no token needed)."""
    return [
        Route("/", page),
        Route("/favicon.ico", favicon),
        Mount("/static/leaflet", app=StaticFiles(directory=_leaflet_dir()), name="leaflet"),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]


def api_routes() -> list[BaseRoute]:
    """The dashboard's API and the stream (the app's authentication applies)."""
    _warm_layers()
    return [
        Route("/api/dashboard/whoami", naming_the_field(whoami, takes=())),
        Route("/api/dashboard/options", naming_the_field(options, takes=FILTER_PARAMETERS)),
        Route("/api/dashboard/timeline", naming_the_field(timeline, takes=FILTER_PARAMETERS)),
        Route("/api/dashboard/markers", naming_the_field(markers, takes=(*FILTER_PARAMETERS, "zoom", "bbox", "limit"))),
        Route("/api/dashboard/table", naming_the_field(table, takes=(*FILTER_PARAMETERS, "limit", "offset"))),
        Route("/api/dashboard/incidents/{incident_id}", naming_the_field(incident, takes=())),
        Route("/api/dashboard/alerts", naming_the_field(alerts, takes=("limit", "since", "until", "unacked"))),
        Route("/api/dashboard/alerts/ack", naming_the_field(ack_alerts, takes=()), methods=["POST"]),
        Route("/api/dashboard/rules", naming_the_field(rules, takes=()), methods=["GET", "POST"]),
        Route("/api/dashboard/rules/{name}", naming_the_field(delete_rule, takes=()), methods=["DELETE"]),
        Route("/api/dashboard/rules/{name}/disable", naming_the_field(switch_rule, takes=()), methods=["POST"]),
        Route("/api/dashboard/rules/{name}/enable", naming_the_field(switch_rule, takes=()), methods=["POST"]),
        Route("/api/dashboard/log", naming_the_field(log_status, takes=())),
        Route("/api/dashboard/framework", naming_the_field(framework, takes=())),
        Route("/api/dashboard/report", naming_the_field(report, takes=("quarter", "format"))),
        Route("/api/dashboard/layers", naming_the_field(layers, takes=())),
        *clusters.routes(),
        *reportform.routes(),
        Route("/api/stream", naming_the_field(stream, takes=())),
    ]


def routes() -> list[BaseRoute]:
    """Every dashboard route: add them to the app's routes (and let :func:`is_public` paths skip auth)."""
    return [*public_routes(), *api_routes()]


def compose(app: Starlette) -> ASGIApp:
    """``app`` with the dashboard: API routes added to it, the public page served in front of its auth.

    For an app factory that does not mount the dashboard itself (the tests and the benchmark use it).
    """
    present = {getattr(r, "path", None) for r in app.router.routes}
    if "/api/dashboard/whoami" not in present:
        app.router.routes.extend(api_routes())
    public = Starlette(routes=public_routes())

    async def composed(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_public(scope["path"]):
            await public(scope, receive, send)
        else:
            await app(scope, receive, send)

    return composed
