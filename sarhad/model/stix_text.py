"""The RFC 8785 canonical text of an incident's STIX object, written directly from the record.

The publisher hashes and stores ``canonical_text(incident.to_stix())`` for every record; building that dict
and walking it generically costs most of an import's time. :func:`incident_text` writes the same bytes in
one pass: the keys are fixed (so their order is known), every value is a string, a small integer, a float
(``lat``, ``lon``, ``border_km``) or null, and the pieces that many records share (a place, a list of
perpetrators, figures, sources) are written once and reused. The test suite checks it against
:func:`sarhad.canonical.canonical_text` over generated records; keep the two in step when
:meth:`Incident.to_stix` changes.
"""

from __future__ import annotations

import json.encoder
from collections.abc import Callable
from typing import Any, Final

from sarhad.canonical import canonical_text, number_text
from sarhad.model.figures import Figure
from sarhad.model.incident import (
    CREATED_PLACEHOLDER,
    INCIDENT_CORE_EXTENSION,
    MODIFIED_PLACEHOLDER,
    SARHAD_EXTENSION,
    TLP_MARKINGS,
    Incident,
    Perpetrator,
    Place,
    identity_id,
)

__all__ = ["CREATED_PLACEHOLDER", "MODIFIED_PLACEHOLDER", "IncidentText", "incident_text"]

_MAX_SAFE: Final = 2**53 - 1
# json's C string encoder (ensure_ascii=False) escapes exactly what RFC 8785 §3.2.2.2 asks for.
_str: Callable[[str], str] = json.encoder.encode_basestring
_FIELDS: Final = 21  # an Incident's fields from id to raw_sha256 (see IncidentText.parts_of)
_CACHE_LIMIT: Final = 10_000  # entries per cache: bounded memory when records share few parts

_CORE: Final = (
    f'{_str(INCIDENT_CORE_EXTENSION)}:{{"determination":"confirmed","extension_type":"property-extension",'
    '"investigation_status":"closed"}'
)
# RFC 8785 §3.2.3 sorts keys by UTF-16 code units; all of these are ASCII, so plain string order. The two
# extension-definition ids sort SARHAD_EXTENSION (…3a8e…) before INCIDENT_CORE_EXTENSION (…ef76…).
assert SARHAD_EXTENSION < INCIDENT_CORE_EXTENSION


class _Unusual(Exception):
    """A value of a type the direct writer does not expect: the general canonical writer decides."""


def _value(value: str | None) -> str:
    if value is None:
        return "null"
    if type(value) is not str:
        raise _Unusual
    return _str(value)


def _int(value: int | None) -> str:
    if value is None:
        return "null"
    if type(value) is not int or not -_MAX_SAFE <= value <= _MAX_SAFE:
        raise _Unusual
    return str(value)


def _float(value: float | None) -> str:
    if type(value) is float:
        return number_text(value)  # raises InvalidInput for NaN and the infinities, as canonical_text does
    return _int(value)  # type: ignore[arg-type]


def _place(p: Place) -> str:
    return (
        f'{{"admin1":{_value(p.admin1)},"admin1_code":{_value(p.admin1_code)},"admin2":{_value(p.admin2)},'
        f'"border_km":{_float(p.border_km)},"country":{_value(p.country)},"lat":{_float(p.lat)},'
        f'"lon":{_float(p.lon)},"name":{_value(p.name)},"precision":{_str(p.precision)}}}'
    )


def _perpetrators(perps: tuple[Perpetrator, ...]) -> str:
    return ",".join(f'{{"attribution":{_str(p.attribution)},"name":{_str(p.name)}}}' for p in perps)


def _figures(figures: tuple[Figure, ...]) -> str:
    return ",".join(
        f'{{"asserted_by":{_str(f.asserted_by)},"best":{_int(f.best)},"category":{_str(f.category)},'
        f'"high":{_int(f.high)},"low":{_int(f.low)},"measure":{_str(f.measure)},"rule":{_str(f.rule)}'
        + (',"zero_ambiguous":true}' if f.zero_ambiguous else "}")
        for f in figures
    )


