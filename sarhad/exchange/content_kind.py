"""One kind of content hash in ``objects.content_sha256``, for the versions a sync stored before it was so.

``content_sha256`` is :func:`sarhad.model.incident.content_hash`: the SHA-256 of an object's canonical JSON with
its two timestamps replaced by stand-ins, which the publisher computes for this node's own versions and a sync for
a peer's. Before, a sync stored the hash of the canonical JSON *without* the two members, so a peer's version
never had the content hash of the same content published here, and publishing a peer's current content again
(a shared record both parties write, a bundle re-imported) made a new version each time instead of none. The
step below recomputes the hash of every version that is not in this node's own log (those a sync stored, whose
``objects`` row is the only one of its id and version) from its stored body, and the ``incidents`` rows taken
from them.
"""

from __future__ import annotations

from typing import Final

from sarhad.exchange.entries import _content_hash, _loads
from sarhad.store.db import Database

__all__ = ["one_content_kind"]

_PAGE: Final = 2000


def one_content_kind(db: Database) -> None:
    """Recompute ``content_sha256`` of the versions not in this node's own log, and of their ``incidents`` rows
    (a data step of the exchange component's migrations, run after the log's tables exist).

    Reads the versions a page at a time in primary-key order (a row-value comparison, which both databases
    answer from the primary key), so the memory stays bounded on a node holding a peer's hundred thousand
    records and each page starts where the last ended.
    """
    last: tuple[str, str] = ("", "")
    while True:
        page = db.fetchall(
            "SELECT o.id, o.modified, o.body, o.content_sha256 FROM objects o"
            " WHERE (o.id, o.modified) > (?, ?)"
            " AND NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.object_id = o.id AND l.version = o.modified)"
            " ORDER BY o.id, o.modified LIMIT ?",
            (*last, _PAGE),
        )
        if not page:
            return
        changed = []
        for object_id, modified, body, stored in page:
            text = str(body)
            digest = _content_hash(_loads(text), text)
            if digest != stored:
                changed.append((digest, object_id, modified))
        if changed:
            db.executemany("UPDATE objects SET content_sha256 = ? WHERE id = ? AND modified = ?", changed)
            db.executemany("UPDATE incidents SET content_sha256 = ? WHERE id = ? AND modified = ?", changed)
        last = (str(page[-1][0]), str(page[-1][1]))
