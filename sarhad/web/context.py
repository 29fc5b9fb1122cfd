"""What every route shares: the open node, the principal of the request, and the two error shapes.

The JSON API and the log API answer errors with one envelope, ``{"error": {"code", "message", "field"?}}``;
TAXII routes answer with the TAXII 2.1 error resource (``title``, ``description``, ``http_status``…).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sarhad._internal.dates import check_window, window_day
from sarhad.errors import AccessDenied, InvalidInput
from sarhad.model.codes import RESTRICTED_LICENCES
from sarhad.node import Node
from sarhad.store.db import Database
from sarhad.store.incidents import Filters
from sarhad.web import auth
from sarhad.web.auth import Principal, readable_levels

__all__ = [
    "Context",
    "FieldError",
    "api_error",
    "check_parameters",
    "naming_the_field",
    "principal_of",
    "taxii_error",
    "window_and_place_filters",
]

_TAXII_MEDIA = "application/taxii+json;version=2.1"


@dataclass
class Context:
    """The application's state: the node it serves. One per app; routes reach it with :meth:`of`."""

    node: Node
    _parties: tuple[str, ...] | None = field(default=None, repr=False)
    # (the highest objects.seq, whether an object under a restricted licence was held then): see _holds_restricted
    _restricted_at: tuple[int, bool] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, request: Request) -> Context:
        ctx: Context = request.app.state.sarhad
        return ctx

    @property
    def db(self) -> Database:
        return self.node.db

    @property
    def party(self) -> str:
        return self.node.settings.party

    def require_writer(self, principal: Principal) -> None:
        """Raises AccessDenied unless ``principal`` may write to this node: a writer's role (analyst, admin) and this
        node's party. What a write adds is published in this node's log as this node's party's (an incident posted
        is reported by it, its figures asserted by it), so a principal of another party, whatever its role, may not:
        its party publishes on its own node."""
        principal.require_write()
        if principal.party != self.party:
            raise AccessDenied(
                f"principal {principal.name!r} belongs to {principal.party}: only {self.party}'s principals may write"
                f" to {self.party}'s node, whose log publishes what they add as {self.party}'s"
            )

    def parties(self) -> tuple[str, ...]:
        """The framework's parties: this node's and its registered peers'."""
        rows = self.db.fetchall("SELECT DISTINCT party FROM peers")
        return (self.party, *sorted(str(r[0]) for r in rows))

    def readable_levels(self, principal: Principal) -> tuple[str, ...]:
        """The TLP levels ``principal`` may read of other parties' objects."""
        return readable_levels(principal, self.parties())

    def unshared_licences(self, principal: Principal) -> tuple[str, ...]:
        """The licences under which ``principal`` may read nothing here: GTD's and ACLED's for a principal of
        another party, unless the node shares them (``share_restricted``); see :func:`auth.unshared_licences`."""
        return auth.unshared_licences(principal, self.party, self.node.settings.share_restricted)

    def may_read(
        self, principal: Principal, tlp: str, origin: str, recipients: Collection[str] = (), licence: str | None = None
    ) -> bool:
        """Whether ``principal`` may read an object of ``origin`` marked ``tlp`` naming ``recipients`` under
        ``licence`` (the rules of :mod:`sarhad.web.auth`; a RED object's recipients must be given, and the licence
        of a record that may be GTD's or ACLED's)."""
        return auth.may_read(
            principal,
            tlp,
            origin,
            recipients,
            self.parties(),
            licence=licence,
            unshared=self.unshared_licences(principal),
        )

    def read_clause(
        self, principal: Principal, table: str = "o", *, current_rows: bool = False
    ) -> tuple[str, list[Any]]:
        """The SQL condition (and parameters) for the rows of ``table`` (``objects`` or ``incidents``, or an
        alias of one) that ``principal`` may read: the same rules as :meth:`may_read`. ``current_rows``: the
        table holds current versions only (``incidents``), see :func:`auth.read_clause`."""
        return auth.read_clause(
            principal, self.parties(), table, current_rows=current_rows, unshared=self.unshared_licences(principal)
        )

    def incident_filters(self, principal: Principal, filters: Filters) -> Filters:
        """``filters`` narrowed to the incidents ``principal`` may read: its readable levels (which the
        dashboard's summary tables answer) and, besides, the rows :func:`auth.beyond_levels_clause` admits; less
        the rows under the licences it may not read (:meth:`unshared_licences`: the summary tables do not tell
        licences apart, so its views are then counted from the rows)."""
        parties = self.parties()
        # incidents has no index on origin: ask objects' (origin, log_index) index whether the principal's party
        # published anything here, so that a principal of a party that did not costs no scan
        own = self.db.fetchone("SELECT 1 FROM objects WHERE origin = ? LIMIT 1", (principal.party,)) is not None
        beyond, params = auth.beyond_levels_clause(principal, parties, "incidents", own_records=own)
        # a perpetrator filter's group, as its stored spellings: the API's lists and the dashboard's views alike
        resolved = filters.resolved(self.db)
        unshared = self.unshared_licences(principal) if self._holds_restricted() else ()
        excluded = tuple(sorted({*resolved.exclude_licences, *unshared}))
        return replace(
            resolved,
            tlp=readable_levels(principal, parties),
            readable=(beyond, tuple(params)),
            exclude_licences=excluded,
        )

    def _holds_restricted(self) -> bool:
        """Whether the node holds a version under a licence that forbids redistribution, so that another party's
        views must leave such rows out (the summary tables' ``restricted`` key answers that; the rows' queries take
        a licence clause); on a node that holds none they leave nothing out. Looked up again only once an object
        has arrived since the last look (``objects.seq``, which writers number in the order they commit)."""
        top = self.db.fetchone("SELECT MAX(seq) FROM objects")
        seq = int(top[0]) if top is not None and top[0] is not None else 0
        known = self._restricted_at
        if known is not None and known[0] == seq:
            return known[1]
        licences = sorted(RESTRICTED_LICENCES)
        marks = ", ".join("?" * len(licences))
        held = self.db.fetchone(f"SELECT 1 FROM objects WHERE licence IN ({marks}) LIMIT 1", licences) is not None
        self._restricted_at = (seq, held)
        return held

    def may_read_beyond_clear(self, principal: Principal) -> bool:
        """Whether ``principal`` may read anything that is not TLP:CLEAR here (its reads are then audited)."""
        if principal.party == self.party or self.readable_levels(principal) != ("CLEAR",):
            return True
        named = self.db.fetchone("SELECT 1 FROM object_recipients WHERE recipient = ? LIMIT 1", (principal.reference,))
        return named is not None

    def audit(self, principal: Principal, action: str, target: str) -> None:
        """Record an action of ``principal`` in the audit table."""
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO audit (time, principal, action, target) VALUES (?, ?, ?, ?)",
                (stamp, principal.name, action, target),
            )


