"""A node backed up while it serves and a peer syncs from it, restored in another home, and synced on from there."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import UCDP_SAMPLE, write_ucdp
from tests.integration.test_two_nodes import NO_AUDIT_BATCHES, cli, free_port
from tests.serve_process import sarhad_serve

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_a_node_restored_from_a_backup_taken_while_serving_syncs_on_with_its_peer(tmp_path: Path) -> None:
    pk, ir = tmp_path / "pk", tmp_path / "ir"
    for home, party in ((pk, "PK"), (ir, "IR")):
        cli(home, "init", "--party", party)
        cli(home, "import", "ucdp", str(UCDP_SAMPLE), "--reported-by", party)
    pk_port, ir_port = free_port(), free_port()
    for home, other, other_home, port, name in ((pk, "IR", ir, ir_port, "ir-node"), (ir, "PK", pk, pk_port, "pk-node")):
        token = cli(other_home, "token", "create", "--principal", name, "--role", "peer", "--party",
                    home.name.upper()).stdout.strip()  # fmt: skip
        vkey = cli(other_home, "key", "show").stdout.strip()
        cli(home, "peer", "add", other, f"http://127.0.0.1:{port}", "--vkey", vkey, "--token", token)
    backup = tmp_path / "backup"
    with sarhad_serve(pk, pk_port, *NO_AUDIT_BATCHES), sarhad_serve(ir, ir_port, *NO_AUDIT_BATCHES):
        [synced] = json.loads(cli(ir, "sync", "PK", "--json").stdout)
        assert synced["ok"] and synced["entries"] >= 37  # IR's own, and the audit batches of its serve
        done = json.loads(cli(pk, "store", "backup", "--out", str(backup), "--json").stdout)
        assert (done["log_size"], done["check"]) == (37, "ok")
    # The restore: the folder becomes a home, the key (kept apart) goes back, and the log verifies.
    restored = tmp_path / "pk-restored"
    shutil.copytree(backup, restored)
    shutil.copy(pk / "node.key", restored / "node.key")
    shutil.rmtree(pk)
    assert "log verified" in cli(restored, "log", "verify").stdout
    more = tmp_path / "more.csv"
    write_ucdp(more, 5, 800_000)
    cli(restored, "import", "ucdp", str(more), "--reported-by", "PK")
    with sarhad_serve(restored, pk_port, *NO_AUDIT_BATCHES), sarhad_serve(ir, ir_port, *NO_AUDIT_BATCHES):
        [synced] = json.loads(cli(ir, "sync", "PK", "--json").stdout)
        assert synced["ok"] and synced["entries"] == 5  # from the checkpoint IR verified before the backup
        [synced] = json.loads(cli(restored, "sync", "IR", "--json").stdout)
        assert synced["ok"] and synced["entries"] >= 37  # IR's own, and the audit batches of its serve
    assert "log verified" in cli(ir, "log", "verify").stdout
