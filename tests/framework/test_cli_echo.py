"""What ``indicator record`` and ``milestone update`` print: a count as a whole number, and the due date a
milestone moved to."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli as run


@pytest.fixture
def home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    h = tmp_path / "pk"
    assert run(capsys, "--home", str(h), "init", "--party", "PK")[0] == 0
    code, _, err = run(capsys, "--home", str(h), "framework", "init", "--template", "pk-ir-2025")
    assert code == 0, err
    return h


def test_indicator_record_prints_a_count_as_a_whole_number(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "--home", str(home), "indicator", "record", "I-02.1", "--quarter", "2026Q1", "--value", "2"
    )
    assert code == 0, err
    assert out.strip() == "PK I-02.1 2026Q1 = 2"
    code, out, err = run(
        capsys, "--home", str(home), "indicator", "record", "I-02.1", "--quarter", "2026Q1", "--value", "2.5"
    )
    assert code == 0, err
    assert out.strip() == "PK I-02.1 2026Q1 = 2.5"


def test_milestone_update_echoes_the_new_due_date(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "--home", str(home), "milestone", "update", "M-03.1", "--due", "2026-06-30", "--reason", "slipped"
    )
    assert code == 0, err
    assert "due 2026-06-30" in out
    code, out, err = run(
        capsys, "--home", str(home), "milestone", "update", "M-03.1", "--status", "met", "--date-met", "2026-02-24"
    )
    assert code == 0, err
    assert "met" in out and "2026-02-24" in out
