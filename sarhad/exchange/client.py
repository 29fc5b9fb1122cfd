"""A TAXII 2.1 client (OASIS TAXII 2.1, §4-§5) over httpx: discovery, API roots, collections, objects.

Every request asks for ``application/taxii+json;version=2.1`` (§1.6.8) and authenticates with a bearer token
or with HTTP Basic (the interoperable baseline; medallion and OpenCTI take it). Paging follows the server's
``more``/``next`` (§3.4); ``added_after`` selects what arrived after a date the server reported in
``X-TAXII-Date-Added-Last`` (§3.4.1), so a poller can resume where it stopped.

Each response is bounded in time (:data:`DEFAULT_TIMEOUT`) and size (:data:`MAX_RESPONSE_BYTES`), read as a
stream so an oversized body is refused before it is held. Failures are :class:`ExchangeError` naming the URL
and the status; a TAXII error resource's ``title``/``description`` are quoted.
"""

from __future__ import annotations

import functools
import json
import ssl
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urljoin

import httpx

from sarhad.errors import ConfigError, ExchangeError, NotFound

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_RESPONSE_BYTES",
    "MEDIA_TYPE",
    "PEER_TEXT_CHARS",
    "Page",
    "TaxiiClient",
    "peer_text",
    "tls_context",
]


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The TLS settings of every TAXII and peer client: httpx's default (the certifi roots, or SSL_CERT_FILE /
    SSL_CERT_DIR), made once per process. httpx makes them anew for each client, which costs some 35 ms of
    loading certificates, and a node makes a client for every sync of every peer."""
    return httpx.create_ssl_context()


MEDIA_TYPE: Final = "application/taxii+json;version=2.1"
DEFAULT_TIMEOUT: Final = 60.0
MAX_RESPONSE_BYTES: Final = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Page:
    """One page of an envelope (§3.7): its items, whether more follow, and the cursor to ask for them."""

    items: list[dict[str, Any]] = field(repr=False)
    more: bool
    next: str | None
    date_added_first: str | None
    date_added_last: str | None


def _slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


PEER_TEXT_CHARS: Final = 300
"""The most of a server's or peer's own words an error message repeats."""


def peer_text(text: str) -> str:
    """What a server or peer said, as a message may repeat it: at most :data:`PEER_TEXT_CHARS` characters ("…"
    marks a cut), and each character that is not printable (a control character, a terminal's escape) as "?", so
    that a hostile server can neither flood the operator's terminal nor write to it."""
    text = text.strip()
    shown = "".join(c if c.isprintable() else "?" for c in text[:PEER_TEXT_CHARS])
    return shown + "…" if len(text) > PEER_TEXT_CHARS else shown


def _describe(response: httpx.Response, body: bytes | bytearray) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return peer_text(body.decode("utf-8", errors="replace")) or response.reason_phrase
    if isinstance(data, dict):
        # A TAXII error resource (§3.6.1), or sarhad's JSON API envelope.
        if "title" in data:
            return peer_text(f"{data['title']}: {data.get('description', '')}".rstrip(": "))
        if isinstance(data.get("error"), dict):
            return peer_text(str(data["error"].get("message", "")))
    return peer_text(str(data))


class TaxiiClient:
    """A TAXII 2.1 client for one server.

    ``url`` is the server's discovery URL (``https://host/taxii2/``) or an API root. Give ``token`` for
    bearer authentication or ``user`` and ``password`` for HTTP Basic. The credentials never appear in the
    repr or in error messages. Use it as a context manager, or call :meth:`close`.

    Raises ConfigError when both a token and a user are given.
    """

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = MAX_RESPONSE_BYTES,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if token and user:
            raise ConfigError("give a bearer token or a user and password, not both")
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"TAXII URL {url!r} must start with http:// or https://")
        self.url = _slash(url)
        self.max_bytes = max_bytes
        headers = {"Accept": MEDIA_TYPE}
        auth: httpx.Auth | None = None
        if token:
            headers["Authorization"] = f"Bearer {token}"
        elif user is not None:
            auth = httpx.BasicAuth(user, password or "")
        self._http = httpx.Client(
            headers=headers,
            auth=auth,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            verify=tls_context(),
            transport=transport,
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"TaxiiClient({self.url!r})"

    def __enter__(self) -> TaxiiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    # -- transport ----------------------------------------------------------------------------------------
    def _get(self, url: str, params: Mapping[str, str] | None = None) -> tuple[Any, httpx.Headers]:
        """GET ``url`` and parse its JSON body; raises ExchangeError naming the URL and status."""
        try:
            with self._http.stream("GET", url, params=params) as response:
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise ExchangeError(
                            f"GET {url}: the response is larger than the limit of {self.max_bytes} bytes"
                        )
        except httpx.HTTPError as exc:
            raise ExchangeError(f"GET {url} failed: {type(exc).__name__}: {exc}") from exc
        if response.status_code >= 400:
            raise ExchangeError(f"GET {response.url} answered {response.status_code}: {_describe(response, body)}")
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind not in ("application/taxii+json", "application/json"):
            raise ExchangeError(f"GET {response.url} answered {kind or 'no content type'}, not {MEDIA_TYPE}")
        try:
            return json.loads(body), response.headers
        except ValueError as exc:
            raise ExchangeError(f"GET {response.url}: the body is not JSON: {exc}") from exc

    def _resource(self, url: str) -> dict[str, Any]:
        data, _ = self._get(url)
        if not isinstance(data, dict):
            raise ExchangeError(f"GET {url}: expected a JSON object, found {type(data).__name__}")
        return data

    # -- discovery and API roots (§4) ---------------------------------------------------------------------
    def discovery(self) -> dict[str, Any]:
        """The server's discovery resource (§4.1)."""
        return self._resource(self.url)

    def default_api_root(self) -> str:
        """The URL of the server's default API root, else of its first one.

        Raises NotFound when the server lists none.
        """
        disc = self.discovery()
        roots = [str(r) for r in disc.get("api_roots") or []]
        chosen = disc.get("default") or (roots[0] if roots else None)
        if not chosen:
            raise NotFound(f"the TAXII server at {self.url} lists no API root")
        return _slash(urljoin(self.url, str(chosen)))

    def api_root(self, root: str) -> dict[str, Any]:
        """The API root resource (§4.2): title, versions, max_content_length."""
        return self._resource(_slash(root))

    def collections(self, root: str) -> list[dict[str, Any]]:
        """The collections of an API root (§5.1)."""
        data = self._resource(urljoin(_slash(root), "collections/"))
        return [c for c in data.get("collections") or [] if isinstance(c, dict)]

    def find_collection(self, root: str, key: str) -> dict[str, Any]:
        """The collection of ``root`` whose id, alias or title is ``key``.

        Raises NotFound listing the collections there are.
        """
        found = self.collections(root)
        for coll in found:
            if key in (coll.get("id"), coll.get("alias"), coll.get("title")):
                return coll
        names = ", ".join(f"{c.get('id')} ({c.get('alias') or c.get('title')})" for c in found) or "none"
        raise NotFound(f"no collection {key!r} at {root}; it has: {names}")

    # -- objects, manifest, versions (§5.3-§5.8) ----------------------------------------------------------
    def _pages(self, url: str, key: str, params: dict[str, str], limit: int | None) -> Iterator[Page]:
        if limit is not None:
            params["limit"] = str(limit)
        first = dict(params)
        while True:
            data, headers = self._get(url, params)
            if not isinstance(data, dict):
                raise ExchangeError(f"GET {url}: expected an envelope, found {type(data).__name__}")
            items = data.get(key) or []
            more = bool(data.get("more"))
            cursor = data.get("next")
            yield Page(
                items=[i for i in items if isinstance(i, dict)] if key != "versions" else items,
                more=more,
                next=None if cursor is None else str(cursor),
                date_added_first=headers.get("X-TAXII-Date-Added-First"),
                date_added_last=headers.get("X-TAXII-Date-Added-Last"),
            )
            if not more:
                return
            if cursor is None:
                raise ExchangeError(f"GET {url}: the server says more objects follow but sent no 'next'")
            # The same filters with the server's cursor (medallion refuses changed filters with 400), and a
            # limit: medallion 3.0.0 fails (500) on a ``next`` without one, so ask for the page size it chose.
            params = {**first, "next": str(cursor)}
            params.setdefault("limit", str(max(len(items), 1)))

    @staticmethod
    def _filters(
        added_after: str | None, match: Mapping[str, str] | None, version: str | None = None
    ) -> dict[str, str]:
        params: dict[str, str] = {}
        if added_after:
            params["added_after"] = added_after
        for name, value in (match or {}).items():
            params[f"match[{name}]"] = value
        if version:
            params["match[version]"] = version
        return params

    def object_pages(
        self,
        collection_url: str,
        *,
        added_after: str | None = None,
        limit: int | None = None,
        match: Mapping[str, str] | None = None,
        version: str | None = None,
    ) -> Iterator[Page]:
        """Every page of ``GET {collection}/objects/`` (§5.3), following ``next`` to the end.

        ``match`` holds TAXII filters without the ``match[]`` wrapping (``{"type": "incident"}``).
        """
        params = self._filters(added_after, match, version)
        return self._pages(urljoin(_slash(collection_url), "objects/"), "objects", params, limit)

    def objects(self, collection_url: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Every object of a collection, page after page (the arguments of :meth:`object_pages`)."""
        for page in self.object_pages(collection_url, **kwargs):
            yield from page.items

    def manifest(
        self,
        collection_url: str,
        *,
        added_after: str | None = None,
        limit: int | None = None,
        match: Mapping[str, str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every manifest entry of a collection (§5.4): ``id``, ``date_added``, ``version``, ``media_type``."""
        params = self._filters(added_after, match)
        for page in self._pages(urljoin(_slash(collection_url), "manifest/"), "objects", params, limit):
            yield from page.items

    def get_object(self, collection_url: str, object_id: str, version: str | None = None) -> list[dict[str, Any]]:
        """The versions of one object (§5.6; the latest unless ``version`` is ``all``, ``first`` or a date).

        Raises ExchangeError (404) when the server has no such object for us.
        """
        url = urljoin(_slash(collection_url), f"objects/{object_id}/")
        return [o for page in self._pages(url, "objects", self._filters(None, None, version), None) for o in page.items]

    def versions(self, collection_url: str, object_id: str) -> list[str]:
        """The ``modified`` timestamps of every version of one object (§5.8)."""
        url = urljoin(_slash(collection_url), f"objects/{object_id}/versions/")
        return [str(v) for page in self._pages(url, "versions", {}, None) for v in page.items]

    def collection_url(self, root: str, collection_id: str) -> str:
        """The URL of a collection of ``root`` by its id."""
        return urljoin(_slash(root), f"collections/{collection_id}/")
