"""Marking a record stricter stops the disclosure of its earlier, laxer versions: a version is read only by those
who may read it under its own marking and may read the object's current version. The rule in Python (may_read)
and in SQL (read_clause) on SQLite and PostgreSQL, and every read path that serves versions: TAXII objects,
object by id, versions and manifest, the log entries with objects, the JSON API, the dashboard and exports.
(The two-node sync is in tests/exchange/test_stricter_marking_sync.py.)"""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sarhad.exchange.peers import add_peer
from sarhad.exporter import export
from sarhad.formats.stix import export_stix
from sarhad.log.note import Signer
from sarhad.marking import mark_incident
from sarhad.model.incident import SARHAD_EXTENSION
from sarhad.node import Node
from sarhad.store.db import Database
from sarhad.web.auth import ROLES, Marking, Principal, create_token, may_read, read_clause
from tests.monitor.test_evaluate import make
from tests.security.conftest import InProcess, in_process

PARTIES = ("PK", "IR")  # this node's party and its peer's
TAXII = "application/taxii+json;version=2.1"
COLLECTION = "/taxii2/sarhad/collections/incidents"


def test_an_earlier_clear_version_is_read_only_by_those_who_may_read_the_current_red_one() -> None:
    red = Marking("RED", "PK", ("IR:desk-a",))
    for who, allowed in [
        (Principal("desk-a", "analyst", "IR"), True),  # named
        (Principal("root", "admin", "PK"), True),  # the originator's custodian
        (Principal("ir-node", "peer", "IR"), True),  # the transport of a named party
        (Principal("desk-b", "analyst", "IR"), False),
        (Principal("ana", "analyst", "PK"), False),  # the originating party, but not named
        (Principal("anyone", "viewer", "PUBLIC"), False),
        (Principal("af-node", "peer", "AF"), False),
    ]:
        assert may_read(who, "CLEAR", "PK", (), PARTIES), who  # on its own marking alone
        assert may_read(who, "CLEAR", "PK", (), PARTIES, current=red) is allowed, who


def test_marking_laxer_does_not_open_the_earlier_red_version() -> None:
    clear = Marking("CLEAR", "PK")
    viewer = Principal("anyone", "viewer", "PUBLIC")
    assert may_read(viewer, "CLEAR", "PK", (), PARTIES, current=clear)
    assert not may_read(viewer, "RED", "PK", (), PARTIES, current=clear)
    assert not may_read(viewer, "RED", "PK", ("IR:desk-a",), PARTIES, current=clear)
    assert may_read(Principal("desk-a", "viewer", "IR"), "RED", "PK", ("IR:desk-a",), PARTIES, current=clear)


NAMES = ("desk-a", "desk-b", "root", "ir-node")
MARKING = st.tuples(
    st.sampled_from(("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")),
    st.lists(st.builds("{}:{}".format, st.sampled_from(("PK", "IR", "AF")), st.sampled_from(NAMES)), unique=True,
             max_size=2),
)  # fmt: skip
# versions of three objects (each object's versions in the order drawn), each of one of two parties
VERSIONS = st.lists(st.tuples(st.sampled_from(("x0", "x1", "x2")), st.sampled_from(("PK", "IR")), MARKING),
                    min_size=1, max_size=8)  # fmt: skip
WHO = st.builds(Principal, st.sampled_from(NAMES), st.sampled_from(ROLES), st.sampled_from(("PK", "IR", "AF", "UN")))
for _strategy in (VERSIONS, WHO):
    _strategy.validate()


# A version drawn for the agreement tests: (object id, version, tlp, origin, recipients, kind), where kind says
# whether the node holds its body ("held"), knows it from its envelope only ("withheld") or both ("both").
Drawn = tuple[str, str, str, str, list[str], str]
_COLUMNS = "id, modified, type, sha256, content_sha256, tlp, licence, origin, added, seq, body"


def drawn_versions(versions: list[tuple[str, str, tuple[str, list[str]]]], kinds: list[str]) -> list[Drawn]:
    """The versions of a draw (one object's versions all from one party), each of its kind."""
    return [
        (object_id, f"v{seq:02d}", tlp, "PK" if object_id == "x0" else origin, named if tlp == "RED" else [], kind)
        for seq, ((object_id, origin, (tlp, named)), kind) in enumerate(zip(versions, kinds, strict=False))
    ]


