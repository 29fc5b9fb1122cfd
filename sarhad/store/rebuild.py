"""Rebuild every view table from the stored objects: the tables are views of the log's bodies."""

from __future__ import annotations

from sarhad.store.db import Database

__all__ = ["rebuild_views"]


def rebuild_views(db: Database) -> dict[str, int]:
    """Recreate the incidents table, the framework's tables and the dashboard's summaries, in one transaction.

    Returns how many rows each part holds afterwards, by snake_case name (``incidents``,
    ``framework_objects``).
    """
    from sarhad.framework.store import rebuild as rebuild_framework
    from sarhad.store.incidents import rebuild_incidents

    counts: dict[str, int] = {}
    with db.transaction():
        counts["incidents"] = rebuild_incidents(db)
        counts["framework_objects"] = rebuild_framework(db)
        try:
            from sarhad.monitor.summary import rebuild as rebuild_summary
        except ImportError:  # the dashboard's summaries are optional
            pass
        else:
            rebuild_summary(db)
    return counts
