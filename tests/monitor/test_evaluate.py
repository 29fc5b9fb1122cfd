"""Evaluation: each rule kind, one alert per (rule, incident), own and synced records alike."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from sarhad.errors import InvalidInput
from sarhad.model.figures import Figure
from sarhad.model.incident import SARHAD_EXTENSION, Incident, Perpetrator, Place, incident_id
from sarhad.monitor.alerts import list_alerts
from sarhad.monitor.evaluate import Subject, evaluate, match, notify_committed, take_pending
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node


def make(source: str, *, party: str = "PK", day: str = "2025-04-11", lat: float = 28.96, lon: float = 61.59,
         border_km: float | None = 2.5, admin1: str = "Balochistan", admin2: str = "Chagai",
         perpetrator: str | None = "Jaish al-Adl", killed: int | None = 2) -> Incident:  # fmt: skip
    figures = (
        (Figure("killed", "total", killed, killed, killed, "party_official", party),) if killed is not None else ()
    )
    return Incident(
        id=incident_id("party", party, source), reported_by=party, dataset="party", source_id=source,
        date_start=day, date_end=day,
        place=Place(country="PK" if party == "PK" else "IR", admin1=admin1, admin2=admin2, lat=lat, lon=lon,
                    precision="near", border_km=border_km),
        perpetrators=(Perpetrator(perpetrator),) if perpetrator else (), figures=figures,
    )  # fmt: skip


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    n = Node.init(tmp_path / "pk", "PK")
    yield n
    n.close()


def publish_and_evaluate(node: Node, *incidents: Incident, origin: str = "PK") -> list[str]:
    """Publish (the publisher evaluates the rules in its transaction); the rules of the new alerts."""
    before = {a.id for a in list_alerts(node.db)}
    with node.publisher() as pub:
        pub.add_all(incidents)
    # Evaluating again, as a sync would for the same records, adds nothing.
    assert evaluate(node.db, incidents, origin=origin) == []
    notify_committed()
    return sorted(a.rule for a in list_alerts(node.db) if a.id not in before)


def test_near_border_and_perpetrator_and_killed_rules(node: Node) -> None:
    add_rule(node.db, Rule(name="near", near_border_km=10))
    add_rule(node.db, Rule(name="jaish-2", perpetrators=("jaish",), min_killed=2))
    add_rule(node.db, Rule(name="many", min_killed=10))
    assert publish_and_evaluate(node, make("a")) == ["jaish-2", "near"]
    assert publish_and_evaluate(node, make("b", border_km=80, killed=1)) == []
    reasons = {a.rule: a.reason for a in list_alerts(node.db)}
    assert reasons["near"] == "2.5 km from the border"
    assert reasons["jaish-2"] == "perpetrator Jaish al-Adl (jaish); 2 killed"


def test_incident_without_figures_or_distance_does_not_match(node: Node) -> None:
    add_rule(node.db, Rule(name="near", near_border_km=10))
    add_rule(node.db, Rule(name="killed", min_killed=0))
    assert publish_and_evaluate(node, make("a", border_km=None, killed=None)) in ([], ["near"])


def test_crossing_admin1_and_polygon_rules(node: Node) -> None:
    add_rule(node.db, Rule(name="taftan", crossing_km=15))
    add_rule(node.db, Rule(name="chagai", admin1=("chagai",)))
    add_rule(node.db, Rule(name="box", polygon=((61.0, 28.5), (62.0, 28.5), (62.0, 29.5), (61.0, 29.5))))
    assert publish_and_evaluate(node, make("a")) == ["box", "chagai", "taftan"]
    assert publish_and_evaluate(node, make("b", lat=26.0, lon=63.05, admin2="Kech")) == []
    assert "Taftan" in next(a.reason for a in list_alerts(node.db) if a.rule == "taftan")


def test_one_alert_per_rule_and_incident(node: Node) -> None:
    add_rule(node.db, Rule(name="near", near_border_km=10))
    inc = make("a")
    assert publish_and_evaluate(node, inc) == ["near"]
    assert publish_and_evaluate(node, inc) == []
    assert publish_and_evaluate(node, make("a", killed=7)) == []  # a new version of the same incident
    assert [(a.rule, a.incident_id) for a in list_alerts(node.db)] == [("near", inc.id)]
    # The dashboard's total, over HTTP, counts it once too.
    import httpx

    from sarhad.web.auth import create_token
    from tests.web.conftest import serving

    token = create_token(node.db, "root", "admin", "PK")
    with serving(node) as base:
        answer = httpx.get(base + "/api/dashboard/alerts", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.json()["total"] == 1


def test_surge_rule_compares_the_window_with_the_baseline(node: Node) -> None:
    add_rule(node.db, Rule(name="surge", surge_window_days=7, surge_factor=3, surge_baseline_days=70))
    baseline = [make(f"old{i}", day=f"2025-02-{10 + i:02d}") for i in range(3)]
    with node.publisher() as pub:
        pub.add_all(baseline)
    assert publish_and_evaluate(node, make("n1", day="2025-04-01")) == []
    assert publish_and_evaluate(node, make("n2", day="2025-04-02")) == []
    assert publish_and_evaluate(node, make("n3", day="2025-04-03")) == ["surge"]
    assert "3 incidents in 7 days, expected 0.3" in list_alerts(node.db, rule="surge")[0].reason


def test_a_surge_counted_for_a_whole_batch_gives_each_record_the_reason_it_gives_alone(any_node: Node) -> None:
    # An evaluation counts a surge rule's incidents for all its records at once: each record's reason must be what
    # asking for that record alone gives, in its province, its country or everywhere, when its own stored row
    # stands elsewhere (another version) or on another day, and on a day with no incident near.
    places = [("Balochistan", "Chagai"), ("Sindh", "Karachi"), ("", "")]
    stored = [
        make(f"s{i}", day=f"2025-03-{1 + (i * 7) % 28:02d}", admin1=places[i % 3][0], admin2=places[i % 3][1])
        for i in range(24)
    ]
    with any_node.publisher() as pub:
        pub.add_all(stored)
    subjects = [Subject.of(inc) for inc in stored]
    subjects += [
        Subject.of(replace(stored[0], date_start="2025-03-20", date_end="2025-03-20")),  # its stored row is earlier
        Subject.of(stored[1])._replace(admin1="Balochistan"),  # its stored row is in Sindh
        Subject.of(stored[2])._replace(country=None),  # counted everywhere
        Subject.of(make("new", day="2025-03-09", admin1="Sindh")),  # not stored
        Subject.of(make("far", day="2031-01-01")),  # no incident near
    ]
    rule = Rule("surge", surge_window_days=7, surge_factor=1.5, surge_baseline_days=14, surge_min_count=2)
    add_rule(any_node.db, rule)
    alone: dict[str, str] = {}
    for s in subjects:
        reasons = match(any_node.db, rule, s)
        if reasons is not None:
            alone.setdefault(s.id, "; ".join(reasons))
    with any_node.db.transaction():
        raised = {a.incident_id: a.reason for a in evaluate(any_node.db, subjects, origin="PK")}
    assert raised == alone
    assert 3 <= len(set(alone.values())) and len(alone) < len({s.id for s in subjects})


def test_disagreement_with_another_partys_record(node: Node) -> None:
    add_rule(node.db, Rule(name="disputed", disagrees=True))
    assert publish_and_evaluate(node, make("pk", killed=2)) == []
    ir = make("ir", party="IR", day="2025-04-12", lat=29.02, lon=61.45, perpetrator="Jaish al-Adl", killed=6)
    assert publish_and_evaluate(node, ir, origin="IR") == ["disputed"]
    alert = list_alerts(node.db)[0]
    assert "killed: IR 6, PK 2" in alert.reason
    agreeing = make("ir2", party="IR", day="2025-04-11", killed=2)
    assert publish_and_evaluate(node, agreeing, origin="IR") == []


def test_synced_records_are_evaluated_with_their_origin(node: Node) -> None:
    record = make("ir", party="IR")
    with node.publisher() as pub:
        pub.add(record)
    take_pending()
    add_rule(node.db, Rule(name="near", near_border_km=10))
    alerts = evaluate(node.db, [record], origin="IR")
    assert [(a.rule, a.origin, a.incident_id) for a in alerts] == [("near", "IR", record.id)]
    assert [a.rule for a in take_pending()] == ["near"]
    assert take_pending() == []
    assert evaluate(node.db, [], origin="IR") == []


def test_list_alerts_rejects_a_bad_limit(node: Node) -> None:
    with pytest.raises(InvalidInput, match="limit 0 is not positive"):
        list_alerts(node.db, limit=0)


def test_border_distances_computed_for_a_batch_give_what_each_record_alone_gives(node: Node) -> None:
    # Records without a stored distance (as a peer may send them) get it computed, for a batch in one call.
    from sarhad.monitor.evaluate import match

    rule = Rule(name="near", near_border_km=60)
    add_rule(node.db, rule)
    points = [(28.96, 61.59), (29.5, 60.9), (27.2, 62.4), (25.3, 62.3), (31.0, 66.5), (30.2, 71.5)]
    batch = [make(f"p{i}", lat=lat, lon=lon, border_km=None) for i, (lat, lon) in enumerate(points)]
    batch.append(make("preset", border_km=5.0))  # a stored distance is used as it is
    batch.append(make("nowhere", border_km=None, lat=None, lon=None))  # type: ignore[arg-type]
    alone = {inc.id: match(node.db, rule, inc) for inc in batch}
    alerts = evaluate(node.db, batch, origin="IR")
    notify_committed()
    assert {a.incident_id: a.reason for a in alerts} == {i: "; ".join(r) for i, r in alone.items() if r is not None}
    assert 2 <= len(alerts) < len(batch)  # some near, some not


def test_two_versions_of_one_incident_in_a_batch_each_get_their_own_border_distance(node: Node) -> None:
    # A sync piece may carry two versions of one incident, the later one moved (a corrected place): each is
    # judged by its own place, not by the distance computed for the other.
    from sarhad.monitor.evaluate import may_alert

    near = make("moved", lat=28.96, lon=61.59, border_km=None)  # a few km from the border
    far = replace(near, place=replace(near.place, lat=30.2, lon=71.5))  # Punjab, hundreds of km away
    rule = Rule(name="near", near_border_km=20)
    (kept,) = may_alert([rule], [near, far])
    assert kept.place.lat == near.place.lat and kept.place.border_km is not None and kept.place.border_km < 20
    add_rule(node.db, rule)
    alerts = evaluate(node.db, [near, far], origin="IR")
    notify_committed()
    assert [a.incident_id for a in alerts] == [near.id]


def test_may_alert_keeps_every_record_a_rule_alerts_on(node: Node) -> None:
    # A large sync's checking process sends only may_alert's records; none that would alert may be left out.
    from sarhad.monitor.evaluate import match, may_alert

    rules = [
        Rule(name="near", near_border_km=20),
        Rule(name="jaish-deadly", perpetrators=("jaish",), min_killed=3),
        Rule(name="chagai", admin1=("Chagai",)),
        Rule(name="disagrees", disagrees=True),
    ]
    records = [
        make(f"r{i}", border_km=b, perpetrator=p, killed=k, admin2=a)
        for i, (b, p, k, a) in enumerate(
            [(5.0, "Jaish al-Adl", 4, "Kech"), (50.0, "Jaish al-Adl", 4, "Kech"), (50.0, "TTP", 9, "Chagai"),
             (50.0, None, None, "Kech"), (None, "Jaish al-Adl", 1, "Panjgur")]
        )
    ]  # fmt: skip
    kept = {inc.id for inc in may_alert(rules, records)}
    for rule in rules:
        for inc in records:
            if match(node.db, rule, inc) is not None:
                assert inc.id in kept, (rule.name, inc.source_id)
    without_db_rule = {inc.id for inc in may_alert(rules[:3], records)}
    # r3 (far, no group, no figure, not in Chagai) can alert on no rule but the database one; r4 has no stored
    # distance: computed, it is near
    assert without_db_rule == {records[i].id for i in (0, 1, 2, 4)}
    # the distance computed for r4 goes with it, so the writer's evaluation does not compute it again
    (r4,) = [inc for inc in may_alert(rules[:1], records) if inc.id == records[4].id]
    assert r4.place.border_km is not None and r4.place.border_km < 20
    assert may_alert([], records) == []


def test_a_record_that_states_no_group_and_no_killed_cannot_disagree(node: Node) -> None:
    # It is not even looked up; a record that states either is, and its disagreement alerts.
    from sarhad.monitor.evaluate import may_alert

    rule = Rule(name="disagrees", disagrees=True)
    add_rule(node.db, rule)
    silent = make("silent", perpetrator=None, killed=None)
    assert may_alert([rule], [silent]) == []
    assert publish_and_evaluate(node, make("pk-1", killed=2)) == []  # PK's own record: no other party yet
    ir_silent = make("ir-silent", party="IR", perpetrator=None, killed=None)
    ir_loud = make("ir-loud", party="IR", perpetrator="TTP", killed=9)
    assert may_alert([rule], [ir_silent, ir_loud]) == [ir_loud]
    alerts = evaluate(node.db, [ir_silent, ir_loud], origin="IR")
    notify_committed()
    assert [a.incident_id for a in alerts] == [ir_loud.id]
    assert "perpetrator" in alerts[0].reason and "killed" in alerts[0].reason


def test_the_subject_from_a_records_row_is_the_subject_of_the_record() -> None:
    # A sync's checking process builds what the rules read from the incidents row and the object's group names,
    # without the Incident: it must be what the Incident gives, for every kind of place, group list and figure.
    from sarhad.monitor.evaluate import Subject
    from sarhad.store.incidents import incident_row_from_stix

    records = [
        make("plain"),
        make("none", perpetrator=None, killed=None, border_km=None),
        make("nowhere", lat=None, lon=None, border_km=None),  # type: ignore[arg-type]
        replace(make("two"), perpetrators=(Perpetrator("TTP"), Perpetrator("Jaish al-Adl", "claimed"))),
        replace(make("low"), figures=(Figure("killed", "total", 3, None, None, "party_official", "PK"),
                                      Figure("wounded", "total", 7, 7, 7, "party_official", "PK"))),
        replace(make("code"), place=Place(country="PK", admin1_code="PK-BA", precision="admin1")),
    ]  # fmt: skip
    for inc in records:
        obj = inc.to_stix()
        row = incident_row_from_stix(obj, "PK", "0" * 64)
        assert row is not None
        names = tuple(p["name"] for p in obj["extensions"][SARHAD_EXTENSION].get("perpetrators", ()))
        assert Subject.of_row(row, names) == Subject.of(Incident.from_stix(obj)) == Subject.of(inc)
    assert Subject.of(records[3]).perpetrators == ("TTP", "Jaish al-Adl")
