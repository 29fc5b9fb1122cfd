"""Incidents in an article: the main one and the background incidents the article states.

How it works, sentence by sentence (``article.story()``: the title, body and bullets, never captions or
"Updated …" lines):

1. Each sentence gets its features: dates (resolved against the publication date), numbers, casualty counts
   (victims apart from attackers), attack-type cues, actor mentions with claim/blame cues, provinces and place
   names. Statistics ("293 attacks … 404 dead", "over the past year") and generic sentences ("has claimed
   several attacks over recent years") and state counter-strikes ("Iran struck two bases") are set aside.
2. Event sentences are grouped: the title and the lead start the main incident; a sentence with its own date
   that differs from the main incident's ("Last week, …", "In December, …", "a week after a bomb exploded in
   Mastung") opens or joins a background incident; an undated sentence continues a background incident only
   when it says so ("In the clashes that followed") or names its place; otherwise it is about the main one.
3. Each group becomes an incident: the best date, the most specific place (province mentions first, then the
   gazetteer, then regional phrases and the article's dominant province), the perpetrator (claimed > blamed >
   suspected, "the group" resolved to the last named group), the largest victim counts (toll updates
   included, subsets and attackers excluded), the GTD attack type (cue weights, GTD hierarchy) and the target.

A background incident is kept only with at least a month and a province or a toll, as the gold convention asks.

The steps live beside this module: :mod:`~sarhad.extract.features` (1), :mod:`~sarhad.extract.clusters`
(2) and, for 3, :mod:`~sarhad.extract.incident_places`, :mod:`~sarhad.extract.perpetrators`,
:mod:`~sarhad.extract.tolls` and :mod:`~sarhad.extract.targets`, with the word cues they share in
:mod:`~sarhad.extract.cues`. This module assembles the incident records.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from sarhad.extract.article import Article
from sarhad.extract.clusters import Cluster, cluster_sentences
from sarhad.extract.cues import CLAIM
from sarhad.extract.features import SentenceFeatures, analyse
from sarhad.extract.incident_places import article_country, dominant_province, place_of, same_province
from sarhad.extract.perpetrators import perpetrator_of, unknown_claimant
from sarhad.extract.targets import attack_type_of, target_of
from sarhad.extract.tolls import assertions_of, counts_of, rising_measures

__all__ = ["SentenceFeatures", "analyse", "article_country", "extract_incidents"]


def _date_fields(cluster: Cluster, published: date | None) -> dict[str, Any]:
    d = cluster.date
    if d is None or d.value is None:
        if cluster.main and published is not None:
            return {
                "date": published.isoformat(),
                "date_precision": "unknown",
                "date_start": (published - timedelta(days=3)).isoformat(),
                "date_end": published.isoformat(),
                "date_span": None,
            }
        return {"date": None, "date_precision": "unknown", "date_start": None, "date_end": None, "date_span": None}
    precision = d.precision
    if precision == "day":
        out_date = d.value.isoformat()
    else:
        out_date = d.value.strftime("%Y-%m")
    precision_name = {"day": "day", "week": "week", "month": "month", "quarter": "month", "year": "year"}.get(
        precision, "unknown"
    )
    return {
        "date": out_date,
        "date_precision": precision_name,
        "date_start": (d.earliest or d.value).isoformat(),
        "date_end": (d.latest or d.value).isoformat(),
        "date_best": d.value.isoformat(),
        "date_span": [d.start, d.end],
    }


def extract_incidents(article: Article, features: list[SentenceFeatures] | None = None) -> list[dict[str, Any]]:
    """The article's incidents as dicts (the ``incidents`` entries of the JSON contract), main one first."""
    if features is None:
        features = analyse(article)
    published = article.published
    country = article_country(article, features)
    dominant = dominant_province([f for f in features if not f.is_stat], country)
    clusters = cluster_sentences(features, published)
    stats_article = _is_stats_article(features)
    out: list[dict[str, Any]] = []
    main_place: dict[str, Any] | None = None
    owner = {f.sentence.start: id(cluster) for cluster in clusters for f in cluster.sentences}
    for cluster in clusters:
        if not cluster.sentences:
            continue
        elsewhere = frozenset(
            p.name.casefold()
            for other in clusters
            if other is not cluster
            for f in other.sentences
            if f.sentence.role != "title"  # a headline names every incident it sums
            for p in f.places
        )
        counts = counts_of(cluster, elsewhere, rising_measures(cluster, features, owner))
        has_toll = "killed" in counts or "wounded" in counts or "kidnapped" in counts
        body = [f for f in cluster.sentences if f.sentence.role != "title"]
        if cluster.main:
            specific = has_toll or any(
                any(code in {1, 3, 4, 5, 6} for code, _, _, _ in f.cues) or any(w >= 2.0 for _, w, _, _ in f.cues)
                for f in cluster.sentences
            )
            if not specific or not body:
                continue
            if stats_article and (cluster.date is None or cluster.date.precision != "day"):
                continue
        place = place_of(cluster, features, country, dominant, article)
        if cluster.main:
            main_place = place
        elif main_place is not None and main_place["admin1"]:
            place = same_province(cluster, place, main_place)
        dates = _date_fields(cluster, published)
        if not cluster.main:
            if dates["date"] is None or dates["date_precision"] not in {"day", "week", "month"}:
                continue
            if not (has_toll or place["admin1_source"] in {"text", "region"}):
                continue
        actor, attribution, _ = perpetrator_of(cluster, features)
        unknown = None
        if actor is None:
            # a claim by a group the registry does not know joins no cluster: the main incident reads them all
            loose = [
                f
                for f in features
                if cluster.main and not f.actors and not f.event_dates and CLAIM.search(f.sentence.text)
            ]
            unknown = unknown_claimant([*cluster.sentences, *loose])
        attack_type, attack_span = attack_type_of(cluster)
        target, target_span, target_type = target_of(cluster)
        killed = counts.get("killed")
        wounded = counts.get("wounded")
        spans: dict[str, Any] = {
            "date": dates.pop("date_span"),
            "place": place["spans"]["place"],
            "admin1": place["spans"]["admin1"],
            "perpetrator": [actor.start, actor.end] if actor else ([unknown[1], unknown[2]] if unknown else None),
            "killed": killed["span"] if killed else None,
            "wounded": wounded["span"] if wounded else None,
            "attack_type": list(attack_span) if attack_span else None,
            "target": list(target_span) if target_span else None,
        }
        sentences = [[f.sentence.start, f.sentence.end] for f in cluster.sentences]
        confidence = _confidence(cluster, dates, place, killed, actor)
        incident: dict[str, Any] = {
            "date": dates["date"],
            "date_precision": dates["date_precision"],
            "date_start": dates["date_start"],
            "date_end": dates["date_end"],
            "country": place["country"],
            "admin1": place["admin1"],
            "admin1_code": place["admin1_code"],
            "place": place["place"],
            "lat": place["lat"],
            "lon": place["lon"],
            "geo_precision": place["geo_precision"],
            "admin1_source": place["admin1_source"],
            "perpetrator": actor.text if actor else (unknown[0] if unknown else None),
            "perpetrator_id": actor.actor.id if actor else None,
            "perpetrator_name": actor.actor.name if actor else None,
            "attribution": attribution if actor else ("claimed" if unknown else "unknown"),
            # an umbrella label ("Fitna al-Hindustan") is an entry of its own, a state's word all the same
            "state_label": (actor.state_label or (actor.actor.label_by if actor.actor.kind == "state_label" else None))
            if actor
            else None,
            "killed": killed["best"] if killed else None,
            "killed_low": killed["low"] if killed else None,
            "killed_high": killed["high"] if killed else None,
            "killed_qualifier": killed["qualifier"] if killed else None,
            "wounded": wounded["best"] if wounded else None,
            "wounded_low": wounded["low"] if wounded else None,
            "wounded_high": wounded["high"] if wounded else None,
            "wounded_qualifier": wounded["qualifier"] if wounded else None,
            "kidnapped": counts["kidnapped"]["best"] if "kidnapped" in counts else None,
            "attackers_killed": counts["attackers_killed"]["best"] if "attackers_killed" in counts else None,
            "toll_updated": bool(killed and killed["toll_update"]),
            "assertions": assertions_of(
                cluster,
                counts,
                place["country"] or country,
                actor.actor.short or actor.actor.name if actor else None,
                article,
            ),
            "attack_type": attack_type,
            "target": target,
            "target_type": target_type,
            "main": cluster.main,
            "spans": spans,
            "sentences": sentences,
            "confidence": confidence,
        }
        out.append(incident)
    return out  # without a main incident, no background incident is promoted: the list keeps its order


