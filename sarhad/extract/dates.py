"""Date expressions in news text, resolved against the publication date.

``find_dates(text, anchor, direction)`` returns every :class:`DateMention` in ``text``: absolute dates
("November 7, 2025", "7 November 2025", "2025-11-07"), month and year ("December 2025", "in December",
"last December"), years ("in 2024", "by 2026"), quarters ("Q1 2026", "the first quarter of 2026"), weekdays
("on Saturday", "Monday evening", "Thursday overnight"), relative days and weeks ("yesterday", "last week",
"earlier this month", "two days ago"), horizons ("in the next five years", "within six months", "by the end of
the year"), offsets from another event ("a week after", "two days before") and recurrences ("every quarter",
"quarterly"). ``direction`` says which way an ambiguous expression points: ``"past"`` for events ("on
Saturday" is the last Saturday on or before the anchor), ``"future"`` for plans ("in December" is the next
December).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from sarhad.extract import solar_hijri

__all__ = ["DateMention", "find_dates", "parse_iso_date"]

_MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_SMALL = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a couple of": 2,
    "several": 3,
    "a few": 3,
}


def _every_n(unit: str) -> str | None:
    """ "two months" → P2M, "18 months" → P18M, "two weeks" → P2W: the period of "every N units"."""
    m = re.fullmatch(r"(\w+)\s+(weeks|months|years)", unit)
    if not m:
        return None
    n = int(m.group(1)) if m.group(1).isdigit() else _SMALL.get(m.group(1), {"eighteen": 18}.get(m.group(1)))
    return f"P{n}{m.group(2)[0].upper()}" if n else None


_ORDINAL_Q = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "final": 4,
    "last": 4,
}

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_COUNT = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a couple of|several|a few|\d{1,3})"
_UNIT = r"(?:day|week|month|year|fortnight)s?"
# the Iranian calendar's months ("on 12 Esfand", "Bahman 24, 1404"), only beside a day: "Mehr" or "Dey" alone is
# a word or a name
_HIJRI_MONTH = (
    r"(?:Farvardin|Ordibehesht|Khordad|Tir|Mordad|Amordad|Shahrivar|Mehr|Aban|Azar|Dey|Dei|Bahman|Esfand|Isfand)"
)
_HIJRI_YEAR = r"1[34]\d\d"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "time",
        re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:[AaPp]\.?[Mm]\.?|hours|hrs)?(?![\d])|\b\d{1,2}\s*[AaPp]\.?[Mm]\b\.?"),
    ),
    ("iso", re.compile(rf"\b(?P<y>{_YEAR})-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    (
        "mdy",
        re.compile(rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?\b(?P<mon>{_MONTH})\s+(?P<d>{_DAY})(?:,?\s+(?P<y>{_YEAR}))?(?![\d])"),
    ),
    (
        "dmy",
        re.compile(
            rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?\b(?P<d>{_DAY})\s+(?:of\s+)?(?P<mon>{_MONTH})(?:,?\s+(?P<y>{_YEAR}))?\b"
        ),
    ),
    (
        "hijri",
        re.compile(
            rf"\b(?:(?P<d>{_DAY})\s+(?:of\s+)?(?P<mon>{_HIJRI_MONTH})|(?P<mon2>{_HIJRI_MONTH})\s+(?P<d2>{_DAY}))"
            rf"(?:,?\s+(?P<y>{_HIJRI_YEAR}))?(?![\w-])"
        ),
    ),
    (
        "quarter",
        re.compile(
            rf"\b(?:(?P<qn>Q[1-4]|H[12])[\s,/-]*(?P<y>{_YEAR})|(?P<y2>{_YEAR})[\s-]*(?P<qn2>Q[1-4])|"
            rf"(?:the\s+)?(?P<ord>first|second|third|fourth|final|last|1st|2nd|3rd|4th)\s+(?P<unit>quarter|half)"
            rf"(?:\s+of\s+(?:(?P<y3>{_YEAR})|(?P<rel>this|next|the)\s+(?:year|fiscal year)))?)\b",
            re.I,
        ),
    ),
    (
        "monthyear",
        re.compile(
            rf"(?:\b(?P<mod>early|mid|late|end|end of|the end of|beginning of|the beginning of|start of)[\s-]+)?"
            rf"\b(?P<mon>{_MONTH})(?:,)?\s+(?P<y>{_YEAR})\b"
        ),
    ),
    (
        "monthrel",
        re.compile(
            rf"\b(?:(?i:in|during|since|by|of)\s+)?(?P<mon>{_MONTH})(?:\s+of)?\s+(?P<rel>(?i:last|this|next|"
            rf"the previous|the following|the same))\s+(?i:year)\b"
        ),
    ),
    (
        "relmonth",
        re.compile(
            rf"\b(?P<prep>(?i:in|last|this|next|since|during|until|till|by|from|of|early|mid|late|on|coming|"
            rf"earlier in|later in|in early|in mid|in late|in mid-|in the month of))[\s-]+(?P<mon>{_MONTH})\b(?!\s*\d)"
        ),
    ),
    (
        "weekday",
        re.compile(
            rf"\b(?:(?P<pre>last|this|next|on|late|early|coming|on the night of)\s+)?(?P<wd>{_WEEKDAY})"
            r"(?:\s+(?P<part>morning|afternoon|evening|night|overnight|midnight))?\b",
            re.I,
        ),
    ),
    (
        "relday",
        re.compile(
            r"\b(?P<w>today|yesterday|tonight|last night|the previous day|the day before|earlier today|"
            r"overnight|this morning|this evening|the previous night|day before yesterday)\b",
            re.I,
        ),
    ),
    (
        "ago",
        re.compile(
            rf"\b(?P<n>{_COUNT})\s+(?P<unit>{_UNIT})\s+(?P<dir>ago|earlier|back|later|after|before|since)\b", re.I
        ),
    ),
    (
        "relperiod",
        re.compile(
            r"\b(?P<pre>last|this|next|earlier this|later this|the previous|the past|the coming|past|previous|"
            r"the same)\s+(?P<unit>week|month|year|fortnight|weekend)\b",
            re.I,
        ),
    ),
    (
        "horizon",
        re.compile(
            rf"\b(?P<pre>in the next|over the next|within the next|within|in the coming|during the next|in)\s+"
            rf"(?P<n>{_COUNT})\s+(?P<unit>{_UNIT})\b",
            re.I,
        ),
    ),
    (
        "yearend",
        re.compile(
            rf"\b(?:by\s+)?(?:the\s+)?end(?:\s+of|-)\s*(?:(?P<y>{_YEAR})|(?P<rel>this|the|next)\s+year|"
            rf"(?P<mrel>the|this|next|the current)\s+month)\b",
            re.I,
        ),
    ),
    (
        "fiscal",
        re.compile(
            rf"\b(?:FY|fiscal year)\s*(?P<y>{_YEAR})(?:[-/](?P<y2>\d\d))?\b|\b(?P<y3>{_YEAR})[-/](?P<y4>\d\d)\b"
        ),
    ),
    ("year", re.compile(rf"(?<![\d,.])(?<!\d-)(?P<y>{_YEAR})(?!\d|,\d|-\d)")),
    (
        "recur",
        re.compile(
            r"\b(?:every|each)\s+(?P<unit>quarter|month|year|week|fortnight|(?:two|three|four|six|eight|nine|twelve|"
            r"eighteen|\d{1,2})\s+(?:weeks|months|years))\b|"
            r"\b(?P<adv>quarterly|monthly|annually|biannually|biennially|weekly|fortnightly|twice a year|once a year|"
            r"every year|twice a month|once a month)\b",
            re.I,
        ),
    ),
    (
        "vague",
        re.compile(
            r"\b(?:in|over|during)\s+(?:the\s+)?(?:past|last|recent|coming)\s+(?:few\s+)?(?:years|months|weeks|"
            r"decades?)\b|"
            r"\bover recent years\b|\bin recent (?:years|months|weeks)\b|\bsoon\b|\bat an early date\b|\bimmediately\b",
            re.I,
        ),
    ),
]


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression. ``value`` is the best day; ``earliest``/``latest`` bound it."""

    start: int
    end: int
    text: str
    kind: str  # absolute | relative | weekday | offset | recurrence | horizon | vague | time
    precision: str  # day | week | month | quarter | half | year | none
    value: date | None = None
    earliest: date | None = None
    latest: date | None = None
    offset_days: int | None = None  # for kind == "offset": days after (+) or before (-) another event
    recurrence: str | None = None  # P3M, P1M, P1Y, P1W, P6M
    explicit_year: bool = True

    def iso(self) -> str | None:
        """YYYY-MM-DD, YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY, by precision; None when there is no date."""
        if self.value is None:
            return None
        if self.precision in {"day"}:
            return self.value.isoformat()
        if self.precision in {"week", "month"}:
            return self.value.strftime("%Y-%m")
        if self.precision == "quarter":
            return f"{self.value.year}-Q{(self.value.month - 1) // 3 + 1}"
        if self.precision == "half":
            return f"{self.value.year}-H{1 if self.value.month <= 6 else 2}"
        if self.precision == "year":
            return str(self.value.year)
        return None


