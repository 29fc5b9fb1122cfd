"""Keeping the framework's query tables in step with the stored objects, and reading the framework back.

:func:`index_object` updates the view row of one framework object (the node's own, written by
:mod:`sarhad.framework.ops`, or a peer's arriving through an exchange); :func:`rebuild` recreates every view
row from ``objects``; :func:`load` reads the current version of every record into a :class:`FrameworkData`.

The tables hold current versions only (:mod:`sarhad.store.current`): a peer's record whose later version this
node was refused (withheld by TLP, say marked RED after the node pulled it as GREEN) has no row, as in
``incidents``; :func:`index_stored` does not index such a version and :func:`drop_superseded` removes the row
when the later version's envelope arrives. The copy stays in ``objects``, an earlier version that only those the
read rule admits may read (TAXII's versions, the log's entries), so the framework's show and list commands, the
quarterly report and the dashboard show it to no one as current. This node's own assessments, indicator values
and evidence are superseded by its own later versions only: a peer's version of them, held or withheld, changes
no row.

The rows of the records both parties edit (disputes, recommendations, milestones) hold the state of the record
merged with every version of it held (:func:`index_merged`), as :func:`load` and the views show it.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from sarhad.errors import InvalidInput, NotFound
from sarhad.exchange.authorship import merge_versions
from sarhad.framework.model import KIND_OF_TYPE, TYPES
from sarhad.framework.schema import TABLES
from sarhad.model.incident import identity_id
from sarhad.store.current import current, held_own, superseded
from sarhad.store.db import Database

__all__ = [
    "FrameworkData",
    "check_not_withdrawn",
    "current_body",
    "drop_superseded",
    "index_merged",
    "index_object",
    "index_stored",
    "load",
    "rebuild",
    "row_problem",
    "version_as_of",
]

# kind → (table, columns after id; each taken from the body by the function in _COLUMNS)
_TABLE: Final = {
    "framework": "fw_frameworks",
    "commitment": "fw_commitments",
    "milestone": "fw_milestones",
    "indicator": "fw_indicators",
    "indicator-value": "fw_indicator_values",
    "evidence": "fw_evidence",
    "assessment": "fw_assessments",
    "dispute": "fw_disputes",
    "recommendation": "fw_recommendations",
}

# The records both parties edit: their rows hold the state of the merged record (:func:`index_merged`).
_SHARED: Final = frozenset({"dispute", "recommendation", "milestone"})


def _columns(kind: str, b: dict[str, Any]) -> dict[str, Any]:
    if kind == "framework":
        return {"code": b["code"]}
    if kind == "commitment":
        return {
            "framework": b["framework"],
            "code": b["code"],
            "focus_area": b["focus_area"],
            "due": b["due"],
            "ordinal": int(b.get("ordinal", 0)),
        }
    if kind == "milestone":
        return {
            "framework": b["framework"],
            "code": b["code"],
            "commitment": b["commitment"],
            "due": b.get("due_revised") or b.get("due"),
            "status": b["status"],
        }
    if kind == "indicator":
        return {"framework": b["framework"], "code": b["code"], "commitment": b["commitment"]}
    if kind == "indicator-value":
        return {
            "framework": b["framework"],
            "indicator": b["indicator"],
            "period": b["period"],
            "party": b["party"],
            "value": b.get("value"),
        }
    if kind == "evidence":
        return {
            "code": b["code"],
            "sha256": b.get("sha256"),
            "kind": b["kind"],
            "size": b.get("size"),
            "path": b.get("file"),
        }
    if kind == "assessment":
        return {
            "framework": b["framework"],
            "commitment": b["commitment"],
            "quarter": b["quarter"],
            "assessor": b["assessor"],
            "level": int(b["implementation_level"]),
            "compliance": b.get("compliance"),
            "effectiveness": b.get("effectiveness"),
            "state": b["state"],
            "recorded_by": b["recorded_by"],
        }
    if kind == "dispute":
        subject = b.get("subject", {})
        return {
            "framework": b["framework"],
            "code": b["code"],
            "commitment": subject.get("commitment"),
            "quarter": subject.get("quarter"),
            "status": b["status"],
            "level": b["level"],
            "reply_due": b.get("reply_due"),
        }
    return {"framework": b["framework"], "code": b["code"], "quarter": b["quarter"], "status": b["status"]}


# The view columns that may be empty, and those that hold numbers; every other column holds a string.
_NULLABLE: Final = frozenset({"due", "value", "sha256", "size", "path", "compliance", "effectiveness", "commitment",
                              "quarter", "reply_due"})  # fmt: skip
_NUMBERS: Final = {
    ("commitment", "ordinal"),
    ("indicator-value", "value"),
    ("evidence", "size"),
    ("assessment", "level"),
}
_INT64: Final = 2**63


def row_problem(body: dict[str, Any]) -> str | None:
    """Why the view row of the framework record ``body`` cannot be written (a field missing, or not a string or
    number where its column needs one); None when it can, or when ``body`` is no framework record.

    A sync asks before it applies a peer's record (:mod:`sarhad.exchange.entries`): the record is refused then,
    instead of failing the whole sync in :func:`index_object`. Needs no database.
    """
    kind = KIND_OF_TYPE.get(str(body.get("type")))
    if kind is None:
        return None
    try:
        cols = _columns(kind, body)
    except KeyError as exc:
        return f"the {kind} record has no {exc.args[0]!r}"
    except (AttributeError, TypeError, ValueError, OverflowError) as exc:
        return f"the {kind} record has a field of the wrong kind ({exc})"
    for name, value in cols.items():
        if value is None:
            if name not in _NULLABLE:
                return f"the {kind} record's {name} is empty"
        elif (kind, name) in _NUMBERS:
            if type(value) not in (int, float) or not -_INT64 <= value < _INT64:
                return f"the {kind} record's {name} is {value!r}, not a number this node can store"
        elif type(value) is not str:
            return f"the {kind} record's {name} is {value!r}, not a string"
    refs = body.get("incident_refs", [])
    if kind == "evidence" and (type(refs) is not list or not all(type(r) is str for r in refs)):
        return f"the evidence record's incident_refs is {refs!r}, not a list of incident ids"
    return None


def index_object(db: Database, body: dict[str, Any], origin: str) -> bool:
    """Update the view row for one framework object version (a newer version wins). False if not ours.

    Call it inside the transaction that stores the object.
    """
    kind = KIND_OF_TYPE.get(str(body.get("type")))
    if kind is None:
        return False
    table = _TABLE[kind]
    cols = {"id": body["id"], **_columns(kind, body), "modified": body["modified"], "origin": origin}
    names = list(cols)
    updates = ", ".join(f"{c} = excluded.{c}" for c in names if c != "id")
    db.execute(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        f" ON CONFLICT (id) DO UPDATE SET {updates} WHERE excluded.modified >= {table}.modified",
        [cols[c] for c in names],
    )
    if kind == "evidence":
        db.execute("DELETE FROM fw_evidence_incidents WHERE evidence_id = ?", (body["id"],))
        db.executemany(
            "INSERT INTO fw_evidence_incidents (evidence_id, incident_id) VALUES (?, ?)",
            [(body["id"], ref) for ref in sorted(set(body.get("incident_refs", [])))],
        )
    if kind in _SHARED:
        index_merged(db, [body["id"]])
    return True


def index_merged(db: Database, ids: Collection[str] | None = None) -> int:
    """Write into the row of each record both parties edit (of the objects ``ids``, or every one when None) the
    columns of the record merged with every version of it this node holds (:func:`_merged`), in the caller's
    transaction; return how many rows.

    So the state columns (a dispute's ``status`` and ``level``, a recommendation's ``status``, a milestone's
    ``status`` and ``due``) hold the state the merged history arrives at, the one :func:`load` (every version, no
    ``readable``) and the views show, not the state of the current version alone: an SQL filter on them gives the
    same answer on both nodes. Called for every version stored, current or not (an earlier version of this
    node's party, arriving after the peer's later one, can change the merged state). A row whose merged record
    cannot be written (:func:`row_problem`) keeps its current version's columns.
    """
    count = 0
    for kind in sorted(_SHARED):
        table = _TABLE[kind]
        select = f"SELECT o.body FROM {table} v JOIN objects o ON o.id = v.id AND o.modified = v.modified"
        if ids is None:
            batches: list[list[str] | None] = [None]
        else:
            listed = sorted(i for i in set(ids) if i.startswith(f"{TYPES[kind]}--"))
            batches = [listed[at : at + 500] for at in range(0, len(listed), 500)]
        for batch in batches:
            where = "" if batch is None else f" WHERE v.id IN ({', '.join('?' * len(batch))})"
            records = [json.loads(r[0]) for r in db.fetchall(select + where, batch or [])]
            for merged in _merged(db, table, records, None, batch):
                if row_problem(merged) is not None:
                    continue
                cols = _columns(kind, merged)
                db.execute(
                    f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                    [*cols.values(), merged["id"]],
                )
                count += 1
    return count


def check_not_withdrawn(db: Database, body: dict[str, Any], party: str) -> None:
    """Refuse a draft that would replace a submitted assessment: neither side can withdraw what it shared.

    Called by the node's write path (:meth:`sarhad.node.Node.publisher`) for every object it publishes, so the
    rule holds for ``sarhad assess``, a TAXII POST, a pull and an import alike; ``party`` is this node's. A
    submitted assessment is changed by submitting a revised one, a new version the report shows as current. A
    peer's own later version of its own assessment (created by the assessor, who is not this node's party) is
    that peer's business. Raises InvalidInput naming what exists and what to do instead.
    """
    if body.get("type") != TYPES["assessment"] or body.get("state") != "draft":
        return
    assessor = str(body.get("assessor"))
    if assessor != party and body.get("created_by_ref") == identity_id(assessor):
        return
    # The latest held on purpose, not current_body: a peer's assessment whose latest version was withheld has no
    # current one here, yet its last held may be submitted. For this node's own the two agree: a peer's body
    # naming this node's assessor is refused by the sync (sarhad.exchange.entries), its envelope is not in objects.
    row = db.fetchone("SELECT body FROM objects WHERE id = ? ORDER BY modified DESC LIMIT 1", (body["id"],))
    current = None if row is None else json.loads(row[0])
    if current is None or current.get("state") != "submitted":
        return
    raise InvalidInput(
        f"{assessor}'s assessment of {current['commitment']} for {current['quarter']} was submitted on "
        f"{current['modified']} (level {current['implementation_level']}): it is shared and cannot be withdrawn "
        "or made a draft again; submit a revised assessment instead (without --draft), a new version that the "
        "report shows as the current one"
    )


def current_body(db: Database, object_id: str) -> dict[str, Any] | None:
    """The current version of ``object_id`` by the store's rule (:func:`sarhad.store.current.current`), or None
    when this node holds none, or when its latest version was withheld from this node.

    Not its latest version by ``modified``: a peer's later version of an item of evidence this node added itself
    (both added the same file or link: the id derives from the content, not the party) is kept but is not the
    current one here.
    """
    row = db.fetchone(f"SELECT o.body FROM objects o WHERE o.id = ? AND {current('o')}", (object_id,))
    return None if row is None else dict(json.loads(row[0]))


def index_stored(db: Database, object_id: str, version: str | None) -> bool:
    """Index the stored version ``version`` of ``object_id`` (as returned by ``Publisher.add_object``).

    For any component that publishes objects it received (a pull from a peer): call it for each object in
    the publishing transaction; it does nothing for a None version (unchanged), a non-framework object, or a
    version that is not current (:mod:`sarhad.store.current`): one a later withheld version supersedes, or a
    peer's version of one of this node's own assessments, indicator values or evidence.
    Raises NotFound when that version is not stored.
    """
    if version is None or not object_id.startswith("x-sarhad-"):
        return False
    row = db.fetchone(
        f"SELECT o.body, o.origin, CASE WHEN {current('o')} THEN 0 ELSE 1 END FROM objects o"
        " WHERE o.id = ? AND o.modified = ?",
        (object_id, version),
    )
    if row is None:
        raise NotFound(f"{object_id} has no stored version {version}")
    if row[2]:
        # Not current, but the merged state of a record both parties edit takes every version held.
        index_merged(db, [object_id])
        return False
    return index_object(db, json.loads(row[0]), str(row[1]))


def drop_superseded(db: Database, ids: Collection[str] | None = None) -> int:
    """Remove from the query tables each row that a later withheld version supersedes (of the objects ``ids``,
    or of every object when None), in the caller's transaction; return how many rows.

    The rows are looked up by id (the tables' primary keys), so a sync pays for the objects it touched only.
    """
    if ids is None:
        return _drop(db, "", "", [])
    listed = sorted(set(ids))
    count = 0
    for at in range(0, len(listed), 500):
        chunk = listed[at : at + 500]
        marks = ", ".join("?" * len(chunk))
        count += _drop(db, f"id IN ({marks}) AND ", f"evidence_id IN ({marks}) AND ", chunk)
    return count


def _drop(db: Database, by_id: str, by_evidence: str, params: list[str]) -> int:
    count = 0
    for table in TABLES:
        if table != "fw_evidence_incidents":
            count += db.execute(f"DELETE FROM {table} WHERE {by_id}{superseded(table)}", params).rowcount
    # The incidents that a dropped item of evidence cites go with it.
    db.execute(
        f"DELETE FROM fw_evidence_incidents WHERE {by_evidence}NOT EXISTS"
        " (SELECT 1 FROM fw_evidence e WHERE e.id = fw_evidence_incidents.evidence_id)",
        params,
    )
    return count


def rebuild(db: Database) -> int:
    """Recreate every framework view table from the current version of each object; return the count.

    A peer's record whose later version was withheld from this node gets no row (see the module's docstring).
    Runs inside the caller's transaction (or its own).
    """
    with db.transaction():
        for table in TABLES:
            db.execute(f"DELETE FROM {table}")
        types = tuple(KIND_OF_TYPE)
        marks = ", ".join("?" * len(types))
        sql = f"SELECT o.body, o.origin FROM objects o WHERE o.type IN ({marks}) AND {current('o')} ORDER BY o.seq"
        count = 0
        for body, origin in db.iterate(sql, types):
            count += index_object(db, json.loads(body), origin)
    return count


@dataclass
class FrameworkData:
    """The current version of every record of one framework, as STIX bodies (read-only snapshot)."""

    framework: dict[str, Any]
    commitments: list[dict[str, Any]] = field(default_factory=list)
    milestones: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    values: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    assessments: list[dict[str, Any]] = field(default_factory=list)
    disputes: list[dict[str, Any]] = field(default_factory=list)
    recommendations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def code(self) -> str:
        return str(self.framework["code"])

    @property
    def parties(self) -> list[str]:
        return list(self.framework["parties"])

    def commitment(self, code: str) -> dict[str, Any]:
        """The commitment ``code`` (``C-01``; case and a missing zero are forgiven). Raises NotFound."""
        wanted = _norm_code(code)
        for c in self.commitments:
            if _norm_code(c["code"]) == wanted:
                return c
        known = ", ".join(c["code"] for c in self.commitments)
        raise NotFound(f"no commitment {code!r} in framework {self.code} (known: {known})")

    def indicator(self, code: str) -> dict[str, Any]:
        """The indicator ``code`` (``I-02.1``). Raises NotFound."""
        for i in self.indicators:
            if i["code"].upper() == code.strip().upper():
                return i
        raise NotFound(
            f"no indicator {code!r} in framework {self.code} (known: "
            + ", ".join(i["code"] for i in self.indicators)
            + ")"
        )

    def evidence_by_id(self) -> dict[str, dict[str, Any]]:
        return {e["id"]: e for e in self.evidence}


def _norm_code(code: str) -> str:
    code = code.strip().upper()
    head, sep, num = code.partition("-")
    if sep and num.isdigit():
        return f"{head}-{int(num):02d}"
    return code


# The tables whose records ``load(as_of=…)`` reads as they stood at a past moment, by their versions' ``modified``.
_DATED: Final = frozenset({"fw_assessments", "fw_indicator_values", "fw_evidence"})

# A version that may stand for its record at a past moment: any version held, except that of a one-party record
# of this node's own (sarhad.store.current) only the node's own versions (those in its log) count.
_ELIGIBLE: Final = (
    f"(NOT {held_own('x')} OR EXISTS (SELECT 1 FROM log_leaves l_x WHERE l_x.object_id = x.id"
    " AND l_x.version = x.modified))"
)


def version_as_of(table: str, as_of: str) -> tuple[str, list[Any]]:
    """An SQL expression (and its parameters) for the version of the record ``table.id`` (a row of a framework
    query table) that stood for it at ``as_of``, a UTC time stamp, as :func:`load` reads it: the latest published
    before that moment; for a record first published later, its first version (the caller tells the two apart by
    the version's ``modified``)."""
    return (
        f"COALESCE((SELECT MAX(x.modified) FROM objects x WHERE x.id = {table}.id AND x.modified < ?"
        f" AND {_ELIGIBLE}), (SELECT MIN(x.modified) FROM objects x WHERE x.id = {table}.id AND {_ELIGIBLE}))",
        [as_of],
    )


def _bodies(
    db: Database,
    table: str,
    where: str = "",
    params: Iterable[Any] = (),
    readable: tuple[str, list[Any]] | None = None,
    as_of: str | None = None,
) -> list[dict[str, Any]]:
    params = list(params)
    if as_of is None:
        version = "v.modified"
        head: list[Any] = []
    else:
        version, head = version_as_of("v", as_of)
    if readable is not None:
        where = f"{where} AND {readable[0]}" if where else f" WHERE {readable[0]}"
        params += readable[1]
    rows = db.fetchall(
        f"SELECT o.body FROM {table} v JOIN objects o ON o.id = v.id AND o.modified = {version}{where}", head + params
    )
    return [json.loads(r[0]) for r in rows]


def frameworks(db: Database) -> list[str]:
    """The codes of the frameworks this node holds."""
    return [r[0] for r in db.fetchall("SELECT code FROM fw_frameworks ORDER BY code")]


def load(
    db: Database,
    code: str | None = None,
    *,
    readable: tuple[str, list[Any]] | None = None,
    as_of: str | None = None,
) -> FrameworkData:
    """Every current record of framework ``code`` (the node's only framework when None).

    ``readable``, an SQL condition over the stored object ``o`` and its parameters (a principal's TLP rules,
    ``Context.read_clause``), keeps only the records it admits; the framework itself is always read.

    ``as_of``, a UTC time stamp (``2026-04-01T00:00:00``), reads each assessment, indicator value and item of
    evidence as it stood before that moment: its latest version published (``modified``) before it, or, for one of
    which this node holds no version from before it, its first version (its ``modified`` says so). The records both
    parties edit say by their own entries' days how they stood on a day
    (:func:`sarhad.exchange.authorship.as_of_day`); the framework, its commitments and its indicators (definitions,
    and targets the committees may agree late for the quarters before) are read as they are now.

    Raises NotFound when the node holds no framework (run ``sarhad framework init``) or not that one.
    """
    codes = frameworks(db)
    if not codes:
        raise NotFound("this node holds no framework yet: run 'sarhad framework init --template pk-ir-2025'")
    if code is None:
        code = codes[0]
    elif code not in codes:
        raise NotFound(f"no framework {code!r} on this node (it holds {', '.join(codes)})")
    fw = _bodies(db, "fw_frameworks", " WHERE v.code = ?", [code])[0]
    by = " WHERE v.framework = ?"

    def bodies(table: str, where: str = "", params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        dated = as_of if table in _DATED else None
        return _bodies(db, table, where, params, readable, dated)

    data = FrameworkData(
        framework=fw,
        commitments=sorted(bodies("fw_commitments", by, [code]), key=lambda c: (c.get("ordinal", 0), c["code"])),
        milestones=sorted(bodies("fw_milestones", by, [code]), key=lambda m: m["code"]),
        indicators=sorted(bodies("fw_indicators", by, [code]), key=lambda i: i["code"]),
        values=sorted(
            bodies("fw_indicator_values", by, [code]), key=lambda v: (v["indicator"], v["period"], v["party"])
        ),
        assessments=sorted(
            bodies("fw_assessments", by, [code]), key=lambda a: (a["commitment"], a["quarter"], a["assessor"])
        ),
        disputes=sorted(bodies("fw_disputes", by, [code]), key=lambda d: d["code"]),
        recommendations=sorted(bodies("fw_recommendations", by, [code]), key=lambda r: r["code"]),
        evidence=sorted(bodies("fw_evidence"), key=lambda e: (e.get("captured_at", ""), e["code"])),
    )
    data.disputes = _merged(db, "fw_disputes", data.disputes, readable)
    data.recommendations = _merged(db, "fw_recommendations", data.recommendations, readable)
    data.milestones = _merged(db, "fw_milestones", data.milestones, readable)
    return data


def _merged(
    db: Database,
    table: str,
    records: list[dict[str, Any]],
    readable: tuple[str, list[Any]] | None,
    ids: list[str] | None = None,
) -> list[dict[str, Any]]:
    """``records`` (of a table of records both parties edit), each merged with every version of it this node holds
    (:func:`sarhad.exchange.authorship.merge_versions`): each party's entries as that party last published them,
    in an order both nodes share, and the state the merged history arrives at. So a version replying to one its
    author had not yet seen revised (leaving the other party's latest entries out) does not take those entries, or
    the change of state they record, out of the views and the report, on either node. Only the versions
    ``readable`` admits are read, and only those of ``ids`` (the ids of ``records``) when given."""
    where, params = ("", []) if readable is None else (f" AND {readable[0]}", list(readable[1]))
    if ids is not None:
        if not ids:
            return []
        where += f" AND v.id IN ({', '.join('?' * len(ids))})"
        params += ids
    rows = db.fetchall(
        f"SELECT o.id, o.origin, o.body FROM {table} v JOIN objects o ON o.id = v.id"
        f" WHERE o.body IS NOT NULL{where} ORDER BY o.id, o.modified",
        params,
    )
    versions: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for object_id, origin, body in rows:
        versions.setdefault(str(object_id), []).append((str(origin), json.loads(body)))
    return [merge_versions(record, versions.get(record["id"], [])) for record in records]
