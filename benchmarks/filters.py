"""Case-blind filters: reading a column's distinct names, and selecting the rows of the names found.

Run ``python benchmarks/filters.py [--rows N] [--names N] [--postgres URL]`` (about a minute at the default
300,000 rows). It stores ``--rows`` incidents under ``--names`` perpetrator names and 2 × 40 provinces straight
into the ``incidents`` table of a fresh SQLite node (and of a fresh PostgreSQL schema, dropped afterwards, with
``--postgres``), then times, best of five:

* ``SELECT DISTINCT`` of the perpetrator and province columns (what the filters read before) beside the
  loose index scan they read now (``sarhad.store.incidents._distinct``);
* counting the rows of a filter that finds every name (``--perpetrator front``), the names bound as one
  parameter.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sarhad.store.db import Database, open_database
from sarhad.store.incidents import (
    INCIDENT_COLUMNS,
    Filters,
    _distinct,
    _provinces,
    count_incidents,
    insert_incidents,
)
from sarhad.store.schema import migrate


def _rows(count: int, names: int) -> list[tuple[Any, ...]]:
    base: dict[str, Any] = {c: None for c in INCIDENT_COLUMNS}
    base.update(modified="2026-01-02T00:00:00.000Z", created="2026-01-02T00:00:00.000Z", origin="PK",
                dataset="party", reported_by="PK", date_end="2026-01-02", date_precision="day",
                geo_precision="admin1", tlp="CLEAR", licence="CC-BY-4.0", content_sha256="0" * 64)  # fmt: skip
    out = []
    for n in range(count):
        row = dict(base, id=f"incident--{uuid.UUID(int=n)}", source_id=str(n), date_start=f"2025-{n % 12 + 1:02d}-01",
                   perpetrator=f"Front {n % names}", country="PK" if n % 2 else "IR",
                   admin1=f"Province {n % 80 // 2}")  # fmt: skip
        out.append(tuple(row[c] for c in INCIDENT_COLUMNS))
    return out


def best(fn: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(db: Database, rows: list[tuple[Any, ...]]) -> None:
    migrate(db)
    with db.transaction():
        insert_incidents(db, rows)
    db.execute("ANALYZE")
    old_perp = "SELECT DISTINCT perpetrator FROM incidents WHERE perpetrator IS NOT NULL"
    old_admin = "SELECT DISTINCT admin1 FROM incidents WHERE admin1 IS NOT NULL"
    assert sorted(r[0] for r in db.fetchall(old_perp)) == sorted(_distinct(db, "perpetrator"))
    per_country = [name for code in _distinct(db, "country") for name in _distinct(db, "admin1", ("country", code))]
    assert sorted(r[0] for r in db.fetchall(old_admin)) == sorted(set(per_country))
    names = _distinct(db, "perpetrator")
    every = Filters(perpetrator="front").resolved(db)
    figures = {
        "distinct perpetrators, SELECT DISTINCT": best(lambda: db.fetchall(old_perp)),
        "distinct perpetrators, loose index scan": best(lambda: _distinct(db, "perpetrator")),
        "perpetrator names found for --perpetrator front": best(lambda: Filters(perpetrator="front").resolved(db)),
        "distinct provinces, SELECT DISTINCT": best(lambda: db.fetchall(old_admin)),
        "distinct provinces, loose index scan (per country)": best(lambda: _provinces(db, "x", None)),
        "count of every name, IN (?, ...), one parameter a name": best(
            lambda: db.fetchall(
                f"SELECT COUNT(*) FROM incidents WHERE perpetrator IN ({', '.join('?' * len(names))})", names
            )
        ),
        "count of every name, the names one parameter": best(
            lambda: db.fetchall(f"SELECT COUNT(*) FROM incidents{every.where()[0]}", every.where()[1])
        ),
        "count --perpetrator front (every name)": best(lambda: count_incidents(db, Filters(perpetrator="front"))),
        "count --perpetrator 'front 17' (one name of 1)": best(
            lambda: count_incidents(db, Filters(perpetrator="front 17"))
        ),
    }
    for what, seconds in figures.items():
        print(f"  {db.dialect:10} {what:52} {seconds * 1000:9.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--names", type=int, default=3_000)
    parser.add_argument("--postgres", metavar="URL", help="also measure PostgreSQL at URL (a fresh schema)")
    args = parser.parse_args()
    rows = _rows(args.rows, args.names)
    print(f"{args.rows:,} incidents, {args.names:,} perpetrator names, 80 provinces")
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{tmp}/bench.db")
        try:
            measure(db, rows)
        finally:
            db.close()
    if args.postgres:
        import psycopg

        schema = f"bench_filters_{uuid.uuid4().hex[:8]}"
        db = open_database(f"{args.postgres}{'&' if '?' in args.postgres else '?'}schema={schema}")
        try:
            measure(db, rows)
        finally:
            db.close()
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


if __name__ == "__main__":
    main()
