"""Reconciliation states, the implementation index and indicator statuses."""

from __future__ import annotations

from typing import Any

import pytest

from sarhad.framework import ops
from sarhad.framework.derive import implementation_index, indicator_status, status, status_matrix
from sarhad.framework.quarter import Quarter
from sarhad.framework.store import load
from sarhad.node import Node

Q1 = Quarter(2026, 1)


@pytest.mark.parametrize(
    ("pk", "ir", "evidence", "state", "agreed", "reconciled"),
    [
        (2, 2, False, "agreed", 2, 2),
        (1, 2, False, "divergent", None, 1),
        (0, 2, False, "disputed", None, 0),
        (2, 3, False, "disputed", None, 2),  # full claimed without evidence
        (2, 3, True, "divergent", None, 2),
        (1, None, False, "single-party", None, 1),
        (None, None, False, "not-assessed", None, None),
    ],
)
def test_state_rules(
    fw_node: Node,
    tmp_path: Any,
    pk: int | None,
    ir: int | None,
    evidence: bool,
    state: str,
    agreed: int | None,
    reconciled: int | None,
) -> None:
    ev = []
    if evidence:
        f = tmp_path / "e.txt"
        f.write_text("proof")
        ev = [ops.add_evidence(fw_node, f, "document")["id"]]
    if pk is not None:
        ops.assess(fw_node, "C-02", "2026Q1", pk, "pk")
    if ir is not None:
        ops.assess(fw_node, "C-02", "2026Q1", ir, "ir", party="IR", evidence=ev)
    st = status(load(fw_node.db), "C-02", Q1)
    assert (st.state, st.agreed_level, st.reconciled_level) == (state, agreed, reconciled)


def test_joint_rating_and_open_dispute(fw_node: Node) -> None:
    ops.assess(fw_node, "C-10", "2026Q1", 2, "pk")
    ops.assess(fw_node, "C-10", "2026Q1", 1, "ir", party="IR")
    ops.assess(fw_node, "C-10", "2026Q1", 1, "joint committee", party="JOINT")
    st = status(load(fw_node.db), "C-10", Q1)
    assert (st.state, st.agreed_level) == ("agreed", 1)
    assert (st.level("PK"), st.level("IR")) == (2, 1)  # never overwritten
    ops.open_dispute(fw_node, "C-10", "2026Q1", "patrol count", "two sectors, not one")
    assert status(load(fw_node.db), "C-10", Q1).state == "disputed"


def test_implementation_index_per_area_and_party(fw_node: Node) -> None:
    ops.assess(fw_node, "C-02", "2026Q1", 3, "x")
    ops.assess(fw_node, "C-02", "2026Q1", 3, "x", party="IR")
    ops.assess(fw_node, "C-08", "2026Q1", 0, "x")
    ops.assess(fw_node, "C-08", "2026Q1", 2, "x", party="IR")
    data = load(fw_node.db)
    cur = {c: per[str(Q1)] for c, per in status_matrix(data, [Q1]).items()}
    idx = implementation_index(data, cur)
    assert idx["overall"].n == 2 and idx["overall"].value == pytest.approx(3 / 6)  # reconciled 3 and 0
    assert idx["overall"].distribution == {0: 1, 1: 0, 2: 0, 3: 1}
    assert idx["governance"].value == 1.0 and idx["intel-ops"].value == 0.0 and idx["economic"].value is None
    ir = implementation_index(data, cur, party="IR")
    assert ir["overall"].value == pytest.approx(5 / 6)


IND: dict[str, Any] = {
    "ascending": True,
    "baseline": {"value": 2.5, "date": "2024-12-31"},
    "target": {"value": 5.0, "by": "2030-12-31"},
}


@pytest.mark.parametrize(
    ("indicator", "actual", "quarter", "code"),
    [
        (IND, 5.2, Q1, "achieved"),
        (IND, 2.9, Q1, "on-track"),
        (IND, 2.8, Q1, "acceleration-needed"),
        (IND, 2.6, Q1, "limited-progress"),
        (IND, 2.2, Q1, "deterioration"),
        (IND, None, Q1, "no-data"),
        (IND, 3.0, Quarter(2031, 1), "not-achieved"),
        ({**IND, "target": {"value": 1, "per_period": True}, "baseline": {"value": 0}}, 1, Q1, "achieved"),
        (
            {**IND, "target": {"value": 12, "by": None}, "baseline": {"value": 0, "date": "2025-08"}},
            4,
            Q1,
            "no-target-date",
        ),
        ({**IND, "target": None}, 3.0, Q1, "significant-progress"),
        ({**IND, "target": None, "baseline": None}, 3.0, Q1, "trend-only"),
    ],
)
def test_indicator_status_open_sdg(
    indicator: dict[str, Any], actual: float | None, quarter: Quarter, code: str
) -> None:
    assert indicator_status(indicator, actual, quarter).code == code


def test_indicator_trend_arrow_follows_better_or_worse() -> None:
    assert indicator_status(IND, 3.0, Q1, previous=2.8).arrow == "↑"
    assert indicator_status({**IND, "ascending": False}, 3.0, Q1, previous=2.8).arrow == "↓"
    assert indicator_status(IND, 3.0, Q1, previous=3.0).arrow == "→"
