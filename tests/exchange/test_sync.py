"""Verified sync between two real nodes served on loopback: pull, verify, store, cosign; tampering caught."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from sarhad.errors import ExchangeError, NotFound, VerificationError
from sarhad.exchange.peers import add_peer, get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.importer import import_file
from sarhad.log.cosignature import verify_cosignatures
from sarhad.log.envelope import Envelope
from sarhad.log.store import Log
from sarhad.log.verify import verify_log
from sarhad.node import Node
from sarhad.store.incidents import count_incidents
from sarhad.web.auth import create_token, revoke_token
from tests.conftest import UCDP_SAMPLE, UNUSED_TOKEN
from tests.web.conftest import serving


def serve_a_body_that_differs(pk: Node, index: int) -> None:
    """Change the stored body of PK's log entry ``index`` by one space: it no longer matches the logged hash."""
    with pk.db.transaction():
        row = pk.db.fetchone("SELECT body FROM objects WHERE log_index = ?", (index,))
        assert row is not None
        pk.db.execute("UPDATE objects SET body = ? WHERE log_index = ?", (str(row[0]).replace("}", " }", 1), index))


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Node, Node, str]]:
    pk = Node.init(tmp_path / "pk", "PK")
    ir = Node.init(tmp_path / "ir", "IR")
    import_file(pk, "ucdp", UCDP_SAMPLE)
    with serving(pk) as pk_url, serving(ir) as ir_url:
        add_peer(ir.db, "PK", pk_url, pk.signer.vkey, create_token(pk.db, "ir", "peer", "IR"))
        add_peer(pk.db, "IR", ir_url, ir.signer.vkey, create_token(ir.db, "pk", "peer", "PK"))
        yield pk, ir, pk_url
    pk.close()
    ir.close()


def test_sync_copies_verifies_and_cosigns(pair: tuple[Node, Node, str]) -> None:
    pk, ir, _ = pair
    result = sync_peer(ir, get_peer(ir.db, "PK"))
    assert (result.old_size, result.new_size, result.entries, result.objects) == (0, 37, 37, 37)
    assert count_incidents(ir.db) == 37
    assert ir.db.fetchone("SELECT COUNT(*) FROM objects WHERE origin = 'PK'") == (37,)
    # PK now shows IR's cosignature with its checkpoint.
    note = pk.log.cosigned_note(37)
    from sarhad.exchange.peers import cosigner_for

    cosigs = verify_cosignatures(note, [cosigner_for(get_peer(pk.db, "IR"))])
    assert [c.name for c in cosigs] == ["sarhad.ir/log"]
    # Both logs still verify; a second sync has nothing new.
    verify_log(pk.db, [pk.signer.verifier])
    verify_log(ir.db, [ir.signer.verifier])
    again = sync_peer(ir, get_peer(ir.db, "PK"))
    assert again.entries == 0


def test_a_publisher_that_has_not_registered_us_refuses_the_cosignature_and_the_sync_is_kept(tmp_path: Path) -> None:
    with Node.init(tmp_path / "pk", "PK") as pk, Node.init(tmp_path / "ir", "IR") as ir:
        import_file(pk, "ucdp", UCDP_SAMPLE)
        with serving(pk) as pk_url:  # PK has no peers: it cannot accept IR's cosignature
            add_peer(ir.db, "PK", pk_url, pk.signer.vkey, create_token(pk.db, "ir", "peer", "IR"))
            result = sync_peer(ir, get_peer(ir.db, "PK"))
        assert not result.cosigned
        assert result.cosignature_error is not None
        assert re.search(r"node PK has no registered peer .* 'sarhad peer add NAME URL", result.cosignature_error)
        # What was verified is kept; the cosignature is owed.
        assert count_incidents(ir.db) == 37
        assert ir.db.fetchone("SELECT COUNT(*) FROM peer_leaves") == (37,)
        assert ir.db.fetchone("SELECT peer, size FROM owed_cosignatures") == ("PK", 37)


