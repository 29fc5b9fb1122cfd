"""A node that imported a GTD file whose ids pandas wrote as floats (``201001200001.0``) before sarhad read them
as the whole number holds each such event twice: the record the old import derived under the float id, and the
record an import since derived under the whole number. Its export keeps each event once, the whole-number
record (the current one), says on stderr how many float-id records it left out, and imports again whole.

The old state is made with the real importer, its id read as the old code read it (the text, stripped) and the
mapping version it had (1), as the change for issue #2 describes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sarhad.exporter import export
from sarhad.formats import gtd, unchanged
from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.store.incidents import count_incidents
from tests.conftest import run_cli
from tests.formats.csv_tables import COUNTS, SAMPLES, read_table, table_text

N = COUNTS["gtd"]


def _floats(tmp_path: Path) -> tuple[Path, list[list[str]]]:
    """The GTD sample as pandas writes it when the id column has a blank cell: every eventid as a float."""
    table = read_table(SAMPLES["gtd"])
    index = table[0].index("eventid")
    for row in table[1:]:
        row[index] += ".0"
    path = tmp_path / "gtd_floats.csv"
    path.write_text(table_text(table), encoding="utf-8")
    return path, table


def _import_as_before(node: Node, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Import ``path`` as sarhad did before ids written as floats were read as whole numbers."""
    with monkeypatch.context() as patch:
        patch.setattr(gtd, "row_id", lambda row, field: row.get(field, "").strip())
        patch.setattr(unchanged, "MAPPING_VERSION", 1)
        result = import_file(node, "gtd", path)
    assert (result.added, result.rejected) == (N, 0)
    ids = {str(r[0]) for r in node.db.fetchall("SELECT source_id FROM incidents")}
    assert len(ids) == N and all(i.endswith(".0") for i in ids)


@pytest.mark.parametrize("second", ["as downloaded", "floats again"])
def test_export_keeps_the_whole_number_record_of_an_event_once_and_imports_again(
    any_node: Node, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], second: str
) -> None:
    floats, float_table = _floats(tmp_path)
    _import_as_before(any_node, floats, monkeypatch)
    # since: the file as downloaded, or the same float copy, gives each event's record under its whole number
    again = import_file(any_node, "gtd", SAMPLES["gtd"] if second == "as downloaded" else floats)
    assert (again.added, again.rejected) == (N, 0)
    assert count_incidents(any_node.db) == 2 * N  # each event twice: the old float-id record stays

    out = tmp_path / "out.csv"
    code, stdout, err = run_cli(capsys, "--home", str(any_node.settings.home), "export", "gtd", "--out", str(out))
    assert code == 0, err
    assert stdout.startswith(f"exported {N} incidents as gtd"), stdout
    assert f"note: gtd: left out {N} records stored under an id written as a decimal number" in err, err
    assert "201001200001.0" in err and "(201001200001)" in err, err
    # the whole-number records, as their rows were last imported: the text of the last file
    assert read_table(out) == (read_table(SAMPLES["gtd"]) if second == "as downloaded" else float_table)
    assert export(any_node, "gtd", tmp_path / "api.csv") == N

    # the export imports again: into this node (nothing new) and into a new one (each event once)
    assert import_file(any_node, "gtd", out).unchanged == N
    fresh = Node.init(tmp_path / "fresh", "PK")
    try:
        result = import_file(fresh, "gtd", out)
        assert (result.added, result.rejected) == (N, 0)
    finally:
        fresh.close()


def test_an_old_float_id_record_whose_twin_is_not_exported_is_kept(
    any_node: Node, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another reporter's copy is another record of the event, not its twin: both are written, and the second
    gets a converted id, as two parties' copies of one row do, though one's id is written as a float."""
    floats, float_table = _floats(tmp_path)
    _import_as_before(any_node, floats, monkeypatch)
    assert import_file(any_node, "gtd", SAMPLES["gtd"], reported_by="PK").added == N
    out = tmp_path / "out.csv"
    notes: list[str] = []
    assert export(any_node, "gtd", out, notes=notes) == 2 * N
    assert notes == []
    table = read_table(out)
    assert table[: N + 1] == float_table  # the old records first, as stored; the copies under converted ids
    assert all(len(row[0]) == 18 for row in table[N + 1 :])
    fresh = Node.init(tmp_path / "fresh", "PK")
    try:
        result = import_file(fresh, "gtd", out)
        assert (result.added, result.rejected) == (2 * N, 0)
    finally:
        fresh.close()
