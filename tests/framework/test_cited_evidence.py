"""The evidence records cite, as a node shows it: its own, a peer's, a peer's it was not given (withheld: its
id, and the party, marking and logged SHA-256 the log shows) and an id it knows nothing of, looked up once for
all the records shown. Dispute positions (the dispute register) and indicator values ('framework show',
'indicator list', the quarterly report) on a node that synced from its peer, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from sarhad.exchange.peers import add_peer, get_peer
from sarhad.exchange.schema import MIGRATIONS as EXCHANGE
from sarhad.exchange.sync import sync_peer
from sarhad.exchange.withheld import record_withheld, withheld_sha256
from sarhad.framework import report
from sarhad.framework.ops import add_evidence, assess, init_template, open_dispute, record_indicator, reply_dispute
from sarhad.framework.quarter import Quarter
from sarhad.framework.store import index_stored, load
from sarhad.framework.views import cited_by_id, cited_evidence, dispute_table
from sarhad.log.envelope import LIKE_ESCAPE, Envelope, like_pattern
from sarhad.log.note import Signer
from sarhad.node import Node
from sarhad.store.schema import migrate
from sarhad.web.auth import create_token
from tests.conftest import UNUSED_TOKEN, run_cli
from tests.web.conftest import running, serving

SECRET = "Account of the joint operation at Taftan"
UNKNOWN = "x-sarhad-evidence--00000000-0000-4000-8000-00000000dead"


@dataclass
class Synced:
    """IR's node after it synced from PK's, and the evidence the records cite."""

    pk: Node
    ir: Node
    red: dict[str, Any]  # PK's, TLP:RED: IR holds only its envelope
    clear: dict[str, Any]  # PK's, TLP:CLEAR: IR holds it
    own: dict[str, Any]  # IR's

    def logged_sha256(self, object_id: str) -> str:
        """The SHA-256 PK's log shows for ``object_id`` (its envelope, which every reader sees)."""
        for (envelope,) in self.pk.db.fetchall("SELECT envelope FROM log_leaves ORDER BY idx"):
            e = json.loads(str(envelope))
            if e["object_id"] == object_id:
                found = str(e["sha256"])
        return found

    def shown(self, name: str) -> dict[str, Any]:
        """What IR's node shows of the item ``name`` (red, clear, own or unknown)."""
        if name == "unknown":
            return {"id": UNKNOWN, "readable": False, "party": None, "tlp": None, "logged_sha256": None}
        if name == "red":
            sha = self.logged_sha256(self.red["id"])
            return {"id": self.red["id"], "readable": False, "party": "PK", "tlp": "RED", "logged_sha256": sha}
        e, title, party, tlp = {
            "clear": (self.clear, "Published minutes", "PK", "CLEAR"),
            "own": (self.own, "Border post roster", "IR", "GREEN"),
        }[name]
        return {
            "id": e["id"], "readable": True, "code": e["code"], "title": title, "kind": "document", "sha256": None,
            "party": party, "tlp": tlp,
        }  # fmt: skip


