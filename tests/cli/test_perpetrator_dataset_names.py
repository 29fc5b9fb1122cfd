"""A group that the datasets name each their own way is one group for ``stats --by perpetrator`` and the
``--perpetrator`` filter: GTD's ``Lashkar-e-Islam (Pakistan)`` is UCDP's and ACLED's ``Lashkar-e-Islam``, and
ACLED's ``Islamic State (Pakistan)`` is the Islamic State Pakistan Province (not the Islamic State's central
command, nor its Khorasan province). On SQLite and PostgreSQL, with the UCDP sample and the synthetic GTD and
ACLED files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ASSETS
from tests.conftest import run_cli as run


@pytest.fixture
def walked(home: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    code, _, err = run(
        capsys, "--home", str(home), "import", "acled", str(ASSETS / "synthetic" / "acled_synthetic.csv")
    )
    assert code == 0, err
    return home


def test_stats_by_perpetrator_counts_gtds_lashkar_e_islam_with_the_other_datasets(
    walked: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--home", str(walked), "stats", "--by", "perpetrator", "--json")
    assert code == 0, err
    groups = {g["key"]: g for g in json.loads(out)["groups"]}
    assert "Lashkar-e-Islam (Pakistan)" not in groups
    # UCDP 58927 (6 killed), GTD's three rows and ACLED's three
    assert groups["Lashkar-e-Islam"]["incidents"] == 1 + 3 + 3
    assert "Islamic State (Pakistan)" not in groups
    assert groups["Islamic State Pakistan Province"]["incidents"] == 11


@pytest.mark.parametrize("name", ["LeI", "Lashkar-e-Islam (Pakistan)", "Lashkar-i-Islam"])
def test_the_perpetrator_filter_finds_every_datasets_lashkar_e_islam(
    walked: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    code, out, err = run(capsys, "--home", str(walked), "incidents", "list", "--perpetrator", name, "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert sorted({r["dataset"] for r in rows}) == ["acled", "gtd", "ucdp"]
    assert len(rows) == 7


def test_the_perpetrator_filter_finds_acleds_islamic_state_pakistan_as_ispp(
    walked: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--home", str(walked), "incidents", "list", "--perpetrator", "ISPP", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 11
