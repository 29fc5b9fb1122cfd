"""In-process access to the real app: its lifespan runs, requests go through httpx's ASGI transport.

A transport fixes the client address of its requests, which lets the route tests send each route's wrong
token from its own address (the failure limiter counts per address).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx
from starlette.applications import Starlette

from sarhad.node import Node
from sarhad.web.app import create_app

T = TypeVar("T")


class InProcess:
    """The node's app, started; :meth:`run` drives a coroutine on its loop, :meth:`client` opens a client."""

    def __init__(self, app: Starlette, loop: asyncio.AbstractEventLoop) -> None:
        self.app = app
        self.loop = loop

    def run(self, make: Callable[[], Awaitable[T]]) -> T:
        return self.loop.run_until_complete(make())

    def client(self, address: str = "127.0.0.1") -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app, client=(address, 40000))
        return httpx.AsyncClient(transport=transport, base_url="http://sarhad.test")

    def request(self, method: str, path: str, address: str = "127.0.0.1", **kwargs: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            async with self.client(address) as client:
                return await client.request(method, path, **kwargs)

        return self.run(go)


@contextmanager
def in_process(node: Node) -> Iterator[InProcess]:
    """Start ``node``'s app (lifespan included) on a private event loop; stop it afterwards."""
    app = create_app(node.settings)
    loop = asyncio.new_event_loop()
    lifespan = app.router.lifespan_context(app)
    loop.run_until_complete(lifespan.__aenter__())
    try:
        yield InProcess(app, loop)
    finally:
        loop.run_until_complete(lifespan.__aexit__(None, None, None))
        loop.close()
