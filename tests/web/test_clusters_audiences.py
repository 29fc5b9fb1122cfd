"""The joint picture for the audiences of other parties (``reconcile_audiences``), over real HTTP on SQLite and
PostgreSQL: a principal who reads TLP:CLEAR only, a peer of a party outside the framework (CLEAR and GREEN) and an
analyst of the framework's other party (every level but RED) get, page by page, exactly the answers of the path that
computes every cluster from its readable members, after a run, while members changed since the run, after an
incremental run, after ``--full`` and before any run wrote the rows; and on a node holding GTD's and ACLED's rows,
whose audiences' rows leave them out unless the node shares them, also after new imports, corrections and analysts'
decisions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from sarhad.exchange.peers import add_peer
from sarhad.log.note import Signer
from sarhad.model.incident import Incident
from sarhad.node import Node
from sarhad.reconcile.decisions import Decision
from sarhad.reconcile.store import AUDIENCES, reconcile
from sarhad.web.auth import create_token
from tests.reconcile.helpers import Spot, report
from tests.web.conftest import serving

WHO = {
    "anyone": ("viewer", "PUBLIC"),  # reads TLP:CLEAR only
    "outsider": ("peer", "XX"),  # a peer of a party outside the framework: CLEAR and GREEN, RED naming XX
    "ir": ("analyst", "IR"),  # the framework's other party's analyst: all but RED (RED naming IR:ir), no GTD or ACLED
}


def _marked(inc: Incident, tlp: str, recipients: tuple[str, ...] = ()) -> Incident:
    return replace(inc, tlp=tlp, recipients=recipients)


def _incidents() -> list[Incident]:
    """Clusters whose members' levels differ: what each audience sees of them differs too."""
    out: list[Incident] = []
    for n, (day, lat) in enumerate(
        (("2026-01-10", 25.5), ("2026-01-20", 26.5), ("2026-02-20", 27.5), ("2026-04-01", 28.5), ("2025-12-01", 29.5))
    ):
        place: Spot = {"lat": lat, "lon": 63.0 + n, "place": f"P{n}"}
        out += [
            _marked(report("PK", f"PK-{n}", day, **place, killed=1, perpetrator="BLA"), "CLEAR"),
            _marked(report("IR", f"IR-{n}", day, **place, killed=10 + n, perpetrator="BLA"), "GREEN"),
            _marked(report("ACLED", f"AC-{n}", day, **place, killed=40 + n, perpetrator="TTP"), "AMBER"),
        ]
    # one the outside peer reads as a named recipient only, one all GREEN, one all CLEAR disagreeing
    out += [
        _marked(report("PK", "PK-20", "2026-03-03", lat=30.5, lon=66.0, place="Kalat", killed=2), "CLEAR"),
        _marked(report("IR", "IR-20", "2026-03-03", lat=30.5, lon=66.0, place="Kalat", killed=9), "RED", ("XX:desk",)),
        _marked(report("IR", "IR-21", "2026-03-05", lat=31.5, lon=66.0, place="Zhob", killed=3), "GREEN"),
        _marked(report("PK", "PK-22", "2026-03-07", lat=32.5, lon=66.0, place="Bannu", killed=1), "CLEAR"),
        _marked(report("IR", "IR-22", "2026-03-07", lat=32.5, lon=66.0, place="Bannu", killed=30), "CLEAR"),
        # one IR's analyst reads as a named recipient
        _marked(report("IR", "IR-23", "2026-03-07", lat=32.5, lon=66.0, place="Bannu", killed=31), "RED", ("IR:ir",)),
    ]
    return out


@pytest.fixture
def served(any_node: Node) -> Iterator[tuple[Node, httpx.Client, dict[str, str]]]:
    add_peer(any_node.db, "IR", "http://127.0.0.1:9", Signer.generate("sarhad.ir/log").vkey,
             "sarhad_000000000000_" + "p" * 43, "IR")  # fmt: skip
    tokens = {name: create_token(any_node.db, name, role, party) for name, (role, party) in WHO.items()}
    any_node.publish(_incidents())
    with serving(any_node) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield any_node, client, tokens


QUERIES: list[dict[str, str]] = [{}, {"disagreements": "true"}, {"since": "2026-02-01"}, {"perpetrator": "TTP"}]


