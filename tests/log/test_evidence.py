"""The evidence a sync kept that a peer rewrote its log: ``log verify`` reports it (exit 5), ``log evidence``
lists it and writes the files an auditor takes away, and ``log check-proof`` shows offline what they prove.
Two real nodes on loopback; the syncing node on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sarhad.canonical import canonical_text
from sarhad.errors import VerificationError
from sarhad.exchange.peers import add_peer, get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.importer import import_file
from sarhad.log.envelope import Envelope
from sarhad.log.note import Signature, parse_note
from sarhad.log.store import Log
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import UCDP_SAMPLE, run_cli
from tests.log.helpers import publish_notes
from tests.web.conftest import serving

PARAMS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture
def synced(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, Node]]:
    """PK (37 incidents, served on loopback) and IR, on SQLite or PostgreSQL, after IR synced PK's log."""
    pk = Node.init(tmp_path / "pk", "PK")
    url = request.getfixturevalue("pg_schema_url") if request.param == "postgresql" else None
    ir = Node.init(tmp_path / "ir", "IR", database_url=url)
    import_file(pk, "ucdp", UCDP_SAMPLE)
    with serving(pk) as pk_url:
        add_peer(ir.db, "PK", pk_url, pk.signer.vkey, create_token(pk.db, "ir", "peer", "IR"))
        assert sync_peer(ir, get_peer(ir.db, "PK")).new_size == 37
        yield pk, ir
    pk.close()
    ir.close()


def _envelopes(pk: Node) -> list[Envelope]:
    return [Envelope.from_canonical(str(r[0])) for r in pk.db.fetchall("SELECT envelope FROM log_leaves ORDER BY idx")]


def _resign(pk: Node, original: list[Envelope], size: int, rewrite: int | None = None) -> None:
    """PK rebuilds its log from the first ``size`` of its ``original`` entries (entry ``rewrite`` told
    differently) and signs it, as a dishonest publisher would."""
    db = pk.db
    with db.transaction():
        envs = original[:size]
        if rewrite is not None:
            row = db.fetchone("SELECT body FROM objects WHERE log_index = ?", (rewrite,))
            assert row is not None
            text = canonical_text({**json.loads(str(row[0])), "name": "a different story"})
            sha = hashlib.sha256(text.encode()).hexdigest()
            db.execute("UPDATE objects SET body = ?, sha256 = ? WHERE log_index = ?", (text, sha, rewrite))
            old = envs[rewrite]
            envs[rewrite] = Envelope(old.object_id, old.version, sha, old.tlp, old.time)
        for table in ("log_leaves", "log_nodes", "log_checkpoints", "log_cosignatures"):
            db.execute(f"DELETE FROM {table}")
        db.execute("UPDATE log_head SET size = -1")
        log = Log(db)
        log.append(envs)
        log.sign_checkpoint(pk.signer, pk.settings.origin)


def _sync_fails(ir: Node, match: str) -> None:
    with pytest.raises(VerificationError, match=match):
        sync_peer(ir, get_peer(ir.db, "PK"))


def _cli(capsys: pytest.CaptureFixture[str], node: Node, *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, "--home", str(node.settings.home), *args)


@pytest.mark.parametrize("synced", PARAMS, indirect=True)
def test_log_verify_reports_the_evidence_it_holds_and_exits_5(
    synced: tuple[Node, Node], capsys: pytest.CaptureFixture[str]
) -> None:
    pk, ir = synced
    assert _cli(capsys, ir, "log", "verify")[0] == 0
    _resign(pk, _envelopes(pk), 37, rewrite=5)
    _sync_fails(ir, r"peer PK: split view: .*entry 5 \(incident--.*\) was rewritten; evidence kept")
    # The copy kept is the one verified before, which still checks: the evidence is what verify must show.
    code, out, err = _cli(capsys, ir, "log", "verify")
    assert code == 5, err
    assert "peer PK: split view found 20" in out and "size 37 (root " in out and "entry 5" in out
    assert "log verified, but this node holds evidence that a peer rewrote its log: PK" in out
    text_out = out
    code, out, _ = _cli(capsys, ir, "log", "verify", "--json")
    assert code == 5
    data = json.loads(out)
    assert data["ok"] is False and data["peers"]["PK"]["status"] == "verified" and "cosignatures" in data
    [piece] = data["evidence"]
    assert set(piece) == {
        "name", "file", "peer", "kind", "detected", "reason", "earlier_size", "earlier_root", "later_size",
        "later_root",
    }  # fmt: skip
    # The name an auditor finds it under: 'log evidence --out DIR' writes DIR/1-PK/evidence.json.
    assert (piece["name"], piece["file"]) == ("1-PK", "1-PK/evidence.json")
    assert "evidence 1-PK (log evidence --out DIR writes DIR/1-PK/evidence.json): peer PK: split view" in text_out
    assert (piece["peer"], piece["kind"], piece["earlier_size"], piece["later_size"]) == ("PK", "split view", 37, 37)
    assert piece["earlier_root"] == data["peers"]["PK"]["root"] != piece["later_root"]


