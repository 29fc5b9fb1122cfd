"""The hand-verification script in docs/transparency-log.md works on real output, and catches tampering."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sarhad.node import Node
from tests.log.helpers import note_id, publish_notes

DOC = Path(__file__).resolve().parents[2] / "docs" / "transparency-log.md"


def test_by_hand_script(node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)[0]
    publish_notes(node, 0, 9)
    publish_notes(node, 9, 4)
    from sarhad.cli import main

    home = node.settings.home
    assert main(["--home", str(home), "log", "prove", note_id(5), "--json"]) == 0
    proof = capsys.readouterr().out
    path = tmp_path / "proof.json"
    path.write_text(proof)
    run = [sys.executable, "-c", script, node.signer.vkey, str(path)]
    done = subprocess.run(run, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"ok: {note_id(5)} is leaf 5 of 13")
    data = json.loads(proof)
    data["envelope"] = data["envelope"].replace("GREEN", "CLEAR")
    path.write_text(json.dumps(data))
    done = subprocess.run(run, capture_output=True, text=True, check=False)
    assert done.returncode != 0 and "FAILED: leaf_hash is not SHA-256(0x00 || envelope)" in done.stderr
    # The checks are not asserts: python -O, which drops every assert, still refuses the tampered proof.
    optimised = [sys.executable, "-O", *run[1:]]
    assert subprocess.run(optimised, capture_output=True, text=True, check=False).returncode != 0
