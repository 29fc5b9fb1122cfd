"""Who may read a version under a licence that forbids redistribution (GTD's, ACLED's): this node's party alone,
unless the node shares such rows. The rule in Python (may_read) and in SQL (read_clause) on SQLite and
PostgreSQL must agree, the object's current version's licence included; and the live stream follows it."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sarhad.importer import import_file
from sarhad.model.codes import RESTRICTED_LICENCES
from sarhad.monitor.stream import Broadcaster, Watcher
from sarhad.node import Node
from sarhad.store.incidents import Filters
from sarhad.web.auth import ROLES, Marking, Principal, may_read, read_clause, unshared_licences
from sarhad.web.context import Context
from tests.conftest import ASSETS, UCDP_SAMPLE

GTD = ASSETS / "synthetic" / "gtd_synthetic.csv"

PARTIES = ("PK", "IR")  # this node's party and its peer's
LICENCES = ("CC-BY-4.0", "GTD-EUA", "ACLED-ToU", "PARTY-OWN")
WHO = st.builds(Principal, st.sampled_from(("a", "b")), st.sampled_from(ROLES), st.sampled_from(("PK", "IR", "AF")))
# versions of two objects, in the order drawn: (object id, TLP, origin, licence)
VERSIONS = st.lists(
    st.tuples(
        st.sampled_from(("x0", "x1")),
        st.sampled_from(("CLEAR", "GREEN", "AMBER", "RED")),
        st.sampled_from(("PK", "IR")),
        st.sampled_from(LICENCES),
    ),
    min_size=1,
    max_size=6,
)
for _strategy in (WHO, VERSIONS):
    _strategy.validate()


def test_another_partys_principals_may_not_read_a_restricted_version_unless_the_node_shares_it() -> None:
    for role in ROLES:
        for party in ("IR", "AF"):
            who = Principal("x", role, party)
            unshared = unshared_licences(who, "PK", share_restricted=False)
            assert set(unshared) == RESTRICTED_LICENCES
            for licence in LICENCES:
                allowed = licence not in RESTRICTED_LICENCES
                assert may_read(who, "CLEAR", "PK", (), PARTIES, licence=licence, unshared=unshared) is allowed
                # its own party's record on PK's node too: the node decides what it redistributes
                assert may_read(who, "CLEAR", party, (), PARTIES, licence=licence, unshared=unshared) is allowed
            assert unshared_licences(who, "PK", share_restricted=True) == ()
        own = Principal("x", role, "PK")
        assert unshared_licences(own, "PK", share_restricted=False) == ()


def test_a_restricted_current_version_closes_its_earlier_versions() -> None:
    who = Principal("ir-node", "peer", "IR")
    unshared = unshared_licences(who, "PK", share_restricted=False)
    current = Marking("CLEAR", "PK", licence="GTD-EUA")
    assert not may_read(who, "CLEAR", "PK", (), PARTIES, current=current, licence="PARTY-OWN", unshared=unshared)
    # an envelope carries no licence: a withheld current version decides by its TLP alone
    withheld = Marking("CLEAR", "PK", withheld=True)
    assert may_read(who, "CLEAR", "PK", (), PARTIES, current=withheld, licence="PARTY-OWN", unshared=unshared)


def test_the_sql_clause_and_the_python_rule_agree_on_licences(any_node: Node) -> None:
    db = any_node.db
    columns = "id, modified, type, sha256, content_sha256, tlp, licence, origin, added, seq, body"

    @settings(max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(versions=VERSIONS, who=WHO, share=st.booleans())
    def check(versions: list[tuple[str, str, str, str]], who: Principal, share: bool) -> None:
        rows = [(oid, f"v{n:02d}", tlp, "PK" if oid == "x0" else origin, lic) for n, (oid, tlp, origin, lic) in
                enumerate(versions)]  # fmt: skip
        with db.transaction():
            db.execute("DELETE FROM objects")
            for seq, (oid, modified, tlp, origin, licence) in enumerate(rows):
                db.execute(
                    f"INSERT INTO objects ({columns}) VALUES (?, ?, 'incident', 's', 'c', ?, ?, ?, 'a', ?, ?)",
                    (oid, modified, tlp, licence, origin, seq, json.dumps({})),
                )
        unshared = unshared_licences(who, "PK", share)
        current = {oid: (modified, Marking(tlp, origin, licence=lic)) for oid, modified, tlp, origin, lic in rows}
        expected = set()
        for oid, modified, tlp, origin, licence in rows:
            latest, marking = current[oid]
            earlier = None if modified == latest else marking
            if may_read(who, tlp, origin, (), PARTIES, current=earlier, licence=licence, unshared=unshared):
                expected.add((oid, modified))
        clause, params = read_clause(who, PARTIES, "t", unshared=unshared)
        got = {
            (str(r[0]), str(r[1])) for r in db.fetchall(f"SELECT id, modified FROM objects t WHERE {clause}", params)
        }
        assert got == expected, f"{who} (shared: {share}) on {rows}"

    check()


def test_the_live_stream_sends_a_gtd_incident_to_the_nodes_own_party_alone(node: Node) -> None:
    watcher = Watcher(node.db, Broadcaster())
    assert watcher.poll() == []  # the first look marks where the stream starts
    import_file(node, "gtd", GTD)
    events = [e for e in watcher.poll() if e.kind == "incident"]
    assert events and {e.licence for e in events} == {"GTD-EUA"}
    ctx = Context(node)
    readers = {
        who: [e for e in events if ctx.may_read(who, e.tlp, e.origin, e.recipients, e.licence)]
        for who in (
            Principal("ana", "analyst", "PK"),
            Principal("ir-node", "peer", "IR"),
            Principal("ana", "analyst", "IR"),
            Principal("m", "viewer", "PARL"),
        )
    }
    assert [len(seen) for seen in readers.values()] == [len(events), 0, 0, 0]


def test_the_views_leave_restricted_licences_out_once_the_node_holds_such_rows(node: Node) -> None:
    """A node holding no GTD or ACLED row keeps the summary tables' answers for every principal (no licence to
    leave out); one that holds them leaves them out of another party's views from the next request on."""
    ctx = Context(node)
    public = Principal("monitor", "viewer", "PUBLIC")
    import_file(node, "ucdp", UCDP_SAMPLE)
    assert ctx.incident_filters(public, Filters()).exclude_licences == ()
    import_file(node, "gtd", GTD)
    assert set(ctx.incident_filters(public, Filters()).exclude_licences) == RESTRICTED_LICENCES
    assert ctx.incident_filters(Principal("ana", "analyst", "PK"), Filters()).exclude_licences == ()