def principal_of(request: Request) -> Principal:
    """The authenticated principal of ``request`` (set by the auth middleware)."""
    principal: Principal = request.scope["sarhad.principal"]
    return principal


def taxii_error(
    status: int, description: str, title: str | None = None, details: dict[str, Any] | None = None
) -> Response:
    """A TAXII 2.1 error resource (§3.6.1: ``title``, ``description``, ``http_status``, and ``details``, the
    spec's dictionary of further details: ``{"field": NAME}`` for a bad query parameter)."""
    body: dict[str, Any] = {
        "title": title or _TITLES.get(status, "Error"),
        "description": description,
        "http_status": str(status),
    }
    if details:
        body["details"] = details
    headers = {"WWW-Authenticate": 'Bearer realm="sarhad", Basic realm="sarhad"'} if status == 401 else None
    return Response(json.dumps(body), status, headers, media_type=_TAXII_MEDIA)


def api_error(status: int, code: str, message: str, field_name: str | None = None) -> JSONResponse:
    """The JSON API's one error envelope."""
    err: dict[str, Any] = {"code": code, "message": message}
    if field_name:
        err["field"] = field_name
    headers = {"WWW-Authenticate": 'Bearer realm="sarhad"'} if status == 401 else None
    return JSONResponse({"error": err}, status, headers)


