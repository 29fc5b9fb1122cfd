"""Files that are no article, for the commands that read articles (``sarhad extract``, ``sarhad ingest article``):
each must be refused with its reason while the good files around it are read all the same."""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

_LATIN1 = "Quetta attack\n\nSix killed in Mastung, said the caf\xe9 owner.".encode("latin-1")
_HTML = b"<!doctype html><html><body>news</body></html>"
# A dataset's file or a STIX bundle given to the article commands instead of to `sarhad import`.
_UCDP = b'id,relid,year,active_year,type_of_violence,side_a,side_b\r\n52131,PAK-2010-3-1129-7,2010,1,3,BLA,"BLA"\r\n'
_BUNDLE = b'{"type": "bundle", "id": "bundle--1", "objects": []}\n'

BAD_ARTICLES: dict[str, tuple[Callable[[Path], object], str]] = {
    "latin1.txt": (lambda path: path.write_bytes(_LATIN1), "not UTF-8 text"),
    "empty.txt": (lambda path: path.write_bytes(b""), "empty, no article text"),
    "page.html": (lambda path: path.write_bytes(_HTML), "HTML"),
    "ged.csv": (lambda path: path.write_bytes(_UCDP), "a CSV table (header id,relid,year,"),
    "bundle.json": (lambda path: path.write_bytes(_BUNDLE), "a JSON document"),
    "missing.txt": (lambda path: None, "no such file"),
    "a-folder": (Path.mkdir, "a folder, not a file"),
}
"""Each bad file's name: how it is written, and (part of) the reason a command gives for refusing it."""


def write_bad_articles(folder: Path, *, leave_out: Collection[str] = ()) -> dict[str, str]:
    """Write the files of :data:`BAD_ARTICLES` into ``folder``, but those named in ``leave_out``; return each
    file's path with its reason, in the order of :data:`BAD_ARTICLES` (the order a test passes them in)."""
    assert set(leave_out) <= set(BAD_ARTICLES), f"no such bad file: {sorted(set(leave_out) - set(BAD_ARTICLES))}"
    reasons = {}
    for name, (write, reason) in BAD_ARTICLES.items():
        if name not in leave_out:
            write(folder / name)
            reasons[str(folder / name)] = reason
    return reasons
