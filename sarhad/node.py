"""The node: one party's home folder, its database, its signing key, and the single write path.

Everything the node asserts goes through :meth:`Node.publisher`: in one transaction the records are stored,
their envelopes appended to the transparency log and a checkpoint signed. Nothing else writes records.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sarhad.canonical import canonical_text
from sarhad.config import Settings, default_database_url, write_settings
from sarhad.errors import ConfigError, NotFound, StorageError
from sarhad.formats.unchanged import derivation
from sarhad.framework.store import check_not_withdrawn, index_stored
from sarhad.log.envelope import Envelope
from sarhad.log.note import Signer
from sarhad.log.store import Log
from sarhad.model.incident import Incident
from sarhad.model.stix_text import CREATED_PLACEHOLDER, MODIFIED_PLACEHOLDER
from sarhad.monitor import summary
from sarhad.monitor.evaluate import Subject, evaluate, notify_committed
from sarhad.monitor.rules import watching
from sarhad.prepare import (
    BODY,
    CONTENT_SHA,
    DATASET,
    GROUPS,
    RAW_HEADER,
    RAW_SHA,
    RAW_VALUES,
    ROW,
    SHA,
    Content,
    Prepared,
    Preparer,
    restamp,
)
from sarhad.store.current import current, held_own
from sarhad.store.db import Database, open_database, shown_url, sqlite_path
from sarhad.store.derivations import remember
from sarhad.store.raw_rows import HeaderIds, raw_row
from sarhad.store.schema import behind, migrate

__all__ = ["Node", "PublishResult", "Publisher", "open_existing", "open_read_only", "utc_timestamp"]

log = logging.getLogger(__name__)

# Placeholders for the timestamps while the content hash is computed; no valid timestamp looks like them.
_CREATED = CREATED_PLACEHOLDER
_MODIFIED = MODIFIED_PLACEHOLDER
_BATCH = 5000
_DELTAS_MAX = 50_000  # summary groups and map points gathered before they are written


def _topmost_missing(folder: Path) -> Path | None:
    """The outermost of ``folder`` and its parents that does not exist (what ``mkdir(parents=True)`` makes
    first), or None when ``folder`` exists."""
    missing = None
    for path in (folder, *folder.parents):
        if path.exists():
            break
        missing = path
    return missing


def _remove_made(home: Path, made: Path | None, present: set[Path]) -> None:
    """Undo a failed :meth:`Node.init`: remove the folders it made (``made`` and everything in it), or, in a
    ``home`` that existed before, only the entries not ``present`` then. A folder that existed is never removed."""
    import shutil

    if made is not None:
        shutil.rmtree(made, ignore_errors=True)
        return
    for entry in set(home.iterdir()) - present:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _sqlite_files(path: Path) -> list[Path]:
    """A SQLite database's file and the files SQLite keeps beside it while it is open."""
    return [path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))]


class _Made:
    """What :meth:`Node.init` may create, noted before it starts, so that a failed init removes that and only
    that: the home's folders (or, in a home that existed, what it adds), and a SQLite database elsewhere
    (``--db sqlite:///elsewhere/x.db``): the folders made for it, or the files added to a folder that existed."""

    def __init__(self, home: Path, database_url: str) -> None:
        self.home = home
        self.home_made = _topmost_missing(home)
        self.home_present = set() if self.home_made is not None else set(home.iterdir())
        path = sqlite_path(database_url)
        self.db_file = path.absolute() if path is not None else None
        self.db_made = _topmost_missing(self.db_file.parent) if self.db_file is not None else None
        self.db_existed = self.db_file is not None and self.db_file.exists()

    def remove(self) -> None:
        """Remove what the init created (its database connection closed first)."""
        import shutil

        _remove_made(self.home, self.home_made, self.home_present)
        if self.db_file is None or self.db_existed:  # an existing database's side files are SQLite's to manage
            return
        if self.db_made is not None:
            shutil.rmtree(self.db_made, ignore_errors=True)
            return
        for f in _sqlite_files(self.db_file):
            f.unlink(missing_ok=True)


