"""A peer's log API over HTTP with this node's token, as a sync uses it (:mod:`sarhad.exchange.sync`).

Each answer is bounded in size; every failure is an :class:`ExchangeError` that names the request.
"""

from __future__ import annotations

from typing import Any, Final

import httpx

from sarhad.errors import ExchangeError, InvalidInput, VerificationError
from sarhad.exchange.client import MAX_RESPONSE_BYTES
from sarhad.exchange.peers import Peer
from sarhad.log.checkpoint import open_checkpoint

__all__ = ["CHECK_TIMEOUT", "check_peer"]

CHECK_TIMEOUT: Final = 10.0
"""Seconds ``peer add --check`` waits for the peer's answer: a node that answers at all does so at once."""


def check_peer(peer: Peer, timeout: float = CHECK_TIMEOUT) -> int | None:
    """Ask ``peer`` once for its log's checkpoint with this node's token, as a sync's first step does: return
    the checkpoint's size, or None when the peer answered (the token accepted) that its log has none yet.

    Raises ExchangeError when the peer cannot be reached or answers an error (401: it does not accept the
    token), and VerificationError when the checkpoint it serves is not signed by ``peer``'s key for its origin.
    """
    http = _PeerHTTP(peer, timeout=timeout)
    try:
        note = http.request("GET", "/log/checkpoint").text
    except ExchangeError as exc:
        if "answered 404" in str(exc) and "no signed checkpoint" in str(exc):
            return None  # past the token check: a node that has signed nothing yet
        raise
    finally:
        http.close()
    try:
        checkpoint, _ = open_checkpoint(note, [peer.verifier], peer.origin)
    except (InvalidInput, VerificationError) as exc:
        raise VerificationError(
            f"peer {peer.name}: the checkpoint {peer.url} serves does not verify with the key given for it"
            f" ({peer.origin}+{peer.verifier.key_id:08x}): {exc}"
        ) from exc
    return checkpoint.size


class _PeerHTTP:
    """The peer's log API over HTTP with our token; errors become ExchangeError naming the request."""

    def __init__(self, peer: Peer, timeout: float = 60.0) -> None:
        self.peer = peer
        self.client = httpx.Client(
            base_url=peer.url, headers={"Authorization": f"Bearer {peer.token}"}, timeout=timeout
        )

    def close(self) -> None:
        self.client.close()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request; the answer is read as a stream and refused past :data:`MAX_RESPONSE_BYTES`."""
        try:
            with self.client.stream(method, path, **kwargs) as streamed:
                body = bytearray()
                for chunk in streamed.iter_bytes():
                    body += chunk
                    if len(body) > MAX_RESPONSE_BYTES:
                        raise ExchangeError(
                            f"peer {self.peer.name}: {method} {path} answered more than the limit of"
                            f" {MAX_RESPONSE_BYTES:,} bytes"
                        )
        except httpx.ConnectError as exc:
            # Nothing answers at the registered URL: the operator's first question is which URL that was.
            raise ExchangeError(
                f"peer {self.peer.name}: {method} {path} failed: cannot reach {exc.request.url} ({exc}): is the"
                f" peer's node serving there? 'sarhad peer list' shows the URL; change it with"
                f" 'sarhad peer add {self.peer.name} URL --vkey KEY --token TOKEN'"
            ) from exc
        except httpx.HTTPError as exc:
            raise ExchangeError(f"peer {self.peer.name}: {method} {path} failed: {exc}") from exc
        # the body is decoded already: drop the headers that would have it decoded again
        headers = [(k, v) for k, v in streamed.headers.items() if k not in ("content-encoding", "content-length")]
        response = httpx.Response(streamed.status_code, headers=headers, content=bytes(body), request=streamed.request)
        if response.status_code >= 400:
            detail = response.text.strip()[:300]
            try:
                detail = str(response.json()["error"]["message"])
            except (ValueError, KeyError, TypeError):
                pass
            if response.status_code == 401:
                # The peer's own message ("ask an admin") is written for its users; this node's operator needs
                # to know the token is the one this node holds, and how to replace it.
                detail += (
                    f" (the token this node holds for peer {self.peer.name}: ask the peer's operators for a new one"
                    f" and register it with 'sarhad peer add {self.peer.name} {self.peer.url} --vkey KEY --token"
                    f" TOKEN'; if {self.peer.url} is not {self.peer.name}'s node, give its URL in that command)"
                )
            raise ExchangeError(f"peer {self.peer.name}: {method} {path} answered {response.status_code}: {detail}")
        return response

    def json(self, path: str, **params: Any) -> Any:
        try:
            return self.request("GET", path, params=params).json()
        except ValueError as exc:
            raise ExchangeError(f"peer {self.peer.name}: GET {path} did not answer JSON") from exc
