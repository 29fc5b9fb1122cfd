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
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Final

from sarhad.extract.article import Article, Sentence
from sarhad.extract.casualties import Casualty, find_casualties, may_rise
from sarhad.extract.dates import DateMention, find_dates
from sarhad.extract.numbers import NumberMention, find_numbers
from sarhad.extract.places import (
    COUNTRY_WORDS,
    GeoHit,
    PlaceMention,
    ProvinceMention,
    find_place_mentions,
    find_provinces,
    geocode,
    geocode_prefixes,
    province,
    region_province,
    unit_country,
)
from sarhad.extract.sayers import find_sayer
from sarhad.model.actors import ActorMention, find_actor_mentions
from sarhad.model.codes import ATTACK_TYPES

__all__ = ["SentenceFeatures", "analyse", "article_country", "extract_incidents"]


class _Gate:
    """A fast keyword gate: any of the stems in the lower-cased text (substring search, no regex)."""

    __slots__ = ("stems",)

    def __init__(self, pattern: str) -> None:
        self.stems = tuple(stem.lower() for stem in pattern.split("|") if stem)

    def search(self, text: str) -> bool:
        low = text.lower()
        return any(map(low.__contains__, self.stems))


# GTD primary attack type hierarchy (codebook): the highest-ranked type present is the primary one.
_HIERARCHY = [1, 4, 6, 5, 3, 2, 8, 7, 9]

