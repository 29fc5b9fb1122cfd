"""A case-blind filter (``--perpetrator``, ``--admin1``) that finds more stored names than a statement may have
parameters (PostgreSQL's protocol allows 65,535; SQLite 32,766 by default, and here 999) still answers, alike on both
databases: the names it found are bound as one parameter. The distinct names read by skipping through an index
(the provinces, and on PostgreSQL the perpetrators) are the ones ``SELECT DISTINCT`` finds, NULLs left out."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from sarhad.node import Node
from sarhad.store.incidents import (
    INCIDENT_COLUMNS,
    Filters,
    _distinct,
    _provinces,
    count_incidents,
    insert_incidents,
    query_incidents,
)

# SQLITE_MAX_VARIABLE_NUMBER of SQLite's own builds before 3.32 (32,766 since, Debian's allows 250,000): the test
# limits its SQLite connection to it, so that two thousand rows exceed the limit (SQLite lowers it at will)
SQLITE_VARIABLES = 999
# More than each database's limit on the parameters of a statement (PostgreSQL's protocol allows 65,535, fixed).
MANY = {"sqlite": 2_001, "postgresql": 70_001}


@pytest.fixture
def capped_node(any_node: Node) -> Iterator[Node]:
    """``any_node``, its SQLite connection limited to :data:`SQLITE_VARIABLES` parameters a statement."""
    if any_node.db.dialect == "sqlite":
        any_node.db._conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, SQLITE_VARIABLES)
    yield any_node


def _row(n: int, perpetrator: str | None, country: str | None, admin1: str | None) -> tuple[object, ...]:
    values: dict[str, object] = {c: None for c in INCIDENT_COLUMNS}
    values.update(id=f"incident--{n:08d}", modified="2026-01-02T00:00:00.000Z", created="2026-01-02T00:00:00.000Z",
                  origin="PK", dataset="party", source_id=str(n), reported_by="PK", date_start="2026-01-02",
                  date_end="2026-01-02", date_precision="day", geo_precision="admin1", tlp="CLEAR",
                  licence="CC-BY-4.0", content_sha256="0" * 64, perpetrator=perpetrator, country=country,
                  admin1=admin1)  # fmt: skip
    return tuple(values[c] for c in INCIDENT_COLUMNS)


def _store(node: Node, rows: list[tuple[object, ...]]) -> None:
    with node.db.transaction():
        insert_incidents(node.db, rows)


def test_filters_finding_more_names_than_a_statement_takes_answer_on_both_databases(capped_node: Node) -> None:
    # each row its own perpetrator, and its own spelling but for case of a province the gazetteer does not know
    many = MANY[capped_node.db.dialect]
    province = "abcdefghijklmnopq"  # 2 ** 17 spellings
    spellings = ("".join(c.upper() if n >> i & 1 else c for i, c in enumerate(province)) for n in range(many))
    rows = [_row(n, f"Front {n} Ī", "PK", spelled) for n, spelled in enumerate(spellings)]
    rows += [_row(many, "Another Group", "IR", "Elsewhere"), _row(many + 1, None, None, None)]
    _store(capped_node, rows)
    assert count_incidents(capped_node.db, Filters(perpetrator="FRONT")) == many
    assert count_incidents(capped_node.db, Filters(perpetrator="ī")) == many
    page = query_incidents(capped_node.db, Filters(perpetrator="front 1"), limit=3)
    assert [r["perpetrator"] for r in page] == ["Front 1 Ī", "Front 10 Ī", "Front 11 Ī"]  # by id
    assert count_incidents(capped_node.db, Filters(perpetrator="another")) == 1
    assert count_incidents(capped_node.db, Filters(perpetrator="nobody")) == 0
    assert count_incidents(capped_node.db, Filters(admin1=province)) == many
    assert count_incidents(capped_node.db, Filters(admin1=province.upper(), country="PK")) == many
    assert count_incidents(capped_node.db, Filters(admin1=province, country="IR")) == 0


@pytest.mark.parametrize("country", [None, "PK", "IR", "AF"])
def test_the_province_names_read_through_the_index_are_the_distinct_ones(any_node: Node, country: str | None) -> None:
    places = [("PK", "Balochistan"), ("PK", "balochistan"), ("PK", None), ("IR", "Balochistan"), ("IR", "BALOCHISTAN"),
              (None, "BaLochistan"), (None, None), ("PK", "Balochistan"), ("AF", None)]  # fmt: skip
    _store(any_node, [_row(n, None, c, a) for n, (c, a) in enumerate(places)])
    expected = sorted({a for c, a in places if a is not None and (country is None or c == country)})
    assert list(_provinces(any_node.db, "balochistan", country)) == expected


def test_the_names_read_through_the_index_are_the_distinct_ones(any_node: Node) -> None:
    names = ["b", "B", "", "a b", "ä", "A", None, "b", "Ω", "ω", "z" * 300, None, "a"]
    _store(any_node, [_row(n, name, "PK", name) for n, name in enumerate(names)])
    distinct = {r[0] for r in any_node.db.fetchall("SELECT DISTINCT perpetrator FROM incidents")} - {None}
    assert (
        sorted(_distinct(any_node.db, "perpetrator")) == sorted(distinct) == sorted({n for n in names if n is not None})
    )
    assert sorted(_distinct(any_node.db, "admin1", ("country", "PK"))) == sorted(distinct)
    assert _distinct(any_node.db, "admin1", ("country", "IR")) == []
