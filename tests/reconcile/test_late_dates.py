"""Reports a few days apart: the same incident dated late by one party meets the other's report and is flagged
``date_disagree``; a different attack in the same district a few days later stays apart."""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from sarhad.reconcile.blocking import candidate_pairs
from sarhad.reconcile.cluster import cluster_records
from sarhad.reconcile.features import Features
from sarhad.reconcile.joint import joint_view
from sarhad.reconcile.record import Record
from sarhad.reconcile.score import score_pairs
from tests.reconcile.helpers import record

# Turbat, and the position of Kech district (its centroid) as a party that names only the district gives it
_TURBAT = (26.0031, 63.0544)
_KECH = (26.20, 62.90)


def _turbat(who: str, ref: str, day: str, **kwargs: object) -> Record:
    fields: dict[str, object] = {
        "lat": _TURBAT[0],
        "lon": _TURBAT[1],
        "geo": "exact",
        "admin1": "PK-BA",
        "place": "Turbat",
        "attack": "Armed Assault",
        "perpetrator": "Balochistan Liberation Army",
        "killed": 7,
        "wounded": 3,
        "summary": "Gunmen attacked a bus of labourers near Turbat; 7 killed",
    }
    fields.update(kwargs)
    return record(who, ref, day, **fields)


def _score(a: Record, b: Record) -> float:
    return float(score_pairs([a, b], Features.of([a, b]), np.array([0]), np.array([1]))[0])


def test_a_report_three_days_late_with_the_same_place_group_and_figures_joins_and_is_flagged() -> None:
    pk = _turbat("PK", "PK-2024-301", "2024-04-10")
    ir = _turbat("IR", "IR-1403-12", "2024-04-13")
    labels = cluster_records([pk, ir]).labels
    assert labels[pk.id] == labels[ir.id]
    assert "date_disagree" in joint_view(labels[pk.id], [pk, ir]).flags


def test_the_date_agreement_falls_with_every_day_beyond_the_slack() -> None:
    pk = _turbat("PK", "PK-2024-302", "2024-04-10")
    scores = [_score(pk, _turbat("IR", f"IR-{gap}", f"2024-04-{10 + gap:02d}")) for gap in (1, 2, 3, 4, 5)]
    assert all(later < earlier for earlier, later in pairwise(scores))
    assert scores[-1] > 0.0


def test_reports_five_days_apart_are_candidates_and_six_days_apart_are_not() -> None:
    pk = _turbat("PK", "PK-2024-303", "2024-04-10")
    for day, expected in (("2024-04-15", [0]), ("2024-04-16", [])):
        f = Features.of([pk, _turbat("IR", "IR-1403-13", day)])
        assert candidate_pairs(f)[0].tolist() == expected


def _kech(who: str, ref: str, day: str, killed: int, summary: str) -> Record:
    return record(who, ref, day, lat=_KECH[0], lon=_KECH[1], geo="admin2", admin1="PK-BA", place="Kech",
                  attack="Armed Assault", perpetrator="Balochistan Liberation Army", killed=killed,
                  summary=summary)  # fmt: skip


def test_another_attack_in_the_same_district_three_days_later_stays_apart() -> None:
    # Both placed only at Kech district's position, both shootings blamed on the group active there, told in
    # like words: only the figures (2 killed, then 9) tell them apart, which is not the strong agreement a
    # pair three days apart needs
    first = _kech("PK", "PK-2024-304", "2024-04-10", 2, "Gunmen attack a police post in Kech district; 2 killed")
    later = _kech("ACLED", "PAK-88120", "2024-04-13", 9, "Gunmen attack a checkpoint in Kech district; 9 killed")
    labels = cluster_records([first, later]).labels
    assert labels[first.id] != labels[later.id]
    assert _score(first, later) == 0.0
