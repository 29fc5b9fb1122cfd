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


def test_by_hand_cosignature_script(node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The second script checks the log's signature and each witness's cosignature of a real cosigned
    checkpoint, and refuses an altered byte, a witness that did not cosign and a cosignature dated tomorrow."""
    import time

    from sarhad.cli import main
    from sarhad.log.note import Signature, parse_note

    script = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)[1]
    publish_notes(node, 0, 5)
    note = node.log.checkpoint(5).note
    assert note is not None
    with Node.init(tmp_path / "ir", "IR") as ir, Node.init(tmp_path / "af", "AF") as af:
        witness, other = ir.signer, af.signer
    with node.db.transaction():
        node.log.add_cosignatures(witness.cosigner().cosign_note(note), [witness.cosigner().verifier])
    assert main(["--home", str(node.settings.home), "log", "checkpoint", "--cosigned"]) == 0
    cosigned = capsys.readouterr().out
    path = tmp_path / "checkpoint.txt"

    def run(text: str, *keys: str) -> subprocess.CompletedProcess[str]:
        path.write_text(text, encoding="utf-8")
        command = [sys.executable, "-c", script, str(path), node.signer.vkey, *keys]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    done = run(cosigned, witness.vkey)
    assert done.returncode == 0, done.stderr
    assert "ok: cosigned by sarhad.ir/log at 20" in done.stdout and "is signed by sarhad.pk/log" in done.stdout
    parsed = parse_note(cosigned)
    sig = parsed.signatures[-1]
    raw = bytearray(sig.signature)
    raw[30] ^= 0x01
    altered = parsed.text + "\n" + parsed.signatures[0].line() + Signature(sig.name, sig.key_id, bytes(raw)).line()
    assert "FAILED: the cosignature by sarhad.ir/log does not verify" in run(altered, witness.vkey).stderr
    assert "FAILED: no cosignature by witness sarhad.af/log" in run(cosigned, witness.vkey, other.vkey).stderr
    tomorrow = witness.cosigner().cosign_note(note, int(time.time()) + 86400)
    assert "in the future" in run(tomorrow, witness.vkey).stderr


def test_api_script_builds_documents_check_proof_passes_and_a_fork_fails(
    any_node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The third script: an auditor with a viewer token and no home builds an inclusion and a consistency
    document from the log API; check-proof passes both, and refuses the consistency from a forged saved
    checkpoint of the same size (a fork)."""
    import base64
    import hashlib

    from sarhad.cli import main
    from sarhad.log.note import Signer
    from sarhad.web.auth import create_token
    from tests.web.conftest import serving

    script = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)[2]
    (tmp_path / "fetch.py").write_text(script, encoding="utf-8")
    publish_notes(any_node, 0, 6)
    saved = tmp_path / "saved.txt"
    saved.write_text(any_node.log.checkpoint(6).note or "", encoding="utf-8")
    publish_notes(any_node, 6, 5)
    token = create_token(any_node.db, "auditor", "viewer", "PK")
    vkey = any_node.signer.vkey
    forged = tmp_path / "forged.txt"
    root = base64.b64encode(hashlib.sha256(b"another history").digest()).decode()
    forged.write_text(Signer.from_key_file(any_node.settings.home / "node.key").sign(f"sarhad.pk/log\n6\n{root}\n"))

    def fetch(base: str, *args: str) -> str:
        run = [sys.executable, "fetch.py", base, token, *args]
        done = subprocess.run(run, capture_output=True, text=True, check=False, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def check(document: str) -> tuple[int, str, str]:
        code = main(["log", "check-proof", str(tmp_path / document), "--vkey", vkey, "--json"])
        out, err = capsys.readouterr()
        return code, out, err

    with serving(any_node) as base:
        assert fetch(base, "inclusion", note_id(3)) == "wrote inclusion.json (size 11)\n"
        code, out, _ = check("inclusion.json")
        assert code == 0 and json.loads(out)["result"].startswith(f"ok: {note_id(3)}@")
        assert "is leaf 3 of the tree of 11 signed by sarhad.pk/log" in json.loads(out)["result"]
        fetch(base, "consistency", str(saved))
        code, out, _ = check("consistency.json")
        assert (
            code == 0
            and json.loads(out)["result"] == "ok: the tree of 6 is a prefix of the tree of 11 signed by sarhad.pk/log"
        )
        fetch(base, "consistency", str(forged))
        code, out, _ = check("consistency.json")
        assert (
            code == 1
            and "consistency proof from size 6 to 11 does not lead to the old root" in json.loads(out)["error"]
        )
