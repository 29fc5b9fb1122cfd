"""A hostile or broken file's values cost the import time in proportion to their length: a long value that is
refused is refused at once, with its line and column, however it looks (a run of digits that is not a number,
an id, a coordinate). The spreadsheet hint's patterns (sarhad.formats.base.spreadsheet_hint) once took time in
the square of such a value's length: a GTD eventid of a million digits held the import for hours."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from sarhad.errors import InvalidInput
from sarhad.formats.base import spreadsheet_hint
from sarhad.formats.csvio import MAX_ROW, read_header
from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.store.incidents import count_incidents
from tests.formats.csv_tables import read_table

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "synthetic"
LONG = 999_000  # characters: under the longest field a row may have (csvio.MAX_FIELD), so the parser sees it


def _with_value(fmt: str, tmp_path: Path, column: str, value: str) -> Path:
    table = read_table(ASSETS / f"{fmt}_synthetic.csv")
    table[1][table[0].index(column)] = value
    path = tmp_path / f"{fmt}_long.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(table)
    return path


@pytest.mark.parametrize(
    ("fmt", "column", "value"),
    [
        ("gtd", "eventid", "1" * LONG),  # not an id of up to 64 characters
        ("gtd", "latitude", "1" * LONG + "e"),  # not a number
        ("acled", "latitude", "1" * LONG + "x"),
        ("acled", "event_id_cnty", "9" * LONG),
    ],
)
def test_a_long_value_that_is_refused_is_refused_at_once(
    node: Node, tmp_path: Path, fmt: str, column: str, value: str
) -> None:
    path = _with_value(fmt, tmp_path, column, value)
    with pytest.raises(InvalidInput, match=rf"{fmt}_long\.csv:2: {column}: '{value[:20]}"):
        import_file(node, fmt, path)
    assert count_incidents(node.db) == 0


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("2.01001E+11", "scientific notation"),
        ("1.65684e09", "scientific notation"),
        (".5E3", "scientific notation"),
        ("-3e-2", "scientific notation"),
        ("1" * LONG + "e", ""),
        ("1" * LONG + "E+", ""),
        ("5.e3", ""),
    ],
)
def test_the_scientific_notation_hint_reads_a_value_once(value: str, said: str) -> None:
    assert (said in spreadsheet_hint(value)) if said else spreadsheet_hint(value) == ""


# -- a row too long to be a dataset's: a gzip file of a few kilobytes held a line of gigabytes -----------------
HUGE = 40_000_000  # characters: more than a row may have (csvio.MAX_ROW); gzip keeps it in about 40 KB


def _header(fmt: str) -> str:
    return (ASSETS / f"{fmt}_synthetic.csv").read_text(encoding="utf-8").splitlines()[0]


def test_a_gzip_file_of_a_row_longer_than_any_datasets_is_refused_at_that_row(node: Node, tmp_path: Path) -> None:
    path = tmp_path / "long.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") as out:
        out.write(_header("acled") + "\n")
        for _ in range(HUGE // 1_000_000):
            out.write("a" * 1_000_000)  # one line, no line end
    assert path.stat().st_size < 200_000
    with pytest.raises(InvalidInput, match=rf"long\.csv\.gz:2: row: longer than {MAX_ROW:,} characters"):
        import_file(node, "acled", path)
    assert count_incidents(node.db) == 0


def test_a_quoted_field_over_many_lines_longer_than_a_row_may_be_is_refused(node: Node, tmp_path: Path) -> None:
    path = tmp_path / "quoted.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(_header("acled") + '\nIRN1,"')
        for _ in range(HUGE // 1_000):
            out.write("b" * 999 + "\n")  # a quote never closed: each line is short, the field is not
    with pytest.raises(InvalidInput, match=rf"quoted\.csv:2: row: longer than {MAX_ROW:,} characters"):
        import_file(node, "acled", path)
    assert count_incidents(node.db) == 0


def test_a_header_longer_than_a_row_may_be_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for _ in range(HUGE // 1_000_000):
            out.write("c," * 500_000)
    with pytest.raises(InvalidInput, match=rf"wide\.csv\.gz:1: header: longer than {MAX_ROW:,} characters"):
        read_header(path)
