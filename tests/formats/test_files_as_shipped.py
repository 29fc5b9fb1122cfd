"""Dataset files as the datasets and everyday tools write them, not as our fixtures are: a byte-order mark, CRLF
line ends, Excel's Windows-1252, older ACLED exports, UCDP columns in another order or with more of them, an
Excel workbook, column names in another case. Each imports as its clean twin does, or fails saying what to do.

The files are made here from the synthetic GTD and ACLED fixtures and the UCDP sample (no real GTD or ACLED row).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from sarhad.cli import main
from sarhad.errors import InvalidInput
from sarhad.exporter import export
from sarhad.formats import acled
from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.store.incidents import count_incidents
from tests.conftest import UCDP_SAMPLE
from tests.formats.csv_tables import ASSETS, COUNTS, SAMPLES, read_table, table_text

NUMERIC = ASSETS / "acled_synthetic_numeric.csv"


def _state(node: Node) -> tuple[int, int]:
    return count_incidents(node.db), node.log.size()


# -- 1. a UTF-8 byte-order mark ---------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["gtd", "acled", "ucdp"])
def test_a_byte_order_mark_is_dropped_and_the_file_is_its_clean_twin(any_node: Node, tmp_path: Path, fmt: str) -> None:
    """Excel's "CSV UTF-8" and ACLED's exports start with EF BB BF: the first column is still ``eventid`` /
    ``event_id_cnty`` / ``id`` (this worked before: the reader opened files as utf-8-sig)."""
    marked = tmp_path / "marked.csv"
    marked.write_bytes(b"\xef\xbb\xbf" + SAMPLES[fmt].read_bytes())
    result = import_file(any_node, fmt, marked)
    assert (result.added, result.rejected) == (COUNTS[fmt], 0)
    again = import_file(any_node, fmt, SAMPLES[fmt])  # the same rows, column names and all
    assert (again.added, again.updated, again.unchanged) == (0, 0, COUNTS[fmt])
    out = tmp_path / "out.csv"
    export(any_node, fmt, out)
    assert read_table(out) == read_table(SAMPLES[fmt])


# -- 2. CRLF line ends, no newline at the end ---------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["gtd", "acled", "ucdp"])
def test_crlf_line_ends_and_no_last_newline_read_as_the_clean_file(any_node: Node, tmp_path: Path, fmt: str) -> None:
    """Rows end in CRLF (Windows), the last one in nothing; a line break inside a quoted UCDP field stays as it
    was written (this worked before)."""
    windows = tmp_path / "windows.csv"
    windows.write_bytes(table_text(read_table(SAMPLES[fmt]), "\r\n").rstrip("\r\n").encode("utf-8"))
    assert import_file(any_node, fmt, windows).added == COUNTS[fmt]
    again = import_file(any_node, fmt, SAMPLES[fmt])
    assert (again.added, again.updated, again.unchanged) == (0, 0, COUNTS[fmt])


# -- 3. Excel's Windows-1252 --------------------------------------------------------------------------------
_SUMMARY = "Blast near a café in Quetta – the police’s first report"
_SITE = "Dawn, “Quetta blast”, Résumé"


def _cp1252_gtd(tmp_path: Path) -> Path:
    table = read_table(SAMPLES["gtd"])
    header = table[0]
    table[3][header.index("summary")] = _SUMMARY
    table[3][header.index("scite1")] = _SITE
    path = tmp_path / "gtd_excel.csv"
    path.write_bytes(table_text(table, "\r\n").encode("cp1252"))
    return path


def test_a_windows_1252_file_is_refused_with_the_encoding_to_try(node: Node, tmp_path: Path) -> None:
    excel = _cp1252_gtd(tmp_path)
    before = _state(node)
    # the encoding first, as what to do (not --skip-invalid, which would drop the rows with accents), then the line
    with pytest.raises(InvalidInput, match=r"gtd_excel\.csv: rejected, nothing was stored: 1 row is not valid UTF-8;"
                       r" if the file was saved by Excel, try --encoding cp1252\n.*gtd_excel\.csv:4: summary: the bytes"
                       r" are not valid UTF-8$") as caught:  # fmt: skip
        import_file(node, "gtd", excel)
    assert "--skip-invalid" not in str(caught.value)
    assert _state(node) == before


def test_a_windows_1252_file_with_many_bad_rows_gives_the_encoding_hint_once(any_node: Node, tmp_path: Path) -> None:
    """Every row of an Excel file may hold an accented name: each bad line is listed, the hint comes once."""
    table = read_table(SAMPLES["gtd"])
    summary = table[0].index("summary")
    for row in table[1:6]:
        row[summary] = _SUMMARY
    excel = tmp_path / "gtd_excel.csv"
    excel.write_bytes(table_text(table, "\r\n").encode("cp1252"))
    before = _state(any_node)
    with pytest.raises(InvalidInput) as caught:
        import_file(any_node, "gtd", excel)
    message = str(caught.value)
    assert [f"{excel}:{line}: summary: the bytes are not valid UTF-8" in message for line in range(2, 7)] == [True] * 5
    assert message.count("--encoding cp1252") == 1
    assert all("--encoding" not in error for error in caught.value.errors)  # type: ignore[attr-defined]
    assert _state(any_node) == before


@pytest.mark.parametrize("worker", [False, True], ids=["one-process", "worker"])
def test_encoding_cp1252_reads_excels_file_and_it_re_exports_as_utf8(
    any_node: Node, tmp_path: Path, worker: bool
) -> None:
    excel = _cp1252_gtd(tmp_path)
    result = import_file(any_node, "gtd", excel, encoding="cp1252", worker_min_bytes=0 if worker else None)
    assert (result.added, result.rejected, result.worker) == (COUNTS["gtd"], 0, worker)
    bodies = [json.loads(str(body)) for (body,) in any_node.db.fetchall("SELECT body FROM objects")]
    assert any(_SUMMARY in json.dumps(body, ensure_ascii=False) for body in bodies)
    # the rows re-export as they were read, in UTF-8: a file that imports again, changing nothing
    out = tmp_path / "out.csv"
    assert export(any_node, "gtd", out) == COUNTS["gtd"]
    assert read_table(out) == read_table(excel, "cp1252")
    again = import_file(any_node, "gtd", out)
    assert (again.added, again.updated, again.unchanged) == (0, 0, COUNTS["gtd"])


@pytest.mark.parametrize("name", ["klingon", "rot13", ""])
def test_an_unknown_encoding_is_refused_by_name(node: Node, name: str) -> None:
    with pytest.raises(InvalidInput, match=rf"--encoding '{name}': not a text encoding \(e\.g\. utf-8, cp1252"):
        import_file(node, "gtd", SAMPLES["gtd"], encoding=name)


def test_encoding_names_are_pythons_any_spelling(node: Node, tmp_path: Path) -> None:
    assert import_file(node, "gtd", _cp1252_gtd(tmp_path), encoding="Windows-1252").added == COUNTS["gtd"]


def test_a_byte_order_mark_with_another_encoding_says_the_file_is_utf8(node: Node, tmp_path: Path) -> None:
    marked = tmp_path / "marked.csv"
    marked.write_bytes(b"\xef\xbb\xbf" + SAMPLES["gtd"].read_bytes())
    with pytest.raises(InvalidInput, match=r"marked\.csv: the file starts with a UTF-8 byte-order mark, so it is"
                       r" UTF-8, not cp1252: import it without --encoding"):  # fmt: skip
        import_file(node, "gtd", marked, encoding="cp1252")


# -- 4. older ACLED exports ------------------------------------------------------------------------------
# Before API v4 (2023): data_id, event_id_no_cnty and iso3 were there; disorder_type, civilian_targeting and
# tags were not; inter1/inter2/interaction were numbers.
_OLD_ACLED = (
    "data_id", "iso", "event_id_cnty", "event_id_no_cnty", "event_date", "year", "time_precision", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "iso3",
)  # fmt: skip
_ISO3 = {"586": "PAK", "364": "IRN"}


def _old_acled(tmp_path: Path, drop: str = "") -> Path:
    with NUMERIC.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    columns = [c for c in _OLD_ACLED if c != drop]
    table = [columns]
    for n, row in enumerate(rows, start=1):
        old = {**row, "data_id": str(7_000_000 + n), "event_id_no_cnty": row["event_id_cnty"].lstrip("PAKIRN")}
        old["iso3"] = _ISO3.get(row["iso"], "")
        table.append([old[c] for c in columns])
    path = tmp_path / "acled_2019.csv"
    path.write_text(table_text(table), encoding="utf-8")
    return path


def test_an_older_acled_export_imports_and_keeps_its_own_columns(any_node: Node, tmp_path: Path) -> None:
    """This worked before: the importer needs none of the columns older exports lack."""
    old = _old_acled(tmp_path)
    result = import_file(any_node, "acled", old)
    assert (result.added, result.rejected) == (40, 0)
    (columns,) = any_node.db.fetchone("SELECT columns FROM raw_headers WHERE dataset = 'acled'") or ("[]",)
    assert json.loads(columns) == list(_OLD_ACLED)  # the source rows keep data_id, iso3 … verbatim


def test_an_older_acled_export_re_exports_with_its_own_columns_after_acleds(any_node: Node, tmp_path: Path) -> None:
    old = _old_acled(tmp_path)
    import_file(any_node, "acled", old)
    out = tmp_path / "out.csv"
    assert export(any_node, "acled", out) == 40
    table = read_table(out)
    assert table[0] == [*acled.COLUMNS, "data_id", "event_id_no_cnty", "iso3"]
    written = [dict(zip(table[0], row, strict=True)) for row in table[1:]]
    source = read_table(old)
    # every value of every source row, under its own column; what an older export lacks is blank
    assert [{c: row[c] for c in source[0]} for row in written] == [
        dict(zip(source[0], r, strict=True)) for r in source[1:]
    ]
    assert {row["civilian_targeting"] + row["tags"] for row in written} == {""}
    again = import_file(any_node, "acled", out)  # the file imports again: the same records, one more column set
    assert (again.added, again.updated, again.rejected, count_incidents(any_node.db)) == (0, 40, 0, 40)


def test_an_older_acled_export_without_a_needed_column_names_it(node: Node, tmp_path: Path) -> None:
    old = _old_acled(tmp_path, drop="geo_precision")
    with pytest.raises(InvalidInput, match=r"acled_2019\.csv:1: header: missing column geo_precision \(expected"):
        import_file(node, "acled", old)
    assert count_incidents(node.db) == 0


# -- 5. UCDP: the columns in another order, and more of them -----------------------------------------------
def test_ucdp_columns_in_another_order_with_more_of_them_import_and_re_export(any_node: Node, tmp_path: Path) -> None:
    table = read_table(UCDP_SAMPLE)
    order = sorted(range(len(table[0])), key=lambda i: table[0][i])  # alphabetical: nothing where GED has it
    shuffled = [[row[i] for i in order] + [str(n)] for n, row in enumerate(table)]
    shuffled[0][-1] = "extra_release_column"
    path = tmp_path / "ged251.csv"
    path.write_text(table_text(shuffled), encoding="utf-8")
    assert import_file(any_node, "ucdp", path).added == COUNTS["ucdp"]
    (columns,) = any_node.db.fetchone("SELECT columns FROM raw_headers WHERE dataset = 'ucdp'") or ("[]",)
    assert json.loads(columns) == shuffled[0]
    out = tmp_path / "out.csv"
    export(any_node, "ucdp", out)
    # GED's columns in GED's order, then the extra one, each row with its values
    expected = [[*row, str(n)] for n, row in enumerate(table)]
    expected[0][-1] = "extra_release_column"
    assert read_table(out) == expected


def test_ucdp_without_a_needed_column_names_it(node: Node, tmp_path: Path) -> None:
    table = [row[:-3] for row in read_table(UCDP_SAMPLE)]  # GED's last columns: low, gwnoa, gwnob
    path = tmp_path / "candidate.csv"
    path.write_text(table_text(table), encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"candidate\.csv:1: header: missing column low \(expected the 49"):
        import_file(node, "ucdp", path)


# -- 6. an Excel workbook, and Excel's "Unicode Text" --------------------------------------------------------
def test_an_xlsx_workbook_is_refused_with_save_as_csv(node: Node, tmp_path: Path) -> None:
    book = tmp_path / "globalterrorismdb.xlsx"
    with zipfile.ZipFile(book, "w") as z:  # an .xlsx is a zip of XML parts
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(InvalidInput, match=r"globalterrorismdb\.xlsx: an Excel workbook \(\.xlsx\), not a CSV file:"
                       r" open it in Excel and save it as \"CSV UTF-8 \(Comma delimited\)\" \(or as \"CSV\" and"
                       r" import with --encoding cp1252\)"):  # fmt: skip
        import_file(node, "gtd", book)


def test_utf16_text_is_refused_with_save_as_csv(node: Node, tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes(SAMPLES["gtd"].read_text(encoding="utf-8").replace(",", "\t").encode("utf-16"))
    with pytest.raises(InvalidInput, match=r"unicode\.txt: UTF-16 text \(Excel's \"Unicode Text\"\), not a CSV"):
        import_file(node, "gtd", path)


# -- 7. column names in another case, or with spaces ---------------------------------------------------------
def test_a_column_in_another_case_is_missing_and_the_message_names_what_was_found(node: Node, tmp_path: Path) -> None:
    table = read_table(SAMPLES["acled"])
    table[0][0] = "Event_ID_Cnty "
    table[0][table[0].index("geo_precision")] = "Geo Precision"
    path = tmp_path / "renamed.csv"
    path.write_text(table_text(table), encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"renamed\.csv:1: header: missing columns event_id_cnty \(found"
                       r" 'Event_ID_Cnty '\), geo_precision \(found 'Geo Precision'\)"):  # fmt: skip
        import_file(node, "acled", path)


def test_spaces_around_a_column_name_are_not_part_of_it(node: Node, tmp_path: Path) -> None:
    """This worked before: `` event_id_cnty`` is ``event_id_cnty``, in the record and in the kept row."""
    table = read_table(SAMPLES["acled"])
    table[0] = [f" {name} " for name in table[0]]
    path = tmp_path / "spaced.csv"
    path.write_text(table_text(table), encoding="utf-8")
    assert import_file(node, "acled", path).added == COUNTS["acled"]
    assert import_file(node, "acled", SAMPLES["acled"]).unchanged == COUNTS["acled"]


# -- the command line ------------------------------------------------------------------------------------------
def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    h = tmp_path / "home"
    code, _, err = _run(capsys, "--home", str(h), "init", "--party", "PK")
    assert code == 0, err
    return h


def test_cli_import_skip_invalid_of_an_excel_file_gives_the_encoding_hint_once(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = read_table(SAMPLES["gtd"])
    summary = table[0].index("summary")
    for row in table[1:4]:
        row[summary] = _SUMMARY
    excel = tmp_path / "gtd_excel.csv"
    excel.write_bytes(table_text(table, "\r\n").encode("cp1252"))
    code, _, err = _run(capsys, "--home", str(home), "import", "gtd", str(excel), "--skip-invalid")
    assert code == 0, err
    assert [f"gtd_excel.csv:{line}: summary: the bytes are not valid UTF-8" in err for line in (2, 3, 4)] == [True] * 3
    assert err.count("if the file was saved by Excel, try --encoding cp1252") == 1


def test_cli_import_encoding_reads_excels_file(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    excel = _cp1252_gtd(tmp_path)
    code, _, err = _run(capsys, "--home", str(home), "import", "gtd", str(excel))
    assert code == 1 and "summary: the bytes are not valid UTF-8" in err
    assert err.count("if the file was saved by Excel, try --encoding cp1252") == 1
    code, out, err = _run(capsys, "--home", str(home), "import", "gtd", str(excel), "--encoding", "cp1252", "--json")
    assert code == 0, err
    assert json.loads(out)["added"] == COUNTS["gtd"]


@pytest.mark.parametrize(
    ("fmt", "name", "message"),
    [
        ("gtd", "utf-9", "error: --encoding 'utf-9': not a text encoding (e.g. utf-8, cp1252, latin-1)"),
        ("stix", "cp1252", "error: --encoding: not for stix (a STIX bundle is JSON, which is always UTF-8)"),
    ],
)
def test_cli_import_refuses_an_encoding_it_cannot_use(
    home: Path, capsys: pytest.CaptureFixture[str], fmt: str, name: str, message: str
) -> None:
    code, _, err = _run(capsys, "--home", str(home), "import", fmt, str(SAMPLES["gtd"]), "--encoding", name)
    assert code == 1 and message in err


def test_utf16_csv_reads_when_asked_for(node: Node, tmp_path: Path) -> None:
    path = tmp_path / "utf16.csv"
    path.write_bytes(SAMPLES["gtd"].read_text(encoding="utf-8").encode("utf-16"))
    assert import_file(node, "gtd", path, encoding="utf-16").added == COUNTS["gtd"]


@pytest.mark.parametrize(("separator", "shown"), [(";", "';'"), ("\t", "'\\\\t'")], ids=["semicolon", "tab"])
def test_a_file_separated_by_semicolons_says_so(node: Node, tmp_path: Path, separator: str, shown: str) -> None:
    """Excel's "CSV" in a locale whose decimal mark is a comma separates columns by ';'."""
    path = tmp_path / "semicolons.csv"
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(read_table(SAMPLES["acled"]))
    path.write_text(out.getvalue(), encoding="utf-8")
    with pytest.raises(InvalidInput, match=rf"semicolons\.csv:1: header: the columns are separated by {shown}, not"
                       r" by commas: save the file as \"CSV UTF-8 \(Comma delimited\)\""):  # fmt: skip
        import_file(node, "acled", path)


