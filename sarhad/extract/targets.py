"""What an incident was: its GTD attack type (weighted cues, the codebook's hierarchy) and its target (the
phrase after "attack on", "opened fire on" …, with its GTD target type), a person's name in it replaced by
their role: sarhad keeps no records of persons.
"""

from __future__ import annotations

import re

from sarhad.extract.clusters import Cluster
from sarhad.extract.cues import ATTACK_HIERARCHY
from sarhad.extract.places import geocode_prefixes
from sarhad.model.actors import find_actor_mentions
from sarhad.model.codes import ATTACK_TYPES

__all__ = ["attack_type_of", "target_of"]


def attack_type_of(cluster: Cluster) -> tuple[str, tuple[int, int] | None]:
    """The cluster's GTD attack type and the span of its first cue: cue weights summed (the title and lead
    counting double), the codebook's hierarchy choosing among the strong ones; "Unknown" without a cue."""
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
    code = min(candidates, key=ATTACK_HIERARCHY.index)
    return ATTACK_TYPES[code], spans.get(code)


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
        # "a grenade was thrown at the gate of …", "mortar shells … landed on a house"
        r"(?:thrown|hurled|lobbed) (?:at|into)|(?:landed|fell) on|"
        r"(?:attack|assault|"
        r"ambush|raid|strike)s?\s+(?:on|against|targeting))\s+"
        rf"(?P<t>(?!in\b|on\b|at\b|the province\b)(?:an?|the|two|three|several)?\s*[\w'\u2019\- ]{{3,70}}?){_NP_END}",
        re.I,
    ),
    re.compile(r"(?P<t>[\w'\u2019\- ]{3,50}?)\s+(?:had been|was|were)\s+(?:the\s+)?(?:main\s+)?target\b", re.I),
    # "their vehicle hit a roadside bomb": what ran onto the bomb is the target
    re.compile(
        r"\b(?:their|his|her|its|an?|the)\s+(?P<t>[\w'\u2019\- ]{3,40}?)\s+(?:hit|struck|ran over|drove over)\s+"
        r"(?:a|an)\s+(?:roadside bomb|landmine|land mine|mine|IED|improvised explosive device)\b",
        re.I,
    ),
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
    # GTD's maritime type: ports and their facilities, boats, ships and fishermen at sea
    (
        "Maritime",
        re.compile(r"\b(?:port's|port|harbou?r|container terminal|jetty|boats?|ships?|vessels?|fishermen)\b", re.I),
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


def target_of(cluster: Cluster) -> tuple[str | None, tuple[int, int] | None, str | None]:
    """The cluster's target phrase (persons' names replaced by their roles), its span and its GTD target type;
    without a phrase, the type the victims' nouns give."""
    for f in cluster.sentences:
        s_text = f.sentence.text
        for pattern in _TARGET_PATTERNS:
            m = pattern.search(s_text)
            if not m:
                continue
            target = m.group("t").strip(" ,'\u2019")
            # "attacked their vehicle": the pronoun names no one the record keeps
            target = re.sub(r"^(?:an?|the|two|three|several|their|his|her|its)\s+", "", target, flags=re.I)
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
