"""``sarhad incidents list`` shows a date as exactly as it is known: a date known only to the year (GTD's
``imonth`` 0, UCDP's ``date_prec`` 5) as its year, one known to the month as ``YYYY-MM``, a span of days as
its range; ``--json`` keeps ``date_start`` as stored and gives ``date_end`` and ``date_precision`` beside it.
On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sarhad._internal.dates import shown_date
from tests.conftest import run_cli as run


def _dates(out: str) -> dict[str, str]:
    """The table's date cell by incident id."""
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in out.splitlines() if line.startswith("│")]
    return {r[0]: r[1] for r in rows}


def test_the_table_shows_a_date_by_its_precision_and_the_json_keeps_the_stored_range(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--home", str(home), "incidents", "list", "--json")
    assert code == 0, err
    rows = {(r["dataset"], r["source_id"]): r for r in json.loads(out)}
    year_only = rows[("gtd", "200800000001")]  # imonth 0, iday 0
    assert (year_only["date_start"], year_only["date_end"], year_only["date_precision"]) == (
        "2008-01-01",
        "2008-12-31",
        "year",
    )
    ids = {key: r["id"] for key, r in rows.items()}
    code, out, err = run(capsys, "--home", str(home), "incidents", "list")
    assert code == 0, err
    shown = _dates(out)
    assert shown[ids[("gtd", "200800000001")]] == "2008"  # not 2008-01-01
    assert shown[ids[("ucdp", "453523")]] == "2022"  # date_prec 5: 2022-09-21..2022-12-07, the year known
    assert shown[ids[("gtd", "201012000001")]] == "2010-12"  # iday 0
    assert shown[ids[("gtd", "200803010001")]] == "2008-03-01..2008-03-05"  # a day to its resolution
    assert shown[ids[("gtd", "200801140001")]] == "2008-01-14"


@pytest.mark.parametrize(
    ("start", "end", "precision", "shown"),
    [
        ("2008-01-14", "2008-01-14", "day", "2008-01-14"),
        ("2019-03-30", "2019-04-05", "week", "2019-03-30..2019-04-05"),
        ("2019-04-01", "2019-04-30", "month", "2019-04"),
        ("2019-04-01", "2019-04-01", "month", "2019-04"),  # the first day standing for the month
        ("2019-04-01", "2019-06-12", "month", "2019-04..2019-06"),
        ("2008-01-01", "2008-12-31", "year", "2008"),
        ("2008-01-01", "2008-01-01", "year", "2008"),
        ("2022-09-21", "2022-12-07", "year", "2022"),
        ("2021-11-01", "2022-02-28", "year", "2021..2022"),
        ("2008-01-01", "2009-03-05", "year", "2008..2009"),  # a year-only start, resolved the next year
        ("2008-01-01", "2008-12-31", "unknown", "2008"),
    ],
)
def test_shown_date(start: str, end: str, precision: str, shown: str) -> None:
    assert shown_date(start, end, precision) == shown
