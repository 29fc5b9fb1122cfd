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
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final

import orjson

from sarhad.canonical import canonical_text
from sarhad.errors import InvalidInput
from sarhad.framework.model import TYPES
from sarhad.store.db import Database

__all__ = ["SHARED_TYPES", "OwnVersions", "attributed", "own_versions", "rewrite_refusal"]

# The entries of each kind of shared record that name the party that wrote them: a dispute's positions (an
# object keyed by party) and history, a recommendation's follow-up history and a milestone's changes of date
# (lists whose entries name their party in ``by``).
_ENTRIES: Final[dict[str, tuple[str, ...]]] = {
    TYPES["dispute"]: ("positions", "history"),
    TYPES["recommendation"]: ("history",),
    TYPES["milestone"]: ("changes",),
}
SHARED_TYPES: Final = frozenset(_ENTRIES)
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
    """The versions of ``ids`` this node (of ``party``) published itself, parsed, by id: one query per 500 ids."""
    found: dict[str, list[dict[str, Any]]] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), _BATCH):
        batch = unique[start : start + _BATCH]
        rows = db.fetchall(
            f"SELECT id, body FROM objects WHERE origin = ? AND id IN ({','.join('?' * len(batch))})"
            " AND body IS NOT NULL",
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
    published itself. None when every such entry does.

    The reason names the record's entry and, against the nearest entry this node published, the fields that
    differ (the caller names the log entry).
    """
    mine: dict[str, list[Any]] = {}
    for version in published:
        for _where, name, entry in attributed(version, party):
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
