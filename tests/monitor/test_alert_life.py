"""An alert's life: one alert per (rule, incident), which a later version of the incident updates (what the rule
looks at changed: old -> new), ends (no longer matches, since that version) or makes match again; an earlier
version arriving late changes nothing. Shown by ``alerts list`` (table and JSON), the dashboard's alerts route
and the live stream; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import httpx
import pytest

from sarhad.model.incident import Incident, Perpetrator
from sarhad.monitor.alerts import Alert, alert_id, list_alerts
from sarhad.monitor.evaluate import Subject, evaluate
from sarhad.monitor.rules import Rule, add_rule
from sarhad.monitor.stream import Broadcaster, Watcher
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import run_cli
from tests.monitor.test_evaluate import make
from tests.web.conftest import serving


def _version(node: Node, incident_id: str) -> str:
    row = node.db.fetchone("SELECT modified FROM incidents WHERE id = ?", (incident_id,))
    assert row is not None
    return str(row[0])


def _publish(node: Node, record: Incident) -> str:
    """Publish ``record`` (a new version when its content changed); the version now current."""
    node.publish([record])
    return _version(node, record.id)


def _alert(node: Node, rule: str, incident_id: str) -> Alert:
    (alert,) = [a for a in list_alerts(node.db, rule=rule) if a.incident_id == incident_id]
    return alert


def _events(node: Node) -> list[tuple[str, str, str]]:
    rows = node.db.fetchall("SELECT e.event, e.version, e.changes FROM alert_events e ORDER BY e.seq")
    return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]


def test_a_later_version_with_a_higher_toll_updates_the_alert_it_raised_and_raises_no_second(any_node: Node) -> None:
    add_rule(any_node.db, Rule("deadly", min_killed=5))
    first = _publish(any_node, make("toll", killed=7))
    raised = _alert(any_node, "deadly", make("toll").id)
    assert (raised.state, raised.version, raised.updated, raised.changes) == ("matches", first, None, ())
    later = _publish(any_node, make("toll", killed=30))
    assert later > first
    (alert,) = list_alerts(any_node.db)  # one alert, not two
    assert alert.id == raised.id and alert.created == raised.created
    assert alert.state == "matches" and alert.version == later and alert.reason == "30 killed"
    assert alert.changes == ({"fact": "killed", "old": 7, "new": 30},)
    assert alert.updated is not None
    assert [(e, v) for e, v, _ in _events(any_node)] == [("updated", later)]


def test_a_new_perpetrator_or_a_moved_place_updates_the_rules_that_look_at_them_only(any_node: Node) -> None:
    add_rule(any_node.db, Rule("jaish", perpetrators=("Jaish al-Adl",)))
    add_rule(any_node.db, Rule("near", near_border_km=25))
    record = make("moving", border_km=2.5)
    _publish(any_node, record)
    two = replace(record, perpetrators=(Perpetrator("Jaish al-Adl"), Perpetrator("BLA")))
    second = _publish(any_node, two)
    assert _alert(any_node, "jaish", record.id).changes == (
        {"fact": "perpetrators", "old": ["Jaish al-Adl"], "new": ["Jaish al-Adl", "BLA"]},
    )
    near = _alert(any_node, "near", record.id)
    assert near.updated is None and near.version == second  # the groups are nothing the distance rule looks at
    moved = replace(two, place=replace(two.place, lat=29.1, lon=61.4, border_km=12.0))
    third = _publish(any_node, moved)
    near = _alert(any_node, "near", record.id)
    assert near.changes == ({"fact": "border_km", "old": 2.5, "new": 12.0},)
    assert near.version == third and near.reason == "12.0 km from the border"
    assert _alert(any_node, "jaish", record.id).version == third  # still matching, nothing it looks at changed
    assert [e for e, _, _ in _events(any_node)] == ["updated", "updated"]


def test_a_version_that_no_longer_matches_ends_the_alert_and_a_later_match_brings_it_back(any_node: Node) -> None:
    add_rule(any_node.db, Rule("deadly", min_killed=5))
    first = _publish(any_node, make("ebb", killed=30))
    ended = _publish(any_node, make("ebb", killed=2))
    alert = _alert(any_node, "deadly", make("ebb").id)  # still listed, with its state
    assert (alert.state, alert.lapsed, alert.version) == ("no_longer_matches", ended, first)
    assert alert.reason == "30 killed"  # why it matched, when it last did
    again = _publish(any_node, make("ebb", killed=40))
    alert = _alert(any_node, "deadly", make("ebb").id)
    assert (alert.state, alert.lapsed, alert.version, alert.reason) == ("matches", None, again, "40 killed")
    assert alert.changes == ({"fact": "killed", "old": 30, "new": 40},)
    assert [(e, v) for e, v, _ in _events(any_node)] == [("no_longer_matches", ended), ("matches_again", again)]


def test_an_earlier_version_evaluated_late_changes_nothing(any_node: Node) -> None:
    add_rule(any_node.db, Rule("deadly", min_killed=5))
    first = _publish(any_node, make("late", killed=7))
    later = _publish(any_node, make("late", killed=30))
    stale = Subject.of(replace(make("late", killed=1), modified=first))
    with any_node.db.transaction():
        assert evaluate(any_node.db, [stale], origin="PK") == []
    alert = _alert(any_node, "deadly", make("late").id)
    assert (alert.state, alert.version) == ("matches", later)
    assert [e for e, _, _ in _events(any_node)] == ["updated"]


def test_alerts_list_the_api_and_the_stream_show_the_state_and_the_changes(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    add_rule(any_node.db, Rule("deadly", min_killed=5))
    add_rule(any_node.db, Rule("near", near_border_km=25))
    watcher = Watcher(any_node.db, Broadcaster())
    assert watcher.poll() == []
    _publish(any_node, make("shown", killed=7))
    latest = _publish(any_node, make("shown", killed=30))
    ended = _publish(any_node, make("shown", killed=30, border_km=80, lat=27.5, lon=63.0))
    home = str(any_node.settings.home)

    code, out, err = run_cli(capsys, "--home", home, "alerts", "list")
    assert code == 0, err
    lines = {line.split()[1]: line for line in out.splitlines()}
    updated = _alert(any_node, "deadly", make("shown").id).updated
    # the version the update came with, and the latest that matches (the last changed nothing the rule reads)
    assert lines["deadly"].endswith(f"30 killed  [updated {updated}: killed 7 -> 30; matches version {ended}]")
    assert lines["near"].endswith(f"[no longer matches (since version {ended})]")
    code, out, err = run_cli(capsys, "--home", home, "alerts", "list", "--json")
    assert code == 0, err
    listed = {a["rule"]: a for a in json.loads(out)}
    assert listed["deadly"]["state"] == "matches" and listed["deadly"]["version"] == ended
    assert listed["deadly"]["changes"] == [{"fact": "killed", "old": 7, "new": 30}]
    assert (listed["near"]["state"], listed["near"]["lapsed_since"]) == ("no_longer_matches", ended)

    token = create_token(any_node.db, "desk", "viewer", "PK")
    with serving(any_node) as base:
        answer = httpx.get(f"{base}/api/dashboard/alerts", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert answer.status_code == 200, answer.text
    served = {a["rule"]: a for a in answer.json()["alerts"]}
    for rule in ("deadly", "near"):
        assert {k: served[rule][k] for k in listed[rule]} == listed[rule]

    events = watcher.poll()
    updates: list[dict[str, Any]] = [e.data for e in events if e.kind == "alert_update"]
    assert [(u["rule"], u["change"]["event"], u["change"]["version"]) for u in updates] == [
        ("deadly", "updated", latest),
        ("near", "no_longer_matches", ended),
    ]
    assert updates[0]["change"]["changes"] == [{"fact": "killed", "old": 7, "new": 30}]
    assert updates[0]["incident"]["id"] == make("shown").id
    assert [e.data["rule"] for e in events if e.kind == "alert"] == ["deadly", "near"]  # raised once each
    assert watcher.poll() == []


def test_an_alert_stored_before_its_life_was_kept_ends_or_records_its_version(any_node: Node) -> None:
    """An alert of the previous release has no version nor facts: a newer version that matches records them
    (nothing to compare with, so no update), one that does not ends it."""
    add_rule(any_node.db, Rule("deadly", min_killed=5))
    add_rule(any_node.db, Rule("near", near_border_km=25))
    _publish(any_node, make("old", killed=7))
    with any_node.db.transaction():
        any_node.db.execute("UPDATE alerts SET version = NULL, facts = NULL")
    newer = _publish(any_node, make("old", killed=9, border_km=80, lat=27.5, lon=63.0))
    deadly, near = _alert(any_node, "deadly", make("old").id), _alert(any_node, "near", make("old").id)
    assert (deadly.state, deadly.version, deadly.updated) == ("matches", newer, None)
    assert (near.state, near.lapsed) == ("no_longer_matches", newer)
    assert alert_id("near", make("old").id) == near.id


def _surge_area(node: Node) -> None:
    """A surge rule and the baseline of its area: three incidents in February, then two in April."""
    add_rule(node.db, Rule("surge", surge_window_days=7, surge_factor=3, surge_baseline_days=70))
    node.publish([make(f"old{i}", day=f"2025-02-{10 + i:02d}") for i in range(3)])
    node.publish([make("n1", day="2025-04-01"), make("n2", day="2025-04-02")])


def test_a_surges_counts_changing_in_a_later_version_update_its_alert_and_the_stream_says_so(any_node: Node) -> None:
    """A surge alert's reason gives its counts: a later version of its incident judged on more incidents in the
    window updates the alert (incidents 3 -> 4), recorded and streamed as the other rules' updates are; a later
    version on the same counts changes nothing."""
    _surge_area(any_node)
    watcher = Watcher(any_node.db, Broadcaster())
    assert watcher.poll() == []
    _publish(any_node, make("n3", day="2025-04-03"))
    raised = _alert(any_node, "surge", make("n3").id)
    assert raised.reason.endswith("3 incidents in 7 days, expected 0.3")
    _publish(any_node, make("n4", day="2025-04-03"))  # a fourth in the window, alerting on its own
    later = _publish(any_node, make("n3", day="2025-04-03", killed=5))  # nothing else the rule reads changed
    alert = _alert(any_node, "surge", make("n3").id)
    assert alert.reason.endswith("4 incidents in 7 days, expected 0.3")
    assert (alert.state, alert.version, alert.changes) == (
        "matches",
        later,
        ({"fact": "incidents", "old": 3, "new": 4},),
    )
    assert [(e, v) for e, v, _ in _events(any_node)] == [("updated", later)]
    updates = [e.data for e in watcher.poll() if e.kind == "alert_update"]
    assert [(u["id"], u["change"]["event"], u["change"]["version"]) for u in updates] == [(raised.id, "updated", later)]
    assert updates[0]["reason"] == alert.reason
    assert updates[0]["change"]["changes"] == [{"fact": "incidents", "old": 3, "new": 4}]

    again = _publish(any_node, make("n3", day="2025-04-03", killed=6))  # the same counts
    assert _alert(any_node, "surge", make("n3").id).version == again
    assert len(_events(any_node)) == 1
    assert [e for e in watcher.poll() if e.kind == "alert_update"] == []


def test_a_surge_alert_stored_before_its_counts_were_kept_is_not_updated_by_them_alone(any_node: Node) -> None:
    """An alert stored before a surge's counts were facts: a later version on the same area and day records them
    without an update; one whose count changes then is updated."""
    _surge_area(any_node)
    _publish(any_node, make("n3", day="2025-04-03"))
    with any_node.db.transaction():  # as stored before: the area and the day only
        any_node.db.execute(
            "UPDATE alerts SET facts = ? WHERE rule = 'surge'", ('{"area":"Balochistan","date_start":"2025-04-03"}',)
        )
    _publish(any_node, make("n3", day="2025-04-03", killed=5))
    assert _events(any_node) == []
    _publish(any_node, make("n4", day="2025-04-03"))
    later = _publish(any_node, make("n3", day="2025-04-03", killed=6))
    assert [(e, v, json.loads(c)) for e, v, c in _events(any_node)] == [
        ("updated", later, [{"fact": "incidents", "old": 3, "new": 4}])
    ]


def test_two_versions_in_one_evaluation_leave_the_alert_at_the_later_one_whichever_changed_what(
    any_node: Node,
) -> None:
    # A version that changes nothing the rule looks at only moves the alert's version; those moves are written
    # together, so a change that follows in the same evaluation (a sync brings both) must still come out last.
    add_rule(any_node.db, Rule("deadly", min_killed=5))
    _publish(any_node, make("pair", killed=7))
    same = Subject.of(replace(make("pair", killed=7), modified="2099-01-01T00:00:00.000Z"))
    more = Subject.of(replace(make("pair", killed=30), modified="2099-01-02T00:00:00.000Z"))
    with any_node.db.transaction():
        assert evaluate(any_node.db, [same, more], origin="PK") == []
    alert = _alert(any_node, "deadly", make("pair").id)
    assert (alert.state, alert.version, alert.reason) == ("matches", more.modified, "30 killed")
    assert alert.changes == ({"fact": "killed", "old": 7, "new": 30},)
    later = Subject.of(replace(make("pair", killed=30), modified="2099-01-03T00:00:00.000Z"))
    fewer = Subject.of(replace(make("pair", killed=2), modified="2099-01-04T00:00:00.000Z"))
    with any_node.db.transaction():
        assert evaluate(any_node.db, [later, fewer], origin="PK") == []
    alert = _alert(any_node, "deadly", make("pair").id)
    assert (alert.state, alert.version, alert.lapsed) == ("no_longer_matches", later.modified, fewer.modified)
    assert [(e, v) for e, v, _ in _events(any_node)] == [
        ("updated", more.modified),
        ("no_longer_matches", fewer.modified),
    ]


def _disputed(node: Node) -> tuple[Incident, Incident]:
    """A disagreement rule, PK's record of an incident (2 killed) and IR's (6 killed), whose alert it raises."""
    add_rule(node.db, Rule("disputed", disagrees=True))
    pk = make("pk", killed=2)
    ir = make("ir", party="IR", day="2025-04-12", lat=29.02, lon=61.45, killed=6)
    node.publish([pk])
    node.publish([ir])
    return pk, ir


def test_a_disagreement_whose_other_party_changes_its_figure_updates_the_alert_and_the_stream_says_so(
    any_node: Node,
) -> None:
    """A disagreement alert's reason says which party gives which figure: when the other party's record changes
    its figure and a later version of the alert's own record (the same groups, the same killed) is judged, the
    alert is updated (reason and event, recorded and streamed); a later version on the same disagreement changes
    nothing but the alert's version."""
    pk, ir = _disputed(any_node)
    raised = _alert(any_node, "disputed", ir.id)
    before = f"PK {pk.id}: killed: IR 6, PK 2"
    assert raised.reason == f"disagrees with {before}"
    watcher = Watcher(any_node.db, Broadcaster())
    watcher.poll()
    _publish(any_node, make("pk", killed=3))  # PK revises its figure: still no overlap with IR's 6
    later = _publish(any_node, replace(ir, place=replace(ir.place, lat=29.03)))  # nothing the rule reads of it
    alert = _alert(any_node, "disputed", ir.id)
    after = f"PK {pk.id}: killed: IR 6, PK 3"
    assert alert.reason == f"disagrees with {after}"
    assert (alert.state, alert.version, alert.changes) == (
        "matches",
        later,
        ({"fact": "disagreements", "old": [before], "new": [after]},),
    )
    assert [(e, v) for e, v, _ in _events(any_node)] == [("updated", later)]
    updates = [e.data for e in watcher.poll() if e.kind == "alert_update"]
    assert [(u["id"], u["change"]["event"], u["change"]["version"]) for u in updates] == [(raised.id, "updated", later)]
    assert updates[0]["reason"] == alert.reason

    again = _publish(any_node, replace(ir, place=replace(ir.place, lat=29.04)))  # the same disagreement
    assert _alert(any_node, "disputed", ir.id).version == again
    assert len(_events(any_node)) == 1
    assert [e for e in watcher.poll() if e.kind == "alert_update"] == []


