"""Reading a news article: its header, its paragraphs and sentences, and what is not the story.

The file format (as in ``tests/assets/articles/``): line 1 the title, line 2 the source (a URL or a name),
line 3 the publication date, a blank line, then the body. Anything else is plain text, whose publication date
comes from the caller (``--published``).

Every span is a character offset into the file's text. Lines that are not the story are marked, not removed:
photo captions ("… — Reuters", "(AFP/File)"), "Updated …"/"Published …" lines, reading-time and share
widgets, sign-offs ("Published in Dawn, …", "Leave a Reply"), and repeats of the title. Short lines without a
full stop are section headings; sentences remember the heading they sit under.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlparse

from sarhad.extract.dates import parse_iso_date

__all__ = ["Article", "Sentence", "parse_article", "split_sentences"]

ROLES = ("title", "body", "bullet", "heading", "caption", "meta", "boilerplate", "repeat")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: ``article.text[start:end]``; ``role`` is one of ROLES; ``section`` its heading."""

    start: int
    end: int
    text: str
    role: str
    paragraph: int
    index: int
    section: str = ""
    dateline: tuple[int, int] | None = None  # span of a leading "PESHAWAR:" / "QUETTA (Reuters) -"
    dateline_end: int | None = None  # where the whole dateline ("QUETTA, Pakistan, Aug 26 (Wire) -") ends


@dataclass(slots=True)
class Article:
    """A parsed article: the full ``text``, its header fields and its sentences."""

    text: str
    title: str | None = None
    title_span: tuple[int, int] | None = None
    source: str | None = None
    url: str | None = None
    domain: str | None = None
    published: date | None = None
    published_span: tuple[int, int] | None = None
    body_start: int = 0
    sentences: list[Sentence] = field(default_factory=list)

    def story(self) -> list[Sentence]:
        """The sentences that tell the story: title, body, bullets (not captions, meta or boilerplate)."""
        return [s for s in self.sentences if s.role in {"title", "body", "bullet"}]


_CAPTION_END = re.compile(
    r"(?:[\u2014\u2013-]{1,2}\s*(?:Reuters|AFP|AP|APP|Dawn|File|Photo|Online|INP|PPI|NNI|Xinhua|Anadolu|Getty|EPA|"
    r"White Star|Twitter|X|Social media|Screengrab|IRNA|Tasnim|Mehr|Fars|Photo courtesy[^\n]*|Courtesy[^\n]*)"
    r"(?:\s*/\s*\w+)*\s*(?:photo|file)?\s*$"
    r"|\((?:AFP|AP|Reuters|EPA|Xinhua|Anadolu|Getty|IRNA|WANA|File|AP Photo)[^)]*\)\s*\.?\s*$"
    r"|(?:Photo|Picture|Image)\s*(?:credit|courtesy)?\s*:\s*[^\n]*$)",
    re.I,
)
_CAPTION_START = re.compile(
    r"^\s*(?:Photo|Picture|Image|File photo|Representational image|A screengrab)\b\s*[:\-—]?", re.I
)
_META = re.compile(
    r"^\s*(?:(?:Updated|Published|Last updated|Posted|First published)\b[^\n]{0,60}"
    r"|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+\w+\s+\d{1,2},?\s+\d{4}"
    r"|\d{1,2}\s+\w+\s+\d{4}(?:\s+\d{1,2}:\d{2}\s*[AP]M)?|\w+\s+\d{1,2},\s+\d{4}(?:\s+\d{1,2}:\d{2}\s*[AP]M)?"
    r"|\d+\s+mins?\s+read|Short Url|Follow|Share|Comments?|Print|Read more[^\n]*|Also read[^\n]*|Advertisement"
    r"|By\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,3}|Reporting by[^\n]*|Editing by[^\n]*|\d{1,2}:\d{2}\s*[AP]M)\s*$",
    re.I,
)
_BOILERPLATE = re.compile(
    r"^\s*(?:Published in [^\n]{0,80}$|Follow [^\n]{0,120}$|Leave a Reply|Your email address will not be published"
    r"|Subscribe\b|Sign up\b|Copyright\b|©|All rights reserved|Related\b[^\n]{0,40}$|Tags?:)",
    re.I,
)
_DATELINE = re.compile(
    r"\s*(?P<place>[A-Z][A-Z .'\-]{2,40}?|[A-Z][a-z]+(?:\s[A-Z][a-z]+)?,\s+[A-Z][a-z]+)"
    r"(?:,\s*[A-Z][a-z]+\.?(?:\s+\d{1,2})?){0,2}\s*(?:\([^)]{2,40}\))?\s*(?::|[\u2014\u2013]|-{1,2}(?=\s))\s*"
)
_ABBREV = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "gen",
    "lt",
    "col",
    "maj",
    "capt",
    "brig",
    "sgt",
    "no",
    "st",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "u.s",
    "u.n",
    "i.e",
    "e.g",
    "rs",
    "vs",
    "etc",
    "prof",
    "sen",
    "gov",
    "inc",
    "ltd",
    "co",
    "approx",
    "pvt",
    "govt",
    "dept",
    "ft",
    "km",
    "hon",
    "sr",
    "jr",
    "insp",
    "supt",
    "cdr",
    "adm",
    "ch",
    "mt",
    "mohd",
    "muhammad",
    "syed",
    "sheikh",
    "dy",
}
_SENT_END = re.compile(
    r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9\u2022])|[.!?]+[\"'\u201d\u2019)\]]*\s*$"
)


