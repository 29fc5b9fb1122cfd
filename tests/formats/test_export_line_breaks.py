"""A cell holding a carriage return alone (a note typed on an old Mac; read from a file with CRLF line ends) is
written quoted by every CSV export: the dataset's format imports again as the same rows, and sarhad's flat CSV
and the clusters' CSV read back with one row per record. Python's csv writer quotes a line break only when it is
part of the writer's line end, and the exports end their lines with ``\\n``: such a cell was written bare, and
the file split the row there. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sarhad.exporter import export
from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.reconcile.export import export_clusters
from sarhad.reconcile.store import reconcile
from tests.formats.csv_tables import SAMPLES, read_table

NOTE = "Attack on a checkpoint.\rTwo more died in hospital."


def _with_carriage_return(tmp_path: Path) -> Path:
    table = read_table(SAMPLES["acled"])
    table[1][table[0].index("notes")] = NOTE
    path = tmp_path / "acled_cr.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(table)  # CRLF line ends: the \r inside is quoted
    return path


@pytest.fixture
def node(any_node: Node, tmp_path: Path) -> Node:
    import_file(any_node, "acled", _with_carriage_return(tmp_path))
    return any_node


def test_an_acled_export_with_a_carriage_return_in_a_cell_imports_again_unchanged(node: Node, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    export(node, "acled", out)
    assert read_table(out) == read_table(_with_carriage_return(tmp_path))
    again = import_file(node, "acled", out)
    assert (again.rejected, again.added, again.updated, again.unchanged) == (0, 0, 0, 150)


def test_the_flat_csv_and_the_clusters_csv_keep_one_row_a_record(node: Node, tmp_path: Path) -> None:
    out = tmp_path / "flat.csv"
    export(node, "csv", out)
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 150 and NOTE in {r["summary"] for r in rows}
    assert {len(r) for r in rows} == {len(rows[0])}
    reconcile(node.db, "PK")
    clusters = tmp_path / "clusters.csv"
    done = export_clusters(node.db, "csv", clusters)
    with clusters.open(encoding="utf-8", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == len(done.rows)
