"""What an auditor who never used sarhad runs, as the log page says: the object behind a proof, signed sizes,
and the log API's answers to a wrong request."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sarhad.cli import main
from sarhad.errors import VerificationError
from sarhad.importer import import_file
from sarhad.log.checkpoint import Checkpoint
from sarhad.log.note import Signer
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import UCDP_SAMPLE
from tests.log.helpers import note_id, publish_notes
from tests.node_pair import Pair, peered, pk_and_ir
from tests.web.conftest import serving


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def published(any_node: Node) -> Node:
    """A node with two batches: checkpoints signed at sizes 6 and 11 only."""
    publish_notes(any_node, 0, 6)
    publish_notes(any_node, 6, 5)
    return any_node


def _body(node: Node, index: int) -> tuple[str, str]:
    row = node.db.fetchone("SELECT body, modified FROM objects WHERE id = ?", (note_id(index),))
    assert row is not None
    return str(row[0]), str(row[1])


def test_check_proof_body_takes_the_object_as_printed_indented_or_in_a_bundle(
    capsys: pytest.CaptureFixture[str], published: Node, tmp_path: Path
) -> None:
    home = published.settings.home
    vkey = run(capsys, home, "key", "show")[1].strip()
    proof = tmp_path / "proof.json"
    proof.write_text(run(capsys, home, "log", "prove", note_id(3), "--json")[1])
    body, _ = _body(published, 3)
    exported = tmp_path / "bundle.json"
    assert run(capsys, home, "stix-export", "--out", str(exported))[0] == 0
    files = {
        "exact.json": body,  # the bytes the log hashed
        "shell.json": body + "\n",  # as the sqlite3 shell prints the column the log page names
        "indented.json": json.dumps(json.loads(body), indent=2),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    for path in [*(tmp_path / name for name in files), exported]:
        code, out, err = run(capsys, home, "log", "check-proof", str(proof), "--vkey", vkey, "--body", str(path))
        assert (code, err) == (0, ""), path.name
        assert out == (
            f"ok: {note_id(3)}@{_body(published, 3)[1]} is leaf 3 of the tree of 11 signed by sarhad.pk/log;"
            f" {path} is that object version\n"
        )


def test_check_proof_body_refuses_another_object_an_edit_and_a_key_given_twice(
    capsys: pytest.CaptureFixture[str], published: Node, tmp_path: Path
) -> None:
    home = published.settings.home
    vkey = run(capsys, home, "key", "show")[1].strip()
    proof = tmp_path / "proof.json"
    proof.write_text(run(capsys, home, "log", "prove", note_id(3), "--json")[1])
    body, modified = _body(published, 3)
    other, other_modified = _body(published, 4)

    def check(text: str) -> tuple[int, str]:
        path = tmp_path / "body.json"
        path.write_text(text)
        code, _, err = run(capsys, home, "log", "check-proof", str(proof), "--vkey", vkey, "--body", str(path))
        return code, " ".join(err.split())

    code, err = check(other)
    assert code == 1
    assert f"body.json: holds {note_id(4)}@{other_modified} (SHA-256 " in err
    assert f"is not the {note_id(3)}@{modified} the log committed to" in err
    code, err = check(body.replace('"note 3"', '"note 33"'))
    assert code == 1 and f"body.json: holds {note_id(3)}@{modified} (SHA-256 " in err
    # Readers of a file with a key given twice disagree on its value: refused, whichever value counts.
    code, err = check(body.replace('"content":"note 3"', '"content":"note 33","content":"note 3"'))
    assert code == 1 and "body.json: key 'content' is given twice" in err
    code, err = check("id,content\n")
    assert code == 1 and "body.json: not JSON (" in err
    bundle = {"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000", "objects": [json.loads(other)]}
    code, err = check(json.dumps(bundle))
    assert code == 1 and f"body.json: the bundle holds no object {note_id(3)}" in err


def test_check_proof_refuses_body_with_a_document_that_commits_to_no_object(
    capsys: pytest.CaptureFixture[str], published: Node, tmp_path: Path
) -> None:
    home = published.settings.home
    vkey = run(capsys, home, "key", "show")[1].strip()
    consistency = tmp_path / "consistency.json"
    consistency.write_text(run(capsys, home, "log", "consistency", "6", "11", "--json")[1])
    body = tmp_path / "body.json"
    body.write_text(_body(published, 3)[0])
    code, _, err = run(capsys, home, "log", "check-proof", str(consistency), "--vkey", vkey, "--body", str(body))
    assert code == 1
    assert (
        f"--body {body}: only an inclusion proof ('log prove --json') commits to an object; {consistency} is a"
        " consistency proof" in " ".join(err.split())
    )


def test_a_size_with_no_signed_checkpoint_names_the_nearest_signed_sizes(
    capsys: pytest.CaptureFixture[str], published: Node
) -> None:
    home = published.settings.home
    code, _, err = run(capsys, home, "log", "checkpoint", "--size", "8")
    assert code == 1
    assert "the log signed no checkpoint at size 8 (the nearest sizes it signed are 6 and 11;" in " ".join(err.split())
    code, _, err = run(capsys, home, "log", "prove", note_id(1), "--size", "3")
    assert code == 1 and "no checkpoint at size 3 (the nearest size it signed is 6;" in " ".join(err.split())
    # The proof is printed all the same (its JSON has null there), with a warning that it cannot be checked.
    code, out, err = run(capsys, home, "log", "consistency", "8", "--json")
    assert code == 0 and json.loads(out)["old_checkpoint"] is None
    assert (
        "warning: the log signed no checkpoint at size 8 (the nearest sizes it signed are 6 and 11; it signs one"
        " checkpoint per batch): there is no signed root at size 8 to check this proof against (old_checkpoint is"
        " null)" in " ".join(err.split())
    )
    code, _, err = run(capsys, home, "log", "consistency", "6", "--json")
    assert code == 0 and err == ""


def test_log_api_says_which_size_is_wrong(published: Node) -> None:
    token = create_token(published.db, "auditor", "viewer", "PK")
    headers = {"Authorization": f"Bearer {token}"}
    with serving(published) as base, httpx.Client(base_url=base, timeout=30, headers=headers) as client:

        def message(path: str, **params: int) -> str:
            answer = client.get(path, params=params)
            assert answer.status_code == 400
            return str(answer.json()["error"]["message"])

        consistency = "/log/proof/consistency"
        assert message(consistency, old=11, new=6) == (
            "old size 11 is larger than new size 6: the sizes are the wrong way round"
        )
        assert message(consistency, old=6, new=12) == "new size 12 is larger than the log, which holds 11 leaves"
        inclusion = "/log/proof/inclusion"
        assert message(inclusion, index=3, size=12) == "size 12 is larger than the log, which holds 11 leaves"
        assert message(inclusion, index=6, size=6) == "index 6 is not in a tree of size 6 (leaves 0..5)"
        assert client.get(consistency, params={"old": 6, "new": 11}).status_code == 200


def test_check_proof_names_a_bad_proof_hash_and_a_checkpoint_cut_short(
    capsys: pytest.CaptureFixture[str], published: Node, tmp_path: Path
) -> None:
    home = published.settings.home
    vkey = run(capsys, home, "key", "show")[1].strip()
    path = tmp_path / "doc"

    def check(text: str) -> tuple[int, str]:
        path.write_text(text)
        code, _, err = run(capsys, home, "log", "check-proof", str(path), "--vkey", vkey)
        return code, " ".join(err.split())

    proof = json.loads(run(capsys, home, "log", "prove", note_id(3), "--json")[1])
    assert check(json.dumps({**proof, "proof": [*proof["proof"][:2], "xx"]})) == (
        1,
        f"error: {path}: proof hash 2 ('xx') is not base64 (Incorrect padding)",
    )
    assert check(json.dumps({**proof, "proof": [proof["proof"][0], 5]})) == (
        1,
        f"error: {path}: proof hash 1 is an integer, not a base64 string",
    )
    # A checkpoint whose signature lines were lost is told so, not only that it is not JSON.
    note = run(capsys, home, "log", "checkpoint")[1]
    code, err = check(note[: note.index("\n\n") + 1])
    assert code == 1
    assert (
        f"error: {path}: not a signed checkpoint (malformed note: no blank line before the signatures) nor JSON;" in err
    )
    code, err = check(note[: note.index("\n\n") + 2])
    assert code == 1
    assert (
        f"error: {path}: not a signed checkpoint (malformed note: no signature line after the blank line (the note is"
        " not signed)) nor JSON;" in err
    )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def pair(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, Node]]:
    """PK and IR, each of which imported the same UCDP rows (so each reports under the same incident ids), and
    PK synced IR's log over loopback."""
    with pk_and_ir(tmp_path, request) as (pk, ir):
        import_file(pk, "ucdp", UCDP_SAMPLE)
        import_file(ir, "ucdp", UCDP_SAMPLE)
        with peered(pk, ir):
            Pair(pk, ir).pk_syncs()
        yield pk, ir


