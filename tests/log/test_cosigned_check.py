"""``log check-proof`` checks a checkpoint's signatures offline: the log's own with its key, and each witness's
cosignature (cosignature/v1) with the keys the auditor passes, against a quorum. A real node pair: PK serves its
log on loopback, IR syncs it and cosigns; PK on SQLite and on PostgreSQL."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sarhad.exchange.peers import add_peer, get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.importer import import_file
from sarhad.log.note import SIG_COSIGNATURE_V1, Signature, key_id, parse_note
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import UCDP_SAMPLE, run_cli
from tests.web.conftest import serving

PARAMS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture
def pair(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, Node]]:
    """PK (37 incidents, on SQLite or PostgreSQL) and IR, each registered at the other; IR synced PK's log and
    PK holds IR's cosignature of its checkpoint of 37 (PK's log then logs the audit record of that sync: 38)."""
    url = request.getfixturevalue("pg_schema_url") if request.param == "postgresql" else None
    pk = Node.init(tmp_path / "pk", "PK", database_url=url)
    ir = Node.init(tmp_path / "ir", "IR")
    add_peer(pk.db, "IR", "http://127.0.0.1:9", ir.signer.vkey, create_token(ir.db, "pk", "peer", "PK"))
    token = create_token(pk.db, "ir", "peer", "IR")
    import_file(pk, "ucdp", UCDP_SAMPLE)
    with serving(pk) as pk_url:
        add_peer(ir.db, "PK", pk_url, pk.signer.vkey, token)
        result = sync_peer(ir, get_peer(ir.db, "PK"))
        assert result.new_size == 37 and result.cosigned
    yield pk, ir
    pk.close()
    ir.close()


def _cli(capsys: pytest.CaptureFixture[str], node: Node, *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, "--home", str(node.settings.home), *args)


def _key_file(path: Path, *nodes: Node) -> Path:
    """The nodes' verifier keys ('sarhad key show'), one a line: a witness keys file."""
    path.write_text("".join(n.signer.vkey + "\n" for n in nodes), encoding="utf-8")
    return path


def _check(capsys: pytest.CaptureFixture[str], pk: Node, document: Path, *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, "log", "check-proof", str(document), "--vkey", pk.signer.vkey, *args)


def _cosigned(capsys: pytest.CaptureFixture[str], pk: Node, tmp_path: Path) -> Path:
    code, out, err = _cli(capsys, pk, "log", "checkpoint", "--size", "37", "--cosigned")
    assert code == 0, err
    path = tmp_path / "checkpoint.txt"
    path.write_text(out, encoding="utf-8")
    return path


def _with_line(note: str, replace: str, by: Signature) -> str:
    """``note`` with its signature line by ``replace`` (a key name) replaced by ``by``."""
    parsed = parse_note(note)
    lines = [by.line() if s.name == replace else s.line() for s in parsed.signatures]
    return parsed.text + "\n" + "".join(lines)


def _ir_line(note: str, ir: Node) -> Signature:
    [sig] = [s for s in parse_note(note).signatures if s.name == ir.signer.name]
    return sig


