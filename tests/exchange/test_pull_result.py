"""What ``sarhad taxii pull`` prints: one counted summary line, and ``--json`` with seconds to the millisecond
as every other command's JSON gives them (import, sync, reconcile)."""

from __future__ import annotations

import json

from sarhad.exchange.pull import PullResult


def _result(*, pages: int, incidents: int, objects: int, seconds: float) -> PullResult:
    return PullResult(
        collection="http://127.0.0.1:8470/taxii2/sarhad/collections/c/",
        fetched=incidents + objects,
        pages=pages,
        incidents=incidents,
        objects=objects,
        derived=0,
        added=incidents + objects,
        updated=0,
        unchanged=0,
        last_added="2026-01-15T10:00:00.000Z",
        seconds=seconds,
    )


def test_pull_summary_counts_one_page_and_one_incident_in_the_singular() -> None:
    summary = _result(pages=1, incidents=1, objects=0, seconds=0.26).summary()
    assert summary == (
        "pulled 1 object in 1 page from http://127.0.0.1:8470/taxii2/sarhad/collections/c/: 1 incident, 0 other"
        " objects (1 added, 0 updated, 0 unchanged; 0 derived objects recomputed) in 0.26 s"
    )
    assert "in 3 pages" in _result(pages=3, incidents=250, objects=2, seconds=1.0).summary()


def test_pull_json_gives_seconds_to_the_millisecond() -> None:
    data = json.loads(json.dumps(_result(pages=1, incidents=121, objects=0, seconds=0.26352143600024647).as_dict()))
    assert data["seconds"] == 0.264
    assert (data["fetched"], data["pages"], data["incidents"]) == (121, 1, 121)
