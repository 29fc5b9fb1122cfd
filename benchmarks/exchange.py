"""Exchange speed: TAXII GET objects/s from a real ``sarhad serve`` beside medallion, and verified sync.

Run ``python benchmarks/exchange.py`` (default sizes 1,000, 10,000 and 100,000; a few minutes) or
``--quick`` (1,000 and 5,000). For each size N it:

1. publishes N synthetic incidents on a fresh PK node in one go (``node.publisher()``), serves it with
   ``sarhad serve`` (uvicorn) on loopback, and pages through the incidents collection with ``limit`` and
   ``next`` (objects/s; goal ≥ 20,000/s at 100,000);
2. serves N STIX objects with medallion (the OASIS reference server, memory backend) and pages through them
   the same way, at the sizes medallion can serve in minutes (``--medallion-sizes``; its first page is
   quadratic in N);
3. fetches the same log entries and objects a sync fetches with plain httpx (transfer only), then runs a
   full verified sync of an empty IR node (goal: within 3× the transfer), then publishes 100 more incidents
   and times the incremental sync (goal: under 1 s). With ``--rules``, the same full sync also runs into a
   second fresh IR node that has the demo's three alert rules (place, group, disagreement);
4. with ``--rules`` only: publishes N records that, like most ACLED and UCDP rows, name a group (nine in ten)
   and give a killed figure (two in three) on a second PK node, and times a full sync of them into a fresh IR
   node without rules, into one with the demo's three rules, and into one with those rules that already holds
   IR's own record of each incident (one in five naming another group). The records of 1-3 name no group and
   give no figure, so the disagreement rule never looks anything up there; here it looks up every record that
   states either, and in the last run finds IR's records and their disagreements.

The table goes in ``docs/benchmarks.md`` ("Exchange").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from sarhad.config import load_settings
from sarhad.exchange.peers import add_peer
from sarhad.exchange.sync import CHUNK, sync_peer
from sarhad.model.figures import Figure
from sarhad.model.incident import Incident, Perpetrator, Place, incident_id
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from sarhad.web.auth import create_token

TAXII = "application/taxii+json;version=2.1"
UNUSED_TOKEN = "sarhad_000000000000_unused-token-of-no-node"  # of sarhad's form; for peers never synced from
ROOT = Path(__file__).resolve().parent.parent
rows: list[tuple[str, int, float, str, str, str]] = []


def record(what: str, n: int, secs: float, rate: str, note: str, cpu: str = "") -> None:
    """Keep one result and show it at once (a long run still leaves its figures if a later step fails)."""
    rows.append((what, n, secs, rate, cpu, note))
    print(f"  {what}: N={n:,} {secs:.2f} s {rate} CPU {cpu} {note}", file=sys.stderr, flush=True)


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    """CPU seconds of this process's finished children (a large sync's checking process, once it is reaped)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Meter:
    """Wall time, this process's CPU time (plus that of the children it started and reaped during the block,
    i.e. a large sync's checking process) and a server process's CPU time over a block."""

    def __init__(self, server_pid: int) -> None:
        self.pid = server_pid

    def __enter__(self) -> Meter:
        self.wall, self.cpu, self.server = time.perf_counter(), time.process_time(), server_cpu(self.pid)
        self.children = _children_cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        self.children = _children_cpu() - self.children
        self.server = server_cpu(self.pid) - self.server

    def cpu_text(self) -> str:
        if self.children >= 0.005:
            return f"{self.cpu:.2f} (+ {self.children:.2f} checker) + {self.server:.2f}"
        return f"{self.cpu:.2f} + {self.server:.2f}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# The groups a named synthetic record names, in turn (one of them is the demo's group rule's).
GROUPS = ("Jaish al-Adl", "Tehrik-i-Taliban Pakistan", "Balochistan Liberation Army", "Islamic State Khorasan",
          "Lashkar-e-Jhangvi", "Baloch Republican Army", "unidentified gunmen")  # fmt: skip


def synthetic(i: int, party: str = "PK", named: bool = False) -> Incident:
    """A small made-up incident record number ``i``; ``named``: one that names a group (unless ``i`` is a
    multiple of 10) and gives a killed figure (unless ``i`` is a multiple of 3), as most real rows do, on one of
    the 5,113 days of 2010-2023 (about 20 records a day at 100,000; the other records fall on 84 days only,
    over a thousand a day, which would make the disagreement rule's lookup read far more rows than real data)."""
    day = f"20{10 + i % 14:02d}-{i % 12 + 1:02d}-{i % 28 + 1:02d}"
    if named:
        day = (date(2010, 1, 1) + timedelta(days=i % 5113)).isoformat()
    perpetrators: tuple[Perpetrator, ...] = ()
    figures: tuple[Figure, ...] = ()
    if named and i % 10:
        perpetrators = (Perpetrator(GROUPS[i % len(GROUPS)]),)
    if named and i % 3:
        killed = i % 7
        figures = (Figure("killed", "total", killed, killed, killed, "party_official", party),)
    return Incident(
        id=incident_id("party", party, f"bench-{i}"),
        reported_by=party,
        dataset="party",
        source_id=f"bench-{i}",
        date_start=day,
        date_end=day,
        date_precision="day",
        place=Place(country="PK", lat=25.0 + (i % 1000) / 200, lon=61.0 + (i % 700) / 200, precision="exact"),
        title=f"Synthetic incident {i}",
        perpetrators=perpetrators,
        figures=figures,
    )


