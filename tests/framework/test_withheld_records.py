"""A party's shared assessment (and indicator value) whose later version this node was refused is current nowhere,
yet never vanishes without a word: IR shares its GREEN assessment of C-04 for 2026Q1 and its AMBER value of I-04.1, PK
syncs them, IR publishes later versions marked RED, PK syncs again (their envelopes only). PK's quarterly report
counts neither, and says so beside the counts, on the card and in a "Not readable on this node" box; ``framework
list|show --json`` give the same in ``withheld``. On SQLite and PostgreSQL, between real nodes on loopback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sarhad.exchange.peers import get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.framework.ops import assess, record_indicator
from sarhad.node import Node
from tests.conftest import run_cli
from tests.node_pair import peered, pk_and_ir
from tests.web.conftest import serving

RATIONALE = "Two of four joint border meetings held at Taftan."


@dataclass
class Nodes:
    pk: Node
    ir: Node

    def sync(self) -> None:
        sync_peer(self.pk, get_peer(self.pk.db, "IR"))

    def cli(self, capsys: pytest.CaptureFixture[str], *args: str) -> str:
        code, out, err = run_cli(capsys, "--home", str(self.pk.settings.home), *args)
        assert code == 0, err
        return out


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def nodes(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Nodes]:
    """IR assessed C-04 for 2026Q1 at level 2 (GREEN) and recorded I-04.1 (AMBER); PK synced both, then IR published
    later versions of both marked RED and PK synced again."""
    with pk_and_ir(tmp_path, request, framework="pk-ir-2025") as (pk, ir):
        assess(ir, "C-04", "2026Q1", 2, RATIONALE, tlp="GREEN")
        record_indicator(ir, "I-04.1", "2026Q1", 2, tlp="AMBER")
        with peered(pk, ir):
            nodes = Nodes(pk, ir)
            nodes.sync()
            assess(ir, "C-04", "2026Q1", 0, "Withdrawn: no meeting counted.", tlp="RED")
            record_indicator(ir, "I-04.1", "2026Q1", 0, tlp="RED")
            nodes.sync()
            yield nodes


def test_framework_list_and_show_name_the_assessment_superseded_by_a_version_the_node_cannot_read(
    nodes: Nodes, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = json.loads(nodes.cli(capsys, "framework", "list", "--quarter", "2026Q1", "--json"))
    (c04,) = [r for r in rows if r["id"] == "C-04"]
    assert c04["status"]["2026Q1"]["IR"] is None  # still counted nowhere
    assessment, value = c04["withheld"]
    assert (assessment["kind"], assessment["party"], assessment["commitment"], assessment["quarter"]) == (
        "assessment", "IR", "C-04", "2026Q1",
    )  # fmt: skip
    assert assessment["tlp"] == "RED" and assessment["arrived"] is not None
    last = assessment["last_readable"]
    assert (last["level"], last["state"], last["tlp"]) == (2, "submitted", "GREEN")
    assert last["version"] < assessment["version"]
    assert (value["kind"], value["subject"], value["tlp"], value["last_readable"]["value"]) == (
        "indicator-value", "I-04.1", "RED", 2,
    )  # fmt: skip
    assert all(not r["withheld"] for r in rows if r["id"] != "C-04")
    shown = json.loads(nodes.cli(capsys, "framework", "show", "C-04", "--json"))
    assert shown["withheld"] == c04["withheld"] and shown["assessments"] == []
    text = " ".join(nodes.cli(capsys, "framework", "show", "C-04").split())
    assert "2026Q1 C-04 IR assessment: superseded by a version this node cannot read (marked RED," in text
    assert "last readable: level 2, submitted (GREEN, version" in text
    text = " ".join(nodes.cli(capsys, "framework", "list", "--quarter", "2026Q1").split())
    assert "2026Q1 C-04 IR assessment: superseded by a version this node cannot read" in text


def test_the_quarterly_report_lists_what_it_cannot_count_beside_the_counts_and_on_the_card(
    nodes: Nodes, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "q1.html"
    summary = nodes.cli(capsys, "report", "quarterly", "--quarter", "2026Q1", "--out", str(out))
    assert "0 assessments, 0 disputes, 2 not readable on this node" in summary
    html = out.read_text(encoding="utf-8")
    assert RATIONALE not in html and "Withdrawn" not in html  # neither version is shown as current
    # Beside the counts: how many, and which.
    assert '<td class="withheld-count">not readable <strong>2</strong></td>' in html
    assert "that this node can read (1 shared and superseded by a version this node cannot read" in html
    box = html[html.index('id="not-readable"') : html.index("</div>", html.index('id="not-readable"'))]
    assert "<h3>Not readable on this node</h3>" in box
    assert (
        "<tr><td>Iran</td><td>assessment</td><td>C-04</td><td>2026Q1</td><td>TLP:RED, " in box
        and "<td>level 2 (intermediate), submitted, TLP:GREEN, " in box
        and ": superseded by a version this node cannot read</td></tr>" in box
    )
    assert '<td>indicator value <span class="code">I-04.1</span></td><td>C-04</td>' in box
    assert "<td>value 2, TLP:AMBER, " in box
    assert '<span class="tlp tlp-amber">TLP:AMBER</span>' in html  # shared as the copies it shows
    # The card of C-04 says IR's rating was superseded, not "not assessed".
    start = html.index('id="card-C-04"')
    card = html[start : html.index("</article>", start)]
    assert "superseded by a version this node cannot read (TLP:RED, " in card
    assert "last readable: level 2 (intermediate), submitted, TLP:GREEN" in card
    # IR is asked to share its current assessment, not to submit one.
    assert "IR to share its current assessment of C-04 for Q1 2026, which replaced the one it shared" in html
    assert "IR to submit its assessment of C-04" not in html
    # A quarter without such records says nothing of them.
    other = tmp_path / "q4.html"
    nodes.cli(capsys, "report", "quarterly", "--quarter", "2025Q4", "--out", str(other))
    assert 'id="not-readable"' not in other.read_text(encoding="utf-8")


def test_a_version_the_node_may_read_again_ends_the_listing(nodes: Nodes, capsys: pytest.CaptureFixture[str]) -> None:
    """IR marks its assessment GREEN again: PK reads and counts the new version, and lists it withheld no more."""
    with serving(nodes.ir) as ir_url:
        nodes.pk.db.execute("UPDATE peers SET url = ? WHERE name = 'IR'", (ir_url,))
        assess(nodes.ir, "C-04", "2026Q1", 1, "One meeting counted.", tlp="GREEN")
        nodes.sync()
    rows = json.loads(nodes.cli(capsys, "framework", "list", "--quarter", "2026Q1", "--json"))
    (c04,) = [r for r in rows if r["id"] == "C-04"]
    assert c04["status"]["2026Q1"]["IR"] == 1
    assert [w["kind"] for w in c04["withheld"]] == ["indicator-value"]
