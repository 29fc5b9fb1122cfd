"""Numbers in running text: numerals, number words, scales and the qualifiers in front of them.

``find_numbers(text)`` returns every :class:`NumberMention` with its span: "at least 26" → 26 (low 26,
qualifier "at least"), "over 1,100" → 1100, "USD 2.5 billion" → 2.5e9 (the currency is the figures' job),
"twenty-six" → 26, "a dozen" → 12, "dozens" → 24 (low 24, vague), "10 to 12" → best 12, low 10, high 12.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["NumberMention", "find_numbers", "parse_number_words"]

_UNITS = {
    "zero": 0,
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
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "lakh": 100_000,
    "lac": 100_000,
    "crore": 10_000_000,
    "million": 1_000_000,
    "mn": 1_000_000,
    "m": 1_000_000,
    "billion": 1_000_000_000,
    "bn": 1_000_000_000,
    "b": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "tn": 1_000_000_000_000,
    "k": 1_000,
}
_VAGUE = {
    "a dozen": (12, 12, 12),
    "dozen": (12, 12, 12),
    "half a dozen": (6, 6, 6),
    "a couple of": (2, 2, 2),
    "a couple": (2, 2, 2),
    "dozens of": (24, 24, None),
    "dozens": (24, 24, None),
    "scores of": (40, 40, None),
    "hundreds of": (200, 200, None),
    "thousands of": (2000, 2000, None),
    "a score of": (20, 20, 20),
    "several": (3, 3, None),
    "a few": (3, 2, 5),
    "a handful of": (4, 3, 6),
}

_QUALIFIERS = [
    ("at least", "at least"),
    ("no fewer than", "at least"),
    ("not less than", "at least"),
    ("no less than", "at least"),
    ("a minimum of", "at least"),
    ("more than", "over"),
    ("over", "over"),
    ("upwards of", "over"),
    ("in excess of", "over"),
    ("above", "over"),
    ("nearly", "about"),
    ("almost", "about"),
    ("about", "about"),
    ("around", "about"),
    ("approximately", "about"),
    ("roughly", "about"),
    ("some", "about"),
    ("close to", "about"),
    ("an estimated", "about"),
    ("estimated", "about"),
    ("up to", "up to"),
    ("as many as", "up to"),
    ("at most", "up to"),
    ("fewer than", "under"),
    ("less than", "under"),
    ("under", "under"),
    ("just over", "over"),
    ("just under", "under"),
    ("well over", "over"),
]

_UNIT_WORDS = "|".join(sorted([*_UNITS, *_TENS], key=len, reverse=True))
_WORD_NUMBER = (
    rf"(?:(?:{_UNIT_WORDS})(?:[\s\-]+(?:{_UNIT_WORDS}))?"
    r"(?:\s+(?:hundred|thousand|million|billion|lakh|crore)(?:\s+(?:and\s+)?(?:" + _UNIT_WORDS + r"))?)?)"
)
_NUMERAL = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_SCALE = r"(?:\s*-?\s*(?:hundred|thousand|lakh|lac|crore|million|billion|trillion)\b|(?:mn|bn|tn|m|b|k)\b)"
_QUAL = "|".join(re.escape(q) for q, _ in sorted(_QUALIFIERS, key=lambda x: -len(x[0])))
_VAGUE_RE = "|".join(re.escape(v) for v in sorted(_VAGUE, key=len, reverse=True))

_NUMBER_RE = re.compile(
    rf"(?<![\d.,])(?:(?P<qual>{_QUAL})\s+)?"
    rf"(?:(?P<num>{_NUMERAL})(?P<scale>{_SCALE})?"
    rf"(?:\s*(?:-|\u2013|to)\s*(?P<num2>{_NUMERAL})(?P<scale2>{_SCALE})?(?![\w-]))?"
    rf"|(?P<word>{_WORD_NUMBER})(?![\w])"
    rf"|(?P<vague>{_VAGUE_RE})(?![\w]))",
    re.IGNORECASE,
)
_BETWEEN_RE = re.compile(
    rf"\bbetween\s+(?P<a>{_NUMERAL}|{_WORD_NUMBER})\s+and\s+(?P<b>{_NUMERAL}|{_WORD_NUMBER})\b", re.I
)


@dataclass(frozen=True, slots=True)
class NumberMention:
    """A number in text. ``value`` is the best reading; ``low``/``high`` bound it when known."""

    start: int
    end: int
    text: str
    value: float
    low: float | None = None
    high: float | None = None
    qualifier: str | None = None  # at least | over | about | up to | under | vague | None
    is_word: bool = False
    is_year: bool = False

    @property
    def int_value(self) -> int:
        return round(self.value)


def parse_number_words(text: str) -> int | None:
    """'twenty-six' → 26, 'two hundred and five' → 205, 'three thousand' → 3000; None if not a number."""
    total = 0
    current = 0
    seen = False
    for token in re.split(r"[\s\-]+", text.casefold()):
        if not token or token == "and":
            continue
        if token in _UNITS:
            current += _UNITS[token]
        elif token in _TENS:
            current += _TENS[token]
        elif token == "hundred":
            current = max(current, 1) * 100
        elif token in {"thousand", "million", "billion", "lakh", "crore"}:
            total += max(current, 1) * _SCALES[token]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def _numeral(text: str, scale: str | None) -> float:
    value = float(text.replace(",", ""))
    if scale:
        word = scale.strip(" -").casefold()
        value *= _SCALES.get(word, 1)
    return value


_STARTERS = frozenset([*_UNITS, *_TENS, *(v.split()[0] for v in _VAGUE)])
_QUAL_BEFORE = re.compile(rf"(?:^|(?<=[^\w]))(?P<qual>{_QUAL})\s+$", re.IGNORECASE)
_CORE_RE = re.compile(
    rf"(?:(?P<num>{_NUMERAL})(?P<scale>{_SCALE})?"
    rf"(?:\s*(?:-|\u2013|to)\s*(?P<num2>{_NUMERAL})(?P<scale2>{_SCALE})?(?![\w-]))?"
    rf"|(?P<word>{_WORD_NUMBER})(?![\w])"
    rf"|(?P<vague>{_VAGUE_RE})(?![\w]))",
    re.IGNORECASE,
)


class _Match:
    """A core number match with the qualifier found before it, shaped like the full regex's match."""

    def __init__(self, core: re.Match[str], qual: re.Match[str] | None, base: int) -> None:
        self.core = core
        self.qual = qual
        self.base = base

    def group(self, name: str) -> str | None:
        if name == "qual":
            return self.qual.group("qual") if self.qual else None
        return self.core.group(name)

    def span(self) -> tuple[int, int]:
        start = self.base + self.qual.start("qual") if self.qual else self.core.start()
        return start, self.core.end()

    def start(self, name: str | None = None) -> int:
        if name is None:
            return self.span()[0]
        return self.core.start(name)

    def end(self, name: str | None = None) -> int:
        if name is None:
            return self.core.end()
        return self.core.end(name)


