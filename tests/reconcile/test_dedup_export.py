"""`export … --dedup` writes one report per incident among the reports its other filters keep: an incident that
IR, UCDP and PK's TLP:RED report describe is still in a file of IR's reports, of UCDP's rows, of what a peer may
read, or of TLP:CLEAR records, as the report of that kind. On PK's node, IR's reports synced from IR's node on
loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from sarhad.exchange.peers import get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.node import Node
from sarhad.reconcile.store import list_clusters, reconcile
from tests.conftest import run_cli
from tests.node_pair import peered, pk_and_ir
from tests.reconcile.helpers import Spot, report

_KHARAN: Spot = {"lat": 28.88, "lon": 64.40, "place": "Kharan"}
_PANJGUR: Spot = {"lat": 26.97, "lon": 64.09, "place": "Panjgur"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def pk(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Node]:
    """PK's node, reconciled: the Kharan attack (PK's own report TLP:RED, 21 killed; IR's, 3; UCDP's row, 2-4)
    and the Panjgur attack (PK's 5, IR's 8), IR's reports synced from IR's node."""
    with pk_and_ir(tmp_path, request) as (pk, ir), peered(pk, ir):
        red = replace(report("PK", "PK-G", "2025-11-11", attack="Armed Assault", killed=21, **_KHARAN), tlp="RED")
        pk.publish([red, report("UCDP", "9002", "2025-11-11", geo="near", attack=None, killed=(2, 3, 4), **_KHARAN),
                    report("PK", "PK-A", "2025-05-10", attack="Armed Assault", killed=5, **_PANJGUR)])  # fmt: skip
        ir.publish([report("IR", "IR-G", "2025-11-11", attack="Armed Assault", killed=3, **_KHARAN),
                    report("IR", "IR-A", "2025-05-10", attack="Armed Assault", killed=8, **_PANJGUR)])  # fmt: skip
        sync_peer(pk, get_peer(pk.db, "IR"))
        reconcile(pk.db, "PK")
        yield pk


def _exported(pk: Node, capsys: pytest.CaptureFixture[str], *options: str) -> list[tuple[str, str, str]]:
    out = pk.settings.home / "dedup.csv"
    code, _, err = run_cli(capsys, "--home", str(pk.settings.home), "export", "csv", "--dedup", "--out", str(out),
                           *options)  # fmt: skip
    assert code == 0, err
    with out.open(newline="", encoding="utf-8") as fh:
        return sorted((r["date_start"], r["reported_by"], r["killed_best"]) for r in csv.DictReader(fh))


def test_dedup_export_keeps_every_incident_as_a_report_the_filters_keep(
    pk: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sorted(len(c["members"]) for c in list_clusters(pk.db)) == [2, 3]
    # Unfiltered, each incident is its representative: PK's own report.
    assert _exported(pk, capsys) == [("2025-05-10", "PK", "5"), ("2025-11-11", "PK", "21")]
    # IR's reports: both incidents, IR's figures.
    assert _exported(pk, capsys, "--reported-by", "IR") == [("2025-05-10", "IR", "8"), ("2025-11-11", "IR", "3")]
    # UCDP's rows: the one incident UCDP reported.
    assert _exported(pk, capsys, "--dataset", "ucdp") == [("2025-11-11", "UCDP", "3")]
    # What a peer or the public may read: the Kharan attack stays, as a party's report readable there, never
    # with the RED figure.
    for options in (["--for-peers"], ["--max-tlp", "CLEAR"]):
        assert _exported(pk, capsys, *options) == [("2025-05-10", "PK", "5"), ("2025-11-11", "IR", "3")]
