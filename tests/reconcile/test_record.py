"""Records and the generator: valid on construction; generated truth is consistent and repeatable."""

from __future__ import annotations

import pytest

from sarhad.errors import InvalidInput
from sarhad.reconcile.actor import actor_key
from sarhad.reconcile.quality import measure
from sarhad.reconcile.record import Record
from sarhad.reconcile.synth import as_incident, generate


def test_record_refuses_a_reversed_range_and_unknown_precisions() -> None:
    with pytest.raises(InvalidInput, match="record r1: end day 5 is before start day 9"):
        Record("r1", "PK", "x", 9, 5)
    with pytest.raises(InvalidInput, match="date precision 'hour' is not known"):
        Record("r1", "PK", "x", 5, 5, date_precision="hour")
    with pytest.raises(InvalidInput, match="geo precision 'street' is not known"):
        Record("r1", "PK", "x", 5, 5, geo_precision="street")


def test_actor_keys_join_spellings_through_the_registry() -> None:
    assert actor_key("Jaish ul-Adl") == actor_key("Jaish al-Zolm") == "jaish-al-adl"
    assert actor_key("Fitna al-Khawarij") == actor_key("TTP")
    assert actor_key("unknown") is None and actor_key(None) is None
    assert actor_key("Some New Front") == "name:some new front"


def test_generator_is_repeatable_and_has_overlap_and_lookalikes() -> None:
    one, two = generate(2000, seed=3), generate(2000, seed=3)
    assert [r.id for r in one.records] == [r.id for r in two.records]
    assert len(one.records) == 2000 and set(one.truth) == {r.id for r in one.records}
    assert 1.8 < len(one.records) / len(set(one.truth.values())) < 3.0
    by_incident: dict[int, set[str]] = {}
    for r in one.records:
        by_incident.setdefault(one.truth[r.id], set()).add(r.reported_by)
    assert sum(1 for parties in by_incident.values() if {"PK", "IR"} <= parties) > 20
    incidents_at: dict[tuple[int, str], set[int]] = {}
    for r in one.records:
        if r.place:
            incidents_at.setdefault((r.day_start, r.place), set()).add(one.truth[r.id])
    assert sum(1 for found in incidents_at.values() if len(found) > 1) > 20  # same city, same day
    assert as_incident(one.records[0]).id == one.records[0].id


def test_quality_measures_perfect_and_broken_clusterings() -> None:
    truth = {"a": 1, "b": 1, "c": 2}
    perfect = measure({"a": "x", "b": "x", "c": "y"}, truth)
    assert perfect.f1 == 1.0 and perfect.bcubed_f1 == 1.0
    lumped = measure({"a": "x", "b": "x", "c": "x"}, truth)
    assert lumped.recall == 1.0 and lumped.precision == pytest.approx(1 / 3)


def test_package_exports_its_public_names_lazily() -> None:
    import sarhad.reconcile as package

    assert sorted(package.__all__) == package.__all__
    for name in package.__all__:
        assert getattr(package, name) is not None
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        _ = package.nothing


def test_province_names_and_codes_compare_equal() -> None:
    from sarhad.model.incident import Incident, Place

    named = Incident(id="incident--00000000-0000-5000-8000-000000000001", reported_by="NEWS", dataset="news",
                     source_id="n1", date_start="2024-01-01", date_end="2024-01-01",
                     place=Place(country="PK", admin1="Balochistan", precision="admin1"))  # fmt: skip
    assert Record.from_incident(named).admin1 == "PK-BA"


def test_stored_row_round_trips_through_json_and_refuses_garbage() -> None:
    import json

    for rec in generate(300, seed=2).records:
        assert Record.from_row(json.loads(json.dumps(rec.to_row()))) == rec
    with pytest.raises(InvalidInput, match="stored reconciliation record is malformed"):
        Record.from_row(["incident--x", "PK"])
    row = generate(1, seed=2).records[0].to_row()
    row[15] = [["killed", "total", -1, None, None, "reported", "PK", False]]
    with pytest.raises(InvalidInput, match="must be a count"):
        Record.from_row(row)
