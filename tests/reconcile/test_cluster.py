"""Clustering: reports of one incident come together, look-alikes stay apart, runs are repeatable."""

from __future__ import annotations

import random
from dataclasses import replace

from sarhad.reconcile.cluster import cluster_records
from sarhad.reconcile.quality import measure
from sarhad.reconcile.synth import generate
from tests.reconcile.helpers import record


def _together(labels: dict[str, str], *records: object) -> bool:
    return len({labels[r.id] for r in records}) == 1  # type: ignore[attr-defined]


def test_party_reports_with_other_spellings_and_night_date_form_one_cluster() -> None:
    pk = record(
        "PK",
        "PK-2024-118",
        "2024-03-14",
        lat=27.37,
        lon=62.33,
        geo="near",
        country="IR",
        admin1="IR-11",
        place="Saravan",
        attack="Armed Assault",
        perpetrator="Jaish al-Adl",
        killed=4,
    )
    ir = record(
        "IR",
        "IR-1402-7731",
        "2024-03-15",
        lat=27.3712,
        lon=62.3402,
        geo="exact",
        country="IR",
        admin1="IR-11",
        place="Saravan",
        attack="Armed Assault",
        perpetrator="Jaish al-Zolm",
        killed=5,
    )
    acled = record(
        "ACLED",
        "IRN1234",
        "2024-03-14",
        lat=27.3700,
        lon=62.3330,
        geo="exact",
        country="IR",
        admin1="IR-11",
        place="Saravan",
        attack="Armed Assault",
        perpetrator="Jaish ul-Adl",
        killed=4,
    )
    result = cluster_records([pk, ir, acled])
    assert _together(result.labels, pk, ir, acled)
    assert len(result.clusters()) == 1


def test_two_attacks_in_quetta_on_one_day_stay_apart() -> None:
    # A market bombing and, 6 km away, an ambush on a convoy, each reported by two sources.
    bomb_pk = record(
        "PK",
        "A1",
        "2024-05-02",
        lat=30.1990,
        lon=67.0100,
        attack="Bombing/Explosion",
        perpetrator="TTP",
        killed=7,
        wounded=20,
        summary="Bomb blast in a crowded market in Quetta",
    )
    bomb_acled = record(
        "ACLED",
        "B1",
        "2024-05-02",
        lat=30.2001,
        lon=67.0120,
        attack="Bombing/Explosion",
        perpetrator="Tehrik-i-Taliban Pakistan",
        killed=6,
        summary="IED explosion at a market in Quetta city",
    )
    ambush_pk = record(
        "PK",
        "A2",
        "2024-05-02",
        lat=30.1500,
        lon=66.9600,
        attack="Armed Assault",
        perpetrator="BLA",
        killed=2,
        summary="Militants ambushed an FC convoy near Quetta",
    )
    ambush_acled = record(
        "ACLED",
        "B2",
        "2024-05-02",
        lat=30.1480,
        lon=66.9630,
        attack="Armed Assault",
        perpetrator="Baloch Liberation Army",
        killed=2,
        summary="Armed men attacked a convoy on the Quetta bypass",
    )
    # A vague news report (city centre, no type, no group) that looks like both.
    news = record("NEWS", "N1", "2024-05-02", lat=30.18, lon=66.975, geo="near", attack=None, killed=None)
    result = cluster_records([bomb_pk, bomb_acled, ambush_pk, ambush_acled, news])
    labels = result.labels
    assert _together(labels, bomb_pk, bomb_acled)
    assert _together(labels, ambush_pk, ambush_acled)
    assert labels[bomb_pk.id] != labels[ambush_pk.id]


def test_a_source_never_reports_one_incident_twice() -> None:
    a = record("PK", "X1", "2024-01-10", killed=3)
    b = record("PK", "X2", "2024-01-10", killed=3)
    result = cluster_records([a, b])
    assert result.labels[a.id] != result.labels[b.id]


def test_reports_far_apart_in_time_or_space_are_not_compared() -> None:
    a = record("PK", "X1", "2024-01-10", killed=3)
    later = record("IR", "Y1", "2024-01-20", killed=3)
    elsewhere = record("ACLED", "Z1", "2024-01-10", lat=34.01, lon=71.58, admin1="PK-KP", place="Peshawar", killed=3)
    result = cluster_records([a, later, elsewhere])
    assert len(result.clusters()) == 3
    assert result.candidates == 0


def test_month_precision_report_joins_the_day_report_it_describes() -> None:
    day_report = record("PK", "X1", "2023-07-19", attack="Hostage Taking (Kidnapping)", perpetrator="BLF", killed=0)
    month_report = record(
        "NEWS",
        "N9",
        "2023-07-01",
        end="2023-07-31",
        precision="month",
        lat=None,
        lon=None,
        geo="admin1",
        place=None,
        attack="Hostage Taking (Kidnapping)",
        perpetrator="BLF",
        killed=0,
    )
    result = cluster_records([day_report, month_report])
    assert _together(result.labels, day_report, month_report)


def test_clustering_is_deterministic_whatever_the_input_order() -> None:
    synthetic = generate(1500, seed=5)
    first = cluster_records(synthetic.records).labels
    shuffled = list(synthetic.records)
    random.Random(1).shuffle(shuffled)
    assert cluster_records(shuffled).labels == first


def _groups(labels: dict[str, str]) -> set[frozenset[str]]:
    out: dict[str, set[str]] = {}
    for rid, cid in labels.items():
        out.setdefault(cid, set()).add(rid)
    return {frozenset(v) for v in out.values()}


