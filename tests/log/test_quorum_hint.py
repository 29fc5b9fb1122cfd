"""An auditor checks the latest checkpoint a node signed, which its witness has not cosigned yet.

The node signs a checkpoint after every batch it publishes, its audit trail's included, so the latest checkpoint
is often newer than the witness's last cosignature. An auditor who checks it meets a missing cosignature; the error
then says why that is ordinary and what to do (check the latest the witnesses cosigned, which ``log checkpoint
--cosigned`` prints and ``GET /log/checkpoint`` serves), while a cosignature that does not verify says nothing of
the kind.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sarhad.exchange.peers import add_peer, get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.importer import import_file
from sarhad.log.note import Signature, parse_note
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import UCDP_SAMPLE, run_cli
from tests.web.conftest import ANY_DATABASE, serving

HINT = (
    "a witness cosigns a checkpoint when it next syncs, and the log signs a new one after every batch it publishes"
    " (its audit trail's included), so its latest checkpoint is often not cosigned yet: check the latest checkpoint"
    " the witnesses cosigned (the one GET /log/checkpoint serves, or 'log checkpoint --cosigned' prints on the"
    " node), or give --quorum 0 to check the log's signature alone"
)


@pytest.fixture(params=ANY_DATABASE)
def pair(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, Node]]:
    """PK (on SQLite or PostgreSQL), cosigned by IR at 37, then two batches of its own, not cosigned: the audit
    record of IR's sync (38) and a note (39)."""
    url = request.getfixturevalue("pg_schema_url") if request.param == "postgresql" else None
    with Node.init(tmp_path / "pk", "PK", database_url=url) as pk, Node.init(tmp_path / "ir", "IR") as ir:
        add_peer(pk.db, "IR", "http://127.0.0.1:9", ir.signer.vkey, create_token(ir.db, "pk", "peer", "PK"))
        import_file(pk, "ucdp", UCDP_SAMPLE)
        with serving(pk) as pk_url:
            add_peer(ir.db, "PK", pk_url, pk.signer.vkey, create_token(pk.db, "ir", "peer", "IR"))
            assert sync_peer(ir, get_peer(ir.db, "PK")).cosigned
        with pk.publisher() as pub:
            note = {"type": "note", "id": "note--6f1c2b5e-7c1a-4f9a-9a43-5e0e4a7f2b12", "spec_version": "2.1"}
            pub.add_object({**note, "content": "liaison note", "object_refs": [note["id"]]})
        yield pk, ir


def _saved(capsys: pytest.CaptureFixture[str], pk: Node, path: Path, *args: str) -> Path:
    code, out, err = run_cli(capsys, "--home", str(pk.settings.home), "log", "checkpoint", "--cosigned", *args)
    assert code == 0, err
    path.write_text(out, encoding="utf-8")
    return path


def test_a_latest_checkpoint_not_cosigned_yet_says_why_and_what_to_do(
    pair: tuple[Node, Node], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pk, ir = pair
    latest = _saved(capsys, pk, tmp_path / "checkpoint.txt", "--size", "39")
    witnesses = tmp_path / "witnesses.txt"
    witnesses.write_text(ir.signer.vkey + "\n", encoding="utf-8")
    check = ("log", "check-proof", str(latest), "--vkey", pk.signer.vkey, "--witness-key", str(witnesses))
    code, _, err = run_cli(capsys, *check)
    assert code == 1
    assert " ".join(err.split()) == (
        f"error: {latest}: the checkpoint of size 39: 0 of 1 witness cosigned, quorum 1 (no cosignature by witness"
        f" sarhad.ir/log); {HINT}"
    )
    code, out, _ = run_cli(capsys, *check, "--json")
    assert code == 1 and json.loads(out)["error"].endswith(HINT)
    # What the hint says works: the log's signature alone, or the latest checkpoint IR cosigned.
    code, _, err = run_cli(capsys, *check, "--quorum", "0")
    assert code == 0, err
    cosigned = _saved(capsys, pk, tmp_path / "cosigned.txt")
    assert cosigned.read_text(encoding="utf-8").splitlines()[1] == "37"
    code, out, err = run_cli(
        capsys, "log", "check-proof", str(cosigned), "--vkey", pk.signer.vkey, "--witness-key", str(witnesses)
    )
    assert code == 0, err
    assert "1 of 1 witness cosigned (quorum 1)" in out


def test_a_cosignature_that_does_not_verify_gets_no_such_hint(
    pair: tuple[Node, Node], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pk, ir = pair
    note = parse_note(_saved(capsys, pk, tmp_path / "cosigned.txt", "--size", "37").read_text(encoding="utf-8"))
    lines = []
    for s in note.signatures:
        raw = bytearray(s.signature)
        if s.name == ir.signer.name:
            raw[20] ^= 0x01  # one byte of IR's cosignature altered
        lines.append(Signature(s.name, s.key_id, bytes(raw)).line())
    forged = tmp_path / "forged.txt"
    forged.write_text(note.text + "\n" + "".join(lines), encoding="utf-8")
    witnesses = tmp_path / "witnesses.txt"
    witnesses.write_text(ir.signer.vkey + "\n", encoding="utf-8")
    code, _, err = run_cli(
        capsys, "log", "check-proof", str(forged), "--vkey", pk.signer.vkey, "--witness-key", str(witnesses)
    )
    assert code == 1 and "does not verify" in err
    assert "--quorum 0" not in err


def test_proofs_with_cosigned_default_to_the_latest_checkpoint_the_witness_cosigned(
    pair: tuple[Node, Node], capsys: pytest.CaptureFixture[str]
) -> None:
    pk, _ = pair
    home = str(pk.settings.home)
    code, out, err = run_cli(capsys, "--home", home, "log", "consistency", "30", "--cosigned", "--json")
    assert code == 0, err
    document = json.loads(out)
    assert document["new_size"] == 37 and "\n37\n" in document["new_checkpoint"]
    assert "— sarhad.ir/log " in document["new_checkpoint"]
    # The note published after it is not covered yet: said, with the size that covers it.
    note = "note--6f1c2b5e-7c1a-4f9a-9a43-5e0e4a7f2b12"
    code, _, err = run_cli(capsys, "--home", home, "log", "prove", note, "--cosigned", "--json")
    assert code != 0
    assert (
        f"{note} is leaf 38, not yet covered by the checkpoint at size 37 (the latest the witnesses cosigned: they"
        " cosign a later one when they next sync; give --size 39 for the latest signed)" in " ".join(err.split())
    )
    code, _, err = run_cli(capsys, "--home", home, "log", "consistency", "39", "--cosigned")
    assert code != 0
    assert (
        "old size 39 is larger than 37, the size of the latest checkpoint the witnesses cosigned: give NEW (the"
        " latest signed is 39)" in " ".join(err.split())
    )
