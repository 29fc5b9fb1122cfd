"""The ``sarhad geo`` contract other checks rely on: where, find, border, crossings (JSON and human)."""

from __future__ import annotations

import json

import pytest

from sarhad.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, _ = capsys.readouterr()
    return code, out


def test_where_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "geo", "where", "28.95", "61.59", "--json")
    assert code == 0
    d = json.loads(out)
    assert (d["country"], d["admin1"], d["admin1_code"]) == ("PK", "Balochistan", "PK-BA")
    assert 0 <= d["border_km"] < 5 and d["signed_border_km"] == d["border_km"] and d["side"] == "PK"
    assert d["nearest_crossing"]["name"] == "Taftan–Mirjaveh" and d["nearest_crossing"]["km"] < 5


def test_where_json_on_the_iranian_side(capsys: pytest.CaptureFixture[str]) -> None:
    _code, out = run(capsys, "geo", "where", "29.4963", "60.8629", "--json")
    d = json.loads(out)
    assert d["country"] == "IR" and d["admin1_code"] == "IR-11"
    assert d["border_km"] >= 0 and d["signed_border_km"] == -d["border_km"]


def test_where_human_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "geo", "where", "28.95", "61.59")
    assert code == 0
    assert "Balochistan, PK" in out and "km from the Pakistan–Iran border" in out and "Taftan–Mirjaveh" in out


def test_where_rejects_bad_latitude(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["geo", "where", "95", "61"])
    _, err = capsys.readouterr()
    assert code == 1 and "error: latitude 95.0 is outside -90..90" in err  # one point: no "point 0:"


def test_find_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "geo", "find", "Pishin", "--country", "IR", "--json")
    assert code == 0
    found = json.loads(out)
    assert isinstance(found, list) and found
    assert {"name", "country", "admin1", "lat", "lon", "confidence"} <= set(found[0])
    assert found[0]["country"] == "IR" and found[0]["admin1"] == "Sistan and Baluchestan"
    assert [c["confidence"] for c in found] == sorted((c["confidence"] for c in found), reverse=True)


def test_find_human_table_and_no_match(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "geo", "find", "Kech district")
    assert code == 0 and "Kech" in out and "Balochistan" in out
    code, out = run(capsys, "geo", "find", "Atlantis-on-Sea", "--json")
    assert code == 0 and json.loads(out) == []
    code = main(["geo", "find", "Atlantis-on-Sea"])
    _, err = capsys.readouterr()
    assert code == 1 and "no place named 'Atlantis-on-Sea'" in err


def test_border_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "geo", "border", "--json")
    d = json.loads(out)
    assert code == 0
    assert 900 < d["length_km"] < 1050 and d["official_length_km"] == 959
    assert "OpenStreetMap" in d["source"] and d["licence"] == "ODbL-1.0"
    code, out = run(capsys, "geo", "border")
    assert "959" in out and "ODbL" in out


def test_crossings_lists_the_four_official_crossings(capsys: pytest.CaptureFixture[str]) -> None:
    _code, out = run(capsys, "geo", "crossings", "--json")
    names = [c["name"] for c in json.loads(out)]
    assert names == ["Taftan–Mirjaveh", "Gabd–Rimdan", "Mand–Pishin", "Chedgi–Kuhak"]
