"""Dataset spellings of provinces and countries map to canonical names and ISO codes."""

from __future__ import annotations

import pytest

from sarhad.geo import normalise_admin1, normalise_country

SPELLINGS = [
    ("Khyber Pakhtunkwa province", None, ("Khyber Pakhtunkhwa", "PK-KP")),  # UCDP (sic)
    ("Federally Administered Tribal Areas", None, ("Khyber Pakhtunkhwa", "PK-KP")),
    ("FATA", "PK", ("Khyber Pakhtunkhwa", "PK-KP")),
    ("Balochistan province", None, ("Balochistan", "PK-BA")),
    ("Sistan and Baluchestan province", None, ("Sistan and Baluchestan", "IR-11")),
    ("Baluchistan", None, ("Balochistan", "PK-BA")),
    ("N.W.F.P.", None, ("Khyber Pakhtunkhwa", "PK-KP")),
    ("KPK", None, ("Khyber Pakhtunkhwa", "PK-KP")),
    ("Sīstān va Balūchestān", None, ("Sistan and Baluchestan", "IR-11")),
    ("Balochistan", "Pakistan", ("Balochistan", "PK-BA")),  # GTD
    ("Sistan and Baluchestan", "Iran", ("Sistan and Baluchestan", "IR-11")),  # GTD
    ("Khyber Pakhtunkhwa", "PK", ("Khyber Pakhtunkhwa", "PK-KP")),  # ACLED
    ("Sistan-Baluchestan", None, ("Sistan and Baluchestan", "IR-11")),
    ("sistan & baluchestan", None, ("Sistan and Baluchestan", "IR-11")),
    ("Kermān", None, ("Kerman", "IR-08")),
    ("Azad Kashmir", None, ("Azad Jammu and Kashmir", "PK-JK")),
    ("Northern Areas", None, ("Gilgit-Baltistan", "PK-GB")),
    ("Sind", None, ("Sindh", "PK-SD")),
    ("Nimroz", None, ("Nimruz", "AF-NIM")),
    ("PK-BA", None, ("Balochistan", "PK-BA")),
    ("ir-11", None, ("Sistan and Baluchestan", "IR-11")),
]


@pytest.mark.parametrize(("name", "country", "expected"), SPELLINGS, ids=[s[0] for s in SPELLINGS])
def test_normalise_admin1_spellings(name: str, country: str | None, expected: tuple[str, str]) -> None:
    assert normalise_admin1(name, country) == expected


def test_normalise_admin1_respects_the_country() -> None:
    assert normalise_admin1("Balochistan", "AF") is None
    assert normalise_admin1("Sindh", "IR") is None
    assert normalise_admin1("Balochistan", "PK") == ("Balochistan", "PK-BA")


BALUCHESTAN = ["Baluchestan", "Baluchistan", "Balochistan", "Baluchestan province", "Ostan-e Baluchestan",
               "بلوچستان", "استان بلوچستان", "صوبہ بلوچستان"]  # fmt: skip


@pytest.mark.parametrize("name", BALUCHESTAN)
def test_normalise_admin1_baluchestan_in_iran_is_sistan_and_baluchestan(name: str) -> None:
    assert normalise_admin1(name, "IR") == ("Sistan and Baluchestan", "IR-11")
    assert normalise_admin1(name, "Iran") == ("Sistan and Baluchestan", "IR-11")


@pytest.mark.parametrize("name", BALUCHESTAN)
def test_normalise_admin1_baluchestan_in_pakistan_is_balochistan(name: str) -> None:
    assert normalise_admin1(name, "PK") == ("Balochistan", "PK-BA")
    assert normalise_admin1(name, "AF") is None


def test_normalise_admin1_baluchestan_without_a_country_is_as_before() -> None:
    # Pakistan's spellings stay Pakistan's; Iran's romanisation alone names neither province
    for name in ("Baluchistan", "Balochistan", "بلوچستان", "استان بلوچستان", "صوبہ بلوچستان"):
        assert normalise_admin1(name) == ("Balochistan", "PK-BA")
    for name in ("Baluchestan", "Baluchestan province", "Ostan-e Baluchestan"):
        assert normalise_admin1(name) is None
    assert normalise_admin1("Baluchestan (Pakistan)", "IR") is None


def test_normalise_admin1_unknown() -> None:
    assert normalise_admin1("Ruritania") is None
    assert normalise_admin1("") is None


@pytest.mark.parametrize(
    ("name", "code"),
    [("Pakistan", "PK"), ("Iran", "IR"), ("Iran (Islamic Republic of)", "IR"), ("Islamic Republic of Iran", "IR"),
     ("IRN", "IR"), ("pk", "PK"), ("Afghanistan", "AF"), ("India", "IN"), ("  pakistan ", "PK")],
)  # fmt: skip
def test_normalise_country(name: str, code: str) -> None:
    assert normalise_country(name) == code


def test_normalise_country_unknown() -> None:
    assert normalise_country("Ruritania") is None
    assert normalise_country("") is None


def test_parse_country_takes_every_assigned_iso_code_in_any_case() -> None:
    from sarhad.geo.admin import parse_country

    for text, code in (("de", "DE"), ("Br", "BR"), (" nz ", "NZ"), ("ZW", "ZW"), ("pk", "PK"), ("ir", "IR")):
        assert parse_country(text, "--country") == code


@pytest.mark.parametrize("text", ["xx", "QQ", "UK", "zz"])
def test_parse_country_refuses_a_two_letter_code_iso_has_not_assigned(text: str) -> None:
    from sarhad.errors import InvalidInput
    from sarhad.geo.admin import parse_country

    with pytest.raises(InvalidInput, match=rf"^--country '{text}' is not an assigned ISO 3166-1 alpha-2 code: "):
        parse_country(text, "--country")


def test_the_shipped_country_codes_are_iso_3166_1s() -> None:
    import pycountry

    from sarhad.geo._data import country_codes

    assert country_codes() == frozenset(c.alpha_2 for c in pycountry.countries)
    assert len(country_codes()) == 249
