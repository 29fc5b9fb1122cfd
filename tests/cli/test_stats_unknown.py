"""``sarhad stats``' table shows a sum as unknown when no incident in it gives the figure (a 0 there would
read as a count), with and without ``--dedup`` and ``--by``; the JSON keeps its sums and unknown counts. On
SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sarhad.node import Node
from tests.cli.test_stats_range import _table
from tests.conftest import run_cli as run
from tests.monitor.test_evaluate import make


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def home(request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """2024: one incident with 3 killed; 2025: two incidents giving no killed figure. None gives a wounded."""
    h = tmp_path / "pk"
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    with Node.init(h, "PK", database_url=url) as node:
        node.publish([make("a", day="2024-03-01", killed=3), make("b", day="2025-04-11", killed=None),
                      make("c", day="2025-08-20", killed=None, lat=26.0, lon=63.05, admin2="Kech")])  # fmt: skip
    code, _, err = run(capsys, "--home", str(h), "reconcile")
    assert code == 0, err
    return h


@pytest.mark.parametrize("dedup", [(), ("--dedup",)], ids=["reports", "dedup"])
def test_stats_table_shows_a_sum_no_incident_gave_as_unknown(
    home: Path, capsys: pytest.CaptureFixture[str], dedup: tuple[str, ...]
) -> None:
    code, out, err = run(capsys, "--home", str(home), "stats", "--by", "year", *dedup, "--json")
    assert code == 0, err
    data = json.loads(out)
    groups = {g["key"]: g for g in data["groups"]}
    # The JSON is unchanged: sums of what was given (0 when nothing was) beside the unknown counts.
    assert groups["2025"]["killed"] == {"low": 0, "best": 0, "high": 0, "unknown": groups["2025"]["incidents"],
                                        "range": {"low": 0, "high": 0}}  # fmt: skip
    assert data["wounded"] == {"low": 0, "best": 0, "high": 0, "unknown": data["incidents"],
                               "range": {"low": 0, "high": 0}}  # fmt: skip
    assert data["killed"]["best"] == 3

    code, out, err = run(capsys, "--home", str(home), "stats", "--by", "year", *dedup)
    assert code == 0, err
    table = _table(out)
    n2025 = str(groups["2025"]["incidents"])
    # incidents, killed, killed low–high, killed unknown, wounded, wounded low–high, wounded unknown
    assert table["2025"] == [n2025, "unknown", "unknown", n2025, "unknown", "unknown", n2025]
    assert table["2024"] == ["1", "3", "3–3", "0", "unknown", "unknown", "1"]
    total = str(data["incidents"])
    assert table["total"] == [total, "3", "3–3", n2025, "unknown", "unknown", total]

    code, out, err = run(capsys, "--home", str(home), "stats", "--since", "2025", *dedup)
    assert code == 0, err
    assert _table(out)["total"] == [n2025, "unknown", "unknown", n2025, "unknown", "unknown", n2025]