def assert_rule_and_clause_agree(db: Database, rows: list[Drawn], who: Principal) -> None:
    """Store ``rows`` (a held version in ``objects``, a withheld one in ``withheld_versions``) and check that the
    versions read_clause admits are exactly those may_read admits given each object's current version (a
    version both held and withheld counts as held)."""
    with db.transaction():
        db.execute("DELETE FROM objects")
        db.execute("DELETE FROM withheld_versions")
        for seq, (object_id, modified, tlp, origin, named, kind) in enumerate(rows):
            if kind != "withheld":
                body = {"extensions": {SARHAD_EXTENSION: {"recipients": named}}} if named else {}
                db.execute(
                    f"INSERT INTO objects ({_COLUMNS}) VALUES (?, ?, 'incident', 's', 'c', ?, 'L', ?, 'a', ?, ?)",
                    (object_id, modified, tlp, origin, seq, json.dumps(body)),
                )
            if kind != "held":
                db.execute(
                    "INSERT INTO withheld_versions (id, modified, tlp, origin) VALUES (?, ?, ?, ?)",
                    (object_id, modified, tlp, origin),
                )
    current = {}
    for object_id, modified, tlp, origin, named, kind in rows:  # in order of modified: the last one wins
        current[object_id] = (modified, Marking(tlp, origin, tuple(named), withheld=kind == "withheld"))
    expected = set()
    for object_id, modified, tlp, origin, named, kind in rows:
        latest, marking = current[object_id]
        earlier = None if modified == latest else marking
        if kind != "withheld" and may_read(who, tlp, origin, named, PARTIES, current=earlier):
            expected.add((object_id, modified))
    clause, params = read_clause(who, PARTIES, "t")
    got = {(str(r[0]), str(r[1])) for r in db.fetchall(f"SELECT id, modified FROM objects t WHERE {clause}", params)}
    assert got == expected, f"{who} on {rows}"


def test_the_sql_clause_and_the_python_rule_agree_on_every_version(any_node: Node) -> None:
    """Objects with several versions, each marked its own way: the rows read_clause admits are exactly the
    versions may_read admits given the object's current version."""

    @settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(versions=VERSIONS, who=WHO)
    def check(versions: list[tuple[str, str, tuple[str, list[str]]]], who: Principal) -> None:
        assert_rule_and_clause_agree(any_node.db, drawn_versions(versions, ["held"] * len(versions)), who)

    check()


@dataclass
class Remarked:
    """A node whose record ``stricter`` was CLEAR and is now RED for IR:desk-a, and whose record ``laxer`` was
    RED (its party's own) and is now CLEAR; ``tokens`` by principal name."""

    node: Node
    app: InProcess
    stricter: str
    laxer: str
    versions: dict[str, tuple[str, str]]  # id -> (first version, current version)
    tokens: dict[str, str]

    def get(self, who: str, path: str, **params: str) -> tuple[int, str]:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        if path.startswith("/taxii2/"):
            headers["Accept"] = TAXII
        answer = self.app.request("GET", path, headers=headers, params=params)
        assert answer.status_code < 500, f"{path}: {answer.text}"
        return answer.status_code, answer.text


# who reads the stricter record's versions (both or neither), and the principals' roles and parties
READERS = {"desk-a": True, "root": True, "ir-node": True, "desk-b": False, "ana": False, "anyone": False}
WHO_IS = {
    "desk-a": ("analyst", "IR"),
    "root": ("admin", "PK"),
    "ir-node": ("peer", "IR"),
    "desk-b": ("analyst", "IR"),
    "ana": ("analyst", "PK"),
    "anyone": ("viewer", "PUBLIC"),
}


@pytest.fixture
def remarked(any_node: Node) -> Iterator[Remarked]:
    node = any_node
    ir_key = Signer.generate("sarhad.ir/log").vkey
    add_peer(node.db, "IR", "http://127.0.0.1:9", ir_key, "sarhad_000000000000_" + "p" * 43)  # a framework party
    stricter, laxer, other = make("stricter"), make("laxer"), make("other")
    node.publish([stricter, dataclasses.replace(laxer, tlp="RED"), other])
    mark_incident(node, stricter.id, "RED", ["IR:desk-a"])
    mark_incident(node, laxer.id, "CLEAR")
    versions = {}
    for object_id in (stricter.id, laxer.id):
        sql = "SELECT modified FROM objects WHERE id = ? ORDER BY modified"
        first, current = (str(r[0]) for r in node.db.fetchall(sql, (object_id,)))
        versions[object_id] = (first, current)
    tokens = {name: create_token(node.db, name, role, party) for name, (role, party) in WHO_IS.items()}
    with in_process(node) as app:
        yield Remarked(node, app, stricter.id, laxer.id, versions, tokens)


def _served(text: str, object_id: str, key: str = "objects") -> set[str]:
    """The versions of ``object_id`` in a TAXII envelope of objects or manifest entries."""
    items = json.loads(text).get(key, [])
    return {str(o.get("modified", o.get("version"))) for o in items if o["id"] == object_id}


