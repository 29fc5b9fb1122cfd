"""A re-import hashes each row's canonical text once (issue #2).

With known rows (:class:`sarhad.formats.unchanged.KnownRows`), every row is hashed to look it up; a row that is
not known (changed or new) is then parsed, and its parser takes that hash instead of hashing the row again
(about 14 µs an ACLED row). Counted here by the texts given to SHA-256 in :mod:`sarhad.formats.base`, through
which every row's hash goes: in the importing process, and on the worker's path (``scan(straight=True)``).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from sarhad.formats import base, table_format
from sarhad.formats.scan import Tally, scan
from sarhad.formats.unchanged import fingerprint
from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.store.derivations import known_rows
from tests.formats.csv_tables import SAMPLES, read_table

# a free-text column each format keeps as it is: editing it changes the row, and nothing else
TEXT = {"gtd": "summary", "acled": "notes", "ucdp": "where_description"}


def _changed(fmt: str, tmp_path: Path, every: int) -> tuple[Path, int]:
    """A copy of the sample with every ``every``-th row's free text changed, and how many rows changed."""
    table = read_table(SAMPLES[fmt])
    column = table[0].index(TEXT[fmt])
    rows = table[1:]
    for row in rows[::every]:
        row[column] += " (revised)"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    path = tmp_path / f"{fmt}_changed.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path, len(rows[::every])


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> Counter[bytes]:
    """The texts hashed by SHA-256 in sarhad.formats.base from now on, with how often each was."""
    texts: Counter[bytes] = Counter()

    def sha256(data: bytes = b"") -> Any:
        texts[bytes(data)] += 1
        return hashlib.sha256(data)

    monkeypatch.setattr(base, "hashlib", SimpleNamespace(sha256=sha256))
    return texts


@pytest.mark.parametrize("fmt", ["gtd", "acled", "ucdp"])
def test_a_reimport_hashes_each_changed_row_once(node: Node, tmp_path: Path, fmt: str, hashed: Counter[bytes]) -> None:
    import_file(node, fmt, SAMPLES[fmt])
    rows = len(read_table(SAMPLES[fmt])) - 1
    path, changed = _changed(fmt, tmp_path, every=3)
    hashed.clear()
    result = import_file(node, fmt, path)
    assert (result.updated, result.unchanged) == (changed, rows - changed)
    assert sum(hashed.values()) == rows  # each row once: twice for the changed rows before
    assert max(hashed.values()) == 1


def test_the_workers_straight_path_hashes_each_changed_row_once(
    node: Node, tmp_path: Path, hashed: Counter[bytes]
) -> None:
    """What the import worker runs (ACLED's ``fields``, with the row's keys and values for ``raw_rows``), in
    this process, and the fields are those the row gives without known rows."""
    import_file(node, "acled", SAMPLES["acled"])
    path, changed = _changed("acled", tmp_path, every=2)
    fmt = table_format("acled")
    known = known_rows(node.db, "acled", fingerprint("acled", "ACLED", "CLEAR", (), node.settings.party))
    assert len(known) == len(read_table(SAMPLES["acled"])) - 1

    def fields(known_rows: Any) -> list[Any]:
        batches = scan(
            fmt, path, reported_by=None, tlp="CLEAR", skip_invalid=False, tally=Tally(), rejected=[],
            straight=True, known=known_rows,
        )  # fmt: skip
        return [rec for batch in batches for rec, _row in batch]

    hashed.clear()
    found = fields(known)
    assert len(found) == changed
    assert sum(hashed.values()) == len(known)  # each row once, to look it up
    assert [rec for rec in fields(None) if rec[0] in {f[0] for f in found}] == found
