"""A dataset file given to another dataset's import (GTD's file to ``import acled``, an ACLED export to ``import
gtd``) is refused naming the format its header is, and the import that reads it, instead of listing the columns
of the wrong format as missing; nothing is stored. A file that is no dataset's keeps the missing columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from sarhad.errors import InvalidInput
from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.store.incidents import count_incidents
from tests.formats.csv_tables import SAMPLES


@pytest.mark.parametrize(
    ("given", "to"),
    [("gtd", "acled"), ("acled", "gtd"), ("acled", "ucdp"), ("ucdp", "gtd"), ("gtd", "ucdp"), ("ucdp", "acled")],
)
def test_a_datasets_file_given_to_another_import_is_named_as_its_format(any_node: Node, given: str, to: str) -> None:
    path = SAMPLES[given]
    with pytest.raises(
        InvalidInput,
        match=rf"{path.name}:1: header: these are {given}'s columns \(the file lacks .* that this import needs\):"
        rf" import the file as {given} \(sarhad import {given} ",
    ):
        import_file(any_node, to, path)
    assert count_incidents(any_node.db) == 0 and any_node.log.size() == 0


def test_a_file_of_no_dataset_still_names_the_missing_columns(node: Node, tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("id,date,lat,lon\n1,2024-01-01,30,60\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"mine\.csv:1: header: missing columns .*\(expected the 49 columns"):
        import_file(node, "ucdp", path)
