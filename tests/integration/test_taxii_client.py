"""taxii2-client (the OASIS client) against sarhad's TAXII server on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from taxii2client.v21 import Server, as_pages

from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import UCDP_SAMPLE
from tests.web.conftest import serving

pytestmark = pytest.mark.integration


@pytest.fixture
def server(node: Node) -> Iterator[tuple[str, str]]:
    import_file(node, "ucdp", UCDP_SAMPLE)
    token = create_token(node.db, "client", "analyst", "PK")
    with serving(node) as url:
        yield url, token


def test_taxii2_client_discovers_pages_filters_and_adds(server: tuple[str, str]) -> None:
    url, token = server
    srv = Server(f"{url}/taxii2/", user="client", password=token)
    root = srv.default
    assert root is not None
    colls = {c.alias: c for c in root.collections}
    assert set(colls) == {"incidents", "framework", "reports"}
    incidents = colls["incidents"]
    pages = list(as_pages(incidents.get_objects, per_request=10))
    objects = [o for page in pages for o in page.get("objects", [])]
    assert len(pages) == 4 and len({o["id"] for o in objects}) == 37
    assert len(incidents.get_objects(type="incident")["objects"]) == 37
    manifest = incidents.get_manifest()
    last = manifest["objects"][-1]["date_added"]
    assert "objects" not in incidents.get_objects(added_after=last)
    obj = dict(objects[0], name="Renamed through taxii2-client")
    status = incidents.add_objects({"objects": [obj]})
    assert (status.status, status.success_count, status.failure_count) == ("complete", 1, 0)
    assert len(incidents.object_versions(obj["id"])["versions"]) == 2