def _walk(client: httpx.Client, token: str) -> list[Any]:
    """Every answer of a walk over the pages (one cluster a page, then all at once) for each query."""
    out: list[Any] = []
    for query in QUERIES:

        def get(query: dict[str, str] = query, **more: str) -> httpx.Response:
            params = {**query, **more}
            return client.get("/api/dashboard/clusters", headers={"Authorization": f"Bearer {token}"}, params=params)

        whole = get(limit="200")
        assert whole.status_code == 200, whole.text
        out.append(whole.json())
        out += [get(limit="1", offset=str(at)).json() for at in range(whole.json()["total"] + 1)]
    return out


def _same_as_computed(node: Node, client: httpx.Client, tokens: dict[str, str]) -> None:
    """The answers from the stored rows equal those computed from the readable members (the rows set aside)."""
    stored = {who: _walk(client, token) for who, token in tokens.items()}
    built = node.db.fetchone("SELECT value FROM reconcile_state WHERE key = 'audiences'")
    with node.db.transaction():
        node.db.execute("DELETE FROM reconcile_state WHERE key = 'audiences'")
    computed = {who: _walk(client, token) for who, token in tokens.items()}
    if built is not None:
        with node.db.transaction():
            node.db.execute("INSERT INTO reconcile_state (key, value) VALUES ('audiences', ?)", (built[0],))
    for who in tokens:
        assert stored[who] == computed[who], who
        assert stored[who][0]["total"] >= 2, who


def test_the_audiences_stored_rows_answer_as_the_computed_path(
    served: tuple[Node, httpx.Client, dict[str, str]],
) -> None:
    node, client, tokens = served
    reconcile(node.db, "PK")
    for audience in ("CLEAR", "GREEN"):
        rows = node.db.fetchone("SELECT COUNT(*) FROM reconcile_audiences WHERE audience = ?", (audience,))
        assert rows is not None and int(rows[0]) >= 2, audience
    _same_as_computed(node, client, tokens)
    # the audiences see different clusters: GREEN's sees the all-GREEN one, CLEAR's does not
    clear = {c["cluster_id"] for c in _walk(client, tokens["anyone"])[0]["clusters"]}
    green = {c["cluster_id"] for c in _walk(client, tokens["outsider"])[0]["clusters"]}
    assert clear < green
    # members changed since the run: a CLEAR one now GREEN, a GREEN one now CLEAR, a new one
    by_ref = {i.source_id: i for i in _incidents()}
    later = "2026-06-01T00:00:00.000Z"
    node.publish(
        [
            replace(by_ref["PK-1"], tlp="GREEN", modified=later),
            replace(by_ref["IR-21"], tlp="CLEAR", modified=later),
            _marked(report("PK", "PK-30", "2026-03-05", lat=31.5, lon=66.0, place="Zhob", killed=7), "CLEAR"),
        ]
    )
    _same_as_computed(node, client, tokens)
    reconcile(node.db, "PK")
    _same_as_computed(node, client, tokens)
    reconcile(node.db, "PK", full=True)
    _same_as_computed(node, client, tokens)


def test_clusters_written_before_the_audiences_rows_get_them_at_the_next_run(
    served: tuple[Node, httpx.Client, dict[str, str]],
) -> None:
    node, client, tokens = served
    reconcile(node.db, "PK")
    with node.db.transaction():  # as a database reconciled before the table existed
        node.db.execute("DELETE FROM reconcile_audiences")
        node.db.execute("DELETE FROM reconcile_state WHERE key = 'audiences'")
    before = {who: _walk(client, token) for who, token in tokens.items()}
    assert reconcile(node.db, "PK").changed > 0  # nothing new, yet the rows are written
    assert node.db.fetchone("SELECT value FROM reconcile_state WHERE key = 'audiences'") is not None
    rows = node.db.fetchone("SELECT COUNT(*) FROM reconcile_audiences")
    assert rows is not None and int(rows[0]) > 0
    assert {who: _walk(client, token) for who, token in tokens.items()} == before
    _same_as_computed(node, client, tokens)


def _licensed(inc: Incident, tlp: str, licence: str) -> Incident:
    return replace(inc, tlp=tlp, licence=licence)


