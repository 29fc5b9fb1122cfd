"""Analyst decisions after corrections: a decision records the versions of the records it names; a correction
that moves a named record's date, place or figures materially puts it to review (still binding), and the analyst
keeps it (a new version, made about the corrected record) or withdraws it (a new version that binds nothing).
On SQLite and PostgreSQL, through the CLI, and with the peer's correction arriving by a real sync."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sarhad.exchange.peers import add_peer, get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.model.incident import Incident
from sarhad.node import Node
from sarhad.reconcile.decisions import DECISION_TYPE, Decision
from sarhad.reconcile.store import list_clusters, reconcile
from sarhad.web.auth import create_token
from tests.conftest import run_cli
from tests.reconcile.helpers import report
from tests.web.conftest import serving

# One bombing in Quetta as PK reports it, and UCDP's row of it, dated a week later (beyond what the scorer joins):
# the analyst merges them. UCDP then corrects its row to Khuzdar, 266 km south, and 80 days later.
PK_REPORT = report("PK", "PK-9", "2024-05-02", perpetrator="BLA", killed=7, summary="Bomb at a Quetta market")
UCDP_ROW = report("UCDP", "U-9", "2024-05-09", perpetrator="BLA", killed=7, summary="Market bombing, Quetta")
FAR_LATER = report("UCDP", "U-9", "2024-07-28", lat=27.81, lon=66.61, place="Khuzdar", perpetrator="BLA",
                   killed=7, summary="Market bombing, Quetta")  # fmt: skip
# A correction that changes nothing an analyst relied on: one more killed, a few hundred metres, other words.
SMALL = report("UCDP", "U-9", "2024-05-09", lat=30.183, lon=66.978, perpetrator="BLA", killed=8,
               summary="Bombing at the main market of Quetta")  # fmt: skip


def cli(capsys: pytest.CaptureFixture[str], node: Node, *args: str) -> str:
    code, out, err = run_cli(capsys, "--home", str(node.settings.home), *args)
    assert code == 0, err
    return out


def cli_json(capsys: pytest.CaptureFixture[str], node: Node, *args: str) -> Any:
    return json.loads(cli(capsys, node, *args, "--json"))


def merged(capsys: pytest.CaptureFixture[str], node: Node) -> str:
    """Publish the two reports, reconcile, merge them; the decision's id."""
    node.publish([PK_REPORT, UCDP_ROW])
    assert cli_json(capsys, node, "reconcile")["clusters"] == 2
    cli(capsys, node, "clusters", "merge", PK_REPORT.id, UCDP_ROW.id, "--note", "one attack; UCDP dates it late")
    [(decision_id,)] = node.db.fetchall("SELECT id FROM objects WHERE type = ?", (DECISION_TYPE,))
    return str(decision_id)


def cluster_of_pk(capsys: pytest.CaptureFixture[str], node: Node) -> dict[str, Any]:
    rows = cli_json(capsys, node, "clusters", "list")
    [row] = [r for r in rows if PK_REPORT.id in {m["id"] for m in r["members"]}]
    assert isinstance(row, dict)
    return row


