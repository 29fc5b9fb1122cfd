"""The perpetrator filter and ``stats --by perpetrator`` follow the alias registry: every stored spelling of a
group it knows is that group ("Jaish ul-Adl" finds "Jaish al-Adl"; "BLA" and "Baloch Liberation Army" are one
group); a name it does not know is matched as a substring, as before."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sarhad.cli import main
from sarhad.exporter import export
from sarhad.model.figures import Figure
from sarhad.model.incident import Incident, Perpetrator, incident_id
from sarhad.monitor import views
from sarhad.node import Node
from sarhad.reconcile.stats import dedup_stats
from sarhad.store.incidents import Filters, count_incidents, iter_incidents, query_incidents, stats
from sarhad.web.auth import create_token
from tests.web.conftest import serving

# (perpetrator as stored, killed)
STORED = [("Jaish al-Adl", 2), ("BLA", 1), ("Baloch Liberation Army", 4), ("Baloch Liberation Army (BLA)", 8),
          ("Local Lashkar", 16), (None, 32)]  # fmt: skip


def _incident(n: int, name: str | None, killed: int) -> Incident:
    return Incident(
        id=incident_id("party", "PK", str(n)), reported_by="PK", dataset="party", source_id=str(n),
        date_start="2026-01-02", date_end="2026-01-02",
        perpetrators=(Perpetrator(name),) if name else (),
        figures=(Figure("killed", "total", None, killed, None, "party_official", "PK"),),
    )  # fmt: skip


@pytest.fixture
def stocked(any_node: Node) -> Node:
    any_node.publish([_incident(n, name, killed) for n, (name, killed) in enumerate(STORED)])
    return any_node


def _killed(rows: list[dict[str, Any]] | Iterator[Incident]) -> list[int]:
    out = []
    for row in rows:
        figure = row["killed"]["best"] if isinstance(row, dict) else row.figures[0].best
        assert figure is not None
        out.append(int(figure))
    return sorted(out)


@pytest.mark.parametrize(
    ("typed", "killed"),
    [
        ("Jaish ul-Adl", [2]),  # a spelling that is not stored
        ("jaish al adl", [2]),
        ("BLA", [1, 4, 8]),
        ("Baloch Liberation Army", [1, 4, 8]),
        ("lashkar", [16]),  # not in the registry: a substring, as before
        ("Tehrik-i-Taliban Pakistan", []),  # in the registry, and no record names it
    ],
)
def test_the_filter_finds_every_stored_spelling_of_the_group(stocked: Node, typed: str, killed: list[int]) -> None:
    filters = Filters(perpetrator=typed)
    assert count_incidents(stocked.db, filters) == len(killed)
    assert _killed(query_incidents(stocked.db, filters)) == killed
    assert _killed(iter_incidents(stocked.db, filters)) == killed
    assert stats(stocked.db, filters=filters)["killed"]["best"] == sum(killed)


def test_stats_by_perpetrator_groups_the_spellings_of_a_group_under_its_name(stocked: Node) -> None:
    for answer in (stats(stocked.db, "perpetrator"), dedup_stats(stocked.db, "perpetrator")):
        groups = {g["key"]: (g["incidents"], g["killed"]["best"]) for g in answer["groups"]}
        assert groups == {None: (1, 32), "Baloch Liberation Army": (3, 13), "Jaish al-Adl": (1, 2),
                          "Local Lashkar": (1, 16)}  # fmt: skip
        assert [g["key"] for g in answer["groups"]] == [None, "Baloch Liberation Army", "Jaish al-Adl", "Local Lashkar"]


def test_export_and_the_dashboard_follow_the_same_rule(stocked: Node, tmp_path: Path) -> None:
    out = tmp_path / "bla.csv"
    assert export(stocked, "csv", out, Filters(perpetrator="BLA")) == 3
    with out.open(encoding="utf-8", newline="") as fh:
        assert sorted(row["killed_best"] for row in csv.DictReader(fh)) == ["1", "4", "8"]
    # what the web layer passes the views (Context.incident_filters resolves the group)
    resolved = Filters(perpetrator="BLA").resolved(stocked.db)
    assert resolved.perpetrator_spellings == ("BLA", "Baloch Liberation Army", "Baloch Liberation Army (BLA)")
    assert views.table(stocked.db, resolved)["total"] == 3
    assert sum(m["incidents"] for m in views.timeline(stocked.db, resolved)) == 3


def test_the_json_api_and_the_dashboard_take_the_group(stocked: Node) -> None:
    token = create_token(stocked.db, "val", "viewer", "PK")
    with (
        serving(stocked) as base,
        httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client,
    ):
        params = {"perpetrator": "BLA"}
        assert client.get("/api/incidents", params=params).json()["total"] == 3
        assert client.get("/api/stats", params=params).json()["incidents"] == 3
        assert client.get("/api/dashboard/table", params=params).json()["total"] == 3
        timeline = client.get("/api/dashboard/timeline", params={"perpetrator": "Jaish ul-Adl"}).json()["months"]
        assert sum(m["incidents"] for m in timeline) == 1
        # the dashboard offers a group once, with the spellings its live rows are matched against
        offered = client.get("/api/dashboard/options").json()["perpetrators"]
        spellings = ["BLA", "Baloch Liberation Army", "Baloch Liberation Army (BLA)"]
        assert offered[0] == {"name": "Baloch Liberation Army", "incidents": 3, "spellings": spellings}
        keys = [g["key"] for g in client.get("/api/stats", params={"by": "perpetrator"}).json()["groups"]]
        assert keys == [None, "Baloch Liberation Army", "Jaish al-Adl", "Local Lashkar"]


def test_the_command_line_takes_the_group(stocked: Node, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(stocked.settings.home)
    assert main(["--home", home, "incidents", "list", "--perpetrator", "Jaish ul-Adl", "--json"]) == 0
    assert [r["perpetrator"] for r in json.loads(capsys.readouterr().out)] == ["Jaish al-Adl"]
    assert main(["--home", home, "stats", "--by", "perpetrator", "--perpetrator", "BLA", "--json"]) == 0
    groups = json.loads(capsys.readouterr().out)["groups"]
    assert [(g["key"], g["incidents"]) for g in groups] == [("Baloch Liberation Army", 3)]
