"""Dataset files as researchers bring them, beyond what test_files_as_shipped covers: compressed as downloaded
(gzip, a zip archive holding the CSV file, as UCDP ships GED), with the blank rows a spreadsheet saves as lines
of only commas, with numbers and dates a spreadsheet rewrote in its own locale, and with what some tools write
before the header or instead of a CSV file. Each imports as its clean twin does, or is refused saying what is
wrong and what to do, with nothing stored.

The files are made here from the synthetic GTD and ACLED fixtures and the UCDP sample (no real GTD or ACLED row).
"""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pytest

from sarhad.cli import main
from sarhad.errors import InvalidInput
from sarhad.exporter import export
from sarhad.formats.csvio import content_size
from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.store.incidents import count_incidents
from tests.conftest import UCDP_SAMPLE
from tests.formats.csv_tables import COUNTS, SAMPLES, read_table, table_text


def _state(node: Node) -> tuple[int, int]:
    return count_incidents(node.db), node.log.size()


def _is_its_clean_twin(node: Node, fmt: str, tmp_path: Path) -> None:
    """The node holds the sample's rows exactly: importing the sample changes nothing, and the export is it."""
    again = import_file(node, fmt, SAMPLES[fmt])
    assert (again.added, again.updated, again.unchanged) == (0, 0, COUNTS[fmt])
    out = tmp_path / "out.csv"
    export(node, fmt, out)
    assert read_table(out) == read_table(SAMPLES[fmt])


# -- a spreadsheet's blank rows: lines of only commas ---------------------------------------------------------
@pytest.mark.parametrize("fmt", ["gtd", "acled", "ucdp"])
def test_lines_of_only_commas_are_blank_lines(any_node: Node, tmp_path: Path, fmt: str) -> None:
    """Excel saves a row that once held something, or is formatted, as a line of commas: after the last row,
    and between rows. They hold no record, like a blank line (they were rows with an empty id before)."""
    table = read_table(SAMPLES[fmt])
    commas = "," * (len(table[0]) - 1) + "\r\n"
    text = table_text(table[:5], "\r\n") + commas + table_text(table[5:], "\r\n") + commas * 3
    excel = tmp_path / "excel.csv"
    excel.write_text(text, encoding="utf-8")
    result = import_file(any_node, fmt, excel)
    assert (result.rows, result.added, result.rejected) == (COUNTS[fmt], COUNTS[fmt], 0)
    _is_its_clean_twin(any_node, fmt, tmp_path)


def test_a_line_of_commas_and_spaces_with_too_few_fields_is_blank_too(node: Node, tmp_path: Path) -> None:
    table = read_table(SAMPLES["acled"])
    path = tmp_path / "short.csv"
    path.write_text(table_text(table) + " , ,,\n", encoding="utf-8")
    assert import_file(node, "acled", path).added == COUNTS["acled"]


def test_a_row_with_one_value_among_commas_is_still_a_row(node: Node, tmp_path: Path) -> None:
    """Only a line with nothing in it is skipped: one value makes it a (bad) row."""
    table = read_table(SAMPLES["acled"])
    path = tmp_path / "stray.csv"
    path.write_text(table_text(table) + "," * 5 + "note" + "," * (len(table[0]) - 6) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=rf"stray\.csv:{len(table) + 1}: event_id_cnty: is empty"):
        import_file(node, "acled", path)
    assert _state(node) == (0, 0)


# -- compressed as downloaded ---------------------------------------------------------------------------------
def _gzip(fmt: str, tmp_path: Path) -> Path:
    path = tmp_path / f"{fmt}.csv.gz"
    path.write_bytes(gzip.compress(SAMPLES[fmt].read_bytes()))
    return path


def _zip(tmp_path: Path, members: dict[str, bytes], name: str = "download.zip") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


@pytest.mark.parametrize("fmt", ["gtd", "acled", "ucdp"])
def test_a_gzip_file_is_read_as_the_csv_file_inside(any_node: Node, tmp_path: Path, fmt: str) -> None:
    """It was refused as "not valid UTF-8; try --encoding cp1252" before, which no encoding could fix."""
    result = import_file(any_node, fmt, _gzip(fmt, tmp_path))
    assert (result.added, result.rejected) == (COUNTS[fmt], 0)
    _is_its_clean_twin(any_node, fmt, tmp_path)


