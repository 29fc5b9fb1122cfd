"""``sarhad demo``: the main job on the embedded default, from nothing to a statistics table."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import typer

from sarhad.cli._shared import console, print_table

__all__ = ["register"]

SAMPLE = "ucdp_ged231_sample_pak_irn.csv"


def demo(
    home: Path = typer.Option(Path("demo-home"), "--demo-home", help="Where to create the demo node."),
) -> None:
    """Create a Pakistani node, import the real UCDP rows shipped with sarhad, verify the log, print statistics."""
    from sarhad.config import load_settings
    from sarhad.importer import import_file
    from sarhad.log.verify import verify_log
    from sarhad.node import Node
    from sarhad.store.incidents import stats

    if (home / "sarhad.toml").exists():
        node = Node.open(load_settings(home))
        console.print(f"using the demo node in {home}", highlight=False)
    else:
        node = Node.init(home, "PK")
        console.print(f"created a PK node in {home} (SQLite)", highlight=False)
    with node, resources.as_file(resources.files("sarhad.data") / SAMPLE) as sample:
        result = import_file(node, "ucdp", sample)
        console.print(result.summary(), highlight=False)
        report = verify_log(node.db, [node.signer.verifier], origin=node.settings.origin, party=node.settings.party)
        console.print(f"transparency log verified: {report.summary()}", highlight=False)
        for by in ("year", "admin1"):
            out = stats(node.db, by)
            rows = [_cells(g["key"] or "(unknown)", g) for g in out["groups"]]
            rows.append(_cells("total", out))
            print_table(
                [by, "incidents", "killed (best)", "killed low–high", "killed unknown"],
                rows,
                title=f"UCDP GED 23.1 sample (CC BY 4.0): incidents by {by}",
            )
    console.print(f"next: sarhad --home {home} incidents list | stats --by month | export geojson --out x.geojson")


def _cells(key: str, group: dict[str, Any]) -> list[Any]:
    killed = group["killed"]
    return [key, group["incidents"], killed["best"], f"{killed['low']}–{killed['high']}", killed["unknown"]]


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
