"""A peer's records, once synced over TAXII from a real node on loopback, are reconciled with the node's own."""

from __future__ import annotations

from pathlib import Path

from sarhad.exchange.peers import add_peer, get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.node import Node
from sarhad.reconcile.store import cluster_view, list_clusters, reconcile
from sarhad.web.auth import create_token
from tests.reconcile.helpers import report
from tests.web.conftest import serving


def test_synced_peer_report_joins_the_nodes_own_report_of_the_incident(tmp_path: Path) -> None:
    pk = Node.init(tmp_path / "pk", "PK")
    ir = Node.init(tmp_path / "ir", "IR")
    try:
        # Each party's report of one attack in Saravan: a night attack, so the dates differ by a day; each
        # spells the group its own way; and they disagree on the toll.
        pk.publish([report("PK", "PK-3", "2024-03-14", lat=27.37, lon=62.33, geo="near", country="IR",
                           admin1="IR-11", place="Saravan", attack="Armed Assault", perpetrator="Jaish al-Adl",
                           killed=12)])  # fmt: skip
        ir.publish([report("IR", "IR-3", "2024-03-15", lat=27.3712, lon=62.3402, country="IR",
                           admin1="IR-11", place="Saravan", attack="Armed Assault", perpetrator="Jaish al-Zolm",
                           killed=3)])  # fmt: skip
        assert reconcile(ir.db, "IR").clusters == 1  # before the sync, IR knows only its own report
        with serving(pk) as pk_url, serving(ir) as ir_url:
            add_peer(ir.db, "PK", pk_url, pk.signer.vkey, create_token(pk.db, "ir", "peer", "IR"))
            add_peer(pk.db, "IR", ir_url, ir.signer.vkey, create_token(ir.db, "pk", "peer", "PK"))
            assert sync_peer(ir, get_peer(ir.db, "PK")).objects >= 1
        summary = reconcile(ir.db, "IR")
        assert (summary.records, summary.new_records, summary.clusters) == (2, 1, 1)
        [cluster] = list_clusters(ir.db, disagreements=True)
        assert sorted(m["reported_by"] for m in cluster["members"]) == ["IR", "PK"]
        assert cluster["killed"] == {"low": 3, "best": 3, "high": 12}
        assert cluster["flags"] == ["figures_disagree", "date_disagree"]  # PK dates it a day before IR
        killed = cluster_view(ir.db, cluster["cluster_id"]).figure("killed")
        assert killed is not None and {p: best for p, _, best, _ in killed.by_party} == {"IR": 3, "PK": 12}
    finally:
        pk.close()
        ir.close()
