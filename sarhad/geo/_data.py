"""Loading the committed geography files, once per process (each loader is cached)."""

from __future__ import annotations

import csv
import gzip
import io
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import shapely

__all__ = [
    "IsoCountry",
    "Regions",
    "border_collection",
    "country_codes",
    "display_collection",
    "gazetteer_data",
    "iso_countries",
    "manifest",
    "regions",
    "regions_geojson",
    "seat_rows",
]


def _read(name: str) -> bytes:
    data = (resources.files("sarhad.geo") / "data" / name).read_bytes()
    return gzip.decompress(data) if name.endswith(".gz") else data


@cache
def manifest() -> dict[str, Any]:
    """``data/manifest.json``: sources, licences, attribution, the Kashmir policy, output hashes."""
    value: dict[str, Any] = json.loads(_read("manifest.json"))
    return value


@cache
def country_codes() -> frozenset[str]:
    """``data/countries.csv``: every assigned ISO 3166-1 alpha-2 code (from Debian iso-codes, LGPL-2.1)."""
    rows = csv.DictReader(io.StringIO(_read("countries.csv").decode("utf-8")))
    return frozenset(row["alpha_2"] for row in rows)


@dataclass(frozen=True, slots=True)
class IsoCountry:
    """One row of ``data/countries.csv``: a country's ISO 3166-1 codes and English name."""

    alpha_2: str
    alpha_3: str
    name: str
    numeric: str  # three digits, as ISO writes it: "004"


@cache
def iso_countries() -> dict[str, IsoCountry]:
    """``data/countries.csv`` by alpha-2 code: every assigned ISO 3166-1 country (Debian iso-codes, LGPL-2.1)."""
    rows = csv.DictReader(io.StringIO(_read("countries.csv").decode("utf-8")))
    return {row["alpha_2"]: IsoCountry(row["alpha_2"], row["alpha_3"], row["name"], row["numeric"]) for row in rows}


@dataclass(frozen=True, slots=True)
class Regions:
    """The analytics coverage: one polygon per PK/IR/AF province and per other country of the region.

    ``raster`` holds, for each 0.05° cell of the region, 1 + the index of the polygon that contains the
    whole cell, 0 when no polygon touches it, 255 when the cell straddles an edge.
    """

    geoms: np.ndarray  # of shapely (Multi)Polygons, prepared
    bounds: np.ndarray  # (n, 4): minx, miny, maxx, maxy
    country: np.ndarray  # of str (ISO alpha-2)
    admin1: np.ndarray  # of str | None
    admin1_code: np.ndarray  # of str | None
    disputed: np.ndarray  # of bool
    raster: np.ndarray  # uint8 (rows = latitude, cols = longitude)
    origin: tuple[float, float]
    step: float


@cache
def regions() -> Regions:
    """Load ``regions.geojson.gz`` and the locate raster."""
    meta = json.loads(_read("regions.json"))
    geoms = _ragged(_read("regions.bin.gz"), meta["arrays"])
    shapely.prepare(geoms)
    props = meta["properties"]
    m = manifest()["raster"]
    raster = np.frombuffer(_read("locate.u8.gz"), dtype=np.uint8).reshape(m["shape"])
    return Regions(
        geoms=geoms,
        bounds=shapely.bounds(geoms),
        country=np.array([p["country"] for p in props], dtype=object),
        admin1=np.array([p["admin1"] for p in props], dtype=object),
        admin1_code=np.array([p["admin1_code"] for p in props], dtype=object),
        disputed=np.array([bool(p["disputed"]) for p in props]),
        raster=raster,
        origin=(float(m["origin"][0]), float(m["origin"][1])),
        step=float(m["step"]),
    )


def _ragged(blob: bytes, a: dict[str, Any]) -> np.ndarray:
    """Rebuild the coverage from build.ragged_blob's layout."""
    n = int(a["coordinates"])
    delta = np.frombuffer(blob, dtype="<i4", count=2 * n).reshape(n, 2)
    coords = np.cumsum(delta, axis=0, dtype=np.int64) / float(a["scale"])
    offsets = []
    pos = 8 * n
    for length in a["offsets"]:
        offsets.append(np.frombuffer(blob, dtype="<i4", count=length, offset=pos).astype(np.int64))
        pos += 4 * length
    geoms: np.ndarray = shapely.from_ragged_array(shapely.GeometryType(a["geometry_type"]), coords, tuple(offsets))
    return geoms


def regions_geojson() -> dict[str, Any]:
    """The analytics coverage as a GeoJSON FeatureCollection (ODbL; for export and inspection)."""
    meta = json.loads(_read("regions.json"))
    geoms = regions().geoms
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": p, "geometry": json.loads(shapely.to_geojson(g))}
            for p, g in zip(meta["properties"], geoms, strict=True)
        ],
    }


@cache
def border_collection() -> dict[str, Any]:
    """``border.geojson``: the PK-IR land border (first feature) and the 10/50 km bands."""
    value: dict[str, Any] = json.loads(_read("border.geojson"))
    return value


@cache
def display_collection() -> dict[str, Any]:
    """``display.geojson.gz``: Natural Earth countries and provinces for drawing."""
    value: dict[str, Any] = json.loads(_read("display.geojson.gz"))
    return value


@cache
def gazetteer_data() -> dict[str, Any]:
    """``gazetteer.json.gz``: GeoNames places, curated aliases, crossings, province labels and names."""
    value: dict[str, Any] = json.loads(_read("gazetteer.json.gz"))
    return value


@cache
def seat_rows() -> tuple[dict[str, str], ...]:
    """``seats.csv``: the GeoNames district seats of the border provinces beyond the curated districts."""
    text = _read("seats.csv").decode("utf-8")
    return tuple(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
