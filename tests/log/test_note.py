"""C2SP signed notes, checkpoints and cosignatures, against the spec's example and a derived vector."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from sarhad.errors import ConfigError, InvalidInput, NotFound, VerificationError
from sarhad.log.checkpoint import Checkpoint, open_checkpoint
from sarhad.log.cosignature import CosignatureSigner, CosignatureVerifier, verify_cosignatures
from sarhad.log.merkle import MemoryTree
from sarhad.log.note import Signature, Signer, Verifier, add_signatures, open_note, parse_note, sign_note

# The C2SP signed-note spec's example.
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n"
    "— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)

# Derived checkpoint + cosignature vector (deterministic Ed25519; accepted by aics-tlog, tlog-scales and
# sigstore-python): the tree of the 8 classic leaves.
LOG_SEED = hashlib.sha256(b"sarhad-test-log-key").digest()
WITNESS_SEED = hashlib.sha256(b"sarhad-test-witness-key").digest()
TS = 1767225600
LOG_VKEY = "example.org/sarhad-test+02a3b5b2+ARMAn7A9KfGBSh8uKbCBkYJdmkcga/V5YUZrQ2UtyLQV"
WITNESS_VKEY = "witness.example.org/w1+8e0b3685+BKzW70h1W4cLXLN4xFuzlM8nQhPUsq24lSznkbUyMfUx"
CHECKPOINT_NOTE = (
    "example.org/sarhad-test\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n"
    "— example.org/sarhad-test "
    "AqO1sn15KfRY7wQaG8MBp4kxsXamUwUKXS83Mbv90ZBpQuVjAZnpJ/xR/TYlmhvVcD22H07YO3CpQC/7CzZU1yXmsgQ=\n"
    "— witness.example.org/w1 "
    "jgs2hQAAAABpVbkA+i7NsJSYVrWRFP98B4NJdlW+FYttj7w5MfbcSqgonwxm4UPph8MDtpDRDk2X/JbLnyTZtLXTADMXZPDw49zSDQ==\n"
)


def test_spec_example_verifies() -> None:
    verifier = Verifier.from_vkey(SPEC_VKEY)
    assert verifier.vkey == SPEC_VKEY
    assert verifier.name == "example.com/foo"
    note = open_note(SPEC_NOTE, [verifier])
    assert note.text == "This is an example message.\n"
    assert [s.name for s in note.verified] == ["example.com/foo"]
    assert note.render() == SPEC_NOTE


def test_spec_example_rejects_tampering() -> None:
    verifier = Verifier.from_vkey(SPEC_VKEY)
    with pytest.raises(VerificationError, match="invalid signature"):
        open_note(SPEC_NOTE.replace("example message", "example massage"), [verifier])
    other = Signer.generate("example.com/bar").verifier
    with pytest.raises(VerificationError, match="not signed by a known key"):
        open_note(SPEC_NOTE, [other])
    # A key with the same name but another ID is unknown, not a failure of the known key.
    same_name = Signer.generate("example.com/foo").verifier
    with pytest.raises(VerificationError, match="not signed by a known key"):
        open_note(SPEC_NOTE, [same_name])


def test_note_signed_by_another_key_names_the_key_found_and_the_keys_expected() -> None:
    # An operator who passed the wrong --vkey (the other party's) is told which key signed and which was given.
    other = Signer.from_seed("example.com/bar", LOG_SEED).verifier
    with pytest.raises(
        VerificationError,
        match=rf"^note is not signed by a known key \(signed by: example\.com/foo \(530d903a\); "
        rf"expected: example\.com/bar \({other.key_id:08x}\)\)$",
    ):
        open_note(SPEC_NOTE, [other])


def test_derived_checkpoint_vector_is_reproduced() -> None:
    log = Signer.from_seed("example.org/sarhad-test", LOG_SEED)
    witness = CosignatureSigner.from_seed("witness.example.org/w1", WITNESS_SEED)
    assert log.vkey == LOG_VKEY
    assert witness.vkey == WITNESS_VKEY
    tree = MemoryTree()
    tree.extend(
        [
            bytes.fromhex(h)
            for h in [
                "",
                "00",
                "10",
                "2021",
                "3031",
                "40414243",
                "5051525354555657",
                "606162636465666768696a6b6c6d6e6f",
            ]
        ]
    )
    cp = Checkpoint("example.org/sarhad-test", 8, tree.root()).sign(log)
    assert cp.note is not None
    assert witness.cosign_note(cp.note, TS) == CHECKPOINT_NOTE


def test_derived_checkpoint_vector_verifies() -> None:
    log = Verifier.from_vkey(LOG_VKEY)
    witness = Verifier.from_vkey(WITNESS_VKEY)
    assert isinstance(witness, CosignatureVerifier)
    cp, note = open_checkpoint(CHECKPOINT_NOTE, [log], origin="example.org/sarhad-test")
    assert cp.size == 8
    assert cp.root.hex() == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    assert len(note.unverified) == 1
    cosigs = verify_cosignatures(CHECKPOINT_NOTE, [witness])
    assert [(c.name, c.timestamp) for c in cosigs] == [("witness.example.org/w1", TS)]
    # Both keys together: open_note checks the cosignature too.
    assert len(open_note(CHECKPOINT_NOTE, [log, witness]).verified) == 2
    altered = CHECKPOINT_NOTE.replace("\n8\n", "\n9\n")
    with pytest.raises(VerificationError):
        open_checkpoint(altered, [log])
    with pytest.raises(VerificationError):
        verify_cosignatures(altered, [witness])
    with pytest.raises(VerificationError, match="origin"):
        open_checkpoint(CHECKPOINT_NOTE, [log], origin="example.org/other")


def test_key_id_and_vkey_round_trip() -> None:
    signer = Signer.generate("sarhad.pk/log")
    v = Verifier.from_vkey(signer.vkey)
    assert v == signer.verifier
    assert v.key_id == int.from_bytes(hashlib.sha256(b"sarhad.pk/log\n\x01" + signer.public_key).digest()[:4], "big")
    name, hex_id, _ = signer.vkey.split("+", 2)
    assert (name, hex_id) == ("sarhad.pk/log", f"{signer.key_id:08x}")
    bad = signer.vkey.replace(hex_id, f"{(signer.key_id ^ 1):08x}")
    with pytest.raises(InvalidInput, match="does not match"):
        Verifier.from_vkey(bad)
    for malformed in ["", "a+b", "a+0000000g+AAAA", "a b+00000000+AQ==", "x+00000000+!!!"]:
        with pytest.raises(InvalidInput):
            Verifier.from_vkey(malformed)


def test_keys_whose_base64_holds_a_plus_round_trip() -> None:
    # The base64 part may itself contain '+': only the first two '+' separate the fields.
    seen = 0
    for i in range(200):
        signer = Signer.from_seed("k", hashlib.sha256(str(i).encode()).digest())
        if "+" in signer.vkey.split("+", 2)[2]:
            seen += 1
            assert Verifier.from_vkey(signer.vkey) == signer.verifier
            assert Signer.from_private_key(signer.private_key_text()).vkey == signer.vkey
    assert seen > 10


def test_sign_and_open_many_signers() -> None:
    a, b = Signer.generate("a.example/log"), Signer.generate("b.example/log")
    note = sign_note("hello\nworld\n", [a, b])
    opened = open_note(note, [a.verifier, b.verifier])
    assert [s.name for s in opened.verified] == ["a.example/log", "b.example/log"]
    assert open_note(note, [b.verifier]).unverified[0].name == "a.example/log"
    extra = Signature("c.example/x", 7, b"\x00" * 64)
    assert add_signatures(note, [extra, extra]).count("c.example/x") == 1


@pytest.mark.parametrize(
    "bad",
    [
        "no blank line\n— a AAAAAAA=\n",
        "text\n\n— a AAAAAAA=",  # no final newline
        "text\n\n- a AAAAAAA=\n",  # not an em dash
        "text\n\n— a\n",
        "text\n\n— a AAAA\n",  # too short
        "text\n\n— a+b AAAAAAA=\n",
        "te\x01xt\n\n— a AAAAAAA=\n",
        "text\n\n— a AAAAAAA\n",  # not base64
    ],
)
def test_malformed_notes_are_rejected(bad: str) -> None:
    with pytest.raises(InvalidInput):
        parse_note(bad)


def test_signer_refuses_bad_text() -> None:
    signer = Signer.generate("a")
    with pytest.raises(InvalidInput):
        signer.sign("no newline")
    with pytest.raises(InvalidInput):
        signer.sign("tab\tinside\n")
    with pytest.raises(InvalidInput):
        Signer.generate("has space")


def test_key_file_round_trip_and_secrecy(tmp_path: Path) -> None:
    signer = Signer.generate("sarhad.pk/log")
    path = signer.write_key_file(tmp_path / "node.key")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = Signer.from_key_file(path)
    assert loaded.vkey == signer.vkey
    secret = path.read_text().strip().split("+", 4)[4]
    assert secret not in repr(signer) and secret not in signer.vkey
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError, match="readable by others") as exc:
        Signer.from_key_file(path)
    assert secret not in str(exc.value)
    os.chmod(path, 0o600)
    path.write_text(path.read_text().replace("+", "-", 1))
    with pytest.raises(ConfigError, match="malformed") as exc:
        Signer.from_key_file(path)
    assert secret not in str(exc.value)
    with pytest.raises(NotFound):
        Signer.from_key_file(tmp_path / "missing.key")


def test_checkpoint_parsing() -> None:
    root = hashlib.sha256(b"").digest()
    cp = Checkpoint("example.org/log", 0, root)
    assert cp.body() == "example.org/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
    assert Checkpoint.from_body(cp.body()) == cp
    ext = Checkpoint.from_body(cp.body() + "ext line\n")
    assert ext.extensions == ("ext line",)
    for bad in [
        "o\n01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
        "o\n-1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
        "o\n1\nAAAA\n",
        "\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
        "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n",
        "o\n18446744073709551616\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
    ]:
        with pytest.raises(InvalidInput):
            Checkpoint.from_body(bad)


def test_a_log_key_can_cosign_without_confusion() -> None:
    log = Signer.generate("sarhad.ir/log")
    witness = log.cosigner()
    assert witness.vkey != log.vkey and witness.public_key == log.public_key
    cp = Checkpoint("sarhad.pk/log", 3, hashlib.sha256(b"r").digest()).body()
    cosigned = witness.cosign_note(Signer.generate("sarhad.pk/log").sign(cp), 1767225600)
    assert verify_cosignatures(cosigned, [witness.verifier])[0].timestamp == 1767225600
    # The note key refuses texts shaped like a cosignature message.
    with pytest.raises(InvalidInput, match="reserved"):
        log.sign("cosignature/v1\ntime 1\n" + cp)
    with pytest.raises(InvalidInput):
        witness.cosign(cp, 2**63)


def test_cosignature_signer_cannot_sign_plain_notes() -> None:
    w = CosignatureSigner.generate("w")
    with pytest.raises(InvalidInput):
        w.sign("x\n")
    assert Verifier.from_vkey(w.vkey) == w.verifier


def test_a_key_file_that_cannot_be_written_is_named_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    # root may write anywhere, but not over a folder: the key's place is taken by one
    key = tmp_path / "node.key"
    key.mkdir()
    with pytest.raises(IsADirectoryError) as exc:
        Signer.generate("sarhad.pk/log").write_key_file(key)
    assert str(exc.value) == f"[Errno 21] cannot write the signing key: Is a directory: '{key}'"
    assert exc.value.filename == str(key)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["node.key"]  # no node.key.tmp


def test_a_key_file_under_a_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "home").write_text("a file, not a folder")
    key = tmp_path / "home" / "node.key"
    with pytest.raises(FileExistsError) as exc:
        Signer.generate("sarhad.pk/log").write_key_file(key)
    assert exc.value.filename == str(key) and "cannot write the signing key" in str(exc.value)
