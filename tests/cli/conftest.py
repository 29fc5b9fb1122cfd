"""Fixtures shared by the CLI tests (a test file may define its own ``home``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ASSETS, filled_home
from tests.conftest import run_cli as run


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def home(request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A node home holding the UCDP sample and the synthetic GTD file, on SQLite and PostgreSQL."""
    db = () if request.param == "sqlite" else ("--db", request.getfixturevalue("pg_schema_url"))
    h = filled_home(capsys, tmp_path / "pk", *db)
    code, _, err = run(capsys, "--home", str(h), "import", "gtd", str(ASSETS / "synthetic" / "gtd_synthetic.csv"))
    assert code == 0, err
    return h
