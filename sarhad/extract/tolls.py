"""An incident's casualty counts: the largest victim count of its sentences (toll updates included, subsets,
attackers, superseded and summed counts set aside), whether it may still rise, and each sayer's count where
sayers differ.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sarhad.extract.article import Article, Sentence
from sarhad.extract.casualties import Casualty, may_rise
from sarhad.extract.clusters import Cluster
from sarhad.extract.features import SentenceFeatures
from sarhad.extract.sayers import find_sayer

__all__ = ["assertions_of", "counts_of", "rising_measures"]


# "An earlier version of this story said 11", "Earlier reports had put the toll at seven": a count the article
# itself supersedes, kept out of the incident's figures when the article gives another
_SUPERSEDED = re.compile(
    r"\b(?:an? (?:earlier|previous) (?:version|report|story|toll|figure)|earlier (?:reports?|figures?|tolls?)|"
    r"initial (?:reports?|figures?|tolls?)|(?:was|were|had been) initially (?:put|reported|given)|"
    r"had (?:earlier|initially|previously) (?:put|given|said|reported))\b",
    re.I,
)
# "Seven people were killed in two separate attacks": a count over several incidents, not one's
_TOTAL = re.compile(
    r"\bin (?:two|three|four|five|several|\d+) (?:separate |different |coordinated )?"
    r"(?:attacks|incidents|blasts|explosions|shootings)\b",
    re.I,
)


def _elsewhen(f: SentenceFeatures, c: Casualty, day: date | None) -> bool:
    """Whether casualty ``c`` sits in a ';'-clause of its sentence dated away from ``day``: the headline "Gunmen
    kill police officer in Zahedan; toll from last week's Khash attack rises to four" counts four for last
    week's attack, not for this one."""
    if day is None:
        return False
    text, base = f.sentence.text, f.sentence.start
    rel = c.start - base
    left = text.rfind(";", 0, rel) + 1
    right = text.find(";", rel)
    right = len(text) if right < 0 else right
    if left == 0 and right == len(text):
        return False  # one clause: its dates are the toll's own ("died on Tuesday, raising the toll to six")
    dates = [d for d in f.dates if left <= d.start - base < right and d.earliest is not None and d.latest is not None]
    return bool(dates) and all(not (d.earliest <= day <= d.latest) for d in dates if d.earliest and d.latest)


def rising_measures(cluster: Cluster, features: list[SentenceFeatures], owner: dict[int, int]) -> frozenset[str]:
    """The measures whose count the cluster's sentences, or a sentence of no incident after them and before any
    other incident's ("… killing nine people. … The toll could rise, officials said."), say may still rise.
    ``owner`` maps each clustered sentence's start to the ``id`` of its cluster."""
    texts = [f.sentence.text for f in cluster.sentences]
    last: int | None = None  # the cluster of the last clustered sentence so far
    for f in features:
        if f.sentence.start in owner:
            last = owner[f.sentence.start]
        elif last == id(cluster):
            texts.append(f.sentence.text)
    return frozenset().union(*map(may_rise, texts))


