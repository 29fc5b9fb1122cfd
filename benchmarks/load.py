"""Load: many concurrent clients on TAXII and the JSON API of a real ``sarhad serve`` on loopback.

Creates a fresh PK node with ``--incidents`` synthetic incidents (TLP CLEAR, GREEN, AMBER and RED mixed),
starts ``sarhad serve`` on 127.0.0.1 in its own process, and runs ``--clients`` asyncio clients (httpx, one
connection each) for ``--seconds`` after a short warm-up. Each client loops over a mix of requests:

* TAXII 2.1: a page of the incidents collection's objects and of its manifest, an object by id;
* JSON API: one of the first 20 pages of ``/api/incidents``, an incident by id, ``/api/stats``;
* one request in 50 is a write, ``POST /api/incidents`` (a new incident through the publish pipeline).

Half the clients are PK analysts, half IR's peer principal (whose reads are filtered by TLP). Every answer
must be 2xx (an error, a timeout or a connection failure counts as an error). The server's resident memory
is sampled twice a second from ``/proc``; "growth" compares the median of the first and the last quarter of
the measured window. Reported: requests, errors, throughput, p50/p99/max latency per kind, the server's and
the clients' CPU time, memory, and the load average. The run is bounded: at most 500 clients and 600 s, and
it only ever connects to 127.0.0.1.

Usage::

    python benchmarks/load.py [--clients 50] [--seconds 30] [--incidents 20000] [--warmup 5]

Exits 1 when any request failed or memory grew by more than ``--max-growth-mb``. The table goes in
``docs/benchmarks.md`` ("Load").
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from sarhad.model.incident import Incident, Place, incident_id
from sarhad.node import Node
from sarhad.web.auth import create_token

HOST: Final = "127.0.0.1"  # the only address this benchmark talks to
MAX_CLIENTS: Final = 500
MAX_SECONDS: Final = 600.0
TAXII: Final = {"Accept": "application/taxii+json;version=2.1"}
OBJECTS: Final = "/taxii2/sarhad/collections/incidents/objects/"
MANIFEST: Final = "/taxii2/sarhad/collections/incidents/manifest/"
TLPS: Final = ("CLEAR", "GREEN", "AMBER", "RED")


def synthetic(i: int) -> Incident:
    """A made-up PK incident number ``i`` (TLP cycling through CLEAR, GREEN, AMBER, RED)."""
    day = f"20{10 + i % 14:02d}-{i % 12 + 1:02d}-{i % 28 + 1:02d}"
    return Incident(
        id=incident_id("party", "PK", f"load-{i}"),
        reported_by="PK",
        dataset="party",
        source_id=f"load-{i}",
        date_start=day,
        date_end=day,
        date_precision="day",
        place=Place(country="PK", lat=25.0 + (i % 1000) / 200, lon=61.0 + (i % 700) / 200, precision="exact"),
        title=f"Synthetic incident {i}",
        tlp=TLPS[i % len(TLPS)],
    )


@dataclass
class Results:
    """Latencies (ms) per request kind, errors with a few examples, and what the server's memory did."""

    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)
    rss: list[tuple[float, int]] = field(default_factory=list)
    answered: int = 0  # every answer, warm-up included (the server's CPU time covers both)

    def error(self, kind: str, what: str) -> None:
        self.errors[kind] += 1
        if len(self.examples) < 5:
            self.examples.append(f"{kind}: {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def rss_kib(pid: int) -> int:
    """The resident set size of process ``pid`` in KiB (Linux ``/proc``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def setup(home: Path, n: int) -> tuple[dict[str, str], list[str]]:
    """A PK node with ``n`` incidents; returns tokens (PK analyst, IR peer) and the incident ids."""
    with Node.init(home, "PK") as node:
        with node.publisher() as pub:
            pub.add_all(synthetic(i) for i in range(n))
        tokens = {
            "analyst": create_token(node.db, "load-analyst", "analyst", "PK"),
            "peer": create_token(node.db, "ir-node", "peer", "IR"),
        }
    ids = [incident_id("party", "PK", f"load-{i}") for i in range(n)]
    return tokens, ids


async def client(
    number: int, base: str, token: str, ids: list[str], n: int, until: float, warm: float, out: Results
) -> None:
    """One client: requests back to back until ``until``; only those after ``warm`` are measured."""
    rng = random.Random(number)
    auth = {"Authorization": f"Bearer {token}"}
    writes = 0
    async with httpx.AsyncClient(base_url=base, headers=auth, timeout=60, limits=httpx.Limits(max_connections=1)) as c:
        loop = asyncio.get_running_loop()
        while (now := loop.time()) < until:
            roll = rng.random()
            some = rng.choice(ids)
            if roll < 0.02 and number % 2 == 0:  # analysts write; the peer only reads
                kind = "POST /api/incidents"
                writes += 1
                body = {"source_id": f"load-post-{number}-{writes}", "date_start": "2025-11-08", "title": "load"}
                request = c.build_request("POST", "/api/incidents", json=body)
            elif roll < 0.20:
                kind = "TAXII objects page"
                request = c.build_request("GET", OBJECTS, params={"limit": 50}, headers=TAXII)
            elif roll < 0.35:
                kind = "TAXII manifest page"
                request = c.build_request("GET", MANIFEST, params={"limit": 50}, headers=TAXII)
            elif roll < 0.50:
                kind = "TAXII object by id"
                request = c.build_request("GET", f"{OBJECTS}{some}/", headers=TAXII)
            elif roll < 0.70:
                kind = "API incidents page"
                # one of the first 20 pages, as someone browsing does (a deep OFFSET costs O(offset); see the docs)
                offset = 50 * rng.randrange(min(20, max(1, n // 50)))
                request = c.build_request("GET", "/api/incidents", params={"limit": 50, "offset": offset})
            elif roll < 0.90:
                kind = "API incident by id"
                request = c.build_request("GET", f"/api/incidents/{some}")
            else:
                kind = "API stats"
                request = c.build_request("GET", "/api/stats")
            started = time.perf_counter()
            try:
                response = await c.send(request)
                await response.aread()
            except httpx.HTTPError as exc:
                if now >= warm:
                    out.error(kind, f"{type(exc).__name__}: {exc}")
                continue
            took = (time.perf_counter() - started) * 1000
            out.answered += 1
            if now < warm:
                continue
            # A peer may not read AMBER+ of another party it is not named for: 404 by id is the right answer.
            refused_by_tlp = response.status_code == 404 and number % 2 == 1 and "by id" in kind
            if response.is_success or refused_by_tlp:
                out.latency[kind].append(took)
            else:
                out.error(kind, f"{response.status_code} {response.text[:200]}")


async def sample_memory(pid: int, until: float, warm: float, out: Results) -> None:
    loop = asyncio.get_running_loop()
    while (now := loop.time()) < until:
        if now >= warm:
            out.rss.append((now, rss_kib(pid)))
        await asyncio.sleep(0.5)


async def run(base: str, pid: int, tokens: dict[str, str], ids: list[str], args: argparse.Namespace) -> Results:
    out = Results()
    loop = asyncio.get_running_loop()
    warm = loop.time() + args.warmup
    until = warm + args.seconds
    who = [tokens["analyst"] if i % 2 == 0 else tokens["peer"] for i in range(args.clients)]
    await asyncio.gather(
        sample_memory(pid, until, warm, out),
        *(client(i, base, who[i], ids, len(ids), until, warm, out) for i in range(args.clients)),
    )
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--incidents", type=int, default=20_000)
    parser.add_argument("--max-growth-mb", type=float, default=20.0)
    args = parser.parse_args()
    if not 1 <= args.clients <= MAX_CLIENTS or not 0 < args.seconds + args.warmup <= MAX_SECONDS:
        parser.error(f"--clients must be 1..{MAX_CLIENTS} and the run at most {MAX_SECONDS:.0f} s")
    with tempfile.TemporaryDirectory(prefix="sarhad-load-") as tmp:
        home = Path(tmp) / "pk"
        t0 = time.perf_counter()
        tokens, ids = setup(home, args.incidents)
        print(f"setup: {args.incidents:,} incidents in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        port = free_port()
        base = f"http://{HOST}:{port}"
        log = (Path(tmp) / "serve.log").open("wb")
        cmd = [sys.executable, "-m", "sarhad", "--home", str(home), "serve", "--host", HOST, "--port", str(port)]
        server = subprocess.Popen(cmd, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("sarhad serve did not start") from None
                    time.sleep(0.1)
            rss_start = rss_kib(server.pid)
            cpu_server, cpu_client = cpu_seconds(server.pid), time.process_time()
            out = asyncio.run(run(base, server.pid, tokens, ids, args))
            cpu_server = cpu_seconds(server.pid) - cpu_server
            cpu_client = time.process_time() - cpu_client
        finally:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()
        serve_log = (Path(tmp) / "serve.log").read_text(errors="replace")
    return report(args, out, rss_start, cpu_server, cpu_client, serve_log)


def report(
    args: argparse.Namespace, out: Results, rss_start: int, cpu_server: float, cpu_client: float, serve_log: str
) -> int:
    total = sum(len(v) for v in out.latency.values())
    errors = sum(out.errors.values())
    every = [x for v in out.latency.values() for x in v]
    print(f"{args.clients} clients for {args.seconds:.0f} s (after {args.warmup:.0f} s warm-up) on {HOST},"
          f" {args.incidents:,} incidents")  # fmt: skip
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs\n")
    print("| request | count | errors | p50 ms | p99 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for kind in sorted(set(out.latency) | set(out.errors)):
        v = out.latency.get(kind, [])
        cells = f"{pct(v, 0.5):.0f} | {pct(v, 0.99):.0f} | {max(v):.0f}" if v else "– | – | –"
        print(f"| {kind} | {len(v):,} | {out.errors.get(kind, 0)} | {cells} |")
    if every:
        print(f"| **all** | {total:,} | {errors} | {pct(every, 0.5):.0f} | {pct(every, 0.99):.0f} | {max(every):.0f} |")
    print(f"\nthroughput: {total / args.seconds:,.0f} requests/s")
    print(f"CPU: server {cpu_server:.1f} s, clients {cpu_client:.1f} s over {args.seconds + args.warmup:.0f} s;"
          f" server CPU per request {cpu_server / max(out.answered, 1) * 1000:.1f} ms")  # fmt: skip
    growth = 0.0
    if out.rss:
        values = [kib for _, kib in out.rss]
        quarter = max(1, len(values) // 4)
        first, last = statistics.median(values[:quarter]), statistics.median(values[-quarter:])
        growth = (last - first) / 1024
        mib = [f"{x / 1024:.0f} MiB" for x in (rss_start, first, last, max(values))]
        print(f"server memory (RSS): {mib[0]} idle, {mib[1]} in the first quarter, {mib[2]} in the last,"
              f" peak {mib[3]}; growth {growth:+.1f} MiB")  # fmt: skip
    for example in out.examples:
        print(f"error: {example}")
    if "Traceback" in serve_log:
        print("the server logged a traceback:\n" + serve_log[-2000:])
        return 1
    return 1 if errors or growth > args.max_growth_mb else 0


if __name__ == "__main__":
    sys.exit(main())
