"""A dataset format has no column for a TLP marking: an export in it that holds records marked above CLEAR says
so, since the file carries them unmarked and an import of it marks them with its own ``--tlp``."""

from __future__ import annotations

from pathlib import Path

import pytest

from sarhad.exporter import export
from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.store.incidents import Filters
from tests.conftest import UCDP_SAMPLE, write_ucdp


def _marked_node(node: Node, tmp_path: Path) -> None:
    import_file(node, "ucdp", UCDP_SAMPLE)
    amber = tmp_path / "amber.csv"
    write_ucdp(amber, 2, 990001)
    import_file(node, "ucdp", amber, reported_by="PK", tlp="AMBER")
    red = tmp_path / "red.csv"
    write_ucdp(red, 1, 990101)
    import_file(node, "ucdp", red, reported_by="PK", tlp="RED", recipients=("PK:desk-a",))


@pytest.mark.parametrize("fmt", ["ucdp", "gtd", "acled"])
def test_a_dataset_export_of_marked_records_says_they_lose_their_marking(
    any_node: Node, tmp_path: Path, fmt: str
) -> None:
    _marked_node(any_node, tmp_path)
    notes: list[str] = []
    assert export(any_node, fmt, tmp_path / f"all.{fmt}", notes=notes) == 37 + 3
    assert [n for n in notes if "TLP" in n] == [
        f"{fmt}: 3 rows are marked above TLP:CLEAR (AMBER 2, RED 1) and the {fmt} format has no column for a"
        " marking: an import of the file marks every row with its --tlp (CLEAR unless given); --max-tlp CLEAR"
        " leaves them out"
    ]
    # A file without such records, and the flat CSV (which has a tlp column), say nothing of markings.
    notes = []
    assert export(any_node, fmt, tmp_path / "clear.csv", Filters(tlp=("CLEAR",)), notes=notes) == 37
    assert export(any_node, "csv", tmp_path / "flat.csv", notes=notes) == 40
    assert not [n for n in notes if "TLP" in n]


def test_the_note_counts_only_the_rows_written(any_node: Node, tmp_path: Path) -> None:
    _marked_node(any_node, tmp_path)
    notes: list[str] = []
    assert export(any_node, "gtd", tmp_path / "peers.gtd", for_peers=True, notes=notes) == 37 + 2
    assert next(n for n in notes if "TLP" in n).startswith("gtd: 2 rows are marked above TLP:CLEAR (AMBER 2) ")