def _drop_created_schema(db: Database) -> None:
    """Drop the PostgreSQL schema that opening ``db`` created, after a failed init (which left it empty: the
    schema's tables are made last, in one transaction). Only logged when it cannot be dropped."""
    if not db.created_schema:
        return
    try:
        db.execute(f"DROP SCHEMA {db.schema}")  # no CASCADE: whatever another connection put there stays
    except Exception:
        log.warning("could not drop schema %s that a failed init created", db.schema, exc_info=True)


def utc_timestamp(moment: datetime | None = None) -> str:
    """A STIX timestamp with millisecond precision: ``2026-12-01T20:19:36.123Z``."""
    moment = moment or datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _parse_timestamp(stamp: str) -> datetime:
    return datetime.strptime(stamp.rstrip("Z").ljust(23, "0")[:23], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=UTC)


@dataclass
class PublishResult:
    """What one publish did: records added, updated (a new version), and unchanged (skipped)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    first_leaf: int | None = None
    tree_size: int | None = None

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged


def _located(incident: Incident) -> Incident:
    """``incident`` with its place's distance to the border filled when it has coordinates but no distance, as an
    import computes it (:func:`sarhad.geo.border_km`): without it the record is missing from every near-border
    filter, while a near-border alert rule, which computes a missing distance, fires on it."""
    place = incident.place
    if place.border_km is not None or place.lat is None or place.lon is None:
        return incident
    from sarhad.geo import border_km

    return replace(incident, place=replace(place, border_km=border_km(place.lat, place.lon)))


class Publisher:
    """Collects records and writes them in batches inside the node's open transaction.

    Obtain one from :meth:`Node.publisher`; do not construct it directly.
    """

    def __init__(self, node: Node, now: datetime) -> None:
        self._node = node
        self._pending: dict[str, Prepared | tuple[Incident, dict[str, str] | None]] = {}
        self._now = now
        self._stamp = utc_timestamp(now)
        self._seq = node._next_seq()
        self._prepare = Preparer(node.settings.party, self._stamp)
        self._headers = HeaderIds(node.db)
        # the dashboard summaries' changes, written once when the publish ends (see _finish)
        self._deltas = summary.Deltas()
        self.result = PublishResult()
        self._derived_by: bytes | None = None

    @property
    def stamp(self) -> str:
        """The timestamp of this publish: every new record's ``created`` and ``modified``."""
        return self._stamp

    def add(self, incident: Incident, raw: dict[str, str] | None = None) -> None:
        """Queue ``incident`` (and its verbatim source row) for publishing; a later copy of the same id wins.

        A record whose place has coordinates but no distance to the border gets it here (see :func:`_located`),
        whichever path made it (``Node.publish``, the API, TAXII, an article): imports prepare theirs in bulk.
        Raises InvalidInput on out-of-range coordinates.
        """
        self._pending[incident.id] = (_located(incident), raw)
        if len(self._pending) >= _BATCH:
            self.flush()

    def add_prepared(self, records: Iterable[Prepared]) -> None:
        """Queue records prepared elsewhere for this publish (a :class:`~sarhad.prepare.Preparer` for this
        node's party and :attr:`stamp`); as with :meth:`add`, a later copy of the same id wins."""
        pending = self._pending
        for rec in records:
            pending[rec[0]] = rec
            if len(pending) >= _BATCH:
                self.flush()

    def remember_derivations(self, fingerprint: bytes) -> None:
        """Keep, for every record with a source row queued from now on (written or found unchanged), its
        derivation under ``fingerprint`` (an import's, :func:`sarhad.formats.unchanged.fingerprint`) and its
        content hash, so that the next import of its row need not derive it (:mod:`sarhad.store.derivations`)."""
        self._derived_by = fingerprint

    def add_all(self, incidents: Iterable[Incident]) -> None:
        for incident in incidents:
            self.add(incident)

    def add_object(self, stix: dict[str, Any], *, tlp: str = "CLEAR", licence: str = "PARTY-OWN") -> str | None:
        """Publish any other STIX object (a commitment, an assessment, a note…) at once, in this transaction.

        ``stix`` must carry ``type`` and ``id``; ``created``/``modified`` are set here. Returns the version
        (``modified``) written, or None when the stored current version has the same content.
        """
        return self._node._publish_object(self, stix, tlp=tlp, licence=licence)

    def flush(self) -> None:
        """Write what is queued (called automatically per batch and at the end)."""
        if not self._pending:
            return
        prepare = self._prepare
        # (id, content hash, the prepared record or what makes it): a record made here is prepared in two
        # steps, its content hash first and the rest only when it is written, which an unchanged one is not
        items: list[tuple[str, str, Prepared | tuple[Incident, dict[str, str] | None, Content]]] = []
        for p in self._pending.values():
            if len(p) > 2:
                items.append((p[0], p[CONTENT_SHA], p))
            else:
                content = prepare.content(p[0])
                items.append((p[0].id, content[-1], (p[0], p[1], content)))
        self._pending.clear()
        db = self._node.db
        party = self._node.settings.party
        if self._derived_by is not None:
            self._remember(items)
        existing = self._node._existing([item[0] for item in items])
        stamp = self._stamp
        result = self.result
        # (record, body, sha, modified, incidents row)
        bodies: list[tuple[Prepared, str, str, str, tuple[Any, ...]]] = []
        for object_id, content_sha, made in items:
            before = existing.get(object_id)
            if before is not None and before[0] == content_sha:
                result.unchanged += 1
                continue
            rec = made if len(made) > 3 else prepare.complete(*made)
            if before is None:
                result.added += 1
                bodies.append((rec, rec[BODY], rec[SHA], stamp, rec[ROW]))
                continue
            modified = stamp
            if modified <= before[2]:  # keep versions strictly increasing
                modified = utc_timestamp(_parse_timestamp(before[2]) + timedelta(milliseconds=1))
            result.updated += 1
            body, sha, row = restamp(rec, stamp, before[1], modified)
            bodies.append((rec, body, sha, modified, row))
        if not bodies:
            return
        first = self._node.log.append(
            [Envelope(rec[0], modified, sha, rec[1], stamp) for rec, _b, sha, modified, _r in bodies]
        )
        if result.first_leaf is None:
            result.first_leaf = first
        seq = self._seq
        self._seq += len(bodies)
        db.copy_rows(
            "objects",
            (
                "id",
                "modified",
                "type",
                "sha256",
                "content_sha256",
                "tlp",
                "licence",
                "origin",
                "added",
                "seq",
                "log_index",
                "body",
            ),
            # in id order (the primary key's order: fewer page jumps), each with its place in the log
            sorted(
                (
                    rec[0],
                    modified,
                    "incident",
                    sha,
                    rec[CONTENT_SHA],
                    rec[1],
                    rec[2],
                    party,
                    stamp,
                    seq + i,
                    first + i,
                    body,
                )
                for i, (rec, body, sha, modified, _row) in enumerate(bodies)
            ),
        )
        # upsert_incidents, plus the dashboard's summaries: the replaced rows' share out, the new rows' in.
        replaced = [b[0][0] for b in bodies if b[0][0] in existing]
        summary.upsert(
            db,
            [b[4] for b in bodies],
            replaced=summary.current_rows(db, replaced) if replaced else [],
            deltas=self._deltas,
        )
        if len(self._deltas.summary) + len(self._deltas.points) > _DELTAS_MAX:
            self._deltas.write(db)  # memory stays bounded when the rows spread over very many groups or points
        # Alert rules see every new record in the same transaction (one code path for own and synced records),
        # as what they read of it, from its row and its group names: the same whether the record was prepared
        # here or in an import's worker process, which sends no record.
        if watching(db):
            evaluate(db, [Subject.of_row(row, rec[GROUPS]) for rec, _b, _s, _m, row in bodies], origin=party)
        # the verbatim rows: their values in the file's column order, under their header (raw_sha256 is over
        # the canonical form of the row as an object)
        header_id = self._headers
        raw_rows = [
            (rec[0], header_id(rec[DATASET], rec[RAW_HEADER]), rec[RAW_VALUES])
            for rec, *_ in bodies
            if rec[RAW_VALUES] is not None and rec[RAW_HEADER] is not None
        ]
        if raw_rows:
            # new records' rows in bulk (COPY on PostgreSQL); a new version's row replaces the old one
            db.copy_rows("raw_rows", ("id", "header", "row"), sorted(r for r in raw_rows if r[0] not in existing))
            replacing = [r for r in raw_rows if r[0] in existing]
            if replacing:
                db.executemany(
                    "INSERT INTO raw_rows (id, header, row) VALUES (?, ?, ?)"
                    " ON CONFLICT (id) DO UPDATE SET header = excluded.header, row = excluded.row",
                    replacing,
                )

    def _remember(
        self, items: list[tuple[str, str, Prepared | tuple[Incident, dict[str, str] | None, Content]]]
    ) -> None:
        derived_by = self._derived_by
        assert derived_by is not None
        rows = []
        for object_id, content_sha, made in items:
            raw_sha = made[RAW_SHA] if len(made) > 3 else made[0].raw_sha256
            if raw_sha is not None:
                rows.append((object_id, derivation(derived_by, raw_sha), content_sha))
        remember(self._node.db, rows)

    def _finish(self) -> None:
        """Write what is queued, then the summaries' changes of the whole publish, once."""
        self.flush()
        self._deltas.write(self._node.db)


