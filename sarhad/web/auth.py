"""Who is asking, and what they may do and read.

Every request carries a bearer token (``Authorization: Bearer <token>``; TAXII clients may send it as the
password of HTTP Basic). Tokens are ``sarhad_<id>_<secret>``; the node keeps only their SHA-256 and compares
in constant time. A token expires (``DEFAULT_EXPIRY_DAYS`` unless told otherwise) and can be revoked; repeated
failures from one client address are slowed by :class:`FailureLimiter`. A token belongs to a *principal* with
one role and one party:

* ``admin``: everything; ``analyst``: read and write (publish); ``peer``: read, pull and cosign;
  ``viewer``: read.

TLP 2.0 decides what a principal may read of an object published by party ``origin``:

* its own party's objects: everything (the party is the originator);
* ``CLEAR``: everyone; ``GREEN``: the community (any principal of a party of the framework, i.e. this node's
  party or a registered peer's, and every peer);
* ``AMBER`` and ``AMBER+STRICT``: the framework's parties (this node's party and its registered peers');
* ``RED``: named recipients only. A RED record may name its recipients (``PARTY:NAME``, e.g.
  ``IR:zahedan-desk``; :attr:`sarhad.model.incident.Incident.recipients`). Then exactly these may read it:

  - each principal it names (``f"{party}:{name}"``), on whichever node holds a copy;
  - the originator's custodian: an ``admin`` of the originating party;
  - a ``peer`` principal whose party is named: it is the transport that carries the record to the recipient's
    node, which in turn shows it to the named principals only;

  and nobody else: not the originating party's other principals, not the recipient party's other principals.
  A RED record that names no one is for the originating party's own principals (as before recipients).

Every version of an object is kept (the log cannot withdraw what it committed to), and each is read under its
own marking, *and* under the marking of the object's current (latest) version: a principal reads an earlier
version only if it may read the current one too. So marking a record stricter (CLEAR, then RED for
``IR:desk-a``) stops the disclosure of its earlier, laxer versions to everyone the new marking does not admit,
and marking it laxer (RED, then CLEAR) does not open its earlier RED versions. Copies already pulled by a peer
or a client cannot be recalled.

On a node that syncs from the originator, the current version may be one the sync did not bring (withheld by
TLP: :mod:`sarhad.exchange.withheld` keeps what its envelope says, the object's id, version, TLP level and
origin). Its level and origin decide as for any version; a TLP:RED envelope does not say whom the version
names, so under it only those admitted whatever it names may read an earlier version: the originator's
custodian (an ``admin`` of the originating party). So a peer's copy of a version pulled before the record was
marked stricter is read on the peer's node, on every read path (its TAXII server's included), only by those the
stricter marking admits.

Besides its TLP, a version's licence decides (the founding issue: GTD and ACLED rows may not be
redistributed). A version under a licence that forbids redistribution (:data:`sarhad.model.codes.RESTRICTED_LICENCES`:
``GTD-EUA``, ``ACLED-ToU``) is read only by the principals of this node's party, unless the node shares such rows
(``share_restricted`` in ``sarhad.toml``): not by a peer, nor by another party's analyst, viewer or admin, whatever
its TLP. :func:`unshared_licences` says which licences a principal may not read; it is the one place that decides,
and the three spellings of the rule (:func:`may_read`, :func:`read_clause`, and the incidents' filters of
:meth:`sarhad.web.context.Context.incident_filters`) take its answer. A sync is then refused such a body as it is
refused a TLP:RED one: the envelope is served, the body is not, and the peer counts it withheld.

A withheld object's envelope (its hash) stays visible in the log, so the log still verifies.

The rule lives here once, twice spelled: :func:`may_read` for a record in memory, :func:`read_clause` for SQL
over a table with ``id``, ``modified``, ``tlp``, ``origin`` and ``licence`` columns (``objects`` or
``incidents``), which finds the recipients in ``object_recipients`` (:mod:`sarhad.store.recipients`) and the
current version in ``objects`` and ``withheld_versions``. A test checks that the two agree.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, NamedTuple

from sarhad.errors import AccessDenied, InvalidInput, NotFound
from sarhad.model.codes import RESTRICTED_LICENCES
from sarhad.model.incident import PARTY_CODE, PRINCIPAL_NAME
from sarhad.store.current import held_own
from sarhad.store.db import Database

__all__ = [
    "DEFAULT_EXPIRY_DAYS",
    "ROLES",
    "FailureLimiter",
    "Marking",
    "Principal",
    "TokenInfo",
    "authenticate",
    "beyond_levels_clause",
    "create_token",
    "list_tokens",
    "may_read",
    "parse_authorization",
    "read_clause",
    "readable_levels",
    "require_token_form",
    "revoke_token",
    "unshared_licences",
]

ROLES: Final = ("admin", "analyst", "peer", "viewer")
DEFAULT_EXPIRY_DAYS: Final = 90
_WRITE: Final = frozenset({"admin", "analyst"})
_COSIGN: Final = frozenset({"admin", "peer"})
_TOKEN = re.compile(r"^sarhad_([0-9a-f]{12})_([A-Za-z0-9_-]{20,})$")
_TOKEN_ID = re.compile(r"^[0-9a-f]{12}$")
_SECRET_CHARS = re.compile(r"^[A-Za-z0-9_-]*$")
_MIN_SECRET: Final = 20
_PARTY = PARTY_CODE
_NOT_RED: Final = frozenset({"CLEAR", "GREEN", "AMBER", "AMBER+STRICT"})


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: a name, a role and the party it belongs to."""

    name: str
    role: str
    party: str

    @property
    def reference(self) -> str:
        """How a TLP:RED record names this principal among its recipients: ``PARTY:NAME``."""
        return f"{self.party}:{self.name}"

    @property
    def may_write(self) -> bool:
        """May publish (TAXII POST, JSON API POST)."""
        return self.role in _WRITE

    @property
    def may_cosign(self) -> bool:
        """May send checkpoints to witness and cosignatures of our checkpoints."""
        return self.role in _COSIGN

    def require_write(self) -> None:
        """Raises AccessDenied unless the principal may write."""
        if not self.may_write:
            raise AccessDenied(f"principal {self.name!r} (role {self.role}) may not write; needs analyst or admin")

    def require_cosign(self) -> None:
        """Raises AccessDenied unless the principal may cosign."""
        if not self.may_cosign:
            raise AccessDenied(f"principal {self.name!r} (role {self.role}) may not cosign; needs peer or admin")


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> str:
    return _stamp(datetime.now(UTC))


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def create_token(
    db: Database, principal: str, role: str, party: str, *, expires_days: float | None = DEFAULT_EXPIRY_DAYS
) -> str:
    """Create a token for ``principal`` and return it; only its hash is stored, so show it once.

    The token expires ``expires_days`` days from now (None: never). Raises InvalidInput for an unknown role,
    an empty principal name, a malformed party code or a non-positive expiry.
    """
    if role not in ROLES:
        raise InvalidInput(f"role {role!r} is not one of {', '.join(ROLES)}")
    if not principal.strip():
        raise InvalidInput("principal name is empty")
    if not PRINCIPAL_NAME.match(principal):
        raise InvalidInput(
            f"principal name {principal[:80]!r} is not 1-64 letters, digits, '.', '_', '@' or '-' (starting with a"
            " letter or digit): a TLP:RED record names its recipients as PARTY:NAME"
        )
    if not _PARTY.match(party):
        raise InvalidInput(f"party {party!r} is not a party code (2-16 capitals, digits or '-')")
    if expires_days is not None and not 0 < expires_days <= 3650:
        raise InvalidInput(f"expiry of {expires_days} days is outside 0 (exclusive) .. 3650")
    token_id = secrets.token_hex(6)
    token = f"sarhad_{token_id}_{secrets.token_urlsafe(32)}"
    expires = None if expires_days is None else _stamp(datetime.now(UTC) + timedelta(days=expires_days))
    with db.transaction():
        db.execute(
            "INSERT INTO tokens (id, principal, role, party, token_sha256, created, expires)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (token_id, principal, role, party, _sha(token), _now(), expires),
        )
    return token


