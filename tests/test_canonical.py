"""RFC 8785 canonical JSON: the RFC's examples, and agreement with the ``rfc8785`` package on random values."""

from __future__ import annotations

import json
import math
import struct
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from sarhad.canonical import canonical_bytes, canonical_text
from sarhad.errors import InvalidInput


def test_rfc8785_section_3_2_2_example() -> None:
    # RFC 8785 §3.2.2: the input as the RFC shows it (parsed as JSON), and the exact output.
    source = (
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    want = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    assert canonical_text(json.loads(source)) == want
    assert canonical_bytes(json.loads(source)) == want.encode("utf-8")


def test_rfc8785_section_3_2_3_sorting_example() -> None:
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    keys = list(json.loads(canonical_text(value)))
    # UTF-16 code-unit order: the emoji (D83D DE00) sorts before U+FB33.
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


# RFC 8785 Appendix B: IEEE 754 bit patterns and their ECMAScript serialisation.
APPENDIX_B = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize(("bits", "want"), APPENDIX_B)
def test_rfc8785_appendix_b_numbers(bits: str, want: str) -> None:
    (value,) = struct.unpack(">d", bytes.fromhex(bits))
    assert canonical_text(value) == want
    assert canonical_text([value]) == f"[{want}]"
    assert canonical_text({"n": value}) == f'{{"n":{want}}}'


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, 2**53, -(2**53), b"bytes", {1: "x"}, {"k": {2}}])
def test_values_json_cannot_hold_are_rejected(bad: Any) -> None:
    with pytest.raises(InvalidInput):
        canonical_text(bad)
    with pytest.raises(InvalidInput):
        canonical_text({"wrapped": [bad]})


def test_lone_surrogates_are_rejected() -> None:
    for bad in ["\ud800", {"k": "a\udfffb"}, {"\ud800": 1}, ["x", "\udc00"]]:
        with pytest.raises(InvalidInput, match="surrogate"):
            canonical_text(bad)
        with pytest.raises(InvalidInput):
            canonical_bytes(bad)


def test_large_integral_floats_use_shortest_digits() -> None:
    # A double above 2**53 prints its shortest round-trip digits, padded with zeros, as ECMAScript does.
    assert canonical_text(123456789012345680000.0) == "123456789012345680000"
    assert canonical_text({"x": 1e20}) == '{"x":100000000000000000000}'


def test_unicode_and_escapes() -> None:
    value = {"é": '\u2028\u2029\x7f\x00\x1f\t\b\f\r\n"\\/', "a": "日本"}
    assert canonical_text(value) == '{"a":"日本","é":"\u2028\u2029\x7f\\u0000\\u001f\\t\\b\\f\\r\\n\\"\\\\/"}'


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_agrees_with_rfc8785_package(value: Any) -> None:
    assert canonical_bytes(value) == rfc8785.dumps(value)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(max_size=8), json_values, max_size=6))
def test_objects_agree_with_rfc8785_package_and_round_trip(value: dict[str, Any]) -> None:
    text = canonical_text(value)
    assert text.encode("utf-8") == rfc8785.dumps(value)
    # Canonical output is a fixed point (integers beyond 2**53 can only have come from floats).
    assert canonical_text(json.loads(text, parse_int=lambda s: int(s) if abs(int(s)) < 2**53 else float(s))) == text


@settings(max_examples=1000, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_float_agrees_with_rfc8785_package(value: float) -> None:
    assert canonical_bytes(value) == rfc8785.dumps(value)
    assert canonical_bytes({"v": value}) == rfc8785.dumps({"v": value})
