"""Sync's shortcuts give what the general code gives: the content hash cut out of the canonical text served,
and the envelope read by pattern."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sarhad.canonical import canonical_text
from sarhad.errors import InvalidInput
from sarhad.exchange.sync import _content_hash, _envelope
from sarhad.log.envelope import Envelope
from sarhad.model.incident import content_hash

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
