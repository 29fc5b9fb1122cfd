"""A watch officer's place rules on records placed coarsely or only by a point: a distance from a point that
stands for a region says so (UCDP's "Pakistan-Iran border", placed to a region, is not "0.9 km from the border"
as a town is), and a district rule watches a record placed only by its point in that district, saying the
district was inferred."""

from __future__ import annotations

import json

import pytest

from sarhad.model.incident import Incident, Place, incident_id
from sarhad.monitor.alerts import list_alerts
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from tests.conftest import run_cli


def placed(
    source: str,
    precision: str,
    *,
    lat: float = 28.96,
    lon: float = 61.59,
    admin2: str | None = None,
    border_km: float | None = 0.9,
    day: str = "2025-04-11",
) -> Incident:
    place = Place(
        country="PK", admin1="Balochistan", admin1_code="PK-BA", admin2=admin2, lat=lat, lon=lon,
        precision=precision, border_km=border_km,
    )  # fmt: skip
    return Incident(
        id=incident_id("party", "PK", source), reported_by="PK", dataset="party", source_id=source,
        date_start=day, date_end=day, place=place,
    )  # fmt: skip


def test_a_distance_from_a_point_that_stands_for_an_area_says_so(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    add_rule(any_node.db, Rule("border", near_border_km=25))
    add_rule(any_node.db, Rule("box", polygon=((61.0, 28.5), (62.0, 28.5), (62.0, 29.5), (61.0, 29.5))))
    region, town, province = placed("r", "region"), placed("t", "near"), placed("p", "admin1")
    any_node.publish([region, town, province])
    got = {(a.rule, a.incident_id): a.reason for a in list_alerts(any_node.db)}
    assert got == {
        ("border", region.id): "0.9 km from the border (place known only to the region)",
        ("border", province.id): "0.9 km from the border (place known only to the province)",
        ("border", town.id): "0.9 km from the border",
        ("box", region.id): "inside the watched area (place known only to the region)",
        ("box", province.id): "inside the watched area (place known only to the province)",
        ("box", town.id): "inside the watched area",
    }
    code, out, err = run_cli(capsys, "--home", str(any_node.settings.home), "alerts", "list", "--json")
    assert code == 0, err
    shown = {(a["rule"], a["incident_id"]): a["geo_precision"] for a in json.loads(out)}
    assert shown[("border", region.id)] == "region" and shown[("border", town.id)] == "near"
    # a later version placed at the town itself: the alert is updated, and says how the place became known
    exact = placed("r", "exact", lat=28.97)
    any_node.publish([exact])
    alert = next(a for a in list_alerts(any_node.db) if a.rule == "border" and a.incident_id == region.id)
    assert alert.reason == "0.9 km from the border"
    assert {"fact": "geo_precision", "old": "region", "new": "exact"} in alert.changes


def test_a_district_rule_watches_a_record_placed_only_by_its_point_in_that_district(any_node: Node) -> None:
    add_rule(any_node.db, Rule("kech", admin1=("Kech district",)))
    add_rule(any_node.db, Rule("baloch", admin1=("PK-BA",)))
    near_turbat = placed("turbat", "exact", lat=26.01, lon=63.06)
    named = placed("named", "exact", lat=26.01, lon=63.06, admin2="Kech")
    centroid = placed("centroid", "admin1", lat=26.01, lon=63.06)  # the province's stand-in point says no district
    in_chagai = placed("chagai", "exact", lat=28.9, lon=64.4)
    any_node.publish([near_turbat, named, centroid, in_chagai])
    got = {(a.rule, a.incident_id): a.reason for a in list_alerts(any_node.db) if a.rule == "kech"}
    assert got == {
        ("kech", near_turbat.id): "in Kech (district inferred from the point)",
        ("kech", named.id): "in Kech",
    }
    # a province rule reads the record's own province, never an inferred district
    province = {a.incident_id: a.reason for a in list_alerts(any_node.db) if a.rule == "baloch"}
    assert province[near_turbat.id] == "in Balochistan"
