"""The persistent log on SQLite and PostgreSQL: appends in the store's transaction, proofs, checkpoints."""

from __future__ import annotations

import hashlib

import pytest

from sarhad.errors import InvalidInput, NotFound, StorageError, VerificationError
from sarhad.log import merkle
from sarhad.log.checkpoint import Checkpoint, open_checkpoint
from sarhad.log.cosignature import CosignatureSigner
from sarhad.log.envelope import Envelope
from sarhad.log.note import Signer
from sarhad.log.store import CosignaturesAdded
from sarhad.node import Node
from tests.log.helpers import note_id, publish_notes, verify


def _reference(node: Node) -> merkle.MemoryTree:
    tree = merkle.MemoryTree()
    for (text,) in node.db.fetchall("SELECT envelope FROM log_leaves ORDER BY idx"):
        tree.append(str(text).encode())
    return tree


def test_batches_are_logged_with_one_checkpoint_each(any_node: Node) -> None:
    node = any_node
    assert node.log.size() == 0
    assert node.log.latest_checkpoint() is None
    sizes = []
    for start, count in [(0, 1), (1, 6), (7, 9), (16, 17)]:
        publish_notes(node, start, count)
        sizes.append(node.log.size())
    assert sizes == [1, 7, 16, 33]
    assert [cp.size for cp in node.log.checkpoints()] == sizes
    tree = _reference(node)
    for cp in node.log.checkpoints():
        assert cp.note is not None
        opened, _ = open_checkpoint(cp.note, [node.signer.verifier], origin=node.settings.origin)
        assert opened.root == tree.root(cp.size) == node.log.root(cp.size)
    report = verify(node)
    assert (report.size, report.checkpoints, report.objects) == (33, 4, 33)
    assert report.nodes == 16 + 8 + 4 + 2 + 1


def test_proofs_match_the_reference_tree(any_node: Node) -> None:
    node = any_node
    publish_notes(node, 0, 13)
    publish_notes(node, 13, 8)
    tree = _reference(node)
    n = node.log.size()
    for size in (1, 2, 5, 13, 16, 21):
        for index in range(size):
            assert node.log.inclusion_proof(index, size) == tree.inclusion_proof(index, size)
        for old in range(size + 1):
            assert node.log.consistency_proof(old, size) == tree.consistency_proof(old, size)
    leaf = node.log.leaf(7)
    assert leaf.leaf_hash == merkle.leaf_hash(leaf.canonical.encode())
    assert leaf.envelope.object_id == note_id(7)
    merkle.verify_inclusion(leaf.leaf_hash, 7, n, node.log.inclusion_proof(7, n), node.log.root())
    with pytest.raises(InvalidInput):
        node.log.inclusion_proof(0, n + 1)
    with pytest.raises(InvalidInput):
        node.log.consistency_proof(5, 4)
    with pytest.raises(NotFound):
        node.log.leaf(n)


def test_envelope_commits_to_the_stored_object(node: Node) -> None:
    publish_notes(node, 0, 3)
    leaf = node.log.leaf(1)
    body, sha, tlp, modified = node.db.fetchone(
        "SELECT body, sha256, tlp, modified FROM objects WHERE id = ?", (note_id(1),)
    ) or (None, None, None, None)
    assert leaf.envelope.sha256 == sha == hashlib.sha256(str(body).encode()).hexdigest()
    assert (leaf.envelope.tlp, leaf.envelope.version) == (tlp, modified) == ("GREEN", modified)
    assert Envelope.from_canonical(leaf.canonical) == leaf.envelope
    assert leaf.canonical.startswith('{"object_id":"note--00000001')


def test_find_object(node: Node) -> None:
    publish_notes(node, 0, 3)
    with node.publisher() as pub:  # a second version of note 1
        pub.add_object({"type": "note", "id": note_id(1), "content": "changed"}, tlp="GREEN")
    assert node.log.find_object(note_id(0)) == 0
    assert node.log.find_object(note_id(1)) == 3
    first_version = node.log.leaf(1).envelope.version
    assert node.log.find_object(note_id(1), first_version) == 1
    with pytest.raises(NotFound):
        node.log.find_object(note_id(9))
    with pytest.raises(NotFound):
        node.log.find_object(note_id(1), "1999-01-01T00:00:00.000Z")


