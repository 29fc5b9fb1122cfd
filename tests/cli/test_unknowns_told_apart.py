"""Unknowns a script can tell apart: ACLED's ambiguous 0 is flagged beside the figures of ``incidents list
--json`` (and the table shows it as ``0?``), and GTD's "Unknown" attack type counts with the incidents naming
none in ``stats --by attack-type``, while its record and the GTD export keep it verbatim. A database from before
the change is brought to the same state by its migration. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from sarhad.model.incident import SARHAD_EXTENSION
from sarhad.node import Node
from sarhad.store.db import open_database
from sarhad.store.schema import COMPONENTS
from tests.conftest import ASSETS
from tests.conftest import run_cli as run

ACLED = ASSETS / "synthetic" / "acled_synthetic.csv"
GTD = ASSETS / "synthetic" / "gtd_synthetic.csv"


def _url(home: Path, request: pytest.FixtureRequest) -> str:
    if request.node.callspec.params["home"] == "sqlite":
        return f"sqlite:///{home / 'sarhad.db'}"
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def home(request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A PK node holding the synthetic ACLED and GTD files."""
    h = tmp_path / "pk"
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    Node.init(h, "PK", database_url=url).close()
    for fmt, path in (("acled", ACLED), ("gtd", GTD)):
        code, _, err = run(capsys, "--home", str(h), "import", fmt, str(path))
        assert code == 0, err
    return h


def _listed(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    code, out, err = run(capsys, "--home", str(home), "incidents", "list", *args, "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert isinstance(rows, list)
    return rows


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_incidents_list_json_flags_acleds_ambiguous_zero_beside_the_figures(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zeros = {r["event_id_cnty"] for r in _rows(ACLED) if r["fatalities"] == "0"}
    acled = _listed(home, capsys, "--dataset", "acled")
    assert len(acled) == 150 and len(zeros) == 102
    flagged = {r["source_id"] for r in acled if r["killed_zero_ambiguous"]}
    assert flagged == zeros
    for r in acled:
        # the figures keep exactly their shape; the flag is a sibling key, always there
        assert set(r["killed"]) == set(r["wounded"]) == {"low", "best", "high"}
        assert r["wounded_zero_ambiguous"] is False
        if r["source_id"] in zeros:
            assert r["killed"] == {"low": None, "best": 0, "high": None}
    # GTD's 0 is a count of none: not flagged
    gtd = _listed(home, capsys, "--dataset", "gtd")
    assert any(r["killed"]["best"] == 0 for r in gtd)
    assert not any(r["killed_zero_ambiguous"] for r in gtd)

    code, out, err = run(capsys, "--home", str(home), "incidents", "list", "--dataset", "acled")
    assert code == 0, err
    assert out.count(" 0? ") == 102


def test_gtds_unknown_attack_type_counts_as_unknown_and_its_row_exports_verbatim(
    home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    named_unknown = [r for r in _rows(GTD) if r["attacktype1"] == "9"]
    # one of the six names an armed assault (2) as its second: it counts as one
    unknown = {r["eventid"] for r in named_unknown if not r["attacktype2"]}
    assert len(named_unknown) == 6 and len(unknown) == 5
    code, out, err = run(capsys, "--home", str(home), "stats", "--by", "attack-type", "--dataset", "gtd", "--json")
    assert code == 0, err
    groups = {g["key"]: g["incidents"] for g in json.loads(out)["groups"]}
    assert "Unknown" not in groups
    assert groups[None] == 5
    assert sum(groups.values()) == 120

    code, out, err = run(capsys, "--home", str(home), "stats", "--by", "attack-type", "--dataset", "gtd")
    assert code == 0, err
    assert out.count("(unknown)") == 1 and "Unknown" not in out

    listed = _listed(home, capsys, "--dataset", "gtd")
    assert {r["source_id"] for r in listed if r["attack_type"] is None} == unknown
    (second,) = [r for r in listed if r["source_id"] in {x["eventid"] for x in named_unknown} - unknown]
    assert second["attack_type"] == "Armed Assault"
    # the record keeps the codebook's name, and the GTD export gives the imported rows back as they were
    some = next(r for r in listed if r["source_id"] in unknown)
    code, out, err = run(capsys, "--home", str(home), "incidents", "show", some["id"], "--json")
    assert code == 0, err
    assert json.loads(out)["incident"]["extensions"][SARHAD_EXTENSION]["attack_types"] == ["Unknown"]
    exported = tmp_path / "gtd.csv"
    code, _, err = run(capsys, "--home", str(home), "export", "gtd", "--dataset", "gtd", "--out", str(exported))
    assert code == 0, err
    assert exported.read_bytes() == GTD.read_bytes()


def test_migration_fills_the_flags_and_unknown_attack_types_of_an_older_database(
    home: Path, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    before = _listed(home, capsys)
    added = 3  # the two columns and the step filling them and the attack types
    version = len(COMPONENTS()["core"]) - added
    db = open_database(_url(home, request), create=False)
    try:
        with db.transaction():  # the table as the release before this one left it
            db.execute("DELETE FROM schema_migrations WHERE component = 'core' AND version > ?", (version,))
            db.execute("ALTER TABLE incidents DROP COLUMN killed_zero_ambiguous")
            db.execute("ALTER TABLE incidents DROP COLUMN wounded_zero_ambiguous")
            db.execute(
                "UPDATE incidents SET attack_type = 'Unknown' WHERE dataset = 'gtd'"
                " AND (attack_type IS NULL OR source_id = '201208230001')"
            )
    finally:
        db.close()

    after = _listed(home, capsys)  # the node's opening migrates
    assert after == before
    assert sum(r["killed_zero_ambiguous"] for r in after) == 102
    code, _, err = run(capsys, "--home", str(home), "store", "rebuild")
    assert code == 0, err
    assert _listed(home, capsys) == before


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_flat_exports_flag_acleds_ambiguous_zero_beside_the_figures(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    out = tmp_path / f"all.{fmt}"
    code, _, err = run(capsys, "--home", str(home), "export", fmt, "--out", str(out))
    assert code == 0, err
    if fmt == "csv":
        rows = [(r["dataset"], r["source_id"], r["killed_best"], r["killed_zero_ambiguous"]) for r in _rows(out)]
        assert {r["wounded_zero_ambiguous"] for r in _rows(out)} == {"false"}
    else:
        features = json.loads(out.read_text(encoding="utf-8"))["features"]
        props = [f["properties"] for f in features]
        rows = [(p["dataset"], p["source_id"], p["killed_best"], p["killed_zero_ambiguous"]) for p in props]
        assert {p["wounded_zero_ambiguous"] for p in props} == {False}
        assert all(p["killed"].keys() == {"low", "best", "high"} for p in props)  # the figures as they were
    flagged = {(dataset, source) for dataset, source, _, zero in rows if zero in ("true", True)}
    zeros = {r["event_id_cnty"] for r in _rows(ACLED) if r["fatalities"] == "0"}
    assert flagged == {("acled", z) for z in zeros}
    # GTD's 0 means none: a 0 like any other, not flagged
    gtd_zeros = [zero for dataset, _, best, zero in rows if dataset == "gtd" and best in ("0", 0)]
    assert gtd_zeros and set(gtd_zeros) <= {"false", False}