_CUES: list[tuple[int, float, re.Pattern[str]]] = [
    (
        3,
        3.0,
        re.compile(
            r"\bsuicide\s+(?:bomb(?:ing|er|ers)?|attack(?:er|s)?|blast|explosion|car bomb|vest|jacket)|"
            r"\bblew (?:himself|herself|themselves) up\b",
            re.I,
        ),
    ),
    (
        3,
        2.5,
        re.compile(
            r"\b(?:blasts?|explosions?|exploded|explosives?|IEDs?|improvised explosive|bomb(?:s|ing|ings|ed)?|"
            r"car bomb|VBIED|grenades?|"
            r"landmines?|mine blast|roadside bomb|remote[- ]control(?:led)?|detonated|detonation|rocket attack|mortar|"
            r"magnetic bomb|missiles?|"
            r"(?:missile|drone|air|aerial|artillery|rocket)\s+(?:and\s+(?:missile|drone|air)\s+)?strikes?|"
            r"airstrikes?|air raids?|drone attacks?|shell(?:ing|ed)|mortar shells?|quadcopters?|"
            r"sticky bomb|blown up|blew up)\b",
            re.I,
        ),
    ),
    (
        2,
        2.0,
        re.compile(
            r"\b(?:opened fire|open fire|fired upon|fired at|fired on|gunfire|gunmen|gunman|shooting|shot dead|"
            r"shot at|ambush(?:ed|es)?|"
            r"stormed|gun battle|gunfight|firing|exchange of fire|armed men|assailants|sniper|heavy weapons|shootout|"
            r"armed attack|raid(?:ed)? on|attacked with guns|assault rifles)\b",
            re.I,
        ),
    ),
    (
        2,
        0.8,
        re.compile(r"\b(?:attack(?:ed|s)?|assault(?:ed)?|clash(?:es|ed)?|struck|targeted|mounted an attack)\b", re.I),
    ),
    (
        6,
        3.0,
        re.compile(
            r"\b(?:kidnap(?:ped|ping|pers)?|abduct(?:ed|ion|ing|ors)?|taken hostage|took .{0,30}hostage|whisked away|"
            r"held captive)\b",
            re.I,
        ),
    ),
    (5, 3.0, re.compile(r"\b(?:barricaded|holed up|hostage stand-?off|siege)\b", re.I)),
    (4, 4.0, re.compile(r"\b(?:hijack(?:ed|ing|ers)?|seized (?:a|the) (?:train|bus|plane|vehicle|aircraft))\b", re.I)),
    (1, 4.0, re.compile(r"\b(?:assassinat(?:ed|ion|e)|targeted killing|target killing)\b", re.I)),
    (
        7,
        2.0,
        re.compile(r"\b(?:set (?:on )?fire|set ablaze|torched|arson|burnt down|burned down|vandali[sz]ed)\b", re.I),
    ),
    (8, 2.0, re.compile(r"\b(?:stoned|lynched|beaten to death|tortured)\b", re.I)),
]
_EVENT = re.compile(
    r"\b(?:attack(?:ed|s)?|assault|ambush(?:ed)?|blast|explosion|exploded|bomb(?:ing)?|suicide|opened fire|fired upon|"
    r"gunmen|killed|killing|kills|martyred|abducted|abduction|kidnapped|kidnapping|hijacked|stormed|clash(?:es)?|"
    r"gunfight|shot dead|"
    r"wounded|injured|injuries|hurt|died|raid(?:ed)?|struck|blew up|torch(?:ed|es)?|set fire|set ablaze|arson|"
    r"burnt down|burned down|under treatment|being treated|hospitali[sz]ed|admitted to (?:the |a )?hospitals?)\b",
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
_CONTINUE = re.compile(
    r"^(?:In the (?:clashes|fighting|gunfight|exchange of fire|ensuing|attack|assault|blast)|During the (?:clashes|"
    r"attack|fighting|gunfight|exchange)|"
    r"In that (?:attack|assault|blast)|That (?:attack|assault|blast)|The (?:clashes|fighting) that followed|"
    r"In the (?:clashes|fighting) that followed)",
    re.I,
)
_ANAPHORA = re.compile(
    r"\b(?:the|this|that)\s+(?:(?:banned|proscribed|outlawed|militant|terrorist|separatist|insurgent|armed|extremist|"
    r"so-called)\s+){0,2}"
    r"(?:group|outfit|organi[sz]ation|militia|faction)\b",
    re.I,
)
_CLAIM = re.compile(
    r"\bclaimed it\b|"
    r"\b(?:claimed|claiming|claims|claim)\s+(?:responsibility|credit|the (?:attack|assault|bombing|blast|killing|"
    r"ambush))|"
    r"\bresponsibility\b[^.]{0,60}\bclaimed\b|\bclaimed\b[^.]{0,10}$|\bsaid (?:it|they) (?:had )?carried out\b|"
    r"\bstatement saying (?:it|they) had carried out\b|\bsaying (?:it|they) (?:had )?carried out\b|\b(?:say|said|"
    r"says) (?:they|it) (?:had )?killed\b|"
    # "the ISPR said the attack was carried out by …" is a blame (below), not a claim
    r"\b(?:said|says|saying)\b[^.;]{0,60}\b(?:had |have )?(?:carried out|conducted|launched|staged)\b(?!\s+by\b)|"
    r"\btook responsibility\b|\bowned (?:up )?(?:the )?(?:attack|responsibility)\b|\blater claimed\b|\bclaimed by\b",
    re.I,
)
_BLAME = re.compile(
    r"\b(?:blamed|blames|blaming|accused|held responsible|holds? responsible|pointed the finger|carried out by|"
    r"perpetrated by|"
    r"behind the (?:attack|bombing|blast|killings?|assault|ambush|abduction)|responsible for the)\b",
    re.I,
)
_ORIGIN = re.compile(
    r"\b(?:residents? of|hail(?:ed|ing)? from|belong(?:ed|ing)? to|natives? of|(?:were|was|are|is) from|"
    r"originally from|home towns? in)\s+"
    r"(?:[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*(?:\s+province)?\s*(?:,|and|or)\s+)*$"
)
# "The area borders Iran's Sistan and Baluchestan province": what a place lies next to, not where it is
_NEIGHBOUR = re.compile(
    r"\b(?:borders?|bordering|adjoining|adjacent to|next to|neighbou?ring|across the border (?:in|from)|"
    r"(?:near|along|on) the border with|close to the border with)\s+"
    r"(?:(?:the\s+)?(?:Iran|Pakistan|Afghanistan)(?:'s|\u2019s)?\s+)?(?:the\s+)?$",
    re.I,
)
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
_SUSPECT = re.compile(
    r"\b(?:suspected|suspect|linked (?:to|with)|affiliated (?:to|with)|belonging to|belonged to|belong to|"
    r"(?:were|was|are|is) (?:a )?members? of|believed to be|likely|"
    r"bore the hallmarks|"
    r"associated with|members of|militants of|terrorists of|fighters of|operatives of)\b",
    re.I,
)
_FACTION_OF = re.compile(
    r"\b(?:faction|splinter(?: group)?|wing|offshoot|breakaway group|branch|chapter) of\s+(?:the\s+)?(?:banned\s+)?$",
    re.I,
)
# "the strikes targeted two bases of the Jaish al-Adl group": the group is the target, not the perpetrator
_TARGETED = re.compile(
    r"\b(?:targeted|targeting|struck|hit|against)\s+(?:\w+\s+){0,3}?(?:bases?|hideouts?|camps?|positions?|"
    r"strongholds?|targets?|compounds?|cells?|members|fighters|militants) of\s+(?:the\s+)?(?:so-called\s+)?$",
    re.I,
)
_AFFILIATE_LINK = re.compile(
    r"(?:\s+group)?(?:'s|\u2019s)\s+(?:[a-z]+\s+){0,2}(?:affiliate|branch|wing|chapter|faction|offshoot|franchise)"
    r"\s*,?\s*(?:the\s+)?",
    re.I,
)
_LED_BY = re.compile(
    r"\s*,?\s*(?:which is\s+|that is\s+)?(?:led|headed|commanded|run) by\s+(?:the\s+)?(?:militant\s+)?"
    r"(?:commander\s+)?",
    re.I,
)
_DENY = re.compile(r"\b(?:denied|denies|deny|distanced|rejected (?:any )?involvement)\b", re.I)
# "No group has claimed responsibility, but the BLA has carried out similar attacks": nobody claimed this one,
# and a group named beside that statement without a cue of its own is only mentioned
_NO_CLAIM = re.compile(
    r"\b(?:no (?:group|one|organi[sz]ation|outfit|militant group)|nobody|none of the groups)\b[^.;]{0,40}?"
    r"\bclaim(?:ed|s)?\b|\bno (?:immediate )?claim\b|\b(?:has|have|had|did) not (?:yet )?claimed?\b",
    re.I,
)
# "An earlier version of this story said 11", "Earlier reports had put the toll at seven": a count the article
# itself supersedes, kept out of the incident's figures when the article gives another
_SUPERSEDED = re.compile(
    r"\b(?:an? (?:earlier|previous) (?:version|report|story|toll|figure)|earlier (?:reports?|figures?|tolls?)|"
    r"initial (?:reports?|figures?|tolls?)|(?:was|were|had been) initially (?:put|reported|given)|"
    r"had (?:earlier|initially|previously) (?:put|given|said|reported))\b",
    re.I,
)

_NP_END = (
    r"(?=\s+(?:in|on|at|near|when|while|as|during|along|late|early|killing|wounding|injuring|with|from|located|which|"
    r"that|who|"
    r"and\s+(?:on|killed|wounded|injured))\b|[,.;]|$)"
)
_TARGET_PATTERNS = [
    re.compile(
        r"\b(?:attacked|ambushed|targeted|targeting|stormed|raided|struck|tore through|ripped through|fired (?:up)?on|"
        r"rammed (?:[\w\-]+\s+){0,3}?into|"
        r"opened fire on|"
        r"exploded (?:near|close to|outside|at|inside|in)|went off (?:near|close to|at|outside|inside|in)|"
        r"(?:attack|assault|"
        r"ambush|raid|strike)s?\s+(?:on|against|targeting))\s+"
        rf"(?P<t>(?!in\b|on\b|at\b|the province\b)(?:an?|the|two|three|several)?\s*[\w'\u2019\- ]{{3,70}}?){_NP_END}",
        re.I,
    ),
    re.compile(r"(?P<t>[\w'\u2019\- ]{3,50}?)\s+(?:had been|was|were)\s+(?:the\s+)?(?:main\s+)?target\b", re.I),
    re.compile(
        r"\baimed (?:mainly |chiefly |primarily )?at\s+(?P<t>[\w'\u2019\- ]{3,50}?)(?=[,.;]|\s+(?:though|but|and)\b)",
        re.I,
    ),
]
_TARGET_TYPES: list[tuple[str, re.Pattern[str]]] = [
    (
        "Police",
        re.compile(
            r"\b(?:police|policem[ae]n|constables?|patrol|CTD|counter-terrorism department|levies|law enforcement|"
            r"traffic police)\b",
            re.I,
        ),
    ),
    (
        "Military",
        re.compile(
            r"\b(?:army|soldiers?|troops|military|IRGC|Revolutionary Guards?|Basij|Frontier Corps|FC|border guards?|"
            r"convoy|cantonment|infantry|security forces|security personnel|paramilitary|base|headquarters|"
            r"check ?post|checkpoints?)\b",
            re.I,
        ),
    ),
    (
        "Transportation",
        re.compile(r"\b(?:railway|train|station|bus|passengers?|highway|coach|van|vehicles?|airport)\b", re.I),
    ),
    ("Educational Institution", re.compile(r"\b(?:school|students?|university|college|madrassa|teachers?)\b", re.I)),
    (
        "Religious Figures/Institutions",
        re.compile(r"\b(?:mosque|imam|worshippers|shrine|church|temple|cleric|seminary|pilgrims)\b", re.I),
    ),
    ("Journalists & Media", re.compile(r"\b(?:journalists?|reporters?|press club)\b", re.I)),
    ("Government (Diplomatic)", re.compile(r"\b(?:embassy|consulate|diplomats?)\b", re.I)),
    (
        "Government (General)",
        re.compile(
            r"\b(?:government|officials?|deputy commissioner|assistant commissioner|judge|court|governor|minister|"
            r"polio)\b",
            re.I,
        ),
    ),
    ("Utilities", re.compile(r"\b(?:pipeline|gas|electricity|power|pylon|grid|transmission)\b", re.I)),
    ("Telecommunication", re.compile(r"\b(?:telecom|mobile tower|cell tower)\b", re.I)),
    (
        "Business",
        re.compile(
            r"\b(?:shops?|market|bazaar|traders|businessm[ae]n|company|engineers|workers|labou?rers|factory|mine|"
            r"miners)\b",
            re.I,
        ),
    ),
    (
        "Private Citizens & Property",
        re.compile(r"\b(?:civilians?|people|residents|villagers|tribesmen|family|home|house|wedding)\b", re.I),
    ),
]
_DOMAIN_COUNTRY = [
    (
        re.compile(
            r"(?:\.pk$|dawn\.com|thenews\.com\.pk|tribune\.com\.pk|geo\.tv|dunyanews|samaa|arynews|brecorder|"
            r"nation\.com\.pk|app\.com\.pk|radio\.gov\.pk)"
        ),
        "PK",
    ),
    (
        re.compile(
            r"(?:\.ir$|presstv|tehrantimes|irna|mehrnews|tasnim|ifpnews|kayhan|iranintl|iranwire|farsnews|habilian)"
        ),
        "IR",
    ),
    (re.compile(r"(?:\.af$|tolonews|khaama|pajhwok|ariananews|amu\.tv)"), "AF"),
]


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


@dataclass(slots=True)
class _Cluster:
    sentences: list[SentenceFeatures] = field(default_factory=list)
    date: DateMention | None = None
    main: bool = False


_EVENT_GATE = _Gate(
    r"attack|assault|ambush|blast|explo|bomb|suicide|fire|gun|shoot|shot|kill|martyr|abduct|kidnap|hostage|hijack|"
    r"storm|"
    r"clash|raid|struck|strike|blew|blown|detonat|grenade|IED|mine|mortar|rocket|assassin|torch|arson|ablaze|stone|"
    r"lynch|"
    r"wound|injur|hurt|dead|died|death|sniper|siege|barricad|holed|target|vandal|burn|treat|hospital",
)
_REGION_GATE = _Gate("west|east")
_ATTACKS_COUNT = re.compile(r"\b\d[\d,]*\s+(?:\w+\s+){0,2}?(?:attacks|incidents)\b")


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
    return counted and any(d.precision in {"year", "month", "quarter"} for d in dates)


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
            for code, weight, pattern in _CUES:
                for m in pattern.finditer(text):
                    cues.append((code, weight, m.start() + off, m.end() + off))
        actors = [
            ActorMention(a.start + off, a.end + off, a.text, a.actor, a.state_label) for a in find_actor_mentions(text)
        ]
        provinces = [
            p
            for p in find_provinces(text, off)
            if not _ORIGIN.search(text[max(0, p.start - off - 60) : p.start - off])
            and not _NEIGHBOUR.search(text[max(0, p.start - off - 60) : p.start - off])
        ]
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
        if actors or sentence.role == "title" or (is_event and _ANAPHORA.search(text)):
            claim, blame = bool(_CLAIM.search(text)), bool(_BLAME.search(text))
            suspect, deny = bool(_SUSPECT.search(text)), bool(_DENY.search(text))
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


_BORDER_COMPOUND = re.compile(
    r"\b(?:Pak|Pakistan|Iran|Afghan|Afghanistan)\s*[-\u2013/]\s*(?:Pak|Pakistan|Iran|Iranian|Afghan|Afghanistan)\b"
)


def article_country(article: Article, features: list[SentenceFeatures]) -> str | None:
    """The country the article is about: its source's country, province mentions and country words."""
    votes: Counter[str] = Counter()
    if article.domain:
        for pattern, code in _DOMAIN_COUNTRY:
            if pattern.search(article.domain):
                votes[code] += 2
    for f in features:
        for p in f.provinces:
            votes[p.country] += 2
        # "the Pak-Iran border" names both countries: no vote
        for word in re.findall(r"[A-Za-z']+", _BORDER_COMPOUND.sub(" ", f.sentence.text)):
            found = COUNTRY_WORDS.get(word.casefold())
            if found in {"PK", "IR", "AF"}:
                votes[found] += 1
    if not votes:
        return None
    return votes.most_common(1)[0][0]


def _dominant_province(features: list[SentenceFeatures], country: str | None) -> str | None:
    counts: Counter[str] = Counter()
    for f in features:
        for p in f.provinces:
            if country is None or p.country == country:
                counts[p.admin1] += 2 if f.is_event else 1
        if f.region:
            counts[f.region] += 1
    return counts.most_common(1)[0][0] if counts else None


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


def _cluster(features: list[SentenceFeatures], published: date | None) -> list[_Cluster]:
    main = _Cluster(main=True)
    clusters: list[_Cluster] = [main]
    active: _Cluster | None = None
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
                and (f.actors or _ANAPHORA.search(f.sentence.text))
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
            and not _shares_place(f, _Cluster([m for m in main.sentences if m.sentence.role != "title"]))
            and all(d.kind == "offset" or _same_period(main.date, d) for d in dated)
        ):
            # "Hours later, gunmen opened fire on a car in Panjgur town, killing three men": another incident
            # the same day, somewhere else
            active = _Cluster(date=main.date)
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
            target = _Cluster(date=d)
            clusters.append(target)
        elif target.date is not None and d.precision == "day" and target.date.precision != "day":
            target.date = d
        target.sentences.append(f)
        active = target
    return clusters


