"""Import benchmark: N synthetic ACLED rows into a fresh node, against reading the same file with pyarrow.

Usage::

    python benchmarks/import.py [--rows N] [--postgres URL] [--one-process] [--rules] [--floor] [--profile [ROWS]]
                                [--reimport [--changed FRACTION]] [--keep DIR] [--json]

Generates ``--rows`` ACLED-format rows (default 1,000,000) with ``benchmarks/acled_synth.py``, then, each in a
child process of its own so that its peak memory (RSS high-water since its exec, ``VmHWM``: see
``sarhad._internal.memory``) is its own:

1. reads the file with ``pyarrow.csv.read_csv`` (the raw-parse baseline) and with Python's ``csv`` module;
2. imports it with ``sarhad.importer.import_file`` into a fresh SQLite node (a large file is read and prepared in
   a worker process; the CPU time shown is both processes', and each is shown apart, as is the worker's peak
   memory, which the worker reports itself: ``getrusage``'s count for a child would be at least the importing
   process's peak when it started the worker);
3. with ``--one-process``, imports it into another fresh SQLite node without the worker, for comparison;
4. with ``--postgres URL``, imports it into a fresh PostgreSQL schema (dropped afterwards).

With ``--floor``, the rows the SQLite import stored are copied into yet another fresh node by SQLite alone
(``INSERT … SELECT`` per table, with the import's settings: larger cache, rollback journal, indexes built at the
end), which is what storing this layout costs with no Python at all per row: a lower bound for the importing
process. It also times writing as many bytes as the database takes to a file with ``fsync``: the disk's own bound.

With ``--reimport``, the file is then imported again into the node the SQLite import made (and the PostgreSQL
one): first as it is, which changes nothing, then as a copy with the ``fatalities`` of ``--changed`` of its rows
(default 10 %, chosen at random) one higher, which stores a new version of each of those records.

With ``--rules``, every node gets the demo's three alert rules (place, group, disagreement: see
``sarhad.cli.demo``) before the import, so the rules are evaluated on every record as it is written.

It prints rows/s, wall and CPU seconds, peak memory, the database's size and the ratio to the pyarrow read,
and checks them against the goals (≥ 100,000 rows/s on SQLite, within 5 times the raw parse, peak under
500 MB). ``--profile`` runs cProfile over an import of ROWS rows (default 20,000) in one process and prints
where the time goes, by module and by function; with ``--reimport`` also over the two imports again.
This is a benchmark, not a test: it exits 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _measure import cpu as _cpu
from _measure import peak_mb as _peak_mb
from _measure import run_child
from _measure import stored_bytes as _stored_bytes

GOAL_ROWS_PER_S = 100_000
GOAL_RATIO = 5.0
GOAL_PEAK_MB = 500


# -- what each child process does ---------------------------------------------------------------------
def child_pyarrow(path: Path) -> dict[str, Any]:
    import pyarrow.csv as pacsv

    base = _peak_mb()
    cpu, start = _cpu(), time.perf_counter()
    table = pacsv.read_csv(path)
    seconds = time.perf_counter() - start
    return {"rows": table.num_rows, "seconds": seconds, "cpu": _cpu() - cpu, "peak_mb": _peak_mb(),
            "base_mb": base}  # fmt: skip


def child_csv(path: Path) -> dict[str, Any]:
    import csv

    cpu, start = _cpu(), time.perf_counter()
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = sum(1 for fields in reader if dict(zip(header, fields, strict=True)))
    return {"rows": rows, "seconds": time.perf_counter() - start, "cpu": _cpu() - cpu, "peak_mb": _peak_mb()}


def child_import(
    path: Path, home: Path, database_url: str | None, worker_min_bytes: int | None, with_rules: bool = False
) -> dict[str, Any]:
    from sarhad.node import Node

    node = Node.init(home, "PK", database_url=database_url)
    if with_rules:
        _add_demo_rules(node)
    return _measured_import(node, path, worker_min_bytes)


def _add_demo_rules(node: Any) -> None:
    """The alert rules the demo starts a border desk with (:mod:`sarhad.cli.demo`)."""
    from sarhad.monitor.rules import Rule, add_rule

    for rule in (
        Rule("within 50 km of the border", near_border_km=50),
        Rule("Jaish al-Adl", perpetrators=("Jaish al-Adl",)),
        Rule("peer disagrees", disagrees=True),
    ):
        add_rule(node.db, rule)


def child_reimport(path: Path, home: Path, worker_min_bytes: int | None) -> dict[str, Any]:
    """Import ``path`` again into the node at ``home`` (made by :func:`child_import`, its rules kept)."""
    from sarhad.config import load_settings
    from sarhad.node import Node

    return _measured_import(Node.open(load_settings(home)), path, worker_min_bytes)


def _measured_import(node: Any, path: Path, worker_min_bytes: int | None) -> dict[str, Any]:
    """Import ``path`` into ``node`` (closed after) and measure it."""
    from sarhad.importer import import_file
    from sarhad.store.incidents import count_incidents

    alerts_before = int(node.db.fetchone("SELECT COUNT(*) FROM alerts")[0])
    base = _peak_mb()
    # CPU seconds at every 100,000th row: whether the cost of a row grows with the size of the node
    marks: list[tuple[int, float]] = []
    done = [0]

    def progress(n: int) -> None:
        done[0] += n
        if n and done[0] % 100_000 == 0:
            marks.append((done[0], _cpu()))

    try:
        cpu, start = _cpu(), time.perf_counter()
        result = import_file(node, "acled", path, progress=progress, worker_min_bytes=worker_min_bytes)
        seconds = time.perf_counter() - start
        end = _cpu()
        worker = _cpu(resource.RUSAGE_CHILDREN)  # the worker process, waited for by the end of the import
        stored = count_incidents(node.db)
        alerts = int(node.db.fetchone("SELECT COUNT(*) FROM alerts")[0]) - alerts_before
        db_bytes = _stored_bytes(node)
    finally:
        node.close()
    windows = [
        (rows, round((c - c0) / (rows - r0) * 1e6, 1))
        for (r0, c0), (rows, c) in zip([(0, cpu), *marks], marks, strict=False)
    ]
    return {"rows": result.rows, "added": result.added, "updated": result.updated, "unchanged": result.unchanged,
            "stored": stored, "seconds": seconds,
            "cpu": end - cpu + worker, "cpu_main": end - cpu, "cpu_worker": worker, "worker": result.worker,
            # the worker's own (it says), not RUSAGE_CHILDREN's, which counts this process's peak at its start
            "worker_peak_mb": (result.worker_peak_rss or 0) / 2**20,
            "peak_mb": _peak_mb(), "base_mb": base, "tree_size": result.tree_size, "db_bytes": db_bytes,
            "cpu_us_per_row_by_100k": windows,
            "finish_cpu": round(end - (marks[-1][1] if marks else cpu), 2), "alerts": alerts}  # fmt: skip


def changed_copy(path: Path, out: Path, fraction: float, seed: int) -> int:
    """Write ``path`` to ``out`` with the ``fatalities`` of about ``fraction`` of the rows (chosen at random,
    ``seed``) one higher: a newer edition of the file. Returns how many rows changed."""
    import csv
    import random

    rnd = random.Random(seed)
    changed = 0
    with path.open(encoding="utf-8", newline="") as src, out.open("w", encoding="utf-8", newline="") as dst:
        reader = csv.reader(src)
        writer = csv.writer(dst, lineterminator="\n")  # the generator's dialect
        header = next(reader)
        column = header.index("fatalities")
        writer.writerow(header)
        for fields in reader:
            if rnd.random() < fraction:
                fields[column] = str(int(fields[column]) + 1)
                changed += 1
            writer.writerow(fields)
    return changed


# The tables an import writes, in the order the floor copies them (the rest hold a few rows).
_FLOOR_TABLES = ("objects", "raw_headers", "raw_rows", "incidents", "log_leaves", "log_nodes")


def child_floor(source: Path, home: Path) -> dict[str, Any]:
    """What SQLite alone costs to store what an import stored: the node at ``source`` (an imported SQLite home)
    copied table by table into a fresh node at ``home`` with ``INSERT … SELECT``, under the import's own
    settings (:meth:`~sarhad.store.db.Database.bulk` with a rollback journal, the same indexes built at the
    end), then the same bytes written to a plain file with ``fsync``."""
    from sarhad.node import Node

    source_db = source / "sarhad.db"
    node = Node.init(home, "PK")
    db = node.db
    per_table: dict[str, float] = {}
    try:
        db.execute("ATTACH DATABASE ? AS source", (str(source_db),))
        cpu, start = _cpu(), time.perf_counter()
        with (
            db.bulk(write_once=True),
            db.transaction(),
            db.deferred_indexes("incidents", "objects", unique=("log_leaves",)),
        ):
            for table in _FLOOR_TABLES:
                began = _cpu()
                columns = ", ".join(str(r[1]) for r in db.fetchall(f"PRAGMA source.table_info({table})"))
                db.execute(f"DELETE FROM main.{table}")  # a fresh node's few rows (none but raw_headers')
                db.execute(f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM source.{table} ORDER BY rowid")
                per_table[table] = round(_cpu() - began, 2)
            began = _cpu()
        finish = _cpu() - began  # the deferred index builds and the commit
        seconds, used = time.perf_counter() - start, _cpu() - cpu
        rows = int(db.fetchall("SELECT COUNT(*) FROM incidents")[0][0])
        db_bytes = _stored_bytes(node)
    finally:
        node.close()
    # the disk: as many bytes as the database takes, written in 1 MiB blocks and made durable once
    block = os.urandom(2**20)
    plain = home / "plain.bin"
    disk_start = time.perf_counter()
    with plain.open("wb", buffering=0) as fh:
        for _ in range(max(1, db_bytes // len(block))):
            fh.write(block)
        os.fsync(fh.fileno())
    disk_seconds = time.perf_counter() - disk_start
    plain.unlink()
    return {"rows": rows, "seconds": seconds, "cpu": used, "per_table_cpu": per_table, "finish_cpu": round(finish, 2),
            "db_bytes": db_bytes, "disk_seconds": disk_seconds}  # fmt: skip


def _child(kind: str, *args: str) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return what it printed (JSON)."""
    return run_child(__file__, kind, *args)


