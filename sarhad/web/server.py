"""Serving the app with uvicorn so that it stops in order, also while dashboards hold live streams open.

uvicorn's graceful shutdown waits for every open response to finish before it runs the app's lifespan
shutdown; a server-sent-event stream never finishes by itself, so an open dashboard would hold ``Ctrl-C``
until a second one, which skips the lifespan shutdown (no final audit flush, the database left open).
:class:`Server` ends the process's live streams first (:func:`sarhad.monitor.stream.close_streams`), then
lets uvicorn shut down: the streams' responses complete, the connections close, and the lifespan stops the
stream's poller, flushes the audit trail and closes the node, in that order.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Final

import uvicorn
from starlette.types import ASGIApp

from sarhad.monitor.stream import close_streams

__all__ = ["GRACE_S", "Server", "config", "run"]

GRACE_S: Final = 10
"""How long a stop waits for open responses before cancelling them (a backstop: streams end at once)."""


class Server(uvicorn.Server):
    """uvicorn's server that ends the live streams before its graceful shutdown.

    ``on_started`` runs once the sockets listen (not when binding failed), so a caller can say where.
    """

    def __init__(self, config: uvicorn.Config, on_started: Callable[[], None] | None = None) -> None:
        super().__init__(config)
        self._on_started = on_started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and self._on_started is not None:
            self._on_started()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        close_streams()
        await super().shutdown(sockets)


def config(app: ASGIApp, host: str, port: int) -> uvicorn.Config:
    """The uvicorn settings sarhad serves with (quiet logs, a bounded graceful shutdown)."""
    return uvicorn.Config(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=GRACE_S)


def run(app: ASGIApp, host: str, port: int, on_started: Callable[[], None] | None = None) -> None:
    """Serve ``app`` on ``host:port`` until SIGINT or SIGTERM, then stop in order.

    ``on_started`` is called once the server listens (uvicorn's own startup line is below sarhad's log level).
    """
    Server(config(app, host, port), on_started).run()
