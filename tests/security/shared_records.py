"""What the tests of a record both parties edit (a dispute, a recommendation, a milestone) share: PK and IR, real
nodes on loopback each the other's peer and holding the framework (:func:`framework_nodes`), the dispute PK
opens, and what PK (or IR) shows of it on the command line and in its quarterly report.
"""

from __future__ import annotations

import copy
import json
import sqlite3
import tarfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from sarhad.exchange.refused import Refusal
from sarhad.exchange.sync import SyncResult
from sarhad.framework.ops import open_dispute
from sarhad.framework.quarter import Quarter, utc_today
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import run_cli
from tests.node_pair import Pair, peered, pk_and_ir, refused_apart, report_bytes

PK_POSITION = "4 of 11 requests were answered within 72 hours."
IR_POSITION = "All were answered through the liaison channel."
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
"""The fixture parameters of :func:`framework_nodes`: each test runs on SQLite and on PostgreSQL."""
UPGRADE_FIXTURE = Path(__file__).parents[1] / "assets" / "upgrade" / "node-0.1.0.tar.gz"
"""The home of a PK node written by sarhad 0.1.0 (see ``tests/assets/upgrade/README.md``)."""


def release_0_1_0_milestone_met(tmp_path: Path) -> dict[str, Any]:
    """The version of milestone M-03.1 that sarhad 0.1.0 published when PK recorded it met (``milestone update
    --status met --date-met 2026-01-10``), read from the upgrade fixture unpacked under ``tmp_path``."""
    with tarfile.open(UPGRADE_FIXTURE) as tar:
        tar.extract("pk/sarhad.db", tmp_path / "release-0.1.0", filter="data")
    with sqlite3.connect(tmp_path / "release-0.1.0" / "pk" / "sarhad.db") as con:
        rows = con.execute(
            "SELECT body FROM objects WHERE type = 'x-sarhad-milestone' AND origin = 'PK' ORDER BY modified"
        ).fetchall()
    (met,) = [b for b in (json.loads(r[0]) for r in rows) if b["code"] == "M-03.1" and b["status"] == "met"]
    assert isinstance(met, dict)
    return met


class Nodes(Pair):
    """PK and IR holding the framework, served on loopback (``urls``, PK's first)."""

    urls: tuple[str, str] = ("", "")

    def stored(self) -> dict[str, list[tuple[object, ...]]]:
        """What PK holds of its own records, and shows in its views, that a rewritten version could change."""
        queries = {
            "objects": "SELECT id, modified, origin FROM objects WHERE origin = 'PK' ORDER BY seq",
            "disputes": "SELECT * FROM fw_disputes ORDER BY id",
            "recommendations": "SELECT * FROM fw_recommendations ORDER BY id",
            "milestones": "SELECT * FROM fw_milestones ORDER BY id",
        }
        return {name: [tuple(r) for r in self.pk.db.fetchall(sql)] for name, sql in queries.items()}

    def both_sync(self) -> None:
        """PK pulls from IR, then IR from PK, and neither refuses anything."""
        assert not self.pk_syncs().refused
        assert not self.ir_syncs().refused

    def refused(self, result: SyncResult, pattern: str) -> Refusal:
        """The one entry ``result`` refused, whose message matches ``pattern``: kept apart with its reason, not
        applied, while IR's whole log was copied."""
        return refused_apart(self.pk, self.ir, result, pattern)

    def ir_publishes_changed(self, object_id: str, change: Callable[[dict[str, Any]], None]) -> None:
        """IR publishes, in its own log, a later version of its current copy of ``object_id``, changed."""
        row = self.ir.db.fetchone("SELECT body FROM objects WHERE id = ? ORDER BY modified DESC LIMIT 1", (object_id,))
        assert row is not None
        body = orjson.loads(row[0])
        forged = copy.deepcopy(body)
        change(forged)
        assert forged != body
        with self.ir.publisher() as pub:
            assert pub.add_object(forged, tlp="GREEN") is not None

    def node_cli(self, node: Node, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
        """The parsed JSON that ``node``'s command line prints for ``args`` (``--json`` added); fails on an error."""
        status, out, err = run_cli(capsys, "--home", str(node.settings.home), *args, "--json")
        assert status == 0, err
        return json.loads(out)

    def api(self, node: Node, path: str) -> Any:
        """The JSON that ``node``'s API answers an analyst of its own party on ``path``, over HTTP."""
        party = node.settings.party
        token = create_token(node.db, f"analyst-{party.lower()}", "analyst", party)
        url = self.urls[0] if node is self.pk else self.urls[1]
        response = httpx.get(url + path, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()


@contextmanager
def framework_nodes(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Nodes]:
    """PK and IR, both holding the framework, both serving on loopback, each registered as the other's peer. On
    PostgreSQL (``request.param``, one of :data:`BACKENDS`) each node has a schema of its own. Each has synced the
    other's framework once, so that a later sync brings only what the test publishes."""
    with pk_and_ir(tmp_path, request, framework="pk-ir-2025") as (pk, ir), peered(pk, ir) as urls:
        nodes = Nodes(pk, ir)
        nodes.urls = urls
        nodes.pk_syncs()
        nodes.ir_syncs()
        yield nodes


def pk_dispute(nodes: Nodes) -> dict[str, Any]:
    """PK opens a dispute about C-08 with its position; IR copies it by syncing from PK."""
    opened = open_dispute(nodes.pk, "C-08", "2026Q1", "Were requests answered in time?", PK_POSITION)
    nodes.ir_syncs()
    return opened


def shown_dispute(nodes: Nodes, capsys: pytest.CaptureFixture[str], code: str) -> dict[str, Any]:
    """The dispute ``code`` as PK's ``dispute show --json`` prints it."""
    shown: dict[str, Any] = nodes.node_cli(nodes.pk, capsys, "dispute", "show", code)
    return shown


def quarterly_report(
    nodes: Nodes, capsys: pytest.CaptureFixture[str], out: Path, node: Node | None = None, quarter: str = "2026Q1"
) -> str:
    """The ``quarter``'s report PK (or ``node``) renders to ``out``, without the minute it was generated in (two
    renders may straddle a minute). A quarter that is over shows the state at its end: a dispute opened today is in
    the current quarter's register (:func:`this_quarter`), not in an earlier one's."""
    home = (node or nodes.pk).settings.home
    args = ("report", "quarterly", "--quarter", quarter, "--out", str(out))
    status, _, err = run_cli(capsys, "--home", str(home), *args)
    assert status == 0, err
    return report_bytes(out).decode("utf-8")


def this_quarter() -> str:
    """The quarter today (UTC) is in, e.g. 2026Q4: the one whose report shows what was done today."""
    return str(Quarter.of(utc_today()))
