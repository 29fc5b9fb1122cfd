"""Which stored version of an object is its current one, in SQL.

An object's current version is its latest version, whether this node holds its body (``objects``) or knows it
from the envelope of a peer's log alone (``withheld_versions``, see :mod:`sarhad.exchange.withheld`: a sync was
refused the body). So a held version is current when no later version is held and none is known from an
envelope; when the latest version was withheld, the object has no current version here, and the versions held
are earlier versions, read only by those the read rule admits (:func:`sarhad.web.auth.read_clause`).

Except for an incident or a one-party framework record this node published itself (a version in its own log,
``log_leaves``): there only this node's own later versions supersede its own. Ids are deterministic, so a peer's
log can hold a version of one of this node's records that the sync's claims check cannot refuse: an incident
both imported from the same dataset (its id derives from the dataset, not the node), changed by the peer, or the
peer's TLP:RED version of this node's id (an incident, an assessment, an indicator value, evidence), of which
this node sees the envelope alone. Such a version is kept (``objects``, ``withheld_versions``, the log's copy)
but is never current here, and does not take this node's own record out of its views. A one-party record is an
assessment, an indicator value or evidence whose party (assessor, party, submitter: the view
``fw_record_parties``) is this node's, the party whose log holds the version; the other framework records are
left to the rule above: disputes, milestones, recommendations, the joint committee's records (party ``JOINT``)
and a record this node took down off-line for the other party are edited by both parties under one id, and a
peer's later version of them is current.

Every view of current versions takes them through these conditions: ``incidents``
(:func:`sarhad.store.incidents.rebuild_incidents`, :func:`sarhad.exchange.withheld.drop_superseded`), the
framework's query tables (:mod:`sarhad.framework.store`), the node's reconciliation decisions
(:func:`sarhad.reconcile.store.load_decisions`), the evidence a framework record cites and TAXII's latest
versions. Each costs a look in the primary key of ``objects`` and one in that of ``withheld_versions`` (empty on
a node that has never been refused a body) per row, and for an incident or a one-party record one or two in the
log's index ``log_leaves_object`` (object id, version), plus, for the latter, one parse of the own version's body.
"""

from __future__ import annotations

from collections.abc import Sequence

from sarhad.store.db import Database

__all__ = ["ONE_PARTY_KINDS", "OWN_KINDS", "current", "held_own", "own_ids", "superseded"]

# The id prefixes of the objects whose own versions only this node's later versions supersede (see above) ...
OWN_KINDS = ("incident--",)
# ... and of the framework records among which those of this node's party are its own (fw_record_parties).
ONE_PARTY_KINDS = ("x-sarhad-assessment--", "x-sarhad-indicator-value--", "x-sarhad-evidence--")


def _prefixed(table: str, prefixes: tuple[str, ...]) -> str:
    return "(" + " OR ".join(f"SUBSTR({table}.id, 1, {len(p)}) = '{p}'" for p in prefixes) + ")"


def held_own(table: str = "o") -> str:
    """An SQL condition: the object of row ``table`` (a name or alias with ``id``) is an incident of which this
    node's own log holds a version (one look in ``log_leaves_object``), or a one-party framework record of which
    it holds a version of this node's party (and one parse of that version's body)."""
    incident = (
        f"{_prefixed(table, OWN_KINDS)} AND EXISTS (SELECT 1 FROM log_leaves l_own WHERE l_own.object_id = {table}.id)"
    )
    record = (
        f"{_prefixed(table, ONE_PARTY_KINDS)} AND EXISTS (SELECT 1 FROM log_leaves l_rec"
        " JOIN fw_record_parties p_rec ON p_rec.object_id = l_rec.object_id AND p_rec.modified = l_rec.version"
        f" WHERE l_rec.object_id = {table}.id AND p_rec.party = p_rec.origin)"
    )
    return f"(({incident}) OR ({record}))"


def superseded(table: str = "o") -> str:
    """An SQL condition: the version in row ``table`` (a name or alias with ``id`` and ``modified``: a row of
    ``objects`` or of a view of it) has a later version this node knows from its envelope alone, and the object
    is not one of this node's own incidents or one-party records (:func:`held_own`), which a peer's version never
    supersedes."""
    return (
        f"(EXISTS (SELECT 1 FROM withheld_versions w_later WHERE w_later.id = {table}.id"
        f" AND w_later.modified > {table}.modified) AND NOT {held_own(table)})"
    )


def current(table: str = "o") -> str:
    """An SQL condition: the version in row ``table`` (a name or alias with ``id`` and ``modified``) is its
    object's current version. For an object of this node's own (:func:`held_own`): this version is in the log
    and no later one is; for any other object: no later version is held in ``objects`` and none is
    :func:`superseded`."""
    own = (
        f"EXISTS (SELECT 1 FROM log_leaves l_this WHERE l_this.object_id = {table}.id"
        f" AND l_this.version = {table}.modified)"
        f" AND NOT EXISTS (SELECT 1 FROM log_leaves l_later WHERE l_later.object_id = {table}.id"
        f" AND l_later.version > {table}.modified)"
    )
    latest = (
        f"NOT EXISTS (SELECT 1 FROM objects o_later WHERE o_later.id = {table}.id"
        f" AND o_later.modified > {table}.modified)"
        f" AND NOT EXISTS (SELECT 1 FROM withheld_versions w_later WHERE w_later.id = {table}.id"
        f" AND w_later.modified > {table}.modified)"
    )
    return f"CASE WHEN {held_own(table)} THEN ({own}) ELSE ({latest}) END"


def own_ids(db: Database, ids: Sequence[str]) -> set[str]:
    """Those of ``ids`` that are incidents of which this node's own log holds a version (:func:`held_own`), by
    the log's index ``log_leaves_object``, 500 ids a query: a sync writes no row of a view for them."""
    wanted = [i for i in ids if i.startswith(OWN_KINDS)]
    found: set[str] = set()
    for at in range(0, len(wanted), 500):
        chunk = wanted[at : at + 500]
        marks = ", ".join("?" * len(chunk))
        found.update(
            str(r[0])
            for r in db.fetchall(f"SELECT DISTINCT object_id FROM log_leaves WHERE object_id IN ({marks})", chunk)
        )
    return found
