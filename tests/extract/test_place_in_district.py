""" "Near Dasht in Mastung district": a place named with its district lies in that district. The gazetteer's place
of that name there where it knows one; else the district itself (its position, admin2 precision), never a
same-named place in another country, even when the title names the place without its district."""

from __future__ import annotations

import math
from pathlib import Path

from sarhad.extract import extract_article

UCDP = Path(__file__).parents[1] / "assets" / "ucdp"


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dlat, dlon = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(dlon / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


def test_a_place_the_gazetteer_knows_only_abroad_falls_back_to_the_district_the_text_names() -> None:
    # the gazetteer's only Dasht is a town of North Khorasan, in Iran; the title's "near Dasht" is the lead's
    text = (UCDP / "article_58473.txt").read_text(encoding="utf-8")
    inc = extract_article(text).incidents[0]
    assert (inc["country"], inc["admin1"], inc["place"], inc["geo_precision"]) == (
        "PK", "Balochistan", "Dasht", "admin2",
    )  # fmt: skip
    assert _km(inc["lat"], inc["lon"], 29.80, 66.85) < 5  # Mastung, the district's seat
    assert text[slice(*inc["spans"]["place"])] == "Dasht"


def test_a_place_named_in_a_district_across_the_border_is_the_one_in_that_district() -> None:
    # Iran has a Taftan county, Pakistan a Taftan town in Chagai district: an Iranian outlet names Pakistan's
    text = ("Border guards killed in attack near Taftan\nhttps://www.example-tehrantimes.ir/news/taftan-attack\n"
            "2024-05-03\n\nTEHRAN - Three border guards were killed when terrorists attacked their post near Taftan"
            " in Chagai district of Pakistan's Balochistan province on Thursday, officials said.\n")  # fmt: skip
    inc = extract_article(text).incidents[0]
    assert (inc["country"], inc["admin1"], inc["place"], inc["geo_precision"]) == (
        "PK", "Balochistan", "Taftan", "exact",
    )  # fmt: skip
    assert _km(inc["lat"], inc["lon"], 28.95, 61.59) < 5


def test_a_town_named_in_its_county_under_a_pakistani_dateline_is_the_iranian_town() -> None:
    text = ("Two policemen killed near Khash\nhttps://www.example-dawn.com/news/khash-attack\n2024-05-03\n\n"
            "QUETTA: Two policemen were killed when gunmen opened fire on their patrol near Khash in Khash county on"
            " Thursday, officials said.\n")  # fmt: skip
    inc = extract_article(text).incidents[0]
    assert (inc["country"], inc["admin1"], inc["place"]) == ("IR", "Sistan and Baluchestan", "Khash")
    assert _km(inc["lat"], inc["lon"], 28.22, 61.22) < 5
