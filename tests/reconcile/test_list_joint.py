"""``sarhad clusters list --json``: each cluster with each source's own killed and wounded figures (as the
dashboard's clusters give ``killed_by_party``) and where it happened, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sarhad.node import Node
from sarhad.reconcile.store import reconcile
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