def test_prove_of_a_version_a_peer_logged_says_whose_log_holds_it(
    capsys: pytest.CaptureFixture[str], pair: tuple[Node, Node]
) -> None:
    pk, _ = pair
    row = pk.db.fetchone("SELECT id, modified FROM objects WHERE origin = 'IR' AND type = 'incident' ORDER BY id")
    assert row is not None
    object_id, modified = str(row[0]), str(row[1])
    assert pk.db.fetchone("SELECT 1 FROM objects WHERE id = ? AND origin = 'PK'", (object_id,)) is not None
    code, _, err = run(capsys, pk.settings.home, "log", "prove", object_id, "--version", modified)
    assert code == 1
    assert (
        f"error: {object_id}@{modified} is not in the log; this node holds {object_id}@{modified} from party IR,"
        f" whose own log holds it: ask IR's node for its proof ('sarhad log prove {object_id} --version {modified}'"
        " there)"
    ) in " ".join(err.split())
    # PK's own version of the same incident is in PK's log, and an id no one logged is only said to be absent.
    assert run(capsys, pk.settings.home, "log", "prove", object_id)[0] == 0
    code, _, err = run(capsys, pk.settings.home, "log", "prove", "incident--00000000-0000-4000-8000-000000000000")
    assert code == 1 and err.strip().endswith("is not in the log")