@pytest.mark.parametrize("fmt", ["gtd", "acled", "ucdp"])
def test_a_zip_archive_of_one_csv_file_is_read_as_that_file(any_node: Node, tmp_path: Path, fmt: str) -> None:
    """UCDP ships GED as ``ged251-csv.zip`` holding one CSV file (macOS adds ``__MACOSX/``); it was refused as
    "an Excel workbook" before."""
    archive = _zip(
        tmp_path,
        {"GEDEvent_v25_1/": b"", "GEDEvent_v25_1/GEDEvent_v25_1.csv": SAMPLES[fmt].read_bytes(),
         "__MACOSX/GEDEvent_v25_1/._GEDEvent_v25_1.csv": b"\x00\x05\x16\x07"},
    )  # fmt: skip
    result = import_file(any_node, fmt, archive)
    assert (result.added, result.rejected) == (COUNTS[fmt], 0)
    _is_its_clean_twin(any_node, fmt, tmp_path)


def test_a_compressed_file_read_by_the_worker_gives_the_same_records(node: Node, tmp_path: Path) -> None:
    result = import_file(node, "acled", _gzip("acled", tmp_path), worker_min_bytes=0)
    assert (result.added, result.worker) == (COUNTS["acled"], True)
    _is_its_clean_twin(node, "acled", tmp_path)


@pytest.mark.parametrize("kind", ["gzip", "zip"])
def test_a_compressed_file_goes_to_the_worker_by_the_size_of_its_text(node: Node, tmp_path: Path, kind: str) -> None:
    """The worker (and the rollback journal, and building the indexes at the end) is for a file of many rows,
    which its size stood for: a compressed file's text is 4 to 8 times its size on disk, so a gzip file of a
    large CSV file was imported the slow way. Here the threshold lies between the two sizes."""
    text = SAMPLES["acled"].read_bytes()
    path = _gzip("acled", tmp_path) if kind == "gzip" else _zip(tmp_path, {"acled.csv": text})
    assert path.stat().st_size * 2 < len(text)
    assert content_size(path) == len(text)
    result = import_file(node, "acled", path, worker_min_bytes=len(text))
    assert (result.added, result.worker) == (COUNTS["acled"], True)
    assert import_file(node, "acled", path, worker_min_bytes=len(text) + 1).worker is False
    _is_its_clean_twin(node, "acled", tmp_path)


def test_the_text_of_a_gzip_file_whose_trailer_cannot_say_is_taken_as_three_times_its_size(tmp_path: Path) -> None:
    """A gzip file's trailer has the size of the text of its last member, modulo 2**32 (RFC 1952): a file of two
    members (``cat a.gz b.gz``) whose trailer says less than its size on disk is not believed."""
    path = tmp_path / "two.csv.gz"
    text = SAMPLES["acled"].read_bytes()
    path.write_bytes(gzip.compress(text) + gzip.compress(b"\n"))
    assert content_size(path) == path.stat().st_size * 3
    plain = tmp_path / "plain.csv"
    plain.write_bytes(text)
    assert content_size(plain) == len(text)
    assert content_size(_zip(tmp_path, {"a.csv": b"", "b.csv": b""})) == (tmp_path / "download.zip").stat().st_size


def test_a_compressed_file_with_a_bad_row_names_its_line_and_writes_the_rejects_beside_it(
    node: Node, tmp_path: Path
) -> None:
    table = read_table(SAMPLES["gtd"])
    table[4][table[0].index("latitude")] = "123.4"
    path = tmp_path / "gtd.csv.gz"
    path.write_bytes(gzip.compress(table_text(table).encode("utf-8")))
    with pytest.raises(InvalidInput, match=r"gtd\.csv\.gz:5: latitude: 123\.4 is outside -90\.\.90"):
        import_file(node, "gtd", path)
    assert _state(node) == (0, 0)
    result = import_file(node, "gtd", path, skip_invalid=True)
    assert (result.added, result.rejected, result.rejected_file) == (COUNTS["gtd"] - 1, 1, f"{path}.rejected.csv")


def test_a_zip_archive_of_several_csv_files_is_refused_naming_them(node: Node, tmp_path: Path) -> None:
    data = SAMPLES["acled"].read_bytes()
    archive = _zip(tmp_path, {"acled_2023.csv": data, "acled_2024.csv": data, "readme.pdf": b"%PDF"})
    with pytest.raises(InvalidInput, match=r"download\.zip: a zip archive holding 2 CSV files \(acled_2023\.csv,"
                       r" acled_2024\.csv\): unzip it and import each file on its own$"):  # fmt: skip
        import_file(node, "acled", archive)
    assert _state(node) == (0, 0)


