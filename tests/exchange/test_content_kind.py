"""A record both parties write, across real nodes on loopback: publishing the content of the peer's current
version again changes nothing (``objects.content_sha256`` holds one kind of hash, own versions' and synced ones'
alike; a node synced before is converted when next opened), and a new version of it sorts after every version the
peer logged, one whose body was withheld (TLP:RED) included."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, Self

import pytest

import sarhad.node
from sarhad.canonical import canonical_bytes
from sarhad.exchange import content_kind
from sarhad.exchange.content_kind import one_content_kind
from sarhad.exchange.schema import MIGRATIONS as EXCHANGE
from sarhad.model.incident import content_hash
from sarhad.node import Node
from sarhad.store.current import current
from sarhad.store.schema import migrate
from tests.monitor.test_evaluate import make
from tests.node_pair import Pair, peered, pk_and_ir

NOTE_ID = "note--0c6f3a52-8d1e-4b7a-9f2c-3e5d7a1b9c40"
NOTE: dict[str, Any] = {
    "type": "note",
    "id": NOTE_ID,
    "spec_version": "2.1",
    "content": "Joint patrol schedule for the Taftan crossing, weeks 1 to 4.",
    "object_refs": ["location--2f7e1c3a-5b9d-4e8f-a6c2-1d3b5f7a9e01"],
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def pair(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Pair]:
    """PK and IR peered on loopback; IR published the note (CLEAR) and PK synced it."""
    with pk_and_ir(tmp_path, request) as (pk, ir), peered(pk, ir):
        with ir.publisher() as pub:
            assert pub.add_object(dict(NOTE)) is not None
        ir.publish([make("ir-1", party="IR")])
        both = Pair(pk, ir)
        both.pk_syncs()
        yield both


def _leaves(node: Node) -> int:
    row = node.db.fetchone("SELECT COUNT(*) FROM log_leaves")
    assert row is not None
    return int(row[0])


def _republish(node: Node, stix: dict[str, Any], tlp: str = "CLEAR") -> tuple[str | None, int, int]:
    """Publish ``stix`` on ``node``: (the version written or None, updated, unchanged)."""
    with node.publisher() as pub:
        version = pub.add_object(dict(stix), tlp=tlp)
    return version, pub.result.updated, pub.result.unchanged


def _current_version(node: Node, object_id: str) -> str | None:
    row = node.db.fetchone(f"SELECT o.modified FROM objects o WHERE o.id = ? AND {current('o')}", (object_id,))
    return None if row is None else str(row[0])


def test_republishing_a_peers_current_content_is_unchanged(pair: Pair) -> None:
    before = _leaves(pair.pk)
    # PK's content hash of IR's version is the one PK computes for the same content
    stored = pair.pk.db.fetchone("SELECT content_sha256 FROM objects WHERE id = ? AND origin = 'IR'", (NOTE_ID,))
    assert stored is not None and stored[0] == content_hash(NOTE)
    for _ in range(2):
        assert _republish(pair.pk, NOTE) == (None, 0, 1)
    assert _leaves(pair.pk) == before
    # other content is a new version, and the same content again after it is unchanged
    edited = {**NOTE, "content": NOTE["content"] + " Week 5 added."}
    version, updated, _ = _republish(pair.pk, edited)
    assert version is not None and updated == 1
    assert _republish(pair.pk, edited) == (None, 0, 1)
    assert _leaves(pair.pk) == before + 1


def _old_kind(body: str) -> str:
    """The hash a sync stored before: the canonical JSON without the two timestamps."""
    obj = {k: v for k, v in json.loads(body).items() if k not in ("created", "modified")}
    return hashlib.sha256(canonical_bytes(obj)).hexdigest()


def test_a_node_synced_before_is_converted_when_next_opened(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database whose synced rows hold the old kind of hash: opening it converts them (the incidents' rows
    too), leaves this node's own as they are, and the republish is then unchanged."""
    monkeypatch.setattr(content_kind, "_PAGE", 1)  # a page a version: the step goes on where each page ended
    db = pair.pk.db
    with pair.pk.publisher() as pub:  # an own record too
        pub.add_object({**NOTE, "id": "note--9a4e2b7c-1d3f-4c5a-8e6b-7f9d1a3c5e20"})
    own = "SELECT id, modified, content_sha256 FROM objects WHERE origin = 'PK' ORDER BY id, modified"
    own_before = db.fetchall(own)
    step = EXCHANGE.index(one_content_kind) + 1
    with db.transaction():
        for object_id, modified, body in db.fetchall("SELECT id, modified, body FROM objects WHERE origin = 'IR'"):
            for table in ("objects", "incidents"):
                db.execute(
                    f"UPDATE {table} SET content_sha256 = ? WHERE id = ? AND modified = ?",
                    (_old_kind(str(body)), object_id, modified),
                )
        db.execute("DELETE FROM schema_migrations WHERE component = 'exchange' AND version = ?", (step,))
    assert migrate(db) == 1
    synced = db.fetchall("SELECT body, content_sha256 FROM objects WHERE origin = 'IR'")
    assert len(synced) == 2 and all(str(sha) == content_hash(json.loads(str(body))) for body, sha in synced)
    rows = db.fetchall(
        "SELECT o.content_sha256, i.content_sha256 FROM incidents i"
        " JOIN objects o ON o.id = i.id AND o.modified = i.modified WHERE i.origin = 'IR'"
    )
    assert len(rows) == 1 and rows[0][0] == rows[0][1]
    assert db.fetchall(own) == own_before
    assert _republish(pair.pk, NOTE) == (None, 0, 1)


class _Ahead(datetime):
    """IR's clock, an hour ahead of PK's."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> Self:
        return cls.fromtimestamp((datetime.now(tz) + timedelta(hours=1)).timestamp(), tz)


def test_a_new_version_sorts_after_a_version_the_peer_withheld(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as clock:
        clock.setattr(sarhad.node, "datetime", _Ahead)
        red, _, _ = _republish(pair.ir, {**NOTE, "content": "Patrols suspended."}, tlp="RED")
    assert red is not None
    pair.pk_syncs()  # PK is given the envelope of IR's RED version alone
    withheld = pair.pk.db.fetchone("SELECT modified FROM withheld_versions WHERE id = ?", (NOTE_ID,))
    assert withheld is not None and str(withheld[0]) == red
    assert _current_version(pair.pk, NOTE_ID) is None  # the latest version is one PK may not read
    mine, updated, _ = _republish(pair.pk, {**NOTE, "content": "Patrols resume in week 3."})
    assert mine is not None and updated == 1
    assert mine > red, f"PK's new version {mine} sorts before IR's logged version {red}"
    assert _current_version(pair.pk, NOTE_ID) == mine
