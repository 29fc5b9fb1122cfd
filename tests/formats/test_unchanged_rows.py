"""A re-import counts a row unchanged without deriving its record again when the store holds that record as the
import would derive it (sarhad.formats.unchanged): the same summaries and stored state as the full path.

The full path is what a node gets without its ``import_derivations`` (a cache of what each record was derived
from): node ``full`` has it emptied before every import, node ``fast`` keeps it. Node ``full`` always imports in
this process: it is the reference, and the worker's own equivalence with one process is test_import_worker.py's.
Node ``fast`` imports in the worker or in this process, as the test asks (the worker checks the known rows).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import sarhad.formats.unchanged as unchanged
from sarhad.errors import InvalidInput
from sarhad.formats import table_format
from sarhad.formats.base import MAPPING_VERSION, RowContext
from sarhad.formats.csvio import read_rows
from sarhad.importer import ImportResult, import_file
from sarhad.node import Node
from sarhad.prepare import Preparer
from tests.conftest import ASSETS, UCDP_SAMPLE, drop_schema
from tests.formats.csv_tables import read_table, write_table

ACLED = ASSETS / "synthetic" / "acled_synthetic.csv"
SAMPLES = {"acled": ACLED, "gtd": ASSETS / "synthetic" / "gtd_synthetic.csv", "ucdp": UCDP_SAMPLE}

# The content hashes of every fixture row's record (parsed without geography, which the fingerprint covers
# apart), hashed together, per format, under each MAPPING_VERSION.
GOLDEN = {
    1: {
        "acled": "3c357385bb57ee2dfdc80b16c0e0c251cdc47f0b97786fd187f30f8671ea61a0",
        "gtd": "fedb62462e2f6c312faa8abd8920f2f59c863b77a80cf6e175d061790df288e0",
        "ucdp": "699f6e0020cd6014dd6c1358c2abb1d5fd0a052823667a1e61ca52a0bcb02bee",
    },
    # 2 reads an id written as a whole float (201001200001.0) as the whole number: no fixture row has one
    2: {
        "acled": "3c357385bb57ee2dfdc80b16c0e0c251cdc47f0b97786fd187f30f8671ea61a0",
        "gtd": "fedb62462e2f6c312faa8abd8920f2f59c863b77a80cf6e175d061790df288e0",
        "ucdp": "699f6e0020cd6014dd6c1358c2abb1d5fd0a052823667a1e61ca52a0bcb02bee",
    },
}


def _records_digest(format_name: str) -> str:
    fmt = table_format(format_name)
    prepare = Preparer("PK", "2026-01-01T00:00:00.000Z")
    digest = hashlib.sha256()
    for _line, row, problem in read_rows(SAMPLES[format_name], fmt.required):
        assert problem is None
        digest.update(prepare.content(fmt.parse(row, RowContext(fmt.default_reporter)))[-1].encode())
    return digest.hexdigest()


@pytest.mark.parametrize("format_name", sorted(SAMPLES))
def test_mapping_version_is_bumped_when_the_records_change(format_name: str) -> None:
    recorded = GOLDEN.get(MAPPING_VERSION)
    assert recorded is not None, f"record the fixture rows' digests for MAPPING_VERSION {MAPPING_VERSION} here"
    assert _records_digest(format_name) == recorded[format_name], (
        f"what {format_name} rows become changed: bump MAPPING_VERSION in sarhad/formats/base.py (a re-import"
        " would otherwise keep the records derived by the former mapping) and record the new digests here"
    )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def twins(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Node, Node]]:
    """Two fresh PK nodes (``fast``, ``full``) on SQLite or on PostgreSQL."""
    if request.param == "sqlite":
        nodes = (Node.init(tmp_path / "fast", "PK"), Node.init(tmp_path / "full", "PK"))
        yield nodes
    else:
        url = request.getfixturevalue("pg_schema_url")
        other = url.replace("schema=", "schema=b")
        nodes = (Node.init(tmp_path / "fast", "PK", database_url=url), Node.init(tmp_path / "full", "PK"))
        nodes[1].close()
        try:
            nodes = (nodes[0], Node.init(tmp_path / "full2", "PK", database_url=other))
            yield nodes
        finally:
            nodes[1].close()
            drop_schema(other)
    for n in nodes:
        n.close()


def _revised(path: Path, changed: range, notes: str = "revised") -> Path:
    """The ACLED fixture with the notes of records ``changed`` (the header is 0) rewritten."""
    table = read_table(ACLED)
    at = table[0].index("notes")
    for n in changed:
        table[n][at] = notes
    return write_table(path, table)


def _state(node: Node) -> dict[str, Any]:
    db = node.db
    return {
        "incidents": db.fetchall("SELECT id, content_sha256, reported_by, tlp FROM incidents ORDER BY id"),
        "versions": db.fetchall("SELECT id, content_sha256 FROM objects ORDER BY id, content_sha256"),
        "raw_rows": db.fetchall("SELECT id, row FROM raw_rows ORDER BY id"),
        "leaves": db.fetchall("SELECT COUNT(*) FROM log_leaves"),
    }


def _summary(result: ImportResult) -> dict[str, object]:
    out = result.to_json()
    del out["seconds"]
    return out


ONE_PROCESS = 2**62  # a worker_min_bytes no file reaches: the import reads and prepares in this process


def _both(nodes: tuple[Node, Node], *args: Any, worker_min_bytes: int | None = None, **options: Any) -> ImportResult:
    """Import into both nodes: ``fast`` with ``worker_min_bytes``, ``full`` without what its records were derived
    from and in this process; check that the summaries, the rejects files and the stored state are the same;
    return the fast node's result."""
    fast, full = nodes
    full.db.execute("DELETE FROM import_derivations")
    results, rejects = [], []
    for node, min_bytes in ((fast, worker_min_bytes), (full, ONE_PROCESS)):
        try:
            results.append(import_file(node, *args, worker_min_bytes=min_bytes, **options))
        except InvalidInput as exc:
            results.append(exc)  # type: ignore[arg-type]
        done = results[-1]
        rejected = getattr(done, "rejected_file", None)
        rejects.append(Path(rejected).read_text(encoding="utf-8") if rejected else None)
    if isinstance(results[0], ImportResult):
        assert isinstance(results[1], ImportResult)
        assert _summary(results[0]) == _summary(results[1])
        assert results[1].known == 0
    else:
        assert str(results[0]) == str(results[1])
    assert rejects[0] == rejects[1]
    assert _state(fast) == _state(full)
    return results[0]


