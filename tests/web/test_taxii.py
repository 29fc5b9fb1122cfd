"""The TAXII 2.1 routes in-process: discovery, collections, paging, filters, POST, errors, TLP."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from sarhad.canonical import canonical_text
from sarhad.importer import import_file
from sarhad.model.incident import SARHAD_EXTENSION
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import UCDP_SAMPLE, UNUSED_TOKEN
from tests.web.conftest import TAXII, Served, serving

ROOT = "/taxii2/sarhad"


def test_discovery_names_the_api_root(served: Served) -> None:
    r = served.client.get("/taxii2/", headers=served.auth("viewer", **TAXII))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/taxii+json")
    assert r.json()["api_roots"] == [f"{served.client.base_url}/taxii2/sarhad/"]
    root = served.client.get(f"{ROOT}/", headers=served.auth("viewer", **TAXII)).json()
    assert root["versions"] == ["application/taxii+json;version=2.1"]


def test_collections_list_three_and_write_flag_follows_role(served: Served) -> None:
    viewer = served.client.get(f"{ROOT}/collections/", headers=served.auth("viewer", **TAXII)).json()
    assert [c["alias"] for c in viewer["collections"]] == ["incidents", "framework", "reports"]
    assert not viewer["collections"][0]["can_write"]
    analyst = served.client.get(f"{ROOT}/collections/incidents/", headers=served.auth("analyst", **TAXII)).json()
    assert analyst["can_write"]


def test_paging_with_next_returns_every_incident_once(served: Served) -> None:
    seen: list[str] = []
    params: dict[str, str] = {"limit": "10"}
    while True:
        r = served.client.get(
            f"{ROOT}/collections/incidents/objects/", params=params, headers=served.auth("viewer", **TAXII)
        )
        page = r.json()
        seen += [o["id"] for o in page.get("objects", [])]
        if not page["more"]:
            break
        params = {"limit": "10", "next": page["next"]}
    assert len(seen) == len(set(seen)) == 37


def test_added_after_and_match_filters(served: Served) -> None:
    h = served.auth("viewer", **TAXII)
    r = served.client.get(f"{ROOT}/collections/incidents/objects/", headers=h)
    last = r.headers["X-TAXII-Date-Added-Last"]
    after = served.client.get(f"{ROOT}/collections/incidents/objects/", params={"added_after": last}, headers=h)
    assert after.json() == {"more": False}
    one = r.json()["objects"][0]["id"]
    got = served.client.get(f"{ROOT}/collections/incidents/objects/", params={"match[id]": one}, headers=h).json()
    assert [o["id"] for o in got["objects"]] == [one]
    none = served.client.get(f"{ROOT}/collections/incidents/objects/", params={"match[type]": "report"}, headers=h)
    assert none.json() == {"more": False}
    old_spec = served.client.get(
        f"{ROOT}/collections/incidents/objects/", params={"match[spec_version]": "2.0"}, headers=h
    )
    assert old_spec.json() == {"more": False}


def test_manifest_object_and_versions(served: Served) -> None:
    h = served.auth("viewer", **TAXII)
    manifest = served.client.get(f"{ROOT}/collections/incidents/manifest/", params={"limit": "5"}, headers=h).json()
    assert manifest["more"] and len(manifest["objects"]) == 5
    entry = manifest["objects"][0]
    assert set(entry) == {"id", "date_added", "version", "media_type"}
    obj = served.client.get(f"{ROOT}/collections/incidents/objects/{entry['id']}/", headers=h).json()
    assert obj["objects"][0]["modified"] == entry["version"]
    versions = served.client.get(f"{ROOT}/collections/incidents/objects/{entry['id']}/versions/", headers=h).json()
    assert versions["versions"] == [entry["version"]]


def test_post_objects_needs_a_writer_and_answers_a_status(served: Served) -> None:
    h = served.auth("viewer", **TAXII)
    first = served.client.get(f"{ROOT}/collections/incidents/objects/", params={"limit": "1"}, headers=h).json()
    obj = first["objects"][0]
    obj["name"] = "Renamed by a TAXII client"
    envelope = json.dumps({"objects": [obj]})
    post_h = {"Content-Type": "application/taxii+json;version=2.1"}
    denied = served.client.post(f"{ROOT}/collections/incidents/objects/", content=envelope, headers={**h, **post_h})
    assert denied.status_code == 403
    assert denied.json()["http_status"] == "403"
    ok = served.client.post(
        f"{ROOT}/collections/incidents/objects/", content=envelope, headers=served.auth("analyst", **TAXII, **post_h)
    )
    assert ok.status_code == 202
    status = ok.json()
    assert (status["status"], status["success_count"], status["failure_count"]) == ("complete", 1, 0)
    again = served.client.get(f"{ROOT}/status/{status['id']}/", headers=h).json()
    assert again["id"] == status["id"]
    versions = served.client.get(f"{ROOT}/collections/incidents/objects/{obj['id']}/versions/", headers=h).json()
    assert len(versions["versions"]) == 2


def test_post_refuses_an_incident_whose_types_are_off_the_gtd_lists_and_stores_nothing(served: Served) -> None:
    h = served.auth("analyst", **TAXII, **{"Content-Type": "application/taxii+json;version=2.1"})
    first = served.client.get(f"{ROOT}/collections/incidents/objects/", params={"limit": "2"}, headers=h).json()
    good, bad = first["objects"]
    good["name"], bad["name"] = "Renamed", "Renamed too"
    bad["extensions"][SARHAD_EXTENSION]["attack_types"] = ["Bombing"]  # GTD's is "Bombing/Explosion"
    url = f"{ROOT}/collections/incidents/objects/"
    before = served.client.get(f"{url}{good['id']}/versions/", headers=h).json()
    refused = served.client.post(url, content=json.dumps({"objects": [good, bad]}), headers=h)
    assert refused.status_code == 400, refused.text
    said = refused.json()["description"]
    assert said.startswith(f"envelope object 1 ({bad['id']}): attack_types: 'Bombing' is not one of: Assassination;")
    assert served.client.get(f"{url}{good['id']}/versions/", headers=h).json() == before  # nothing stored


def test_media_type_negotiation_and_error_resource(served: Served) -> None:
    wrong = served.client.get(f"{ROOT}/collections/", headers=served.auth("viewer", Accept="application/json"))
    assert wrong.status_code == 406
    assert set(wrong.json()) >= {"title", "description", "http_status"}
    bad_type = served.client.post(
        f"{ROOT}/collections/incidents/objects/",
        content="{}",
        headers=served.auth("analyst", **TAXII, **{"Content-Type": "application/json"}),
    )
    assert bad_type.status_code == 415
    missing = served.client.get(f"{ROOT}/collections/nope/", headers=served.auth("viewer", **TAXII))
    assert missing.status_code == 404 and "no collection 'nope'" in missing.json()["description"]


def test_unauthenticated_requests_get_401_in_the_taxii_shape(served: Served) -> None:
    r = served.client.get("/taxii2/", headers=TAXII)
    assert r.status_code == 401
    assert r.json()["title"] == "Authentication required"
    assert "Bearer" in r.headers["www-authenticate"]
    bad = served.client.get("/taxii2/", headers={**TAXII, "Authorization": "Bearer sarhad_000000000000_" + "x" * 40})
    assert bad.status_code == 401 and bad.json()["description"] == "invalid token"


def test_basic_auth_with_the_token_as_password(served: Served) -> None:
    r = served.client.get("/taxii2/", headers=TAXII, auth=("anyone", served.tokens["viewer"]))
    assert r.status_code == 200


def test_tlp_decides_what_each_principal_reads(served: Served) -> None:
    db = served.node.db
    ids = [r[0] for r in db.fetchall("SELECT id FROM objects WHERE type = 'incident' ORDER BY seq LIMIT 4")]
    with db.transaction():
        for object_id, level in zip(ids, ["GREEN", "AMBER", "RED", "AMBER+STRICT"], strict=True):
            db.execute("UPDATE objects SET tlp = ?, origin = 'UCDP' WHERE id = ?", (level, object_id))

    def visible(who: str) -> set[str]:
        page = served.client.get(f"{ROOT}/collections/incidents/objects/", headers=served.auth(who, **TAXII)).json()
        return {o["id"] for o in page.get("objects", [])} & set(ids)

    assert visible("public") == set()  # CLEAR only
    assert visible("peer") == {ids[0]}  # GREEN: the community
    assert visible("viewer") == {ids[0], ids[1], ids[3]}  # a party of the framework: GREEN and AMBER
    # Once IR is a registered peer, it is a party of the framework and reads AMBER too; RED never leaves.
    from sarhad.exchange.peers import add_peer
    from sarhad.log.note import Signer

    add_peer(db, "IR", "http://127.0.0.1:9", Signer.generate("sarhad.ir/log").vkey, UNUSED_TOKEN)
    assert visible("peer") == {ids[0], ids[1], ids[3]}
    # The log still shows the withheld RED object's envelope.
    index = served.node.log.find_object(ids[2])
    entries = served.client.get(
        "/log/entries", params={"start": index, "end": index + 1, "objects": 1}, headers=served.auth("peer")
    ).json()
    assert entries["objects"] == {} and ids[2] in entries["entries"][0]["envelope"]


@pytest.mark.postgres
def test_objects_are_served_verbatim_from_postgresql(tmp_path: Path, pg_schema_url: str) -> None:
    pg = Node.init(tmp_path / "pg", "PK", database_url=pg_schema_url)
    try:
        import_file(pg, "ucdp", UCDP_SAMPLE)
        token = create_token(pg.db, "val", "viewer", "PK")
        with serving(pg) as base, httpx.Client(base_url=base, timeout=30) as client:
            r = client.get("/taxii2/sarhad/collections/incidents/objects/",
                           headers={**TAXII, "Authorization": f"Bearer {token}"})  # fmt: skip
        assert r.status_code == 200
        served = r.json()["objects"]
        stored = {str(b) for (b,) in pg.db.fetchall("SELECT body FROM objects WHERE type = 'incident'")}
        assert len(served) == 37
        assert {canonical_text(o) for o in served} == stored
    finally:
        pg.close()
