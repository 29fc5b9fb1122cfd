"""Helpers for tests that compare what two nodes stored (import paths, database backends, bulk writes)."""

from __future__ import annotations

from typing import Any

from sarhad.node import Node
from sarhad.store.incidents import INCIDENT_COLUMNS

__all__ = ["stored_content"]


def stored_content(node: Node) -> dict[str, list[tuple[Any, ...]]]:
    """Everything an import writes (objects, incidents, source rows, log leaves, the dashboard's summary tables),
    in a fixed order, so that two nodes that imported the same files compare equal.

    Each publish time (a distinct ``added`` of the objects) is replaced by its rank, ``<stamp0>`` for the first,
    wherever it appears (``added``, ``modified``, the bodies), since two nodes never publish at the same instant.
    Bytes read back as ``memoryview`` (PostgreSQL) are compared as ``bytes``. The envelopes are left out: their
    SHA-256 covers the bodies with their real times (``verify_log`` checks them against the bodies).
    """
    stamps = [str(r[0]) for r in node.db.fetchall("SELECT DISTINCT added FROM objects ORDER BY added")]

    def fix(value: Any) -> Any:
        if isinstance(value, memoryview):
            return bytes(value)
        if isinstance(value, str):
            for rank, stamp in enumerate(stamps):
                value = value.replace(stamp, f"<stamp{rank}>")
        return value

    def rows(sql: str) -> list[tuple[Any, ...]]:
        return [tuple(fix(v) for v in r) for r in node.db.fetchall(sql)]

    return {
        "objects": rows(
            "SELECT id, modified, type, content_sha256, tlp, licence, origin, seq, log_index, body FROM objects"
            " ORDER BY seq"
        ),
        "incidents": rows(f"SELECT {', '.join(INCIDENT_COLUMNS)} FROM incidents ORDER BY id"),
        "raw_rows": rows(
            "SELECT r.id, h.dataset, h.columns, r.row FROM raw_rows r JOIN raw_headers h ON h.id = r.header"
            " ORDER BY r.id"
        ),
        "leaves": rows("SELECT idx, object_id, version FROM log_leaves ORDER BY idx"),
        "summary": rows(
            "SELECT * FROM incident_summary"
            " ORDER BY month, reported_by, dataset, country, admin1, admin1_code, perpetrator, tlp, restricted"
        ),
        "cells": rows(
            "SELECT band, cx, cy, reported_by, tlp, restricted, n, killed, killed_known FROM incident_cells"
            " ORDER BY 1, 2, 3, 4, 5, 6"
        ),
    }