def require_token_form(token: str, what: str) -> None:
    """Check that ``token`` has the form of a sarhad token (``sarhad_<id>_<secret>``, as :func:`create_token`
    makes them), so that a mistyped or truncated token is refused when it is given rather than at its first use.

    Only the form is checked: whether the token is known is for the node that issued it to say.

    Raises InvalidInput naming ``what`` (an option, "the peer's token") and what is wrong; the message never
    repeats the token, which may be nearly the real secret.
    """
    reason = _token_form_fault(token)
    if reason is not None:
        raise InvalidInput(
            f"{what}: {reason}; a sarhad token reads sarhad_<id>_<secret> (an id of 12 hex digits, then a secret of"
            f" {_MIN_SECRET} or more letters, digits, '-' or '_'), as 'sarhad token create' prints it on the node"
            " that issues it"
        )


def _token_form_fault(token: str) -> str | None:
    """What keeps ``token`` from being a sarhad token, or None."""
    if not token:
        return "the token is empty"
    if token != token.strip() or any(c.isspace() for c in token):
        return "the token holds a space or line break (copy it alone, without the line around it)"
    if not token.startswith("sarhad_"):
        return "the token does not start with 'sarhad_'"
    token_id, sep, secret = token.removeprefix("sarhad_").partition("_")
    if not sep or not _TOKEN_ID.match(token_id):
        return f"its id ({len(token_id)} characters after 'sarhad_') is not 12 lower-case hex digits"
    if not _SECRET_CHARS.match(secret):
        return "its secret holds a character other than letters, digits, '-' and '_' (is it cut or mistyped?)"
    if len(secret) < _MIN_SECRET:
        return f"its secret is {len(secret)} characters, expected {_MIN_SECRET} or more (is it cut short?)"
    return None


