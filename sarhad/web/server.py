"""Serving the app with uvicorn so that it stops in order, also while dashboards hold live streams open.

uvicorn's graceful shutdown waits for every open response to finish before it runs the app's lifespan
shutdown; a server-sent-event stream never finishes by itself, so an open dashboard would hold ``Ctrl-C``
until a second one, which skips the lifespan shutdown (no final audit flush, the database left open).
:class:`Server` ends the process's live streams first (:func:`sarhad.monitor.stream.close_streams`), then
lets uvicorn shut down: the streams' responses complete, the connections close, and the lifespan stops the
stream's poller, flushes the audit trail and closes the node, in that order.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable
from typing import Final

import uvicorn
from starlette.types import ASGIApp

from sarhad.monitor.stream import close_streams

__all__ = ["GRACE_S", "Server", "check_address", "config", "run"]

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
    check_address(host, port)
    Server(config(app, host, port), on_started).run()


def check_address(host: str, port: int) -> None:
    """Bind ``host:port`` for a moment, as the server will, to refuse an address it cannot listen on before
    anything starts: uvicorn would log its own error line and exit with status 3.

    Raises ConfigError naming the address when a name does not resolve or an address cannot be bound (a port
    another program holds, an address not on this machine, a port below 1024 without the right).
    """
    from sarhad.errors import ConfigError

    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ConfigError(
            f"cannot listen on {where}: {exc.strerror} (give an address of this machine with --host)"
        ) from exc
    for family, kind, proto, _, address in addresses:
        with socket.socket(family, kind, proto) as probe:
            # As asyncio's create_server: an address in TIME_WAIT is free, and an IPv6 socket is IPv6 only.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                hint = (
                    "another program holds it: stop it or give another --port"
                    if exc.errno == errno.EADDRINUSE
                    else ("give an address of this machine with --host, or another --port")
                )
                raise ConfigError(f"cannot listen on {where}: {exc.strerror} ({hint})") from exc
