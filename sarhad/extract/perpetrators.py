"""Who carried out an incident: the group its sentences name, claimed > blamed > suspected, a denial
removing a group, "the group" resolved to the last named one; or a group the alias registry does not know,
named as the claimant.
"""

from __future__ import annotations

import re

from sarhad.extract.clusters import Cluster
from sarhad.extract.cues import ANAPHORA, BLAME, CLAIM, DENY, SUSPECT
from sarhad.extract.features import SentenceFeatures
from sarhad.model.actors import ActorMention, find_actor_mentions

__all__ = ["perpetrator_of", "unknown_claimant"]


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
# "Iran asked the Taliban authorities to hand them over", "urged the Afghan Taliban to act": the group is asked
# to act against the attackers, not named as one of them
_ADDRESSED = re.compile(
    r"\b(?:asked|urged|called on|called upon|pressed|requested|demanded of|told)\s+(?:the\s+)?(?:Afghan\s+)?$", re.I
)
# "the Taliban authorities", "the Taliban-led government": a group that governs, named as the government
_AS_GOVERNMENT = re.compile(
    r"(?:-led)?\s+(?:authorities|government|administration|regime|rulers|interim government)\b", re.I
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
# "No group has claimed responsibility, but the BLA has carried out similar attacks": nobody claimed this one,
# and a group named beside that statement without a cue of its own is only mentioned
_NO_CLAIM = re.compile(
    r"\b(?:no (?:group|one|organi[sz]ation|outfit|militant group)|nobody|none of the groups)\b[^.;]{0,40}?"
    r"\bclaim(?:ed|s)?\b|\bno (?:immediate )?claim\b|\b(?:has|have|had|did) not (?:yet )?claimed?\b",
    re.I,
)


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
        if _ADDRESSED.search(text[:rel_s]) or _AS_GOVERNMENT.match(text, rel_e):
            return "target"  # asked to act, or the government: not who attacked
        later = [o for o in others if o.start - f.sentence.start >= rel_e]
        if _FACTION_OF.search(text[:rel_s]) and any(
            _LED_BY.fullmatch(text[rel_e : o.start - f.sentence.start]) for o in later
        ):
            return "mentioned"
        if any(_AFFILIATE_LINK.fullmatch(text[rel_e : o.start - f.sentence.start]) for o in later):
            return "mentioned"  # "the Islamic State group's local affiliate, ISKP, claimed …": the affiliate did
        if earlier and not re.search(r"\bby\s+(?:the\s+)?(?:so-called\s+)?$", text[:rel_s]):
            return "mentioned"
        if DENY.search(clause):
            return "denied"
        if CLAIM.search(clause):
            return "claimed"
        if BLAME.search(clause):
            return "blamed"
        if SUSPECT.search(clause):
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


def perpetrator_of(
    cluster: Cluster, all_features: list[SentenceFeatures]
) -> tuple[ActorMention | None, str, list[ActorMention]]:
    """The cluster's perpetrator: the chosen group's fullest mention in the article, its attribution
    (claimed, blamed or suspected; a group only mentioned counts as suspected) and its mentions in the
    cluster; ``(None, "unknown", [])`` when no group is named. ``all_features`` are the article's sentences, read
    in order so that "the group" resolves to the last group named before it."""
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
            if not found and last_named is not None and ANAPHORA.search(f.sentence.text):
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


def unknown_claimant(sentences: list[SentenceFeatures]) -> tuple[str, int, int] | None:
    """A group the registry does not know, named as the claimant ("A little-known militant group,
    Ittehad-ul-Mujahideen Pakistan, claimed responsibility"): its name as spelled, and its span."""
    for f in sentences:
        for m in _NAMED_CLAIM.finditer(f.sentence.text):
            name = m.group("name").strip(" -,")
            appositive = bool(m.group(0)[: m.start("name") - m.start()].strip())
            if not (appositive or re.search(rf"\b(?:{_GROUP_WORDS})\b", name)):
                continue
            if DENY.search(f.sentence.text[m.end() : m.end() + 20]) or find_actor_mentions(name):
                continue
            if _STATE_FORCE.search(name):
                continue  # "the Pakistan Army claimed responsibility for the strikes": a state, not a group
            start = f.sentence.start + m.start("name")
            return name, start, start + len(name)
    return None
