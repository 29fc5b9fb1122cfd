"""Bad GTD and ACLED files: a clear ``FILE:LINE: field: what is wrong`` and a store left as it was."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from sarhad.cli import main
from sarhad.config import load_settings
from sarhad.errors import InvalidInput
from sarhad.importer import MAX_REPORTED_ERRORS, import_file
from sarhad.node import Node
from sarhad.store.incidents import Filters, count_incidents
from tests.formats.csv_tables import read_table, write_table

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "synthetic"
SAMPLES = {"gtd": ASSETS / "gtd_synthetic.csv", "acled": ASSETS / "acled_synthetic.csv"}
COUNTS = {"gtd": 120, "acled": 150}


def _set(table: list[list[str]], line: int, column: str, value: str) -> None:
    """Set ``column`` of the row on physical ``line`` (the fixtures have one line per row)."""
    table[line - 1][table[0].index(column)] = value


# (format, how to break the file, the message it must give)
Edit = Callable[[list[list[str]]], object]  # what an edit returns is not used
_ROW_CASES: list[tuple[str, Edit, str]] = [
    ("acled", lambda t: _set(t, 5, "event_date", "2024-13-01"), r"bad\.csv:5: event_date: '2024-13-01' is not a date"),
    ("acled", lambda t: _set(t, 2, "latitude", "123.4"), r"bad\.csv:2: latitude: 123\.4 is outside -90\.\.90"),
    ("acled", lambda t: _set(t, 9, "fatalities", "a few"), r"bad\.csv:9: fatalities: 'a few' is not a number"),
    ("acled", lambda t: _set(t, 3, "inter1", "Terrorists"), r"bad\.csv:3: inter1: 'Terrorists' is not an ACLED actor"),
    ("acled", lambda t: t[0].__setitem__(0, "event_id"), r"bad\.csv:1: header: missing column event_id_cnty"),
    ("acled", lambda t: t[6].pop(), r"bad\.csv:7: row: has 30 fields, the header has 31"),
    ("gtd", lambda t: _set(t, 4, "iyear", "abc"), r"bad\.csv:4: iyear: 'abc' is not a number"),
    ("gtd", lambda t: _set(t, 6, "imonth", "13"), r"bad\.csv:6: imonth: '13' is not 0 \(unknown\) or 1\.\.12"),
    ("gtd", lambda t: _set(t, 2, "latitude", "123.4"), r"bad\.csv:2: latitude: 123\.4 is outside -90\.\.90"),
    ("gtd", lambda t: _set(t, 8, "attacktype1", "12"), r"bad\.csv:8: attacktype1: 12 is not a GTD code"),
    ("gtd", lambda t: t[0].__setitem__(1, "year"), r"bad\.csv:1: header: missing column iyear"),
]  # fmt: skip


@pytest.fixture
def stocked(node: Node) -> Node:
    """A node that already holds both samples, so that "left as it was" is not just "empty"."""
    for fmt, path in SAMPLES.items():
        import_file(node, fmt, path)
    return node


def _state(node: Node) -> tuple[int, int]:
    return count_incidents(node.db), node.log.size()


@pytest.mark.parametrize(("fmt", "edit", "message"), _ROW_CASES, ids=[c[2].split(": ")[1] for c in _ROW_CASES])
def test_bad_row_rejects_the_file_with_where_and_what(
    stocked: Node, tmp_path: Path, fmt: str, edit: Edit, message: str
) -> None:
    table = read_table(SAMPLES[fmt])
    # make the file new content for the store, so that a failure to roll back would show
    for row in table[1:]:
        row[0] = row[0] + "9"
    edit(table)
    bad = write_table(tmp_path / "bad.csv", table)
    before = _state(stocked)
    with pytest.raises(InvalidInput, match=message) as caught:
        import_file(stocked, fmt, bad)
    if "header" not in message:
        assert "rejected, nothing was stored: 1 bad row" in str(caught.value)
        assert "--skip-invalid" in str(caught.value)
    assert _state(stocked) == before


_FILE_CASES: list[tuple[str, Callable[[bytes], bytes], str]] = [
    ("empty file", lambda data: b"", r"bad\.csv:1: header: the file is empty"),
    ("header only", lambda data: data.split(b"\n", 1)[0] + b"\n", r"^$"),
    ("wrong header", lambda data: b"id,date,lat,lon\n1,2024-01-01,30,60\n", r"bad\.csv:1: header: missing columns"),
    ("unterminated quote", lambda data: data + b'X1,"2024-01-01,never closed\n', r"bad\.csv:\d+: row: .*unterminated"),
    ("invalid UTF-8", lambda data: data.replace(b"Balochistan", b"Balo\xffchistan", 1), r"not valid UTF-8"),
    ("UTF-16", lambda data: data.decode("utf-8").encode("utf-16"), r"bad\.csv: UTF-16 text .*, not a CSV file: open"),
]  # fmt: skip


@pytest.mark.parametrize("fmt", ["gtd", "acled"])
@pytest.mark.parametrize(("case", "change", "message"), _FILE_CASES, ids=[c[0] for c in _FILE_CASES])
def test_malformed_file_is_rejected_and_changes_nothing(
    stocked: Node, tmp_path: Path, fmt: str, case: str, change: Callable[[bytes], bytes], message: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(change(SAMPLES[fmt].read_bytes()))
    before = _state(stocked)
    if case == "header only":  # a header and no rows is a valid, empty import
        result = import_file(stocked, fmt, bad)
        assert (result.rows, result.added) == (0, 0)
    else:
        with pytest.raises(InvalidInput, match=message):
            import_file(stocked, fmt, bad)
    assert _state(stocked) == before


def test_invalid_utf8_names_the_line_and_the_column(node: Node, tmp_path: Path) -> None:
    data = SAMPLES["acled"].read_bytes().split(b"\n")
    data[3] = data[3].replace(b"Pakistan", b"Pakist\xe4n", 1).replace(b"Iran", b"Ir\xe4n", 1)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\n".join(data))
    with pytest.raises(InvalidInput, match=r"bad\.csv:4: \w+: the bytes are not valid UTF-8"):
        import_file(node, "acled", bad)
    assert count_incidents(node.db) == 0


def test_many_bad_rows_report_the_first_ten(node: Node, tmp_path: Path) -> None:
    table = read_table(SAMPLES["acled"])
    for line in range(2, 32):
        _set(table, line, "latitude", "99")
    bad = write_table(tmp_path / "bad.csv", table)
    with pytest.raises(InvalidInput) as caught:
        import_file(node, "acled", bad)
    text = str(caught.value)
    assert f"(showing the first {MAX_REPORTED_ERRORS})" in text
    lines = [x.strip() for x in text.splitlines()[1:]]
    assert lines == [f"{bad}:{n}: latitude: 99 is outside -90..90" for n in range(2, 2 + MAX_REPORTED_ERRORS)]
    assert count_incidents(node.db) == 0


@pytest.mark.parametrize("fmt", ["gtd", "acled"])
def test_skip_invalid_stores_the_good_rows_and_writes_the_rejected_ones(node: Node, tmp_path: Path, fmt: str) -> None:
    table = read_table(SAMPLES[fmt])
    _set(table, 3, "latitude", "123.4")
    if fmt == "acled":
        _set(table, 10, "event_date", "2024-02-30")
        second = "event_date: '2024-02-30' is not a date (YYYY-MM-DD)"
    else:
        _set(table, 10, "iday", "45")
        second = "iday: '45' is not 0 (unknown) or 1..31"
    bad = write_table(tmp_path / "bad.csv", table)
    result = import_file(node, fmt, bad, skip_invalid=True)
    assert (result.added, result.rejected) == (COUNTS[fmt] - 2, 2)
    assert count_incidents(node.db) == COUNTS[fmt] - 2
    assert result.rejected_file == str(tmp_path / "bad.csv.rejected.csv")
    rejected = read_table(Path(result.rejected_file))
    assert rejected[0] == ["line", "reason", *table[0]]
    assert [r[:2] for r in rejected[1:]] == [["3", "latitude: 123.4 is outside -90..90"], ["10", second]]
    assert [r[2:] for r in rejected[1:]] == [table[2], table[9]]  # the rows as they were
    # fixing the rows and importing again adds exactly those
    fixed = read_table(SAMPLES[fmt])
    again = import_file(node, fmt, write_table(tmp_path / "fixed.csv", fixed))
    assert (again.added, again.unchanged) == (2, COUNTS[fmt] - 2)


# -- the command line --------------------------------------------------------------------------------------
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


@pytest.mark.parametrize("fmt", ["gtd", "acled"])
def test_cli_import_export_round_trip(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    code, out, err = _run(capsys, "--home", str(home), "import", fmt, str(SAMPLES[fmt]), "--json")
    assert code == 0, err
    assert json.loads(out)["added"] == COUNTS[fmt]
    code, out, _ = _run(capsys, "--home", str(home), "import", fmt, str(SAMPLES[fmt]), "--json")
    assert (json.loads(out)["added"], json.loads(out)["unchanged"]) == (0, COUNTS[fmt])
    target = tmp_path / f"out.{fmt}.csv"
    code, _, err = _run(capsys, "--home", str(home), "export", fmt, "--out", str(target))
    assert code == 0, err
    assert target.read_bytes() == SAMPLES[fmt].read_bytes()


def test_cli_reported_by(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "--home", str(home), "import", "acled", str(SAMPLES["acled"]), "--reported-by",
                          "IR", "--json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["added"] == COUNTS["acled"]
    node = Node.open(load_settings(home))
    try:
        assert count_incidents(node.db, Filters(reported_by="IR")) == COUNTS["acled"]
    finally:
        node.close()


def test_cli_bad_file_fails_with_the_errors(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = read_table(SAMPLES["gtd"])
    _set(table, 7, "latitude", "123.4")
    bad = write_table(tmp_path / "bad.csv", table)
    code, _, err = _run(capsys, "--home", str(home), "import", "gtd", str(bad))
    assert code != 0
    assert "bad.csv:7: latitude: 123.4 is outside -90..90" in " ".join(err.split())
    code, out, err = _run(capsys, "--home", str(home), "import", "gtd", str(bad), "--skip-invalid", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["added"], data["rejected"]) == (COUNTS["gtd"] - 1, 1)
    assert Path(data["rejected_file"]).is_file()


def test_cli_json_says_why_a_file_was_rejected(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A script asking for --json gets the rejection as JSON on stdout (and the message on stderr, exit 1).
    table = read_table(SAMPLES["acled"])
    _set(table, 4, "latitude", "123.4")
    _set(table, 9, "fatalities", "a few")
    bad = write_table(tmp_path / "bad.csv", table)
    code, out, err = _run(capsys, "--home", str(home), "import", "acled", str(bad), "--json")
    assert code == 1
    assert "bad.csv:4: latitude" in err
    assert json.loads(out) == {
        "file": str(bad), "format": "acled", "stored": False,
        "error": f"{bad}: rejected, nothing was stored: 2 bad rows; use --skip-invalid to store the good rows",
        "rows": COUNTS["acled"], "rejected": 2,
        "errors": [f"{bad}:4: latitude: 123.4 is outside -90..90", f"{bad}:9: fatalities: 'a few' is not a number"],
    }  # fmt: skip
    # an error in the file as a whole: no row counts, the error itself
    (tmp_path / "empty.csv").write_bytes(b"")
    code, out, _ = _run(capsys, "--home", str(home), "import", "acled", str(tmp_path / "empty.csv"), "--json")
    assert code == 1
    data = json.loads(out)
    assert (data["stored"], data["rows"], data["rejected"]) == (False, None, None)
    assert data["error"].startswith(f"{tmp_path / 'empty.csv'}:1: header: the file is empty")
    assert data["errors"] == [data["error"]]
    node = Node.open(load_settings(home))
    try:
        assert count_incidents(node.db) == 0
    finally:
        node.close()


def test_an_oversized_field_names_the_line_and_the_column(node: Node, tmp_path: Path) -> None:
    from sarhad.formats.csvio import MAX_FIELD

    table = read_table(SAMPLES["acled"])
    _set(table, 6, "notes", "x" * (MAX_FIELD + 1))
    _set(table, 7, "notes", "x" * MAX_FIELD)  # at the limit: fine
    bad = write_table(tmp_path / "bad.csv", table)
    with pytest.raises(InvalidInput, match=rf"bad\.csv:6: notes: field longer than {MAX_FIELD} characters") as caught:
        import_file(node, "acled", bad)
    assert "1 bad row" in str(caught.value)
    assert count_incidents(node.db) == 0


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_home(request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A PK node's home, on SQLite and on PostgreSQL."""
    db = [] if request.param == "sqlite" else ["--db", request.getfixturevalue("pg_schema_url")]
    code, _, err = _run(capsys, "--home", str(tmp_path / "home"), "init", "--party", "PK", *db)
    assert code == 0, err
    return tmp_path / "home"


@pytest.mark.parametrize(("given", "party"), [("Pakistan", "PK"), ("pak", "PK"), ("Iran", "IR"), ("pips", "PIPS")])
def test_cli_reported_by_a_country_is_its_code(
    any_home: Path, capsys: pytest.CaptureFixture[str], given: str, party: str
) -> None:
    """A country's name or alpha-3 code is the country's party (PK), not a new party PAKISTAN; any other name
    (a think tank) is a party code of its own."""
    home = any_home
    code, _, err = _run(capsys, "--home", str(home), "import", "acled", str(SAMPLES["acled"]), "--reported-by",
                          given, "--json")  # fmt: skip
    assert code == 0, err
    node = Node.open(load_settings(home))
    try:
        assert count_incidents(node.db, Filters(reported_by=party)) == COUNTS["acled"]
        assert count_incidents(node.db) == COUNTS["acled"]
    finally:
        node.close()
