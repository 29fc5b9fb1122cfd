"""The query tables are views: ``sarhad store rebuild`` recreates them from the stored, logged objects."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from sarhad.cli import main
from sarhad.config import load_settings
from sarhad.framework.schema import TABLES as FRAMEWORK_TABLES
from sarhad.node import Node
from tests.conftest import UCDP_SAMPLE
from tests.log.helpers import verify

VIEWS = ("incidents", "incident_summary", "incident_cells", *FRAMEWORK_TABLES)
# Running sums of coordinates, added in another order by a rebuild: equal to the last few bits.
FLOAT_COLUMNS = {"incident_cells": ("lat_sum", "lon_sum")}


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> str:
    code = main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def snapshot(node: Node) -> dict[str, list[tuple[Any, ...]]]:
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for table in VIEWS:
        cursor = node.db.execute(f"SELECT * FROM {table}")
        columns = [d[0] for d in cursor.description]
        floats = {columns.index(c) for c in FLOAT_COLUMNS.get(table, ())}
        rows = [tuple(round(v, 6) if i in floats else v for i, v in enumerate(row)) for row in cursor.fetchall()]
        tables[table] = sorted(rows, key=repr)
    return tables


def test_store_rebuild_recreates_every_view_from_the_objects(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    home = tmp_path / "pk"
    run(capsys, home, "init", "--party", "PK")
    run(capsys, home, "import", "ucdp", str(UCDP_SAMPLE))
    # A second import that changes one row: that incident gets a second version, the view shows the latest.
    with UCDP_SAMPLE.open(newline="", encoding="utf-8") as fh:
        header, first, *rest = list(csv.reader(fh))
    first[header.index("best")] = str(int(first[header.index("best")]) + 5)
    changed = tmp_path / "changed.csv"
    with changed.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, first, *rest])
    assert "1 updated" in run(capsys, home, "import", "ucdp", str(changed))
    run(capsys, home, "framework", "init", "--template", "pk-ir-2025")
    run(capsys, home, "assess", "C-02", "--quarter", "2026Q1", "--level", "2", "--rationale", "ToR")

    with Node.open(load_settings(home)) as node:
        before = snapshot(node)
        assert all(before[t] for t in ("incidents", "incident_summary", "incident_cells", "fw_assessments"))
        assert len(before["incidents"]) == 37
        objects = node.db.fetchone("SELECT COUNT(*) FROM objects")
        assert objects is not None and int(objects[0]) > 37 + 38  # two versions of one incident
        # Empty some views and falsify the others: a rebuild must not start from what is there.
        falsify = {
            "incidents": "UPDATE incidents SET killed_best = 999, admin1 = 'Nowhere'",
            "incident_summary": "UPDATE incident_summary SET killed = killed + 1",
            "fw_assessments": "UPDATE fw_assessments SET level = 0",
        }
        with node.db.transaction():
            for table in VIEWS:
                node.db.execute(falsify.get(table, f"DELETE FROM {table}"))
        assert snapshot(node) != before

    counts = json.loads(run(capsys, home, "store", "rebuild", "--json"))
    assert counts["incidents"] == 37

    with Node.open(load_settings(home)) as node:
        after = snapshot(node)
        for table in VIEWS:
            assert after[table] == before[table], table
        verify(node)  # the rebuild wrote no object, leaf or checkpoint
