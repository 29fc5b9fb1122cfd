"""Two real ``sarhad serve`` processes (PK and IR) set up through the CLI, syncing each other on loopback.

Both sync, both logs verify, each checkpoint carries the other's cosignature; then PK's operator rewrites an
old record in the database and hides it (recomputes the hash, rebuilds and re-signs the log): PK's own
``log verify`` notices only that IR's cosignature, which PK's logged audit trail records receiving, is gone;
IR's next sync fails naming the entry, and IR's data is unchanged.
"""

from __future__ import annotations

import hashlib
import io
import json
import socket
import sqlite3
import subprocess
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import httpx
import pytest

from sarhad.canonical import canonical_text
from sarhad.config import load_settings
from sarhad.log.envelope import Envelope
from sarhad.log.store import Log
from sarhad.model.incident import content_hash
from sarhad.node import Node
from tests.conftest import UCDP_SAMPLE
from tests.serve_process import sarhad_serve

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``sarhad --home HOME ARGS`` in this process and return its exit status and output as a finished
    process (asserting exit 0 unless told): the operator's commands, beside the served nodes' own processes,
    without an interpreter's start each."""
    from sarhad.cli import main

    argv = ["--home", str(home), *args]
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    done = subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())
    if check:
        assert done.returncode == 0, f"sarhad {' '.join(args)} exited {done.returncode}: {done.stderr}"
    return done


# Audit rows are carried into the log at shutdown only, so that no audit batch signs a new checkpoint between a
# sync and the check that its cosignature is shown.
NO_AUDIT_BATCHES = ("--audit-flush-seconds", "3600")


def hide_rewrite(home: Path, index: int) -> str:
    """Rewrite the object logged at ``index`` in the node's SQLite file as a dishonest operator would.

    The body is changed, its hashes recomputed (the incident row's too), and the whole log is rebuilt and
    re-signed with the node's own key, so that every leaf, root and signature checks out; the peer's
    cosignatures, which no longer fit, are gone. Returns the id.
    """
    db_file = home / "sarhad.db"
    # The node's own object: a copy of a peer's object has a log_index too (its entry in the peer's log).
    own = (index, load_settings(home).party)
    with sqlite3.connect(db_file) as conn:
        object_id, body = conn.execute(
            "SELECT id, body FROM objects WHERE log_index = ? AND origin = ?", own
        ).fetchone()
        obj = json.loads(body)
        obj["name"] = "a different story"
        text = canonical_text(obj)
        sha = hashlib.sha256(text.encode()).hexdigest()
        csha = content_hash(obj)
        conn.execute(
            "UPDATE objects SET body = ?, sha256 = ?, content_sha256 = ? WHERE log_index = ? AND origin = ?",
            (text, sha, csha, *own),
        )
        conn.execute("UPDATE incidents SET content_sha256 = ? WHERE id = ?", (csha, object_id))
    with Node.open(load_settings(home)) as node, node.db.transaction():
        db = node.db
        envs = [Envelope.from_canonical(str(r[0])) for r in db.fetchall("SELECT envelope FROM log_leaves ORDER BY idx")]
        old = envs[index]
        envs[index] = Envelope(old.object_id, old.version, sha, old.tlp, old.time)
        for table in ("log_leaves", "log_nodes", "log_checkpoints", "log_cosignatures"):
            db.execute(f"DELETE FROM {table}")
        db.execute("UPDATE log_head SET size = -1")
        log = Log(db)
        log.append(envs)
        log.sign_checkpoint(node.signer, node.settings.origin)
    return str(object_id)


def test_two_served_nodes_sync_cosign_and_catch_a_rewritten_record(tmp_path: Path) -> None:
    pk, ir = tmp_path / "pk", tmp_path / "ir"
    for home, party in ((pk, "PK"), (ir, "IR")):
        cli(home, "init", "--party", party)
        cli(home, "import", "ucdp", str(UCDP_SAMPLE), "--reported-by", party)
    pk_port, ir_port = free_port(), free_port()
    # Each node issues a peer token to the other; each registers the other with its log key.
    for home, other, other_home, port, name in ((pk, "IR", ir, ir_port, "ir-node"), (ir, "PK", pk, pk_port, "pk-node")):
        token = cli(other_home, "token", "create", "--principal", name, "--role", "peer", "--party",
                    home.name.upper()).stdout.strip()  # fmt: skip
        vkey = cli(other_home, "key", "show").stdout.strip()
        cli(home, "peer", "add", other, f"http://127.0.0.1:{port}", "--vkey", vkey, "--token", token)
    with sarhad_serve(pk, pk_port, *NO_AUDIT_BATCHES) as pk_url, sarhad_serve(ir, ir_port, *NO_AUDIT_BATCHES):
        for home, other in ((ir, "PK"), (pk, "IR")):
            [result] = json.loads(cli(home, "sync", other, "--json").stdout)
            assert result["ok"] and (result["entries"], result["objects"]) == (37, 37)
        for home in (pk, ir):
            assert "log verified" in cli(home, "log", "verify").stdout
        pk_vkey = cli(pk, "key", "show").stdout.strip()
        ir_vkey = cli(ir, "key", "show").stdout.strip()
        pk_token = cli(pk, "token", "create", "--principal", "auditor", "--role", "viewer").stdout.strip()
        served = httpx.get(f"{pk_url}/log/checkpoint", headers={"Authorization": f"Bearer {pk_token}"}, timeout=10)
        assert served.status_code == 200
        assert f"— {ir_vkey.split('+')[0]} " in served.text
        ir_note = cli(ir, "log", "checkpoint", "--cosigned").stdout
        assert f"— {pk_vkey.split('+')[0]} " in ir_note
        before = cli(ir, "stats", "--json").stdout
    # PK's operator rewrites entry 5 while the node is down, hides it, and serves again.
    rewritten = hide_rewrite(pk, 5)
    own = cli(pk, "log", "verify", check=False)
    assert own.returncode == 1 and "log_cosignatures holds 0: 1 was deleted" in own.stderr, own.stderr
    with sarhad_serve(pk, pk_port, *NO_AUDIT_BATCHES):
        failed = cli(ir, "sync", "PK", "--json", check=False)
    assert failed.returncode == 1
    [result] = json.loads(failed.stdout)
    assert not result["ok"] and f"entry 5 ({rewritten}@" in result["error"]
    assert "split view" in result["error"] or "rewritten history" in result["error"]
    assert cli(ir, "stats", "--json").stdout == before
