"""Auditing reads, and carrying the audit table into the log while the app runs.

:class:`AuditReads` records every successful ``GET`` of a data route by a principal who may read more than
CLEAR (a principal who may read only CLEAR can only have been answered with CLEAR objects): one ``audit`` row
``read <path>?<query>``, written when the response starts. It errs on the side of recording: a read that
happened to return only CLEAR objects is recorded too. Writes are recorded by the routes themselves
(``ctx.audit``).

:func:`flush_periodically` runs :func:`sarhad.audit.flush_to_log` every ``interval`` seconds while the app runs,
leaving a backlog of witness rows alone (a peer's cosignatures: :data:`sarhad.audit.WITNESS_ACTIONS`) until a row of
another kind joins it; the app also flushes once, everything, when it stops. ``GET /log/entries`` records its
reads itself, those that returned bodies (:func:`sarhad.web.logapi.entries`).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sarhad.audit import flush_to_log, record
from sarhad.errors import SarhadError
from sarhad.node import Node
from sarhad.web.auth import Principal
from sarhad.web.context import Context

__all__ = ["AUDITED_PREFIXES", "MAX_AUDITED_TARGET", "AuditReads", "flush_periodically"]

log = logging.getLogger(__name__)

# /log/entries records its own reads, of bodies only (sarhad.web.logapi.entries).
AUDITED_PREFIXES: Final = ("/taxii2/", "/api/")
_NOT_DATA: Final = frozenset({"/api/openapi.json", "/api/dashboard/whoami", "/api/dashboard/layers"})
MAX_AUDITED_TARGET: Final = 500
"""The longest target an audit row keeps of a read's path and query."""


def _audited(method: str, path: str) -> bool:
    return method == "GET" and path.startswith(AUDITED_PREFIXES) and path not in _NOT_DATA


class AuditReads:
    """ASGI middleware (inside authentication): one audit row per successful data read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _audited(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        principal: Principal | None = scope.get("sarhad.principal")

        async def watched(message: Message) -> None:
            if message["type"] == "http.response.start" and principal is not None and message["status"] < 300:
                ctx: Context = scope["app"].state.sarhad
                if ctx.may_read_beyond_clear(principal):
                    query = scope.get("query_string", b"").decode("latin-1")
                    target = scope["path"] + (f"?{query}" if query else "")
                    record(ctx.db, principal.name, "read", target[:MAX_AUDITED_TARGET])
            await send(message)

        await self.app(scope, receive, watched)


async def flush_periodically(node: Node, interval: float) -> None:
    """Flush the audit table to the log every ``interval`` seconds until cancelled (errors are logged)."""
    while True:
        await asyncio.sleep(interval)
        try:
            flush_to_log(node, wait_for_data=True)
        except SarhadError as exc:
            log.error("could not flush the audit trail to the log: %s", exc)
