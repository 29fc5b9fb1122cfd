"""A large sync checks and prepares its chunks in a second process while this one writes: the same result,
the same refusals, and nothing stored when that process fails."""

from __future__ import annotations

from pathlib import Path

import pytest

import sarhad.exchange.checking as checking
import sarhad.exchange.sync as sync
from sarhad.errors import ExchangeError, VerificationError
from sarhad.exchange.peers import add_peer, get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.log.verify import verify_log
from sarhad.node import Node
from sarhad.store.incidents import count_incidents
from sarhad.web.auth import create_token
from tests.exchange.test_sync import pair, serve_a_body_that_differs  # noqa: F401 - pair: the fixture
from tests.monitor.test_summary import from_scratch, snapshot

_TABLES = {
    "objects": "SELECT id, modified, type, sha256, content_sha256, tlp, licence, origin, log_index, body FROM objects"
    " ORDER BY seq",
    "incidents": "SELECT * FROM incidents ORDER BY id",
    "peer_leaves": "SELECT peer, idx, envelope, leaf_hash FROM peer_leaves ORDER BY idx",
    "peer_frontiers": "SELECT * FROM peer_frontiers",
}


@pytest.fixture(autouse=True)
def _short_lead(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process checks the first 8 entries itself, the checking process the rest (both ways are used)."""
    monkeypatch.setattr(checking, "LEAD", 8)


def _contents(node: Node) -> dict[str, list[tuple[object, ...]]]:
    return {name: [tuple(r) for r in node.db.fetchall(sql)] for name, sql in _TABLES.items()}


def test_the_checking_process_gives_what_the_inline_sync_gives(
    pair: tuple[Node, Node, str],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pk, ir, url = pair
    monkeypatch.setattr(sync, "CHUNK", 8)  # several chunks: 37 entries in 5
    calls: list[tuple[int, int]] = []
    result = sync_peer(ir, get_peer(ir.db, "PK"), lambda done, total: calls.append((done, total)), checker="process")
    assert (result.entries, result.objects) == (37, 37)
    assert calls == [(8, 37), (16, 37), (24, 37), (32, 37), (37, 37)]
    with Node.init(tmp_path / "ir-inline", "IR") as inline:
        add_peer(inline.db, "PK", url, pk.signer.vkey, create_token(pk.db, "ir-inline", "peer", "IR"))
        sync_peer(inline, get_peer(inline.db, "PK"), checker="inline")
        assert _contents(ir) == _contents(inline)
    assert snapshot(ir.db) == from_scratch(ir.db)
    verify_log(ir.db, [ir.signer.verifier])
    # The next sync (one new entry) stays in this process under "auto" and continues the same log.
    with pk.publisher() as pub:
        note = {"type": "note", "id": "note--6f1c2b5e-7c1a-4f9a-9a43-5e0e4a7f2b12", "spec_version": "2.1"}
        pub.add_object({**note, "content": "liaison note", "object_refs": [note["id"]]})
    assert sync_peer(ir, get_peer(ir.db, "PK")).entries == 1


def test_a_tampered_object_found_by_the_checking_process_stores_nothing(
    pair: tuple[Node, Node, str],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pk, ir, _ = pair
    monkeypatch.setattr(sync, "CHUNK", 10)
    serve_a_body_that_differs(pk, 30)
    with pytest.raises(
        VerificationError, match=r"^peer PK: entry 30 \(incident--.*\): the object served does not match"
    ):
        sync_peer(ir, get_peer(ir.db, "PK"), checker="process")
    assert count_incidents(ir.db) == 0
    assert ir.db.fetchone("SELECT COUNT(*) FROM objects") == (0,)
    assert ir.db.fetchone("SELECT COUNT(*) FROM peer_leaves") == (0,)


def test_a_checking_process_that_dies_fails_the_sync_clearly_and_stores_nothing(
    pair: tuple[Node, Node, str],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _pk, ir, _ = pair
    # An interpreter that exits at once with status 3 instead of running the checker.
    monkeypatch.setattr(checking, "_CHECKER_MODULE", "tests.exchange.exit_three")
    with pytest.raises(ExchangeError, match=r"^peer PK: the process checking its entries stopped unexpectedly \(exit"
                       r" code 3\)$"):  # fmt: skip
        sync_peer(ir, get_peer(ir.db, "PK"), checker="process")
    assert count_incidents(ir.db) == 0
    assert ir.db.fetchone("SELECT COUNT(*) FROM peer_leaves") == (0,)
    assert ir.db.fetchone("SELECT COUNT(*) FROM peer_checkpoints") == (0,)


def test_an_unknown_checker_mode_is_refused(pair: tuple[Node, Node, str]) -> None:  # noqa: F811
    _pk, ir, _ = pair
    with pytest.raises(ValueError, match="checker must be 'auto', 'process' or 'inline', not 'threads'"):
        sync_peer(ir, get_peer(ir.db, "PK"), checker="threads")
    assert count_incidents(ir.db) == 0


@pytest.mark.parametrize(
    ("checker", "reported"),
    [
        ("inline", [4, 8, 12, 14, 18, 22, 24, 28, 32, 34, 37]),
        # this process: 0-3, 4-7; the checking process from 8: a first piece, then requests of 10 in pieces of 4
        ("process", [4, 8, 12, 16, 20, 22, 26, 30, 32, 36, 37]),
    ],
)
def test_pieces_smaller_than_a_request_are_written_and_reported_in_order(
    pair: tuple[Node, Node, str],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    checker: str,
    reported: list[int],
) -> None:
    pk, ir, _ = pair
    monkeypatch.setattr(sync, "CHUNK", 10)
    monkeypatch.setattr(sync, "PIECE", 4)  # the first request is one piece, then requests of 10 in pieces of 4
    calls: list[int] = []
    result = sync_peer(ir, get_peer(ir.db, "PK"), lambda done, _total: calls.append(done), checker=checker)
    assert result.entries == 37
    assert calls == reported
    assert ir.db.fetchall("SELECT idx FROM peer_leaves ORDER BY idx") == [(i,) for i in range(37)]
    assert count_incidents(ir.db) == count_incidents(pk.db)


def test_summaries_written_in_several_rounds_when_the_changes_grow_equal_a_rebuild(
    pair: tuple[Node, Node, str],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _pk, ir, _ = pair
    monkeypatch.setattr(sync, "PIECE", 5)
    monkeypatch.setattr(sync, "DELTAS_MAX", 3)  # written after nearly every piece
    sync_peer(ir, get_peer(ir.db, "PK"))
    assert snapshot(ir.db) == from_scratch(ir.db)


def test_alert_rules_raise_the_same_alerts_through_the_checking_process(
    pair: tuple[Node, Node, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    # The checking process sends only the records some rule may alert on (their conditions on the record
    # alone hold); the writer evaluates those. The alerts are those of the sync in one process.
    from sarhad.monitor.alerts import list_alerts
    from sarhad.monitor.rules import Rule, add_rule

    pk, ir, url = pair
    rules = [
        Rule(name="deadly", min_killed=5),
        Rule(name="near", near_border_km=100),
        Rule(name="ttp", perpetrators=("ttp",)),
        Rule(name="deadly-near", near_border_km=150, min_killed=1),
        Rule(name="disagrees", disagrees=True),
    ]
    alerts = {}
    for name, checker in (("ir", "process"), ("ir-inline", "inline")):
        node = ir if name == "ir" else Node.init(tmp_path / name, "IR")
        try:
            for rule in rules:
                add_rule(node.db, rule)
            if name != "ir":
                add_peer(node.db, "PK", url, pk.signer.vkey, create_token(pk.db, name, "peer", "IR"))
            sync_peer(node, get_peer(node.db, "PK"), checker=checker)
            alerts[checker] = sorted((a.rule, a.incident_id, a.reason) for a in list_alerts(node.db))
        finally:
            if node is not ir:
                node.close()
    assert alerts["process"] == alerts["inline"]
    assert {rule for rule, _, _ in alerts["process"]} >= {"deadly", "near", "ttp"}
