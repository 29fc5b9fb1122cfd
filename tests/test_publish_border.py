"""Every publish path fills a located record's distance to the border, the library's ``Node.publish`` too."""

from __future__ import annotations

from dataclasses import replace

from sarhad.geo import border_km
from sarhad.model.incident import Incident, Place, incident_id
from sarhad.node import Node


def _located(source_id: str, lat: float, lon: float) -> Incident:
    return Incident(
        id=incident_id("manual", "PK", source_id),
        reported_by="PK",
        dataset="manual",
        source_id=source_id,
        date_start="2024-03-01",
        date_end="2024-03-01",
        place=Place(country="PK", lat=lat, lon=lon, precision="exact"),
    )


def test_node_publish_fills_border_km_of_a_record_with_coordinates(any_node: Node) -> None:
    near_taftan = _located("near-taftan", 28.96, 61.6)
    any_node.publish([near_taftan])
    stored = any_node.incident(near_taftan.id)
    assert stored.place.border_km == border_km(28.96, 61.6)
    assert stored.place.border_km is not None and stored.place.border_km < 50


def test_node_publish_keeps_a_given_border_km_and_leaves_an_unlocated_record_without_one(any_node: Node) -> None:
    given = replace(_located("given", 28.96, 61.6), place=Place(lat=28.96, lon=61.6, border_km=7.5))
    unlocated = replace(_located("unlocated", 0, 0), place=Place(country="PK"))
    any_node.publish([given, unlocated])
    assert any_node.incident(given.id).place.border_km == 7.5
    assert any_node.incident(unlocated.id).place.border_km is None