def test_a_zip_archive_without_a_csv_file_is_refused_saying_what_it_holds(node: Node, tmp_path: Path) -> None:
    archive = _zip(tmp_path, {"codebook.pdf": b"%PDF", "terms.txt.sig": b"x"})
    with pytest.raises(InvalidInput, match=r"download\.zip: a zip archive holding no CSV file \(found codebook\.pdf,"
                       r" terms\.txt\.sig\): unzip it and import the CSV file$"):  # fmt: skip
        import_file(node, "acled", archive)


def test_a_workbook_inside_a_zip_archive_is_still_an_excel_workbook(node: Node, tmp_path: Path) -> None:
    book = _zip(tmp_path, {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}, "gtd.xlsx")
    with pytest.raises(InvalidInput, match=r"gtd\.xlsx: an Excel workbook \(\.xlsx\), not a CSV file"):
        import_file(node, "gtd", book)


def test_a_gzip_file_cut_short_is_refused_and_nothing_is_stored(any_node: Node, tmp_path: Path) -> None:
    """A download that stopped part way: the rows read before the cut are not stored either."""
    whole = gzip.compress(SAMPLES["acled"].read_bytes())
    path = tmp_path / "acled.csv.gz"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    with pytest.raises(InvalidInput, match=r"acled\.csv\.gz:\d+: cannot read: the compressed data is damaged"):
        import_file(any_node, "acled", path)
    assert _state(any_node) == (0, 0)


def test_a_file_that_only_starts_like_a_zip_archive_is_refused(node: Node, tmp_path: Path) -> None:
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(InvalidInput, match=r"broken\.zip: starts as a zip archive but cannot be read as one"):
        import_file(node, "gtd", path)


