"""A dispute the other party has answered says so beside its reply date, in ``sarhad dispute list`` and in the
quarterly report's register, so that a reader does not take the date for a reply still owed."""

from __future__ import annotations

from pathlib import Path

import pytest

from sarhad.framework.quarter import Quarter, utc_today
from tests.cli.test_stats_range import _table
from tests.conftest import run_cli as run


@pytest.fixture
def home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    h = tmp_path / "pk"
    assert run(capsys, "--home", str(h), "init", "--party", "PK")[0] == 0
    code, _, err = run(capsys, "--home", str(h), "framework", "init", "--template", "pk-ir-2025")
    assert code == 0, err
    for commitment in ("C-08", "C-10"):
        code, _, err = run(capsys, "--home", str(h), "dispute", "open", "--commitment", commitment, "--quarter",
                           "2026Q1", "--subject", f"{commitment} in time?", "--position", "4 of 11")  # fmt: skip
        assert code == 0, err
    code, _, err = run(capsys, "--home", str(h), "dispute", "reply", "D-2026Q1-PK1", "--party", "IR",
                       "--position", "All answered through the liaison channel")  # fmt: skip
    assert code == 0, err
    return h


def test_dispute_list_says_which_reply_was_given(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--home", str(home), "dispute", "list")
    assert code == 0, err
    table = _table(out)
    # dispute, commitment, quarter, raised by, level, status, reply due, subject
    assert table["D-2026Q1-PK1"][5].endswith("(replied)")
    assert "replied" not in table["D-2026Q1-PK2"][5]


def test_report_register_says_which_reply_was_given(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "q1.html"
    code, _, err = run(
        capsys,
        "--home",
        str(home),
        "report",
        "quarterly",
        "--quarter",
        str(Quarter.of(utc_today())),
        "--out",
        str(out_file),
    )
    assert code == 0, err
    html = out_file.read_text(encoding="utf-8")
    pk1, pk2 = (
        html.split(f'id="dispute-{code}"', 1)[1].split("</table>", 1)[0] for code in ("D-2026Q1-PK1", "D-2026Q1-PK2")
    )
    assert "replied by IR on " in pk1
    assert "replied by" not in pk2
