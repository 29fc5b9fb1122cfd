"""Flags and labels on a node (SQLite and PostgreSQL): a date disagreement counted where disagreements are,
and a party's report imported in a dataset's format named as the party's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sarhad.cli import main
from sarhad.framework.joint_picture import joint_picture
from sarhad.framework.quarter import Quarter
from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.reconcile.store import list_clusters, reconcile
from tests.conftest import UCDP_SAMPLE
from tests.reconcile.helpers import report


def _cli(capsys: pytest.CaptureFixture[str], node: Node, *args: str) -> str:
    code = main(["--home", str(node.settings.home), *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_parties_dating_an_incident_on_different_days_is_a_disagreement_everywhere(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    # PK dates the Saravan attack the 14th, IR the 15th; they agree on everything else
    any_node.publish([
        report("PK", "PK-3", "2024-03-14", lat=27.37, lon=62.33, geo="near", country="IR", admin1="IR-11",
               place="Saravan", attack="Armed Assault", perpetrator="Jaish al-Adl", killed=3),
        report("IR", "IR-3", "2024-03-15", lat=27.3712, lon=62.3402, country="IR", admin1="IR-11",
               place="Saravan", attack="Armed Assault", perpetrator="Jaish al-Adl", killed=3),
        # UCDP only knows the month: no disagreement with either
        report("UCDP", "77", "2024-03-01", end="2024-03-31", precision="month", lat=27.37, lon=62.33,
               geo="near", country="IR", admin1="IR-11", place="Saravan", attack="Armed Assault", killed=3),
    ])  # fmt: skip
    reconcile(any_node.db, "PK")
    [row] = list_clusters(any_node.db, disagreements=True)
    assert row["flags"] == ["date_disagree"] and len(row["members"]) == 3
    shown = _cli(capsys, any_node, "clusters", "show", row["cluster_id"])
    assert (
        "date_disagree: the reports are dated a day apart (a night attack may be dated on either side of"
        " midnight): IR: 2024-03-15; PK: 2024-03-14; UCDP: 2024-03-01..2024-03-31 (month)"
    ) in " ".join(shown.split())
    picture = joint_picture(any_node.db, Quarter.parse("2024Q1"), ["IR", "PK"], "PK")
    assert picture["disagreements"] == 1
    assert picture["by_flag"]["date_disagree"] == 1 and picture["by_flag"]["figures_disagree"] == 0
    [largest] = picture["largest"]
    assert largest["flags"][0].startswith("the reports are dated a day apart")


def test_a_ucdp_file_imported_as_pks_report_is_named_pks_in_the_joint_picture(
    any_node: Node, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import_file(any_node, "ucdp", UCDP_SAMPLE, reported_by="PK")
    import_file(any_node, "ucdp", UCDP_SAMPLE)
    reconcile(any_node.db, "PK")
    rows = json.loads(_cli(capsys, any_node, "clusters", "list", "--json"))
    pairs = [r for r in rows if len(r["members"]) == 2]
    assert pairs, "each row imported twice makes a cluster of PK's and UCDP's record"
    assert {tuple(m["label"] for m in r["members"]) for r in pairs} == {("PK (UCDP format)", "UCDP")}
    listed = _cli(capsys, any_node, "clusters", "list")
    assert "PK, UCDP" in listed and "(ucdp)" not in listed
    shown = _cli(capsys, any_node, "clusters", "show", pairs[0]["cluster_id"])
    assert "PK (UCDP format)" in shown and "PK (ucdp)" not in shown
