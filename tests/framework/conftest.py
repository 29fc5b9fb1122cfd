"""Fixtures of the framework tests: a PK node with the founding framework, and the full two-party scenario."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sarhad.framework import ops
from sarhad.node import Node
from tests.framework import scenario


@pytest.fixture
def fw_node(tmp_path: Path) -> Iterator[Node]:
    """A PK node holding the founding framework pk-ir-2025 and nothing else."""
    n = Node.init(tmp_path / "pk", "PK")
    ops.init_template(n, "pk-ir-2025")
    yield n
    n.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_fw_node(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Node]:
    """A PK node holding the founding framework, once on SQLite and once on PostgreSQL."""
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    n = Node.init(tmp_path / "pk", "PK", database_url=url)
    ops.init_template(n, "pk-ir-2025")
    yield n
    n.close()


@pytest.fixture(scope="module")
def scenario_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """A PK node filled with the two-party scenario (built once per module: it takes a few seconds)."""
    root = tmp_path_factory.mktemp("scenario")
    n = Node.init(root / "pk", "PK")
    scenario.build(n, root / "files")
    yield n
    n.close()


def objects_count(node: Node) -> int:
    row = node.db.fetchone("SELECT COUNT(*) FROM objects")
    return int(row[0]) if row else 0


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_fw_node_at(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Node]:
    """A PK node whose founding framework was published on 5 January 2026 (so that a test may publish records
    at the days it names, under ``scenario.frozen_clock``), once on SQLite and once on PostgreSQL."""
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    n = Node.init(tmp_path / "pk", "PK", database_url=url)
    with scenario.frozen_clock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC)):
        ops.init_template(n, "pk-ir-2025")
    yield n
    n.close()
