"""Envelopes: the canonical leaf data."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sarhad.canonical import canonical_bytes
from sarhad.errors import InvalidInput
from sarhad.log.envelope import Envelope
from sarhad.log.merkle import leaf_hash

SHA = hashlib.sha256(b"body").hexdigest()


def test_canonical_form() -> None:
    env = Envelope("incident--x", "2026-01-01T00:00:00.000Z", SHA, "GREEN", "2026-01-02T00:00:00.000Z")
    assert env.canonical() == (
        b'{"object_id":"incident--x","sha256":"' + SHA.encode() + b'","time":"2026-01-02T00:00:00.000Z",'
        b'"tlp":"GREEN","version":"2026-01-01T00:00:00.000Z"}'
    )
    assert env.leaf_hash() == leaf_hash(env.canonical())
    assert Envelope.from_canonical(env.canonical()) == env
    assert env.ref == "incident--x@2026-01-01T00:00:00.000Z"


text = st.text(min_size=1, max_size=20)


@settings(max_examples=300, deadline=None)
@given(text, text, text, text)
def test_canonical_matches_rfc8785(object_id: str, version: str, tlp: str, time: str) -> None:
    try:
        env = Envelope(object_id, version, SHA, tlp, time)
        want = canonical_bytes(env.as_dict())
    except InvalidInput:
        with pytest.raises(InvalidInput):
            Envelope(object_id, version, SHA, tlp, time).canonical()
        return
    assert env.canonical() == want
    assert Envelope.from_canonical(want) == env


@pytest.mark.parametrize(
    "bad",
    [
        b"not json",
        b"[]",
        b'{"object_id":"a","sha256":"' + SHA.encode() + b'","time":"t","tlp":"G"}',
        b'{"object_id":"a","sha256":"' + SHA.encode() + b'","time":"t","tlp":"G","version":"v","x":"y"}',
        b'{"object_id":"a", "sha256":"' + SHA.encode() + b'","time":"t","tlp":"G","version":"v"}',
        b'{"sha256":"' + SHA.encode() + b'","object_id":"a","time":"t","tlp":"G","version":"v"}',
        b'{"object_id":"a","sha256":"ABC","time":"t","tlp":"G","version":"v"}',
        b'{"object_id":"a","sha256":"' + SHA.encode() + b'","time":"t","tlp":1,"version":"v"}',
        b'{"object_id":"\\u0061","sha256":"' + SHA.encode() + b'","time":"t","tlp":"G","version":"v"}',
    ],
)
def test_non_canonical_envelopes_are_rejected(bad: bytes) -> None:
    with pytest.raises(InvalidInput):
        Envelope.from_canonical(bad)


def test_fields_are_checked() -> None:
    with pytest.raises(InvalidInput):
        Envelope("", "v", SHA, "G", "t")
    with pytest.raises(InvalidInput):
        Envelope("a", "v", SHA.upper(), "G", "t")
    with pytest.raises(InvalidInput, match="surrogate"):
        Envelope("a\ud800", "v", SHA, "G", "t").canonical()
