"""Sentence features: what each story sentence of an article says that matters for incidents.

:func:`analyse` reads every sentence of ``article.story()`` (a round-up sentence split into its dated
clauses) for its dates, numbers, casualty counts, attack-type cues, actor mentions with claim and blame
cues, provinces and place names, and flags it as an event, statistics, generic or a state counter-strike.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date, timedelta

from sarhad.extract.article import Article, Sentence
from sarhad.extract.casualties import Casualty, find_casualties
from sarhad.extract.cues import ANAPHORA, ATTACK_CUES, BLAME, CLAIM, DENY, SUSPECT
from sarhad.extract.dates import DateMention, find_dates
from sarhad.extract.gate import Gate
from sarhad.extract.numbers import NumberMention, find_numbers
from sarhad.extract.places import (
    PlaceMention,
    ProvinceMention,
    find_place_mentions,
    find_provinces,
    region_province,
)
from sarhad.model.actors import ActorMention, find_actor_mentions

__all__ = ["SentenceFeatures", "analyse", "names_a_neighbour"]


_EVENT = re.compile(
    r"\b(?:attack(?:ed|s)?|assault|ambush(?:ed)?|blast|explosion|exploded|bomb(?:ing)?|suicide|opened fire|fired upon|"
    r"gunmen|killed|killing|kills|martyred|abducted|abduction|kidnapped|kidnapping|hijacked|stormed|clash(?:es)?|"
    r"gunfight|shot dead|"
    r"wounded|injured|injuries|hurt|died|raid(?:ed)?|struck|blew up|torch(?:ed|es)?|set fire|set ablaze|arson|"
    r"burnt down|burned down|under treatment|being treated|hospitali[sz]ed|admitted to (?:the |a )?hospitals?|"
    r"(?:grenades?|bombs?) (?:was |were )?(?:thrown|hurled|lobbed))\b",
    re.I,
)
_STAT = re.compile(
    r"\b\d[\d,]*\s+(?:\w+\s+){0,2}?(?:attacks|incidents|terror(?:ist)? attacks|operations|cases)\b|\b(?:statistics|"
    r"data|report|recorded|"
    r"think tank|year-on-year|per cent|percent|%|annual|monthly|quarterly report|compared (?:to|with)|decline|"
    r"surge|rise in|increase in|tally|cumulative|a total of|in all|altogether|overall)\b",
    re.I,
)
_GENERIC = re.compile(
    r"\b(?:several attacks|many attacks|a series of attacks|dozens of attacks|frequent|frequently|often|has long|"
    r"have long|"
    r"over recent years|in recent years|in recent months|over the years|routinely|regularly|have endured|has endured|"
    r"has claimed (?:several|many|numerous|a number of)|have claimed (?:several|many|numerous)|groups like|such as the|"
    r"hotspots?|has seen a|has witnessed|have witnessed|wave of|spate of|upsurge|surge|those attacks|these attacks|"
    r"stepped up|has intensified|have intensified|escalated|ceasefire)\b",
    re.I,
)
_COUNTER = re.compile(
    r"^(?:In response,?\s+|In retaliation,?\s+|Later,?\s+)?(?:Iran|Pakistan|Afghanistan|Tehran|Islamabad|the army|"
    r"the military|"
    r"security forces|troops|Iranian forces|Pakistani forces|the IRGC|IRGC|jets|the air force)\s+(?:(?:had|has|have|"
    r"also|then|later)\s+)?"
    r"(?:struck|hit back|launched|carried out (?:air|missile|drone)?\s*strikes|retaliated|targeted|bombed|shelled|"
    r"conducted|killed|"
    r"neutrali[sz]ed|eliminated)\b",
    re.I,
)
_COUNTER_OP = re.compile(
    r"\b(?:security forces|police|CTD|troops|the army|intelligence (?:ministry|agents|officials)|"
    r"the Intelligence Ministry|IRGC|"
    r"law enforcement agencies|LEAs|forces)\s+(?:\w+\s+){0,3}?(?:dismantled|busted|foiled|arrested|seized|recovered|"
    r"raided|"
    r"neutrali[sz]ed|eliminated|killed|conducted|launched)\b|\b(?:intelligence-based operation|IBO|search operation|"
    r"clearance operation|operation against)\b",
    re.I,
)
_ORIGIN = re.compile(
    r"\b(?:residents? of|hail(?:ed|ing)? from|belong(?:ed|ing)? to|natives? of|(?:were|was|are|is) from|"
    r"originally from|home towns? in)\s+"
    r"(?:[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*(?:\s+province)?\s*(?:,|and|or)\s+)*$"
)
# "The area borders Iran's Sistan and Baluchestan province": what a place lies next to, not where it is
_NEIGHBOUR = re.compile(
    r"\b(?:borders?|bordering|adjoining|adjacent to|next to|neighbou?ring|across the border (?:in|from|into|to)|"
    r"(?:near|along|on) the border with|close to the border with)\s+"
    r"(?:(?:the\s+)?(?:Iran|Pakistan|Afghanistan)(?:'s|\u2019s)?\s+)?(?:the\s+)?$",
    re.I,
)
# "Across the border in Sistan and Baluchestan, gunmen shot dead two guards": the other side of the border is not
# the article's country, but the sentence's own incident happened there
_BEYOND = re.compile(
    r"\bacross the border in\s+(?:(?:the\s+)?(?:Iran|Pakistan|Afghanistan)(?:'s|\u2019s)?\s+)?(?:the\s+)?$", re.I
)


def names_a_neighbour(text: str, start: int) -> bool:
    """Whether the words before ``text[start:]`` name what follows as the other side of a border, not a place the
    sentence is in: "the area borders Iran's …", "across the border in …", "near the border with …"."""
    return _NEIGHBOUR.search(text[max(0, start - 60) : start]) is not None


_REPORTING = re.compile(
    r"\b(?:said|says|told|added|confirmed|announced|stated|reported|claimed|tweeted|wrote|noted|"
    r"informed)\s+(?:(?:in|through|via) (?:a|an|its|their) (?:\w+\s+)?(?:statement|message|post|video|audio|"
    r"press release)\s+)?(?:\w+\s+){0,2}?(?:late\s+|early\s+)?(?:on\s+)?$",
    re.I,
)
_DEFINITE_EVENT = re.compile(
    r"\b(?:the|this|today's|yesterday's|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day's)\s+(?:\w+\s+)?(?:attack|"
    r"killings?|bombing|blast|assault|ambush|"
    r"explosion|abduction|kidnapping|massacre|shooting)\b",
    re.I,
)


@dataclass(slots=True)
class SentenceFeatures:
    """What one sentence says that matters for incidents."""

    sentence: Sentence
    dates: list[DateMention]
    numbers: list[NumberMention]
    casualties: list[Casualty]
    cues: list[tuple[int, float, int, int]]  # (attack type code, weight, start, end)
    actors: list[ActorMention]
    provinces: list[ProvinceMention]
    places: list[PlaceMention]
    region: str | None
    is_event: bool
    is_stat: bool
    is_generic: bool
    is_counter: bool
    claim: bool
    blame: bool
    suspect: bool
    deny: bool
    _event_dates: list[DateMention] | None = None

    @property
    def event_dates(self) -> list[DateMention]:
        if self._event_dates is not None:
            return self._event_dates
        text, base = self.sentence.text, self.sentence.start
        self._event_dates = [
            d
            for d in self.dates
            if d.kind in {"absolute", "relative", "weekday", "offset"}
            and d.precision != "none"
            and not _REPORTING.search(text[max(0, d.start - base - 40) : d.start - base])
            and not (self.sentence.dateline_end is not None and d.start < self.sentence.dateline_end)
            and not _TOLL_UPDATE.search(text[max(0, d.start - base - 90) : d.start - base])
            and not _RECOVERY_AFTER.search(text[d.end - base : d.end - base + 30])
            and not _REVISION_AFTER.search(text[d.end - base : d.end - base + 60])
        ]
        return self._event_dates


# "recovered five employees who had been abducted on March 3 from Kalat": the clause is the incident
_EMBEDDED_EVENT = re.compile(
    r"\b(?:who|which|that)\s+(?:had\s+)?(?:been|were|was)\s+(?:abducted|kidnapped|taken hostage|attacked|"
    r"injured|wounded)\b[^.;]{0,40}?\b(?:on|in)\s+(?:[A-Z]|\d)"
)
# "security forces on Thursday recovered …": the date of the recovery or arrest, not of the event
_RECOVERY_AFTER = re.compile(r"^\W{0,3}(?:\w+\s+){0,1}(?:recovered|rescued|freed|released|arrested|recovery)\b", re.I)
# "the provincial government on Wednesday revised the death toll …": the date of the revision, not of the event
_REVISION_AFTER = re.compile(
    r"^\W{0,3}(?:\w+\s+){0,1}(?:revised|updated|corrected|raised|lowered)\s+(?:the|its)\s+(?:\w+\s+){0,2}?"
    r"(?:toll|figure|count)\b",
    re.I,
)
# "two of the injured succumbed to their wounds … on Tuesday": the date of a toll update, not of the event
_TOLL_UPDATE = re.compile(
    r"\b(?:succumbed|succumbing|died of (?:their|his|her) (?:injuries|wounds)|died in hospital|died at (?:a|the) "
    r"hospital|(?:raising|taking|bringing) the (?:death )?toll|death toll (?:rose|climbed|reached|jumped))\b",
    re.I,
)


_EVENT_GATE = Gate(
    r"attack|assault|ambush|blast|explo|bomb|suicide|fire|gun|shoot|shot|kill|martyr|abduct|kidnap|hostage|hijack|"
    r"storm|"
    r"clash|raid|struck|strike|blew|blown|detonat|grenade|IED|mine|mortar|rocket|assassin|torch|arson|ablaze|stone|"
    r"lynch|"
    r"wound|injur|hurt|dead|died|death|sniper|siege|barricad|holed|target|vandal|burn|treat|hospital",
)
_REGION_GATE = Gate("west|east")
# "293 attacks", and a round-up's "four attacks" ("The past week saw four attacks on both sides of the border")
_ATTACKS_COUNT = re.compile(
    r"\b(?:\d[\d,]*|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a dozen)\s+(?:\w+\s+){0,2}?"
    r"(?:attacks|incidents)\b",
    re.I,
)


def _is_stat_sentence(text: str, dates: list[DateMention], casualties: list[Casualty]) -> bool:
    counted = _ATTACKS_COUNT.search(text) is not None
    if _STAT.search(text) and (
        any(c.who == "victims" for c in casualties)
        or counted
        or any(d.precision == "year" for d in dates)
        or "percent" in text
        or "%" in text
    ):
        return True
    if any(d.kind == "vague" for d in dates) and re.search(r"\b(?:incidents|attacks)\b", text, re.I):
        return True
    # "The past week saw four attacks …": a count of attacks over a period is a summary, not one of them
    return counted and any(d.precision in {"year", "month", "quarter", "week"} for d in dates)


def _dateline_date(article: Article) -> date | None:
    """The day a dateline gives ("TURBAT, Jan 5:"), which "yesterday" and "on Sunday" count back from: a print
    edition dates its stories the day before the paper. Only a day up to a week before publication counts."""
    published = article.published
    if published is None:
        return None
    for sentence in article.story():
        if sentence.dateline_end is None:
            continue
        head = article.text[sentence.start : sentence.dateline_end]
        for d in find_dates(head, published, "past"):
            if d.precision == "day" and d.value is not None and timedelta(0) < published - d.value <= timedelta(7):
                return d.value
        return None
    return None


_MONTHS_DAYS = (
    r"January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|"
    r"Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|week|month|year"
)
# "In April, 11 people were killed in Panjgur, and in May three border guards were killed in Mirjaveh": a
# round-up sentence whose second clause opens with its own date is two incidents' sentences
_ROUNDUP_SPLIT = re.compile(
    rf"(?:,\s+(?:and|while|whereas)|;\s+(?:and\s+)?)\s*(?=(?:in|on|last|earlier in|earlier on)\s+(?:the\s+)?"
    rf"(?:{_MONTHS_DAYS})\b)",
    re.I,
)


_CASUALTY_GATE = re.compile(r"\b(?:killed|martyred|died|dead|wounded|injured|abducted|kidnapped)\b", re.I)


def _clauses(sentence: Sentence, anchor: date | None) -> list[Sentence]:
    """``sentence``, or its round-up clauses when each has its own date and casualty words (not the lead's)."""
    if sentence.role != "body" or sentence.dateline is not None:
        return [sentence]
    text = sentence.text
    cuts = list(_ROUNDUP_SPLIT.finditer(text))
    if not cuts:
        return [sentence]
    bounds = [0, *(m.start() for m in cuts), len(text)]
    starts = [0, *(m.end() for m in cuts)]
    parts = [(starts[i], bounds[i + 1]) for i in range(len(starts))]

    def dated_event(a: int, b: int) -> bool:
        part = text[a:b]
        return bool(_CASUALTY_GATE.search(part)) and any(
            d.precision != "none" and d.kind in {"absolute", "relative", "weekday"}
            for d in find_dates(part, anchor, "past")
        )

    if not all(dated_event(a, b) for a, b in parts):
        return [sentence]
    base = sentence.start
    return [
        Sentence(base + a, base + b, text[a:b], sentence.role, sentence.paragraph, sentence.index, sentence.section)
        for a, b in parts
    ]


def analyse(article: Article) -> list[SentenceFeatures]:
    """Features of every story sentence of ``article``."""
    out: list[SentenceFeatures] = []
    anchor = _dateline_date(article) or article.published
    story = [part for sentence in article.story() for part in _clauses(sentence, anchor)]
    for sentence in story:
        text = sentence.text
        off = sentence.start
        dates = [
            DateMention(
                d.start + off,
                d.end + off,
                d.text,
                d.kind,
                d.precision,
                d.value,
                d.earliest,
                d.latest,
                d.offset_days,
                d.recurrence,
                d.explicit_year,
            )
            for d in find_dates(text, anchor, "past")
        ]
        numbers = [n for n in find_numbers(text) if not any(d.start <= n.start + off < d.end for d in dates)]
        casualties = find_casualties(text, numbers, off)
        numbers = [
            NumberMention(n.start + off, n.end + off, n.text, n.value, n.low, n.high, n.qualifier, n.is_word, n.is_year)
            for n in numbers
        ]
        gated = _EVENT_GATE.search(text)
        cues = []
        if gated:
            for code, weight, pattern in ATTACK_CUES:
                for m in pattern.finditer(text):
                    cues.append((code, weight, m.start() + off, m.end() + off))
        actors = [
            ActorMention(a.start + off, a.end + off, a.text, a.actor, a.state_label) for a in find_actor_mentions(text)
        ]
        provinces = []
        for p in find_provinces(text, off):
            before = text[max(0, p.start - off - 60) : p.start - off]
            if _ORIGIN.search(before):
                continue
            if _BEYOND.search(before):
                provinces.append(dataclasses.replace(p, beyond=True))
            elif not _NEIGHBOUR.search(before):
                provinces.append(p)
        has_victims = any(c.who == "victims" and c.measure in {"killed", "wounded", "kidnapped"} for c in casualties)
        is_event = gated and bool(_EVENT.search(text)) and (has_victims or bool(cues) or bool(casualties))
        is_stat = is_generic = is_counter = False
        if is_event or len(out) < 4 or casualties:
            is_stat = _is_stat_sentence(text, dates, casualties)
            is_generic = (
                bool(_GENERIC.search(text))
                and not any(d.precision == "day" for d in dates)
                and not _DEFINITE_EVENT.search(text)
            )
            is_counter = (
                bool(_COUNTER.search(text) or _COUNTER_OP.search(text))
                and not any(c.who == "victims" for c in casualties)
                and not _EMBEDDED_EVENT.search(text)
            )
        places = find_place_mentions(text, off) if is_event else []
        claim = blame = suspect = deny = False
        if actors or sentence.role == "title" or (is_event and ANAPHORA.search(text)):
            claim, blame = bool(CLAIM.search(text)), bool(BLAME.search(text))
            suspect, deny = bool(SUSPECT.search(text)), bool(DENY.search(text))
        region = region_province(text) if _REGION_GATE.search(text) else None
        out.append(
            SentenceFeatures(
                sentence,
                dates,
                numbers,
                casualties,
                cues,
                actors,
                provinces,
                places,
                region,
                is_event,
                is_stat,
                is_generic,
                is_counter,
                claim,
                blame,
                suspect,
                deny,
            )
        )
    return out
