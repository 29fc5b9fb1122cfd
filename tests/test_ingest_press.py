"""The news desk's path: articles from several outlets, corrected articles and bad input, on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sarhad.ingest import ingest_article
from sarhad.node import Node
from sarhad.reconcile.store import cluster_view, reconcile
from sarhad.store.incidents import query_incidents
from tests.conftest import run_cli

FIRST = """Gunmen kill six labourers near Turbat
https://www.dawn.com/news/1990001/gunmen-kill-six-labourers-near-turbat
2025-03-10

TURBAT: Gunmen opened fire on a camp of construction workers near Turbat in Kech district on Monday, killing six \
labourers and injuring two others, police said.

No group has claimed responsibility for the attack.
"""

FOLLOW_UP = """Death toll in Turbat labourers' attack rises to eight
https://tribune.com.pk/story/2550002/turbat-toll-rises
2025-03-11

QUETTA: The death toll from Monday's attack on construction workers near Turbat in Kech district rose to eight on \
Tuesday after two of the injured died in hospital, officials said.

Gunmen had opened fire on the labourers' camp on Monday evening. The Baloch Liberation Front (BLF) claimed \
responsibility for the attack.
"""


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_two_outlets_articles_of_one_attack_reconcile_into_one_cluster_with_both_tolls(
    any_node: Node, tmp_path: Path
) -> None:
    first = ingest_article(any_node, _write(tmp_path / "dawn.txt", FIRST))
    second = ingest_article(any_node, _write(tmp_path / "tribune.txt", FOLLOW_UP))
    reconcile(any_node.db, "PK")
    view = cluster_view(any_node.db, first.incidents[0])
    assert {m.id for m in view.members} == {first.incidents[0], second.incidents[0]}
    killed = next(f for f in view.figures if (f.measure, f.category) == ("killed", "total"))
    assert {name: best for name, _, best, _ in killed.by_party} == {
        "dawn.com (article)": 6,
        "tribune.com.pk (article)": 8,
    }


def test_a_corrected_article_at_the_same_url_updates_its_incident_instead_of_adding_one(
    any_node: Node, tmp_path: Path
) -> None:
    first = ingest_article(any_node, _write(tmp_path / "dawn.txt", FIRST))
    corrected = FIRST.replace("killing six", "killing seven").replace("kill six", "kill seven")
    # the same story, fetched again with another spelling of its URL
    corrected = corrected.replace("https://www.dawn.com/", "http://dawn.com/")
    second = ingest_article(any_node, _write(tmp_path / "dawn-corrected.txt", corrected))
    assert (second.report_id, second.incidents) == (first.report_id, first.incidents)
    assert (second.added, second.updated) == (0, 2)  # the incident and the report, new versions
    rows = query_incidents(any_node.db)
    assert [(r["id"], r["killed"]["best"]) for r in rows] == [(first.incidents[0], 7)]
    again = ingest_article(any_node, tmp_path / "dawn-corrected.txt")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)


def test_an_article_without_a_url_keeps_its_outlets_name_as_the_reports_source(node: Node, tmp_path: Path) -> None:
    text = "Pakistan and Iran agree on border patrols\nSouthAsianDesk\n2025-11-08\n\nPakistan and Iran agreed to "
    text += "hold joint border patrols from December 2025.\n"
    result = ingest_article(node, _write(tmp_path / "desk.txt", text))
    (body,) = node.db.fetchone("SELECT body FROM objects WHERE id = ?", (result.report_id,)) or ("",)
    (ref,) = json.loads(body)["external_references"]
    assert (ref["source_name"], ref["external_id"]) == ("SouthAsianDesk", "desk.txt")


def test_a_web_address_or_an_undated_article_is_refused_naming_it_and_stores_nothing(
    any_node: Node, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    undated = _write(tmp_path / "undated.txt", "Gunmen killed five labourers in Turbat on Monday, police said.\n")
    before = any_node.db.fetchone("SELECT COUNT(*) FROM objects")
    home = str(any_node.settings.home)
    code, out, err = run_cli(capsys, "--home", home, "ingest", "article", "https://www.dawn.com/news/1", str(undated))
    assert code == 1 and "Traceback" not in err
    assert "a web address (https://www.dawn.com/news/1), not a file: sarhad reads no web pages" in err
    assert f"error: {undated}: no date for its incident in Turbat: the file has no header" in err
    code, out, err = run_cli(capsys, "--home", home, "ingest", "article", str(undated), "--json")
    assert code == 1 and json.loads(out)[0]["error"].startswith("no date for its incident in Turbat")
    assert any_node.db.fetchone("SELECT COUNT(*) FROM objects") == before
    # with the date it lacked, it is an article like any other
    code, out, err = run_cli(capsys, "--home", home, "ingest", "article", str(undated), "--published", "2025-03-10")
    assert code == 0 and "1 incident" in out


def test_extract_names_a_web_address_given_instead_of_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run_cli(capsys, "extract", "https://www.dawn.com/news/1", "--json")
    assert code == 1
    (entry,) = json.loads(out)
    assert entry["error"].startswith("a web address (https://www.dawn.com/news/1), not a file")


def test_the_other_partys_node_ingesting_the_same_url_makes_records_of_its_own(node: Node, tmp_path: Path) -> None:
    iran = Node.init(tmp_path / "ir", "IR")
    try:
        article = _write(tmp_path / "dawn.txt", FIRST)
        ours, theirs = ingest_article(node, article), ingest_article(iran, article)
        assert ours.report_id != theirs.report_id and set(ours.incidents).isdisjoint(theirs.incidents)
    finally:
        iran.close()