_SEPARATE = re.compile(
    r"(?:Hours|Minutes) later\b|Later (?:that|the same) (?:day|night|evening|morning)\b|Separately\b|"
    r"In (?:a )?separate (?:incidents?|attacks?)\b|In another (?:incident|attack)\b|Elsewhere\b",
    re.I,
)
# "Seven people were killed in two separate attacks": a count over several incidents, not one's
_TOTAL = re.compile(
    r"\bin (?:two|three|four|five|several|\d+) (?:separate |different |coordinated )?"
    r"(?:attacks|incidents|blasts|explosions|shootings)\b",
    re.I,
)


def _shares_place(f: SentenceFeatures, cluster: _Cluster) -> bool:
    names = {p.name.casefold() for s in cluster.sentences for p in s.places}
    return any(p.name.casefold() in names for p in f.places)


_CLAUSE_BREAK = re.compile(r"[;.]|,\s+(?:while|but|whereas|although|though)\b|\b(?:while|but|whereas)\b")


def _clause(text: str, start: int, end: int) -> str:
    """The clause of ``text`` around [start, end): up to the nearest ';', '.', 'while', 'but'…"""
    left = 0
    for m in _CLAUSE_BREAK.finditer(text, 0, start):
        left = m.end()
    after = _CLAUSE_BREAK.search(text, end)
    right = after.start() if after else len(text)
    return text[left:right]


