"""The disagreement lookup for a batch of records gives exactly what the lookup of each record alone gives."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from sarhad.model.figures import Figure
from sarhad.model.incident import Incident, Perpetrator, Place, incident_id
from sarhad.monitor.counterparts import Facts, counterparts, disagrees, disagrees_many
from sarhad.monitor.evaluate import evaluate, match, notify_committed
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node

PARTIES = ("PK", "IR", "UCDP")
# Names that contain one another (no disagreement) and names that do not; None: the record names no group.
GROUPS = ("Jaish al-Adl", "Jaish", "TTP", "Tehrik-i-Taliban Pakistan", "BLA", None)


def seeded(rng: random.Random, source: str) -> Incident:
    """A record of a few parties over twelve days in a box about 130 km wide: dense, so that records have many
    counterparts (more than the 20 nearest the rule compares) and the box's edges are crossed."""
    party = rng.choice(PARTIES)
    day = (date(2024, 3, 1) + timedelta(days=rng.randrange(12))).isoformat()
    lat = lon = None
    if rng.random() > 0.15:
        lat, lon = round(28.9 + rng.uniform(-0.6, 0.6), 4), round(61.5 + rng.uniform(-0.7, 0.7), 4)
    group = rng.choice(GROUPS)
    figures: tuple[Figure, ...] = ()
    if rng.random() > 0.3:
        low = rng.randrange(6)
        best = rng.choice((None, low + rng.randrange(2)))
        high = rng.choice((None, low + rng.randrange(4)))
        figures = (Figure("killed", "total", low, best, high, "party_official", party),)
    return Incident(
        id=incident_id("party", party, source), reported_by=party, dataset="party", source_id=source,
        date_start=day, date_end=day,
        place=Place(country="PK", admin1=rng.choice(("Balochistan", "Sistan and Baluchestan", None)),
                    admin2=rng.choice(("Chagai", "Kech", None)), lat=lat, lon=lon, precision="near"),
        perpetrators=(Perpetrator(group),) if group else (), figures=figures,
    )  # fmt: skip


def facts(inc: Incident) -> Facts:
    k, p = inc.killed, inc.place
    return Facts(
        inc.id, inc.reported_by, inc.date_start, p.lat, p.lon, p.admin1, p.admin2, inc.perpetrator,
        k.low, k.best, k.high,
    )  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2])
def test_disagrees_many_gives_what_each_record_alone_gives(any_node: Node, seed: int) -> None:
    rng = random.Random(seed)
    stored = [seeded(rng, f"s{seed}-{i}") for i in range(400)]
    with any_node.publisher() as pub:
        pub.add_all(stored)
    notify_committed()
    # The stored records, records not stored, one without a valid start date, and a record with a stored
    # record's id but other facts (an older version, as a sync may carry both).
    probes = [facts(inc) for inc in stored] + [facts(seeded(rng, f"new-{i}")) for i in range(100)]
    probes.append(Facts("x", "IR", "2024-03-99", None, None, None, None, "TTP", 1, 1, 1))
    older = probes[0]
    probes.append(Facts(older.id, older.reported_by, older.date_start, older.lat, older.lon, None, None, "BLA",
                        40, 40, 40))  # fmt: skip
    alone = [disagrees(any_node.db, f) for f in probes]
    assert disagrees_many(any_node.db, probes) == alone
    # The comparison means something: many records disagree, and many have more counterparts than the 20
    # nearest the rule compares (so which 20 are compared matters).
    assert sum(bool(a) for a in alone) > len(probes) // 2
    assert sum(len(counterparts(any_node.db, f, limit=500)) > 20 for f in probes) > 100
    assert disagrees_many(any_node.db, []) == []


def test_the_rules_raise_on_a_batch_the_alerts_they_raise_on_each_record(any_node: Node) -> None:
    rng = random.Random(7)
    stored = [seeded(rng, f"s{i}") for i in range(300)]
    with any_node.publisher() as pub:
        pub.add_all(stored)
    notify_committed()
    rules = [
        Rule(name="disagrees", disagrees=True),
        Rule(name="disagrees-deadly", disagrees=True, min_killed=3),
        Rule(name="ttp", perpetrators=("ttp",)),
    ]
    for rule in rules:
        add_rule(any_node.db, rule)
    alone = {
        (rule.name, inc.id): "; ".join(reasons)
        for inc in stored
        for rule in rules
        if (reasons := match(any_node.db, rule, inc)) is not None
    }
    alerts = evaluate(any_node.db, stored, origin="PK")
    notify_committed()
    assert {(a.rule, a.incident_id): a.reason for a in alerts} == alone
    assert sum(rule == "disagrees" for rule, _ in alone) > 100


def test_a_record_with_more_rows_in_its_window_than_the_lookup_reads_is_looked_up_alone(any_node: Node) -> None:
    # 510 rows of another party without coordinates on the record's day: more than the 500 the lookup reads,
    # so the batch looks this record up alone and gives what the lookup of it alone gives.
    day = "2024-03-05"
    crowd = [
        Incident(id=incident_id("party", "IR", f"c{i}"), reported_by="IR", dataset="party", source_id=f"c{i}",
                 date_start=day, date_end=day, place=Place(country="IR", admin1="Sistan and Baluchestan"),
                 perpetrators=(Perpetrator("BLA" if i % 2 else "Jaish al-Adl"),))
        for i in range(510)
    ]  # fmt: skip
    with any_node.publisher() as pub:
        pub.add_all(crowd)
    notify_committed()
    record = Facts("pk-1", "PK", day, 29.0, 61.0, "Sistan and Baluchestan", None, "Jaish al-Adl", 2, 2, 2)
    few = Facts("pk-2", "PK", "2024-04-20", 29.0, 61.0, None, None, "TTP", 2, 2, 2)
    assert len(counterparts(any_node.db, record, limit=1000)) == 500
    expected = disagrees(any_node.db, record)
    assert 0 < len(expected) <= 20  # of the 20 nearest, those naming BLA
    assert disagrees_many(any_node.db, [few, record]) == [[], expected]
