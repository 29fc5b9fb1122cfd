"""Building reports for the reconciliation tests: one call per report, with the fields that matter."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from sarhad.model.figures import Figure
from sarhad.model.incident import Incident, Perpetrator, Place, incident_id
from sarhad.reconcile.record import Record


class Region(TypedDict):
    """The country and province of several :func:`report` calls, passed as ``**region``."""

    country: str
    admin1: str


class Spot(TypedDict):
    """The point and place name of several :func:`report` calls, passed as ``**spot``."""

    lat: float
    lon: float
    place: str


def report(
    who: str,
    ref: str,
    day: str,
    *,
    end: str | None = None,
    precision: str = "day",
    lat: float | None = 30.1798,
    lon: float | None = 66.975,
    geo: str = "exact",
    country: str = "PK",
    admin1: str = "PK-BA",
    place: str | None = "Quetta",
    attack: str | None = "Bombing/Explosion",
    perpetrator: str | None = None,
    killed: int | tuple[int | None, int | None, int | None] | None = None,
    wounded: int | None = None,
    summary: str = "",
    dataset: str | None = None,
    asserted_by: str | None = None,
) -> Incident:
    """One party's or dataset's report of an incident; ``asserted_by``: whose killed figure it quotes (a news
    outlet for an article a party ingested), by default the reporter's own."""
    figures = []
    if killed is not None:
        low, best, high = (None, killed, None) if isinstance(killed, int) else killed
        figures.append(Figure("killed", "total", low, best, high, "reported", asserted_by or who))
    if wounded is not None:
        figures.append(Figure("wounded", "total", None, wounded, None, "reported", who))
    ds = dataset or ("party" if who in ("PK", "IR") else who.lower())
    return Incident(
        id=incident_id(ds, who, ref),
        reported_by=who,
        dataset=ds,
        source_id=ref,
        date_start=day,
        date_end=end or day,
        date_precision=precision,
        place=Place(country=country, admin1_code=admin1, name=place, lat=lat, lon=lon, precision=geo),
        attack_types=(attack,) if attack else (),
        perpetrators=(Perpetrator(perpetrator, "claimed"),) if perpetrator else (),
        figures=tuple(figures),
        summary=summary,
    )


def record(*args: object, **kwargs: object) -> Record:
    """The comparison record of :func:`report`."""
    return Record.from_incident(report(*args, **kwargs))  # type: ignore[arg-type]


def day(text: str) -> int:
    return date.fromisoformat(text).toordinal()