def _strings(values: tuple[str, ...]) -> str:
    return ",".join(map(_str, values))


class IncidentText:
    """Writes incidents' canonical STIX text for one publisher (one ``created_by`` identity).

    Caches the text of the parts records share, keyed by the (immutable) parts themselves; the caches are
    emptied when they grow past a limit, so memory stays bounded whatever the input.
    """

    def __init__(self, created_by_ref: str) -> None:
        self._created_by_ref = created_by_ref
        self._created_by = f',"created_by_ref":{_str(created_by_ref)}'
        self._places: dict[int, tuple[Place, str]] = {}
        self._perps: dict[int, tuple[tuple[Perpetrator, ...], str]] = {}
        self._figures: dict[int, tuple[tuple[Figure, ...], str]] = {}
        self._lists: dict[int, tuple[tuple[str, ...], str]] = {}

    def _cached(self, cache: dict, key: object, make: Callable[[object], str]) -> str:  # type: ignore[type-arg]
        # Keyed by identity, not equality: hashing a dataclass runs Python code, and the parsers hand out
        # the same objects for repeated values. The entry keeps its object alive, so its id is not reused.
        entry = cache.get(id(key))
        if entry is not None and entry[0] is key:
            return entry[1]  # type: ignore[no-any-return]
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        text = make(key)
        cache[id(key)] = (key, text)
        return text

    def parts(self, inc: Incident) -> tuple[str, str, str]:
        """``(head, middle, tail)``: the canonical text is ``head + created + middle + modified + tail``.

        ``created`` and ``modified`` are the two timestamps (plain ASCII, no escaping needed), which the
        publisher fills after comparing the content hash. The text may hold a lone surrogate (which UTF-8
        cannot encode): callers encode it and call :func:`incident_text` on failure, which raises. Raises
        InvalidInput for a value canonical JSON cannot hold (an integer beyond ±2**53, NaN…).
        """
        try:
            return self._parts(inc)
        except (_Unusual, TypeError):
            return _general_parts(inc, self._created_by_ref)

    def parts_of(self, fields: tuple[Any, ...]) -> tuple[str, str, str] | None:
        """:meth:`parts` of the record whose fields are ``fields``, without the record: the values of
        :class:`Incident`'s fields in their order, from ``id`` to ``raw_sha256`` (no flags; anything after
        them is ignored), as a parser checked them (:func:`sarhad.model.incident.check_fields`). None for a
        value of an unexpected type: the caller builds the record and calls :meth:`parts`, which takes the
        general way."""
        try:
            return self._write(*fields[:_FIELDS])
        except (_Unusual, TypeError):
            return None

    def _parts(self, inc: Incident) -> tuple[str, str, str]:
        return self._write(
            inc.id, inc.reported_by, inc.dataset, inc.source_id, inc.date_start, inc.date_end, inc.date_precision,
            inc.place, inc.attack_types, inc.target_types, inc.weapon_types, inc.perpetrators, inc.figures,
            inc.sources, inc.title, inc.summary, inc.tlp, inc.recipients, inc.licence, inc.raw, inc.raw_sha256,
            flags=inc.flags,
        )  # fmt: skip

    def _write(
        self, id: str, reported_by: str, dataset: str, source_id: str, date_start: str, date_end: str,
        date_precision: str, place: Place, attack_types: tuple[str, ...], target_types: tuple[str, ...],
        weapon_types: tuple[str, ...], perpetrators: tuple[Perpetrator, ...], figures: tuple[Figure, ...],
        sources: tuple[str, ...], title: str, summary: str, tlp: str, recipients: tuple[str, ...], licence: str,
        raw: Any, raw_sha256: str | None, *, flags: tuple[str, ...] = (),
    ) -> tuple[str, str, str]:  # fmt: skip
        lists = self._lists
        ext = []
        if attack_types:
            ext.append(f'"attack_types":[{self._cached(lists, attack_types, _strings)}],')  # type: ignore[arg-type]
        ext.append(
            f'"dataset":{_str(dataset)},"date_end":{_str(date_end)},'
            f'"date_precision":{_str(date_precision)},"date_start":{_str(date_start)},'
            '"extension_type":"property-extension",'
        )
        if figures:
            ext.append(f'"figures":[{self._cached(self._figures, figures, _figures)}],')  # type: ignore[arg-type]
        if flags:
            ext.append(f'"flags":[{self._cached(lists, flags, _strings)}],')  # type: ignore[arg-type]
        ext.append(f'"licence":{_str(licence)},')
        if perpetrators:
            ext.append(f'"perpetrators":[{self._cached(self._perps, perpetrators, _perpetrators)}],')  # type: ignore[arg-type]
        ext.append(f'"place":{self._cached(self._places, place, _place)},')  # type: ignore[arg-type]
        if raw is not None:
            ext.append(f'"raw":{canonical_text(dict(raw))},')
        if raw_sha256 is not None:
            ext.append(f'"raw_sha256":{_str(raw_sha256)},')
        if recipients:
            ext.append(f'"recipients":[{_strings(recipients)}],')
        ext.append(f'"reported_by":{_str(reported_by)},"source_id":{_str(source_id)}')
        if sources:
            ext.append(f',"sources":[{self._cached(lists, sources, _strings)}]')  # type: ignore[arg-type]
        if target_types:
            ext.append(f',"target_types":[{self._cached(lists, target_types, _strings)}]')  # type: ignore[arg-type]
        if weapon_types:
            ext.append(f',"weapon_types":[{self._cached(lists, weapon_types, _strings)}]')  # type: ignore[arg-type]
        description = f',"description":{_str(summary)}' if summary else ""
        middle = (
            f'"{self._created_by}{description},"extensions":{{{_str(SARHAD_EXTENSION)}:{{{"".join(ext)}}},{_CORE}}}'
            f',"id":{_str(id)},"modified":"'
        )
        tail = (
            f'","name":{_str(title or f"Incident of {date_start}")},'
            f'"object_marking_refs":[{_str(TLP_MARKINGS[tlp])}],"spec_version":"2.1","type":"incident"}}'
        )
        return '{"created":"', middle, tail


