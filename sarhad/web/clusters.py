"""The joint picture on the JSON API: reconciliation's clusters as one principal may read them.

Routes (added to the dashboard's, :func:`sarhad.web.dashboard.api_routes`):

* ``GET /api/dashboard/clusters``: the clusters with a member matching the dashboard's filters (``since``,
  ``until``, ``admin1``, ``country``, ``perpetrator``, ``party``, ``near_border``), ``disagreements=true`` for
  those whose parties disagree only, ``to_review=true`` for those whose detail shows the principal an analyst
  decision to review (each row's ``to_review``); clusters with a disagreement first, then newest first;
  ``limit`` (1..200) and ``offset`` page them. ``reconciled`` is false when ``sarhad reconcile`` has not run on
  the node.
* ``GET /api/dashboard/clusters/{id}``: one cluster (a cluster id, or the id of one of its incidents): each
  member's version, each party's figures, the joint figures, the flags in words, the analyst decisions (each
  record they name by its source, ``names``; ``to_review`` and ``changes`` when a record they name was corrected
  materially since, as ``sarhad clusters show --json`` gives them, for the records the principal reads), and
  ``disputes``: the codes of the disputes about the joint picture it may read that concern the cluster.

The read rule: a principal sees a cluster's members it may read (TLP, and a TLP:RED record's named recipients,
as for the incidents), and the figures, flags and words are computed from those members alone
(:func:`sarhad.reconcile.joint.joint_view`, the function behind ``sarhad clusters list/show``). A member it may
not read is not mentioned at all: that reconciliation put it with the others tells where and when it happened,
which the read rule withholds. A cluster with no member the principal may read does not exist for it (404, as an
unknown id).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from sarhad.errors import NotFound
from sarhad.model.codes import TLP_LEVELS
from sarhad.model.incident import Incident
from sarhad.reconcile.joint import JointView, cluster_date, joint_view, source_of
from sarhad.reconcile.record import Record
from sarhad.reconcile.review import held_decisions, to_review
from sarhad.reconcile.store import (
    AUDIENCES,
    DISAGREE_FLAGS,
    cluster_of,
    decisions_about,
    record_names,
    representative,
)
from sarhad.store.incidents import Filters
from sarhad.web.auth import Principal, beyond_levels_clause
from sarhad.web.context import Context, FieldError, naming_the_field, principal_of

__all__ = ["HOW_TO_RECONCILE", "MAX_LIMIT", "routes"]

MAX_LIMIT: Final = 200
HOW_TO_RECONCILE: Final = "run `sarhad reconcile` on the node to group its incidents into clusters"
# The audience of the framework's parties (every level but RED): the other parties' principals on a node that does not
# share GTD's and ACLED's rows.
_FRAMEWORK: Final = "AMBER+STRICT"


def _int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:  # empty is not an integer, as on the JSON API
        return default
    try:
        value = int(raw)
    except ValueError:
        raise FieldError(name, f"{name} {raw!r} is not an integer") from None
    if not low <= value <= high:
        raise FieldError(name, f"{name} {value} is outside {low}..{high}")
    return value


def _flag(request: Request, name: str) -> bool:
    raw = request.query_params.get(name, "false")
    if raw not in ("true", "false"):
        raise FieldError(name, f"{name} {raw!r} must be true or false")
    return raw == "true"


def _reconciled(ctx: Context) -> bool:
    """Whether ``sarhad reconcile`` has run on the node (every run writes its state)."""
    ran = ctx.db.fetchone("SELECT 1 FROM reconcile_state WHERE key = 'constraints'")
    return ran is not None or ctx.db.fetchone("SELECT 1 FROM reconcile_clusters LIMIT 1") is not None


def _readable_members(
    ctx: Context, principal: Principal, where: str, params: Sequence[Any], clusters: Sequence[str]
) -> dict[str, list[str]]:
    """Cluster id → the ids of its members ``principal`` may read, for the members of ``clusters`` meeting
    ``where`` (an SQL condition over ``reconcile_members m`` and ``incidents i``)."""
    readable, read_params = ctx.read_clause(principal, "i", current_rows=True)
    out: dict[str, list[str]] = {}
    for start in range(0, len(clusters), 500):
        chunk = clusters[start : start + 500]
        rows = ctx.db.fetchall(
            "SELECT m.cluster_id, m.incident_id FROM reconcile_members m JOIN incidents i ON i.id = m.incident_id"
            f" WHERE m.cluster_id IN ({', '.join('?' * len(chunk))}) AND {readable} AND {where}"
            " ORDER BY m.cluster_id, m.incident_id",
            [*chunk, *read_params, *params],
        )
        for cid, rid in rows:
            out.setdefault(str(cid), []).append(str(rid))
    return out


def _view(ctx: Context, cluster_id: str, member_ids: Sequence[str]) -> JointView:
    """The joint view of ``cluster_id`` from the current version of ``member_ids`` alone."""
    marks = ", ".join("?" * len(member_ids))
    rows = ctx.db.fetchall(
        "SELECT o.body FROM incidents i JOIN objects o ON o.id = i.id AND o.modified = i.modified"
        f" WHERE i.id IN ({marks}) ORDER BY i.id",
        list(member_ids),
    )
    return joint_view(cluster_id, [Record.from_incident(Incident.from_stix(json.loads(b))) for (b,) in rows])


def _disagrees(view: JointView) -> bool:
    return any(f in DISAGREE_FLAGS for f in view.flags)


def _date(view: JointView) -> dict[str, Any]:
    """When the cluster happened, as its members (of those shown) date it: see ``cluster_date``."""
    dates = ((m.date_start, m.date_end, m.date_precision) for m in view.members)
    return cluster_date(dates, "date_disagree" not in view.flags)


def _place(view: JointView, party: str) -> dict[str, Any]:
    """Where and when the cluster happened: the place as its representative member (of those shown) reports it,
    ``date`` (:func:`_date`), and ``date_start``, its earliest member's first day (the order of the list, as
    ``sarhad clusters list`` gives it)."""
    rep = representative(view.members, party)
    return {"date_start": min(m.date_start for m in view.members), "date": _date(view), "place": rep.place,
            "admin1": rep.admin1, "country": rep.country, "lat": rep.lat, "lon": rep.lon}  # fmt: skip


def _summary(view: JointView, party: str) -> dict[str, Any]:
    return {
        **view.summary_dict(),
        **_place(view, party),
        "parties": sorted({m.reported_by for m in view.members}),
        "killed_by_party": view.by_party("killed"),
        "killed_zero_ambiguous_by_party": _zero_ambiguous_by_party(view),
        "flag_details": [{"flag": flag, "detail": text} for flag, text in view.details],
    }


def _zero_ambiguous_by_party(view: JointView) -> list[str]:
    """The sources (keyed as ``killed_by_party``) whose only killed figure is a 0 they give for none and for no
    information alike (ACLED's fatalities): the joint figure leaves such a 0 out, so ``killed_by_party`` has no
    entry for them, and the page shows their figure as 0? instead of unknown."""
    given = view.by_party("killed")
    unclear = {
        source_of(m, f)
        for m in view.members
        for f in m.figures
        if f.measure == "killed" and f.category == "total" and f.zero_ambiguous and not (f.low or f.best or f.high)
    }
    return sorted(unclear - given.keys())


async def clusters(request: Request) -> Response:
    """One page of the clusters the principal may read that match the filters."""
    from sarhad.web.dashboard import request_filters

    filters = request_filters(request)  # raises FieldError naming a bad filter, answered by naming_the_field
    disagreements = _flag(request, "disagreements")
    reviewing = _flag(request, "to_review")
    limit = _int(request, "limit", 50, 1, MAX_LIMIT)
    offset = _int(request, "offset", 0, 0, 2**31 - 1)
    ctx = Context.of(request)
    principal = principal_of(request)
    if not _reconciled(ctx):
        return _json({"reconciled": False, "hint": HOW_TO_RECONCILE, "total": 0, "clusters": []})
    marked = _to_review(ctx, principal)
    page, total = _page(ctx, principal, filters, disagreements, limit, offset, marked if reviewing else None)
    out = [
        {**_summary(view or _view(ctx, cid, _members(ctx, principal, cid)), ctx.party), "to_review": cid in marked}
        for cid, view in page
    ]
    return _json({"reconciled": True, "total": total, "limit": limit, "offset": offset, "clusters": out})


def _page(
    ctx: Context,
    principal: Principal,
    filters: Filters,
    disagreements: bool,
    limit: int,
    offset: int,
    only: set[str] | None = None,
) -> tuple[list[tuple[str, JointView | None]], int]:
    """The clusters on the page asked for (with the joint view when it is already computed) and how many there
    are in all, of those with a member matching ``filters`` (the principal's: :func:`request_filters`), and of
    ``only`` when given (the clusters to review: :func:`_to_review`).

    A cluster is answered by its stored row when that row is the cluster as the principal sees it: its
    ``reconcile_clusters`` row when the principal may read every member, or, for a principal of an audience of
    another party (:data:`AUDIENCES`), its ``reconcile_audiences`` row when the principal reads exactly
    the members of the audience's levels, less those under the licences the rows leave out
    (:func:`sarhad.reconcile.store.audience_unshared`). The database filters, orders (``reconcile_clusters_order``,
    ``reconcile_audiences_order``) and counts those. The others (:func:`_partial`, :func:`_beyond`) are computed
    from their readable members alone and merged in.
    """
    audience, seen, left_out = _audience(ctx, principal)
    # the read rules are applied per cluster: the incidents' filters are the dashboard's alone
    where, params = replace(filters, tlp=None, readable=None).where()
    matching = f"m.incident_id IN (SELECT id FROM incidents{where})" if where else ""
    if audience is None:
        hidden, hidden_params = _partial(ctx, principal)
        table, conds, cond_params = "reconcile_clusters c", [f"c.cluster_id NOT IN ({hidden})"], [*hidden_params]
        stored_matching = matching
    else:
        hidden, hidden_params = _beyond(ctx, principal, seen, left_out)
        table = "reconcile_audiences c"
        conds, cond_params = ["c.audience = ?", f"c.cluster_id NOT IN ({hidden})"], [audience, *hidden_params]
        # such a cluster matches by the members its row counts: those of the audience's levels (the filters leave
        # out the licences the principal may not read; a cluster with a member under one the rows leave out but
        # it reads is one of the others). When no filter but licences the rows leave out is left, every row
        # matches, and no member is looked at.
        levels = ", ".join(f"'{t}'" for t in AUDIENCES[audience])
        kept = tuple(licence for licence in filters.exclude_licences if licence not in left_out)
        bare, _ = replace(filters, tlp=None, readable=None, exclude_licences=kept).where()
        stored_matching = f"m.incident_id IN (SELECT id FROM incidents{where} AND tlp IN ({levels}))" if bare else ""
    if disagreements:
        conds.append("c.disagree = 1")
    if only is not None:
        if not only:
            return [], 0
        conds.append(f"c.cluster_id IN ({', '.join('?' * len(only))})")
        cond_params += sorted(only)
    if stored_matching:
        conds.append(f"c.cluster_id IN (SELECT m.cluster_id FROM reconcile_members m WHERE {stored_matching})")
        cond_params += params
    cond = " AND ".join(conds)
    row = ctx.db.fetchone(f"SELECT COUNT(*) FROM {table} WHERE {cond}", cond_params)
    total = int(row[0]) if row else 0
    # (disagree first, then newest first, then by id), as the index orders them
    order: list[tuple[bool, str, str, JointView | None]] = [
        (bool(d), str(day), str(cid), None)
        for cid, d, day in ctx.db.fetchall(
            f"SELECT c.cluster_id, c.disagree, c.date_start FROM {table} WHERE {cond}"
            " ORDER BY c.disagree DESC, c.date_start DESC, c.cluster_id LIMIT ?",
            [*cond_params, offset + limit],
        )
    ]
    partial = [
        str(r[0])  # a cluster being rewritten (members without a row yet) is left for the next request
        for r in ctx.db.fetchall(
            f"SELECT DISTINCT h.cluster_id FROM ({hidden}) h JOIN reconcile_clusters c ON c.cluster_id = h.cluster_id",
            hidden_params,
        )
    ]
    if partial:
        wanted = _readable_members(ctx, principal, matching or "1 = 1", params if matching else [], partial)
        readable = _readable_members(ctx, principal, "1 = 1", [], list(wanted))
        for cid in sorted(wanted):
            view = _view(ctx, cid, readable.get(cid, wanted[cid]))
            disagree = _disagrees(view)
            if (disagreements and not disagree) or (only is not None and cid not in only):
                continue
            order.append((disagree, min(m.date_start for m in view.members), cid, view))
            total += 1
    order.sort(key=lambda x: x[2])
    order.sort(key=lambda x: x[1], reverse=True)  # newest first
    order.sort(key=lambda x: not x[0])  # disagreements first (the sorts are stable)
    return [(cid, view) for _, _, cid, view in order[offset : offset + limit]], total


def _audience(ctx: Context, principal: Principal) -> tuple[str | None, int, tuple[str, ...]]:
    """The audience of :data:`AUDIENCES` whose stored rows answer ``principal`` (by the levels it reads), or None:
    for a principal who reads every licence (the node's own party's, or any on a node sharing restricted rows),
    whom the clusters' own rows answer, or before ``sarhad reconcile`` has written the audiences' rows; the
    sequence number of the last object the run that wrote them could see; and the licences whose members the rows
    leave out (:func:`sarhad.reconcile.store.audience_unshared`; none when they were written before rows left any
    out)."""
    levels = ctx.readable_levels(principal)
    audience = next((name for name, read in AUDIENCES.items() if read == levels), None)
    if audience == _FRAMEWORK and not ctx.unshared_licences(principal):
        # a framework party's principal who reads every licence sees the clusters as their own rows hold them, but
        # for the few with a RED member (_partial); the audience's rows, which leave GTD's and ACLED's members out,
        # would set aside every cluster with one
        audience = None
    state: dict[str, str] = dict(
        ctx.db.fetchall("SELECT key, value FROM reconcile_state WHERE key IN ('audiences', 'audiences_unshared')")
    )
    if audience is None or "audiences" not in state:
        return None, 0, ()
    left_out = tuple(x for x in str(state.get("audiences_unshared", "")).split(",") if x)
    return audience, int(state["audiences"]), left_out


def _beyond(ctx: Context, principal: Principal, seen: int, left_out: tuple[str, ...]) -> tuple[str, list[Any]]:
    """For a principal of an audience (:func:`_audience`): an SQL query of the ids of the clusters whose stored
    audience row is not the cluster as it sees it (with repeats), and its parameters. Those hold a member it
    reads beyond the audience's levels (its own party's records, a TLP:RED record naming it:
    :func:`sarhad.web.auth.beyond_levels_clause`), a member whose body was withheld since the clusters were
    written, a member with a version newer than the run that wrote the rows (``seen``: the last object it could
    see; its level may have changed), found by the objects' index on (type, seq), or, when the licences it may not
    read (:meth:`Context.unshared_licences`) are not those the rows leave out (``left_out``: the node's
    ``share_restricted`` changed since the run, or the rows are older than that rule), a member under a licence
    the rows and the principal tell apart (:func:`_unshared`)."""
    # incidents has no index on origin: a party that published nothing here has no records of its own to look for
    own = ctx.db.fetchone("SELECT 1 FROM objects WHERE origin = ? LIMIT 1", (principal.party,)) is not None
    beyond, params = beyond_levels_clause(principal, ctx.parties(), "i", own_records=own)
    sql = (
        "SELECT m.cluster_id FROM incidents i JOIN reconcile_members m ON m.incident_id = i.id"
        f" WHERE {beyond}"
        " UNION ALL SELECT m.cluster_id FROM objects o JOIN reconcile_members m ON m.incident_id = o.id"
        " WHERE o.type = 'incident' AND o.seq > ?"
        " UNION ALL SELECT m.cluster_id FROM reconcile_members m WHERE m.incident_id IN"
        " (SELECT w.id FROM withheld_versions w WHERE NOT EXISTS (SELECT 1 FROM incidents x WHERE x.id = w.id))"
    )
    return _unshared(ctx, principal, sql, [*params, seen], left_out)


def _unshared(
    ctx: Context, principal: Principal, sql: str, params: list[Any], left_out: tuple[str, ...] = ()
) -> tuple[str, list[Any]]:
    """``sql`` (a query of cluster ids) with, besides, the clusters whose stored rows (which leave out the members
    under the licences ``left_out``) are not what ``principal`` reads of them by licence
    (:meth:`Context.unshared_licences`): those with both a member under a licence it may not read that the rows
    count (its order, its disagreement) and a member it may read, and those with a member under a licence it may
    read that the rows leave out. A cluster of members it may not read alone matches none of the principal's
    filters (:meth:`Context.incident_filters` leaves those licences out), so it is not listed at all. On a node
    whose audiences' rows leave out what an audience's principal may not read, nothing is added for it."""
    unshared = ctx.unshared_licences(principal)
    counted = [licence for licence in unshared if licence not in left_out]
    missed = [licence for licence in left_out if licence not in unshared]
    if counted:
        marks, others = ", ".join("?" * len(counted)), ", ".join("?" * len(unshared))
        sql += (
            " UNION ALL SELECT m.cluster_id FROM incidents u JOIN reconcile_members m ON m.incident_id = u.id"
            f" WHERE u.licence IN ({marks}) AND EXISTS (SELECT 1 FROM reconcile_members s JOIN incidents r"
            f" ON r.id = s.incident_id WHERE s.cluster_id = m.cluster_id AND r.licence NOT IN ({others}))"
        )
        params = [*params, *counted, *unshared]
    if missed:
        sql += (
            " UNION ALL SELECT m.cluster_id FROM incidents u JOIN reconcile_members m ON m.incident_id = u.id"
            f" WHERE u.licence IN ({', '.join('?' * len(missed))})"
        )
        params = [*params, *missed]
    return sql, params


def _partial(ctx: Context, principal: Principal) -> tuple[str, list[Any]]:
    """An SQL query of the ids of the clusters with a member ``principal`` may not read (with repeats), and its
    parameters: one indexed look at the incidents of the levels it does not read everywhere (for a framework
    party's principal, the RED ones, by the incidents' partial index), at the members whose incident's body
    was withheld since the clusters were written (``withheld_versions``, empty on most nodes), and at the members
    under a licence it may not read (:func:`_unshared`)."""
    levels = ctx.readable_levels(principal)
    hidden = [level for level in TLP_LEVELS if level not in levels]
    # a principal reads every row of its levels (the others by the read clause): only the rest are looked at
    tlp = "i.tlp = 'RED'" if hidden == ["RED"] else "i.tlp IN (" + ", ".join(f"'{t}'" for t in hidden) + ")"
    readable, params = ctx.read_clause(principal, "i", current_rows=True)
    sql = (
        "SELECT m.cluster_id FROM incidents i JOIN reconcile_members m ON m.incident_id = i.id"
        f" WHERE {tlp} AND CASE WHEN {readable} THEN 0 ELSE 1 END = 1"
        " UNION ALL SELECT m.cluster_id FROM reconcile_members m WHERE m.incident_id IN"
        " (SELECT w.id FROM withheld_versions w WHERE NOT EXISTS (SELECT 1 FROM incidents x WHERE x.id = w.id))"
    )
    return _unshared(ctx, principal, sql, params)


def _members(ctx: Context, principal: Principal, cluster_id: str) -> list[str]:
    """The ids of the members of ``cluster_id`` that ``principal`` may read."""
    return _readable_members(ctx, principal, "1 = 1", [], [cluster_id]).get(cluster_id, [])


async def cluster(request: Request) -> Response:
    """One cluster the principal may read, by its id or the id of one of its incidents."""
    ctx = Context.of(request)
    principal = principal_of(request)
    ident = request.path_params["cluster_id"]
    unknown = NotFound(f"no cluster {ident} that this principal may read")
    if not ident.startswith("cluster--"):  # an incident's id: only one the principal may read leads anywhere
        readable, params = ctx.read_clause(principal, "incidents", current_rows=True)
        if ctx.db.fetchone(f"SELECT 1 FROM incidents WHERE id = ? AND {readable}", [ident, *params]) is None:
            raise unknown
    try:
        cid = cluster_of(ctx.db, ident)
    except NotFound:
        if not _reconciled(ctx):
            raise NotFound(f"no cluster {ident}: {HOW_TO_RECONCILE}") from None
        raise unknown from None
    members = _members(ctx, principal, cid)
    if not members:
        raise unknown
    view = _view(ctx, cid, members)
    return _json(
        {
            **view.to_dict(),
            **_summary(view, ctx.party),
            "decisions": _decisions(ctx, principal, members),
            "disputes": _disputes(ctx, principal, cid, members),
        }
    )


def _disputes(ctx: Context, principal: Principal, cluster_id: str, members: Sequence[str]) -> list[str]:
    """The codes of the disputes about the joint picture the principal may read that concern the cluster: opened
    about it, or naming one of the ``members`` it reads (:func:`sarhad.framework.views.cluster_disputes`). A
    dispute is marked no less strictly than the reports it names, and one it may not read is not mentioned."""
    from sarhad.framework.views import cluster_disputes

    return cluster_disputes(ctx.db, cluster_id, members, readable=ctx.read_clause(principal, "o"))


def _decisions(ctx: Context, principal: Principal, members: Sequence[str]) -> list[dict[str, Any]]:
    """The analyst decisions about ``members`` that the principal may read, naming only records it may read, each
    with ``names``: the id of each record it names → its reporter and source id."""
    found = decisions_about(ctx.db, ctx.party, members)
    if not found:
        return []
    clause, params = ctx.read_clause(principal, "o")
    marks = ", ".join("?" * len(found))
    rows = ctx.db.fetchall(f"SELECT DISTINCT o.id FROM objects o WHERE o.id IN ({marks}) AND {clause}",
                           [*(d["id"] for d in found), *params])  # fmt: skip
    shown = {str(r[0]) for r in rows}
    named = {r for d in found for r in (*d["records"], *d["kept"])}
    readable, read_params = ctx.read_clause(principal, "incidents", current_rows=True)
    marks = ", ".join("?" * len(named))
    visible = {str(r[0]) for r in ctx.db.fetchall(f"SELECT id FROM incidents WHERE id IN ({marks}) AND {readable}",
                                                  [*named, *read_params])}  # fmt: skip
    names = record_names(ctx.db, sorted(visible))
    out = []
    for d in found:
        if d["id"] not in shown:
            continue
        records, kept = [r for r in d["records"] if r in visible], [r for r in d["kept"] if r in visible]
        changes = _told(ctx, principal, d["changes"], visible)
        # each record named by its source ("PK PK-77"), as `sarhad clusters show` names it: a record moved out of
        # the cluster is in none of its members, and its id alone tells a reader nothing
        out.append({**d, "records": records, "kept": kept, "names": {r: names[r] for r in (*records, *kept)},
                    "changes": changes, "to_review": bool(changes)})  # fmt: skip
    return out


def _told(
    ctx: Context, principal: Principal, changes: Sequence[dict[str, Any]], visible: set[str]
) -> list[dict[str, Any]]:
    """The corrections of ``changes`` the principal is told of: a correction is told of only where the principal
    reads the record now (``visible``) and its version before as well: the words give both versions' date, place
    and figures."""
    return [c for c in changes if c["record"] in visible and _reads_version(ctx, principal, c)]


def _to_review(ctx: Context, principal: Principal) -> set[str]:
    """The ids of the clusters whose detail shows ``principal`` an analyst decision to review (:func:`_decisions`):
    a decision it may read, still binding, whose correction since it is told of (:func:`_told`), marks the
    clusters of the records it names that the principal reads. Computed per principal, as the stored audience
    rows know nothing of decisions: a principal who may not read a decision, or one of the versions of the
    record corrected, sees no mark where the detail tells it nothing."""
    held = held_decisions(ctx.db)
    changes = to_review(ctx.db, held)
    if not changes:
        return set()
    clause, params = ctx.read_clause(principal, "o")
    ids = sorted(changes)
    rows = ctx.db.fetchall(f"SELECT DISTINCT o.id FROM objects o WHERE o.id IN ({', '.join('?' * len(ids))})"
                           f" AND {clause}", [*ids, *params])  # fmt: skip
    shown = {str(r[0]) for r in rows}
    held = [h for h in held if h.decision.id in shown]
    named = sorted({r for h in held for r in (*h.decision.members, *h.decision.rest)})
    if not named:
        return set()
    readable, read_params = ctx.read_clause(principal, "i", current_rows=True)
    visible: dict[str, str | None] = {}  # a record the principal reads -> its cluster (None: not grouped yet)
    for start in range(0, len(named), 500):
        chunk = named[start : start + 500]
        visible.update(
            (str(rid), None if cid is None else str(cid))
            for rid, cid in ctx.db.fetchall(
                "SELECT i.id, m.cluster_id FROM incidents i LEFT JOIN reconcile_members m ON m.incident_id = i.id"
                f" WHERE i.id IN ({', '.join('?' * len(chunk))}) AND {readable}",
                [*chunk, *read_params],
            )
        )
    out: set[str] = set()
    for h in held:
        if _told(ctx, principal, [c.to_dict() for c in changes[h.decision.id]], set(visible)):
            out |= {c for r in (*h.decision.members, *h.decision.rest) if (c := visible.get(r)) is not None}
    return out


def _reads_version(ctx: Context, principal: Principal, change: dict[str, Any]) -> bool:
    """Whether ``principal`` may read the version of a corrected record that a decision was made about."""
    clause, params = ctx.read_clause(principal, "o")
    sql = f"SELECT 1 FROM objects o WHERE o.id = ? AND o.modified = ? AND {clause}"
    return ctx.db.fetchone(sql, [change["record"], change["before"], *params]) is not None


def _json(value: Any) -> Response:
    return JSONResponse(value, headers={"Cache-Control": "no-store"})


def routes() -> list[BaseRoute]:
    """The joint picture's routes, each with its allow list of query parameters (another one is a 400 naming
    it as ``field``)."""
    from sarhad.web.dashboard import FILTER_PARAMETERS  # the dashboard imports this module

    return [
        Route(
            "/api/dashboard/clusters",
            naming_the_field(clusters, takes=(*FILTER_PARAMETERS, "disagreements", "to_review", "limit", "offset")),
        ),
        Route("/api/dashboard/clusters/{cluster_id}", naming_the_field(cluster, takes=())),
    ]