def test_a_decision_records_the_versions_of_the_records_it_names(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    decision_id = merged(capsys, any_node)
    [(body,)] = any_node.db.fetchall("SELECT body FROM objects WHERE id = ?", (decision_id,))
    versions = {str(i): str(m) for i, m in any_node.db.fetchall("SELECT id, modified FROM incidents")}
    assert json.loads(body)["record_versions"] == versions
    assert cluster_of_pk(capsys, any_node)["to_review"] == []


def test_a_merge_is_to_review_after_a_member_is_corrected_far_away_and_later_and_still_binds(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    decision_id = merged(capsys, any_node)
    any_node.publish([FAR_LATER])
    line = cli(capsys, any_node, "reconcile")
    assert "1 of the node's analyst decisions to review: a record they name was corrected" in line
    # still one incident, flagged: nothing split silently
    row = cluster_of_pk(capsys, any_node)
    assert sorted(m["source_id"] for m in row["members"]) == ["PK-9", "U-9"]
    [flagged] = row["to_review"]
    assert (flagged["id"], flagged["decision"]) == (decision_id, "merge")
    [change] = flagged["changes"]
    assert change["record"] == UCDP_ROW.id and change["before"] != change["after"]
    assert change["what"][0] == "date 2024-05-09 -> 2024-07-28 (80 days later)"
    assert change["what"][1].startswith("place Quetta, PK-BA, PK (30.1798, 66.9750, exact) -> Khuzdar, PK-BA, PK")
    assert change["what"][1].endswith("(266 km away)")
    table = cli(capsys, any_node, "clusters", "list")
    assert "merge decision to review" in table
    shown = cli(capsys, any_node, "clusters", "show", PK_REPORT.id)
    assert "(applied, to review)" in shown
    assert "UCDP U-9 was corrected since: date 2024-05-09 -> 2024-07-28 (80 days later); place Quetta" in shown
    assert f"sarhad clusters review {decision_id} --keep | --withdraw" in shown
    [seen] = cli_json(capsys, any_node, "clusters", "show", PK_REPORT.id)["decisions"]
    assert (seen["to_review"], seen["applied"], seen["withdrawn"]) == (True, True, False)
    assert seen["changes"] == flagged["changes"]


def test_a_correction_that_changes_nothing_material_leaves_the_decision_as_it_was(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    merged(capsys, any_node)
    any_node.publish([SMALL])
    assert "to review" not in cli(capsys, any_node, "reconcile")
    assert cluster_of_pk(capsys, any_node)["to_review"] == []
    [seen] = cli_json(capsys, any_node, "clusters", "show", PK_REPORT.id)["decisions"]
    assert (seen["to_review"], seen["changes"]) == (False, [])


def test_keep_publishes_a_new_version_made_about_the_corrected_record(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    decision_id = merged(capsys, any_node)
    any_node.publish([FAR_LATER])
    reconcile(any_node.db, "PK")
    size = any_node.log.size()
    said = cli_json(capsys, any_node, "clusters", "review", decision_id, "--keep", "--note", "UCDP mislocated it")
    assert (said["review"], said["tlp"]) == ("kept", "GREEN")
    assert said["changes"][0]["record"] == UCDP_ROW.id
    assert any_node.log.size() == size + 1  # published and logged, as any record
    rows = any_node.db.fetchall("SELECT modified, body FROM objects WHERE id = ? ORDER BY modified", (decision_id,))
    assert len(rows) == 2
    latest = json.loads(rows[-1][1])
    assert latest["record_versions"][UCDP_ROW.id] == said["changes"][0]["after"]
    assert (latest["review_note"], latest["note"], latest["decision"]) == (
        "UCDP mislocated it", "one attack; UCDP dates it late", "merge"
    )  # fmt: skip
    row = cluster_of_pk(capsys, any_node)
    assert row["to_review"] == [] and len(row["members"]) == 2  # it still binds
    [seen] = cli_json(capsys, any_node, "clusters", "show", PK_REPORT.id)["decisions"]
    assert (seen["to_review"], seen["review_note"], seen["version"]) == (False, "UCDP mislocated it", rows[-1][0])
    code, _, err = run_cli(capsys, "--home", str(any_node.settings.home), "clusters", "review", decision_id, "--keep")
    assert code != 0 and "is not to review: no record it names has changed" in err and "nothing was published" in err


def test_withdraw_publishes_a_revoked_version_that_binds_nothing(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    decision_id = merged(capsys, any_node)
    any_node.publish([FAR_LATER])
    reconcile(any_node.db, "PK")
    out = cli(capsys, any_node, "clusters", "review", decision_id, "--withdraw", "--note", "two attacks after all")
    assert f"withdrew merge decision {decision_id}: it no longer binds the clusters" in out
    [(body,)] = any_node.db.fetchall(
        "SELECT body FROM objects WHERE id = ? ORDER BY modified DESC LIMIT 1", (decision_id,)
    )
    assert json.loads(body)["revoked"] is True
    # the clusters were recomputed without it: the two reports are two incidents again
    assert len(cluster_of_pk(capsys, any_node)["members"]) == 1
    [seen] = cli_json(capsys, any_node, "clusters", "show", PK_REPORT.id)["decisions"]
    assert (seen["withdrawn"], seen["applied"], seen["to_review"]) == (True, False, False)
    assert "withdrawn" in cli(capsys, any_node, "clusters", "show", PK_REPORT.id)
    code, _, err = run_cli(capsys, "--home", str(any_node.settings.home), "clusters", "review", decision_id,
                           "--withdraw")  # fmt: skip
    assert code != 0 and "was withdrawn" in err


def test_review_refuses_what_it_cannot_do_and_publishes_nothing(node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    decision_id = merged(capsys, node)
    node.publish([FAR_LATER])
    size = node.log.size()
    home = str(node.settings.home)
    code, _, err = run_cli(capsys, "--home", home, "clusters", "review", decision_id)
    assert code != 0 and "give one of --keep (the decision still holds) or --withdraw" in err
    code, _, err = run_cli(capsys, "--home", home, "clusters", "review", decision_id, "--keep", "--withdraw")
    assert code != 0 and "give one of --keep" in err
    code, _, err = run_cli(capsys, "--home", home, "clusters", "review", f"{DECISION_TYPE}--nope", "--keep")
    assert code != 0 and f"no analyst decision {DECISION_TYPE}--nope" in err
    assert node.log.size() == size


def test_a_decision_published_before_it_kept_versions_is_judged_from_what_the_node_held_then(
    node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    node.publish([PK_REPORT, UCDP_ROW])
    old = Decision("merge", (PK_REPORT.id, UCDP_ROW.id), note="before decisions kept versions")
    with node.publisher() as pub:
        pub.add_object(old.to_stix("PK"), tlp="GREEN")
    reconcile(node.db, "PK")
    assert cluster_of_pk(capsys, node)["to_review"] == []
    node.publish([FAR_LATER])
    [flagged] = cluster_of_pk(capsys, node)["to_review"]
    assert flagged["changes"][0]["what"][0] == "date 2024-05-09 -> 2024-07-28 (80 days later)"


def test_a_peers_correction_arriving_by_sync_puts_the_nodes_decision_to_review(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """IR merges its own report with PK's, which reached it by sync; PK corrects its report, and the next sync
    brings the correction: IR's decision is to review, and still binds."""
    pk = Node.init(tmp_path / "pk", "PK")
    ir = Node.init(tmp_path / "ir", "IR")
    try:
        pk_report = replace(PK_REPORT, tlp="GREEN")
        ir_report: Incident = replace(UCDP_ROW, id=report("IR", "IR-9", "2024-05-09").id, reported_by="IR",
                                      dataset="party", source_id="IR-9", tlp="GREEN")  # fmt: skip
        ir.publish([ir_report])
        with serving(pk) as pk_url, serving(ir) as ir_url:
            add_peer(ir.db, "PK", pk_url, pk.signer.vkey, create_token(pk.db, "ir", "peer", "IR"))
            add_peer(pk.db, "IR", ir_url, ir.signer.vkey, create_token(ir.db, "pk", "peer", "PK"))
            pk.publish([pk_report])
            sync_peer(ir, get_peer(ir.db, "PK"))
            reconcile(ir.db, "IR")
            cli(capsys, ir, "clusters", "merge", pk_report.id, ir_report.id)
            assert [r["to_review"] for r in cli_json(capsys, ir, "clusters", "list")] == [[]]
            pk.publish([replace(pk_report, date_start="2024-07-21", date_end="2024-07-21")])
            sync_peer(ir, get_peer(ir.db, "PK"))
        assert reconcile(ir.db, "IR").to_review == 1
        [row] = [r for r in list_clusters(ir.db, party="IR") if len(r["members"]) == 2]
        [flagged] = row["to_review"]
        assert flagged["changes"][0]["record"] == pk_report.id
        assert flagged["changes"][0]["what"] == ["date 2024-05-02 -> 2024-07-21 (80 days later)"]
    finally:
        pk.close()
        ir.close()


def test_list_to_review_lists_only_the_clusters_with_a_decision_to_review(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    """`clusters list --to-review` leaves out the clusters no correction put a decision of the node's to review
    (as --disagreements leaves out those whose parties agree), before --limit counts them."""
    gwadar = report("PK", "PK-10", "2024-06-01", lat=25.12, lon=62.32, place="Gwadar", killed=1)
    merged(capsys, any_node)
    any_node.publish([gwadar])
    cli(capsys, any_node, "reconcile")
    assert len(cli_json(capsys, any_node, "clusters", "list")) == 2
    assert cli_json(capsys, any_node, "clusters", "list", "--to-review") == []
    assert "no clusters with an analyst decision to review" in cli(capsys, any_node, "clusters", "list", "--to-review")
    any_node.publish([FAR_LATER])
    cli(capsys, any_node, "reconcile")
    [row] = cli_json(capsys, any_node, "clusters", "list", "--to-review", "--limit", "1")
    assert PK_REPORT.id in {m["id"] for m in row["members"]} and row["to_review"]
    table = cli(capsys, any_node, "clusters", "list", "--to-review")
    assert "merge decision to review" in table and "PK-10" not in table and "Gwadar" not in table
    assert cli_json(capsys, any_node, "clusters", "list", "--to-review", "--disagreements") == [
        r for r in cli_json(capsys, any_node, "clusters", "list", "--disagreements") if r["to_review"]
    ]
