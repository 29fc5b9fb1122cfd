"""Grouping an article's sentences into incidents: the main incident and the background incidents.

The title and the lead open the main incident; a sentence with its own date that differs from the main
incident's opens or joins a background incident; an undated sentence continues a background incident only
when it says so or names its place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from sarhad.extract.cues import ANAPHORA
from sarhad.extract.dates import DateMention
from sarhad.extract.features import SentenceFeatures

__all__ = ["Cluster", "cluster_sentences"]


@dataclass(slots=True)
class Cluster:
    """The sentences about one incident, with its date once known; ``main`` for the article's main incident."""

    sentences: list[SentenceFeatures] = field(default_factory=list)
    date: DateMention | None = None
    main: bool = False


_CONTINUE = re.compile(
    r"^(?:In the (?:clashes|fighting|gunfight|exchange of fire|ensuing|attack|assault|blast)|During the (?:clashes|"
    r"attack|fighting|gunfight|exchange)|"
    r"In that (?:attack|assault|blast)|That (?:attack|assault|blast)|The (?:clashes|fighting) that followed|"
    r"In the (?:clashes|fighting) that followed)",
    re.I,
)
_SEPARATE = re.compile(
    r"(?:Hours|Minutes) later\b|Later (?:that|the same) (?:day|night|evening|morning)\b|Separately\b|"
    r"In (?:a )?separate (?:incidents?|attacks?)\b|In another (?:incident|attack)\b|Elsewhere\b",
    re.I,
)


def _same_period(a: DateMention | None, b: DateMention | None) -> bool:
    if a is None or b is None or a.earliest is None or b.earliest is None:
        return False
    a_lo, a_hi = a.earliest, a.latest or a.earliest
    b_lo, b_hi = b.earliest, b.latest or b.earliest
    return a_lo <= b_hi and b_lo <= a_hi


def _resolve_offset(d: DateMention, ref: date | None) -> DateMention | None:
    if ref is None or d.offset_days is None:
        return None
    # "X came a week after [a bomb exploded …]": the clause after "after" is the earlier event.
    days = -d.offset_days
    best = ref + timedelta(days=days)
    slack = 0 if d.precision == "day" else 3
    precision = "day" if d.precision == "day" and abs(days) <= 3 else "week" if abs(days) < 28 else "month"
    return DateMention(
        d.start,
        d.end,
        d.text,
        "relative",
        precision,
        best,
        best - timedelta(days=slack),
        best + timedelta(days=slack),
        explicit_year=False,
    )


def _pick_main_date(f: SentenceFeatures, published: date | None) -> DateMention | None:
    for d in f.event_dates:
        if d.kind == "offset" or d.value is None:
            continue
        if (
            published is not None
            and d.precision == "day"
            and timedelta(days=-2) <= published - d.value <= timedelta(days=10)
        ):
            return d
    return None


def cluster_sentences(features: list[SentenceFeatures], published: date | None) -> list[Cluster]:
    """The article's sentences grouped by incident: the main incident's cluster first (possibly empty), then
    the background incidents' in the order they open. Statistics, generic and counter-strike sentences join
    none; a claim or toll sentence without a date of its own joins the incident at hand."""
    main = Cluster(main=True)
    clusters: list[Cluster] = [main]
    active: Cluster | None = None
    story_index = 0
    for f in features:
        role = f.sentence.role
        if role != "title":
            story_index += 1
        if f.is_counter:
            active = None
            continue
        if f.is_stat or f.is_generic:
            active = None
            continue
        if not f.is_event:
            # "The BLA claimed responsibility, …": a claim or blame sentence belongs to the incident at hand
            if (
                (f.claim or f.blame or f.suspect)
                and (f.actors or ANAPHORA.search(f.sentence.text))
                and not f.event_dates
            ):
                (active or main).sentences.append(f)
            elif any(c.toll and c.who == "victims" for c in f.casualties) and not f.event_dates:
                # "Hospital officials put the toll at 14, police at 11": the toll of the incident at hand
                (active or main).sentences.append(f)
            continue
        own = _pick_main_date(f, published)
        dated = [d for d in f.event_dates if d.value is not None or d.kind == "offset"]
        if role == "title":
            main.sentences.append(f)
            continue
        if (
            _SEPARATE.match(f.sentence.text)
            and main.date is not None
            and f.places
            and any(c.who == "victims" for c in f.casualties)
            and not _shares_place(f, Cluster([m for m in main.sentences if m.sentence.role != "title"]))
            and all(d.kind == "offset" or _same_period(main.date, d) for d in dated)
        ):
            # "Hours later, gunmen opened fire on a car in Panjgur town, killing three men": another incident
            # the same day, somewhere else
            active = Cluster(date=main.date)
            active.sentences.append(f)
            clusters.append(active)
            continue
        if not dated:
            if (
                active is not None
                and not active.main
                and (_CONTINUE.match(f.sentence.text) or (_shares_place(f, active) and not _shares_place(f, main)))
            ):
                active.sentences.append(f)
            else:
                main.sentences.append(f)
                active = main
            continue
        if own is not None and (main.date is None or _same_period(main.date, own)):
            if main.date is None:
                main.date = own
            main.sentences.append(f)
            active = main
            continue
        d = dated[0]
        if d.kind == "offset":
            ref = main.date.value if main.date else published
            resolved = _resolve_offset(d, ref)
            if resolved is None:
                continue
            d = resolved
        # a background incident: join one with the same period, or open a new one
        target = next((c for c in clusters[1:] if _same_period(c.date, d)), None)
        if (
            target is None
            and active is not None
            and not active.main
            and d.precision == "day"
            and _same_period(active.date, d)
        ):
            target = active
        if target is None:
            if main.date is not None and _same_period(main.date, d) and d.precision == "day":
                main.sentences.append(f)
                active = main
                continue
            lead = all(m.sentence.role == "title" for m in main.sentences) and main.date is None
            if lead and story_index <= 3 and d.precision == "day":
                # the lead's own day ("abducted on March 3", reported on the 14th) is the main incident's
                main.date = d
                main.sentences.append(f)
                active = main
                continue
            target = Cluster(date=d)
            clusters.append(target)
        elif target.date is not None and d.precision == "day" and target.date.precision != "day":
            target.date = d
        target.sentences.append(f)
        active = target
    return clusters


def _shares_place(f: SentenceFeatures, cluster: Cluster) -> bool:
    names = {p.name.casefold() for s in cluster.sentences for p in s.places}
    return any(p.name.casefold() in names for p in f.places)
