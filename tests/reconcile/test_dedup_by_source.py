"""`stats --dedup --by reported-by` (or `dataset`) counts an incident that several sources reported under all of
them together ("IR + PK"), not under whichever sorts first: on a PK node, the incidents both parties reported
are the joint picture, not IR's alone."""

from __future__ import annotations

from sarhad.node import Node
from sarhad.reconcile.stats import dedup_stats
from sarhad.reconcile.store import reconcile
from tests.reconcile.conftest import quetta_day
from tests.reconcile.helpers import report


def test_an_incident_several_sources_reported_counts_under_them_together(any_node: Node) -> None:
    any_node.publish([*quetta_day(), report("PK", "PK-9", "2024-07-01", lat=25.12, lon=62.32, killed=1)])
    reconcile(any_node.db, "PK")
    groups = {g["key"]: g["incidents"] for g in dedup_stats(any_node.db, "reported-by")["groups"]}
    assert groups == {"ACLED + PK": 2, "IR + PK": 1, "PK": 1}
    # a filter that keeps one source's members counts the incident under that source alone
    from sarhad.store.incidents import Filters

    only_ir = dedup_stats(any_node.db, "reported-by", Filters(reported_by="IR"))
    assert [(g["key"], g["incidents"]) for g in only_ir["groups"]] == [("IR", 1)]
    # other groupings keep the key most members fall in
    assert {g["key"] for g in dedup_stats(any_node.db, "country")["groups"]} == {"PK", "IR"}
