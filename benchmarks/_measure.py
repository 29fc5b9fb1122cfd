"""What the benchmarks measure a child process by: its own peak memory and CPU time, a node's stored bytes, and
running one measurement in a fresh interpreter. Shared by ``benchmarks/import.py`` and ``benchmarks/export.py``
(not a benchmark itself: ``make bench`` skips ``_``-prefixed scripts).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

__all__ = ["cpu", "peak_mb", "run_child", "stored_bytes"]


def peak_mb() -> float:
    """This process's own peak RSS, MB: not ``ru_maxrss``, which also counts the benchmark's main process that
    started it."""
    from sarhad._internal.memory import peak_rss

    peak = peak_rss()
    if peak is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    return peak / 2**20


def cpu(who: int = resource.RUSAGE_SELF) -> float:
    """User and system CPU seconds of this process (or, with ``RUSAGE_CHILDREN``, of its waited-for children)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def stored_bytes(node: Any) -> int:
    """What the node's database takes: SQLite's pages (whether still in the WAL or already in the file), or the
    PostgreSQL schema's tables with their indexes and TOAST."""
    db = node.db
    if db.dialect == "sqlite":
        pages, size = db.fetchone("PRAGMA page_count"), db.fetchone("PRAGMA page_size")
        return int(pages[0]) * int(size[0]) if pages and size else 0
    row = db.fetchone(
        "SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relkind = 'r'"
    )
    return int(row[0]) if row and row[0] is not None else 0


def run_child(script: str, kind: str, *args: str) -> dict[str, Any]:
    """Run ``script --child kind args…`` in a fresh interpreter and return the JSON object it printed last.

    Raises SystemExit with the child's error output when it fails."""
    cmd = [sys.executable, str(Path(script).resolve()), "--child", kind, *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} run failed:\n{proc.stderr[-4000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))