def open_existing(settings: Settings) -> Database:
    """The database of an initialised node, its schema brought up to date. Raises NotFound when it holds no node
    (nothing is created there)."""
    db = open_database(settings.database_url, create=False)
    try:
        migrate(db)
    except BaseException:
        db.close()
        raise
    return db


def open_read_only(settings: Settings, *, upgrade_with: str) -> Database:
    """The database of an initialised node, opened only to read it (a copy under audit: nothing is written into
    it). Its schema is not brought up to date: a database whose schema is older than this release's is refused,
    naming what it lacks and, with ``upgrade_with`` (the command that upgrades a second copy), how to proceed.

    Raises NotFound when it holds no node, StorageError when its schema is older than this release's.
    """
    db = open_database(settings.database_url, read_only=True)
    try:
        lacking = behind(db)
    except BaseException:
        db.close()
        raise
    if lacking:
        db.close()
        versions = ", ".join(f"{component} at version {done} of {wanted}" for component, done, wanted in lacking)
        raise StorageError(
            f"the database of {settings.home} has an older schema than this release of sarhad ({versions}):"
            " checking a copy does not change it, so it is not brought up to date here. Check it with the release"
            f" that wrote it, or upgrade a second copy and check that one ({upgrade_with})"
        )
    return db


def _holds_a_node(db: Database) -> str:
    """Why ``Node.init`` refuses ``db``, naming it (never a password) and what to do instead."""
    if db.dialect == "sqlite":
        where = f"the SQLite database {sqlite_path(db.url)}"
        own = "another file: --db sqlite:///PATH, or no --db for the file in the new home"
    else:
        base, _, _ = shown_url(db.url).partition("?")
        where = f"the PostgreSQL schema {db.schema or 'public'} of {base}"
        own = "another schema: --db 'postgresql://…?schema=NAME'"
    return (
        f"{where} already holds a sarhad node: to use that node, run sarhad with the --home of that node (where"
        f" its sarhad.toml and node.key are); for a new node, give it a database of its own ({own})"
    )


