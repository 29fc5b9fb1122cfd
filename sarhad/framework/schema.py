"""The framework's query tables: views of the ``objects`` table, rebuilt by :func:`sarhad.framework.store.rebuild`.

Each holds the current version (``modified``) of one kind of record with the columns queries filter on; the
full record is the STIX body in ``objects`` (joined on ``id`` and ``modified``).
"""

from __future__ import annotations

from typing import Final

__all__ = ["MIGRATIONS", "TABLES"]

TABLES: Final = (
    "fw_frameworks",
    "fw_commitments",
    "fw_milestones",
    "fw_indicators",
    "fw_indicator_values",
    "fw_evidence",
    "fw_evidence_incidents",
    "fw_assessments",
    "fw_disputes",
    "fw_recommendations",
)

MIGRATIONS: Final[list[str]] = [
    """CREATE TABLE fw_frameworks (
        id TEXT PRIMARY KEY, code TEXT NOT NULL, modified TEXT NOT NULL, origin TEXT NOT NULL
    )""",
    """CREATE TABLE fw_commitments (
        id TEXT PRIMARY KEY, framework TEXT NOT NULL, code TEXT NOT NULL, focus_area TEXT NOT NULL,
        due TEXT NOT NULL, ordinal INTEGER NOT NULL, modified TEXT NOT NULL, origin TEXT NOT NULL
    )""",
    "CREATE UNIQUE INDEX fw_commitments_code ON fw_commitments (framework, code)",
    """CREATE TABLE fw_milestones (
        id TEXT PRIMARY KEY, framework TEXT NOT NULL, code TEXT NOT NULL, commitment TEXT NOT NULL,
        due TEXT, status TEXT NOT NULL, modified TEXT NOT NULL, origin TEXT NOT NULL
    )""",
    """CREATE TABLE fw_indicators (
        id TEXT PRIMARY KEY, framework TEXT NOT NULL, code TEXT NOT NULL, commitment TEXT NOT NULL,
        modified TEXT NOT NULL, origin TEXT NOT NULL
    )""",
    """CREATE TABLE fw_indicator_values (
        id TEXT PRIMARY KEY, framework TEXT NOT NULL, indicator TEXT NOT NULL, period TEXT NOT NULL,
        party TEXT NOT NULL, value {real}, modified TEXT NOT NULL, origin TEXT NOT NULL
    )""",
    "CREATE INDEX fw_indicator_values_period ON fw_indicator_values (framework, indicator, period)",
    """CREATE TABLE fw_evidence (
        id TEXT PRIMARY KEY, code TEXT NOT NULL, sha256 TEXT, kind TEXT NOT NULL, size {bigint},
        path TEXT, modified TEXT NOT NULL, origin TEXT NOT NULL
    )""",
    "CREATE INDEX fw_evidence_sha ON fw_evidence (sha256)",
    """CREATE TABLE fw_evidence_incidents (
        evidence_id TEXT NOT NULL, incident_id TEXT NOT NULL, PRIMARY KEY (evidence_id, incident_id)
    )""",
    """CREATE TABLE fw_assessments (
        id TEXT PRIMARY KEY, framework TEXT NOT NULL, commitment TEXT NOT NULL, quarter TEXT NOT NULL,
        assessor TEXT NOT NULL, level INTEGER NOT NULL, compliance TEXT, effectiveness TEXT, state TEXT NOT NULL,
        recorded_by TEXT NOT NULL, modified TEXT NOT NULL, origin TEXT NOT NULL
    )""",
    "CREATE INDEX fw_assessments_quarter ON fw_assessments (framework, quarter, commitment)",
    """CREATE TABLE fw_disputes (
        id TEXT PRIMARY KEY, framework TEXT NOT NULL, code TEXT NOT NULL, commitment TEXT, quarter TEXT,
        status TEXT NOT NULL, level TEXT NOT NULL, reply_due TEXT, modified TEXT NOT NULL, origin TEXT NOT NULL
    )""",
    """CREATE TABLE fw_recommendations (
        id TEXT PRIMARY KEY, framework TEXT NOT NULL, code TEXT NOT NULL, quarter TEXT NOT NULL,
        status TEXT NOT NULL, modified TEXT NOT NULL, origin TEXT NOT NULL
    )""",
]
