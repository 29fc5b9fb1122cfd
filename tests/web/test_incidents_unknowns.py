"""``/api/incidents`` tells ACLED's ambiguous 0 from a 0 that means none, beside the unchanged figures, and
``/api/stats?by=attack-type`` counts GTD's "Unknown" attack type with the incidents naming none. On SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import ASSETS
from tests.web.conftest import serving


@pytest.fixture
def client(any_node: Node) -> Iterator[httpx.Client]:
    """An analyst's client of a served PK node holding the synthetic ACLED and GTD files."""
    import_file(any_node, "acled", ASSETS / "synthetic" / "acled_synthetic.csv")
    import_file(any_node, "gtd", ASSETS / "synthetic" / "gtd_synthetic.csv")
    token = create_token(any_node.db, "ana", "analyst", "PK")
    with (
        serving(any_node) as base,
        httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as c,
    ):
        yield c


def test_api_incidents_flags_the_ambiguous_zero_beside_the_figures(client: httpx.Client) -> None:
    r = client.get("/api/incidents", params={"limit": 1000})
    assert r.status_code == 200, r.text
    items = r.json()["incidents"]
    assert len(items) == 270
    flagged = [i for i in items if i["killed_zero_ambiguous"]]
    assert len(flagged) == 102 and {i["dataset"] for i in flagged} == {"acled"}
    assert all(i["killed"] == {"low": None, "best": 0, "high": None} for i in flagged)
    assert any(i["killed"]["best"] == 0 and not i["killed_zero_ambiguous"] for i in items)  # GTD's 0s
    assert all(set(i["killed"]) == {"low", "best", "high"} and i["wounded_zero_ambiguous"] is False for i in items)


def test_api_stats_by_attack_type_has_one_unknown_group(client: httpx.Client) -> None:
    r = client.get("/api/stats", params={"by": "attack-type", "dataset": "gtd"})
    assert r.status_code == 200, r.text
    groups = {g["key"]: g["incidents"] for g in r.json()["groups"]}
    assert "Unknown" not in groups and groups[None] == 5


def test_dashboard_table_and_detail_flag_the_ambiguous_zero(client: httpx.Client) -> None:
    r = client.get("/api/dashboard/table", params={"limit": 500, "since": "1970-01-01", "until": "2099-12-31"})
    assert r.status_code == 200, r.text
    rows = r.json()["rows"]
    flagged = [row for row in rows if row["killed_zero_ambiguous"]]
    assert len(flagged) == 102 and {row["dataset"] for row in flagged} == {"acled"}
    assert all(row["killed_best"] == 0 for row in flagged)
    assert any(row["killed_best"] == 0 and row["killed_zero_ambiguous"] is False for row in rows)  # GTD's 0s
    detail = client.get(f"/api/dashboard/incidents/{flagged[0]['id']}")
    assert detail.status_code == 200, detail.text
    assert detail.json()["incident"]["killed_zero_ambiguous"] is True