class Node:
    """A party's node: settings, database, signing key and log. Use :meth:`init` or :meth:`open`."""

    def __init__(self, settings: Settings, db: Database, signer: Signer) -> None:
        self.settings = settings
        self.db = db
        self.signer = signer
        self.log = Log(db)

    def __repr__(self) -> str:
        return f"Node(party={self.settings.party!r}, home={str(self.settings.home)!r})"

    @classmethod
    def init(
        cls,
        home: Path,
        party: str,
        *,
        database_url: str | None = None,
        origin: str | None = None,
        share_restricted: bool = False,
    ) -> Node:
        """Create a node home: settings, a new Ed25519 key (mode 0600) and the database schema.

        A failed init leaves nothing it created behind: the folders it made are removed (the home's, and those
        of a SQLite database elsewhere), in a folder that existed before only the files it added (a SQLite
        database begun in it), and a PostgreSQL schema it created (``?schema=NAME``) is dropped, so the same
        command can be run again once the cause is fixed. What existed before is never removed. The database's
        tables are made last, in one transaction, so a failure never leaves them behind either.

        Raises ConfigError when ``home`` already holds a node, StorageError when the database fails.
        """
        home = home.resolve()
        settings = Settings(
            home=home,
            party=party,
            database_url=database_url or default_database_url(home),
            origin=origin or f"sarhad.{party.lower()}/log",
            share_restricted=share_restricted,
        )
        if (home / "sarhad.toml").exists():
            raise ConfigError(f"{home} already holds a sarhad node; choose another --home")
        made = _Made(home, settings.database_url)
        home.mkdir(parents=True, exist_ok=True)
        try:
            signer = Signer.generate(settings.origin)
            db = open_database(settings.database_url)
            try:
                if db.fetchone(_HAS_OBJECTS[db.dialect]) is not None:
                    raise ConfigError(_holds_a_node(db))
                signer.write_key_file(settings.key_path)
                write_settings(settings)
                migrate(db)  # last: a failure before leaves no table, and migrate itself is one transaction
                return cls(settings, db, signer)
            except BaseException:
                _drop_created_schema(db)
                db.close()
                raise
        except BaseException:
            made.remove()
            raise

    @classmethod
    def open(cls, settings: Settings) -> Node:
        """Open an initialised node, bringing its schema up to date.

        Raises NotFound without a key, or when the database holds no node (nothing is created there).
        """
        if not settings.key_path.is_file():
            raise NotFound(f"node key {settings.key_path} is missing")
        signer = Signer.from_key_file(settings.key_path)
        return cls(settings, open_existing(settings), signer)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Node:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the write path --------------------------------------------------------------------------------
    @contextmanager
    def publisher(self) -> Iterator[Publisher]:
        """Publish records in one transaction: stored, logged, and covered by one new signed checkpoint.

        If the block raises, nothing is stored and the log is unchanged.
        """
        with self.db.transaction():
            pub = Publisher(self, datetime.now(UTC))
            yield pub
            pub._finish()
            if pub.result.added or pub.result.updated:
                checkpoint = self.log.sign_checkpoint(self.signer, self.settings.origin)
                pub.result.tree_size = checkpoint.size
        notify_committed()

    def publish(self, incidents: Iterable[Incident]) -> PublishResult:
        """Publish ``incidents`` in one transaction (see :meth:`publisher`)."""
        with self.publisher() as pub:
            pub.add_all(incidents)
        return pub.result

    def _publish_object(self, pub: Publisher, stix: dict[str, Any], *, tlp: str, licence: str) -> str | None:
        from sarhad.errors import InvalidInput

        kind, object_id = stix.get("type"), stix.get("id")
        if not isinstance(kind, str) or not isinstance(object_id, str) or not object_id.startswith(f"{kind}--"):
            raise InvalidInput(f"object id {object_id!r} does not match its type {kind!r}")
        check_not_withdrawn(self.db, stix, self.settings.party)
        body = {**stix, "created": _CREATED, "modified": _MODIFIED}
        content_text = canonical_text(body)
        content_sha = hashlib.sha256(content_text.encode()).hexdigest()
        # Unchanged when it has the content of the current version by the store's rule: for this node's own
        # one-party record not a peer's later copy of it (both added the same evidence); for any other object
        # whose latest version was withheld (none is current), the latest held, the last this node knows.
        same = self.db.fetchone(
            f"SELECT o.content_sha256 FROM objects o WHERE o.id = ? AND ({current('o')} OR NOT {held_own('o')})"
            " ORDER BY o.modified DESC LIMIT 1",
            (object_id,),
        )
        if same is not None and same[0] == content_sha:
            pub.result.unchanged += 1
            return None
        # Later than every version held, a peer's too: for an object both parties edit, the later one is current.
        # And later than every version known from its envelope alone (a peer's TLP:RED or licence-withheld
        # version): the peer has logged it, so a new version at or before it would sort before it.
        span = self.db.fetchone("SELECT MIN(modified), MAX(modified) FROM objects WHERE id = ?", (object_id,))
        first, latest = span if span is not None else (None, None)
        withheld = self.db.fetchone("SELECT MAX(modified) FROM withheld_versions WHERE id = ?", (object_id,))
        after = max(filter(None, (latest, withheld[0] if withheld is not None else None)), default=None)
        modified = pub._stamp
        if after is not None and modified <= after:
            modified = utc_timestamp(_parse_timestamp(after) + timedelta(milliseconds=1))
        created = stix.get("created") or first or modified
        text = content_text.replace(_CREATED, str(created), 1).replace(_MODIFIED, modified, 1)
        sha = hashlib.sha256(text.encode()).hexdigest()
        index = self.log.append([Envelope(object_id=object_id, version=modified, sha256=sha, tlp=tlp, time=pub._stamp)])
        if pub.result.first_leaf is None:
            pub.result.first_leaf = index
        self.db.execute(
            "INSERT INTO objects (id, modified, type, sha256, content_sha256, tlp, licence, origin, added, seq,"
            " log_index, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (object_id, modified, kind, sha, content_sha, tlp, licence, self.settings.party, pub._stamp, pub._seq,
             index, text),
        )  # fmt: skip
        pub._seq += 1
        # The framework's query tables follow every framework object, own or a peer's (one code path).
        index_stored(self.db, object_id, modified)
        if latest is None:
            pub.result.added += 1
        else:
            pub.result.updated += 1
        return modified

    # -- helpers for the publisher ---------------------------------------------------------------------
    def _next_seq(self) -> int:
        row = self.db.fetchone("SELECT MAX(seq) FROM objects")
        return 1 if row is None or row[0] is None else int(row[0]) + 1

    def _existing(self, ids: list[str]) -> dict[str, tuple[str, str, str]]:
        found: dict[str, tuple[str, str, str]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.fetchall(
                f"SELECT id, content_sha256, created, modified FROM incidents WHERE id IN ({marks})", chunk
            ):
                found[row[0]] = (row[1], row[2], row[3])
        return found

    def incident(self, incident_id: str) -> Incident:
        """The current version of an incident. Raises NotFound."""
        from sarhad.store.incidents import load_incident

        return load_incident(self.db, incident_id)

    def raw_row(self, incident_id: str) -> dict[str, Any] | None:
        """The verbatim source row an incident was imported from, or None. Raises StorageError when it
        cannot be read."""
        return raw_row(self.db, incident_id)


_HAS_OBJECTS = {
    "sqlite": "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'objects'",
    "postgresql": "SELECT 1 FROM information_schema.tables WHERE table_name = 'objects'"
    " AND table_schema = current_schema()",
}