_CANDIDATE = re.compile(
    r"(?<![\d.,])\d|\b(?:" + "|".join(sorted(_STARTERS, key=len, reverse=True)) + r")\b", re.IGNORECASE
)


def _iter_numbers(text: str) -> list[_Match]:
    out: list[_Match] = []
    last = -1
    for tok in _CANDIDATE.finditer(text):
        pos = tok.start()
        if pos < last:
            continue
        core = _CORE_RE.match(text, pos)
        if core is None:
            continue
        base = max(0, pos - 30)
        qual = _QUAL_BEFORE.search(text[base:pos])
        out.append(_Match(core, qual, base))
        last = core.end()
    return out


def find_numbers(text: str) -> list[NumberMention]:
    """Every number in ``text`` with its span, qualifier included in the span."""
    out: list[NumberMention] = []
    taken: list[tuple[int, int]] = []
    for m in _BETWEEN_RE.finditer(text) if "between" in text.casefold() else ():
        a, b = (_one(m.group(g)) for g in ("a", "b"))
        if a is not None and b is not None:
            out.append(NumberMention(m.start(), m.end(), m.group(0), max(a, b), min(a, b), max(a, b), "range"))
            taken.append(m.span())
    for m in _iter_numbers(text):  # type: ignore[assignment]
        if any(s <= m.start() < e for s, e in taken):
            continue
        qual_text = m.group("qual")
        qualifier = None
        if qual_text:
            qualifier = dict(_QUALIFIERS)[qual_text.casefold()]
        start, end = m.span()
        if start > 0 and (text[start - 1].isalpha() or text[start - 1] == "_"):
            if not (m.group("num") and _money_before(text, start)):
                continue
        if m.group("num"):
            raw = m.group("num")
            scale = m.group("scale")
            # "5m" could be metres: only money-like contexts use the bare letter scales
            if scale and scale.strip().casefold() in {"m", "b", "k"} and not _money_before(text, start):
                scale = None
                end = m.start("scale")
            value = _numeral(raw, scale)
            is_year = scale is None and re.fullmatch(r"(19|20)\d\d", raw) is not None
            if m.group("num2") and _year_then_quantity(text, m):
                # "rose by 34 percent in 2025 to 3,417": the year, then the quantity on its own
                out.append(NumberMention(start, m.end("num"), m.group("num"), value, value, value, None, is_year=True))
                s2 = m.start("num2")
                v2 = _numeral(m.group("num2"), m.group("scale2"))
                out.append(NumberMention(s2, m.end(), text[s2 : m.end()], v2, v2, v2, None))
                continue
            if m.group("num2") and not _is_date_range(text, m):
                high = _numeral(m.group("num2"), m.group("scale2") or scale)
                low = value
                if high > low:
                    out.append(NumberMention(start, end, text[start:end], high, low, high, qualifier or "range"))
                    continue
            if m.group("num2"):
                end = m.end("num") + (len(scale) if scale else 0)
            lo, hi = _bounds(value, qualifier)
            out.append(NumberMention(start, end, text[start:end], value, lo, hi, qualifier, is_year=is_year))
        elif m.group("word"):
            word = m.group("word")
            value_i = parse_number_words(word)
            if value_i is None:
                continue
            # "one" as a pronoun ("one of the wounded") is still a number; callers decide
            lo, hi = _bounds(float(value_i), qualifier)
            out.append(NumberMention(start, end, text[start:end], float(value_i), lo, hi, qualifier, True))
        else:
            best, low_v, high_v = _VAGUE[m.group("vague").casefold()]
            out.append(
                NumberMention(start, end, text[start:end], float(best), low_v, high_v, qualifier or "vague", True)
            )
    out.sort(key=lambda n: n.start)
    return out


