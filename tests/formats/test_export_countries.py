"""A record in a country outside sarhad's region (another dataset's row, a party's own report) keeps its country
through ``export ucdp|gtd|acled`` and the import of that file: each row carries what the format's readers expect,
the country's name and, where sarhad knows it, the format's code for it; where it does not, the export says so.
On SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from sarhad.exporter import _rows as export_order
from sarhad.exporter import export
from sarhad.importer import import_file
from sarhad.model.figures import Figure
from sarhad.model.incident import Incident, Place, incident_id
from sarhad.node import Node
from sarhad.store.incidents import Filters
from tests.conftest import run_cli

# ISO codes of countries outside the region's list: a comma and an accent in ISO's names (GED names some of them
# its own way), a GW number sarhad knows
COUNTRIES = ("DE", "US", "BD", "IQ", "NG", "KR", "CI", "AF", "IN")
# (country column, code column) of each format, and what each country's row holds in them
COLUMNS = {"ucdp": ("country", "country_id"), "gtd": ("country_txt", "country"), "acled": ("country", "iso")}
EXPECTED = {
    "ucdp": {"DE": ("Germany", ""), "US": ("United States of America", "2"), "KR": ("South Korea", ""),
             "CI": ("Ivory Coast", ""), "AF": ("Afghanistan", "700")},
    "gtd": {"DE": ("Germany", ""), "IQ": ("Iraq", ""), "IN": ("India", "92")},
    "acled": {"DE": ("Germany", "276"), "BD": ("Bangladesh", "50"), "NG": ("Nigeria", "566"),
              "CI": ("Côte d'Ivoire", "384"), "AF": ("Afghanistan", "4")},
}  # fmt: skip


def _report(country: str) -> Incident:
    """A party's own report of an incident in ``country``, placed only in the country."""
    return Incident(
        id=incident_id("party", "PK", f"PK-2024-{country}"),
        reported_by="PK",
        dataset="party",
        source_id=f"PK-2024-{country}",
        date_start="2024-05-02",
        date_end="2024-05-02",
        date_precision="day",
        place=Place(country=country, precision="country"),
        figures=(Figure("killed", "total", None, 2, None, "party_official", "PK"),),
        summary=f"An attack in {country}.",
        sources=("Party report",),
    )


def _columns(path: Path, fmt: str) -> dict[str, tuple[str, str]]:
    """Each exported row's (country, code) columns, by the source id its converted row came from."""
    name, code = COLUMNS[fmt]
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    summary = {"ucdp": "where_description", "gtd": "summary", "acled": "notes"}[fmt]
    return {row[summary].removeprefix("An attack in ").rstrip("."): (row[name], row[code]) for row in rows}


@pytest.mark.parametrize("fmt", ["ucdp", "gtd", "acled"])
def test_a_country_outside_the_region_survives_export_and_import(any_node: Node, tmp_path: Path, fmt: str) -> None:
    any_node.publish([_report(c) for c in COUNTRIES])
    out = tmp_path / f"{fmt}.csv"
    assert export(any_node, fmt, out) == len(COUNTRIES)
    written = _columns(out, fmt)
    for country, columns in EXPECTED[fmt].items():
        assert written[country] == columns, country
    result = import_file(any_node, fmt, out)
    assert (result.added, result.rejected) == (len(COUNTRIES), 0)
    back = sorted(inc.place.country or "" for inc, _raw in export_order(any_node, Filters(dataset=fmt)))
    assert back == sorted(COUNTRIES)
    again = import_file(any_node, fmt, out)  # idempotent
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(COUNTRIES))


@pytest.mark.parametrize(
    ("fmt", "note"),
    [
        ("ucdp", "ucdp: sarhad knows no Gleditsch-Ward number for BD (1), CI (1), DE (1), IQ (1), KR (1), NG (1): 6"
                 " rows left country_id blank and name the country in words"),
        ("gtd", "gtd: sarhad knows no GTD country code for BD (1), CI (1), DE (1), IQ (1), KR (1), NG (1), US (1): 7"
                " rows left country blank and name the country in words"),
    ],
)  # fmt: skip
def test_an_export_says_which_countries_lack_the_formats_code(
    any_node: Node, tmp_path: Path, fmt: str, note: str
) -> None:
    any_node.publish([_report(c) for c in COUNTRIES])
    notes: list[str] = []
    export(any_node, fmt, tmp_path / "out.csv", notes=notes)
    assert len(notes) == 1 and notes[0].startswith(note)


def test_acled_export_of_countries_iso_knows_has_no_note(any_node: Node, tmp_path: Path) -> None:
    any_node.publish([_report(c) for c in COUNTRIES])
    notes: list[str] = []
    export(any_node, "acled", tmp_path / "out.csv", notes=notes)
    assert notes == []


def test_cli_export_prints_the_note_on_stderr(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Node.init(home, "PK") as node:
        node.publish([_report("DE")])
    out = tmp_path / "out.csv"
    code, stdout, err = run_cli(capsys, "--home", str(home), "export", "gtd", "--out", str(out))
    assert code == 0, err
    assert "exported 1 incident as gtd" in stdout
    assert "note: gtd: sarhad knows no GTD country code for DE (1): 1 row left country blank" in err


def test_cli_export_json_carries_the_notes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Node.init(home, "PK") as node:
        node.publish([_report("DE"), _report("PK")])
    out = tmp_path / "out.csv"
    code, stdout, err = run_cli(capsys, "--home", str(home), "export", "ucdp", "--out", str(out), "--json")
    assert code == 0, err
    assert json.loads(stdout) == {
        "format": "ucdp",
        "file": str(out),
        "incidents": 2,
        "notes": [
            "ucdp: sarhad knows no Gleditsch-Ward number for DE (1): 1 row left country_id blank and name the"
            " country in words, which sarhad's import reads back"
        ],
    }


def test_acled_ids_of_converted_rows_begin_with_the_countrys_alpha_3(any_node: Node, tmp_path: Path) -> None:
    # ACLED's own ids begin with the country's ISO alpha-3 code (PAK1234), whatever the country
    any_node.publish([_report(c) for c in (*COUNTRIES, "XK")])
    out = tmp_path / "acled.csv"
    export(any_node, "acled", out)
    with out.open(encoding="utf-8", newline="") as fh:
        ids = {
            row["notes"].removeprefix("An attack in ").rstrip("."): row["event_id_cnty"] for row in csv.DictReader(fh)
        }
    prefixes = {country: event_id[:3] for country, event_id in ids.items()}
    assert prefixes == {"DE": "DEU", "US": "USA", "BD": "BGD", "IQ": "IRQ", "NG": "NGA", "KR": "KOR", "CI": "CIV",
                        "AF": "AFG", "IN": "IND", "XK": "XXX"}  # fmt: skip
    assert all(len(event_id) == 18 and event_id[3:].isdigit() for event_id in ids.values())
    result = import_file(any_node, "acled", out)
    assert (result.added, result.rejected) == (len(COUNTRIES) + 1, 0)
    back = {inc.source_id: inc.place.country for inc, _raw in export_order(any_node, Filters(dataset="acled"))}
    assert back.keys() == set(ids.values())
    # XK, which ISO has not assigned, has no ISO number: its row names it, Kosovo, which the import reads back
    assert {country: back[event_id] for country, event_id in ids.items()} == {
        country: country for country in (*COUNTRIES, "XK")
    }
