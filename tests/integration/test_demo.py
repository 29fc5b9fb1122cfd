"""``sarhad demo``: the two-node federation starts, syncs, cosigns, serves and stops by itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_demo_builds_a_synced_federation_and_stops_cleanly(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    proc = subprocess.run(
        [sys.executable, "-m", "sarhad", "demo", "--demo-home", str(home), "--seconds", "1"],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "IR: synced PK" in out and "PK: synced IR" in out
    assert "PK log verified" in out and "IR log verified" in out
    assert "dashboard: http://127.0.0.1:" in out and "login token: sarhad_" in out
    assert "stopping both nodes" in out
    for party, other in (("PK", "IR"), ("IR", "PK")):
        stats = subprocess.run(
            [sys.executable, "-m", "sarhad", "--home", str(home / party), "incidents", "list", "--json",
             "--reported-by", "UCDP" if party == "PK" else "PK"],
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        assert '"origin": "' + other + '"' in stats.stdout  # each holds the other's records
