"""Who wrote which entry of a record both parties edit: the sync's check (step 3) that a peer's version of a
shared record keeps this node's party's entries as this node published them (a version that does not is
refused: kept apart, not applied, see :mod:`sarhad.exchange.refused`).

A dispute is one object: the party that opens it publishes it with its position, the other replies by
publishing a later version that carries both positions, and each party appends to its history; a
recommendation's follow-up and a milestone's changes of date grow the same way, each entry naming its party
(``by``). The later version becomes current on both nodes, so a peer could publish one in which this node's
position says something else, and this node would show its own words rewritten in its views and in the
quarterly report. The log proves what the peer published, not that this node's party said it.

So every entry of a peer's version attributed to this node's party must equal, field for field, an entry of the
same record that this node published itself (one of its own versions, ``objects.origin`` = its party). Entries
of the peer's party and of the joint committee are the peer's to write.

The rest of the record is owned field by field (:func:`field_refusal`):

* the fields fixed when the record is created (:data:`FIXED`: a dispute's subject, summary and ``raised_by``, a
  recommendation's text, quarter and owner, a milestone's commitment and original date, and who created each)
  never change in any version; a peer's version whose value differs from the one in a version this node
  published is refused, naming the field and both values;
* the state (a dispute's level and status, a recommendation's status, a milestone's revised date, status and date
  met) is changed by either party, but only with the history entry that records the change and names who made it:
  a version whose state is not the one its own history arrives at is refused (:func:`state_refusal`).

A milestone version of an older release (0.1.0) has no ``status_changes`` at all: that release recorded a change of
status or date met with no entry. Such a version is taken, its change explained by an entry in the name of the
party that published it, dated by its ``modified`` (:func:`older_release_entry`); a version that has the field
must explain its state with it.

An entry of this node's party that a peer's later version leaves out is not refused: an honest peer replying to
a version this node has since revised leaves it out too. The framework's views put this node's latest entries
back into the peer's version instead, and the record's state follows the merged history (:func:`merge_versions`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final, NamedTuple

import orjson

from sarhad.canonical import canonical_text
from sarhad.errors import InvalidInput
from sarhad.framework.model import TYPES
from sarhad.store.db import Database

__all__ = [
    "DISPUTE_EVENT_FIELDS",
    "FIXED",
    "MILESTONE_CREATED",
    "SHARED_TYPES",
    "DisputeEvent",
    "OwnVersions",
    "as_of_day",
    "attributed",
    "dispute_event",
    "field_refusal",
    "history_state",
    "merge_versions",
    "older_release_entry",
    "own_versions",
    "rewrite_refusal",
    "state_refusal",
]

# The entries of each kind of shared record that name the party that wrote them: a dispute's positions (an
# object keyed by party) and history, a recommendation's follow-up history and a milestone's changes of date
# and changes of status (lists whose entries name their party in ``by``).
_ENTRIES: Final[dict[str, tuple[str, ...]]] = {
    TYPES["dispute"]: ("positions", "history"),
    TYPES["recommendation"]: ("history",),
    TYPES["milestone"]: ("changes", "status_changes"),
}
SHARED_TYPES: Final = frozenset(_ENTRIES)
# The properties of each kind of shared record fixed when it is created: no version changes them (sarhad's own
# commands never do), whichever party publishes it.
FIXED: Final[dict[str, tuple[str, ...]]] = {
    TYPES["dispute"]: (
        "created", "created_by_ref", "framework", "code", "subject", "summary", "raised_by", "raised_on",
        "recorded_by",
    ),
    TYPES["recommendation"]: (
        "created", "created_by_ref", "framework", "code", "quarter", "text", "owner", "due", "commitment",
    ),
    TYPES["milestone"]: ("created_by_ref", "framework", "code", "commitment", "name", "due"),
}  # fmt: skip
MILESTONE_CREATED: Final = "scheduled"
"""The status every milestone is created with; a change of it is made with an entry of ``status_changes``."""

_MISSING: Final = object()
# Ids per query: well under SQLite's limit of host parameters.
_BATCH: Final = 500

# This node's own versions (their parsed bodies) of each of the given ids that it published.
OwnVersions = Callable[[Sequence[str]], dict[str, list[dict[str, Any]]]]


def _names(value: Any, party: str) -> bool:
    """Whether ``value`` names ``party`` (compared as the claims check does: case and surrounding space aside)."""
    return isinstance(value, str) and value.strip().casefold() == party.strip().casefold()


def attributed(obj: dict[str, Any], party: str) -> Iterator[tuple[str, str, Any]]:
    """The entries of the shared record ``obj`` attributed to ``party``: ``(where, field, entry)``, e.g.
    ``("positions['PK']", "positions", {...})`` or ``("history[2]", "history", {...})``. None for an object of
    another kind."""
    kind = obj.get("type")
    for name in _ENTRIES.get(kind, ()) if isinstance(kind, str) else ():
        value = obj.get(name)
        if isinstance(value, dict):
            for key, entry in value.items():
                if _names(key, party):
                    yield f"{name}[{key!r}]", name, entry
        elif isinstance(value, list):
            for i, entry in enumerate(value):
                if isinstance(entry, dict) and _names(entry.get("by"), party):
                    yield f"{name}[{i}]", name, entry


def own_versions(db: Database, party: str, ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """The versions of ``ids`` this node (of ``party``) published itself, parsed, by id, oldest first: one query
    per 500 ids."""
    found: dict[str, list[dict[str, Any]]] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), _BATCH):
        batch = unique[start : start + _BATCH]
        rows = db.fetchall(
            f"SELECT id, body FROM objects WHERE origin = ? AND id IN ({','.join('?' * len(batch))})"
            " AND body IS NOT NULL ORDER BY modified",
            (party, *batch),
        )
        for object_id, body in rows:
            found.setdefault(str(object_id), []).append(orjson.loads(body))
    return found


def _text(entry: Any) -> str | None:
    try:
        return canonical_text(entry)
    except InvalidInput:
        return None


def _differing(entry: Any, published: Any) -> list[str]:
    """The fields in which ``entry`` differs from ``published`` (``['the whole entry']`` unless both are objects)."""
    if not isinstance(entry, dict) or not isinstance(published, dict):
        return ["the whole entry"]
    return sorted(k for k in entry.keys() | published.keys() if _text(entry.get(k)) != _text(published.get(k)))


def rewrite_refusal(obj: dict[str, Any], party: str, published: list[dict[str, Any]]) -> str | None:
    """Why step 3 refuses the peer's version ``obj`` of a shared record: an entry of it attributed to ``party``,
    this node's, equals no entry of the same field in ``published``, the versions of that record this node
    published itself. None when every such entry does. A version of an older release this node published counts
    with the entry that explains its status (:func:`older_release_entry`, in ``party``'s name): the one a peer
    records for it when it next changes the milestone.

    The reason names the record's entry and, against the nearest entry this node published, the fields that
    differ (the caller names the log entry).
    """
    mine: dict[str, list[Any]] = {}
    for version in published:
        for _where, name, entry in attributed(_explained(version, party), party):
            mine.setdefault(name, []).append(entry)
    for where, name, entry in attributed(obj, party):
        text = _text(entry)
        candidates = mine.get(name, [])
        if text is not None and any(_text(c) == text for c in candidates):
            continue
        if not candidates:
            said = f"{party} never published an entry of this record's {name}"
        else:
            fields = min((_differing(entry, c) for c in candidates), key=len)
            said = f"it differs from what {party} published ({', '.join(fields) or 'its form'})"
        return (
            f"{where} is attributed to {party}, this node's party, but {said}: a peer cannot write or rewrite"
            f" {party}'s words"
        )
    return None


def _shown(value: Any) -> str:
    if value is _MISSING:
        return "none"
    return _text(value) or repr(value)


def field_refusal(obj: dict[str, Any], party: str, published: list[dict[str, Any]]) -> str | None:
    """Why step 3 refuses the peer's version ``obj`` of a shared record for a field fixed at creation
    (:data:`FIXED`) whose value differs from the one in ``published``, the versions of that record this node (of
    ``party``) published itself: the field and both values. None when none differs, or this node published none."""
    if not published:
        return None
    mine = published[0]
    for name in FIXED.get(str(obj.get("type")), ()):
        theirs, ours = obj.get(name, _MISSING), mine.get(name, _MISSING)
        if (_MISSING if theirs is _MISSING else _text(theirs)) != (_MISSING if ours is _MISSING else _text(ours)):
            return (
                f"{name} is {_shown(theirs)} but {party} published {_shown(ours)}: {name} is fixed when the record"
                " is created, and a peer cannot change it"
            )
    return None


_LEVEL_EVENT: Final = re.compile(r"(?:opened at|escalated to|moved to) (\S+) level")
_STATUS_EVENT: Final = re.compile(r"status (\S+)")
_POSITION_EVENT: Final = "position recorded"
# The fields of a dispute's history entry that say what it changed, beside its text (``event``), which says the
# same in words for a node of release 0.1.0 (which keeps a peer's entries as published and reads the text only).
DISPUTE_EVENT_FIELDS: Final = ("level", "status", "note")


class DisputeEvent(NamedTuple):
    """What one entry of a dispute's history records: the level and status it changes to (None: unchanged), its
    note, and whether it is a party's position."""

    level: str | None = None
    status: str | None = None
    note: str | None = None
    position: bool = False


def dispute_event(entry: Any) -> DisputeEvent:
    """What the dispute history entry ``entry`` records.

    An entry with any of :data:`DISPUTE_EVENT_FIELDS` is read from them alone, so a note says nothing else
    whatever its words. One without (written by an older release, or opening the dispute, or a position) is read
    from its text as the commands write it: a change of level, then of status, then the note, joined by ``; ``.
    Only the parts in that order are a level and a status; whatever follows is the note, ``; `` and all. (Such an
    entry that is a note alone reading like a change, ``status open``, is read as that change: its text cannot
    tell them apart.)
    """
    if not isinstance(entry, dict):
        return DisputeEvent()
    if any(name in entry for name in DISPUTE_EVENT_FIELDS):
        level, status, note = (entry.get(name) for name in DISPUTE_EVENT_FIELDS)
        return DisputeEvent(
            level if isinstance(level, str) else None,
            status if isinstance(status, str) else None,
            note if isinstance(note, str) else None,
        )
    event = str(entry.get("event") or "")
    if event == _POSITION_EVENT:
        return DisputeEvent(position=True)
    parts = event.split("; ")
    level = status = None
    if (found := _LEVEL_EVENT.fullmatch(parts[0])) is not None:
        level = found.group(1)
        parts = parts[1:]
    if parts and (found := _STATUS_EVENT.fullmatch(parts[0])) is not None:
        status = found.group(1)
        parts = parts[1:]
    note = "; ".join(parts)
    return DisputeEvent(level, status, note or None)


def _dispute_state(history: list[Any]) -> dict[str, Any]:
    """The level and status a dispute's history arrives at (as :mod:`sarhad.framework.disputes` records them)."""
    level: str | None = None
    status = "open"
    for entry in history:
        event = dispute_event(entry)
        level = event.level or level
        status = event.status or status
        if event.position and status == "open":
            status = "under-review"
    return {"level": level, "status": status}


def _recommendation_state(history: list[Any]) -> dict[str, Any]:
    """The status a recommendation's follow-up arrives at: its latest entry's, or open."""
    last = next((e["status"] for e in reversed(history) if isinstance(e, dict) and "status" in e), "open")
    return {"status": last}


def _milestone_date(changes: list[Any]) -> dict[str, Any]:
    """The revised date a milestone's changes of date arrive at: the latest one's, or none."""
    last = next((e.get("to") for e in reversed(changes) if isinstance(e, dict)), None)
    return {"due_revised": last}


def _milestone_status(changes: list[Any]) -> dict[str, Any]:
    """The status and date met a milestone's changes of status arrive at: the latest one's, or ``scheduled`` and
    none, as every milestone is created (``sarhad framework init``)."""
    last = next((e for e in reversed(changes) if isinstance(e, dict)), {})
    return {"status": last.get("status", MILESTONE_CREATED), "date_met": last.get("date_met")}


# Per kind of shared record, per list of entries, the state that list arrives at (field name → value).
_STATE: Final[dict[str, dict[str, Callable[[list[Any]], dict[str, Any]]]]] = {
    TYPES["dispute"]: {"history": _dispute_state},
    TYPES["recommendation"]: {"history": _recommendation_state},
    TYPES["milestone"]: {"changes": _milestone_date, "status_changes": _milestone_status},
}


def _entries(obj: dict[str, Any], name: str) -> list[Any]:
    value = obj.get(name)
    return value if isinstance(value, list) else []


def history_state(obj: dict[str, Any], lists: Sequence[str] | None = None) -> dict[str, Any]:
    """The state the history of the shared record ``obj`` arrives at, by field: a dispute's level and status, a
    recommendation's status, a milestone's revised date, status and date met (of the lists of entries ``lists``,
    every one when None). Empty for an object of another kind."""
    state: dict[str, Any] = {}
    for name, arrives_at in _STATE.get(str(obj.get("type")), {}).items():
        if lists is None or name in lists:
            state.update(arrives_at(_entries(obj, name)))
    return state


def older_release_entry(version: dict[str, Any], author: str) -> dict[str, Any] | None:
    """The entry of ``status_changes`` that explains the status and date met of ``version``, a milestone version of
    an older release (0.1.0 wrote none, and no ``status_changes`` field): ``author``, the party that published it,
    made the change on the day of the version's ``modified``. None for a version that has the field, one still as
    every milestone is created (scheduled, no date met), or a record of another kind."""
    if version.get("type") != TYPES["milestone"] or "status_changes" in version:
        return None
    status, met = version.get("status", MILESTONE_CREATED), version.get("date_met")
    if status == MILESTONE_CREATED and not met:
        return None
    entry = {"on": str(version.get("modified", ""))[:10], "by": author, "status": status}
    return {**entry, "date_met": met} if met else entry


def _explained(version: dict[str, Any], author: str) -> dict[str, Any]:
    """``version`` with the ``status_changes`` of :func:`older_release_entry` when it is a milestone version of an
    older release that changed its status; else ``version`` itself."""
    entry = older_release_entry(version, author)
    return version if entry is None else {**version, "status_changes": [entry]}


def _with_older_release_entries(versions: Sequence[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    """``versions`` (party that published it, body), oldest first, each milestone version of an older release given
    the ``status_changes`` that explain its status: the entry of the first of them that carried that status and
    date met, in the name of the party that published that one (a later version keeping the status made no
    change)."""
    first: dict[tuple[Any, Any], dict[str, Any]] = {}
    explained = []
    for party, version in versions:
        entry = older_release_entry(version, party)
        if entry is not None:
            entry = first.setdefault((entry["status"], entry.get("date_met")), entry)
            version = {**version, "status_changes": [entry]}
        explained.append((party, version))
    return explained


# Who made the change does not decide whether an entry explains a state; this names no party.
_ANY_AUTHOR: Final = ""


def state_refusal(obj: dict[str, Any]) -> str | None:
    """Why step 3 refuses the peer's version ``obj`` of a shared record whose state is not the one its history
    arrives at (:func:`history_state`: a change of level or status, of a milestone's date, status or date met,
    that no entry records and attributes to the party that made it); None when it is, or ``obj`` is of another
    kind. A milestone version of an older release, with no ``status_changes`` field, is explained by the entry
    :func:`older_release_entry` gives it (in the name of the party that published it)."""
    for name, value in history_state(_explained(obj, _ANY_AUTHOR)).items():
        if obj.get(name) != value:
            said = "none" if value is None else repr(value)
            return (
                f"{name} is {_shown(obj.get(name, _MISSING))} but its history records {said}: a change of state is"
                " made with the history entry that names the party that made it"
            )
    return None


def merge_versions(current: dict[str, Any], versions: Sequence[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The current version ``current`` of a shared record as the framework's views show it, merged with
    ``versions``, the versions of it this node holds as ``(party that published it, body)``, oldest first
    (``current`` among them). ``current`` itself is not changed.

    Each party's entries are taken from its own versions, as it last published them: its latest position in a
    dispute replaces the one ``current`` holds or is added, and each of its history entries (or a milestone's
    changes) that ``current`` lacks is added. So a later version that replies to one its author had not yet seen
    revised, and leaves the other party's latest entries out, is shown with them, and both nodes, holding the
    same versions, show the same record whichever is current on each.

    Entries are ordered by their day (``on``), then by when the first version carrying them was published (its
    ``modified``), then by their place in that version: the order they were made in, the same on every node that
    holds those versions. The state follows the merged history (:func:`history_state`): the latest change of
    level, status or date, whoever made it, even when it is an entry put back. A dispute's outcome
    (``resolved_on``, ``resolution``) is always the one of the entry that resolved it (:func:`_take_outcome`).

    A milestone version of an older release (no ``status_changes``) is merged with the entry that explains its
    status: in the name of the party that published the first version carrying that status, dated by its
    ``modified``.
    """
    kind = str(current.get("type"))
    names = _ENTRIES.get(kind, ())
    if not names:
        return current
    versions = _with_older_release_entries(versions)
    current = next((v for _, v in versions if _is_version(v, current)), current)
    first = _first_published(versions, names)
    merged = dict(current)
    by_party: dict[str, list[dict[str, Any]]] = {}
    for party, version in versions:
        by_party.setdefault(party, []).append(version)
    for party, published in by_party.items():
        merged = _with_entries_of(merged, party, published, names)
    for name in names:
        value = merged.get(name)
        if isinstance(value, list):
            merged[name] = sorted(value, key=lambda e: _order(e, first))
    changed = [name for name in names if _text(merged.get(name)) != _text(current.get(name))]
    if changed:
        _follow_history(merged, changed)
    if kind == TYPES["dispute"]:
        _take_outcome(merged)
    return merged


def as_of_day(record: dict[str, Any], day: str) -> dict[str, Any]:
    """``record``, a shared record as :func:`merge_versions` shows it, as its own entries say it stood at the end of
    ``day`` (an ISO date): its entries dated later (``on``) and a dispute's positions taken later left out, and the
    state (and a dispute's outcome) the entries left arrive at. ``record`` itself is not changed."""
    kind = str(record.get("type"))
    names = _ENTRIES.get(kind, ())
    out = dict(record)

    def later(entry: Any) -> bool:
        return isinstance(entry, dict) and str(entry.get("on") or "")[:10] > day

    for name in names:
        value = out.get(name)
        if isinstance(value, list):
            out[name] = [e for e in value if not later(e)]
        elif isinstance(value, dict):
            out[name] = {party: entry for party, entry in value.items() if not later(entry)}
    _follow_history(out, list(names))
    if kind == TYPES["dispute"]:
        _take_outcome(out)
    return out


def _is_version(explained: dict[str, Any], current: dict[str, Any]) -> bool:
    """Whether ``explained`` is ``current`` (the same version), perhaps given entries that explain its status."""
    return explained.get("modified") == current.get("modified") and _text(
        {k: v for k, v in explained.items() if k != "status_changes"}
    ) == _text({k: v for k, v in current.items() if k != "status_changes"})


_Order = tuple[str, str, int]


def _first_published(versions: Sequence[tuple[str, dict[str, Any]]], names: Sequence[str]) -> dict[str, _Order]:
    """Each entry (by its canonical text) of the lists ``names`` in ``versions``: the day it names, the
    ``modified`` of the first version carrying it, and its place in that version."""
    first: dict[str, _Order] = {}
    for _party, version in sorted(versions, key=lambda v: str(v[1].get("modified", ""))):
        for name in names:
            for place, entry in enumerate(_entries(version, name)):
                text = _text(entry)
                if text is not None and text not in first:
                    first[text] = (_day(entry), str(version.get("modified", "")), place)
    return first


def _day(entry: Any) -> str:
    return str(entry.get("on", "")) if isinstance(entry, dict) else ""


def _order(entry: Any, first: dict[str, _Order]) -> _Order:
    """Where ``entry`` goes in its list (see :func:`merge_versions`); one no held version carries goes last of
    its day."""
    return first.get(_text(entry) or "", (_day(entry), "\uffff", 0))


def _with_entries_of(
    record: dict[str, Any], party: str, published: list[dict[str, Any]], names: Sequence[str]
) -> dict[str, Any]:
    """``record`` with ``party``'s entries (of the lists and positions ``names``) as in ``published``, its own
    versions, oldest first: its latest position replaces the one ``record`` holds, and each entry ``record``
    lacks is added."""
    merged = dict(record)
    for name in names:
        ours = [entry for version in published for _where, field, entry in attributed(version, party) if field == name]
        value = record.get(name)
        if value is None and ours:
            # A list the record has no field for until its first entry (a milestone's status_changes before any
            # change of status): the party's entries are added all the same.
            value = {} if any(isinstance(version.get(name), dict) for version in published) else []
        if isinstance(value, dict):
            if ours:
                keys = [k for k in value if _names(k, party)]
                merged[name] = {**{k: v for k, v in value.items() if k not in keys}, party: ours[-1]}
        elif isinstance(value, list):
            held = {_text(e) for e in value}
            added = []
            for entry in ours:
                text = _text(entry)
                if text not in held:
                    held.add(text)
                    added.append(entry)
            if added:
                merged[name] = [*value, *added]
    return merged


def _follow_history(merged: dict[str, Any], changed: list[str]) -> None:
    """Set ``merged``'s state to the one its merged lists ``changed`` arrive at."""
    state = history_state(merged, changed)
    if state.get("level", "") is None:
        del state["level"]  # a history that opens it at no level: the level it holds stays
    merged.update(state)
    if "date_met" in state and state["date_met"] is None:
        del merged["date_met"]  # not met: no date, as a milestone is created


def _take_outcome(dispute: dict[str, Any]) -> None:
    """Set the outcome of ``dispute`` (merged) to the one of the history entry that resolved it: its day
    (``resolved_on``) and its note (``resolution``); none while it is not resolved.

    Taken from the entry, not the version's own fields, whichever version is current: the merged history may
    resolve it by a later entry (both parties resolved it apart), and the entry, unlike those fields, names the
    party whose words the note is (a peer's version that rewrote another party's note in ``resolution`` alone
    would otherwise be shown).
    """
    resolving = _resolving_entry(dispute)
    dispute.pop("resolved_on", None)
    dispute.pop("resolution", None)
    if resolving is None:
        return
    dispute["resolved_on"] = resolving.get("on")
    note = dispute_event(resolving).note
    if note:
        dispute["resolution"] = note


def _resolving_entry(dispute: dict[str, Any]) -> dict[str, Any] | None:
    """The entry of ``dispute``'s history that recorded its resolved status, when that is its status."""
    status = str(dispute.get("status"))
    if not status.startswith("resolved"):
        return None
    for entry in reversed(_entries(dispute, "history")):
        if isinstance(entry, dict) and dispute_event(entry).status == status:
            return entry
    return None
