"""A sync with a peer whose node has published nothing yet: nothing to pull, and no failure.

Two nodes set up one after the other, as the exchange guide says (init, tokens, keys, ``peer add``, serve,
``sync``), meet a peer whose log is still empty: it has signed no checkpoint, and its log API answers 404. That
is the state of every new node, not a fault: the sync says so and exits 0, stores nothing, and the first sync
after the peer publishes copies its log as usual. The syncing node runs the real command line; the peer is a
real node served on loopback, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sarhad.errors import ExchangeError
from sarhad.exchange.peers import add_peer, get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import UCDP_SAMPLE, UNUSED_TOKEN, run_cli
from tests.web.conftest import ANY_DATABASE, serving


@pytest.fixture(params=ANY_DATABASE)
def ir_db(request: pytest.FixtureRequest) -> list[str]:
    """``init``'s database options for IR's node: SQLite in the home, or a PostgreSQL schema of its own."""
    return [] if request.param == "sqlite" else ["--db", request.getfixturevalue("pg_schema_url")]


def _ir_home(capsys: pytest.CaptureFixture[str], tmp_path: Path, ir_db: list[str], pk: Node, pk_url: str) -> Path:
    """IR's node, made through the CLI, with PK registered as its peer (and PK registering IR)."""
    home = tmp_path / "ir"
    code, _, err = run_cli(capsys, "--home", str(home), "init", "--party", "IR", *ir_db)
    assert code == 0, err
    code, vkey, err = run_cli(capsys, "--home", str(home), "key", "show")
    assert code == 0, err
    add_peer(pk.db, "IR", "http://127.0.0.1:9", vkey.strip(), UNUSED_TOKEN)  # PK takes IR's cosignatures
    token = create_token(pk.db, "ir-node", "peer", "IR")
    code, _, err = run_cli(
        capsys, "--home", str(home), "peer", "add", "PK", pk_url, "--vkey", pk.signer.vkey, "--token", token
    )
    assert code == 0, err
    return home


def test_syncing_a_peer_that_has_published_nothing_says_so_and_succeeds(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, ir_db: list[str]
) -> None:
    with Node.init(tmp_path / "pk", "PK") as pk, serving(pk) as pk_url:  # set up a moment ago: an empty log
        home = _ir_home(capsys, tmp_path, ir_db, pk, pk_url)
        code, out, err = run_cli(capsys, "--home", str(home), "sync", "PK")
        assert (code, err) == (0, "")
        assert " ".join(out.split()) == (
            "synced PK: its log is empty (the peer has published nothing yet, so it has signed no checkpoint):"
            " nothing to pull or cosign"
        )
        code, out, err = run_cli(capsys, "--home", str(home), "sync", "PK", "--json")
        assert code == 0, err
        [result] = json.loads(out)
        assert {k: result[k] for k in ("ok", "empty", "stored", "cosigned", "entries", "new_size")} == {
            "ok": True,
            "empty": True,
            "stored": True,
            "cosigned": False,
            "entries": 0,
            "new_size": 0,
        }
        # Nothing is verified, stored or owed; 'peer list' shows no copy and no cosignature owed.
        code, out, err = run_cli(capsys, "--home", str(home), "peer", "list", "--json")
        assert code == 0, err
        [peer] = json.loads(out)
        assert (peer["leaves"], peer["cosignature_owed"]) == (0, None)

        # Once PK publishes, the next sync copies its log and cosigns, as any first sync does.
        import_file(pk, "ucdp", UCDP_SAMPLE)
        code, out, err = run_cli(capsys, "--home", str(home), "sync", "PK")
        assert code == 0, err
        assert out.startswith("synced PK: log 0 → 37, 37 new entries, 37 objects (none withheld), cosigned")
        # One of each is said as one.
        with pk.publisher() as pub:
            note = {"type": "note", "id": "note--6f1c2b5e-7c1a-4f9a-9a43-5e0e4a7f2b12", "spec_version": "2.1"}
            pub.add_object({**note, "content": "liaison note", "object_refs": [note["id"]]})
        code, out, err = run_cli(capsys, "--home", str(home), "sync", "PK")
        assert code == 0, err
        assert out.startswith("synced PK: log 37 → 38, 1 new entry, 1 object (none withheld), cosigned")


def test_a_peer_whose_verified_log_is_gone_still_fails_the_sync(tmp_path: Path) -> None:
    # A log this node verified once cannot become empty: a peer answering that it has no checkpoint after that
    # (its node set up again from nothing) is not "nothing to pull".
    with Node.init(tmp_path / "pk", "PK") as pk, Node.init(tmp_path / "ir", "IR") as ir:
        import_file(pk, "ucdp", UCDP_SAMPLE)
        with serving(pk) as pk_url:
            add_peer(ir.db, "PK", pk_url, pk.signer.vkey, create_token(pk.db, "ir-node", "peer", "IR"))
            assert sync_peer(ir, get_peer(ir.db, "PK")).new_size == 37
        with Node.init(tmp_path / "pk-again", "PK") as empty:
            with serving(empty) as empty_url:
                add_peer(ir.db, "PK", empty_url, pk.signer.vkey, create_token(empty.db, "ir-node", "peer", "IR"))
                with pytest.raises(ExchangeError, match=r"peer PK: .*no signed checkpoint"):
                    sync_peer(ir, get_peer(ir.db, "PK"))
        assert ir.db.fetchone("SELECT MAX(size) FROM peer_checkpoints") == (37,)
