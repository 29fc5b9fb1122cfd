"""``object_recipients``: the named recipients of every TLP:RED object version the node holds, as a view.

A TLP:RED incident may name the principals it is for (``PARTY:NAME``, in the sarhad extension's
``recipients``; see :class:`sarhad.model.incident.Incident`). Access checks need them in SQL, per row: the view
``object_recipients (object_id, modified, recipient, party)`` reads them out of the stored bodies (SQLite
``json_each``, PostgreSQL ``jsonb_array_elements``), for RED rows only. The access clauses ask it with
``EXISTS (… WHERE object_id = ? AND modified = ? …)``: a lookup of the row by the primary key of ``objects`` and
one parse of its body, for a RED row, and nothing for any other row.

Why a view and not a table filled by triggers on ``objects``: on SQLite any trigger
on ``objects`` makes every insert keep a statement journal, because the writers' inserts may abort on a unique
key; that cost about 14 µs per inserted row, RED or not (about 5% of the CPU time of an import of 20,000 rows
into a node of 50,000). A view costs writers nothing and cannot drift from the bodies (every writer, publish,
sync, a repair, is covered). Its price is paid by readers, per RED row they look at; a partial index on the RED rows of
``objects`` lets a query find those without a scan.

A ``recipients`` value that is not a list, and elements that are not strings with a party, give no row (a
peer's body is whatever it signed; such a name matches no principal anyway).
"""

from __future__ import annotations

from typing import Final

from sarhad.model.incident import SARHAD_EXTENSION
from sarhad.store.db import Database

__all__ = ["MIGRATIONS", "recipients_of"]

_SQLITE_PATH: Final = f"'$.extensions.\"{SARHAD_EXTENSION}\".recipients'"
_PG_LIST: Final = f"(o.body::jsonb -> 'extensions' -> '{SARHAD_EXTENSION}' -> 'recipients')"
# Only RED rows whose text holds the key at all are parsed (a substring test is much cheaper than a parse).
_KEY: Final = "'\"recipients\":'"

# The statements of the ``recipients`` component (sarhad.store.schema runs them after ``core``): a plain string
# runs on both dialects; a mapping gives each dialect its own. migrate() fills templates with str.format, so
# literal braces are doubled.
MIGRATIONS: Final[list[str | dict[str, str]]] = [
    {
        # json_each over an array gives its elements with integer keys (over a scalar, one row with a NULL key)
        "sqlite": "CREATE VIEW object_recipients AS SELECT o.id AS object_id, o.modified AS modified,"
        " j.value AS recipient, substr(j.value, 1, instr(j.value, ':') - 1) AS party"
        f" FROM objects o, json_each(o.body, {_SQLITE_PATH}) j"
        f" WHERE o.tlp = 'RED' AND instr(o.body, {_KEY}) > 0"
        " AND typeof(j.key) = 'integer' AND j.type = 'text' AND instr(j.value, ':') > 1",
        "postgresql": "CREATE VIEW object_recipients AS SELECT o.id AS object_id, o.modified AS modified,"
        " e.value #>> '{{}}' AS recipient, split_part(e.value #>> '{{}}', ':', 1) AS party"
        f" FROM objects o, jsonb_array_elements(CASE WHEN jsonb_typeof({_PG_LIST}) = 'array' THEN {_PG_LIST}"
        " ELSE '[]'::jsonb END) e"
        f" WHERE o.tlp = 'RED' AND strpos(o.body, {_KEY}) > 0"
        " AND jsonb_typeof(e.value) = 'string' AND position(':' in e.value #>> '{{}}') > 1",
    },
    # The RED rows: of objects (a recipient's own records, found without a scan), and the current versions of
    # incidents by date (the few rows a recipient's queries add to what the dashboard's summaries answer).
    # Partial, so that no other row pays for them.
    "CREATE INDEX objects_red ON objects (seq) WHERE tlp = 'RED'",
    "CREATE INDEX incidents_red ON incidents (date_start) WHERE tlp = 'RED'",
]


def recipients_of(db: Database, object_id: str, modified: str) -> tuple[str, ...]:
    """The named recipients of one object version, sorted (empty when it names none or is not TLP:RED)."""
    rows = db.fetchall(
        "SELECT DISTINCT recipient FROM object_recipients WHERE object_id = ? AND modified = ? ORDER BY recipient",
        (object_id, modified),
    )
    return tuple(str(r[0]) for r in rows)
