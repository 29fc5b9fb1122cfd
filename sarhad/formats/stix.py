"""STIX 2.1 bundles: what a node exports and imports as standard cyber-threat-intelligence objects.

A sarhad incident is a STIX ``incident`` carrying two property extensions: the OASIS *Incident Core
Extension v2.0* (``determination``, ``investigation_status``) and sarhad's own extension, published here as an
``extension-definition`` whose JSON Schema ships in the package (``sarhad-incident-extension.schema.json``).
stix2-validator does not look inside extensions, so :func:`check_object` enforces that schema on import.

Around each incident the bundle carries objects derived from it, with stable ids so that re-exports are
identical: an ``identity`` per party, a ``location``, a ``threat-actor`` (``terrorist``) per named group, the
``relationship`` objects ``attributed-to`` and ``located-at``, and the TLP 2.0 ``marking-definition`` objects
(the fixed OASIS ids). Reports (a news article, a party's statement), notes and other objects the node holds
travel as stored.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

import jsonschema

from sarhad._internal.indented import dumps_indented
from sarhad.errors import InvalidInput
from sarhad.model.codes import RESTRICTED_LICENCES
from sarhad.model.incident import (
    INCIDENT_CORE_EXTENSION,
    SARHAD_EXTENSION,
    TLP_MARKINGS,
    Incident,
    identity_id,
)

if TYPE_CHECKING:
    from sarhad.node import Node

__all__ = [
    "DERIVED_TYPES",
    "MAX_BUNDLE_BYTES",
    "TLP_EXTENSION",
    "ImportSummary",
    "StixExport",
    "bundle",
    "check_object",
    "derived_objects",
    "export_stix",
    "extension_definition",
    "extension_schema",
    "import_stix",
    "load_bundle",
    "marking_definition",
    "party_identity",
    "threat_actor_id",
    "tlp_of",
]

SCHEMA_FILE: Final = "sarhad-incident-extension.schema.json"
# A bundle is parsed whole (about ten times its size in memory): larger exports are split by date.
MAX_BUNDLE_BYTES: Final = 512 * 1024 * 1024
# The TLP 2.0 marking extension (cti-stix-common-objects, tlp-2.0).
TLP_EXTENSION: Final = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
_TLP_CREATED: Final = "2022-10-01T00:00:00.000Z"
_TLP_BY_ID: Final = {v: k for k, v in TLP_MARKINGS.items()}
# Timestamps of the objects sarhad defines once (its extension-definition, party identities, groups).
_EPOCH: Final = "2025-11-01T00:00:00.000Z"
# Version 1.1 of sarhad's incident extension added the optional ``recipients`` of a TLP:RED record (1.0, whose
# schema allows no other properties, would refuse a record that names them).
_EXTENSION_1_1: Final = "2026-12-06T00:00:00.000Z"
_NAMESPACE: Final = uuid.UUID("5a7268ad-0001-5000-8000-737469780000")
_SARHAD_IDENTITY: Final = identity_id("SARHAD")
DERIVED_TYPES: Final = ("identity", "location", "threat-actor", "relationship", "marking-definition")
_ID = re.compile(r"^([a-z0-9][a-z0-9-]*[a-z0-9])--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_DETERMINATIONS: Final = ("blocked", "confirmed", "failed-attempt", "false-positive", "suspected")


@cache
def extension_schema() -> dict[str, Any]:
    """The JSON Schema of sarhad's incident property extension (shipped in the package)."""
    text = resources.files("sarhad.formats").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = extension_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator: jsonschema.protocols.Validator = cls(schema)
    return validator


def extension_definition() -> dict[str, Any]:
    """The ``extension-definition`` object that publishes sarhad's incident extension and its schema."""
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": SARHAD_EXTENSION,
        "created": _EPOCH,
        "modified": _EXTENSION_1_1,
        "created_by_ref": _SARHAD_IDENTITY,
        "name": "sarhad incident",
        "description": extension_schema()["description"],
        "schema": extension_schema()["$id"],
        "version": "1.1",
        "extension_types": ["property-extension"],
    }