def _one(text: str) -> float | None:
    if re.fullmatch(_NUMERAL, text):
        return float(text.replace(",", ""))
    value = parse_number_words(text)
    return float(value) if value is not None else None


def _bounds(value: float, qualifier: str | None) -> tuple[float | None, float | None]:
    if qualifier in {"at least", "over"}:
        return value, None
    if qualifier in {"up to", "under"}:
        return None, value
    return value, value


def _money_before(text: str, start: int) -> bool:
    before = text[max(0, start - 6) : start]
    return re.search(r"(\$|USD|US\$|Rs\.?|PKR|€|£|EUR|IRR)\s*$", before, re.I) is not None


def _year_then_quantity(text: str, m: re.Match[str]) -> bool:
    """'in 2025 to 3,417': a year after a preposition, then a number that is not a year."""
    first, second = m.group("num"), m.group("num2")
    return bool(
        re.fullmatch(r"(19|20)\d\d", first)
        and not re.fullmatch(r"\d{2}|(19|20)\d\d", second)
        and re.search(r"\b(?:in|since|during)\s+$", text[: m.start()])
        and re.match(r"\s*to\b", text[m.end("num") :])
    )


def _is_date_range(text: str, m: re.Match[str]) -> bool:
    """'2023-24' and '10-12 November' are not quantities of their own."""
    first, second = m.group("num"), m.group("num2")
    return bool(re.fullmatch(r"(19|20)\d\d", first) and re.fullmatch(r"\d{2}|(19|20)\d\d", second))
