"""TAXII 2.1 ``match[version]`` by timestamp: a version is an instant, however the client writes it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import UCDP_SAMPLE
from tests.web.conftest import TAXII, Served, serving

ROOT = "/taxii2/sarhad/collections/incidents/objects"


def _written_otherwise(version: str) -> list[str]:
    """The instant ``version`` (``…T06:21:48.123Z``) as other RFC 3339 texts: another offset, and without the
    fraction when it is whole seconds."""
    moment = datetime.fromisoformat(version.replace("Z", "+00:00")).astimezone(UTC)
    plus_five = moment.astimezone(timezone(timedelta(hours=5)))
    forms = [plus_five.isoformat(timespec="milliseconds"), moment.isoformat(timespec="microseconds")]
    if moment.microsecond == 0:
        forms.append(moment.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return forms


@pytest.fixture
def served_any(any_node: Node) -> Iterator[Served]:
    """The UCDP sample served by a node on SQLite, then on PostgreSQL (where ``modified`` is compared as text)."""
    import_file(any_node, "ucdp", UCDP_SAMPLE)
    tokens = {"viewer": create_token(any_node.db, "val", "viewer", "PK")}
    with serving(any_node) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield Served(any_node, client, tokens)


def test_match_version_finds_the_version_written_with_an_offset_or_more_digits(served_any: Served) -> None:
    served = served_any
    h = served.auth("viewer", **TAXII)
    first = served.client.get(f"{ROOT}/", params={"limit": "1"}, headers=h).json()["objects"][0]
    object_id, version = first["id"], first["modified"]
    for written in _written_otherwise(version):
        for path in (f"{ROOT}/{object_id}/", f"{ROOT}/{object_id}/versions/"):
            got = served.client.get(path, params={"match[version]": written}, headers=h)
            assert got.status_code == 200, (written, got.text)
            body = got.json()
            found = body.get("objects") or body.get("versions") or []
            assert found, f"match[version]={written} found nothing at {path} (stored: {version})"
        listed = served.client.get(f"{ROOT}/", params={"match[version]": written, "match[id]": object_id}, headers=h)
        assert [o["modified"] for o in listed.json().get("objects", [])] == [version], written
