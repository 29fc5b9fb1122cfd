"""A cosignature the publisher refuses, or that never reaches it, does not undo a verified sync.

The syncing node (IR) runs the real command line; the publisher (PK) is a real node served on loopback. The
sync stores what it verified, says that the cosignature is owed (exit status 4), and the next sync delivers the
cosignature of the latest checkpoint even when there is nothing new to pull.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from sarhad.exchange.peers import add_peer, cosigner_for, get_peer, owed_cosignature, remove_peer
from sarhad.exchange.sync import sync_peer
from sarhad.importer import import_file
from sarhad.log.cosignature import verify_cosignatures
from sarhad.node import Node
from sarhad.store.incidents import count_incidents
from sarhad.web.app import create_app
from sarhad.web.auth import create_token
from tests.conftest import UCDP_SAMPLE, UNUSED_TOKEN, run_cli
from tests.web.conftest import running, serving

OWED = 4  # sarhad sync's exit status when everything was stored but a cosignature is still owed


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ir_db(request: pytest.FixtureRequest) -> list[str]:
    """``init``'s database options for IR's node: SQLite in the home, or a PostgreSQL schema of its own."""
    return [] if request.param == "sqlite" else ["--db", request.getfixturevalue("pg_schema_url")]


@pytest.fixture
def pk(tmp_path: Path) -> Iterator[Node]:
    """PK's node holding the UCDP sample (37 incidents); it registers no peer."""
    with Node.init(tmp_path / "pk", "PK") as node:
        import_file(node, "ucdp", UCDP_SAMPLE)
        yield node


def _ir_home(capsys: pytest.CaptureFixture[str], tmp_path: Path, ir_db: list[str], pk: Node, pk_url: str) -> Path:
    """IR's node, made through the CLI, with PK registered as its peer."""
    home = tmp_path / "ir"
    code, _, err = run_cli(capsys, "--home", str(home), "init", "--party", "IR", *ir_db)
    assert code == 0, err
    token = create_token(pk.db, "ir-node", "peer", "IR")
    code, _, err = run_cli(
        capsys, "--home", str(home), "peer", "add", "PK", pk_url, "--vkey", pk.signer.vkey, "--token", token
    )
    assert code == 0, err
    return home


def _owed(capsys: pytest.CaptureFixture[str], home: Path) -> object:
    code, out, err = run_cli(capsys, "--home", str(home), "peer", "list", "--json")
    assert code == 0, err
    [peer] = json.loads(out)
    return peer["cosignature_owed"]


def _cosigners(pk: Node, size: int) -> list[str]:
    """The names of the cosignatures by PK's peer IR that PK holds on its checkpoint of ``size``."""
    return [c.name for c in verify_cosignatures(pk.log.cosigned_note(size), [cosigner_for(get_peer(pk.db, "IR"))])]


def test_a_refused_cosignature_keeps_the_verified_sync_and_the_next_sync_delivers_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, ir_db: list[str], pk: Node
) -> None:
    with serving(pk) as pk_url:  # PK has not registered IR: it refuses IR's cosignature
        home = _ir_home(capsys, tmp_path, ir_db, pk, pk_url)
        code, out, err = run_cli(capsys, "--home", str(home), "sync", "PK", "--json")
        assert code == OWED, err
        [result] = json.loads(out)
        assert (result["ok"], result["stored"], result["cosigned"]) == (False, True, False)
        assert (result["entries"], result["new_size"]) == (37, 37)
        assert result["cosignature_error"].startswith(
            "peer PK: POST /log/cosignatures answered 422: node PK has no registered peer whose cosignature it could"
        )
        # Stored: the incidents, the copy of PK's log, its checkpoint; and the cosignature of size 37 is owed.
        code, out, err = run_cli(capsys, "--home", str(home), "stats", "--json")
        assert json.loads(out)["incidents"] == 37
        owed = _owed(capsys, home)
        assert isinstance(owed, dict)
        assert owed["size"] == 37 and "node PK has no registered peer" in owed["reason"]
        code, out, _ = run_cli(capsys, "--home", str(home), "peer", "list")
        assert "owed for size 37" in out
        code, out, _ = run_cli(capsys, "--home", str(home), "log", "verify")
        assert code == 0 and "log verified" in out
        # The table says it as plainly, and exits the same.
        code, out, err = run_cli(capsys, "--home", str(home), "sync", "PK")
        assert code == OWED
        assert "synced PK: log 37 → 37, 0 new entries" in out
        assert "stored, but the cosignature was not delivered" in out
        assert "it is sent again with the next sync" in out
        # PK registers IR: the next sync, with nothing new, delivers the cosignature of size 37.
        code, ir_vkey, err = run_cli(capsys, "--home", str(home), "key", "show")
        add_peer(pk.db, "IR", "http://127.0.0.1:9", ir_vkey.strip(), UNUSED_TOKEN)
        code, out, err = run_cli(capsys, "--home", str(home), "sync", "PK", "--json")
        assert code == 0, err
        [result] = json.loads(out)
        assert (result["ok"], result["stored"], result["cosigned"], result["entries"]) == (True, True, True, 0)
        assert result["cosignature_error"] is None
    assert _owed(capsys, home) is None
    assert _cosigners(pk, 37) == ["sarhad.ir/log"]


