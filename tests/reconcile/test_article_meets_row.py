"""An article about an incident and the dataset's row of it meet in one cluster, though the row states no attack
type and no wounded and the two records' summaries (the article's target, the row's place) share no word."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sarhad.importer import import_file
from sarhad.ingest import ingest_article
from sarhad.node import Node
from sarhad.reconcile.features import Features
from sarhad.reconcile.record import Record
from sarhad.reconcile.score import Scoring, score_pairs
from sarhad.reconcile.store import cluster_of, reconcile
from sarhad.store.incidents import query_incidents
from tests.reconcile.helpers import record

UCDP = Path(__file__).parents[1] / "assets" / "ucdp"


def _score(a: Record, b: Record) -> float:
    records = [a, b]
    return float(score_pairs(records, Features.of(records), np.array([0]), np.array([1]))[0])


def _pair(summary_a: str, summary_b: str) -> tuple[Record, Record]:
    # the same day and group, the same toll; 25 km apart in one district; one side states no attack type
    a = record("PK", "A-1", "2024-05-02", lat=29.80, lon=66.85, geo="admin2", place="Mastung", attack="Armed Assault",
               perpetrator="BLA", killed=4, summary=summary_a)  # fmt: skip
    b = record("UCDP", "U-1", "2024-05-02", lat=29.92, lon=67.10, geo="near", place="Dasht", attack=None,
               perpetrator="BLA", killed=4, summary=summary_b)  # fmt: skip
    return a, b


def test_two_summaries_of_a_word_or_two_sharing_none_do_not_count_against_the_pair() -> None:
    labels = _score(*_pair("check post", "Dasht thesil"))
    no_words = _score(*_pair("", ""))
    assert labels == no_words >= Scoring().threshold
    # two write-ups that share no word still count against it
    written = _score(*_pair("Militants stormed a levies check post at night",
                            "Gunmen ambushed a convoy of traders on the highway"))  # fmt: skip
    assert written < labels


def test_two_labels_that_share_their_words_still_count_for_the_pair() -> None:
    """A label's words count only for a pair: two parties' reports both titled "Attack near Turbat" agree (the
    rule above must not take that away: it left two such reports of one attack in two clusters)."""
    a, b = _pair("Attack near Turbat", "Attack near Turbat")
    a_far = record("PK", "A-1", "2024-05-02", lat=29.80, lon=66.85, geo="admin2", place="Mastung",
                   attack="Armed Assault", perpetrator="BLA", killed=None, summary="Attack near Turbat")  # fmt: skip
    same = _score(a_far, b)
    none = _score(record("PK", "A-1", "2024-05-02", lat=29.80, lon=66.85, geo="admin2", place="Mastung",
                         attack="Armed Assault", perpetrator="BLA", killed=None, summary=""), b)  # fmt: skip
    assert same > none
    assert _score(a, b) >= _score(*_pair("", ""))


def test_the_article_on_ucdp_event_58473_joins_its_row(any_node: Node) -> None:
    import_file(any_node, "ucdp", UCDP / "ucdp_ged231_sample_pak_irn.csv")
    article = ingest_article(any_node, UCDP / "article_58473.txt").incidents[0]
    (row,) = [r["id"] for r in query_incidents(any_node.db) if r["source_id"] == "58473"]
    reconcile(any_node.db, "PK")
    assert cluster_of(any_node.db, article) == cluster_of(any_node.db, row)
