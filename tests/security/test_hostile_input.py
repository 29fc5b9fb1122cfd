"""Hostile input to every parser that takes outside data: a clear ``SarhadError`` naming where, never a crash.

Property-based (hypothesis): signed checkpoints and notes (mutated by one edit, and random text), verifier keys
and cosignatures, STIX objects and bundle files, ``log check-proof`` documents, the tlog-witness
``add-checkpoint`` request body (a consistency proof and a checkpoint from the wire, through the real app), and
article text. The CSV importers' properties are in ``tests/formats``; canonical JSON, envelopes and the Merkle
proof verifiers' in ``tests/test_canonical.py`` and ``tests/log``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sarhad.cli import main
from sarhad.errors import InvalidInput, VerificationError
from sarhad.exchange.peers import add_peer
from sarhad.extract import extract_article
from sarhad.formats.stix import check_object, load_bundle
from sarhad.log.checkpoint import Checkpoint, open_checkpoint
from sarhad.log.cosignature import CosignatureSigner, verify_cosignatures
from sarhad.log.note import Signer, Verifier, open_note, parse_note
from sarhad.model.incident import Incident, Place, incident_id
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import UNUSED_TOKEN
from tests.security.conftest import in_process

ORIGIN = "example.org/hostile"
SIGNER = Signer.from_seed(ORIGIN, hashlib.sha256(b"hostile-input").digest())
WITNESS = CosignatureSigner.from_seed("witness.example.org", hashlib.sha256(b"witness").digest())
ROOT = hashlib.sha256(b"root").digest()
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def signed_checkpoint(size: int = 7) -> tuple[Checkpoint, str]:
    checkpoint = Checkpoint(ORIGIN, size, ROOT)
    note = checkpoint.sign(SIGNER).note
    assert note is not None
    return checkpoint, note


@st.composite
def one_edit(draw: st.DrawFn, text: str) -> str:
    """``text`` with one character replaced, inserted or deleted."""
    at = draw(st.integers(min_value=0, max_value=len(text) - 1))
    kind = draw(st.sampled_from(["replace", "insert", "delete"]))
    char = draw(st.characters(codec="utf-8", exclude_categories=["Cs"]))
    if kind == "replace":
        return text[:at] + char + text[at + 1 :]
    if kind == "insert":
        return text[:at] + char + text[at:]
    return text[:at] + text[at + 1 :]


_, NOTE = signed_checkpoint()


@FAST
@given(one_edit(NOTE))
def test_a_signed_checkpoint_with_one_edit_is_refused_or_means_the_same(note: str) -> None:
    try:
        checkpoint, _ = open_checkpoint(note, [SIGNER.verifier], ORIGIN)
    except (InvalidInput, VerificationError) as exc:
        assert str(exc)  # a message that says what is wrong
        return
    # The only edits that still verify are those that change nothing the signature covers.
    assert (checkpoint.origin, checkpoint.size, checkpoint.root) == (ORIGIN, 7, ROOT)


@FAST
@given(st.text(max_size=400))
def test_random_text_is_not_a_note_checkpoint_or_key_without_a_clear_error(text: str) -> None:
    for parse in (
        parse_note,
        Checkpoint.from_body,
        Verifier.from_vkey,
        lambda t: open_note(t, [SIGNER.verifier]),
        lambda t: verify_cosignatures(t, [WITNESS.verifier]),
    ):
        try:
            parse(text)
        except (InvalidInput, VerificationError) as exc:
            assert str(exc)


@FAST
@given(st.integers(min_value=0, max_value=2**64 - 1), st.integers(min_value=0, max_value=2**64 - 1), st.data())
def test_a_cosignature_verifies_only_for_the_checkpoint_it_signed(size: int, other: int, data: st.DataObject) -> None:
    note = Checkpoint(ORIGIN, size, ROOT).sign(SIGNER).note
    assert note is not None
    cosigned = WITNESS.cosign_note(note, timestamp=1_700_000_000)
    assert [c.timestamp for c in verify_cosignatures(cosigned, [WITNESS.verifier])] == [1_700_000_000]
    if other != size:
        # the same cosignature line under another checkpoint body must fail, never pass or crash
        moved = cosigned.replace(f"\n{size}\n", f"\n{other}\n", 1)
        with pytest.raises((InvalidInput, VerificationError)):
            verify_cosignatures(moved, [WITNESS.verifier])
    edited = data.draw(one_edit(cosigned))
    try:
        verify_cosignatures(edited, [WITNESS.verifier])
    except (InvalidInput, VerificationError) as exc:
        assert str(exc)


def _incident_object() -> dict[str, Any]:
    inc = Incident(
        id=incident_id("party", "PK", "hostile-1"),
        reported_by="PK",
        dataset="party",
        source_id="hostile-1",
        date_start="2025-11-08",
        date_end="2025-11-08",
        date_precision="day",
        place=Place(country="PK", lat=27.0, lon=63.0, precision="exact"),
        title="An incident",
    )
    return inc.to_stix("PK")


INCIDENT = _incident_object()
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _paths(item, (*prefix, i))
    return out


PATHS = _paths(INCIDENT)


@FAST
@given(st.sampled_from(PATHS), json_values, st.booleans())
def test_a_stix_incident_with_any_property_replaced_or_removed_is_accepted_or_refused_naming_it(
    path: tuple[Any, ...], value: Any, remove: bool
) -> None:
    obj = json.loads(json.dumps(INCIDENT))
    parent = obj
    for key in path[:-1]:
        parent = parent[key]
    if remove:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    try:  # what sync does with a peer's incident: InvalidInput or an incident, never another error
        Incident.from_stix(obj)
    except InvalidInput as exc:
        assert str(exc)
    try:
        check_object(obj, "peer.json object 4")
    except InvalidInput as exc:
        assert str(exc).startswith("peer.json object 4"), str(exc)
        return
    Incident.from_stix(obj)  # what check_object accepts, the store can read


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=300), json_values.map(lambda v: json.dumps(v).encode())))
def test_a_bundle_file_of_random_bytes_or_json_is_refused_naming_the_file(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "hostile-bundle.json"
    path.write_bytes(raw)
    try:
        objects = load_bundle(path)
    except InvalidInput as exc:
        assert "hostile-bundle.json" in str(exc), str(exc)
        return
    assert objects == []  # only an empty bundle is valid among these


def test_check_proof_documents_with_one_edit_are_refused_with_a_message_and_no_traceback(
    node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    node.publish([Incident.from_stix(INCIDENT)])
    assert main(["--home", str(node.settings.home), "log", "prove", INCIDENT["id"], "--json"]) == 0
    document = capsys.readouterr().out
    folder = node.settings.home / "proofs"
    folder.mkdir()
    good = folder / "good.json"
    good.write_text(document, encoding="utf-8")
    vkey = node.signer.vkey
    assert main(["log", "check-proof", str(good), "--vkey", vkey]) == 0
    capsys.readouterr()

    @settings(max_examples=60, deadline=None)
    @given(one_edit(document))
    def check(edited: str) -> None:
        path = folder / "edited.json"
        path.write_text(edited, encoding="utf-8")
        code = main(["log", "check-proof", str(path), "--vkey", vkey])  # anything but a SarhadError would escape here
        out = capsys.readouterr()
        if code == 0:
            return  # whitespace and the like: the proof still proves the same thing
        assert code == 1 and "error: " in out.err and "Traceback" not in out.err, out

    check()


def test_witness_requests_with_one_edit_are_answered_4xx_never_5xx(node: Node) -> None:
    peer_signer = Signer.from_seed("sarhad.ir/log", hashlib.sha256(b"ir").digest())
    add_peer(node.db, "IR", "http://127.0.0.1:9", peer_signer.vkey, UNUSED_TOKEN)
    token = create_token(node.db, "ir-node", "peer", "IR")
    leaves = [hashlib.sha256(bytes([0, i])).digest() for i in range(3)]
    from sarhad.log.merkle import tree_hash

    note = Checkpoint("sarhad.ir/log", 3, tree_hash(leaves)).sign(peer_signer).note
    request = f"old 0\n\n{note}"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/plain"}
    with in_process(node) as app:

        @settings(max_examples=80, deadline=None)
        @given(st.one_of(one_edit(request), st.text(max_size=300)))
        def check(body: str) -> None:
            answer = app.request("POST", "/log/witness/add-checkpoint", content=body.encode("utf-8"), headers=headers)
            assert answer.status_code < 500, answer.text
            if answer.status_code >= 400:
                assert answer.text.strip(), "a refusal says why"

        check()
        first = app.request("POST", "/log/witness/add-checkpoint", content=request.encode(), headers=headers)
        assert first.status_code in (200, 409), first.text  # the unedited request is accepted (or already was)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=80),
            st.sampled_from(
                [
                    "Militants attacked a checkpoint in Kech district, Balochistan, on Saturday, killing 4 soldiers.",
                    "Published: 2025-11-08",
                    "At least 12 people were killed and 7 wounded.",
                    "The Pakistan–Iran framework sets up technical committees from December 2025.",
                    "\n\n",
                ]
            ),
        ),
        max_size=12,
    ).map(" ".join)
)
def test_article_text_of_any_shape_is_extracted_without_error_and_spans_stay_inside(text: str) -> None:
    extraction = extract_article(text, "2025-11-08")
    for incident in extraction.incidents:
        for start, end in incident["sentences"]:
            assert 0 <= start <= end <= len(extraction.article.text)


# Built and validated at import: the running app may be importing numpy in another thread, which
# hypothesis's sampled_from looks at.
ENVELOPES = st.one_of(
    json_values,
    st.fixed_dictionaries({"objects": st.lists(json_values, max_size=3)}),
    st.fixed_dictionaries({"objects": st.lists(st.dictionaries(st.sampled_from(sorted(INCIDENT)), json_values))}),
)
ENVELOPES.validate()


def test_taxii_posts_of_any_json_are_answered_with_a_taxii_error_never_5xx(node: Node) -> None:
    token = create_token(node.db, "ana", "analyst", "PK")
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/taxii+json;version=2.1",
        "Content-Type": "application/taxii+json;version=2.1",
    }
    url = "/taxii2/sarhad/collections/incidents/objects/"
    with in_process(node) as app:

        @settings(max_examples=80, deadline=None)
        @given(ENVELOPES)
        def check(envelope: Any) -> None:
            answer = app.request("POST", url, content=json.dumps(envelope).encode(), headers=headers)
            assert answer.status_code < 500, answer.text
            if answer.status_code >= 400:
                error = answer.json()
                assert error["http_status"] == str(answer.status_code) and error["description"], error

        check()
        accepted = app.request("POST", url, content=json.dumps({"objects": [INCIDENT]}).encode(), headers=headers)
        assert accepted.status_code == 202, accepted.text  # and a good envelope still goes in
