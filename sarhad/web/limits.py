"""Request-size limits: refuse a body over the limit with 413 before any route reads it.

TAXII routes take up to the ``max_content_length`` their API root advertises
(:data:`sarhad.web.taxii.MAX_CONTENT_LENGTH`); every other route takes up to :data:`MAX_BODY_BYTES`. A declared
``Content-Length`` over the limit is refused at once; a body sent without one (chunked) is counted as it
arrives and refused as soon as it passes the limit. The refusal is the route's error shape (TAXII error
resource or the JSON API envelope) and names the limit.
"""

from __future__ import annotations

from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sarhad.web.context import api_error, taxii_error
from sarhad.web.taxii import MAX_CONTENT_LENGTH

__all__ = ["MAX_BODY_BYTES", "BodyTooLarge", "LimitBodySize", "limit_for"]

MAX_BODY_BYTES: Final = 1024 * 1024


class BodyTooLarge(Exception):
    """Raised inside a route's ``receive`` when a streamed body passes the limit."""


def limit_for(path: str) -> int:
    """The largest body, in bytes, a request to ``path`` may carry."""
    return MAX_CONTENT_LENGTH if path.startswith("/taxii2") else MAX_BODY_BYTES


def _refusal(path: str, size: str, limit: int) -> tuple[int, str]:
    return 413, f"the request body is {size} bytes; {path} takes at most {limit} bytes"


class LimitBodySize:
    """ASGI middleware enforcing :func:`limit_for` on every HTTP request."""

    def __init__(self, app: ASGIApp, *, limit: int | None = None) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = self.limit if self.limit is not None else limit_for(path)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await self._refuse(scope, receive, send, str(declared), limit)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(f"more than {limit}")
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send, f"more than {limit}", limit)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, size: str, limit: int) -> None:
        path: str = scope["path"]
        status, message = _refusal(path, size, limit)
        if path.startswith("/taxii2"):
            response = taxii_error(status, message)
        else:
            response = api_error(status, "too_large", message)
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