def _ir_node(request: pytest.FixtureRequest, home: Path) -> Node:
    if request.param == "sqlite":
        return Node.init(home, "IR")
    return Node.init(home, "IR", database_url=request.getfixturevalue("pg_schema_url"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def synced(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Synced]:
    """PK (SQLite) opens two disputes, records I-04.1 and assesses C-04, citing its RED and CLEAR evidence; IR
    (SQLite, then PostgreSQL) syncs them, replies citing its own and PK's CLEAR evidence, records I-04.1 citing
    the same, and holds a dispute position and an assessment of C-04 that cite all four kinds of item (received
    off-line, naming an id IR knows nothing of)."""
    pk = Node.init(tmp_path / "pk", "PK")
    ir = _ir_node(request, tmp_path / "ir")
    init_template(pk, "pk-ir-2025")
    red = add_evidence(pk, "https://example.org/taftan", "document", title=SECRET, tlp="RED")
    clear = add_evidence(pk, "https://example.org/minutes", "document", title="Published minutes", tlp="CLEAR")
    open_dispute(pk, "C-04", "2026Q1", "Meetings held", "Two meetings.", evidence=[red["code"], clear["code"]])
    open_dispute(pk, "C-05", "2026Q1", "Patrols", "Joint patrols began.", evidence=[clear["code"]])
    record_indicator(pk, "I-04.1", "2026Q1", 2, evidence=[red["code"], clear["code"]])
    assess(pk, "C-04", "2026Q1", 2, "Two meetings held.", evidence=[red["code"], clear["code"]], tlp="GREEN")
    init_template(ir, "pk-ir-2025")
    own = add_evidence(ir, "https://example.org/roster", "document", title="Border post roster")
    with serving(pk) as pk_url, serving(ir) as ir_url:
        add_peer(ir.db, "PK", pk_url, pk.signer.vkey, create_token(pk.db, "ir", "peer", "IR"))
        add_peer(pk.db, "IR", ir_url, ir.signer.vkey, create_token(ir.db, "pk", "peer", "PK"))  # its cosignature
        sync_peer(ir, get_peer(ir.db, "PK"))
    assert ir.db.fetchone("SELECT 1 FROM objects WHERE id = ?", (red["id"],)) is None  # only its envelope
    reply_dispute(ir, "D-2026Q1-PK1", "One meeting.", evidence=[own["code"], clear["code"]])
    record_indicator(ir, "I-04.1", "2026Q1", 1, evidence=[own["code"], clear["code"]])
    open_dispute(ir, "C-06", "2026Q1", "Hotline", "Not staffed.", evidence=[own["code"]])
    assessed = assess(ir, "C-04", "2026Q1", 1, "One meeting held.", evidence=[own["code"]], tlp="GREEN")
    (d,) = [d for d in load(ir.db).disputes if d["code"] == "D-2026Q1-IR1"]
    d["positions"]["IR"]["evidence_refs"] = [own["id"], UNKNOWN, red["id"], clear["id"], own["id"]]
    (a,) = [a for a in load(ir.db).assessments if a["id"] == assessed["id"]]
    a["evidence_refs"] = [own["id"], UNKNOWN, red["id"], clear["id"]]
    with ir.publisher() as pub:
        index_stored(ir.db, d["id"], pub.add_object(d, tlp="GREEN"))
        index_stored(ir.db, a["id"], pub.add_object(a, tlp="GREEN"))
    yield Synced(pk, ir, red, clear, own)
    pk.close()
    ir.close()


def test_dispute_table_shows_the_evidence_of_every_position_own_peer_withheld_and_unknown(synced: Synced) -> None:
    rows = {r["code"]: r for r in dispute_table(synced.ir.db)}
    shown = {
        code: {p: [e["id"] for e in pos["evidence"]] for p, pos in r["positions"].items()} for code, r in rows.items()
    }
    ids = {"red": synced.red["id"], "clear": synced.clear["id"], "own": synced.own["id"], "unknown": UNKNOWN}
    assert shown == {
        "D-2026Q1-PK1": {"PK": [ids["red"], ids["clear"]], "IR": [ids["own"], ids["clear"]]},
        "D-2026Q1-PK2": {"PK": [ids["clear"]]},
        "D-2026Q1-IR1": {"IR": [ids["own"], ids["unknown"], ids["red"], ids["clear"]]},  # each once
    }
    names = {v: k for k, v in ids.items()}
    for r in rows.values():
        for pos in r["positions"].values():
            assert pos["evidence"] == [synced.shown(names[e["id"]]) for e in pos["evidence"]]
    # A look-up of more ids than a query takes (500) says the same of each.
    many = [f"x-sarhad-evidence--{n:08d}-0000-4000-8000-000000000000" for n in range(1100)]
    refs = [*many[:600], ids["red"], ids["own"], *many[600:], ids["clear"], ids["unknown"], ids["red"]]
    got = cited_evidence(synced.ir.db, refs, load(synced.ir.db).evidence_by_id())
    assert [e["id"] for e in got] == list(dict.fromkeys(refs))
    assert [e for e in got if e["id"] in ids.values()] == [synced.shown(n) for n in ("red", "own", "clear", "unknown")]
    assert all(e["party"] is None and not e["readable"] for e in got if e["id"] in many)


def _statements(synced: Synced) -> list[str]:
    """Trace the SQL IR's node runs (on SQLite): the list fills as statements run."""
    if synced.ir.db.dialect != "sqlite":
        pytest.skip("statements are traced on SQLite")
    ran: list[str] = []
    conn: sqlite3.Connection = synced.ir.db._conn
    conn.set_trace_callback(ran.append)
    return ran


def test_dispute_table_looks_up_the_evidence_of_all_positions_at_once(synced: Synced) -> None:
    ran = _statements(synced)
    dispute_table(synced.ir.db)
    # Four positions cite PK's CLEAR item and two its RED one (which this node does not hold): the objects are
    # asked about each once, the withheld versions about the RED one once, and the log copies are not scanned
    # (the withheld version's SHA-256 is in withheld_versions).
    assert sum(synced.clear["id"] in s for s in ran) == 1
    assert sum(synced.red["id"] in s for s in ran) == 2
    assert not [s for s in ran if "peer_leaves" in s]


def test_cited_evidence_takes_the_logged_sha256_of_withheld_evidence_from_withheld_versions(synced: Synced) -> None:
    ran = _statements(synced)
    refs = [synced.red["id"], synced.own["id"], UNKNOWN]
    got = cited_evidence(synced.ir.db, refs, load(synced.ir.db).evidence_by_id())
    assert got == [synced.shown("red"), synced.shown("own"), synced.shown("unknown")]
    assert not [s for s in ran if "peer_leaves" in s or " LIKE " in s]


def test_cited_evidence_scans_the_log_copies_only_for_a_withheld_version_recorded_without_its_sha256(
    synced: Synced,
) -> None:
    """A row whose SHA-256 the migration found no envelope for (NULL) is looked up in the copies, as before."""
    with synced.ir.db.transaction():
        synced.ir.db.execute("UPDATE withheld_versions SET sha256 = NULL WHERE id = ?", (synced.red["id"],))
    ran = _statements(synced)
    got = cited_evidence(synced.ir.db, [synced.red["id"], synced.own["id"]], load(synced.ir.db).evidence_by_id())
    assert got == [synced.shown("red"), synced.shown("own")]
    assert len([s for s in ran if "peer_leaves" in s]) == 1


def _withheld(object_id: str, version: str, tlp: str = "RED") -> Envelope:
    """The envelope of a version of ``object_id`` whose body a sync was refused (its SHA-256 made up)."""
    sha = hashlib.sha256(f"{object_id}@{version}".encode()).hexdigest()
    return Envelope(object_id=object_id, version=version, sha256=sha, tlp=tlp, time=version)


def test_cited_evidence_withheld_in_two_peers_copies_shows_the_latest_version(synced: Synced) -> None:
    """An object has one origin, so two peers' copies should not both hold it withheld; if they do, the latest
    version is shown (whichever copy it came from, in whatever order they were synced), and of one version the
    copy recorded first."""
    db, red = synced.ir.db, synced.red["id"]
    (pk_version,) = db.fetchone("SELECT modified FROM withheld_versions WHERE id = ?", (red,)) or ("",)
    readable = load(db).evidence_by_id()
    earlier, later = _withheld(red, "2000-01-01T00:00:00.000Z"), _withheld(red, "2099-01-01T00:00:00.000Z", "AMBER")
    with db.transaction():  # a version before PK's, in a third party's copy: PK's is still the latest
        record_withheld(db, [earlier], "AF")
    assert cited_evidence(db, [red], readable) == [synced.shown("red")]
    with db.transaction():  # the same version as PK's, recorded after it: PK's stays
        record_withheld(db, [_withheld(red, str(pk_version), "GREEN")], "AF")
    assert cited_evidence(db, [red], readable) == [synced.shown("red")]
    with db.transaction():  # a later version: it is the latest, though recorded after an earlier one
        record_withheld(db, [later], "AF")
    shown = {"id": red, "readable": False, "party": "AF", "tlp": "AMBER", "logged_sha256": later.sha256}
    assert cited_evidence(db, [red], readable) == [shown]


def test_a_node_synced_before_the_table_kept_the_sha256_finds_it_in_its_copies_when_next_opened(
    synced: Synced,
) -> None:
    """The migration: a node whose withheld_versions has no sha256 column gets it, filled from the envelopes of
    its copies of peers' logs (NULL for a row whose envelope no copy holds), and cites withheld evidence with
    the same logged SHA-256 as a node that synced after it, without scanning the copies."""
    db = synced.ir.db
    stray = _withheld("x-sarhad-evidence--00000000-0000-4000-8000-0000000000aa", "2026-01-01T00:00:00.000Z")
    with db.transaction():
        record_withheld(db, [stray], "PK")  # in no copy: the migration finds no envelope of it
    expected = db.fetchall("SELECT id, modified, tlp, origin, sha256 FROM withheld_versions ORDER BY id")
    assert (synced.red["id"], synced.logged_sha256(synced.red["id"])) in {(r[0], r[4]) for r in expected}
    fill = EXCHANGE.index(withheld_sha256) + 1
    assert EXCHANGE[fill - 2] == "ALTER TABLE withheld_versions ADD COLUMN sha256 TEXT"
    with db.transaction():  # as a node synced before had it: the column not there, its migrations not applied
        db.execute("ALTER TABLE withheld_versions DROP COLUMN sha256")
        for version in (fill - 1, fill):
            db.execute("DELETE FROM schema_migrations WHERE component = 'exchange' AND version = ?", (version,))
    assert migrate(db) == 2  # as opening the node does
    got = db.fetchall("SELECT id, modified, tlp, origin, sha256 FROM withheld_versions ORDER BY id")
    assert got == [(*r[:4], None if r[0] == stray.object_id else r[4]) for r in expected]
    ran = _statements(synced) if db.dialect == "sqlite" else []
    refs = [synced.red["id"], synced.clear["id"], synced.own["id"], UNKNOWN]
    assert cited_evidence(db, refs, load(db).evidence_by_id()) == [
        synced.shown(n) for n in ("red", "clear", "own", "unknown")
    ]
    assert not [s for s in ran if "peer_leaves" in s]


def test_cited_evidence_does_not_scan_the_log_copies_for_an_id_no_copy_holds(synced: Synced) -> None:
    ran = _statements(synced)
    got = cited_evidence(synced.ir.db, [synced.own["id"], UNKNOWN], load(synced.ir.db).evidence_by_id())
    assert got == [synced.shown("own"), synced.shown("unknown")]
    assert not [s for s in ran if "peer_leaves" in s]


def test_framework_show_lists_indicator_values_with_the_evidence_they_cite(
    synced: Synced, capsys: pytest.CaptureFixture[str]
) -> None:
    home = ("--home", str(synced.ir.settings.home))
    code, out, err = run_cli(capsys, *home, "framework", "show", "C-04", "--json")
    assert code == 0, err
    (indicator,) = json.loads(out)["indicators"]
    assert {"code", "title", "baseline", "target"} <= set(indicator)
    values = {v["party"]: v for v in indicator["values"]}
    assert (values["PK"]["period"], values["PK"]["value"], values["IR"]["value"]) == ("2026Q1", 2, 1)
    assert values["PK"]["evidence_refs"] == [synced.red["id"], synced.clear["id"]]
    assert values["PK"]["evidence"] == [synced.shown("red"), synced.shown("clear")]
    assert values["IR"]["evidence"] == [synced.shown("own"), synced.shown("clear")]
    code, out, err = run_cli(capsys, *home, "framework", "show", "C-04")
    assert code == 0, err
    text = " ".join(out.split())
    sha = synced.logged_sha256(synced.red["id"])
    assert (
        f"I-04.1 2026Q1 PK evidence: withheld evidence {synced.red['id']} (PK, marked RED, logged SHA-256 {sha}):"
        " this node may not read it" in text
    )
    assert f"I-04.1 2026Q1 PK evidence: {synced.clear['code']} Published minutes (document)" in text
    assert f"I-04.1 2026Q1 IR evidence: {synced.own['code']} Border post roster (document)" in text
    assert "indicator values" in text and SECRET not in text
    code, out, err = run_cli(capsys, *home, "indicator", "list", "--json")
    assert code == 0, err
    (row,) = [r for r in json.loads(out) if r["code"] == "I-04.1"]
    assert [(v["party"], v["evidence"]) for v in row["values"]] == [
        (v["party"], v["evidence"]) for v in indicator["values"]
    ]


def test_the_quarterly_report_shows_the_evidence_indicator_values_cite(
    synced: Synced, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    report = tmp_path / "q1.html"
    home = ("--home", str(synced.ir.settings.home))
    code, _, err = run_cli(capsys, *home, "report", "quarterly", "--quarter", "2026Q1", "--out", str(report))
    assert code == 0, err
    html = report.read_text(encoding="utf-8")
    section = html[html.index('<section id="indicators">') : html.index('<section id="security">')]
    start = section.index("evidence for I-04.1:")
    line = section[start : section.index("</tr>", start)]
    sha = synced.logged_sha256(synced.red["id"])
    assert line.index("PK: ") < line.index("IR: ")
    pk, ir = line.split("IR: ")
    assert f'withheld evidence <span class="code">{synced.red["id"]}</span> (PK, marked RED, logged SHA-256' in pk
    assert sha in pk and f'<span class="code">{synced.clear["code"]}</span> Published minutes' in pk
    assert f'<span class="code">{synced.own["code"]}</span> Border post roster' in ir
    assert SECRET not in html
    assert "evidence for I-05.1" not in section  # no value of it cites evidence


def test_the_dashboard_report_shows_a_principal_the_evidence_of_indicator_values_it_may_not_read_as_withheld(
    any_node: Node,
) -> None:
    node = any_node
    init_template(node, "pk-ir-2025")
    red = add_evidence(node, "https://example.org/taftan", "document", title=SECRET, tlp="RED")
    clear = add_evidence(node, "https://example.org/minutes", "document", title="Published minutes", tlp="CLEAR")
    record_indicator(node, "I-04.1", "2026Q1", 2, evidence=[red["code"], clear["code"]])
    add_peer(node.db, "IR", "http://127.0.0.1:9", Signer.generate("sarhad.ir/log").vkey, UNUSED_TOKEN)  # a party
    own = create_token(node.db, "val", "viewer", "PK")
    other = create_token(node.db, "liaison", "viewer", "IR")
    with running(node) as (base, _server, _thread), httpx.Client(base_url=base, timeout=60) as client:
        reports = {
            who: client.get(
                "/api/dashboard/report", params={"quarter": "2026Q1"}, headers={"Authorization": f"Bearer {token}"}
            )
            for who, token in (("PK", own), ("IR", other))
        }
    lines = {}
    for who, response in reports.items():
        assert response.status_code == 200, response.text
        start = response.text.index("evidence for I-04.1:")
        lines[who] = response.text[start : response.text.index("</tr>", start)]
    assert f'withheld evidence <span class="code">{red["id"]}</span> (PK, marked RED, logged SHA-256' in lines["IR"]
    assert f'<span class="code">{clear["code"]}</span> Published minutes' in lines["IR"]
    assert SECRET not in reports["IR"].text
    assert f'<span class="code">{red["code"]}</span> {SECRET}' in lines["PK"] and "withheld" not in lines["PK"]


def test_the_quarterly_report_looks_up_its_evidence_once_and_shows_what_each_part_looked_up_alone_shows(
    synced: Synced,
) -> None:
    """The cards, the dispute register and the indicators table cite evidence of every kind (own, a peer's
    readable and withheld, unknown): the report looks it up once for all three, and its HTML is the one built
    from a look-up per part (as the report did before)."""
    # Drawn up on the quarter's last day: the report of a quarter that is over leaves out the disputes opened after
    # it, as these were (today).
    db, day, q = synced.ir.db, date(2026, 3, 31), Quarter.parse("2026Q1")
    ran = _statements(synced) if db.dialect == "sqlite" else []
    ctx = report.build_context(synced.ir, str(q), today=day)
    if db.dialect == "sqlite":
        # Asked about once, not once per part: the objects (the CLEAR item), and the objects and the withheld
        # versions (the RED one).
        assert sum(synced.clear["id"] in s for s in ran) == 1
        assert sum(synced.red["id"] in s for s in ran) == 2
    html = report.render_html(ctx)
    data, cur = load(db), ctx["cur"]
    readable = data.evidence_by_id()
    disputes = dispute_table(db, today=day)
    register = {d["code"] for d in ctx["register"]}
    alone = {
        **ctx,
        "cards": report._cards(data, cur, q, cited_by_id(db, report._rated(cur), readable), ctx["withheld"]),
        "indicators": report._indicators(data, q, cited_by_id(db, report._recorded(data, q), readable)),
        "open_disputes": [d for d in disputes if not d["status"].startswith("resolved")],
        "register": [d for d in disputes if d["code"] in register],
    }
    assert report.render_html(alone) == html
    sha = synced.logged_sha256(synced.red["id"])
    withheld = f'withheld evidence <span class="code">{synced.red["id"]}</span> (PK, marked RED, logged SHA-256'
    unknown = f'withheld evidence <span class="code">{UNKNOWN}</span>: the reader of this report may not read it'
    for part, start, end in (
        ("cards", '<section id="commitments">', '<section id="milestones"'),
        ("disputes", '<section id="register">', '<section id="recommendations"'),
        ("indicators", '<section id="indicators">', '<section id="security">'),
    ):
        section = html[html.index(start) : html.index(end)]
        assert withheld in section and sha in section, part
        assert f'<span class="code">{synced.clear["code"]}</span> Published minutes' in section, part
        assert f'<span class="code">{synced.own["code"]}</span> Border post roster' in section, part
        if part != "indicators":  # no value cites it
            assert unknown in section, part
    assert SECRET not in html


# An id as a peer's log may hold it (an envelope's object_id is any string): JSON escapes its quote and
# backslash, and % and _ are LIKE's wildcards.
HOSTILE = 'x-sarhad-evidence--"quoted"\\back%slash_'


def test_cited_evidence_finds_in_the_copies_a_withheld_id_that_json_escapes(synced: Synced) -> None:
    """The copies hold envelopes as canonical JSON writes them: an id with a quote or a backslash is looked for
    escaped as they are."""
    db = synced.ir.db
    envelope = _withheld(HOSTILE, "2026-01-01T00:00:00.000Z")
    (top,) = db.fetchone("SELECT MAX(idx) FROM peer_leaves WHERE peer = 'PK'") or (None,)
    with db.transaction():
        record_withheld(db, [envelope], "PK")
        db.execute("UPDATE withheld_versions SET sha256 = NULL WHERE id = ?", (HOSTILE,))  # as recorded before
        db.execute(
            "INSERT INTO peer_leaves (peer, idx, envelope, leaf_hash) VALUES ('PK', ?, ?, ?)",
            (int(top) + 1, envelope.canonical().decode(), hashlib.sha256(envelope.canonical()).digest()),
        )
    shown = {"id": HOSTILE, "readable": False, "party": "PK", "tlp": "RED", "logged_sha256": envelope.sha256}
    assert cited_evidence(db, [HOSTILE], load(db).evidence_by_id()) == [shown]


def test_the_envelope_pattern_matches_only_the_envelope_of_its_id(synced: Synced) -> None:
    db = synced.ir.db
    pattern = like_pattern(HOSTILE)
    for object_id, matches in (
        (HOSTILE, True),
        ('x-sarhad-evidence--"quoted"\\backXslashY', False),  # what % and _ would match as wildcards
        ('x-sarhad-evidence--"quoted"\\back%slash_--longer', False),
        ('y-x-sarhad-evidence--"quoted"\\back%slash_', False),
    ):
        text = _withheld(object_id, "2026-01-01T00:00:00.000Z").canonical().decode()
        row = db.fetchone(f"SELECT CASE WHEN ? LIKE ? ESCAPE '{LIKE_ESCAPE}' THEN 1 ELSE 0 END", (text, pattern))
        assert row is not None and bool(row[0]) is matches, object_id
