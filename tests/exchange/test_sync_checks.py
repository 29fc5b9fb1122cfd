"""Sync's content hash, cut out of the canonical text served, equals the one computed from the object."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sarhad.canonical import canonical_text
from sarhad.exchange.sync import _content_hash
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
