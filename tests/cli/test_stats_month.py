"""``sarhad stats --by month`` counts an incident whose date is known only to the year (GTD's ``imonth`` 0,
UCDP's ``date_prec`` 5) under its year alone, not in January (its date range's first day), with and without
``--dedup``, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_stats_range import _table
from tests.conftest import run_cli as run


@pytest.mark.parametrize("dedup", [(), ("--dedup",)], ids=["reports", "dedup"])
def test_stats_by_month_counts_a_date_known_to_the_year_under_the_year_not_january(
    home: Path, capsys: pytest.CaptureFixture[str], dedup: tuple[str, ...]
) -> None:
    code, out, err = run(capsys, "--home", str(home), "stats", "--by", "month", *dedup, "--json")
    assert code == 0, err
    data = json.loads(out)
    groups = {g["key"]: g for g in data["groups"]}
    # GTD 200800000001 (imonth 0, iday 0: 2008, month unknown; 0 killed, 3 wounded) is not one of January's
    # three rows (2008-01-14, -18 and -22: 8 killed, 10 wounded).
    assert groups["2008"]["incidents"] == 1
    assert (groups["2008"]["killed"]["best"], groups["2008"]["wounded"]["best"]) == (0, 3)
    assert groups["2008-01"]["incidents"] == 3
    assert (groups["2008-01"]["killed"]["best"], groups["2008-01"]["wounded"]["best"]) == (8, 10)
    # UCDP 453523 (date_prec 5: some time between 2022-09-21 and 2022-12-07, 3 killed) is not September's.
    assert groups["2022"]["incidents"] == 1 and groups["2022"]["killed"]["best"] == 3
    assert "2022-09" not in groups
    # A date known to the month (GTD iday 0: 2010-12, 2014-07, 2015-07, 2020-02) stays in its month.
    assert {k for k in groups if len(k) == 4} == {"2008", "2022"}
    # The year comes before its months; every incident is counted once.
    keys = [g["key"] for g in data["groups"]]
    assert keys.index("2008") == keys.index("2008-01") - 1
    assert sum(g["incidents"] for g in data["groups"]) == data["incidents"] == 37 + 120

    code, out, err = run(capsys, "--home", str(home), "stats", "--by", "month", *dedup)
    assert code == 0, err
    table = _table(out)
    assert table["2008"][:2] == ["1", "0"] and table["2008-01"][:2] == ["3", "8"]
