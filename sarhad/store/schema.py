"""The database schema and its migrations, per component.

Each component (``core``, ``log``, …) keeps an ordered list of DDL statements; applied ones are recorded in
``schema_migrations`` so that opening a node brings its database up to date, in one transaction. The same
statements run on SQLite and PostgreSQL (``{blob}``, ``{bigint}``, ``{real}`` are filled per dialect); a
statement that must differ (a view over JSON) is a mapping from dialect to statement, and a step that moves
data from one layout to another is a function of the database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from sarhad.store.db import Database

__all__ = ["COMPONENTS", "REFILL_PAGE", "Statement", "behind", "migrate"]

Statement = str | Mapping[str, str] | Callable[[Database], None]

CORE: Final[list[Statement]] = [
    # Every object the node holds, own or a peer's, each version once. ``body`` is the object's RFC 8785
    # canonical JSON; ``sha256`` its hash (what the log's envelope carries); ``content_sha256`` the hash
    # without timestamps (what re-imports compare); ``origin`` the party whose log holds it; ``seq`` the order
    # of arrival (TAXII date_added).
    """CREATE TABLE objects (
        id TEXT NOT NULL,
        modified TEXT NOT NULL,
        type TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        content_sha256 TEXT NOT NULL,
        tlp TEXT NOT NULL,
        licence TEXT NOT NULL,
        origin TEXT NOT NULL,
        added TEXT NOT NULL,
        seq {bigint} NOT NULL,
        log_index {bigint},
        body TEXT NOT NULL,
        PRIMARY KEY (id, modified)
    )""",
    "CREATE UNIQUE INDEX objects_seq ON objects (seq)",
    "CREATE INDEX objects_type_seq ON objects (type, seq)",
    "CREATE INDEX objects_origin_log ON objects (origin, log_index)",
    # The verbatim source row of an imported record, kept apart from the shared body: GTD and ACLED rows may
    # not travel, and the body already carries the row's SHA-256.
    """CREATE TABLE raw_rows (
        id TEXT PRIMARY KEY,
        dataset TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        row TEXT NOT NULL
    )""",
    # The current version of each incident, flattened for queries. A view of ``objects``: ``sarhad store
    # rebuild`` recreates it.
    """CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        modified TEXT NOT NULL,
        created TEXT NOT NULL,
        origin TEXT NOT NULL,
        dataset TEXT NOT NULL,
        source_id TEXT NOT NULL,
        reported_by TEXT NOT NULL,
        date_start TEXT NOT NULL,
        date_end TEXT NOT NULL,
        date_precision TEXT NOT NULL,
        country TEXT,
        admin1 TEXT,
        admin1_code TEXT,
        admin2 TEXT,
        place TEXT,
        lat {real},
        lon {real},
        geo_precision TEXT NOT NULL,
        border_km {real},
        perpetrator TEXT,
        attack_type TEXT,
        killed_low INTEGER, killed_best INTEGER, killed_high INTEGER,
        wounded_low INTEGER, wounded_best INTEGER, wounded_high INTEGER,
        tlp TEXT NOT NULL,
        licence TEXT NOT NULL,
        content_sha256 TEXT NOT NULL
    )""",
    "CREATE INDEX incidents_date ON incidents (date_start)",
    "CREATE INDEX incidents_country_admin1 ON incidents (country, admin1)",
    "CREATE INDEX incidents_perpetrator ON incidents (perpetrator)",
    "CREATE INDEX incidents_source ON incidents (dataset, source_id)",
    "CREATE INDEX incidents_border ON incidents (border_km)",
    "CREATE INDEX incidents_latlon ON incidents (lat, lon)",
    # One row per key/value the node keeps about itself (e.g. the next object sequence number).
    "CREATE TABLE node_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # The counterparts lookup (sarhad.monitor.counterparts: the ``disagrees`` alert rule, the dashboard's
    # detail) selects by date, then by party and place: with those in the date index it skips the rows of the
    # record's own party without reading them (about 17 times fewer reads for a sync of one party's records).
    "DROP INDEX incidents_date",
    "CREATE INDEX incidents_date ON incidents (date_start, reported_by, lat, lon)",
    # The incidents whose date is known only to the year (GTD's imonth 0, UCDP's date_prec 5), which the
    # dashboard's timeline counts under their year rather than in the month their range starts in: the summary
    # table keeps every incident under that month, and the timeline moves these few out through this index.
    "CREATE INDEX incidents_year_only ON incidents (date_start, reported_by) WHERE date_precision = 'year'",
    # Whether the killed (wounded) total is a 0 its source cannot tell from "no information" (ACLED's fatalities
    # 0, kept as the figure's zero_ambiguous): 1 or 0, for incidents list --json and /api/incidents to say so
    # beside the figures. Nullable, as a row written by name without it (a benchmark's) means 0.
    "ALTER TABLE incidents ADD COLUMN killed_zero_ambiguous INTEGER DEFAULT 0",
    "ALTER TABLE incidents ADD COLUMN wounded_zero_ambiguous INTEGER DEFAULT 0",
    lambda db: _refill_incident_rows(db),
]


REFILL_PAGE: Final = (
    "SELECT i.id, o.body FROM incidents i JOIN objects o ON o.id = i.id AND o.modified = i.modified"
    " WHERE i.id > ? AND o.id > ? AND (i.attack_type = 'Unknown' OR o.body LIKE '%\"zero_ambiguous\":true%')"
    " ORDER BY i.id LIMIT 2000"
)
"""A page of :func:`_refill_incident_rows`, after the id given twice. ``o.id > ?`` repeats ``i.id > ?`` for
PostgreSQL, which does not carry it across the join: merging the two primary keys, it would read ``objects`` from
its first row at every page, and the step would grow with the square of the rows."""


def _refill_incident_rows(db: Database) -> None:
    """Fill the columns above, and the attack type of the rows whose version names only GTD's "Unknown" (None since:
    :data:`sarhad.store.incidents.UNKNOWN_TYPE`), from the stored versions that change them: those with an
    ambiguous zero, found by their text before any is parsed, and those whose attack type is "Unknown". A page
    of rows at a time, in the order of the primary key (an ACLED node has a million such versions). The
    summaries count neither column, so they stay as they are."""
    import json

    from sarhad.model.figures import Figure
    from sarhad.model.incident import SARHAD_EXTENSION
    from sarhad.store.incidents import _attack_type, _total

    update = "UPDATE incidents SET attack_type = ?, killed_zero_ambiguous = ?, wounded_zero_ambiguous = ? WHERE id = ?"
    last = ""
    while found := db.fetchall(REFILL_PAGE, (last, last)):
        rows = []
        for oid, body in found:
            # the three values incident_row gives, from the figures and attack types alone: a stored version was
            # checked when it was written, and building each record would take most of the step's time
            ext = json.loads(body)["extensions"][SARHAD_EXTENSION]
            figures = [Figure.from_dict(f) for f in ext.get("figures", ())]
            attacks = _attack_type(ext.get("attack_types", ()))
            rows.append((attacks, _total(figures, "killed")[3], _total(figures, "wounded")[3], oid))
        db.executemany(update, rows)
        last = str(found[-1][0])


# Components other than core keep their DDL next to their code, in a module with a MIGRATIONS list.
_COMPONENT_MODULES: Final = {
    "log": "sarhad.log.schema",
    "reconcile": "sarhad.reconcile.schema",
    "framework": "sarhad.framework.schema",
    "monitor": "sarhad.monitor.schema",
    "exchange": "sarhad.exchange.schema",
    "recipients": "sarhad.store.recipients",
    "raw_rows": "sarhad.store.raw_rows",
    "import_derivations": "sarhad.store.derivations",
}


def _components() -> dict[str, list[Statement]]:
    import importlib

    found: dict[str, list[Statement]] = {"core": CORE}
    for name, module in _COMPONENT_MODULES.items():
        try:
            found[name] = list(importlib.import_module(module).MIGRATIONS)
        except ModuleNotFoundError as exc:
            if exc.name is None or not module.startswith(exc.name):
                raise
    return found


COMPONENTS = _components


def migrate(db: Database) -> int:
    """Apply every migration the database lacks, in one transaction; return how many were applied.

    The statements between two data steps go to the database together with the rows that record them
    (:meth:`Database.execute_script`): a new PostgreSQL node's hundred-odd statements take about ten round trips
    instead of one each plus one per record.
    """
    applied = 0
    with db.transaction():
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT NOT NULL, version INTEGER NOT NULL,"
            " PRIMARY KEY (component, version))"
        )
        done = {(c, v) for c, v in db.fetchall("SELECT component, version FROM schema_migrations")}
        pending: list[str] = []
        for component, statements in _components().items():
            for version, statement in enumerate(statements, start=1):
                if (component, version) in done:
                    continue
                if callable(statement):
                    db.execute_script(pending)  # a data step sees every table made before it
                    pending = []
                    statement(db)
                else:
                    pending.append(db.ddl(statement if isinstance(statement, str) else statement[db.dialect]))
                pending.append(_recorded(component, version))
                applied += 1
        db.execute_script(pending)
    return applied


def behind(db: Database) -> list[tuple[str, int, int]]:
    """The components whose migrations ``db`` lacks, each as (component, versions applied, versions this release
    has), only reading the database (:func:`migrate` would apply them). Empty when the schema is up to date."""
    done: dict[str, set[int]] = {}
    for component, version in db.fetchall("SELECT component, version FROM schema_migrations"):
        done.setdefault(str(component), set()).add(int(version))
    found = []
    for component, statements in _components().items():
        applied = done.get(component, set())
        if any(v not in applied for v in range(1, len(statements) + 1)):
            found.append((component, len(applied & set(range(1, len(statements) + 1))), len(statements)))
    return found


def _recorded(component: str, version: int) -> str:
    """The statement that records a migration as applied (a script takes no parameters: the values are inlined,
    and a component is a name of sarhad's own)."""
    if not component.replace("_", "").isalnum():
        raise ValueError(f"component name {component!r} is not a plain name")
    return f"INSERT INTO schema_migrations (component, version) VALUES ('{component}', {int(version)})"