def _datasets_and_parties() -> list[Incident]:
    """Clusters mixing UCDP's (CC-BY-4.0), GTD's and ACLED's (restricted licences) and the parties' reports, CLEAR
    and GREEN: what another party's principal reads of them depends on the node's ``share_restricted``."""
    spots: list[Spot] = [{"lat": 25.5 + n, "lon": 62.0 + n, "place": f"Q{n}"} for n in range(5)]
    return [
        # a party's report, GTD's (which disagrees on the figures) and UCDP's (GREEN)
        _licensed(report("PK", "PK-40", "2026-05-01", **spots[0], killed=2), "CLEAR", "PARTY-OWN"),
        _licensed(report("GTD", "G-40", "2026-05-01", **spots[0], killed=25, perpetrator="TTP"), "CLEAR", "GTD-EUA"),
        _licensed(report("UCDP", "U-40", "2026-05-01", **spots[0], killed=3), "GREEN", "CC-BY-4.0"),
        # GTD and UCDP disagreeing, both CLEAR: without GTD's no disagreement is left
        _licensed(report("GTD", "G-41", "2026-05-03", **spots[1], killed=30), "CLEAR", "GTD-EUA"),
        _licensed(report("UCDP", "U-41", "2026-05-03", **spots[1], killed=3), "CLEAR", "CC-BY-4.0"),
        # GTD's alone
        _licensed(report("GTD", "G-42", "2026-05-05", **spots[2], killed=4), "CLEAR", "GTD-EUA"),
        # a peer party's GREEN report, GTD's GREEN one and a party's CLEAR one
        _licensed(report("IR", "IR-43", "2026-05-07", **spots[3], killed=6), "GREEN", "PARTY-OWN"),
        _licensed(report("GTD", "G-43", "2026-05-07", **spots[3], killed=60), "GREEN", "GTD-EUA"),
        _licensed(report("PK", "PK-43", "2026-05-07", **spots[3], killed=5), "CLEAR", "PARTY-OWN"),
        # ACLED's, UCDP's and a peer party's, all CLEAR
        _licensed(report("ACLED", "A-44", "2026-05-09", **spots[4], killed=9), "CLEAR", "ACLED-ToU"),
        _licensed(report("UCDP", "U-44", "2026-05-09", **spots[4], killed=1), "CLEAR", "CC-BY-4.0"),
        _licensed(report("IR", "IR-44", "2026-05-09", **spots[4], killed=1), "CLEAR", "PARTY-OWN"),
    ]


def _rows_read_as(node: Node, unshared: tuple[str, ...]) -> None:
    """Each audience row counts the members of its levels, less those under ``unshared`` licences."""
    rows = node.db.fetchall("SELECT audience, cluster_id, size FROM reconcile_audiences")
    assert rows
    for audience, cid, size in rows:
        members = node.db.fetchall(
            "SELECT i.tlp, i.licence FROM reconcile_members m JOIN incidents i ON i.id = m.incident_id"
            " WHERE m.cluster_id = ?",
            (cid,),
        )
        read = [t for t, licence in members if t in AUDIENCES[audience] and licence not in unshared]
        assert size == len(read), (audience, cid)


def test_the_audiences_rows_leave_out_unshared_licences_and_answer_as_the_computed_path(
    served: tuple[Node, httpx.Client, dict[str, str]],
) -> None:
    node, client, tokens = served
    node.publish(_datasets_and_parties())
    restricted = ("ACLED-ToU", "GTD-EUA")
    reconcile(node.db, "PK")  # the node's default: GTD's and ACLED's rows are not shared
    _rows_read_as(node, restricted)
    # the GTD and UCDP cluster: GTD's figures are not the audiences', so neither is the disagreement
    lone = node.db.fetchone(
        "SELECT a.size, a.disagree FROM reconcile_audiences a JOIN reconcile_members m ON m.cluster_id = a.cluster_id"
        " JOIN incidents i ON i.id = m.incident_id WHERE a.audience = 'CLEAR' AND i.source_id = 'U-41'"
    )
    assert lone is not None and (int(lone[0]), int(lone[1])) == (1, 0)
    _same_as_computed(node, client, tokens)
    # the node starts sharing them: the rows (written without them) are set aside until the next run, which
    # writes every cluster's rows again with them
    node.settings = replace(node.settings, share_restricted=True)
    _same_as_computed(node, client, tokens)
    assert reconcile(node.db, "PK", share_restricted=True).changed > 0
    _rows_read_as(node, ())
    _same_as_computed(node, client, tokens)
    # and stops: the rows counting them are set aside for the members they count, then written again
    node.settings = replace(node.settings, share_restricted=False)
    _same_as_computed(node, client, tokens)
    assert reconcile(node.db, "PK").changed > 0
    _rows_read_as(node, restricted)
    _same_as_computed(node, client, tokens)


