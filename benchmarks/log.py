"""Transparency-log speed: sarhad's RFC 9162 tree and persistent log beside the raw SHA-256 rate and pymerkle.

Run ``python benchmarks/log.py`` (about a minute; ``--leaves N`` for the in-memory tree, ``--durable N`` for
the SQLite log). Everything is measured in this one run, on one core, so the ratios to the raw leaf-hash
rate are comparable across machines even when the absolute rates are not. The table goes in
``docs/benchmarks.md`` ("Transparency log").

pymerkle (GPL-3.0, benchmark-only, installed by the dev extras) is the nearest Python peer; its consistency
proofs are not RFC 9162 proofs, so only its speed is compared.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sarhad.log import merkle
from sarhad.log.envelope import Envelope
from sarhad.log.note import Signer
from sarhad.log.store import Log
from sarhad.store.db import open_database
from sarhad.store.schema import migrate

Row = tuple[str, str, str, str]
rows: list[Row] = []


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def fmt(value: float) -> str:
    return f"{value:,.0f}"


def add(what: str, result: str, target: str = "", verdict: str = "") -> None:
    rows.append((what, result, target, verdict))
    print(f"  {what}: {result}" + (f"   [{target}: {verdict}]" if target else ""), file=sys.stderr, flush=True)


def check(ok: bool) -> str:
    return "met" if ok else "NOT met"


def timed(fn: Callable[[], Any]) -> float:
    """CPU seconds this process spent in ``fn``: on a shared machine, other tenants' load does not count.
    (The durable append, which waits for the disk, uses :func:`timed_wall`.)"""
    gc.collect()
    start = time.process_time()
    fn()
    return time.process_time() - start


def timed_wall(fn: Callable[[], Any]) -> tuple[float, float]:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def inclusion_hashes(index: int, size: int) -> int:
    """How many node hashes RFC 9162 §2.1.3.2 computes for this proof: one per proof hash."""
    return merkle.inclusion_proof_size(index, size)


def consistency_hashes(old: int, new: int) -> int:
    """How many node hashes RFC 9162 §2.1.4.2 computes: one per path hash after the first, two when the
    hash is a left sibling (it updates both fr and sr). Replays the RFC's loop on the sizes alone."""
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    count = 0
    while sn:
        if fn & 1 or fn == sn:
            count += 2
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            count += 1
        fn >>= 1
        sn >>= 1
    return count


