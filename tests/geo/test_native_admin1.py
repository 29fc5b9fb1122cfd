"""Province names in Persian, Urdu and Dari script, as the region's press and the parties' own reports write them,
map to the same canonical names and ISO codes as their English spellings: with or without the word for province
(استان, صوبہ, ولایت), Urdu's letters as Persian's, with or without the spaces inside a name. A record imported
with such a name is found by the province filter on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from sarhad.formats.places import admin1_of
from sarhad.geo import normalise_admin1
from sarhad.model.incident import Incident, Place, incident_id
from sarhad.node import Node
from sarhad.store.incidents import Filters, query_incidents

NATIVE = [
    ("سیستان و بلوچستان", None, "IR-11"),  # Persian
    ("استان سیستان و بلوچستان", "IR", "IR-11"),
    ("سیستان وبلوچستان", "Iran", "IR-11"),  # the conjunction typed without its space
    ("صوبہ سیستان و بلوچستان", None, "IR-11"),  # Urdu
    ("بلوچستان", None, "PK-BA"),  # Urdu
    ("بلوچستان", "PK", "PK-BA"),
    ("ایالت بلوچستان پاکستان", None, "PK-BA"),  # Persian
    ("خیبر پختونخوا", None, "PK-KP"),
    ("خیبرپختونخوا", "PK", "PK-KP"),
    ("صوبہ خیبر پختونخوا", None, "PK-KP"),
    ("فاٹا", None, "PK-KP"),
    ("مناطق قبیله\u200cای فدرال", None, "PK-KP"),  # with the zero-width non-joiner inside a word
    ("سندھ", None, "PK-SD"),
    ("سند", "PK", "PK-SD"),
    ("پنجاب", "Pakistan", "PK-PB"),
    ("گلگت بلتستان", None, "PK-GB"),
    ("آزاد کشمیر", None, "PK-JK"),
    ("کرمان", "IR", "IR-08"),
    ("کرمانشاہ", None, "IR-05"),  # Urdu's ہ for Persian's ه
    ("ہمدان", None, "IR-13"),
    ("هرمزگان", None, "IR-22"),
    ("خراسان رضوی", None, "IR-09"),
    ("تهران", None, "IR-23"),
    ("هلمند", "AF", "AF-HEL"),  # Dari
    ("ولایت هلمند", None, "AF-HEL"),
    ("قندھار", None, "AF-KAN"),
    ("نیمروز", None, "AF-NIM"),
    ("اروزگان", None, "AF-URU"),
    ("دایکندی", None, "AF-DAY"),
    ("پروان", None, "AF-PAR"),
    ("پنجشیر", None, "AF-PAN"),
]


@pytest.mark.parametrize(("name", "country", "code"), NATIVE)
def test_native_script_province_names_map_to_their_iso_codes(name: str, country: str | None, code: str) -> None:
    found = normalise_admin1(name, country)
    assert found is not None
    assert found[1] == code


@pytest.mark.parametrize(
    ("name", "country"), [("خیبر پختونخوا", "IR"), ("سیستان و بلوچستان", "PK"), ("بلوچستان", "AF"), ("هلمند", "IR")]
)
def test_a_native_name_of_another_countrys_province_is_not_taken(name: str, country: str) -> None:
    assert normalise_admin1(name, country) is None


@pytest.mark.parametrize(
    ("name", "code"),
    [("Uruzgan", "AF-URU"), ("Parwan", "AF-PAR"), ("Charikar", "AF-PAR"), ("Daykundi", "AF-DAY"),
     ("Panjshir", "AF-PAN")],
)  # fmt: skip
def test_a_province_carved_out_of_another_does_not_take_its_parents_names(name: str, code: str) -> None:
    # Natural Earth gives Daykundi Uruzgan's names and Panjshir Parwan's
    found = normalise_admin1(name, "AF")
    assert found is not None
    assert found[1] == code


def test_unknown_native_text_is_not_a_province() -> None:
    assert normalise_admin1("استان", None) is None  # the word for province alone
    assert normalise_admin1("شهر کوچک", None) is None


def test_a_record_with_a_native_province_name_is_found_by_the_english_one(any_node: Node, tmp_path: Path) -> None:
    records = []
    for n, (name, country) in enumerate([("سیستان و بلوچستان", "IR"), ("صوبہ خیبر پختونخوا", "PK")]):
        admin1, code = admin1_of(name, country)  # as the importers read a row's province
        place = Place(country=country, admin1=admin1, admin1_code=code, precision="admin1")
        record = Incident(id=incident_id("party", "PK", str(n)), reported_by="PK", dataset="party",
                          source_id=str(n), date_start="2026-01-02", date_end="2026-01-02", place=place)  # fmt: skip
        records.append(record)
    any_node.publish(records)
    for typed, where, source in [("Sistan and Baluchestan", "IR", "0"), ("KPK", None, "1"), ("IR-11", None, "0")]:
        found = query_incidents(any_node.db, Filters(admin1=typed, country=where).resolved(any_node.db))
        assert [r["source_id"] for r in found] == [source]


def test_baluchestan_in_an_iranian_record_is_sistan_and_baluchestan(any_node: Node) -> None:
    records = []
    for n, (name, country) in enumerate([("بلوچستان", "IR"), ("Baluchestan province", "IR"), ("بلوچستان", "PK")]):
        admin1, code = admin1_of(name, country)  # as the importers read a row's province
        place = Place(country=country, admin1=admin1, admin1_code=code, precision="admin1")
        record = Incident(id=incident_id("party", "PK", str(n)), reported_by="PK", dataset="party",
                          source_id=str(n), date_start="2026-01-02", date_end="2026-01-02", place=place)  # fmt: skip
        records.append(record)
    assert [r.place.admin1_code for r in records] == ["IR-11", "IR-11", "PK-BA"]
    any_node.publish(records)
    for typed, where, sources in [
        ("Balochistan", "IR", ["0", "1"]),
        ("بلوچستان", "IR", ["0", "1"]),
        ("Baluchestan", "PK", ["2"]),
        ("Balochistan", None, ["2"]),
    ]:
        found = query_incidents(any_node.db, Filters(admin1=typed, country=where).resolved(any_node.db))
        assert sorted(r["source_id"] for r in found) == sources, (typed, where)
