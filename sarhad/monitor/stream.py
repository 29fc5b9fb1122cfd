"""The live stream: new incidents and alerts, broadcast in-process to every open dashboard (server-sent events).

A :class:`Watcher` follows the node's ``objects``, ``alerts`` and ``alert_events`` by their sequence numbers
(``seq``), so it sees every new incident, alert and change of an alert however it arrived: published through the
API in this process, imported by the CLI or synced by another process, whatever the writer's clock said. It
broadcasts each incident (``incident`` events), each new alert (``alert``) and each change of an alert's life
(``alert_update``: updated, no longer matches, matches again; see :mod:`sarhad.monitor.alerts`) and each incident
no longer listed because a peer withheld a later version of it (``withheld``, followed by ``withheld_versions``'
sequence numbers) to the subscribers of its :class:`Broadcaster`.
It evaluates no rule: every writer (the publisher, the sync) runs :func:`sarhad.monitor.evaluate.evaluate` in
the transaction that writes the records, so an alert says what the database held when its record was written,
whenever the watcher looks. :func:`wake_watchers` (called by ``notify_committed()`` after a commit) makes it
look at once instead of at its next poll.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import secrets
import weakref
from collections import deque
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from typing import Any, Final

from sarhad.errors import SarhadError
from sarhad.monitor.alerts import Alert
from sarhad.store.db import Database

__all__ = [
    "END",
    "HISTORY",
    "Broadcaster",
    "Event",
    "Subscription",
    "Watcher",
    "close_streams",
    "frames",
    "sequences",
    "wake_watchers",
]

log = logging.getLogger(__name__)

_BATCH: Final = 500
HISTORY: Final = 2000
"""How many of the latest events a :class:`Broadcaster` keeps to replay to a stream that reconnects."""
# an alert's columns and facts (Alert.of_row), then its current version's TLP, origin and licence, then its seq
_ALERT_COLUMNS: Final = (
    "a.id, a.rule, a.incident_id, a.origin, a.reason, a.created, a.version, a.lapsed, a.updated, a.changes,"
    " a.facts, i.tlp, i.origin, i.licence, a.seq"
)
_TLP, _ORIGIN, _LICENCE, _SEQ = 11, 12, 13, 14
# The version before an incident's current one (``i``) is one a peer withheld: until the current one arrived,
# the incident had no current version here, and its alerts were listed nowhere (sarhad.monitor.alerts.listed).
_WAS_WITHHELD: Final = (
    "EXISTS (SELECT 1 FROM withheld_versions w WHERE w.id = i.id AND w.modified < i.modified"
    " AND NOT EXISTS (SELECT 1 FROM objects o WHERE o.id = i.id AND o.modified >= w.modified"
    " AND o.modified < i.modified))"
)
# The withheld versions recorded since the last look (``w``) that ended their incident's listing: the incident has
# no current version now (no row in incidents; an incident of this node's own always has one), ``w`` is the first
# version withheld after the latest copy held (``h``, the version the incident was listed with) and no copy held is
# later than ``w``. Read: the incident's id, the copy's version, TLP and origin, ``w``'s version and its seq, and the
# copy's licence.
_NEWLY_WITHHELD: Final = (
    "SELECT w.id, h.modified, h.tlp, h.origin, w.modified, w.seq, h.licence"
    " FROM withheld_versions w JOIN objects h ON h.id = w.id"
    " AND h.modified = (SELECT MAX(o.modified) FROM objects o WHERE o.id = w.id AND o.modified < w.modified)"
    " WHERE w.seq > ? AND w.seq <= ? AND h.type = 'incident'"
    " AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = w.id)"
    " AND NOT EXISTS (SELECT 1 FROM objects o WHERE o.id = w.id AND o.modified > w.modified)"
    " AND NOT EXISTS (SELECT 1 FROM withheld_versions e WHERE e.id = w.id AND e.modified > h.modified"
    " AND e.modified < w.modified)"
    " ORDER BY w.seq LIMIT ?"
)
_watchers: weakref.WeakSet[Watcher] = weakref.WeakSet()
_broadcasters: weakref.WeakSet[Broadcaster] = weakref.WeakSet()


@dataclass(frozen=True, slots=True)
class Event:
    """One stream event: ``kind`` is ``incident``, ``alert``, ``alert_update`` or ``withheld``; ``tlp``,
    ``origin``, for a TLP:RED record its named ``recipients``, and the record's ``licence`` (GTD's and ACLED's
    are for this node's party alone, unless it shares them) decide who may see it (sarhad.web.auth.may_read)."""

    kind: str
    data: dict[str, Any]
    tlp: str
    origin: str
    recipients: tuple[str, ...] = ()
    number: int = 0
    """Its place in its broadcaster's order (1, 2, ...; 0 until published)."""
    licence: str | None = None

    def to_sse(self, event_id: str | None = None) -> str:
        """The event as a ``text/event-stream`` frame (WHATWG HTML §9.2), with ``event_id`` as its ``id:``."""
        head = f"id: {event_id}\n" if event_id else ""
        data = json.dumps(self.data, ensure_ascii=False, separators=(",", ":"))
        return f"{head}event: {self.kind}\ndata: {data}\n\n"