def bench_memory(n: int, proofs: int, rng: random.Random) -> None:
    data = [rng.randbytes(100) for _ in range(n)]
    sha = hashlib.sha256

    def raw() -> None:
        for d in data:
            sha(b"\x00" + d).digest()

    raw_rate = rate(n, timed(raw))
    add(f"raw SHA-256 leaf hash, {n:,} x 100 B", f"{fmt(raw_rate)}/s")
    pairs = [(data[i][:32], data[i][32:64]) for i in range(min(n, 200_000))]

    def raw_nodes() -> None:
        for left, right in pairs:
            sha(b"\x01" + left + right).digest()

    one_shot = rate(len(pairs), timed(raw_nodes))
    add(f"raw SHA-256 node hash, sha256(0x01 + 2 x 32 B), {len(pairs):,}", f"{fmt(one_shot)}/s")
    prefix = sha(b"\x01")

    def copied_nodes() -> None:
        copy = prefix.copy
        for left, right in pairs:
            h = copy()
            h.update(left)
            h.update(right)
            h.digest()

    node_rate = rate(len(pairs), timed(copied_nodes))
    add(
        f"the same from a copied 0x01 state (the state-copy rate: how the verifiers hash), {len(pairs):,}",
        f"{fmt(node_rate)}/s",
    )

    before = rss()
    tree = merkle.MemoryTree()
    extend_rate = rate(n, timed(lambda: tree.extend(data)))
    grown = rss() - before
    add(
        "in-memory append, batch (MemoryTree.extend)",
        f"{fmt(extend_rate)}/s = {extend_rate / raw_rate:.0%} of raw",
        "≥ 25% of raw",
        check(extend_rate >= 0.25 * raw_rate),
    )
    one = merkle.MemoryTree()

    def one_by_one() -> None:
        append = one.append
        for d in data:
            append(d)

    one_rate = rate(n, timed(one_by_one))
    add(
        "in-memory append, one by one (MemoryTree.append)",
        f"{fmt(one_rate)}/s = {one_rate / raw_rate:.0%} of raw",
        "≥ 25% of raw",
        check(one_rate >= 0.25 * raw_rate),
    )
    assert one.root() == tree.root()
    per_leaf = tree.nbytes() / n
    add(
        f"memory per leaf at {n:,} (allocated; RSS growth {grown / n:.0f} B)",
        f"{per_leaf:.1f} B",
        "≤ 80 B",
        check(per_leaf <= 80),
    )

    root = tree.root()
    indexes = [rng.randrange(n) for _ in range(proofs)]
    leaves = [tree.leaf_hash(i) for i in indexes]
    made: list[list[bytes]] = []
    gen = rate(proofs, timed(lambda: made.extend(tree.inclusion_proof(i) for i in indexes)))
    sizes = {len(p) == merkle.inclusion_proof_size(i, n) for i, p in zip(indexes, made, strict=True)}
    avg = sum(32 * len(p) for p in made) / proofs

    def verify_all() -> None:
        for i, p, leaf in zip(indexes, made, leaves, strict=True):
            merkle.verify_inclusion(leaf, i, n, p, root)

    ver = rate(proofs, timed(verify_all))
    hashes = sum(inclusion_hashes(i, n) for i in indexes) / proofs
    add(f"inclusion proof at {n:,}: generate", f"{fmt(gen)}/s", "≥ 50,000/s", check(gen >= 50_000))
    add(
        f"inclusion proof at {n:,}: verify",
        f"{fmt(ver)}/s ({hashes:.1f} node hashes each = {ver * hashes / node_rate:.0%} of the state-copy rate)",
        "≥ 50,000/s",
        check(ver >= 50_000),
    )
    add(
        f"inclusion proof size at {n:,}",
        f"{avg:.0f} B average = 32 B x path length",
        "RFC size",
        check(sizes == {True} and all(len(h) == 32 for p in made for h in p)),
    )

    olds = [rng.randrange(1, n) for _ in range(proofs)]
    old_roots = [tree.root(o) for o in olds]
    cons: list[list[bytes]] = []
    cgen = rate(proofs, timed(lambda: cons.extend(tree.consistency_proof(o) for o in olds)))

    def verify_cons() -> None:
        for o, p, r in zip(olds, cons, old_roots, strict=True):
            merkle.verify_consistency(o, n, p, r, root)

    cver = rate(proofs, timed(verify_cons))
    chashes = sum(consistency_hashes(o, n) for o in olds) / proofs
    csizes = {len(p) == merkle.consistency_proof_size(o, n) for o, p in zip(olds, cons, strict=True)}
    cavg = sum(32 * len(p) for p in cons) / proofs
    add(f"consistency proof at {n:,}: generate", f"{fmt(cgen)}/s", "≥ 50,000/s", check(cgen >= 50_000))
    add(
        f"consistency proof at {n:,}: verify",
        f"{fmt(cver)}/s ({chashes:.1f} node hashes each = {cver * chashes / node_rate:.0%} of the state-copy rate)",
        "≥ 50,000/s",
        check(cver >= 50_000),
    )
    add(
        f"consistency proof size at {n:,}",
        f"{cavg:.0f} B average = 32 B x path length",
        "RFC size",
        check(csizes == {True}),
    )
    return None


