"""The exchange component's tables (component "exchange"), for SQLite and PostgreSQL.

* ``tokens``: access tokens, by id; only the SHA-256 of each token is kept.
* ``peers``: the nodes this node pulls from: URL, the peer's log key (vkey), the token it gave us.
* ``peer_checkpoints``: every checkpoint of a peer's log this node verified (by sync or as a witness).
* ``peer_leaves``: a copy of each peer's log leaves (envelope and leaf hash), so its history can be checked.
* ``peer_frontiers``: the frontier (compact range) of each peer's log at the size of its copied leaves, so a
  sync appends the new leaves to it instead of rehashing every leaf held (see sarhad.exchange.frontier).
* ``removed_peers``: the peers removed from ``peers`` whose copy (leaves, checkpoints, frontier) is kept: the
  key, origin and party it was checked with, so ``sarhad log verify`` still checks it.
* ``peer_former_keys``: the former keys of a peer's log whose copy is filed under that peer (registered or
  removed): keys its checkpoints were signed with before the peer was registered again with another key.
* ``withheld_versions``: the versions of peers' logs whose bodies this node was refused (withheld by TLP): the
  object id, version, TLP level, origin and SHA-256 their envelopes give, when each arrived and in which order
  (``seq``, which the live stream follows; see sarhad.exchange.withheld).
* ``owed_cosignatures``: per peer, the size of its checkpoint whose cosignature this node still owes it (the
  peer refused it, or the answer never came) and why; the next sync sends it again (see sarhad.exchange.sync).
* ``refused_entries``: the entries of a peer's verified log whose object a sync did not apply (it speaks for
  this node's party, or rewrites this node's words): the log index, object id, version, SHA-256, the reason,
  when, and the body served (see sarhad.exchange.refused).
* ``split_views``: evidence: two checkpoints signed by a peer that cannot both be true, and the consistency
  proof it served between them when that did not verify (sarhad.exchange.evidence).
* ``taxii_status``: the TAXII status resources of POSTs.
* ``audit``: every write and every read of a non-CLEAR object by a principal; ``logged`` names the
  ``x-sarhad-audit`` object that carried the row into the log (NULL until flushed, see sarhad.audit).
"""

from __future__ import annotations

from typing import Final

from sarhad.exchange.content_kind import one_content_kind
from sarhad.exchange.withheld import framework_superseded, withheld_from_copies, withheld_seq, withheld_sha256
from sarhad.store.schema import Statement

__all__ = ["MIGRATIONS"]

