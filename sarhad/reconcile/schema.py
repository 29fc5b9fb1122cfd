"""The reconciliation tables (migrations of the ``reconcile`` component, applied by ``sarhad.store.schema``).

All are views: ``sarhad reconcile --full`` rebuilds them from the incidents and the analysts' decision
objects.
"""

from __future__ import annotations

from typing import Final

__all__ = ["MIGRATIONS"]

MIGRATIONS: Final[list[str]] = [
    # One row per cluster (incident): its joint totals and flags, so that listing needs no member bodies.
    """CREATE TABLE reconcile_clusters (
        cluster_id TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        date_start TEXT NOT NULL,
        killed_low INTEGER, killed_best INTEGER, killed_high INTEGER,
        wounded_low INTEGER, wounded_best INTEGER, wounded_high INTEGER,
        flags TEXT NOT NULL,
        updated TEXT NOT NULL
    )""",
    "CREATE INDEX reconcile_clusters_date ON reconcile_clusters (date_start)",
    # Which cluster each incident (at which version) belongs to.
    """CREATE TABLE reconcile_members (
        incident_id TEXT PRIMARY KEY,
        cluster_id TEXT NOT NULL,
        version TEXT NOT NULL
    )""",
    "CREATE INDEX reconcile_members_cluster ON reconcile_members (cluster_id)",
    # The comparison view of each incident at a version (Record.to_row as JSON), so that a run reads the
    # records it already knows without parsing their STIX bodies again.
    """CREATE TABLE reconcile_records (
        incident_id TEXT PRIMARY KEY,
        version TEXT NOT NULL,
        record TEXT NOT NULL
    )""",
    # The member that stands for its cluster in exports that count incidents, not reports (--dedup).
    "ALTER TABLE reconcile_clusters ADD COLUMN representative TEXT",
    "CREATE INDEX reconcile_clusters_representative ON reconcile_clusters (representative)",
    # What the last run was computed with (key "constraints": a hash of the analysts' must/cannot pairs).
    "CREATE TABLE reconcile_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # Whether the cluster's parties disagree (a figures_, perpetrator_ or location_disagree flag: 1, else 0), and
    # the joint picture's order (disagreements first, then newest first), so that a page of the clusters is read
    # from this index instead of sorting them all.
    "ALTER TABLE reconcile_clusters ADD COLUMN disagree INTEGER NOT NULL DEFAULT 0",
    """UPDATE reconcile_clusters SET disagree = 1 WHERE ',' || flags || ',' LIKE '%,figures_disagree,%'
        OR ',' || flags || ',' LIKE '%,perpetrator_disagree,%' OR ',' || flags || ',' LIKE '%,location_disagree,%'""",
    "CREATE INDEX reconcile_clusters_order ON reconcile_clusters (disagree DESC, date_start DESC, cluster_id)",
    # Each cluster as the audiences below the framework's see it (audience "CLEAR": those who read TLP:CLEAR only;
    # "GREEN": a peer of a party outside the framework, which reads CLEAR and GREEN): its joint view from the members
    # of those levels alone (no row when it has none), so that the joint picture pages their clusters in SQL too.
    # The next ``sarhad reconcile`` writes them for the clusters written before (reconcile_state key "audiences").
    """CREATE TABLE reconcile_audiences (
        audience TEXT NOT NULL,
        cluster_id TEXT NOT NULL,
        size INTEGER NOT NULL,
        date_start TEXT NOT NULL,
        flags TEXT NOT NULL,
        disagree INTEGER NOT NULL,
        PRIMARY KEY (audience, cluster_id)
    )""",
    "CREATE INDEX reconcile_audiences_order"
    " ON reconcile_audiences (audience, disagree DESC, date_start DESC, cluster_id)",
    # What `clusters list --json` adds to a cluster's totals (each source's figures, the representative's place), as
    # JSON, so that listing computes no joint view; and a third audience, the framework's other parties
    # ("AMBER+STRICT"). The next ``sarhad reconcile`` writes both for every cluster (the rows without them are set
    # aside until then: a NULL ``joint``, and no "audiences" key, which says that every cluster has its rows).
    "ALTER TABLE reconcile_clusters ADD COLUMN joint TEXT",
    "DELETE FROM reconcile_state WHERE key = 'audiences'",
    # A record's attack type is now its first other than GTD's "Unknown": the comparison views kept with "Unknown"
    # (and any naming it elsewhere, which are only parsed again) are read from their incidents at the next run.
    """DELETE FROM reconcile_records WHERE record LIKE '%"Unknown"%'""",
]