def revoke_token(db: Database, principal: str, token_id: str | None = None, *, what: str = "token id") -> int:
    """Revoke every token of ``principal``, or only its token ``token_id`` (the ``<id>`` of
    ``sarhad_<id>_<secret>``, as :func:`list_tokens` shows it); return how many.

    Revoking one token lets a principal's token be rotated without a gap: create the new one, hand it over,
    then revoke the old one by its id. Raises InvalidInput naming ``what`` (an option) when ``token_id`` is not
    an id, without repeating it (it may be the token itself, secret and all), and NotFound when the principal has
    no such unrevoked token; nothing changes then.
    """
    if token_id is not None and not _TOKEN_ID.match(token_id):
        raise InvalidInput(
            f"{what}: a token's id is 12 lower-case hex digits, as 'sarhad token list' shows it (the <id> of"
            " sarhad_<id>_<secret>), not the token itself"
        )
    sql = "UPDATE tokens SET revoked = ? WHERE principal = ? AND revoked IS NULL"
    params: tuple[str, ...] = (_now(), principal)
    if token_id is not None:
        sql, params = sql + " AND id = ?", (*params, token_id)
    with db.transaction():
        count = db.execute(sql, params).rowcount
    if not count:
        which = "" if token_id is None else f" {token_id}"
        raise NotFound(f"principal {principal!r} has no active token{which}")
    return int(count)


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What the node keeps of a token, without its secret or hash: its id, principal, role, party and times."""

    id: str
    principal: str
    role: str
    party: str
    created: str
    expires: str | None
    revoked: str | None

    @property
    def status(self) -> str:
        """``revoked``, ``expired`` or ``active``, as :func:`authenticate` would take the token now."""
        if self.revoked is not None:
            return "revoked"
        if self.expires is not None and self.expires <= _now():
            return "expired"
        return "active"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "principal": self.principal, "role": self.role, "party": self.party,
            "created": self.created, "expires": self.expires, "revoked": self.revoked, "status": self.status,
        }  # fmt: skip


def list_tokens(db: Database) -> list[TokenInfo]:
    """Every token the node issued, revoked and expired ones too, by principal then creation time."""
    rows = db.fetchall(
        "SELECT id, principal, role, party, created, expires, revoked FROM tokens ORDER BY principal, created, id"
    )
    return [TokenInfo(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), _text(r[5]), _text(r[6])) for r in rows]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def parse_authorization(header: str | None) -> str:
    """The token in an ``Authorization`` header (Bearer, or Basic with the token as password).

    Raises AccessDenied when the header is missing or malformed (the message never repeats the token).
    """
    if not header:
        raise AccessDenied("authentication required: send 'Authorization: Bearer <token>'")
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return value
    if scheme.lower() == "basic" and value:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise AccessDenied("malformed Basic credentials") from None
        return decoded.partition(":")[2]
    raise AccessDenied(f"unsupported authorization scheme {scheme!r}: use Bearer (or Basic for TAXII clients)")


def authenticate(db: Database, token: str) -> Principal:
    """The principal a token belongs to. Raises AccessDenied when it is unknown, wrong, revoked or expired."""
    match = _TOKEN.match(token)
    if match is None:
        raise AccessDenied("invalid token")
    row = db.fetchone(
        "SELECT principal, role, party, token_sha256, revoked, expires FROM tokens WHERE id = ?", (match.group(1),)
    )
    # Compare even when the id is unknown, so that timing does not tell which ids exist.
    expected = str(row[3]) if row is not None else _sha("")
    if not hmac.compare_digest(expected, _sha(token)) or row is None:
        raise AccessDenied("invalid token")
    if row[4] is not None:
        raise AccessDenied(f"the token of principal {row[0]!r} was revoked")
    if row[5] is not None and str(row[5]) <= _now():
        raise AccessDenied(f"the token of principal {row[0]!r} expired at {row[5]}; ask an admin for a new one")
    return Principal(str(row[0]), str(row[1]), str(row[2]))


class FailureLimiter:
    """Slows repeated authentication failures per client address (bounded memory).

    After ``free`` failures within ``window`` seconds an address must wait before its next attempt; the wait
    doubles with each further failure (1 s, 2 s, 4 s … up to ``max_delay``). A success forgets the address.
    At most ``capacity`` addresses are tracked; the least recently seen is dropped first.
    """

    def __init__(
        self,
        *,
        free: int = 10,
        window: float = 60.0,
        max_delay: float = 300.0,
        capacity: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free = free
        self.window = window
        self.max_delay = max_delay
        self.capacity = capacity
        self._clock = clock
        self._lock = threading.Lock()
        # address -> (failures in the window, window start, earliest next attempt)
        self._seen: OrderedDict[str, tuple[int, float, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._seen)

    def retry_after(self, address: str) -> float:
        """Seconds ``address`` must still wait before it may try again (0 when it may try now)."""
        with self._lock:
            entry = self._seen.get(address)
        if entry is None:
            return 0.0
        return max(0.0, entry[2] - self._clock())

    def failed(self, address: str) -> None:
        """Record a failed attempt from ``address``."""
        now = self._clock()
        with self._lock:
            count, start, _ = self._seen.pop(address, (0, now, now))
            if now - start > self.window:
                count, start = 0, now
            count += 1
            over = count - self.free
            until = now + min(self.max_delay, 2.0 ** (over - 1)) if over > 0 else now
            self._seen[address] = (count, start, until)
            while len(self._seen) > self.capacity:
                self._seen.popitem(last=False)

    def succeeded(self, address: str) -> None:
        """Forget ``address``'s failures."""
        with self._lock:
            self._seen.pop(address, None)


