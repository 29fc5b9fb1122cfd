"""``sarhad log verify`` checks this node's copies of its peers' logs and objects (two real nodes synced);
``sarhad peer list`` and the dashboard's log API show a removed peer's kept copy."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from sarhad.errors import InvalidInput, NotFound, VerificationError
from sarhad.exchange.frontier import Frontier
from sarhad.exchange.peers import add_peer, get_peer, list_peers, list_removed_peers, remove_peer
from sarhad.exchange.sync import sync_peer
from sarhad.importer import import_file
from sarhad.log.merkle import MemoryTree, leaf_hash
from sarhad.log.note import Signer, parse_note
from sarhad.log.peer_copies import _frontier, verify_peer_copies
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import UCDP_SAMPLE, UNUSED_TOKEN, run_cli, write_ucdp
from tests.web.conftest import running, serving

PARAMS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture
def synced(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, Node]]:
    """PK (37 CLEAR incidents and 3 RED ones IR may not read) and IR, on SQLite or PostgreSQL, after IR synced."""
    pk = Node.init(tmp_path / "pk", "PK")
    ir_url = request.getfixturevalue("pg_schema_url") if request.param == "postgresql" else None
    ir = Node.init(tmp_path / "ir", "IR", database_url=ir_url)
    import_file(pk, "ucdp", UCDP_SAMPLE)
    write_ucdp(tmp_path / "red.csv", 3, 990001)
    import_file(pk, "ucdp", tmp_path / "red.csv", reported_by="PK", tlp="RED")
    with serving(pk) as pk_url, serving(ir) as ir_url_served:
        add_peer(ir.db, "PK", pk_url, pk.signer.vkey, create_token(pk.db, "ir", "peer", "IR"))
        add_peer(pk.db, "IR", ir_url_served, ir.signer.vkey, create_token(ir.db, "pk", "peer", "PK"))
        sync_peer(ir, get_peer(ir.db, "PK"))
    yield pk, ir
    pk.close()
    ir.close()


def _verify(capsys: pytest.CaptureFixture[str], node: Node, *extra: str) -> tuple[int, str, str]:
    return run_cli(capsys, "--home", str(node.settings.home), "log", "verify", *extra)


@pytest.mark.parametrize("synced", PARAMS, indirect=True)
def test_log_verify_checks_an_untampered_copy_of_each_peer(
    synced: tuple[Node, Node], capsys: pytest.CaptureFixture[str]
) -> None:
    pk, ir = synced
    code, out, err = _verify(capsys, ir, "--json")
    assert code == 0, err
    peer = json.loads(out)["peers"]["PK"]
    # Every leaf copied (the RED records' envelopes too), only the readable objects stored and checked.
    assert peer["leaves"] == peer["checkpoint_size"] == 40
    assert peer["objects"] == 37 and peer["party"] == "PK" and peer["checkpoints"] == 1
    # (PK's log has grown since: the audit of IR's reads and cosignature was logged when it stopped serving.)
    assert peer["root"] == base64.b64encode(pk.log.checkpoint(40).root).decode()
    code, out, err = _verify(capsys, ir)
    assert code == 0, err
    assert "peer PK: 40 leaves, 37 objects match their leaves; root at its last verified checkpoint (40)" in out


def _index_of_an_object(ir: Node) -> tuple[int, str]:
    row = ir.db.fetchone("SELECT log_index, id FROM objects WHERE origin = 'PK' ORDER BY log_index LIMIT 1 OFFSET 5")
    assert row is not None
    return int(row[0]), str(row[1])


def _edit_body(ir: Node, index: int) -> None:
    with ir.db.transaction():
        row = ir.db.fetchone("SELECT body FROM objects WHERE origin = 'PK' AND log_index = ?", (index,))
        assert row is not None
        body = str(row[0]).replace("}", " }", 1)  # one space: the same object, another hash
        ir.db.execute("UPDATE objects SET body = ? WHERE origin = 'PK' AND log_index = ?", (body, index))


def _edit_tlp(ir: Node, index: int) -> None:
    with ir.db.transaction():
        ir.db.execute("UPDATE objects SET tlp = 'GREEN' WHERE origin = 'PK' AND log_index = ?", (index,))


def _edit_leaf(ir: Node, index: int) -> None:
    with ir.db.transaction():
        ir.db.execute(
            'UPDATE peer_leaves SET envelope = REPLACE(envelope, \'"tlp":"CLEAR"\', \'"tlp":"GREEN"\')'
            " WHERE peer = 'PK' AND idx = ?",
            (index,),
        )


TAMPERING: list[tuple[Callable[[Node, int], None], str]] = [
    (_edit_body, "the stored object's body does not hash to the SHA-256 the peer logged"),
    (_edit_tlp, "the stored object's TLP 'GREEN' does not match the peer's logged 'CLEAR'"),
    (_edit_leaf, "the copied leaf hash does not match its envelope"),
]


@pytest.mark.parametrize("synced", PARAMS, indirect=True)
@pytest.mark.parametrize(("tamper", "reason"), TAMPERING, ids=["body", "tlp", "leaf"])
def test_log_verify_fails_naming_the_peer_and_the_object_of_a_tampered_copy(
    synced: tuple[Node, Node],
    capsys: pytest.CaptureFixture[str],
    tamper: Callable[[Node, int], None],
    reason: str,
) -> None:
    _, ir = synced
    index, object_id = _index_of_an_object(ir)
    tamper(ir, index)
    code, _out, err = _verify(capsys, ir)
    assert code != 0
    assert f"peer PK: entry {index} ({object_id}@" in err and reason in " ".join(err.split())


@pytest.mark.parametrize("synced", ["sqlite"], indirect=True)
def test_a_copy_that_lost_its_last_entries_falls_short_of_the_checkpoint_a_sync_verified(
    synced: tuple[Node, Node],
) -> None:
    _, ir = synced
    with ir.db.transaction():
        ir.db.execute("DELETE FROM peer_leaves WHERE peer = 'PK' AND idx >= 38")  # two RED records' entries
    with pytest.raises(
        VerificationError, match=r"peer PK: checkpoint 40: verified by a sync, but the copy holds 38 entries"
    ):
        verify_peer_copies(ir.db)


@pytest.mark.parametrize("synced", ["sqlite"], indirect=True)
def test_a_checkpoint_whose_root_the_copy_does_not_give_is_named(synced: tuple[Node, Node]) -> None:
    _, ir = synced
    with ir.db.transaction():
        row = ir.db.fetchone("SELECT envelope FROM peer_leaves WHERE peer = 'PK' AND idx = 39")
        assert row is not None
        # A leaf replaced consistently (envelope and hash): each entry checks, the tree no longer gives the root.
        changed = str(row[0]).replace('"tlp":"RED"', '"tlp":"AMBER"')
        ir.db.execute(
            "UPDATE peer_leaves SET envelope = ?, leaf_hash = ? WHERE peer = 'PK' AND idx = 39",
            (changed, leaf_hash(changed.encode())),
        )
    with pytest.raises(
        VerificationError,
        match=r"peer PK: checkpoint 40: the signed root does not match the root recomputed from the 40 copied leaves",
    ):
        verify_peer_copies(ir.db)


@pytest.mark.parametrize("synced", ["sqlite"], indirect=True)
def test_a_frontier_that_is_not_the_copys_is_named(synced: tuple[Node, Node]) -> None:
    _, ir = synced
    with ir.db.transaction():
        row = ir.db.fetchone("SELECT hashes FROM peer_frontiers WHERE peer = 'PK'")
        assert row is not None
        ir.db.execute("UPDATE peer_frontiers SET hashes = ? WHERE peer = 'PK'", (bytes(32) + bytes(row[0])[32:],))
    with pytest.raises(
        VerificationError, match=r"peer PK: the stored frontier \(for 40 entries\) is not the frontier of the 40"
    ):
        verify_peer_copies(ir.db)


def test_the_frontier_recomputed_here_is_the_one_sync_keeps() -> None:
    leaves = [leaf_hash(str(i).encode()) for i in range(70)]
    tree = MemoryTree(leaves)
    for size in range(71):
        assert _frontier(tree, size) == Frontier.of_leaves(leaves[:size]).to_bytes(), size


def test_two_peers_of_one_party_each_have_their_objects_checked_against_their_own_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Objects are stored by party: PK's two nodes' objects sit side by side, each at its entry in its own log.
    with Node.init(tmp_path / "pk-a", "PK") as a, Node.init(tmp_path / "pk-b", "PK") as b:
        with Node.init(tmp_path / "ir", "IR") as ir:
            import_file(a, "ucdp", UCDP_SAMPLE)
            write_ucdp(tmp_path / "b.csv", 5, 990001)
            import_file(b, "ucdp", tmp_path / "b.csv")
            with serving(a) as a_url, serving(b) as b_url, serving(ir) as ir_url:
                for name, pk, url in (("pk-a", a, a_url), ("pk-b", b, b_url)):
                    add_peer(ir.db, name, url, pk.signer.vkey, create_token(pk.db, "ir", "peer", "IR"), "PK")
                    add_peer(pk.db, "IR", ir_url, ir.signer.vkey, create_token(ir.db, name, "peer", "PK"))
                    sync_peer(ir, get_peer(ir.db, name))
            reports = {r.peer: r for r in verify_peer_copies(ir.db)}
            assert (reports["pk-a"].objects, reports["pk-b"].objects) == (37, 5)
            assert (reports["pk-a"].leaves, reports["pk-b"].leaves) == (37, 5)
            # One of pk-b's objects, marked otherwise here: named with pk-b and its entry in pk-b's log.
            row = ir.db.fetchone("SELECT envelope FROM peer_leaves WHERE peer = 'pk-b' AND idx = 3")
            assert row is not None
            object_id = json.loads(str(row[0]))["object_id"]
            index = 3
            with ir.db.transaction():
                ir.db.execute("UPDATE objects SET tlp = 'AMBER' WHERE id = ?", (object_id,))
            with pytest.raises(VerificationError, match=rf"peer pk-b: entry {index} \({object_id}@.*TLP 'AMBER'"):
                verify_peer_copies(ir.db)


@pytest.mark.parametrize("synced", PARAMS, indirect=True)
def test_a_removed_peers_copy_is_still_verified_with_the_key_kept_at_its_removal(
    synced: tuple[Node, Node], capsys: pytest.CaptureFixture[str]
) -> None:
    pk, ir = synced
    home = ("--home", str(ir.settings.home))
    code, out, err = run_cli(capsys, *home, "peer", "remove", "PK")
    assert code == 0, err
    assert f"the copy of its log {pk.settings.origin} is kept" in out
    assert [p.name for p in list_peers(ir.db)] == []
    code, out, err = _verify(capsys, ir, "--json")
    assert code == 0, err
    peer = json.loads(out)["peers"]["PK"]
    assert (peer["leaves"], peer["objects"], peer["checkpoint_size"]) == (40, 37, 40)
    assert peer["removed"] is not None and peer["origin"] == pk.settings.origin
    code, out, err = _verify(capsys, ir)
    assert code == 0, err
    assert "peer PK (removed " in out and "checked with the key kept then): 40 leaves, 37 objects" in out
    # Still checked: an object the removed peer carried, edited, is named.
    index, object_id = _index_of_an_object(ir)
    _edit_body(ir, index)
    with pytest.raises(VerificationError, match=rf"peer PK: entry {index} \({object_id}@"):
        verify_peer_copies(ir.db)


@pytest.mark.parametrize("synced", PARAMS, indirect=True)
def test_peer_list_shows_a_removed_peer_with_when_and_the_copy_kept(
    synced: tuple[Node, Node], capsys: pytest.CaptureFixture[str]
) -> None:
    pk, ir = synced
    home = ("--home", str(ir.settings.home))
    code, out, err = run_cli(capsys, *home, "peer", "list", "--json")
    assert code == 0, err
    (registered,) = json.loads(out)
    assert (registered["name"], registered["leaves"], registered["removed"]) == ("PK", 40, None)
    assert registered["url"].startswith("http://127.0.0.1:")
    code, _, err = run_cli(capsys, *home, "peer", "remove", "PK")
    assert code == 0, err
    (kept,) = list_removed_peers(ir.db)
    code, out, err = run_cli(capsys, *home, "peer", "list", "--json")
    assert code == 0, err
    assert json.loads(out) == [
        {
            "name": "PK", "url": None, "party": "PK", "origin": pk.settings.origin, "vkey": pk.signer.vkey,
            "leaves": 40, "refused_entries": 0, "removed": kept.removed, "cosignature_owed": None,
            "same_log_as": [],
        }
    ]  # fmt: skip
    code, out, err = run_cli(capsys, *home, "peer", "list")
    assert code == 0, err
    (row,) = [cells for line in out.splitlines() if (cells := line.replace("│", " ").split())[:1] == ["PK"]]
    assert row == ["PK", "PK", "-", pk.settings.origin, "40", kept.removed]


@pytest.mark.parametrize("synced", ["sqlite"], indirect=True)
def test_the_dashboards_log_api_shows_a_removed_peer_with_when_and_the_copy_kept(synced: tuple[Node, Node]) -> None:
    pk, ir = synced
    remove_peer(ir.db, "PK")
    (kept,) = list_removed_peers(ir.db)
    token = create_token(ir.db, "watch", "viewer", "IR")
    with running(ir) as (base, _server, _thread), httpx.Client(base_url=base, timeout=30) as client:
        log = client.get("/api/dashboard/log", headers={"Authorization": f"Bearer {token}"}).json()
    assert log["peers"] == []
    (removed,) = log["removed_peers"]
    assert {k: removed[k] for k in ("name", "party", "origin", "removed", "leaves", "size", "source")} == {
        "name": "PK", "party": "PK", "origin": pk.settings.origin, "removed": kept.removed, "leaves": 40,
        "size": 40, "source": "sync",
    }  # fmt: skip
    assert removed["root"] == pk.log.checkpoint(40).root.hex()


@pytest.mark.parametrize("synced", ["sqlite"], indirect=True)
def test_a_removed_peers_copy_is_checked_with_its_kept_key_not_another(synced: tuple[Node, Node]) -> None:
    pk, ir = synced
    remove_peer(ir.db, "PK")
    other = Node.init(ir.settings.home.parent / "other", "PK")
    with ir.db.transaction():  # the kept key swapped behind the node's back: the peer's signatures no longer check
        ir.db.execute("UPDATE removed_peers SET vkey = ? WHERE name = 'PK'", (other.signer.vkey,))
    other.close()
    # Not passed: its checkpoint is named as signed by a key the node does not hold, and left unchecked.
    (report,) = verify_peer_copies(ir.db)
    assert (report.status, report.checkpoints, report.not_held) == ("key_not_held", 0, 1)
    assert report.keys_not_held == [f"{pk.signer.name}+{pk.signer.key_id:08x}"]
    # A signature by the kept key that does not verify is no unknown key: it fails.
    with ir.db.transaction():
        ir.db.execute("UPDATE removed_peers SET vkey = ? WHERE name = 'PK'", (pk.signer.vkey,))
        row = ir.db.fetchone("SELECT note FROM peer_checkpoints WHERE peer = 'PK'")
        assert row is not None
        note = str(row[0])
        cut = note.rindex(f"— {pk.signer.name} ") + len(f"— {pk.signer.name} ") + 12
        forged = note[:cut] + ("A" if note[cut] != "A" else "B") + note[cut + 1 :]
        ir.db.execute("UPDATE peer_checkpoints SET note = ? WHERE peer = 'PK'", (forged,))
    with pytest.raises(VerificationError, match=r"peer PK: checkpoint 40: invalid signature by "):
        verify_peer_copies(ir.db)


@pytest.mark.parametrize("synced", PARAMS, indirect=True)
def test_a_peer_registered_again_under_a_new_name_verifies_and_syncs_on_from_the_removed_copy(
    synced: tuple[Node, Node], capsys: pytest.CaptureFixture[str]
) -> None:
    pk, ir = synced
    remove_peer(ir.db, "PK")
    with serving(pk) as pk_url:
        # The same log (its key) and party under a new name: the copy is the new name's, checked before any sync.
        add_peer(ir.db, "pk-main", pk_url, pk.signer.vkey, create_token(pk.db, "ir2", "peer", "IR"), "PK")
        assert list_removed_peers(ir.db) == []
        reports = {r.peer: r for r in verify_peer_copies(ir.db)}
        assert list(reports) == ["pk-main"]
        assert (reports["pk-main"].leaves, reports["pk-main"].objects, reports["pk-main"].removed) == (40, 37, None)
        # The next sync extends the copy (PK's log has grown by the audit of IR's reads) instead of starting over.
        result = sync_peer(ir, get_peer(ir.db, "pk-main"))
        assert result.old_size == 40 and result.new_size > 40
    code, out, err = _verify(capsys, ir, "--json")
    assert code == 0, err
    assert json.loads(out)["peers"]["pk-main"]["leaves"] == result.new_size


@pytest.mark.parametrize("synced", PARAMS, indirect=True)
def test_peer_add_refuses_a_log_another_name_holds_under_another_party_and_changes_nothing(
    synced: tuple[Node, Node], capsys: pytest.CaptureFixture[str]
) -> None:
    pk, ir = synced
    home = ("--home", str(ir.settings.home))
    again = ("peer", "add", "pk2", "http://127.0.0.1:1", "--vkey", pk.signer.vkey,
             "--token", UNUSED_TOKEN, "--party", "PK-B")  # fmt: skip

    def state() -> object:
        return (
            ir.db.fetchall("SELECT name, url, vkey, origin, party, added FROM peers ORDER BY name"),
            ir.db.fetchall("SELECT * FROM removed_peers ORDER BY name"),
            ir.db.fetchall("SELECT peer, COUNT(*) FROM peer_leaves GROUP BY peer ORDER BY peer"),
            ir.db.fetchall("SELECT peer, size FROM peer_checkpoints ORDER BY peer, size"),
        )

    # Registered: the same log under another name and party would be a second copy, its objects under PK-B.
    before = state()
    code, _out, err = run_cli(capsys, *home, *again)
    assert code != 0
    assert f"the log of key {pk.signer.vkey!r} is already registered as peer 'PK' (party PK)" in " ".join(err.split())
    assert state() == before
    # Removed: its copy and objects are filed under party PK; under another party the log is refused too.
    code, _out, err = run_cli(capsys, *home, "peer", "remove", "PK")
    assert code == 0, err
    (kept,) = list_removed_peers(ir.db)
    before = state()
    code, _out, err = run_cli(capsys, *home, *again)
    assert code != 0
    assert f"is kept as removed peer 'PK' (party PK, removed {kept.removed})" in " ".join(err.split())
    assert "register it with --party PK" in " ".join(err.split())
    assert state() == before
    code, out, err = _verify(capsys, ir, "--json")
    assert code == 0, err
    assert json.loads(out)["peers"]["PK"]["removed"] == kept.removed
    # The same party takes the copy back, as before.
    code, _out, err = run_cli(capsys, *home, *again[:-1], "PK")
    assert code == 0, err
    assert [p.name for p in list_peers(ir.db)] == ["pk2"] and list_removed_peers(ir.db) == []
    code, out, err = _verify(capsys, ir, "--json")
    assert code == 0, err
    assert json.loads(out)["peers"]["pk2"]["leaves"] == 40


def _key_replaced_before_it_was_refused(pk: Node, ir: Node) -> Node:
    """IR's registration of PK as 'peer add' left it when PK registered again with a new key (of the same
    origin), before a name holding a copy kept its key: the copy checked with the old key, the new key
    registered. Returns the node of the new key (to be closed)."""
    other = Node.init(ir.settings.home.parent / "pk-new-key", "PK")
    assert other.settings.origin == pk.settings.origin and other.signer.vkey != pk.signer.vkey
    with ir.db.transaction():
        ir.db.execute("UPDATE peers SET vkey = ?, origin = ? WHERE name = 'PK'", (other.signer.vkey, other.signer.name))
    return other


@pytest.mark.parametrize("synced", PARAMS, indirect=True)
def test_a_copy_signed_by_a_key_the_node_no_longer_holds_is_named_not_passed_and_the_rest_checked(
    synced: tuple[Node, Node], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pk, ir = synced
    write_ucdp(tmp_path / "ir.csv", 3, 980001)
    import_file(ir, "ucdp", tmp_path / "ir.csv")  # a log of IR's own, checked as well
    _key_replaced_before_it_was_refused(pk, ir).close()
    old = f"{pk.signer.name}+{pk.signer.key_id:08x}"
    code, out, err = _verify(capsys, ir, "--json")
    assert code == 3, err
    result = json.loads(out)
    assert result["ok"] is False and result["size"] == 3 and result["checkpoints"] >= 1  # the node's own log
    peer = result["peers"]["PK"]
    assert peer["status"] == "key_not_held" and peer["keys_not_held"] == [old]
    assert (peer["leaves"], peer["objects"], peer["checkpoints"], peer["checkpoints_key_not_held"]) == (40, 37, 0, 1)
    assert peer["checkpoint_size"] is None
    text = " ".join(err.split())
    assert f"warning: peer PK: 1 checkpoint of the copy is signed by {old}, a key this node no longer holds" in text
    assert "sarhad peer former-key PK --vkey VKEY" in text
    code, out, err = _verify(capsys, ir)
    assert code == 3
    assert "1 NOT CHECKED (signed by a key this node no longer holds)" in out
    assert "log verified, except the copies of PK" in " ".join(out.split())
    # Removed, the copy keeps the key it was registered with: still named, not passed.
    remove_peer(ir.db, "PK")
    code, out, err = _verify(capsys, ir, "--json")
    assert code == 3 and json.loads(out)["peers"]["PK"]["status"] == "key_not_held"
    # Its leaves and objects are still checked against each other: an edited object fails (status 1).
    index, object_id = _index_of_an_object(ir)
    _edit_body(ir, index)
    code, _out, err = _verify(capsys, ir)
    assert code == 1 and f"peer PK: entry {index} ({object_id}@" in err


@pytest.mark.parametrize("synced", PARAMS, indirect=True)
def test_a_former_key_recorded_for_the_copy_verifies_it_and_no_other_key_is_taken(
    synced: tuple[Node, Node], capsys: pytest.CaptureFixture[str]
) -> None:
    pk, ir = synced
    new = _key_replaced_before_it_was_refused(pk, ir)
    home = ("--home", str(ir.settings.home))
    try:
        # The registered (new) key signs none of the copy's checkpoints: refused, nothing recorded.
        code, _out, err = run_cli(capsys, *home, "peer", "former-key", "PK", "--vkey", new.signer.vkey)
        assert code != 0
        assert f"signs none of the checkpoints of the copy filed under 'PK' (they are signed by: {pk.signer.name}+" in (
            " ".join(err.split())
        )
    finally:
        new.close()
    code, _out, err = run_cli(capsys, *home, "peer", "former-key", "nobody", "--vkey", pk.signer.vkey)
    assert code != 0 and "no copy of a peer's log is filed under 'nobody'" in err
    assert ir.db.fetchall("SELECT * FROM peer_former_keys") == []
    code, out, err = run_cli(capsys, *home, "peer", "former-key", "PK", "--vkey", pk.signer.vkey)
    assert code == 0, err
    assert f"recorded {pk.signer.name}+{pk.signer.key_id:08x} as a former key" in out
    code, out, err = _verify(capsys, ir, "--json")
    assert code == 0, err
    peer = json.loads(out)["peers"]["PK"]
    assert (peer["status"], peer["checkpoints"], peer["checkpoint_size"]) == ("verified", 1, 40)
    assert peer["keys_not_held"] == [] and peer["checkpoints_key_not_held"] == 0
    # The former key follows the copy when the peer is removed.
    remove_peer(ir.db, "PK")
    code, out, err = _verify(capsys, ir, "--json")
    assert code == 0, err
    assert json.loads(out)["peers"]["PK"]["status"] == "verified"


@pytest.mark.parametrize("synced", ["sqlite"], indirect=True)
def test_a_name_that_holds_a_copy_keeps_its_logs_key_and_party(synced: tuple[Node, Node]) -> None:
    pk, ir = synced
    other = Node.init(ir.settings.home.parent / "other", "PK")
    try:
        with pytest.raises(InvalidInput, match=r"peer name 'PK' holds a copy of the log of key .* \(party PK\)"):
            add_peer(ir.db, "PK", "http://127.0.0.1:1", other.signer.vkey, UNUSED_TOKEN)
        with pytest.raises(InvalidInput, match=r"cannot take the key .* \(party PK-B\)"):
            add_peer(ir.db, "PK", "http://127.0.0.1:1", pk.signer.vkey, UNUSED_TOKEN, "PK-B")
        remove_peer(ir.db, "PK")
        with pytest.raises(InvalidInput, match=r"peer name 'PK' holds a copy of the log"):
            add_peer(ir.db, "PK", "http://127.0.0.1:1", other.signer.vkey, UNUSED_TOKEN)
    finally:
        other.close()
    # The same log and party: the removed name takes its copy back; the URL and token may change.
    add_peer(ir.db, "PK", "http://127.0.0.1:2", pk.signer.vkey, UNUSED_TOKEN)
    assert list_removed_peers(ir.db) == [] and get_peer(ir.db, "PK").url == "http://127.0.0.1:2"
    assert verify_peer_copies(ir.db)[0].leaves == 40


def test_removing_a_peer_that_is_not_registered_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Node.init(tmp_path / "ir", "IR") as ir:
        with pytest.raises(NotFound, match=r"no peer 'PK' \(registered: none\)"):
            remove_peer(ir.db, "PK")
        # A peer that never synced leaves nothing behind.
        add_peer(ir.db, "PK", "http://127.0.0.1:1", ir.signer.vkey, UNUSED_TOKEN)
        assert remove_peer(ir.db, "PK") is None
        assert list_peers(ir.db) == [] and list_removed_peers(ir.db) == []
        code, _out, err = run_cli(capsys, "--home", str(ir.settings.home), "peer", "remove", "PK")
        assert code != 0 and "no peer 'PK'" in err


def _peer_replaced_its_key(pk: Node, ir: Node, url: str) -> Signer:
    """PK replaced its log key (the same origin; the served node signs with the new one from now on), and IR
    registered the new key over the old under the same name, as 'peer add' did before it refused that (directly
    in the database: it now refuses). Returns the former key."""
    former, new = pk.signer, Signer.generate(pk.settings.origin)
    new.write_key_file(pk.settings.key_path)
    pk.signer = new
    with ir.db.transaction():
        ir.db.execute("UPDATE peers SET vkey = ?, url = ? WHERE name = 'PK'", (new.vkey, url))
    return former


@pytest.mark.parametrize("synced", PARAMS, indirect=True)
def test_a_copy_synced_again_after_the_peers_key_was_replaced_is_checked_with_the_key_of_each_checkpoint(
    synced: tuple[Node, Node], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The copy's first checkpoint is signed by the peer's former key, the one a sync after the replacement
    verified by its current key: only the first is not checked until the former key is recorded."""
    pk, ir = synced
    write_ucdp(tmp_path / "more.csv", 3, 970001)
    with serving(pk) as url:
        former = _peer_replaced_its_key(pk, ir, url)
        import_file(pk, "ucdp", tmp_path / "more.csv")
        size = sync_peer(ir, get_peer(ir.db, "PK")).new_size
    notes = [str(r[0]) for r in ir.db.fetchall("SELECT note FROM peer_checkpoints WHERE peer = 'PK' ORDER BY size")]
    signed_by = [[g.key_id for g in parse_note(n).signatures if g.name == pk.signer.name] for n in notes]
    assert signed_by == [[former.key_id], [pk.signer.key_id]]
    old = f"{former.name}+{former.key_id:08x}"
    code, out, err = _verify(capsys, ir, "--json")
    assert code == 3, err
    peer = json.loads(out)["peers"]["PK"]
    assert (peer["status"], peer["keys_not_held"], peer["checkpoints"], peer["checkpoints_key_not_held"]) == (
        "key_not_held", [old], 1, 1
    )  # fmt: skip
    assert (peer["leaves"], peer["checkpoint_size"], peer["checkpoints_beyond_copy"]) == (size, size, 0)
    text = " ".join(err.split())
    assert f"warning: peer PK: 1 checkpoint of the copy is signed by {old}, a key this node no longer holds" in text
    code, out, _err = _verify(capsys, ir)
    assert "1 checkpoint checked, 1 NOT CHECKED (signed by a key this node no longer holds)" in " ".join(out.split())
    # The registered key signs the later checkpoint only, the former key the first only.
    code, out, err = run_cli(capsys, "--home", str(ir.settings.home), "peer", "former-key", "PK", "--vkey", former.vkey)
    assert code == 0, err
    assert f"recorded {old} as a former key" in out
    code, out, err = _verify(capsys, ir, "--json")
    assert code == 0, err
    peer = json.loads(out)["peers"]["PK"]
    assert (peer["status"], peer["checkpoints"], peer["checkpoints_key_not_held"], peer["checkpoint_size"]) == (
        "verified", 2, 0, size
    )  # fmt: skip
    code, out, err = _verify(capsys, ir)
    assert code == 0 and "2 checkpoints checked" in out
    # Each checkpoint is checked with the key its signature line names: the current key's signature on the later
    # one, put under the former key's ID, fails (status 1), though both keys are held now.
    [current] = [g for g in parse_note(notes[1]).signatures if g.key_id == pk.signer.key_id]
    relabelled = replace(current, key_id=former.key_id).line()
    with ir.db.transaction():
        ir.db.execute(
            "UPDATE peer_checkpoints SET note = ? WHERE peer = 'PK' AND size = ?",
            (notes[1].replace(current.line(), relabelled), size),
        )
    code, _out, err = _verify(capsys, ir)
    assert code == 1 and f"peer PK: checkpoint {size}: " in err


