"""A record from another source exported as ACLED keeps its dates through the import: ACLED's event_date and
time_precision say a day, a week or a month, so a year, or days over more than a week, travel in the row's
tags (a year-only record came back as known to its July)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sarhad.exporter import export
from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.store.incidents import Filters
from tests.conftest import UCDP_SAMPLE

# (iyear, imonth, iday) of a GTD row known to the year, to the month and to the day.
DATES = {
    "year": ("2024", "0", "0"),
    "month": ("2024", "3", "0"),
    "day": ("2025", "6", "12"),
}


def _gtd_file(path: Path) -> None:
    """The synthetic GTD file's first row, three times: known to the year, to the month and to the day."""
    src = Path(__file__).resolve().parent.parent / "assets" / "synthetic" / "gtd_synthetic.csv"
    with src.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        first = next(reader)
        columns = reader.fieldnames or []
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, columns)
        out.writeheader()
        for i, (year, month, day) in enumerate(DATES.values()):
            out.writerow({**first, "eventid": f"90000000000{i}", "iyear": year, "imonth": month, "iday": day})


def _dates(node: Node, dataset: str | None = None) -> list[tuple[str, str, str]]:
    sql = "SELECT date_start, date_end, date_precision FROM incidents"
    rows = node.db.fetchall(sql + (" WHERE dataset = ?" if dataset else ""), (dataset,) if dataset else ())
    return sorted((str(a), str(b), str(c)) for a, b, c in rows)


def test_gtd_records_known_to_the_year_or_month_keep_their_dates_through_acled(any_node: Node, tmp_path: Path) -> None:
    gtd = tmp_path / "gtd.csv"
    _gtd_file(gtd)
    import_file(any_node, "gtd", gtd, reported_by="PK")
    import_file(any_node, "ucdp", UCDP_SAMPLE)  # "days" spans, some over more than a week
    out = tmp_path / "acled.csv"
    export(any_node, "acled", out, Filters())
    other = Node.init(tmp_path / "other", "PK")
    try:
        import_file(other, "acled", out)
        assert _dates(other) == _dates(any_node)
        assert ("2024-01-01", "2024-12-31", "year") in _dates(other)
    finally:
        other.close()


@pytest.mark.parametrize(
    "tags",
    [
        "sarhad span 2024-08-01/2024-08-31 month",  # does not hold the event date
        "sarhad span 2024-02-30/2024-12-31 year",  # not a date
        "a tag naming sarhad span in words",
    ],
)
def test_an_acled_row_whose_span_tag_does_not_hold_its_date_keeps_acled_dates(
    node: Node, tmp_path: Path, tags: str
) -> None:
    header = (
        "event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,inter1,country,latitude,"
        "longitude,geo_precision,fatalities,tags"
    )
    row = (
        f"PAK1,2024-07-01,2024,3,Violence against civilians,Attack,Unidentified,Political militia,Pakistan,,,3,0,{tags}"
    )
    path = tmp_path / "acled.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    import_file(node, "acled", path)
    assert _dates(node) == [("2024-07-01", "2024-07-31", "month")]
