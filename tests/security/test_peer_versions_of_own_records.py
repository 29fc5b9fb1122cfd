"""A peer's log holds a version of an incident this node published itself, which the claims check cannot refuse:
a record both imported from the same dataset (the same id on both nodes), changed by the peer later, or the
peer's TLP:RED version of this node's own id, whose body this node never sees. IR is a real node on loopback
whose log verifies; PK's sync keeps the peer's version (``objects``, ``withheld_versions``, the log's copy) but
PK's own version stays the current one in every view of PK, and ``store rebuild`` agrees. The same holds for PK's
own assessments (and indicator values and evidence), not for the records both parties publish versions of (a
dispute).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from sarhad.errors import InvalidInput
from sarhad.exchange.peers import get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.formats.stix import import_stix
from sarhad.framework.ops import add_evidence, assess, init_template, open_dispute, record_indicator
from sarhad.framework.schema import TABLES
from sarhad.framework.store import load
from sarhad.importer import import_file
from sarhad.model.incident import Incident
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import UCDP_SAMPLE, run_cli
from tests.monitor.test_evaluate import make
from tests.node_pair import peered, pk_and_ir
from tests.web.conftest import TAXII

_VIEWS = {
    "incidents": "SELECT * FROM incidents ORDER BY id",
    "summary": "SELECT * FROM incident_summary"
    " ORDER BY month, reported_by, dataset, country, admin1, admin1_code, perpetrator, tlp, restricted",
    "cells": "SELECT band, cx, cy, reported_by, tlp, restricted, n, killed, killed_known FROM incident_cells"
    " ORDER BY 1, 2, 3, 4, 5, 6",
}


@dataclass
class Nodes:
    pk: Node
    ir: Node
    pk_url: str
    token: str

    def sync(self) -> None:
        sync_peer(self.pk, get_peer(self.pk.db, "IR"))

    def sync_ir(self) -> None:
        sync_peer(self.ir, get_peer(self.ir.db, "PK"))

    def cli(self, capsys: pytest.CaptureFixture[str], *args: str) -> str:
        code, out, err = run_cli(capsys, "--home", str(self.pk.settings.home), *args)
        assert code == 0, err
        return out

    def views(self) -> dict[str, list[tuple[object, ...]]]:
        """PK's incidents and the dashboard's summaries of them."""
        return {name: [tuple(r) for r in self.pk.db.fetchall(sql)] for name, sql in _VIEWS.items()}

    def dashboard(self, incident_id: str) -> dict[str, Any]:
        """What PK's dashboard and JSON API show of one incident (the table row, the detail, the API)."""
        auth = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=self.pk_url, headers=auth, timeout=30) as client:
            detail = client.get(f"/api/dashboard/incidents/{incident_id}")
            api = client.get(f"/api/incidents/{incident_id}")
            assert detail.status_code == api.status_code == 200, (detail.text, api.text)
            # the log's bodies and TAXII's versions read the rule of earlier versions: PK's own is no earlier one
            size = self.pk.log.size()
            entries = client.get("/log/entries", params={"objects": "1", "start": "0", "end": str(size)})
            versions = client.get(
                f"/taxii2/sarhad/collections/incidents/objects/{incident_id}/versions/", headers=TAXII
            )
            assert entries.status_code == versions.status_code == 200, (entries.text, versions.text)
            return {
                "detail": detail.json()["incident"],
                "api": api.json(),
                "bodies": entries.json()["objects"],
                "versions": versions.json()["versions"],
            }

    def framework(self, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
        """What PK shows of C-01: its query tables, ``framework show --json``, the dashboard's framework panel."""
        auth = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=self.pk_url, headers=auth, timeout=30) as client:
            panel = client.get("/api/dashboard/framework")
            assert panel.status_code == 200, panel.text
        tables = {t: [tuple(r) for r in self.pk.db.fetchall(f"SELECT * FROM {t} ORDER BY 1, 2")] for t in TABLES}
        show = json.loads(self.cli(capsys, "framework", "show", "C-01", "--json"))
        return {"tables": tables, "show": show, "panel": panel.json()}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def nodes(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Nodes]:
    """PK and IR, each registered as the other's peer, both serving on loopback. On PostgreSQL each node has a schema of
    its own."""
    with pk_and_ir(tmp_path, request) as (pk, ir), peered(pk, ir) as (pk_url, _ir_url):
        yield Nodes(pk, ir, pk_url, create_token(pk.db, "ana", "analyst", "PK"))