@pytest.mark.parametrize("synced", PARAMS, indirect=True)
def test_log_verify_json_prints_the_failure_with_ok_false(
    synced: tuple[Node, Node], capsys: pytest.CaptureFixture[str]
) -> None:
    _, ir = synced
    with ir.db.transaction():
        ir.db.execute("UPDATE peer_leaves SET envelope = envelope || ' ' WHERE peer = 'PK' AND idx = 3")
    code, out, err = _cli(capsys, ir, "log", "verify", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False and data["evidence"] == []
    assert data["error"].startswith("peer PK: entry 3") and data["error"] in err


@pytest.mark.parametrize("synced", PARAMS, indirect=True)
def test_log_evidence_writes_what_check_proof_shows_for_each_kind(
    synced: tuple[Node, Node], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pk, ir = synced
    assert _cli(capsys, ir, "log", "evidence")[1] == "no evidence: no sync found a peer's log rewritten\n"
    row = ir.db.fetchone("SELECT note FROM peer_checkpoints WHERE peer = 'PK'")
    assert row is not None
    verified, original = str(row[0]), _envelopes(pk)
    # 1. A consistent rollback (PK serves its tree of 30 again), 2. a rollback to another tree of 30,
    # 3. a split view at 37, 4. a larger tree whose proof from 37 does not verify.
    _resign(pk, original, 30)
    _sync_fails(ir, r"rollback: the peer now signs size 30, after size 37 was verified")
    _resign(pk, original, 37)
    _resign(pk, original, 30, rewrite=5)
    _sync_fails(ir, r"rollback")
    _resign(pk, original, 37, rewrite=5)
    _sync_fails(ir, r"split view")
    publish_notes(pk, 0, 1)
    _sync_fails(ir, r"rewritten history: size 38 is not consistent with size 37 .*entry 5")
    out_dir = tmp_path / "evidence"
    code, out, err = _cli(capsys, ir, "log", "evidence", "--out", str(out_dir), "--json")
    assert code == 0, err
    pieces = json.loads(out)
    assert [(p["kind"], p["earlier_size"], p["later_size"]) for p in pieces] == [
        ("rollback", 37, 30), ("rollback", 37, 30), ("split view", 37, 37), ("rewritten history", 37, 38),
    ]  # fmt: skip
    folders = [Path(p["folder"]) for p in pieces]
    for folder in folders:
        assert {f.name for f in folder.iterdir()} == {
            "earlier.checkpoint", "later.checkpoint", "peer.vkey", "evidence.json", "README.txt",
        }  # fmt: skip
        # Byte for byte as received: the checkpoint verified before, and the peer's key.
        assert (folder / "earlier.checkpoint").read_bytes() == verified.encode()
        assert (folder / "peer.vkey").read_text() == pk.signer.vkey + "\n"
    assert (folders[3] / "later.checkpoint").read_text() == pk.log.checkpoint(38).note
    assert "What the files cannot show" in (folders[0] / "README.txt").read_text()
    # The key in the folder is the accuser's copy: the reader is told to check it against the accused's own.
    assert "First compare peer.vkey with the key PK's operators publish for sarhad.pk/log" in " ".join(
        (folders[0] / "README.txt").read_text().split()
    )

    def check(folder: Path) -> tuple[int, str, str]:
        return run_cli(capsys, "log", "check-proof", str(folder / "evidence.json"), "--vkey", pk.signer.vkey)

    code, _, err = check(folders[0])
    assert (
        code == 1
        and "the tree of size 30 is a prefix of the tree of size 37: the two checkpoints are consistent" in err
    )
    for folder in folders[1:]:
        code, out, err = check(folder)
        assert code == 0, err
        # The key ID is printed, to be compared at a glance with the key the accused party publishes.
        key_id = f"{pk.signer.key_id:08x}"
        signed = f"ok: two checkpoints of sarhad.pk/log, both signed by sarhad.pk/log (key ID {key_id}), cannot both"
        assert out.startswith(signed) and pk.signer.vkey.startswith(f"sarhad.pk/log+{key_id}+")
        code, out, _ = run_cli(
            capsys, "log", "check-proof", str(folder / "evidence.json"), "--vkey", pk.signer.vkey, "--json"
        )
        assert code == 0 and json.loads(out)["key_id"] == key_id and json.loads(out)["result"].startswith(signed)
    assert "two checkpoints of size 37 with different roots" in check(folders[2])[1]
    assert "the tree of size 38 begins with a tree of size 37 whose root is" in check(folders[3])[1]
    # Another key, or a proof that does not lead to the larger root, shows nothing.
    with Node.init(tmp_path / "af", "AF") as af:
        other = af.signer.vkey
    code, _, err = run_cli(capsys, "log", "check-proof", str(folders[2] / "evidence.json"), "--vkey", other)
    assert code == 1 and "note is not signed by a known key" in err
    document = json.loads((folders[3] / "evidence.json").read_text())
    document["proof"] = document["proof"][::-1]
    (tmp_path / "bad.json").write_text(json.dumps(document))
    code, _, err = run_cli(capsys, "log", "check-proof", str(tmp_path / "bad.json"), "--vkey", pk.signer.vkey)
    assert code == 1 and "does not lead to the signed root of size 38: it shows nothing" in err
    # The table lists the same four pieces.
    code, out, _ = _cli(capsys, ir, "log", "evidence")
    assert code == 0 and out.count("rollback") >= 2 and "4 pieces of evidence" in out


@pytest.mark.parametrize("synced", PARAMS, indirect=True)
def test_evidence_files_round_trip_with_their_checkpoints_cosignatures(
    synced: tuple[Node, Node], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pk, ir = synced
    _resign(pk, _envelopes(pk), 37, rewrite=5)
    _sync_fails(ir, r"split view")
    code, out, err = _cli(capsys, ir, "log", "evidence", "--out", str(tmp_path / "ev"), "--json")
    assert code == 0, err
    [piece] = json.loads(out)
    assert piece["name"] == "1-PK" and piece["folder"] == str(tmp_path / "ev" / "1-PK")
    path = Path(piece["folder"]) / "evidence.json"
    keys = tmp_path / "witness.vkey"
    keys.write_text(ir.signer.vkey + "\n")

    def check(*args: str) -> tuple[int, str, str]:
        return run_cli(capsys, "log", "check-proof", str(path), "--vkey", pk.signer.vkey, *args)

    # As written: both checkpoints signed by PK's key, neither cosigned; the signatures are reported.
    code, out, err = check("--witness-key", str(keys))
    assert code == 0, err
    assert out.startswith("ok: two checkpoints of sarhad.pk/log")
    assert "earlier_checkpoint: the checkpoint of size 37" in out and "later_checkpoint" in out
    assert "0 of 1 witness cosigned (quorum 0)" in out
    # A witness shown both (here IR's real key cosigning each): the cosignatures check, and a quorum of 1 holds.
    document = json.loads(path.read_text())
    cosigner = ir.signer.cosigner()
    for field in ("earlier_checkpoint", "later_checkpoint"):
        document[field] = cosigner.cosign_note(document[field], 1767225600)
    path.write_text(json.dumps(document))
    code, out, err = check("--witness-key", str(keys), "--quorum", "1", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["ok"] is True and data["kind"] == "evidence"
    assert [(c["field"], c["witnessed"]) for c in data["checkpoints"]] == [
        ("earlier_checkpoint", 1),
        ("later_checkpoint", 1),
    ]
    # One altered byte in the later checkpoint's cosignature: refused, naming the file and the checkpoint.
    parsed = parse_note(document["later_checkpoint"])
    sig = parsed.signatures[-1]
    raw = bytearray(sig.signature)
    raw[-1] ^= 0x80
    lines = [s.line() for s in parsed.signatures[:-1]] + [Signature(sig.name, sig.key_id, bytes(raw)).line()]
    document["later_checkpoint"] = parsed.text + "\n" + "".join(lines)
    path.write_text(json.dumps(document))
    code, _, err = check("--witness-key", str(keys))
    assert (
        code == 1 and "evidence.json: later_checkpoint: the checkpoint of size 37: cosignature by sarhad.ir/log" in err
    )