def _attribution_of(f: SentenceFeatures, a: ActorMention | None, single: bool) -> str:
    """claimed | blamed | suspected | denied | mentioned, from the clause around the mention."""
    text = f.sentence.text
    if a is not None and a.start >= f.sentence.start:
        rel_s, rel_e = a.start - f.sentence.start, a.end - f.sentence.start
        clause = _clause(text, rel_s, rel_e)
        clause_start = text.find(clause)
        # "X, an affiliate of Y, claimed …": the clause's first group is the subject; Y is only mentioned
        others = [o for o in f.actors if o.actor.id != a.actor.id]
        earlier = [o for o in others if clause_start <= o.start - f.sentence.start < rel_s]
        # "a faction of the Pakistani Taliban led by Hafiz Gul Bahadur claimed …": the faction is the subject
        leader = [
            o
            for o in earlier
            if _LED_BY.fullmatch(text[o.end - f.sentence.start : rel_s])
            or _AFFILIATE_LINK.fullmatch(text[o.end - f.sentence.start : rel_s])
        ]
        if leader:
            earlier = [o for o in earlier if o not in leader]
        if _TARGETED.search(text[:rel_s]):
            return "target"
        later = [o for o in others if o.start - f.sentence.start >= rel_e]
        if _FACTION_OF.search(text[:rel_s]) and any(
            _LED_BY.fullmatch(text[rel_e : o.start - f.sentence.start]) for o in later
        ):
            return "mentioned"
        if any(_AFFILIATE_LINK.fullmatch(text[rel_e : o.start - f.sentence.start]) for o in later):
            return "mentioned"  # "the Islamic State group's local affiliate, ISKP, claimed …": the affiliate did
        if earlier and not re.search(r"\bby\s+(?:the\s+)?(?:so-called\s+)?$", text[:rel_s]):
            return "mentioned"
        if _DENY.search(clause):
            return "denied"
        if _CLAIM.search(clause):
            return "claimed"
        if _BLAME.search(clause):
            return "blamed"
        if _SUSPECT.search(clause):
            return "suspected"
    if single:
        if f.deny:
            return "denied"
        if f.claim and not _NO_CLAIM.search(text):
            return "claimed"
        if f.blame:
            return "blamed"
        if f.suspect:
            return "suspected"
    return "mentioned"