@pytest.fixture(params=[None, 0], ids=["in-process", "worker"])
def worker(request: pytest.FixtureRequest) -> int | None:
    return request.param  # type: ignore[no-any-return]


@pytest.mark.parametrize("format_name", sorted(SAMPLES))
def test_an_unchanged_file_is_only_read(twins: tuple[Node, Node], format_name: str, worker: int | None) -> None:
    path = SAMPLES[format_name]
    first = _both(twins, format_name, path, worker_min_bytes=worker)
    assert first.known == 0 and first.added > 0
    again = _both(twins, format_name, path, worker_min_bytes=worker)
    assert (again.added, again.updated, again.unchanged) == (0, 0, first.added)
    assert again.known == first.added


def test_changed_and_mixed_files(twins: tuple[Node, Node], worker: int | None, tmp_path: Path) -> None:
    _both(twins, "acled", ACLED, worker_min_bytes=worker)
    changed = _both(twins, "acled", _revised(tmp_path / "changed.csv", range(1, 11)), worker_min_bytes=worker)
    assert (changed.added, changed.updated, changed.unchanged, changed.known) == (0, 10, 140, 140)
    # mixed: rows changed, rows new, rows gone, a bad row and a repeated row, with --skip-invalid
    table = read_table(_revised(tmp_path / "x.csv", range(5, 20), "mixed"))
    ids = table[0].index("event_id_cnty")
    table = table[:100]
    for n in range(3):
        table.append(list(table[1]))
        table[-1][ids] = f"NEW{n}"
    table.append(list(table[30]))  # a repeat of an unchanged row
    table.append(list(table[40]))
    table[-1][table[0].index("latitude")] = "95"  # bad
    mixed = tmp_path / "mixed.csv"
    write_table(mixed, table)
    done = _both(twins, "acled", mixed, skip_invalid=True, worker_min_bytes=worker)
    # records 1..4 go back to what they were first, 5..19 change again or for the first time
    assert (done.added, done.updated, done.unchanged, done.rejected, done.known) == (3, 19, 80, 2, 80)
    # without --skip-invalid the file is refused the same way
    _both(twins, "acled", mixed, worker_min_bytes=worker)
    again = _both(twins, "acled", mixed, skip_invalid=True, worker_min_bytes=worker)
    assert (again.added, again.updated, again.unchanged, again.known) == (0, 0, 102, 102)


def test_other_options_take_the_full_path(twins: tuple[Node, Node], worker: int | None) -> None:
    _both(twins, "acled", ACLED, worker_min_bytes=worker)
    other = _both(twins, "acled", ACLED, reported_by="PK", worker_min_bytes=worker)
    assert (other.added, other.known) == (150, 0)
    again = _both(twins, "acled", ACLED, reported_by="PK", worker_min_bytes=worker)
    assert (again.unchanged, again.known) == (150, 150)
    amber = _both(twins, "acled", ACLED, tlp="AMBER", worker_min_bytes=worker)
    assert (amber.updated, amber.known) == (150, 0)
    back = _both(twins, "acled", ACLED, worker_min_bytes=worker)
    assert (back.updated, back.known) == (150, 0)  # derived as CLEAR before, but stored as AMBER since


def test_a_record_changed_since_takes_the_full_path(twins: tuple[Node, Node], worker: int | None) -> None:
    first = _both(twins, "acled", ACLED, worker_min_bytes=worker)
    assert first.added == 150
    for node in twins:
        some = node.db.fetchone("SELECT id FROM incidents ORDER BY id LIMIT 1")
        assert some is not None
        node.publish([replace(node.incident(str(some[0])), summary="edited here")])
    again = _both(twins, "acled", ACLED, worker_min_bytes=worker)
    assert (again.updated, again.unchanged, again.known) == (1, 149, 149)


def test_another_mapping_version_takes_the_full_path(
    twins: tuple[Node, Node], worker: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _both(twins, "gtd", SAMPLES["gtd"], worker_min_bytes=worker)
    monkeypatch.setattr(unchanged, "MAPPING_VERSION", MAPPING_VERSION + 1)  # in this process only
    again = _both(twins, "gtd", SAMPLES["gtd"], worker_min_bytes=None)
    assert (again.unchanged, again.known) == (120, 0)
    again = _both(twins, "gtd", SAMPLES["gtd"], worker_min_bytes=None)
    assert (again.unchanged, again.known) == (120, 120)