END: Final = Event("end", {}, "CLEAR", "")
"""The last event of a closed subscription; a stream that gets it stops (it is not sent to the client)."""


@dataclass(eq=False)
class Subscription:
    """One subscriber's queue; iterate with :meth:`get`. Slow subscribers lose the oldest events."""

    queue: asyncio.Queue[Event] = field(default_factory=lambda: asyncio.Queue(maxsize=1000))

    closed: bool = False

    def put(self, event: Event) -> None:
        if self.queue.full():
            self.queue.get_nowait()
        self.queue.put_nowait(event)

    def close(self) -> None:
        """End the subscription: a waiting :meth:`get` returns the :data:`END` event at once."""
        self.closed = True
        self.put(END)

    async def get(self, timeout: float) -> Event | None:
        """The next event, or None after ``timeout`` seconds (time for a keep-alive comment).

        Returns :data:`END` once the subscription is closed (the server is stopping).
        """
        if self.closed:
            return END
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None


class Broadcaster:
    """Fans events out to subscribers. Use from the event loop's thread.

    It numbers the events it publishes (1, 2, ... in the order published) and keeps the latest :data:`HISTORY` of
    them, so that a stream that reconnects with the id of the last event it got (:meth:`event_id`, SSE's
    ``Last-Event-ID``) is sent those it missed (:meth:`replay`). An id names the broadcaster too (``epoch``, random
    per broadcaster): a restarted server's numbers are not those of the one before it.
    """

    def __init__(self, history: int = HISTORY) -> None:
        self._subscribers: set[Subscription] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.epoch = secrets.token_hex(6)
        self._history: deque[Event] = deque(maxlen=history)
        self._last = 0
        _broadcasters.add(self)

    @property
    def last(self) -> int:
        """The number of the latest event published (0 before the first)."""
        return self._last

    def event_id(self, number: int) -> str:
        """The stream's ``id:`` of the place after event ``number``: ``EPOCH-NUMBER``."""
        return f"{self.epoch}-{number}"

    def position(self, event_id: str | None) -> int | None:
        """The number named by ``event_id`` (a stream's ``Last-Event-ID``), or None when it names no place in this
        broadcaster's order: absent, malformed, another broadcaster's (a server since restarted) or ahead of it."""
        epoch, _, number = (event_id or "").strip().partition("-")
        if epoch != self.epoch or not (number.isascii() and number.isdigit()) or int(number) > self._last:
            return None
        return int(number)

    def replay(self, after: int) -> list[Event] | None:
        """The events published after number ``after``, in order; None when some of them are no longer kept."""
        if after >= self._last:
            return []
        if not self._history or self._history[0].number > after + 1:
            return None
        return [e for e in self._history if e.number > after]

    def __len__(self) -> int:
        return len(self._subscribers)

    def subscribe(self) -> Subscription:
        self._loop = asyncio.get_running_loop()
        sub = Subscription()
        self._subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        self._subscribers.discard(sub)

    def publish(self, events: list[Event]) -> None:
        """Number ``events``, keep them for :meth:`replay` and send them to every subscriber."""
        numbered = []
        for event in events:
            self._last += 1
            numbered.append(dataclasses.replace(event, number=self._last))
        self._history.extend(numbered)
        for sub in list(self._subscribers):
            for event in numbered:
                sub.put(event)

    def close(self) -> None:
        """Close every subscription (the server is stopping): their streams end without another read."""
        for sub in list(self._subscribers):
            sub.close()
        self._subscribers.clear()


