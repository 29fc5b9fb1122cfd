"""The audit trail: who wrote what, and who read what was not CLEAR, kept tamper-evident in the log.

Every action is first a row of the ``audit`` table (``time``, ``principal``, ``action``, ``target``; written
at once, by :func:`record` or ``Context.audit``). Rows are then carried into the transparency log in batches by
:func:`flush_to_log`: one STIX object of type :data:`AUDIT_TYPE` per batch, marked TLP:AMBER, published through
``node.publisher()`` like any other object, so that editing or deleting an audit row that was flushed breaks the
log (``sarhad log verify``), and the row's ``logged`` column names the object that carries it.

The web app flushes every :data:`FLUSH_INTERVAL_S` seconds and when it stops (see
:mod:`sarhad.web.readaudit`), so a read costs one row insert and not a checkpoint: the window in which a row is
only in the table is at most that interval (or until the next start, after a crash).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Final

from sarhad.errors import InvalidInput
from sarhad.model.incident import TLP_MARKINGS
from sarhad.node import Node
from sarhad.store.db import Database

__all__ = [
    "AUDIT_LABEL",
    "AUDIT_TLP",
    "AUDIT_TYPE",
    "FLUSH_INTERVAL_S",
    "MAX_BATCH",
    "WITNESS_ACTIONS",
    "AuditRecord",
    "audit_object",
    "flush_to_log",
    "list_audit",
    "record",
]

AUDIT_TYPE: Final = "x-sarhad-audit"
AUDIT_LABEL: Final = "sarhad-audit"
# RED: the trail names the node's own principals, so only they read it; a peer still receives each audit
# object's envelope (its hash) and cosigns the log over it, so the trail stays tamper-evident across nodes.
AUDIT_TLP: Final = "RED"
FLUSH_INTERVAL_S: Final = 60.0
WITNESS_ACTIONS: Final = ("cosignature", "witness")
"""The actions of a peer acting as a witness (``POST /log/cosignatures``, ``POST /log/witness/add-checkpoint``):
recorded like any other, but carried into the log only with a batch that has another row
(:func:`flush_to_log`'s ``wait_for_data``)."""
MAX_BATCH: Final = 5000
_NAMESPACE: Final = uuid.UUID("6f1f3c2e-5a0b-4c55-9b1e-8d2f0a7c4e11")


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One audited action. ``logged`` is the id of the log object that carries it, or None (not yet)."""

    time: str
    principal: str
    action: str
    target: str
    logged: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record(db: Database, principal: str, action: str, target: str) -> None:
    """Add one row to the audit table (in its own transaction, or the caller's)."""
    with db.transaction():
        db.execute(
            "INSERT INTO audit (time, principal, action, target) VALUES (?, ?, ?, ?)",
            (_now(), principal, action, target),
        )


def _normalise_since(since: str) -> str:
    try:
        moment = datetime.fromisoformat(since.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"--since {since!r} is not an ISO 8601 date or time (e.g. 2026-01-31T12:00Z)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def list_audit(
    db: Database, *, principal: str | None = None, since: str | None = None, limit: int | None = None
) -> list[AuditRecord]:
    """Audit rows, oldest first, of ``principal`` (any when None) at or after ``since`` (ISO 8601).

    Raises InvalidInput for a malformed ``since`` or a negative ``limit``.
    """
    where: list[str] = []
    args: list[Any] = []
    if principal is not None:
        where.append("principal = ?")
        args.append(principal)
    if since is not None:
        where.append("time >= ?")
        args.append(_normalise_since(since))
    sql = "SELECT time, principal, action, target, logged FROM audit"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY time, principal, action, target"
    if limit is not None:
        if limit < 0:
            raise InvalidInput(f"limit {limit} is negative")
        sql += f" LIMIT {int(limit)}"
    return [AuditRecord(str(r[0]), str(r[1]), str(r[2]), str(r[3]), r[4]) for r in db.fetchall(sql, args)]


def audit_object(records: Sequence[AuditRecord], party: str) -> dict[str, Any]:
    """The STIX object that carries ``records`` (at least one) into the log."""
    first, last = records[0].time, records[-1].time
    key = f"{party}|{first}|{last}|{len(records)}|{records[0].principal}|{records[-1].target}"
    return {
        "type": AUDIT_TYPE,
        "spec_version": "2.1",
        "id": f"{AUDIT_TYPE}--{uuid.uuid5(_NAMESPACE, key)}",
        "labels": [AUDIT_LABEL],
        "object_marking_refs": [TLP_MARKINGS[AUDIT_TLP]],
        "x_sarhad_party": party,
        "first": first,
        "last": last,
        "records": [
            {"time": r.time, "principal": r.principal, "action": r.action, "target": r.target} for r in records
        ],
    }


def flush_to_log(node: Node, *, max_batch: int = MAX_BATCH, wait_for_data: bool = False) -> int:
    """Publish audit rows not yet in the log, in objects of at most about ``max_batch`` rows; return how many.

    Everything happens in the publisher's one transaction: the objects are stored and logged, a checkpoint is
    signed and the rows are marked with the id of the object that carries them, or nothing happens.

    ``wait_for_data`` (the server's periodic flush): when every row waiting is a witness's (its
    :data:`WITNESS_ACTIONS`), publish nothing and leave them for the next batch that has another row. A batch
    made of them alone would be a new checkpoint, which the witness would pull and cosign at its next sync, and
    its cosignature would make the next batch: the log would never stop growing, nor its latest checkpoint
    stay cosigned. Until then such a row is in the ``audit`` table only (``sarhad log verify`` counts the
    cosignatures recorded there too).
    """
    flushed = 0
    if wait_for_data:
        actions = ", ".join("?" for _ in WITNESS_ACTIONS)
        other = node.db.fetchone(
            f"SELECT 1 FROM audit WHERE logged IS NULL AND action NOT IN ({actions}) LIMIT 1", WITNESS_ACTIONS
        )
        if other is None:
            return 0
    while True:
        with node.publisher() as pub:
            rows = node.db.fetchall(
                "SELECT time, principal, action, target FROM audit WHERE logged IS NULL"
                " ORDER BY time, principal, action, target LIMIT ?",
                (max_batch,),
            )
            if not rows:
                return flushed
            cutoff = str(rows[-1][0])
            # Rows that share the cutoff's time go in this batch too, so that one UPDATE marks exactly the batch.
            rows = node.db.fetchall(
                "SELECT time, principal, action, target FROM audit WHERE logged IS NULL AND time <= ?"
                " ORDER BY time, principal, action, target",
                (cutoff,),
            )
            records = [AuditRecord(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]
            obj = audit_object(records, node.settings.party)
            pub.add_object(obj, tlp=AUDIT_TLP)
            node.db.execute("UPDATE audit SET logged = ? WHERE logged IS NULL AND time <= ?", (obj["id"], cutoff))
        flushed += len(records)