def parse_iso_date(text: str) -> date | None:
    """A date from 'YYYY-MM-DD', 'November 9, 2024', '9 November 2024' or 'Updated 29 August 2023'; else None."""
    text = text.strip()
    m = re.search(rf"\b({_YEAR})-([01]\d)-([0-3]\d)\b", text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    for kind in ("mdy", "dmy"):
        pattern = dict(_PATTERNS)[kind]
        m2 = pattern.search(text)
        if m2 and m2.group("y"):
            try:
                return date(int(m2.group("y")), _month(m2.group("mon")), _day(m2.group("d")))
            except ValueError:
                return None
    return None


def _month(text: str) -> int:
    return _MONTHS[text.rstrip(".").casefold()]


def _day(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _count(text: str) -> int:
    text = text.casefold()
    return _SMALL.get(text, int(text) if text.isdigit() else 1)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _month_mention(m: re.Match[str], year: int, month: int, explicit: bool, kind: str = "absolute") -> DateMention:
    first = date(year, month, 1)
    return DateMention(
        m.start(), m.end(), m.group(0), kind, "month", first, first, _month_end(year, month), explicit_year=explicit
    )


def _pick_year(month: int, day: int, anchor: date, direction: str) -> int:
    """The year that puts (month, day) nearest the anchor on the side ``direction`` points to."""
    options = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            options.append(date(year, month, day))
        except ValueError:
            continue
    if direction == "future":
        future = [d for d in options if d >= anchor - timedelta(days=3)]
        return min(future, key=lambda d: d - anchor).year if future else anchor.year
    past = [d for d in options if d <= anchor + timedelta(days=3)]
    return max(past).year if past else anchor.year


_MONTH_KEYS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_GATES: dict[str, tuple[str, ...]] = {
    "time": (":", "am", "pm", "hrs", "hours"),
    "iso": ("-",),
    "mdy": _MONTH_KEYS,
    "dmy": _MONTH_KEYS,
    "hijri": tuple(solar_hijri.MONTHS),
    "quarter": ("q1", "q2", "q3", "q4", "h1", "h2", "quarter", "half"),
    "monthyear": _MONTH_KEYS,
    "relmonth": _MONTH_KEYS,
    "monthrel": ("year",),
    "weekday": ("day",),
    "relday": (
        "today",
        "yesterday",
        "tonight",
        "night",
        "previous day",
        "day before",
        "overnight",
        "this morning",
        "this evening",
    ),
    "ago": ("ago", "earlier", "back", "later", "after", "before", "since"),
    "relperiod": ("week", "month", "year", "fortnight"),
    "horizon": ("day", "week", "month", "year", "fortnight"),
    "yearend": ("end",),
    "fiscal": ("fy", "fiscal", "/", "-"),
    "year": ("19", "20"),
    "recur": (
        "every",
        "each",
        "quarterly",
        "monthly",
        "annually",
        "biannually",
        "biennially",
        "weekly",
        "fortnight",
        "twice",
        "once",
    ),
    "vague": ("past", "last", "recent", "coming", "soon", "early date", "immediately"),
}
_DIGIT_KINDS = frozenset({"time", "iso", "hijri", "fiscal", "year"})
_ALL_KEYS = sorted({k for keys in _GATES.values() for k in keys}, key=len, reverse=True)
_KEYS_RE = re.compile("(?=(" + "|".join(re.escape(k) for k in _ALL_KEYS) + "))")
_GATE_SETS = {kind: frozenset(keys) for kind, keys in _GATES.items()}


def _present_keys(low: str) -> set[str]:
    """Every gate key in ``low`` (a lookahead scan, so overlapping keys such as "today"/"day" are all found)."""
    return {m.group(1) for m in _KEYS_RE.finditer(low)}


_HAS_DIGIT = re.compile(r"\d")


def find_dates(text: str, anchor: date | None, direction: str = "past") -> list[DateMention]:
    """Every date expression in ``text``, left to right, non-overlapping (the earlier-listed pattern wins)."""
    return list(_find_dates(text, anchor, direction))


def _find_dates(text: str, anchor: date | None, direction: str) -> tuple[DateMention, ...]:
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    low = text.casefold()
    present = _present_keys(low)
    has_digit = _HAS_DIGIT.search(text) is not None

    def free(m: re.Match[str]) -> bool:
        s, e = m.span()
        return not any(s < te and ts < e for ts, te in taken)

    for kind, pattern in _PATTERNS:
        if kind in _DIGIT_KINDS and not has_digit:
            continue
        if _GATE_SETS[kind].isdisjoint(present):
            continue
        for m in pattern.finditer(text):
            if not free(m):
                continue
            mention = _build(kind, m, anchor, direction, text)
            if mention is None:
                continue
            found.append(mention)
            taken.append((mention.start, mention.end))
    found.sort(key=lambda d: d.start)
    return tuple(found)


def _build(kind: str, m: re.Match[str], anchor: date | None, direction: str, text: str) -> DateMention | None:
    s, e, t = m.start(), m.end(), m.group(0)
    if kind == "time":
        return DateMention(s, e, t, "time", "none")
    if kind == "iso":
        try:
            d = date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        except ValueError:
            return None
        return DateMention(s, e, t, "absolute", "day", d, d, d)
    if kind in {"mdy", "dmy"}:
        mon = _month(m.group("mon"))
        day = _day(m.group("d"))
        if not 1 <= day <= 31:
            return None
        if kind == "dmy" and re.match(r"\d+\s+May\b", t) and not m.group("y"):
            pass
        explicit = m.group("y") is not None
        if explicit:
            year = int(m.group("y"))
        elif anchor is not None:
            year = _pick_year(mon, day, anchor, direction)
        else:
            return None
        try:
            d = date(year, mon, day)
        except ValueError:
            return None
        return DateMention(s, e, t, "absolute", "day", d, d, d, explicit_year=explicit)
    if kind == "hijri":
        return _hijri(m, anchor, direction)
    if kind == "quarter":
        y = m.group("y") or m.group("y2") or m.group("y3")
        if m.group("qn") or m.group("qn2"):
            code = (m.group("qn") or m.group("qn2")).upper()
            unit, n = ("half" if code[0] == "H" else "quarter"), int(code[1])
        else:
            unit, n = m.group("unit").casefold(), _ORDINAL_Q[m.group("ord").casefold()]
            if unit == "half":
                n = min(n, 2)
        if y:
            year = int(y)
        elif anchor is not None:
            year = anchor.year + (1 if (m.group("rel") or "").casefold() == "next" else 0)
        else:
            return None
        months = 3 if unit == "quarter" else 6
        first = date(year, (n - 1) * months + 1, 1)
        last = _month_end(year, n * months)
        return DateMention(s, e, t, "absolute", unit, first, first, last, explicit_year=y is not None)
    if kind == "monthyear":
        mention = _month_mention(m, int(m.group("y")), _month(m.group("mon")), True)
        return mention
    if kind == "monthrel":
        if anchor is None:
            return None
        rel = m.group("rel").casefold()
        year = anchor.year + (-1 if rel in {"last", "the previous"} else 1 if rel in {"next", "the following"} else 0)
        mon = _month(m.group("mon"))
        first = date(year, mon, 1)
        return DateMention(s, e, t, "relative", "month", first, first, _month_end(year, mon), explicit_year=False)
    if kind == "relmonth":
        if anchor is None:
            return None
        prep = re.sub(r"\s+", " ", m.group("prep").casefold())
        mon_text = m.group("mon")
        if (
            mon_text in {"May", "March"}
            and prep in {"of", "by", "from", "on"}
            # "by the end of May", "operational by May." : the month, not the verb
            and not re.search(r"\b(?:end|beginning|middle|start|half|week) of\s*$", text[: m.start("mon")])
            and not re.match(r"\s*(?:[,.;)]|$)", text[m.end("mon") :])
        ):
            return None
        mon = _month(mon_text)
        start = m.start("mon") if prep in {"of", "by", "from", "until", "till", "since", "on"} else s
        if prep == "last":
            year = anchor.year if mon < anchor.month else anchor.year - 1
        elif prep in {"next", "coming"}:
            year = anchor.year if mon > anchor.month else anchor.year + 1
        elif prep == "this":
            year = anchor.year
        elif direction == "future" and prep not in {"since", "earlier in"}:
            year = anchor.year if mon >= anchor.month else anchor.year + 1
        else:
            year = anchor.year if mon <= anchor.month else anchor.year - 1
        first = date(year, mon, 1)
        return DateMention(
            start, e, text[start:e], "relative", "month", first, first, _month_end(year, mon), explicit_year=False
        )
    if kind == "weekday":
        if anchor is None:
            return None
        wd = _WEEKDAYS[m.group("wd").casefold()]
        pre = (m.group("pre") or "").casefold()
        if pre in {"next", "coming"} or (direction == "future" and pre != "last"):
            delta = (wd - anchor.weekday()) % 7
            if pre in {"next", "coming"} and delta == 0:
                delta = 7
            d = anchor + timedelta(days=delta)
        else:
            delta = (anchor.weekday() - wd) % 7
            if pre == "last" and delta == 0:
                delta = 7
            d = anchor - timedelta(days=delta)
        return DateMention(s, e, t, "weekday", "day", d, d, d, explicit_year=False)
    if kind == "relday":
        if anchor is None:
            return None
        w = m.group("w").casefold()
        back = {
            "today": 0,
            "tonight": 0,
            "earlier today": 0,
            "this morning": 0,
            "this evening": 0,
            "overnight": 0,
            "yesterday": 1,
            "last night": 1,
            "the previous day": 1,
            "the day before": 1,
            "the previous night": 1,
            "day before yesterday": 2,
        }[w]
        if w in {"the previous day", "the day before", "the previous night"}:
            return DateMention(s, e, t, "offset", "day", offset_days=-1)
        d = anchor - timedelta(days=back)
        return DateMention(s, e, t, "relative", "day", d, d, d, explicit_year=False)
    if kind == "ago":
        n = _count(m.group("n"))
        unit = m.group("unit").casefold().rstrip("s")
        days = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "year": 365}[unit] * n
        direction_word = m.group("dir").casefold()
        precision = (
            "day"
            if unit == "day"
            else ("week" if unit in {"week", "fortnight"} else "month" if unit == "month" else "year")
        )
        if direction_word in {"after", "later", "before", "earlier", "since"} and not (
            direction_word == "earlier" and re.search(r"\bago\b", text[e : e + 6])
        ):
            sign = 1 if direction_word in {"after", "later"} else -1
            if direction_word in {"earlier", "before"} and anchor is not None and _looks_like_ago(text, s):
                pass
            return DateMention(s, e, t, "offset", precision, offset_days=sign * days)
        if anchor is None:
            return None
        if unit == "month":
            d = _add_months(anchor, -n)
        elif unit == "year":
            d = date(anchor.year - n, anchor.month, min(anchor.day, 28))
        else:
            d = anchor - timedelta(days=days)
        slack = 0 if unit == "day" else 3
        return DateMention(
            s, e, t, "relative", precision, d, d - timedelta(days=slack), d + timedelta(days=slack), explicit_year=False
        )
    if kind == "relperiod":
        if anchor is None:
            return None
        pre = m.group("pre").casefold()
        unit = m.group("unit").casefold()
        step = (
            -1
            if pre in {"last", "the previous", "the past", "past", "previous"}
            else 1
            if pre in {"next", "the coming"}
            else 0
        )
        if unit in {"week", "fortnight", "weekend"}:
            monday = anchor - timedelta(days=anchor.weekday())
            first = monday + timedelta(days=7 * step)
            last = first + timedelta(days=6)
            if pre in {"the past", "past"}:
                first, last = anchor - timedelta(days=7), anchor
            best = first + timedelta(days=3) if step else anchor
            if unit == "weekend":
                best = first + timedelta(days=5)
            return DateMention(s, e, t, "relative", "week", best, first, last, explicit_year=False)
        if unit == "month":
            first = _add_months(anchor.replace(day=1), step)
            if pre in {"the past", "past"}:
                return DateMention(s, e, t, "vague", "none")
            return DateMention(
                s, e, t, "relative", "month", first, first, _month_end(first.year, first.month), explicit_year=False
            )
        if pre in {"the past", "past", "the same"}:
            return DateMention(s, e, t, "vague", "none")
        year = anchor.year + step
        return DateMention(
            s, e, t, "relative", "year", date(year, 1, 1), date(year, 1, 1), date(year, 12, 31), explicit_year=False
        )
    if kind == "horizon":
        if anchor is None:
            return None
        n = _count(m.group("n"))
        unit = m.group("unit").casefold().rstrip("s")
        pre = m.group("pre").casefold()
        if pre == "in" and unit == "day" and n < 2:
            return None
        if unit == "year":
            d = date(anchor.year + n, 12, 31)
            return DateMention(s, e, t, "horizon", "year", d, anchor, d, explicit_year=False)
        if unit == "month":
            d = _add_months(anchor, n)
            return DateMention(
                s, e, t, "horizon", "month", d.replace(day=1), anchor, _month_end(d.year, d.month), explicit_year=False
            )
        days = {"day": 1, "week": 7, "fortnight": 14}[unit] * n
        d = anchor + timedelta(days=days)
        return DateMention(s, e, t, "horizon", "day", d, anchor, d, explicit_year=False)
    if kind == "yearend":
        if m.group("y"):
            year = int(m.group("y"))
        elif anchor is not None:
            rel = (m.group("rel") or "").casefold()
            if m.group("mrel"):
                ref = _add_months(anchor.replace(day=1), 1 if m.group("mrel").casefold() == "next" else 0)
                d = _month_end(ref.year, ref.month)
                return DateMention(s, e, t, "horizon", "month", d.replace(day=1), anchor, d, explicit_year=False)
            year = anchor.year + (1 if rel == "next" else 0)
        else:
            return None
        d = date(year, 12, 31)
        return DateMention(
            s, e, t, "horizon", "year", d, d.replace(month=10, day=1), d, explicit_year=m.group("y") is not None
        )
    if kind == "fiscal":
        y = m.group("y") or m.group("y3")
        if not y:
            return None
        year = int(y)
        return DateMention(s, e, t, "absolute", "year", date(year, 7, 1), date(year, 7, 1), date(year + 1, 6, 30))
    if kind == "year":
        year = int(m.group("y"))
        # a number in a list of quantities ("2024 people") is not a year
        after = text[e : e + 12]
        if re.match(r"\s+(?:people|persons|civilians|soldiers|deaths|attacks|km|kilometres|miles)\b", after, re.I):
            return None
        first = date(year, 1, 1)
        return DateMention(s, e, t, "absolute", "year", first, first, date(year, 12, 31))
    if kind == "recur":
        unit = (m.group("unit") or m.group("adv") or "").casefold()
        code = {
            "quarter": "P3M",
            "quarterly": "P3M",
            "three months": "P3M",
            "month": "P1M",
            "monthly": "P1M",
            "year": "P1Y",
            "annually": "P1Y",
            "every year": "P1Y",
            "once a year": "P1Y",
            "week": "P1W",
            "weekly": "P1W",
            "six months": "P6M",
            "biannually": "P6M",
            "twice a year": "P6M",
            "biennially": "P2Y",
            "fortnight": "P2W",
            "fortnightly": "P2W",
            "once a month": "P1M",
            "twice a month": "P2W",
        }.get(unit) or _every_n(unit)
        return DateMention(s, e, t, "recurrence", "none", recurrence=code)
    if kind == "vague":
        return DateMention(s, e, t, "vague", "none")
    return None


def _hijri(m: re.Match[str], anchor: date | None, direction: str) -> DateMention | None:
    """ "12 Esfand 1404" → 2026-03-03; without its year, the one that puts the day nearest the anchor on the
    side ``direction`` points to (as :func:`_pick_year` does for a Gregorian day)."""
    month = solar_hijri.MONTHS[(m.group("mon") or m.group("mon2")).casefold()]
    day = _day(m.group("d") or m.group("d2"))
    s, e, t = m.start(), m.end(), m.group(0)
    try:
        if m.group("y"):
            given = solar_hijri.to_gregorian(int(m.group("y")), month, day)
            return DateMention(s, e, t, "absolute", "day", given, given, given)
        if anchor is None:
            return None
        base = solar_hijri.year_of(anchor)
        options = []
        for year in (base - 1, base, base + 1):
            try:
                options.append(solar_hijri.to_gregorian(year, month, day))
            except ValueError:
                continue
    except ValueError:
        return None
    if direction == "future":
        chosen = [d for d in options if d >= anchor - timedelta(days=3)]
        d = min(chosen) if chosen else None
    else:
        chosen = [d for d in options if d <= anchor + timedelta(days=3)]
        d = max(chosen) if chosen else None
    if d is None:
        return None
    return DateMention(s, e, t, "absolute", "day", d, d, d, explicit_year=False)


def _looks_like_ago(text: str, start: int) -> bool:
    return False
