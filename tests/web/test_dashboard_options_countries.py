"""The dashboard's options name the countries of the incidents the reader may read, a country whose incidents
give no province too, so the page offers each in its Country list (over HTTP, on SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from sarhad.model.incident import Place
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.monitor.test_evaluate import make
from tests.web.conftest import serving


def _holding(node: Node) -> None:
    """PK and IR incidents with provinces; an Afghan one with none (CLEAR) and an Indian one with none (TLP:RED,
    for the PK principals only)."""
    af = make("af-no-province", day="2025-04-12")
    af = replace(af, place=Place(country="AF", lat=31.0, lon=62.0, precision="near", border_km=90.0))
    india = make("in-no-province", day="2025-04-13")
    india = replace(india, place=Place(country="IN", precision="unknown"), tlp="RED")
    node.publish([make("pk-one"), make("ir-one", party="IR", admin1="Sistan and Baluchestan"), af, india])


@pytest.mark.parametrize("query", [{}, {"near_border": "1000"}], ids=["summaries", "rows"])
def test_the_options_name_every_country_the_reader_may_read_provinces_or_not(
    any_node: Node, query: dict[str, str]
) -> None:
    _holding(any_node)
    pk = create_token(any_node.db, "val", "viewer", "PK")
    public = create_token(any_node.db, "anyone", "viewer", "PUBLIC")
    with serving(any_node) as base, httpx.Client(base_url=base, timeout=30) as client:

        def countries(token: str, **extra: str) -> list[str]:
            answer = client.get(
                "/api/dashboard/options", params={**query, **extra}, headers={"Authorization": f"Bearer {token}"}
            )
            assert answer.status_code == 200, answer.text
            return list(answer.json()["countries"])

        expected_pk = ["AF", "IR", "PK"] if query else ["AF", "IN", "IR", "PK"]  # IN has no border distance
        assert countries(pk) == expected_pk
        assert "IN" not in countries(public)  # a TLP:RED record's country, for the PK principals only
        assert countries(pk, party="IR") == ["IR"]