def test_a_disagreement_alert_stored_before_its_counterparts_were_kept_is_not_updated_by_them_alone(
    any_node: Node,
) -> None:
    """An alert stored before a disagreement's texts were facts: a later version records them without an update;
    one after the other party's figure changed is then updated."""
    pk, ir = _disputed(any_node)
    with any_node.db.transaction():  # as stored before: the groups and the killed figure only
        any_node.db.execute(
            "UPDATE alerts SET facts = ? WHERE rule = 'disputed'", ('{"killed":6,"perpetrators":["Jaish al-Adl"]}',)
        )
    _publish(any_node, replace(ir, place=replace(ir.place, lat=29.03)))
    assert _events(any_node) == []
    _publish(any_node, make("pk", killed=3))
    later = _publish(any_node, replace(ir, place=replace(ir.place, lat=29.04)))
    assert [(e, v, json.loads(c)) for e, v, c in _events(any_node)] == [
        (
            "updated",
            later,
            [
                {
                    "fact": "disagreements",
                    "old": [f"PK {pk.id}: killed: IR 6, PK 2"],
                    "new": [f"PK {pk.id}: killed: IR 6, PK 3"],
                }
            ],
        )
    ]


def test_versions_that_raise_update_end_and_renew_an_alert_in_one_evaluation_leave_it_as_the_last_one_says(
    any_node: Node,
) -> None:
    # An evaluation holds its writes and writes them one statement per kind (new alerts, updates, ends, events):
    # one alert's writes must still come out in the order of its versions, which a sync may bring together.
    add_rule(any_node.db, Rule("deadly", min_killed=5))
    _publish(any_node, make("run", killed=1))
    v1, v2, v3, v4 = (
        Subject.of(replace(make("run", killed=k), modified=f"2099-01-0{day}T00:00:00.000Z"))
        for day, k in ((1, 7), (2, 30), (3, 2), (4, 40))
    )
    with any_node.db.transaction():
        new = evaluate(any_node.db, [v1, v2, v3, v4], origin="PK")
    assert [(a.reason, a.version) for a in new] == [("7 killed", v1.modified)]
    alert = _alert(any_node, "deadly", make("run").id)
    assert (alert.state, alert.version, alert.lapsed, alert.reason) == ("matches", v4.modified, None, "40 killed")
    assert alert.changes == ({"fact": "killed", "old": 30, "new": 40},)
    assert [(e, v, json.loads(c)) for e, v, c in _events(any_node)] == [
        ("updated", v2.modified, [{"fact": "killed", "old": 7, "new": 30}]),
        ("no_longer_matches", v3.modified, []),
        ("matches_again", v4.modified, [{"fact": "killed", "old": 30, "new": 40}]),
    ]