def marking_definition(level: str) -> dict[str, Any]:
    """The TLP 2.0 ``marking-definition`` for ``level`` (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP_MARKINGS[level],
        "created": _TLP_CREATED,
        "name": f"TLP:{level}",
        "extensions": {TLP_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": level.lower()}},
    }


def party_identity(party: str) -> dict[str, Any]:
    """The ``identity`` of a party or dataset (``PK``, ``UCDP``…), with the id every node computes for it."""
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": identity_id(party),
        "created": _EPOCH,
        "modified": _EPOCH,
        "name": party,
        "identity_class": "organization",
    }


def threat_actor_id(name: str) -> str:
    """The stable id of the ``threat-actor`` for a group name (case and spacing do not matter)."""
    key = " ".join(name.lower().split())
    return f"threat-actor--{uuid.uuid5(_NAMESPACE, f'threat-actor|{key}')}"


def _derived_id(kind: str, *parts: str) -> str:
    return f"{kind}--{uuid.uuid5(_NAMESPACE, '|'.join((kind, *parts)))}"


def tlp_of(obj: Mapping[str, Any]) -> str:
    """The TLP level of an object's first TLP 2.0 marking (CLEAR when it has none)."""
    for ref in obj.get("object_marking_refs", ()) or ():
        if ref in _TLP_BY_ID:
            return _TLP_BY_ID[ref]
    return "CLEAR"


