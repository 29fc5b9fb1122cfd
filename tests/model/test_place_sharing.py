"""Incidents parsed from STIX share equal places, figures and perpetrators, and only equal ones (same members,
values and types)."""

from __future__ import annotations

from typing import Any

import pytest

from sarhad.errors import InvalidInput
from sarhad.model.incident import SARHAD_EXTENSION, Incident, incident_id


def stix(place: Any, **members: Any) -> dict[str, Any]:
    obj = Incident(
        id=incident_id("party", "PK", "p-1"), reported_by="PK", dataset="party", source_id="p-1",
        date_start="2025-01-01", date_end="2025-01-01",
    ).to_stix()  # fmt: skip
    obj["extensions"][SARHAD_EXTENSION].update(place=place, **members)
    return obj


KILLED = {"measure": "killed", "category": "total", "low": 1, "best": 2, "high": 3, "rule": "ucdp",
          "asserted_by": "UCDP"}  # fmt: skip


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


def test_equal_figures_and_perpetrators_are_one_object_and_different_ones_are_not() -> None:
    group = {"name": "TTP", "attribution": "claimed"}
    a = Incident.from_stix(stix({}, figures=[dict(KILLED)], perpetrators=[dict(group)]))
    b = Incident.from_stix(stix({}, figures=[dict(KILLED)], perpetrators=[dict(group)]))
    c = Incident.from_stix(stix({}, figures=[{**KILLED, "best": 4}], perpetrators=[{**group, "name": "BLA"}]))
    assert a.figures[0] is b.figures[0] and a.perpetrators[0] is b.perpetrators[0]
    assert (c.figures[0].best, c.perpetrators[0].name) == (4, "BLA")
    ambiguous = Incident.from_stix(stix({}, figures=[{**KILLED, "zero_ambiguous": 1}])).figures[0]
    plain = Incident.from_stix(stix({}, figures=[{**KILLED, "zero_ambiguous": 0}])).figures[0]
    assert ambiguous.zero_ambiguous and not plain.zero_ambiguous


@pytest.mark.parametrize(
    "members",
    [
        {"figures": [{**KILLED, "best": -1}]},
        {"figures": [{**KILLED, "best": 2.0}]},  # equal to 2 in Python, but not a count
        {"figures": [{**KILLED, "best": True}]},
        {"figures": [{**KILLED, "best": [2]}]},
        {"figures": ["killed 2"]},
        {"perpetrators": [{"name": "TTP", "attribution": "rumoured"}]},
        {"perpetrators": [{"name": ["TTP"]}]},
        {"perpetrators": ["TTP"]},
    ],
)
def test_a_malformed_figure_or_perpetrator_is_refused_every_time(members: dict[str, Any]) -> None:
    Incident.from_stix(stix({}, figures=[dict(KILLED)], perpetrators=[{"name": "TTP"}]))  # the valid ones seen
    for _ in range(2):  # the second time must not find anything cached
        with pytest.raises(InvalidInput):
            Incident.from_stix(stix({}, **members))
