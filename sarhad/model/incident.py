"""The incident record: one source's account of one terrorism or border-security incident.

An :class:`Incident` is what a party, a dataset row or a news article says happened. Its stored and shared
form is a STIX 2.1 ``incident`` object with sarhad's property extension (:meth:`Incident.to_stix`); the
canonical JSON of that object is what the transparency log hashes.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from functools import lru_cache
from typing import Any, Final, Generic, TypeVar

from sarhad.canonical import canonical_bytes
from sarhad.errors import InvalidInput
from sarhad.model.codes import DATE_PRECISIONS, GEO_PRECISIONS, TLP_LEVELS
from sarhad.model.figures import Figure, Range, total

__all__ = [
    "ATTRIBUTIONS",
    "CREATED_PLACEHOLDER",
    "INCIDENT_CORE_EXTENSION",
    "MAX_RECIPIENTS",
    "MODIFIED_PLACEHOLDER",
    "PARTY_CODE",
    "PRINCIPAL_NAME",
    "SARHAD_EXTENSION",
    "TLP_MARKINGS",
    "Incident",
    "Perpetrator",
    "Place",
    "check_fields",
    "check_recipient",
    "check_recipients",
    "content_hash",
    "identity_id",
    "incident_id",
]

# Stand-ins for the two timestamps while the content hash is computed (:func:`content_hash`); no valid timestamp
# looks like them.
CREATED_PLACEHOLDER: Final = "@@sarhad:created@@"
MODIFIED_PLACEHOLDER: Final = "@@sarhad:modified@@"

# The extension-definition sarhad publishes for its incident properties (schema in sarhad/model/data).
SARHAD_EXTENSION: Final = "extension-definition--3a8e6f0e-2b1c-5d7a-9e4f-5a7268616401"
# OASIS Incident Core Extension v2.0 (cti-stix-common-objects).
INCIDENT_CORE_EXTENSION: Final = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"
# TLP 2.0 marking definitions: fixed ids from cti-stix-common-objects.
TLP_MARKINGS: Final[dict[str, str]] = {
    "CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
_TLP_BY_ID: Final = {v: k for k, v in TLP_MARKINGS.items()}
ATTRIBUTIONS: Final = ("confirmed", "suspected", "claimed", "blamed", "unknown")
# A party code (``PK``, ``IR``) and a principal's name (``zahedan-desk``): a TLP:RED record's recipients are
# ``PARTY:NAME`` references to principals, checked with these (sarhad.web.auth uses the same for tokens).
PARTY_CODE: Final = re.compile(r"^[A-Z][A-Z0-9-]{1,15}$")
PRINCIPAL_NAME: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MAX_RECIPIENTS: Final = 100

_NAMESPACE: Final = uuid.UUID("5a7268ad-0000-5000-8000-736172686164")  # sarhad's uuid5 namespace
_ID = re.compile(r"^incident--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
_COUNTRY = re.compile(r"[A-Z]{2}")
_T = TypeVar("_T")
_EPOCH: Final = "1970-01-01T00:00:00Z"  # the timestamps of a record not yet published


_NAMESPACE_BYTES: Final = _NAMESPACE.bytes
_sha1 = hashlib.sha1


def incident_id(dataset: str, reported_by: str, source_id: str) -> str:
    """The stable id of the record ``source_id`` of ``dataset`` as asserted by ``reported_by``.

    Importing the same row again gives the same id, so a re-import changes nothing. It is the RFC 9562 §5.5
    UUIDv5 of ``dataset|reported_by|source_id`` in sarhad's namespace, computed here without building a
    ``uuid.UUID`` (the importer calls this for every row; a test checks it against ``uuid.uuid5``).
    """
    digest = _sha1(_NAMESPACE_BYTES + f"{dataset}|{reported_by}|{source_id}".encode()).digest()
    # version 5 in the high nibble of byte 6, the RFC 4122 variant (10xx) in byte 8
    h = (digest[:6] + bytes((digest[6] & 0x0F | 0x50, digest[7], digest[8] & 0x3F | 0x80)) + digest[9:16]).hex()
    return f"incident--{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@lru_cache(maxsize=1024)
def identity_id(party: str) -> str:
    """The STIX identity id of a party or dataset (``identity--…``), stable across nodes."""
    return f"identity--{uuid.uuid5(_NAMESPACE, f'party|{party}')}"


def check_recipient(reference: object) -> str:
    """``reference`` if it names a principal as ``PARTY:NAME`` (``IR:zahedan-desk``).

    Raises InvalidInput saying what a recipient looks like otherwise.
    """
    if type(reference) is str:
        party, sep, name = reference.partition(":")
        if sep and PARTY_CODE.match(party) and PRINCIPAL_NAME.match(name):
            return reference
    raise InvalidInput(
        f"recipient {str(reference)[:80]!r} is not PARTY:NAME (a party code such as IR, a colon, and a principal's"
        " name such as zahedan-desk: letters, digits, '.', '_', '@', '-')"
    )


def check_recipients(recipients: tuple[str, ...], tlp: str, what: str = "record") -> None:
    """Check the named recipients of a ``what`` (a record, an import) marked ``tlp``: a tuple of at most
    :data:`MAX_RECIPIENTS` distinct ``PARTY:NAME``, on TLP:RED only. Raises InvalidInput saying what is wrong."""
    if type(recipients) is not tuple:
        raise InvalidInput(f"recipients must be a list of PARTY:NAME, not {type(recipients).__name__}")
    if tlp != "RED":
        raise InvalidInput(
            f"recipients are for TLP:RED records only; this {what} is TLP:{tlp} (mark it RED, or name no recipients)"
        )
    if len(recipients) > MAX_RECIPIENTS:
        raise InvalidInput(f"{len(recipients)} recipients; a {what} may name at most {MAX_RECIPIENTS}")
    for reference in recipients:
        check_recipient(reference)
    if len(set(recipients)) != len(recipients):
        twice = next(r for r in recipients if recipients.count(r) > 1)
        raise InvalidInput(f"recipient {twice!r} is named twice")


@dataclass(frozen=True, slots=True)
class Perpetrator:
    """A group named as responsible, as the source spelled it, and how sure the source is."""

    name: str
    attribution: str = "unknown"

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidInput("perpetrator name is empty")
        if self.attribution not in ATTRIBUTIONS:
            raise InvalidInput(f"attribution {self.attribution!r} is not one of {', '.join(ATTRIBUTIONS)}")


@dataclass(frozen=True, slots=True)
class Place:
    """Where it happened, with how exactly that is known (``precision``, see codes.GEO_PRECISIONS)."""

    country: str | None = None  # ISO 3166-1 alpha-2
    admin1: str | None = None
    admin1_code: str | None = None  # ISO 3166-2, e.g. PK-BA
    admin2: str | None = None
    name: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: str = "unknown"
    border_km: float | None = None  # distance to the nearest shared border the node watches

    def __post_init__(self) -> None:
        if self.country is not None and not _COUNTRY.fullmatch(self.country):
            raise InvalidInput(f"country {self.country!r} is not an ISO 3166-1 alpha-2 code")
        if (self.lat is None) != (self.lon is None):
            raise InvalidInput("latitude and longitude must be given together")
        if self.lat is not None and not -90 <= self.lat <= 90:
            raise InvalidInput(f"latitude {self.lat} is outside -90..90")
        if self.lon is not None and not -180 <= self.lon <= 180:
            raise InvalidInput(f"longitude {self.lon} is outside -180..180")
        if self.precision not in GEO_PRECISIONS:
            raise InvalidInput(f"geo precision {self.precision!r} is not one of {', '.join(GEO_PRECISIONS)}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "admin1": self.admin1,
            "admin1_code": self.admin1_code,
            "admin2": self.admin2,
            "name": self.name,
            "lat": self.lat,
            "lon": self.lon,
            "precision": self.precision,
            "border_km": self.border_km,
        }


class _Shared(Generic[_T]):
    """Immutable values parsed from STIX, shared between equal member dicts (the same members, values and value
    types): records share a few thousand places, figures and perpetrators, so one object serves them all and
    each is built and checked once."""

    _MAX: Final = 65536

    def __init__(self, make: Callable[[Mapping[str, Any]], _T]) -> None:
        self._make = make
        self._found: dict[tuple[tuple[tuple[str, Any], ...], tuple[type, ...]], _T] = {}

    def __call__(self, data: Mapping[str, Any]) -> _T:
        """``make(data)``, or the value made of equal ``data`` before."""
        try:
            # the types too: 1, 1.0 and True are equal keys, but they make different values
            key = (tuple(data.items()), tuple(map(type, data.values())))
            found = self._found.get(key)
        except (TypeError, AttributeError):  # unhashable values (a list, an object): make says what is wrong
            return self._make(data)
        if found is None:
            found = self._make(data)
            if len(self._found) >= self._MAX:
                self._found.clear()
            self._found[key] = found
        return found


_place: Final = _Shared(lambda data: Place(**data))


@lru_cache(maxsize=65536)
def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _check_date(value: str, what: str) -> None:
    # cached: a dataset has a few thousand distinct dates, and every record checks two
    if type(value) is not str or not _is_date(value):
        raise InvalidInput(f"{what} {value!r} is not a date (YYYY-MM-DD)")


def check_fields(
    id: str, reported_by: str, date_start: str, date_end: str, date_precision: str, tlp: str,
    recipients: tuple[str, ...],
) -> None:  # fmt: skip
    """The checks an :class:`Incident` makes of these fields when it is built (the others are checked by their
    own types, or not at all), for a caller that writes a record's stored forms straight from its fields
    (:meth:`sarhad.prepare.Preparer.from_fields`) and must accept exactly what the record accepts.

    Raises InvalidInput saying what is wrong, as building the record would.
    """
    if not _ID.match(id):
        raise InvalidInput(f"incident id {id!r} is not of the form incident--<uuid>")
    _check_date(date_start, "start date")
    _check_date(date_end, "end date")
    if date_end < date_start:
        raise InvalidInput(f"end date {date_end} is before start date {date_start}")
    if date_precision not in DATE_PRECISIONS:
        raise InvalidInput(f"date precision {date_precision!r} is not one of {', '.join(DATE_PRECISIONS)}")
    if tlp not in TLP_LEVELS:
        raise InvalidInput(f"TLP {tlp!r} is not one of {', '.join(TLP_LEVELS)}")
    if recipients:
        check_recipients(recipients, tlp)
    if not reported_by:
        raise InvalidInput("reported_by is empty")


@dataclass(frozen=True, slots=True)
class Incident:
    """One source's account of an incident. An Incident that exists is valid.

    ``reported_by`` is the party (``PK``) or dataset (``UCDP``) that asserts the record; ``dataset`` and
    ``source_id`` name the row it came from (``ucdp``/``193150``, ``party``/the party's own reference);
    ``raw`` keeps that row verbatim (column → text) for lossless re-export, with ``raw_sha256``.
    ``recipients`` are the principals (``PARTY:NAME``) a TLP:RED record is for; none means the originating
    party's own principals (see sarhad.web.auth).

    Raises InvalidInput when a field is malformed (a bad date, an end before the start, a TLP level sarhad
    does not know, coordinates out of range, recipients on a record that is not TLP:RED…).
    """

    id: str
    reported_by: str
    dataset: str
    source_id: str
    date_start: str
    date_end: str
    date_precision: str = "day"
    place: Place = field(default_factory=Place)
    attack_types: tuple[str, ...] = ()
    target_types: tuple[str, ...] = ()
    weapon_types: tuple[str, ...] = ()
    perpetrators: tuple[Perpetrator, ...] = ()
    figures: tuple[Figure, ...] = ()
    sources: tuple[str, ...] = ()
    title: str = ""
    summary: str = ""
    tlp: str = "CLEAR"
    recipients: tuple[str, ...] = ()
    licence: str = "PARTY-OWN"
    raw: Mapping[str, str] | None = None
    raw_sha256: str | None = None
    flags: tuple[str, ...] = ()
    created: str = _EPOCH
    modified: str = _EPOCH

    def __post_init__(self) -> None:
        check_fields(
            self.id, self.reported_by, self.date_start, self.date_end, self.date_precision, self.tlp, self.recipients
        )
        for stamp, what in ((self.created, "created"), (self.modified, "modified")):
            if stamp != _EPOCH and not _TIMESTAMP.match(stamp):
                raise InvalidInput(f"{what} {stamp!r} is not a UTC timestamp (YYYY-MM-DDTHH:MM:SSZ)")

    def with_place(self, place: Place) -> Incident:
        """This record with ``place`` instead of its own (the importer adds the border distance this way).

        Nothing else changes, so the record's checks are not run again: ``place`` is a valid Place, and no
        check of an Incident involves its place. About ten times cheaper than ``dataclasses.replace``.
        """
        new = object.__new__(Incident)
        for name in _SLOTS:
            object.__setattr__(new, name, place if name == "place" else getattr(self, name))
        return new

    # -- derived ---------------------------------------------------------------------------------------
    @property
    def killed(self) -> Range:
        """The record's total killed (low/best/high, None where unknown)."""
        return total(self.figures, "killed")

    @property
    def wounded(self) -> Range:
        """The record's total wounded (low/best/high, None where unknown)."""
        return total(self.figures, "wounded")

    @property
    def perpetrator(self) -> str | None:
        """The first named perpetrator, as reported."""
        return self.perpetrators[0].name if self.perpetrators else None

    # -- STIX form -------------------------------------------------------------------------------------
    def to_stix(self, created_by: str | None = None) -> dict[str, Any]:
        """The STIX 2.1 incident object sarhad stores, hashes and shares.

        ``created_by`` is the party of the node that publishes it (defaults to ``reported_by``).
        """
        ext: dict[str, Any] = {
            "extension_type": "property-extension",
            "reported_by": self.reported_by,
            "dataset": self.dataset,
            "source_id": self.source_id,
            "date_start": self.date_start,
            "date_end": self.date_end,
            "date_precision": self.date_precision,
            "place": self.place.to_dict(),
            "licence": self.licence,
        }
        # STIX forbids empty lists: a list property is left out when it has nothing.
        lists = {
            "attack_types": list(self.attack_types),
            "target_types": list(self.target_types),
            "weapon_types": list(self.weapon_types),
            "perpetrators": [{"name": p.name, "attribution": p.attribution} for p in self.perpetrators],
            "figures": [f.to_dict() for f in self.figures],
            "sources": list(self.sources),
            "flags": list(self.flags),
        }
        ext.update({key: value for key, value in lists.items() if value})
        if self.raw is not None:
            ext["raw"] = dict(self.raw)
        if self.raw_sha256 is not None:
            ext["raw_sha256"] = self.raw_sha256
        if self.recipients:
            ext["recipients"] = list(self.recipients)
        obj: dict[str, Any] = {
            "type": "incident",
            "spec_version": "2.1",
            "id": self.id,
            "created": self.created,
            "modified": self.modified,
            "created_by_ref": identity_id(created_by or self.reported_by),
            "name": self.title or f"Incident of {self.date_start}",
            "object_marking_refs": [TLP_MARKINGS[self.tlp]],
            "extensions": {
                INCIDENT_CORE_EXTENSION: {
                    "extension_type": "property-extension",
                    "determination": "confirmed",
                    "investigation_status": "closed",
                },
                SARHAD_EXTENSION: ext,
            },
        }
        if self.summary:
            obj["description"] = self.summary
        return obj

    @classmethod
    def from_stix(cls, obj: Mapping[str, Any]) -> Incident:
        """Parse a STIX incident carrying sarhad's extension. Raises InvalidInput when it does not fit."""
        if obj.get("type") != "incident":
            raise InvalidInput(f"expected a STIX incident, found type {obj.get('type')!r}")
        try:
            ext = obj["extensions"][SARHAD_EXTENSION]
        except (KeyError, TypeError) as exc:
            raise InvalidInput(f"{obj.get('id')}: the incident has no sarhad extension ({SARHAD_EXTENSION})") from exc
        try:
            # inside the try: a peer's object may carry any JSON here (null, numbers, objects)
            markings = [m for m in obj.get("object_marking_refs") or () if isinstance(m, str) and m in _TLP_BY_ID]
            place = ext.get("place") or {}
            return cls(
                id=obj["id"],
                reported_by=ext["reported_by"],
                dataset=ext["dataset"],
                source_id=ext["source_id"],
                date_start=ext["date_start"],
                date_end=ext["date_end"],
                date_precision=ext.get("date_precision", "day"),
                place=_place(place),
                attack_types=tuple(ext.get("attack_types", ())),
                target_types=tuple(ext.get("target_types", ())),
                weapon_types=tuple(ext.get("weapon_types", ())),
                perpetrators=tuple([_perpetrator(p) for p in ext.get("perpetrators", ())]),
                figures=tuple([_figure(f) for f in ext.get("figures", ())]),
                sources=tuple(ext.get("sources", ())),
                title=obj.get("name", ""),
                summary=obj.get("description", ""),
                tlp=_TLP_BY_ID[markings[0]] if markings else "CLEAR",
                recipients=tuple(ext.get("recipients", ())),
                licence=ext.get("licence", "PARTY-OWN"),
                raw=ext.get("raw"),
                raw_sha256=ext.get("raw_sha256"),
                flags=tuple(ext.get("flags", ())),
                created=obj["created"],
                modified=obj["modified"],
            )
        except KeyError as exc:
            raise InvalidInput(f"{obj.get('id')}: the incident is missing {exc.args[0]!r}") from exc
        except (TypeError, ValueError, AttributeError) as exc:
            raise InvalidInput(f"{obj.get('id')}: malformed incident: {exc}") from exc


_SLOTS: Final = tuple(f.name for f in fields(Incident))
_perpetrator: Final = _Shared(lambda data: Perpetrator(**data))
_figure: Final = _Shared(Figure.from_dict)


def content_hash(stix: Mapping[str, Any]) -> str:
    """SHA-256 of an object's canonical JSON with its two timestamps set to :data:`CREATED_PLACEHOLDER` and
    :data:`MODIFIED_PLACEHOLDER`: equal iff the content is the same.

    The one kind of hash ``objects.content_sha256`` holds, for this node's own versions (the publisher computes
    it from the text it writes) and for those a sync brings, so that publishing the content of the current
    version again, whoever wrote it, changes nothing.
    """
    body = {**stix, "created": CREATED_PLACEHOLDER, "modified": MODIFIED_PLACEHOLDER}
    return hashlib.sha256(canonical_bytes(body)).hexdigest()
