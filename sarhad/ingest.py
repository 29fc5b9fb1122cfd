"""Ingest news articles: the extractor's proposals become the node's records, the article their source.

Each extracted incident is published as an incident of dataset ``article`` asserted by the node's party, its
figures with rule ``extracted`` asserted by the article's publisher, or, where the article gives a count from
different sayers, one figure per sayer asserted by that sayer (``police``, ``BLA (claim)``), the main one
first. The article itself is published as a STIX ``report`` (title, source, URL, publication date, the text's
SHA-256, references to the incidents) and each proposed commitment as a STIX ``note`` on that report (its
actor, parties, due date and source sentence in ``x_sarhad_commitment``), for the framework's secretary to
compare with the framework: ``sarhad framework proposals`` lists them (no command accepts or rejects one).
Ingesting the same article again changes nothing.

An article is known by its URL when its header gives one (:func:`article_key`): a corrected or updated version
of it (another text at the same URL) publishes new versions of its report, incidents and proposals, not a
second article's records. An article without a URL is known by its text.

Each article is published in a transaction of its own (:func:`ingest_articles`): a file that is not an article
stores nothing and does not stop the others.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Final

from sarhad.errors import InvalidInput, NotFound
from sarhad.extract import Extraction, extract_file, failure_reason, published_day
from sarhad.model.figures import Figure
from sarhad.model.incident import Incident, Perpetrator, Place, identity_id, incident_id
from sarhad.node import Node

__all__ = [
    "IngestFailure",
    "IngestResult",
    "article_key",
    "incident_from_extraction",
    "ingest_article",
    "ingest_articles",
]

_NAMESPACE: Final = uuid.UUID("5a7268ad-0000-5000-8000-61727469636c")
_ATTRIBUTION: Final = {"claimed": "claimed", "blamed": "blamed", "suspected": "suspected", "confirmed": "confirmed"}


@dataclass
class IngestResult:
    """What ingesting one article stored (``file``: its path as given, like a failure's)."""

    file: str
    report_id: str
    incidents: list[str] = field(default_factory=list)
    commitments: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "report_id": self.report_id,
            "incidents": self.incidents,
            "commitments": self.commitments,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "error": None,
        }


@dataclass(frozen=True)
class IngestFailure:
    """A file that could not be ingested (and stored nothing): the path as given and why."""

    file: str
    error: str

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "error": self.error}


def _count(entry: dict[str, Any], key: str) -> tuple[int | None, int | None, int | None]:
    best = entry.get(key)
    low = entry.get(f"{key}_low", best)
    high = entry.get(f"{key}_high", best)
    if best is None and low is None:
        return None, None, None
    return low, best, high


def article_key(url: str | None, text_sha: str, party: str) -> str:
    """What an article is known by (its records' ids derive from it): a hash of its URL and of the party whose
    node ingested it when it has one, so that a corrected version of the article updates its records (and the
    other party's node, ingesting the same URL, makes records of its own), else the SHA-256 of its text.

    The URL is compared without its scheme, a leading ``www.``, a fragment or a trailing ``/``, and its host
    without case: ``https://www.dawn.com/news/1/`` and ``http://dawn.com/news/1`` are one article.
    """
    if not url:
        return text_sha
    rest = url.strip().split("#", 1)[0]
    rest = rest.split("://", 1)[1] if "://" in rest else rest
    host, slash, path = rest.partition("/")
    host = host.lower().removeprefix("www.")
    return hashlib.sha256(f"url|{party}|{host}{slash}{path}".rstrip("/").encode()).hexdigest()


