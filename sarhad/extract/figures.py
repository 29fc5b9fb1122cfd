"""Figures: the quantities an article states, with value and unit.

"USD 2.5 billion" → 2500000000 USD; "$5 billion annually" → 5000000000 "USD per year"; "PKR 500 million" /
"Rs500m" → 500000000 PKR; "959-kilometre border" → 959 km; "40%" → 40 percent; "1,000 terrorism-related deaths"
→ 1000 deaths; "293 attacks" → 293 attacks; "404 people dead" → 404 deaths; "569 injured" → 569 injured;
"18 Jaish al-Adl terrorists were killed" → 18 militants; "12 agreements" → 12 agreements. The unit of a
count is its head noun, normalised (:func:`normalise_unit`). Victim counts that became an incident's toll,
dates, years, times and ages are not figures.
"""

from __future__ import annotations

import re
from typing import Any

from sarhad.extract.article import Article
from sarhad.extract.casualties import ATTACKER_NOUNS, Casualty
from sarhad.extract.features import SentenceFeatures

__all__ = ["extract_figures", "normalise_unit"]

_CURRENCY_BEFORE = re.compile(r"(?P<cur>US\$|USD|\$|Rs\.?|PKR|IRR|EUR|€|£|GBP|CNY|AED|AFN)\s*$", re.I)
_CURRENCY_AFTER = re.compile(
    r"^\s*(?P<cur>(?:US\s+)?dollars|rupees|rials|tomans|euros|pounds|yuan|dirhams|afghanis)\b", re.I
)
_CURRENCY_CODE = {
    "us$": "USD",
    "usd": "USD",
    "$": "USD",
    "rs": "PKR",
    "rs.": "PKR",
    "pkr": "PKR",
    "irr": "IRR",
    "eur": "EUR",
    "€": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "cny": "CNY",
    "aed": "AED",
    "afn": "AFN",
    "dollars": "USD",
    "us dollars": "USD",
    "rupees": "PKR",
    "rials": "IRR",
    "tomans": "IRT",
    "euros": "EUR",
    "pounds": "GBP",
    "yuan": "CNY",
    "dirhams": "AED",
    "afghanis": "AFN",
}
_PER_YEAR = re.compile(
    r"^[\s,]*(?:(?:\w+\s+){0,3}?)(?:annually|a year(?!\s+(?:earlier|ago|before|later|back|on))|per year|"
    r"per annum|each year|every year|yearly)\b",
    re.I,
)
_GENERIC_VICTIMS = {"people", "persons", "others", "individuals", "dead", "killed", "injured", "wounded", "hurt"}
_ANNUAL_BEFORE = re.compile(
    r"\b(?:annual|yearly)\s+(?:[\w\-]+\s+){0,3}?(?:of\s+)?(?:about\s+|around\s+|some\s+|nearly\s+)?$", re.I
)
# "fatalities … rose by 34 percent in 2025 to 3,417": the subject counts the number
_TREND_SUBJECT = re.compile(
    r"\b(?P<noun>[a-z\-]+s)\s+(?:in\s+[A-Z][\w\-]*\s+)?(?:has |have |had )?(?:rose|risen|fell|fallen|increased|"
    r"decreased|dropped|climbed|jumped|declined|grew|grown|went up|came down)\b[^;.]{0,50}?\sto\s+$"
)
_TREND_TO = re.compile(
    r"\bnumber of (?:[a-z\-]+\s+){0,2}?(?P<noun>[a-z\-]+s)\b[^,;.\d]{0,80}?\s(?:to|at|reached|reach|reaches)\s+$"
)
_MEASURE = re.compile(
    r"^\s*(?:-|\s)?(?P<u>kilomet(?:re|er)s?|km|kms|miles?|met(?:re|er)s?|m\b|kilograms?|kg|tonnes?|tons?|percent|pc\b|"
    r"per cent|%|"
    r"minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|decades?|acres?|hectares?|square kilomet(?:re|er)s?|sq km|"
    r"megawatts?|MW|barrels?|litres?|liters?|cubic met(?:re|er)s?)(?![\w])",
    re.I,
)
_MEASURE_UNIT = {
    "kilometre": "km",
    "kilometres": "km",
    "kilometer": "km",
    "kilometers": "km",
    "km": "km",
    "kms": "km",
    "mile": "miles",
    "miles": "miles",
    "metre": "m",
    "metres": "m",
    "meter": "m",
    "meters": "m",
    "m": "m",
    "kilogram": "kg",
    "kilograms": "kg",
    "kg": "kg",
    "tonne": "tonnes",
    "tonnes": "tonnes",
    "ton": "tonnes",
    "tons": "tonnes",
    "percent": "percent",
    "pc": "percent",
    "per cent": "percent",
    "%": "percent",
    "minute": "minutes",
    "minutes": "minutes",
    "min": "minutes",
    "mins": "minutes",
    "hour": "hours",
    "hours": "hours",
    "hr": "hours",
    "hrs": "hours",
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
    "year": "years",
    "years": "years",
    "decade": "decades",
    "decades": "decades",
    "acre": "acres",
    "acres": "acres",
    "hectare": "hectares",
    "hectares": "hectares",
    "sq km": "km2",
    "square kilometre": "km2",
    "square kilometres": "km2",
    "square kilometer": "km2",
    "square kilometers": "km2",
    "megawatt": "MW",
    "megawatts": "MW",
    "mw": "MW",
    "barrel": "barrels",
    "barrels": "barrels",
    "litre": "litres",
    "litres": "litres",
    "liter": "litres",
    "liters": "litres",
}
_SKIP_WORDS = {
    "the",
    "a",
    "an",
    "of",
    "and",
    "or",
    "to",
    "in",
    "on",
    "at",
    "for",
    "by",
    "with",
    "from",
    "per",
    "were",
    "was",
    "are",
    "is",
    "have",
    "has",
    "had",
    "been",
    "be",
    "that",
    "which",
    "who",
    "as",
    "than",
    "more",
    "over",
}
_UNIT_SYNONYMS = {
    "dead": "deaths",
    "death": "deaths",
    "deaths": "deaths",
    "killed": "deaths",
    "fatalities": "deaths",
    "fatality": "deaths",
    "lives": "deaths",
    "killings": "deaths",
    "martyred": "deaths",
    "casualties": "casualties",
    "injured": "injured",
    "wounded": "injured",
    "hurt": "injured",
    "injuries": "injured",
    "injury": "injured",
    "terrorists": "militants",
    "terrorist": "militants",
    "militants": "militants",
    "militant": "militants",
    "insurgents": "militants",
    "attackers": "militants",
    "khawarij": "militants",
    "khwarij": "militants",
    "assailants": "militants",
    "outlaws": "militants",
    "gunmen": "militants",
    "fighters": "militants",
    "incidents": "attacks",
    "attack": "attacks",
    "attacks": "attacks",
    "persons": "people",
    "person": "people",
    "individuals": "people",
    "people": "people",
    "mous": "agreements",
    "memoranda": "agreements",
    "accords": "agreements",
    "agreements": "agreements",
    "pacts": "agreements",
    "kilometre": "km",
    "kilometres": "km",
    "km": "km",
    "per cent": "percent",
    "%": "percent",
    "percent": "percent",
    "usd per year": "USD per year",
    "usd a year": "USD per year",
    "usd annually": "USD per year",
    "usd/year": "USD per year",
}


