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


def _paired_whichever_is_new(f: Features) -> None:
    """The two records of ``f`` are one candidate pair in a full run and whichever of them is the new one."""
    assert candidate_pairs(f)[0].tolist() == [0]
    for new in ([False, True], [True, False]):
        a, b = candidate_pairs(f, np.array(new))
        assert (a.tolist(), b.tolist()) == ([0], [1])
        a, b = Blocker(f).touching(np.array(new))
        assert (a.tolist(), b.tolist()) == ([0], [1])


def test_week_precise_old_report_is_paired_with_a_new_day_precise_one() -> None:
    # Blocking is not symmetric: the week-precise report probes 3 days beyond its range, the day-precise one
    # only 1. The pair must be found whichever of the two is new.
    from tests.reconcile.helpers import record

    week = record("PK", "W1", "2024-01-01", end="2024-01-07", precision="week", killed=3)
    day = record("IR", "D1", "2024-01-10", killed=3)
    _paired_whichever_is_new(Features.of([week, day]))


@pytest.mark.parametrize(
    ("geo", "lat", "lon", "country", "admin1"),
    [
        ("admin2", 26.00122, 63.04849, "PK", "PK-BA"),  # Kech district, at its seat
        ("admin1", 28.5, 65.0, "PK", "PK-BA"),  # Balochistan's centroid
        ("admin1", None, None, "PK", None),  # only the country
        ("unknown", None, None, None, None),  # nowhere
    ],
)
def test_month_dated_point_is_paired_with_a_day_dated_report_of_an_area(
    geo: str, lat: float | None, lon: float | None, country: str | None, admin1: str | None
) -> None:
    # A news article dates the attack at Turbat to May only; a party names the day and only the district, the
    # province or nothing: a point dated vaguely probes no province and a day-dated area probed days only.
    from tests.reconcile.helpers import record

    month = record("NEWS", "N-1", "2024-05-01", end="2024-05-31", precision="month", lat=26.0031, lon=63.0544,
                   geo="near", place="Turbat", killed=3)  # fmt: skip
    area = record("PK", "P-1", "2024-05-14", lat=lat, lon=lon, geo=geo, country=country, admin1=admin1,
                  place=None, killed=3)  # fmt: skip
    _paired_whichever_is_new(Features.of([month, area]))


def test_range_probes_find_exactly_the_pairs_of_probing_every_key_of_each_range(features: Features) -> None:
    # A record probes each place with one range of days (or months) matched by two binary searches; probing
    # every key of the range one by one, as blocking used to, must give the very same pairs.
    from sarhad.reconcile.blocking import _distinct, _keys, _lookup, _sorted

    n = features.size
    everyone = np.ones(n, np.bool_)
    index, probe = _keys(features, everyone, everyone)
    a, b = _lookup(*_sorted(*index.arrays()), *probe.keys())
    one_by_one = _distinct(a, b, n)
    full = candidate_pairs(features)
    assert full[0].shape[0] > 10_000
    assert np.array_equal(full[0], one_by_one[0]) and np.array_equal(full[1], one_by_one[1])