def test_a_failed_batch_leaves_no_trace(node: Node) -> None:
    publish_notes(node, 0, 4)
    with pytest.raises(RuntimeError), node.publisher() as pub:
        pub.add_object({"type": "note", "id": note_id(4), "content": "x"})
        raise RuntimeError("abort the batch")
    assert node.log.size() == 4
    assert node.log.latest_checkpoint() is not None
    assert node.log.latest_checkpoint().size == 4  # type: ignore[union-attr]
    verify(node)


def test_writes_need_the_callers_transaction(node: Node) -> None:
    env = Envelope(note_id(0), "2026-01-01T00:00:00.000Z", "0" * 64, "GREEN", "2026-01-01T00:00:00.000Z")
    with pytest.raises(StorageError, match="inside the caller's transaction"):
        node.log.append([env])
    with pytest.raises(StorageError, match="inside the caller's transaction"):
        node.log.sign_checkpoint(node.signer, node.settings.origin)
    with node.db.transaction(), pytest.raises(InvalidInput):
        node.log.append([])


def test_signing_twice_at_one_size_returns_the_same_checkpoint(node: Node) -> None:
    publish_notes(node, 0, 5)
    with node.db.transaction():
        again = node.log.sign_checkpoint(node.signer, node.settings.origin)
    latest = node.log.latest_checkpoint()
    assert latest is not None and again.note == latest.note
    assert len(list(node.log.checkpoints())) == 1


def test_never_signs_a_fork(node: Node) -> None:
    publish_notes(node, 0, 6)
    # Rewrite a stored node under the signed checkpoint, then try to sign a new batch.
    node.db.execute("UPDATE log_nodes SET hash = ? WHERE level = 2 AND idx = 0", (bytes(32),))
    with pytest.raises(StorageError, match="refusing to sign: the tree of size 7 does not extend"):
        publish_notes(node, 6, 1)
    assert node.log.size() == 6  # the whole batch rolled back


def test_never_signs_a_smaller_or_different_tree(node: Node) -> None:
    publish_notes(node, 0, 6)
    node.db.execute("DELETE FROM log_leaves WHERE idx = 5")
    with node.db.transaction(), pytest.raises(StorageError, match="fewer than its latest checkpoint"):
        node.log.sign_checkpoint(node.signer, node.settings.origin)


def test_compare_and_swap_on_the_head(node: Node) -> None:
    publish_notes(node, 0, 3)
    # Another writer signed at a size this one never saw: the head moved, so signing must refuse.
    node.db.execute("UPDATE log_head SET size = 2")
    with pytest.raises(StorageError):
        publish_notes(node, 3, 1)
    node.db.execute("UPDATE log_head SET size = 3")
    publish_notes(node, 3, 1)
    verify(node)


def test_cosignatures_are_stored_and_verified(node: Node) -> None:
    publish_notes(node, 0, 4)
    witness = CosignatureSigner.generate("witness.example/w1")
    cp = node.log.latest_checkpoint()
    assert cp is not None and cp.note is not None
    cosigned = witness.cosign_note(cp.note, 1767225600)
    with node.db.transaction():
        assert node.log.add_cosignatures(cosigned, [witness.verifier]) == CosignaturesAdded(found=1, added=1)
        assert node.log.add_cosignatures(cosigned, [witness.verifier]) == CosignaturesAdded(found=1, added=0)
        # A note with no cosignature by a known witness: found none, stored nothing.
        stranger = CosignatureSigner.generate("witness.example/unknown")
        unknown = stranger.cosign_note(cp.note, 1767225600)
        assert node.log.add_cosignatures(unknown, [witness.verifier]) == CosignaturesAdded(found=0, added=0)
    assert node.log.cosigned_note(4) == cosigned
    report = verify_with_witness(node, witness)
    assert report.cosignatures == 1
    # A cosigned checkpoint this log never signed (same size, another root) is refused.
    forged = Signer.generate(node.settings.origin).sign(Checkpoint(node.settings.origin, 4, bytes(32)).body())
    with node.db.transaction(), pytest.raises(VerificationError, match="not the one this log signed"):
        node.log.add_cosignatures(witness.cosign_note(forged, 1), [witness.verifier])


def verify_with_witness(node: Node, witness: CosignatureSigner):  # type: ignore[no-untyped-def]
    from sarhad.log.verify import verify_log

    return verify_log(
        node.db, [node.signer.verifier], origin=node.settings.origin, party="PK", witnesses=[witness.verifier]
    )
