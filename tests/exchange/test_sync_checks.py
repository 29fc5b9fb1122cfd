"""Sync's shortcuts give what the general code gives: the content hash cut out of the canonical text served,
and the envelope read by pattern."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sarhad.canonical import canonical_text
from sarhad.errors import InvalidInput, VerificationError
from sarhad.exchange.entries import _check_entry, _check_piece, _content_hash, _Entry, _envelope, _prepare
from sarhad.exchange.peers import Peer
from sarhad.log.envelope import Envelope
from sarhad.model.figures import Figure
from sarhad.model.incident import (
    SARHAD_EXTENSION,
    TLP_MARKINGS,
    Incident,
    Perpetrator,
    Place,
    content_hash,
    incident_id,
)
from sarhad.store.incidents import INCIDENT_COLUMNS, incident_row, incident_row_from_stix

_keys = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF), min_size=1, max_size=12)
_scalars = st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(max_size=20)
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
                       max_leaves=12)  # fmt: skip
_stamps = st.text(st.characters(min_codepoint=32, max_codepoint=0x7E), min_size=1, max_size=30)


@given(st.dictionaries(_keys, _values, max_size=8), _stamps, _stamps)
def test_cut_hash_equals_the_hash_of_the_object(members: dict[str, Any], created: str, modified: str) -> None:
    obj = {**members, "created": created, "modified": modified}
    text = canonical_text(obj)
    assert _content_hash(obj, text) == content_hash(obj)
    # hashed from the UTF-8 bytes when the text is ASCII, as a sync does (and from the text otherwise)
    assert _content_hash(obj, text, text.encode("utf-8")) == content_hash(obj)


@given(st.dictionaries(_keys, _values, max_size=8), _stamps)
def test_text_that_is_not_canonical_falls_back_to_the_object(members: dict[str, Any], stamp: str) -> None:
    obj = {**members, "created": stamp, "modified": stamp}
    assert _content_hash(obj, json.dumps(obj, indent=1)) == content_hash(obj)
    assert _content_hash(obj, None) == content_hash(obj)


def test_object_without_timestamps_uses_the_object() -> None:
    obj = {"type": "note", "id": "note--1", "content": "x"}
    assert _content_hash(obj, canonical_text(obj)) == content_hash(obj)


_fields = st.text(min_size=1, max_size=20).filter(lambda t: not any(0xD800 <= ord(c) <= 0xDFFF for c in t))


@given(_fields, _fields, st.text("0123456789abcdef", min_size=64, max_size=64), _fields, _fields)
def test_envelope_by_pattern_equals_the_general_parser(
    object_id: str, version: str, sha: str, tlp: str, time: str
) -> None:
    env = Envelope(object_id, version, sha, tlp, time)
    text = env.canonical().decode("utf-8")
    assert _envelope(text) == Envelope.from_canonical(text) == env


@given(_fields)
def test_envelope_not_in_canonical_form_is_refused(junk: str) -> None:
    env = Envelope("incident--1", "2024-01-01T00:00:00Z", "a" * 64, "GREEN", "2024-01-01T00:00:00Z")
    text = env.canonical().decode("utf-8")
    for bad in (text.replace(",", ", ", 1), text.replace('"GREEN"', '"GR\\u0045EN"'), text[:-1] + junk):
        try:
            parsed = _envelope(bad)
        except InvalidInput:
            continue
        # Only a text that is itself canonical may parse, and then it says what it says.
        assert parsed.canonical().decode("utf-8") == bad


def test_a_nested_modified_with_the_same_value_is_not_the_one_cut_out() -> None:
    stamp = "2024-01-01T00:00:00.000Z"
    for obj in (
        {"created": stamp, "modified": stamp, "x_after": {"a": 1, "modified": stamp, "z": 2}},
        {"created": stamp, "modified": stamp, "x_after": [{"modified": stamp}], "zz": {"b": 1, "modified": stamp}},
        {"created": stamp, "extensions": {"e": {"k": 1, "modified": stamp}}, "id": "x--1", "modified": stamp},
        {"created": stamp, "modified": stamp, "type": "x", "x_s": ',"modified":"' + stamp + '"'},
    ):
        assert _content_hash(obj, canonical_text(obj)) == content_hash(obj), obj


# -- the straight path for incidents: the same row as Incident.from_stix, or None where it is not sure --------

_BASE_INCIDENT = Incident(
    id=incident_id("party", "PK", "row-1"),
    reported_by="PK",
    dataset="party",
    source_id="row-1",
    date_start="2025-11-03",
    date_end="2025-11-04",
    place=Place(country="PK", admin1="Balochistan", lat=27.5, lon=63.0, precision="exact"),
    attack_types=("armed-assault",),
    perpetrators=(Perpetrator("Jaish al-Adl", "claimed"),),
    figures=(
        Figure("killed", "total", 3, 4, 6, "party_official", "PK"),
        Figure("wounded", "civilians", 1, 1, 1, "party_official", "PK"),
    ),
    sources=("https://example.org/a",),
    tlp="AMBER",
    created="2025-11-05T10:00:00.000Z",
    modified="2025-11-05T10:00:00.000Z",
).to_stix()

# Values of every JSON kind, and a few that pass or fail one check only.
_odd = _values | st.sampled_from(
    ["", "PK", "2025-11-02", "2025-13-01", "day", "year", "exact", "incident--00000000-0000-0000-0000-000000000000",
     "2025-11-05T10:00:00Z", "1970-01-01T00:00:00Z", 91.0, -181, 27, 1e308, True]
)  # fmt: skip
_paths = st.sampled_from(
    [("id",), ("created",), ("modified",), ("name",), ("object_marking_refs",), ("extensions",),
     ("extensions", SARHAD_EXTENSION)]
    + [("extensions", SARHAD_EXTENSION, key) for key in (
        "reported_by", "dataset", "source_id", "date_start", "date_end", "date_precision", "place", "attack_types",
        "target_types", "perpetrators", "figures", "sources", "licence", "raw", "flags", "recipients", "x_other")]
    + [("extensions", SARHAD_EXTENSION, "place", key) for key in ("country", "lat", "lon", "precision", "x")]
    + [("extensions", SARHAD_EXTENSION, "figures", 0, key) for key in ("measure", "category", "best", "rule")]
    + [("extensions", SARHAD_EXTENSION, "perpetrators", 0, key) for key in ("name", "attribution", "x")]
)  # fmt: skip


def _set(obj: dict[str, Any], path: tuple[Any, ...], value: Any, delete: bool) -> None:
    *parents, last = path
    for key in parents:
        obj = obj[key]
    if delete:
        obj.pop(last, None)
    else:
        obj[last] = value


def _slow_row(obj: dict[str, Any]) -> tuple[Any, ...] | None:
    try:
        inc = Incident.from_stix(obj)
    except InvalidInput:
        return None
    return incident_row(inc, obj["created"], obj["modified"], "PK", "c" * 64)


@settings(max_examples=400)
@given(st.lists(st.tuples(_paths, _odd, st.booleans()), max_size=3))
def test_straight_incident_row_equals_the_long_way_or_gives_way(changes: list[tuple[Any, Any, bool]]) -> None:
    obj = copy.deepcopy(_BASE_INCIDENT)
    for path, value, delete in changes:
        try:
            _set(obj, path, value, delete)
        except (KeyError, IndexError, TypeError, AttributeError):
            continue  # the path no longer exists after an earlier change
    fast = incident_row_from_stix(obj, "PK", "c" * 64)
    if fast is not None:
        assert fast == _slow_row(obj)
        assert [type(v) for v in fast] == [type(v) for v in _slow_row(obj) or ()]


def test_straight_incident_row_takes_the_usual_incident() -> None:
    row = incident_row_from_stix(_BASE_INCIDENT, "PK", "c" * 64)
    assert row is not None and row == _slow_row(_BASE_INCIDENT)
    assert row[INCIDENT_COLUMNS.index("killed_best")] == 4 and row[INCIDENT_COLUMNS.index("perpetrator")]


_E = ("extensions", SARHAD_EXTENSION)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("id",), "incident--not-a-uuid"),
        (("id",), 5),
        (("created",), "yesterday"),
        (("modified",), None),
        ((*_E, "reported_by"), ""),
        ((*_E, "date_start"), "2025-02-30"),
        ((*_E, "date_end"), "2025-11-02"),
        ((*_E, "date_end"), "2025-11-04T00:00:00Z"),
        ((*_E, "date_precision"), "fortnight"),
        ((*_E, "place", "country"), "Pakistan"),
        ((*_E, "place", "lat"), 123.4),
        ((*_E, "place", "lon"), None),
        ((*_E, "place", "precision"), "roughly"),
        ((*_E, "place", "x"), 1),
        ((*_E, "perpetrators", 0, "name"), " "),
        ((*_E, "perpetrators", 0, "attribution"), "rumoured"),
        ((*_E, "figures", 0, "rule"), "guess"),
        ((*_E, "figures", 0, "best"), -1),
        ((*_E, "sources"), 7),
        ((*_E, "recipients"), ["PK:desk"]),
    ],
)
def test_straight_incident_row_refuses_what_the_long_way_refuses(path: tuple[Any, ...], value: Any) -> None:
    obj = copy.deepcopy(_BASE_INCIDENT)
    _set(obj, path, value, delete=False)
    assert incident_row_from_stix(obj, "PK", "c" * 64) is None
    assert _slow_row(obj) is None  # each case is one the long way refuses


# -- a checked piece: the straight path stores what the general one stores, and refuses what it refuses -------

_PEER = Peer(name="PK", url="http://127.0.0.1:9", vkey="unused", origin="sarhad.pk/log", token="t", party="PK")


def _entry(position: int, obj: dict[str, Any], *, body: bool = True, tamper: str = "") -> _Entry:
    text = canonical_text(obj)
    env = Envelope(obj["id"], obj["modified"], hashlib.sha256(text.encode()).hexdigest(), "AMBER",
                   "2025-11-05T10:00:01.000Z")  # fmt: skip
    served = text.replace("Jaish", "Jaysh") if tamper == "body" else text
    return _Entry(position, env.canonical().decode(), env.leaf_hash(), served if body else None)


def _variants() -> list[dict[str, Any]]:
    plain = copy.deepcopy(_BASE_INCIDENT)
    bare = copy.deepcopy(_BASE_INCIDENT)
    ext = bare["extensions"][SARHAD_EXTENSION]
    for key in ("perpetrators", "figures", "attack_types", "sources"):
        ext.pop(key)
    bare["id"] = incident_id("party", "PK", "row-2")
    red = copy.deepcopy(_BASE_INCIDENT)
    red["id"] = incident_id("party", "PK", "row-3")
    red["object_marking_refs"] = [TLP_MARKINGS["RED"]]
    red["extensions"][SARHAD_EXTENSION]["recipients"] = ["IR:desk-a"]  # the general way, and accepted
    farsi = copy.deepcopy(_BASE_INCIDENT)  # not ASCII: hashed from the text, not from byte offsets
    farsi["id"] = incident_id("party", "PK", "row-4")
    farsi["name"] = "حمله در سراوان"
    farsi["extensions"][SARHAD_EXTENSION]["place"]["name"] = "سراوان"
    note = {"type": "note", "spec_version": "2.1", "id": "note--6b5cf1ae-26d3-4d38-9a6e-5b4f2a2c1d10",
            "created": "2025-11-05T10:00:00.000Z", "modified": "2025-11-05T10:00:00.000Z", "content": "seen",
            "object_refs": [plain["id"]]}  # fmt: skip
    return [plain, bare, red, farsi, note]


def test_a_piece_checked_straight_equals_the_general_way() -> None:
    entries = [_entry(i, obj) for i, obj in enumerate(_variants())]
    entries.append(_entry(5, _BASE_INCIDENT, body=False))  # withheld: the envelope only
    general = _prepare(_PEER, [_check_entry("PK", e) for e in entries], keep_incidents=False)
    straight = _check_piece(_PEER, entries, rules=(), own="IR", published=lambda ids: {})
    assert straight.leaves == general.leaves and len(straight.leaves) == 6
    assert straight.objects == general.objects and len(straight.objects) == 5
    assert straight.incidents == general.incidents and len(straight.incidents) == 4


@pytest.mark.parametrize("fault", ["body", "leaf", "json", "id"])
def test_a_piece_with_a_wrong_entry_is_refused_naming_it(fault: str) -> None:
    entries = [_entry(i, obj) for i, obj in enumerate(_variants())]
    bad = _entry(2, _BASE_INCIDENT, tamper=fault)
    if fault == "leaf":
        bad = bad._replace(leaf=hashlib.sha256(b"other").digest())
    elif fault == "json":
        env = Envelope(_BASE_INCIDENT["id"], _BASE_INCIDENT["modified"], hashlib.sha256(b"{x").hexdigest(), "AMBER",
                       "2025-11-05T10:00:01.000Z")  # fmt: skip
        bad = _Entry(2, env.canonical().decode(), env.leaf_hash(), "{x")
    elif fault == "id":
        # the body hashes right, but it is another object than the envelope names
        text = canonical_text({**_BASE_INCIDENT, "id": incident_id("party", "PK", "row-9")})
        env = Envelope(_BASE_INCIDENT["id"], _BASE_INCIDENT["modified"], hashlib.sha256(text.encode()).hexdigest(),
                       "AMBER", "2025-11-05T10:00:01.000Z")  # fmt: skip
        bad = _Entry(2, env.canonical().decode(), env.leaf_hash(), text)
    entries[2] = bad
    with pytest.raises(VerificationError, match="entry 2 "):
        _check_piece(_PEER, entries, rules=(), own="IR", published=lambda ids: {})
