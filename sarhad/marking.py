"""Changing the TLP marking of one of the node's own records, and naming a TLP:RED record's recipients.

The new marking is a new version of the record (stored, logged, signed like any other); earlier versions keep
the marking they were published with, and are read only by those who may read the new one too
(:func:`sarhad.web.auth.may_read`): marking a record stricter stops the disclosure of its earlier versions to
those the new marking leaves out, though copies already pulled cannot be recalled. Only the originating node
may change a record's marking.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from sarhad.errors import AccessDenied, InvalidInput, NotFound
from sarhad.model.codes import tlp_label
from sarhad.model.incident import Incident, check_recipient
from sarhad.node import Node, PublishResult

__all__ = ["mark_incident"]


def mark_incident(
    node: Node, incident_id: str, tlp: str, recipients: Iterable[str] = ()
) -> tuple[Incident, PublishResult]:
    """Publish a new version of the node's own incident ``incident_id`` marked ``tlp`` (``TLP:`` prefix and
    case ignored) for ``recipients`` (``PARTY:NAME``; TLP:RED only; none: the node's party's principals).

    Returns the record as marked and what the publish did (``unchanged`` when it was already so marked).
    Raises NotFound for an unknown id, AccessDenied for another party's record, InvalidInput for an unknown
    level, a malformed recipient or recipients on a record that is not TLP:RED (nothing is stored then).
    """
    level = tlp_label(tlp)
    named = tuple(sorted({check_recipient(r) for r in recipients}))
    if named and level != "RED":
        raise InvalidInput(f"recipients are for TLP:RED records only; the marking asked for is TLP:{level}")
    row = node.db.fetchone("SELECT origin FROM incidents WHERE id = ?", (incident_id,))
    if row is None:
        raise NotFound(f"no incident {incident_id}")
    if str(row[0]) != node.settings.party:
        raise AccessDenied(
            f"incident {incident_id} was published by {row[0]}; only its originator may change its marking"
        )
    marked = dataclasses.replace(node.incident(incident_id), tlp=level, recipients=named)
    return marked, node.publish([marked])
