"""The import worker's straight path for ACLED rows gives exactly what the record path gives.

The worker prepares an ACLED row from its checked fields (:func:`sarhad.formats.acled.fields`,
:meth:`sarhad.prepare.Preparer.from_fields`) without building the Incident; an import in one process builds the
record (:func:`sarhad.formats.acled.parse`) and prepares that. The two must accept and reject the same rows with
the same messages and give the same stored bytes: the STIX text and its hashes, the ``incidents`` row and the
verbatim row's JSON. Rows here are the generator's with fields replaced by anything (quotes, backslashes,
control and non-ASCII characters, lone surrogates, garbage), read under any context (reporter, TLP, recipients).
"""

from __future__ import annotations

import csv
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sarhad.errors import InvalidInput
from sarhad.formats import acled
from sarhad.formats.base import RowContext, RowError, raw_digest, raw_forms, row_values
from sarhad.importer import import_file
from sarhad.model.incident import Incident, Place
from sarhad.node import Node
from sarhad.prepare import Preparer
from tests.formats.test_import_worker import _counts
from tests.store.helpers import stored_content

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import acled_synth

STAMP = "2026-12-06T10:11:12.123456Z"


def _located(place: Place) -> Place:
    """A ``locate`` as the importer's Geography gives: the border distance added to a point."""
    return place if place.lat is None else replace(place, border_km=round(abs(place.lat - 30.0) * 11.1, 3))


def _long_way(row: dict[str, str], ctx: RowContext, prepare: Preparer) -> tuple[Any, ...] | str:
    try:
        inc = acled.parse(row, ctx)
    except RowError as exc:
        return str(exc)
    try:
        return prepare(inc, row)
    except Exception as exc:
        return f"prepare: {exc}"


def _straight(row: dict[str, str], ctx: RowContext, prepare: Preparer) -> tuple[Any, ...] | str:
    try:
        fields = acled.fields(row, ctx)
    except RowError as exc:
        return str(exc)
    assert Incident(*fields[:21]) == acled.parse(row, ctx)  # the fields are the record's
    try:
        return prepare.from_fields(fields, row)
    except Exception as exc:
        return f"prepare: {exc}"


_ANY_TEXT = st.one_of(
    st.text(max_size=30),  # quotes, backslashes, control characters, lone surrogates, any script
    st.text(alphabet='"\\\x00\x1f\u2028é€😀 ;', max_size=10),
    st.sampled_from(["", " ", "0", "1", "3", "Rebel group", "NA", "12.5", "-91", "2024-02-30", "Civilians targeted"]),
)
_CONTEXTS = st.builds(
    RowContext,
    reported_by=st.sampled_from(["ACLED", "PK", "", "IR"]),
    tlp=st.sampled_from(["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED", "BOGUS"]),
    locate=st.sampled_from([None, _located]),
    recipients=st.sampled_from([(), ("PK:analyst-1",), ("nobody",)]),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    numeric=st.booleans(),
    changes=st.dictionaries(st.sampled_from(acled.COLUMNS), _ANY_TEXT, max_size=4),
    ctx=_CONTEXTS,
    party=st.sampled_from(["PK", "IR"]),
)
def test_the_straight_path_prepares_what_the_record_path_prepares(
    seed: int, numeric: bool, changes: dict[str, str], ctx: RowContext, party: str
) -> None:
    long_way = Preparer(party, STAMP)
    straight = Preparer(party, STAMP)
    for row in acled_synth.rows(3, seed, numeric_inter=numeric):
        row.update(changes)
        assert _straight(row, ctx, straight) == _long_way(row, ctx, long_way)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=12), st.one_of(st.text(max_size=40), _ANY_TEXT), max_size=12))
def test_raw_forms_are_the_digest_and_the_stored_values(row: dict[str, str]) -> None:
    try:
        expected = (raw_digest(row), *row_values(row))
    except InvalidInput as exc:
        with pytest.raises(InvalidInput, match="lone surrogate") as caught:
            raw_forms(row)
        assert str(caught.value) == str(exc)
        return
    assert raw_forms(row) == expected


def test_the_straight_path_on_the_generator_rows_is_the_record_path() -> None:
    """A thousand ordinary rows, located, under one context: the case an import meets most."""
    ctx = RowContext(reported_by="ACLED", tlp="AMBER", locate=_located)
    long_way, straight = Preparer("PK", STAMP), Preparer("PK", STAMP)
    for row in acled_synth.rows(1000, seed=5):
        prepared = _straight(row, ctx, straight)
        assert isinstance(prepared, tuple)
        assert prepared == _long_way(row, ctx, long_way)


def test_a_row_the_model_refuses_is_refused_by_the_straight_path_with_the_same_message() -> None:
    row = next(acled_synth.rows(1, seed=2))
    for ctx, message in (
        (RowContext(reported_by="ACLED", tlp="BOGUS"), r"^row: TLP 'BOGUS' is not one of"),
        (RowContext(reported_by="ACLED", tlp="AMBER", recipients=("PK:a",)), r"^row: .*TLP:RED"),
        (RowContext(reported_by=""), r"^row: reported_by is empty"),
    ):
        for read in (acled.parse, acled.fields):
            with pytest.raises(RowError, match=message):
                read(row, ctx)


def _unusual_file(path: Path) -> Path:
    """Generated rows, some with quotes, backslashes, control and non-ASCII characters in their text."""
    rows = list(acled_synth.rows(300, seed=9))
    odd = ['say "no"', "back\\slash", "tab\there", "Zāhedān — شهر", "line\u2028sep", "😀"]
    for i, row in enumerate(rows[::7]):
        text = odd[i % len(odd)]
        row["notes"] = f"{row['notes']} {text}"
        row["location"] = f"{row['location']} {text}" if i % 2 else row["location"]
        row["source"] = f"{row['source']}; {text}"
        row["actor1"] = f"{row['actor1']} {text}" if i % 3 == 0 else row["actor1"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(acled.COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_the_worker_stores_unusual_rows_as_one_process_does(tmp_path: Path, any_node: Node) -> None:
    """Through the straight path (the worker, on SQLite and PostgreSQL) and the record path (one process)."""
    path = _unusual_file(tmp_path / "acled_unusual.csv")
    alone = Node.init(tmp_path / "alone", "PK")
    try:
        one = import_file(alone, "acled", path, tlp="AMBER")
        two = import_file(any_node, "acled", path, tlp="AMBER", worker_min_bytes=0)
        assert (one.worker, two.worker) == (False, True)
        assert _counts(one) == _counts(two) == (300, 300, 0, 0, 0)
        assert stored_content(alone) == stored_content(any_node)
    finally:
        alone.close()