def _perpetrator(
    cluster: _Cluster, all_features: list[SentenceFeatures]
) -> tuple[ActorMention | None, str, list[ActorMention]]:
    scores: dict[str, float] = {}
    attribution: dict[str, str] = {}
    mentions: dict[str, list[ActorMention]] = {}
    last_named: ActorMention | None = None
    members = {id(f) for f in cluster.sentences}
    rank = {"claimed": 3, "blamed": 2, "suspected": 1, "mentioned": 0}
    for f in all_features:
        named = list(f.actors)
        if id(f) in members:
            found: list[ActorMention | None] = list(named)
            anaphoric = False
            if not found and last_named is not None and _ANAPHORA.search(f.sentence.text):
                found = [last_named]
                anaphoric = True
            by_actor: dict[str, str] = {}
            distinct = {a.actor.id for a in found if a is not None}
            for a in found:
                if a is None:
                    continue
                kind = _attribution_of(f, None if anaphoric else a, len(distinct) == 1)
                prev = by_actor.get(a.actor.id)
                if prev is None or (kind == "denied") or (prev != "denied" and rank.get(kind, 0) > rank.get(prev, 0)):
                    by_actor[a.actor.id] = kind
                if not anaphoric:
                    mentions.setdefault(a.actor.id, []).append(a)
            for actor_id, kind in by_actor.items():
                if kind == "target":
                    continue
                if kind == "denied":
                    scores[actor_id] = scores.get(actor_id, 0) - 5
                    attribution[actor_id] = "denied"
                    continue
                if kind == "mentioned" and (
                    not (f.sentence.role == "title" or f.casualties or f.cues) or _NO_CLAIM.search(f.sentence.text)
                ):
                    continue
                weight = {"claimed": 3.0, "blamed": 2.0, "suspected": 1.5, "mentioned": 1.0}[kind]
                scores[actor_id] = scores.get(actor_id, 0) + weight
                if attribution.get(actor_id) != "denied" and rank[kind] >= rank.get(
                    attribution.get(actor_id, "mentioned"), 0
                ):
                    attribution[actor_id] = kind
        if named:
            last_named = named[-1]
    candidates = [k for k in scores if scores[k] > 0 and attribution.get(k) != "denied"]
    best = max(candidates, key=lambda k: (rank.get(attribution.get(k, "mentioned"), 0), scores[k]), default=None)
    if best is None:
        return None, "unknown", []
    # the spelling to report: the article's fullest non-label form of the name
    every = [a for f in all_features for a in f.actors if a.actor.id == best]
    every.sort(key=lambda a: (a.state_label is None, "(" in a.text, len(a.text.split()), len(a.text)), reverse=True)
    chosen = every[0] if every else None
    kind = attribution.get(best, "suspected")
    if kind == "mentioned":
        kind = "suspected"
    return chosen, kind, mentions.get(best, [])


_GROUP_WORDS = (
    r"Jaish|Lashkar|Tehreek|Tehrik|Ittehad|Ittihad|Ansar|Harakat|Jamaat|Jama'at|Jabhat|Army|Front|Brigade|"
    r"Mujahideen|Mujahidin|Taliban|Movement|Tanzeem|Sipah|Daesh|Liberation|Resistance|Fedayeen|Jihad|Hizb"
)
_NAMED_CLAIM = re.compile(
    r"(?:\b(?:group|outfit|organi[sz]ation|faction|militant group|militant outfit),?\s+(?:called\s+|named\s+)?)?"
    r"(?P<name>(?:[A-Z][\w'\u2019]*(?:[\s\-](?:al|ul|e|i|ut|al-|ud|wal)[\s\-])?[\s\-]?){2,6}?)"
    r"(?:\s*\([A-Z]{2,6}\))?,?\s+(?:has\s+|had\s+|later\s+|quickly\s+)?claimed\s+(?:responsibility|credit)"
)


_STATE_FORCE = re.compile(
    r"\b(?:Pakistan(?:i)? Army|Iranian Army|Afghan Army|National Army|Revolutionary Guards?|IRGC|Air Force|Navy|"
    r"Frontier Corps|Levies|Police|Rangers|Government|Ministry|Forces|Military|Inter-Services|ISPR|Basij)\b"
)


def _unknown_claimant(sentences: list[SentenceFeatures]) -> tuple[str, int, int] | None:
    """A group the registry does not know, named as the claimant ("A little-known militant group,
    Ittehad-ul-Mujahideen Pakistan, claimed responsibility"): its name as spelled, and its span."""
    for f in sentences:
        for m in _NAMED_CLAIM.finditer(f.sentence.text):
            name = m.group("name").strip(" -,")
            appositive = bool(m.group(0)[: m.start("name") - m.start()].strip())
            if not (appositive or re.search(rf"\b(?:{_GROUP_WORDS})\b", name)):
                continue
            if _DENY.search(f.sentence.text[m.end() : m.end() + 20]) or find_actor_mentions(name):
                continue
            if _STATE_FORCE.search(name):
                continue  # "the Pakistan Army claimed responsibility for the strikes": a state, not a group
            start = f.sentence.start + m.start("name")
            return name, start, start + len(name)
    return None


