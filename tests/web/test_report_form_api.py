"""The report form's routes: the code lists, an own record as the body that corrects it, and the field a refused
report names (on SQLite and on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from sarhad.importer import import_file
from sarhad.model.figures import Figure
from sarhad.model.incident import Incident, Perpetrator, Place, incident_id
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import UCDP_SAMPLE
from tests.web.conftest import serving


@dataclass
class Desk:
    node: Node
    analyst: httpx.Client
    viewer: httpx.Client


@pytest.fixture
def desk(any_node: Node) -> Iterator[Desk]:
    """A served PK node holding the UCDP sample and one IR record (a peer's), with an analyst's and a viewer's
    client."""
    import_file(any_node, "ucdp", UCDP_SAMPLE)
    peer = Incident(
        id=incident_id("party", "IR", "ir-7"), reported_by="IR", dataset="party", source_id="ir-7",
        date_start="2025-04-12", date_end="2025-04-12", place=Place(country="IR", admin1="Sistan and Baluchestan"),
    )  # fmt: skip
    any_node.publish([peer])
    analyst = create_token(any_node.db, "desk", "analyst", "PK")
    viewer = create_token(any_node.db, "watch", "viewer", "PK")
    with (
        serving(any_node) as base,
        httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {analyst}"}) as a,
        httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {viewer}"}) as v,
    ):
        yield Desk(any_node, a, v)


REPORT: dict[str, Any] = {  # the JSON body of a report
    "source_id": "pk-desk-41",
    "date_start": "2025-03-01",
    "date_end": "2025-03-31",
    "date_precision": "month",
    "place": {
        "country": "PK",
        "admin1": "Balochistan",
        "admin1_code": "PK-BA",
        "admin2": "Kech",
        "precision": "admin2",
    },
    "attack_types": ["Armed Assault"],
    "target_types": ["Police"],
    "weapon_types": ["Firearms"],
    "perpetrators": [{"name": "Baloch Liberation Army", "attribution": "suspected"}],
    "figures": [{"measure": "killed", "category": "security_forces", "low": 3, "best": 4, "high": None}],
    "sources": ["Levies station report 41"],
    "title": "Levies post attacked",
    "summary": "A Levies post was fired on at night.",
    "tlp": "GREEN",
}


def test_the_code_lists_are_the_gtd_lists_the_gazetteer_and_the_alias_registry(desk: Desk) -> None:
    for client in (desk.analyst, desk.viewer):
        answer = client.get("/api/dashboard/codes")
        assert answer.status_code == 200, answer.text
        codes = answer.json()
        assert "Bombing/Explosion" in codes["attack_types"] and "Police" in codes["target_types"]
        assert codes["weapon_types"][-1] == "Unknown"
        assert codes["measures"][:3] == ["killed", "wounded", "hostages"]
        assert {"confirmed", "suspected", "claimed"} <= set(codes["attributions"])
        assert {"code": "PK-BA", "name": "Balochistan", "country": "PK"} in codes["provinces"]
        kech = [d for d in codes["districts"] if d["name"] == "Kech"]
        assert len(kech) == 1 and kech[0]["admin1_code"] == "PK-BA"
        assert {"name": "Tehrik-i-Taliban Pakistan", "short": "TTP"} in codes["groups"]
    refused = desk.analyst.get("/api/dashboard/codes", params={"country": "PK"})
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "country"


def _detail(client: httpx.Client, wanted: str) -> dict[str, object]:
    answer = client.get(f"/api/dashboard/incidents/{wanted}")
    assert answer.status_code == 200, answer.text
    incident: dict[str, object] = answer.json()["incident"]
    return incident


def test_an_own_report_comes_back_as_the_body_that_corrects_it_and_counts_its_versions(desk: Desk) -> None:
    created = desk.analyst.post("/api/incidents", json=REPORT)
    assert created.status_code == 201, created.text
    new_id = created.json()["id"]
    detail = _detail(desk.analyst, new_id)
    assert detail["version"] == 1
    assert detail["report"] == {**REPORT, "figures": [{**REPORT["figures"][0]}]}
    # Posted back unchanged: nothing new. Changed: the record's second version.
    again = desk.analyst.post("/api/incidents", json=detail["report"])
    assert again.json() == {"id": new_id, "added": 0, "updated": 0}
    corrected = desk.analyst.post("/api/incidents", json={**REPORT, "figures": [{"measure": "killed",
                                                           "category": "security_forces", "best": 5}]})  # fmt: skip
    assert corrected.json() == {"id": new_id, "added": 0, "updated": 1}
    detail = _detail(desk.analyst, new_id)
    assert detail["version"] == 2
    report = detail["report"]
    assert isinstance(report, dict)
    assert report["figures"] == [{"measure": "killed", "category": "security_forces", "low": None, "best": 5,
                                  "high": None}]  # fmt: skip


def test_only_a_writer_gets_the_body_and_only_of_its_partys_own_reports(desk: Desk) -> None:
    new_id = desk.analyst.post("/api/incidents", json=REPORT).json()["id"]
    assert _detail(desk.viewer, new_id)["report"] is None
    assert _detail(desk.analyst, incident_id("party", "IR", "ir-7"))["report"] is None  # a peer's record
    ucdp = desk.analyst.get("/api/incidents", params={"dataset": "ucdp", "limit": 1}).json()["incidents"][0]["id"]
    assert _detail(desk.analyst, ucdp)["report"] is None  # a dataset's row
    # an analyst of another party on this node: the node's party's reports are not its agency's
    other = create_token(desk.node.db, "zahedan-desk", "analyst", "IR")
    headers = {"Authorization": f"Bearer {other}"}
    shared = desk.analyst.post("/api/incidents", json={**REPORT, "source_id": "pk-desk-43", "tlp": "CLEAR"}).json()
    with httpx.Client(base_url=str(desk.analyst.base_url), timeout=30, headers=headers) as client:
        assert _detail(client, shared["id"])["report"] is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"date_start": "2025-03-05", "date_end": "2025-03-01"}, "date_end", "date_end 2025-03-01 is before"),
        ({"place": {"lat": 26.0}}, "place", "latitude and longitude must be given together"),
    ],
)
def test_a_refused_report_names_its_field_and_stores_nothing(
    desk: Desk, change: dict[str, object], field: str, message: str
) -> None:
    before = desk.analyst.get("/api/incidents", params={"limit": 1}).json()["total"]
    answer = desk.analyst.post("/api/incidents", json={**REPORT, **change})
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["field"] == field and message in error["message"], error
    assert desk.analyst.get("/api/incidents", params={"limit": 1}).json()["total"] == before


def test_a_report_of_a_dataset_row_is_not_offered_for_correction_even_to_an_admin(any_node: Node) -> None:
    # An admin may write, but a UCDP row is UCDP's: the form never offers it.
    own = Incident(
        id=incident_id("party", "PK", "pk-9"), reported_by="PK", dataset="party", source_id="pk-9",
        date_start="2025-05-02", date_end="2025-05-02", perpetrators=(Perpetrator("TTP", "claimed"),),
        figures=(Figure("killed", "total", None, 2, None, "reported", "PK"),),
    )  # fmt: skip
    any_node.publish([own])
    import_file(any_node, "ucdp", UCDP_SAMPLE)
    admin = create_token(any_node.db, "root", "admin", "PK")
    with (
        serving(any_node) as base,
        httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {admin}"}) as client,
    ):
        report = _detail(client, own.id)["report"]
        assert isinstance(report, dict)
        # a figure under another rule than the form's keeps it when corrected
        assert report["figures"] == [{"measure": "killed", "category": "total", "low": None, "best": 2, "high": None,
                                      "rule": "reported"}]  # fmt: skip
        assert report["perpetrators"] == [{"name": "TTP", "attribution": "claimed"}]
        ucdp = client.get("/api/incidents", params={"dataset": "ucdp", "limit": 1}).json()["incidents"][0]["id"]
        assert _detail(client, ucdp)["report"] is None