async def frames(
    broadcaster: Broadcaster,
    last_event_id: str | None,
    may_read: Callable[[Event], bool],
    *,
    lifetime: float,
    keepalive: float,
) -> AsyncGenerator[str, None]:
    """One live stream's ``text/event-stream`` frames, for ``lifetime`` seconds (or until the server stops).

    Each event goes with its ``id:`` (:meth:`Broadcaster.event_id`); an event the reader may not read
    (``may_read``) is not sent, and a frame with only an ``id:`` tells the reader its place at the start and,
    when events it may not read moved it, at a keep-alive and at the end, so that its place stays one the
    broadcaster keeps. A stream opened with ``last_event_id`` (SSE's ``Last-Event-ID``) first gets the events published
    after that id, and then the new ones: none is sent twice or skipped. When those events are no longer kept
    (the id is another broadcaster's, a server since restarted, or the gap is longer than :data:`HISTORY`) its
    first event is ``resync`` (``{"reason": "restarted"}`` or ``{"reason": "too_old"}``): the reader must read
    again what it shows. So it is, too, when a reader this slow lost events from its queue meanwhile.
    """
    sub = broadcaster.subscribe()  # before the replay is read, in the same step: the two meet without a gap
    sent, told = broadcaster.last, -1  # told: the place the reader was last told (by an event's id or alone)
    missed: list[Event] | None = []
    if last_event_id is not None:
        after = broadcaster.position(last_event_id)
        missed = None if after is None else broadcaster.replay(after)
    try:
        yield "retry: 1000\n: connected\n\n"
        if missed is None:
            mine = str(last_event_id).strip().startswith(broadcaster.epoch + "-")
            told = sent
            yield _resync(broadcaster, sent, "too_old" if mine else "restarted")
        for event in missed or []:
            if may_read(event):
                told = event.number
                yield event.to_sse(broadcaster.event_id(event.number))
        if told != sent:
            told = sent
            yield _place(broadcaster, sent)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + lifetime
        while (left := deadline - loop.time()) > 0:
            last = left <= keepalive  # the stream ends at its lifetime, not at the keep-alive after it
            got = await sub.get(left if last else keepalive)
            if got is END:
                break  # the server is stopping: end before the database closes
            if got is None:
                if last:
                    break  # its lifetime is over: no keep-alive, the reader reconnects at once
                yield ": keep-alive\n\n" if told == sent else _place(broadcaster, sent)
                told = sent
                continue
            if got.number <= sent:
                continue
            batch = [got] if got.number == sent + 1 else broadcaster.replay(sent)  # the queue lost events
            if batch is None:
                sent = told = broadcaster.last
                yield _resync(broadcaster, sent, "too_old")
                continue
            for item in batch:
                if item.number > got.number:
                    break  # the rest come from the queue
                sent = item.number
                if may_read(item):
                    told = sent
                    yield item.to_sse(broadcaster.event_id(sent))
        if told != sent:
            yield _place(broadcaster, sent)
    finally:
        broadcaster.unsubscribe(sub)


def _resync(broadcaster: Broadcaster, number: int, reason: str) -> str:
    """The ``resync`` frame: the events before ``number`` that the reader missed are not kept (``reason``)."""
    return f"id: {broadcaster.event_id(number)}\nevent: resync\ndata: {json.dumps({'reason': reason})}\n\n"


def _place(broadcaster: Broadcaster, number: int) -> str:
    """A frame with an ``id:`` alone: the reader's place is after event ``number`` (no event is dispatched)."""
    return f"id: {broadcaster.event_id(number)}\n\n"