def test_check_proof_help_says_what_it_reads_and_which_witnesses_count() -> None:
    from sarhad.cli._reference import render

    text = " ".join(render().split("sarhad log check-proof ", 1)[1].split("\n#### ", 1)[0].split())
    assert "PROOF.json" not in text
    assert "A signed checkpoint ('log checkpoint --cosigned', a plain signed note)" in text
    assert "--witness-key witnesses" not in text
    assert "How many of the witnesses given with --witness and --witness-key must have cosigned" in text


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def cosigned_ir(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Node]:
    """IR, whose checkpoint PK cosigned when it synced IR (POST /log/cosignatures, audited on IR, and the audit
    trail carried into IR's log when IR's server stopped)."""
    with pk_and_ir(tmp_path, request) as (pk, ir):
        publish_notes(ir, 0, 3)
        with peered(pk, ir):
            Pair(pk, ir).pk_syncs()
        yield ir


def test_log_verify_notices_a_cosignature_deleted_from_the_nodes_own_table(
    capsys: pytest.CaptureFixture[str], cosigned_ir: Node
) -> None:
    ir = cosigned_ir
    home = ir.settings.home
    assert ir.db.fetchone("SELECT COUNT(*) FROM log_cosignatures") == (1,)
    # The trail that counts it is in IR's log, where deleting it would break the log.
    assert ir.db.fetchone("SELECT COUNT(*) FROM audit WHERE action = 'cosignature' AND logged IS NOT NULL") == (1,)
    assert run(capsys, home, "log", "verify")[0] == 0
    with ir.db.transaction():
        ir.db.execute("DELETE FROM log_cosignatures")
    code, _, err = run(capsys, home, "log", "verify")
    assert code != 0
    assert (
        "the audit trail records 1 cosignature received on this log's checkpoints ('POST /log/cosignatures'), but"
        " log_cosignatures holds 0: 1 was deleted" in " ".join(err.split())
    )


def _forged(node: Node, size: int) -> str:
    """A checkpoint of ``size`` with another root, signed with the node's own key: what a party that rewrote its
    log shows one audience (a fork)."""
    signer = Signer.from_key_file(node.settings.home / "node.key")
    root = base64.b64encode(hashlib.sha256(b"another history").digest()).decode()
    return signer.sign(f"{node.settings.origin}\n{size}\n{root}\n")


