"""Property tests for the UCDP GED row parser: valid rows round-trip, garbage names its field."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sarhad.formats import ucdp
from sarhad.formats.base import RowContext, RowError
from sarhad.model.incident import Incident
from tests.conftest import UCDP_SAMPLE

with UCDP_SAMPLE.open(newline="", encoding="utf-8") as _fh:
    SAMPLE = list(csv.DictReader(_fh))
CTX = RowContext("UCDP")

counts = st.one_of(st.just(""), st.integers(0, 5000).map(str))
dates = st.dates(min_value=date(1989, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def rows(draw: st.DrawFn) -> dict[str, str]:
    row = dict(draw(st.sampled_from(SAMPLE)))
    start = draw(dates)
    # a year on at most (not start.replace(year=…): 29 February has no twin in the next year)
    end = draw(st.dates(min_value=start, max_value=min(start + timedelta(days=365), date(2030, 12, 31))))
    row.update(
        id=str(draw(st.integers(1, 10**9))),
        latitude=repr(draw(st.floats(-90, 90, allow_nan=False))),
        longitude=repr(draw(st.floats(-180, 180, allow_nan=False))),
        date_start=f"{start.isoformat()} 00:00:00.000",
        date_end=f"{end.isoformat()} 00:00:00.000",
        where_prec=str(draw(st.integers(1, 7))),
        date_prec=str(draw(st.integers(1, 5))),
        best=draw(counts),
        low=draw(counts),
        high=draw(counts),
        deaths_a=draw(counts),
        where_description=draw(st.text(max_size=200)),
    )
    return row


@settings(max_examples=200, deadline=None)
@given(rows())
def test_any_valid_row_parses_and_round_trips(row: dict[str, str]) -> None:
    inc = ucdp.parse(row, CTX)
    assert Incident.from_stix(inc.to_stix()) == inc
    assert ucdp.to_row(inc, row) == {c: row.get(c, "") for c in ucdp.COLUMNS}
    assert inc.date_start <= inc.date_end
    assert inc.place.lat is not None and -90 <= inc.place.lat <= 90


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["latitude", "longitude", "best", "low", "high", "deaths_a", "date_start", "where_prec", "id"]),
    st.text(min_size=1, max_size=12).filter(lambda t: not t.strip().lstrip("-").replace(".", "", 1).isdigit()),
)
def test_garbage_in_a_field_raises_a_row_error_naming_it(field: str, garbage: str) -> None:
    row = dict(SAMPLE[0])
    row[field] = garbage
    try:
        ucdp.parse(row, CTX)
    except RowError as exc:
        assert exc.field in (field, "date_end", "row")
    else:
        # a few strings are legitimately empty-like ("NA", whitespace) and mean "unknown", and a few are
        # numbers in another spelling ("0E0", "1_0") that the numeric fields accept
        assert garbage.strip() in ("", "NA", "NULL", "null", "None") or (
            field in ("latitude", "longitude", "best", "low", "high", "deaths_a") and _number(garbage)
        )


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("value", ["inf", "nan", "1e400", "-91"])
def test_non_finite_or_out_of_range_latitude_is_rejected(value: str) -> None:
    row = dict(SAMPLE[0], latitude=value)
    with pytest.raises(RowError, match="latitude"):
        ucdp.parse(row, CTX)
