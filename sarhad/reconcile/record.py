"""The record the clustering works on: what one report says about when, where, what, who and how many.

A :class:`Record` is a flat, comparison-ready view of an :class:`~sarhad.model.incident.Incident`
(:meth:`Record.from_incident`), or built directly by the benchmark's generator. The clustering core never
touches the database, so it runs the same on generated data and on a node's records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Final

from sarhad.errors import InvalidInput
from sarhad.model.figures import Figure, Range, total
from sarhad.model.incident import Incident
from sarhad.store.incidents import UNKNOWN_TYPE

__all__ = ["DATE_SLACK_DAYS", "GEO_RADIUS_KM", "PRESS_DATASETS", "Record"]

# How many days either side of a record's own [start, end] another report of the same incident may fall.
# A night attack is "Thursday" to one party and "Friday" to the other, so even day-precise dates get one.
DATE_SLACK_DAYS: Final[dict[str, int]] = {
    "day": 1,
    "days": 1,
    "week": 3,
    "month": 3,
    "year": 7,
    "unknown": 7,
}

# How far (km) a record's coordinates may be from where the incident really was, by geo precision.
GEO_RADIUS_KM: Final[dict[str, float]] = {
    "exact": 1.5,
    "near": 10.0,
    "admin2": 40.0,
    "admin1": 200.0,
    "region": 300.0,
    "country": 1000.0,
    "water": 50.0,
    "unknown": 1000.0,
}
# Datasets that are what a party's node read (the press), not a report the party made.
PRESS_DATASETS: Final = frozenset({"article"})
# Precisions whose coordinates are a real point (not a province or country centroid).
POINT_PRECISIONS: Final = frozenset({"exact", "near", "admin2", "water"})


@lru_cache(maxsize=4096)
def _admin1_code(name: str | None, country: str | None) -> str | None:
    """The ISO 3166-2 code of a province spelling, so that "Balochistan" and "PK-BA" compare equal."""
    if not name:
        return None
    from sarhad.geo import normalise_admin1

    found = normalise_admin1(name, country)
    return found[1] if found else name


@dataclass(frozen=True, slots=True)
class Record:
    """One report of an incident, as the clustering compares it.

    ``day_start``/``day_end`` are proleptic ordinals (``date.toordinal``) of the reported date range.
    ``actor`` is the canonical key of the first named perpetrator (see :func:`~sarhad.reconcile.actor.actor_key`),
    ``perpetrator`` the name as reported. ``figures`` are the record's own, untouched.

    Raises InvalidInput when the date range is reversed or the precision is not a known code.
    """

    id: str
    reported_by: str
    source_id: str
    day_start: int
    day_end: int
    date_precision: str = "day"
    lat: float | None = None
    lon: float | None = None
    geo_precision: str = "unknown"
    country: str | None = None
    admin1: str | None = None
    place: str | None = None
    attack_type: str | None = None
    perpetrator: str | None = None
    actor: str | None = None
    figures: tuple[Figure, ...] = ()
    summary: str = ""
    dataset: str = ""

    def __post_init__(self) -> None:
        if self.day_end < self.day_start:
            raise InvalidInput(f"record {self.id}: end day {self.day_end} is before start day {self.day_start}")
        if self.date_precision not in DATE_SLACK_DAYS:
            raise InvalidInput(f"record {self.id}: date precision {self.date_precision!r} is not known")
        if self.geo_precision not in GEO_RADIUS_KM:
            raise InvalidInput(f"record {self.id}: geo precision {self.geo_precision!r} is not known")

    @property
    def source(self) -> str:
        """Who reports this record, for the rule that a source reports an incident once: its party and dataset,
        or, for a news article a party's node ingested, that article (its ``source_id`` up to ``#``), since two
        outlets' articles, or an outlet's follow-up, report the same attack (each article reports it once)."""
        if self.dataset in PRESS_DATASETS:
            return f"{self.reported_by}|{self.dataset}|{self.source_id.partition('#')[0]}"
        return f"{self.reported_by}|{self.dataset}"

    @property
    def killed(self) -> Range:
        """The record's total killed."""
        return total(self.figures, "killed")

    @property
    def wounded(self) -> Range:
        """The record's total wounded."""
        return total(self.figures, "wounded")

    @property
    def radius_km(self) -> float:
        """How far the true place may be from the record's coordinates."""
        return GEO_RADIUS_KM[self.geo_precision]

    @property
    def has_point(self) -> bool:
        """True when the coordinates are a point rather than a province or country centroid."""
        return self.lat is not None and self.geo_precision in POINT_PRECISIONS

    @property
    def date_start(self) -> str:
        return date.fromordinal(self.day_start).isoformat()

    @property
    def date_end(self) -> str:
        return date.fromordinal(self.day_end).isoformat()

    @classmethod
    def from_incident(cls, inc: Incident) -> Record:
        """The comparison view of a stored incident."""
        from sarhad.reconcile.actor import actor_key

        p = inc.place
        return cls(
            id=inc.id,
            reported_by=inc.reported_by,
            source_id=inc.source_id,
            day_start=date.fromisoformat(inc.date_start).toordinal(),
            day_end=date.fromisoformat(inc.date_end).toordinal(),
            date_precision=inc.date_precision,
            lat=p.lat,
            lon=p.lon,
            geo_precision=p.precision,
            country=p.country,
            admin1=p.admin1_code or _admin1_code(p.admin1, p.country),
            place=p.name,
            # GTD's "Unknown" says nothing of the attack: two of them do not agree, nor does one differ from a
            # bombing (the first other type, as the incidents table keeps it)
            attack_type=next((t for t in inc.attack_types if t != UNKNOWN_TYPE), None),
            perpetrator=inc.perpetrator,
            actor=actor_key(inc.perpetrator),
            figures=inc.figures,
            # The default STIX name ("Incident of <date>") says nothing a summary could compare.
            summary=inc.summary or ("" if inc.title.startswith("Incident of ") else inc.title),
            dataset=inc.dataset,
        )

    def to_row(self) -> list[Any]:
        """The record as a JSON-ready list (see :meth:`from_row`): what a node keeps between runs, so that
        a run need not parse every incident's STIX body again."""
        return [
            self.id, self.reported_by, self.source_id, self.day_start, self.day_end, self.date_precision,
            self.lat, self.lon, self.geo_precision, self.country, self.admin1, self.place, self.attack_type,
            self.perpetrator, self.actor,
            [[f.measure, f.category, f.low, f.best, f.high, f.rule, f.asserted_by, f.zero_ambiguous]
             for f in self.figures],
            self.summary, self.dataset,
        ]  # fmt: skip

    @classmethod
    def from_row(cls, row: list[Any]) -> Record:
        """The record :meth:`to_row` wrote. Raises InvalidInput when the row is malformed."""
        try:
            (rid, by, source_id, start, end, dprec, lat, lon, gprec, country, admin1, place, attack, perpetrator,
             actor, figures, summary, dataset) = row  # fmt: skip
            return cls(
                id=rid, reported_by=by, source_id=source_id, day_start=start, day_end=end, date_precision=dprec,
                lat=lat, lon=lon, geo_precision=gprec, country=country, admin1=admin1, place=place,
                attack_type=attack, perpetrator=perpetrator, actor=actor,
                figures=tuple(Figure(*f) for f in figures), summary=summary, dataset=dataset,
            )  # fmt: skip
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"stored reconciliation record is malformed: {exc}") from exc