def _ids(node: Node, *refs: str) -> list[str]:
    marks = ", ".join("?" * len(refs))
    return [str(r[0]) for r in node.db.fetchall(f"SELECT id FROM incidents WHERE source_id IN ({marks})", refs)]


def test_the_other_partys_analyst_is_answered_from_its_audiences_rows_as_the_computed_path(
    served: tuple[Node, httpx.Client, dict[str, str]],
) -> None:
    """IR's analyst on PK's node reads every level but RED, yet no GTD or ACLED row: its clusters are kept as it sees
    them (audience "AMBER+STRICT"), so that its list is paged from them like the other audiences', and answers as the
    clusters computed from its readable members, through new imports, corrections and decisions."""
    node, client, tokens = served
    node.publish(_datasets_and_parties())
    reconcile(node.db, "PK")
    _rows_read_as(node, ("ACLED-ToU", "GTD-EUA"))
    # the GTD and UCDP cluster, as IR's analyst sees it: UCDP's report alone, no disagreement
    row = node.db.fetchone(
        "SELECT a.cluster_id, a.size, a.disagree FROM reconcile_audiences a JOIN reconcile_members m"
        " ON m.cluster_id = a.cluster_id JOIN incidents i ON i.id = m.incident_id"
        " WHERE a.audience = 'AMBER+STRICT' AND i.source_id = 'U-41'"
    )
    assert row is not None and (int(row[1]), int(row[2])) == (1, 0)
    # its list reads those rows (one marked by hand here, to see it read; put back after)
    auth = {"Authorization": f"Bearer {tokens['ir']}"}

    def disagreeing() -> int:
        res = client.get("/api/dashboard/clusters", headers=auth, params={"disagreements": "true"})
        assert res.status_code == 200, res.text
        return int(res.json()["total"])

    before = disagreeing()
    mark = "UPDATE reconcile_audiences SET disagree = ? WHERE audience = 'AMBER+STRICT' AND cluster_id = ?"
    with node.db.transaction():
        node.db.execute(mark, (1, row[0]))
    assert disagreeing() == before + 1
    with node.db.transaction():
        node.db.execute(mark, (0, row[0]))
    _same_as_computed(node, client, tokens)
    # new imports: a GTD report beside UCDP's alone, an IR report beside GTD's alone, an ACLED one beside IR's
    later = "2026-06-01T00:00:00.000Z"
    spots: list[Spot] = [{"lat": 25.5 + n, "lon": 62.0 + n, "place": f"Q{n}"} for n in range(5)]
    node.publish([
        _licensed(report("GTD", "G-45", "2026-05-03", **spots[1], killed=3), "CLEAR", "GTD-EUA"),
        _licensed(report("IR", "IR-46", "2026-05-05", **spots[2], killed=40), "AMBER", "PARTY-OWN"),
        _licensed(report("ACLED", "A-47", "2026-05-07", **spots[3], killed=6), "CLEAR", "ACLED-ToU"),
    ])  # fmt: skip
    _same_as_computed(node, client, tokens)
    reconcile(node.db, "PK")
    _same_as_computed(node, client, tokens)
    # corrections: UCDP's report marked AMBER with another toll, IR's GREEN one now CLEAR, a GTD figure changed
    by_ref = {i.source_id: i for i in _datasets_and_parties()}
    node.publish([
        replace(by_ref["U-44"], tlp="AMBER", modified=later, figures=by_ref["G-41"].figures),
        replace(by_ref["IR-43"], tlp="CLEAR", modified=later),
        replace(by_ref["G-40"], modified=later, figures=by_ref["U-41"].figures),
    ])  # fmt: skip
    _same_as_computed(node, client, tokens)
    reconcile(node.db, "PK")
    _same_as_computed(node, client, tokens)
    # an analyst's decisions: IR's report split from the cluster it shares with ACLED's and UCDP's, and GTD's lone
    # report merged with UCDP's of another day
    (ir44,), rest = _ids(node, "IR-44"), _ids(node, "A-44", "U-44")
    with node.publisher() as pub:
        pub.add_object(Decision("split", (ir44,), tuple(rest)).to_stix("PK"))
        pub.add_object(Decision("merge", tuple(_ids(node, "G-42", "U-41"))).to_stix("PK"))
    _same_as_computed(node, client, tokens)
    assert reconcile(node.db, "PK").changed > 0
    _same_as_computed(node, client, tokens)
    reconcile(node.db, "PK", full=True)
    _same_as_computed(node, client, tokens)