MIGRATIONS: Final[list[Statement]] = [
    """CREATE TABLE tokens (
        id TEXT PRIMARY KEY,
        principal TEXT NOT NULL,
        role TEXT NOT NULL,
        party TEXT NOT NULL,
        token_sha256 TEXT NOT NULL,
        created TEXT NOT NULL,
        revoked TEXT
    )""",
    """CREATE TABLE peers (
        name TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        vkey TEXT NOT NULL,
        origin TEXT NOT NULL,
        token TEXT NOT NULL,
        party TEXT NOT NULL,
        added TEXT NOT NULL
    )""",
    """CREATE TABLE peer_checkpoints (
        peer TEXT NOT NULL,
        size {bigint} NOT NULL,
        root {blob} NOT NULL,
        note TEXT NOT NULL,
        verified TEXT NOT NULL,
        source TEXT NOT NULL,
        PRIMARY KEY (peer, size)
    )""",
    """CREATE TABLE peer_leaves (
        peer TEXT NOT NULL,
        idx {bigint} NOT NULL,
        envelope TEXT NOT NULL,
        leaf_hash {blob} NOT NULL,
        PRIMARY KEY (peer, idx)
    )""",
    """CREATE TABLE split_views (
        peer TEXT NOT NULL,
        detected TEXT NOT NULL,
        reason TEXT NOT NULL,
        note_a TEXT NOT NULL,
        note_b TEXT NOT NULL
    )""",
    "CREATE TABLE taxii_status (id TEXT PRIMARY KEY, body TEXT NOT NULL)",
    """CREATE TABLE audit (
        time TEXT NOT NULL,
        principal TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL
    )""",
    # TAXII added_after resolves to an arrival position through this index (see sarhad.web.taxii).
    "CREATE INDEX objects_added_seq ON objects (added, seq)",
    # Security layer (sarhad.web.auth, sarhad.audit): token expiry, and which logged batch carries an audit row.
    "ALTER TABLE tokens ADD COLUMN expires TEXT",
    "ALTER TABLE audit ADD COLUMN logged TEXT",
    # Sync (sarhad.exchange.sync): the frontier of each peer's copied leaves; ``size`` = number of leaves.
    "CREATE TABLE peer_frontiers (peer TEXT PRIMARY KEY, size {bigint} NOT NULL, hashes {blob} NOT NULL)",
    # sarhad peer remove (sarhad.exchange.peers.remove_peer): the key a removed peer's kept copy was checked with.
    """CREATE TABLE removed_peers (
        name TEXT PRIMARY KEY,
        vkey TEXT NOT NULL,
        origin TEXT NOT NULL,
        party TEXT NOT NULL,
        removed TEXT NOT NULL
    )""",
    # Sync (sarhad.exchange.withheld): the versions whose bodies a peer withheld, known from their envelopes, so
    # that a copy held of an earlier version is no longer taken for the current one; filled from the copies
    # synced before.
    """CREATE TABLE withheld_versions (
        id TEXT NOT NULL,
        modified TEXT NOT NULL,
        tlp TEXT NOT NULL,
        origin TEXT NOT NULL,
        PRIMARY KEY (id, modified)
    )""",
    withheld_from_copies,
    # sarhad peer former-key (sarhad.exchange.peers.add_former_key): a key a peer's copied log was signed with
    # before the peer was registered again with another key, so that 'sarhad log verify' checks those checkpoints.
    """CREATE TABLE peer_former_keys (
        peer TEXT NOT NULL,
        vkey TEXT NOT NULL,
        added TEXT NOT NULL,
        PRIMARY KEY (peer, vkey)
    )""",
    # Sync (sarhad.exchange.withheld): a peer's framework record whose later version was withheld is not current
    # either; the rows a node synced before kept go.
    framework_superseded,
    # Evidence look-up (sarhad.framework.views.cited_evidence): the SHA-256 a withheld version's envelope logs,
    # read by primary key instead of searching the copies of peers' logs; filled from them for the rows there.
    "ALTER TABLE withheld_versions ADD COLUMN sha256 TEXT",
    withheld_sha256,
    # Sync (sarhad.exchange.sync): a verified sync is kept when the peer refuses this node's cosignature or its
    # answer is lost; the cosignature is owed until a later sync delivers one of that size or larger.
    """CREATE TABLE owed_cosignatures (
        peer TEXT PRIMARY KEY,
        size {bigint} NOT NULL,
        reason TEXT NOT NULL,
        attempted TEXT NOT NULL
    )""",
    # Sync (sarhad.exchange.sync): the consistency proof a peer served that did not verify (JSON, a list of base64
    # hashes), kept with the evidence so that an auditor can check offline what it shows (sarhad.log.conflict).
    "ALTER TABLE split_views ADD COLUMN proof TEXT",
    # Sync (sarhad.exchange.withheld): when each withheld version's envelope arrived (UTC), which the quarterly
    # report and the framework's views give for a shared record superseded by a version this node cannot read;
    # NULL for the rows recorded before.
    "ALTER TABLE withheld_versions ADD COLUMN recorded TEXT",
    # Sync (sarhad.exchange.refused): the entries of a peer's verified log whose object this node refused (it
    # speaks for this node's party, or rewrites its words): kept apart with the reason and the body served.
    """CREATE TABLE refused_entries (
        peer TEXT NOT NULL,
        idx {bigint} NOT NULL,
        object_id TEXT NOT NULL,
        version TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        reason TEXT NOT NULL,
        refused TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (peer, idx)
    )""",
    # Live stream (sarhad.monitor.stream): the order withheld versions were recorded in, as ``objects.seq``, which
    # the stream follows to tell open pages that an incident (and its alerts) is no longer listed; NULL for the
    # rows recorded before, until the next step numbers them.
    "ALTER TABLE withheld_versions ADD COLUMN seq {bigint}",
    "CREATE UNIQUE INDEX withheld_versions_seq ON withheld_versions (seq)",
    # The rows recorded before seq existed get numbers too, in the order they arrived, below those given since.
    withheld_seq,
    # Sync (sarhad.exchange.entries): objects.content_sha256 of a peer's version is the same kind of hash as that
    # of an own version (the timestamps replaced by stand-ins, not left out), recomputed for the versions synced
    # before, so that publishing a peer's current content again is unchanged.
    one_content_kind,
]
