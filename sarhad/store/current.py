"""Which stored version of an object is its current one, in SQL.

An object's current version is its latest version, whether this node holds its body (``objects``) or knows it
from the envelope of a peer's log alone (``withheld_versions``, see :mod:`sarhad.exchange.withheld`: a sync was
refused the body). So a held version is current when no later version is held and none is known from an
envelope; when the latest version was withheld, the object has no current version here, and the versions held
are earlier versions, read only by those the read rule admits (:func:`sarhad.web.auth.read_clause`).

Every view of current versions takes them through these conditions: ``incidents``
(:func:`sarhad.store.incidents.rebuild_incidents`, :func:`sarhad.exchange.withheld.drop_superseded`), the
framework's query tables (:mod:`sarhad.framework.store`), the node's reconciliation decisions
(:func:`sarhad.reconcile.store.load_decisions`), the evidence a framework record cites and TAXII's latest
versions. Each costs a look in the primary key of ``objects`` and one in that of ``withheld_versions`` (empty on
a node that has never been refused a body) per row.
"""

from __future__ import annotations

__all__ = ["current", "superseded"]


def superseded(table: str = "o") -> str:
    """An SQL condition: the version in row ``table`` (a name or alias with ``id`` and ``modified``: a row of
    ``objects`` or of a view of it) has a later version this node knows from its envelope alone."""
    return (
        f"EXISTS (SELECT 1 FROM withheld_versions w_later WHERE w_later.id = {table}.id"
        f" AND w_later.modified > {table}.modified)"
    )


def current(table: str = "o") -> str:
    """An SQL condition: the version in row ``table`` (a name or alias with ``id`` and ``modified``) is its
    object's current version: no later version is held in ``objects`` and none is :func:`superseded`."""
    return (
        f"NOT EXISTS (SELECT 1 FROM objects o_later WHERE o_later.id = {table}.id"
        f" AND o_later.modified > {table}.modified) AND NOT {superseded(table)}"
    )