def test_a_directory_is_refused_by_name(node: Node, tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    with pytest.raises(InvalidInput, match=r"downloads: cannot read: Is a directory$"):
        import_file(node, "gtd", folder)


# -- numbers and dates a spreadsheet rewrote ------------------------------------------------------------------
def _edited(fmt: str, tmp_path: Path, column: str, value: str, rows: range = range(1, 2)) -> Path:
    table = read_table(SAMPLES[fmt])
    index = table[0].index(column)
    for n in rows:
        table[n][index] = value
    path = tmp_path / f"{fmt}_edited.csv"
    path.write_text(table_text(table, "\r\n"), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("fmt", "column", "value", "hint"),
    [
        ("acled", "event_date", "3/14/2019", r"a spreadsheet rewrote the date in its own form \(is 3/4/2019 March or"
         r" April\?\): format the column as yyyy-mm-dd before saving, or use the file as downloaded"),
        ("acled", "event_date", "14/03/2019", "format the column as yyyy-mm-dd"),
        ("acled", "event_date", "14.03.2019", "format the column as yyyy-mm-dd"),
        ("ucdp", "date_start", "4/27/2010 0:00", "format the column as yyyy-mm-dd"),
        ("ucdp", "latitude", "30,183333", r"write it with a decimal point and no thousands separator \(1234\.5\), as"
         r" the dataset does: a spreadsheet set to a decimal-comma locale rewrites numbers"),
        ("acled", "longitude", "61,2158", "write it with a decimal point"),
        ("gtd", "nkill", "1,234", "write it with a decimal point and no thousands separator"),
        ("acled", "fatalities", "1 234", "write it with a decimal point and no thousands separator"),
        ("gtd", "eventid", "2.01001E+11", r"a spreadsheet wrote it in scientific notation and may have lost digits:"
         r" format the column as a whole number \(or as text\) before saving"),
        ("acled", "timestamp", "1.65684E+09", "scientific notation"),
        ("acled", "event_id_cnty", "'IRN4166", r"remove the leading apostrophe \(a spreadsheet's mark for text\)"),
        ("ucdp", "id", "'52131", "remove the leading apostrophe"),
    ],
)  # fmt: skip
def test_a_value_a_spreadsheet_rewrote_is_refused_saying_what_to_do(
    node: Node, tmp_path: Path, fmt: str, column: str, value: str, hint: str
) -> None:
    """Refused, not guessed: 1,234 is a thousand in one locale and one in another, 3/4/2019 March or April, and
    2.01001E+11 has lost the event id's last digits. Each used to say only "is not a number" or "is not a date"."""
    path = _edited(fmt, tmp_path, column, value)
    with pytest.raises(InvalidInput, match=rf"{fmt}_edited\.csv:2: {column}: .*; .*{hint}"):
        import_file(node, fmt, path)
    assert _state(node) == (0, 0)


def test_a_value_no_spreadsheet_made_gets_no_spreadsheet_hint(node: Node, tmp_path: Path) -> None:
    path = _edited("acled", tmp_path, "event_date", "yesterday")
    with pytest.raises(InvalidInput, match=r"event_date: 'yesterday' is not a date \(YYYY-MM-DD\)$"):
        import_file(node, "acled", path)


def test_a_spreadsheet_hint_is_given_once_for_the_file_not_on_each_error(node: Node, tmp_path: Path) -> None:
    """A spreadsheet rewrites a whole column: the ten errors shown say what to do once (on the first row that
    needs it), as the encoding hint is given once, while each row in the rejects file keeps its whole reason."""
    table = read_table(SAMPLES["ucdp"])
    header = table[0]
    for n in range(1, 13):
        table[n][header.index("latitude")] = "30,183333"
    table[4][header.index("date_start")] = "4/27/2010 0:00"
    table[6][header.index("date_start")] = "4/27/2010 0:00"
    path = tmp_path / "ucdp_saved.csv"
    path.write_text(table_text(table), encoding="utf-8")
    comma = "write it with a decimal point and no thousands separator"
    date = "format the column as yyyy-mm-dd"
    with pytest.raises(InvalidInput) as caught:
        import_file(node, "ucdp", path)
    errors = str(caught.value).splitlines()[1:]
    assert len(errors) == 10
    assert sum(comma in error for error in errors) == 1
    assert sum(date in error for error in errors) == 1
    assert errors[0].endswith(f"latitude: '30,183333' is not a number; {comma} (1234.5), as the dataset does: a"
                              " spreadsheet set to a decimal-comma locale rewrites numbers")  # fmt: skip
    assert errors[-1].endswith("latitude: '30,183333' is not a number")
    assert [error.endswith(date + " before saving, or use the file as downloaded") for error in errors if
            "date_start" in error] == [True, False]  # fmt: skip
    assert _state(node) == (0, 0)

    result = import_file(node, "ucdp", path, skip_invalid=True)
    assert [error.count(comma) for error in result.errors] == [1] + [0] * 9
    assert result.rejected_file is not None
    reasons = [row[1] for row in read_table(Path(result.rejected_file))[1:]]
    assert len(reasons) == 12
    assert all(comma in reason or date in reason for reason in reasons)


def test_gtd_date_parts_saved_as_floats_import_and_export_as_written(any_node: Node, tmp_path: Path) -> None:
    """``2019.0``: what a spreadsheet or pandas writes for a column with a blank cell is unambiguous, so it is
    read as the number (this worked before); the kept row, and the export, have it as written."""
    table = read_table(SAMPLES["gtd"])
    header = table[0]
    for row in table[1:]:
        for column in ("iyear", "imonth", "iday", "extended", "specificity", "nkill"):
            i = header.index(column)
            if row[i].isdigit():
                row[i] += ".0"
    path = tmp_path / "gtd_floats.csv"
    path.write_text(table_text(table), encoding="utf-8")
    assert import_file(any_node, "gtd", path).added == COUNTS["gtd"]
    again = import_file(any_node, "gtd", SAMPLES["gtd"])  # the same incidents, from other text: new versions
    assert (again.added, again.rejected) == (0, 0)
    dates = any_node.db.fetchall("SELECT date_start, date_end FROM incidents ORDER BY id")
    assert import_file(any_node, "gtd", path).updated == COUNTS["gtd"]
    assert any_node.db.fetchall("SELECT date_start, date_end FROM incidents ORDER BY id") == dates
    out = tmp_path / "out.csv"
    export(any_node, "gtd", out)
    assert read_table(out) == table


# -- ids a spreadsheet or pandas wrote as floats --------------------------------------------------------------
@pytest.mark.parametrize(("fmt", "column"), [("gtd", "eventid"), ("ucdp", "id")])
def test_ids_written_as_whole_floats_are_the_same_records(
    any_node: Node, tmp_path: Path, fmt: str, column: str
) -> None:
    """pandas writes a column of whole numbers with a blank cell as floats (``201001200001.0``): such a copy of
    a file gives the records of the file as downloaded, not a second record of each event; each copy's row is
    kept as written, so the export gives back the text last imported."""
    table = read_table(SAMPLES[fmt])
    index = table[0].index(column)
    for row in table[1:]:
        row[index] += ".0"
    path = tmp_path / f"{fmt}_floats.csv"
    path.write_text(table_text(table), encoding="utf-8")
    first = import_file(any_node, fmt, path)
    assert (first.added, first.rejected) == (COUNTS[fmt], 0)
    ids = [str(row[0]) for row in any_node.db.fetchall("SELECT source_id FROM incidents ORDER BY source_id")]
    assert ids == sorted(row[index].removesuffix(".0") for row in table[1:])
    assert import_file(any_node, fmt, path).unchanged == COUNTS[fmt]
    out = tmp_path / "out.csv"
    export(any_node, fmt, out)
    assert read_table(out) == table
    again = import_file(any_node, fmt, SAMPLES[fmt])  # the same events, from other text: new versions
    assert (again.added, again.updated, again.rejected) == (0, COUNTS[fmt], 0)
    assert _state(any_node)[0] == COUNTS[fmt]
    _is_its_clean_twin(any_node, fmt, tmp_path)


@pytest.mark.parametrize(
    ("fmt", "column", "value"),
    [("gtd", "eventid", "201001200001"), ("acled", "event_id_cnty", "4166"), ("ucdp", "id", "52131")],
)
def test_an_id_and_its_whole_float_in_one_file_repeat(
    node: Node, tmp_path: Path, fmt: str, column: str, value: str
) -> None:
    table = read_table(SAMPLES[fmt])
    index = table[0].index(column)
    table[1][index], table[2][index] = value, f"{value}.00"
    path = tmp_path / f"{fmt}_both.csv"
    path.write_text(table_text(table), encoding="utf-8")
    with pytest.raises(InvalidInput, match=rf"{fmt}_both\.csv:\d+: {column}: {value}\.00 repeats line 2"):
        import_file(node, fmt, path)
    assert _state(node) == (0, 0)


def test_an_id_written_as_a_float_too_long_to_hold_it_is_refused(node: Node, tmp_path: Path) -> None:
    """A float holds whole numbers of up to 15 digits exactly: 9007199254740993 is written 9007199254740992.0."""
    path = _edited("gtd", tmp_path, "eventid", "9007199254740992.0")
    with pytest.raises(
        InvalidInput,
        match=r"gtd_edited\.csv:2: eventid: '9007199254740992\.0' is an id written as a decimal number, with more"
        r" digits than one holds exactly: it may have lost some; use the file as downloaded",
    ):
        import_file(node, "gtd", path)
    assert _state(node) == (0, 0)
    assert import_file(node, "gtd", _edited("gtd", tmp_path, "eventid", "900719925474099.0")).added == COUNTS["gtd"]


# -- the first line -------------------------------------------------------------------------------------------
def test_a_blank_first_line_is_named_not_every_column(node: Node, tmp_path: Path) -> None:
    """It listed all 17 required columns as missing before."""
    path = tmp_path / "blank_first.csv"
    path.write_text("\n" + SAMPLES["gtd"].read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"blank_first\.csv:1: header: the first line is blank \(expected the"
                       r" header row\): remove it$"):  # fmt: skip
        import_file(node, "gtd", path)


@pytest.mark.parametrize("line", ["sep=,", "sep=;", "SEP=,"])
def test_excels_separator_line_is_named(node: Node, tmp_path: Path, line: str) -> None:
    """``sep=,`` as the first line tells Excel the separator; some tools write it before the header."""
    path = tmp_path / "sep.csv"
    path.write_text(line + "\r\n" + SAMPLES["acled"].read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"sep\.csv:1: header: '(?i:sep)=[,;]?' is a line for Excel naming the"
                       r" separator, not the header: remove it$"):  # fmt: skip
        import_file(node, "acled", path)


@pytest.mark.parametrize(
    ("start", "what"),
    [
        ("<!DOCTYPE html>\n<html><head><title>Log in</title></head>", r"a web page \(HTML or XML\), not a CSV file: a"
         r" download that failed \(a login page, an expired link\)\? Download the CSV file again"),
        ('{"status": 200, "success": true, "data": [{"event_id_cnty": "PAK1"}]}', r"JSON, not a CSV file: ask the API"
         r" for CSV, or download the CSV export"),
    ],
    ids=["html", "json"],
)  # fmt: skip
def test_a_download_that_is_not_csv_says_what_it_is(node: Node, tmp_path: Path, start: str, what: str) -> None:
    path = tmp_path / "acled_export.csv"
    path.write_text(start + "\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=rf"acled_export\.csv:1: header: the file is {what}$"):
        import_file(node, "acled", path)


# -- the command line -----------------------------------------------------------------------------------------
def test_cli_imports_ucdps_zip_download_as_it_comes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    assert main(["--home", str(home), "init", "--party", "PK"]) == 0
    archive = _zip(tmp_path, {"GEDEvent_v25_1.csv": UCDP_SAMPLE.read_bytes()}, "ged251-csv.zip")
    capsys.readouterr()
    assert main(["--home", str(home), "import", "ucdp", str(archive)]) == 0
    out, _ = capsys.readouterr()
    assert f"imported 37 ucdp rows from {archive}: 37 added, 0 updated, 0 unchanged, 0 rejected" in out
