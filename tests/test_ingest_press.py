"""The news desk's path: articles from several outlets, corrected articles and bad files, on both databases."""

from __future__ import annotations

from pathlib import Path

from sarhad.ingest import ingest_article
from sarhad.node import Node
from sarhad.reconcile.store import cluster_view, reconcile

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
