"""Commitments: who pledged, agreed, planned or proposed what, and by when.

A commitment starts at a commitment cue ("agreed to", "pledged", "vowed to", "will", "plan", "is slated for",
"proposes", "decided that … would", a headline's "X to do Y") or is any sentence under a forward-looking heading
("What's Next", "Next steps", "The way forward"). The actor is the clause's subject ("Both legislatures",
"Iran", "the foreign ministers"), with "the two sides"/"leaders"/passives resolved to the article's parties;
the text runs from the cue to the next cue or the end of the sentence; the due phrase is read with
:mod:`sarhad.extract.dates` pointing forward ("in December 2025" → 2025-12, "Q1 2026" → 2026-Q1, "by 2026" →
2026, "in the next five years" → publication year + 5), and "every quarter"/"quarterly" becomes a recurrence.
Agreements dated weeks before publication ("In April 2024, both sides agreed…") are history, not commitments.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from typing import Any

from sarhad.extract.article import Article, Sentence
from sarhad.extract.dates import DateMention
from sarhad.extract.dates import find_dates as _find_dates_uncached
from sarhad.extract.gate import Gate
from sarhad.extract.places import COUNTRY_WORDS

__all__ = ["actor_parties", "article_parties", "extract_commitments"]


_CUE = re.compile(
    r"\b(?:(?:have |has |had |also |further |jointly |on \w+ )*(?:agreed|agree|agrees)(?: on \w+day)?"
    r"(?: to| on| that)?|"
    r"(?:renewed |reaffirmed |reiterated )?(?:a |their |its )?(?:(?:pledge|vow|promise|commitment)s? to|(?:pledged|"
    r"vowed|promised|pledging|vowing)(?: to)?)|"
    r"committed to|commit to|resolved to|decided(?: that| to)?|undertook to|(?:has |have |also )?offer(?:ed|s)? to|"
    r"(?:will|shall)(?!\s+(?:remain|stay|be valid|lie|not|never|be remembered|go down)\b)|plan(?:s|ned)?(?: to)?|"
    r"intend(?:s|ed)? to|"
    r"aim(?:s|ed)? to|set to|is slated|are slated|slated (?:for|to)|scheduled (?:for|to)|due to (?!the\b)|expected to|"
    r"propose[sd]?|proposing|to be (?:held|set up|established|launched|signed|deployed|appointed|posted|formed|"
    r"implemented)|"
    r"would be (?:appointed|deployed|posted|held|set up|established|formed|implemented|launched|signed)|"
    r"would (?:also )?(?=(?:meet|hold|host|set up|establish|launch|open|reopen|deploy|share|increase|expand|sign|"
    r"implement|continue|cooperate|work|review|monitor|conduct|exchange|strengthen|complete|finish|build|construct|"
    r"resume|visit|finalise|finalize|supply|provide|start|begin|raise|boost|extend|train|send|allow|facilitate|"
    r"restore|upgrade|operationali[sz]e|install|fence|connect|invest|release|hand over|coordinate|form|appoint|"
    r"introduce|station|post|set)\b)|"
    r"set (?=(?:a|an|the) (?:[\w\-]+\s+){0,3}?target\b)|"
    r"(?:renewed|reaffirmed|reiterated)\s+(?:a |an |the |their |its )?(?:[\w\-]+\s+){0,2}?(?:target|goal) of|"
    r"target(?:s|ed)? (?=\$|USD|Rs|PKR)|seek(?:s)? to|are to|"
    r"is to|targeting(?=\s+(?:USD|"
    r"US\$|\$|Rs|PKR|\d|an? (?:trade|target|volume)))|starts with|will begin|begins with|is planned|are planned|"
    r"envisages?|calls? for)\b",
    re.I,
)
_CUE_GATE = Gate(
    "would|"
    r"agree|pledge|vow|promise|commit|resolve|decide|undert|offer|will|shall|plan|intend|aim|set to|slated|scheduled|"
    r"due to|"
    r"expected|propos|to be|would be|seek|are to|is to|target|starts|begin|envisag|call",
)
_FORWARD_HEADINGS = re.compile(
    r"\b(?:what'?s next|what\u2019s next|next steps?|way forward|road ?map|looking ahead|the road ahead|"
    r"future plans)\b",
    re.I,
)
_RHETORIC = re.compile(r"\b(?:ensures|stands as|beacon|promising a|as leaders part|underscores|highlights)\b", re.I)
_HEADLINE_TO = re.compile(r"^(?P<subj>[A-Z][\w\s,&'\u2019\-]{2,80}?)\s+to\s+(?P<verb>(?!be\b)[a-z]+\b)")
_DEMAND = re.compile(r"\b(?:called on|called upon|calls on|urged|urges|asked|asks|pressed|demanded of)\b", re.I)
_PARTY_WORDS = re.compile(
    r"\b(?:both (?:sides|countries|nations|leaders|governments|parties|legislatures|parliaments|ministers)|"
    r"the two (?:sides|countries|nations|leaders|"
    r"governments|ministers|foreign ministers|neighbours|neighbors)|leaders|the leaders|the foreign ministers|"
    r"the ministers|both|the two|"
    r"each other|they|the delegations|the officials|officials|the parties|parliamentary groups|the legislatures)\b",
    re.I,
)
_NAMES = {"PK": "Pakistan", "IR": "Iran", "AF": "Afghanistan", "IN": "India", "CN": "China"}


_MEMO: dict[tuple[str, date | None, str], list[DateMention]] = {}


def find_dates(text: str, anchor: date | None, direction: str = "past") -> list[DateMention]:
    """find_dates, remembered for the article being read (its sentences are read several times)."""
    key = (text, anchor, direction)
    found = _MEMO.get(key)
    if found is None:
        found = _MEMO[key] = _find_dates_uncached(text, anchor, direction)
    return found


def article_parties(article: Article) -> list[str]:
    """The countries the article is about (at most two, most mentioned first)."""
    counts: Counter[str] = Counter()
    for s in article.story():
        for word in re.findall(r"[A-Za-z']+", s.text):
            code = COUNTRY_WORDS.get(word.casefold())
            if code:
                counts[code] += 1
    top = [c for c, n in counts.most_common(3) if n >= 2]
    if len(top) >= 2 and counts[top[1]] >= max(2, counts[top[0]] // 4):
        return top[:2]
    return top[:1]


def actor_parties(actor_text: str, default: list[str]) -> list[str]:
    """Countries an actor phrase names ("Islamabad and Tehran" → PK, IR); ``default`` for "both sides" etc."""
    found: list[str] = []
    actor_text = re.sub(r"\b(?:in|at|to|from|near|for|with)\s+[A-Z][\w']+", "", actor_text)
    for word in re.findall(r"[A-Za-z']+", actor_text):
        code = COUNTRY_WORDS.get(word.casefold())
        if code and code not in found:
            found.append(code)
    if _PARTY_WORDS.search(actor_text) and len(found) < 2:
        return list(dict.fromkeys([*found, *default]))
    return found or list(default)


def _subject(text: str, cue_start: int) -> tuple[str, int]:
    """The clause subject before a cue: the text after the last clause boundary, minus auxiliaries."""
    head = text[:cue_start]
    cut = 0
    for m in re.finditer(r"(?:,|;|:|\bthat\b|\bsaid\b|\bstated\b|\bnoted\b|\badding\b|\bwhile\b)", head):
        cut = m.end()
    subject = head[cut:]
    pair = re.search(r"([A-Z][a-z]+),\s+([A-Z][a-z]+)\s*$", head)
    if pair and COUNTRY_WORDS.get(pair.group(1).casefold()) and COUNTRY_WORDS.get(pair.group(2).casefold()):
        subject, cut = pair.group(0), pair.start()
    verb = re.search(
        r"\s+(?:issued|made|renewed|reaffirmed|reiterated|gave|announced|expressed|signed|adopted|took|unveiled|"
        r"launched|"
        r"held|reached|struck|agreed|decided|also)\b",
        subject,
    )
    if verb:
        subject = subject[: verb.start()]
    start = cut
    # leading adverbials and trailing auxiliaries
    lead = re.match(r"\s*(?:(?:on|in|at|by|during|after)\s+(?:\w+\s+){0,3}?(?=[A-Z]))?", subject)
    if lead and lead.end() < len(subject):
        start += lead.end()
        subject = subject[lead.end() :]
    subject = re.sub(
        r"\s+(?:on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|had|have|has|also|further|jointly|"
        r"both|then|now|today|would|formally|firmly|officially|reportedly)\s*$",
        "",
        subject.rstrip(),
    )
    subject = re.sub(r"\s+(?:on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b", "", subject)
    subject = re.sub(r"\s+(?:had|have|has|also|further|jointly)$", "", subject.strip())
    conj = re.match(r"(?:and|but|while|also|then)\b\s*", subject)
    if conj:  # ", and agreed to …": the conjunction is not the subject
        subject = subject[conj.end() :]
        start += len(text[start:]) - len(text[start:].lstrip()) + conj.end()
    lead_ws = len(text[start:]) - len(text[start:].lstrip(' "\u201c'))
    return subject.strip(' ,\u2013-"\u201c\u201d'), start + lead_ws


def _due(
    sentence: Sentence, anchor: date | None, lo: int = 0, hi: int | None = None
) -> tuple[str | None, str | None, tuple[int, int] | None, str | None]:
    """(due, recurrence, span, due phrase) from the forward-pointing date phrases in text[lo:hi]."""
    recurrence = None
    hi = len(sentence.text) if hi is None else hi
    for d in find_dates(sentence.text, anchor, "future"):
        if d.start < lo or d.end > hi:
            continue
        if d.kind == "recurrence":
            recurrence = d.recurrence
            continue
        if d.kind in {"time", "vague", "offset"} or d.value is None:
            continue
        if sentence.dateline_end is not None and sentence.start + d.start < sentence.dateline_end:
            continue  # "ISLAMABAD, Nov. 20 (IRNA) –": the story's day, not a due date
        if anchor is not None and d.latest is not None and d.latest < anchor - timedelta(days=1):
            continue  # a past date: when something was agreed, not when it is due
        if d.kind == "weekday" and not re.match(r"(?:next|coming)\b", d.text, re.I):
            continue
        iso = d.iso()
        if iso is None:
            continue
        text = sentence.text[d.start : d.end]
        return iso, recurrence, (sentence.start + d.start, sentence.start + d.end), text
    return None, recurrence, None, None


def _past_agreement(sentence: Sentence, anchor: date | None) -> bool:
    """'In April 2024, both sides agreed…': an agreement dated well before publication is history."""
    if anchor is None:
        return False
    dates = [
        d
        for d in find_dates(sentence.text, anchor, "past")
        if d.value is not None and d.kind not in {"time", "vague", "recurrence"}
    ]
    if not dates:
        return False
    if re.search(r"\b(?:will|shall|to be|slated|scheduled|plan|would be)\b", sentence.text):
        return False
    initial = [d for d in dates if d.start < 25 and d.value is not None]
    if not initial:
        return False
    latest = max(d.latest or d.value for d in initial if d.value is not None)
    return latest < anchor - timedelta(days=21)


def extract_commitments(article: Article) -> list[dict[str, Any]]:
    """The article's commitments (``commitments`` entries of the JSON contract)."""
    _MEMO.clear()
    anchor = article.published
    parties = article_parties(article)
    default_actor = " and ".join(_NAMES.get(p, p) for p in parties) if parties else None
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for sentence in article.story():
        text = sentence.text
        forward_section = bool(_FORWARD_HEADINGS.search(sentence.section or ""))
        if not forward_section and sentence.role == "body" and not _CUE_GATE.search(text):
            continue
        cues = list(_CUE.finditer(text))
        if re.search(r"\b(?:said|told)\b.{0,40}$", text) and not cues:
            continue
        if _past_agreement(sentence, anchor):
            continue
        # quotes and reported praise are not commitments
        cues = [m for m in cues if not _inside_quote(text, m.start()) or _quoted_pledge(text, m)]
        if sentence.role in {"title", "bullet"} or (sentence.paragraph <= 2 and sentence.role == "body"):
            h = _HEADLINE_TO.match(text)
            # "Iran and Pakistan will reopen the gate to pilgrims": a subject with a cue of its own is a clause;
            # "Iran's foreign ministry called on Islamabad to secure their release" asks the other side to act
            if (
                h
                and not any(c.start() < h.end("subj") for c in cues)
                and not _DEMAND.search(h.group("subj"))
                and (COUNTRY_WORDS.get(h.group("subj").split()[0].casefold()) or _PARTY_WORDS.search(h.group("subj")))
            ):
                cues.insert(0, h)
        if not cues:
            if forward_section and not _RHETORIC.search(text):
                cues = [None]  # type: ignore[list-item]
            else:
                continue
        if _RHETORIC.search(text) and not any(
            c is not None and c.group(0).strip().casefold() in {"will", "agreed", "plan"} for c in cues
        ):
            continue
        last_end = -1
        for index, cue in enumerate(cues):
            if cue is None:
                cue_start, cue_end, subject, subject_start = 0, 0, "", sentence.start
            elif cue.re is _HEADLINE_TO:
                cue_start, cue_end = cue.start("verb"), cue.start("verb")
                subject, subject_start = cue.group("subj"), sentence.start + cue.start("subj")
            else:
                cue_start, cue_end = cue.start(), cue.end()
                if cue_start < last_end:
                    continue
                subject, rel = _subject(text, cue_start)
                cut = sentence.dateline_end - sentence.start if sentence.dateline_end is not None else -1
                if rel < cut < cue_start:
                    # "TEHRAN, Dec. 22 (IRNA) – Iran and Pakistan have agreed": the dateline is not the subject
                    subject, rel = _subject(text[cut:], cue_start - cut)
                    rel += cut
                subject_start = sentence.start + rel
            joined = cue is not None and cue.group(0).rstrip().endswith("that")
            nxt = next(
                (
                    c.start()
                    for c in cues[index + 1 :]
                    if c is not None
                    and c.re is not _HEADLINE_TO
                    and c.start() > cue_end + 3
                    and not c.group(0).casefold().startswith("targeting")
                    and not (joined and re.match(r"(?:would|will|to be|shall)\b", c.group(0), re.I))
                ),
                len(text),
            )
            last_end = nxt
            parts = _split_parts(text, cue_end, nxt) if cue is not None else [(0, len(text))]
            if cue is not None and nxt < len(text):
                # "… within three months, and intelligence on militant movements [will be shared]": the words
                # after the last "and" are the next cue's subject, not part of this commitment
                tail = _NEXT_SUBJECT.search(text, parts[-1][0], parts[-1][1])
                if tail is not None and tail.start() > parts[-1][0]:
                    parts[-1] = (parts[-1][0], tail.start())
            if cue is not None:
                parts = [piece for part in parts for piece in _split_deadlines(sentence, anchor, *part)]
            for part_start, part_end in parts:
                self_due = _due(sentence, anchor, part_start, part_end)
                if self_due[0] is None and self_due[1] is None and index == 0 and cue is not None:
                    # a due phrase before the first cue: "In December, the committees will meet"
                    self_due = _due(sentence, anchor, 0, cue_start)
                _emit(
                    out,
                    seen,
                    sentence,
                    text,
                    cue,
                    cue_start,
                    part_start,
                    part_end,
                    subject,
                    subject_start,
                    parties,
                    default_actor,
                    self_due,
                )
    return _drop_restated_headlines(out, article)