def _ucdp_with_deaths(path: Path, best: int) -> Path:
    """The UCDP sample with the first event's best estimate of deaths changed to ``best``."""
    with UCDP_SAMPLE.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    column = rows[0].index("best")
    rows[1][column] = str(best)
    rows[1][rows[0].index("high")] = str(max(best, int(rows[1][rows[0].index("high")])))
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def _rebuilt_views_agree(nodes: Nodes, capsys: pytest.CaptureFixture[str]) -> None:
    synced = nodes.views()
    nodes.cli(capsys, "store", "rebuild")
    assert nodes.views() == synced


def test_a_peers_later_version_of_a_shared_dataset_record_does_not_replace_this_nodes_own(
    nodes: Nodes, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import_file(nodes.pk, "ucdp", UCDP_SAMPLE)
    import_file(nodes.ir, "ucdp", UCDP_SAMPLE)
    # IR re-publishes the first event later, with 400 killed: the same id (UCDP's), reported_by UCDP.
    import_file(nodes.ir, "ucdp", _ucdp_with_deaths(tmp_path / "changed.csv", 400))
    changed = nodes.ir.db.fetchone("SELECT id, modified FROM incidents WHERE killed_best = 400")
    assert changed is not None
    oid, ir_version = str(changed[0]), str(changed[1])
    own = nodes.pk.db.fetchone("SELECT modified, killed_best, origin FROM incidents WHERE id = ?", (oid,))
    assert own is not None and own[1] != 400 and own[2] == "PK"
    before, shown = nodes.views(), nodes.dashboard(oid)
    shown_json = nodes.cli(capsys, "incidents", "show", oid, "--json")

    nodes.sync()

    # IR's version is kept, as IR's, but PK's own stays current in every view of PK.
    kept = nodes.pk.db.fetchone("SELECT origin FROM objects WHERE id = ? AND modified = ?", (oid, ir_version))
    assert kept == ("IR",)
    assert nodes.views() == before
    after = nodes.dashboard(oid)
    irs = [str(r[0]) for r in nodes.ir.db.fetchall("SELECT modified FROM objects WHERE id = ?", (oid,))]
    assert after.pop("versions") == sorted([*shown.pop("versions"), *irs])  # IR's readable, as IR's
    assert after == shown
    assert nodes.cli(capsys, "incidents", "show", oid, "--json") == shown_json
    assert json.loads(shown_json)["incident"]["modified"] == own[0]
    # and PK's STIX export carries PK's own version as the current one, not IR's later copy
    bundle = tmp_path / "pk.json"
    nodes.cli(capsys, "export", "stix", "--out", str(bundle))
    exported = [o for o in json.loads(bundle.read_text(encoding="utf-8"))["objects"] if o["id"] == oid]
    assert [o["modified"] for o in exported] == [own[0]]
    _rebuilt_views_agree(nodes, capsys)
    # PK's own later version is current again, over IR's.
    import_file(nodes.pk, "ucdp", _ucdp_with_deaths(tmp_path / "pk.csv", 7))
    row = nodes.pk.db.fetchone("SELECT killed_best, origin FROM incidents WHERE id = ?", (oid,))
    assert tuple(row or ()) == (7, "PK")
    _rebuilt_views_agree(nodes, capsys)


def test_a_peers_withheld_version_of_this_nodes_incident_does_not_remove_it(
    nodes: Nodes, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = make("pk-1", party="PK", killed=2)
    nodes.pk.publish([mine, make("pk-2", party="PK")])
    # IR's log holds a later TLP:RED version of PK's incident: PK receives its envelope alone.
    forged: Incident = dataclasses.replace(make("pk-1", party="PK", killed=40), tlp="RED")
    nodes.ir.publish([make("ir-1", party="IR"), forged])
    before, shown = nodes.views(), nodes.dashboard(mine.id)

    nodes.sync()

    withheld = nodes.pk.db.fetchall("SELECT id, tlp, origin FROM withheld_versions")
    assert [tuple(r) for r in withheld] == [(mine.id, "RED", "IR")]
    after = nodes.views()
    assert [r for r in after["incidents"] if r[0] != make("ir-1", party="IR").id] == before["incidents"]
    assert nodes.dashboard(mine.id) == shown
    assert json.loads(nodes.cli(capsys, "incidents", "show", mine.id, "--json"))["incident"]["modified"] == str(
        before["incidents"][[r[0] for r in before["incidents"]].index(mine.id)][1]
    )
    _rebuilt_views_agree(nodes, capsys)


def _framework_from_pk(nodes: Nodes) -> None:
    """PK holds the framework, IR has it from PK (IR's log holds none of it)."""
    init_template(nodes.pk, "pk-ir-2025")
    nodes.sync_ir()


def test_a_peers_withheld_versions_of_this_nodes_assessment_value_and_evidence_do_not_remove_them(
    nodes: Nodes, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _framework_from_pk(nodes)
    link = "https://example.org/patrols-2026q1.pdf"
    evidence = add_evidence(nodes.pk, link, "document", tlp="GREEN")
    mine = assess(nodes.pk, "C-01", "2026Q1", 2, "Four joint patrols held.", evidence=[evidence["id"]], tlp="GREEN")
    record_indicator(nodes.pk, "I-01.1", "2026Q1", 1, tlp="GREEN")
    # IR's log holds later TLP:RED versions of PK's three records (the same ids): PK receives their envelopes alone.
    forged = [
        add_evidence(nodes.ir, link, "document", party="PK", tlp="RED")["id"],
        assess(nodes.ir, "C-01", "2026Q1", 0, "No patrol held.", party="PK", tlp="RED")["id"],
        record_indicator(nodes.ir, "I-01.1", "2026Q1", 0, party="PK", tlp="RED")["id"],
    ]
    assert forged[:2] == [evidence["id"], mine["id"]]
    before = nodes.framework(capsys)
    (shown,) = before["show"]["assessments"]  # type: ignore[index]
    assert (shown["level"], [e["id"] for e in shown["evidence"]]) == (2, [evidence["id"]])
    values = [(v["party"], v["value"]) for i in before["show"]["indicators"] for v in i["values"]]  # type: ignore[index]
    assert values == [("PK", 1)]

    nodes.sync()

    withheld = nodes.pk.db.fetchall("SELECT id, tlp, origin FROM withheld_versions ORDER BY id")
    assert [tuple(r) for r in withheld] == sorted((oid, "RED", "IR") for oid in forged)
    # PK's records are current, their evidence is not cited as withheld, nothing is listed as not readable.
    assert nodes.framework(capsys) == before
    report = tmp_path / "q1.html"
    summary = nodes.cli(capsys, "report", "quarterly", "--quarter", "2026Q1", "--out", str(report))
    assert "not readable" not in summary
    html = report.read_text(encoding="utf-8")
    assert "Four joint patrols held." in html and 'id="not-readable"' not in html
    nodes.cli(capsys, "store", "rebuild")
    assert nodes.framework(capsys) == before


def test_a_peers_withheld_version_of_a_dispute_this_node_opened_still_supersedes_it(
    nodes: Nodes, capsys: pytest.CaptureFixture[str]
) -> None:
    """A dispute is one record that both parties publish versions of: the later version is current, whichever
    log holds it, so PK's own is no longer current once IR's later version is withheld from PK."""
    _framework_from_pk(nodes)
    opened = open_dispute(nodes.pk, "C-01", "2026Q1", "Patrol count", "Four joint patrols were held.")
    nodes.sync_ir()
    (dispute,) = [
        json.loads(str(r[0])) for r in nodes.ir.db.fetchall("SELECT body FROM objects WHERE id = ?", (opened["id"],))
    ]
    with nodes.ir.publisher() as pub:
        version = pub.add_object({**dispute, "status": "under-review"}, tlp="RED")
    assert version is not None and version > dispute["modified"]

    nodes.sync()

    assert nodes.pk.db.fetchall("SELECT id FROM fw_disputes") == []
    shown = json.loads(nodes.cli(capsys, "framework", "show", "C-01", "--json"))
    assert shown["disputes"] == []
    assert [(w["kind"], w["party"], w["tlp"]) for w in shown["withheld"]] == [("dispute", "IR", "RED")]
    nodes.cli(capsys, "store", "rebuild")
    assert nodes.pk.db.fetchall("SELECT id FROM fw_disputes") == []


def test_a_peers_later_copy_of_this_nodes_evidence_is_not_what_its_next_version_builds_on(nodes: Nodes) -> None:
    """Both parties add the same link as evidence (the id derives from the link, so it is one record): re-adding it
    on PK (to link an incident) takes its title, submitter and chain of custody from PK's own current version,
    not from IR's later version of it."""
    _framework_from_pk(nodes)
    link = "https://example.org/patrols-2026q1.pdf"
    mine = add_evidence(nodes.pk, link, "document", title="PK's patrol log", tlp="GREEN")
    theirs = add_evidence(nodes.ir, link, "document", title="IR's copy", tlp="GREEN")
    assert theirs["id"] == mine["id"]
    incident = make("pk-1", party="PK")
    nodes.pk.publish([incident])

    nodes.sync()

    assert nodes.pk.db.fetchone("SELECT origin FROM objects WHERE id = ? AND origin = 'IR'", (mine["id"],))
    again = add_evidence(nodes.pk, link, "document", incidents=[incident.id], tlp="GREEN")
    assert again["changed"] and again["incidents"] == [incident.id]
    (item,) = load(nodes.pk.db).evidence
    assert (item["name"], item["submitted_by"]) == ("PK's patrol log", "PK")
    assert [(c["by"], c["action"]) for c in item["custody_log"]] == [
        ("PK", "added"),
        ("PK", "re-added with incident links"),
    ]


def test_a_peers_own_assessment_withheld_from_this_node_is_not_overwritten_by_its_off_line_record(
    nodes: Nodes,
) -> None:
    """PK took IR's assessment down off-line; IR then published its own, TLP:RED, so PK holds its envelope alone:
    PK's record is no longer current, and PK may not publish over IR's own assessment."""
    _framework_from_pk(nodes)
    assess(nodes.pk, "C-01", "2026Q1", 1, "IR's letter of 3 March.", party="IR", tlp="GREEN")
    assess(nodes.ir, "C-01", "2026Q1", 3, "All patrols held.", tlp="RED")

    nodes.sync()

    assert [tuple(r) for r in nodes.pk.db.fetchall("SELECT tlp, origin FROM withheld_versions")] == [("RED", "IR")]
    with pytest.raises(InvalidInput, match=r"^IR has published its own assessment of C-01 for 2026Q1"):
        assess(nodes.pk, "C-01", "2026Q1", 2, "IR's letter of 20 March.", party="IR", tlp="GREEN")
    assert load(nodes.pk.db).assessments == []


def test_this_nodes_evidence_imported_again_unchanged_is_not_a_new_version_beside_a_peers_later_copy(
    nodes: Nodes, tmp_path: Path
) -> None:
    """Both parties add the same link as evidence (one record, see above); importing PK's own bundle again on PK
    (a script run twice) compares each object with PK's current version, not with IR's later copy: unchanged, and
    PK's log gains no version of it."""
    _framework_from_pk(nodes)
    link = "https://example.org/patrols-2026q1.pdf"
    mine = add_evidence(nodes.pk, link, "document", title="PK's patrol log", tlp="GREEN")
    add_evidence(nodes.ir, link, "document", title="IR's copy", tlp="GREEN")
    (body,) = nodes.pk.db.fetchone("SELECT body FROM objects WHERE id = ?", (mine["id"],)) or ()
    bundle = tmp_path / "pk.json"
    bundle.write_text(json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [json.loads(body)]}))
    nodes.sync()
    assert nodes.pk.db.fetchone("SELECT 1 FROM objects WHERE id = ? AND origin = 'IR'", (mine["id"],))
    size = nodes.pk.log.size()

    summary = import_stix(nodes.pk, bundle)

    assert (summary.added, summary.updated, summary.unchanged, nodes.pk.log.size()) == (0, 0, 1, size)
    assert nodes.pk.db.fetchone("SELECT COUNT(*) FROM objects WHERE id = ? AND origin = 'PK'", (mine["id"],)) == (1,)
    (item,) = load(nodes.pk.db).evidence
    assert (item["name"], item["submitted_by"]) == ("PK's patrol log", "PK")
