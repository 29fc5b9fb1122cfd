"""``export stix`` writes the bundle as it reads the node's objects: the file is the one a bundle built whole in
memory gives, and the exporter holds a few hundred objects at a time, not the node's."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from sarhad.formats.stix import bundle, current_objects, export_stix, tlp_of
from sarhad.importer import import_file
from sarhad.model.codes import RESTRICTED_LICENCES
from sarhad.model.incident import SARHAD_EXTENSION
from sarhad.node import Node
from tests.conftest import ASSETS, UCDP_SAMPLE, write_ucdp

GTD_SAMPLE = ASSETS / "synthetic" / "gtd_synthetic.csv"


def _for_a_peer(obj: Mapping[str, Any]) -> bool:
    # What --for-peers keeps, as docs/exchange.md states it: not TLP:RED, not under GTD's or ACLED's licence.
    licence = obj.get("extensions", {}).get(SARHAD_EXTENSION, {}).get("licence")
    return tlp_of(obj) != "RED" and licence not in RESTRICTED_LICENCES


@pytest.mark.parametrize("for_peers", [False, True])
def test_streamed_bundle_is_the_bundle_built_in_memory(any_node: Node, tmp_path: Path, for_peers: bool) -> None:
    import_file(any_node, "ucdp", UCDP_SAMPLE)  # incidents with locations, groups and their relationships
    import_file(any_node, "gtd", GTD_SAMPLE)  # GTD's licence: not for a peer
    red = tmp_path / "red.csv"
    write_ucdp(red, 2, 990001)
    import_file(any_node, "ucdp", red, tlp="RED", recipients=("PK:desk-a",))
    out = tmp_path / "bundle.json"

    done = export_stix(any_node, out, for_peers=for_peers)

    kept = [o for o in current_objects(any_node) if not for_peers or _for_a_peer(o)]
    whole = bundle(kept)
    assert json.loads(out.read_text(encoding="utf-8")) == whole
    assert out.read_text(encoding="utf-8") == json.dumps(whole, ensure_ascii=False, indent=1) + "\n"
    incidents = [o for o in whole["objects"] if o["type"] == "incident"]
    assert (done.objects, done.incidents) == (len(whole["objects"]), len(incidents))
    assert done.incidents == (37 if for_peers else 37 + 120 + 2)
    kinds = {o["type"] for o in whole["objects"]}
    assert {"location", "relationship", "threat-actor", "identity", "marking-definition"} <= kinds
    # An incident left out takes its location and relationships with it.
    ids = {o["id"] for o in whole["objects"]}
    sources = {o["source_ref"] for o in whole["objects"] if o["type"] == "relationship"}
    assert sources <= {i["id"] for i in incidents} and sources & ids
    assert (done.red, done.left_out) == ((0, 120 + 2) if for_peers else (2, 0))


def test_export_stix_holds_a_few_hundred_objects_not_the_node(any_node: Node, tmp_path: Path) -> None:
    rows = tmp_path / "ged.csv"
    write_ucdp(rows, 3000, 1)
    import_file(any_node, "ucdp", rows)
    out = tmp_path / "bundle.json"
    tracemalloc.start()
    try:
        done = export_stix(any_node, out)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert done.incidents == 3000
    size = out.stat().st_size  # about 12 MB; a bundle built whole held ten times that at its peak
    assert peak < size / 2, f"the export's memory peaked at {peak:,} bytes for a file of {size:,}"
