"""A correctly logged object that this node cannot apply is refused like any other, never a stop for good.

IR's log verifies (each body served is the bytes its leaf commits to) but holds an object PK cannot apply: one
with no type, one whose content hash cannot be computed (an integer canonical JSON cannot hold), one holding a
character no database column takes, a framework record whose view row cannot be written (a field missing, or a
commitment code the framework already has under another id). PK's sync keeps each apart in ``refused_entries``
with its reason, applies the entries after it, and a later sync goes on, in the syncing process and in the
checking process alike.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

import sarhad.exchange.checking as checking
from sarhad.log.envelope import Envelope
from sarhad.node import Node
from tests.monitor.test_evaluate import make
from tests.node_pair import Pair, peered, pk_and_ir, refused_apart

VERSION = "2026-03-01T10:00:00.000Z"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def pair(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Pair]:
    with pk_and_ir(tmp_path, request, framework="pk-ir-2025") as (pk, ir), peered(pk, ir):
        yield Pair(pk, ir)


def publish_text(node: Node, object_id: str, text: str, kind: str = "x-sarhad-note") -> None:
    """Log ``text`` (any JSON text) as the body of ``object_id`` on ``node``, as a faulty publisher would."""
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with node.db.transaction():
        index = node.log.append([Envelope(object_id=object_id, version=VERSION, sha256=sha, tlp="GREEN", time=VERSION)])
        seq = node.db.fetchone("SELECT COALESCE(MAX(seq), 0) + 1 FROM objects")
        assert seq is not None
        node.db.execute(
            "INSERT INTO objects (id, modified, type, sha256, content_sha256, tlp, licence, origin, added, seq,"
            " log_index, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (object_id, VERSION, kind, sha, sha, "GREEN", "PARTY-OWN", node.settings.party, VERSION, int(seq[0]),
             index, text),
        )  # fmt: skip


def ir_body(pair: Pair, object_id: str) -> dict[str, object]:
    row = pair.ir.db.fetchone("SELECT body FROM objects WHERE id = ? ORDER BY modified DESC LIMIT 1", (object_id,))
    assert row is not None
    body = orjson.loads(str(row[0]))
    assert isinstance(body, dict)
    return body


def refuses_then_goes_on(pair: Pair, checker: str, pattern: str) -> None:
    """PK's sync of IR refuses the one bad entry (whose reason matches ``pattern``) and applies those after it;
    the next sync applies IR's later entries and refuses nothing again."""
    pair.ir.publish([make("ir-2", party="IR")])
    refused_apart(pair.pk, pair.ir, pair.pk_syncs(checker=checker), pattern)
    applied = {str(r[0]) for r in pair.pk.db.fetchall("SELECT id FROM incidents WHERE origin = 'IR'")}
    assert applied == {make("ir-1", party="IR").id, make("ir-2", party="IR").id}
    pair.ir.publish([make("ir-3", party="IR")])
    assert pair.pk_syncs(checker=checker).refused == ()
    assert pair.pk.db.fetchone("SELECT 1 FROM incidents WHERE id = ?", (make("ir-3", party="IR").id,)) is not None
    row = pair.pk.db.fetchone("SELECT COUNT(*) FROM refused_entries")
    assert row is not None and int(row[0]) == 1


@pytest.fixture(params=["inline", "process"])
def checker(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    # The syncing process checks the first entry itself, the checking process the rest (the bad one too).
    monkeypatch.setattr(checking, "LEAD", 1)
    return str(request.param)


def test_an_object_with_no_type_is_refused(pair: Pair, checker: str) -> None:
    pair.ir.publish([make("ir-1", party="IR")])
    publish_text(
        pair.ir, "x-sarhad-note--1", f'{{"created":"{VERSION}","id":"x-sarhad-note--1","modified":"{VERSION}"}}'
    )
    refuses_then_goes_on(pair, checker, r"x-sarhad-note--1@.*: the object has no type$")


def test_an_object_whose_content_hash_cannot_be_computed_is_refused(pair: Pair, checker: str) -> None:
    pair.ir.publish([make("ir-1", party="IR")])
    # Not in canonical order, and an integer beyond ±2**53: canonical JSON cannot hold it.
    text = (
        f'{{"type":"x-sarhad-note","id":"x-sarhad-note--2","created":"{VERSION}","modified":"{VERSION}","n":{2**60}}}'
    )
    publish_text(pair.ir, "x-sarhad-note--2", text)
    refuses_then_goes_on(pair, checker, r"its content hash cannot be computed: .*integer 1152921504606846976")


def test_an_incident_holding_a_nul_character_is_refused(pair: Pair, checker: str) -> None:
    pair.ir.publish([make("ir-1", party="IR")])
    bad = ir_body(pair, make("ir-1", party="IR").id)
    bad["id"] = make("ir-nul", party="IR").id
    bad["description"] = "Firing at the crossing\x00 at dawn."
    with pair.ir.publisher() as pub:
        assert pub.add_object(bad, tlp="GREEN") is not None
    refuses_then_goes_on(pair, checker, r"\$\.description holds a NUL character")


def test_a_framework_record_missing_a_field_is_refused(pair: Pair, checker: str) -> None:
    pair.ir.publish([make("ir-1", party="IR")])
    (commitment,) = [
        ir_body(pair, str(r[0])) for r in pair.ir.db.fetchall("SELECT id FROM fw_commitments WHERE code = 'C-04'")
    ]
    del commitment["focus_area"]
    commitment["id"] = "x-sarhad-commitment--00000000-0000-4000-8000-000000000001"
    commitment["code"] = "C-99"
    body = json.dumps({**commitment, "created": VERSION, "modified": VERSION}, sort_keys=True, separators=(",", ":"))
    publish_text(pair.ir, str(commitment["id"]), body, kind=str(commitment["type"]))
    refuses_then_goes_on(pair, checker, r"the commitment record has no 'focus_area'")


def test_a_framework_record_the_view_tables_reject_is_refused(pair: Pair, checker: str) -> None:
    pair.ir.publish([make("ir-1", party="IR")])
    # A second commitment C-04 of the same framework under another id: fw_commitments holds one per code.
    (commitment,) = [
        ir_body(pair, str(r[0])) for r in pair.ir.db.fetchall("SELECT id FROM fw_commitments WHERE code = 'C-04'")
    ]
    commitment["id"] = "x-sarhad-commitment--00000000-0000-4000-8000-000000000002"
    body = json.dumps({**commitment, "created": VERSION, "modified": VERSION}, sort_keys=True, separators=(",", ":"))
    publish_text(pair.ir, str(commitment["id"]), body, kind=str(commitment["type"]))
    refuses_then_goes_on(pair, checker, r"its view row cannot be written: ")
    assert pair.pk.db.fetchone("SELECT 1 FROM objects WHERE id = ?", (commitment["id"],)) is None


def test_an_object_whose_id_is_of_another_type_is_refused(pair: Pair, checker: str) -> None:
    pair.ir.publish([make("ir-1", party="IR")])
    # A note under the id of an incident: it would pass for that incident's current version.
    target = make("ir-1", party="IR").id
    text = f'{{"created":"{VERSION}","id":"{target}","modified":"{VERSION}","type":"x-sarhad-note"}}'
    publish_text(pair.ir, target, text)
    refuses_then_goes_on(pair, checker, r"its id 'incident--[^']+' is not one of a 'x-sarhad-note' object")
