"""The node's web application: TAXII 2.1, the log API and the JSON API, behind one authentication layer.

``create_app(settings)`` opens the node when the app starts and closes it when it stops. Every route needs a
bearer token (TAXII also takes HTTP Basic with the token as password) except the public list
:data:`PUBLIC_PATHS` (the health check and the OpenAPI description) and the dashboard's page and static files
(:func:`sarhad.web.dashboard.is_public`), which hold no data: the page asks for a token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Final

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from sarhad import audit
from sarhad.config import Settings
from sarhad.errors import (
    AccessDenied,
    ConfigError,
    ExchangeError,
    InvalidInput,
    NotFound,
    SarhadError,
    StorageError,
    VerificationError,
)
from sarhad.node import Node
from sarhad.web import api, dashboard, disputes, logapi, openapi, taxii
from sarhad.web.auth import FailureLimiter, authenticate, parse_authorization
from sarhad.web.context import Context, FieldError, api_error, taxii_error
from sarhad.web.limits import LimitBodySize
from sarhad.web.readaudit import AuditReads, flush_periodically

__all__ = ["PUBLIC_PATHS", "create_app"]

log = logging.getLogger(__name__)

PUBLIC_PATHS: Final = frozenset({"/health", openapi.OPENAPI_PATH})
_STATUS: Final[dict[type[SarhadError], tuple[int, str]]] = {
    InvalidInput: (400, "invalid_input"),
    AccessDenied: (403, "forbidden"),
    NotFound: (404, "not_found"),
    VerificationError: (422, "verification_failed"),
    ExchangeError: (502, "peer_failed"),
    StorageError: (500, "storage_error"),
    ConfigError: (500, "config_error"),
}


def _status(exc: SarhadError) -> tuple[int, str]:
    for kind, value in _STATUS.items():
        if isinstance(exc, kind):
            return value
    return 500, "error"


def _render(path: str, status: int, code: str, message: str, field: str | None = None) -> Response:
    """The error in the route's shape: TAXII's error resource (a bad parameter in its ``details``) or the
    JSON API's envelope (a bad parameter as its ``field``)."""
    if path.startswith("/taxii2"):
        return taxii_error(status, message, details={"field": field} if field else None)
    return api_error(status, code, message, field)


class _Authenticate:
    """ASGI middleware: resolve the request's token to a principal, or answer 401 in the route's shape.

    Wrong credentials count against the client's address (:class:`FailureLimiter`); an address over its
    allowance gets 429 with ``Retry-After`` until its delay has passed.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.failures = FailureLimiter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS or dashboard.is_public(scope["path"]):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        address = request.client.host if request.client else "unknown"
        wait = self.failures.retry_after(address)
        if wait > 0:
            message = f"too many failed authentications from {address}; retry in {wait:.0f} s"
            response = _render(scope["path"], 429, "too_many_failures", message)
            response.headers["Retry-After"] = str(int(wait) + 1)
            await response(scope, receive, send)
            return
        header = request.headers.get("authorization")
        try:
            token = parse_authorization(header)
            ctx: Context = scope["app"].state.sarhad
            scope["sarhad.principal"] = authenticate(ctx.db, token)
        except AccessDenied as exc:
            if header:
                self.failures.failed(address)
            await _render(scope["path"], 401, "unauthenticated", str(exc))(scope, receive, send)
            return
        await self.app(scope, receive, send)


async def _sarhad_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SarhadError)
    status, code = _status(exc)
    if status >= 500:
        log.error("%s %s failed: %s", request.method, request.url.path, exc)
    return _render(request.url.path, status, code, str(exc), exc.field if isinstance(exc, FieldError) else None)


async def _media_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, taxii.MediaError)
    return taxii.media_error_response(exc)


async def _not_found(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 404)
    response = _render(
        request.url.path, status, "not_found" if status == 404 else "http_error", str(exc) or "not found"
    )
    headers = getattr(exc, "headers", None) or {}
    if "Allow" in headers:  # RFC 9110 §15.5.6: a 405 lists the methods the resource supports
        response.headers["Allow"] = headers["Allow"]
    return response


async def health(request: Request) -> Response:
    """Public: the node is up (says nothing else)."""
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings, *, audit_flush_seconds: float = audit.FLUSH_INTERVAL_S) -> Starlette:
    """The node's ASGI app for ``settings``; the node is opened on startup and closed on shutdown.

    ``audit_flush_seconds`` is how often the audit rows are carried into the log while serving.
    """

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        node = Node.open(settings)
        app.state.sarhad = Context(node)
        flusher = asyncio.get_running_loop().create_task(flush_periodically(node, audit_flush_seconds))
        try:
            yield
        finally:
            # Orderly shutdown: first everything that uses the database in the background, then the final
            # audit flush, then the database itself (a poll after close would fail on a closed connection).
            flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await flusher
            try:
                await dashboard.stop_stream(app)
                audit.flush_to_log(node)  # the audit rows of this run go into the log before the node closes
            finally:
                node.close()

    app = Starlette(
        routes=[
            Route("/health", health),
            *openapi.routes,
            *taxii.routes,
            *logapi.routes,
            *api.routes,
            *disputes.routes,
            *dashboard.routes(),
        ],
        exception_handlers={
            SarhadError: _sarhad_error,
            taxii.MediaError: _media_error,
            404: _not_found,
            405: _not_found,
        },
        lifespan=lifespan,
    )
    app.add_middleware(AuditReads)  # inside authentication: it needs the principal
    app.add_middleware(_Authenticate)
    app.add_middleware(LimitBodySize)  # outermost: refuse oversized bodies before anything reads them
    return app