@pytest.mark.parametrize("synced", PARAMS, indirect=True)
def test_a_checkpoint_beyond_the_copy_signed_by_a_key_not_held_is_counted_as_not_held(
    synced: tuple[Node, Node], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """IR cosigned, as PK's witness, a checkpoint beyond its copy; PK's key was then replaced. That checkpoint
    cannot be checked against the copy at all, and its signature not either: it is counted beyond the copy and
    as not held, so the copy is not passed, until the former key is recorded."""
    pk, ir = synced
    held = verify_peer_copies(ir.db)[0].leaves
    write_ucdp(tmp_path / "more.csv", 3, 970001)
    import_file(pk, "ucdp", tmp_path / "more.csv")
    checkpoint = pk.log.latest_checkpoint()
    assert checkpoint is not None and checkpoint.note is not None and checkpoint.size > held
    proof = "".join(base64.b64encode(h).decode() + "\n" for h in pk.log.consistency_proof(held, checkpoint.size))
    with serving(ir) as ir_url:
        token = create_token(ir.db, "pk-witness", "peer", "PK")
        answer = httpx.post(
            f"{ir_url}/log/witness/add-checkpoint",
            content=f"old {held}\n{proof}\n{checkpoint.note}",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code == 200, answer.text
    former = _peer_replaced_its_key(pk, ir, "http://127.0.0.1:1")
    old = f"{former.name}+{former.key_id:08x}"
    code, out, err = _verify(capsys, ir, "--json")
    assert code == 3, err
    peer = json.loads(out)["peers"]["PK"]
    assert (peer["status"], peer["keys_not_held"], peer["leaves"]) == ("key_not_held", [old], held)
    assert (peer["checkpoints"], peer["checkpoints_beyond_copy"], peer["checkpoints_key_not_held"]) == (0, 1, 2)
    text = " ".join(err.split())
    assert f"warning: peer PK: 2 checkpoints of the copy (1 of them beyond it) are signed by {old}" in text
    code, out, err = run_cli(
        capsys, "--home", str(ir.settings.home), "peer", "former-key", "PK", "--vkey", former.vkey, "--json"
    )  # for scripts: what was recorded, and how many checkpoints of the copy it signs
    assert code == 0, err
    assert json.loads(out) == {"name": "PK", "key": old, "vkey": former.vkey, "checkpoints_signed": 2}
    code, out, err = _verify(capsys, ir, "--json")
    assert code == 0, err
    peer = json.loads(out)["peers"]["PK"]
    assert (peer["status"], peer["checkpoints"], peer["checkpoints_beyond_copy"], peer["checkpoints_key_not_held"]) == (
        "verified", 1, 1, 0
    )  # fmt: skip
    code, out, _err = _verify(capsys, ir)
    assert "1 checkpoint checked, 1 beyond the copy" in " ".join(out.split())


@pytest.mark.parametrize("synced", PARAMS, indirect=True)
def test_two_names_holding_copies_of_one_log_are_named_by_log_verify_and_peer_list(
    synced: tuple[Node, Node], capsys: pytest.CaptureFixture[str]
) -> None:
    # A node that registered PK's log under a second name before 'peer add' refused that (as it does now).
    _pk, ir = synced
    with ir.db.transaction():
        ir.db.execute(
            "INSERT INTO peers (name, url, vkey, origin, token, party, added)"
            " SELECT 'PK-old', url, vkey, origin, token, party, added FROM peers WHERE name = 'PK'"
        )
    code, out, err = _verify(capsys, ir, "--json")
    assert code == 0, err  # each copy verifies apart: said, not failed
    assert json.loads(out)["shared_logs"] == [["PK", "PK-old"]]
    code, out, err = _verify(capsys, ir)
    assert code == 0 and "warning: PK and PK-old hold copies of one log (the same key)" in err
    code, out, err = run_cli(capsys, "--home", str(ir.settings.home), "peer", "list", "--json")
    assert code == 0, err
    assert {r["name"]: r["same_log_as"] for r in json.loads(out)} == {"PK": ["PK-old"], "PK-old": ["PK"]}
    code, out, err = run_cli(capsys, "--home", str(ir.settings.home), "peer", "list")
    assert code == 0 and "warning: PK and PK-old hold copies of one log" in err
    # one kept: nothing more to say
    code, _, err = run_cli(capsys, "--home", str(ir.settings.home), "peer", "remove", "PK-old")
    assert code == 0, err
    code, out, err = _verify(capsys, ir, "--json")
    assert code == 0 and json.loads(out)["shared_logs"] == [], err
