"""STIX 2.1 export and import: lossless round trip, stix2-validator, the extension schema enforced on import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stix2validator import ValidationOptions, validate_file

from sarhad.errors import InvalidInput
from sarhad.formats.stix import (
    MAX_BUNDLE_BYTES,
    bundle,
    check_object,
    derived_objects,
    export_stix,
    extension_definition,
    import_stix,
    marking_definition,
    threat_actor_id,
)
from sarhad.importer import import_file
from sarhad.model.incident import INCIDENT_CORE_EXTENSION, SARHAD_EXTENSION, TLP_MARKINGS, Incident
from sarhad.node import Node
from sarhad.store.incidents import count_incidents, load_incident
from tests.conftest import UCDP_SAMPLE


def _first_incident(node: Node) -> dict[str, object]:
    row = node.db.fetchone("SELECT body FROM objects WHERE type = 'incident' ORDER BY seq LIMIT 1")
    assert row is not None
    body: dict[str, object] = json.loads(row[0])
    return body


def test_incident_to_stix_and_back_is_lossless(node: Node) -> None:
    import_file(node, "ucdp", UCDP_SAMPLE)
    for (body,) in node.db.fetchall("SELECT body FROM objects WHERE type = 'incident'"):
        stix = json.loads(body)
        inc = Incident.from_stix(stix)
        assert inc.to_stix(created_by="PK") == stix


def test_exported_bundle_passes_stix2_validator(node: Node, tmp_path: Path) -> None:
    import_file(node, "ucdp", UCDP_SAMPLE)
    out = tmp_path / "bundle.json"
    done = export_stix(node, out)
    data = json.loads(out.read_text())
    assert (len(data["objects"]), done.incidents) == (done.objects, 37)
    kinds = {o["type"] for o in data["objects"]}
    assert {"incident", "identity", "location", "relationship", "marking-definition"} <= kinds
    assert "extension-definition" in kinds
    results = validate_file(str(out), ValidationOptions(version="2.1"))
    errors = [e.message for r in results.object_results for e in r.errors]
    assert errors == []
    assert results.is_valid
    # The only warnings: 103 (sarhad's ids are name-based UUIDv5, so re-exports are identical) and 202
    # (incident located-at / attributed-to come from the Incident Core Extension, not core STIX).
    codes = {str(w).split(" ")[1] for r in results.object_results for w in r.warnings}
    assert codes == {"{103}", "{202}"}


def test_threat_actor_and_relationships_derived_from_perpetrators(node: Node) -> None:
    import_file(node, "ucdp", UCDP_SAMPLE)
    rows = node.db.fetchall("SELECT body FROM objects WHERE type = 'incident'")
    with_perp = next(json.loads(b) for (b,) in rows if json.loads(b)["extensions"][SARHAD_EXTENSION]["perpetrators"])
    derived = derived_objects(with_perp)
    name = with_perp["extensions"][SARHAD_EXTENSION]["perpetrators"][0]["name"]
    actors = [d for d in derived if d["type"] == "threat-actor"]
    assert actors[0]["id"] == threat_actor_id(name) == threat_actor_id(name.upper())
    assert actors[0]["threat_actor_types"] == ["terrorist"]
    rels = {d["relationship_type"] for d in derived if d["type"] == "relationship"}
    assert rels == {"attributed-to", "located-at"}
    assert derived_objects(with_perp) == derived  # stable ids and timestamps


def test_import_of_own_export_into_another_node_keeps_every_incident(node: Node, tmp_path: Path) -> None:
    import_file(node, "ucdp", UCDP_SAMPLE)
    out = tmp_path / "bundle.json"
    export_stix(node, out)
    other = Node.init(tmp_path / "ir", "IR")
    try:
        summary = import_stix(other, out)
        assert (summary.incidents, summary.added) == (37, 37)
        assert count_incidents(other.db) == 37
        first = Incident.from_stix(_first_incident(node))
        copied = load_incident(other.db, first.id)
        assert _fields(copied) | {"created": "", "modified": ""} == _fields(first) | {"created": "", "modified": ""}
        again = import_stix(other, out)
        assert again.unchanged == 37 and again.added == 0
    finally:
        other.close()


def _fields(inc: Incident) -> dict[str, object]:
    return {f: getattr(inc, f) for f in inc.__dataclass_fields__}


def _write(tmp_path: Path, objects: list[object]) -> Path:
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps({"type": "bundle", "id": "bundle--0b9e4b2c-1d4e-4f6a-8f4c-2a1d9b7e6c11", "objects": objects})
    )
    return path


def test_import_rejects_bad_extension_property_and_stores_nothing(node: Node, tmp_path: Path) -> None:
    import_file(node, "ucdp", UCDP_SAMPLE)
    good = _first_incident(node)
    bad = json.loads(json.dumps(good))
    bad["id"] = "incident--00000000-0000-4000-8000-000000000001"
    bad["extensions"][SARHAD_EXTENSION]["place"]["lat"] = 123.4
    other = Node.init(tmp_path / "ir", "IR")
    try:
        path = _write(tmp_path, [good, bad])
        with pytest.raises(InvalidInput, match=r"bad.json object 1 \(incident--00000000.*place/lat: 123.4"):
            import_stix(other, path)
        assert count_incidents(other.db) == 0
        assert other.log.size() == 0
    finally:
        other.close()


def test_import_rejects_bad_incident_core_determination(node: Node, tmp_path: Path) -> None:
    import_file(node, "ucdp", UCDP_SAMPLE)
    bad = _first_incident(node)
    bad["extensions"][INCIDENT_CORE_EXTENSION]["determination"] = "bogus"  # type: ignore[index]
    with pytest.raises(InvalidInput, match="determination 'bogus' is not one of"):
        check_object(bad, "x object 0")


def test_import_rejects_malformed_bundles(node: Node, tmp_path: Path) -> None:
    path = tmp_path / "not.json"
    path.write_text("{")
    with pytest.raises(InvalidInput, match=r"not\.json: not a readable JSON file"):
        import_stix(node, path)
    path.write_text('{"type": "report"}')
    with pytest.raises(InvalidInput, match="expected a STIX bundle"):
        import_stix(node, path)
    with pytest.raises(InvalidInput, match="object 0: id 'nope' is not of the form incident--<uuid>"):
        import_stix(node, _write(tmp_path, [{"type": "incident", "id": "nope"}]))
    no_ext = {"type": "incident", "id": "incident--00000000-0000-4000-8000-000000000002", "spec_version": "2.1"}
    with pytest.raises(InvalidInput, match="has no sarhad extension"):
        import_stix(node, _write(tmp_path, [no_ext]))


def test_report_objects_travel_as_stored(node: Node, tmp_path: Path) -> None:
    report = {
        "type": "report",
        "spec_version": "2.1",
        "id": "report--6f1c2b5e-7c1a-4f9a-9a43-5e0e4a7f2b10",
        "name": "Statement on the border framework",
        "published": "2025-11-20T00:00:00.000Z",
        "object_refs": ["identity--6f1c2b5e-7c1a-4f9a-9a43-5e0e4a7f2b11"],
        "object_marking_refs": [TLP_MARKINGS["GREEN"]],
    }
    summary = import_stix(node, _write(tmp_path, [report, marking_definition("GREEN"), extension_definition()]))
    assert (summary.objects, summary.derived) == (1, 2)
    row = node.db.fetchone("SELECT tlp, type FROM objects WHERE id = ?", (report["id"],))
    assert row == ("GREEN", "report")
    data = bundle([json.loads(node.db.fetchall("SELECT body FROM objects")[0][0])])
    assert TLP_MARKINGS["GREEN"] in {o["id"] for o in data["objects"]}


def test_import_refuses_a_bundle_larger_than_the_limit_before_reading_it(node: Node, tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as fh:  # sparse: its size is over the limit without writing 512 MiB
        fh.truncate(MAX_BUNDLE_BYTES + 1)
    before = count_incidents(node.db)
    with pytest.raises(InvalidInput, match=r"huge\.json: 536,870,913 bytes, more than a bundle may have"):
        import_stix(node, path)
    assert count_incidents(node.db) == before
