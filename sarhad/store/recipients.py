"""The ``object_recipients`` table: the named recipients of every TLP:RED object version the node holds.

A TLP:RED incident may name the principals it is for (``PARTY:NAME``, in the sarhad extension's
``recipients``; see :class:`sarhad.model.incident.Incident`). Access checks need them in SQL, per row, without
parsing bodies: this table holds one row per (object version, recipient), with the recipient's party apart.

The database derives it itself, with triggers on ``objects``: every writer (the publisher, a sync's bulk
insert, COPY on PostgreSQL) is covered without knowing about it, and a row that is not TLP:RED pays only the
trigger's ``WHEN`` test. Elements that are not strings, or a ``recipients`` that is not a list, give no row
(a peer's body is whatever it signed; such a name matches no principal anyway).
"""

from __future__ import annotations

from typing import Final

from sarhad.model.incident import SARHAD_EXTENSION
from sarhad.store.db import Database

__all__ = ["MIGRATIONS", "rebuild_recipients", "recipients_of"]

_SQLITE_PATH: Final = f"'$.extensions.\"{SARHAD_EXTENSION}\".recipients'"
_PG_LIST: Final = f"(ROW.body::jsonb -> 'extensions' -> '{SARHAD_EXTENSION}' -> 'recipients')"
# The rows of one objects row's recipients (ROW is NEW in a trigger, or ``o`` over the whole table): the
# recipient and its party (the text before the first colon). A recipients value that is not a list, and
# elements that are not strings with a party, give no row.
_SELECT: Final = {
    "sqlite": (
        "SELECT ROW.id, ROW.modified, r.value, substr(r.value, 1, instr(r.value, ':') - 1)"
        f" FROM TABLE json_each(ROW.body, {_SQLITE_PATH}) r WHERE json_type(ROW.body, {_SQLITE_PATH}) = 'array'"
        " AND r.type = 'text' AND instr(r.value, ':') > 1"
    ),
    "postgresql": (
        "SELECT ROW.id, ROW.modified, e.value #>> '{}', split_part(e.value #>> '{}', ':', 1)"
        f" FROM TABLE jsonb_array_elements(CASE WHEN jsonb_typeof({_PG_LIST}) = 'array' THEN {_PG_LIST}"
        " ELSE '[]'::jsonb END) e WHERE jsonb_typeof(e.value) = 'string' AND position(':' in e.value #>> '{}') > 1"
    ),
}
_INSERT: Final = "INSERT INTO object_recipients (object_id, modified, recipient, party) "


def _insert(dialect: str, row: str, condition: str = "") -> str:
    """INSERT … SELECT of the recipients of ``row`` (NEW, or every row of ``objects`` as ``o``)."""
    select = _SELECT[dialect].replace("ROW.", f"{row}.").replace("TABLE ", "objects o, " if row == "o" else "")
    return f"{_INSERT}{select}{condition} ON CONFLICT DO NOTHING"


def _ddl(text: str) -> str:
    # migrate() fills {bigint} and the like with str.format: keep the JSON path's braces as they are
    return text.replace("{", "{{").replace("}", "}}")


_STILL_RED: Final = " AND NEW.tlp = 'RED'"
_DELETE_OLD: Final = "DELETE FROM object_recipients WHERE object_id = OLD.id AND modified = OLD.modified;"

# Statements of the ``core`` component (appended to sarhad.store.schema.CORE): a plain string runs on both
# dialects; a mapping gives each dialect its own (the list keeps one version number per step for both).
MIGRATIONS: Final[list[str | dict[str, str]]] = [
    """CREATE TABLE object_recipients (
        object_id TEXT NOT NULL,
        modified TEXT NOT NULL,
        recipient TEXT NOT NULL,
        party TEXT NOT NULL,
        PRIMARY KEY (object_id, modified, recipient)
    )""",
    "CREATE INDEX object_recipients_recipient ON object_recipients (recipient)",
    "CREATE INDEX object_recipients_party ON object_recipients (party)",
    {
        "sqlite": _ddl(
            "CREATE TRIGGER objects_recipients_insert AFTER INSERT ON objects WHEN NEW.tlp = 'RED'"
            f" BEGIN {_insert('sqlite', 'NEW')}; END"
        ),
        "postgresql": _ddl(
            "CREATE FUNCTION objects_recipients_insert() RETURNS trigger LANGUAGE plpgsql AS $body$"
            f" BEGIN {_insert('postgresql', 'NEW')}; RETURN NULL; END $body$"
        ),
    },
    {
        "sqlite": "SELECT 1",  # SQLite's trigger is one statement, PostgreSQL's two (its function, then it)
        "postgresql": "CREATE TRIGGER objects_recipients_insert AFTER INSERT ON objects FOR EACH ROW"
        " WHEN (NEW.tlp = 'RED') EXECUTE FUNCTION objects_recipients_insert()",
    },
    # Nothing in sarhad rewrites or deletes an object version; a repair (or a test) that does keeps the table
    # in step.
    {
        "sqlite": _ddl(
            "CREATE TRIGGER objects_recipients_update AFTER UPDATE OF id, modified, tlp, body ON objects BEGIN"
            f" {_DELETE_OLD} {_insert('sqlite', 'NEW', _STILL_RED)}; END"
        ),
        "postgresql": _ddl(
            "CREATE FUNCTION objects_recipients_update() RETURNS trigger LANGUAGE plpgsql AS $body$ BEGIN"
            f" {_DELETE_OLD} IF TG_OP = 'UPDATE' AND NEW.tlp = 'RED' THEN {_insert('postgresql', 'NEW')};"
            " END IF; RETURN NULL; END $body$"
        ),
    },
    {
        "sqlite": f"CREATE TRIGGER objects_recipients_delete AFTER DELETE ON objects BEGIN {_DELETE_OLD} END",
        "postgresql": "CREATE TRIGGER objects_recipients_update AFTER UPDATE OR DELETE ON objects FOR EACH ROW"
        " EXECUTE FUNCTION objects_recipients_update()",
    },
    # The objects a node already holds when it upgrades.
    {dialect: _ddl(_insert(dialect, "o", " AND o.tlp = 'RED'")) for dialect in _SELECT},
    # The current versions of incidents that are TLP:RED, by date: the few rows that a recipient's queries add
    # to what the dashboard's summaries answer. Partial, so that no other row pays for it.
    "CREATE INDEX incidents_red ON incidents (date_start) WHERE tlp = 'RED'",
]


def rebuild_recipients(db: Database) -> int:
    """Recreate the table from the stored objects (inside the caller's transaction); return its row count."""
    db.execute("DELETE FROM object_recipients")
    db.execute(_insert(db.dialect, "o", " AND o.tlp = 'RED'"))
    row = db.fetchone("SELECT COUNT(*) FROM object_recipients")
    return int(row[0]) if row else 0


def recipients_of(db: Database, object_id: str, modified: str) -> tuple[str, ...]:
    """The named recipients of one object version, sorted (empty when it names none or is not TLP:RED)."""
    rows = db.fetchall(
        "SELECT recipient FROM object_recipients WHERE object_id = ? AND modified = ? ORDER BY recipient",
        (object_id, modified),
    )
    return tuple(str(r[0]) for r in rows)