def _general_parts(inc: Incident, created_by_ref: str) -> tuple[str, str, str]:
    """:meth:`IncidentText.parts` the general way: the STIX dict through :func:`canonical_text`."""
    stix = inc.to_stix()
    stix["created_by_ref"] = created_by_ref
    stix["created"], stix["modified"] = CREATED_PLACEHOLDER, MODIFIED_PLACEHOLDER
    text = canonical_text(stix)
    head = '{"created":"'
    # "created" is the smallest key, so the text starts with it; the top-level "modified" key is the one
    # occurrence of this sequence with unescaped quotes (inside strings every quote is escaped).
    key = '","modified":"'
    at = text.index(f'{key}{MODIFIED_PLACEHOLDER}","name":') + len(key)
    return head, text[len(head) + len(CREATED_PLACEHOLDER) : at], text[at + len(MODIFIED_PLACEHOLDER) :]


def incident_text(inc: Incident, created_by: str | None = None) -> str:
    """``canonical_text(inc.to_stix(created_by))``, written directly (see :class:`IncidentText`).

    Raises InvalidInput when the record holds something canonical JSON cannot (see :func:`canonical_text`).
    """
    head, middle, tail = IncidentText(identity_id(created_by or inc.reported_by)).parts(inc)
    text = head + inc.created + middle + inc.modified + tail
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        canonical_text(inc.to_stix(created_by))  # raises InvalidInput naming the lone surrogate
        raise  # pragma: no cover - canonical_text always raises here
    return text
