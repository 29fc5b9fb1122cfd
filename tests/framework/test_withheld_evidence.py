"""A dispute position or an assessment citing evidence the reader may not read shows it as withheld (its id,
and the party, marking and logged SHA-256 the log already shows), never its content and never silently: in the
CLI (a node that was not given the evidence), and in the JSON API and the quarterly report's dispute register
and commitment cards (a principal of another party).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sarhad.exchange.peers import add_peer, get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.framework.ops import add_evidence, assess, init_template, open_dispute
from sarhad.log.note import Signer
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import UNUSED_TOKEN, run_cli
from tests.web.conftest import running, serving

SECRET = "Account of the joint operation at Taftan"


def _logged_sha256(node: Node, object_id: str) -> str:
    """The SHA-256 that ``node``'s own log shows for ``object_id`` (its envelope, which every reader sees)."""
    for (envelope,) in node.db.fetchall("SELECT envelope FROM log_leaves ORDER BY idx"):
        e = json.loads(str(envelope))
        if e["object_id"] == object_id:
            found = str(e["sha256"])
    return found


def _dispute_citing_red_evidence(node: Node) -> tuple[dict[str, str], dict[str, str]]:
    """PK's dispute and PK's submitted assessment of C-04 (both TLP:GREEN), each citing a TLP:RED and a
    TLP:CLEAR item of evidence."""
    init_template(node, "pk-ir-2025")
    red = add_evidence(node, "https://example.org/taftan", "document", title=SECRET, tlp="RED")
    clear = add_evidence(node, "https://example.org/minutes", "document", title="Published minutes", tlp="CLEAR")
    open_dispute(
        node, "C-04", "2026Q1", "Meetings held", "Two meetings were held.", evidence=[red["code"], clear["code"]]
    )
    assess(node, "C-04", "2026Q1", 2, "Two of four meetings held.", evidence=[red["code"], clear["code"]])
    return red, clear


def _card(html: str, code: str) -> str:
    """The report's card of the commitment ``code`` (up to the next card or the end of the section)."""
    start = html.index(f'id="card-{code}"')
    return html[start : html.index("</article>", start)]


@pytest.fixture
def synced(tmp_path: Path) -> Iterator[tuple[Node, Node, dict[str, str], dict[str, str]]]:
    """PK with the dispute, and IR after it synced from PK: IR holds the dispute, not the RED evidence."""
    pk, ir = Node.init(tmp_path / "pk", "PK"), Node.init(tmp_path / "ir", "IR")
    red, clear = _dispute_citing_red_evidence(pk)
    init_template(ir, "pk-ir-2025")
    with serving(pk) as pk_url, serving(ir) as ir_url:
        add_peer(ir.db, "PK", pk_url, pk.signer.vkey, create_token(pk.db, "ir", "peer", "IR"))
        add_peer(pk.db, "IR", ir_url, ir.signer.vkey, create_token(ir.db, "pk", "peer", "PK"))  # its cosignature
        sync_peer(ir, get_peer(ir.db, "PK"))
    assert ir.db.fetchone("SELECT 1 FROM objects WHERE id = ?", (red["id"],)) is None  # only its envelope
    yield pk, ir, red, clear
    pk.close()
    ir.close()


