"""``sarhad stats``' low–high columns show the range of each total, on a node mixing UCDP rows (three figures),
ACLED rows (one figure) and a record with no figure, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sarhad.config import load_settings
from sarhad.model.incident import Incident, incident_id
from sarhad.node import Node
from tests.conftest import ASSETS, filled_home
from tests.conftest import run_cli as run

# The UCDP sample's range: its stored lows sum to 154 and highs to 211, but two rows are out of order,
# (4, 4, 3) and (7, 6, 7), so the smallest figures sum to 152 and the largest to 212.
UCDP_RANGE = (152, 212)
UCDP_BEST = 165


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def mixed_home(request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = () if request.param == "sqlite" else ("--db", request.getfixturevalue("pg_schema_url"))
    home = filled_home(capsys, tmp_path / "pk", *db)
    acled = ASSETS / "synthetic" / "acled_synthetic.csv"
    code, _, err = run(capsys, "--home", str(home), "import", "acled", str(acled))
    assert code == 0, err
    with Node.open(load_settings(home)) as node:
        node.publish([Incident(id=incident_id("party", "PK", "no-figure"), reported_by="PK", dataset="party",
                               source_id="no-figure", date_start="2012-05-01", date_end="2012-05-01")])  # fmt: skip
    return home


def _table(out: str) -> dict[str, list[str]]:
    """The table's body rows by their first cell."""
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in out.splitlines() if line.startswith("│")]
    return {r[0]: r[1:] for r in rows}


def test_stats_table_and_json_give_the_range_of_each_total(
    mixed_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--home", str(mixed_home), "stats", "--by", "year", "--json")
    assert code == 0, err
    data = json.loads(out)
    killed = data["killed"]
    acled = killed["best"] - UCDP_BEST  # ACLED's one figure is its own low and high
    assert killed["range"] == {"low": UCDP_RANGE[0] + acled, "high": UCDP_RANGE[1] + acled}
    assert (killed["low"], killed["high"]) == (154, 211)  # the stored figures' sums are unchanged
    assert killed["unknown"] == 1 and data["wounded"]["range"] == {"low": 0, "high": 0}

    code, out, err = run(capsys, "--home", str(mixed_home), "stats", "--by", "year")
    assert code == 0, err
    table = _table(out)
    for g in [*data["groups"], {**data, "key": "total"}]:
        k = g["killed"]
        assert k["range"]["low"] <= k["best"] <= k["range"]["high"], g["key"]
        incidents, best, span, unknown, *_ = table[g["key"]]
        assert (incidents, best, unknown) == (str(g["incidents"]), str(k["best"]), str(k["unknown"]))
        assert span == f"{k['range']['low']}–{k['range']['high']}", g["key"]
    assert table["total"][2] == f"{UCDP_RANGE[0] + acled}–{UCDP_RANGE[1] + acled}"
    assert table["2012"][2] == "9–10" and table["2012"][3] == "1"  # UCDP's (4, 4, 3) and (6, 6, 6); no figure
