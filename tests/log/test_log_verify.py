"""``verify_log`` detects tampering with every kind of stored row, and names the first bad entry."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sarhad.errors import VerificationError
from sarhad.log import merkle
from sarhad.log.checkpoint import Checkpoint
from sarhad.log.cosignature import CosignatureSigner
from sarhad.log.envelope import Envelope
from sarhad.log.note import Signature, Signer
from sarhad.log.verify import VerifyReport, verify_log
from sarhad.node import Node
from tests.log.helpers import note_id, publish_notes, verify

# Three batches: checkpoints at 5, 9 and 16 leaves.
BATCHES = [(0, 5), (5, 4), (9, 7)]


def _publish(node: Node) -> Node:
    for start, count in BATCHES:
        publish_notes(node, start, count)
    assert verify(node).size == 16
    return node


@pytest.fixture
def logged(node: Node) -> Node:
    return _publish(node)


@pytest.fixture
def logged_pg(tmp_path: Path, pg_schema_url: str) -> Iterator[Node]:
    node = Node.init(tmp_path / "pk", "PK", database_url=pg_schema_url)
    yield _publish(node)
    node.close()


def _leaf_label(node: Node, idx: int) -> str:
    env = node.log.leaf(idx).envelope
    return re.escape(f"leaf {idx} ({env.object_id}@{env.version})")


def _swap_leaves(node: Node) -> str:
    env = node.log.leaf(4).envelope
    label = re.escape(f"leaf 3 ({env.ref})")
    db = node.db
    with db.transaction():
        db.execute("UPDATE log_leaves SET idx = -1 WHERE idx = 3")
        db.execute("UPDATE log_leaves SET idx = 3 WHERE idx = 4")
        db.execute("UPDATE log_leaves SET idx = 4 WHERE idx = -1")
    return label + ": the object row points at log index 4, not 3"


def _insert_leaf(node: Node) -> str:
    env = Envelope(note_id(99), "2026-01-01T00:00:00.000Z", "a" * 64, "GREEN", "2026-01-01T00:00:00.000Z")
    node.db.execute(
        "INSERT INTO log_leaves (idx, object_id, version, envelope, leaf_hash) VALUES (?, ?, ?, ?, ?)",
        (16, env.object_id, env.version, env.canonical().decode(), env.leaf_hash()),
    )
    return re.escape(f"leaf 16 ({env.ref}): the logged object is missing from the store")


def _insert_unlogged_object(node: Node) -> str:
    db = node.db
    row = db.fetchone("SELECT * FROM objects WHERE id = ?", (note_id(2),))
    assert row is not None
    cols = [r[0] for r in db.execute("SELECT * FROM objects WHERE id = ?", (note_id(2),)).description]
    values = dict(zip(cols, row, strict=True))
    values.update(id=note_id(77), seq=10_000, log_index=None)
    db.execute(
        f"INSERT INTO objects ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})", list(values.values())
    )
    return re.escape(f"object {note_id(77)}@") + ".*is not in the log"


def _forge_checkpoint(node: Node) -> str:
    # The same statement signed by another key under the node's name.
    other = Signer.generate(node.settings.origin)
    body = node.log.checkpoint(9).body()
    node.db.execute("UPDATE log_checkpoints SET note = ? WHERE size = 9", (other.sign(body),))
    return "checkpoint 9: note is not signed by a known key"


def _resign_other_root(node: Node) -> str:
    # Even the node's own key cannot make a checkpoint that disagrees with the leaves pass.
    fake = Checkpoint(node.settings.origin, 9, hashlib.sha256(b"fork").digest()).sign(node.signer)
    node.db.execute("UPDATE log_checkpoints SET note = ?, root = ? WHERE size = 9", (fake.note, fake.root))
    return "checkpoint 9: the signed root does not match the root recomputed from the leaves"


def _edit_checkpoint_text(node: Node) -> str:
    note = node.log.checkpoint(9).note or ""
    body = node.log.checkpoint(9).body()
    root_line = body.split("\n")[2]
    other_root = Checkpoint.from_body(node.log.checkpoint(5).body()).body().split("\n")[2]
    node.db.execute("UPDATE log_checkpoints SET note = ? WHERE size = 9", (note.replace(root_line, other_root),))
    return "checkpoint 9: invalid signature"


def _rewrite_history(node: Node) -> str:
    # Change an object and recompute everything the database holds (envelope, leaf hash, every node): only
    # the signed checkpoints give it away.
    db = node.db
    body = str((db.fetchone("SELECT body FROM objects WHERE id = ?", (note_id(6),)) or [""])[0])
    new_body = body.replace("note 6", "note six")
    sha = hashlib.sha256(new_body.encode()).hexdigest()
    leaf = node.log.leaf(6)
    env = Envelope(leaf.envelope.object_id, leaf.envelope.version, sha, leaf.envelope.tlp, leaf.envelope.time)
    with db.transaction():
        db.execute("UPDATE objects SET body = ?, sha256 = ? WHERE id = ?", (new_body, sha, note_id(6)))
        db.execute(
            "UPDATE log_leaves SET envelope = ?, leaf_hash = ? WHERE idx = 6",
            (env.canonical().decode(), env.leaf_hash()),
        )
        tree = merkle.MemoryTree()
        for (text,) in db.fetchall("SELECT envelope FROM log_leaves ORDER BY idx"):
            tree.append(str(text).encode())
        for level, idx in db.fetchall("SELECT level, idx FROM log_nodes"):
            db.execute(
                "UPDATE log_nodes SET hash = ? WHERE level = ? AND idx = ?", (tree.subtree(level, idx), level, idx)
            )
    return "checkpoint 9: the signed root does not match the root recomputed from the leaves"


Tamper = Callable[[Node], str]


def _sql(statement: str, params: tuple[object, ...], message: Callable[[Node], str]) -> Tamper:
    def tamper(node: Node) -> str:
        want = message(node)
        node.db.execute(statement, params)
        return want

    return tamper


CASES: dict[str, Tamper] = {
    # log_leaves
    "leaf envelope byte": _sql(
        "UPDATE log_leaves SET envelope = replace(envelope, 'GREEN', 'GREEM') WHERE idx = 5",
        (),
        lambda n: _leaf_label(n, 5) + ": the stored leaf hash does not match the envelope",
    ),
    "leaf envelope not canonical": _sql(
        "UPDATE log_leaves SET envelope = replace(envelope, ',', ', ') WHERE idx = 5",
        (),
        lambda n: _leaf_label(n, 5) + ": the envelope is malformed: envelope is not in RFC 8785 canonical form",
    ),
    "leaf hash": _sql(
        "UPDATE log_leaves SET leaf_hash = ? WHERE idx = 5",
        (bytes(32),),
        lambda n: _leaf_label(n, 5) + ": the stored leaf hash does not match",
    ),
    # (An id no leaf has: two batches published within one millisecond share their version stamp, so
    # another leaf's id could collide with the unique (object_id, version) index.)
    "leaf object column": _sql(
        "UPDATE log_leaves SET object_id = ? WHERE idx = 5",
        (note_id(98),),
        lambda n: re.escape(f"leaf 5 ({note_id(98)}@") + ".*: the leaf's columns do not match its envelope",
    ),
    "leaf deleted": _sql("DELETE FROM log_leaves WHERE idx = 5", (), lambda n: "leaf 5 is missing"),
    "last leaf deleted": _sql(
        "DELETE FROM log_leaves WHERE idx = 15",
        (),
        lambda n: re.escape(f"object {note_id(15)}@") + r".*\(log index 15\) is not in the log",
    ),
    "leaf inserted": _insert_leaf,
    "leaves reordered": _swap_leaves,
    # objects
    "object body byte": _sql(
        "UPDATE objects SET body = replace(body, 'note 7', 'note 8') WHERE id = ?",
        (note_id(7),),
        lambda n: _leaf_label(n, 7) + ": object body hash does not match the envelope",
    ),
    "object sha256 column": _sql(
        "UPDATE objects SET sha256 = ? WHERE id = ?",
        ("b" * 64, note_id(7)),
        lambda n: _leaf_label(n, 7) + ": the object row's sha256 does not match the envelope",
    ),
    "object tlp": _sql(
        "UPDATE objects SET tlp = 'CLEAR' WHERE id = ?",
        (note_id(7),),
        lambda n: _leaf_label(n, 7) + ": the object's TLP 'CLEAR' does not match the envelope's 'GREEN'",
    ),
    "object log index": _sql(
        "UPDATE objects SET log_index = 8 WHERE id = ?",
        (note_id(7),),
        lambda n: _leaf_label(n, 7) + ": the object row points at log index 8, not 7",
    ),
    "object deleted": _sql(
        "DELETE FROM objects WHERE id = ?",
        (note_id(7),),
        lambda n: _leaf_label(n, 7) + ": the logged object is missing from the store",
    ),
    "object inserted": _insert_unlogged_object,
    "history rewritten": _rewrite_history,
    # log_nodes
    "node hash": _sql(
        "UPDATE log_nodes SET hash = ? WHERE level = 1 AND idx = 2",
        (bytes(32),),
        lambda n: re.escape("node (level 1, index 2) over leaves 4..5 does not match the leaves"),
    ),
    "node deleted": _sql(
        "DELETE FROM log_nodes WHERE level = 2 AND idx = 1",
        (),
        lambda n: re.escape("node (level 2, index 1) is missing"),
    ),
    "top node deleted": _sql(
        "DELETE FROM log_nodes WHERE level = 4 AND idx = 0",
        (),
        lambda n: re.escape("node (level 4, index 0) is missing"),
    ),
    "node inserted": _sql(
        "INSERT INTO log_nodes (level, idx, hash) VALUES (1, 8, ?)",
        (bytes(32),),
        lambda n: re.escape("node (level 1, index 8) does not belong to a tree of 16 leaves"),
    ),
    # log_checkpoints
    "checkpoint forged by another key": _forge_checkpoint,
    "checkpoint text edited": _edit_checkpoint_text,
    "checkpoint re-signed with another root": _resign_other_root,
    "checkpoint root column": _sql(
        "UPDATE log_checkpoints SET root = ? WHERE size = 5",
        (bytes(32),),
        lambda n: "checkpoint 5: the stored size or root does not match the signed note",
    ),
    "latest checkpoint deleted": _sql(
        "DELETE FROM log_checkpoints WHERE size = 16",
        (),
        lambda n: re.escape("leaf 9 onwards (7 leaves) is not covered by a signed checkpoint"),
    ),
    "checkpoint created reordered": _sql(
        "UPDATE log_checkpoints SET created = '2000-01-01T00:00:00.000Z' WHERE size = 9",
        (),
        lambda n: "checkpoint 9: created 2000-01-01T00:00:00.000Z, before the previous checkpoint",
    ),
    # log_head
    "head moved back": _sql(
        "UPDATE log_head SET size = 9", (), lambda n: "log_head says 9, but the latest checkpoint is 16"
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_tampering_is_detected(logged: Node, case: str) -> None:
    want = CASES[case](logged)
    with pytest.raises(VerificationError, match=want):
        verify(logged)


# The same SQL runs on PostgreSQL; one case per table there (each needs a fresh node, which is slow).
PG_CASES = [
    "leaves reordered",
    "object body byte",
    "history rewritten",
    "node deleted",
    "checkpoint forged by another key",
    "head moved back",
]


@pytest.mark.postgres
@pytest.mark.parametrize("case", PG_CASES)
def test_tampering_is_detected_postgresql(logged_pg: Node, case: str) -> None:
    want = CASES[case](logged_pg)
    with pytest.raises(VerificationError, match=want):
        verify(logged_pg)


def test_a_tampered_cosignature_is_detected(node: Node) -> None:
    publish_notes(node, 0, 3)
    witness = CosignatureSigner.generate("witness.example/w1")
    cp = node.log.latest_checkpoint()
    assert cp is not None and cp.note is not None
    with node.db.transaction():
        node.log.add_cosignatures(witness.cosign_note(cp.note, 1767225600), [witness.verifier])

    def check() -> VerifyReport:
        return verify_log(
            node.db, [node.signer.verifier], origin=node.settings.origin, party="PK", witnesses=[witness.verifier]
        )

    assert check().cosignatures == 1
    # Keep the witness's name and key ID, swap in another key's signature bytes.
    other = CosignatureSigner.from_seed(witness.name, hashlib.sha256(b"x").digest())
    forged = Signature(witness.name, witness.key_id, other.cosign(cp.body(), 1767225600).signature).line()
    node.db.execute("UPDATE log_cosignatures SET line = ?", (forged,))
    with pytest.raises(VerificationError, match=r"cosignature by witness\.example/w1 on checkpoint 3: the cosignature"):
        check()


def test_wrong_origin_or_key_fails(logged: Node) -> None:
    with pytest.raises(VerificationError, match="checkpoint 5: checkpoint is for origin"):
        verify_log(logged.db, [logged.signer.verifier], origin="sarhad.ir/log", party="PK")
    with pytest.raises(VerificationError, match="checkpoint 5: note is not signed by a known key"):
        verify_log(logged.db, [Signer.generate(logged.settings.origin).verifier], party="PK")


def test_an_empty_log_verifies(node: Node) -> None:
    report = verify(node)
    assert (report.size, report.checkpoints, report.root) == (0, 0, merkle.EMPTY_ROOT)


@pytest.mark.parametrize("dialect", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_rollback_is_caught_with_a_saved_checkpoint(dialect: str, request: pytest.FixtureRequest) -> None:
    logged: Node = request.getfixturevalue("logged" if dialect == "sqlite" else "logged_pg")
    saved = logged.log.latest_checkpoint()
    assert saved is not None and saved.note is not None
    # Roll the whole log back to size 9 consistently: leaves, objects, nodes, checkpoints, head.
    db = logged.db
    with db.transaction():
        db.execute("DELETE FROM objects WHERE log_index >= 9")
        db.execute("DELETE FROM log_leaves WHERE idx >= 9")
        db.execute("DELETE FROM log_nodes WHERE (idx + 1) * (1 << level) > 9")
        db.execute("DELETE FROM log_checkpoints WHERE size > 9")
        db.execute("UPDATE log_head SET size = 9")
    assert verify(logged).size == 9  # undetectable from the database alone …
    with pytest.raises(VerificationError, match="signed for 16 leaves but the log holds 9"):
        verify_log(logged.db, [logged.signer.verifier], party="PK", known={"saved.txt": saved.note})


# Source rows (raw_rows) are committed through the raw_sha256 of their incident's logged body.


@pytest.fixture
def imported(any_node: Node) -> Node:
    from sarhad.importer import import_file
    from tests.conftest import UCDP_SAMPLE

    import_file(any_node, "ucdp", UCDP_SAMPLE)
    report = verify(any_node)
    assert report.raw_rows == report.size == 37
    return any_node


def _first_raw(node: Node) -> str:
    row = node.db.fetchone("SELECT MIN(id) FROM raw_rows")
    assert row is not None
    return str(row[0])


# The first value of a stored row (its values as a JSON array: ["v1","v2",…]) with one more character.
_CHANGE_A_VALUE = "UPDATE raw_rows SET row = substr(row, 1, 2) || 'X' || substr(row, 3) WHERE id = ?"

RAW_CASES: dict[str, tuple[str, Callable[[str], tuple[object, ...]], str]] = {
    "raw row byte": (
        _CHANGE_A_VALUE,
        lambda rid: (rid,),
        "the row does not hash to the raw_sha256 its incident commits to",
    ),
    "raw row not json": (
        "UPDATE raw_rows SET row = substr(row, 2) WHERE id = ?",
        lambda rid: (rid,),
        "the stored row cannot be read",
    ),
    "raw row with values missing": (
        """UPDATE raw_rows SET row = '["1","2"]' WHERE id = ?""",
        lambda rid: (rid,),
        "the stored row cannot be read: the stored row has 2 values for 49 columns",
    ),
    "raw row of another incident": (
        "UPDATE raw_rows SET row = (SELECT r.row FROM raw_rows r WHERE r.id <> ? ORDER BY r.id LIMIT 1) WHERE id = ?",
        lambda rid: (rid, rid),
        "the row does not hash to the raw_sha256",
    ),
}


@pytest.mark.parametrize("case", list(RAW_CASES))
def test_raw_row_tampering_is_detected(imported: Node, case: str) -> None:
    sql, params, message = RAW_CASES[case]
    rid = _first_raw(imported)
    imported.db.execute(sql, params(rid))
    with pytest.raises(VerificationError, match=re.escape(f"raw row {rid} (ucdp): {message}")):
        verify(imported)


def test_a_raw_row_without_a_logged_incident_is_detected(imported: Node) -> None:
    stranger = "incident--00000000-0000-5000-8000-000000000000"
    imported.db.execute(
        "INSERT INTO raw_rows (id, header, row) SELECT ?, header, row FROM raw_rows WHERE id = ?",
        (stranger, _first_raw(imported)),
    )
    message = f"raw row {stranger} (ucdp): no logged version of an incident with this id commits to a source row"
    with pytest.raises(VerificationError, match=re.escape(message)):
        verify(imported)


def test_a_changed_header_is_detected(imported: Node) -> None:
    # The column names are stored once for every row of a file: renaming one changes every row's digest.
    imported.db.execute("""UPDATE raw_headers SET columns = replace(columns, '"best"', '"bets"')""")
    with pytest.raises(VerificationError, match=r"raw row incident--\S+ \(ucdp\): the row does not hash to"):
        verify(imported)


def test_a_header_that_is_not_stored_or_not_a_header_is_detected(imported: Node) -> None:
    rid = _first_raw(imported)
    imported.db.execute("UPDATE raw_rows SET header = 99 WHERE id = ?", (rid,))
    with pytest.raises(VerificationError, match=re.escape(f"raw row {rid}: its header 99 is not stored")):
        verify(imported)
    imported.db.execute("UPDATE raw_rows SET header = (SELECT MIN(id) FROM raw_headers)")
    imported.db.execute("""UPDATE raw_headers SET columns = '["id","id"]'""")
    with pytest.raises(VerificationError, match=r"source row header \d+ \(ucdp\) cannot be read: .* a column twice"):
        verify(imported)


def test_a_later_version_without_a_source_row_keeps_the_row_valid(imported: Node) -> None:
    # An analyst's edit (API, bundle) publishes a version that carries no raw_sha256: the stored row stays the
    # imported version's, and still checks against that version.
    from dataclasses import replace

    rid = _first_raw(imported)
    edited = replace(imported.incident(rid), raw_sha256=None, raw=None, summary="Edited by an analyst.")
    assert imported.publish([edited]).updated == 1
    assert verify(imported).raw_rows == 37
    imported.db.execute(_CHANGE_A_VALUE, (rid,))
    with pytest.raises(VerificationError, match=re.escape(f"raw row {rid} (ucdp): the row does not hash")):
        verify(imported)


def test_progress_reports_every_pass(imported: Node) -> None:
    seen: dict[str, tuple[int, int]] = {}
    verify_log(
        imported.db,
        [imported.signer.verifier],
        origin=imported.settings.origin,
        party="PK",
        progress=lambda step, done, total: seen.__setitem__(step, (done, total)),
    )
    assert seen == {"leaves": (37, 37), "raw rows": (37, 37), "nodes": (34, 34), "checkpoints": (1, 1)}
