"""A researcher's walk through the data: filters that apply or say they do not, exports read back as data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import filled_home
from tests.conftest import run_cli as run


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_home(request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A PK node with the UCDP sample, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return filled_home(capsys, tmp_path / "pk")
    return filled_home(capsys, tmp_path / "pk", "--db", request.getfixturevalue("pg_schema_url"))


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (("--country", "IR"), "--country does not apply"),
        (("--since", "2020", "--near-border", "25"), "--since, --near-border do not apply"),
        (("--bbox", "60,25,70,35"), "--bbox does not apply"),
    ],
)
def test_export_stix_refuses_filters_instead_of_writing_every_object(
    any_home: Path, tmp_path: Path, options: tuple[str, ...], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bundle.json"
    code, _, err = run(capsys, "--home", str(any_home), "export", "stix", "--out", str(out), *options)
    assert code == 1 and f"error: {named} to stix yet" in err
    assert not out.exists()


def test_export_stix_json_gives_what_it_wrote(
    any_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bundle.json"
    code, stdout, err = run(capsys, "--home", str(any_home), "export", "stix", "--out", str(out), "--json")
    assert code == 0, err
    answer = json.loads(stdout)
    bundle = json.loads(out.read_text(encoding="utf-8"))
    incidents = [o for o in bundle["objects"] if o["type"] == "incident"]
    assert answer == {
        "format": "stix", "file": str(out), "incidents": len(incidents), "notes": [], "objects": len(bundle["objects"])
    }  # fmt: skip


def test_geojson_properties_are_numbers_and_null_not_text(
    any_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "incidents.geojson"
    code, _, err = run(capsys, "--home", str(any_home), "export", "geojson", "--out", str(out))
    assert code == 0, err
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert len(features) == 37
    for feature in features:
        props = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"]
        assert isinstance(props["border_km"], float)
        assert isinstance(props["killed_best"], int) and props["killed_best"] == props["killed"]["best"]
        # the UCDP sample gives no wounded: unknown, not "" and not 0
        assert props["wounded_best"] is None and props["wounded"]["best"] is None
        assert props["admin2"] is None or isinstance(props["admin2"], str)
        assert isinstance(lat, float | int) and isinstance(lon, float | int) and "lat" not in props


def _listed(capsys: pytest.CaptureFixture[str], home: Path, *options: str) -> int:
    code, stdout, err = run(capsys, "--home", str(home), "incidents", "list", *options, "--json")
    assert code == 0, err
    return len(json.loads(stdout))


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("Sistan va Baluchestan", "IR-11"),
        ("Sīstān va Balūchestān", "IR-11"),
        ("Baluchistan", "PK-BA"),
        ("KPK", "PK-KP"),
    ],
)
def test_admin1_filter_takes_the_spellings_the_importers_normalise(
    any_home: Path, spelling: str, code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = _listed(capsys, any_home, "--admin1", code)
    assert expected > 0
    assert _listed(capsys, any_home, "--admin1", spelling) == expected
    status, stdout, err = run(capsys, "--home", str(any_home), "stats", "--admin1", spelling, "--json")
    assert status == 0, err
    assert json.loads(stdout)["incidents"] == expected


@pytest.mark.parametrize(
    "options", [("--bbox", "60,25,70,35"), ("--side", "IR"), ("--bbox", "60,25,70,35", "--side", "PK")]
)
@pytest.mark.parametrize("dedup", [(), ("--dedup",)])
def test_stats_take_the_bbox_and_side_filters_that_list_and_export_take(
    any_home: Path, options: tuple[str, ...], dedup: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    listed = _listed(capsys, any_home, *options)
    assert 0 < listed < 37
    status, stdout, err = run(capsys, "--home", str(any_home), "stats", *options, *dedup, "--json")
    assert status == 0, err
    assert json.loads(stdout)["incidents"] == listed  # nothing reconciled yet: each report is an incident