def test_ucdp_ged_25_1_writes_active_year_as_true_or_false_and_imports_and_exports_as_written(
    any_node: Node, tmp_path: Path
) -> None:
    """GED 20.1 to 26.1 have 23.1's 49 columns; 25.1's and 26.1's CSV write ``active_year`` as true/false (1/0
    before), and ``gwnoa`` may list several states (``2;200;900``). Such a file imports whole, again without
    change, and exports as written."""
    table = read_table(UCDP_SAMPLE)
    header = table[0]
    active, gwnoa = header.index("active_year"), header.index("gwnoa")
    for row in table[1:]:
        row[active] = {"1": "true", "0": "false"}.get(row[active], row[active])
    table[1][gwnoa] = "2;200;900"
    release = tmp_path / "GEDEvent_v25_1.csv"
    release.write_text(table_text(table), encoding="utf-8")
    assert {row[active] for row in table[1:]} <= {"true", "false"}
    result = import_file(any_node, "ucdp", release)
    assert (result.added, result.rejected) == (COUNTS["ucdp"], 0)
    again = import_file(any_node, "ucdp", release)
    assert (again.added, again.updated, again.unchanged) == (0, 0, COUNTS["ucdp"])
    out = tmp_path / "out.csv"
    export(any_node, "ucdp", out)
    assert read_table(out) == table
