"""An object's current version known from its log envelope alone (a sync was refused its body): its level and
origin decide as for any version, and for TLP:RED, whose recipients the envelope does not carry, only the
originator's custodian may read an earlier version. The rule in Python (may_read) and in SQL (read_clause)
agree on SQLite and PostgreSQL. (Across real nodes: tests/exchange/test_stricter_marking_sync.py.)"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sarhad.node import Node
from sarhad.web.auth import Marking, Principal, may_read
from tests.security.test_stricter_marking import PARTIES, VERSIONS, WHO, assert_rule_and_clause_agree, drawn_versions


def test_under_a_withheld_red_version_only_the_originators_admin_reads_the_earlier_copy() -> None:
    red = Marking("RED", "PK", ("IR:desk-a",))  # the recipients a held body would name
    for who, withheld, held in [  # may read the earlier CLEAR version: under the envelope, under the body
        (Principal("root", "admin", "PK"), True, True),  # the originator's custodian, whatever it names
        (Principal("ana", "analyst", "PK"), False, False),  # admitted only if it named no one
        (Principal("desk-a", "analyst", "IR"), False, True),  # admitted only if it named IR:desk-a
        (Principal("ir-node", "peer", "IR"), False, True),  # the transport of a named party
        (Principal("root", "admin", "IR"), False, False),
        (Principal("anyone", "viewer", "PUBLIC"), False, False),
    ]:
        assert may_read(who, "CLEAR", "PK", (), PARTIES, current=red._replace(withheld=True)) is withheld, who
        assert may_read(who, "CLEAR", "PK", (), PARTIES, current=red) is held, who


def test_under_a_withheld_amber_version_the_level_decides() -> None:
    amber = Marking("AMBER", "PK", withheld=True)
    assert may_read(Principal("desk-b", "viewer", "IR"), "CLEAR", "PK", (), PARTIES, current=amber)
    assert not may_read(Principal("anyone", "viewer", "AF"), "CLEAR", "PK", (), PARTIES, current=amber)


KINDS = st.lists(st.sampled_from(("held", "held", "withheld", "both")), min_size=8, max_size=8)


def test_the_sql_clause_and_the_python_rule_agree_with_versions_known_from_envelopes(any_node: Node) -> None:
    """Objects with several versions, some held, some known from their envelopes only, some both: the rows of
    ``objects`` read_clause admits are exactly the versions may_read admits given the object's current
    version (a version both held and withheld counts as held)."""

    @settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(versions=VERSIONS, kinds=KINDS, who=WHO)
    def check(versions: list[tuple[str, str, tuple[str, list[str]]]], kinds: list[str], who: Principal) -> None:
        assert_rule_and_clause_agree(any_node.db, drawn_versions(versions, kinds), who)

    check()