def test_a_publisher_with_other_peers_but_not_us_refuses_the_cosignature_and_keeps_none(tmp_path: Path) -> None:
    # The same refusal as with no peers at all: a cosignature by a key the publisher does not know is not kept,
    # so the cosigner must not be told it was.
    with Node.init(tmp_path / "pk", "PK") as pk, Node.init(tmp_path / "ir", "IR") as ir:
        import_file(pk, "ucdp", UCDP_SAMPLE)
        with Node.init(tmp_path / "af", "AF") as af:
            add_peer(pk.db, "AF", "http://127.0.0.1:9", af.signer.vkey, UNUSED_TOKEN)
        with serving(pk) as pk_url:
            add_peer(ir.db, "PK", pk_url, pk.signer.vkey, create_token(pk.db, "ir", "peer", "IR"))
            result = sync_peer(ir, get_peer(ir.db, "PK"))
        assert result.cosignature_error is not None
        assert re.search(
            r"node PK has no registered peer with the key of any cosignature on this note \(registered:"
            r" sarhad.af/log\); its operator registers the cosigning node with 'sarhad peer add",
            result.cosignature_error,
        )
        assert ir.db.fetchone("SELECT COUNT(*) FROM peer_checkpoints") == (1,)
        assert pk.db.fetchone("SELECT COUNT(*) FROM log_cosignatures") == (0,)


def test_incremental_sync_fetches_only_new_entries(pair: tuple[Node, Node, str]) -> None:
    pk, ir, _ = pair
    sync_peer(ir, get_peer(ir.db, "PK"))
    with pk.publisher() as pub:
        note = {"type": "note", "id": "note--6f1c2b5e-7c1a-4f9a-9a43-5e0e4a7f2b12", "spec_version": "2.1"}
        pub.add_object({**note, "content": "liaison note", "object_refs": [note["id"]]})
    result = sync_peer(ir, get_peer(ir.db, "PK"))
    assert (result.old_size, result.new_size, result.entries) == (37, 38, 1)


def _rewrite_history(pk: Node, index: int) -> None:
    """PK rewrites an old record and rebuilds and re-signs its whole log, as a dishonest publisher would."""
    db = pk.db
    with db.transaction():
        row = db.fetchone("SELECT id, modified, body FROM objects WHERE log_index = ?", (index,))
        assert row is not None
        body = json.loads(row[2])
        body["name"] = "a different story"
        from sarhad.canonical import canonical_text

        text = canonical_text(body)
        import hashlib

        sha = hashlib.sha256(text.encode()).hexdigest()
        db.execute("UPDATE objects SET body = ?, sha256 = ? WHERE log_index = ?", (text, sha, index))
        envs = [Envelope.from_canonical(str(r[0])) for r in db.fetchall("SELECT envelope FROM log_leaves ORDER BY idx")]
        old = envs[index]
        envs[index] = Envelope(old.object_id, old.version, sha, old.tlp, old.time)
        for table in ("log_leaves", "log_nodes", "log_checkpoints", "log_cosignatures"):
            db.execute(f"DELETE FROM {table}")
        db.execute("UPDATE log_head SET size = -1")
        log = Log(db)
        log.append(envs)
        log.sign_checkpoint(pk.signer, pk.settings.origin)


def test_rewritten_history_fails_naming_the_entry_and_changes_nothing(pair: tuple[Node, Node, str]) -> None:
    pk, ir, _ = pair
    sync_peer(ir, get_peer(ir.db, "PK"))
    before = ir.db.fetchall("SELECT id, modified, body FROM objects ORDER BY seq")
    _rewrite_history(pk, 5)
    with pytest.raises(VerificationError, match=r"peer PK: split view: .*entry 5 \(incident--.*\) was rewritten"):
        sync_peer(ir, get_peer(ir.db, "PK"))
    assert ir.db.fetchall("SELECT id, modified, body FROM objects ORDER BY seq") == before
    evidence = ir.db.fetchall("SELECT peer, reason FROM split_views")
    assert len(evidence) == 1 and "entry 5" in evidence[0][1]


def test_sync_with_a_wrong_key_stores_nothing(pair: tuple[Node, Node, str]) -> None:
    pk, ir, url = pair
    from sarhad.log.note import Signer

    add_peer(ir.db, "PK", url, Signer.generate(pk.settings.origin).vkey, create_token(pk.db, "ir2", "peer", "IR"))
    with pytest.raises(VerificationError, match="peer PK: its checkpoint does not verify"):
        sync_peer(ir, get_peer(ir.db, "PK"))
    assert count_incidents(ir.db) == 0


