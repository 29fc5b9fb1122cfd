"""``dumps_indented`` writes the text ``json.dumps(value, ensure_ascii=False, indent=n)`` writes, for any JSON
value: the STIX export's file depends on it byte for byte."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sarhad._internal.indented import dumps_indented

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
KEYS = st.text() | st.integers() | st.floats(allow_nan=False) | st.booleans() | st.none()
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@given(value=VALUES, indent=st.integers(min_value=0, max_value=3))
def test_dumps_indented_is_json_dumps_for_any_json_value(value: Any, indent: int) -> None:
    assert dumps_indented(value, indent) == json.dumps(value, ensure_ascii=False, indent=indent)


@given(value=st.dictionaries(KEYS, SCALARS, max_size=4), depth=st.integers(min_value=0, max_value=2))
def test_keys_that_are_not_strings_are_written_as_json_writes_them(value: dict[Any, Any], depth: int) -> None:
    nested: Any = value
    for _ in range(depth):
        nested = {"a": [nested, "b"]}
    assert dumps_indented(nested, 1) == json.dumps(nested, ensure_ascii=False, indent=1)


@pytest.mark.parametrize(
    "value",
    [
        {"name": 'line\nbreak \u2028 "quoted" \\ \x00 ünïcode 😀', "lat": -0.0, "big": 10**30, "tiny": 5e-324},
        [float("nan"), float("inf"), -float("inf")],
        ((1, 2), ()),  # tuples are lists to json
        {"empty": {}, "none": [], "deep": [[[{}]]]},
    ],
)
def test_values_json_writes_in_its_own_way_are_written_the_same(value: Any) -> None:
    assert dumps_indented(value, 1) == json.dumps(value, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("value", [{"a": {1, 2}}, [object()], {(1, 2): "tuple key"}])
def test_a_value_json_cannot_write_raises_what_json_dumps_raises(value: Any) -> None:
    with pytest.raises(TypeError, match=r"not JSON serializable|keys must be"):
        json.dumps(value, ensure_ascii=False, indent=1)
    with pytest.raises(TypeError, match=r"not JSON serializable|keys must be"):
        dumps_indented(value, 1)


@pytest.mark.parametrize(
    "value",
    [
        {"when": datetime(2025, 11, 20, 8, 30, tzinfo=UTC), "file": Path("a/b.csv"), "n": 1},
        [date(2025, 11, 20), {"nested": [Path("x"), {"deep": datetime(2025, 1, 1)}]}, 2.5],
        {"set": {1}, "ok": None},  # default=str writes a set as its str too
        Path("alone"),
    ],
)
def test_default_is_called_as_json_dumps_calls_it(value: Any) -> None:
    """The CLI's ``print_json`` prints dates and paths through ``default=str``: the same text as json's."""
    assert dumps_indented(value, 2, default=str) == json.dumps(value, ensure_ascii=False, indent=2, default=str)


def test_print_json_prints_json_dumps_text(capsys: pytest.CaptureFixture[str]) -> None:
    from sarhad.cli._shared import print_json

    value = {"groups": [{"key": "2025-11", "killed": {"low": 1, "best": None}, "when": date(2025, 11, 1)}]}
    print_json(value)
    assert capsys.readouterr().out == json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n"
