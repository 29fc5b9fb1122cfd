"""Who a casualty count is attributed to: "the military said five soldiers were martyred" → the Pakistan
military (ISPR); "the BLA claimed it killed a dozen soldiers" → the BLA's claim; "hospital officials put the
toll at 14, police at 11" → hospital officials for 14, the police for 11.

A sayer is named as an organisation or a category of source ("police", "hospital officials", "Iranian state
media", "BLA (claim)"), never by a person's name: sarhad keeps no records of persons, so a sayer the table below
does not know ("Ahmed Khan said") is no sayer (None), and "Interior Minister X said" is the interior ministry.
"""

from __future__ import annotations

import re
from typing import Final

from sarhad.model.actors import find_actor_mentions

__all__ = ["find_sayer", "group_claim"]

# The reporting verb after the sayer: "the military said", "police put the toll at", "Tasnim reported".
_VERB = (
    r"(?:said|says|say|saying|claimed|claims|reported|reports|told|confirmed|confirms|announced|stated|added|"
    r"put the (?:death )?toll at|put the number of (?:dead|deaths|injured|wounded) at|put the figure at|"
    r"gave the toll as)"
)
# A group claiming the act, not a count: "…, Jaish al-Adl claims attack", "…, the BLA claimed responsibility".
_CLAIMS_THE_ACT = (
    r"(?!\s+(?:responsibility|credit|(?:(?:the|an?|this)\s+)?(?:attack|bombing|blast|killing|kidnapping|abduction|"
    r"assault|ambush|raid|explosion)s?)\b)"
)
# The sayer and its verb before the count, in the count's clause: "Iranian state media said three guards died".
_BEFORE = re.compile(rf"(?P<who>(?:[\w'\u2019\-]+\s+){{1,6}}?){_VERB}\b{_CLAIMS_THE_ACT}(?!.*\b{_VERB}\b)", re.I)
# "…, police at 11": the verb of the clause before left out.
_ELLIPSIS = re.compile(r",\s*(?:and\s+|while\s+|but\s+)?(?P<who>(?:[\w'\u2019\-]+\s+){1,4}?)at\s+$", re.I)
# After the count: "five soldiers were martyred, the military said".
_AFTER = re.compile(rf"^[^;]*?,\s*(?P<who>(?:[\w'\u2019\-]+\s+){{1,6}}?){_VERB}\b{_CLAIMS_THE_ACT}", re.I)
_ACCORDING = re.compile(r"\baccording to\s+(?P<who>(?:[\w'\u2019\-]+\s*){1,6})", re.I)
# Where a clause starts and stops: the count's own clause holds its sayer.
_CLAUSE_START = re.compile(r";|\.\s|,\s+(?:while|whereas|but)\s+|\s+while\s+|\s+whereas\s+|\bbut\s+", re.I)