def readable_levels(principal: Principal, parties: Iterable[str]) -> tuple[str, ...]:
    """The TLP levels ``principal`` may read of *another* party's objects (it reads all of its own party's).

    ``parties`` are the framework's parties: this node's and its registered peers'.
    """
    known = set(parties)
    if principal.party in known:
        return ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT")
    if principal.role == "peer":
        return ("CLEAR", "GREEN")
    return ("CLEAR",)


def unshared_licences(principal: Principal, node_party: str, share_restricted: bool) -> tuple[str, ...]:
    """The licences under which ``principal`` may read no version on the node of party ``node_party``: those that
    forbid redistribution (:data:`~sarhad.model.codes.RESTRICTED_LICENCES`, GTD's and ACLED's) for a principal of
    any other party (a peer, another party's analyst, viewer or admin), unless the node shares them
    (``share_restricted``); none for the node's own party's principals. Pass the answer as ``unshared`` to
    :func:`may_read` and :func:`read_clause`."""
    if share_restricted or principal.party == node_party:
        return ()
    return tuple(sorted(RESTRICTED_LICENCES))


class Marking(NamedTuple):
    """What decides who may read one object version: its TLP level, the party that published it and, for
    TLP:RED, the principals it names (``PARTY:NAME``; empty when it names none).

    ``withheld``: the version is known from its log envelope alone (a sync did not bring its body), so for
    TLP:RED whom it names is unknown and ``recipients`` is ignored: only the originator's custodian reads
    under it. ``licence``: the version's (None when it is withheld: an envelope does not carry it)."""

    tlp: str
    origin: str
    recipients: Collection[str] = ()
    withheld: bool = False
    licence: str | None = None


