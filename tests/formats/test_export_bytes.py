"""The flat CSV and GeoJSON exports read only the stored objects (no source rows), each parsed once: their files
are, byte for byte, what the record-by-record definition below writes from the node's records with their source
rows, in arrival order, on a node holding every kind of record (a dataset's rows, a peer's records without rows,
a party's records marked AMBER and RED, an article's), filtered or not, for a peer or not."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from sarhad.exporter import FLAT_COLUMNS, _rows, export
from sarhad.formats.stix import export_stix, import_stix
from sarhad.importer import import_file
from sarhad.ingest import ingest_article
from sarhad.model.codes import RESTRICTED_LICENCES
from sarhad.model.figures import Figure
from sarhad.model.incident import Incident, Place, incident_id
from sarhad.node import Node
from sarhad.store.incidents import Filters
from tests.conftest import ASSETS, UCDP_SAMPLE


def _n(value: Any) -> str:
    return "" if value is None else str(value)


def _ambiguous(inc: Incident, measure: str) -> bool:
    """Whether the record's total ``measure`` is a 0 its source gives for none and no information alike."""
    for f in inc.figures:
        if f.measure == measure and f.category == "total":
            return f.zero_ambiguous and not (f.low or f.best or f.high)
    return False


def _flat(inc: Incident) -> list[str]:
    """The flat CSV's row of ``inc``, as docs/formats.md describes its columns."""
    p, k, w = inc.place, inc.killed, inc.wounded
    return [
        inc.id, inc.source_id, inc.dataset, inc.reported_by, inc.date_start, inc.date_end, inc.date_precision,
        _n(p.country), _n(p.admin1), _n(p.admin1_code), _n(p.admin2), _n(p.name), _n(p.lat), _n(p.lon), p.precision,
        _n(p.border_km), "; ".join(f"{x.name} ({x.attribution})" for x in inc.perpetrators),
        "; ".join(inc.attack_types), "; ".join(inc.target_types), "; ".join(inc.weapon_types),
        _n(k.low), _n(k.best), _n(k.high), _n(w.low), _n(w.best), _n(w.high),
        str(_ambiguous(inc, "killed")).lower(), str(_ambiguous(inc, "wounded")).lower(), inc.tlp, inc.licence,
        inc.title, inc.summary, " | ".join(inc.sources), "; ".join(inc.flags), inc.modified,
    ]  # fmt: skip


def _feature(inc: Incident) -> str:
    """The GeoJSON feature of ``inc``: the flat row's columns (but the point) with JSON's types."""
    p, k, w = inc.place, inc.killed, inc.wounded
    props: dict[str, Any] = dict(zip(FLAT_COLUMNS, _flat(inc), strict=True))
    del props["lat"], props["lon"]
    props.update(
        country=p.country, admin1=p.admin1, admin1_code=p.admin1_code, admin2=p.admin2, place=p.name,
        border_km=p.border_km, killed_low=k.low, killed_best=k.best, killed_high=k.high, wounded_low=w.low,
        wounded_best=w.best, wounded_high=w.high, killed_zero_ambiguous=_ambiguous(inc, "killed"),
        wounded_zero_ambiguous=_ambiguous(inc, "wounded"), killed=k.to_dict(), wounded=w.to_dict(),
    )  # fmt: skip
    geometry = None if p.lat is None else {"type": "Point", "coordinates": [p.lon, p.lat]}
    return json.dumps({"type": "Feature", "id": inc.id, "geometry": geometry, "properties": props}, ensure_ascii=False)


def _expected(node: Node, fmt: str, filters: Filters) -> bytes:
    records = [inc for inc, _raw in _rows(node, filters)]
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(FLAT_COLUMNS)
        writer.writerows(_flat(inc) for inc in records)
        return text.getvalue().encode("utf-8")
    features = ",".join(_feature(inc) + "\n" for inc in records)
    return ('{"type":"FeatureCollection","features":[\n' + features + "]}\n").encode("utf-8")


@pytest.fixture
def varied(any_node: Node, tmp_path: Path) -> Node:
    ir = Node.init(tmp_path / "ir", "IR")
    try:
        import_file(ir, "ucdp", UCDP_SAMPLE, reported_by="IR")
        export_stix(ir, tmp_path / "ir.json")
    finally:
        ir.close()
    import_file(any_node, "ucdp", UCDP_SAMPLE)
    import_stix(any_node, tmp_path / "ir.json")  # a peer's records: no source rows
    import_file(any_node, "gtd", ASSETS / "synthetic" / "gtd_synthetic.csv")
    import_file(any_node, "acled", ASSETS / "synthetic" / "acled_synthetic.csv")
    import_file(any_node, "ucdp", UCDP_SAMPLE, reported_by="PK", tlp="RED", recipients=("PK:desk-a",))
    ingest_article(any_node, ASSETS / "articles" / "05.txt")
    any_node.publish([
        Incident(
            id=incident_id("party", "PK", "PK-1"), source_id="PK-1", reported_by="PK", dataset="party",
            date_start="2024-05-02",
            date_end="2024-05-03", date_precision="days", summary='"quoted",\nover two lines; ünïcode',
            place=Place(
                country="PK", admin1="Balochistan", admin1_code="PK-BA", lat=28.0, lon=65.0, precision="admin1"
            ),
            figures=(Figure("wounded", "total", None, 4, None, "party_official", "PK"),),
            sources=("Levies; report 17", "a | b"),
        ),
        Incident(
            id=incident_id("party", "PK", "PK-2"), source_id="PK-2", reported_by="PK", dataset="party",
            date_start="2024-06-01",
            date_end="2024-06-30", date_precision="month", tlp="AMBER", title="t", flags=("a", "b"),
            place=Place(country="IR", name="Z", lat=1e-05, lon=-0.0, precision="exact", border_km=12.5),
            figures=(Figure("killed", "total", 1, 2, 3, "party_official", "PK"),),
        ),
    ])  # fmt: skip
    return any_node


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_flat_exports_are_the_record_by_record_files_byte_for_byte(varied: Node, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"all.{fmt}"
    assert export(varied, fmt, out) == len(list(_rows(varied, Filters())))
    assert out.read_bytes() == _expected(varied, fmt, Filters())
    assert b"RED" in out.read_bytes() and b"AMBER" in out.read_bytes()
    # ACLED's 0s are told apart from the others' (a true beside the figures)
    assert (b",true," if fmt == "csv" else b'"killed_zero_ambiguous": true') in out.read_bytes()
    export(varied, fmt, out, Filters(country="PK"))
    assert out.read_bytes() == _expected(varied, fmt, Filters(country="PK"))
    export(varied, fmt, out, for_peers=True)  # neither RED records nor GTD's or ACLED's rows
    not_red = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT")
    for_peers = Filters(tlp=not_red, exclude_licences=tuple(sorted(RESTRICTED_LICENCES)))
    assert out.read_bytes() == _expected(varied, fmt, for_peers)