def _reimports(path: Path, changed: Path, home: Path, fraction: float, store: str) -> dict[str, dict[str, Any]]:
    """Import ``path`` again into the node at ``home``, then ``changed`` (``fraction`` of its rows changed)."""
    return {
        f"re-import, unchanged ({store})": _child("reimport", str(path), str(home), "-"),
        f"re-import, {fraction:.0%} changed ({store})": _child("reimport", str(changed), str(home), "-"),
    }


# -- profiling -----------------------------------------------------------------------------------------
def profile(path: Path, rows: int, work: Path, *, with_rules: bool = False, changed: float | None = None) -> str:
    """cProfile over an import of the first ``rows`` rows: time by module, then the top functions. With
    ``changed``, the same over importing those rows again unchanged, then with that fraction of them changed
    (each into the node the import before made)."""
    from sarhad.importer import import_file
    from sarhad.node import Node

    small = work / f"profile_{rows}.csv"
    with path.open(encoding="utf-8", newline="") as src, small.open("w", encoding="utf-8", newline="") as dst:
        for i, line in enumerate(src):
            if i > rows:
                break
            dst.write(line)
    runs = [("importing", small)]
    if changed is not None:
        edited = work / f"profile_{rows}_changed.csv"
        changed_copy(small, edited, changed, seed=1)
        runs += [("importing again, unchanged,", small), (f"importing again, {changed:.0%} changed,", edited)]
    node = Node.init(work / f"profile_home_{uuid.uuid4().hex[:8]}", "PK")
    if with_rules:
        _add_demo_rules(node)
    texts = []
    try:
        for what, file in runs:
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            import_file(node, "acled", file, worker_min_bytes=2**62)  # in one process: all of a row's work
            profiler.disable()
            texts.append(_profile_text(profiler, what, rows))
    finally:
        node.close()
    return "\n\n".join(texts)