def test_the_cli_shows_evidence_the_node_was_not_given_as_withheld(
    synced: tuple[Node, Node, dict[str, str], dict[str, str]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pk, ir, red, clear = synced
    home = ("--home", str(ir.settings.home))
    code, out, err = run_cli(capsys, *home, "dispute", "show", "D-2026Q1-PK1", "--json")
    assert code == 0, err
    withheld, readable = json.loads(out)["positions"]["PK"]["evidence"]
    # What IR's node knows of the RED item: its id, and the party, marking and hash of PK's log entry.
    assert withheld == {
        "id": red["id"], "readable": False, "party": "PK", "tlp": "RED", "logged_sha256": _logged_sha256(pk, red["id"]),
    }  # fmt: skip
    assert readable["readable"] is True and readable["code"] == clear["code"]
    assert (readable["title"], readable["party"], readable["tlp"]) == ("Published minutes", "PK", "CLEAR")
    code, out, err = run_cli(capsys, *home, "dispute", "show", "D-2026Q1-PK1")
    assert code == 0, err
    text = " ".join(out.split())
    assert (
        f"evidence: withheld evidence {red['id']} (PK, marked RED, logged SHA-256 {withheld['logged_sha256']}):"
        " this node may not read it" in text
    )
    assert f"evidence: {clear['code']} Published minutes (document)" in text
    # The node's report, written at IR, says the same.
    report = tmp_path / "q1.html"
    code, _, err = run_cli(capsys, *home, "report", "quarterly", "--quarter", "2026Q1", "--out", str(report))
    assert code == 0, err
    html = report.read_text(encoding="utf-8")
    assert f'withheld evidence <span class="code">{red["id"]}</span> (PK, marked RED,' in html
    assert "the reader of this report may not read it" in html and SECRET not in html


def test_the_cli_shows_evidence_an_assessment_cites_that_the_node_was_not_given_as_withheld(
    synced: tuple[Node, Node, dict[str, str], dict[str, str]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pk, ir, red, clear = synced
    home = ("--home", str(ir.settings.home))
    code, out, err = run_cli(capsys, *home, "framework", "show", "C-04", "--json")
    assert code == 0, err
    (a,) = json.loads(out)["assessments"]
    assert a["assessor"] == "PK" and a["evidence_refs"] == [red["id"], clear["id"]]
    withheld, readable = a["evidence"]
    assert withheld == {
        "id": red["id"], "readable": False, "party": "PK", "tlp": "RED", "logged_sha256": _logged_sha256(pk, red["id"]),
    }  # fmt: skip
    assert (readable["readable"], readable["code"], readable["title"]) == (True, clear["code"], "Published minutes")
    code, out, err = run_cli(capsys, *home, "framework", "show", "C-04")
    assert code == 0, err
    text = " ".join(out.split())
    assert (
        f"2026Q1 PK evidence: withheld evidence {red['id']} (PK, marked RED, logged SHA-256"
        f" {withheld['logged_sha256']}): this node may not read it" in text
    )
    assert f"2026Q1 PK evidence: {clear['code']} Published minutes (document)" in text
    # The card of C-04 in IR's report names both items PK's rating cites, the RED one as withheld.
    report = tmp_path / "q1-cards.html"
    code, _, err = run_cli(capsys, *home, "report", "quarterly", "--quarter", "2026Q1", "--out", str(report))
    assert code == 0, err
    card = _card(report.read_text(encoding="utf-8"), "C-04")
    assert f'withheld evidence <span class="code">{red["id"]}</span> (PK, marked RED, logged SHA-256' in card
    assert f'<span class="code">{clear["code"]}</span> Published minutes' in card and SECRET not in card
    # PK's own node reads both.
    code, out, err = run_cli(capsys, "--home", str(pk.settings.home), "framework", "show", "C-04", "--json")
    assert code == 0, err
    (a,) = json.loads(out)["assessments"]
    assert [e["readable"] for e in a["evidence"]] == [True, True] and a["evidence"][0]["title"] == SECRET


def test_the_api_and_the_report_show_a_principal_the_evidence_it_may_not_read_as_withheld(any_node: Node) -> None:
    node = any_node
    red, clear = _dispute_citing_red_evidence(node)
    own = create_token(node.db, "val", "viewer", "PK")
    other = create_token(node.db, "liaison", "viewer", "IR")
    add_peer(node.db, "IR", "http://127.0.0.1:9", Signer.generate("sarhad.ir/log").vkey, UNUSED_TOKEN)  # a party
    with running(node) as (base, _server, _thread), httpx.Client(base_url=base, timeout=60) as client:

        def get(path: str, token: str, **params: str) -> httpx.Response:
            return client.get(path, params=params, headers={"Authorization": f"Bearer {token}"})

        mine = get("/api/disputes", own, open="true").json()["disputes"]
        theirs = get("/api/disputes", other).json()["disputes"]
        report = get("/api/dashboard/report", other, quarter="2026Q1")
        own_report = get("/api/dashboard/report", own, quarter="2026Q1")
        bad = get("/api/disputes", own, state="open")
        bad_quarter = get("/api/disputes", own, quarter="2026Q5")
    # PK's principal reads both items; IR's is shown the RED one as withheld, with what the log shows of it.
    assert [e["readable"] for e in mine[0]["positions"]["PK"]["evidence"]] == [True, True]
    assert mine[0]["positions"]["PK"]["evidence"][0]["title"] == SECRET
    withheld, readable = theirs[0]["positions"]["PK"]["evidence"]
    assert withheld == {
        "id": red["id"], "readable": False, "party": "PK", "tlp": "RED",
        "logged_sha256": _logged_sha256(node, red["id"]),
    }  # fmt: skip
    assert readable["code"] == clear["code"] and SECRET not in json.dumps(theirs)
    assert report.status_code == 200 and f'withheld evidence <span class="code">{red["id"]}</span>' in report.text
    assert SECRET not in report.text and red["code"] not in report.text
    assert SECRET in own_report.text and "withheld evidence" not in own_report.text
    # The card of C-04 shows the evidence PK's assessment cites the same way.
    card = _card(report.text, "C-04")
    assert f'withheld evidence <span class="code">{red["id"]}</span> (PK, marked RED, logged SHA-256' in card
    assert f'<span class="code">{clear["code"]}</span> Published minutes' in card and SECRET not in card
    assert f'<span class="code">{red["code"]}</span> {SECRET}' in _card(own_report.text, "C-04")
    assert bad.status_code == 400 and "unknown query parameter 'state'" in bad.json()["error"]["message"]
    assert bad_quarter.status_code == 400 and "quarter '2026Q5' is not of the form" in bad_quarter.text


def test_the_dispute_api_of_a_node_without_a_framework_is_empty(node: Node) -> None:
    token = create_token(node.db, "val", "viewer", "PK")
    with running(node) as (base, _server, _thread), httpx.Client(base_url=base, timeout=30) as client:
        response = client.get("/api/disputes", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json() == {"disputes": []}