def test_taxii_serves_no_version_of_a_record_marked_stricter_to_those_the_new_marking_leaves_out(
    remarked: Remarked,
) -> None:
    r = remarked
    both = set(r.versions[r.stricter])
    first = r.versions[r.stricter][0]
    for who, allowed in READERS.items():
        expected = both if allowed else set()
        _, text = r.get(who, f"{COLLECTION}/objects/", **{"match[version]": "all"})
        assert _served(text, r.stricter) == expected, who
        _, text = r.get(who, f"{COLLECTION}/manifest/", **{"match[version]": "all"})
        assert _served(text, r.stricter) == expected, who
        status, text = r.get(who, f"{COLLECTION}/objects/{r.stricter}/", **{"match[version]": "first"})
        assert (status, _served(text, r.stricter) if status == 200 else set()) == (
            (200, {first}) if allowed else (404, set())
        ), who
        status, text = r.get(who, f"{COLLECTION}/objects/{r.stricter}/versions/")
        assert status == (200 if allowed else 404), who
        if allowed:
            assert set(json.loads(text)["versions"]) == both, who


def test_taxii_does_not_open_the_earlier_red_version_of_a_record_marked_laxer(remarked: Remarked) -> None:
    r = remarked
    first, current = r.versions[r.laxer]
    for who, expected in [("anyone", {current}), ("desk-b", {current}), ("ana", {first, current})]:
        _, text = r.get(who, f"{COLLECTION}/objects/", **{"match[version]": "all"})
        assert _served(text, r.laxer) == expected, who
        status, text = r.get(who, f"{COLLECTION}/objects/{r.laxer}/versions/")
        assert status == 200 and set(json.loads(text)["versions"]) == expected, who


def test_the_log_entries_carry_every_envelope_and_only_the_bodies_the_current_marking_allows(
    remarked: Remarked,
) -> None:
    r = remarked
    size = r.node.log.size()
    indexes = {
        str(row[0]): int(row[1])
        for row in r.node.db.fetchall("SELECT modified, log_index FROM objects WHERE id = ?", (r.stricter,))
    }
    assert len(indexes) == 2
    for who, allowed in READERS.items():
        status, text = r.get(who, "/log/entries", objects="1", end=str(size))
        assert status == 200, who
        answer = json.loads(text)
        assert len(answer["entries"]) == size, who  # the withheld versions' envelopes stay, so the log verifies
        carried = {i for i in indexes.values() if str(i) in answer["objects"]}
        assert carried == (set(indexes.values()) if allowed else set()), who
        enveloped = [json.loads(e["envelope"]) for e in answer["entries"]]
        assert sum(e["object_id"] == r.stricter for e in enveloped) == 2, who


def test_the_json_api_and_the_dashboard_show_the_current_version_only_to_its_readers(remarked: Remarked) -> None:
    r = remarked
    for who, allowed in READERS.items():
        if who == "ir-node":
            continue  # a peer principal is a transport; it reads through TAXII and the log
        status, text = r.get(who, f"/api/incidents/{r.stricter}")
        assert status == (200 if allowed else 404), who
        if allowed:
            shown = json.loads(text)
            assert shown["incident"]["modified"] == r.versions[r.stricter][1]
            assert shown["recipients"] == ["IR:desk-a"]
        _, text = r.get(who, "/api/incidents", limit="1000")
        assert (r.stricter in {i["id"] for i in json.loads(text)["incidents"]}) is allowed, who
        status, _ = r.get(who, f"/api/dashboard/incidents/{r.stricter}")
        assert status == (200 if allowed else 404), who
        _, text = r.get(who, "/api/dashboard/table", limit="500")
        assert (r.stricter in {row["id"] for row in json.loads(text)["rows"]}) is allowed, who


def test_exports_carry_the_current_version_only(remarked: Remarked, tmp_path: Path) -> None:
    r = remarked
    current = r.versions[r.stricter][1]
    for for_peers in (False, True):
        out = tmp_path / f"export-{for_peers}.csv"
        export(r.node, "csv", out, for_peers=for_peers)
        with out.open(encoding="utf-8", newline="") as fh:
            rows = [(row["modified"], row["tlp"]) for row in csv.DictReader(fh) if row["id"] == r.stricter]
        # the operator's own file has the RED version; a file for peers has neither it nor the CLEAR one
        assert rows == ([] if for_peers else [(current, "RED")]), for_peers
    out = tmp_path / "all.json"
    export_stix(r.node, out)
    bundled = [o for o in json.loads(out.read_text(encoding="utf-8"))["objects"] if o["id"] == r.stricter]
    assert [o["modified"] for o in bundled] == [current]
