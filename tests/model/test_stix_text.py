"""The direct writer of an incident's canonical STIX text gives exactly what the general canonical JSON gives."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sarhad.canonical import canonical_text
from sarhad.errors import InvalidInput
from sarhad.model.codes import DATE_PRECISIONS, GEO_PRECISIONS, TLP_LEVELS
from sarhad.model.figures import CATEGORIES, MEASURES, RULES, Figure
from sarhad.model.incident import ATTRIBUTIONS, Incident, Perpetrator, Place, identity_id, incident_id
from sarhad.model.stix_text import IncidentText, incident_text

text = st.text(max_size=15)
count = st.one_of(st.none(), st.integers(0, 2**53 - 1))
coordinate = st.one_of(
    st.floats(-90, 90, allow_nan=False),
    st.integers(-90, 90),
    st.sampled_from([0.0, -0.0, 1e-7, 33.5, 1e-5, 25.123456789012345]),
)
places = st.builds(
    Place,
    country=st.one_of(st.none(), st.sampled_from(["PK", "IR", "AF"])),
    admin1=st.one_of(st.none(), text),
    admin1_code=st.one_of(st.none(), text),
    admin2=st.one_of(st.none(), text),
    name=st.one_of(st.none(), text),
    lat=st.none(),
    lon=st.none(),
    precision=st.sampled_from(GEO_PRECISIONS),
    border_km=st.one_of(st.none(), st.floats(0, 1e6, allow_nan=False), st.integers(0, 10**6)),
)
located = st.builds(lambda p, lat, lon: dataclasses.replace(p, lat=lat, lon=lat if lon is None else lon),
                    places, coordinate, st.one_of(st.none(), coordinate))  # fmt: skip
figures = st.builds(
    Figure,
    measure=st.sampled_from(MEASURES),
    category=st.sampled_from(CATEGORIES),
    low=count,
    best=count,
    high=count,
    rule=st.sampled_from(RULES),
    asserted_by=text,
    zero_ambiguous=st.booleans(),
)
perpetrators = st.builds(Perpetrator, name=text.filter(str.strip), attribution=st.sampled_from(ATTRIBUTIONS))
days = st.dates().map(lambda d: d.isoformat()).filter(lambda d: len(d) == 10)
stamps = st.sampled_from(["1970-01-01T00:00:00Z", "2026-12-01T20:19:36.123Z", "2025-01-02T03:04:05Z"])
strings = st.lists(text, max_size=3).map(tuple)
# PARTY:NAME references; names with '@', '.', '_' and '-' reach the writer's string escaping too
recipient = st.builds(
    "{}:{}".format,
    st.sampled_from(["IR", "PK", "AF-2", "UN"]),
    st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._@-]{0,12}\Z"),
)


@st.composite
def incidents(draw: Any) -> Incident:
    start, end = sorted([draw(days), draw(days)])
    tlp = draw(st.sampled_from(TLP_LEVELS))
    recipients = tuple(draw(st.lists(recipient, max_size=4, unique=True))) if tlp == "RED" else ()
    return Incident(
        id=incident_id(draw(text), draw(text), draw(text)),
        reported_by=draw(text.filter(bool)),
        dataset=draw(text),
        source_id=draw(text),
        date_start=start,
        date_end=end,
        date_precision=draw(st.sampled_from(DATE_PRECISIONS)),
        place=draw(st.one_of(places, located)),
        attack_types=draw(strings),
        target_types=draw(strings),
        weapon_types=draw(strings),
        perpetrators=tuple(draw(st.lists(perpetrators, max_size=3))),
        figures=tuple(draw(st.lists(figures, max_size=3))),
        sources=draw(strings),
        title=draw(text),
        summary=draw(text),
        tlp=tlp,
        recipients=recipients,
        licence=draw(st.sampled_from(["PARTY-OWN", "ACLED-ToU", "CC-BY-4.0"])),
        raw=draw(st.one_of(st.none(), st.dictionaries(text, text, max_size=4))),
        raw_sha256=draw(st.one_of(st.none(), st.just("ab" * 32))),
        flags=draw(strings),
        created=draw(stamps),
        modified=draw(stamps),
    )


@settings(max_examples=400, deadline=None)
@given(incidents(), st.one_of(st.none(), st.sampled_from(["PK", "IR"])))
def test_incident_text_is_the_canonical_json_of_the_stix_object(inc: Incident, party: str | None) -> None:
    try:
        expected = canonical_text(inc.to_stix(party))
    except InvalidInput:
        with pytest.raises(InvalidInput):
            incident_text(inc, party)
        return
    assert incident_text(inc, party) == expected


@settings(max_examples=100, deadline=None)
@given(incidents())
def test_cached_parts_are_reused_and_still_right(inc: Incident) -> None:
    writer = IncidentText(identity_id("PK"))
    again = dataclasses.replace(inc, id=incident_id("x", "y", "z"), summary="another")  # shares place, lists…
    for record in (inc, again, inc):
        try:
            expected = canonical_text(record.to_stix("PK"))
        except InvalidInput:
            return
        head, middle, tail = writer.parts(record)
        assert head + record.created + middle + record.modified + tail == expected


def test_a_summary_holding_the_placeholders_does_not_move_the_timestamps() -> None:
    inc = Incident(id=incident_id("party", "PK", "1"), reported_by="PK", dataset="party", source_id="1",
                   date_start="2025-01-01", date_end="2025-01-01",
                   summary='"@@sarhad:created@@","modified":"@@sarhad:modified@@"')  # fmt: skip
    head, middle, tail = IncidentText(identity_id("PK")).parts(inc)
    stamp = "2026-01-01T00:00:00.000Z"
    body = head + stamp + middle + stamp + tail
    assert body == canonical_text(dataclasses.replace(inc, created=stamp, modified=stamp).to_stix("PK"))


def test_values_of_unexpected_types_take_the_general_path() -> None:
    place = Place(country="PK", admin1=7, lat=30, lon=66)  # type: ignore[arg-type]
    inc = Incident(id=incident_id("party", "PK", "2"), reported_by="PK", dataset="party", source_id="2",
                   date_start="2025-01-01", date_end="2025-01-01", place=place)  # fmt: skip
    assert incident_text(inc) == canonical_text(inc.to_stix())
    assert '"admin1":7' in incident_text(inc) and '"lat":30,' in incident_text(inc)


def test_values_canonical_json_cannot_hold_are_rejected() -> None:
    inc = Incident(id=incident_id("party", "PK", "3"), reported_by="PK", dataset="party", source_id="3",
                   date_start="2025-01-01", date_end="2025-01-01", summary="lone \ud800 surrogate")  # fmt: skip
    with pytest.raises(InvalidInput, match="lone surrogate"):
        incident_text(inc)
    big = Figure("killed", "total", None, 2**60, None, "reported", "PK")
    with pytest.raises(InvalidInput, match="2\\*\\*53"):
        incident_text(dataclasses.replace(inc, summary="", figures=(big,)))
    far = Place(lat=1.0, lon=1.0, border_km=float("inf"))
    with pytest.raises(InvalidInput, match="inf"):
        incident_text(dataclasses.replace(inc, summary="", place=far))


@settings(max_examples=300, deadline=None)
@given(text, text, text)
def test_incident_id_is_the_uuid5_of_dataset_party_and_row(dataset: str, party: str, source_id: str) -> None:
    namespace = uuid.UUID("5a7268ad-0000-5000-8000-736172686164")
    try:
        expected = f"incident--{uuid.uuid5(namespace, f'{dataset}|{party}|{source_id}')}"
    except UnicodeEncodeError:
        with pytest.raises(UnicodeEncodeError):
            incident_id(dataset, party, source_id)
        return
    assert incident_id(dataset, party, source_id) == expected


@settings(max_examples=100, deadline=None)
@given(incidents(), st.one_of(places, located))
def test_with_place_is_replace_of_the_place(inc: Incident, place: Place) -> None:
    moved = inc.with_place(place)
    assert moved == dataclasses.replace(inc, place=place)
    assert moved.place is place


def test_recipients_are_written_between_raw_sha256_and_reported_by() -> None:
    inc = Incident(id=incident_id("party", "PK", "4"), reported_by="PK", dataset="party", source_id="4",
                   date_start="2025-01-01", date_end="2025-01-01", tlp="RED", raw_sha256="ab" * 32,
                   recipients=("IR:zahedan-desk", "PK:jtc-liaison"))  # fmt: skip
    text_ = incident_text(inc, "PK")
    assert text_ == canonical_text(inc.to_stix("PK"))
    assert f'"raw_sha256":"{"ab" * 32}","recipients":["IR:zahedan-desk","PK:jtc-liaison"],"reported_by":"PK"' in text_
