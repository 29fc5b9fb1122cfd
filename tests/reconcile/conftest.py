"""Reconciliation fixtures: the CLI with the reconcile commands, and a node holding overlapping reports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sarhad.cli import app
from sarhad.cli.reconcile import register
from sarhad.model.incident import Incident
from sarhad.node import Node
from tests.reconcile.helpers import report

if "reconcile" not in {c.name for c in app.registered_commands}:
    register(app)  # until sarhad.cli registers the reconcile commands itself


def quetta_day() -> list[Incident]:
    """Two attacks in Quetta on 2 May 2024, each reported by PK and ACLED; one Saravan attack by PK and IR."""
    return [
        report("PK", "PK-1", "2024-05-02", lat=30.1990, lon=67.0100, attack="Bombing/Explosion",
               perpetrator="Fitna al-Khawarij", killed=7, wounded=20, summary="Bomb blast in a market in Quetta"),
        report("ACLED", "PAK-1", "2024-05-02", lat=30.2001, lon=67.0120, attack="Bombing/Explosion",
               perpetrator="TTP", killed=7, wounded=20, summary="IED explosion at a market in Quetta"),
        report("PK", "PK-2", "2024-05-02", lat=30.1500, lon=66.9600, attack="Armed Assault",
               perpetrator="BLA", killed=2, summary="Militants ambushed a convoy near Quetta"),
        report("ACLED", "PAK-2", "2024-05-02", lat=30.1480, lon=66.9630, attack="Armed Assault",
               perpetrator="Baloch Liberation Army", killed=2, summary="Armed men attacked a convoy in Quetta"),
        report("PK", "PK-3", "2024-03-14", lat=27.37, lon=62.33, geo="near", country="IR", admin1="IR-11",
               place="Saravan", attack="Armed Assault", perpetrator="Jaish al-Adl", killed=12),
        report("IR", "IR-3", "2024-03-15", lat=27.3712, lon=62.3402, country="IR", admin1="IR-11",
               place="Saravan", attack="Armed Assault", perpetrator="Jaish al-Zolm", killed=3),
    ]  # fmt: skip


@pytest.fixture
def reports_node(tmp_path: Path) -> Iterator[Node]:
    """A PK node holding :func:`quetta_day`."""
    node = Node.init(tmp_path / "pk", "PK")
    node.publish(quetta_day())
    yield node
    node.close()