def test_check_proof_holds_a_proof_to_the_checkpoint_the_auditor_saved(
    capsys: pytest.CaptureFixture[str], published: Node, tmp_path: Path
) -> None:
    # The auditor saved the checkpoint of size 6 earlier; later the node serves a consistency proof 6 → 11. The
    # proof is checked against the node's own checkpoint of size 6, so only the saved file shows a fork.
    home = published.settings.home
    vkey = run(capsys, home, "key", "show")[1].strip()
    saved = tmp_path / "saved6.txt"
    saved.write_text(run(capsys, home, "log", "checkpoint", "--size", "6")[1], encoding="utf-8")
    consistency = tmp_path / "consistency.json"
    consistency.write_text(run(capsys, home, "log", "consistency", "6", "--json")[1], encoding="utf-8")
    code, out, _ = run(capsys, home, "log", "check-proof", str(consistency), "--vkey", vkey, "--checkpoint", str(saved))
    assert code == 0
    assert f"saved checkpoints: 1 agree with {consistency} ({saved}: size 6)" in " ".join(out.split())
    args = ("log", "check-proof", str(consistency), "--vkey", vkey, "--checkpoint", str(saved), "--json")
    code, out, _ = run(capsys, home, *args)
    assert code == 0 and json.loads(out)["saved_checkpoints"] == {str(saved): 6}

    # The same size, another root, the same key: the log signed two trees of size 6.
    forged = tmp_path / "forged6.txt"
    forged.write_text(_forged(published, 6), encoding="utf-8")
    code, out, err = run(capsys, home, *args[:-1], "--checkpoint", str(forged), "--json")
    theirs = base64.b64encode(Checkpoint.parse(json.loads(consistency.read_text())["old_checkpoint"]).root)
    assert code == 1
    error = json.loads(out)["error"]
    assert error.startswith(f"{consistency}: saved checkpoint {forged} signs root ")
    assert f"for the tree of 6, but old_checkpoint signs root {theirs.decode()}: the log signed two different" in error
    assert error in " ".join(err.split())

    # A saved size the document does not hold cannot be compared: say which sizes it holds and what to ask for.
    code, _, err = run(capsys, home, "log", "check-proof", str(saved), "--vkey", vkey, "--checkpoint", str(saved))
    assert code == 0
    eleven = tmp_path / "eleven.json"
    eleven.write_text(run(capsys, home, "log", "prove", note_id(1), "--json")[1], encoding="utf-8")
    code, _, err = run(capsys, home, "log", "check-proof", str(eleven), "--vkey", vkey, "--checkpoint", str(saved))
    assert code == 1
    assert (
        f"saved checkpoint {saved} is for the tree of 6, but {eleven} holds a checkpoint of size 11 only: ask the"
        " node for 'sarhad log consistency 6 --json' and check that" in " ".join(err.split())
    )


def test_log_verify_names_both_roots_of_a_saved_checkpoint_the_log_forked_from(
    capsys: pytest.CaptureFixture[str], published: Node, tmp_path: Path
) -> None:
    home = published.settings.home
    forged = tmp_path / "forged6.txt"
    forged.write_text(_forged(published, 6), encoding="utf-8")
    ours = Checkpoint.parse(run(capsys, home, "log", "checkpoint", "--size", "6")[1]).root
    code, out, _ = run(capsys, home, "log", "verify", "--checkpoint", str(forged), "--json")
    assert code == 1
    mine = Checkpoint.parse(forged.read_text(encoding="utf-8")).root
    assert json.loads(out)["error"] == (
        f"saved checkpoint {forged} signs root {base64.b64encode(mine).decode()} for the tree of 6, but the log's"
        f" tree of 6 has root {base64.b64encode(ours).decode()}: the log was rewritten after the checkpoint was"
        " saved (a fork)"
    )


def test_check_proof_json_gives_a_document_for_every_error(
    capsys: pytest.CaptureFixture[str], published: Node, tmp_path: Path
) -> None:
    # A script reads stdout: a file it cannot read, a file that is no proof and a key that is no key get the same
    # {"ok": false, "error"} document as a proof that fails, with the message that goes to stderr.
    home = published.settings.home
    vkey = run(capsys, home, "key", "show")[1].strip()
    junk, missing = tmp_path / "junk.txt", tmp_path / "missing.json"
    junk.write_text("junk\n", encoding="utf-8")
    checkpoint = tmp_path / "checkpoint.txt"
    checkpoint.write_text(run(capsys, home, "log", "checkpoint")[1], encoding="utf-8")
    key_id = vkey.split("+")[1]
    for args, kind, key in (
        ((str(junk), "--vkey", vkey), None, key_id),
        ((str(missing), "--vkey", vkey), None, None),  # the file is read first
        ((str(junk), "--vkey", "garbage"), None, None),
        ((str(junk), "--vkey", vkey, "--witness-key", str(missing)), None, key_id),
        ((str(checkpoint), "--vkey", vkey, "--body", str(junk)), "checkpoint", key_id),
    ):
        code, out, err = run(capsys, home, "log", "check-proof", *args, "--json")
        assert code == 1, args
        document = json.loads(out)
        assert document["ok"] is False and document["checkpoints"] == []
        assert document["kind"] == kind and document["key_id"] == key
        assert f"error: {document['error']}" in " ".join(err.split()), (document, err)


