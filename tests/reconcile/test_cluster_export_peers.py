"""``sarhad clusters export --for-peers``: the joint picture a peer may receive, each cluster computed from its
members that are not TLP:RED and not under a licence that forbids redistribution (unless the node shares such
rows); on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import pytest

from sarhad.model.incident import Incident
from sarhad.node import Node
from sarhad.reconcile.store import reconcile
from tests.conftest import run_cli
from tests.reconcile.helpers import report


def _market(who: str, ref: str, killed: int | tuple[int, int, int], wounded: int | None = None) -> Incident:
    """A report of the market bombing in Quetta on 2 May 2024."""
    return report(who, ref, "2024-05-02", lat=30.1990, lon=67.0100, attack="Bombing/Explosion",
                  perpetrator="Fitna al-Khawarij", killed=killed, wounded=wounded)  # fmt: skip


def _turbat(who: str, ref: str, killed: int) -> Incident:
    """A report of the ambush near Turbat on 10 June 2024."""
    return report(who, ref, "2024-06-10", lat=26.0, lon=63.05, place="Turbat", attack="Armed Assault",
                  perpetrator="BLA", killed=killed)  # fmt: skip


def _reports() -> list[Incident]:
    """One market bombing reported by UCDP, GTD and PK (PK's report TLP:RED); one Saravan attack in GTD alone;
    one Turbat ambush reported by PK (CLEAR) and IR (AMBER)."""
    saravan = report("GTD", "G-2", "2024-03-14", country="IR", admin1="IR-11", place="Saravan", lat=27.37,
                     lon=62.33, killed=4)  # fmt: skip
    return [
        replace(_market("UCDP", "U-1", (5, 6, 8)), licence="CC-BY-4.0"),
        replace(_market("GTD", "G-1", 9, 30), licence="GTD-EUA"),
        replace(_market("PK", "PK-1", 12, 40), tlp="RED"),
        replace(saravan, licence="GTD-EUA"),
        _turbat("PK", "PK-2", 2),
        replace(_turbat("IR", "IR-2", 3), tlp="AMBER"),
    ]


@pytest.fixture
def node(any_node: Node) -> Node:
    """PK's node holding :func:`_reports`, reconciled into three clusters."""
    any_node.publish(_reports())
    reconcile(any_node.db, "PK")
    return any_node


def _export(capsys: pytest.CaptureFixture[str], node: Node, out: Path, *extra: str) -> tuple[int, str, str]:
    home = str(node.settings.home)
    return run_cli(capsys, "--home", home, "clusters", "export", "--out", str(out), *extra)


def test_the_operators_file_counts_every_member(node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "all.json"
    code, _, err = _export(capsys, node, out, "--format", "json")
    assert code == 0, err
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(r["members"] for r in rows) == [1, 2, 3]  # the setting is as the peers' test expects
    [market] = [r for r in rows if r["place"] != "Saravan" and r["members"] == 3]
    assert (set(market["killed_by_party"]), market["tlp"]) == ({"UCDP", "GTD", "PK"}, "RED")


def test_for_peers_leaves_out_red_and_restricted_members_and_computes_the_rest_from_what_is_left(
    node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "peers.csv"
    code, said, err = _export(capsys, node, out, "--for-peers")
    assert code == 0, err
    assert said.strip() == f"exported 2 clusters as csv to {out}"
    words = " ".join(err.split())
    assert "note: --for-peers left out 3 reports not for another party" in words
    assert "and 1 cluster that held no other report" in words
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    # no GTD column at all, and the Saravan cluster (GTD's row alone) is not there
    assert not [c for c in rows[0] if "(GTD)" in c]
    assert [r["place"] for r in rows] == ["Quetta", "Turbat"]  # oldest first
    market, turbat = rows
    assert (market["members"], market["reported_by"], market["tlp"]) == ("1", "UCDP", "CLEAR")
    assert [market[f"killed_{b} (UCDP)"] for b in ("low", "best", "high")] == ["5", "6", "8"]
    assert market["killed_best (PK)"] == "" and market["wounded_best (PK)"] == ""
    # the joint figures are UCDP's alone: neither GTD's 9 nor PK's 12 killed, no wounded
    assert [market[f"killed_{b}"] for b in ("low", "best", "high")] == ["5", "6", "8"]
    assert [market[f"wounded_{b}"] for b in ("low", "best", "high")] == ["", "", ""]
    assert (market["date_start"], market["date_end"]) == ("2024-05-02", "2024-05-02")
    assert (turbat["members"], turbat["reported_by"], turbat["tlp"]) == ("2", "IR, PK", "AMBER")
    assert [turbat["killed_best (PK)"], turbat["killed_best (IR)"]] == ["2", "3"]
    assert (turbat["killed_low"], turbat["killed_high"]) == ("2", "3")


def test_for_peers_json_says_what_was_left_out(node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "peers.json"
    code, said, err = _export(capsys, node, out, "--for-peers", "--format", "json", "--json")
    assert code == 0, err
    summary = json.loads(said)
    assert (summary["clusters"], summary["left_out"]) == (2, {"clusters": 1, "reports": 3})
    assert summary["notes"][0].startswith("--for-peers left out 3 reports not for another party")
    market, _ = json.loads(out.read_text(encoding="utf-8"))
    assert market["killed_by_party"] == {"UCDP": {"low": 5, "best": 6, "high": 8}}
    assert market["wounded_by_party"] == {}
    # its flags are those of UCDP's report alone (the operator's: GTD's and PK's figures disagree with it)
    assert (market["killed"], market["flags"]) == ({"low": 5, "best": 6, "high": 8}, ["single_source"])


def test_for_peers_keeps_gtd_rows_of_a_node_that_shares_them(
    node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = node.settings.home / "sarhad.toml"
    settings.write_text(settings.read_text().replace("share_restricted = false", "share_restricted = true"))
    out = tmp_path / "peers.json"
    code, said, err = _export(capsys, node, out, "--for-peers", "--format", "json", "--json")
    assert code == 0, err
    assert json.loads(said)["left_out"] == {"clusters": 0, "reports": 1}  # PK's RED report alone
    saravan, market, _ = json.loads(out.read_text(encoding="utf-8"))
    assert (saravan["place"], saravan["killed_by_party"]) == ("Saravan", {"GTD": {"low": 4, "best": 4, "high": 4}})
    assert set(market["killed_by_party"]) == {"UCDP", "GTD"} and market["members"] == 2
    assert set(market["wounded_by_party"]) == {"GTD"}
