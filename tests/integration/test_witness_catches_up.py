"""Two real ``sarhad serve`` processes (PK and IR) that sync each other while their audit trails are carried into
their logs as a live node's are (every second here, every minute by default).

A witness's sync is recorded in the audit trail of the node it syncs, and that trail is logged. Before, every
sync left a new audit batch for the next one to pull, so the syncs never settled, and the latest checkpoint, the
one ``GET /log/checkpoint`` served, was cosigned only until the next batch: an auditor following
docs/transparency-log.md could not check the witness. Now the witness's own requests wait for a batch with
another row, and ``GET /log/checkpoint`` serves the latest checkpoint the witnesses cosigned.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sarhad.audit import WITNESS_ACTIONS
from tests.conftest import UCDP_SAMPLE, drop_schema
from tests.integration.test_two_nodes import cli, free_port
from tests.serve_process import child_env, sarhad_serve

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DOCS = Path(__file__).parents[2] / "docs" / "transparency-log.md"
LIVE_AUDIT_BATCHES = ("--audit-flush-seconds", "1")


def docs_fetch_script() -> str:
    """The auditor's script of docs/transparency-log.md ("From the log API, without the node's home"), verbatim."""
    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    [script] = [str(b) for b in blocks if "def get(path, **query)" in b]
    return script


def settled(*homes: Path) -> None:
    """Wait until each node has carried into its log every audit row the periodic flush carries (a liveness
    bound, not a timing: a served node flushes every second here)."""
    deadline = time.monotonic() + 60
    for home in homes:
        while True:
            rows = json.loads(cli(home, "audit", "list", "--json").stdout)
            waiting = [r for r in rows if r["logged"] is None and r["action"] not in WITNESS_ACTIONS]
            if not waiting:
                break
            assert time.monotonic() < deadline, f"{home.name}'s audit rows were not logged within 60 s: {waiting}"
            time.sleep(0.2)


def sync_both(pk: Path, ir: Path) -> tuple[int, int]:
    """IR syncs PK, then PK syncs IR; the entries each pulled."""
    pulled = []
    for home, other in ((ir, "PK"), (pk, "IR")):
        [result] = json.loads(cli(home, "sync", other, "--json").stdout)
        assert result["ok"] and result["cosigned"], result
        pulled.append(int(result["entries"]))
    return pulled[0], pulled[1]


def log_size(home: Path) -> int:
    return int(json.loads(cli(home, "log", "checkpoint", "--json").stdout)["size"])


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def databases(request: pytest.FixtureRequest) -> list[tuple[str, ...]]:
    """init's database options for PK and IR: SQLite files in their homes, or schemas of their own."""
    if request.param == "sqlite":
        return [(), ()]
    base = request.getfixturevalue("pg_schema_url")
    request.addfinalizer(lambda: drop_schema(base + "_ir"))
    return [("--db", base), ("--db", base + "_ir")]


def test_a_witness_catches_up_and_an_auditor_checks_its_cosignature_on_a_live_node(
    tmp_path: Path, databases: list[tuple[str, ...]]
) -> None:
    pk, ir = tmp_path / "pk", tmp_path / "ir"
    for home, party, db in ((pk, "PK", databases[0]), (ir, "IR", databases[1])):
        cli(home, "init", "--party", party, *db)
        cli(home, "import", "ucdp", str(UCDP_SAMPLE), "--reported-by", party)
    pk_port, ir_port = free_port(), free_port()
    for home, other, other_home, port, name in ((pk, "IR", ir, ir_port, "ir-node"), (ir, "PK", pk, pk_port, "pk-node")):
        token = cli(other_home, "token", "create", "--principal", name, "--role", "peer", "--party",
                    home.name.upper()).stdout.strip()  # fmt: skip
        cli(home, "peer", "add", other, f"http://127.0.0.1:{port}", "--vkey", cli(other_home, "key", "show").stdout,
            "--token", token)  # fmt: skip
    # The auditor's token and files, as docs/transparency-log.md says: PK's key and IR's, the witness.
    auditor = cli(pk, "token", "create", "--principal", "auditor", "--role", "viewer", "--party", "AUDIT").stdout
    (tmp_path / "pk.vkey").write_text(cli(pk, "key", "show").stdout)
    (tmp_path / "witnesses.txt").write_text(cli(ir, "key", "show").stdout)
    incident = json.loads(cli(pk, "incidents", "list", "--json").stdout)[0]["id"]
    with sarhad_serve(pk, pk_port, *LIVE_AUDIT_BATCHES) as pk_url, sarhad_serve(ir, ir_port, *LIVE_AUDIT_BATCHES):
        # The 37 incidents and the batch of the operators' commands above (tokens, peers), logged as serve began.
        settled(pk, ir)
        assert (log_size(pk), log_size(ir)) == (38, 38)
        assert sync_both(pk, ir) == (38, 38)
        # Each node logs the other's read of its records as an audit batch, which the next sync pulls.
        settled(pk, ir)
        sizes = log_size(pk), log_size(ir)
        assert sizes == (39, 39)

        # The auditor, verbatim: the checkpoint PK serves is cosigned by IR, though PK signed a later one since.
        served = subprocess.run(
            [sys.executable, "-c", docs_fetch_script(), pk_url, auditor.strip(), "inclusion", incident],
            cwd=tmp_path, env=child_env(), capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert served.returncode == 0, served.stderr
        checked = cli(pk, "log", "check-proof", str(tmp_path / "inclusion.json"), "--vkey",
                      (tmp_path / "pk.vkey").read_text().strip(), "--witness-key", str(tmp_path / "witnesses.txt"),
                      check=False)  # fmt: skip
        assert checked.returncode == 0, checked.stderr
        assert "1 of 1 witness cosigned (quorum 1)" in checked.stdout
        assert "cosignature by sarhad.ir/log" in checked.stdout

        # The syncs converge: the audit batches are pulled once, and then there is nothing new, however often.
        assert sync_both(pk, ir) == (1, 1)
        settled(pk, ir)
        assert (log_size(pk), log_size(ir)) == sizes
        for _ in range(2):
            assert sync_both(pk, ir) == (0, 0)
            settled(pk, ir)
            assert (log_size(pk), log_size(ir)) == sizes

        # Now the latest checkpoint is the one served, and the witness cosigned it.
        served = subprocess.run(
            [sys.executable, "-c", docs_fetch_script(), pk_url, auditor.strip(), "inclusion", incident],
            cwd=tmp_path, env=child_env(), capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert served.returncode == 0, served.stderr
        assert f"(size {sizes[0]})" in served.stdout
        checked = cli(pk, "log", "check-proof", str(tmp_path / "inclusion.json"), "--vkey",
                      (tmp_path / "pk.vkey").read_text().strip(), "--witness-key", str(tmp_path / "witnesses.txt"),
                      check=False)  # fmt: skip
        assert checked.returncode == 0, checked.stderr
    # The witness's requests are in the audit trail all the same, and the trail goes into the log at the stop.
    rows = json.loads(cli(pk, "audit", "list", "--json").stdout)
    assert {r["action"] for r in rows} >= {"read", "cosignature"}
    assert all(r["logged"] is not None for r in rows)
    assert "log verified" in cli(pk, "log", "verify").stdout
