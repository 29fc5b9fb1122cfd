"""The joint picture as a file: one row per cluster, for the committee's spreadsheet or a script.

Each row gives when the cluster happened (:func:`~sarhad.reconcile.joint.cluster_date`), where (as its
representative member reports it), how many reports it holds and who made them, the joint killed and wounded
(span and consensus), the flags, each source's own killed and wounded low/best/high (keyed as ``by_party`` in
``sarhad clusters show --json``), and ``tlp``: the strictest marking among its members, whose figures the row
carries. It is the node operator's picture (:func:`~sarhad.reconcile.store.list_clusters` with ``joint``): every
member counts, whatever its marking, so a file with a row above TLP:CLEAR is to be handled at that row's level.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from sarhad.errors import InvalidInput
from sarhad.model.codes import TLP_LEVELS
from sarhad.reconcile.store import list_clusters
from sarhad.store.db import Database

__all__ = ["CLUSTER_EXPORT_FORMATS", "export_clusters"]

CLUSTER_EXPORT_FORMATS: Final = ("csv", "json")
_MEASURES: Final = ("killed", "wounded")
_BOUNDS: Final = ("low", "best", "high")


def _strictest(db: Database, cluster_ids: Sequence[str]) -> dict[str, str]:
    """Cluster id → the strictest TLP marking among its members the node holds."""
    rank = {level: n for n, level in enumerate(TLP_LEVELS)}
    out: dict[str, str] = {}
    for start in range(0, len(cluster_ids), 500):
        chunk = list(cluster_ids[start : start + 500])
        for cid, tlp in db.fetchall(
            "SELECT DISTINCT m.cluster_id, i.tlp FROM reconcile_members m JOIN incidents i ON i.id = m.incident_id"
            f" WHERE m.cluster_id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ):
            known = out.get(str(cid))
            if known is None or rank.get(str(tlp), len(rank)) > rank.get(known, len(rank)):
                out[str(cid)] = str(tlp)
    return out


def _rows(db: Database) -> list[dict[str, Any]]:
    """Every cluster as an export row (the JSON form), oldest first."""
    listed = list_clusters(db, joint=True)
    tlps = _strictest(db, [r["cluster_id"] for r in listed])
    return [
        {
            "cluster_id": r["cluster_id"],
            "date": r["date"],
            "place": r["place"],
            "admin1": r["admin1"],
            "country": r["country"],
            "lat": r["lat"],
            "lon": r["lon"],
            "members": len(r["members"]),
            "reported_by": sorted({m["label"] for m in r["members"]}),
            "killed": r["killed"],
            "wounded": r["wounded"],
            "flags": r["flags"],
            "killed_by_party": r["killed_by_party"],
            "wounded_by_party": r["wounded_by_party"],
            "tlp": tlps.get(r["cluster_id"], "CLEAR"),
        }
        for r in listed
    ]


def _csv(rows: list[dict[str, Any]], out: Path) -> None:
    """One line a cluster; a source's figures in columns named after it (``killed_best (PK)``), one set of
    columns for each source that gives a figure in any cluster, empty where it gives none."""
    sources = sorted({s for r in rows for m in _MEASURES for s in r[f"{m}_by_party"]})
    own = [(m, b, s) for s in sources for m in _MEASURES for b in _BOUNDS]
    header = [
        "cluster_id", "date_start", "date_end", "date_precision", "dates_agree", "place", "admin1", "country",
        "lat", "lon", "members", "reported_by", *(f"{m}_{b}" for m in _MEASURES for b in _BOUNDS), "flags", "tlp",
        *(f"{m}_{b} ({s})" for m, b, s in own),
    ]  # fmt: skip

    def cell(value: Any) -> Any:
        return "" if value is None else value

    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for r in rows:
            d = r["date"]
            writer.writerow(
                [r["cluster_id"], d["start"], d["end"], d["precision"], "yes" if d["agree"] else "no",
                 *(cell(r[k]) for k in ("place", "admin1", "country", "lat", "lon")), r["members"],
                 ", ".join(r["reported_by"]), *(cell(r[m][b]) for m in _MEASURES for b in _BOUNDS),
                 ";".join(r["flags"]), r["tlp"],
                 *(cell(r[f"{m}_by_party"].get(s, {}).get(b)) for m, b, s in own)]
            )  # fmt: skip


def export_clusters(db: Database, fmt: str, out: Path) -> list[dict[str, Any]]:
    """Write every cluster to ``out`` as ``fmt`` (``csv`` or ``json``: a list of the rows, each source's figures
    as ``killed_by_party``/``wounded_by_party``); return the rows written.

    Raises InvalidInput, before anything is written, for another format.
    """
    if fmt not in CLUSTER_EXPORT_FORMATS:
        raise InvalidInput(
            f"unknown cluster export format {fmt!r}: expected one of {', '.join(CLUSTER_EXPORT_FORMATS)}"
        )
    rows = _rows(db)
    if fmt == "csv":
        _csv(rows, out)
    else:
        with out.open("w", encoding="utf-8") as fh:
            json.dump(rows, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
    return rows