def bench_durable(n: int, batch: int, proofs: int, rng: random.Random) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        migrate(db)
        log = Log(db)
        signer = Signer.generate("bench.example/log")
        stamp = "2026-12-01T00:00:00.000Z"
        envs = [
            Envelope(f"incident--{i:08d}-0000-5000-8000-000000000000", stamp, rng.randbytes(32).hex(), "GREEN", stamp)
            for i in range(n)
        ]
        checkpoints = 0

        def run() -> None:
            nonlocal checkpoints
            for start in range(0, n, batch):
                with db.transaction():
                    log.append(envs[start : start + batch])
                    log.sign_checkpoint(signer, "bench.example/log")
                checkpoints += 1

        wall, cpu = timed_wall(run)
        durable = rate(n, wall)
        add(
            f"durable append, SQLite, {n:,} leaves in batches of {batch:,} (commit + signed checkpoint each)",
            f"{fmt(durable)}/s wall clock ({fmt(rate(n, cpu))}/s per CPU-second; {checkpoints:,} checkpoints)",
            "≥ 20,000/s",
            check(durable >= 20_000),
        )
        size = log.size()
        root = log.root(size)
        k = min(proofs, 2000)
        indexes = [rng.randrange(size) for _ in range(k)]
        made: list[list[bytes]] = []
        gen = rate(k, timed(lambda: made.extend(log.inclusion_proof(i, size) for i in indexes)))
        for i, p in zip(indexes, made, strict=True):
            merkle.verify_inclusion(log.leaf(i).leaf_hash, i, size, p, root)
        add(f"inclusion proof from SQLite at {size:,} (two indexed reads)", f"{fmt(gen)}/s")
        db.close()


def bench_pymerkle(n: int, proofs: int, rng: random.Random) -> None:
    try:
        from pymerkle import InmemoryTree  # type: ignore[import-untyped]
    except ImportError:
        add("pymerkle", "not installed (pip install -e '.[dev]')")
        return
    data = [rng.randbytes(100) for _ in range(n)]
    tree = InmemoryTree(algorithm="sha256")

    def append_all() -> None:
        for d in data:
            tree.append_entry(d)

    add(f"pymerkle 7 InmemoryTree append, {n:,} (GPL, benchmark only)", f"{fmt(rate(n, timed(append_all)))}/s")
    k = min(proofs, 2000)
    indexes = [rng.randrange(1, n + 1) for _ in range(k)]  # pymerkle is 1-based
    made: list[Any] = []
    gen = rate(k, timed(lambda: made.extend(tree.prove_inclusion(i, n) for i in indexes)))
    root = tree.get_root(n)

    def verify_all() -> None:
        from pymerkle import verify_inclusion

        for i, p in zip(indexes, made, strict=True):
            verify_inclusion(tree.get_leaf(i), root, p)

    ver = rate(k, timed(verify_all))
    add(f"pymerkle inclusion proof at {n:,}: generate / verify", f"{fmt(gen)}/s / {fmt(ver)}/s")
    cons = rate(k, timed(lambda: [tree.prove_consistency(rng.randrange(1, n), n) for _ in range(k)]))
    add(f"pymerkle consistency proof at {n:,}: generate (not RFC 9162 PROOF)", f"{fmt(cons)}/s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leaves", type=int, default=1_000_000, help="in-memory tree size (default 1,000,000)")
    parser.add_argument("--durable", type=int, default=200_000, help="leaves appended to SQLite (default 200,000)")
    parser.add_argument("--batch", type=int, default=1000, help="leaves per durable batch (default 1000)")
    parser.add_argument("--proofs", type=int, default=20_000, help="proofs generated and verified (default 20,000)")
    parser.add_argument("--pymerkle", type=int, default=100_000, help="pymerkle tree size (default 100,000; 0 skips)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    print(
        f"benchmarking on Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} …",
        file=sys.stderr,
    )
    bench_memory(args.leaves, args.proofs, rng)
    bench_durable(args.durable, args.batch, args.proofs, rng)
    if args.pymerkle:
        bench_pymerkle(min(args.pymerkle, args.leaves), args.proofs, rng)
    width = [max(len(r[i]) for r in [("measurement", "result", "target", ""), *rows]) for i in range(4)]
    print(f"| {'measurement'.ljust(width[0])} | {'result'.ljust(width[1])} | {'target'.ljust(width[2])} | |")
    print(f"|{'-' * (width[0] + 2)}|{'-' * (width[1] + 2)}|{'-' * (width[2] + 2)}|---|")
    for what, result, target, verdict in rows:
        print(f"| {what.ljust(width[0])} | {result.ljust(width[1])} | {target.ljust(width[2])} | {verdict} |")
    load = os.getloadavg()
    print(
        f"\nRates per CPU-second of this process unless marked wall clock; total {time.perf_counter() - started:.0f} s;"
        f" load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} CPUs."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