@pytest.mark.parametrize("pair", PARAMS, indirect=True)
def test_a_checkpoint_cosigned_by_a_real_peer_verifies_with_its_key(
    pair: tuple[Node, Node], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pk, ir = pair
    checkpoint = _cosigned(capsys, pk, tmp_path)
    keys = _key_file(tmp_path / "witnesses.txt", ir)
    code, out, err = _check(capsys, pk, checkpoint, "--witness-key", str(keys))
    assert code == 0, err
    assert out.startswith("ok: the checkpoint of size 37 of sarhad.pk/log is signed by sarhad.pk/log")
    assert "1 of 1 witness cosigned (quorum 1)" in out
    assert f"log signature by sarhad.pk/log ({pk.signer.key_id:08x}): valid" in out
    assert "cosignature by sarhad.ir/log" in out and ": valid, at 20" in out
    code, out, err = _check(capsys, pk, checkpoint, "--witness-key", str(keys), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["ok"] is True and data["kind"] == "checkpoint"
    [cp] = data["checkpoints"]
    assert (cp["field"], cp["size"], cp["witnessed"], cp["quorum"], cp["ok"]) == (None, 37, 1, 1, True)
    assert [(s["role"], s["name"], s["status"]) for s in cp["signatures"]] == [
        ("log", "sarhad.pk/log", "valid"),
        ("witness", "sarhad.ir/log", "valid"),
    ]
    assert 0 < cp["signatures"][1]["timestamp"] <= time.time()
    # Without witness keys the cosignature is reported by an unknown key, and nothing is required of it.
    code, out, err = _check(capsys, pk, checkpoint)
    assert code == 0, err
    assert "cosignature by sarhad.ir/log" in out and "unknown key" in out


@pytest.mark.parametrize("pair", PARAMS, indirect=True)
def test_check_proof_refuses_each_bad_cosignature_saying_what_and_where(
    pair: tuple[Node, Node], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pk, ir = pair
    note = _cosigned(capsys, pk, tmp_path).read_text(encoding="utf-8")
    ir_keys = _key_file(tmp_path / "ir.vkey", ir)
    with Node.init(tmp_path / "af", "AF") as af:
        af_keys = _key_file(tmp_path / "af.vkey", af)
    ir_line = _ir_line(note, ir)

    def check(text: str, *args: str) -> tuple[int, str, str]:
        path = tmp_path / "case.txt"
        path.write_text(text, encoding="utf-8")
        return _check(capsys, pk, path, *args)

    # 1. One byte of the cosignature's Ed25519 signature altered.
    raw = bytearray(ir_line.signature)
    raw[20] ^= 0x01
    code, out, err = check(_with_line(note, ir.signer.name, Signature(ir_line.name, ir_line.key_id, bytes(raw))),
                           "--witness-key", str(ir_keys))  # fmt: skip
    assert code == 1 and "case.txt: the checkpoint of size 37: cosignature by sarhad.ir/log" in err
    assert "does not verify" in err and ": INVALID" in out
    # 2. A wrong witness key: IR's cosignature is by an unknown key, AF's is missing.
    code, out, err = check(note, "--witness-key", str(af_keys))
    assert code == 1 and "no cosignature by witness sarhad.af/log" in err and "0 of 1" in err
    assert "unknown key" in out
    # 3. A missing witness: IR cosigned, AF did not; a quorum of 1 is met.
    both = _key_file(tmp_path / "both.txt", ir, af)
    code, _, err = check(note, "--witness-key", str(both))
    assert code == 1 and "1 of 2 witnesses cosigned, quorum 2" in err and "sarhad.af/log" in err
    code, out, err = check(note, "--witness-key", str(ir_keys), "--witness-key", str(af_keys), "--quorum", "1")
    assert code == 0, err
    assert "1 of 2 witnesses cosigned (quorum 1)" in out and "no cosignature by witness sarhad.af/log" in out
    # 4. Quorum not met, in JSON: ok false, and the figures.
    code, out, err = check(note, "--witness-key", str(both), "--quorum", "2", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False and "quorum 2" in data["error"]
    assert (data["checkpoints"][0]["witnessed"], data["checkpoints"][0]["quorum"]) == (1, 2)
    # 5. A cosignature dated tomorrow, by IR's real key.
    tomorrow = int(time.time()) + 86400
    future = ir.signer.cosigner().cosign(parse_note(note).text, tomorrow)
    code, out, err = check(_with_line(note, ir.signer.name, future), "--witness-key", str(ir_keys))
    assert code == 1 and "cosignature by sarhad.ir/log" in err and "is dated" in err and "in the future" in err
    assert ": FUTURE" in out
    # 6. IR's cosignature under another key name: the name is not in the signed message, so it verifies with
    # IR's key all the same, and is refused.
    renamed = Signature("sarhad.xx/log", key_id("sarhad.xx/log", SIG_COSIGNATURE_V1, ir.signer.public_key),
                        ir_line.signature)  # fmt: skip
    code, out, err = check(_with_line(note, ir.signer.name, renamed), "--witness-key", str(ir_keys))
    assert code == 1 and "signed by the key of witness sarhad.ir/log under the name 'sarhad.xx/log'" in err
    # 7. A quorum larger than the keys given, and a keys file that is no key, are refused before any check.
    code, _, err = check(note, "--witness-key", str(ir_keys), "--quorum", "2")
    assert code == 1 and "--quorum 2 is more than the 1 witness key given" in err
    (tmp_path / "junk.txt").write_text("# IR\nnot a key\n", encoding="utf-8")
    code, _, err = check(note, "--witness-key", str(tmp_path / "junk.txt"))
    assert code == 1 and "junk.txt line 2: verifier key 'not a key' is not name+keyid+key" in err


@pytest.mark.parametrize("pair", PARAMS, indirect=True)
def test_inclusion_and_consistency_proofs_carry_and_check_cosignatures(
    pair: tuple[Node, Node], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pk, ir = pair
    keys = _key_file(tmp_path / "ir.vkey", ir)
    object_id = str(pk.db.fetchall("SELECT id FROM objects ORDER BY log_index")[3][0])
    code, out, err = _cli(capsys, pk, "log", "prove", object_id, "--size", "37", "--cosigned", "--json")
    assert code == 0, err
    (tmp_path / "prove.json").write_text(out)
    code, out, err = _check(capsys, pk, tmp_path / "prove.json", "--witness-key", str(keys))
    assert code == 0, err
    assert out.startswith(f"ok: {object_id}@") and "1 of 1 witness cosigned (quorum 1)" in out
    # Without --cosigned the checkpoint is the log's alone: the witness's cosignature is missing.
    code, out, _ = _cli(capsys, pk, "log", "prove", object_id, "--size", "37", "--json")
    (tmp_path / "plain.json").write_text(out)
    code, _, err = _check(capsys, pk, tmp_path / "plain.json", "--witness-key", str(keys))
    assert code == 1 and "plain.json: checkpoint: the checkpoint of size 37" in err and "0 of 1" in err
    # A consistency proof: both checkpoints are checked; the new one (38) is not cosigned yet.
    code, out, err = _cli(capsys, pk, "log", "consistency", "37", "38", "--cosigned", "--json")
    assert code == 0, err
    (tmp_path / "consistency.json").write_text(out)
    code, _, err = _check(capsys, pk, tmp_path / "consistency.json", "--witness-key", str(keys))
    assert code == 1 and "new_checkpoint: the checkpoint of size 38" in err
    code, out, err = _check(capsys, pk, tmp_path / "consistency.json", "--witness-key", str(keys), "--json")
    data = json.loads(out)
    assert [(c["field"], c["size"], c["witnessed"]) for c in data["checkpoints"]] == [
        ("old_checkpoint", 37, 1),
        ("new_checkpoint", 38, 0),
    ]
    assert base64.b64decode(data["checkpoints"][0]["root"]) == pk.log.checkpoint(37).root


@pytest.mark.parametrize("pair", PARAMS, indirect=True)
def test_check_proof_now_judges_cosignature_times_as_of_the_given_date(
    pair: tuple[Node, Node], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pk, ir = pair
    checkpoint = _cosigned(capsys, pk, tmp_path)
    keys = _key_file(tmp_path / "witnesses.txt", ir)
    # As of 2001, IR's cosignature (made today) is dated in the future: refused, saying as of when.
    code, out, err = _check(capsys, pk, checkpoint, "--witness-key", str(keys), "--now", "2001-02-03T04:05:06Z")
    assert code == 1
    assert "cosignature by sarhad.ir/log" in err and "in the future of 2001-02-03T04:05:06Z" in err
    assert ": FUTURE" in out
    # As of a later date (an offset, or a bare date: its first second, UTC) it is valid.
    for later in ("2999-01-01T00:00:00+05:00", "2999-01-01"):
        code, out, err = _check(capsys, pk, checkpoint, "--witness-key", str(keys), "--now", later)
        assert code == 0, err
        assert "1 of 1 witness cosigned (quorum 1)" in out
    # A value that is no date-time, or one without its offset, is refused before any check, naming the option.
    for bad, why in (("yesterday", "not an ISO 8601 date-time"), ("2024-05-01T10:00:00", "no UTC offset")):
        code, out, err = _check(capsys, pk, checkpoint, "--witness-key", str(keys), "--now", bad)
        assert code == 1 and out == ""
        assert f"--now {bad!r}" in err and why in err


@pytest.mark.parametrize("pair", PARAMS, indirect=True)
def test_check_proof_and_log_verify_both_take_witness_and_witness_key(
    pair: tuple[Node, Node], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pk, ir = pair
    checkpoint = _cosigned(capsys, pk, tmp_path)
    # check-proof: a witness's key given inline (--witness VKEY), as 'log verify' takes it.
    code, out, err = _check(capsys, pk, checkpoint, "--witness", ir.signer.vkey)
    assert code == 0, err
    assert "1 of 1 witness cosigned (quorum 1)" in out
    code, _, err = _check(capsys, pk, checkpoint, "--witness", "not a key")
    assert code == 1 and "--witness: verifier key 'not a key' is not name+keyid+key" in err
    # log verify: a file of witnesses' keys (--witness-key FILE), as 'log check-proof' takes it.
    keys = _key_file(tmp_path / "witnesses.txt", ir)
    code, out, err = _cli(capsys, pk, "log", "verify", "--witness-key", str(keys), "--json")
    assert code == 0, err
    assert json.loads(out)["cosignatures"] >= 1
    (tmp_path / "junk.txt").write_text("# IR\nnot a key\n", encoding="utf-8")
    code, _, err = _cli(capsys, pk, "log", "verify", "--witness-key", str(tmp_path / "junk.txt"))
    assert code == 1 and "junk.txt line 2: verifier key 'not a key' is not name+keyid+key" in err
