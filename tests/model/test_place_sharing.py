"""Incidents parsed from STIX share equal places, and only equal ones (same members, values and types)."""

from __future__ import annotations

from typing import Any

import pytest

from sarhad.errors import InvalidInput
from sarhad.model.incident import SARHAD_EXTENSION, Incident, incident_id


def stix(place: Any) -> dict[str, Any]:
    obj = Incident(
        id=incident_id("party", "PK", "p-1"), reported_by="PK", dataset="party", source_id="p-1",
        date_start="2025-01-01", date_end="2025-01-01",
    ).to_stix()  # fmt: skip
    obj["extensions"][SARHAD_EXTENSION]["place"] = place
    return obj


def test_equal_places_are_one_object_and_different_ones_are_not() -> None:
    quetta = {"country": "PK", "admin1": "Balochistan", "lat": 30.18, "lon": 66.99, "precision": "exact"}
    a = Incident.from_stix(stix(dict(quetta)))
    b = Incident.from_stix(stix(dict(quetta)))
    c = Incident.from_stix(stix({**quetta, "lat": 30.19}))
    assert a.place is b.place
    assert c.place is not a.place and c.place.lat == 30.19


def test_values_equal_in_python_but_of_other_types_are_kept_apart() -> None:
    # 1 == 1.0 in Python (and as dict keys); the record keeps what the object said.
    whole = Incident.from_stix(stix({"lat": 1, "lon": 2, "precision": "exact"})).place
    real = Incident.from_stix(stix({"lat": 1.0, "lon": 2.0, "precision": "exact"})).place
    assert type(whole.lat) is int and type(real.lat) is float


@pytest.mark.parametrize("place", [{"lat": [1], "lon": 2}, {"country": {"x": 1}}, ["PK"], {"lat": 123.4, "lon": 1}])
def test_a_malformed_place_is_refused_every_time(place: Any) -> None:
    for _ in range(2):  # the second time must not find anything cached
        with pytest.raises(InvalidInput):
            Incident.from_stix(stix(place))
