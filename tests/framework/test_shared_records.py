"""What a party shared stays shared: a draft cannot withdraw a submitted assessment, by any write path."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from sarhad.errors import InvalidInput
from sarhad.exchange.pull import publish_stix
from sarhad.framework import ops
from sarhad.framework.model import stix_object
from sarhad.framework.store import load
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import run_cli
from tests.framework.conftest import objects_count
from tests.web.conftest import TAXII, serving


def _stored(node: Node) -> tuple[int, int, list[tuple[object, ...]]]:
    rows = node.db.fetchall("SELECT commitment, quarter, assessor, level, state FROM fw_assessments ORDER BY assessor")
    return objects_count(node), node.log.size(), [tuple(r) for r in rows]


@pytest.mark.parametrize("party", [None, "IR", "JOINT"])
def test_a_draft_cannot_replace_a_submitted_assessment(any_fw_node: Node, party: str | None) -> None:
    ops.assess(any_fw_node, "C-02", "2026Q1", 3, "both committees met", party=party)
    submitted = load(any_fw_node.db).assessments[0]["modified"]
    before = _stored(any_fw_node)
    who = party or "PK"
    with pytest.raises(
        InvalidInput,
        match=rf"^{who}'s assessment of C-02 for 2026Q1 was submitted on {submitted} \(level 3\): it is shared and "
        r"cannot be withdrawn .* submit a revised assessment instead \(without --draft\)",
    ):
        ops.assess(any_fw_node, "C-02", "2026Q1", 1, "second thoughts", party=party, state="draft")
    assert _stored(any_fw_node) == before
    # A revised submission is the way: a new version, the current one.
    ops.assess(any_fw_node, "C-02", "2026Q1", 2, "second thoughts", party=party)
    assert [(a["implementation_level"], a["state"]) for a in load(any_fw_node.db).assessments] == [(2, "submitted")]


def test_a_draft_may_replace_a_draft(any_fw_node: Node) -> None:
    ops.assess(any_fw_node, "C-02", "2026Q1", 1, "first draft", state="draft")
    ops.assess(any_fw_node, "C-02", "2026Q1", 2, "second draft", state="draft")
    assert load(any_fw_node.db).assessments[0]["rationale"] == "second draft"


def test_assess_draft_over_a_submitted_assessment_fails_on_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    h = str(tmp_path / "pk")
    assert run_cli(capsys, "--home", h, "init", "--party", "PK")[0] == 0
    assert run_cli(capsys, "--home", h, "framework", "init")[0] == 0
    args = ["--home", h, "assess", "C-02", "--quarter", "2026Q1", "--rationale", "met"]
    assert run_cli(capsys, *args, "--level", "3")[0] == 0
    code, _, err = run_cli(capsys, *args, "--level", "1", "--draft")
    assert code == 1 and "PK's assessment of C-02 for 2026Q1 was submitted on" in err
    code, out, _ = run_cli(capsys, "--home", h, "framework", "list", "--json", "--quarter", "2026Q1")
    c02 = next(r for r in json.loads(out) if r["id"] == "C-02")
    assert c02["status"]["2026Q1"]["PK"] == 3


def _draft_of(party: str, creator: str, level: int) -> dict[str, object]:
    return stix_object("assessment", ("pk-ir-2025", "C-02", "2026Q1", party), creator, "GREEN",
                       framework="pk-ir-2025", commitment="C-02", quarter="2026Q1", assessor=party,
                       implementation_level=level, rationale="withdrawn", state="draft",
                       recorded_by=creator)  # fmt: skip


def test_a_taxii_post_cannot_replace_a_submitted_assessment_by_a_draft(any_fw_node: Node) -> None:
    ops.assess(any_fw_node, "C-02", "2026Q1", 3, "both committees met")
    token = create_token(any_fw_node.db, "ana", "analyst", "PK")
    before = _stored(any_fw_node)
    headers = {**TAXII, "Authorization": f"Bearer {token}", "Content-Type": "application/taxii+json;version=2.1"}
    envelope = json.dumps({"objects": [_draft_of("PK", "PK", 0)]})
    with serving(any_fw_node) as base, httpx.Client(base_url=base, timeout=30) as client:
        r = client.post("/taxii2/sarhad/collections/framework/objects/", content=envelope, headers=headers)
    assert r.status_code == 400, r.text
    assert "PK's assessment of C-02 for 2026Q1 was submitted on" in r.json()["description"]
    assert _stored(any_fw_node) == before


def test_a_pulled_draft_replaces_only_the_peers_own_assessment(any_fw_node: Node) -> None:
    ops.assess(any_fw_node, "C-02", "2026Q1", 3, "PK's view")
    ops.assess(any_fw_node, "C-02", "2026Q1", 2, "IR's view, by letter", party="IR")
    # IR's node transcribing PK's assessment as a draft may not withdraw PK's.
    with pytest.raises(InvalidInput, match="PK's assessment of C-02 for 2026Q1 was submitted"):
        publish_stix(any_fw_node, [_draft_of("PK", "IR", 0)], "pulled")
    # IR's own later version of its own assessment is IR's business.
    publish_stix(any_fw_node, [_draft_of("IR", "IR", 1)], "pulled")
    states = {a["assessor"]: a["state"] for a in load(any_fw_node.db).assessments}
    assert states == {"PK": "submitted", "IR": "draft"}
