"""``GET /api/stats`` gives the range of each total beside the stored figures' sums, on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx

from sarhad.importer import import_file
from sarhad.model.figures import Figure
from sarhad.model.incident import Incident, incident_id
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import ASSETS, UCDP_SAMPLE
from tests.web.conftest import serving


def _party(source: str, *figures: Figure) -> Incident:
    return Incident(id=incident_id("party", "PK", source), reported_by="PK", dataset="party", source_id=source,
                    date_start="2026-03-04", date_end="2026-03-04", figures=figures)  # fmt: skip


def test_api_stats_give_the_range_of_each_total(any_node: Node) -> None:
    import_file(any_node, "ucdp", UCDP_SAMPLE)
    import_file(any_node, "acled", ASSETS / "synthetic" / "acled_synthetic.csv")
    any_node.publish([
        _party("no-figure"),
        _party("wounded", Figure("wounded", "total", 1, 2, 4, "party_official", "PK"),
               Figure("killed", "total", None, 5, None, "party_official", "PK")),
    ])  # fmt: skip
    token = create_token(any_node.db, "val", "viewer", "PK")
    with serving(any_node) as base, httpx.Client(base_url=base, timeout=30) as client:
        answer = client.get("/api/stats", params={"by": "year"}, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    killed, wounded = data["killed"], data["wounded"]
    # UCDP's stored lows and highs sum to 154 and 211, its smallest and largest figures to 152 and 212 (two rows
    # are out of order); ACLED's one figure and the party's best 5 are their own low and high.
    single = killed["best"] - 165
    assert (killed["low"], killed["high"], killed["unknown"]) == (154, 211, 1)
    assert killed["range"] == {"low": 152 + single, "high": 212 + single}
    assert (wounded["low"], wounded["best"], wounded["high"]) == (1, 2, 4)
    assert wounded["range"] == {"low": 1, "high": 4}
    year_2026 = next(g for g in data["groups"] if g["key"] == "2026")
    assert year_2026["killed"]["range"] == {"low": 5, "high": 5} and year_2026["killed"]["unknown"] == 1


def test_api_stats_refuse_an_unknown_grouping_naming_the_parameter(any_node: Node) -> None:
    token = create_token(any_node.db, "val", "viewer", "PK")
    with serving(any_node) as base, httpx.Client(base_url=base, timeout=30) as client:
        answer = client.get("/api/stats", params={"by": "mnth"}, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert (error["code"], error["field"]) == ("invalid_input", "by"), error
    assert error["message"].startswith("cannot group by 'mnth': expected one of "), error
    assert "month" in error["message"], error
