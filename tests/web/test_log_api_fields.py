"""The log API names a bad or unknown query parameter as ``field``, as the JSON API and the dashboard's routes do,
and still takes every parameter sarhad's own sync client sends. On both databases."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.log.helpers import note_id, publish_notes
from tests.web.conftest import serving


@pytest.fixture
def client(any_node: Node) -> Iterator[httpx.Client]:
    """A peer's client of a served node whose log holds 11 leaves, signed at sizes 6 and 11."""
    publish_notes(any_node, 0, 6)
    publish_notes(any_node, 6, 5)
    token = create_token(any_node.db, "ir", "peer", "IR")
    with (
        serving(any_node) as base,
        httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as c,
    ):
        yield c


def _field(answer: httpx.Response, field: str, message: str) -> None:
    assert answer.status_code == 400, answer.text
    assert answer.json() == {"error": {"code": "invalid_input", "message": message, "field": field}}


@pytest.mark.parametrize(
    ("path", "params", "field", "message"),
    [
        ("/log/proof/consistency", {"old": 11, "new": 6}, "old",
         "old size 11 is larger than new size 6: the sizes are the wrong way round"),
        ("/log/proof/consistency", {"old": 6, "new": 12}, "new",
         "new size 12 is larger than the log, which holds 11 leaves"),
        ("/log/proof/consistency", {"old": 6}, "new", "query parameter new is required"),
        ("/log/proof/consistency", {"old": "six", "new": 11}, "old", "old 'six' is not an integer"),
        ("/log/proof/inclusion", {"index": 3, "size": 12}, "size",
         "size 12 is larger than the log, which holds 11 leaves"),
        ("/log/proof/inclusion", {"index": 6, "size": 6}, "index", "index 6 is not in a tree of size 6 (leaves 0..5)"),
        ("/log/proof/inclusion", {"index": -1}, "index", f"index -1 is outside 0..{2**63 - 1}"),
        ("/log/proof/inclusion", {"size": 6}, "index", "query parameter index is required (or id)"),
        ("/log/proof/inclusion", {"id": note_id(8), "size": 6}, "size",
         f"{note_id(8)} is leaf 8, not in a tree of size 6 (leaves 0..5)"),
        ("/log/proof/inclusion", {"id": note_id(3), "index": 3}, "index",
         "give the leaf as index or as id (and version), not both"),
        ("/log/proof/inclusion", {"index": 3, "version": "2026-01-01T00:00:00.000Z"}, "version",
         "version goes with id: it names a version of that object"),
        ("/log/checkpoint", {"cosigned": "yes"}, "cosigned", "cosigned 'yes' must be 0 or 1"),
        ("/log/checkpoint", {"size": 6, "cosigned": 0}, "cosigned",
         "give size (the checkpoint signed at that size) or cosigned, not both"),
        ("/log/checkpoint", {"size": "six"}, "size", "size 'six' is not an integer"),
        ("/log/entries", {"start": 0, "objects": "yes"}, "objects",
         "objects 'yes' must be 1 or true (the bodies too) or 0 or false"),
        ("/log/entries", {"objects": 1, "bodies": "raw"}, "bodies",
         "bodies 'raw' must be text (each body as a JSON string) or json"),
    ],
)  # fmt: skip
def test_the_log_api_names_a_bad_parameter(
    client: httpx.Client, path: str, params: dict[str, object], field: str, message: str
) -> None:
    _field(client.get(path, params=params), field, message)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("method", "path", "known"),
    [
        ("GET", "/log/checkpoint", "cosigned, size"),
        ("GET", "/log/proof/inclusion", "id, index, size, version"),
        ("GET", "/log/proof/consistency", "new, old"),
        ("GET", "/log/entries", "bodies, end, objects, start"),
        ("POST", "/log/cosignatures", None),
    ],
)
def test_the_log_api_refuses_a_parameter_it_does_not_take(
    client: httpx.Client, method: str, path: str, known: str | None
) -> None:
    # A misspelt "objects" would otherwise answer no bodies, and a misspelt "new" the wrong proof.
    answer = client.request(method, path, params={"old": 6, "new": 11, "objectz": 1}, content=b"x")
    expected = f"expected one of {known}" if known else "this route takes none"
    if path == "/log/proof/consistency":
        _field(answer, "objectz", f"unknown query parameter 'objectz'; {expected}")
    else:
        _field(answer, "old", f"unknown query parameter 'old'; {expected}")


def test_the_log_api_takes_what_the_sync_client_and_the_docs_send(client: httpx.Client) -> None:
    assert client.get("/log/checkpoint").status_code == 200
    assert client.get("/log/proof/consistency", params={"old": 6, "new": 11}).json()["new"] == 11
    assert client.get("/log/proof/inclusion", params={"index": 3, "size": 6}).json()["size"] == 6
    assert client.get("/log/proof/inclusion", params={"id": note_id(3)}).json()["index"] == 3
    for objects in ("1", "true"):
        full = client.get("/log/entries", params={"start": 0, "end": 11, "objects": objects, "bodies": "text"})
        assert len(full.json()["objects"]) == 11
    for objects in ("0", "false"):
        bare = client.get("/log/entries", params={"start": 0, "end": 11, "objects": objects})
        assert "objects" not in bare.json()
    parsed = client.get("/log/entries", params={"objects": 1, "bodies": "json"}).json()["objects"]
    assert isinstance(parsed["3"], dict)
