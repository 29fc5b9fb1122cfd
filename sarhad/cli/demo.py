"""``sarhad demo``: a two-node federation (Pakistan and Iran) on 127.0.0.1 with the data sarhad ships.

Both nodes are created in the demo folder, fed with the real UCDP GED rows (CC BY 4.0; each node imports them
as its own party's reports, standing in for each agency's own records, so that the joint picture puts
Pakistan's account beside Iran's), the example news articles (on the PK node) and the pk-ir-2025 framework
with a few assessments; they serve on loopback, sync each other and
cosign each other's checkpoints. The command prints the statistics, the dashboard's address and a login
token, then serves until Ctrl-C (or ``--seconds``); ``--no-serve`` stops after the statistics.
"""

from __future__ import annotations

import shutil
import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import typer

from sarhad.cli._shared import console, print_table
from sarhad.node import Node

__all__ = ["register"]

SAMPLE = "ucdp_ged231_sample_pak_irn.csv"
# A few assessments each party submits for 2026Q1 (commitment, level, compliance, rationale).
ASSESSMENTS = {
    "PK": [("C-04", 2, "LC", "Technical committees met twice in December and January."),
           ("C-05", 1, "PC", "Summit dates proposed; not yet fixed."),
           ("C-09", 1, "PC", "Monitoring group named; first quarterly sitting pending.")],
    "IR": [("C-04", 2, "LC", "Committees convened in Zahedan and Quetta."),
           ("C-05", 2, "LC", "Summit agenda agreed by both foreign ministries."),
           ("C-09", 0, "NC", "No joint sitting held this quarter.")],
}  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _serving(node: Node, port: int) -> Iterator[str]:
    from sarhad.web.app import create_app
    from sarhad.web.server import Server, config

    server = Server(config(create_app(node.settings), "127.0.0.1", port))
    thread = threading.Thread(target=server.run, name=f"serve-{node.settings.party}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"the {node.settings.party} node's server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)


def _rules(node: Node) -> None:
    """The alert rules a border desk would start with; they are evaluated as each record arrives."""
    from sarhad.monitor.rules import Rule, add_rule

    for rule in (
        Rule("within 50 km of the border", near_border_km=50),
        Rule("Jaish al-Adl", perpetrators=("Jaish al-Adl",)),
        Rule("peer disagrees", disagrees=True),
    ):
        add_rule(node.db, rule, replace=True)


def _feed(node: Node, party: str) -> dict[str, Any]:
    from sarhad.framework.ops import assess, init_template
    from sarhad.importer import import_file
    from sarhad.ingest import ingest_article

    _rules(node)
    with resources.as_file(resources.files("sarhad.data") / SAMPLE) as sample:
        imported = import_file(node, "ucdp", sample, reported_by=party)
    articles = 0
    if party == "PK":
        with resources.as_file(resources.files("sarhad.data.articles")) as folder:
            for path in sorted(Path(folder).glob("*.txt")):
                articles += len(ingest_article(node, path).incidents)
    init_template(node, "pk-ir-2025")
    for code, level, compliance, rationale in ASSESSMENTS[party]:
        assess(node, code, "2026Q1", level, rationale, compliance=compliance)
    return {"imported": imported.added, "article_incidents": articles}


def demo(
    home: Path = typer.Option(Path("demo-home"), "--demo-home", help="Where to create the two demo nodes."),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Serve both nodes until Ctrl-C."),
    seconds: float = typer.Option(None, "--seconds", help="Stop serving after this many seconds."),
    fresh: bool = typer.Option(True, "--fresh/--reuse", help="Start from empty nodes (removes the demo folder)."),
) -> None:
    """Run a Pakistan–Iran federation on 127.0.0.1 with the data sarhad ships: import, sync, cosign, serve."""
    from sarhad.exchange.peers import add_peer, get_peer
    from sarhad.exchange.sync import sync_peer
    from sarhad.log.verify import verify_log
    from sarhad.reconcile.store import reconcile
    from sarhad.store.incidents import stats
    from sarhad.web.auth import create_token

    if fresh and home.exists():
        if not (home / "PK" / "sarhad.toml").exists() and any(home.iterdir()):
            raise typer.BadParameter(f"{home} is not a demo folder; choose another --demo-home")
        shutil.rmtree(home)
    with ExitStack() as stack:
        nodes: dict[str, Node] = {}
        for party in ("PK", "IR"):
            path = home / party
            if (path / "sarhad.toml").exists():
                from sarhad.config import load_settings

                nodes[party] = stack.enter_context(Node.open(load_settings(path)))
            else:
                nodes[party] = stack.enter_context(Node.init(path, party))
            fed = _feed(nodes[party], party)
            console.print(
                f"{party}: node in {path} — {fed['imported']} UCDP rows imported, "
                f"{fed['article_incidents']} incidents from news articles, framework with 3 assessments, 3 alert rules",
                highlight=False,
            )
        urls = {p: stack.enter_context(_serving(n, _free_port())) for p, n in nodes.items()}
        for party, other in (("PK", "IR"), ("IR", "PK")):
            token = create_token(nodes[other].db, f"{party.lower()}-node", "peer", party)
            own = nodes[party].settings.origin
            add_peer(nodes[party].db, other, urls[other], nodes[other].signer.vkey, token, own_origin=own)
        for party, other in (("IR", "PK"), ("PK", "IR"), ("IR", "PK")):
            result = sync_peer(nodes[party], get_peer(nodes[party].db, other))
            console.print(f"{party}: {result.summary()}", highlight=False)
        for party, node in nodes.items():
            report = verify_log(node.db, [node.signer.verifier], origin=node.settings.origin, party=party)
            console.print(
                f"{party} log verified: {report.size} leaves, {report.checkpoints} checkpoints", highlight=False
            )
        for party, node in nodes.items():  # the joint picture: each node's own, its peer's and the datasets' reports
            console.print(
                f"{party}: {reconcile(node.db, party, share_restricted=node.settings.share_restricted).line()}",
                highlight=False,
                markup=False,
            )
        out = stats(nodes["PK"].db, "reported-by")
        print_table(
            ["reported by", "incidents", "killed (best)", "killed low–high", "killed unknown"],
            [_cells(g["key"] or "(unknown)", g) for g in out["groups"]] + [_cells("total", out)],
            title="PK node: incidents and killed by who reports them (PK's own and news, IR's synced from IR)",
        )
        if not serve:
            return
        tokens = {p: create_token(n.db, "demo-analyst", "analyst", p) for p, n in nodes.items()}
        for party in nodes:
            console.print(f"\n{party} dashboard: {urls[party]}/   login token: {tokens[party]}", highlight=False)
        console.print("\nserving both nodes on 127.0.0.1; press Ctrl-C to stop", highlight=False)
        _wait(seconds)
        console.print("stopping both nodes", highlight=False)


def _wait(seconds: float | None) -> None:
    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    term = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait(seconds)
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.signal(signal.SIGTERM, term)


def _cells(key: str, group: dict[str, Any]) -> list[Any]:
    killed = group["killed"]
    span = killed["range"]
    return [key, group["incidents"], killed["best"], f"{span['low']}–{span['high']}", killed["unknown"]]


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
