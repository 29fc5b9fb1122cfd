"""The check both country-name test files make of a dataset file: imported with the countries expected, exported
byte for byte, imported again unchanged."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sarhad.exporter import export
from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.store.incidents import Filters, query_incidents


def imports_with_countries_and_exports_verbatim(
    node: Node, fmt: str, source: Path, data: bytes, countries: Mapping[str, str | None]
) -> None:
    """``source`` (holding ``data``) imports into ``node`` as ``fmt`` with each row's country as ``countries``
    (source id -> ISO code), exports as the same bytes, and importing the export again changes nothing."""
    result = import_file(node, fmt, source)
    assert (result.added, result.rejected) == (len(countries), 0)
    stored = {r["source_id"]: r["country"] for r in query_incidents(node.db, Filters(dataset=fmt))}
    assert stored == countries
    out = source.with_name(f"exported-{source.name}")
    assert export(node, fmt, out) == len(countries)
    assert out.read_bytes() == data  # the verbatim rows, byte for byte
    again = import_file(node, fmt, out)
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(countries))
