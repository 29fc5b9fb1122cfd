"""The known rows a re-import reads from ``import_derivations`` (sarhad.store.derivations.known_rows)."""

from __future__ import annotations

import _ctypes
import _sqlite3
import ctypes

import pytest

from sarhad.formats import table_format
from sarhad.formats.unchanged import KnownRows, fingerprint
from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.store.derivations import known_rows
from tests.conftest import ASSETS, UCDP_SAMPLE

ACLED = ASSETS / "synthetic" / "acled_synthetic.csv"
COPIES = 400  # of the 150 ACLED records: 60,000 records, about 35 MB of the pages the join reads


def _sqlite_memory() -> tuple[_ctypes.CFuncPtr, _ctypes.CFuncPtr]:
    """SQLite's own count of the memory it holds, and its high-water mark (reset when asked)."""
    try:
        lib = ctypes.CDLL(_sqlite3.__file__)  # the SQLite library Python's sqlite3 module runs on
        used, highwater = lib.sqlite3_memory_used, lib.sqlite3_memory_highwater
    except (OSError, AttributeError):
        pytest.skip("SQLite's memory counters are not reachable from this Python")
    used.restype = highwater.restype = ctypes.c_int64
    used.argtypes, highwater.argtypes = [], [ctypes.c_int]
    return used, highwater


def _derived_by(node: Node, format_name: str) -> bytes:
    fmt = table_format(format_name)
    return fingerprint(fmt.name, fmt.default_reporter, "CLEAR", (), node.settings.party)


def _multiplied(node: Node, copies: int) -> int:
    """The node's ACLED records and their derivations copied ``copies`` times under other ids (the copies of a
    record share its content hash and derivation): a large node without importing a large file."""
    columns = [str(r[1]) for r in node.db.fetchall("PRAGMA table_info(incidents)")]
    others = ", ".join(c for c in columns if c != "id")
    of_i = ", ".join(f"i.{c}" for c in columns if c != "id")
    copy = "'incident--' || printf('%05d', n.k) || substr(x.id, 16)"  # another id of the same length
    numbers = "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < ?)"
    with node.db.transaction():
        node.db.execute("CREATE TEMP TABLE originals AS SELECT id FROM incidents WHERE dataset = 'acled'")
        node.db.execute(
            f"{numbers} INSERT INTO incidents (id, {others}) SELECT {copy}, {of_i}"
            " FROM n, originals x JOIN incidents i ON i.id = x.id",
            (copies - 1,),
        )
        node.db.execute(
            f"{numbers} INSERT INTO import_derivations (id, derivation, content_sha256)"
            f" SELECT {copy}, d.derivation, d.content_sha256"
            " FROM n, originals x JOIN import_derivations d ON d.id = x.id",
            (copies - 1,),
        )
        node.db.execute("DROP TABLE originals")
    row = node.db.fetchone("SELECT COUNT(*) FROM incidents WHERE dataset = 'acled'")
    assert row is not None
    return int(row[0])


def _expected(node: Node, dataset: str) -> set[str]:
    return {
        str(r[0])
        for r in node.db.fetchall(
            "SELECT d.id FROM import_derivations d JOIN incidents i ON i.id = d.id"
            " WHERE i.dataset = ? AND i.content_sha256 = d.content_sha256",
            (dataset,),
        )
    }


def _held(known: KnownRows) -> set[str]:
    """The record ids ``known`` holds, as the hex of their UUIDs."""
    ids = known.state()[2]
    return {ids[i : i + 16].hex() for i in range(0, len(ids), 16)}


def test_reading_the_known_rows_inside_a_bulk_write_leaves_its_page_cache_empty(node: Node) -> None:
    """An import reads the known rows inside its bulk write (a 128 MiB page cache): SQLite holds no more than
    a few MiB for it, not the tens of MiB of pages the join reads; the bulk write's cache is as it was after."""
    used, highwater = _sqlite_memory()
    import_file(node, "acled", ACLED)
    count = _multiplied(node, COPIES)
    assert count == 150 * COPIES
    with node.db.bulk(), node.db.transaction():
        cache_before = node.db.fetchone("PRAGMA cache_size")
        start = used()
        highwater(1)  # from here
        known = known_rows(node.db, "acled", _derived_by(node, "acled"))
        peak = highwater(0) - start
        assert node.db.fetchone("PRAGMA cache_size") == cache_before
    assert len(known) == count
    assert peak < 8 * 2**20, f"SQLite held {peak / 2**20:.0f} MiB more while the known rows were read"


@pytest.mark.parametrize("dataset", ["acled", "ucdp"])
def test_the_known_rows_are_those_whose_record_has_the_derived_content_whichever_table_is_walked(
    any_node: Node, dataset: str
) -> None:
    """A dataset that holds most of the derivations (ACLED, 150 records) and one that holds few (UCDP beside
    it): each gets its own records, all but those changed since they were derived."""
    import_file(any_node, "acled", ACLED)
    import_file(any_node, "ucdp", UCDP_SAMPLE)
    with any_node.db.transaction():  # a local edit of one record of each: no longer as derived
        for name in ("acled", "ucdp"):
            any_node.db.execute(
                "UPDATE incidents SET content_sha256 = 'edited' WHERE id = (SELECT MIN(id) FROM incidents"
                " WHERE dataset = ?)",
                (name,),
            )
    expected = _expected(any_node, dataset)
    stored = any_node.db.fetchone("SELECT COUNT(*) FROM incidents WHERE dataset = ?", (dataset,))
    assert stored is not None and len(expected) == int(stored[0]) - 1 > 0
    known = known_rows(any_node.db, dataset, _derived_by(any_node, dataset))
    assert len(known) == len(expected)
    assert _held(known) == {i[-36:].replace("-", "") for i in expected}