def _attack_type(cluster: _Cluster) -> tuple[str, tuple[int, int] | None]:
    scores: dict[int, float] = {}
    spans: dict[int, tuple[int, int]] = {}
    for i, f in enumerate(cluster.sentences):
        factor = 2.0 if f.sentence.role == "title" or i <= 1 else 1.0
        for code, weight, s, e in f.cues:
            scores[code] = scores.get(code, 0.0) + weight * factor
            spans.setdefault(code, (s, e))
    if not scores:
        return ATTACK_TYPES[9], None
    top = max(scores.values())
    candidates = [c for c in scores if scores[c] >= 0.4 * top and (c != 2 or scores[c] >= 1.5)]
    if not candidates:
        candidates = [max(scores, key=lambda c: scores[c])]
    code = min(candidates, key=_HIERARCHY.index)
    return ATTACK_TYPES[code], spans.get(code)


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


def _rising(cluster: _Cluster, features: list[SentenceFeatures], owner: dict[int, int]) -> frozenset[str]:
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


def _counts(
    cluster: _Cluster, elsewhere: frozenset[str] = frozenset(), rising: frozenset[str] = frozenset()
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
    return out


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


def _assertions(
    cluster: _Cluster, counts: dict[str, Any], country: str | None, claimant: str | None, article: Article
) -> list[dict[str, Any]]:
    """One count per sayer where the article gives a measure's count from different sayers ("the BLA claimed it
    killed a dozen soldiers; the military said five soldiers were martyred"): the main count (``main``, the
    one :func:`_counts` chose, with its sayer or None when the article states it itself) and each other
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


def _target(cluster: _Cluster, text: str) -> tuple[str | None, tuple[int, int] | None, str | None]:
    for f in cluster.sentences:
        s_text = f.sentence.text
        for pattern in _TARGET_PATTERNS:
            m = pattern.search(s_text)
            if not m:
                continue
            target = m.group("t").strip(" ,'\u2019")
            target = re.sub(r"^(?:an?|the|two|three|several)\s+", "", target, flags=re.I)
            target = re.sub(r"\s+(?:and|or)$", "", target)
            if len(target) < 3 or re.match(r"(?:by|at|in|on|the)$", target, re.I):
                continue
            if re.search(r"\b(?:killing|wounding|people)\b", target, re.I) and len(target.split()) <= 1:
                continue
            start = f.sentence.start + m.start("t") + m.group("t").find(target[:5])
            ttype = _target_type(target)
            end = start + len(target)
            plain = _depersonalise(target)
            return plain, (start, end), ttype or _target_type(plain)
    victims = [c.noun for f in cluster.sentences for c in f.casualties if c.who == "victims" and c.noun]
    if victims:
        return None, None, _target_type(" ".join(victims))
    return None, None, None


_HONORIFIC = re.compile(
    r"\b(?P<h>Maulana|Mufti|Qari|Molavi|Mawlawi|Mullah|Sheikh|Imam|Dr\.?|Doctor|Mr\.?|Mrs\.?|Ms\.?|Malik|Sardar|"
    r"Nawab|Haji|Syed|Khan Sahib)\s+(?:[A-Z][\w'\u2019\-]*\.?\s*){1,4}"
)
_CLERIC = {"maulana", "mufti", "qari", "molavi", "mawlawi", "mullah", "sheikh", "imam"}
_NAME_RUN = re.compile(r"\b(?:[A-Z][a-z]+\s+){1,3}[A-Z][a-z]+\b")
_NOT_A_PERSON = re.compile(
    r"\b(?:Station|Road|Police|Camp|Post|Checkpost|Market|Bazaar|Hospital|School|College|University|Mosque|Court|"
    r"Courthouse|Office|Headquarters|Cantonment|Corps|Army|Force|Forces|Guards|Levies|Rangers|Highway|Bank|Company|"
    r"Project|Complex|Hotel|Airport|Port|Bridge|Dam|Plaza|Chowk|Colony|Town|City|District|Province|Party|Ministry|"
    r"Department|Authority|Commission|Council|Assembly)\b"
)


def _is_place(name: str) -> bool:
    return geocode_prefixes(name.strip()) is not None


_PLACE_NOUN_AFTER = re.compile(
    r"\s*(?:checkpost|check post|post|market|bazaar|area|road|highway|town|village|mosque|madrassa|school|camp|"
    r"chowk|colony|station|district|tehsil|crossing|border|bridge|dam|hospital|court|office|police|checkpoint)\b"
)


def _not_a_person(target: str, start: int, end: int) -> bool:
    """Whether target[start:end], a capitalised run, names a place, a group or an institution."""
    name = target[start:end].strip()
    return bool(
        _NOT_A_PERSON.search(name)
        or _PLACE_NOUN_AFTER.match(target, end)
        or find_actor_mentions(name)
        or _is_place(name)
    )


def _depersonalise(target: str) -> str:
    """Sarhad keeps no records of persons: a victim's name in a target becomes their role ("a cleric").

    A name is replaced when it has a title ("Maulana …", "Dr …"), or when it is the whole target, a
    possessor ("Aslam Khan's car") or what the target is "of" ("the car of Aslam Khan"), and is neither a
    place the gazetteer knows, nor followed by a place noun ("Mir Ali checkpost"), nor a group or institution.
    """

    def role(m: re.Match[str]) -> str:
        if _not_a_person(target, m.start(), m.end()):
            return m.group(0)
        h = m.group("h").rstrip(".").casefold()
        tail = " " if m.group(0).endswith(" ") else ""
        return ("a cleric" if h in _CLERIC else "a doctor" if h in {"dr", "doctor"} else "a person") + tail

    out = _HONORIFIC.sub(role, target)
    for m in reversed(list(_NAME_RUN.finditer(out))):
        whole = m.start() == 0 and m.end() == len(out)
        possessor = out.startswith(("'s", "\u2019s"), m.end())
        of_whom = out[: m.start()].endswith(" of ") and m.end() == len(out)
        if not (whole or possessor or of_whom) or _not_a_person(out, m.start(), m.end()):
            continue
        out = out[: m.start()] + "a person" + out[m.end() :]
    return re.sub(r"\s+", " ", out).strip()


def _target_type(text: str) -> str | None:
    for name, pattern in _TARGET_TYPES:
        if pattern.search(text):
            return name
    return None


_OWNER_AFTER = re.compile(r"\s+(?:[a-z]+\s+)?(?:of|in)\s+(?:the\s+)?([A-Z][\w'\-]+(?:\s+[A-Z][\w'\-]+){0,2})")
# a type word naming a district, county (shahrestan) or tehsil
_ADMIN2_WORDS: Final = ("district", "count", "tehsil", "shahrestan")
_INSIDE = re.compile(r"\s+(?:in|of)\s+(?:the\s+)?")


def _geocode_mention(pm: PlaceMention, country: str | None) -> GeoHit | None:
    """The gazetteer's place for ``pm``: in the article's ``country`` when it has one, else on the side of the
    border its administrative word names ("Taftan county" is Iran's, the town of Taftan Pakistan's), else
    anywhere."""
    cue = unit_country(pm.type_word) if country is None else None
    if cue is not None:
        hit = geocode_prefixes(pm.name, cue)
        if hit is not None:
            return hit
    return geocode_prefixes(pm.name, country) or geocode_prefixes(pm.name)


def _admin2_word(pm: PlaceMention) -> bool:
    return bool(pm.type_word and pm.type_word.casefold().startswith(_ADMIN2_WORDS))


def _inner_places(mentions: list[PlaceMention], text: str) -> dict[PlaceMention, PlaceMention]:
    """ "The village of Jaleq in Saravan county": each county, district or tehsil mention that a smaller place's
    mention names as its container (the text between them "in" or "of"), with that smaller place."""
    inner: dict[PlaceMention, PlaceMention] = {}
    for small, big in itertools.pairwise(sorted(mentions, key=lambda m: m.start)):
        if _admin2_word(big) and not _admin2_word(small) and _INSIDE.fullmatch(text, small.end, big.start):
            inner[big] = small
    return inner


def _place(
    cluster: _Cluster, features: list[SentenceFeatures], country: str | None, dominant: str | None, article: Article
) -> dict[str, Any]:
    best_place: tuple[PlaceMention, GeoHit | None] | None = None
    province_votes: Counter[str] = Counter()
    province_span: dict[str, tuple[int, int]] = {}
    same_sentence_province: dict[int, str] = {}
    for i, f in enumerate(cluster.sentences):
        for p in f.provinces:
            if country and p.country != country and cluster.main:
                continue
            province_votes[p.admin1] += 3 if f.is_event else 1
            province_span.setdefault(p.admin1, (p.start, p.end))
            same_sentence_province.setdefault(i, p.admin1)
    region = next((f.region for f in cluster.sentences if f.region), None)
    best_place_score = -1
    best_index = 0
    inside: dict[PlaceMention, PlaceMention] = {}  # the county or district mentions chosen for a place in them
    for i, f in enumerate(cluster.sentences):
        inner = _inner_places(f.places, article.text)
        for pm in f.places:
            if re.search(
                r"\b(?:Police|Army|Corps|Guards|Ministry|Department|News|Agency|School of|Institute)\b", pm.name
            ):
                continue
            hit = _geocode_mention(pm, country)
            if hit is None and pm.type_word:
                # a spelling the gazetteer's curated aliases know only with its type word ("Gawadar district")
                typed = f"{pm.name} {pm.type_word}"
                hit = geocode(typed, country) or geocode(typed)
            owner = _OWNER_AFTER.match(article.text, pm.end) if pm.type_word else None
            if owner is not None:
                # "the Shewa tehsil of North Waziristan": the district the text names is the place's container
                owner_hit = geocode_prefixes(owner.group(1), country)
                # "Taftan county in Iran": a country is no container that places the county
                if (
                    owner_hit is not None
                    and owner_hit.kind != "country"
                    and (hit is None or hit.country != owner_hit.country or hit.admin1 != owner_hit.admin1)
                ):
                    hit = owner_hit
            if hit is None and pm.type_word is None:
                continue
            if (
                hit is not None
                and country
                and hit.country != country
                and (cluster.main or (pm.type_word is None and len(pm.name) < 4))
            ):
                continue
            score = (hit is not None) * 2 + (pm.type_word is not None) + (f.sentence.role != "title")
            small = inner.get(pm)
            if small is not None:
                small_hit = geocode_prefixes(small.name, country) or geocode_prefixes(small.name)
                if small_hit is not None and (hit is None or small_hit.admin1 == hit.admin1):
                    # "the village of Jaleq in Saravan county": the village, which the gazetteer knows, not its county
                    continue
                inside[pm] = small
            if best_place is None or score > best_place_score:
                best_place = (pm, hit)
                best_place_score = score
                best_index = i
        if best_place is not None and best_place[1] is not None:
            break
    admin1 = None
    admin1_span = None
    place_name = None
    place_span = None
    lat = lon = None
    precision = "unknown"
    hit = None
    if best_place is not None:
        chosen_pm, hit = best_place
        named = inside.get(chosen_pm, chosen_pm)  # a place the gazetteer does not know is named, at its county
        place_name = re.sub(
            r"\s+(?:district|county|counties|shahrestan|bakhsh|town|city|tehsil|area)$", "", named.name, flags=re.I
        )
        place_span = (named.start, named.start + len(place_name))
        explicit = same_sentence_province.get(best_index)
        if explicit:
            admin1 = explicit
        elif hit is not None and hit.admin1:
            admin1 = hit.admin1
        if hit is not None:
            lat, lon = hit.lat, hit.lon
            # "Saravan county" is the county, which the gazetteer may find as its seat, the town: not a point
            point = hit.kind in {"city", "town", "village", "place", "populated place"} and not _admin2_word(chosen_pm)
            # a curated place whose coordinates are known only roughly is "near", never "exact"
            precision = ("near" if hit.approximate else "exact") if point else "admin2"
        elif _admin2_word(chosen_pm):
            precision = "admin2"
    if admin1 is None and province_votes:
        admin1 = province_votes.most_common(1)[0][0]
        admin1_span = province_span.get(admin1)
    source = "text" if admin1 is not None else None
    if admin1 is None and region:
        admin1, source = region, "region"
    if admin1 is None and dominant:
        admin1, source = dominant, "article"
    if admin1 is None and cluster.main:
        for f in features:
            if f.sentence.dateline:
                s, e = f.sentence.dateline
                name = article.text[s:e].split(",")[0].strip().title()
                dl = geocode(name, country)
                if dl is not None and dl.admin1:
                    admin1, source = dl.admin1, "dateline"
                    break
    if admin1 is not None and admin1_span is None:
        admin1_span = province_span.get(admin1)
    ctry = None
    code = None
    if admin1 is not None:
        norm = province(admin1, None)
        if norm:
            admin1, code = norm
            ctry = code.split("-")[0]
    if ctry is None:
        ctry = hit.country if hit is not None else country
    if precision == "unknown" and admin1:
        precision = "admin1"
    elif precision == "unknown" and ctry:
        precision = "country"
    return {
        "country": ctry,
        "admin1": admin1,
        "admin1_code": code,
        "place": place_name,
        "lat": lat,
        "lon": lon,
        "geo_precision": precision,
        "admin1_source": source,
        "spans": {
            "place": list(place_span) if place_span else None,
            "admin1": list(admin1_span) if admin1_span else None,
        },
    }


_SAME_PLACE = re.compile(
    r"\b(?:in|of|at|on) the same (?P<what>province|region|district|county|city|town|area|bazaar|market|village|place|"
    r"spot|mosque|road|highway|checkpost|check post|station)\b",
    re.I,
)


def _same_province(cluster: _Cluster, place: dict[str, Any], main_place: dict[str, Any]) -> dict[str, Any]:
    """ "In Taftan county of the same province", "a similar blast in the same bazaar": a background incident in
    the main incident's province (and, for a district, town or spot, at its place)."""
    m = next((m for f in cluster.sentences if (m := _SAME_PLACE.search(f.sentence.text))), None)
    if m is None:
        return place
    out = dict(place)
    if m.group("what").casefold() not in {"province", "region"} and main_place["place"]:
        for key in ("place", "lat", "lon", "geo_precision"):
            out[key] = main_place[key]
        out["spans"] = {"place": main_place["spans"]["place"], "admin1": None}
    elif place["admin1"] == main_place["admin1"]:
        return place
    else:
        out["spans"] = {"place": place["spans"]["place"], "admin1": None}
        if place["country"] != main_place["country"]:
            # the gazetteer's hit was a namesake in the other country: keep the name, not its coordinates
            out["lat"] = out["lon"] = None
            out["geo_precision"] = "admin1"
    for key in ("country", "admin1", "admin1_code"):
        out[key] = main_place[key]
    out["admin1_source"] = "text"
    return out


def _date_fields(cluster: _Cluster, published: date | None) -> dict[str, Any]:
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
    dominant = _dominant_province([f for f in features if not f.is_stat], country)
    clusters = _cluster(features, published)
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
        counts = _counts(cluster, elsewhere, _rising(cluster, features, owner))
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
        place = _place(
            cluster, features, country, dominant if cluster.main else _cluster_dominant(cluster, dominant), article
        )
        if cluster.main:
            main_place = place
        elif main_place is not None and main_place["admin1"]:
            place = _same_province(cluster, place, main_place)
        dates = _date_fields(cluster, published)
        if not cluster.main:
            if dates["date"] is None or dates["date_precision"] not in {"day", "week", "month"}:
                continue
            if not (has_toll or place["admin1_source"] in {"text", "region"}):
                continue
        actor, attribution, _ = _perpetrator(cluster, features)
        unknown = None
        if actor is None:
            # a claim by a group the registry does not know joins no cluster: the main incident reads them all
            loose = [
                f
                for f in features
                if cluster.main and not f.actors and not f.event_dates and _CLAIM.search(f.sentence.text)
            ]
            unknown = _unknown_claimant([*cluster.sentences, *loose])
        attack_type, attack_span = _attack_type(cluster)
        target, target_span, target_type = _target(cluster, article.text)
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
            "assertions": _assertions(
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
    if out and not out[0]["main"]:
        # no main incident: the first background incident is not promoted; the list keeps its order
        pass
    return out


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


def _cluster_dominant(cluster: _Cluster, dominant: str | None) -> str | None:
    return dominant


def _confidence(cluster: _Cluster, dates: dict[str, Any], place: dict[str, Any], killed: Any, actor: Any) -> float:
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