def normalise_unit(unit: str | None) -> str:
    """A comparable form of a unit: synonyms merged ("dead"/"killed" → deaths, "terrorists" → militants)."""
    if not unit:
        return ""
    u = unit.strip()
    low = u.casefold()
    if low in _UNIT_SYNONYMS:
        return _UNIT_SYNONYMS[low]
    if u.isupper() or low in {"usd per year"}:
        return u
    if low in _MEASURE_UNIT:
        return _MEASURE_UNIT[low]
    words = low.split()
    if len(words) > 1 and words[-1].isalpha():
        # a counted noun with modifiers compares by its head: "suicide attacks" ~ "attacks"
        return normalise_unit(words[-1])
    return low


def _head_noun(after: str) -> tuple[str | None, int]:
    """The counted noun after a number ("Iranian pilgrims crossed" → pilgrims, "185 were soldiers" → soldiers)."""
    pos = 0
    predicate = re.match(r"\s+(?:were|are)\s+(?=\w)", after)
    if predicate and not re.match(
        r"\s+(?:were|are)\s+(?:killed|injured|wounded|hurt|dead|also|later|reported)\b", after
    ):
        noun, end = _head_noun(after[predicate.end() :])
        if noun:
            return noun, predicate.end() + end
    for m in re.finditer(r"[A-Za-z][\w'\u2019\-]*", after[:80]):
        word = m.group(0)
        low = word.casefold()
        if m.start() - pos > 3 and pos:
            break
        if re.search(r"[,;:.()]", after[pos : m.start()]):
            break  # "revised the count to five, officials said": the next clause's noun is not what was counted
        if low == "more" and not re.match(r"\s+than\b", after[m.end() :]):
            pos = m.end()  # "five more border markets"
            continue
        if low in _SKIP_WORDS and low not in {"of"}:
            return None, 0
        if low == "of":
            pos = m.end()
            continue
        if low in {"killed", "dead", "injured", "wounded", "hurt"}:
            return low, m.end()
        if low in {"memoranda", "mous"}:  # plurals the suffix rule below misses ("eight MoUs")
            return word, m.end()
        if (
            re.search(r"(?:s|people|children|men|women|police|personnel|staff|militia|khawarij|khwarij)$", low)
            and not word[0].isupper()
        ):
            if low.endswith("ss") or low in {"was", "has", "is", "as", "this", "its", "us", "across", "thus"}:
                return None, 0
            return word, m.end()
        if word.isupper() and len(word) >= 3 and low.endswith("s"):
            return word, m.end()
        pos = m.end()
    return None, 0


