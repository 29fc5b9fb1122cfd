"""Blocking: the pairs an incremental run finds are exactly the full run's pairs that touch the new records."""

from __future__ import annotations

import numpy as np
import pytest

from sarhad.reconcile.blocking import Blocker, candidate_pairs
from sarhad.reconcile.features import Features
from sarhad.reconcile.synth import generate


@pytest.fixture(scope="module")
def features() -> Features:
    return Features.of(sorted(generate(6000, seed=5).records, key=lambda r: r.id))


@pytest.mark.parametrize("share", [0.002, 0.05, 0.5, 1.0])
def test_pairs_touching_new_records_are_the_full_runs_pairs_touching_them(features: Features, share: float) -> None:
    new = np.random.default_rng(1).random(features.size) < share
    full_a, full_b = candidate_pairs(features)
    touching = new[full_a] | new[full_b]
    for a, b in (candidate_pairs(features, new), Blocker(features).touching(new)):
        assert np.array_equal(a, full_a[touching]) and np.array_equal(b, full_b[touching])
        assert np.all(a < b)


def test_week_precise_old_report_is_paired_with_a_new_day_precise_one() -> None:
    # Blocking is not symmetric: the week-precise report probes 3 days beyond its range, the day-precise one
    # only 1. The pair must be found whichever of the two is new.
    from tests.reconcile.helpers import record

    week = record("PK", "W1", "2024-01-01", end="2024-01-07", precision="week", killed=3)
    day = record("IR", "D1", "2024-01-10", killed=3)
    f = Features.of([week, day])
    assert candidate_pairs(f)[0].tolist() == [0]
    for new in ([False, True], [True, False]):
        a, b = candidate_pairs(f, np.array(new))
        assert (a.tolist(), b.tolist()) == ([0], [1])
        a, b = Blocker(f).touching(np.array(new))
        assert (a.tolist(), b.tolist()) == ([0], [1])