def incident_from_extraction(
    entry: dict[str, Any], extraction: Extraction, index: int, *, party: str, text_sha: str
) -> Incident:
    """One extracted incident as an Incident record, its place's ``border_km`` left for ``Publisher.add`` to fill.

    ``text_sha`` is the article's key (:func:`article_key`), from which the record's id derives.

    Raises InvalidInput when the proposal is unusable.
    """
    source = extraction.source
    publisher = source.get("domain") or source.get("source") or "news"
    # the article's count of each measure first (what the record's totals and statistics read); where the article
    # gives a measure's count from different sayers, the main count is its sayer's and each other sayer's count
    # follows as a figure of its own ("BLA (claim)" beside "Pakistan military (ISPR)")
    assertions = [a for a in entry.get("assertions") or () if isinstance(a, dict)]
    main_sayer = {a["measure"]: a.get("asserted_by") for a in assertions if a.get("main")}
    figures = []
    for measure, key in (("killed", "killed"), ("wounded", "wounded"), ("kidnapped", "kidnapped")):
        low, best, high = _count(entry, key)
        if best is not None or low is not None:
            figures.append(Figure(measure, "total", low, best, high, "extracted", main_sayer.get(measure) or publisher))
    if entry.get("attackers_killed") is not None:
        n = int(entry["attackers_killed"])
        figures.append(Figure("killed", "perpetrators", n, n, n, "extracted", publisher))
    for a in assertions:
        if not a.get("main"):
            figures.append(Figure(a["measure"], "total", a.get("low"), a.get("best"), a.get("high"), "extracted",
                                  a.get("asserted_by") or publisher))  # fmt: skip
    perpetrators: tuple[Perpetrator, ...] = ()
    if entry.get("perpetrator"):
        perpetrators = (Perpetrator(entry["perpetrator"], _ATTRIBUTION.get(entry.get("attribution") or "", "unknown")),)
    date_start = str(entry.get("date_start") or entry.get("date") or source.get("published") or "")
    date_end = str(entry.get("date_end") or date_start)
    precision = entry.get("date_precision") or "day"
    source_id = f"{text_sha[:16]}#{index}"
    lat, lon = entry.get("lat"), entry.get("lon")
    citation = "; ".join(x for x in (source.get("title"), source.get("url"), source.get("published")) if x)
    return Incident(
        id=incident_id("article", party, source_id),
        reported_by=party,
        dataset="article",
        source_id=source_id,
        date_start=date_start,
        date_end=date_end,
        date_precision=precision,
        place=Place(
            country=entry.get("country"),
            admin1=entry.get("admin1"),
            admin1_code=entry.get("admin1_code"),
            name=entry.get("place"),
            lat=lat,
            lon=lon,
            precision=entry.get("geo_precision") or "unknown",
        ),  # its distance to the border: Publisher.add fills it, as for every record made one at a time
        attack_types=(entry["attack_type"],) if entry.get("attack_type") else (),
        target_types=(entry["target_type"],) if entry.get("target_type") else (),
        perpetrators=perpetrators,
        figures=tuple(figures),
        sources=(citation,) if citation else (),
        title=_title(entry, source.get("title") or ""),
        summary=entry.get("target") or "",
        tlp="CLEAR",
        licence="PARTY-OWN",
        flags=("extracted", *(("main",) if entry.get("main") else ())),
    )


def _title(entry: dict[str, Any], headline: str) -> str:
    """The title of an extracted incident: the article's headline for the incident the article is about; for
    another incident it mentions (an earlier attack, say) what, where and when, since the headline is not
    about it (``Armed Assault in Chabahar, Sistan and Baluchestan, 2024-04-04``). The headline stays in the
    record's sources either way."""
    if entry.get("main") and headline:
        return headline
    what = entry.get("attack_type") if entry.get("attack_type") not in (None, "", "Unknown") else "Incident"
    where = ", ".join(dict.fromkeys(str(x) for x in (entry.get("place"), entry.get("admin1")) if x))
    when = entry.get("date_start") or entry.get("date")
    return f"{what}{f' in {where}' if where else ''}{f', {when}' if when else ''}"


def _proposal(commitment: dict[str, Any], text: str) -> dict[str, Any]:
    """The structured proposal a note carries: who, what, by when, and the sentence it came from."""
    sentence = (commitment.get("spans") or {}).get("sentence")
    quote = text[sentence[0] : sentence[1]] if sentence else None
    return {
        "actor": commitment.get("actor"),
        "parties": list(commitment.get("parties") or []),
        "text": commitment.get("text") or "",
        "due": commitment.get("due"),
        "due_text": commitment.get("due_text"),
        "recurrence": commitment.get("recurrence"),
        "quote": quote,
    }


def ingest_articles(
    node: Node, paths: Iterable[Path], *, published: str | None = None
) -> Iterator[IngestResult | IngestFailure]:
    """Ingest each of ``paths`` in turn (see :func:`ingest_article`), yielding its result as it is published.

    A file that cannot be ingested (missing, a folder, unreadable, not UTF-8, not an article) yields an
    IngestFailure and stores nothing; the files after it are ingested all the same. Raises InvalidInput before
    any file is read when ``published`` is not a date (YYYY-MM-DD).
    """
    day = published_day(published)
    for path in paths:
        outcome: IngestResult | IngestFailure
        try:
            outcome = ingest_article(node, path, published=day)
        except (InvalidInput, NotFound, OSError) as exc:  # the file's fault; a database error stops the run
            outcome = IngestFailure(str(path), failure_reason(path, exc))
        yield outcome