# (pattern, name for a Pakistani article, name for an Iranian one, name otherwise); the first match wins.
_SAYERS: Final[tuple[tuple[re.Pattern[str], str, str, str], ...]] = tuple(
    (re.compile(p, re.I), pk, ir, other)
    for p, pk, ir, other in (
        (r"\bIRGC\b|Revolutionary Guards?|Sepah", "IRGC", "IRGC", "IRGC"),
        (
            r"\bISPR\b|Inter-Services Public Relations|military'?s? media (?:wing|affairs)|\bmilitary\b|\barmy\b|"
            r"armed forces",
            "Pakistan military (ISPR)",
            "Iranian armed forces",
            "military",
        ),
        (r"\bIRNA\b|\bIRIB\b|Press TV|state (?:media|television|TV|news agency|broadcaster)", "state media",
         "Iranian state media", "state media"),
        (r"\bTasnim\b", "Tasnim news agency", "Tasnim news agency", "Tasnim news agency"),
        (r"\bFars\b", "Fars news agency", "Fars news agency", "Fars news agency"),
        (r"hospital|doctors|medical (?:officials?|sources|superintendent)|health (?:officials?|department)",
         "hospital officials", "hospital officials", "hospital officials"),
        (r"rescue|\b1122\b|\bEdhi\b|ambulance", "rescue officials", "rescue officials", "rescue officials"),
        (r"\bCTD\b|counter[- ]terrorism department", "CTD", "CTD", "CTD"),
        (r"\bpolice\b|\bpolicemen\b|\bSHO\b|station house officer", "police", "police", "police"),
        (r"\bLevies\b", "Levies", "Levies", "Levies"),
        (r"\bFrontier Corps\b|\bFC\b", "Frontier Corps", "Frontier Corps", "Frontier Corps"),
        (r"border guards?|border regiment", "border guards", "Iranian border guards", "border guards"),
        (r"interior minist(?:ry|er)", "interior ministry", "interior ministry", "interior ministry"),
        (r"home (?:minist(?:ry|er)|department)", "home department", "home department", "home department"),
        (r"governor", "governor's office", "governor's office", "governor's office"),
        (r"deputy commissioner|assistant commissioner|district (?:administration|officials?|police officer)",
         "district administration", "district administration", "district administration"),
        (r"\bHRCP\b|Human Rights Commission of Pakistan", "HRCP", "HRCP", "HRCP"),
        (r"\bHaalvsh\b", "Haalvsh", "Haalvsh", "Haalvsh"),
        (r"rights (?:group|organi[sz]ation|monitor)s?", "rights group", "rights group", "rights group"),
        (r"provincial government|government spokes(?:man|person|woman)|\bgovernment\b", "government",
         "government", "government"),
        (r"security (?:officials?|sources)", "security officials", "security officials", "security officials"),
        (r"local officials?", "local officials", "local officials", "local officials"),
        (r"\bofficials?\b|authorities|official sources", "officials", "officials", "officials"),
        (r"residents|villagers", "residents", "residents", "residents"),
        (r"witness(?:es)?", "witnesses", "witnesses", "witnesses"),
        (r"relatives|family|families", "relatives", "relatives", "relatives"),
    )
)  # fmt: skip
# A sentence or ';'-clause that ends on its sayer: "…, the provincial police said." / "…, according to police;".
_ENDS_ON_SAYER = re.compile(
    rf",\s*(?P<who>(?:[\w'\u2019\-]+\s+){{1,6}}?){_VERB}\s*[.;]?\s*$"
    r"|,\s*according to\s+(?P<according>(?:[\w'\u2019\-]+\s*){1,6}?)\s*[.;]?\s*$",
    re.I,
)
# The sentence after that vouches for the count without a count of its own: "Police confirmed the toll."
_CONFIRMS = re.compile(
    r"^\s*(?P<who>(?:[\w'\u2019\-]+\s+){1,6}?)(?:confirmed|gave|released|verified)\s+(?:the|this|that|these)\s+"
    r"(?:death\s+)?(?:toll|figures?|numbers?|casualt(?:y|ies)(?:\s+figures?)?)\s*(?:[.;]|$)",
    re.I,
)
# A sentence that turns to something else than what the sentence before said.
_TURN = re.compile(
    r"^\W*(?:separately|elsewhere|meanwhile|however|but|earlier|later|in (?:a |another )?(?:separate|other)|"
    r"in another|last (?:week|month|year)|the (?:previous|day before))\b",
    re.I,
)
_ANY_SAYER = re.compile(rf"\b{_VERB}\b|\baccording to\b", re.I)
# "the group", "the outfit", "the militants": the claimant named before in the article.
_GROUP_WORDS = re.compile(r"\b(?:the|this|that)\s+(?:\w+\s+)?(?:group|outfit|organi[sz]ation|militants)\b", re.I)


def group_claim(name: str) -> str:
    """How a group's own count is named: its short form and that it is a claim (``BLA (claim)``)."""
    return f"{name} (claim)"


def _clause(text: str, pos: int) -> tuple[int, int]:
    """The bounds of the clause of ``text`` that holds ``pos``."""
    start = 0
    for m in _CLAUSE_START.finditer(text, 0, pos):
        start = m.end()
    stop = _CLAUSE_START.search(text, pos)
    return start, stop.start() if stop else len(text)