class Watcher:
    """Polls the node's database for new incidents, alerts and changes of alerts and publishes them to a
    broadcaster.

    ``db`` must be used only from the event loop's thread (the app's connection is). Records and alerts that
    existed before the first poll are not streamed. An alert, or a change of one, whose incident has no current
    version when it looks (a peer withheld a later version) is not streamed then; once a current version of that
    incident arrives, every alert on it is streamed again (``"listed_again": true``), as the alerts' list shows
    them again. That is read from the store (the incident's version before the current one was withheld), not
    kept in memory, so a restarted server streams them too. Likewise, when a peer withholds a later version of an
    incident listed until then, so that it and its alerts are no longer listed, it streams a ``withheld`` event
    (:meth:`_new_withheld`), read from the store (the versions withheld, in the order recorded). It only reads:
    the alerts it streams were stored by the writers of their records (see the module's docstring).
    """

    def __init__(self, db: Database, broadcaster: Broadcaster, *, interval: float = 0.25) -> None:
        self.db = db
        self.broadcaster = broadcaster
        self.interval = interval
        # how far it has streamed: the ``seq`` of ``objects``, ``alerts``, ``alert_events`` and ``withheld_versions``
        self._seq: int | None = None
        self._alert_seq: int | None = None
        self._event_seq: int | None = None
        self._withheld_seq: int | None = None
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        _watchers.add(self)

    def _tops(self) -> tuple[int, int, int, int]:
        """The highest ``seq`` of ``objects``, ``alerts``, ``alert_events`` and ``withheld_versions``, read in one
        statement (one snapshot)."""
        tops = sequences(self.db)
        return tops["objects"], tops["alerts"], tops["alert_events"], tops["withheld_versions"]

    def poll(self) -> list[Event]:
        """One look: the events for the incidents stored, the alerts raised and the alerts changed since the last.

        Records and alerts are followed by their ``seq``, not by a clock (writers' clocks need not agree). Writers
        take turns (sarhad.store.db: SQLite's one writer, an advisory lock on PostgreSQL, released only once the
        commit is visible) and number what they store after the highest number committed before them, so the
        numbers become visible in order: once a number is seen, every lower one is. A look reads the highest
        numbers first, in one statement, then only what lies at or below them: a commit landing meanwhile is left
        whole to the next look, not skipped by a mark moved past it.
        """
        if self._seq is None or self._alert_seq is None or self._event_seq is None or self._withheld_seq is None:
            self._seq, self._alert_seq, self._event_seq, self._withheld_seq = self._tops()
            return []
        top, alert_top, event_top, withheld_top = self._tops()
        # the withheld first, while the alerts' mark still says which alerts were streamed before this look
        withheld = self._new_withheld(withheld_top)
        return withheld + self._new_incidents(top) + self._new_alerts(alert_top) + self._new_changes(event_top)

    def _new_incidents(self, top: int) -> list[Event]:
        assert self._seq is not None
        rows = self.db.fetchall(
            "SELECT seq, id FROM objects WHERE seq > ? AND seq <= ? AND type = 'incident' ORDER BY seq LIMIT ?",
            (self._seq, top, _BATCH),
        )
        # a full page leaves the rest to the next look; otherwise everything up to ``top`` has been read
        self._seq = int(rows[-1][0]) if len(rows) == _BATCH else max(top, self._seq)
        if not rows:
            return []
        # in the order the records were stored (a page shows them as they arrive), each id once
        order = {str(r[1]): i for i, r in reversed(list(enumerate(rows)))}
        ids = sorted(order, key=order.__getitem__)
        found: list[dict[str, Any]] = []
        for start in range(0, len(ids), 400):
            chunk = ids[start : start + 400]
            marks = ",".join("?" * len(chunk))
            found += _summaries(self.db, f"id IN ({marks})", chunk)
        events = []
        for item in sorted(found, key=lambda item: order.get(str(item["id"]), len(order))):
            named = _recipients(self.db, str(item["id"])) if item["tlp"] == "RED" else ()
            licence = _licence(self.db, str(item["id"]))
            item = {**item, "seq": {"objects": _current_seq(self.db, str(item["id"]))}}
            events.append(Event("incident", item, item["tlp"], item["origin"], named, licence=licence))
        return events + self._listed_again([str(item["id"]) for item in found])

    def _new_alerts(self, top: int) -> list[Event]:
        assert self._alert_seq is not None
        # An alert whose incident has no current version (a row in incidents) is not listed (alerts.listed): it is
        # streamed when a current version of that incident arrives (_listed_again).
        rows = self.db.fetchall(
            f"SELECT {_ALERT_COLUMNS} FROM alerts a LEFT JOIN incidents i ON i.id = a.incident_id"
            " WHERE a.seq > ? AND a.seq <= ? ORDER BY a.seq LIMIT ?",
            (self._alert_seq, top, _BATCH),
        )
        self._alert_seq = int(rows[-1][_SEQ]) if len(rows) == _BATCH else max(top, self._alert_seq)
        return self._alert_events([r for r in rows if r[_TLP] is not None], cause=lambda r: {"alerts": int(r[_SEQ])})

    def _new_changes(self, top: int) -> list[Event]:
        """The ``alert_update`` events of the changes of alerts stored since the last look (those whose incident
        has no current version now are streamed with the alert when it has one again, :meth:`_listed_again`)."""
        assert self._event_seq is not None
        rows = self.db.fetchall(
            f"SELECT {_ALERT_COLUMNS}, e.seq, e.event, e.version, e.changes, e.at FROM alert_events e"
            " JOIN alerts a ON a.id = e.alert_id LEFT JOIN incidents i ON i.id = a.incident_id"
            " WHERE e.seq > ? AND e.seq <= ? ORDER BY e.seq LIMIT ?",
            (self._event_seq, top, _BATCH),
        )
        self._event_seq = int(rows[-1][_SEQ + 1]) if len(rows) == _BATCH else max(top, self._event_seq)
        events = []
        for r in rows:
            if r[_TLP] is None:
                continue
            change = {"event": str(r[_SEQ + 2]), "version": str(r[_SEQ + 3]), "changes": json.loads(r[_SEQ + 4]),
                      "at": str(r[_SEQ + 5])}  # fmt: skip
            events += self._alert_events(
                [r],
                kind="alert_update",
                extra={"change": change},
                cause=lambda row: {"alert_events": int(row[_SEQ + 1])},
            )
        return events

    def _new_withheld(self, top: int) -> list[Event]:
        """The ``withheld`` events of the incidents no longer listed since the last look: a peer withheld a later
        version of each (recorded since, :data:`_NEWLY_WITHHELD`), so neither the incident nor its alerts are
        listed (sarhad.monitor.alerts.listed) until a current version arrives (:meth:`_listed_again`).

        Each names the incident (``id``), the version held that is no longer current (``version``), the version
        withheld (``withheld_version``) and the alerts on the incident streamed before this look (``alerts``, newest
        first), which a page showed and counted. It goes to those who may read the version held (its TLP, origin
        and named recipients): those who were shown the incident.
        """
        assert self._withheld_seq is not None and self._alert_seq is not None
        rows = self.db.fetchall(_NEWLY_WITHHELD, (self._withheld_seq, top, _BATCH))
        self._withheld_seq = int(rows[-1][5]) if len(rows) == _BATCH else max(top, self._withheld_seq)
        events = []
        for incident_id, version, tlp, origin, withheld_version, seq, licence in rows:
            alerts = self.db.fetchall(
                # an alert stored before alerts were numbered (no seq) was listed, never streamed: a page counted it
                "SELECT id FROM alerts WHERE incident_id = ? AND (seq <= ? OR seq IS NULL) ORDER BY created DESC, id",
                (incident_id, self._alert_seq),
            )
            data = {"id": str(incident_id), "version": str(version), "withheld_version": str(withheld_version),
                    "alerts": [str(a[0]) for a in alerts], "seq": {"withheld_versions": int(seq)}}  # fmt: skip
            named = _recipients_of(self.db, str(incident_id), str(version)) if tlp == "RED" else ()
            events.append(Event("withheld", data, str(tlp), str(origin), named, licence=str(licence)))
        return events

    def _listed_again(self, incident_ids: list[str]) -> list[Event]:
        """The alerts, raised before this look, on those of these incidents (a version of each has just been
        stored) that had no current version before it: the version before the current one was withheld."""
        assert self._alert_seq is not None
        if not incident_ids:
            return []
        rows: list[Any] = []
        for start in range(0, len(incident_ids), 400):
            chunk = incident_ids[start : start + 400]
            rows += self.db.fetchall(
                f"SELECT {_ALERT_COLUMNS} FROM alerts a JOIN incidents i ON i.id = a.incident_id"
                f" WHERE a.incident_id IN ({','.join('?' * len(chunk))}) AND a.seq <= ? AND {_WAS_WITHHELD}",
                [*chunk, self._alert_seq],
            )
        # what listed them again: the incident's current version (a page that read the alerts after it counts them)
        current = {i: _current_seq(self.db, i) for i in {str(r[2]) for r in rows}}
        return self._alert_events(
            sorted(rows, key=lambda r: int(r[_SEQ])),
            extra={"listed_again": True},
            cause=lambda r: {"objects": current[str(r[2])]},
        )

    def _alert_events(
        self,
        rows: list[Any],
        kind: str = "alert",
        extra: dict[str, Any] | None = None,
        *,
        cause: Callable[[Any], dict[str, int]],
    ) -> list[Event]:
        """The events of alert rows (:data:`_ALERT_COLUMNS`): the alert (:meth:`Alert.to_dict`), ``extra``, its
        incident's summary, and ``seq``: the stored row that caused the event (``cause`` of the row)."""
        events = []
        for r in rows:
            # who acknowledged it and when (no event of its own: an acknowledgement has no seq), so that a page
            # replacing its row with this one keeps it, "changed since" when this is a change
            ack = self.db.fetchone("SELECT principal, at FROM alert_acks WHERE alert_id = ?", (str(r[0]),))
            data = {**Alert.of_row([*r[:11], *(ack or (None, None))]).to_dict(), **(extra or {}), "seq": cause(r)}
            found = _summaries(self.db, "id = ?", [str(r[2])])
            if found:
                data["incident"] = found[0]
            tlp = str(r[_TLP])
            named = _recipients(self.db, str(r[2])) if tlp == "RED" else ()
            events.append(Event(kind, data, tlp, str(r[_ORIGIN]), named, licence=str(r[_LICENCE])))
        return events

    async def run(self) -> None:
        """Poll until cancelled, waking early on :func:`wake_watchers`."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        while True:
            try:
                events = self.poll()
            except SarhadError as exc:  # a busy or broken database must not end the stream
                log.warning("live stream poll failed: %s", exc)
                events = []
            if events:
                self.broadcaster.publish(events)
            try:
                await asyncio.wait_for(self._wake.wait(), self.interval)
            except TimeoutError:
                pass
            self._wake.clear()

    def wake(self) -> None:
        """Make the watcher poll now (safe from any thread)."""
        if self._loop is not None and self._wake is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake.set)


def close_streams() -> None:
    """End every live stream served by the running event loop (its server is stopping).

    Streams of other event loops (another server in another thread) are left alone.
    """
    loop = asyncio.get_running_loop()
    for broadcaster in list(_broadcasters):
        if broadcaster._loop is loop:
            broadcaster.close()


def wake_watchers() -> None:
    """Wake every watcher of this process (after a commit that added records or alerts)."""
    for watcher in list(_watchers):
        watcher.wake()


def sequences(db: Database) -> dict[str, int]:
    """The highest ``seq`` of ``objects``, ``alerts``, ``alert_events`` and ``withheld_versions`` (0 for none),
    read in one statement (one snapshot). Every event's ``seq`` names one of these tables and the number of the
    row that caused it: a reader that read the store at these numbers has seen that row when its number is at
    or below the table's here."""
    row = db.fetchone(
        "SELECT (SELECT MAX(seq) FROM objects), (SELECT MAX(seq) FROM alerts), (SELECT MAX(seq) FROM alert_events),"
        " (SELECT MAX(seq) FROM withheld_versions)"
    )
    assert row is not None
    names = ("objects", "alerts", "alert_events", "withheld_versions")
    return {name: int(value or 0) for name, value in zip(names, row, strict=True)}


