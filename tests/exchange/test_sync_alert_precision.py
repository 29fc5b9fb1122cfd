"""A synced record placed only to a region raises the same flagged alert as an own one: the sync's subjects
carry the record's geo precision (read from its row), so the reason says the place is known only to the region."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sarhad.exchange.peers import get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.monitor.alerts import list_alerts
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from tests.monitor.test_alert_place_precision import placed
from tests.node_pair import peered, pk_and_ir


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def pair(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Node, Node]]:
    with pk_and_ir(tmp_path, request) as (pk, ir), peered(pk, ir):
        yield pk, ir


def test_a_synced_record_placed_to_a_region_raises_a_flagged_alert(pair: tuple[Node, Node]) -> None:
    pk, ir = pair
    add_rule(ir.db, Rule("border", near_border_km=25))
    region, town = placed("r", "region"), placed("t", "exact")
    pk.publish([region, town])
    sync_peer(ir, get_peer(ir.db, "PK"))
    got = {a.incident_id: (a.reason, a.geo_precision) for a in list_alerts(ir.db)}
    assert got == {
        region.id: ("0.9 km from the border (place known only to the region)", "region"),
        town.id: ("0.9 km from the border", "exact"),
    }