def derived_objects(incident: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The location, threat-actors and relationships sarhad derives from one STIX incident.

    They carry the incident's TLP marking and timestamps, and ids derived from the incident's id, so that the
    same incident always yields the same objects.
    """
    return _derived(incident, Incident.from_stix(incident))


def _derived(incident: Mapping[str, Any], inc: Incident) -> list[dict[str, Any]]:
    """:func:`derived_objects` of ``incident``, parsed as ``inc``."""
    marks = [TLP_MARKINGS[inc.tlp]]
    base = {
        "spec_version": "2.1",
        "created": incident["created"],
        "modified": incident["modified"],
        "created_by_ref": incident.get("created_by_ref", identity_id(inc.reported_by)),
        "object_marking_refs": marks,
    }
    out: list[dict[str, Any]] = []
    place = inc.place
    location: dict[str, Any] = {}
    if place.lat is not None and place.lon is not None:
        location = {"latitude": place.lat, "longitude": place.lon}
    if place.country:
        location["country"] = place.country
    if location:
        loc_id = _derived_id("location", inc.id)
        if place.name:
            location["name"] = place.name
        if place.admin1:
            location["administrative_area"] = place.admin1
        out.append({"type": "location", "id": loc_id, **base, **location})
        out.append(_relationship(inc.id, "located-at", loc_id, base))
    for perp in inc.perpetrators:
        actor = threat_actor_id(perp.name)
        out.append(
            {
                "type": "threat-actor",
                "spec_version": "2.1",
                "id": actor,
                "created": _EPOCH,
                "modified": _EPOCH,
                "name": perp.name,
                "threat_actor_types": ["terrorist"],
            }
        )
        rel = _relationship(inc.id, "attributed-to", actor, base)
        rel["description"] = f"attribution: {perp.attribution}"
        out.append(rel)
    return out


def _relationship(source: str, kind: str, target: str, base: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "type": "relationship",
        "id": _derived_id("relationship", source, kind, target),
        **base,
        "relationship_type": kind,
        "source_ref": source,
        "target_ref": target,
    }


def _without_empty_lists(obj: Mapping[str, Any]) -> dict[str, Any]:
    # STIX 2.1 §3.2 forbids empty lists (stix2-validator checks extension properties for them too); sarhad's
    # stored form keeps them (a framework milestone's "changes", an incident's "attack_types"), and every
    # reader takes a missing list as empty (Incident.from_stix, the framework views), so dropping them in an
    # export loses nothing.
    out = {k: v for k, v in obj.items() if v != []}
    extensions = dict(out.get("extensions") or {})
    ext = extensions.get(SARHAD_EXTENSION)
    if isinstance(ext, dict):
        extensions[SARHAD_EXTENSION] = {k: v for k, v in ext.items() if v != []}
        out["extensions"] = extensions
    return out


class _Bundling:
    """What a bundle holds beside the objects given, gathered one object at a time, so that a bundle can be
    written while its objects are read (:func:`export_stix`) as well as built whole (:func:`bundle`).

    :meth:`add` gives the objects of the bundle's body an object stands for: itself (without empty lists) and,
    for an incident, its location and relationships. What they refer to (identities, TLP markings, groups and
    sarhad's extension-definition, each once) is :meth:`supporting`, which goes before the body; the bundle's id
    (:meth:`bundle_id`) is derived from the body's ids and versions. Both are known only once every object was
    added, and take memory by parties, groups and markings, not by objects.
    """

    def __init__(self) -> None:
        self._support: dict[str, dict[str, Any]] = {}
        self._parties: set[str] = {"SARHAD"}
        # uuid5(_NAMESPACE, "bundle|" + "|".join(id@modified of each body object)), one object at a time:
        # uuid5 is the SHA-1 of the namespace's bytes and the name (RFC 9562 §5.5).
        self._digest = hashlib.sha1(_NAMESPACE.bytes + b"bundle|", usedforsecurity=False)
        self._body = 0
        self.incidents = 0
        self.red = 0

    def add(self, obj: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The body objects ``obj`` stands for, in the bundle's order."""
        body = [_without_empty_lists(obj)]
        if obj.get("type") == "incident":
            inc = Incident.from_stix(obj)
            self.incidents += 1
            self._parties.add(inc.reported_by)
            for extra in _derived(obj, inc):
                if extra["type"] == "threat-actor":
                    self._support[extra["id"]] = extra
                else:
                    body.append(extra)
            self._support[TLP_MARKINGS[inc.tlp]] = marking_definition(inc.tlp)
        elif obj.get("type") != "marking-definition":
            self._support.setdefault(TLP_MARKINGS[tlp_of(obj)], marking_definition(tlp_of(obj)))
        if tlp_of(obj) == "RED":
            self.red += 1
        for o in body:
            self._digest.update(f"{'|' if self._body else ''}{o['id']}@{o.get('modified', '')}".encode())
            self._body += 1
        return body

    def supporting(self) -> list[dict[str, Any]]:
        """The objects the body refers to, by id, each once."""
        support = dict(self._support)
        for party in self._parties:
            support[identity_id(party)] = party_identity(party)
        support[SARHAD_EXTENSION] = extension_definition()
        return [support[k] for k in sorted(support)]

    def bundle_id(self) -> str:
        """The bundle's id: the same body gives the same id."""
        return f"bundle--{uuid.UUID(bytes=self._digest.digest()[:16], version=5)}"


def bundle(objects: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """A STIX 2.1 bundle of ``objects`` followed by what they refer to: identities, TLP markings, groups and
    sarhad's extension-definition (each once). Its id is derived from the objects, so it is reproducible."""
    gathered = _Bundling()
    body = [o for obj in objects for o in gathered.add(obj)]
    return {"type": "bundle", "id": gathered.bundle_id(), "objects": [*gathered.supporting(), *body]}


def check_object(obj: Any, where: str) -> None:
    """Check one STIX object sarhad will store; for an incident, check both extensions against their schemas.

    ``where`` names the object in messages (``bundle.json object 3``). Raises InvalidInput naming the object
    and the property at fault.
    """
    if not isinstance(obj, dict):
        raise InvalidInput(f"{where}: expected a JSON object, found {type(obj).__name__}")
    object_id = obj.get("id")
    kind = obj.get("type")
    label = f"{where} ({object_id})"
    if not isinstance(object_id, str) or not _ID.match(object_id) or object_id.split("--")[0] != kind:
        raise InvalidInput(f"{where}: id {object_id!r} is not of the form {kind}--<uuid>")
    if obj.get("spec_version", "2.1") != "2.1":
        raise InvalidInput(f"{label}: spec_version {obj.get('spec_version')!r} is not 2.1")
    if kind != "incident":
        return
    extensions = obj.get("extensions")
    if not isinstance(extensions, dict) or SARHAD_EXTENSION not in extensions:
        raise InvalidInput(f"{label}: the incident has no sarhad extension ({SARHAD_EXTENSION})")
    errors = sorted(_validator().iter_errors(extensions[SARHAD_EXTENSION]), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        path = "/".join(str(p) for p in first.absolute_path) or "(extension)"
        raise InvalidInput(f"{label}: sarhad extension property {path}: {first.message}")
    core = extensions.get(INCIDENT_CORE_EXTENSION)
    if core is not None:
        if not isinstance(core, dict) or core.get("extension_type") != "property-extension":
            raise InvalidInput(f"{label}: incident-core extension must be a property-extension")
        if core.get("determination") not in _DETERMINATIONS:
            raise InvalidInput(
                f"{label}: incident-core determination {core.get('determination')!r} is not one of"
                f" {', '.join(_DETERMINATIONS)}"
            )
        if not isinstance(core.get("investigation_status"), str) or not core["investigation_status"]:
            raise InvalidInput(f"{label}: incident-core investigation_status is missing")
    try:
        Incident.from_stix(obj)
    except InvalidInput as exc:
        raise InvalidInput(f"{label}: {exc}") from exc
    except (TypeError, ValueError, AttributeError) as exc:
        # a property of the wrong JSON type that the schemas do not cover (e.g. object_marking_refs: null)
        raise InvalidInput(f"{label}: malformed incident: {exc}") from exc


def load_bundle(path: Path) -> list[dict[str, Any]]:
    """Read a STIX bundle file and check every object in it. Raises InvalidInput naming the first bad one,
    or when the file is larger than :data:`MAX_BUNDLE_BYTES`."""
    try:
        size = path.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            raise InvalidInput(
                f"{path}: {size:,} bytes, more than a bundle may have ({MAX_BUNDLE_BYTES:,}); split the export by"
                " date (--since/--until)"
            )
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput(f"{path}: not a readable JSON file: {exc}") from exc
    if not isinstance(data, dict) or data.get("type") != "bundle" or not isinstance(data.get("objects"), list):
        raise InvalidInput(f"{path}: expected a STIX bundle ({{'type': 'bundle', 'objects': [...]}})")
    objects: list[dict[str, Any]] = data["objects"]
    for i, obj in enumerate(objects):
        check_object(obj, f"{path.name} object {i}")
    return objects


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What ``import stix`` did: incidents and other objects published, and derived objects skipped."""

    incidents: int
    objects: int
    derived: int
    added: int
    updated: int
    unchanged: int


def _is_derived(obj: Mapping[str, Any], derived_ids: set[str]) -> bool:
    kind = obj["type"]
    if kind == "marking-definition" or obj["id"] == SARHAD_EXTENSION:
        return True
    if kind == "identity" and obj["id"] == identity_id(str(obj.get("name", ""))):
        return True
    return obj["id"] in derived_ids


def import_stix(node: Node, path: Path) -> ImportSummary:
    """Publish a bundle's incidents and other objects through the node's publish path, in one transaction.

    Objects sarhad derives from incidents (identities, locations, groups, relationships, TLP markings, its
    extension-definition) are recomputed, not stored. Raises InvalidInput (nothing stored) when any object is
    malformed.
    """
    objects = load_bundle(path)
    incidents = [o for o in objects if o["type"] == "incident"]
    derived_ids = {d["id"] for inc in incidents for d in derived_objects(inc)}
    others = [o for o in objects if o["type"] != "incident" and not _is_derived(o, derived_ids)]
    with node.publisher() as pub:
        for obj in incidents:
            pub.add(Incident.from_stix(obj))
        for obj in others:
            pub.add_object(dict(obj), tlp=tlp_of(obj))
    result = pub.result
    return ImportSummary(
        incidents=len(incidents),
        objects=len(others),
        derived=len(objects) - len(incidents) - len(others),
        added=result.added,
        updated=result.updated,
        unchanged=result.unchanged,
    )


def current_objects(node: Node, *, chunk: int = 5000) -> Iterator[dict[str, Any]]:
    """The current version of every object the node holds, in arrival order, by the rule every view of current
    versions takes (:func:`sarhad.store.current.current`): a peer's later version of one of this node's own
    records is not it, and an object whose latest version was withheld from this node has none. ``chunk`` rows
    are read from the database at a time."""
    from sarhad.store.current import current

    sql = f"SELECT o.body FROM objects o WHERE {current('o')} ORDER BY o.seq"
    for (body,) in node.db.iterate(sql, size=chunk):
        obj: dict[str, Any] = json.loads(body)
        yield obj


def _shared(obj: Mapping[str, Any], share_restricted: bool) -> bool:
    """Whether ``obj`` goes into a bundle for another party: not TLP:RED, and not under a licence that forbids
    redistribution (GTD, ACLED) unless the node shares those (``share_restricted``)."""
    if tlp_of(obj) == "RED":
        return False
    ours = (obj.get("extensions") or {}).get(SARHAD_EXTENSION)
    licence = ours.get("licence") if isinstance(ours, dict) else None
    return share_restricted or licence not in RESTRICTED_LICENCES


@dataclass(frozen=True)
class StixExport:
    """What :func:`export_stix` wrote: ``objects`` in the bundle (derived and supporting objects included), of
    which ``incidents`` incidents; ``red`` objects marked TLP:RED; ``left_out`` objects ``for_peers`` kept out."""

    objects: int
    incidents: int
    red: int
    left_out: int

    def notes(self) -> list[str]:
        """What the user should know of the file beside the counts (``notes`` of ``export --json``)."""
        notes = []
        if self.red:
            notes.append(
                f"stix: {self.red} object{'s are' if self.red != 1 else ' is'} marked TLP:RED, for their named"
                " recipients only: --for-peers leaves them out of a file for another party"
            )
        if self.left_out:
            notes.append(
                f"stix: left out {self.left_out} object{'s' if self.left_out != 1 else ''} not for another party"
                " (TLP:RED, or a licence that forbids redistribution) and what is derived from them"
            )
        return notes


_READ_AT_ONCE: Final = 500
"""Rows an export reads from the database at a time: what it holds of the node's objects at any moment."""
_INDENT: Final = 1
"""The bundle file's indentation (``json.dumps(indent=1)``, as an export written whole was)."""


def _item(obj: Mapping[str, Any]) -> bytes:
    # An object as json.dumps(bundle, indent=1) writes it in the bundle's "objects" list (two levels deep):
    # a string's newlines are escaped, so each line break is one the indentation made.
    text = dumps_indented(obj, _INDENT).replace("\n", "\n" + " " * 2 * _INDENT)
    return (" " * 2 * _INDENT + text).encode("utf-8")


def export_stix(node: Node, out: Path, *, for_peers: bool = False) -> StixExport:
    """Write the node's objects (current versions) as one STIX 2.1 bundle to ``out``; say how many objects the
    bundle holds (derived and supporting objects included), and how many incidents.

    ``for_peers`` leaves out what ``sarhad export … --for-peers`` leaves out of the other formats: TLP:RED
    objects (a file handed to another party is not addressed to a RED record's named recipients), and records
    whose licence forbids redistribution (GTD, ACLED) unless the node is configured to share them. The objects
    derived from an incident left out (its location, relationships) are left out with it.

    The file is the one :func:`bundle` gives, written as ``json.dumps(bundle, indent=1)``; but the objects are
    not held together in memory. The bundle begins with what its objects refer to (identities, markings,
    groups) and its id is derived from all of them, both known only at the end: the body is written as it is
    read to a temporary file (beside ``out``, else in the system's temporary folder), then copied after them.
    An export so needs about twice the file's size on disk while it runs.
    """
    objects: Iterable[Mapping[str, Any]] = current_objects(node, chunk=_READ_AT_ONCE)
    left_out = 0
    if for_peers:
        share = node.settings.share_restricted

        def shared(obj: Mapping[str, Any]) -> bool:
            nonlocal left_out
            keep = _shared(obj, share)
            left_out += not keep
            return keep

        objects = filter(shared, objects)
    gathered = _Bundling()
    written = 0
    with _body_file(out) as body:
        for obj in objects:
            for item in gathered.add(obj):
                body.write(b",\n" + _item(item))
                written += 1
        support = gathered.supporting()
        body.seek(0)
        with out.open("wb") as fh:
            head = {"type": "bundle", "id": gathered.bundle_id()}
            fh.write(json.dumps(head, ensure_ascii=False, indent=_INDENT)[:-2].encode("utf-8"))
            fh.write(b',\n "objects": [\n')
            fh.write(b",\n".join(_item(o) for o in support))
            shutil.copyfileobj(body, fh, 1 << 20)
            fh.write(b"\n ]\n}\n")
    return StixExport(objects=len(support) + written, incidents=gathered.incidents, red=gathered.red, left_out=left_out)


def _body_file(out: Path) -> IO[bytes]:
    """A temporary file, removed when closed: in ``out``'s folder (the disk the user chose for the export), or
    in the system's temporary folder when that folder takes no new file (``out`` is ``/dev/stdout``)."""
    try:
        return tempfile.TemporaryFile(dir=out.parent)
    except OSError:
        return tempfile.TemporaryFile()
