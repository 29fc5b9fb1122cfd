"""A dispute about an incident of the joint picture (``dispute open --cluster``): it records the cluster and each
report it names with the version read when it was opened, is marked no less strictly than those reports, and
shows in the register, on the API and with the cluster, to those who may read it. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from sarhad.framework import ops
from sarhad.framework.derive import status
from sarhad.framework.quarter import Quarter, utc_today
from sarhad.framework.report import build_context, render_html
from sarhad.framework.store import load
from sarhad.model.incident import Incident
from sarhad.node import Node
from sarhad.reconcile.store import cluster_of, reconcile
from sarhad.web.auth import create_token
from tests.conftest import run_cli
from tests.framework.conftest import objects_count
from tests.reconcile.helpers import report
from tests.web.conftest import serving


def _marked(inc: Incident, tlp: str) -> Incident:
    return replace(inc, tlp=tlp)


# One attack in Quetta: PK counts 5 killed and IR 12, both for parliament (CLEAR); ACLED's row says 30 (RED).
PK = _marked(report("PK", "PK-1", "2026-01-10", killed=5, perpetrator="BLA"), "CLEAR")
IR = _marked(report("IR", "IR-1", "2026-01-10", killed=12, perpetrator="BLA"), "CLEAR")
RED = _marked(report("ACLED", "AC-1", "2026-01-10", killed=30, perpetrator="BLA"), "RED")
QUARTER = str(Quarter.of(utc_today()))
_DISPUTES = "SELECT COUNT(*) FROM objects WHERE type = 'x-sarhad-dispute'"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def quetta(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Node]:
    """A PK node with the founding framework and the three reports of Quetta, reconciled into one cluster."""
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    n = Node.init(tmp_path / "pk", "PK", database_url=url)
    ops.init_template(n, "pk-ir-2025")
    n.publish([PK, IR, RED])
    reconcile(n.db, "PK")
    yield n
    n.close()


def _versions(node: Node) -> dict[str, str]:
    return {str(i): str(m) for i, m in node.db.fetchall("SELECT id, modified FROM incidents")}


def _disputes(node: Node) -> int:
    row = node.db.fetchone(_DISPUTES)
    assert row is not None
    return int(row[0])


def _open(node: Node, *extra: str) -> list[str]:
    return ["--home", str(node.settings.home), "dispute", "open", "--commitment", "C-11", "--quarter", QUARTER,
            "--subject", "How many were killed in Quetta on 10 January?", "--position", "5, as the police counted",
            *extra]  # fmt: skip


def test_a_dispute_opened_about_a_cluster_records_its_reports_and_takes_the_strictest_marking(
    quetta: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    cid = cluster_of(quetta.db, PK.id)
    code, out, err = run_cli(capsys, *_open(quetta, "--cluster", IR.id, "--json"))  # an incident of it finds it
    assert code == 0, err
    opened = json.loads(out)
    versions = _versions(quetta)
    expected = [{"id": r, "version": versions[r]} for r in sorted((PK.id, IR.id, RED.id))]
    assert (opened["cluster"], opened["reports"], opened["tlp"]) == (cid, expected, "RED")
    row = quetta.db.fetchone("SELECT tlp FROM objects WHERE id = ?", (opened["id"],))
    assert row is not None and row[0] == "RED"
    code, out, _ = run_cli(capsys, "--home", str(quetta.settings.home), "dispute", "show", opened["code"], "--json")
    shown = json.loads(out)
    assert (shown["commitment"], shown["cluster"], shown["reports"]) == ("C-11", cid, expected)
    code, out, _ = run_cli(capsys, "--home", str(quetta.settings.home), "dispute", "list")
    assert f"about the joint picture: cluster {cid}, 3 reports" in " ".join(out.split()).replace("│ ", "")
    # the reports the party cites, both CLEAR: GREEN by default, as every dispute, and CLEAR when asked
    code, out, err = run_cli(capsys, *_open(quetta, "--cluster", cid, "--report", PK.id, "--report", IR.id, "--json"))
    assert code == 0, err
    assert (json.loads(out)["tlp"], len(json.loads(out)["reports"])) == ("GREEN", 2)
    code, out, err = run_cli(capsys, *_open(quetta, "--cluster", cid, "--report", PK.id, "--tlp", "clear", "--json"))
    assert code == 0, err
    assert json.loads(out)["tlp"] == "CLEAR"


def test_a_tlp_weaker_than_a_named_report_is_refused_and_nothing_is_published(
    quetta: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    before = objects_count(quetta)
    code, _, err = run_cli(capsys, *_open(quetta, "--cluster", PK.id, "--tlp", "GREEN"))
    assert code == 1
    said = " ".join(err.split())
    assert f"ACLED AC-1 ({RED.id}) is TLP:RED: a dispute naming it at TLP:GREEN" in said
    assert "nothing was published. Open the dispute with --tlp RED" in said
    code, _, err = run_cli(capsys, *_open(quetta, "--cluster", PK.id, "--report", RED.id, "--tlp", "AMBER"))
    assert code == 1 and "is TLP:RED: a dispute naming it at TLP:AMBER" in " ".join(err.split())
    code, _, err = run_cli(capsys, *_open(quetta, "--cluster", PK.id, "--report", "incident--not-in-it"))
    assert code == 1 and "--report incident--not-in-it is not a report of cluster" in " ".join(err.split())
    code, _, err = run_cli(capsys, *_open(quetta, "--report", PK.id))
    assert code == 1 and "give the cluster (or one of its incidents) with --cluster" in " ".join(err.split())
    assert (_disputes(quetta), objects_count(quetta)) == (0, before)


def test_a_clear_only_reader_sees_the_clear_dispute_and_learns_nothing_of_the_red_report(quetta: Node) -> None:
    cid = cluster_of(quetta.db, PK.id)
    cited = ops.open_dispute(quetta, "C-11", QUARTER, "Killed in Quetta", "5 killed.", cluster=cid,
                             reports=[PK.id, IR.id], tlp="CLEAR")  # fmt: skip
    whole = ops.open_dispute(quetta, "C-11", QUARTER, "Killed in Quetta, ACLED too", "5 killed.", cluster=PK.id)
    tokens = {who: create_token(quetta.db, who, role, party)
              for who, role, party in (("root", "admin", "PK"), ("anyone", "viewer", "PUBLIC"))}  # fmt: skip
    with serving(quetta) as base, httpx.Client(base_url=base, timeout=30) as client:

        def get(who: str, path: str) -> httpx.Response:
            answer = client.get(path, headers={"Authorization": f"Bearer {tokens[who]}"})
            assert answer.status_code == 200, answer.text
            return answer

        monitor = get("anyone", "/api/disputes")
        (row,) = monitor.json()["disputes"]
        assert (row["code"], row["cluster"], {r["id"] for r in row["reports"]}) == (cited["code"], cid, {PK.id, IR.id})
        for path in (f"/api/dashboard/clusters/{PK.id}", f"/api/dashboard/clusters/{cid}"):
            detail = get("anyone", path)
            assert detail.json()["disputes"] == [cited["code"]]
            assert RED.id not in detail.text
        assert RED.id not in monitor.text
        both = sorted([cited["code"], whole["code"]])
        assert [d["code"] for d in get("root", "/api/disputes").json()["disputes"]] == both
        assert get("root", f"/api/dashboard/clusters/{RED.id}").json()["disputes"] == both


def test_the_dispute_keeps_its_reports_and_versions_after_a_split_and_a_correction(
    quetta: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(quetta.settings.home)
    cid = cluster_of(quetta.db, PK.id)
    read = _versions(quetta)
    opened = ops.open_dispute(quetta, "C-11", QUARTER, "Killed in Quetta", "5 killed.", cluster=cid)
    code, _, err = run_cli(capsys, "--home", home, "clusters", "split", cid, RED.id, "--tlp", "RED")
    assert code == 0, err
    quetta.publish([replace(PK, figures=report("PK", "PK-1", "2026-01-10", killed=6).figures)])  # corrected
    reconcile(quetta.db, "PK")
    assert cluster_of(quetta.db, RED.id) != cluster_of(quetta.db, PK.id)
    assert _versions(quetta)[PK.id] != read[PK.id]
    code, out, _ = run_cli(capsys, "--home", home, "dispute", "show", opened["code"], "--json")
    shown = json.loads(out)
    assert shown["cluster"] == cid
    assert shown["reports"] == [{"id": r, "version": read[r]} for r in sorted((PK.id, IR.id, RED.id))]
    for member in (PK.id, RED.id):  # found through each of its reports, whatever their cluster now
        code, out, err = run_cli(capsys, "--home", home, "clusters", "show", member, "--json")
        assert code == 0, err
        assert json.loads(out)["disputes"] == [opened["code"]]
    code, out, _ = run_cli(capsys, "--home", home, "clusters", "show", RED.id)
    assert f"disputes: {opened['code']}" in out


def test_the_register_says_what_of_the_joint_picture_is_disputed_and_the_rating_is_not_disputed(quetta: Node) -> None:
    q = Quarter.parse(QUARTER)
    before = status(load(quetta.db), "C-11", q).state
    opened = ops.open_dispute(quetta, "C-11", QUARTER, "Killed in Quetta", "5 killed.", cluster=PK.id)
    # the figures of one incident are disputed, not how far the commitment is implemented
    assert status(load(quetta.db), "C-11", q).state == before
    ctx = build_context(quetta, QUARTER)
    (row,) = ctx["register"]
    assert (row["code"], row["cluster"], len(row["reports"])) == (opened["code"], cluster_of(quetta.db, PK.id), 3)
    html = render_html(ctx)
    cid = cluster_of(quetta.db, PK.id)
    assert f'about the joint picture: cluster <span class="code">{cid}</span>, 3 reports' in html