_STATS_WORDS = re.compile(
    r"\b(?:data|report|statistics|figures|think tank|PICSS|PIPS|CRSS|annual|monthly|quarterly|surge|rise|decline|"
    r"recorded|tally|year-on-year|month-on-month)\b",
    re.I,
)


def _is_stats_article(features: list[SentenceFeatures]) -> bool:
    """A statistics article: its title or lead is about counts over a month, quarter or year."""
    head = [f for f in features if f.sentence.role == "title"] + [f for f in features if f.sentence.role != "title"][:2]
    for f in head:
        periods = [d for d in f.dates if d.precision in {"month", "quarter", "half", "year"}]
        if f.is_stat or (
            _STATS_WORDS.search(f.sentence.text) and (periods or re.search(r"\battacks\b", f.sentence.text))
        ):
            return True
    return False


def _confidence(cluster: Cluster, dates: dict[str, Any], place: dict[str, Any], killed: Any, actor: Any) -> float:
    score = 0.3
    if dates["date_precision"] == "day":
        score += 0.2
    elif dates["date_precision"] in {"week", "month"}:
        score += 0.1
    if place["admin1"]:
        score += 0.15
    if place["lat"] is not None:
        score += 0.05
    if killed:
        score += 0.15
    if actor:
        score += 0.05
    if cluster.main and any(f.sentence.role == "title" for f in cluster.sentences):
        score += 0.05
    return round(min(score, 0.95), 2)