class FieldError(InvalidInput):
    """A bad body field or query parameter: the answer's envelope names it as ``field``
    (:func:`naming_the_field`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def check_parameters(request: Request, known: Collection[str]) -> None:
    """Refuse a query parameter of ``request`` that is not in ``known`` (a misspelt filter would otherwise
    silently match everything). Raises FieldError naming the first unknown one."""
    for name in request.query_params:
        if name not in known:
            expected = f"expected one of {', '.join(sorted(known))}" if known else "this route takes none"
            raise FieldError(name, f"unknown query parameter {name!r}; {expected}")


def window_and_place_filters(query: Mapping[str, str]) -> dict[str, Any]:
    """The window and place filters of a list's ``query``, as :class:`Filters` fields, by the CLI's rules: the
    JSON API's lists, the dashboard's views and the joint picture read them here, so that the three agree.

    ``since``/``until``: YYYY, YYYY-MM or YYYY-MM-DD, a year or a month standing for its first day as ``since``
    and its last as ``until`` (ISO days here); ``country``: a code or a name (its alpha-2 code here);
    ``near_border``: a distance in km. An empty ``since``, ``until`` or ``country`` is no filter; an empty
    ``near_border`` is not a number. A parameter not given is not in the answer.

    Raises FieldError naming the parameter: a date that is not such a date, a ``since`` after ``until`` (the
    window holds no day: named as ``since``), a country sarhad does not know, a distance that is not a number or
    is negative or infinite.
    """
    values: dict[str, Any] = {}
    for name in ("since", "until"):
        if query.get(name):
            try:
                values[name] = window_day(query[name], name, first=name == "since")
            except InvalidInput as exc:
                raise FieldError(name, str(exc)) from None
    try:
        check_window(values.get("since"), values.get("until"), "since", "until")
    except InvalidInput as exc:
        raise FieldError("since", str(exc)) from None
    if query.get("country"):
        from sarhad.geo.admin import parse_country  # loads the region's outlines: only when the filter is given

        try:
            values["country"] = parse_country(query["country"], "country")
        except InvalidInput as exc:
            raise FieldError("country", str(exc)) from None
    if "near_border" in query:
        raw = query["near_border"]
        try:
            values["near_border"] = float(raw)
        except ValueError:
            raise FieldError("near_border", f"near_border {raw!r} is not a number") from None
        if not 0 <= values["near_border"] < float("inf"):  # nan, inf and negatives are no distance
            raise FieldError("near_border", f"near_border {raw!r} must be a distance in km, 0 or more")
    return values


_Handler = Callable[[Request], Awaitable[Response]]


def naming_the_field(handler: _Handler, takes: Collection[str] | None = None) -> _Handler:
    """``handler`` answering a :class:`FieldError` with the 400 envelope that names its field.

    ``takes``: the route's query parameters, its allow list; another one is refused (:func:`check_parameters`)
    before ``handler`` runs. The answer keeps the list as ``query_parameters`` (the OpenAPI description's test
    compares the two)."""
    known = None if takes is None else frozenset(takes)

    @functools.wraps(handler)
    async def answer(request: Request) -> Response:
        try:
            if known is not None:
                check_parameters(request, known)
            return await handler(request)
        except FieldError as exc:
            return api_error(400, "invalid_input", str(exc), exc.field)

    answer.query_parameters = known  # type: ignore[attr-defined]
    return answer


_TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    406: "Not acceptable",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Verification failed",
    500: "Internal error",
}
