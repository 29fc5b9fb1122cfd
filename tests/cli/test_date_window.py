"""``--since`` after ``--until`` is refused, as the JSON API refuses ``since`` after ``until``: such a window holds
no day, and an empty answer would hide the mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import filled_home
from tests.conftest import run_cli as run


@pytest.mark.parametrize("command", [["stats"], ["export", "csv", "--out", "out.csv"]], ids=["stats", "export"])
def test_a_since_after_the_until_is_refused(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home = str(filled_home(capsys, tmp_path / "pk"))
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "--home", home, *command, "--since", "2011", "--until", "2010-06")
    assert code != 0
    assert "--since 2011-01-01 is after --until 2010-06-30" in err
    assert not (tmp_path / "out.csv").exists()
    code, _, err = run(capsys, "--home", home, "stats", "--since", "2010-06-30", "--until", "2010-06")
    assert code == 0, err
