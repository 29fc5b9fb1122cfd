"""``print_table``: piped output (as a script or a test captures it) is the same box-drawn table as on a terminal,
laid out wide enough that a long id stays on one line."""

from __future__ import annotations

import pytest

from sarhad.cli._shared import print_table

LONG_ID = "x-sarhad-evidence--7d1c5a4e-93b2-4f0e-8a61-2c9e0b7f4d13"


def test_print_table_piped_is_box_drawn_and_keeps_a_long_id_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    print_table(["evidence", "party", "title"], [[LONG_ID, "PK", "Patrol log"], [None, "IR", 3]], title="cited")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].strip() == "cited"
    assert lines[1].startswith("┏") and lines[-1].startswith("└")  # the same borders as on a terminal
    (row,) = [line for line in lines if LONG_ID in line]
    assert [cell.strip() for cell in row.strip("│").split("│")] == [LONG_ID, "PK", "Patrol log"]
    (other,) = [line for line in lines if "IR" in line]
    assert [cell.strip() for cell in other.strip("│").split("│")] == ["", "IR", "3"]  # None is an empty cell
