"""A peer's log API over HTTP with this node's token, as a sync uses it (:mod:`sarhad.exchange.sync`).

Each answer is bounded in size; every failure is an :class:`ExchangeError` that names the request.
"""

from __future__ import annotations

from typing import Any, Final

import httpx

from sarhad.errors import ExchangeError, InvalidInput, VerificationError
from sarhad.exchange.client import MAX_RESPONSE_BYTES, peer_text, tls_context
from sarhad.exchange.peers import Peer
from sarhad.log.checkpoint import open_checkpoint

__all__ = ["CHECK_TIMEOUT", "check_peer"]

CHECK_TIMEOUT: Final = 10.0
"""Seconds ``peer add --check`` waits for the peer's answer: a node that answers at all does so at once."""

_OFFLINE: Final = (
    " (to register a peer that cannot be reached yet, run 'peer add' without --check: nothing is sent then)"
)


def check_peer(peer: Peer, timeout: float = CHECK_TIMEOUT) -> int | None:
    """Ask ``peer`` once for its log's checkpoint with this node's token, as a sync's first step does: return
    the checkpoint's size, or None when the peer answered (the token accepted) that its log has none yet.

    ``peer`` is as the operator gives it to ``peer add --check`` (not registered yet), and each error says what
    to do in those terms: a 401 names the token given with --token (not one this node holds), a peer that cannot
    be reached says that without --check it is registered untried.

    Raises ExchangeError when the peer cannot be reached or answers an error (401: it does not accept the
    token), and VerificationError when the checkpoint it serves is not signed by ``peer``'s key for its origin.
    """
    http = _PeerHTTP(peer, timeout=timeout, given=True)
    try:
        note = http.checkpoint()
    finally:
        http.close()
    if note is None:
        return None  # past the token check: a node that has signed nothing yet
    try:
        checkpoint, _ = open_checkpoint(note, [peer.verifier], peer.origin)
    except (InvalidInput, VerificationError) as exc:
        raise VerificationError(
            f"peer {peer.name}: the checkpoint {peer.url} serves does not verify with the key given for it"
            f" ({peer.origin}+{peer.verifier.key_id:08x}): {exc} (give with --vkey the key 'sarhad key show' prints"
            " on the peer's node)"
        ) from exc
    return checkpoint.size


class _PeerHTTP:
    """The peer's log API over HTTP with our token; errors become ExchangeError naming the request.

    ``given``: ``peer`` is as the operator just gave it to ``peer add --check``, not the one this node holds, so
    an error says what to do about what was given rather than how to change the registered peer.
    """

    def __init__(self, peer: Peer, timeout: float = 60.0, *, given: bool = False) -> None:
        self.peer = peer
        self.given = given
        self.client = httpx.Client(
            base_url=peer.url,
            headers={"Authorization": f"Bearer {peer.token}"},
            timeout=timeout,
            verify=tls_context(),
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
            where = (
                f"is the peer's node serving at the URL given?{_OFFLINE}"
                if self.given
                else "is the peer's node serving there? 'sarhad peer list' shows the URL; change it with"
                f" 'sarhad peer add {self.peer.name} URL --vkey KEY --token TOKEN'"
            )
            raise ExchangeError(
                f"peer {self.peer.name}: {method} {path} failed: cannot reach {exc.request.url} ({exc}): {where}"
            ) from exc
        except httpx.HTTPError as exc:
            offline = _OFFLINE if self.given else ""
            raise ExchangeError(f"peer {self.peer.name}: {method} {path} failed: {exc}{offline}") from exc
        # the body is decoded already: drop the headers that would have it decoded again
        headers = [(k, v) for k, v in streamed.headers.items() if k not in ("content-encoding", "content-length")]
        response = httpx.Response(streamed.status_code, headers=headers, content=bytes(body), request=streamed.request)
        if response.status_code >= 400:
            detail = peer_text(response.text)
            try:
                detail = peer_text(str(response.json()["error"]["message"]))
            except (ValueError, KeyError, TypeError):
                pass
            if response.status_code == 401 and self.given:
                # Nothing is registered yet: the token refused is the one just typed, and the operator needs one
                # the peer's operators make for this node.
                detail += (
                    f" (the peer at {self.peer.url} refused the token given with --token: ask its operators to make"
                    " one for this node with 'sarhad token create --principal NAME --role peer --party PARTY' on its"
                    f" node, PARTY being this node's party, and give that with --token; if {self.peer.url} is not"
                    f" {self.peer.name}'s node, give its URL)"
                )
            elif response.status_code == 401:
                # The peer's own message ("ask an admin") is written for its users; this node's operator needs
                # to know the token is the one this node holds, and how to replace it.
                detail += (
                    f" (the token this node holds for peer {self.peer.name}: ask the peer's operators for a new one"
                    f" and register it with 'sarhad peer add {self.peer.name} {self.peer.url} --vkey KEY --token"
                    f" TOKEN'; if {self.peer.url} is not {self.peer.name}'s node, give its URL in that command)"
                )
            elif self.given and response.status_code >= 500:
                detail += _OFFLINE
            raise ExchangeError(f"peer {self.peer.name}: {method} {path} answered {response.status_code}: {detail}")
        return response

    def checkpoint(self) -> str | None:
        """The peer's latest signed checkpoint as served, or None when the peer answers (past the token check)
        that its log has none yet: a node that has published nothing."""
        try:
            # The latest signed, cosigned or not: what a witness is to check and cosign (by default a node serves
            # the latest its witnesses cosigned, for auditors).
            try:
                return self.request("GET", "/log/checkpoint", params={"cosigned": "0"}).text
            except ExchangeError as exc:
                if "answered 400" not in str(exc) or "unknown query parameter 'cosigned'" not in str(exc):
                    raise
                # A peer of an earlier release knows no ?cosigned= and serves its latest signed checkpoint
                # anyway: the parties need not upgrade on the same day.
                return self.request("GET", "/log/checkpoint").text
        except ExchangeError as exc:
            if "answered 404" in str(exc) and "no signed checkpoint" in str(exc):
                return None
            raise

    def json(self, path: str, **params: Any) -> Any:
        try:
            return self.request("GET", path, params=params).json()
        except ValueError as exc:
            raise ExchangeError(f"peer {self.peer.name}: GET {path} did not answer JSON") from exc