def _profile_text(profiler: cProfile.Profile, what: str, rows: int) -> str:
    import io

    stats = pstats.Stats(profiler)
    total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
    by_module: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if "/sarhad/" in filename:
            key = filename[filename.rfind("/sarhad/") + 1 :]
        elif filename == "~":
            key = name  # a builtin: <method 'executemany' of 'sqlite3.Connection' objects>, the json encoder…
        else:
            key = "/".join(filename.rsplit("/", 2)[-2:])
        by_module[key] = by_module.get(key, 0.0) + tottime
    out = io.StringIO()
    out.write(f"cProfile (CPU time) of {what} {rows:,} rows: {total:.2f} s in all, {rows / total:,.0f} rows/s "
              "under the profiler\n\nOwn time by module or builtin:\n")  # fmt: skip
    for key, seconds in sorted(by_module.items(), key=lambda kv: -kv[1])[:22]:
        out.write(f"  {100 * seconds / total:5.1f} %  {seconds / rows * 1e6:7.1f} µs/row  {key}\n")
    out.write("\nTop functions by cumulative time:\n")
    buf = io.StringIO()
    pstats.Stats(profiler, stream=buf).sort_stats("cumulative").print_stats(30)
    out.write("\n".join(line for line in buf.getvalue().splitlines() if line.strip())[:12000])
    return out.getvalue()