def test_a_cosignature_whose_answer_is_lost_is_owed_and_sent_again(tmp_path: Path) -> None:
    # PK keeps the cosignature, but the connection drops before IR reads the answer: IR cannot know it arrived,
    # so it owes it, and the next sync sends it again (PK takes the same cosignature twice without harm).
    with Node.init(tmp_path / "pk", "PK") as pk, Node.init(tmp_path / "ir", "IR") as ir:
        import_file(pk, "ucdp", UCDP_SAMPLE)
        add_peer(pk.db, "IR", "http://127.0.0.1:9", ir.signer.vkey, UNUSED_TOKEN)
        real = create_app(pk.settings)
        drop = [True]

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or scope["path"] != "/log/cosignatures" or not drop[0]:
                return await real(scope, receive, send)

            async def unsent(message: Message) -> None:
                pass

            await real(scope, receive, unsent)  # PK keeps the cosignature ...
            # ... and the connection breaks in the middle of its answer
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]})
            raise ConnectionResetError("the connection dropped")

        with running(pk, app) as (pk_url, _server, _thread):
            add_peer(ir.db, "PK", pk_url, pk.signer.vkey, create_token(pk.db, "ir", "peer", "IR"))
            first = sync_peer(ir, get_peer(ir.db, "PK"))
            assert (first.entries, first.cosigned) == (37, False)
            assert first.cosignature_error is not None
            assert first.cosignature_error.startswith("peer PK: POST /log/cosignatures failed:")
            assert "not delivered" in first.summary()
            assert count_incidents(ir.db) == 37
            assert ir.db.fetchone("SELECT peer, size FROM owed_cosignatures") == ("PK", 37)
            drop[0] = False
            again = sync_peer(ir, get_peer(ir.db, "PK"))
        assert (again.entries, again.cosigned, again.cosignature_error) == (0, True, None)
        assert ir.db.fetchone("SELECT COUNT(*) FROM owed_cosignatures") == (0,)
        assert _cosigners(pk, 37) == ["sarhad.ir/log"]


def test_a_peer_removed_while_a_cosignature_is_owed_owes_nothing(tmp_path: Path, pk: Node) -> None:
    with Node.init(tmp_path / "ir", "IR") as ir, serving(pk) as pk_url:
        add_peer(ir.db, "PK", pk_url, pk.signer.vkey, create_token(pk.db, "ir", "peer", "IR"))
        assert not sync_peer(ir, get_peer(ir.db, "PK")).cosigned
        remove_peer(ir.db, "PK")
        assert ir.db.fetchone("SELECT COUNT(*) FROM owed_cosignatures") == (0,)


def _dashboard_peers(node: Node) -> list[dict[str, object]]:
    """The ``peers`` of the dashboard's transparency-log panel (``GET /api/dashboard/log``), as a viewer of it."""
    token = create_token(node.db, f"watch-{uuid.uuid4().hex[:8]}", "viewer", node.settings.party)
    with running(node) as (base, _server, _thread), httpx.Client(base_url=base, timeout=30) as client:
        answer = client.get("/api/dashboard/log", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    peers: list[dict[str, object]] = answer.json()["peers"]
    return peers


def test_the_dashboards_log_api_shows_the_cosignature_owed_to_a_peer_until_it_is_delivered(
    tmp_path: Path, ir_db: list[str], pk: Node
) -> None:
    with Node.init(tmp_path / "ir", "IR", database_url=ir_db[1] if ir_db else None) as ir, serving(pk) as pk_url:
        add_peer(ir.db, "PK", pk_url, pk.signer.vkey, create_token(pk.db, "ir", "peer", "IR"))
        assert not sync_peer(ir, get_peer(ir.db, "PK")).cosigned  # PK has not registered IR: it refuses
        owed = owed_cosignature(ir.db, "PK")
        assert owed is not None
        [peer] = _dashboard_peers(ir)
        assert peer["cosignature_owed"] == {"size": 37, "reason": owed.reason, "attempted": owed.attempted}
        assert "node PK has no registered peer whose cosignature it could accept" in owed.reason
        # the fields the panel already read are kept beside it
        assert {k: peer[k] for k in ("name", "party", "origin", "size", "leaves", "split_views")} == {
            "name": "PK", "party": "PK", "origin": pk.settings.origin, "size": 37, "leaves": 37, "split_views": 0,
        }  # fmt: skip
        # PK registers IR: the next sync delivers the cosignature, and nothing is owed any more
        add_peer(pk.db, "IR", "http://127.0.0.1:9", ir.signer.vkey, UNUSED_TOKEN)
        assert sync_peer(ir, get_peer(ir.db, "PK")).cosigned
        [peer] = _dashboard_peers(ir)
        assert peer["cosignature_owed"] is None
