"""What the extraction fixes reach a node's database as, on SQLite and PostgreSQL: a toll that "could rise" is
stored with an unknown high (null, never the count itself nor 0), and a count whose sayer is named in the
sentence before it is stored as that sayer's figure."""

from __future__ import annotations

from pathlib import Path

from sarhad.ingest import ingest_article
from sarhad.node import Node
from sarhad.store.incidents import query_incidents

HEADER = "Attack in Kech\nhttps://example.com/kech\n2025-11-08\n\n"


def _ingest(node: Node, tmp_path: Path, body: str) -> str:
    article = tmp_path / "article.txt"
    article.write_text(HEADER + body + "\n", encoding="utf-8")
    return ingest_article(node, article).incidents[0]


def test_a_toll_that_may_rise_is_stored_with_an_unknown_high(any_node: Node, tmp_path: Path) -> None:
    main_id = _ingest(
        any_node, tmp_path, "A bomb exploded at a market in Turbat on Friday, killing nine people. The toll could "
        "rise, hospital officials said."
    )  # fmt: skip
    (killed,) = [f for f in any_node.incident(main_id).figures if f.measure == "killed"]
    assert (killed.low, killed.best, killed.high) == (9, 9, None)
    (row,) = [r for r in query_incidents(any_node.db) if r["id"] == main_id]
    assert (row["killed"]["low"], row["killed"]["best"], row["killed"]["high"]) == (9, 9, None)


def test_a_count_is_stored_as_the_sayers_of_the_sentence_before(any_node: Node, tmp_path: Path) -> None:
    main_id = _ingest(
        any_node, tmp_path, "Militants attacked a checkpoint in Kech district of Balochistan on Friday, the "
        "provincial police said. Eleven people were killed. The Baloch Liberation Army said it killed 20 soldiers."
    )  # fmt: skip
    figures = any_node.incident(main_id).figures
    assert [(f.measure, f.best, f.asserted_by) for f in figures] == [
        ("killed", 20, "BLA (claim)"),
        ("killed", 11, "police"),
    ]