def test_unknown_peer_is_named(pair: tuple[Node, Node, str]) -> None:
    _, ir, _ = pair
    with pytest.raises(NotFound, match="no peer 'XX' \\(registered: PK\\)"):
        get_peer(ir.db, "XX")


def test_synced_records_go_through_the_alert_rules(pair: tuple[Node, Node, str]) -> None:
    from sarhad.monitor.alerts import list_alerts
    from sarhad.monitor.rules import Rule, add_rule

    _pk, ir, _ = pair
    add_rule(ir.db, Rule(name="deadly", min_killed=5))
    sync_peer(ir, get_peer(ir.db, "PK"))
    alerts = list_alerts(ir.db)
    expected = ir.db.fetchone("SELECT COUNT(*) FROM incidents WHERE origin = 'PK' AND killed_best >= 5")
    assert expected is not None and expected[0] > 0
    assert len(alerts) == expected[0]
    assert {a.origin for a in alerts} == {"PK"}


def _two_accounts(pk: Node) -> tuple[str, str]:
    """Publish on ``pk`` two parties' records of one incident that disagree (group and killed); their ids."""
    from sarhad.model.figures import Figure
    from sarhad.model.incident import Incident, Perpetrator, Place, incident_id

    ids = []
    with pk.publisher() as pub:
        for party, group, killed in (("PK", "Jaish al-Adl", 2), ("UCDP", "TTP", 9)):
            inc = Incident(
                id=incident_id("party", party, "taftan-1"), reported_by=party, dataset="party", source_id="taftan-1",
                date_start="2025-06-01", date_end="2025-06-01",
                place=Place(country="PK", admin1="Balochistan", lat=28.96, lon=61.59, precision="near"),
                perpetrators=(Perpetrator(group),),
                figures=(Figure("killed", "total", killed, killed, killed, "party_official", party),),
            )  # fmt: skip
            pub.add(inc)
            ids.append(inc.id)
    return ids[0], ids[1]


