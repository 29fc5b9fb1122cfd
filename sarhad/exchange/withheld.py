"""Versions a peer's log holds whose bodies this node was refused: known from their envelopes alone.

A sync copies every entry of a peer's log but receives the body only of the versions this node's peer principal
may read there. For the others (withheld by TLP, or by licence: the GTD and ACLED rows of a peer that does not share
them, see :func:`sarhad.web.auth.unshared_licences`) the envelope still says which object and version, its SHA-256
and its TLP level; ``withheld_versions`` keeps the object id, version, level, origin (the peer's
party), SHA-256 and arrival of each, so that evidence cited but withheld shows what the log shows of it
(:func:`sarhad.framework.views.cited_evidence`) without a search of the log's copies. When the withheld
version is a later version of an object this node holds, the copy held is no longer the object's current
version (the originator marked the record stricter, say CLEAR then RED), and:

* the read rule (:func:`sarhad.web.auth.read_clause`, :func:`sarhad.web.auth.may_read`) reads the copy as an
  earlier version: only those who may read the withheld version's marking read it (for TLP:RED, whose
  recipients the envelope does not carry, the originator's custodian alone);
* ``incidents`` (the current version of each incident) drops its row (:func:`drop_superseded`), so that the
  incidents queries, the dashboard, the JSON API and exports do not show the copy as current, and the
  summaries move its share out; the alerts raised on the incident are not listed while it has no current
  version (:func:`sarhad.monitor.alerts.list_alerts`);
* the framework's query tables drop its row likewise (:func:`sarhad.framework.store.drop_superseded`), so that a
  peer's framework record (an assessment, evidence, an indicator value…) marked stricter is not shown as
  current by ``framework show|list``, the quarterly report or the dashboard;
* TAXII's latest versions (``match[version]=last``, the default) are not that copy.

What is current is decided in one place, :mod:`sarhad.store.current`.

The log's copy (``peer_leaves``) is untouched and verifies as before.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from sarhad.framework import store as framework_store
from sarhad.log.envelope import Envelope
from sarhad.monitor.summary import Deltas
from sarhad.store.current import held_own, superseded
from sarhad.store.db import Database
from sarhad.store.incidents import INCIDENT_COLUMNS

__all__ = [
    "drop_superseded",
    "framework_superseded",
    "known",
    "record_withheld",
    "withheld_from_copies",
    "withheld_seq",
    "withheld_sha256",
]

_INSERT: Final = (
    "INSERT INTO withheld_versions (id, modified, tlp, origin, sha256, recorded, seq) VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (id, modified) DO NOTHING"
)


def record_withheld(db: Database, envelopes: Sequence[Envelope], origin: str) -> None:
    """Keep the versions of ``envelopes`` (whose bodies were withheld from this node) as published by party
    ``origin``, with the SHA-256 each envelope logs, the time (UTC) they arrived and their order, in the
    caller's transaction. A version already kept is left as it is: ``(id, modified)`` is the table's key, so of
    two peers' envelopes of one version (an object has one origin: it should not happen) the first recorded
    stays, with its arrival.

    The order (``seq``) follows the highest committed, as ``objects.seq`` does: the caller's write transaction
    is the only writer (sarhad.store.db), so the live stream (sarhad.monitor.stream) sees the numbers in order.
    """
    if envelopes:
        now = datetime.now(UTC)
        arrived = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
        top = db.fetchone("SELECT MAX(seq) FROM withheld_versions")
        first = int(top[0] or 0) + 1 if top is not None else 1
        db.executemany(
            _INSERT,
            [(e.object_id, e.version, e.tlp, origin, e.sha256, arrived, first + n) for n, e in enumerate(envelopes)],
        )


def drop_superseded(db: Database, deltas: Deltas, ids: Collection[str] | None = None) -> list[str]:
    """Remove from ``incidents`` each row that a later withheld version supersedes, in the caller's
    transaction, and count it out of the summaries (``deltas``, for the caller to write); remove the
    framework's query table rows so superseded too. Returns the incidents' ids. An incident this node published
    itself is never removed: a peer's version does not supersede its own (:mod:`sarhad.store.current`).

    ``ids`` are the objects to look at: for a sync, those of the envelopes it recorded and those of the objects
    it wrote that ``withheld_versions`` holds a version of (:func:`known`), which finds a superseded row
    whatever the order its versions arrived in (the later version's envelope now and the copy before, or the
    copy now and the envelope before). Each is looked up in the primary keys. None looks at every row of
    ``withheld_versions`` (the migration's pass).
    """
    columns = ", ".join(f"i.{c}" for c in INCIDENT_COLUMNS)
    rows: list[Any] = []
    if ids is None:
        rows = db.fetchall(
            f"SELECT {columns} FROM withheld_versions w JOIN incidents i ON i.id = w.id WHERE w.modified > i.modified"
            f" AND NOT {held_own('i')}"
        )
    else:
        listed = sorted(set(ids))
        for at in range(0, len(listed), 500):
            chunk = listed[at : at + 500]
            rows += db.fetchall(
                f"SELECT {columns} FROM incidents i WHERE i.id IN ({', '.join('?' * len(chunk))})"
                f" AND {superseded('i')}",
                chunk,
            )
    framework_store.drop_superseded(db, ids)
    gone = {str(r[0]): tuple(r) for r in rows}
    if not gone:
        return []
    dropped = list(gone)
    for start in range(0, len(dropped), 500):
        chunk = dropped[start : start + 500]
        db.execute(f"DELETE FROM incidents WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
    deltas.add(gone.values(), ())
    return dropped


def known(db: Database, ids: Sequence[str]) -> set[str]:
    """Those of ``ids`` of which ``withheld_versions`` holds a version (by its primary key, 500 ids a query).

    A sync asks it of the objects it writes, on a node that was refused a body before: such an object may be a
    copy that arrived after the envelope of its later version.
    """
    found: set[str] = set()
    for at in range(0, len(ids), 500):
        chunk = ids[at : at + 500]
        marks = ", ".join("?" * len(chunk))
        found.update(
            str(r[0]) for r in db.fetchall(f"SELECT DISTINCT id FROM withheld_versions WHERE id IN ({marks})", chunk)
        )
    return found


def _refused_in_copies(db: Database) -> Iterator[tuple[str, list[Envelope]]]:
    """Each party whose log this node holds a copy of (a registered or removed peer) and the envelopes of that
    copy with no object stored at their position: the versions whose bodies a sync was refused."""
    parties: dict[str, Any] = {str(r[0]): r[1] for r in db.fetchall("SELECT name, party FROM removed_peers")}
    parties.update((str(r[0]), r[1]) for r in db.fetchall("SELECT name, party FROM peers"))
    for name, party in parties.items():
        refused = [
            Envelope.from_canonical(str(r[0]))
            for r in db.fetchall(
                "SELECT l.envelope FROM peer_leaves l WHERE l.peer = ? AND NOT EXISTS"
                " (SELECT 1 FROM objects o WHERE o.origin = ? AND o.log_index = l.idx)",
                (name, party),
            )
        ]
        yield str(party), refused


def withheld_from_copies(db: Database) -> None:
    """Migration: fill ``withheld_versions`` from the copies of peers' logs synced before it existed (each
    copied entry with no object stored at its position), and drop the incidents rows (and framework query table
    rows) they supersede.

    The table has no ``sha256`` column yet at this step of the migrations: :func:`withheld_sha256`, a later
    step, fills it."""
    for party, refused in _refused_in_copies(db):
        if refused:
            db.executemany(
                "INSERT INTO withheld_versions (id, modified, tlp, origin) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (id, modified) DO NOTHING",
                [(e.object_id, e.version, e.tlp, party) for e in refused],
            )
    deltas = Deltas()
    drop_superseded(db, deltas)
    deltas.write(db)


def withheld_sha256(db: Database) -> None:
    """Migration: fill the ``sha256`` of the rows of ``withheld_versions`` recorded before the column existed,
    from the envelopes of the copies of peers' logs they were recorded from (the origin's copy, an entry with no
    object stored at its position). A row whose envelope none holds keeps NULL (the evidence look-up then
    searches the copies for it, as it did for every row before).

    A node never refused a body (the table empty) reads no copy."""
    if db.fetchone("SELECT 1 FROM withheld_versions WHERE sha256 IS NULL LIMIT 1") is None:
        return
    for party, refused in _refused_in_copies(db):
        if refused:
            db.executemany(
                "UPDATE withheld_versions SET sha256 = ? WHERE id = ? AND modified = ? AND origin = ?"
                " AND sha256 IS NULL",
                [(e.sha256, e.object_id, e.version, party) for e in refused],
            )


def withheld_seq(db: Database) -> None:
    """Migration: number the rows of ``withheld_versions`` recorded before ``seq`` existed, in the order they
    arrived (``recorded``; the rows from before that column first, by version, then id), below the rows numbered
    since (from 1 when there are none). The numbers given since stay as they are: a live stream's watcher follows
    them. Every row then has a number, so its readers need not allow for a missing one."""
    rows = db.fetchall("SELECT id, modified, recorded FROM withheld_versions WHERE seq IS NULL")
    if not rows:
        return
    low = db.fetchone("SELECT MIN(seq) FROM withheld_versions")
    first = (len(rows) + 1 if low is None or low[0] is None else int(low[0])) - len(rows)
    ordered = sorted(rows, key=lambda r: (r[2] is not None, str(r[2] or ""), str(r[1]), str(r[0])))
    db.executemany(
        "UPDATE withheld_versions SET seq = ? WHERE id = ? AND modified = ?",
        [(first + n, r[0], r[1]) for n, r in enumerate(ordered)],
    )


def framework_superseded(db: Database) -> None:
    """Migration: drop the framework's query table rows that a withheld version supersedes, on a node that
    filled ``withheld_versions`` (a sync, or :func:`withheld_from_copies`) before the sync dropped them too."""
    framework_store.drop_superseded(db)
