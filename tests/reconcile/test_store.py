"""Reconciliation on a node: runs and updates, what the cluster tables answer, and dedup statistics."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sarhad.errors import InvalidInput, NotFound
from sarhad.node import Node
from sarhad.reconcile.stats import dedup_stats
from sarhad.reconcile.store import cluster_view, list_clusters, reconcile
from sarhad.reconcile.synth import as_incident, generate
from sarhad.store.incidents import stats
from tests.reconcile.conftest import quetta_day
from tests.reconcile.helpers import report


def _groups(node: Node) -> set[frozenset[str]]:
    return {frozenset(m["source_id"] for m in c["members"]) for c in list_clusters(node.db)}


def test_reconcile_groups_the_reports_of_each_incident(reports_node: Node) -> None:
    summary = reconcile(reports_node.db, "PK")
    assert summary.records == 6 and summary.clusters == 3 and summary.multi_source == 3
    assert _groups(reports_node) == {
        frozenset({"PK-1", "PAK-1"}),
        frozenset({"PK-2", "PAK-2"}),
        frozenset({"PK-3", "IR-3"}),
    }


def test_saravan_cluster_shows_both_parties_figures_and_their_disagreement(reports_node: Node) -> None:
    reconcile(reports_node.db, "PK")
    disputed = list_clusters(reports_node.db, disagreements=True)
    assert [sorted(m["reported_by"] for m in c["members"]) for c in disputed] == [["IR", "PK"]]
    assert disputed[0]["killed"] == {"low": 3, "best": 3, "high": 12}
    assert disputed[0]["flags"] == ["figures_disagree", "date_disagree"]  # PK dates it a day before IR
    view = cluster_view(reports_node.db, disputed[0]["cluster_id"])
    killed = view.figure("killed")
    assert killed is not None
    assert {p: be for p, _, be, _ in killed.by_party} == {"IR": 3, "PK": 12}
    # The parties' own records are untouched.
    assert reports_node.incident(view.members[1].id).killed.best == 12


def test_second_run_only_compares_what_is_new_and_keeps_cluster_ids(reports_node: Node) -> None:
    reconcile(reports_node.db, "PK")
    before = {c["cluster_id"] for c in list_clusters(reports_node.db)}
    again = reconcile(reports_node.db, "PK")
    assert again.new_records == 0 and again.changed == 0
    reports_node.publish([report("NEWS", "dawn-1", "2024-05-02", lat=30.2, lon=67.011, attack="Bombing/Explosion",
                                 killed=7, summary="Bomb blast in a market in Quetta kills seven")])  # fmt: skip
    third = reconcile(reports_node.db, "PK")
    assert third.new_records == 1 and third.changed == 1
    assert {c["cluster_id"] for c in list_clusters(reports_node.db)} == before
    assert frozenset({"PK-1", "PAK-1", "dawn-1"}) in _groups(reports_node)


def test_changed_record_is_reclustered(reports_node: Node) -> None:
    reconcile(reports_node.db, "PK")
    moved = report("ACLED", "PAK-2", "2024-06-20", lat=34.01, lon=71.58, admin1="PK-KP", place="Peshawar",
                   attack="Assassination", killed=1)  # fmt: skip
    reports_node.publish([moved])
    summary = reconcile(reports_node.db, "PK")
    assert summary.new_records == 1
    assert frozenset({"PAK-2"}) in _groups(reports_node) and frozenset({"PK-2"}) in _groups(reports_node)


def test_dedup_stats_count_incidents_once_with_consensus_figures(reports_node: Node) -> None:
    assert dedup_stats(reports_node.db)["incidents"] == 6  # nothing clustered yet: every report counts
    reconcile(reports_node.db, "PK")
    plain, dedup = stats(reports_node.db), dedup_stats(reports_node.db)
    assert plain["incidents"] == 6 and dedup["incidents"] == 3
    assert dedup["killed"] == {"low": 7 + 2 + 3, "best": 7 + 2 + 3, "high": 7 + 2 + 12, "unknown": 0,
                               "range": {"low": 7 + 2 + 3, "high": 7 + 2 + 12}}  # fmt: skip
    by_country = dedup_stats(reports_node.db, "country")
    assert [(g["key"], g["incidents"]) for g in by_country["groups"]] == [("IR", 1), ("PK", 2)]
    assert set(by_country) == set(stats(reports_node.db, "country"))


def test_dedup_stats_refuse_an_unknown_grouping(reports_node: Node) -> None:
    with pytest.raises(InvalidInput, match="cannot group by 'weekday': expected one of year, month"):
        dedup_stats(reports_node.db, "weekday")


def test_unknown_cluster_is_not_found(reports_node: Node) -> None:
    reconcile(reports_node.db, "PK")
    with pytest.raises(NotFound, match="no cluster cluster--nope"):
        cluster_view(reports_node.db, "cluster--nope")


def test_reconcile_of_an_empty_node_reports_nothing(node: Node) -> None:
    summary = reconcile(node.db, "PK")
    assert (summary.records, summary.clusters) == (0, 0)
    assert list_clusters(node.db) == []


def test_shown_cluster_can_be_found_by_a_member_id(reports_node: Node) -> None:
    reconcile(reports_node.db, "PK")
    member = quetta_day()[0].id
    assert member in {m.id for m in cluster_view(reports_node.db, member).members}


def test_reconcile_and_dedup_stats_on_both_databases(any_node: Node) -> None:
    any_node.publish(quetta_day())
    summary = reconcile(any_node.db, "PK")
    assert summary.clusters == 3
    assert [sorted(m["source_id"] for m in c["members"]) for c in list_clusters(any_node.db, disagreements=True)] == [
        ["IR-3", "PK-3"]
    ]
    assert dedup_stats(any_node.db, "year")["groups"] == [
        {"key": "2024", "incidents": 3,
         "killed": {"low": 12, "best": 12, "high": 21, "unknown": 0, "range": {"low": 12, "high": 21}},
         "wounded": {"low": 20, "best": 20, "high": 20, "unknown": 2, "range": {"low": 20, "high": 20}}}
    ]  # fmt: skip
    assert reconcile(any_node.db, "PK", full=True).clusters == 3


def _memberships(node: Node) -> set[frozenset[str]]:
    return {frozenset(m["id"] for m in c["members"]) for c in list_clusters(node.db)}


def test_incremental_runs_on_a_node_equal_a_full_run(any_node: Node) -> None:
    synthetic = generate(2500, seed=4)
    records = synthetic.records
    node = any_node
    node.publish(as_incident(r) for r in records[:2000])
    first = reconcile(node.db, "PK")
    assert first.new_records == first.reclustered == 2000
    # New reports, and new versions of old ones (a week later): only their neighbourhood is redone.
    later = [replace(r, day_start=r.day_start + 7, day_end=r.day_end + 7) for r in records[:2000:40]]
    node.publish([as_incident(r) for r in (*records[2000:], *later)])
    second = reconcile(node.db, "PK")
    assert second.records == 2500 and second.new_records == 500 + len(later)
    assert second.reclustered < 1500
    incremental = _memberships(node)
    full = reconcile(node.db, "PK", full=True)
    assert full.reclustered == 2500
    assert _memberships(node) == incremental
    # Nothing new: nothing recomputed, nothing parsed again, the same picture.
    third = reconcile(node.db, "PK")
    assert (third.new_records, third.reclustered, third.changed) == (0, 0, 0)
    assert (third.records, third.clusters, third.multi_source, third.disagreements) == (
        full.records, full.clusters, full.multi_source, full.disagreements)  # fmt: skip
    assert node.db.fetchone("SELECT COUNT(*) FROM reconcile_records") == (2500,)


def test_dedup_stats_do_not_count_acleds_ambiguous_zero_as_a_toll(node: Node) -> None:
    from sarhad.model.figures import Figure

    pk = report("PK", "PK-9", "2024-07-01", attack="Armed Assault", perpetrator="BLA", killed=5)
    acled = replace(
        report("ACLED", "PAK-9", "2024-07-01", attack="Armed Assault", perpetrator="Baloch Liberation Army"),
        figures=(Figure("killed", "total", None, 0, None, "lowest_reported", "ACLED", zero_ambiguous=True),),
    )
    node.publish([pk, acled])
    reconcile(node.db, "PK")
    [cluster] = list_clusters(node.db)
    assert cluster["killed"] == {"low": 5, "best": 5, "high": 5}
    assert dedup_stats(node.db)["killed"] == {"low": 5, "best": 5, "high": 5, "unknown": 0,
                                              "range": {"low": 5, "high": 5}}  # fmt: skip


def test_decisions_are_applied_once_and_then_respected_by_incremental_runs(any_node: Node) -> None:
    from sarhad.reconcile.decisions import Decision

    synthetic = generate(1500, seed=6)
    any_node.publish(as_incident(r) for r in synthetic.records[:1200])
    reconcile(any_node.db, "PK")
    big = max(list_clusters(any_node.db), key=lambda c: len(c["members"]))
    first, *rest = sorted(m["id"] for m in big["members"])
    with any_node.publisher() as pub:
        pub.add_object(Decision("split", (first,), tuple(rest)).to_stix("PK"))
    applied = reconcile(any_node.db, "PK")
    assert 0 < applied.reclustered < 1200
    assert reconcile(any_node.db, "PK").reclustered == 0  # the same decisions: nothing to redo
    any_node.publish(as_incident(r) for r in synthetic.records[1200:])
    later = reconcile(any_node.db, "PK")
    assert later.new_records == 300 and later.reclustered < 1000
    incremental = _memberships(any_node)
    assert not any(first in g and set(rest) & g for g in incremental)
    reconcile(any_node.db, "PK", full=True)
    assert _memberships(any_node) == incremental
