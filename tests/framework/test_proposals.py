"""Commitments proposed by ingested articles: stored as notes on the article's report, listed for review."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sarhad.cli import main
from sarhad.exchange.peers import get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.framework.proposals import list_proposals
from sarhad.ingest import ingest_article
from sarhad.node import Node
from tests.conftest import run_cli
from tests.node_pair import peered, pk_and_ir

ARTICLES = Path(__file__).parents[1] / "assets" / "articles"


def test_proposals_carry_actor_due_and_source_sentence(fw_node: Node) -> None:
    assert list_proposals(fw_node) == []
    ingest_article(fw_node, ARTICLES / "00.txt")
    ingest_article(fw_node, ARTICLES / "heldout4" / "510.txt")
    rows = list_proposals(fw_node)
    assert rows[0]["article"]["published"] == "2026-03-05"  # newest article first
    assert rows[-1]["article"]["title"].startswith("Pakistan Iran Counter Terrorism Vow")
    sops = next(r for r in rows if "standard operating procedures" in r["text"])
    assert (sops["due"], sops["parties"]) == ("2026-05-04", ["PK", "IR"])
    assert sops["quote"].startswith("ISLAMABAD: Pakistan and Iran on Wednesday agreed to finalise")
    fence = next(r for r in rows if "fencing" in r["text"])
    assert (fence["actor"], fence["due"]) == ("Pakistan", "2026")
    summit = next(r for r in rows if "Tehran" in r["text"] and r["due"] == "2026-Q1")
    assert summit["article"]["id"].startswith("report--") and len(summit["article"]["sha256"]) == 64
    assert sops["article"]["url"].endswith("/pak-iran-joint-border-commission")
    monitoring = next(r for r in rows if "monitor progress" in r["text"])
    assert (monitoring["due"], monitoring["recurrence"]) == (None, "P3M")
    # the headline "Pakistan, Iran agree on joint patrol SOPs, more border markets" restates the body
    assert not any(r["text"].startswith("joint patrol SOPs") for r in rows)
    # within an article, the order of the text
    texts = [r["text"] for r in rows if r["article"]["published"] == "2026-03-05"]
    assert texts.index(sops["text"]) < texts.index(fence["text"])


def test_framework_proposals_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path / "pk")
    assert main(["--home", home, "init", "--party", "PK"]) == 0
    capsys.readouterr()
    assert main(["--home", home, "framework", "proposals"]) == 0
    assert "no proposed commitment" in capsys.readouterr().out
    assert main(["--home", home, "ingest", "article", str(ARTICLES / "heldout4" / "505.txt")]) == 0
    capsys.readouterr()
    assert main(["--home", home, "framework", "proposals", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    dues = {r["due"] for r in rows}
    assert {"2030", "2026-Q1", "2026-03", "2025"} <= dues
    assert all(r["article"]["title"] == "Iran, Pakistan sign eight MoUs, set $10 billion trade target" for r in rows)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def pair(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, Node]]:
    """PK and IR, peers of each other, serving on loopback."""
    with pk_and_ir(tmp_path, request) as (pk, ir), peered(pk, ir):
        yield pk, ir


def test_a_proposal_whose_later_version_was_withheld_is_listed_as_last_read_and_says_so(
    pair: tuple[Node, Node], capsys: pytest.CaptureFixture[str]
) -> None:
    """IR ingests an article, PK syncs its proposals, IR changes one under TLP:RED: PK holds its envelope alone, so
    the proposal has no current version on PK. It is listed as PK last read it, naming the version withheld."""
    pk, ir = pair
    ingest_article(ir, ARTICLES / "heldout4" / "505.txt")
    sync_peer(pk, get_peer(pk.db, "IR"))
    before = list_proposals(pk)
    assert before and all(r["withheld"] is None for r in before)
    changed = before[0]
    (body,) = ir.db.fetchone("SELECT body FROM objects WHERE id = ?", (changed["id"],)) or ()
    with ir.publisher() as pub:
        version = pub.add_object({**json.loads(body), "content": "Withdrawn by the ministry."}, tlp="RED")
    assert version is not None
    sync_peer(pk, get_peer(pk.db, "IR"))

    after = list_proposals(pk)
    assert after[0]["withheld"] == {"version": version, "tlp": "RED", "origin": "IR"}
    assert [{**r, "withheld": None} for r in after] == before
    code, out, err = run_cli(capsys, "--home", str(pk.settings.home), "framework", "proposals")
    assert code == 0, err
    assert (
        f"{changed['id']}: superseded by a version this node cannot read (marked RED, from IR, version {version});"
        " shown as last read"
    ) in " ".join(out.split())