def may_read(
    principal: Principal,
    tlp: str,
    origin: str,
    recipients: Collection[str],
    parties: Iterable[str],
    *,
    current: Marking | None = None,
    licence: str | None = None,
    unshared: Collection[str] = (),
) -> bool:
    """Whether ``principal`` may read an object version of party ``origin`` marked ``tlp`` (see the module's
    rules).

    ``recipients`` are the version's named recipients (``PARTY:NAME``; empty when it names none); ``parties``
    the framework's parties. ``current`` is the marking of the object's current (latest) version when this one
    is an earlier version (None when it is the current one): an earlier version is read only by those who may
    read both it and the current one. ``licence`` is the version's licence and ``unshared`` the licences the
    principal may not read (:func:`unshared_licences`). :func:`read_clause` is the same rule in SQL.
    """
    parties = tuple(parties)
    if current is not None:
        if current.withheld:
            if not _may_read_envelope(principal, current.tlp, current.origin, parties):
                return False
        elif not _may_read_version(
            principal, current.tlp, current.origin, current.recipients, parties, current.licence, unshared
        ):
            return False
    return _may_read_version(principal, tlp, origin, recipients, parties, licence, unshared)


def _may_read_envelope(principal: Principal, tlp: str, origin: str, parties: tuple[str, ...]) -> bool:
    """The rule for a version known from its envelope alone: a TLP:RED one names recipients the envelope does
    not carry, so only those who may read it whatever it names (the originator's custodian) may."""
    if tlp != "RED":
        return _may_read_version(principal, tlp, origin, (), parties)
    return origin == principal.party and principal.role == "admin"


def _may_read_version(
    principal: Principal,
    tlp: str,
    origin: str,
    recipients: Collection[str],
    parties: tuple[str, ...],
    licence: str | None = None,
    unshared: Collection[str] = (),
) -> bool:
    """The rule for one version under its own marking (and licence) alone."""
    if licence is not None and licence in unshared:
        return False
    if tlp != "RED":
        return origin == principal.party or tlp in readable_levels(principal, parties)
    if not recipients:
        return origin == principal.party
    if principal.reference in recipients:
        return True
    if origin == principal.party and principal.role == "admin":
        return True
    return principal.role == "peer" and any(r.partition(":")[0] == principal.party for r in recipients)


def read_clause(
    principal: Principal,
    parties: Iterable[str],
    table: str = "o",
    *,
    current_rows: bool = False,
    unshared: Collection[str] = (),
) -> tuple[str, list[Any]]:
    """:func:`may_read` as an SQL condition over ``table`` (a name or alias with ``id``, ``modified``, ``tlp``
    and ``origin``; and ``licence`` when ``unshared``, the licences the principal may not read, names any: see
    :func:`unshared_licences`), and its parameters.

    Records that are not RED cost a comparison with the readable levels; only RED rows look up
    ``object_recipients`` (by its primary key: object id, version, recipient). Each row also costs one look in
    the primary key of ``objects``, and one in that of ``withheld_versions`` (empty on a node that has never
    been refused a body), for a later version of its object; only a row that has one (an earlier version) reads
    the current version's marking. An incident, assessment, indicator value or evidence this node published
    itself (:func:`sarhad.store.current.held_own`) looks in the log's index ``log_leaves_object`` instead: only
    its own later versions make a version earlier. ``current_rows`` says
    that ``table`` holds current versions only (``incidents``, or the latest versions of TAXII's default), so
    that these looks are left out.
    """
    parties = tuple(parties)
    unshared = tuple(unshared)
    own, params = _version_clause(principal, parties, table, unshared)
    if current_rows:
        return own, params
    # An earlier version is withheld when the object's current version (a later one with none after it, held
    # or known from its envelope) is one the principal may not read. A version both held and known from an
    # envelope is the held one. The aliases are private to the subqueries.
    newest, newest_params = _version_clause(principal, parties, "v_newest", unshared)
    envelope, envelope_params = _envelope_clause(principal, parties, "w_newest")
    later = (
        f"SELECT 1 FROM objects v_newest WHERE v_newest.id = {table}.id AND v_newest.modified > {table}.modified"
        " AND NOT EXISTS (SELECT 1 FROM objects v_after WHERE v_after.id = v_newest.id"
        " AND v_after.modified > v_newest.modified)"
        " AND NOT EXISTS (SELECT 1 FROM withheld_versions w_after WHERE w_after.id = v_newest.id"
        f" AND w_after.modified > v_newest.modified) AND NOT {newest}"
    )
    later_withheld = (
        f"SELECT 1 FROM withheld_versions w_newest WHERE w_newest.id = {table}.id"
        f" AND w_newest.modified > {table}.modified"
        " AND NOT EXISTS (SELECT 1 FROM objects v_after WHERE v_after.id = w_newest.id"
        " AND v_after.modified >= w_newest.modified)"
        " AND NOT EXISTS (SELECT 1 FROM withheld_versions w_after WHERE w_after.id = w_newest.id"
        f" AND w_after.modified > w_newest.modified) AND NOT {envelope}"
    )
    # Of an incident or one-party record this node published itself only its own later versions count
    # (sarhad.store.current): a peer's version, held or withheld, is never its current one, so it hides none of
    # the node's own.
    later_own = (
        f"SELECT 1 FROM objects v_newest WHERE v_newest.id = {table}.id AND v_newest.modified > {table}.modified"
        " AND EXISTS (SELECT 1 FROM log_leaves l_newest WHERE l_newest.object_id = v_newest.id"
        " AND l_newest.version = v_newest.modified)"
        " AND NOT EXISTS (SELECT 1 FROM log_leaves l_after WHERE l_after.object_id = v_newest.id"
        f" AND l_after.version > v_newest.modified) AND NOT {newest}"
    )
    return (
        f"({own} AND CASE WHEN {held_own(table)} THEN NOT EXISTS ({later_own})"
        f" ELSE (NOT EXISTS ({later}) AND NOT EXISTS ({later_withheld})) END)",
        [*params, *newest_params, *newest_params, *envelope_params],
    )


