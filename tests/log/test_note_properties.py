"""Property tests for the C2SP parsers: signed notes, checkpoints and verifier keys.

Round trips on generated valid input, and on arbitrary text the parsers either succeed or raise InvalidInput
(never another exception), since they read what peers and witnesses send.
"""

from __future__ import annotations

import base64

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sarhad.errors import InvalidInput, VerificationError
from sarhad.log.checkpoint import Checkpoint, open_checkpoint
from sarhad.log.note import Signer, Verifier, open_note, parse_note, sign_note

# Signing keys are slow to make: a few fixed ones, chosen by the tests.
SIGNERS = [Signer.from_seed(f"example.org/key-{i}", bytes([i]) * 32) for i in range(3)]

# Printable text lines (no control characters, no lone surrogates), as notes may hold.
line = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\n\x7f"), min_size=1, max_size=30
)
# Texts beginning like a cosignature's message ("cosignature/", "subtree/") are refused by the signer on purpose
# (test_note.py checks that): the notes and origins drawn here are the ones a signer takes.
RESERVED = ("cosignature/", "subtree/")
note_text = (
    st.lists(line, min_size=1, max_size=5)
    .map(lambda lines: "".join(f"{x}\n" for x in lines))
    .filter(lambda text: not text.startswith(RESERVED))
)
origin = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp"), blacklist_characters="\x7f"),
    min_size=1,
    max_size=40,
).filter(lambda text: not text.startswith(RESERVED))
checkpoints = st.builds(
    Checkpoint,
    origin=origin,
    size=st.integers(min_value=0, max_value=2**64 - 1),
    root=st.binary(min_size=32, max_size=32),
    extensions=st.lists(line, max_size=2).map(tuple),
)


@settings(max_examples=200, deadline=None)
@given(note_text, st.lists(st.sampled_from(SIGNERS), min_size=1, max_size=3, unique_by=lambda s: s.name))
def test_signed_notes_round_trip(text: str, signers: list[Signer]) -> None:
    note = sign_note(text, signers)
    parsed = parse_note(note)
    assert parsed.text == text
    assert [s.name for s in parsed.signatures] == [s.name for s in signers]
    assert parsed.render() == note
    opened = open_note(note, [signers[0].verifier])
    assert [s.name for s in opened.verified] == [signers[0].name]


@settings(max_examples=200, deadline=None)
@given(note_text, st.data())
def test_any_change_to_a_signed_text_is_refused(text: str, data: st.DataObject) -> None:
    signer = SIGNERS[0]
    note = sign_note(text, [signer])
    at = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    replacement = data.draw(st.sampled_from(["x", "\n", " ", "é", ""]))
    changed = note[:at] + replacement + note[at + 1 :]
    assume(changed[: len(text)] != text or replacement == "")
    try:
        open_note(changed, [signer.verifier])
    except (InvalidInput, VerificationError):
        return
    raise AssertionError(f"a changed note verified: {changed!r}")


@settings(max_examples=300, deadline=None)
@given(checkpoints)
def test_checkpoints_round_trip(cp: Checkpoint) -> None:
    assert Checkpoint.from_body(cp.body()) == cp
    signed = cp.sign(SIGNERS[1])
    assert signed.note is not None
    opened, _ = open_checkpoint(signed.note, [SIGNERS[1].verifier], origin=cp.origin)
    assert opened == cp and opened.note == signed.note
    assert Checkpoint.parse(signed.note) == cp


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=200))
def test_parsers_raise_only_invalid_input_on_arbitrary_text(text: str) -> None:
    for parse in (parse_note, Checkpoint.from_body, Checkpoint.parse, Verifier.from_vkey):
        try:
            parse(text)
        except InvalidInput:
            pass


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=20), st.text(max_size=10), st.binary(max_size=40))
def test_verifier_keys_parse_or_raise_invalid_input(name: str, key_id: str, raw: bytes) -> None:
    vkey = f"{name}+{key_id}+{base64.b64encode(raw).decode()}"
    try:
        verifier = Verifier.from_vkey(vkey)
    except InvalidInput:
        return
    assert verifier.vkey == vkey.strip()


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SIGNERS), st.integers(min_value=0, max_value=120), st.text(max_size=3))
def test_damaged_signature_lines_never_verify(signer: Signer, at: int, junk: str) -> None:
    note = signer.sign("example.org/log\n1\n" + base64.b64encode(bytes(32)).decode() + "\n")
    start = note.index("\n\n") + 2
    pos = start + at % (len(note) - start)
    changed = note[:pos] + junk + note[pos + 1 :]
    assume(changed != note)
    try:
        open_note(changed, [signer.verifier])
    except (InvalidInput, VerificationError):
        return
    raise AssertionError(f"a damaged signature verified: {changed!r}")
