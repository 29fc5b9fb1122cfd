"""The pairwise score: what a place of each precision says for "the same incident"."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from sarhad.reconcile.actor import actors_related
from sarhad.reconcile.blocking import candidate_pairs
from sarhad.reconcile.cluster import cluster_records
from sarhad.reconcile.features import Features
from sarhad.reconcile.record import Record
from sarhad.reconcile.score import Scoring, score_pairs
from sarhad.reconcile.synth import generate
from tests.reconcile.helpers import record

# Zahedan county's seat, and points 10 and 30 km north of it (0.09 and 0.27 degrees of latitude)
_CENTROID = (29.50, 60.86)
_NORTH_10KM = (29.59, 60.86)
_NORTH_30KM = (29.77, 60.86)


def _place(geo: str, at: tuple[float, float], ref: str, **kwargs: object) -> Record:
    return record("IR" if geo != "exact" else "PK", ref, "2024-05-02", lat=at[0], lon=at[1], geo=geo,
                  country="IR", admin1="IR-11", place="Zahedan", attack="Armed Assault", **kwargs)  # fmt: skip


def _score(a: Record, b: Record) -> float:
    records = [a, b]
    return float(score_pairs(records, Features.of(records), np.array([0]), np.array([1]))[0])


def test_a_point_near_a_district_seat_agrees_with_the_report_naming_the_district() -> None:
    exact = _place("exact", _NORTH_10KM, "E")
    district = _score(_place("admin2", _CENTROID, "D"), exact)
    unknown = _score(replace(_place("admin2", _CENTROID, "U"), lat=None, lon=None, geo_precision="unknown"), exact)
    same_point = _score(_place("exact", _NORTH_10KM, "S"), exact)
    town = _score(_place("near", _CENTROID, "T"), _place("near", _CENTROID, "T2"))
    # a point 10 km from the county's seat lies in the county the other report names: more than an unknown place
    # or two town centres, less than an exact match
    assert unknown < town < district < same_point
    # 30 km from the seat it may lie in the county or not: as if the place were unknown
    assert _score(_place("admin2", _CENTROID, "D30"), _place("exact", _NORTH_30KM, "E30")) == unknown
    # two reports placed at the seat say only "the same county": no more than an unknown place
    assert _score(_place("admin2", _CENTROID, "D2"), _place("admin2", _CENTROID, "D3")) == unknown


def test_a_district_seat_far_from_a_point_of_its_province_counts_against_but_does_not_contradict() -> None:
    exact = _place("exact", _NORTH_10KM, "E")
    unknown = _score(replace(_place("admin2", _CENTROID, "U"), lat=None, lon=None, geo_precision="unknown"), exact)
    far = _score(_place("admin2", (_CENTROID[0] - 0.6, _CENTROID[1]), "F"), exact)
    very_far = _score(_place("admin2", (_CENTROID[0] - 2.5, _CENTROID[1]), "VF"), exact)
    other_province = _score(replace(_place("admin2", (_CENTROID[0] - 2.5, _CENTROID[1]), "O"), admin1="IR-08"), exact)
    assert other_province < very_far == far < unknown


def test_a_report_at_chagai_district_seat_joins_the_same_attack_at_taftan() -> None:
    # Chagai district reaches from Dalbandin, its seat, to Taftan on the Iranian border, 280 km west: ACLED's
    # district-level row and Pakistan's report of the same attack, with the same figures, are one incident
    seat = record("ACLED", "A-1", "2024-05-02", lat=28.88846, lon=64.40616, geo="admin2", place="Chagai",
                  attack="Armed Assault", killed=3)  # fmt: skip
    taftan = record("PK", "P-1", "2024-05-02", lat=28.9608, lon=61.5902, geo="exact", place="Taftan",
                    attack="Armed Assault", killed=3)  # fmt: skip
    labels = cluster_records([seat, taftan]).labels
    assert labels[seat.id] == labels[taftan.id]


def test_a_next_day_district_report_joins_the_point_inside_its_district() -> None:
    # IR names only the county, a day later (a night attack); ACLED's point lies 10 km from the county's seat
    district = _place("admin2", _CENTROID, "IR-7", killed=3)
    district = replace(district, day_start=district.day_start + 1, day_end=district.day_end + 1, attack_type=None)
    point = record("ACLED", "A-7", "2024-05-02", lat=_NORTH_10KM[0], lon=_NORTH_10KM[1], geo="exact", country="IR",
                   admin1="IR-11", place="Zahedan", attack="Armed Assault", killed=4)  # fmt: skip
    labels = cluster_records([district, point]).labels
    assert labels[district.id] == labels[point.id]


def test_a_district_centroid_does_not_pull_in_a_different_attack_30_km_away() -> None:
    # IR places its attack at the county's centroid; ACLED reports another attack of the same day, 30 km away,
    # with other figures: nothing but the day, the kind of attack and the county ties them
    district = _place("admin2", _CENTROID, "IR-9", killed=6)
    other = record("ACLED", "A-9", "2024-05-02", lat=_NORTH_30KM[0], lon=_NORTH_30KM[1], geo="exact", country="IR",
                   admin1="IR-11", place="Zahedan", attack="Armed Assault", killed=2)  # fmt: skip
    result = cluster_records([district, other])
    assert result.labels[district.id] != result.labels[other.id]


def test_scoring_many_pairs_at_once_gives_each_pair_its_own_score() -> None:
    # Words and related perpetrators are worked out once per record and once per pair of actors for a whole
    # batch: every pair must still score exactly what it scores alone.
    records = sorted(generate(400, seed=3).records, key=lambda r: r.id)
    f = Features.of(records)
    a, b = candidate_pairs(f)
    wordy = Scoring(text_band=1.0)  # every pair is refined with its summaries' words
    together = score_pairs(records, f, a, b, wordy)
    sample = range(0, a.shape[0], 3)
    alone = [float(score_pairs(records, f, a[k : k + 1], b[k : k + 1], wordy)[0]) for k in sample]
    assert [float(together[k]) for k in sample] == alone
    # the batch holds what the shortcuts group: related perpetrators, and summaries with words
    names = [(records[x].actor, records[y].actor) for x, y in zip(a.tolist(), b.tolist(), strict=True)]
    assert any(p and q and p != q and actors_related(p, q) for p, q in names)
    assert len({r.summary for r in records}) > 100


def test_a_related_group_agrees_more_than_another_group_and_less_than_the_same() -> None:
    claimed = record("PK", "P", "2024-05-02", perpetrator="Jaish al-Adl", killed=3)
    named = (("SAME", "Jaish ul-Adl"), ("RELATED", "Jundallah"), ("OTHER", "TTP"), ("RELATED2", "Jundallah"))
    others = [record("IR", ref, "2024-05-02", perpetrator=name, killed=3) for ref, name in named]
    records = [claimed, *others]
    same, related, other, related_again = score_pairs(
        records, Features.of(records), np.zeros(4, np.int64), np.arange(1, 5)
    )
    assert related == related_again
    assert same - related == pytest.approx(0.15 * (1.0 - 0.7))
    assert related - other == pytest.approx(0.15 * (0.7 - 0.1))


# Chagai district's seat at Dalbandin, and Taftan 280 km west of it in the same district
_DALBANDIN = (28.88846, 64.40616)
_TAFTAN = (28.9608, 61.5902)


def test_a_point_far_from_the_seat_of_the_district_holding_it_is_as_good_as_an_unknown_place() -> None:
    seat = record("ACLED", "A-2", "2024-05-02", lat=_DALBANDIN[0], lon=_DALBANDIN[1], geo="admin2", place="Chagai",
                  attack="Armed Assault")  # fmt: skip
    taftan = record("PK", "P-2", "2024-05-02", lat=_TAFTAN[0], lon=_TAFTAN[1], geo="exact", place="Taftan",
                    attack="Armed Assault")  # fmt: skip
    unknown = replace(seat, lat=None, lon=None, geo_precision="unknown")
    # Taftan's nearest district seat in Balochistan is Chagai's: the point lies in the district the report names
    assert _score(seat, taftan) == _score(unknown, taftan)


def test_the_next_days_report_at_taftan_with_another_count_joins_the_report_naming_chagai_district() -> None:
    # ACLED's district-level row counts 3 killed; Pakistan dates the attack at Taftan a day later and counts 4
    seat = record("ACLED", "A-3", "2024-05-02", lat=_DALBANDIN[0], lon=_DALBANDIN[1], geo="admin2", place="Chagai",
                  attack="Armed Assault", killed=3)  # fmt: skip
    taftan = record("PK", "P-3", "2024-05-03", lat=_TAFTAN[0], lon=_TAFTAN[1], geo="exact", place="Taftan",
                    attack="Armed Assault", killed=4)  # fmt: skip
    labels = cluster_records([seat, taftan]).labels
    assert labels[seat.id] == labels[taftan.id]


# Kachhi district's seat at Dhadar, and a point 16 km east of it, 7 km from Sibi, the seat of Sibi district
_DHADAR = (29.47489, 67.65167)
_NEAR_SIBI = (29.52, 67.81)


def test_a_point_near_a_seat_but_nearer_another_districts_seat_is_not_in_the_named_district() -> None:
    kachhi = record("ACLED", "A-4", "2024-05-02", lat=_DHADAR[0], lon=_DHADAR[1], geo="admin2", place="Kachhi",
                    attack="Armed Assault", killed=2, wounded=1)  # fmt: skip
    sibi = record("PK", "P-4", "2024-05-02", lat=_NEAR_SIBI[0], lon=_NEAR_SIBI[1], geo="exact", place="Sibi",
                  attack="Armed Assault", killed=5, wounded=1)  # fmt: skip
    unknown = replace(kachhi, lat=None, lon=None, geo_precision="unknown")
    # another attack of the same day in the next district counts against the pair: it stays apart
    assert _score(kachhi, sibi) < _score(unknown, sibi)
    labels = cluster_records([kachhi, sibi]).labels
    assert labels[kachhi.id] != labels[sibi.id]


# Upper Dir district's seat, Dir (GeoNames), and a point 9 km north of it: nearer Dir than any other seat
_DIR = (35.2074, 71.8768)
_NORTH_OF_DIR = (35.2874, 71.8768)


def test_a_point_near_the_seat_of_a_district_without_a_curated_row_agrees_with_the_report_naming_it() -> None:
    named = record("ACLED", "A-5", "2024-05-02", lat=_DIR[0], lon=_DIR[1], geo="admin2", admin1="PK-KP",
                   place="Upper Dir", attack="Armed Assault", killed=2)  # fmt: skip
    point = record("PK", "P-5", "2024-05-02", lat=_NORTH_OF_DIR[0], lon=_NORTH_OF_DIR[1], geo="exact",
                   admin1="PK-KP", place="Dir", attack="Armed Assault", killed=2)  # fmt: skip
    unknown = replace(named, lat=None, lon=None, geo_precision="unknown")
    # With seats for the curated districts only, Dir counted as in Bajaur and the point as in Chitral:
    # "another district". Dir's own seat puts both in Upper Dir.
    assert _score(named, point) > _score(unknown, point)
    labels = cluster_records([named, point]).labels
    assert labels[named.id] == labels[point.id]