def account(i: int) -> Incident:
    """IR's own record of the incident of named synthetic record ``i``: the same day, place and figure, and
    every fifth names another group."""
    inc = synthetic(i, "IR", named=True)
    if i % 5 == 0 and inc.perpetrators:
        return replace(inc, perpetrators=(Perpetrator(GROUPS[(i + 1) % len(GROUPS)]),))
    return inc


def publish(home: Path, start: int, count: int, named: bool = False) -> float:
    started = time.perf_counter()
    with Node.open(load_settings(home)) as node, node.publisher() as pub:
        pub.add_all(synthetic(i, named=named) for i in range(start, start + count))
    return time.perf_counter() - started


def _wait(url: str, proc: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start within 120 s") from None
            time.sleep(0.1)


@contextmanager
def process(args: list[str], probe: str, what: str) -> Iterator[int]:
    """Run a server subprocess until the block ends (yielding its pid); always stop it (kill after 15 s)."""
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(probe, proc, what)
        yield proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(15)


def best_transfer(base: str, pid: int, token: str, n: int, what: str) -> Meter:
    """The faster of two plain transfers of the log entries a sync fetches (recorded as ``what``)."""
    transfers = []
    for _ in range(2):
        with Meter(pid) as t:
            nbytes, _ = transfer(base, token, n)
        transfers.append(t)
    best = min(transfers, key=lambda x: x.wall)
    record(what, n, best.wall, f"{nbytes / 1e6:,.1f} MB", "faster of 2", best.cpu_text())
    return best


def first_sync(home: Path, base: str, vkey: str, token: str, pid: int, n: int) -> tuple[Meter, int]:
    """A full verified sync of the N records served at ``base`` into the fresh node at ``home``: its meter and
    the alerts the node's rules raised."""
    with Node.open(load_settings(home)) as node:
        peer = add_peer(node.db, "PK", base, vkey, token)
        with Meter(pid) as m:
            result = sync_peer(node, peer)
        assert result.objects == n, result
        alerts = node.db.fetchone("SELECT COUNT(*) FROM alerts")
    return m, int(alerts[0]) if alerts else 0


@contextmanager
def served(home: Path) -> Iterator[tuple[str, int]]:
    """``sarhad serve`` of the node at ``home`` on a free port of 127.0.0.1: yields its base URL and pid."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    args = [sys.executable, "-m", "sarhad", "--home", str(home), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with process(args, f"{base}/health", "sarhad serve") as pid:
        yield base, pid


def page_through(
    url: str, headers: dict[str, str], limit: int, auth: httpx.BasicAuth | None = None
) -> tuple[int, float]:
    """GET every page of a TAXII objects URL with ``limit`` and ``next``; return (objects, seconds)."""
    count = 0
    params = {"limit": str(limit)}
    started = time.perf_counter()
    with httpx.Client(headers={"Accept": TAXII, **headers}, auth=auth, timeout=1800) as client:
        while True:
            page = client.get(url, params=params)
            page.raise_for_status()
            data = page.json()
            count += len(data.get("objects", []))
            if not data.get("more"):
                break
            params = {"limit": str(limit), "next": str(data["next"])}
    return count, time.perf_counter() - started


def transfer(base: str, token: str, size: int) -> tuple[int, float]:
    """Fetch the log entries and objects a full sync fetches, without verifying or storing them."""
    started = time.perf_counter()
    total = 0
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=1800) as client:
        client.get("/log/checkpoint").raise_for_status()
        for pos in range(0, size, CHUNK):
            r = client.get(
                "/log/entries", params={"start": pos, "end": min(size, pos + CHUNK), "objects": 1, "bodies": "text"}
            )
            r.raise_for_status()
            total += len(r.content)
            json.loads(r.content)
    return total, time.perf_counter() - started


# The alert rules the demo starts a border desk with (sarhad.cli.demo): one on the place, one on the group, one
# that asks the database for other parties' records of the same incident.
DEMO_RULES = (
    Rule("within 50 km of the border", near_border_km=50),
    Rule("Jaish al-Adl", perpetrators=("Jaish al-Adl",)),
    Rule("peer disagrees", disagrees=True),
)


def bench_sarhad(tmp: Path, n: int, limit: int, with_rules: bool = False) -> None:
    pk = tmp / f"pk-{n}"
    Node.init(pk, "PK").close()
    took = publish(pk, 0, n)
    record("publish synthetic incidents (setup)", n, took, f"{n / took:,.0f} incidents/s", "")
    ir_home = tmp / f"ir-{n}"
    with Node.init(ir_home, "IR") as ir:
        ir_vkey = ir.signer.vkey
    rules_home = tmp / f"ir-rules-{n}" if with_rules else None
    rules_vkey = None
    if rules_home is not None:
        with Node.init(rules_home, "IR") as ruled:
            for rule in DEMO_RULES:
                add_rule(ruled.db, rule)
            rules_vkey = ruled.signer.vkey
    with Node.open(load_settings(pk)) as node:
        # PK accepts IR's cosignatures (IR's URL is not used here: PK does not pull).
        add_peer(node.db, "IR", "http://127.0.0.1:9", ir_vkey, UNUSED_TOKEN)
        if rules_vkey is not None:  # a second IR node, with alert rules: it cosigns too
            add_peer(node.db, "IR-rules", "http://127.0.0.1:9", rules_vkey, UNUSED_TOKEN)
        viewer = create_token(node.db, "bench", "viewer", "PK")
        peer_token = create_token(node.db, "ir-node", "peer", "IR")
        vkey = node.signer.vkey
    with served(pk) as (base, pid):
        url = f"{base}/taxii2/sarhad/collections/incidents/objects/"
        with Meter(pid) as m:
            count, _ = page_through(url, {"Authorization": f"Bearer {viewer}"}, limit)
        assert count == n, f"sarhad served {count} of {n}"
        record("sarhad TAXII GET objects (all pages)", n, m.wall, f"{n / m.wall:,.0f} objects/s", f"limit {limit}",
               m.cpu_text())  # fmt: skip
        # The faster of two transfers: the baseline the sync is held to.
        t = best_transfer(base, pid, peer_token, n, "transfer only: /log/entries?objects=1&bodies=text")
        with Node.open(load_settings(ir_home)) as ir:
            peer = add_peer(ir.db, "PK", base, vkey, peer_token)
            with Meter(pid) as m:
                result = sync_peer(ir, peer)
            assert result.objects == n, result
            record("full verified sync", n, m.wall, f"{m.wall / t.wall:.1f}× transfer", "goal ≤ 3×", m.cpu_text())
            if rules_home is not None:  # the same sync into another fresh node that has the demo's alert rules
                m, alerts = first_sync(rules_home, base, vkey, peer_token, pid, n)
                record("full verified sync, the demo's 3 alert rules (records name no group)", n, m.wall,
                       f"{m.wall / t.wall:.1f}× transfer", f"{alerts:,} alerts", m.cpu_text())  # fmt: skip
            publish(pk, n, 100)
            with Meter(pid) as m:
                inc = sync_peer(ir, peer)
            # Publishing may add derived records (e.g. monitor alerts), so count what the log grew by.
            assert inc.entries >= 100, inc
            record(f"incremental sync of 100 new records ({inc.entries} entries)", n, m.wall, "", "goal < 1 s",
                   m.cpu_text())  # fmt: skip


def bench_named_rules(tmp: Path, n: int) -> None:
    """Step 4 (``--rules``): N records that name a group and give a killed figure, synced in full into a fresh
    IR node without rules, into one with the demo's three alert rules, and into one with those rules that holds
    IR's own record of each incident (:func:`account`; published before the rules are added)."""
    pk = tmp / f"pk-named-{n}"
    Node.init(pk, "PK").close()
    took = publish(pk, 0, n, named=True)
    record("publish named synthetic incidents (setup)", n, took, f"{n / took:,.0f} incidents/s", "")
    runs: list[tuple[str, Path, tuple[Rule, ...], bool]] = [
        ("full verified sync, records naming groups, no rules", tmp / f"ir-named-{n}", (), False),
        ("full verified sync, records naming groups, the demo's 3 alert rules", tmp / f"ir-named-rules-{n}",
         DEMO_RULES, False),
        ("the same into a node holding its own record of each incident", tmp / f"ir-named-own-{n}", DEMO_RULES,
         True),
    ]  # fmt: skip
    vkeys = []
    for _, home, rules, own in runs:
        with Node.init(home, "IR") as ir:
            if own:
                started = time.perf_counter()
                with ir.publisher() as pub:
                    pub.add_all(account(i) for i in range(n))
                took = time.perf_counter() - started
                record("publish IR's own records of them (setup)", n, took, f"{n / took:,.0f} incidents/s", "")
            for rule in rules:
                add_rule(ir.db, rule)
            vkeys.append(ir.signer.vkey)
    with Node.open(load_settings(pk)) as node:
        for i, key in enumerate(vkeys):  # PK accepts each IR node's cosignatures
            add_peer(node.db, f"IR-{i}", "http://127.0.0.1:9", key, UNUSED_TOKEN)
        peer_token = create_token(node.db, "ir-node", "peer", "IR")
        vkey = node.signer.vkey
    with served(pk) as (base, pid):
        t = best_transfer(base, pid, peer_token, n, "transfer only, records naming groups")
        for what, home, _, _ in runs:
            m, alerts = first_sync(home, base, vkey, peer_token, pid, n)
            record(what, n, m.wall, f"{m.wall / t.wall:.1f}× transfer", f"{alerts:,} alerts", m.cpu_text())


def medallion_data(n: int, base: str) -> dict[str, Any]:
    objects, manifest = [], []
    for i in range(n):
        stamp = f"2024-01-01T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}.{i // 86400:03d}Z"
        obj = {
            "type": "location",
            "spec_version": "2.1",
            "id": f"location--{i:08d}-0000-4000-8000-000000000000",
            "created": stamp,
            "modified": stamp,
            "latitude": 25.0 + (i % 1000) / 200,
            "longitude": 61.0 + (i % 700) / 200,
            "country": "PK",
        }
        objects.append(obj)
        manifest.append({"id": obj["id"], "date_added": stamp.replace("Z", "000Z"), "version": stamp,
                         "media_type": "application/stix+json;version=2.1"})  # fmt: skip
    coll = {"id": "91a7b528-80eb-42ed-a74d-c6fbd5a26116", "title": "bench", "can_read": True, "can_write": False,
            "media_types": ["application/stix+json;version=2.1"], "objects": objects, "manifest": manifest}  # fmt: skip
    return {
        "/discovery": {"title": "bench", "default": f"{base}/api/", "api_roots": [f"{base}/api/"]},
        "api": {"information": {"title": "api", "versions": [TAXII], "max_content_length": 10_000_000},
                "status": [], "collections": [coll]},
    }  # fmt: skip


def bench_medallion(tmp: Path, n: int, limit: int) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data = tmp / f"medallion-{n}.json"
    data.write_text(json.dumps(medallion_data(n, base)))
    config = tmp / f"medallion-{n}-config.json"
    config.write_text(json.dumps({
        "backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
                    "filename": str(data)},
        "users": {"bench": "bench"}, "taxii": {"max_page_size": limit},
    }))  # fmt: skip
    exe = str(Path(sys.executable).with_name("medallion"))
    args = [exe, str(config), "--host", "127.0.0.1", "--port", str(port)]
    with process(args, f"{base}/taxii2/", "medallion") as pid:
        url = f"{base}/api/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/objects/"
        with Meter(pid) as m:
            count, _ = page_through(url, {}, limit, httpx.BasicAuth("bench", "bench"))
        assert count == n, f"medallion served {count} of {n}"
        record("medallion TAXII GET objects (all pages)", n, m.wall, f"{n / m.wall:,.0f} objects/s",
               f"limit {limit}, memory backend", m.cpu_text())  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,10000,100000", help="collection sizes for sarhad")
    parser.add_argument("--medallion-sizes", default="1000,2000", help="sizes for medallion (quadratic!)")
    parser.add_argument("--limit", type=int, default=1000, help="TAXII page size")
    parser.add_argument("--quick", action="store_true", help="sizes 1000,5000 and medallion 1000")
    parser.add_argument("--rules", action="store_true", help="syncs with the demo's alert rules too")
    args = parser.parse_args()
    sizes = [1000, 5000] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    msizes = [1000] if args.quick else [int(s) for s in args.medallion_sizes.split(",") if s]
    start_load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    with tempfile.TemporaryDirectory(prefix="sarhad-bench-exchange-") as tmp_name:
        tmp = Path(tmp_name)
        for n in msizes:
            bench_medallion(tmp, n, args.limit)
        for n in sizes:
            bench_sarhad(tmp, n, args.limit, args.rules)
            if args.rules:
                bench_named_rules(tmp, n)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nPython {platform.python_version()}, {os.cpu_count()} CPUs, load average {start_load:.1f} at the start"
          f" and {load:.1f} at the end, loopback\n")  # fmt: skip
    print("| what | N | wall s | rate / ratio | CPU s (this process [+ its checking process] + server) | note |")
    print("|---|---|---|---|---|---|")
    for what, n, secs, rate, cpu, note in rows:
        print(f"| {what} | {n:,} | {secs:.2f} | {rate} | {cpu} | {note} |")


if __name__ == "__main__":
    main()