def test_incremental_run_equals_a_full_run_and_recomputes_only_what_new_reports_touch() -> None:
    synthetic = generate(8000, seed=7)
    old, new = synthetic.records[:7600], synthetic.records[7600:]
    before = cluster_records(old).labels
    after = cluster_records(old + new, existing=before)
    full = cluster_records(old + new)
    assert _groups(after.labels) == _groups(full.labels)
    assert after.new_records == len(new)
    # Only the neighbourhood of the new reports is scored and clustered again.
    assert len(new) <= after.reclustered < len(synthetic.records) // 4
    assert after.candidates < full.candidates // 4
    # Clusters that did not change keep their ids; grown ones keep the id most of their members had.
    untouched = {rid for rid in before if after.labels[rid] == before[rid]}
    assert len(untouched) > 0.9 * len(before)
    assert set(after.labels.values()) >= {before[rid] for rid in untouched}


def test_incremental_run_with_changed_and_removed_reports_equals_a_full_run() -> None:
    synthetic = generate(6000, seed=8)
    records = list(synthetic.records)
    before = cluster_records(records).labels
    # Move every 50th report a month later, and drop every 97th: their old clusters must be recomputed.
    moved = {r.id: replace(r, day_start=r.day_start + 30, day_end=r.day_end + 30) for r in records[::50]}
    dropped = {r.id for r in records[::97]} - set(moved)
    now = [moved.get(r.id, r) for r in records if r.id not in dropped]
    after = cluster_records(now, existing=before, changed=moved)
    assert _groups(after.labels) == _groups(cluster_records(now).labels)
    assert after.new_records == len(moved)
    assert after.reclustered < len(now) // 2


def test_incremental_run_applies_new_decisions_like_a_full_run() -> None:
    synthetic = generate(3000, seed=9)
    records = synthetic.records
    before = cluster_records(records).labels
    big = max(_groups(before), key=len)
    first, *rest = sorted(big)
    cannot = [(first, other) for other in rest]
    after = cluster_records(records, existing=before, cannot=cannot)
    assert _groups(after.labels) == _groups(cluster_records(records, cannot=cannot).labels)
    assert all(after.labels[first] != after.labels[other] for other in rest)


def test_analyst_constraints_override_the_scores() -> None:
    a = record("PK", "X1", "2024-01-10", killed=3)
    b = record("IR", "Y1", "2024-01-10", killed=3)
    c = record("ACLED", "Z1", "2024-02-20", lat=34.01, lon=71.58, admin1="PK-KP", killed=40)
    assert cluster_records([a, b]).labels[a.id] == cluster_records([a, b]).labels[b.id]
    apart = cluster_records([a, b], cannot=[(a.id, b.id)]).labels
    assert apart[a.id] != apart[b.id]
    together = cluster_records([a, c], must=[(a.id, c.id)]).labels
    assert together[a.id] == together[c.id]


def test_quality_on_generated_reports_reaches_the_goal() -> None:
    # The goal was set on reports placed at points or a province and dated at most a day or two apart.
    synthetic = generate(6000, seed=11, districts=0.0, slips=0.0)
    quality = measure(cluster_records(synthetic.records).labels, synthetic.truth)
    assert quality.f1 >= 0.95
    assert quality.bcubed_f1 >= 0.95


def test_quality_with_district_places_and_multi_day_slips_stays_above_its_floor() -> None:
    # A point near a district's seat agrees with the report naming the district, one far from it in the same
    # province only counts against; dates 2-5 days apart score little date agreement, so some reports of one
    # incident still stay apart (pairwise F1 0.948 here, 0.939 when a district's seat was an unknown place).
    synthetic = generate(6000, seed=11)
    quality = measure(cluster_records(synthetic.records).labels, synthetic.truth)
    assert quality.f1 >= 0.945
    assert quality.bcubed_f1 >= 0.968


def test_incremental_run_keeps_merged_records_together_without_redoing_old_decisions() -> None:
    # An analyst merged two reports that blocking never pairs (a month and 40 km apart); later a third source
    # reports the first one. The rerun is told the decisions did not change, yet must widen along the
    # must-link to reach the merged partner, or it would split them.
    a = record("PK", "X1", "2024-01-10", killed=3)
    b = record("IR", "Y1", "2024-02-12", lat=30.5, lon=67.2, killed=3)
    must = [(a.id, b.id)]
    before = cluster_records([a, b], must=must).labels
    assert before[a.id] == before[b.id]
    c = record("ACLED", "Z1", "2024-01-10", killed=3)
    after = cluster_records([a, b, c], existing=before, must=must, new_decisions=False)
    assert _groups(after.labels) == _groups(cluster_records([a, b, c], must=must).labels)
    assert after.labels[a.id] == after.labels[b.id]
    assert after.reclustered == 3


def test_records_split_apart_never_share_a_cluster_id() -> None:
    """A cluster of one record keeps its id as another joins it; split again (an analyst's split, a withdrawn
    merge), each part gets an id of its own, though the new id of the lone record is the one its cluster kept."""
    from sarhad.reconcile.cluster import cluster_id_for

    a = record("PK", "PK-1", "2024-05-02", killed=7)
    b = record("UCDP", "U-1", "2024-07-28", lat=27.81, lon=66.61, place="Khuzdar", killed=7)
    kept = cluster_id_for([b.id])  # b's cluster, which a joined (an analyst's merge)
    for labels in (
        cluster_records([a, b], names={a.id: kept, b.id: kept}).labels,
        cluster_records([a, b], existing={a.id: kept, b.id: kept}, changed=[a.id]).labels,
    ):
        assert labels[a.id] != labels[b.id]
        assert kept in labels.values()
