"""``sarhad extract FILE...``: propose incidents, commitments and figures from news articles."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer

from sarhad.cli._shared import console, err_console, print_json
from sarhad.errors import InvalidInput, SarhadError

__all__ = ["extract_cmd", "register"]


def _summary(entry: dict[str, Any]) -> None:
    src = entry.get("source") or {}
    console.print(f"[bold]{entry['file']}[/bold]  {src.get('title') or ''}", highlight=False)
    if src.get("published") or src.get("url") or src.get("source"):
        console.print(f"  {src.get('published') or '?'}  {src.get('url') or src.get('source') or ''}", highlight=False)
    incidents = entry["incidents"]
    if not incidents:
        console.print("  incidents: none")
    for i, inc in enumerate(incidents):
        label = "main" if inc.get("main") else f"background {i}"
        where = ", ".join(x for x in (inc.get("place"), inc.get("admin1"), inc.get("country")) if x) or "?"
        who = inc.get("perpetrator") or "unknown perpetrator"
        if inc.get("perpetrator") and inc.get("attribution") not in (None, "unknown"):
            who += f" ({inc['attribution']})"
        toll = []
        if inc.get("killed") is not None:
            toll.append(f"{'≥' if inc.get('killed_qualifier') in ('at least', 'over') else ''}{inc['killed']} killed")
        if inc.get("wounded") is not None:
            toll.append(
                f"{'≥' if inc.get('wounded_qualifier') in ('at least', 'over') else ''}{inc['wounded']} wounded"
            )
        if inc.get("kidnapped") is not None:
            toll.append(f"{inc['kidnapped']} kidnapped")
        if inc.get("attackers_killed") is not None:
            toll.append(f"{inc['attackers_killed']} attackers killed")
        console.print(
            f"  incident [{label}] {inc.get('date') or '?'}  {where}  {inc.get('attack_type')}  "
            f"{'; '.join(toll) or 'toll not given'}  {who}  target: {inc.get('target') or '?'}  "
            f"(confidence {inc.get('confidence')})",
            highlight=False,
            markup=False,
        )
    for c in entry["commitments"]:
        due = c.get("due") or ("every " + c["recurrence"] if c.get("recurrence") else "no date")
        console.print(f"  commitment {c['actor']}: {c['text']}  [due {due}]", highlight=False, markup=False)
    for f in entry["figures"]:
        value = f["value"]
        shown = f"{value:,}" if isinstance(value, int) else f"{value:g}"
        console.print(f"  figure {shown} {f['unit']}  — {f['quantity']}", highlight=False, markup=False)


_FILES = typer.Argument(..., help="Article files: title, source, date, blank line, body.")
_JSON = typer.Option(
    False, "--json", help="Print a JSON list, one entry per file, in order; a file that failed has only file and error."
)
_PUBLISHED = typer.Option(
    None, "--published", help="Publication date (YYYY-MM-DD) for plain text or to override the header."
)


def extract_cmd(files: list[Path] = _FILES, as_json: bool = _JSON, published: str = _PUBLISHED) -> None:
    """Propose incident records, commitments and figures from news articles, each value tied to its span.

    A file that cannot be extracted (missing, unreadable, not UTF-8, empty, not an article) is named on stderr
    with the reason, and the other files are extracted all the same; the exit status is then 1. Nothing is
    stored: 'sarhad ingest article' publishes articles."""
    from sarhad.extract import published_day

    day = published_day(published)  # a bad date is the command's error, not each file's
    entries = [_extract_one(path, day) for path in files]
    if as_json:
        print_json(entries)
    else:
        for entry in entries:
            if entry["error"] is None:
                _summary(entry)
    failed = [str(entry["file"]) for entry in entries if entry["error"] is not None]
    if failed:
        extracted = len(files) - len(failed)
        raise InvalidInput(
            f"{len(failed)} of {len(files)} files could not be extracted ({', '.join(failed)});"
            f" the other {extracted} {'was' if extracted == 1 else 'were'} extracted"
        )


def _extract_one(path: Path, published: date | None) -> dict[str, Any]:
    """The entry of one file: its extraction with ``error`` None, or only ``file`` and ``error`` (the reason, also
    printed on stderr) when it cannot be read or is no article."""
    from sarhad.extract import extract_file, failure_reason

    try:
        extraction = extract_file(str(path), published)
    except (SarhadError, OSError) as exc:
        reason = failure_reason(path, exc)
        err_console.print(f"error: {path}: {reason}", style="red", highlight=False, markup=False)
        return {"file": str(path), "error": reason}
    if extraction.article.published is None:
        err_console.print(
            f"warning: {path}: no publication date (no header, no --published): relative dates stay unresolved",
            highlight=False,
            markup=False,
        )
    return {**extraction.to_json(), "error": None}


def register(app: typer.Typer) -> None:
    """Add the ``extract`` command to the root app."""
    app.command("extract")(extract_cmd)
