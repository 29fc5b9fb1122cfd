"""``sarhad clusters export --out FILE [--format csv|json]``: one row per cluster with its date, place, reports,
joint and each source's figures, flags and strictest marking, written whole or not at all; on SQLite and
PostgreSQL."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import pytest

from sarhad.node import Node
from sarhad.reconcile.store import reconcile
from tests.conftest import run_cli
from tests.reconcile.conftest import quetta_day


@pytest.fixture
def node(any_node: Node) -> Node:
    """PK's node with :func:`quetta_day`, PK's Saravan report marked AMBER, reconciled."""
    day = [replace(r, tlp="AMBER") if r.source_id == "PK-3" else r for r in quetta_day()]
    any_node.publish(day)
    reconcile(any_node.db, "PK")
    return any_node


def test_csv_has_a_line_a_cluster_with_each_sources_figures(
    node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "clusters.csv"
    code, said, err = run_cli(capsys, "--home", str(node.settings.home), "clusters", "export", "--out", str(out))
    assert code == 0, err
    assert said.strip() == f"exported 3 clusters as csv to {out}"
    assert "note: the figures of reports marked above TLP:CLEAR are in 1 cluster" in " ".join(err.split())
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 3
    [saravan] = [r for r in rows if r["place"] == "Saravan"]
    assert (saravan["date_start"], saravan["date_end"], saravan["date_precision"]) == (
        "2024-03-14",
        "2024-03-15",
        "day",
    )
    assert (saravan["members"], saravan["reported_by"], saravan["country"], saravan["tlp"]) == (
        "2",
        "IR, PK",
        "IR",
        "AMBER",
    )
    assert [saravan[f"killed_{b} (PK)"] for b in ("low", "best", "high")] == ["12", "12", "12"]
    assert [saravan[f"killed_{b} (IR)"] for b in ("low", "best", "high")] == ["3", "3", "3"]
    assert saravan["killed_low"] == "3" and saravan["killed_high"] == "12"
    assert "figures_disagree" in saravan["flags"].split(";")
    # a source that gives no figure in a cluster leaves its columns empty
    assert saravan["wounded_best (ACLED)"] == "" and saravan["killed_best (ACLED)"] == ""
    market = next(r for r in rows if r["wounded_best (ACLED)"] == "20")
    assert (market["wounded_best (PK)"], market["members"], market["tlp"]) == ("20", "2", "CLEAR")


def test_json_gives_the_same_rows_as_the_list(node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(node.settings.home)
    out = tmp_path / "clusters.json"
    code, said, err = run_cli(
        capsys, "--home", home, "clusters", "export", "--out", str(out), "--format", "json", "--json"
    )
    assert code == 0, err
    assert (json.loads(said)["clusters"], json.loads(said)["format"]) == (3, "json")
    exported = {r["cluster_id"]: r for r in json.loads(out.read_text(encoding="utf-8"))}
    code, listed, _ = run_cli(capsys, "--home", home, "clusters", "list", "--json")
    for row in json.loads(listed):
        mine = exported[row["cluster_id"]]
        assert mine["members"] == len(row["members"])
        for key in ("date", "place", "killed", "wounded", "flags", "killed_by_party", "wounded_by_party"):
            assert mine[key] == row[key], key


def test_a_refused_export_leaves_the_earlier_file_as_it_was(
    node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "clusters.csv"
    out.write_text("the earlier export\n", encoding="utf-8")
    home = str(node.settings.home)
    code, _, err = run_cli(capsys, "--home", home, "clusters", "export", "--out", str(out), "--format", "xlsx")
    assert code == 1 and "--format 'xlsx': expected one of csv, json" in err
    assert out.read_text(encoding="utf-8") == "the earlier export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("clusters")] == ["clusters.csv"]
