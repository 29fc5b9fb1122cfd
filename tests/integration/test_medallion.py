"""Our TAXII 2.1 client against medallion, the OASIS reference server, run as a subprocess on loopback."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from sarhad.cli import main
from sarhad.errors import ConfigError, ExchangeError, InvalidInput, NotFound
from sarhad.exchange.client import TaxiiClient
from sarhad.exchange.pull import pull_collection
from sarhad.formats.stix import bundle, current_objects
from sarhad.model.incident import Incident, Place, incident_id
from sarhad.node import Node
from sarhad.store.incidents import count_incidents

pytestmark = pytest.mark.integration

MEDALLION = Path(sys.executable).with_name("medallion")
USER, PASSWORD = "pk-agency", "pk-secret"
COLLECTION = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"
EMPTY = "52892447-4d7e-4f70-b94d-d7f22742ff63"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def medallion_data(objects: list[dict[str, Any]], base: str) -> dict[str, Any]:
    """A medallion memory-backend file holding ``objects`` in one collection (each with a manifest entry)."""
    manifest = [
        {
            "id": o["id"],
            "date_added": f"2024-01-01T00:{i // 60:02d}:{i % 60:02d}.000000Z",
            "version": o.get("modified", o.get("created", "2024-01-01T00:00:00.000Z")),
            "media_type": "application/stix+json;version=2.1",
        }
        for i, o in enumerate(objects)
    ]
    coll = {
        "id": COLLECTION,
        "title": "PK incidents",
        "can_read": True,
        "can_write": True,
        "media_types": ["application/stix+json;version=2.1"],
        "objects": objects,
        "manifest": manifest,
    }
    empty = {**coll, "id": EMPTY, "title": "Empty", "objects": [], "manifest": []}
    return {
        "/discovery": {
            "title": "medallion",
            "description": "reference server",
            "contact": "nobody",
            "default": f"{base}/shared/",
            "api_roots": [f"{base}/shared/"],
        },
        "shared": {
            "information": {
                "title": "shared",
                "description": "",
                "versions": ["application/taxii+json;version=2.1"],
                "max_content_length": 10485760,
            },
            "status": [],
            "collections": [coll, empty],
        },
    }


def synthetic_incident(i: int, party: str = "PK") -> Incident:
    """A small made-up incident record number ``i`` of ``party``."""
    return Incident(
        id=incident_id("party", party, f"syn-{i}"),
        reported_by=party,
        dataset="party",
        source_id=f"syn-{i}",
        date_start=f"2020-01-{i % 28 + 1:02d}",
        date_end=f"2020-01-{i % 28 + 1:02d}",
        date_precision="day",
        place=Place(country="PK", lat=28.0 + (i % 100) / 100, lon=63.0 + (i % 50) / 50, precision="exact"),
        title=f"Synthetic incident {i}",
    )


@contextmanager
def medallion(tmp: Path, objects: list[dict[str, Any]], page_size: int = 100) -> Iterator[str]:
    """Run medallion on a free loopback port serving ``objects``; yield its discovery URL; always stop it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data = tmp / "medallion-data.json"
    data.write_text(json.dumps(medallion_data(objects, base)), encoding="utf-8")
    config = tmp / "medallion.json"
    config.write_text(
        json.dumps(
            {
                "backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
                            "filename": str(data)},
                "users": {USER: PASSWORD},
                "taxii": {"max_page_size": page_size},
            }
        ),
        encoding="utf-8",
    )  # fmt: skip
    log = (tmp / "medallion.log").open("wb")
    proc = subprocess.Popen(
        [str(MEDALLION), str(config), "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"medallion exited with {proc.returncode}: {(tmp / 'medallion.log').read_text()}")
            try:
                httpx.get(f"{base}/taxii2/", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError("medallion did not start within 30 s") from None
                time.sleep(0.1)
        yield f"{base}/taxii2/"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        log.close()


@pytest.fixture
def pk_objects(tmp_path: Path) -> list[dict[str, Any]]:
    """A PK node's 37 incidents as a STIX bundle's objects (with the objects derived from them), and a note."""
    with Node.init(tmp_path / "src", "PK") as src:
        with src.publisher() as pub:
            pub.add_all(synthetic_incident(i) for i in range(37))
        # medallion 3.0.0 reads an object's "version" property as its version timestamp, so it cannot serve
        # an extension-definition (whose "version" is "1.0"); leave that one out.
        objects = [o for o in bundle(current_objects(src))["objects"] if o["type"] != "extension-definition"]
    note = {
        "type": "note",
        "spec_version": "2.1",
        "id": "note--0b6c3f4e-5d1a-4c1e-9a71-2f1d9a7c3e55",
        "created": "2024-02-01T00:00:00.000Z",
        "modified": "2024-02-01T00:00:00.000Z",
        "content": "Liaison note shared through a third-party TAXII server",
        "object_refs": [objects[-1]["id"]],
    }
    return [*objects, note]


@pytest.fixture
def server(tmp_path: Path, pk_objects: list[dict[str, Any]]) -> Iterator[str]:
    with medallion(tmp_path, pk_objects, page_size=25) as url:
        yield url


def test_client_discovers_pages_and_reads_manifest_and_versions(server: str, pk_objects: list[dict[str, Any]]) -> None:
    with TaxiiClient(server, user=USER, password=PASSWORD) as client:
        root = client.default_api_root()
        assert root == server.replace("/taxii2/", "/shared/")
        assert client.api_root(root)["versions"] == ["application/taxii+json;version=2.1"]
        assert [c["title"] for c in client.collections(root)] == ["PK incidents", "Empty"]
        url = client.collection_url(root, client.find_collection(root, "PK incidents")["id"])
        pages = list(client.object_pages(url, limit=10))
        got = [o["id"] for p in pages for o in p.items]
        assert len(pages) == -(-len(pk_objects) // 10)
        assert sorted(got) == sorted(o["id"] for o in pk_objects)
        assert all(p.next for p in pages[:-1]) and not pages[-1].more
        manifest = list(client.manifest(url, limit=30))
        assert len(manifest) == len(pk_objects)
        cut = manifest[-5]["date_added"]
        newer = list(client.objects(url, added_after=cut))
        assert len(newer) == 4
        incidents = list(client.objects(url, match={"type": "incident"}))
        assert len(incidents) == 37
        one = incidents[0]
        assert client.versions(url, one["id"]) == [one["modified"]]
        assert client.get_object(url, one["id"])[0]["id"] == one["id"]


def test_pull_publishes_incidents_and_objects_through_the_publish_path(
    server: str, pk_objects: list[dict[str, Any]], tmp_path: Path
) -> None:
    with Node.init(tmp_path / "ir", "IR") as ir, TaxiiClient(server, user=USER, password=PASSWORD) as client:
        result = pull_collection(ir, client, COLLECTION, limit=20)
        assert (result.fetched, result.incidents, result.objects) == (len(pk_objects), 37, 1)
        assert result.derived == len(pk_objects) - 38
        assert result.pages == -(-len(pk_objects) // 20) and result.added == 38
        assert count_incidents(ir.db) == 37
        head = ir.log.latest_checkpoint()
        assert head is not None and head.size == 38
        again = pull_collection(ir, client, "PK incidents")
        assert (again.added, again.unchanged) == (0, 38)
        empty = pull_collection(ir, client, EMPTY)
        assert (empty.fetched, empty.pages) == (0, 1)


def test_cli_taxii_pull_from_medallion(server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path / "ir-home")
    assert main(["--home", home, "init", "--party", "IR"]) == 0
    capsys.readouterr()
    args = ["--home", home, "taxii", "pull", server, "--collection", COLLECTION, "--user", USER]
    assert main([*args, "--password", PASSWORD, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["incidents"] == 37
    assert main([*args, "--password", "wrong"]) == 1
    assert "/taxii2/ answered 401" in capsys.readouterr().err


def test_wrong_password_is_an_exchange_error_naming_url_and_status(server: str) -> None:
    with (
        TaxiiClient(server, user=USER, password="wrong") as client,
        pytest.raises(ExchangeError, match=r"GET http://127\.0\.0\.1:\d+/taxii2/ answered 401"),
    ):
        client.discovery()


def test_unknown_collection_lists_what_there_is(server: str) -> None:
    with TaxiiClient(server, user=USER, password=PASSWORD) as client:
        root = client.default_api_root()
        with pytest.raises(NotFound, match=f"no collection 'nope' at .*{COLLECTION} \\(PK incidents\\)"):
            client.find_collection(root, "nope")
        with pytest.raises(ExchangeError, match=r"collections/not-a-collection/objects/ answered 404"):
            list(client.objects(client.collection_url(root, "not-a-collection")))


def test_response_size_limit_is_enforced(server: str) -> None:
    with TaxiiClient(server, user=USER, password=PASSWORD, max_bytes=2000) as client:
        root = client.default_api_root()
        url = client.collection_url(root, COLLECTION)
        with pytest.raises(ExchangeError, match="larger than the limit of 2000 bytes"):
            list(client.objects(url))


def test_pull_of_a_bad_object_stores_nothing(tmp_path: Path, pk_objects: list[dict[str, Any]]) -> None:
    broken = json.loads(json.dumps(pk_objects))
    first = next(o for o in broken if o["type"] == "incident")
    del first["extensions"]
    with (
        medallion(tmp_path, broken) as url,
        Node.init(tmp_path / "ir", "IR") as ir,
        TaxiiClient(url, user=USER, password=PASSWORD) as client,
    ):
        with pytest.raises(InvalidInput, match="the incident has no sarhad extension"):
            pull_collection(ir, client, COLLECTION)
        assert count_incidents(ir.db) == 0 and ir.log.size() == 0


def test_unreachable_server_and_bad_settings() -> None:
    with pytest.raises(ConfigError, match="not both"):
        TaxiiClient("http://127.0.0.1:1/taxii2/", token="t", user="u")
    with pytest.raises(ConfigError, match="must start with http"):
        TaxiiClient("ftp://example/taxii2/")
    with (
        TaxiiClient(f"http://127.0.0.1:{free_port()}/taxii2/", token="t", timeout=2) as client,
        pytest.raises(ExchangeError, match=r"GET http://127\.0\.0\.1:\d+/taxii2/ failed: ConnectError"),
    ):
        client.discovery()
