"""The news-article extractor: English news text → proposed incidents, commitments and figures.

``extract_article(text, published=None)`` reads one article (the examples' file format, or plain text with a
publication date) and returns an :class:`Extraction`; ``Extraction.to_json()`` is the ``sarhad extract --json``
entry. Every value carries the character span of the words it came from. Rules only, offline: the dates,
numbers, casualty, place (gazetteer through :func:`sarhad.extract.places.geocode`) and actor (the alias
registry :mod:`sarhad.model.actors`) modules beside this one. See ``docs/extraction.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sarhad.errors import InvalidInput
from sarhad.extract.article import Article, parse_article
from sarhad.extract.commitments import extract_commitments
from sarhad.extract.figures import extract_figures, normalise_unit
from sarhad.extract.incidents import analyse, extract_incidents

__all__ = [
    "MAX_ARTICLE_CHARS",
    "Extraction",
    "extract_article",
    "extract_file",
    "failure_reason",
    "normalise_unit",
    "published_day",
]

# A long news article is some 20,000 characters; a text a hundred times longer is not an article, and the
# extractor's sentence-level passes should not be handed one (hostile input, issue #10).
MAX_ARTICLE_CHARS = 2_000_000


@dataclass(slots=True)
class Extraction:
    """What one article proposes: incidents (``incidents[0]`` the main one), commitments and figures."""

    file: str | None
    article: Article = field(repr=False)
    incidents: list[dict[str, Any]] = field(default_factory=list)
    commitments: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def source(self) -> dict[str, Any]:
        a = self.article
        return {
            "title": a.title,
            "source": a.source,
            "url": a.url,
            "domain": a.domain,
            "published": a.published.isoformat() if a.published else None,
            "spans": {"title": list(a.title_span) if a.title_span else None,
                      "published": list(a.published_span) if a.published_span else None},
        }  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        """The JSON entry of the ``sarhad extract --json`` contract (plain dicts, lists and scalars)."""
        source = self.source
        incidents = []
        for inc in self.incidents:
            entry = dict(inc)
            entry["source"] = {k: source[k] for k in ("title", "url", "source", "published")}
            incidents.append(entry)
        return {
            "file": self.file,
            "source": source,
            "incidents": incidents,
            "commitments": list(self.commitments),
            "figures": list(self.figures),
        }


def extract_article(text: str, published: date | str | None = None, file: str | None = None) -> Extraction:
    """Extract incidents, commitments and figures from one article's ``text``.

    ``published`` (a date or 'YYYY-MM-DD') overrides the header's date; plain text needs it for relative
    dates ("on Saturday"). Raises InvalidInput for a malformed ``published`` or a text longer than
    :data:`MAX_ARTICLE_CHARS`.
    """
    if len(text) > MAX_ARTICLE_CHARS:
        raise InvalidInput(
            f"{file or 'article'}: {len(text):,} characters, more than an article may have ({MAX_ARTICLE_CHARS:,})"
        )
    try:
        article = parse_article(text, published)
    except InvalidInput as exc:
        raise InvalidInput(f"{file}: {exc}" if file else str(exc)) from exc
    features = analyse(article)
    incidents = extract_incidents(article, features)
    in_incidents = {tuple(s) for inc in incidents for s in inc["sentences"]}
    used = {
        c.number.start + f.sentence.start
        for f in features
        if (f.sentence.start, f.sentence.end) in in_incidents
        for c in f.casualties
        if c.who in {"victims", "subset"}
    }
    figures = extract_figures(article, features, used)
    commitments = extract_commitments(article)
    return Extraction(file, article, incidents, commitments, figures)


def extract_file(path: str, published: date | str | None = None) -> Extraction:
    """Read ``path`` (UTF-8) and extract it; the entry's ``file`` is the path as given.

    Raises NotFound for a missing file, InvalidInput for a folder, a file too long or not UTF-8.
    """
    from pathlib import Path

    from sarhad.errors import InvalidInput, NotFound

    p = Path(path)
    if p.is_dir():
        raise InvalidInput(f"{path}: a folder, not a file")
    if not p.is_file():
        web = _WEB_ADDRESS.match(path)
        if web and not p.exists():
            address = f"{web.group(1)}://{path[web.end() :]}"  # the path's form took one '/' of '//'
            raise InvalidInput(
                f"{path}: a web address ({address}), not a file: sarhad reads no web pages; save the article's text "
                "as title, source, date, a blank line and the body, and give that file"
            )
        raise NotFound(f"{path}: no such file")
    size = p.stat().st_size
    if size > 4 * MAX_ARTICLE_CHARS:  # UTF-8 takes at most 4 bytes a character: too long whatever it holds
        raise InvalidInput(f"{path}: {size:,} bytes, more than an article may have ({MAX_ARTICLE_CHARS:,} characters)")
    try:
        text = p.read_text(encoding="utf-8-sig")  # a byte-order mark (Windows editors) is not the title
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    _check_text(text, path)
    return extract_article(text, published, file=path)


# a URL given instead of a file ("https://www.dawn.com/news/1": a path keeps one '/' of the two)
_WEB_ADDRESS = re.compile(r"(https?|ftp):/+", re.I)
# a saved web page rather than its text: the markup would be read as words ("<title>Two killed …")
_HTML = re.compile(r"\A\s*(?:<!doctype\s+html|<html\b|<\?xml\b)|<(?:head|body|article|script)\b[^>]*>", re.I)
# A dataset's file (UCDP GED, GTD, ACLED, or any table) given instead of to `sarhad import`: its header row is
# column names, each one word, where an article has its title. Its rows would be read as sentences and every
# number in them as a figure ("ged.csv: 9 incidents"). Five names at least: a title is not five bare words
# joined by commas.
_CSV_HEADER = re.compile(r'"?[A-Za-z_][A-Za-z0-9_.]*"?(?:[,;\t]"?[A-Za-z_][A-Za-z0-9_.]*"?){4,}')


def published_day(published: str | None) -> date | None:
    """The day a ``--published`` option names (None when not given). Raises InvalidInput when it is not
    YYYY-MM-DD: a bad date is the command's error, not each file's."""
    from sarhad.extract.dates import parse_iso_date

    if published is None:
        return None
    day = parse_iso_date(published)
    if day is None:
        raise InvalidInput(f"--published {published!r} is not a date (YYYY-MM-DD)")
    return day


def failure_reason(path: Path, exc: Exception) -> str:
    """Why the article at ``path`` could not be read, without the path the message may start with."""
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc).removeprefix(f"{path}: ")


def _check_text(text: str, path: str) -> None:
    """Refuse what is not an article's text, saying what was found: empty, binary, a CSV table, JSON or an HTML
    page."""
    from sarhad.errors import InvalidInput

    if not text.strip():
        raise InvalidInput(f"{path}: empty, no article text")
    nul = text.find("\x00")
    if nul >= 0:
        raise InvalidInput(f"{path}: binary data, not text (a NUL character at character {nul})")
    first = text.lstrip().split("\n", 1)[0].strip()
    if _CSV_HEADER.fullmatch(first):
        shown = first if len(first) <= 40 else first[:40] + "…"
        raise InvalidInput(
            f"{path}: a CSV table (header {shown}), not article text; import a dataset's file with "
            "'sarhad import ucdp|gtd|acled FILE'"
        )
    if first.startswith(("{", "[")) and _is_json(text):
        raise InvalidInput(
            f"{path}: a JSON document, not article text; import a STIX 2.1 bundle with 'sarhad import stix FILE'"
        )
    html = _HTML.search(text)
    if html:
        line = text.count("\n", 0, html.start()) + 1
        raise InvalidInput(
            f"{path}: an HTML page, not article text ({html.group(0).strip()!r} on line {line}); save the article's "
            "text as title, source, date, a blank line and the body"
        )


def _is_json(text: str) -> bool:
    """Whether ``text`` is one JSON document (a title may begin with '[', an article is never valid JSON)."""
    import json

    try:
        json.loads(text)
    except ValueError:
        return False
    return True
