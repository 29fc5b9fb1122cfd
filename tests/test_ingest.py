"""Ingesting news articles: incidents, the article as a report, proposed commitments; idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from sarhad.errors import NotFound
from sarhad.formats import gtd, ucdp
from sarhad.formats.stix import extension_schema
from sarhad.ingest import ingest_article
from sarhad.model.incident import SARHAD_EXTENSION
from sarhad.monitor.alerts import list_alerts
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from sarhad.store.incidents import Filters, query_incidents
from tests.conftest import run_cli

ARTICLES = Path(__file__).parent / "assets" / "articles"


def test_incident_article_becomes_records_with_the_article_as_source(node: Node) -> None:
    result = ingest_article(node, ARTICLES / "05.txt")
    assert len(result.incidents) >= 1
    rows = {r["id"]: r for r in query_incidents(node.db)}
    main = rows[result.incidents[0]]
    assert (main["date_start"], main["admin1"], main["perpetrator"]) == (
        "2024-04-09",
        "Sistan and Baluchestan",
        "Jaish al-Adl",
    )
    assert main["killed"]["best"] == 5 and main["reported_by"] == "PK" and main["dataset"] == "article"
    inc = node.incident(main["id"])
    assert any("habilian" in s for s in inc.sources)
    assert inc.figures[0].rule == "extracted"
    (body,) = node.db.fetchone("SELECT body FROM objects WHERE id = ?", (result.report_id,)) or ("",)
    report = json.loads(body)
    assert report["type"] == "report" and main["id"] in report["object_refs"]


def test_cooperation_article_gives_proposed_commitments(node: Node) -> None:
    result = ingest_article(node, ARTICLES / "00.txt")
    assert result.commitments >= 5
    notes = node.db.fetchall("SELECT body FROM objects WHERE type = 'note'")
    assert len(notes) == result.commitments
    assert all("proposed-commitment" in json.loads(b)["labels"] for (b,) in notes)


def test_ingesting_again_changes_nothing(node: Node) -> None:
    first = ingest_article(node, ARTICLES / "07.txt")
    size = node.log.size()
    again = ingest_article(node, ARTICLES / "07.txt")
    assert again.added == 0 and again.unchanged == first.added
    assert node.log.size() == size


def test_missing_article_is_a_clear_error(node: Node, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no such file"):
        ingest_article(node, tmp_path / "missing.txt")


def test_no_person_is_stored_victims_are_counts(node: Node, tmp_path: Path) -> None:
    article = tmp_path / "cleric.txt"
    article.write_text(
        "Cleric and driver shot dead in Chaman\n"
        "https://www.example.com/chaman-cleric\n"
        "2025-03-08\n\n"
        "CHAMAN: Gunmen opened fire on the car of Maulana Abdul Rehman in Chaman on Friday, killing two people, "
        "police said. Police officer Naveed Akhtar said an investigation was under way.\n",
        encoding="utf-8",
    )
    result = ingest_article(node, article)
    (main_id,) = result.incidents
    inc = node.incident(main_id)
    assert inc.summary == "car of a cleric" and inc.figures[0].best == 2
    for (body,) in node.db.fetchall("SELECT body FROM objects"):
        assert "Abdul Rehman" not in body and "Naveed Akhtar" not in body


def test_the_main_incident_keeps_the_headline_and_another_one_says_what_where_and_when(node: Node) -> None:
    # 05.txt is about an attack in Sib and Soran, and recalls earlier ones in Chabahar and Rask
    result = ingest_article(node, ARTICLES / "05.txt")
    titles = [node.incident(i).title for i in result.incidents]
    headline = "Terrorist attack in Sistan and Baluchestan kills 5 Iranian police officers"
    assert titles[0] == headline
    assert "Armed Assault in Chabahar, Sistan and Baluchestan, 2024-04-04" in titles[1:]
    assert headline not in titles[1:] and len(set(titles)) == len(titles)
    assert all(any(headline in s for s in node.incident(i).sources) for i in result.incidents)


def test_an_extracted_incident_with_coordinates_has_its_border_distance(any_node: Node) -> None:
    # 05.txt recalls an attack in Rask, about 47 km from the border: a near-border rule alerts on it, so the
    # near-border filter (dashboard, incidents list, stats) must find it too
    add_rule(any_node.db, Rule(name="border-50", near_border_km=50))
    result = ingest_article(any_node, ARTICLES / "05.txt")
    rows = {r["place"]: r for r in query_incidents(any_node.db) if r["id"] in result.incidents}
    rask = rows["Rask"]
    assert rask["border_km"] == pytest.approx(46.6, abs=0.1)
    near = {r["id"] for r in query_incidents(any_node.db, Filters(near_border=50))}
    alerted = {a.incident_id for a in list_alerts(any_node.db, rule="border-50")}
    assert rask["id"] in alerted and alerted <= near


COMPETING = (
    "Militants attack army post in Kech\n"
    "https://www.dawn.com/news/kech-post\n"
    "2025-11-08\n\n"
    "Militants attacked an army post in Kech district of Balochistan on Friday. The Baloch Liberation Army "
    "claimed it killed a dozen soldiers; the military said five soldiers were martyred.\n"
)


def test_competing_tolls_are_stored_as_one_figure_per_sayer(
    any_node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "kech.txt"
    article.write_text(COMPETING, encoding="utf-8")
    (main_id,) = ingest_article(any_node, article).incidents
    inc = any_node.incident(main_id)
    assert [(f.measure, f.category, f.best, f.rule, f.asserted_by) for f in inc.figures] == [
        ("killed", "total", 5, "extracted", "Pakistan military (ISPR)"),
        ("killed", "total", 12, "extracted", "BLA (claim)"),
    ]
    # the record's total, the statistics and the dataset exports read the main count, not the claim
    (row,) = [r for r in query_incidents(any_node.db) if r["id"] == main_id]
    assert row["killed"]["best"] == 5
    assert gtd.to_row(inc, None)["nkill"] == "5" and ucdp.to_row(inc, None)["best"] == "5"
    # the STIX extension carries both, and its JSON Schema accepts them
    ext = inc.to_stix()["extensions"][SARHAD_EXTENSION]
    assert [f["asserted_by"] for f in ext["figures"]] == ["Pakistan military (ISPR)", "BLA (claim)"]
    assert jsonschema.validators.validator_for(extension_schema())(extension_schema()).is_valid(ext)
    code, out, err = run_cli(capsys, "--home", str(any_node.settings.home), "incidents", "show", main_id)
    assert code == 0, err
    assert "BLA (claim)" in out and "Pakistan military (ISPR)" in out and "12" in out
    # reconciliation puts each sayer's count side by side
    home = str(any_node.settings.home)
    assert run_cli(capsys, "--home", home, "reconcile")[0] == 0
    code, out, err = run_cli(capsys, "--home", home, "clusters", "list", "--json")
    assert code == 0, err
    (cluster,) = json.loads(out)
    code, out, err = run_cli(capsys, "--home", home, "clusters", "show", cluster["cluster_id"], "--json")
    assert code == 0, err
    (killed,) = json.loads(out)["figures"]
    assert {k: v["best"] for k, v in killed["by_party"].items()} == {
        "BLA (claim) (article)": 12,
        "Pakistan military (ISPR) (article)": 5,
    }
