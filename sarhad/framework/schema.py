"""The framework's query tables: views of the ``objects`` table, rebuilt by :func:`sarhad.framework.store.rebuild`.

Each holds the current version (``modified``) of one kind of record with the columns queries filter on; the
full record is the STIX body in ``objects`` (joined on ``id`` and ``modified``). The rows of the records both
parties edit (disputes, recommendations, milestones) hold the state of the record merged with every version of
it the node holds, as the views show it (:func:`sarhad.framework.store.index_merged`): a dispute's ``status``
and ``level``, a recommendation's ``status``, a milestone's ``status`` and ``due``. The view ``fw_record_parties``
names the party each stored version of a one-party record belongs to, for :mod:`sarhad.store.current`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from sarhad.store.db import Database

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

# The one-party records and the property that names their party: an assessment's assessor (JOINT for the joint
# committee), an indicator value's party, evidence's submitter.
_PARTY_OF: Final = {
    "x-sarhad-assessment": "assessor",
    "x-sarhad-indicator-value": "party",
    "x-sarhad-evidence": "submitted_by",
}


def _record_parties(extract: str) -> str:
    """The view of the party of every stored version of a one-party record; ``extract`` is the dialect's
    expression of a top-level string property of ``o.body``, with ``{key}`` for the property's name."""
    cases = " ".join(f"WHEN '{t}' THEN {extract.format(key=k)}" for t, k in _PARTY_OF.items())
    types = ", ".join(f"'{t}'" for t in _PARTY_OF)
    return (
        "CREATE VIEW fw_record_parties AS SELECT o.id AS object_id, o.modified AS modified, o.origin AS origin,"
        f" CASE o.type {cases} END AS party FROM objects o WHERE o.type IN ({types})"
    )


def _merged_state(db: Database) -> None:
    """Write the merged state into the rows of the records both parties edit: earlier versions of sarhad (0.1.0
    among them) wrote the state of the current version alone (:func:`sarhad.framework.store.index_merged`)."""
    from sarhad.framework.store import index_merged  # the store imports this module

    index_merged(db)


MIGRATIONS: Final[list[str | dict[str, str] | Callable[[Database], None]]] = [
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
    # Read by sarhad.store.current to tell this node's own one-party records (the party is the one whose log
    # holds the version) from the records both parties publish versions of (JOINT's among them). Per row of
    # objects, by its primary key, one parse of the body.
    {
        "sqlite": _record_parties("json_extract(o.body, '$.{key}')"),
        "postgresql": _record_parties("(o.body::jsonb ->> '{key}')"),
    },
    _merged_state,
]