def _current_seq(db: Database, incident_id: str) -> int:
    """The ``seq`` of the incident's current version (0 when it has none)."""
    row = db.fetchone(
        "SELECT o.seq FROM incidents i JOIN objects o ON o.id = i.id AND o.modified = i.modified WHERE i.id = ?",
        (incident_id,),
    )
    return int(row[0]) if row else 0


def _summaries(db: Database, where: str, params: list[Any]) -> list[dict[str, Any]]:
    from sarhad.monitor.views import compact_rows

    return compact_rows(db, where, params)


def _licence(db: Database, incident_id: str) -> str | None:
    """The licence of an incident's current version (None when it has none)."""
    row = db.fetchone("SELECT licence FROM incidents WHERE id = ?", (incident_id,))
    return None if row is None else str(row[0])


def _recipients_of(db: Database, object_id: str, modified: str) -> tuple[str, ...]:
    """The named recipients of version ``modified`` of object ``object_id`` (empty when it names none)."""
    rows = db.fetchall(
        "SELECT recipient FROM object_recipients WHERE object_id = ? AND modified = ? ORDER BY recipient",
        (object_id, modified),
    )
    return tuple(str(r[0]) for r in rows)


def _recipients(db: Database, incident_id: str) -> tuple[str, ...]:
    """The named recipients of an incident's current version (empty when it names none)."""
    rows = db.fetchall(
        "SELECT r.recipient FROM incidents i JOIN object_recipients r ON r.object_id = i.id AND r.modified = i.modified"
        " WHERE i.id = ? ORDER BY r.recipient",
        (incident_id,),
    )
    return tuple(str(r[0]) for r in rows)