@pytest.mark.parametrize("checker", ["inline", "process"])
def test_synced_records_that_disagree_with_each_other_alert_as_written_together(
    pair: tuple[Node, Node, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, checker: str
) -> None:
    # The rules see a piece of a sync once all of it is written, and every piece before it: two records of one
    # piece that disagree both alert, each naming the other; across two pieces only the later one finds the
    # earlier one (the later one is not written yet when the earlier one is evaluated).
    from sarhad.exchange import sync
    from sarhad.monitor.alerts import list_alerts
    from sarhad.monitor.rules import Rule, add_rule

    pk, ir, _ = pair
    pk_id, ucdp_id = _two_accounts(pk)
    add_rule(ir.db, Rule(name="disagrees", disagrees=True))
    sync_peer(ir, get_peer(ir.db, "PK"), checker=checker)
    reasons = {a.incident_id: a.reason for a in list_alerts(ir.db)}
    assert reasons.keys() == {pk_id, ucdp_id}
    assert f"UCDP {ucdp_id}: perpetrator" in reasons[pk_id] and "killed: PK 2, UCDP 9" in reasons[pk_id]
    assert f"PK {pk_id}: perpetrator" in reasons[ucdp_id]
    # The same records, one piece each, into another node.
    monkeypatch.setattr(sync, "PIECE", 1)
    other = Node.init(tmp_path / "ir-pieces", "IR")
    try:
        add_rule(other.db, Rule(name="disagrees", disagrees=True))
        add_peer(pk.db, "IR-pieces", "http://127.0.0.1:9", other.signer.vkey, UNUSED_TOKEN)
        add_peer(other.db, "PK", get_peer(ir.db, "PK").url, pk.signer.vkey, create_token(pk.db, "ir2", "peer", "IR"))
        sync_peer(other, get_peer(other.db, "PK"), checker=checker)
        assert len({a.incident_id for a in list_alerts(other.db)} & {pk_id, ucdp_id}) == 1
    finally:
        other.close()


def _publish_note(pk: Node, n: int) -> None:
    with pk.publisher() as pub:
        note_id = f"note--6f1c2b5e-7c1a-4f9a-9a43-5e0e4a7f2b{n:02d}"
        pub.add_object({"type": "note", "id": note_id, "spec_version": "2.1", "content": f"liaison note {n}",
                        "object_refs": [note_id]})  # fmt: skip


def test_incremental_sync_extends_the_stored_frontier(pair: tuple[Node, Node, str]) -> None:
    from sarhad.exchange.frontier import Frontier
    from sarhad.log.merkle import tree_hash

    pk, ir, _ = pair
    sync_peer(ir, get_peer(ir.db, "PK"))
    _publish_note(pk, 1)
    assert sync_peer(ir, get_peer(ir.db, "PK")).entries == 1
    row = ir.db.fetchone("SELECT size, hashes FROM peer_frontiers WHERE peer = 'PK'")
    assert row is not None and row[0] == 38
    leaves = [bytes(r[0]) for r in ir.db.fetchall("SELECT leaf_hash FROM peer_leaves WHERE peer = 'PK' ORDER BY idx")]
    latest = pk.log.latest_checkpoint()
    assert latest is not None
    assert Frontier.from_bytes(38, bytes(row[1])).root() == tree_hash(leaves) == latest.root


def test_a_damaged_frontier_fails_the_root_check_and_stores_nothing(pair: tuple[Node, Node, str]) -> None:
    pk, ir, _ = pair
    sync_peer(ir, get_peer(ir.db, "PK"))
    with ir.db.transaction():
        ir.db.execute("UPDATE peer_frontiers SET hashes = ? WHERE peer = 'PK'", (b"\x07" * 96,))
    _publish_note(pk, 2)
    before = ir.db.fetchone("SELECT COUNT(*) FROM objects")
    with pytest.raises(VerificationError, match="peer PK: its 38 entries do not hash to the root of its checkpoint"):
        sync_peer(ir, get_peer(ir.db, "PK"))
    assert ir.db.fetchone("SELECT COUNT(*) FROM objects") == before
    assert ir.db.fetchone("SELECT MAX(idx) FROM peer_leaves WHERE peer = 'PK'") == (36,)
    assert ir.db.fetchone("SELECT MAX(size) FROM peer_checkpoints WHERE peer = 'PK'") == (37,)


def test_a_node_without_a_stored_frontier_rebuilds_it_from_the_copied_leaves(pair: tuple[Node, Node, str]) -> None:
    pk, ir, _ = pair
    sync_peer(ir, get_peer(ir.db, "PK"))
    with ir.db.transaction():
        ir.db.execute("DELETE FROM peer_frontiers")
    _publish_note(pk, 3)
    assert sync_peer(ir, get_peer(ir.db, "PK")).new_size == 38
    assert ir.db.fetchone("SELECT size FROM peer_frontiers WHERE peer = 'PK'") == (38,)


def test_a_body_that_does_not_match_its_logged_hash_is_refused(pair: tuple[Node, Node, str]) -> None:
    pk, ir, _ = pair
    serve_a_body_that_differs(pk, 3)
    with pytest.raises(VerificationError, match=r"peer PK: entry 3 \(incident--.*\): the object served does not match"):
        sync_peer(ir, get_peer(ir.db, "PK"))
    assert count_incidents(ir.db) == 0
    assert ir.db.fetchone("SELECT COUNT(*) FROM peer_leaves") == (0,)


@pytest.mark.postgres
@pytest.mark.parametrize("checker", ["inline", "process"])
def test_sync_into_a_postgresql_node_keeps_the_frontier(tmp_path: Path, pg_schema_url: str, checker: str) -> None:
    pk = Node.init(tmp_path / "pk", "PK")
    ir = Node.init(tmp_path / "ir", "IR", database_url=pg_schema_url)
    try:
        import_file(pk, "ucdp", UCDP_SAMPLE)
        with serving(pk) as pk_url:
            add_peer(ir.db, "PK", pk_url, pk.signer.vkey, create_token(pk.db, "ir", "peer", "IR"))
            add_peer(pk.db, "IR", "http://127.0.0.1:9", ir.signer.vkey, UNUSED_TOKEN)
            assert sync_peer(ir, get_peer(ir.db, "PK"), checker=checker).objects == 37
            _publish_note(pk, 4)
            assert sync_peer(ir, get_peer(ir.db, "PK")).entries == 1
        assert count_incidents(ir.db) == 37
        row = ir.db.fetchone("SELECT size, hashes FROM peer_frontiers WHERE peer = 'PK'")
        assert row is not None and row[0] == 38 and len(bytes(row[1])) == 32 * (38).bit_count()
    finally:
        pk.close()
        ir.close()


def test_a_malformed_entries_answer_is_an_exchange_error_naming_the_entry() -> None:
    import httpx

    from sarhad.errors import ExchangeError
    from sarhad.exchange.entries import _fetch_entries
    from sarhad.exchange.peer_http import _PeerHTTP
    from sarhad.exchange.peers import Peer

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"entries": [{"index": 0, "envelope": "{}", "leaf_hash": "not base64!"}]})

    http = _PeerHTTP(Peer("PK", "http://pk.invalid", "vkey", "sarhad.pk/log", "token", "PK"))
    http.client = httpx.Client(base_url="http://pk.invalid", transport=httpx.MockTransport(answer))
    with pytest.raises(ExchangeError, match=r"peer PK: entry 0 is malformed"):
        _fetch_entries(http, 0, 1, objects=True)


