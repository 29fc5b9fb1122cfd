"""The query tables' state columns of a record both parties edit hold its merged state: PK and IR each change a
dispute, a recommendation and a milestone without having seen the other's change, IR's version is the later one
(current on both nodes) and leaves PK's change out. The views show the state the merged history arrives at
(PK's change, the latest by day); an SQL filter on ``fw_disputes.status``, ``fw_recommendations.status`` or
``fw_milestones.status``/``due`` must give that answer too, on both nodes (real nodes on loopback, SQLite and
PostgreSQL), and so must a listing filtered by status.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from sarhad.framework.ops import (
    add_recommendation,
    open_dispute,
    reply_dispute,
    update_dispute,
    update_milestone,
    update_recommendation,
)
from sarhad.framework.store import rebuild
from sarhad.node import Node
from sarhad.store.schema import COMPONENTS, migrate
from tests.security.shared_records import BACKENDS, IR_POSITION, PK_POSITION, Nodes, framework_nodes

OPENED, IR_DAY, PK_DAY = date(2026, 3, 2), date(2026, 3, 5), date(2026, 3, 9)


@pytest.fixture(params=BACKENDS)
def nodes(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Nodes]:
    """PK and IR holding the framework, each the other's peer."""
    with framework_nodes(tmp_path, request) as pair:
        yield pair


def _changed_apart(nodes: Nodes) -> dict[str, str]:
    """PK resolves a dispute, implements a recommendation and meets a milestone (with a new date) on PK_DAY; IR,
    not having seen these, replies, follows up and moves the date on IR_DAY (earlier), published later. Both
    sync. Returns the codes."""
    dispute = open_dispute(nodes.pk, "C-08", "2026Q1", "Were requests answered in time?", PK_POSITION, today=OPENED)
    made = add_recommendation(nodes.pk, "2026Q1", "Agree a 72-hour protocol", today=OPENED)
    nodes.ir_syncs()
    update_dispute(nodes.pk, dispute["code"], status="resolved-agreed", note="settled at the JC", today=PK_DAY)
    update_recommendation(nodes.pk, made["code"], "implemented", note="signed", today=PK_DAY)
    update_milestone(nodes.pk, "M-05.1", status="met", date_met="2026-03-08", due="2026-04-15", reason="summit",
                     today=PK_DAY)  # fmt: skip
    reply_dispute(nodes.ir, dispute["code"], IR_POSITION, today=IR_DAY)
    update_recommendation(nodes.ir, made["code"], "in-progress", note="draft sent", today=IR_DAY)
    update_milestone(nodes.ir, "M-05.1", due="2026-05-20", reason="after the budget", today=IR_DAY)
    nodes.both_sync()
    return {"dispute": dispute["code"], "recommendation": made["code"]}


def _columns(node: Node, codes: dict[str, str]) -> dict[str, tuple[object, ...]]:
    """The state columns of the three records on ``node``, and what an SQL filter by status finds."""
    dispute = node.db.fetchone("SELECT status, level FROM fw_disputes WHERE code = ?", (codes["dispute"],))
    rec = node.db.fetchone("SELECT status FROM fw_recommendations WHERE code = ?", (codes["recommendation"],))
    milestone = node.db.fetchone("SELECT status, due FROM fw_milestones WHERE code = 'M-05.1'")
    assert dispute is not None and rec is not None and milestone is not None
    unresolved = node.db.fetchall("SELECT code FROM fw_disputes WHERE status NOT LIKE 'resolved%'")
    met = node.db.fetchall("SELECT code FROM fw_milestones WHERE status = 'met'")
    return {
        "dispute": tuple(dispute),
        "recommendation": tuple(rec),
        "milestone": tuple(milestone),
        "unresolved": tuple(r[0] for r in unresolved),
        "met": tuple(r[0] for r in met),
    }


MERGED = {
    "dispute": ("resolved-agreed", "technical"),
    "recommendation": ("implemented",),
    "milestone": ("met", "2026-04-15"),
    "unresolved": (),
    "met": ("M-05.1",),
}


def test_state_columns_hold_the_merged_state_on_both_nodes(nodes: Nodes, capsys: pytest.CaptureFixture[str]) -> None:
    codes = _changed_apart(nodes)
    for node in (nodes.pk, nodes.ir):
        # IR's version is the current one on both nodes, and it holds IR's state alone.
        (current,) = node.db.fetchall(
            "SELECT o.origin, o.body FROM fw_disputes v JOIN objects o ON o.id = v.id AND o.modified = v.modified"
        )
        assert current[0] == "IR" and '"status":"under-review"' in current[1].replace(" ", "")
        assert _columns(node, codes) == MERGED
        # The listings filtered by status agree with the columns.
        assert nodes.node_cli(node, capsys, "dispute", "list", "--open") == []
        (dispute,) = nodes.node_cli(node, capsys, "dispute", "list")
        assert dispute["status"] == "resolved-agreed"
        (rec,) = nodes.node_cli(node, capsys, "recommend", "list")
        assert rec["status"] == "implemented"
        (milestone,) = [m for m in nodes.node_cli(node, capsys, "milestone", "list") if m["code"] == "M-05.1"]
        assert (milestone["status"], milestone["due_revised"]) == ("met", "2026-04-15")
        assert nodes.api(node, "/api/disputes?open=true")["disputes"] == []


def test_rebuild_writes_the_merged_state(nodes: Nodes) -> None:
    codes = _changed_apart(nodes)
    for node in (nodes.pk, nodes.ir):
        with node.db.transaction():
            rebuild(node.db)
        assert _columns(node, codes) == MERGED


def test_the_migration_writes_the_merged_state_over_the_current_versions(nodes: Nodes) -> None:
    codes = _changed_apart(nodes)
    (step,) = [
        n for n, s in enumerate(COMPONENTS()["framework"], start=1) if getattr(s, "__name__", "") == "_merged_state"
    ]
    for node in (nodes.pk, nodes.ir):
        # As an earlier release left them: the current version's state, and the migration not yet applied.
        with node.db.transaction():
            node.db.execute("UPDATE fw_disputes SET status = 'under-review'")
            node.db.execute("UPDATE fw_recommendations SET status = 'in-progress'")
            node.db.execute("UPDATE fw_milestones SET status = 'scheduled', due = '2026-05-20' WHERE code = 'M-05.1'")
            node.db.execute("DELETE FROM schema_migrations WHERE component = 'framework' AND version = ?", (step,))
        assert _columns(node, codes)["unresolved"] == (codes["dispute"],)
        assert migrate(node.db) == 1
        assert _columns(node, codes) == MERGED
