"""Casualty counts in a sentence: who was killed or wounded, how many, and whether they were the attackers.

"killing at least 26 people and wounding 62" → killed 26 (at least), wounded 62; "two policemen died and three
were wounded"; "18 Jaish al-Adl terrorists were killed" → 18 attackers killed; "the death toll had climbed to
26" → a toll update; "eight people, five of them children" → 8 (the five are a subset); "losing 10 of their
members" → 10 killed; "a soldier was martyred" → 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sarhad.extract.gate import Gate
from sarhad.extract.numbers import NumberMention

__all__ = ["ATTACKER_NOUNS", "VICTIM_NOUNS", "Casualty", "find_casualties", "may_rise"]


_KILL = (
    r"(?:sent to hell|neutrali[sz]ed|eliminated|killed|kills?|killing|slain|slew|martyred|martyring|dead|"
    r"died|die|dies|deaths?|fatalities|perished|shot dead|gunned down|lost their lives|lost his life|"
    r"lost her life|embraced martyrdom|embraced shahadat|succumbed to (?:their|his|her) (?:injuries|"
    r"wounds)|bodies|lives)"
)
_WOUND = (
    r"(?:wounded|wounding|wounds?|injured|injuring|injuries|injures?|hurt|sustained injuries|"
    r"received injuries|were injured|suffered injuries|"
    r"escaped with (?:minor |serious )?injuries|"
    # "fourteen people remain under treatment", "others were admitted to hospital": the wounded, by their care
    r"under treatment|being treated|admitted to (?:the |a )?hospitals?|hospitali[sz]ed)"
)
_KIDNAP = r"(?:kidnapped|abducted|taken hostage|held hostage|hostages?|abducting|kidnapping)"

ATTACKER_NOUNS = (
    r"terrorists?|militants?|attackers?|assailants?|insurgents?|gunmen|gunman|bombers?|khawarij|khwarij|khawarjis|"
    r"rebels?|separatists?|miscreants|outlaws|fighters|jihadists?|extremists?|suicide bombers?|raiders|kharijites|"
    r"dacoits|hideouts?"
)
VICTIM_NOUNS = (
    r"people|persons?|civilians?|policemen|policeman|police(?:\s+officers?|\s+personnel|\s+constables?)?|officers?|"
    r"constables?|soldiers?|troops|personnel|members|guards?|men|women|children|kids|students?|workers?|labou?rers|"
    r"passengers|pilgrims|worshippers|villagers|residents|officials?|employees|engineers|nationals|citizens|"
    r"staff|commuters|shoppers|bystanders|individuals|others|cadets|recruits|sepoys|jawans|levies|tribesmen|"
    r"elders|teachers|journalists?|doctors|patients|security forces|servicemen|law enforcers|lawmen|customers|"
    r"drivers?|boys|girls|farmers|miners|coal miners|truckers|pedestrians|commandos|rangers|hostages|vendors|"
    r"traders|shopkeepers|devotees|mourners|voters|supporters|activists|leaders|lawyers|judges|cops|sailors"
)

_STOP = r"(?:and|while|but|as|when|after|before|in|on|at|near|during|with|including|among|of|who|which|that)"


@dataclass(frozen=True, slots=True)
class Casualty:
    """One casualty count: ``measure`` killed | wounded | kidnapped; ``who`` victims | attackers | subset."""

    start: int
    end: int
    number: NumberMention
    measure: str
    who: str
    noun: str = ""
    toll: bool = False  # "death toll rose to N": an update of the total

    @property
    def value(self) -> int:
        return self.number.int_value


_NOUN_AFTER = re.compile(
    r"\s*(?P<np>(?:(?:of\s+(?:the|them|their|whom|its|his|our)\s+)|(?:other|more|another|additional|further)\s+)?"
    r"(?:[A-Za-z][\w'\u2019\-]*\s+){0,4}?)"
    rf"(?P<noun>{ATTACKER_NOUNS}|{VICTIM_NOUNS}|(?!(?:deaths|fatalities|injuries|wounds|lives|bodies|"
    rf"casualties)\b)[a-z]{{3,}}(?<!ss)s(?:-[a-z]+)*)(?![\w-])"
    r"(?:\s+of\s+(?:the\s+)?[\w\-]+(?:\s+[\w\-]+){0,4}?(?:\s+\([^)]{1,20}\))?(?=\s+(?:were|was|have|had|are|is)\b))?",
    re.I,
)
_NOUN_ONE = re.compile(
    r"\s*(?P<np>(?:[A-Za-z][\w'\u2019\-]*\s+){0,2}?)"
    rf"(?P<noun>{ATTACKER_NOUNS.replace('s?|', '|')}|(?!(?:was|were|is|are|of|and|in|on|"
    rf"at)\b)[a-z]{{3,}})\b(?=\s+(?:was|has been|had been|is|got|died|later)\b)",
    re.I,
)
_ONE_LONG = re.compile(
    r"\b(?P<a>[Aa]n?|[Oo]ne|[Hh]is|[Hh]er|[Tt]heir)\s+(?:[a-z][\w\-]*\s+){0,2}?"
    r"(?P<noun>policeman|police officer|officer|constable|soldier|"
    r"civilian|guard|official|worker|journalist|teacher|driver|cleric|student|child|woman|man|leader|"
    r"politician|councillor|elder|labourer|laborer|shopkeeper|trader|passenger|son|brother|bodyguard|member|"
    r"volunteer|resident|villager|bystander|pedestrian|passer-by|girl|boy)\b"
    # the gap before the verb is the noun's own words, never another clause ("… was shot dead and his guard was
    # injured" gives the guard the injury, not the official)
    r"(?:(?:(?!\b(?:was|were|has been|had been)\b)[^.;]){5,70}?)?\s*\b(?:(?:was|has been|had been)\s+(?:also\s+)?"
    r"(?P<verb>shot dead|killed|martyred|gunned down|injured|wounded|abducted|kidnapped)|"
    r"(?P<verb2>escaped with (?:minor |serious )?injuries|(?:sustained|received|suffered) (?:minor |serious )?injuries|"
    r"died|succumbed))\b"
)
_ONE_ELLIPTIC = re.compile(
    r"\b(?:was|were)\s+(?:also\s+)?(?:shot dead|killed|martyred|gunned down)\s+and\s+"
    r"(?P<a>another|one other|his|her|their)\s+(?:(?P<noun>[a-z][\w\-]*)\s+)?(?P<verb>injured|wounded|hurt)\b",
    re.I,
)
_VERB_AFTER = re.compile(
    r"(?:\s*,[^,.;]{0,60},)?\s*(?:\([^)]{0,40}\)\s*)?"
    # "six militants who tried to storm the checkpoint … were killed"
    r"(?:(?:who|which|that)\s+[^,.;]{0,70}?(?=\s+(?:were|was|have been|has been|had been)\s)\s*)?"
    r"(?:(?:were|was|have been|has been|had been|are|is|got|also|reportedly|allegedly|later|were also|have|had|"
    r"lay|were left|left)\s+){0,3}"
    r"(?:(?:[a-z][\w\-]*)\s+){0,2}?"
    rf"(?P<verb>{_KILL}|{_WOUND}|{_KIDNAP})\b",
    re.I,
)
_VERB_BEFORE = re.compile(
    r"(?P<verb>(?:killed|kills?|killing|martyred|martyring|shot dead|shoot dead|shoots dead|shooting dead|gunned down|"
    r"guns? down|gunning down|killing of|killings of|murder of|massacre of|slew|wounded|wounding|injured|"
    r"injuring|hurt|hurting|claimed the lives of|claiming the lives of|took the lives of|left|leaving|losing|lost|"
    r"kidnapped|abducted|abducting|kidnapping|taking away|took away|taking|took|"
    r"(?:death\s+)?toll\s+(?:has\s+|had\s+)?(?:rose|rises|risen|"
    r"climbed|climbs|jumped|jumps|"
    r"reached|reaches|increased|increases|mounted|mounts|went up|soared|stands|stood|now stands|has risen|climbing|"
    r"rising)\s+(?:to|at)|"
    r"toll\s+(?:of|at)|death toll to|toll to|"
    # "raising the death toll from that attack to four", "the toll in Monday's blast rose to nine"
    r"toll\s+(?:from|in)\s+[^.;,]{1,60}?\s+(?:(?:rose|rises|risen|has risen|had risen|climbed|climbs|jumped|"
    r"reached|reaches|increased|mounted|went up|stands|stood)\s+)?to|"
    r"(?:rose|rises|risen|climbed|climbs|jumped|jumps|reached|reaches|"
    r"increased|mounted|soared|went up)\s+to|bodies of|deaths of|including|among them|among the dead were|"
    r"(?:the\s+)?(?:lives|life)\s+of))\s+(?:(?:at least|another|more than|over|some|nearly|about|up to|as many as|"
    r"a total of|"
    r"the|all|an estimated)\s+)?$",
    re.I,
)


def _kind(verb: str) -> str:
    v = verb.casefold()
    if re.fullmatch(_WOUND, v, re.I) or v.startswith(("wound", "injur", "hurt")):
        return "wounded"
    if re.fullmatch(_KIDNAP, v, re.I) or v.startswith(
        ("kidnap", "abduct", "taken hostage", "held hostage", "hostage", "taking", "took")
    ):
        return "kidnapped"
    return "killed"


_GATE = Gate(
    r"kill|dead|die|death|martyr|wound|injur|hurt|kidnap|abduct|hostage|bod|lives|life|slain|slew|shot|gunned|perish|"
    r"fatal|neutrali|eliminat|hell|lost|losing|toll|succumb|treat|hospital|with them|with him|took away|taking away|"
    r"captive",
)
# After "took seven men" / "taking four passengers": the people were carried off ("with them", "away", "hostage",
# "captive"), an abduction. Things taken ("took away weapons") are no count: the noun must be people.
_TAKEN_OFF = re.compile(r"\s*(?:(?:\w+\s+){0,2}(?:hostage|captive)|away|with (?:them|him))\b", re.I)


_SURVIVORS = re.compile(
    r"\b(?:(?P<n>two|three|four|five|six|seven|eight|nine|ten|\d+)|(?P<one>one)) of the "
    r"(?P<m>two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+) (?:injured|wounded)"
    r"(?: \w+){0,2}? (?:later )?(?:succumbed|died|passed away)\b",
    re.I,
)


def find_casualties(text: str, numbers: list[NumberMention], offset: int = 0) -> list[Casualty]:
    """Casualty counts in a sentence ``text`` (spans shifted by ``offset``); ``numbers`` are its numbers.

    "two of the three injured succumbed" also gives the survivors: one wounded (non-fatal injuries).
    """
    out = _find_casualties(text, numbers, offset)
    for m in _SURVIVORS.finditer(text):
        died = 1 if m.group("one") else _small(m.group("n"))
        injured = _small(m.group("m"))
        if died is None or injured is None or injured <= died:
            continue
        left = float(injured - died)
        number = NumberMention(m.start("m"), m.end("m"), m.group("m"), left, left, left, None, True)
        out = [c for c in out if not (c.measure == "wounded" and c.start - offset == m.start("m"))]
        out.append(Casualty(m.start("m") + offset, m.end() + offset, number, "wounded", "victims", "injured", True))
    for m in _TOLL_ELLIPSIS.finditer(text):
        # "hospital officials put the toll at 14, police at 11": the second sayer's toll, its verb left out
        first = next((c for c in out if c.toll and c.start - offset == m.start("n")), None)
        if first is None:
            continue
        e = _ELLIPTIC_TOLL.match(text, m.end("n"))
        while e is not None:
            also = next((n for n in numbers if n.start == e.start("n")), None)
            if also is None or any(c.number.start == also.start for c in out):
                break
            out.append(Casualty(also.start + offset, also.end + offset, also, first.measure, "victims", "", True))
            e = _ELLIPTIC_TOLL.match(text, also.end)
    out.sort(key=lambda c: c.start)
    return out


_TOLL_ELLIPSIS = re.compile(r"\bput the (?:death )?toll at (?P<n>(?:at least |more than |over |about )?\w+)", re.I)
_ELLIPTIC_TOLL = re.compile(
    r",\s*(?:and\s+|while\s+|but\s+)?(?:the\s+)?(?:[A-Za-z][\w'\u2019\-]*\s+){1,3}?at\s+"
    r"(?P<n>(?:at least |more than |over |about )?\w+)",
    re.I,
)


def _small(word: str) -> int | None:
    words = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
    low = word.casefold()
    return words.index(low) + 1 if low in words else int(low) if low.isdigit() else None


def _find_casualties(text: str, numbers: list[NumberMention], offset: int = 0) -> list[Casualty]:
    out: list[Casualty] = []
    taken_one: set[int] = set()
    if not _GATE.search(text):
        return out
    mentions = list(numbers)
    # "a soldier was martyred", "killing a policeman": the article as the number one
    for m in re.finditer(
        r"\b(?P<a>an?|one)\s+(?P<noun>(?:[a-z][\w\-]*\s+){0,2}?(?:policeman|police officer|officer|constable|soldier|"
        r"civilian|person|child|woman|man|guard|worker|passenger|cadet|sepoy|official|militant|terrorist|attacker|"
        r"bomber|student|journalist|teacher|driver|labourer|laborer|jawan|elder|shopkeeper|trader|cleric|leader|"
        r"councillor|politician|lawyer|judge|doctor|engineer|member|volunteer|resident|villager|boy|girl|farmer|"
        r"shepherd|vendor|pilgrim|soldier|guard))\b",
        text,
        re.I,
    ):
        if any(n.start <= m.start() < n.end for n in mentions):
            continue
        mentions.append(NumberMention(m.start(), m.end("a"), m.group("a"), 1.0, 1.0, 1.0, None, True))
    for m in _ONE_LONG.finditer(text):
        if any(n.start <= m.start() < n.end and not n.is_word for n in mentions):
            continue
        mentions = [n for n in mentions if n.start != m.start()]
        one = NumberMention(m.start(), m.end("a"), m.group("a"), 1.0, 1.0, 1.0, None, True)
        out.append(
            Casualty(
                m.start() + offset,
                m.end("noun") + offset,
                one,
                _kind(m.group("verb") or ("killed" if m.group("verb2") in {"died", "succumbed"} else "wounded")),
                "victims",
                m.group("noun"),
            )
        )
        mentions.append(one)
        taken_one.add(m.start())
    # "two men were shot dead and another injured": the verb of the second half left out, one person
    for m in _ONE_ELLIPTIC.finditer(text):
        if m.start("a") in taken_one:
            continue
        one = NumberMention(m.start("a"), m.end("a"), m.group("a"), 1.0, 1.0, 1.0, None, True)
        noun = m.group("noun") or ""
        out.append(Casualty(m.start("a") + offset, m.end() + offset, one, "wounded", "victims", noun))
        mentions = [n for n in mentions if n.start != m.start("a")]
        taken_one.add(m.start("a"))
    mentions.sort(key=lambda n: n.start)
    mentions = [
        n
        for n in mentions
        if n.start not in taken_one and n.text.casefold() not in {"several", "a few", "a handful of"}
    ]
    for number in mentions:
        s, e = number.start, number.end
        if number.is_year:
            continue
        after = text[e : e + 120]
        before = text[max(0, s - 80) : s]
        if re.match(
            r"\s*(?:%|percent|per cent|pc\b|-year-old|years? old|km|kilomet|attacks?|incidents?|times|years|months|"
            r"weeks|days|hours|minutes|"
            r"billion|million|crore|lakh|rupees|dollars|kg|kilograms)\b",
            after,
            re.I,
        ):
            continue
        if re.search(r"(?:\$|USD|Rs\.?|PKR|No\.|number)\s*$", before, re.I):
            continue
        np_match = (
            _NOUN_AFTER.match(after) if number.value != 1 else (_NOUN_ONE.match(after) or _NOUN_AFTER.match(after))
        )
        noun = ""
        np_text = ""
        rest = after
        if np_match is not None and (
            not re.search(rf"\b{_STOP}\b", np_match.group("np") or "", re.I)
            or re.match(r"\s*(?:of\s+(?:the|them|their|whom)|other|more|another|additional)", np_match.group(0), re.I)
        ):
            noun = np_match.group("noun")
            np_text = np_match.group(0)
            rest = after[np_match.end() :]
        who = "victims"
        if noun and re.fullmatch(ATTACKER_NOUNS, noun, re.I):
            who = "attackers"
        elif np_text and re.search(rf"\b(?:{ATTACKER_NOUNS})\b", np_text, re.I):
            who = "attackers"
        if re.match(r"\s*of\s+(?:them|whom)\b", after, re.I) or re.search(
            r"\b(?:including|among them|among the dead were)\s+(?:at least\s+)?$", before, re.I
        ):
            who = "subset" if who != "attackers" else who
        if re.match(r"\s*of\s+the\s+(?:wounded|injured|dead)\b", after, re.I):
            who = "subset"
        if re.match(r"\s*of\s+the\s+(?:attackers|terrorists|militants|assailants|bombers)\b", after, re.I):
            who = "attackers"
        if (
            noun.casefold() in {"others", "more"}
            and out
            and out[-1].who == "attackers"
            and out[-1].end - offset > s - 60
        ):
            who = "attackers"
        measure = None
        toll = False
        vb = _VERB_BEFORE.search(before)
        if vb:
            verb = vb.group("verb").casefold()
            if "toll" in verb:
                measure, toll = "killed", True
            elif re.match(
                r"(?:rose|rises|risen|climbed|climbs|jumped|jumps|reached|reaches|increased|mounted|soared|"
                r"went up)\s+to",
                verb,
            ):
                if re.search(r"\b(?:death\s+)?toll\b", before + text[:s], re.I) and not re.search(
                    r"\b(?:injured|wounded)\b", before[-30:], re.I
                ):
                    measure, toll = "killed", True
            elif verb in {"left", "leaving"}:
                va = re.match(
                    rf"\s*(?:(?:{VICTIM_NOUNS}|{ATTACKER_NOUNS})\s+)?(?P<v>dead|injured|wounded|hurt)\b",
                    rest if noun else after,
                    re.I,
                )
                if va:
                    measure = _kind(va.group("v"))
            elif verb in {"losing", "lost"}:
                if noun and who != "attackers":
                    measure = "killed"
            elif verb in {"including", "among them", "among the dead were"}:
                who = "subset" if who != "attackers" else who
                va = _VERB_AFTER.match(rest)
                measure = _kind(va.group("verb")) if va else "killed"
            elif verb in {"taking", "took"}:
                if re.match(r"\s*(?:\w+\s+){0,2}hostage", rest, re.I) or (
                    who == "victims" and re.fullmatch(VICTIM_NOUNS, noun, re.I) and _TAKEN_OFF.match(rest)
                ):
                    measure = "kidnapped"
            elif verb in {"taking away", "took away"}:
                if who == "victims" and re.fullmatch(VICTIM_NOUNS, noun, re.I):
                    measure = "kidnapped"
            elif verb.startswith(
                (
                    "bodies",
                    "deaths",
                    "lives",
                    "life",
                    "the lives",
                    "the life",
                    "killing of",
                    "killings of",
                    "murder of",
                    "massacre of",
                )
            ):
                measure = "killed"
            else:
                measure = _kind(verb)
        if measure is None:
            va = _VERB_AFTER.match(rest)
            if va:
                measure = _kind(va.group("verb"))
                if va.group("verb").casefold() in {"lives"} and not re.search(
                    r"(?:claimed|took|lost)\s+(?:\w+\s+)?$", before + text[s:e], re.I
                ):
                    measure = None
        if measure is None:
            continue
        if re.search(r"\b(?:no|none|nobody|not)\b", before[-20:], re.I):
            continue
        end = e + (len(np_text.rstrip()) if np_text else 0)
        out.append(Casualty(s + offset, end + offset, number, measure, who, noun.casefold(), toll))
    return _coordinated(text, mentions, out, offset)


_COORD_GAP = re.compile(
    r"^\s*(?:[A-Za-z][\w'\-]*\s+){0,3}?[A-Za-z][\w'\-]*\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:his|her|their)?\s*$"
)


_ONE_NOUNS = r"elder|shopkeeper|trader|cleric|leader|councillor|politician|lawyer|judge|doctor|engineer|driver"
_FOLLOW_GAP = re.compile(
    rf"^\s*(?:[A-Za-z][\w'\-]*\s+){{0,3}}?(?:{VICTIM_NOUNS}|[a-z]{{3,}}s|{_ONE_NOUNS})\s*(?:,\s*(?:and\s+)?|\s+and\s+)"
    r"(?:his|her|their)?\s*$",
    re.I,
)
_FOLLOW_NOUN = re.compile(rf"^\s*(?:[A-Za-z][\w'\-]*\s+){{0,3}}?(?:{VICTIM_NOUNS}|[a-z]{{3,}}s)\b", re.I)


def _coordinated(text: str, mentions: list[NumberMention], out: list[Casualty], offset: int) -> list[Casualty]:
    """'three soldiers and two civilians were killed' → a total of 5 (the parts become subsets)."""
    by_start = {c.number.start: c for c in out}
    # 'killing 2 soldiers and 3 civilians': the verb before the first count covers the others
    for i, first in enumerate(mentions):
        c_first = by_start.get(first.start)
        if c_first is None or c_first.who != "victims":
            continue
        group = [first]
        for nxt in mentions[i + 1 :]:
            if nxt.start in by_start or not _FOLLOW_GAP.match(text[group[-1].end : nxt.start]):
                break
            tail = text[nxt.end : nxt.end + 60]
            if not _FOLLOW_NOUN.match(tail) or re.match(
                rf"\s*(?:of\s+(?:them|whom|the)\b|(?:{ATTACKER_NOUNS})\b)", tail, re.I
            ):
                break
            group.append(nxt)
        if len(group) >= 2:
            total = sum(g.value for g in group)
            number = NumberMention(
                first.start,
                group[-1].end,
                text[first.start : group[-1].end],
                total,
                total,
                total,
                first.qualifier,
                False,
            )
            out = [c for c in out if c is not c_first]
            out.append(
                Casualty(
                    first.start + offset, group[-1].end + offset, number, c_first.measure, "victims", "", c_first.toll
                )
            )
            for g in group:
                out.append(Casualty(g.start + offset, g.end + offset, g, c_first.measure, "subset", "", False))
            out.sort(key=lambda c: c.start)
            return out
    for i, last in enumerate(mentions):
        c_last = by_start.get(last.start)
        if c_last is None or c_last.who != "victims":
            continue
        group = [last]
        j = i - 1
        while j >= 0:
            prev = mentions[j]
            gap = text[prev.end : group[0].start]
            if not _COORD_GAP.match(gap) or prev.start in by_start:
                break
            if re.search(rf"\b(?:{ATTACKER_NOUNS})\b|\b(?:including|among|while|when|after)\b", gap, re.I):
                break
            group.insert(0, prev)
            j -= 1
        if len(group) < 2:
            continue
        total = sum(g.value for g in group)
        number = NumberMention(
            group[0].start,
            c_last.number.end,
            text[group[0].start : c_last.number.end],
            total,
            total,
            total,
            group[0].qualifier,
            False,
        )
        out = [c for c in out if c is not c_last]
        out.append(Casualty(group[0].start + offset, c_last.end, number, c_last.measure, "victims", "", c_last.toll))
        for g in group:
            part = NumberMention(g.start, g.end, g.text, g.value, g.low, g.high, g.qualifier, g.is_word)
            out.append(Casualty(g.start + offset, g.end + offset, part, c_last.measure, "subset", "", False))
        break
    out.sort(key=lambda c: c.start)
    return out


# "the toll could rise", "is expected to rise", "the number of dead may climb": a count with no upper bound yet
_MAY_RISE = re.compile(
    r"\b(?:could|may|might|(?:is|are|was|were)\s+(?:likely|expected|feared|set)\s+to|likely\s+to|expected\s+to)"
    r"\s+(?:further\s+|still\s+)?(?:rise|climb|increase|go\s+up|mount|grow)\b",
    re.I,
)
_NEGATED = re.compile(r"(?:\bnot|n't|\bnever)\s+(?:be\s+)?$", re.I)
_RISING_WOUNDED = re.compile(r"\b(?:injur\w*|wounded|hurt)\b", re.I)
_RISING_KILLED = re.compile(r"\b(?:dead|deaths?|fatalit(?:y|ies)|killed|lives|casualt(?:y|ies))\b", re.I)
_RISING_TOLL = re.compile(r"\btoll\b", re.I)


def may_rise(text: str) -> frozenset[str]:
    """The measures (``killed``, ``wounded``) whose count ``text`` says may still rise: "the toll could rise" and
    "the number of dead is expected to climb" → killed, "the number of injured may rise" → wounded, "casualties
    could rise" → both. Empty where nothing is said to rise or the rise is denied ("not expected to rise")."""
    out: set[str] = set()
    for m in _MAY_RISE.finditer(text):
        if _NEGATED.search(text, max(0, m.start() - 12), m.start()):
            continue
        subject = text[max(0, m.start() - 60) : m.start()]
        subject = re.split(r"[.;:]\s|,\s+(?:and|but|while)\s", subject)[-1]
        wounded = bool(_RISING_WOUNDED.search(subject))
        if wounded or re.search(r"\bcasualt", subject, re.I):
            out.add("wounded")
        if _RISING_KILLED.search(subject) or (_RISING_TOLL.search(subject) and not wounded):
            out.add("killed")
    return frozenset(out)
