"""The joint picture as a file: one row per cluster, for the committee's spreadsheet or a script.

Each row gives when the cluster happened (:func:`~sarhad.reconcile.joint.cluster_date`), where (as its
representative member reports it), how many reports it holds and who made them, the joint killed and wounded
(span and consensus), the flags, each source's own killed and wounded low/best/high (keyed as ``by_party`` in
``sarhad clusters show --json``), and ``tlp``: the strictest marking among its members, whose figures the row
carries. It is the node operator's picture (:func:`~sarhad.reconcile.store.list_clusters` with ``joint``): every
member counts, whatever its marking, so a file with a row above TLP:CLEAR is to be handled at that row's level.

``for_peers`` writes the picture a peer may receive instead, as ``sarhad export … --for-peers`` writes the
incidents: each row is computed from the members that are not TLP:RED (a file handed to another party is not
addressed to a RED record's named recipients) and not under a licence that forbids redistribution
(:data:`~sarhad.model.codes.RESTRICTED_LICENCES`, GTD's and ACLED's) unless the node shares such rows, by the
same joint view (:func:`~sarhad.reconcile.store.stored_views` with ``kept``); a cluster with no such member is
left out, and ``tlp`` is the strictest marking among the members kept.

The CSV is for a spreadsheet: a text cell it would take for a formula (a place name beginning with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) gets a single quote before it unless ``raw_cells`` is asked for
(:mod:`sarhad._internal.cells`); numbers (coordinates, counts, figures) are written as they are. The JSON is
never changed so.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from sarhad._internal.cells import neutralised
from sarhad._internal.csv_out import lf_writer
from sarhad.errors import InvalidInput
from sarhad.model.codes import RESTRICTED_LICENCES, TLP_LEVELS
from sarhad.reconcile.joint import JointView, cluster_date, reporter
from sarhad.reconcile.store import list_clusters, representative, stored_views
from sarhad.store.db import Database

__all__ = ["CLUSTER_EXPORT_FORMATS", "ClusterExport", "export_clusters"]

CLUSTER_EXPORT_FORMATS: Final = ("csv", "json")
_MEASURES: Final = ("killed", "wounded")
_BOUNDS: Final = ("low", "best", "high")


@dataclass(frozen=True, slots=True)
class ClusterExport:
    """What :func:`export_clusters` wrote: the ``rows`` (the JSON form); with ``for_peers``, how many clusters
    were left out (no member a peer may receive) and how many members (of all clusters) were not counted."""

    rows: list[dict[str, Any]]
    left_out_clusters: int = 0
    left_out_members: int = 0


def _strictest(
    db: Database, cluster_ids: Sequence[str], kept: str = "1 = 1", kept_params: Sequence[Any] = ()
) -> dict[str, str]:
    """Cluster id → the strictest TLP marking among its members the node holds (of those meeting ``kept``, an
    SQL condition over ``incidents i``)."""
    rank = {level: n for n, level in enumerate(TLP_LEVELS)}
    out: dict[str, str] = {}
    for start in range(0, len(cluster_ids), 500):
        chunk = list(cluster_ids[start : start + 500])
        for cid, tlp in db.fetchall(
            "SELECT DISTINCT m.cluster_id, i.tlp FROM reconcile_members m JOIN incidents i ON i.id = m.incident_id"
            f" WHERE m.cluster_id IN ({', '.join('?' * len(chunk))}) AND {kept}",
            [*chunk, *kept_params],
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


def _for_peers(share_restricted: bool) -> tuple[str, list[Any]]:
    """The members a peer may receive, as an SQL condition over ``incidents i`` and its parameters: not TLP:RED,
    and not under a licence that forbids redistribution unless the node shares such rows (the rule of
    ``sarhad export … --for-peers``)."""
    if share_restricted:
        return "i.tlp <> 'RED'", []
    licences = sorted(RESTRICTED_LICENCES)
    return f"i.tlp <> 'RED' AND i.licence NOT IN ({', '.join('?' * len(licences))})", list(licences)


def _view_row(view: JointView, party: str, tlp: str) -> dict[str, Any]:
    """A cluster's export row from its joint view alone (the members kept for peers)."""
    summary = view.summary_dict()
    rep = representative(view.members, party)
    dates = ((m.date_start, m.date_end, m.date_precision) for m in view.members)
    return {
        "cluster_id": view.cluster_id,
        "date": cluster_date(dates, "date_disagree" not in view.flags),
        "place": rep.place,
        "admin1": rep.admin1,
        "country": rep.country,
        "lat": rep.lat,
        "lon": rep.lon,
        "members": len(view.members),
        "reported_by": sorted({reporter(m) for m in view.members}),
        "killed": summary["killed"],
        "wounded": summary["wounded"],
        "flags": list(view.flags),
        "killed_by_party": view.by_party("killed"),
        "wounded_by_party": view.by_party("wounded"),
        "tlp": tlp,
    }