# -- the benchmark -------------------------------------------------------------------------------------
def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _fmt_row(name: str, r: dict[str, Any], baseline: float | None) -> str:
    rate = r["rows"] / r["seconds"] if r["seconds"] else float("inf")
    ratio = "" if baseline is None else f"{r['seconds'] / baseline:8.1f} x"
    return f"  {name:<36} {r['seconds']:9.2f} s {r['cpu']:9.2f} s {rate:>12,.0f} {r['peak_mb']:9.0f} MB {ratio}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="how many ACLED rows (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument("--postgres", metavar="URL", help="also import into PostgreSQL at URL (a fresh schema)")
    parser.add_argument("--profile", nargs="?", type=int, const=20_000, metavar="ROWS",
                        help="profile an import of ROWS rows (default 20,000)")  # fmt: skip
    parser.add_argument("--one-process", action="store_true",
                        help="also import into SQLite without the worker process, for comparison")  # fmt: skip
    parser.add_argument("--rules", action="store_true",
                        help="give every node the demo's three alert rules before the import")  # fmt: skip
    parser.add_argument("--floor", action="store_true",
                        help="also time SQLite alone storing what the import stored, and the disk")  # fmt: skip
    parser.add_argument("--reimport", action="store_true",
                        help="then import it again, unchanged, and with --changed of its rows changed")  # fmt: skip
    parser.add_argument("--changed", type=float, default=0.1, metavar="FRACTION",
                        help="with --reimport: the fraction of rows whose fatalities change (default 0.1)")  # fmt: skip
    parser.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR and keep the file and the node")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        kind, *rest = args.child
        if kind == "pyarrow":
            result = child_pyarrow(Path(rest[0]))
        elif kind == "csv":
            result = child_csv(Path(rest[0]))
        elif kind == "floor":
            result = child_floor(Path(rest[0]), Path(rest[1]))
        elif kind == "reimport":
            result = child_reimport(Path(rest[0]), Path(rest[1]), None if rest[2] == "-" else int(rest[2]))
        else:
            url, min_bytes, rules = rest[2], rest[3], rest[4]  # "-" for none
            result = child_import(Path(rest[0]), Path(rest[1]), None if url == "-" else url,
                                  None if min_bytes == "-" else int(min_bytes), rules == "rules")  # fmt: skip
        print(json.dumps(result))
        return 0

    import acled_synth

    work_ctx = tempfile.TemporaryDirectory(prefix="sarhad-bench-") if args.keep is None else None
    work = Path(work_ctx.name) if work_ctx else args.keep
    work.mkdir(parents=True, exist_ok=True)
    try:
        path = work / f"acled_{args.rows}_{args.seed}.csv"
        start = time.perf_counter()
        if not path.exists():
            acled_synth.write(path, args.rows, args.seed)
        generated = time.perf_counter() - start
        size_mb = path.stat().st_size / 2**20
        print(f"{args.rows:,} synthetic ACLED rows, {size_mb:,.0f} MB ({generated:.1f} s to generate): {path}",
              file=sys.stderr)  # fmt: skip
        results: dict[str, dict[str, Any]] = {}
        results["pyarrow.csv.read_csv"] = _child("pyarrow", str(path))
        results["csv.reader (Python)"] = _child("csv", str(path))
        print("read baselines done; importing into SQLite…", file=sys.stderr)
        rules = "rules" if args.rules else "-"
        sqlite_home = work / f"home_{uuid.uuid4().hex[:8]}"
        results["sarhad import (SQLite)"] = _child("import", str(path), str(sqlite_home), "-", "-", rules)
        floor = None
        if args.floor:
            print("copying the stored rows with SQLite alone, then writing as many bytes to a file…", file=sys.stderr)
            floor = _child("floor", str(sqlite_home), str(work / f"home_{uuid.uuid4().hex[:8]}"))
        changed_path, changed_rows = work / f"acled_{args.rows}_{args.seed}_changed_{args.changed:g}.csv", None
        if args.reimport:
            changed_rows = changed_copy(path, changed_path, args.changed, args.seed + 1)
            print(f"importing again into SQLite, unchanged, then {changed_rows:,} rows changed…", file=sys.stderr)
            results.update(_reimports(path, changed_path, sqlite_home, args.changed, "SQLite"))
        if args.one_process:
            print("importing into SQLite in one process…", file=sys.stderr)
            results["sarhad, one process (SQLite)"] = _child(
                "import", str(path), str(work / f"home_{uuid.uuid4().hex[:8]}"), "-", str(2**62), rules
            )
        if args.postgres:
            print("importing into PostgreSQL…", file=sys.stderr)
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            url = f"{args.postgres}{'&' if '?' in args.postgres else '?'}schema={schema}"
            try:
                results["sarhad import (PostgreSQL)"] = _child(
                    "import", str(path), str(work / f"home_{schema}"), url, "-", rules
                )
                if args.reimport:
                    print("importing again into PostgreSQL…", file=sys.stderr)
                    results.update(_reimports(path, changed_path, work / f"home_{schema}", args.changed, "PostgreSQL"))
            finally:
                import psycopg

                with psycopg.connect(args.postgres, autocommit=True) as conn:
                    conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        profile_text = None
        if args.profile:
            profile_text = profile(path, min(args.profile, args.rows), work, with_rules=args.rules,
                                   changed=args.changed if args.reimport else None)  # fmt: skip
    finally:
        if work_ctx is not None:
            work_ctx.cleanup()

    baseline = results["pyarrow.csv.read_csv"]["seconds"]
    if args.json:
        print(json.dumps({"rows": args.rows, "file_mb": round(size_mb, 1), "results": results, "floor": floor,
                          "changed_rows": changed_rows, "profile": profile_text}, indent=2))  # fmt: skip
        return 0
    with_rules = ", the demo's 3 alert rules" if args.rules else ""
    print(f"\n{args.rows:,} ACLED rows ({size_mb:,.0f} MB){with_rules}, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"  {'':<36} {'wall':>11} {'CPU':>11} {'rows/s':>12} {'peak RSS':>12} {'vs pyarrow':>9}")
    for name, r in results.items():
        print(_fmt_row(name, r, baseline))
    for name, r in results.items():
        if "cpu_main" in r:
            used = "used" if r["worker"] else "not used"
            print(f"\n{name}: CPU {r['cpu_main']:.2f} s in the importing process, {r['cpu_worker']:.2f} s in the "
                  f"worker ({used}, peak RSS {r['worker_peak_mb']:.0f} MB)")  # fmt: skip
        if r.get("cpu_us_per_row_by_100k"):
            steps = ", ".join(f"{rows // 1000:,}k: {us:.0f}" for rows, us in r["cpu_us_per_row_by_100k"])
            print(f"{name}: the importing process's CPU µs per row by 100,000 rows ({steps}); after the last mark "
                  f"{r['finish_cpu']} s")  # fmt: skip
        if "alerts" in r and args.rules:
            print(f"{name}: {r['alerts']:,} alerts from the demo's three rules")
        if r.get("db_bytes"):
            stored_mb, per_row = r["db_bytes"] / 2**20, r["db_bytes"] / r["rows"]
            print(f"{name}: the database takes {stored_mb:,.0f} MB, {per_row:,.0f} bytes a row")
    for name, r in results.items():
        if name.startswith("re-import"):
            assert r["stored"] == args.rows, f"{name}: stored {r['stored']} of {args.rows} rows"
            print(f"\n{name}: {r['added']:,} added, {r['updated']:,} updated, {r['unchanged']:,} unchanged; "
                  f"{r['rows'] / r['seconds']:,.0f} rows/s, {r['seconds'] / baseline:.1f} x the pyarrow read, "
                  f"{r['cpu'] / r['rows'] * 1e6:.1f} CPU µs a row")  # fmt: skip
        if not name.startswith("sarhad"):
            continue
        rate = r["rows"] / r["seconds"]
        ratio = r["seconds"] / baseline
        assert r["stored"] == args.rows, f"{name}: stored {r['stored']} of {args.rows} rows"
        print(f"\n{name}: {rate:,.0f} rows/s (goal >= {GOAL_ROWS_PER_S:,}: {_met(rate >= GOAL_ROWS_PER_S)}); "
              f"{ratio:.1f} x the pyarrow read (goal <= {GOAL_RATIO:g} x: {_met(ratio <= GOAL_RATIO)}); "
              f"peak {r['peak_mb']:.0f} MB + worker {r.get('worker_peak_mb', 0):.0f} MB (goal < {GOAL_PEAK_MB}: "
              f"{_met(r['peak_mb'] + r.get('worker_peak_mb', 0) < GOAL_PEAK_MB)})")  # fmt: skip
    if floor is not None:
        _print_floor(floor, results["sarhad import (SQLite)"])
    if profile_text:
        print("\n" + profile_text)
    return 0


def _print_floor(floor: dict[str, Any], imported: dict[str, Any]) -> None:
    """The bounds the stored layout sets, beside what the import's own process used."""
    rows = floor["rows"]
    per_row = floor["cpu"] / rows * 1e6
    tables = ", ".join(f"{name} {cpu:.1f}" for name, cpu in floor["per_table_cpu"].items())
    disk_rate = floor["db_bytes"] / floor["disk_seconds"] / 2**20
    print(f"\nSQLite alone, storing the same {rows:,} rows ({floor['db_bytes'] / rows:,.0f} bytes a row): "
          f"{floor['seconds']:.1f} s wall, {floor['cpu']:.1f} s CPU = {per_row:.1f} µs a row, at most "
          f"{1e6 / per_row:,.0f} rows/s on one CPU (CPU s by table: {tables}; index builds and commit "
          f"{floor['finish_cpu']:.1f})")  # fmt: skip
    print(f"the importing process used {imported['cpu_main'] / imported['rows'] * 1e6:.1f} µs a row: "
          f"{imported['cpu_main'] / floor['cpu']:.1f} x that bound")  # fmt: skip
    print(
        f"the disk: {floor['db_bytes'] / 2**20:,.0f} MB written and synced in {floor['disk_seconds']:.1f} s "
        f"({disk_rate:,.0f} MB/s), at most {rows / floor['disk_seconds']:,.0f} rows/s at this many bytes a row"
    )


if __name__ == "__main__":
    raise SystemExit(main())