def _is_caption(line: str) -> bool:
    return bool(_CAPTION_END.search(line) or _CAPTION_START.match(line))


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans in ``text`` (shifted by ``offset``), not breaking after "Dr." or "Lt. Gen."."""
    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(text) and text[start].isspace():
        start += 1
    for m in _SENT_END.finditer(text):
        end = m.end()
        word = re.search(r"([\w.]+)\s*[.!?]+[\"'\u201d\u2019)\]]*\s*$", text[start:end])
        if word and m.group(0).startswith("."):
            token = word.group(1).casefold().rstrip(".")
            if token in _ABBREV or (len(token) == 1 and token.isalpha()):
                continue
        if end - start < 2:
            continue
        seg_end = end
        while seg_end > start and text[seg_end - 1].isspace():
            seg_end -= 1
        if seg_end > start:
            spans.append((offset + start, offset + seg_end))
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        seg_end = len(text)
        while seg_end > start and text[seg_end - 1].isspace():
            seg_end -= 1
        if seg_end > start:
            spans.append((offset + start, offset + seg_end))
    return spans


def _domain(source: str) -> str | None:
    if not re.match(r"https?://", source):
        return None
    host = urlparse(source).hostname or ""
    return host.removeprefix("www.") or None


def parse_article(text: str, published: date | str | None = None) -> Article:
    """Parse ``text`` (header format or plain text). ``published`` overrides the header's date."""
    if isinstance(published, str):
        parsed = parse_iso_date(published)
        if parsed is None:
            from sarhad.errors import InvalidInput

            raise InvalidInput(f"--published {published!r} is not a date (YYYY-MM-DD)")
        published = parsed
    article = Article(text=text)
    lines = text.split("\n")
    starts = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    header = (
        len(lines) >= 4
        and lines[0].strip() != ""
        and parse_iso_date(lines[2]) is not None
        and len(lines[2].strip()) <= 40
        and lines[3].strip() == ""
    )
    if not header and published is None and len(lines) >= 4 and lines[0].strip() and lines[3].strip() == "":
        # title, source, a short line, blank line: the header's shape with a date that is not one, when the source
        # is a URL or the third line has figures ("2024-13-01", "9 Nov 2024")
        third = lines[2].strip()
        if 0 < len(third) <= 40 and (re.match(r"\s*https?://\S+\s*$", lines[1]) or re.search(r"\d", third)):
            from sarhad.errors import InvalidInput

            raise InvalidInput(
                f"line 3: {lines[2].strip()[:40]!r} is not a publication date (YYYY-MM-DD); fix the header "
                "or give --published"
            )
    if header:
        article.title = lines[0].strip()
        article.title_span = (starts[0], starts[0] + len(lines[0].rstrip()))
        article.source = lines[1].strip() or None
        article.url = article.source if article.source and re.match(r"https?://", article.source) else None
        article.domain = _domain(article.source or "")
        article.published = parse_iso_date(lines[2])
        article.published_span = (starts[2], starts[2] + len(lines[2].rstrip()))
        article.body_start = starts[4] if len(starts) > 4 else len(text)
    if published is not None:
        article.published = published
    _segment(article)
    return article


def _norm(line: str) -> str:
    return re.sub(r"\W+", " ", line).strip().casefold()


def _segment(article: Article) -> None:
    text = article.text
    sentences: list[Sentence] = []
    index = 0
    if article.title_span:
        s, e = article.title_span
        sentences.append(Sentence(s, e, text[s:e], "title", 0, index))
        index += 1
    seen_lines: set[str] = set()
    title_key = _norm(article.title or "")
    section = ""
    paragraph = 0
    pos = article.body_start
    first_body = True
    for raw_line in text[article.body_start :].split("\n"):
        line_start = pos
        pos += len(raw_line) + 1
        line = raw_line.strip()
        if not line:
            continue
        paragraph += 1
        ls = line_start + (len(raw_line) - len(raw_line.lstrip()))
        le = ls + len(line)
        key = _norm(line)
        role = "body"
        bullet = re.match(r"^[\u2022\u25cf\u25aa*\-\u2013]\s+", line)
        if key and key == title_key:
            role = "repeat"
        elif key in seen_lines and len(key) > 20:
            role = "repeat"
        elif _BOILERPLATE.match(line):
            role = "boilerplate"
        elif _META.match(line) and len(line) < 80:
            role = "meta"
        elif _is_caption(line):
            role = "caption"
        elif bullet:
            role = "bullet"
        elif len(line) < 70 and not re.search(r"[.!?:\"\u201d]$", line) and len(line.split()) <= 9:
            role = "heading"
        seen_lines.add(key)
        if role == "heading":
            section = line.strip("\u2018\u2019'\" ")
            sentences.append(Sentence(ls, le, line, role, paragraph, index, section))
            index += 1
            continue
        if role in {"meta", "boilerplate", "repeat", "caption"}:
            sentences.append(Sentence(ls, le, line, role, paragraph, index, section))
            index += 1
            continue
        body_start = ls
        if bullet:
            body_start = ls + bullet.end()
        dateline = None
        dateline_end = None
        if first_body and role == "body":
            m = _DATELINE.match(text, body_start, le)
            if m and m.end() - body_start < 60 and not re.match(r"^\s*(?:[A-Z][a-z]+\s){3}", m.group(0)):
                dateline = (m.start("place"), m.end("place"))
                dateline_end = m.end()
            first_body = False
        for s, e in split_sentences(text[body_start:le], body_start):
            dl = dateline if dateline and s <= dateline[0] < e else None
            sentences.append(
                Sentence(s, e, text[s:e], role, paragraph, index, section, dl, dateline_end if dl else None)
            )
            index += 1
    article.sentences = sentences
