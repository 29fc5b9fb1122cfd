"""The range of a total (``stats``' ``range``): the sum of each incident's range, from the smallest to the largest
figure it gives, on SQLite and PostgreSQL, beside the unchanged sums of the stored low/best/high."""

from __future__ import annotations

from typing import Any

from sarhad.importer import import_file
from sarhad.model.figures import Figure
from sarhad.model.incident import Incident, incident_id
from sarhad.node import Node
from sarhad.reconcile.stats import dedup_stats
from sarhad.store.incidents import Filters, query_incidents, stats
from tests.conftest import ASSETS, UCDP_SAMPLE


def _party(source: str, killed: tuple[int | None, int | None, int | None] | None, year: str = "2026") -> Incident:
    """A party's record giving ``killed`` as (low, best, high), or no figure at all when None."""
    figures = () if killed is None else (Figure("killed", "total", *killed, "party_official", "PK"),)
    return Incident(id=incident_id("party", "PK", source), reported_by="PK", dataset="party", source_id=source,
                    date_start=f"{year}-01-02", date_end=f"{year}-01-02", figures=figures)  # fmt: skip


def _mixed(node: Node) -> None:
    """UCDP rows (three figures), ACLED and GTD rows (one figure) and a record with no figure."""
    import_file(node, "ucdp", UCDP_SAMPLE)
    import_file(node, "acled", ASSETS / "synthetic" / "acled_synthetic.csv")
    import_file(node, "gtd", ASSETS / "synthetic" / "gtd_synthetic.csv")
    node.publish([_party("no-figure", None, year="2012")])


def _expected(rows: list[dict[str, Any]], measure: str) -> dict[str, int]:
    """The range computed in Python from each listed incident's own figures."""
    known = [[v for v in r[measure].values() if v is not None] for r in rows]
    return {"low": sum(min(k) for k in known if k), "high": sum(max(k) for k in known if k)}


def test_each_combination_of_figures_adds_its_own_range(any_node: Node) -> None:
    any_node.publish([
        _party("three", (2, 3, 5)),  # UCDP-like
        _party("best-only", (None, 10, None)),  # ACLED, GTD: one figure is its own low and high
        _party("low-only", (4, None, None)),  # a low but no best: what it gives, and unknown
        _party("high-only", (None, None, 8)),
        _party("low-above-high", (4, 4, 3)),  # as UCDP publishes some rows: ordered, so 3..4
        _party("best-below-low", (7, 6, 7)),  # 6..7
        _party("none", None),  # no figure: out of every sum, unknown
    ])  # fmt: skip
    killed = stats(any_node.db)["killed"]
    # the stored figures' sums, as before (issue #2's contract) ...
    assert (killed["low"], killed["best"], killed["high"], killed["unknown"]) == (17, 23, 23, 3)
    # ... and the range: 2+10+4+8+3+6 .. 5+10+4+8+4+7
    assert killed["range"] == {"low": 33, "high": 38}
    assert stats(any_node.db)["wounded"]["range"] == {"low": 0, "high": 0}


def test_the_range_of_a_mixed_node_holds_every_total_and_group(any_node: Node) -> None:
    _mixed(any_node)
    out = stats(any_node.db, "year")
    rows = query_incidents(any_node.db)
    for measure in ("killed", "wounded"):
        assert out[measure]["range"] == _expected(rows, measure)
        for g in [*out["groups"], out]:
            r = g[measure]["range"]
            assert r["low"] <= g[measure]["best"] <= r["high"], (g.get("key"), measure, g[measure])
    assert out["killed"]["low"] == 154 and out["killed"]["high"] == 211  # the stored sums: UCDP's alone
    # GTD's blank counts and the record with no figure: unknown, and in no sum
    assert out["killed"]["unknown"] == sum(r["killed"]["best"] is None for r in rows) > 1
    ucdp_2012 = stats(any_node.db, filters=Filters(since="2012-01-01", until="2012-12-31", dataset="ucdp"))
    # UCDP's (4, 4, 3) and (6, 6, 6): the stored sums give low 10 above high 9
    assert (ucdp_2012["killed"]["low"], ucdp_2012["killed"]["best"], ucdp_2012["killed"]["high"]) == (10, 10, 9)
    assert ucdp_2012["killed"]["range"] == {"low": 9, "high": 10}


def test_dedup_stats_give_the_range_of_each_cluster(any_node: Node) -> None:
    any_node.publish([_party("three", (2, 3, 5)), _party("low-above-high", (4, 4, 3)), _party("none", None)])
    killed = dedup_stats(any_node.db)["killed"]
    assert killed["range"] == {"low": 5, "high": 9} and killed["best"] == 7 and killed["unknown"] == 1