def _envelope_clause(principal: Principal, parties: tuple[str, ...], table: str) -> tuple[str, list[Any]]:
    """:func:`_may_read_envelope` in SQL over ``table`` (``withheld_versions``: ``tlp`` and ``origin``)."""
    levels = readable_levels(principal, parties)
    terms = [f"{table}.tlp IN ({', '.join('?' * len(levels))})", f"({table}.origin = ? AND {table}.tlp <> 'RED')"]
    params: list[Any] = [*levels, principal.party]
    if principal.role == "admin":
        terms.append(f"({table}.origin = ? AND {table}.tlp = 'RED')")
        params.append(principal.party)
    return "(" + " OR ".join(terms) + ")", params


def _version_clause(
    principal: Principal, parties: tuple[str, ...], table: str, unshared: tuple[str, ...] = ()
) -> tuple[str, list[Any]]:
    """:func:`read_clause` for one version under its own marking (and licence) alone."""
    levels = readable_levels(principal, parties)
    beyond, params = beyond_levels_clause(principal, parties, table)
    clause = f"({table}.tlp IN ({', '.join('?' * len(levels))}) OR {beyond})"
    if not unshared:
        return clause, [*levels, *params]
    licences = f"{table}.licence NOT IN ({', '.join('?' * len(unshared))})"
    return f"({clause} AND {licences})", [*levels, *params, *unshared]


def beyond_levels_clause(
    principal: Principal, parties: Iterable[str], table: str = "o", *, own_records: bool = True
) -> tuple[str, list[Any]]:
    """The part of :func:`read_clause` that admits rows whose level is not among :func:`readable_levels`:
    the principal's own party's records and the RED records it may read (each row under its own marking: for a
    table of current versions, such as ``incidents``).

    For a principal of a framework party (whose levels are every level but RED), or with ``own_records``
    False (the caller knows the table holds no record of the principal's party), it admits RED rows only,
    and says ``tlp = 'RED'`` so that the database can use the incidents' partial index on RED rows.
    """
    t = f"{table}."
    listed = f"SELECT 1 FROM object_recipients r WHERE r.object_id = {t}id AND r.modified = {t}modified"
    terms: list[str] = []
    params: list[Any] = []
    if own_records and set(readable_levels(principal, parties)) != _NOT_RED:
        terms.append(f"({t}origin = ? AND {t}tlp <> 'RED')")
        params.append(principal.party)
    if principal.role == "peer":  # the transport of its party's recipients (which include its own name)
        red = [f"EXISTS ({listed} AND r.party = ?)"]
        params.append(principal.party)
    else:
        red = [f"EXISTS ({listed} AND r.recipient = ?)"]
        params.append(principal.reference)
    if principal.role == "admin":  # the originator's custodian
        red.append(f"{t}origin = ?")
    else:
        red.append(f"({t}origin = ? AND NOT EXISTS ({listed}))")
    params.append(principal.party)
    terms.append(f"({t}tlp = 'RED' AND ({' OR '.join(red)}))")
    return "(" + " OR ".join(terms) + ")", params
