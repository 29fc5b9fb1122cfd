"""What the framework's record-writing modules share: the one write path (:meth:`sarhad.node.Node.publisher`,
with the query tables indexed in the same transaction) and the checks of a party, a quarter and a date that every
kind of record makes before anything is written.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sarhad.errors import InvalidInput
from sarhad.framework.model import JOINT
from sarhad.framework.quarter import Quarter, utc_today
from sarhad.framework.store import FrameworkData, current_body, index_stored
from sarhad.model.codes import TLP_LEVELS, tlp_label
from sarhad.store.current import current

if TYPE_CHECKING:
    from sarhad.node import Node

__all__ = [
    "current_version",
    "date_or_quarter_end",
    "framework_quarter",
    "kept_marking",
    "now_stamp",
    "publish",
    "require_started",
    "resolve_party",
    "tlp_label",
]


def now_stamp() -> str:
    """The UTC time now, to the second (``2026-04-14T09:30:00Z``), as a record's own time stamps write it."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def publish(node: Node, objects: list[tuple[dict[str, Any], str]]) -> list[str | None]:
    """Publish objects in one transaction and index each new version; returns the versions (None = unchanged)."""
    versions: list[str | None] = []
    with node.publisher() as pub:
        for stix, tlp in objects:
            version = pub.add_object(stix, tlp=tlp)
            index_stored(node.db, stix["id"], version)
            versions.append(version)
    return versions


def current_marking(node: Node, object_id_: str, default: str) -> str:
    """The TLP of the current version of ``object_id_`` (by the store's rule), ``default`` when none is held.

    When its latest version was withheld from this node (none is current here), the latest version held: the
    one a new version builds on (the framework's views read it), whose marking it keeps, not ``default``.
    """
    row = node.db.fetchone(
        f"SELECT o.tlp FROM objects o WHERE o.id = ? ORDER BY CASE WHEN {current('o')} THEN 0 ELSE 1 END,"
        " o.modified DESC LIMIT 1",
        (object_id_,),
    )
    return default if row is None else str(row[0])


def kept_marking(node: Node, record: dict[str, Any], tlp: str | None, name: str, change: str) -> str:
    """The TLP a new version of ``record`` (a dispute or a recommendation: both parties write into it) is
    published with: that of its current version (:func:`current_marking`), GREEN when this node holds none.
    ``name`` names the record in the errors (``dispute D-2025Q4-PK1``), ``change`` the new version (``a reply``).

    A ``tlp`` given must be that marking. A less strict one would lay the record open to readers its marking
    leaves out; a stricter one would take the whole record, the other party's entries included, from those who
    read it (a reply marked RED would silence a dispute opened TLP:CLEAR for the parliamentary monitors), and on
    the other party's node the version it may not read would supersede the record. What may not be read at the
    record's marking goes into evidence marked stricter, which the record cites and the views show as withheld.

    Raises InvalidInput, before anything is published, for a ``tlp`` that is not a TLP level or not the marking.
    """
    marking = current_marking(node, record["id"], "GREEN")
    if tlp is None:
        return marking
    asked = tlp_label(tlp)
    if TLP_LEVELS.index(asked) < TLP_LEVELS.index(marking):
        raise InvalidInput(
            f"{name} is marked TLP:{marking}: {change} marked TLP:{asked} would lay it open to those who may read"
            f" TLP:{asked}; nothing was published. {change[0].upper()}{change[1:]} keeps the record's marking:"
            f" give --tlp {marking} or leave --tlp out"
        )
    if asked != marking:
        raise InvalidInput(
            f"{name} is marked TLP:{marking}: {change} marked TLP:{asked} would take all of it, the other party's"
            f" entries included, from those who may read TLP:{marking}; nothing was published."
            f" {change[0].upper()}{change[1:]} keeps the record's marking: give --tlp {marking} or leave --tlp out,"
            f" and put what may not be read at TLP:{marking} in evidence marked TLP:{asked}"
        )
    return marking


def resolve_party(data: FrameworkData, node: Node, party: str | None, *, joint: bool = False) -> str:
    """The party a record is in the name of: ``party`` (this node's party by default), upper-cased.

    Raises InvalidInput when it is not a party to the framework (or the joint committee, with ``joint``).
    """
    value = (party or node.settings.party).strip().upper()
    allowed = [*data.parties, *([JOINT] if joint else [])]
    if value not in allowed:
        raise InvalidInput(f"party {value!r} is not one of {', '.join(allowed)}")
    return value


def framework_quarter(data: FrameworkData, text: str) -> Quarter:
    """The quarter ``text`` names (``2026Q1``). Raises InvalidInput for a bad quarter or one before the
    framework's first quarter."""
    q = Quarter.parse(text)
    first = Quarter.parse(data.framework.get("first_quarter") or "2025Q4")
    if q < first:
        raise InvalidInput(f"quarter {q} is before the framework's first quarter {first}")
    return q


def require_started(q: Quarter, what: str, today: date | None) -> None:
    """Refuse a record of a quarter that has not started (by the UTC date): nothing can be assessed or measured
    yet. The current quarter is allowed, as parties assess during it."""
    now = Quarter.of(today or utc_today())
    if q > now:
        raise InvalidInput(f"quarter {q} has not started yet: {what} may be for the current quarter {now} or earlier")


def date_or_quarter_end(text: str | None, flag: str) -> str | None:
    """An ISO date from a date (``2026-03-31``) or a quarter (its last day); None for None.

    Raises InvalidInput naming ``flag`` for anything else.
    """
    if text is None:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        try:
            return Quarter.parse(text).end.isoformat()
        except InvalidInput:
            raise InvalidInput(f"{flag} {text!r} is not a date (YYYY-MM-DD) or a quarter (YYYYQn)") from None


def current_version(node: Node, object_id_: str) -> dict[str, Any] | None:
    """The current version of an object by the store's rule (:func:`sarhad.framework.store.current_body`), or None
    when this node holds none or its latest version was withheld from this node.

    So a new version of one of this node's own assessments or items of evidence builds on this node's own current
    version, never on a peer's later copy of it.
    """
    return current_body(node.db, object_id_)
