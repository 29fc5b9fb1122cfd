"""``--dataset`` on ``stats`` and ``incidents list``, as on ``export``: a researcher's table of one dataset's rows
(GTD's alone, ACLED's alone) whoever they were imported as. On SQLite and PostgreSQL, with the UCDP sample, the
synthetic GTD file and the synthetic ACLED file, this one imported as PK's own (``--reported-by PK``), so that
``--reported-by ACLED`` cannot stand in for it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.conftest import ASSETS
from tests.conftest import run_cli as run

ACLED = ASSETS / "synthetic" / "acled_synthetic.csv"


@pytest.fixture
def walked(home: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    code, _, err = run(capsys, "--home", str(home), "import", "acled", str(ACLED), "--reported-by", "PK")
    assert code == 0, err
    return home


def _acled_fatalities() -> int:
    with ACLED.open(encoding="utf-8", newline="") as fh:
        return sum(int(r["fatalities"]) for r in csv.DictReader(fh))


@pytest.mark.parametrize("dedup", [(), ("--dedup",)], ids=["reports", "dedup"])
def test_stats_dataset_counts_that_datasets_rows_only(
    walked: Path, capsys: pytest.CaptureFixture[str], dedup: tuple[str, ...]
) -> None:
    code, out, err = run(capsys, "--home", str(walked), "stats", "--dataset", "ACLED", *dedup, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["incidents"] == 150
    if not dedup:  # ACLED's 0 is "none or no information": counted as 0 here, as unknown with --dedup
        assert data["killed"]["best"] == _acled_fatalities()
    code, out, err = run(capsys, "--home", str(walked), "stats", "--dataset", "gtd", "--by", "month", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["incidents"] == sum(g["incidents"] for g in data["groups"]) == 120


def test_incidents_list_dataset_lists_that_datasets_rows_only(walked: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--home", str(walked), "incidents", "list", "--dataset", "acled", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 150
    assert {(r["dataset"], r["reported_by"]) for r in rows} == {("acled", "PK")}


@pytest.mark.parametrize("command", [("stats",), ("incidents", "list")])
def test_an_unknown_dataset_is_refused_naming_the_known_ones(
    walked: Path, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    code, out, err = run(capsys, "--home", str(walked), *command, "--dataset", "ged")
    assert code != 0 and out == ""
    assert "--dataset 'ged': expected one of ucdp, gtd, acled, article, party" in err
