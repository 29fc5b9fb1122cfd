"""Reconciliation benchmark: clustering time, memory and quality on generated overlapping reports.

For each size the generator (:mod:`sarhad.reconcile.synth`) makes reports of known incidents (two parties,
ACLED, UCDP and news, with look-alikes nearby on the same day, reports placed only at their district's or
province's position, and dates a day or a few days apart), then the in-memory clustering runs on them. Each
size runs in a child process, so the peak memory (max RSS) is that size's alone. Generation is not timed.

Usage::

    python benchmarks/reconcile.py [--sizes 100000,200000,400000,800000] [--memory 1000000] [--seed S] [--earlier]
    python benchmarks/reconcile.py --node 50000 [--database postgresql://…]

``--node N`` times ``sarhad reconcile`` end to end on a node instead: N generated reports published on a
fresh SQLite node (or a PostgreSQL database), then the first run (every record parsed from its STIX body),
a rerun with nothing new, a run after 1% more reports (half new, half new versions of old ones), and
``--full``; the in-memory clustering of the same records is timed beside them. Publishing is not timed.
``--earlier`` generates the data of earlier rounds instead of the defaults: every report at a point or a province,
no party's report days late (``generate(districts=0, slips=0)``).

Prints a table (records, incidents, candidate pairs, seconds, records/s, peak RSS, pairwise precision,
recall, F1, B-cubed F1, and date disagreements: the clusters flagged ``date_disagree``, the true
incidents whose reports disagree on the date, and the flagged clusters that are exactly such an incident)
and checks the goals: F1 >= 0.95; time grows no faster than n log n (the ratio of the largest to the
smallest size's time is printed beside the linear and n log n ratios; an 8x larger size must take at most
10x the time); the ``--memory`` size is clustered within 4 GB.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MEMORY_LIMIT_MB = 4096


def date_disagreements(records: list[Any], labels: dict[str, str], truth: dict[str, int]) -> dict[str, int]:
    """How many clusters are flagged ``date_disagree`` (``dates_flagged``), how many true incidents' reports
    disagree on the date (``dates_true``), and how many flagged clusters hold exactly such an incident's
    reports (``dates_right``)."""
    from sarhad.reconcile.joint import joint_view

    clusters: dict[str, list[Any]] = {}
    incidents: dict[int, list[Any]] = {}
    for r in records:
        clusters.setdefault(labels[r.id], []).append(r)
        incidents.setdefault(truth[r.id], []).append(r)

    def disagree(members: list[Any]) -> bool:
        return "date_disagree" in joint_view("", members).flags

    true_sets = {frozenset(r.id for r in m) for m in incidents.values() if disagree(m)}
    flagged = [frozenset(r.id for r in m) for m in clusters.values() if disagree(m)]
    return {
        "dates_flagged": len(flagged),
        "dates_true": len(true_sets),
        "dates_right": sum(1 for ids in flagged if ids in true_sets),
    }


# The generator's settings of earlier rounds (see --earlier).
EARLIER: dict[str, float] = {"districts": 0.0, "slips": 0.0}


def child(size: int, seed: int, quality: bool, earlier: bool = False) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from sarhad.reconcile.cluster import cluster_records
    from sarhad.reconcile.quality import measure
    from sarhad.reconcile.synth import generate

    synthetic = generate(size, seed=seed, **(EARLIER if earlier else {}))
    started, cpu_started = time.perf_counter(), time.process_time()
    result = cluster_records(synthetic.records)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    out: dict[str, Any] = {
        "records": len(synthetic.records),
        "incidents": synthetic.incidents,
        "clusters": len(set(result.labels.values())),
        "candidates": result.candidates,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if quality:
        q = measure(result.labels, synthetic.truth)
        out.update(precision=q.precision, recall=q.recall, f1=q.f1, bcubed_f1=q.bcubed_f1)
        out.update(date_disagreements(synthetic.records, result.labels, synthetic.truth))
    return out


def run_child(size: int, seed: int, quality: bool = True, earlier: bool = False) -> dict[str, Any]:
    args = [sys.executable, __file__, "--child", str(size), "--seed", str(seed)]
    if not quality:
        args.append("--no-quality")
    if earlier:
        args.append("--earlier")
    done = subprocess.run(args, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def node_child(size: int, seed: int, database: str | None) -> list[dict[str, Any]]:
    """Time the reconcile runs on a node holding ``size`` generated reports (see the module docstring)."""
    import tempfile
    from dataclasses import replace

    sys.path.insert(0, str(ROOT))
    from sarhad.node import Node
    from sarhad.reconcile.cluster import cluster_records
    from sarhad.reconcile.store import reconcile
    from sarhad.reconcile.synth import as_incident, generate

    synthetic = generate(size, seed=seed)
    records = synthetic.records
    out: list[dict[str, Any]] = []

    def timed(label: str, run: Any) -> Any:
        started, cpu_started = time.perf_counter(), time.process_time()
        result = run()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        out.append({"run": label, "seconds": seconds, "cpu_seconds": cpu,
                    "records": getattr(result, "records", len(records)),
                    "new": getattr(result, "new_records", len(records)),
                    "reclustered": getattr(result, "reclustered", len(records))})  # fmt: skip
        return result

    with tempfile.TemporaryDirectory() as tmp:
        node = Node.init(Path(tmp) / "node", "PK", database_url=database)
        try:
            extra = max(2, len(records) // 100)
            for start in range(0, len(records) - extra // 2, 10_000):
                node.publish([as_incident(r) for r in records[start : min(start + 10_000, len(records) - extra // 2)]])
            timed("first run", lambda: reconcile(node.db, "PK"))
            timed("rerun, nothing new", lambda: reconcile(node.db, "PK"))
            later = [replace(r, day_start=r.day_start + 1, day_end=r.day_end + 1) for r in records[: extra // 2]]
            node.publish([as_incident(r) for r in (*records[len(records) - extra // 2 :], *later)])
            timed("after 1% more reports", lambda: reconcile(node.db, "PK"))
            timed("--full", lambda: reconcile(node.db, "PK", full=True))
        finally:
            node.close()
    timed("in memory (cluster_records)", lambda: cluster_records(records))
    return out


def node_table(rows: list[dict[str, Any]]) -> str:
    lines = ["| run | records | new or changed | reclustered | wall s | CPU s |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['run']} | {r['records']:,} | {r['new']:,} | {r['reclustered']:,} | {r['seconds']:.1f} | "
                     f"{r['cpu_seconds']:.1f} |")  # fmt: skip
    return "\n".join(lines)


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| records | incidents | candidate pairs | seconds | CPU seconds | records/s | peak RSS (MB) | precision "
        "| recall | F1 | B-cubed F1 | date_disagree flagged / true / flagged exactly |"
    )
    lines = [head, "|" + "---|" * 12]
    for r in rows:
        q = [f"{r[k]:.3f}" if k in r else "-" for k in ("precision", "recall", "f1", "bcubed_f1")]
        dates = f"{r['dates_flagged']:,} / {r['dates_true']:,} / {r['dates_right']:,}" if "dates_true" in r else "-"
        lines.append(
            f"| {r['records']:,} | {r['incidents']:,} | {r['candidates']:,} | {r['seconds']:.1f} | "
            f"{r['cpu_seconds']:.1f} | {r['records'] / r['cpu_seconds']:,.0f} | {r['rss_mb']:,.0f} | {' | '.join(q)} "
            f"| {dates} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,200000,400000,800000", help="comma-separated record counts")
    parser.add_argument("--memory", type=int, default=1_000_000, help="size for the 4 GB check (0 to skip)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--earlier", action="store_true", help="the generator's data of earlier rounds")
    parser.add_argument("--node", type=int, help="time `sarhad reconcile` on a node with this many reports")
    parser.add_argument("--database", help="with --node: a PostgreSQL URL instead of the node's SQLite file")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-quality", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.seed, not args.no_quality, args.earlier)))
        return 0
    if args.node:
        print(node_table(node_child(args.node, args.seed, args.database)), flush=True)
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    rows = []
    for size in sizes:
        rows.append(run_child(size, args.seed, earlier=args.earlier))
        print(f"  {size:,} records: {rows[-1]['cpu_seconds']:.1f} s CPU", file=sys.stderr, flush=True)
    print(table(rows), flush=True)
    ok = True
    for r in rows:
        if r.get("f1", 1.0) < 0.95:
            print(f"FAIL: F1 {r['f1']:.3f} < 0.95 at {r['records']:,} records")
            ok = False
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        n0, n1 = first["records"], last["records"]
        # CPU time: on a shared machine the wall clock also measures the neighbours.
        ratio = last["cpu_seconds"] / first["cpu_seconds"]
        nlogn = (n1 * math.log(n1)) / (n0 * math.log(n0))
        print(
            f"CPU time ratio {n1:,} / {n0:,} records: {ratio:.2f}x (linear {n1 / n0:.1f}x, n log n {nlogn:.2f}x;"
            f" wall clock {last['seconds'] / first['seconds']:.2f}x)"
        )
        if n1 == 8 * n0 and ratio > 10:
            print("FAIL: the 8x larger size took more than 10x the time")
            ok = False
    if args.memory:
        mem = run_child(args.memory, args.seed, quality=False, earlier=args.earlier)
        verdict = "within" if mem["rss_mb"] <= MEMORY_LIMIT_MB else "ABOVE"
        print(
            f"memory: {mem['records']:,} records clustered in {mem['seconds']:.1f} s with peak RSS "
            f"{mem['rss_mb']:,.0f} MB ({verdict} {MEMORY_LIMIT_MB:,} MB)"
        )
        ok = ok and mem["rss_mb"] <= MEMORY_LIMIT_MB
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
