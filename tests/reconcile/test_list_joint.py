"""``sarhad clusters list --json``: each cluster with each source's own killed and wounded figures (as the
dashboard's clusters give ``killed_by_party``) and where it happened, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from sarhad.node import Node
from sarhad.reconcile.store import reconcile, stored_views
from tests.conftest import run_cli
from tests.reconcile.conftest import quetta_day


def _listed(capsys: pytest.CaptureFixture[str], node: Node) -> dict[frozenset[str], dict[str, Any]]:
    code, out, err = run_cli(capsys, "--home", str(node.settings.home), "clusters", "list", "--json")
    assert code == 0, err
    return {frozenset(m["source_id"] for m in r["members"]): r for r in json.loads(out)}


def test_list_json_gives_each_sources_figures_and_the_place(any_node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    any_node.publish(quetta_day())
    reconcile(any_node.db, "PK")
    listed = _listed(capsys, any_node)
    saravan = listed[frozenset({"PK-3", "IR-3"})]
    assert saravan["killed_by_party"] == {
        "IR": {"low": 3, "best": 3, "high": 3},
        "PK": {"low": 12, "best": 12, "high": 12},
    }
    assert saravan["wounded_by_party"] == {}
    # the place as the node's own report (the cluster's representative) gives it
    assert (saravan["place"], saravan["admin1"], saravan["country"]) == ("Saravan", "IR-11", "IR")
    market = listed[frozenset({"PK-1", "PAK-1"})]
    assert market["wounded_by_party"] == {
        "ACLED": {"low": 20, "best": 20, "high": 20},
        "PK": {"low": 20, "best": 20, "high": 20},
    }
    # the same figures as `clusters show --json` gives for the cluster alone
    for row in listed.values():
        code, out, err = run_cli(capsys, "--home", str(any_node.settings.home), "clusters", "show",
                                 row["cluster_id"], "--json")  # fmt: skip
        assert code == 0, err
        figures = {f["measure"]: f["by_party"] for f in json.loads(out)["figures"] if f["category"] == "total"}
        assert row["killed_by_party"] == figures.get("killed", {})
        assert row["wounded_by_party"] == figures.get("wounded", {})


def _from_members(node: Node) -> dict[str, dict[str, Any]]:
    """Each cluster's figures by source and place as computed from its members as the last run read them (the view
    behind its stored totals), its representative giving the place: what `clusters list --json` gave before the run
    kept them."""
    rows = node.db.fetchall("SELECT cluster_id, representative FROM reconcile_clusters")
    chosen = {str(c): str(r) for c, r in rows}
    out: dict[str, dict[str, Any]] = {}
    for cid, view in stored_views(node.db, sorted(chosen)).items():
        rep = next((m for m in view.members if m.id == chosen[cid]), view.members[0])
        out[cid] = {"killed_by_party": view.by_party("killed"), "wounded_by_party": view.by_party("wounded")}
        out[cid].update({"place": rep.place, "admin1": rep.admin1, "country": rep.country})
        out[cid].update({"lat": rep.lat, "lon": rep.lon})
    return out


def _listed_extras(capsys: pytest.CaptureFixture[str], node: Node) -> dict[str, dict[str, Any]]:
    keys = ("killed_by_party", "wounded_by_party", "place", "admin1", "country", "lat", "lon")
    return {r["cluster_id"]: {k: r[k] for k in keys} for r in _listed(capsys, node).values()}


def test_list_json_takes_each_clusters_figures_and_place_from_its_row_as_its_members_give_them(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    """The run keeps what `clusters list --json` adds (each source's figures, the place) in the cluster's row: the
    list computes no joint view, and gives what the members gave, after a run, while a member's newer version waits
    for the next run, when a member's body is no longer held, and for clusters written before the rows kept them."""
    any_node.publish(quetta_day())
    reconcile(any_node.db, "PK")
    db = any_node.db
    kept = db.fetchall("SELECT cluster_id, joint FROM reconcile_clusters")
    assert kept and all(extras is not None for _, extras in kept)
    assert _listed_extras(capsys, any_node) == _from_members(any_node)
    # the list reads the row: what it holds is what is listed (set by hand here, to see it read)
    saravan, extras = next((c, str(x)) for c, x in kept if '"Saravan"' in str(x))
    with db.transaction():
        db.execute(
            "UPDATE reconcile_clusters SET joint = ? WHERE cluster_id = ?",
            (extras.replace('"Saravan"', '"Saravan (kept)"'), saravan),
        )
    assert _listed_extras(capsys, any_node)[saravan]["place"] == "Saravan (kept)"
    reconcile(any_node.db, "PK", full=True)
    assert _listed_extras(capsys, any_node) == _from_members(any_node)
    # a correction not yet reconciled: the list still gives the view the totals come from
    corrected = replace(quetta_day()[4], modified="2026-06-01T00:00:00.000Z", place=replace(
        quetta_day()[4].place, name="Saravan town"), figures=())  # fmt: skip
    any_node.publish([corrected])
    assert _listed_extras(capsys, any_node) == _from_members(any_node)
    # a member whose body the node no longer holds: its cluster is computed from the members it holds
    with db.transaction():
        db.execute("DELETE FROM incidents WHERE source_id = 'PAK-1'")
    assert _listed_extras(capsys, any_node) == _from_members(any_node)
    market = next(r for r in _listed(capsys, any_node).values() if {m["source_id"] for m in r["members"]} == {"PK-1"})
    assert set(market["killed_by_party"]) == {"PK"}
    # rows written before they kept the extras: listed as before, and the next run writes them
    with db.transaction():
        db.execute("UPDATE reconcile_clusters SET joint = NULL")
    assert _listed_extras(capsys, any_node) == _from_members(any_node)
    assert reconcile(any_node.db, "PK").changed > 0
    assert all(extras is not None for (extras,) in db.fetchall("SELECT joint FROM reconcile_clusters"))
    assert _listed_extras(capsys, any_node) == _from_members(any_node)
