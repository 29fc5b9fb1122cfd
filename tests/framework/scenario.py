"""A realistic two-party fixture: the founding framework, two quarters of both parties' assessments (some
agreeing, some not), evidence, indicator series, milestones, disputes, recommendations and a year of
synthetic incidents along the border. Used by the tests and by ``benchmarks/framework_report.py``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sarhad.framework import ops
from sarhad.model.figures import Figure
from sarhad.model.incident import Incident, Place, incident_id
from sarhad.node import Node

TODAY = date(2026, 4, 14)  # the day the 2026Q1 report is drawn up

# (commitment, quarter, PK level, IR level, evidence keys PK, evidence keys IR)
ASSESSMENTS: list[tuple[str, str, int | None, int | None, tuple[str, ...], tuple[str, ...]]] = [
    ("C-01", "2025Q4", 1, 1, (), ()),
    ("C-02", "2025Q4", 2, 2, ("minutes",), ("minutes",)),
    ("C-08", "2025Q4", 1, 1, (), ()),
    ("C-11", "2025Q4", 1, None, (), ()),
    ("C-01", "2026Q1", 1, 2, (), ()),
    ("C-02", "2026Q1", 3, 3, ("minutes",), ("minutes",)),
    ("C-03", "2026Q1", 3, 3, ("communique",), ("communique",)),
    ("C-04", "2026Q1", 0, 0, (), ()),
    ("C-05", "2026Q1", 2, 2, (), ()),
    ("C-06", "2026Q1", 1, 0, (), ()),
    ("C-07", "2026Q1", 0, 1, (), ()),
    ("C-08", "2026Q1", 1, 3, ("requests",), ()),
    ("C-09", "2026Q1", 1, 1, (), ()),
    ("C-10", "2026Q1", 2, 1, ("patrols",), ()),
    ("C-11", "2026Q1", 2, 2, ("exchange",), ("exchange",)),
    ("C-12", "2026Q1", 0, 1, (), ()),
    ("C-13", "2026Q1", 1, None, (), ()),
]

RATIONALE = {
    "C-01": "Draft terms of reference for the verification mechanism circulated; not yet adopted.",
    "C-02": "Both technical committees constituted; terms of reference signed; two meetings held.",
    "C-03": "Summit held in Tehran on 24 February 2026; joint communiqué issued.",
    "C-04": "No date set yet for a joint parliamentary session.",
    "C-05": "First quarterly review held by the parliamentary groups on 20 March 2026.",
    "C-06": "Exchange of notes on drone surveillance corridors; no protocol signed.",
    "C-07": "Pilot programme announced in Sistan-Baluchestan; none in Balochistan yet.",
    "C-08": "Requests answered within 72 hours in 4 of 11 cases.",
    "C-09": "One coordinated operation near Taftan; no standing arrangement.",
    "C-10": "Coordinated patrols in two of five sectors.",
    "C-11": "Incident records exchanged through sarhad every week since January.",
    "C-12": "Feasibility study on the border free-trade zone commissioned.",
    "C-13": "Two of three counter-terrorism MoUs have a work plan.",
}

EVIDENCE = {
    "minutes": ("tc-minutes-2026-01-22.txt", "meeting", "Minutes of the second technical-committee meeting"),
    "communique": ("tehran-communique-2026-02-24.txt", "document", "Joint communiqué of the Tehran summit"),
    "requests": ("intel-requests-2026Q1.csv", "dataset", "Log of intelligence requests, Q1 2026"),
    "patrols": ("patrol-log-2026Q1.csv", "dataset", "Coordinated patrol log, Q1 2026"),
    "exchange": ("exchange-report-2026Q1.txt", "dataset", "sarhad exchange timeliness report, Q1 2026"),
    "photo": ("mand-attack-photo.jpg", "media", "Photograph of the site, Mand attack"),
}

CAPTURED = {
    "minutes": "2026-01-22T10:00:00Z",
    "communique": "2026-02-24T16:00:00Z",
    "requests": "2026-03-31T09:00:00Z",
    "patrols": "2026-03-31T09:30:00Z",
    "exchange": "2026-04-02T08:00:00Z",
    "photo": "2026-03-12T07:15:00Z",
}

# Places (approximate coordinates) with their province, country and distance to the border in km.
PLACES = [
    ("Mand", "Balochistan", "PK", 62.05, 26.08, 8.0),
    ("Turbat", "Balochistan", "PK", 63.05, 26.0, 95.0),
    ("Panjgur", "Balochistan", "PK", 64.1, 26.97, 130.0),
    ("Taftan", "Balochistan", "PK", 61.6, 28.97, 3.0),
    ("Mashkel", "Balochistan", "PK", 63.25, 27.85, 20.0),
    ("Jiwani", "Balochistan", "PK", 61.77, 25.05, 15.0),
    ("Gwadar", "Balochistan", "PK", 62.32, 25.13, 60.0),
    ("Dalbandin", "Balochistan", "PK", 64.4, 28.9, 190.0),
    ("Peshawar", "Khyber Pakhtunkhwa", "PK", 71.58, 34.0, 900.0),
    ("Bannu", "Khyber Pakhtunkhwa", "PK", 70.6, 33.0, 800.0),
    ("Zahedan", "Sistan and Baluchestan", "IR", 60.86, 29.5, 45.0),
    ("Mirjaveh", "Sistan and Baluchestan", "IR", 61.45, 29.02, 12.0),
    ("Saravan", "Sistan and Baluchestan", "IR", 62.34, 27.37, 18.0),
    ("Rask", "Sistan and Baluchestan", "IR", 61.4, 26.24, 40.0),
    ("Pishin", "Sistan and Baluchestan", "IR", 61.75, 26.08, 6.0),
    ("Chabahar", "Sistan and Baluchestan", "IR", 60.64, 25.29, 110.0),
    ("Bam", "Kerman", "IR", 58.36, 29.1, 300.0),
]
WEIGHTS = [5, 2, 2, 4, 3, 2, 2, 1, 3, 2, 3, 3, 3, 2, 3, 1, 1]


@contextmanager
def frozen_clock(moment: datetime) -> Iterator[None]:
    """Publish as if at ``moment`` (so that the fixture's records have realistic sharing delays)."""
    import sarhad.node as node_module

    class _Clock(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            return moment

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(node_module, "datetime", _Clock)
        yield


def _incidents(rng: random.Random) -> list[tuple[datetime, Incident]]:
    out = []
    start = date(2025, 4, 1)
    for n in range(96):
        day = start + timedelta(days=rng.randrange(365))
        name, admin1, country, lon, lat, border_km = rng.choices(PLACES, weights=WEIGHTS)[0]
        lon, lat = lon + rng.uniform(-0.04, 0.04), lat + rng.uniform(-0.04, 0.04)
        killed = rng.choice([0, 0, 1, 1, 2, 3, 5, 8, 12])
        party = country
        inc = Incident(
            id=incident_id("PARTY", party, f"S-{n:03d}"),
            reported_by=party,
            dataset="PARTY",
            source_id=f"S-{n:03d}",
            date_start=day.isoformat(),
            date_end=day.isoformat(),
            place=Place(
                country=country,
                admin1=admin1,
                name=name,
                lat=round(lat, 3),
                lon=round(lon, 3),
                precision="near",
                border_km=border_km,
            ),
            figures=(Figure("killed", "total", killed, killed, killed, "reported", party),),
            title=f"Synthetic incident {n} near {name}",
            tlp="GREEN",
        )
        delay = timedelta(hours=rng.choice([6, 20, 40, 60, 90, 150, 300]))
        out.append((datetime(day.year, day.month, day.day, 12, tzinfo=UTC) + delay, inc))
    return sorted(out, key=lambda x: x[0])


def build(node: Node, workdir: Path, *, incidents: bool = True) -> dict[str, Any]:
    """Fill ``node`` (a PK node) with the scenario; returns the ids a test may want."""
    # Each record is published on the day it names (its version's time is when it was known), so that a past
    # quarter's report, drawn as of the quarter's end, holds what was published by then.
    with frozen_clock(_noon(date(2025, 10, 1))):
        ops.init_template(node, "pk-ir-2025")
    rng = random.Random(7)
    ids: dict[str, Any] = {"incidents": []}
    if incidents:
        for moment, inc in _incidents(rng):
            with frozen_clock(moment):
                node.publish([inc])
            ids["incidents"].append(inc.id)
    workdir.mkdir(parents=True, exist_ok=True)
    ev: dict[str, str] = {}
    for key, (name, kind, title) in EVIDENCE.items():
        path = workdir / name
        path.write_text(f"{title}\n" + "\n".join(f"line {i}: {rng.random():.6f}" for i in range(20)), encoding="utf-8")
        links = ids["incidents"][-1:] if key == "photo" and ids["incidents"] else None
        with frozen_clock(datetime.fromisoformat(CAPTURED[key]) + timedelta(hours=1)):
            ev[key] = _add_evidence(node, path, kind, title, links, key)
    ids["evidence"] = ev
    for code, quarter, pk, ir, ev_pk, ev_ir in ASSESSMENTS:
        with frozen_clock(_noon(date(2025, 12, 20) if quarter == "2025Q4" else date(2026, 3, 20))):
            _assess(node, code, quarter, pk, ir, [ev[k] for k in ev_pk], [ev[k] for k in ev_ir])
    with frozen_clock(_noon(date(2026, 3, 28))):
        _rest(node, ev, ids)
    return ids


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


def _add_evidence(node: Node, path: Path, kind: str, title: str, links: list[str] | None, key: str) -> str:
    return str(
        ops.add_evidence(
            node,
            path,
            kind,
            title=title,
            incidents=links,
            captured_at=CAPTURED[key],
            party="IR" if key == "communique" else None,
        )["id"]
    )


def _assess(
    node: Node, code: str, quarter: str, pk: int | None, ir: int | None, ev_pk: list[str], ev_ir: list[str]
) -> None:
    text = RATIONALE[code]
    if pk is not None:
        ops.assess(
            node,
            code,
            quarter,
            pk,
            text,
            evidence=ev_pk,
            compliance=("C", "LC", "PC", "NC")[3 - pk],
            effectiveness=("low", "moderate", "substantial", "high")[max(pk - 1, 0)],
            next_step="Technical committee to review in the next meeting" if code == "C-01" else None,
        )
    if ir is not None:
        ops.assess(
            node,
            code,
            quarter,
            ir,
            f"IR: {text}" if ir == pk else f"IR assessment: level {ir}.",
            evidence=ev_ir,
            party="IR",
            compliance=("C", "LC", "PC", "NC")[3 - ir],
        )


def _rest(node: Node, ev: dict[str, str], ids: dict[str, Any]) -> None:
    # A draft not yet submitted (never counted).
    ops.assess(node, "C-09", "2026Q2", 2, "Second joint operation planned.", state="draft")
    # The joint committee reconciled C-10 at level 1.
    ops.assess(
        node,
        "C-10",
        "2026Q1",
        1,
        "Joint committee: patrols coordinated in two sectors but not yet joint; level 1 agreed.",
        party="JOINT",
    )
    d1 = ops.open_dispute(
        node,
        "C-08",
        "2026Q1",
        "Whether intelligence requests were answered in time",
        "Only 4 of 11 requests were answered within 72 hours; full implementation is not shown.",
        evidence=[ev["requests"]],
        level="technical",
        today=date(2026, 3, 25),
    )
    ops.reply_dispute(
        node,
        d1["code"],
        "All requests were answered through the liaison channel; the log omits phone replies.",
        party="IR",
        today=date(2026, 3, 27),
    )
    ops.update_dispute(
        node, d1["code"], level="joint-committee", note="not settled at the technical level", today=date(2026, 3, 30)
    )
    d2 = ops.open_dispute(
        node,
        "C-12",
        "2026Q1",
        "Bilateral trade figure for Q1 2026",
        "The customs figure is USD 2.9 bn a year annualised, not 2.8.",
        party="IR",
        indicator="I-12.2",
        reply_days=10,
        today=date(2026, 3, 10),
    )
    ids["disputes"] = [d1["code"], d2["code"]]
    values: dict[str, dict[str, tuple[float, float]]] = {
        "I-01.1": {"2025Q4": (0, 0), "2026Q1": (0, 0)},
        "I-02.1": {"2025Q4": (1, 1), "2026Q1": (2, 2)},
        "I-03.1": {"2026Q1": (1, 1)},
        "I-05.1": {"2026Q1": (1, 1)},
        "I-08.1": {"2026Q1": (36, 100)},
        "I-10.1": {"2025Q4": (3, 3), "2026Q1": (9, 7)},
        "I-11.1": {"2025Q4": (48, 40), "2026Q1": (64, 58)},
        "I-12.1": {"2025Q4": (0, 0), "2026Q1": (0, 0)},
        "I-12.2": {"2025Q4": (2.6, 2.7), "2026Q1": (2.8, 2.9)},
        "I-13.1": {"2025Q4": (2, 2), "2026Q1": (4, 5)},
        "I-13.2": {"2025Q4": (1, 1), "2026Q1": (2, 2)},
    }
    for code, series in values.items():
        for quarter, (pk_v, ir_v) in series.items():
            ops.record_indicator(node, code, quarter, pk_v, source="PK technical committee")
            ops.record_indicator(node, code, quarter, ir_v, party="IR", source="IR technical committee")
    ops.set_indicator_target(node, "I-12.1", 5, by="2030-12-31", source="illustrative: no year in the text")
    ops.update_milestone(node, "M-02.1", status="met", date_met="2025-12-10", today=date(2025, 12, 10))
    ops.update_milestone(node, "M-02.2", status="met", date_met="2025-12-18", today=date(2025, 12, 18))
    ops.update_milestone(node, "M-03.1", status="met", date_met="2026-02-24", today=date(2026, 2, 24))
    ops.update_milestone(
        node, "M-05.1", due="2026-04-15", reason="First review moved to after the Tehran summit", today=date(2026, 3, 2)
    )
    ops.update_milestone(node, "M-01.1", status="partiallyMet", today=date(2026, 3, 28))
    ops.update_milestone(node, "M-13.1", status="met", date_met="2026-03-05", today=date(2026, 3, 5))
    r = ops.add_recommendation(
        node,
        "2025Q4",
        "Adopt the terms of reference of the verification mechanism.",
        owner="Technical committees",
        due="2026Q1",
        today=date(2025, 12, 15),
    )
    ops.update_recommendation(node, r["code"], "in-progress", note="draft circulated", today=date(2026, 3, 28))
    ops.add_recommendation(
        node,
        "2026Q1",
        "Agree a protocol for answering intelligence requests within 72 hours.",
        owner="Technical committee (intelligence)",
        due="2026Q2",
        commitment="C-08",
        today=date(2026, 3, 28),
    )