def counts_of(
    cluster: Cluster, elsewhere: frozenset[str] = frozenset(), rising: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The cluster's victim and attacker counts. ``elsewhere`` holds the places of the article's other
    incidents: a sentence naming one of them as well ("Blast in Turbat, firing in Panjgur leave seven dead")
    counts for more than this incident. A measure in ``rising`` ("the toll could rise") has no upper bound:
    its ``high`` is None."""
    out: dict[str, Any] = {}

    def summed(f: SentenceFeatures) -> bool:
        return bool(_TOTAL.search(f.sentence.text)) or any(p.name.casefold() in elsewhere for p in f.places)

    day = cluster.date.value if cluster.date is not None and cluster.date.precision == "day" else None
    for measure in ("killed", "wounded", "kidnapped"):
        in_body = {id(c) for f in cluster.sentences if f.sentence.role != "title" for c in f.casualties}
        victims = [
            c
            for f in cluster.sentences
            for c in f.casualties
            if c.measure == measure and c.who == "victims" and not _elsewhen(f, c, day)
        ]
        stated = [
            c
            for f in cluster.sentences
            if not _SUPERSEDED.search(f.sentence.text) and not summed(f)
            for c in f.casualties
            if c.measure == measure and c.who == "victims" and not _elsewhen(f, c, day)
        ]
        # a count the article corrects or updates gives way to the others; a vague "dozens" gives way to a count
        victims = stated or victims
        said = victims
        victims = [c for c in victims if c.number.qualifier != "vague"] or victims
        attackers = [
            c for f in cluster.sentences for c in f.casualties if c.measure == measure and c.who == "attackers"
        ]
        if victims:
            best = max(victims, key=lambda c: (c.value, c.toll, id(c) in in_body, -c.start))
            updates = [c for c in victims if c.toll]
            if measure == "wounded" and updates:
                best = updates[-1]  # "two of the three injured succumbed": the survivors, not the first count
            # "killing at least 26" and "the toll climbed to 26": the same count, a lower bound
            same = [c for c in victims if c.value == best.value and c.number.qualifier]
            number = best.number if best.number.qualifier or not same else same[0].number
            low = number.low
            high = None if measure in rising else number.high
            out[measure] = {
                "best": best.value,
                "low": int(low) if low is not None else None,
                "high": int(high) if high is not None else None,
                "qualifier": number.qualifier,
                "span": [best.start, best.end],
                "toll_update": any(c.toll for c in victims),
                "said": said,
                "rising": measure in rising,
            }
        if attackers and measure == "killed":
            best_a = max(attackers, key=lambda c: c.value)
            out["attackers_killed"] = {"best": best_a.value, "span": [best_a.start, best_a.end]}
    _without_the_dead(cluster, out)
    return out


# "the toll rose to 9 after two more of the injured died" ("two of the three injured" is _SURVIVORS' in casualties)
_INJURED_DIED = re.compile(
    r"\b(?P<n>one|two|three|four|five|six|seven|eight|nine|ten|\d+) (?:more |others? )?of the (?:injured|wounded)"
    r"(?: \w+){0,2}? (?:later )?(?:succumbed|died|passed away)\b",
    re.I,
)


def _without_the_dead(cluster: Cluster, out: dict[str, Any]) -> None:
    """A toll update's dead among the first count of the injured: "the toll rose to 9 after two more of the injured
    died … Seven people had been killed and 14 injured" leaves 12 wounded. Only where the wounded count is stated
    beside a killed count that the update raises by exactly those dead, so a count of the injured given after the
    deaths ("Eighteen injured people are still being treated") is kept."""
    killed, wounded = out.get("killed"), out.get("wounded")
    if killed is None or wounded is None:
        return
    died = next((m for f in cluster.sentences if (m := _INJURED_DIED.search(f.sentence.text))), None)
    n = _count(died.group("n")) if died is not None else None
    if n is None or n >= wounded["best"]:
        return
    first = killed["best"] - n
    start = wounded["span"][0]
    for f in cluster.sentences:
        if not f.sentence.start <= start < f.sentence.end:
            continue
        if any(c.measure == "killed" and c.who == "victims" and c.value == first for c in f.casualties):
            for key in ("best", "low", "high"):
                if wounded[key] is not None:
                    wounded[key] -= n
        return


def _count(word: str) -> int | None:
    words = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    low = word.casefold()
    return words.index(low) + 1 if low in words else int(low) if low.isdigit() else None


def _neighbours(story: list[Sentence], index_of: dict[int, int], sentence: Sentence) -> tuple[str | None, str | None]:
    """The texts of the sentences before and after ``sentence`` in its paragraph (None where there is none);
    ``index_of`` maps each sentence's start to its place in ``story``."""
    at = index_of.get(sentence.start)
    if at is None or story[at].end != sentence.end:
        return None, None  # a clause of a round-up sentence: its neighbours are its sentence's other clauses
    before = story[at - 1] if at > 0 else None
    after = story[at + 1] if at + 1 < len(story) else None
    return (
        before.text if before is not None and before.paragraph == sentence.paragraph else None,
        after.text if after is not None and after.paragraph == sentence.paragraph else None,
    )


def assertions_of(
    cluster: Cluster, counts: dict[str, Any], country: str | None, claimant: str | None, article: Article
) -> list[dict[str, Any]]:
    """One count per sayer where the article gives a measure's count from different sayers ("the BLA claimed it
    killed a dozen soldiers; the military said five soldiers were martyred"): the main count (``main``, the
    one :func:`counts_of` chose, with its sayer or None when the article states it itself) and each other
    sayer's largest count; a sayer None is the article itself (a count it states without naming who gave it).
    Empty when no two sayers give a measure's count."""
    sentence_of = {id(c): f.sentence for f in cluster.sentences for c in f.casualties}
    index_of = {s.start: i for i, s in enumerate(article.sentences)}
    out: list[dict[str, Any]] = []
    for measure in ("killed", "wounded", "kidnapped"):
        main = counts.get(measure)
        if main is None:
            continue

        def sayer(c: Casualty) -> str | None:
            s = sentence_of[id(c)]
            previous, following = _neighbours(article.sentences, index_of, s)
            return find_sayer(
                s.text, c.start - s.start, c.end - s.start, country, claimant, previous=previous, following=following
            )

        chosen = next((c for c in main["said"] if [c.start, c.end] == main["span"]), None)
        main_sayer = sayer(chosen) if chosen is not None else None
        others: dict[str | None, Casualty] = {}
        for c in main["said"]:
            if c is chosen:
                continue
            who = sayer(c)
            if who == main_sayer:
                continue
            if who is None and (
                main["toll_update"]
                or c.value == main["best"]
                or c.number.qualifier == "vague"
                or sentence_of[id(c)].role == "title"
            ):
                # the article's own count: superseded by a toll update, the same as the main one, a vague
                # "dozens" or the headline's summary ("kills five Chinese engineers and their driver")
                continue
            if main_sayer is None and c.value == main["best"]:
                continue  # the article's own count, told again by a sayer: nothing competes
            known = others.get(who)
            rank = (c.number.qualifier != "vague", c.value, c.toll)
            if known is None or rank > (known.number.qualifier != "vague", known.value, known.toll):
                others[who] = c
        if not others:
            continue
        out.append(
            {
                "measure": measure,
                "asserted_by": main_sayer,
                "best": main["best"],
                "low": main["low"],
                "high": main["high"],
                "qualifier": main["qualifier"],
                "span": main["span"],
                "main": True,
            }
        )
        for who, c in sorted(others.items(), key=lambda kv: kv[1].start):
            out.append(
                {
                    "measure": measure,
                    "asserted_by": who,
                    "best": c.value,
                    "low": int(c.number.low) if c.number.low is not None else None,
                    # "the toll could rise" leaves every sayer's count open above
                    "high": int(c.number.high) if c.number.high is not None and not main["rising"] else None,
                    "qualifier": c.number.qualifier,
                    "span": [c.start, c.end],
                    "main": False,
                }
            )
    return out