def _stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]{3,}", text.casefold()) if w not in _FUNCTION_WORDS}


_FUNCTION_WORDS = {"the", "and", "for", "with", "more", "from", "into", "their", "will", "agree", "agreed", "would"}


def _drop_restated_headlines(out: list[dict[str, Any]], article: Article) -> list[dict[str, Any]]:
    """A headline's commitment that the body states again in full ("X, Y agree on joint patrol SOPs") is
    dropped: the body's version has the actor, the due date and the sentence."""
    title = next((s for s in article.story() if s.role == "title"), None)
    if title is None:
        return out
    in_title = [c for c in out if title.start <= c["spans"]["sentence"][0] < title.end]
    body_words: set[str] = set()
    for c in out:
        if c not in in_title:
            body_words |= _stems(c["text"])
    kept = []
    for c in out:
        words = _stems(c["text"])
        if c in in_title and words and len(words & body_words) >= max(2, (len(words) + 1) // 2):
            continue
        kept.append(c)
    return kept


# ", the Ministry of Interior said …", ", a spokesman told reporters": the reporting clause after a commitment; not
# the verb as an adjective after an article, a possessive or "with" ("with added patrols", "the announced zone")
_SAYER = re.compile(
    r",\s+(?:[\w'\u2019\-]+,?\s+){0,8}?"
    r"(?<!\bthe )(?<!\bThe )(?<!\ba )(?<!\ban )(?<!\bwith )(?<!\bits )(?<!\btheir )(?<!\bnewly )"
    r"(?:said|told|announced|added)\b.*$"
)
# ", and intelligence on militant movements" before another cue: that cue's subject
_NEXT_SUBJECT = re.compile(r",\s+(?:and|while|but)\s+(?:[\w'\u2019\-]+\s+){0,6}?[\w'\u2019\-]+\s*$")
# "will be formed", "is to be held": the subject is what is planned, not who plans it
_PASSIVE = re.compile(
    r"(?:(?:will|shall|would)\s+be|(?:is|are)\s+to\s+be|to\s+be)\s+(?:[a-z]+(?:ed|en)|held|set|built|made|done|run)\b"
)


def _split_parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """One commitment body per 'and to VERB' / ', and will VERB' coordinated clause."""
    cuts = [start]
    for m in re.finditer(r"(?:,\s*)?\band\s+(?:to|will|would|also)\s+(?=[a-z])", text[start:end]):
        cuts.append(start + m.start())
        cuts.append(start + m.end())
    cuts.append(end)
    parts = []
    for i in range(0, len(cuts) - 1, 2):
        parts.append((cuts[i], cuts[i + 1]))
    return parts


# the verbs of a pledge, as after "would" in _CUE
_PLEDGE_VERB = re.compile(
    r"(?:,\s*)?\band\s+(?=(?:meet|hold|host|set up|establish|launch|open|reopen|deploy|share|increase|expand|sign|"
    r"implement|conduct|exchange|strengthen|complete|finish|build|construct|resume|visit|finalise|finalize|supply|"
    r"provide|start|begin|raise|boost|extend|train|send|restore|upgrade|operationali[sz]e|install|fence|connect|"
    r"release|hand over|form|appoint|introduce|station)\s)"
)


def _split_deadlines(sentence: Sentence, anchor: date | None, start: int, end: int) -> list[tuple[int, int]]:
    """ "open two border markets by the end of December and resume trade within 45 days": each pledge with a
    deadline of its own is one commitment. The body is cut at "and VERB" only after a due phrase, so "review and
    monitor the markets by March" stays whole."""
    text = sentence.text
    for m in _PLEDGE_VERB.finditer(text, start, end):
        if _due(sentence, anchor, start, m.start())[0] is not None:
            return [(start, m.start()), *_split_deadlines(sentence, anchor, m.end(), end)]
    return [(start, end)]


def _emit(
    out: list[dict[str, Any]],
    seen: set[str],
    sentence: Sentence,
    text: str,
    cue: Any,
    cue_start: int,
    part_start: int,
    part_end: int,
    subject: str,
    subject_start: int,
    parties: list[str],
    default_actor: str | None,
    due_info: tuple[str | None, str | None, tuple[int, int] | None, str | None],
) -> None:
    due, recurrence, due_span, due_text = due_info
    body = text[part_start:part_end].strip(" ,;.")
    if cue is not None and _inside_quote(text, cue_start):
        # a quoted pledge ends with the quotation: '… by June," the minister told the Senate'
        body = re.split(r"[,.]?[\"\u201d]", body, maxsplit=1)[0].strip(" ,;.")
    body = re.sub(r"^(?:to|that|on|of)\s+", "", body)
    body = re.sub(r",?\s+and(?:\s+(?:renewed|reaffirmed|also))?$", "", body)
    # "…, the Ministry of Interior said after a meeting …": who reported it, not what was agreed
    body = _SAYER.sub("", body)
    # "set up a joint border commission that [will meet every three months]": the next cue's clause
    body = re.sub(r",?\s+(?:that|which|who)$", "", body)
    # "… by mid-2026, and Pakistan [will export …]": the next clause's subject is not part of this one
    body = re.sub(r",?\s+(?:and|while|but)\s+(?:the\s+)?(?:[A-Z][\w'\u2019\-]*\s*){1,4}$", "", body)
    if cue is None:
        body = text.strip()
    if len(body.split()) < 2:
        return
    if subject and re.search(r"\b(?:nation would|it was)\b", subject):
        subject = ""
    if re.fullmatch(r"(?:it|this|that|which|there)", subject, re.I) or len(subject.split()) > 10:
        subject = ""
    first_person = bool(re.fullmatch(r"(?:we|our [a-z ]+)", subject, re.I))
    if first_person and parties:
        found = parties[:1]  # "We will deploy …" in an official's quote: the article's first party speaks
    else:
        found = actor_parties(subject, parties) if subject else list(parties)
        if len(found) < 2 and re.search(
            r"\b(?:the two|both) (?:countries|sides|nations|governments|neighbours)\b", subject, re.I
        ):
            # "cooperation with Pakistan …, and the two countries would hold …": the sentence names the other one
            for word in re.findall(r"[A-Za-z']+", sentence.text):
                code = COUNTRY_WORDS.get(word.casefold())
                if code and code not in found:
                    found.append(code)
    bare = re.sub(r"\b(?:in|at|to|from|near|for|with)\s+[A-Z][\w']+", "", subject)
    names_party = bool(subject) and (
        first_person
        or _PARTY_WORDS.search(bare) is not None
        or any(COUNTRY_WORDS.get(w.casefold()) for w in re.findall(r"[A-Za-z']+", bare))
    )
    passive = cue is not None and _PASSIVE.match(text, cue_start) is not None
    if subject and (passive or not names_party) and cue is not None and cue.re is not _HEADLINE_TO:
        # "A bilateral summit in Tehran is slated for Q1 2026": the subject is the plan, not its actor
        start = subject_start - sentence.start
        whole = text[start:part_end].strip(" ,;.")
        if whole and len(whole) < 200:
            body = whole
            part_start = start
    actor_text = subject or None
    actor = " and ".join(_NAMES.get(p, p) for p in found) if found else (subject or default_actor)
    if actor_text and actor and actor_text.casefold() != actor.casefold():
        actor_label = f"{actor} ({actor_text})"
    else:
        actor_label = actor or actor_text or ""
    key = body.casefold()
    if key in seen:
        return
    seen.add(key)
    spans: dict[str, Any] = {
        "sentence": [sentence.start, sentence.end],
        "actor": [subject_start, subject_start + len(subject)] if subject else None,
        "text": [sentence.start + part_start, sentence.start + part_end]
        if cue is not None
        else [sentence.start, sentence.end],
        "due": list(due_span) if due_span else None,
    }
    out.append(
        {
            "actor": actor_label,
            "actor_text": actor_text,
            "parties": found,
            "text": body,
            "due": due,
            "due_text": due_text,
            "recurrence": recurrence,
            "cue": cue.group(0).strip()
            if cue is not None and cue.re is not _HEADLINE_TO
            else ("to" if cue is not None else "section"),
            "spans": spans,
        }
    )


_QUOTED_PLEDGE = re.compile(
    r"[\"\u201c]\s*(?:(?:and|so)\s+)?(?:We|Our [a-z]+(?: [a-z]+)?|Pakistan|Iran|Islamabad|Tehran|Both countries|"
    r"The two countries|The two sides)\s+(?:will|shall|are going to|plan to|have agreed to|pledge to)\s+"
    r"(?!not\b|never\b|be\b|lie\b|remain\b|continue to be\b|respond\b|retaliate\b|not\b)$"
)


def _quoted_pledge(text: str, cue: re.Match[str]) -> bool:
    """'"We will deploy 1,000 more troops by June," the minister said': a pledge in a party's own words."""
    head = text[: cue.end()]
    verb = re.match(r"\s*([a-z]+)", text[cue.end() :])
    if verb is None or verb.group(1) in {"not", "never", "be", "lie", "remain", "respond", "retaliate", "continue"}:
        return False
    return bool(_QUOTED_PLEDGE.search(head + " "))


def _inside_quote(text: str, pos: int) -> bool:
    before = text[:pos]
    if before.count('"') % 2 == 1:  # inside a straight-quoted passage
        return True
    return before.count("\u201c") > before.count("\u201d")