def _stored_key(node: Node, url: str | None, key: str, text_sha: str) -> str:
    """The key the node already knows this article by: an article ingested before articles were known by their
    URL has ids made from its text's SHA-256 (its report's hash): that text again, or a corrected version at
    the same URL, keeps them; otherwise ``key``."""
    if not url or node.db.fetchone("SELECT 1 FROM objects WHERE id = ?", (_report_id(key),)):
        return key
    if node.db.fetchone("SELECT 1 FROM objects WHERE id = ?", (_report_id(text_sha),)):
        return text_sha
    rows = node.db.fetchall(
        "SELECT body FROM objects WHERE type = 'report' AND origin = ? ORDER BY added, id", (node.settings.party,)
    )
    for (body,) in rows:
        report = json.loads(body)
        for ref in report.get("external_references") or ():
            old = (ref.get("hashes") or {}).get("SHA-256")
            same = ref.get("url") and article_key(ref["url"], "", node.settings.party) == key
            if same and old and report.get("id") == _report_id(old):
                return str(old)
    return key


def _report_id(key: str) -> str:
    return f"report--{uuid.uuid5(_NAMESPACE, key)}"


def ingest_article(node: Node, path: Path, *, published: date | str | None = None) -> IngestResult:
    """Extract ``path`` and publish its incidents, the article (a report) and its commitments (notes).

    All of it in one transaction: when publishing fails part way, nothing of the article is stored. A corrected
    version of an article already ingested (the same URL, see :func:`article_key`) publishes new versions of its
    records: its report, and its incidents and proposals in the order the extractor gives them.
    Raises NotFound / InvalidInput when the file is missing or not an article.
    """
    extraction = extract_file(str(path), published)
    text = path.read_bytes()
    text_sha = hashlib.sha256(text).hexdigest()
    party = node.settings.party
    source = extraction.source
    undated = next((e for e in extraction.incidents if not (e.get("date_start") or e.get("date"))), None)
    if undated is not None and not source.get("published"):
        raise InvalidInput(
            f"{path}: no date for its incident in {undated.get('place') or 'an unknown place'}: the file has no "
            "header with a publication date (title, source, YYYY-MM-DD, a blank line, the body) and no --published "
            "was given"
        )
    key = _stored_key(node, source.get("url"), article_key(source.get("url"), text_sha, party), text_sha)
    incidents = [
        incident_from_extraction(entry, extraction, i, party=party, text_sha=key)
        for i, entry in enumerate(extraction.incidents)
    ]
    report_id = _report_id(key)
    result = IngestResult(file=str(path), report_id=report_id, incidents=[i.id for i in incidents])
    report: dict[str, Any] = {
        "type": "report",
        "spec_version": "2.1",
        "id": report_id,
        "created_by_ref": identity_id(party),
        "name": source.get("title") or path.name,
        "published": f"{source.get('published') or '1970-01-01'}T00:00:00.000Z",
        "report_types": ["threat-report"],
        "object_refs": [i.id for i in incidents] or [identity_id(party)],
        "external_references": [
            {"source_name": source.get("domain") or source.get("source") or "news", "url": source["url"],
             "hashes": {"SHA-256": text_sha}}
            if source.get("url")
            else {"source_name": source.get("source") or "article", "external_id": path.name,
                  "hashes": {"SHA-256": text_sha}}
        ],
    }  # fmt: skip
    with node.publisher() as pub:
        for inc in incidents:
            pub.add(inc)
        pub.flush()
        pub.add_object(report)
        for i, commitment in enumerate(extraction.commitments):
            note = {
                "type": "note",
                "spec_version": "2.1",
                "id": f"note--{uuid.uuid5(_NAMESPACE, f'{key}|commitment|{i}')}",
                "created_by_ref": identity_id(party),
                "abstract": f"Proposed commitment: {commitment.get('actor')}",
                "content": commitment.get("text") or "",
                "object_refs": [report_id],
                "labels": ["proposed-commitment", *([f"due:{commitment['due']}"] if commitment.get("due") else [])],
                "x_sarhad_commitment": {"ordinal": i, **_proposal(commitment, extraction.article.text)},
            }
            pub.add_object(note)
            result.commitments += 1
    result.added = pub.result.added
    result.updated = pub.result.updated
    result.unchanged = pub.result.unchanged
    return result
