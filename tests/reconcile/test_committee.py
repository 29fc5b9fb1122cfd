"""The joint committee's cases: one night attack reported by both parties, UCDP and a news article, a
look-alike attack the same day, a later correction, and analyst decisions, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sarhad.cli import main
from sarhad.exchange.peers import get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.model.incident import Incident
from sarhad.node import Node
from sarhad.reconcile.joint import joint_view
from sarhad.reconcile.store import cluster_view, list_clusters, reconcile
from tests.node_pair import peered, pk_and_ir
from tests.reconcile.helpers import Region, record, report

_IR: Region = {"country": "IR", "admin1": "IR-11"}


def jaleq_and_rask() -> list[Incident]:
    """A night attack on the border post at Jaleq (Saravan county), 6/7 March 2025: PK dates it the 6th and
    places it at the county's centre, IR dates it the 7th at the village; UCDP 9/11/14; an article PK's node
    ingested quotes Tasnim's 9. The same day two other attacks, in Rask and 30 km away near Sarbaz, each
    reported by both parties."""
    return [
        report("PK", "PK-77", "2025-03-06", lat=27.37, lon=62.33, geo="admin2", place="Saravan county", **_IR,
               attack="Armed Assault", perpetrator="Jaish ul-Adl", killed=12, summary="Night attack on a border post"),
        report("IR", "IR-41", "2025-03-07", lat=27.59, lon=62.70, place="Jaleq", **_IR, attack="Armed Assault",
               perpetrator="Jaish al-Adl", killed=9, summary="Terrorists attacked the border post at Jaleq"),
        report("UCDP", "3001", "2025-03-07", lat=27.59, lon=62.70, geo="near", place="Jaleq", **_IR,
               attack=None, perpetrator="Jaish al-Adl", killed=(9, 11, 14)),
        report("PK", "tasnim-1", "2025-03-07", lat=27.59, lon=62.70, geo="near", place="Jaleq", **_IR,
               attack="Armed Assault", perpetrator="Jaish al-Adl", killed=9, dataset="article",
               asserted_by="Tasnim", summary="Nine border guards killed in an attack on a post near Jaleq"),
        report("PK", "PK-78", "2025-03-07", lat=26.236, lon=61.40, place="Rask", **_IR, attack="Bombing/Explosion",
               perpetrator="Jaish ul-Adl", killed=3),
        report("IR", "IR-42", "2025-03-07", lat=26.236, lon=61.40, place="Rask", **_IR, attack="Bombing/Explosion",
               perpetrator="Jaish al-Adl", killed=2),
        report("PK", "PK-79", "2025-03-07", lat=26.50, lon=61.30, place="Sarbaz", **_IR, attack="Bombing/Explosion",
               perpetrator="Jaish ul-Adl", killed=1),
        report("IR", "IR-43", "2025-03-07", lat=26.50, lon=61.30, place="Sarbaz", **_IR, attack="Bombing/Explosion",
               perpetrator="Jaish al-Adl", killed=1),
    ]  # fmt: skip


def _cli(capsys: pytest.CaptureFixture[str], node: Node, *args: str) -> str:
    code = main(["--home", str(node.settings.home), *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def _groups(node: Node) -> dict[frozenset[str], str]:
    return {frozenset(m["source_id"] for m in c["members"]): c["cluster_id"] for c in list_clusters(node.db)}


@pytest.fixture
def committee(any_node: Node) -> Node:
    any_node.publish(jaleq_and_rask())
    reconcile(any_node.db, "PK")
    return any_node


def test_night_attack_reports_form_one_cluster_and_look_alikes_stay_apart(committee: Node) -> None:
    assert set(_groups(committee)) == {
        frozenset({"PK-77", "IR-41", "3001", "tasnim-1"}),
        frozenset({"PK-78", "IR-42"}),
        frozenset({"PK-79", "IR-43"}),
    }


def test_party_figure_is_kept_apart_from_an_article_its_node_ingested(
    committee: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    cid = _groups(committee)[frozenset({"PK-77", "IR-41", "3001", "tasnim-1"})]
    killed = cluster_view(committee.db, cid).figure("killed")
    assert killed is not None
    # PK says 12, not the article's 9: an outlet quoted in an article PK's node read is not PK's figure.
    assert {p: (lo, be, hi) for p, lo, be, hi in killed.by_party} == {
        "IR": (9, 9, 9),
        "PK": (12, 12, 12),
        "Tasnim (article)": (9, 9, 9),
        "UCDP": (9, 11, 14),
    }
    assert (killed.low, killed.best, killed.high) == (9, 9, 14)
    assert killed.disagree  # PK's 12 and IR's 9 do not overlap, whatever the article says
    out = _cli(capsys, committee, "clusters", "show", cid)
    assert "Tasnim (article)" in out and "figures_disagree" in out
    row = next(r for r in json.loads(_cli(capsys, committee, "clusters", "list", "--json")) if r["cluster_id"] == cid)
    assert sorted((m["reported_by"], m["dataset"]) for m in row["members"]) == [
        ("IR", "party"), ("PK", "article"), ("PK", "party"), ("UCDP", "ucdp")]  # fmt: skip
    assert "IR, PK, PK (article), UCDP" in _cli(capsys, committee, "clusters", "list")


def _after_split(node: Node, capsys: pytest.CaptureFixture[str]) -> tuple[str, dict[str, Any]]:
    cid = _groups(node)[frozenset({"PK-77", "IR-41", "3001", "tasnim-1"})]
    article = next(m["id"] for c in list_clusters(node.db) for m in c["members"] if m["source_id"] == "tasnim-1")
    _cli(capsys, node, "clusters", "split", cid, article, "--note", "the article is about another raid")
    return cid, {"article": article}


def test_full_run_keeps_the_cluster_ids_an_incremental_run_gave(
    committee: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    _after_split(committee, capsys)
    committee.publish([report("IR", "IR-44", "2025-03-07", lat=27.40, lon=62.35, place="Saravan", **_IR,
                              attack="Armed Assault", perpetrator="Jaish al-Adl", killed=1)])  # fmt: skip
    reconcile(committee.db, "PK")
    before = _groups(committee)
    assert not any({"tasnim-1", "PK-77"} <= group for group in before)  # the split survives a new report
    _cli(capsys, committee, "reconcile", "--full")
    assert _groups(committee) == before


def test_full_run_rewrites_every_clusters_joint_figures_and_flags(committee: Node) -> None:
    # As an older sarhad may have written them: PK's figure blended with the article's, no disagreement.
    cid = _groups(committee)[frozenset({"PK-77", "IR-41", "3001", "tasnim-1"})]
    committee.db.execute("UPDATE reconcile_clusters SET flags = '', killed_best = 12 WHERE cluster_id = ?", (cid,))
    reconcile(committee.db, "PK", full=True)
    row = next(c for c in list_clusters(committee.db) if c["cluster_id"] == cid)
    # PK dates it the 6th, the others the 7th
    assert row["flags"] == ["figures_disagree", "date_disagree"]
    assert row["killed"] == {"low": 9, "best": 9, "high": 14}


def test_show_says_in_words_who_disagrees_with_whom(committee: Node, capsys: pytest.CaptureFixture[str]) -> None:
    cid = _groups(committee)[frozenset({"PK-77", "IR-41", "3001", "tasnim-1"})]
    out = _cli(capsys, committee, "clusters", "show", cid)
    said = "killed (total): IR says 9, PK 12 (every source: IR 9, PK 12, Tasnim (article) 9, UCDP 11 (9-14))"
    assert f"figures_disagree: {said}" in out
    details = json.loads(_cli(capsys, committee, "clusters", "show", cid, "--json"))["flag_details"]
    dated = (
        "the reports are dated a day apart (a night attack may be dated on either side of midnight):"
        " IR: 2025-03-07; PK: 2025-03-06; PK (article): 2025-03-07; UCDP: 2025-03-07"
    )
    assert f"date_disagree: {dated}" in " ".join(out.split())
    assert details == [{"flag": "figures_disagree", "detail": said}, {"flag": "date_disagree", "detail": dated}]


def test_flag_details_name_the_places_and_groups_in_dispute() -> None:
    view = joint_view("c", [
        record("PK", "A", "2025-03-07", lat=26.236, lon=61.40, country="IR", admin1="IR-11", place="Rask",
               perpetrator="Jaish ul-Adl"),
        record("IR", "B", "2025-03-07", lat=26.50, lon=61.30, country="IR", admin1="IR-11", place="Sarbaz",
               perpetrator="BLA"),
        record("PK", "C", "2025-03-07", dataset="article", place="Rask", country="IR", admin1="IR-11", lat=None,
               lon=None, geo="admin1", perpetrator="Jaish al-Adl"),
    ])  # fmt: skip
    details = dict(view.details)
    assert view.flags == ("perpetrator_disagree", "location_disagree")
    assert details["perpetrator_disagree"] == (
        "the reports blame groups that are neither the same nor related:"
        " IR: BLA; PK: Jaish ul-Adl; PK (article): Jaish al-Adl"
    )
    assert details["location_disagree"] == (
        "31 km apart, more than how precisely they are placed allows:"
        " IR: Sarbaz, IR-11, IR (exact); PK: Rask, IR-11, IR (exact)"
    )
    alone = joint_view("c", [record("PK", "A", "2025-03-07", dataset="article")])
    assert alone.details == (("single_source", "only one source reports it: PK (article)"),)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def pair(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, Node]]:
    """PK and IR, each the other's peer, served on loopback; each holds its own reports of the committee's
    cases (PK also the UCDP row and the article)."""
    with pk_and_ir(tmp_path, request) as (pk, ir), peered(pk, ir):
        reports = jaleq_and_rask()
        pk.publish([r for r in reports if r.reported_by != "IR"])
        ir.publish([r for r in reports if r.reported_by == "IR"])
        yield pk, ir


def test_a_decision_on_pk_travels_to_ir_which_shows_it_without_applying_it(
    pair: tuple[Node, Node], capsys: pytest.CaptureFixture[str]
) -> None:
    pk, ir = pair
    sync_peer(pk, get_peer(pk.db, "IR"))
    reconcile(pk.db, "PK")
    _after_split(pk, capsys)
    sync_peer(ir, get_peer(ir.db, "PK"))
    reconcile(ir.db, "IR")
    # IR's clusters are IR's analysts' to decide: PK's split does not move the article on IR's node ...
    cid = _groups(ir)[frozenset({"PK-77", "IR-41", "3001", "tasnim-1"})]
    # ... but IR sees it, with PK's note, on the cluster it concerns.
    [decision] = json.loads(_cli(capsys, ir, "clusters", "show", cid, "--json"))["decisions"]
    assert (decision["party"], decision["decision"], decision["applied"]) == ("PK", "split", False)
    assert decision["note"] == "the article is about another raid"
    out = _cli(capsys, ir, "clusters", "show", cid)
    line = next(x for x in out.splitlines() if " PK split PK tasnim-1 from " in x)
    assert all(name in line for name in ("IR IR-41", "PK PK-77", "UCDP 3001", '"the article is about another raid"'))
    assert line.endswith("(PK's decision: not applied on this node)")
    [own] = json.loads(_cli(capsys, pk, "clusters", "show", "--json", _groups(pk)[frozenset({"tasnim-1"})]))[
        "decisions"
    ]
    assert own["applied"] is True


def test_confirming_a_cluster_of_one_record_is_refused_and_nothing_is_published(
    committee: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    _after_split(committee, capsys)
    alone = _groups(committee)[frozenset({"tasnim-1"})]
    decisions = committee.db.fetchone("SELECT COUNT(*) FROM objects WHERE type = 'x-sarhad-cluster-decision'")
    code = main(["--home", str(committee.settings.home), "clusters", "confirm", alone])
    _, err = capsys.readouterr()
    assert code == 1 and f"cluster {alone} holds one record" in err and "nothing to confirm" in err
    assert committee.db.fetchone("SELECT COUNT(*) FROM objects WHERE type = 'x-sarhad-cluster-decision'") == decisions
    rask = _groups(committee)[frozenset({"PK-78", "IR-42"})]
    ir_report = next(m["id"] for c in list_clusters(committee.db) for m in c["members"] if m["source_id"] == "IR-42")
    out = _cli(capsys, committee, "clusters", "split", rask, ir_report)
    assert out.startswith("split: 1 record now in cluster--")


def test_show_names_a_record_the_decision_moved_out_by_its_source_not_its_id(
    committee: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    cid, ids = _after_split(committee, capsys)
    # The cluster the article left lists the split: the article is named as on the cluster it was in.
    out = _cli(capsys, committee, "clusters", "show", cid)
    line = next(x for x in out.splitlines() if " PK split " in x)
    assert line.split(" PK split ")[1].startswith("PK tasnim-1 from ")
    assert ids["article"] not in out.split("analyst decisions:")[1].split("joint figures")[0]
    # ... and the article's own cluster names the reports it was split from.
    line = next(x for x in _cli(capsys, committee, "clusters", "show", ids["article"]).splitlines() if " split " in x)
    assert all(name in line for name in ("IR IR-41", "PK PK-77", "UCDP 3001")) and "incident--" not in line