def _name(who: str, country: str | None, claimant: str | None) -> str | None:
    """The sayer the words ``who`` name, or None when they name none the table knows."""
    mentions = find_actor_mentions(who)
    if mentions:
        actor = mentions[0].actor
        return group_claim(actor.short or actor.name)
    if claimant is not None and (_GROUP_WORDS.search(who) or re.fullmatch(r"\s*(?:it|they)\s*", who, re.I)):
        return group_claim(claimant)
    for pattern, pk, ir, other in _SAYERS:
        if pattern.search(who):
            return pk if country == "PK" else ir if country == "IR" else other
    return None


def find_sayer(
    text: str,
    start: int,
    end: int,
    country: str | None,
    claimant: str | None = None,
    *,
    previous: str | None = None,
    following: str | None = None,
) -> str | None:
    """Who the sentence ``text`` says gave the count at ``text[start:end]``: the sayer in the count's clause
    before it ("the military said five …"), after it ("…, police said"), in "according to …", or left out
    ("hospital officials put the toll at 14, police at 11" gives 11 to the police). ``country`` chooses the
    names ("the army" in a Pakistani article is the Pakistan military, ISPR); ``claimant`` is the group
    "the group said it killed" means.

    Where the count's sentence names no sayer at all, the adjacent ones of its paragraph (``previous``,
    ``following``, None where there is none) may: "…, the provincial police said. Eleven people were killed."
    and "Eleven people were killed. Police confirmed the toll." are the police's, as is the ';'-clause
    "…, police said; eleven people were killed". See :func:`_adjacent_sayer` for what is never carried.
    None when no sayer is named, or the words name none sarhad knows.
    """
    own = _own_sayer(text, start, end, country, claimant)
    if own is not None:
        return own
    return _adjacent_sayer(text, start, country, previous, following)


def _adjacent_sayer(
    text: str, start: int, country: str | None, previous: str | None, following: str | None
) -> str | None:
    """The sayer of the clause or sentence before the count's, when it ends on its attribution, or of the sentence
    after, when it confirms the toll. Never carried: into a sentence that names a sayer of its own (for
    something else) or turns elsewhere ("Separately, …"), from a group's words (a claim is no source of the
    article's count), across a count of the sentence after ("Police put the toll at 14")."""
    a, _b = _clause(text, start)
    before, rest = text[:a], text[a:]
    if _ANY_SAYER.search(rest):
        return None
    if before.strip():
        # the count's clause follows another of its sentence: only a ';'-clause ending on its sayer is carried
        return _state_sayer(_ends_on_sayer(before), country) if before.rstrip().endswith(";") else None
    if _TURN.match(text):
        return None
    if previous is not None:
        named = _state_sayer(_ends_on_sayer(previous), country)
        if named is not None:
            return named
    if following is not None:
        confirms = _CONFIRMS.match(following)
        if confirms:
            return _state_sayer(confirms.group("who"), country)
    return None


def _ends_on_sayer(text: str) -> str | None:
    """The words naming the sayer an attribution at the end of ``text`` gives ("…, police said." → "police ")."""
    m = _ENDS_ON_SAYER.search(text)
    if m is None:
        return None
    return m.group("who") or m.group("according")


def _state_sayer(who: str | None, country: str | None) -> str | None:
    """The sayer ``who`` names, unless it is a group (whose words are its claim) or nobody sarhad knows."""
    if who is None or find_actor_mentions(who) or _GROUP_WORDS.search(who):
        return None
    return _name(who, country, None)


def _own_sayer(text: str, start: int, end: int, country: str | None, claimant: str | None) -> str | None:
    """The sayer the count's own clause names (see :func:`find_sayer`)."""
    ellipsis = _ELLIPSIS.search(text[max(0, start - 60) : start])
    if ellipsis and re.search(r"\bput the (?:death )?toll at\b", text[:start], re.I):
        named = _name(ellipsis.group("who"), country, claimant)
        if named is not None:
            return named
    a, b = _clause(text, start)
    head = text[a:start]
    before = _BEFORE.search(head)
    if before:
        who = before.group("who")
        # "the BLA claimed it killed": the group's own count; "the military said it killed" is the state's.
        named = _name(who, country, claimant)
        if named is not None:
            return named
    after = _AFTER.match(text[end:b])
    if after:
        named = _name(after.group("who"), country, claimant)
        if named is not None:
            return named
    according = _ACCORDING.search(text[a:b])
    if according:
        return _name(according.group("who"), country, claimant)
    return None