def test_progress_is_reported_per_chunk_of_new_entries(
    pair: tuple[Node, Node, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sarhad.exchange.sync as sync_module

    _pk, ir, _ = pair
    monkeypatch.setattr(sync_module, "CHUNK", 10)
    calls: list[tuple[int, int]] = []
    result = sync_peer(ir, get_peer(ir.db, "PK"), progress=lambda done, total: calls.append((done, total)))
    assert result.entries == 37
    assert calls == [(10, 37), (20, 37), (30, 37), (37, 37)]
    assert count_incidents(ir.db) == 37


def _indexes(node: Node) -> list[tuple[str, str]]:
    rows = node.db.fetchall(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('objects', 'incidents')"
        " AND sql IS NOT NULL ORDER BY name"
    )
    return [(str(name), str(sql)) for name, sql in rows]


def test_a_large_first_sync_builds_the_indexes_once_and_queries_use_them(
    pair: tuple[Node, Node, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sarhad.exchange.sync as sync

    pk, ir, _ = pair
    indexes = _indexes(ir)
    assert any(name == "incidents_date" for name, _ in indexes)
    monkeypatch.setattr(sync, "DEFER_INDEXES_MIN", 10)  # 37 new entries into an empty node: deferred
    result = sync_peer(ir, get_peer(ir.db, "PK"))
    assert (result.entries, result.objects) == (37, 37)
    assert _indexes(ir) == indexes
    assert ir.db.fetchall("PRAGMA integrity_check") == [("ok",)]
    plan = " ".join(
        str(r[-1]) for r in ir.db.fetchall("EXPLAIN QUERY PLAN SELECT id FROM incidents WHERE date_start > '2000'")
    )
    assert "incidents_date" in plan
    by_index = ir.db.fetchall("SELECT id FROM incidents INDEXED BY incidents_date WHERE date_start > '' ORDER BY id")
    assert by_index == pk.db.fetchall("SELECT id FROM incidents ORDER BY id")


def test_a_failing_large_sync_keeps_the_indexes_and_stores_nothing(
    pair: tuple[Node, Node, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sarhad.exchange.sync as sync

    pk, ir, _ = pair
    indexes = _indexes(ir)
    monkeypatch.setattr(sync, "DEFER_INDEXES_MIN", 10)
    serve_a_body_that_differs(pk, 30)
    with pytest.raises(
        VerificationError, match=r"peer PK: entry 30 \(incident--.*\): the object served does not match"
    ):
        sync_peer(ir, get_peer(ir.db, "PK"))
    assert _indexes(ir) == indexes
    assert count_incidents(ir.db) == 0
    assert ir.db.fetchone("SELECT COUNT(*) FROM objects") == (0,)


def test_summaries_after_a_chunked_sync_with_new_versions_equal_a_rebuild(
    pair: tuple[Node, Node, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sarhad.exchange.sync as sync
    from tests.monitor.test_evaluate import make
    from tests.monitor.test_summary import from_scratch, snapshot

    pk, ir, _ = pair
    pk.publish([make("a"), make("b", killed=3)])
    # later versions, in later chunks: "a" moves month, province and grid cell, "b" changes its figure
    pk.publish([make("a", day="2025-07-02", admin1="Khyber Pakhtunkhwa", lat=34.0, lon=71.5)])
    pk.publish([make("b", killed=7)])
    monkeypatch.setattr(sync, "CHUNK", 1)  # each entry in a chunk of its own
    result = sync_peer(ir, get_peer(ir.db, "PK"))
    latest = pk.log.latest_checkpoint()
    assert latest is not None
    assert result.objects == result.entries == latest.size
    incremental = snapshot(ir.db)
    assert ("2025-07", "PK", "Khyber Pakhtunkhwa") in {(r[0], r[1], r[4]) for r in incremental[0]}
    assert incremental == from_scratch(ir.db)
    assert ir.db.fetchall("SELECT id, killed_best FROM incidents WHERE source_id IN ('a', 'b') ORDER BY source_id") == (
        pk.db.fetchall("SELECT id, killed_best FROM incidents WHERE source_id IN ('a', 'b') ORDER BY source_id")
    )
    assert [r[1] for r in ir.db.fetchall("SELECT source_id, killed_best FROM incidents WHERE source_id = 'b'")] == [7]


def test_a_peer_url_where_nothing_listens_is_named_with_what_to_do(pair: tuple[Node, Node, str]) -> None:
    pk, ir, _ = pair
    with socket.socket() as probe:  # a loopback port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    add_peer(ir.db, "PK", f"http://127.0.0.1:{port}", pk.signer.vkey, get_peer(ir.db, "PK").token)
    pattern = (
        rf"peer PK: GET /log/checkpoint failed: cannot reach http://127\.0\.0\.1:{port}"
        r"/log/checkpoint\?cosigned=0 \(.+\):"
        r" is the peer's node serving there\? 'sarhad peer list' shows the URL; change it with"
        r" 'sarhad peer add PK URL --vkey KEY --token TOKEN'"
    )
    with pytest.raises(ExchangeError, match=pattern):
        sync_peer(ir, get_peer(ir.db, "PK"))
    assert count_incidents(ir.db) == 0


@pytest.mark.parametrize("ended", ["revoked", "expired"])
def test_a_token_the_peer_no_longer_takes_says_how_to_register_a_new_one(
    pair: tuple[Node, Node, str], ended: str
) -> None:
    pk, ir, url = pair
    if ended == "revoked":
        revoke_token(pk.db, "ir")
    else:
        with pk.db.transaction():
            pk.db.execute("UPDATE tokens SET expires = '2000-01-01T00:00:00.000Z' WHERE principal = 'ir'")
    pattern = (
        rf"peer PK: GET /log/checkpoint answered 401: the token of principal 'ir' (was revoked|expired at .+)"
        r" \(the token this node holds for peer PK: ask the peer's operators for a new one and register it with"
        rf" 'sarhad peer add PK {re.escape(url)} --vkey KEY --token TOKEN'; if {re.escape(url)} is not PK's node,"
        r" give its URL in that command\)"
    )
    with pytest.raises(ExchangeError, match=pattern):
        sync_peer(ir, get_peer(ir.db, "PK"))
    assert count_incidents(ir.db) == 0


def test_a_peer_url_that_is_another_node_says_the_url_may_be_wrong(pair: tuple[Node, Node, str]) -> None:
    pk, ir, _ = pair
    ir_url = get_peer(pk.db, "IR").url  # IR's own node: it does not know the token PK issued
    add_peer(ir.db, "PK", ir_url, pk.signer.vkey, get_peer(ir.db, "PK").token)
    pattern = (
        r"peer PK: GET /log/checkpoint answered 401: invalid token \(the token this node holds for peer PK: ask the"
        rf" peer's operators for a new one and register it with 'sarhad peer add PK {re.escape(ir_url)} --vkey KEY"
        rf" --token TOKEN'; if {re.escape(ir_url)} is not PK's node, give its URL in that command\)"
    )
    with pytest.raises(ExchangeError, match=pattern):
        sync_peer(ir, get_peer(ir.db, "PK"))