def test_log_verify_checks_a_copy_without_the_signing_key_given_the_verifier_key(
    capsys: pytest.CaptureFixture[str], published: Node, tmp_path: Path
) -> None:
    # An auditor is given a backup (which leaves node.key out) and the log's published key: the private key is
    # what makes the checkpoints the node's own, so verifying must not need it.
    home, copy = published.settings.home, tmp_path / "copy"
    vkey = run(capsys, home, "key", "show")[1].strip()
    assert run(capsys, home, "store", "backup", "--out", str(copy))[0] == 0
    assert not (copy / "node.key").exists()
    code, _, err = run(capsys, copy, "log", "verify")
    assert code == 1
    assert (
        "node key" in err and "is missing" in err and "give the log's verifier key with --vkey" in " ".join(err.split())
    )
    code, out, _ = run(capsys, copy, "log", "verify", "--vkey", vkey, "--json")
    assert code == 0, out
    assert json.loads(out)["size"] == 11 and json.loads(out)["checkpoints"] == 2
    # Another key: the checkpoints are not the ones it signed.
    other = Signer.generate("sarhad.pk/log").vkey
    code, _, err = run(capsys, copy, "log", "verify", "--vkey", other)
    assert code == 1 and "checkpoint" in err
    # The copy's objects edited: named, as on the node itself.
    if (copy / "sarhad.db").exists():
        import sqlite3

        conn = sqlite3.connect(copy / "sarhad.db")
        conn.execute("UPDATE objects SET body = replace(body, 'note 4', 'note 5') WHERE id = ?", (note_id(4),))
        conn.commit()
        conn.close()
        code, _, err = run(capsys, copy, "log", "verify", "--vkey", vkey)
        assert code == 1 and f"leaf 4 ({note_id(4)}@" in err


def test_log_checkpoint_json_gives_the_signed_fields_and_the_note(
    capsys: pytest.CaptureFixture[str], published: Node
) -> None:
    home = published.settings.home
    note = run(capsys, home, "log", "checkpoint", "--size", "6")[1]
    code, out, _ = run(capsys, home, "log", "checkpoint", "--size", "6", "--json")
    assert code == 0
    parsed = Checkpoint.parse(note)
    assert json.loads(out) == {
        "origin": "sarhad.pk/log",
        "size": 6,
        "root": base64.b64encode(parsed.root).decode(),
        "note": note,
    }
    code, out, _ = run(capsys, home, "log", "checkpoint", "--cosigned", "--json")
    assert code == 0 and json.loads(out)["size"] == 11
    assert json.loads(out)["note"] == run(capsys, home, "log", "checkpoint", "--cosigned")[1]


def test_a_split_view_served_again_is_kept_once(pair: tuple[Node, Node]) -> None:
    # IR serves, as its latest, a checkpoint with another root signed by its own key. Every later sync
    # fails the same way; the evidence an auditor is given is one piece, not one per sync.
    pk, ir = pair
    size = ir.log.size()
    signer = Signer.from_key_file(ir.settings.home / "node.key")
    other_root = base64.b64encode(bytes(32)).decode()
    forged = signer.sign(f"{ir.settings.origin}\n{size}\n{other_root}\n")
    with ir.db.transaction():
        ir.db.execute("UPDATE log_checkpoints SET note = ? WHERE size = ?", (forged, size))
    with peered(pk, ir):
        for _ in range(3):
            with pytest.raises(VerificationError, match=r"peer IR: .*evidence kept"):
                Pair(pk, ir).pk_syncs()
    rows = pk.db.fetchall("SELECT peer, note_b FROM split_views")
    assert rows == [("IR", forged)]


def test_check_proof_refuses_a_saved_checkpoint_beside_a_proof_that_holds_no_checkpoint(
    capsys: pytest.CaptureFixture[str], published: Node, tmp_path: Path
) -> None:
    # 'log consistency 0 0' proves the empty tree a prefix of itself: its document holds no signed checkpoint
    # (the tree of 0 needs none), so a saved one has nothing to be compared with. It ended in an IndexError.
    home = published.settings.home
    vkey = run(capsys, home, "key", "show")[1].strip()
    saved = tmp_path / "saved6.txt"
    saved.write_text(run(capsys, home, "log", "checkpoint", "--size", "6")[1], encoding="utf-8")
    empty = tmp_path / "empty.json"
    empty.write_text(run(capsys, home, "log", "consistency", "0", "0", "--json")[1], encoding="utf-8")
    args = ("log", "check-proof", str(empty), "--vkey", vkey, "--checkpoint", str(saved))
    code, _, err = run(capsys, home, *args)
    assert code == 1
    assert (
        f"saved checkpoint {saved} is for the tree of 6, but {empty} holds no signed checkpoint: ask the node for"
        " 'sarhad log consistency 6 --json' and check that" in " ".join(err.split())
    )
    code, out, _ = run(capsys, home, *args, "--json")
    assert code == 1 and json.loads(out)["ok"] is False