def _peer_rows(db: Database, party: str, share_restricted: bool) -> ClusterExport:
    """The clusters as a peer may receive them (see the module's docstring), oldest first (by their kept
    members' first day)."""
    ids = [r["cluster_id"] for r in list_clusters(db)]
    kept, params = _for_peers(share_restricted)
    views = stored_views(db, ids, kept=kept, kept_params=params)
    tlps = _strictest(db, list(views), kept, params)
    # oldest first, as the stored rows are ordered: by the earliest member's first day (of those kept)
    order = sorted(views, key=lambda cid: (min(m.date_start for m in views[cid].members), cid))
    rows = [_view_row(views[cid], party, tlps.get(cid, "CLEAR")) for cid in order]
    counted = db.fetchone(
        f"SELECT COUNT(*) FROM reconcile_members m JOIN incidents i ON i.id = m.incident_id WHERE NOT ({kept})",
        params,
    )
    return ClusterExport(rows, len(ids) - len(rows), int(counted[0]) if counted else 0)


def _csv(rows: list[dict[str, Any]], out: Path, raw_cells: bool) -> None:
    """One line a cluster; a source's figures in columns named after it (``killed_best (PK)``), one set of
    columns for each source that gives a figure in any cluster, empty where it gives none. Text cells are
    neutralised for a spreadsheet unless ``raw_cells`` (see the module)."""
    sources = sorted({s for r in rows for m in _MEASURES for s in r[f"{m}_by_party"]})
    own = [(m, b, s) for s in sources for m in _MEASURES for b in _BOUNDS]
    header = [
        "cluster_id", "date_start", "date_end", "date_precision", "dates_agree", "place", "admin1", "country",
        "lat", "lon", "members", "reported_by", *(f"{m}_{b}" for m in _MEASURES for b in _BOUNDS), "flags", "tlp",
        *(f"{m}_{b} ({s})" for m, b, s in own),
    ]  # fmt: skip

    def cell(value: Any) -> Any:
        return "" if value is None else value

    def text(value: Any) -> str:
        value = "" if value is None else str(value)
        return value if raw_cells else neutralised(value)

    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = lf_writer(fh)
        writer.writerow(header)
        for r in rows:
            d = r["date"]
            writer.writerow(
                [r["cluster_id"], d["start"], d["end"], d["precision"], "yes" if d["agree"] else "no",
                 *(text(r[k]) for k in ("place", "admin1", "country")), cell(r["lat"]), cell(r["lon"]), r["members"],
                 text(", ".join(r["reported_by"])), *(cell(r[m][b]) for m in _MEASURES for b in _BOUNDS),
                 text(";".join(r["flags"])), r["tlp"],
                 *(cell(r[f"{m}_by_party"].get(s, {}).get(b)) for m, b, s in own)]
            )  # fmt: skip


def export_clusters(
    db: Database,
    fmt: str,
    out: Path,
    *,
    for_peers: bool = False,
    party: str = "",
    share_restricted: bool = False,
    raw_cells: bool = False,
) -> ClusterExport:
    """Write every cluster to ``out`` as ``fmt`` (``csv`` or ``json``: a list of the rows, each source's figures
    as ``killed_by_party``/``wounded_by_party``); say what was written.

    ``for_peers``: the clusters as a peer may receive them (see the module's docstring); ``party`` is the
    node's (its own report stands for a cluster, as in a run) and ``share_restricted`` the node's setting.
    ``raw_cells``: the CSV's text cells as stored, for a script (by default one a spreadsheet would take for a
    formula gets a single quote before it).

    Raises InvalidInput, before anything is written, for another format, or ``raw_cells`` with ``json``.
    """
    if fmt not in CLUSTER_EXPORT_FORMATS:
        raise InvalidInput(
            f"unknown cluster export format {fmt!r}: expected one of {', '.join(CLUSTER_EXPORT_FORMATS)}"
        )
    if raw_cells and fmt != "csv":
        raise InvalidInput(f"raw cells apply to the csv format only: {fmt} writes every value as stored already")
    done = _peer_rows(db, party, share_restricted) if for_peers else ClusterExport(_rows(db))
    if fmt == "csv":
        _csv(done.rows, out, raw_cells)
    else:
        with out.open("w", encoding="utf-8") as fh:
            json.dump(done.rows, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
    return done
