"""A record made ready to publish: its canonical STIX text, hashes and table rows, computed without the database.

Most of what the publisher does per record does not depend on what the node already stores: the canonical
text of the STIX body, its content hash, the body and hash of a first version, the ``incidents`` row and the
verbatim source row's column names and values as JSON. :class:`Preparer` computes these up front, as a plain
tuple that pickles cheaply, so that an import can compute them in a second process
(:mod:`sarhad.import_worker`) while the publisher writes. The publisher then only decides, against the store,
whether a record is new, changed or unchanged, and :func:`restamp` rewrites the timestamps of a changed one.

Every record is written as if it were new: ``created`` and ``modified`` are the publish stamp.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, Final

from sarhad.formats.base import row_values
from sarhad.model.incident import Incident, identity_id
from sarhad.model.stix_text import CREATED_PLACEHOLDER, MODIFIED_PLACEHOLDER, IncidentText, incident_text
from sarhad.store.incidents import incident_row, incident_row_of_fields

__all__ = ["HEAD", "Content", "Prepared", "Preparer", "restamp"]

# The canonical text always opens with the smallest key, "created" (see IncidentText.parts).
HEAD: Final = '{"created":"'

# (id, tlp, licence, dataset, raw_sha256, raw header, raw values, content sha, body, sha, cut, incidents row,
# group names). ``body`` and ``sha`` are those of a first version (created = modified = the stamp); ``cut`` is
# where the ``modified`` stamp starts in ``body``; ``raw header`` and ``raw values`` are the verbatim source
# row's column names and values as JSON arrays (:mod:`sarhad.store.raw_rows`), both None when no row is kept;
# ``group names`` are the names of every group the record names, in order (the row holds the first only): with
# the row, what the alert rules read (:meth:`sarhad.monitor.evaluate.Subject.of_row`), so no record need be
# kept or rebuilt for them. Plain text, numbers and None throughout, so the tuple crosses a pipe with marshal.
Prepared = tuple[
    str, str, str, str, str | None, str | None, str | None, str, str, str, int, tuple[Any, ...], tuple[str, ...]
]  # fmt: skip
# (head, middle, tail, content sha): a record's canonical text around its timestamps, and its content hash
# (:meth:`Preparer.content`)
Content = tuple[str, str, str, str]
ID: Final = 0
TLP: Final = 1
LICENCE: Final = 2
DATASET: Final = 3
RAW_SHA: Final = 4
RAW_HEADER: Final = 5
RAW_VALUES: Final = 6
CONTENT_SHA: Final = 7
BODY: Final = 8
SHA: Final = 9
CUT: Final = 10
ROW: Final = 11
GROUPS: Final = 12

# positions among an Incident's fields (sarhad.formats.acled.fields)
_PERPETRATORS: Final = 11
_TLP: Final = 16
_LICENCE: Final = 18
_RAW_SHA: Final = 20
_RAW_HEADER: Final = 21  # then the source row's header and values as JSON, after the record's fields
_RAW_VALUES: Final = 22

_sha256 = hashlib.sha256


class Preparer:
    """Prepares the records one publisher writes: party ``party`` publishing at ``stamp``."""

    def __init__(self, party: str, stamp: str) -> None:
        self._party = party
        self._stamp = stamp
        self._text = IncidentText(identity_id(party))

    def __call__(self, inc: Incident, raw: Mapping[str, str] | None) -> Prepared:
        """Prepare ``inc`` with its verbatim source row ``raw`` (or None).

        Raises InvalidInput when the record holds something canonical JSON cannot (a lone surrogate…).
        """
        return self.complete(inc, raw, self.content(inc))

    def content(self, inc: Incident) -> Content:
        """The first step of :meth:`__call__`: the parts of ``inc``'s canonical text and its content hash, all a
        publisher needs to tell that the stored version is the same (then :meth:`complete` need not run).

        Raises InvalidInput as :meth:`__call__` does.
        """
        head, middle, tail = self._text.parts(inc)
        try:
            content_sha = _sha256((head + CREATED_PLACEHOLDER + middle + MODIFIED_PLACEHOLDER + tail).encode())
        except UnicodeEncodeError:
            incident_text(inc, self._party)  # raises InvalidInput naming the lone surrogate
            raise
        if head != HEAD:  # pragma: no cover - parts() always opens with "created"
            raise AssertionError(f"unexpected head of the canonical text: {head!r}")
        return head, middle, tail, content_sha.hexdigest()

    def complete(self, inc: Incident, raw: Mapping[str, str] | None, content: Content) -> Prepared:
        """The rest of :meth:`__call__`, from what :meth:`content` gave for ``inc``."""
        head, middle, tail, csha = content
        stamp = self._stamp
        body = head + stamp + middle + stamp + tail
        header, values = row_values(raw) if raw is not None and inc.raw_sha256 else (None, None)
        return (
            inc.id, inc.tlp, inc.licence, inc.dataset, inc.raw_sha256, header, values,
            csha, body, _sha256(body.encode()).hexdigest(), len(head) + len(stamp) + len(middle),
            incident_row(inc, stamp, stamp, self._party, csha), tuple(p.name for p in inc.perpetrators),
        )  # fmt: skip

    def from_fields(self, fields: tuple[Any, ...], raw: Mapping[str, str]) -> Prepared:
        """``self(Incident(*fields[:21]), raw)`` without building the record, for a worker: ``fields`` are the
        record's fields as a parser checked them, then ``raw``'s column names and values as JSON arrays
        (:func:`sarhad.formats.acled.fields`). The same tuple; anything unusual (a value the direct writer does
        not expect) takes the long way.

        Raises InvalidInput as :meth:`__call__` does.
        """
        parts = self._text.parts_of(fields)
        if parts is None:
            return self(Incident(*fields[:_RAW_HEADER]), raw)
        head, middle, tail = parts
        try:
            content_sha = _sha256((head + CREATED_PLACEHOLDER + middle + MODIFIED_PLACEHOLDER + tail).encode())
        except UnicodeEncodeError:
            return self(Incident(*fields[:_RAW_HEADER]), raw)  # raises InvalidInput naming the lone surrogate
        stamp = self._stamp
        body = head + stamp + middle + stamp + tail
        csha = content_sha.hexdigest()
        raw_sha = fields[_RAW_SHA]
        return (
            fields[0], fields[_TLP], fields[_LICENCE], fields[2], raw_sha, fields[_RAW_HEADER], fields[_RAW_VALUES],
            csha, body, _sha256(body.encode()).hexdigest(), len(head) + len(stamp) + len(middle),
            incident_row_of_fields(fields, stamp, stamp, self._party, csha),
            tuple(p.name for p in fields[_PERPETRATORS]),
        )  # fmt: skip


def restamp(rec: Prepared, stamp: str, created: str, modified: str) -> tuple[str, str, tuple[Any, ...]]:
    """``(body, sha, incidents row)`` of a prepared record (prepared at ``stamp``) as a version with these
    timestamps."""
    body, cut = rec[BODY], rec[CUT]
    text = HEAD + created + body[len(HEAD) + len(stamp) : cut] + modified + body[cut + len(stamp) :]
    row = rec[ROW]
    # INCIDENT_COLUMNS opens with id, modified, created
    return text, _sha256(text.encode()).hexdigest(), (row[0], modified, created, *row[3:])
