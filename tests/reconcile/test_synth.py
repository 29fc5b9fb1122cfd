"""The benchmark's generator: coarse places at the package's admin areas, date slips between parties, look-alikes.

Each share is measured on a few thousand generated reports: repeatable for a seed, and within bounds around the
default that the generator documents.
"""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from sarhad.geo import find
from sarhad.reconcile.joint import joint_view
from sarhad.reconcile.record import Record
from sarhad.reconcile.synth import Synthetic, generate

SIZE = 6000


@pytest.fixture(scope="module")
def synthetic() -> Synthetic:
    return generate(SIZE, seed=21)


def _share(records: list[Record], precision: str) -> float:
    return sum(1 for r in records if r.geo_precision == precision) / len(records)


def _by_incident(synthetic: Synthetic) -> dict[int, list[Record]]:
    out: dict[int, list[Record]] = defaultdict(list)
    for r in synthetic.records:
        out[synthetic.truth[r.id]].append(r)
    return out


def _party_gaps(synthetic: Synthetic) -> list[int]:
    """For each incident both parties date to the day: how many days apart their dates are."""
    gaps = []
    for members in _by_incident(synthetic).values():
        days = {r.reported_by: r.day_start for r in members if r.dataset == "party" and r.date_precision == "day"}
        if "PK" in days and "IR" in days:
            gaps.append(abs(days["PK"] - days["IR"]))
    return gaps


def test_the_same_seed_gives_the_same_reports_and_another_seed_others() -> None:
    one, two, other = generate(3000, seed=4), generate(3000, seed=4), generate(3000, seed=5)
    assert one.records == two.records and one.truth == two.truth and one.incident_truth == two.incident_truth
    assert [r.geo_precision for r in one.records] == [r.geo_precision for r in two.records]
    assert one.records != other.records


def test_a_share_of_reports_sit_at_their_districts_position(synthetic: Synthetic) -> None:
    records = synthetic.records
    assert 0.10 <= _share(records, "admin2") <= 0.20
    for r in records:
        if r.geo_precision != "admin2":
            continue
        assert r.place is not None and r.lat is not None and r.lon is not None
        areas = [c for c in find(r.place, r.country, r.admin1) if c.kind in ("district", "county")]
        assert areas, f"{r.id}: {r.place} is not a district or county of sarhad's gazetteer"
        assert (r.lat, r.lon) == (areas[0].lat, areas[0].lon)
        assert areas[0].admin1_code == r.admin1


PROVINCES = {"PK-BA": ("Balochistan", "PK"), "PK-KP": ("Khyber Pakhtunkhwa", "PK"),
             "IR-11": ("Sistan and Baluchestan", "IR")}  # fmt: skip


def test_a_share_of_reports_sit_at_their_provinces_centroid(synthetic: Synthetic) -> None:
    records = synthetic.records
    assert 0.04 <= _share(records, "admin1") <= 0.12
    for r in records:
        if r.geo_precision != "admin1" or r.lat is None:
            continue
        assert r.admin1 is not None and r.place is None
        name, country = PROVINCES[r.admin1]
        province = next(c for c in find(name, country) if c.kind == "province")
        assert (r.lat, r.lon) == (province.lat, province.lon)


def test_the_parties_date_some_incidents_a_day_apart_and_a_few_days_apart(synthetic: Synthetic) -> None:
    gaps = _party_gaps(synthetic)
    assert len(gaps) > 100
    one_day = sum(1 for g in gaps if g == 1) / len(gaps)
    days = sum(1 for g in gaps if g >= 3) / len(gaps)
    assert 0.25 <= one_day <= 0.5  # a night attack: the other side counts it on the next day
    assert 0.015 <= days <= 0.1  # announced or found days later (two one-day slips make at most 2)
    assert max(gaps) <= 6


def test_the_truth_holds_date_disagreements_between_parties(synthetic: Synthetic) -> None:
    disagree = [
        n for n, members in _by_incident(synthetic).items() if "date_disagree" in joint_view(str(n), members).flags
    ]
    assert 0.15 <= len(disagree) / synthetic.incidents <= 0.4


def test_look_alikes_happen_nearby_on_the_same_day(synthetic: Synthetic) -> None:
    pairs = [t for t in synthetic.incident_truth.values() if t.lookalike_of is not None]
    assert 0.06 <= len(pairs) / synthetic.incidents <= 0.15
    for t in pairs:
        assert t.lookalike_of is not None  # as the list's condition says
        first = synthetic.incident_truth[t.lookalike_of]
        assert t.day == first.day and t.city == first.city
        km = ((t.lat - first.lat) * 111) ** 2 + ((t.lon - first.lon) * 111 * 0.88) ** 2
        assert 2 <= km**0.5 <= 40


def test_shares_are_options_and_refused_outside_zero_to_one() -> None:
    plain = generate(2000, seed=3, districts=0.0, provinces=0.0, slips=0.0)
    assert _share(plain.records, "admin2") == 0 and _share(plain.records, "admin1") == 0
    assert max(_party_gaps(plain)) == 2
    coarse = generate(2000, seed=3, districts=0.5)
    assert 0.4 <= _share(coarse.records, "admin2") <= 0.6
    with pytest.raises(ValueError, match=r"districts must be a share from 0 to 1, not 1\.5"):
        generate(100, districts=1.5)
    with pytest.raises(ValueError, match=r"slips must be a share from 0 to 1, not -0\.1"):
        generate(100, slips=-0.1)
    with pytest.raises(ValueError, match="districts and provinces together must be at most 1"):
        generate(100, districts=0.6, provinces=0.6)


def test_the_benchmark_prints_date_disagreements_flagged_against_the_truth() -> None:
    script = Path(__file__).resolve().parents[2] / "benchmarks" / "reconcile.py"
    done = subprocess.run(
        [sys.executable, str(script), "--sizes", "3000", "--memory", "0", "--seed", "2"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = done.stdout.splitlines()
    assert lines[0].endswith("| B-cubed F1 | date_disagree flagged / true / flagged exactly |"), done.stdout
    flagged, true, exactly = (int(n.replace(",", "")) for n in lines[2].split("|")[-2].split("/"))
    assert 0 < exactly <= min(flagged, true) and true > 0.1 * int(lines[2].split("|")[2].replace(",", ""))
