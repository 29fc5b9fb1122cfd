"""GTD and ACLED rows (whose licences forbid redistribution) are not given to another party over sync, TAXII or
the JSON API unless the node shares them (``share_restricted``): their bodies are withheld as a TLP:RED one is,
their envelopes stay in the log (which the peer verifies whole), and the node's own party reads them as before.
Real nodes on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sarhad.importer import import_file
from sarhad.model.incident import SARHAD_EXTENSION
from sarhad.node import Node
from sarhad.reconcile.store import reconcile
from sarhad.web.auth import create_token
from tests.conftest import ASSETS, UCDP_SAMPLE, run_cli
from tests.node_pair import Pair, peered, pk_and_ir
from tests.web.conftest import TAXII

GTD = ASSETS / "synthetic" / "gtd_synthetic.csv"
ACLED = ASSETS / "synthetic" / "acled_synthetic.csv"
RESTRICTED = ("GTD-EUA", "ACLED-ToU")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def nodes(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, Node]]:
    """PK holding UCDP, GTD and ACLED rows, and IR, not yet served."""
    with pk_and_ir(tmp_path, request) as (pk, ir):
        for fmt, path in (("ucdp", UCDP_SAMPLE), ("gtd", GTD), ("acled", ACLED)):
            import_file(pk, fmt, path)
        yield pk, ir


def _count(node: Node, sql: str, params: tuple[str, ...] = ()) -> int:
    row = node.db.fetchone(sql, params)
    assert row is not None
    return int(row[0])


def _by_licence(node: Node) -> dict[str, int]:
    return {str(r[0]): int(r[1]) for r in node.db.fetchall("SELECT licence, COUNT(*) FROM objects GROUP BY licence")}


def test_a_peer_gets_ucdp_bodies_and_gtd_acled_envelopes_only(
    nodes: tuple[Node, Node], capsys: pytest.CaptureFixture[str]
) -> None:
    pk, ir = nodes
    held = _by_licence(pk)
    restricted = held["GTD-EUA"] + held["ACLED-ToU"]
    assert held["CC-BY-4.0"] > 0 and held["GTD-EUA"] > 0 and held["ACLED-ToU"] > 0
    size = _count(pk, "SELECT COUNT(*) FROM log_leaves")
    with peered(pk, ir):
        result = Pair(pk, ir).ir_syncs()
        assert (result.entries, result.objects, result.withheld) == (size, held["CC-BY-4.0"], restricted)
        # withheld by licence, counted under the TLP their envelopes log (the envelope carries no licence)
        assert dict(result.withheld_tlp) == {"CLEAR": restricted}
        assert "licence" in result.withheld_text(), result.withheld_text()
        # IR holds every entry of PK's log (verified against PK's checkpoint) and no GTD or ACLED body
        assert _count(ir, "SELECT COUNT(*) FROM peer_leaves WHERE peer = 'PK'") == size
        assert _by_licence(ir) == {"CC-BY-4.0": held["CC-BY-4.0"]}
        assert _count(ir, "SELECT COUNT(*) FROM incidents") == held["CC-BY-4.0"]
        assert _count(ir, "SELECT COUNT(*) FROM withheld_versions WHERE origin = 'PK'") == restricted
        # a later sync is clean: nothing new, nothing withheld, the copy still consistent with PK's log
        again = Pair(pk, ir).ir_syncs()
        assert (again.entries, again.objects, again.withheld) == (0, 0, 0)
        assert again.withheld_text() == "none withheld" and again.cosigned
    # IR's log verify checks its copy of PK's log too: every copied leaf, the withheld ones' envelopes included
    code, out, err = run_cli(capsys, "--home", str(ir.settings.home), "log", "verify", "--json")
    assert code == 0, out + err
    assert json.loads(out)["peers"], out


def test_a_node_that_shares_restricted_rows_gives_the_peer_every_body(nodes: tuple[Node, Node]) -> None:
    pk, ir = nodes
    pk.settings = dataclasses.replace(pk.settings, share_restricted=True)  # as share_restricted = true in sarhad.toml
    held = _by_licence(pk)
    with peered(pk, ir):
        result = Pair(pk, ir).ir_syncs()
    assert (result.objects, result.withheld) == (sum(held.values()), 0)
    assert _by_licence(ir) == held


def test_another_partys_principals_read_no_gtd_or_acled_row_and_the_nodes_own_read_all(
    nodes: tuple[Node, Node],
) -> None:
    pk, _ = nodes
    held = _by_licence(pk)
    gtd = pk.db.fetchone("SELECT id FROM incidents WHERE licence = 'GTD-EUA' LIMIT 1")
    assert gtd is not None
    tokens = {
        who: create_token(pk.db, who, role, party)
        for who, role, party in (
            ("ana", "analyst", "PK"),
            ("ir-ana", "analyst", "IR"),
            ("ir-root", "admin", "IR"),
            ("ir-node", "peer", "IR"),
            ("monitor", "viewer", "PARL"),
        )
    }
    with peered(pk, _) as (pk_url, _ir_url), httpx.Client(base_url=pk_url, timeout=60) as client:

        def get(who: str, path: str, **params: str) -> httpx.Response:
            answer = client.get(path, params=params, headers={"Authorization": f"Bearer {tokens[who]}", **TAXII})
            assert answer.status_code in (200, 404), answer.text
            return answer

        for who in tokens:
            readable = sum(held.values()) if who == "ana" else held["CC-BY-4.0"]
            assert get(who, "/api/incidents", limit="1").json()["total"] == readable, who
            assert get(who, "/api/stats").json()["incidents"] == readable, who
            assert get(who, "/api/dashboard/table", limit="1").json()["total"] == readable, who
            reporters = set(get(who, "/api/dashboard/options").json()["parties"])
            assert bool(reporters & {"GTD", "ACLED"}) is (who == "ana"), (who, reporters)
            timeline = get(who, "/api/dashboard/timeline").json()
            rows = [*timeline["months"], *timeline["years"]]
            assert sum(r["incidents"] for r in rows) == readable, who
            assert bool({r["party"] for r in rows} & {"GTD", "ACLED"}) is (who == "ana"), who
            datasets = {g["key"] for g in get(who, "/api/stats", by="dataset").json()["groups"]}
            assert bool(datasets & {"gtd", "acled"}) is (who == "ana"), (who, datasets)
            found = get(who, f"/api/incidents/{gtd[0]}").status_code
            assert found == (200 if who == "ana" else 404), who
            taxii = get(who, "/taxii2/sarhad/collections/incidents/objects/", limit="1000").json()
            licences = {o["extensions"][SARHAD_EXTENSION]["licence"] for o in taxii.get("objects", [])}
            assert bool(licences & set(RESTRICTED)) is (who == "ana"), (who, licences)
            entries = get(who, "/log/entries", start="0", end="1000", objects="1").json()
            assert len(entries["entries"]) == min(1000, sum(held.values()))
            served = {int(k) for k in entries["objects"]}
            restricted_at = {
                int(r[0])
                for r in pk.db.fetchall("SELECT log_index FROM objects WHERE licence IN ('GTD-EUA', 'ACLED-ToU')")
            }
            assert bool(served & restricted_at) is (who == "ana"), who


def test_a_record_both_parties_import_stays_each_nodes_own(nodes: tuple[Node, Node]) -> None:
    """IR imports the same GTD file (the ids derive from the dataset, so it re-publishes PK's records under its
    own log): each node withholds its copy from the other, and each keeps its own rows current."""
    pk, ir = nodes
    import_file(ir, "gtd", GTD)
    gtd = _count(ir, "SELECT COUNT(*) FROM incidents")
    with peered(pk, ir):
        to_ir = Pair(pk, ir).ir_syncs()
        to_pk = Pair(pk, ir).pk_syncs()
    assert to_pk.withheld == gtd and to_pk.objects == 0
    assert to_ir.withheld == _count(pk, "SELECT COUNT(*) FROM objects WHERE licence IN ('GTD-EUA', 'ACLED-ToU')")
    assert _count(ir, "SELECT COUNT(*) FROM incidents WHERE licence = 'GTD-EUA'") == gtd
    assert _count(pk, "SELECT COUNT(*) FROM incidents WHERE licence = 'GTD-EUA'") == gtd
    assert _count(pk, "SELECT COUNT(*) FROM objects WHERE origin = 'IR'") == 0


def test_the_clusters_of_another_party_name_no_gtd_or_acled_member(nodes: tuple[Node, Node]) -> None:
    """The stored clusters (and the audiences' rows, for a principal that reads CLEAR or CLEAR and GREEN only)
    count every member: a cluster with a GTD or ACLED member is shown to another party from its other members."""
    pk, ir = nodes
    reconcile(pk.db, "PK")
    tokens = {
        who: create_token(pk.db, who, role, party)
        for who, role, party in (
            ("ana", "analyst", "PK"),
            ("ir-ana", "analyst", "IR"),
            ("ir-node", "peer", "IR"),
            ("monitor", "viewer", "PARL"),
        )
    }
    shared = _count(
        pk,
        "SELECT COUNT(DISTINCT m.cluster_id) FROM reconcile_members m JOIN incidents i ON i.id = m.incident_id"
        " WHERE i.licence NOT IN ('GTD-EUA', 'ACLED-ToU')",
    )
    everything = _count(pk, "SELECT COUNT(*) FROM reconcile_clusters")
    assert 0 < shared < everything
    with peered(pk, ir) as (pk_url, _ir_url), httpx.Client(base_url=pk_url, timeout=60) as client:
        for who, token in tokens.items():
            answer = client.get(
                "/api/dashboard/clusters", params={"limit": "200"}, headers={"Authorization": f"Bearer {token}"}
            )
            assert answer.status_code == 200, answer.text
            found = answer.json()
            # a cluster of GTD and ACLED members alone is not listed to another party, nor counted
            assert found["total"] == (everything if who == "ana" else shared), who
            datasets = {m["dataset"] for c in found["clusters"] for m in c["members"]}
            assert all(c["members"] for c in found["clusters"]), who
            assert bool(datasets & {"gtd", "acled"}) is (who == "ana"), (who, datasets)
            assert "ucdp" in datasets, who