def extract_figures(article: Article, features: list[SentenceFeatures], used: set[int]) -> list[dict[str, Any]]:
    """The article's figures; ``used`` holds the start offsets of numbers that became incident tolls."""
    text = article.text
    out: list[dict[str, Any]] = []
    seen: set[tuple[float, str]] = set()
    for f in features:
        casualty_at: dict[int, Casualty] = {c.number.start + f.sentence.start: c for c in f.casualties}
        previous: tuple[int, str] | None = None  # (end, unit) of the sentence's last figure
        for n in f.numbers:
            if n.is_year or n.start in used:
                continue
            if n.text.casefold() in {"one", "a couple", "a couple of", "several", "a few"}:
                continue
            if re.fullmatch(r"(?:dozens|scores|hundreds|thousands)(?: of)?", n.text.casefold()):
                continue  # "dozens of attackers": a manner of speaking, not a count
            before = text[max(0, n.start - 12) : n.start]
            after = text[n.end : min(n.end + 100, f.sentence.end)]  # a title's next line is the source's URL
            if re.search(
                r"(?:\bNo\.|\b[Nn]umber|#|\bQ|\bH|\bFY|\b[Pp]age|\bArticle|\bSection|\bMi-|\bF-|\bJF-)\s*$", before
            ):
                continue
            if n.is_word and re.search(r"\b(?:the|these|those|both)\s+$", before, re.I):
                continue
            if re.match(r"\s*of\s+(?:them|whom)\b", after):
                continue
            if re.match(r"\s*(?:-year-old|years? old|-member|th\b|st\b|nd\b|rd\b|/\d)", after):
                continue
            value = float(n.value)
            unit: str | None = None
            end = n.end
            cur = _CURRENCY_BEFORE.search(text[max(0, n.start - 6) : n.start])
            cur_after = _CURRENCY_AFTER.match(after)
            start = n.start
            if cur:
                unit = _CURRENCY_CODE[cur.group("cur").casefold()]
                start = n.start - (len(text[max(0, n.start - 6) : n.start]) - cur.start())
            elif cur_after:
                unit = _CURRENCY_CODE[re.sub(r"\s+", " ", cur_after.group("cur").casefold())]
                end = n.end + cur_after.end()
            if unit:
                rate = _PER_YEAR.match(text[end : end + 40])
                if rate:
                    unit = f"{unit} per year"
                    end += rate.end()
                elif _ANNUAL_BEFORE.search(text[max(0, start - 50) : start]):
                    unit = f"{unit} per year"  # "an annual trade target of $5 billion"
            if unit is None:
                measure = _MEASURE.match(after)
                if measure:
                    raw = measure.group("u").casefold()
                    unit = _MEASURE_UNIT.get(raw, raw)
                    end = n.end + measure.end()
                    if unit in {"years", "months", "days", "weeks"} and re.match(
                        r"\s*(?:ago|earlier|later|after|before)\b", text[end : end + 10]
                    ):
                        continue
            casualty = casualty_at.get(n.start - 0)
            if unit is None:
                noun, consumed = _head_noun(after)
                if casualty is not None and casualty.measure in {"killed", "wounded"}:
                    if casualty.who == "attackers" or (noun and re.fullmatch(ATTACKER_NOUNS, noun, re.I)):
                        unit = "militants"
                    elif casualty.noun == "" and noun and noun.casefold() not in _GENERIC_VICTIMS:
                        unit = noun.casefold()  # "killed 62 members of the security forces and 31 civilians"
                    elif casualty.noun in {"", "people", "persons", "others", "individuals"} or noun in {
                        "dead",
                        "killed",
                        "injured",
                        "wounded",
                        "hurt",
                    }:
                        unit = "deaths" if casualty.measure == "killed" else "injured"
                    else:
                        unit = (noun or casualty.noun).casefold()
                    end = max(end, n.end + consumed)
                elif noun:
                    unit = noun.casefold()
                    end = n.end + consumed
            if unit is None:
                # "the number of suicide attacks had fallen to three", "attacks … had risen to 68"
                window = text[max(f.sentence.start, n.start - 160) : n.start]
                trend = _TREND_TO.search(window) or _TREND_SUBJECT.search(window)
                if trend:
                    unit = trend.group("noun").casefold()
            if unit is None and previous is not None and n.start - previous[0] < 90:
                # "24 attacks and Khyber Pakhtunkhwa 35", "112 militants …, up from 86": the same unit
                if re.match(
                    r"\s*(?:[,;.)]|$|in\b|during\b|last\b|a year\b|the previous\b|the month\b|"
                    r"respectively\b|while\b|and\b)",
                    after,
                ) and re.search(
                    r"(?:\b(?:from|to|than|with|against|versus|and|while|compared)\s+(?:[A-Z][\w\-]*\s+){0,3}|"
                    r"\b[A-Z][\w\-]*\s+)$",
                    text[previous[0] : n.start],
                ):
                    unit = previous[1]
            if unit is None:
                continue
            unit = {"dead": "deaths", "killed": "deaths", "wounded": "injured", "hurt": "injured"}.get(unit, unit)
            previous = (end, unit)
            key = (value, normalise_unit(unit))
            if key in seen:
                continue
            seen.add(key)
            out.append(
                {
                    "quantity": _quantity(f.sentence.text, n.start - f.sentence.start, end - f.sentence.start),
                    "value": int(value) if value.is_integer() else value,
                    "unit": unit,
                    "qualifier": n.qualifier,
                    "low": n.low,
                    "high": n.high,
                    "span": [start, end],
                }
            )
    return out


def _quantity(sentence: str, s: int, e: int) -> str:
    """A short description: the clause around the number."""
    left = sentence[:s]
    cut = max(left.rfind(", "), left.rfind("; "), left.rfind(": "))
    left = left[cut + 2 :] if cut >= 0 and s - cut < 90 else left[-80:]
    right = sentence[e:]
    stop = re.search(r"[,;.]\s|[,;.]$", right)
    right = right[: stop.start()] if stop else right[:60]
    if len(right) > 70:
        right = right[:70].rsplit(" ", 1)[0]
    return (left + sentence[s:e] + right).strip()
