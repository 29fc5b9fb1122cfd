"""GeoJSON layers for maps (dashboard and report figures), with the attribution they must show."""

from __future__ import annotations

from typing import Any

__all__ = ["ATTRIBUTION", "MAP_NOTE", "kashmir_policy", "layers"]

ATTRIBUTION = "Borders © OpenStreetMap contributors (ODbL); Natural Earth (public domain); places: GeoNames (CC BY 4.0)"
# The Kashmir map policy in one line, for the credits line of every map (the full text: kashmir_policy()).
MAP_NOTE = "Kashmir shown as administered de facto (disputed; no position on sovereignty)"


def kashmir_policy() -> str:
    """sarhad's map policy for Jammu and Kashmir (also in data/manifest.json and docs/geography.md)."""
    from sarhad.geo._data import manifest

    return str(manifest()["kashmir_policy"])


def _fc(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def layers() -> dict[str, Any]:
    """The map layers, each a GeoJSON FeatureCollection in WGS84 lon/lat:

    - ``countries``: Natural Earth 1:10m outlines of PK, IR, AF and neighbours (display only: up to ~9 km
      off the real border, so never use them for analytics); ``disputed`` marks Kashmir features;
    - ``provinces``: Natural Earth admin-1 of PK, IR and AF (FATA merged into Khyber Pakhtunkhwa), with
      ``admin1`` and ISO ``admin1_code``;
    - ``border``: the PK-IR land border (OpenStreetMap, ODbL) with its length and source;
    - ``band``: the areas within 10 km and 50 km of the border (``band_km``);
    - ``crossings``: the official crossings as points, with ``confidence`` and sources;

    plus ``attribution`` (show it on every map: the licences' credits, then :data:`MAP_NOTE`, the Kashmir
    policy in one line), ``map_note`` and ``kashmir_policy`` (the full policy, to show or link). The dict and
    the collections are new on each call; the features inside are shared with the loaded data, so do not
    modify them in place (copy them first).
    """
    from sarhad.geo._data import border_collection, display_collection
    from sarhad.geo.crossings import crossings

    display = display_collection()["features"]
    border = border_collection()["features"]
    cross = [
        {
            "type": "Feature",
            "properties": {"layer": "crossings", **c.to_dict()},
            "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
        }
        for c in crossings()
    ]
    return {
        "countries": _fc([f for f in display if f["properties"]["layer"] == "countries"]),
        "provinces": _fc([f for f in display if f["properties"]["layer"] == "provinces"]),
        "border": _fc([f for f in border if f["properties"]["layer"] == "border"]),
        "band": _fc([f for f in border if f["properties"]["layer"] == "band"]),
        "crossings": _fc(cross),
        "attribution": f"{ATTRIBUTION} · {MAP_NOTE}",
        "map_note": MAP_NOTE,
        "kashmir_policy": kashmir_policy(),
    }
