"""Small answers of the command line: a bounding box outside the globe is refused naming the value, counts
read '1 incident', 'clusters list --limit 0' is refused, and 'clusters show' says when there are no figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from sarhad.cli import main
from sarhad.node import Node
from tests.reconcile.helpers import report

ARTICLES = Path(__file__).resolve().parents[1] / "assets" / "articles"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, " ".join(err.split())


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def home_node(request: pytest.FixtureRequest, tmp_path: Path) -> Node:
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    node = Node.init(tmp_path / "pk", "PK", database_url=url)
    request.addfinalizer(node.close)
    return node


@pytest.mark.parametrize(
    ("bbox", "message"),
    [
        ("200,25,64,30", "--bbox '200,25,64,30': longitude 200 is outside -180..180"),
        ("60,-95,64,30", "--bbox '60,-95,64,30': latitude -95 is outside -90..90"),
        ("64,25,60,30", "--bbox '64,25,60,30': the minimum longitude 64 is greater than the maximum 60"),
        ("60,30,64,25", "--bbox '60,30,64,25': the minimum latitude 30 is greater than the maximum 25"),
    ],
)
def test_a_bbox_outside_the_globe_or_upside_down_is_refused(
    home_node: Node, capsys: pytest.CaptureFixture[str], bbox: str, message: str
) -> None:
    for command in (["incidents", "list"], ["stats"]):
        code, _, err = _run(capsys, "--home", str(home_node.settings.home), *command, "--bbox", bbox)
        assert code != 0
        assert message in err
    code, _, err = _run(
        capsys, "--home", str(home_node.settings.home), "incidents", "list", "--bbox", "-180,-90,180,90"
    )
    assert code == 0, err


def test_ingest_says_1_incident(home_node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "--home", str(home_node.settings.home), "ingest", "article", str(ARTICLES / "12.txt"))
    assert code == 0, err
    assert "1 incident," in out and "1 incidents" not in out
    code, out, _ = _run(capsys, "--home", str(home_node.settings.home), "incidents", "list")
    assert "1 incident" in out and "1 incidents" not in out


def test_clusters_list_refuses_limit_0_and_show_says_no_figures(
    home_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(home_node.settings.home)
    home_node.publish([report("PK", "PK-1", "2024-03-14"), report("IR", "IR-1", "2024-03-14")])
    assert _run(capsys, "--home", home, "reconcile")[0] == 0
    code, _, err = _run(capsys, "--home", home, "clusters", "list", "--limit", "0")
    assert code != 0 and "--limit 0: expected a count >= 1" in err
    code, out, err = _run(capsys, "--home", home, "clusters", "list")
    assert code == 0, err
    assert "1 cluster" in out and "1 clusters" not in out
    cluster = out.split("cluster--")[1].split()[0]
    code, out, err = _run(capsys, "--home", home, "clusters", "show", f"cluster--{cluster}")
    assert code == 0, err
    assert "joint figures: no figures" in out
    assert "consensus" not in out  # no empty table


def test_an_import_of_one_row_says_1_row(home_node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sample = (Path(__file__).resolve().parents[1] / "assets" / "synthetic" / "acled_synthetic.csv").read_text()
    one = tmp_path / "one.csv"
    one.write_text("\n".join(sample.splitlines()[:2]) + "\n", encoding="utf-8")
    code, out, err = _run(capsys, "--home", str(home_node.settings.home), "import", "acled", str(one))
    assert code == 0, err
    assert out.startswith(f"imported 1 acled row from {one}: 1 added")


def test_version_prints_the_packages_version_without_a_node(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sarhad --version`` names the version a bug report or an upgrade note needs, and touches no node home."""
    from sarhad import __version__

    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, "--home", str(tmp_path / "nowhere"), "--version")
    assert (code, out, err) == (0, f"sarhad {__version__}\n", "")
    assert list(tmp_path.iterdir()) == []
