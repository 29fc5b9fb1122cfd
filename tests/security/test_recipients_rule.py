"""Who may read a TLP:RED record that names its recipients: the rule in Python (may_read) and in SQL
(read_clause) on SQLite and PostgreSQL, which must agree for every kind of principal and record."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sarhad.cli import main
from sarhad.errors import InvalidInput
from sarhad.model.incident import SARHAD_EXTENSION
from sarhad.node import Node
from sarhad.web.auth import ROLES, Principal, create_token, may_read, read_clause
from tests.monitor.test_evaluate import make

PARTIES = ("PK", "IR")  # this node's party and its peer's
R = ("IR:desk-a", "PK:jtc-liaison")


def reads(who: Principal, tlp: str = "RED", origin: str = "PK", recipients: tuple[str, ...] = R) -> bool:
    return may_read(who, tlp, origin, recipients, PARTIES)


def test_a_named_recipient_reads_it_on_any_node_and_whatever_its_role() -> None:
    for role in ROLES:
        assert reads(Principal("desk-a", role, "IR"))
        assert reads(Principal("jtc-liaison", role, "PK"))


def test_the_originators_admin_reads_it_and_its_other_principals_do_not() -> None:
    assert reads(Principal("root", "admin", "PK"), recipients=("IR:desk-a",))
    for role in ("analyst", "viewer", "peer"):
        assert not reads(Principal("someone", role, "PK"), recipients=("IR:desk-a",)), role


def test_a_peer_of_a_named_party_carries_it_and_no_other_principal_of_that_party_reads_it() -> None:
    assert reads(Principal("ir-node", "peer", "IR"))
    for role in ("admin", "analyst", "viewer"):
        assert not reads(Principal("desk-b", role, "IR")), role
    assert not reads(Principal("af-node", "peer", "AF"))


def test_on_the_recipients_node_its_admin_is_not_the_custodian() -> None:
    assert not reads(Principal("root", "admin", "IR"))
    assert reads(Principal("root", "admin", "IR"), origin="IR")  # its own party's RED record, though


def test_without_recipients_red_is_the_originating_partys_own() -> None:
    for role in ROLES:
        assert reads(Principal("x", role, "PK"), recipients=())
        assert not reads(Principal("x", role, "IR"), recipients=())


def test_recipients_do_not_change_the_other_levels() -> None:
    assert reads(Principal("x", "viewer", "IR"), tlp="AMBER", recipients=())
    assert not reads(Principal("x", "viewer", "AF"), tlp="AMBER", recipients=())
    assert reads(Principal("x", "peer", "AF"), tlp="GREEN", recipients=())
    assert reads(Principal("x", "viewer", "AF"), tlp="CLEAR", recipients=())


def test_a_principal_name_that_no_recipient_could_name_is_refused(node: Node) -> None:
    with pytest.raises(InvalidInput, match=r"principal name 'desk a' is not 1-64 letters"):
        create_token(node.db, "desk a", "analyst", "IR")


NAMES = ("desk-a", "desk-b", "root", "jtc-liaison", "ir-node")
ROW = st.tuples(
    st.sampled_from(("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")),
    st.sampled_from(("PK", "IR", "AF")),
    st.lists(st.builds("{}:{}".format, st.sampled_from(("PK", "IR", "AF")), st.sampled_from(NAMES)), unique=True,
             max_size=3),
)  # fmt: skip
WHO = st.builds(Principal, st.sampled_from(NAMES), st.sampled_from(ROLES), st.sampled_from(("PK", "IR", "AF", "UN")))
for _strategy in (ROW, WHO):
    _strategy.validate()


def test_the_sql_clause_and_the_python_rule_agree(any_node: Node) -> None:
    """Rows of objects with bodies naming recipients (read through the object_recipients view), on both
    databases; a recipients property on a row that is not RED must count for nothing."""
    db = any_node.db
    columns = "id, modified, type, sha256, content_sha256, tlp, licence, origin, added, seq, body"

    @settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(rows=st.lists(ROW, min_size=1, max_size=6), who=WHO)
    def check(rows: list[tuple[str, str, list[str]]], who: Principal) -> None:
        with db.transaction():
            db.execute("DELETE FROM objects")
            for i, (tlp, origin, named) in enumerate(rows):
                body = {"extensions": {SARHAD_EXTENSION: {"recipients": named}}} if named else {}
                db.execute(
                    f"INSERT INTO objects ({columns}) VALUES (?, 'v1', 'incident', 's', 'c', ?, 'L', ?, 'a', ?, ?)",
                    (f"x{i}", tlp, origin, i, json.dumps(body)),
                )
        clause, params = read_clause(who, PARTIES, "t")
        got = {str(r[0]) for r in db.fetchall(f"SELECT id FROM objects t WHERE {clause}", params)}
        expected = {
            f"x{i}"
            for i, (tlp, origin, named) in enumerate(rows)
            if may_read(who, tlp, origin, named if tlp == "RED" else (), PARTIES)
        }
        assert got == expected, f"{who} on {rows}"

    check()


def test_an_export_for_peers_leaves_out_red_records(node: Node, tmp_path: Path) -> None:
    from sarhad.exporter import export

    red = make("red-for-peers")
    node.publish([dataclasses.replace(red, tlp="RED", recipients=("IR:desk-a",)), make("green-for-peers")])
    for fmt in ("csv", "geojson"):
        own = tmp_path / f"own.{fmt}"
        shared = tmp_path / f"shared.{fmt}"
        assert export(node, fmt, own) == 2
        assert export(node, fmt, shared, for_peers=True) == 1
        assert red.id in own.read_text(encoding="utf-8") and red.id not in shared.read_text(encoding="utf-8")
    bundle = tmp_path / "b.json"
    assert main(["--home", str(node.settings.home), "export", "stix", "--out", str(bundle), "--for-peers"]) == 0
    assert red.id not in bundle.read_text(encoding="utf-8")
