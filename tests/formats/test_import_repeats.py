"""A record id repeated within a file is a bad row: the later copy is rejected, naming the line of the first."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from sarhad.errors import InvalidInput
from sarhad.formats.seen_ids import SeenIds
from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.store.incidents import count_incidents
from tests.conftest import ASSETS, UCDP_SAMPLE

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import acled_synth

from tests.formats.csv_tables import read_table, write_table

SAMPLES = {
    "acled": (ASSETS / "synthetic" / "acled_synthetic.csv", "event_id_cnty"),
    "gtd": (ASSETS / "synthetic" / "gtd_synthetic.csv", "eventid"),
    "ucdp": (UCDP_SAMPLE, "id"),
}


def _starts(path: Path) -> list[int]:
    """The physical line on which each record of ``path`` starts (the header's is 1; a UCDP field spans lines)."""
    starts, line = [], 1
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        for _ in reader:
            starts.append(line)
            line = reader.line_num + 1
    return starts


def _with_copies(src: Path, dst: Path, copies: dict[int, int], notes: str | None = None) -> Path:
    """``src`` with record ``n`` (the header is 0) replaced by a copy of record ``copies[n]``, with ``notes``
    (ACLED) when given, so that the copy is not the same row."""
    table = read_table(src)
    for n, of in copies.items():
        table[n] = list(table[of])
        if notes is not None:
            table[n][table[0].index("notes")] = notes
    return write_table(dst, table)


@pytest.mark.parametrize("fmt", ["acled", "gtd", "ucdp"])
def test_a_repeated_id_rejects_the_file(any_node: Node, tmp_path: Path, fmt: str) -> None:
    src, column = SAMPLES[fmt]
    source_id = read_table(src)[1][read_table(src)[0].index(column)]
    bad = _with_copies(src, tmp_path / "bad.csv", {4: 1, 8: 1})
    with pytest.raises(InvalidInput) as caught:
        import_file(any_node, fmt, bad)
    text = str(caught.value)
    lines = _starts(bad)
    assert "rejected, nothing was stored: 2 bad rows" in text
    assert f"bad.csv:{lines[4]}: {column}: {source_id} repeats line 2" in text
    assert f"bad.csv:{lines[8]}: {column}: {source_id} repeats line 2" in text
    assert (count_incidents(any_node.db), any_node.log.size()) == (0, 0)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """6,000 ACLED rows whose last repeats the id of the second: more than one batch apart, in one process
    (5,000 rows a batch) and in the worker (1,000)."""
    folder = tmp_path_factory.mktemp("repeats")
    acled_synth.write(folder / "acled.csv", 6_000, seed=7)
    return _with_copies(folder / "acled.csv", folder / "repeats.csv", {6_000: 2}, notes="a later copy")


@pytest.mark.parametrize("min_bytes", [0, 2**62], ids=["worker", "one process"])
def test_a_repeat_batches_apart_is_found(any_node: Node, big: Path, min_bytes: int) -> None:
    source_id = read_table(big)[2][read_table(big)[0].index("event_id_cnty")]
    with pytest.raises(InvalidInput, match=f"repeats.csv:6001: event_id_cnty: {source_id} repeats line 3"):
        import_file(any_node, "acled", big, worker_min_bytes=min_bytes)
    assert count_incidents(any_node.db) == 0


@pytest.mark.parametrize("min_bytes", [0, 2**62], ids=["worker", "one process"])
def test_skip_invalid_rejects_the_repeat_and_keeps_the_first(
    any_node: Node, tmp_path: Path, big: Path, min_bytes: int
) -> None:
    src = tmp_path / "repeats.csv"
    src.write_bytes(big.read_bytes())
    result = import_file(any_node, "acled", src, skip_invalid=True, worker_min_bytes=min_bytes)
    assert (result.rows, result.added, result.updated, result.rejected) == (6_000, 5_999, 0, 1)
    table = read_table(src)
    rejected = read_table(Path(str(result.rejected_file)))
    source_id = table[2][table[0].index("event_id_cnty")]
    assert rejected[1] == ["6001", f"event_id_cnty: {source_id} repeats line 3", *table[6_000]]
    first = any_node.db.fetchone("SELECT id FROM incidents WHERE source_id = ?", (source_id,))
    assert first is not None
    stored = any_node.raw_row(first[0])
    assert stored is not None and stored["notes"] == table[2][table[0].index("notes")]  # the first copy
    # the same file again changes nothing
    again = import_file(any_node, "acled", src, skip_invalid=True, worker_min_bytes=min_bytes)
    assert (again.added, again.updated, again.unchanged, again.rejected) == (0, 0, 5_999, 1)


def test_ids_that_share_half_their_uuid_are_not_repeats() -> None:
    seen = SeenIds()
    same_high = "incident--0123abcd-0123-5abc-8"
    assert seen.earlier_lines([same_high + "000-000000000001"], [2]) == [None]
    assert seen.earlier_lines([same_high + "000-000000000002", same_high + "000-000000000001"], [3, 4]) == [None, 2]
    assert seen.earlier_lines([same_high + "000-000000000002", same_high + "000-000000000002"], [5, 6]) == [3, 3]
