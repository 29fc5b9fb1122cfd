"""The ``sarhad key`` and ``sarhad log`` commands, and their output contract."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from sarhad.cli import main
from sarhad.log import merkle
from sarhad.log.checkpoint import open_checkpoint
from sarhad.log.envelope import Envelope
from sarhad.log.note import Signer, Verifier
from sarhad.node import Node
from tests.log.helpers import note_id, publish_notes


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def home(node: Node) -> Path:
    publish_notes(node, 0, 6)
    publish_notes(node, 6, 5)
    home = node.settings.home
    node.close()
    return home


def test_key_show_prints_the_vkey(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    code, out, _ = run(capsys, home, "key", "show")
    assert code == 0
    verifier = Verifier.from_vkey(out.strip())
    assert out == verifier.vkey + "\n"
    assert verifier.name == "sarhad.pk/log"


def test_checkpoint_is_the_signed_note(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    _, vkey, _ = run(capsys, home, "key", "show")
    code, out, _ = run(capsys, home, "log", "checkpoint")
    assert code == 0
    cp, _ = open_checkpoint(out, [Verifier.from_vkey(vkey.strip())], origin="sarhad.pk/log")
    assert cp.size == 11
    code, out, _ = run(capsys, home, "log", "checkpoint", "--size", "6")
    assert code == 0 and out.startswith("sarhad.pk/log\n6\n")


def test_prove_json_contract(capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path) -> None:
    _, vkey, _ = run(capsys, home, "key", "show")
    code, out, _ = run(capsys, home, "log", "prove", note_id(3), "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"object_id", "leaf_index", "tree_size", "leaf_hash", "envelope", "proof", "checkpoint"}
    assert (data["object_id"], data["leaf_index"], data["tree_size"]) == (note_id(3), 3, 11)
    cp, _ = open_checkpoint(data["checkpoint"], [Verifier.from_vkey(vkey.strip())])
    assert cp.size == data["tree_size"]
    leaf = merkle.leaf_hash(data["envelope"].encode())
    assert base64.b64decode(data["leaf_hash"]) == leaf
    assert Envelope.from_canonical(data["envelope"]).object_id == note_id(3)
    proof = [base64.b64decode(h) for h in data["proof"]]
    assert all(len(h) == 32 for h in proof) and len(proof) == merkle.inclusion_proof_size(3, 11)
    merkle.verify_inclusion(leaf, 3, 11, proof, cp.root)
    # The offline checker agrees, and refuses a tampered proof.
    path = tmp_path / "proof.json"
    path.write_text(out)
    code, out, _ = run(capsys, home, "log", "check-proof", str(path), "--vkey", vkey.strip())
    assert code == 0 and out.startswith("ok:")
    data["proof"][0] = base64.b64encode(bytes(32)).decode()
    path.write_text(json.dumps(data))
    code, _, err = run(capsys, home, "log", "check-proof", str(path), "--vkey", vkey.strip())
    assert code == 1 and "does not lead to the root" in err
    # Against an earlier checkpoint.
    code, out, _ = run(capsys, home, "log", "prove", note_id(3), "--size", "6", "--json")
    assert code == 0 and json.loads(out)["tree_size"] == 6
    code, _, err = run(capsys, home, "log", "prove", note_id(8), "--size", "6", "--json")
    assert code == 1 and "not yet covered" in err
    code, _, err = run(capsys, home, "log", "prove", note_id(99), "--json")
    assert code == 1 and "is not in the log" in err


def test_check_proof_with_another_logs_key_names_the_file_the_signer_and_the_key_given(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    # The auditor passed the other party's key: the error says which file, which key signed, which was given.
    _, vkey, _ = run(capsys, home, "key", "show")
    signer = Verifier.from_vkey(vkey.strip())
    other = Signer.generate("sarhad.ir/log").verifier
    _, out, _ = run(capsys, home, "log", "prove", note_id(3), "--json")
    path = tmp_path / "proof.json"
    path.write_text(out)
    code, _, err = run(capsys, home, "log", "check-proof", str(path), "--vkey", other.vkey)
    assert code == 1
    assert err == (
        f"error: {path}: note is not signed by a known key (signed by: sarhad.pk/log ({signer.key_id:08x}); "
        f"expected: sarhad.ir/log ({other.key_id:08x}))\n"
    )


def test_consistency_json_contract(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    code, out, _ = run(capsys, home, "log", "consistency", "6", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"old_size", "new_size", "proof", "old_checkpoint", "new_checkpoint"}
    assert (data["old_size"], data["new_size"]) == (6, 11)
    _, six, _ = run(capsys, home, "log", "checkpoint", "--size", "6")
    _, eleven, _ = run(capsys, home, "log", "checkpoint")
    assert (data["old_checkpoint"], data["new_checkpoint"]) == (six, eleven)
    # The document alone is enough to check offline: both roots are signed by the node's key.
    _, vkey, _ = run(capsys, home, "key", "show")
    verifier = Verifier.from_vkey(vkey.strip())
    old, _ = open_checkpoint(data["old_checkpoint"], [verifier], origin="sarhad.pk/log")
    new, _ = open_checkpoint(data["new_checkpoint"], [verifier], origin="sarhad.pk/log")
    assert (old.size, new.size) == (6, 11)
    merkle.verify_consistency(6, 11, [base64.b64decode(h) for h in data["proof"]], old.root, new.root)
    # A size the node signed no checkpoint at has none to carry.
    code, out, _ = run(capsys, home, "log", "consistency", "2", "6", "--json")
    data = json.loads(out)
    assert code == 0 and data["new_size"] == 6
    assert data["old_checkpoint"] is None and data["new_checkpoint"] == six


def test_verify_exit_status(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    code, out, _ = run(capsys, home, "log", "verify")
    assert code == 0 and "log verified" in out
    code, out, _ = run(capsys, home, "log", "verify", "--json")
    assert code == 0 and json.loads(out)["size"] == 11
    import sqlite3

    conn = sqlite3.connect(home / "sarhad.db")
    conn.execute("UPDATE objects SET body = replace(body, 'note 4', 'note 5') WHERE id = ?", (note_id(4),))
    conn.commit()
    conn.close()
    code, _, err = run(capsys, home, "log", "verify")
    assert code == 1
    assert f"leaf 4 ({note_id(4)}@" in err and "object body hash does not match the envelope" in err


def test_verify_names_each_saved_checkpoint_it_checked_and_the_one_that_fails(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    six, eleven = tmp_path / "six.txt", tmp_path / "eleven.txt"
    six.write_text(run(capsys, home, "log", "checkpoint", "--size", "6")[1])
    eleven.write_text(run(capsys, home, "log", "checkpoint")[1])
    code, out, _ = run(capsys, home, "log", "verify", "--checkpoint", str(six), "--checkpoint", str(eleven))
    assert code == 0 and f"saved checkpoints: 2 contained in the log ({six}: size 6, {eleven}: size 11)" in out
    code, out, _ = run(capsys, home, "log", "verify", "--checkpoint", str(eleven), "--json")
    assert code == 0 and json.loads(out)["saved_checkpoints"] == {str(eleven): 11}
    code, out, _ = run(capsys, home, "log", "verify", "--json")
    assert code == 0 and json.loads(out)["saved_checkpoints"] == {}
    # Roll the log back to size 6, consistently: only the saved checkpoint of size 11 shows it, by its file.
    import sqlite3

    conn = sqlite3.connect(home / "sarhad.db")
    conn.executescript(
        "DELETE FROM objects WHERE log_index >= 6; DELETE FROM log_leaves WHERE idx >= 6;"
        " DELETE FROM log_nodes WHERE (idx + 1) * (1 << level) > 6; DELETE FROM log_checkpoints WHERE size > 6;"
        " UPDATE log_head SET size = 6;"
    )
    conn.close()
    assert run(capsys, home, "log", "verify", "--checkpoint", str(six))[0] == 0
    code, _, err = run(capsys, home, "log", "verify", "--checkpoint", str(six), "--checkpoint", str(eleven))
    assert code == 1
    assert f"saved checkpoint {eleven} is signed for 11 leaves but the log holds 6" in err


def test_verify_says_a_checkpoint_file_that_is_no_signed_note_is_not_a_checkpoint(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    # A GED CSV file given by mistake: the user is told which argument is wrong first, then the note's complaint.
    ged = tmp_path / "ged.csv"
    ged.write_text("id\tyear\n52131\t2010\n\n1\t2\n", encoding="utf-8")
    code, out, err = run(capsys, home, "log", "verify", "--checkpoint", str(ged), "--json")
    assert code == 1
    want = (
        f"{ged} is not a signed checkpoint (a C2SP signed note): a note's text must hold no control characters"
        " other than newline, found '\\t'"
    )
    assert json.loads(out)["error"] == want and f"error: {want}" in " ".join(err.split())
    # bytes that are not text, and a signed note whose text is not a checkpoint
    win = tmp_path / "win.csv"
    win.write_bytes(b"id,where\n1,Qu\xe9tta\n")
    code, _, err = run(capsys, home, "log", "verify", "--checkpoint", str(win))
    assert code == 1 and f"{win} is not a signed checkpoint (a C2SP signed note): it is not UTF-8" in err
    other = tmp_path / "note.txt"
    other.write_text(Signer.generate("example.org/notes").sign("hello\n"))
    code, _, err = run(capsys, home, "log", "verify", "--checkpoint", str(other))
    assert code == 1 and f"{other} is not a signed checkpoint (a C2SP signed note): a checkpoint has at least 3" in err


def test_empty_log(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    Node.init(tmp_path / "ir", "IR").close()
    code, _, err = run(capsys, tmp_path / "ir", "log", "checkpoint")
    assert code == 1 and "no signed checkpoint" in err
    code, _, _ = run(capsys, tmp_path / "ir", "log", "verify")
    assert code == 0


def test_consistency_with_the_sizes_the_wrong_way_round_says_so(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    code, _, err = run(capsys, home, "log", "consistency", "11", "6")
    assert code == 1
    assert "old size 11 is larger than new size 6: the sizes are the wrong way round (log consistency 6 11)" in err
    code, _, err = run(capsys, home, "log", "consistency", "12")
    assert code == 1 and "old size 12 is outside 0..11" in err


def test_check_proof_checks_a_consistency_proof_offline(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    vkey = run(capsys, home, "key", "show")[1].strip()
    path = tmp_path / "consistency.json"

    def check(document: str) -> tuple[int, str, str]:
        path.write_text(document)
        return run(capsys, home, "log", "check-proof", str(path), "--vkey", vkey)

    code, out, _ = run(capsys, home, "log", "consistency", "6", "11", "--json")
    assert code == 0
    assert check(out)[:2] == (0, "ok: the tree of 6 is a prefix of the tree of 11 signed by sarhad.pk/log\n")
    data = json.loads(out)
    code, _, err = check(json.dumps({**data, "proof": data["proof"][::-1]}))
    assert code == 1 and "consistency proof from size 6 to 11 does not lead to the old root" in err
    code, _, err = check(json.dumps({**data, "new_checkpoint": data["old_checkpoint"]}))
    assert code == 1 and "new_checkpoint is for size 6, the proof for 11" in err
    code, _, err = check(json.dumps({k: v for k, v in data.items() if k != "proof"}))
    assert code == 1 and "missing field 'proof'; a consistency proof is what 'sarhad log consistency" in err
    # A size the node signed no checkpoint at has no signed root to check against.
    code, out, _ = run(capsys, home, "log", "consistency", "2", "6", "--json")
    code, _, err = check(out)
    assert code == 1 and "old_checkpoint is null: the node signed no checkpoint at size 2" in err
