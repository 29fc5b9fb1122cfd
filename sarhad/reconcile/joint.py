"""The joint view of a cluster: every member kept as reported, each figure's span and consensus, and flags.

Nothing here overwrites a party's figures: the view *adds* the span (lowest low to highest high over the
members), a consensus best, and what the parties disagree on.

* ``consensus`` best: the value every member that gives a best agrees on; else the median of the bests
  (the lower middle one for an even count, so the consensus is always a figure some source gave);
* ``figures_disagree``: two sources' intervals for a figure do not overlap (a source is the party or
  dataset that reported a member, or the outlet a news article quotes: :func:`source_of`; each source's
  interval runs from the lowest low to the highest high of its own records; a missing low or high is its best; ACLED's
  ambiguous 0 counts as unknown);
* ``perpetrator_disagree``: members name groups that are neither the same actor nor related ones
  (a group and the state label or umbrella it belongs to, or its predecessor, do not count);
* ``location_disagree``: two members' places are further apart than their precisions allow, or in
  different provinces or countries;
* ``date_disagree``: two sources' dates do not overlap, each date taken as the whole span its precision
  allows (a month-precision date covers its month, so it never disagrees with a day inside it); a day apart
  counts, and the words say that a night attack may explain it;
* ``single_source``: all members come from one party or dataset.

Members are named by :func:`reporter`: the party or dataset alone for its own report ("PK", "UCDP"), the
format beside a party's own report imported from a dataset's file ("PK (UCDP format)": PK's report, not
UCDP's), and the kind beside a report a party's node only ingested ("PK (article)").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import median_low
from typing import Any, Final

from sarhad.model.figures import Figure
from sarhad.reconcile.actor import actors_related
from sarhad.reconcile.record import PRESS_DATASETS, Record

__all__ = [
    "FLAGS",
    "PRESS_DATASETS",
    "JointFigure",
    "JointView",
    "cluster_date",
    "combine",
    "consensus",
    "intervals_disagree",
    "joint_view",
    "reporter",
    "reporter_label",
    "source_of",
]

FLAGS: Final = ("figures_disagree", "perpetrator_disagree", "location_disagree", "date_disagree", "single_source")
_EARTH_KM: Final = 6371.0
# How exactly a member's date is known, most exactly first (the codes of sarhad.model.codes.DATE_PRECISIONS, as the
# quarterly report ranks them): a cluster is dated by its most exactly dated members.
_EXACTNESS: Final = {"day": 0, "days": 1, "week": 2, "month": 3, "year": 4, "unknown": 5}
# How the datasets sarhad imports are spelled in words.
_DATASET_NAMES: Final = {"acled": "ACLED", "gtd": "GTD", "ucdp": "UCDP"}


@dataclass(frozen=True, slots=True)
class JointFigure:
    """One figure (measure x category) across a cluster, with each source's own ``(low, best, high)``
    (``by_party``, keyed by :func:`source_of`)."""

    measure: str
    category: str
    low: int | None
    best: int | None
    high: int | None
    by_party: tuple[tuple[str, int | None, int | None, int | None], ...]
    disagree: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "category": self.category,
            "low": self.low,
            "best": self.best,
            "high": self.high,
            "by_party": {p: {"low": lo, "best": be, "high": hi} for p, lo, be, hi in self.by_party},
            "disagree": self.disagree,
        }


@dataclass(frozen=True, slots=True)
class JointView:
    """A cluster's joint picture. ``members`` are the records as reported (ordered by party, then id);
    ``details``: ``(flag, what it means here)`` for each flag, in words (who said what)."""

    cluster_id: str
    members: tuple[Record, ...]
    figures: tuple[JointFigure, ...]
    flags: tuple[str, ...]
    details: tuple[tuple[str, str], ...] = ()

    def figure(self, measure: str, category: str = "total") -> JointFigure | None:
        """The joint figure for ``measure``/``category``, or None when no member gives it."""
        for fig in self.figures:
            if fig.measure == measure and fig.category == category:
                return fig
        return None

    def by_party(self, measure: str, category: str = "total") -> dict[str, dict[str, int | None]]:
        """Each source's own figure for ``measure``/``category`` (keyed by :func:`source_of`) as ``{"low", "best",
        "high"}``: the ``killed_by_party`` of the dashboard's clusters and of ``sarhad clusters list --json``;
        empty when no member gives the figure."""
        fig = self.figure(measure, category)
        if fig is None:
            return {}
        return {p: {"low": lo, "best": be, "high": hi} for p, lo, be, hi in fig.by_party}

    def summary_dict(self) -> dict[str, Any]:
        """The list form: members, total killed and wounded, flags."""

        def triple(measure: str) -> dict[str, int | None]:
            fig = self.figure(measure)
            return (
                {"low": fig.low, "best": fig.best, "high": fig.high}
                if fig
                else {"low": None, "best": None, "high": None}
            )

        return {
            "cluster_id": self.cluster_id,
            "members": [
                {
                    "id": m.id,
                    "source_id": m.source_id,
                    "reported_by": m.reported_by,
                    "dataset": m.dataset,
                    "label": reporter(m),
                }
                for m in self.members
            ],
            "killed": triple("killed"),
            "wounded": triple("wounded"),
            "flags": list(self.flags),
        }

    def to_dict(self) -> dict[str, Any]:
        """Everything: the list form plus every figure and every member's own fields."""
        out = self.summary_dict()
        out["flag_details"] = [{"flag": flag, "detail": text} for flag, text in self.details]
        out["figures"] = [f.to_dict() for f in self.figures]
        out["records"] = [_member_dict(m) for m in self.members]
        return out


def _member_dict(m: Record) -> dict[str, Any]:
    return {
        "id": m.id,
        "reported_by": m.reported_by,
        "dataset": m.dataset,
        "label": reporter(m),
        "source_id": m.source_id,
        "date_start": m.date_start,
        "date_end": m.date_end,
        "date_precision": m.date_precision,
        "country": m.country,
        "admin1": m.admin1,
        "place": m.place,
        "lat": m.lat,
        "lon": m.lon,
        "geo_precision": m.geo_precision,
        "attack_type": m.attack_type,
        "perpetrator": m.perpetrator,
        "figures": [f.to_dict() for f in m.figures],
        "summary": m.summary,
    }


def consensus(bests: Iterable[int | None]) -> int | None:
    """The agreed best, else the lower median of the known bests (None when none is known)."""
    known = sorted(b for b in bests if b is not None)
    if not known:
        return None
    return known[0] if known[0] == known[-1] else int(median_low(known))


def _bounds(low: int | None, best: int | None, high: int | None) -> tuple[int, int] | None:
    lo = low if low is not None else best if best is not None else high
    hi = high if high is not None else best if best is not None else low
    if lo is None or hi is None:
        return None
    return (min(lo, hi), max(lo, hi))


def intervals_disagree(intervals: Sequence[tuple[int, int]]) -> bool:
    """True when some two intervals do not overlap (the largest low is above the smallest high)."""
    return len(intervals) > 1 and max(lo for lo, _ in intervals) > min(hi for _, hi in intervals)


def combine(
    reports: Iterable[tuple[str, int | None, int | None, int | None]],
) -> tuple[int | None, int | None, int | None, bool, tuple[tuple[str, int | None, int | None, int | None], ...]]:
    """Combine ``(party, low, best, high)`` reports of one figure.

    Returns the span's low, the consensus best, the span's high, whether two parties' intervals do not
    overlap, and each party's own ``(party, low, best, high)`` (its records' lowest low, consensus best and
    highest high).
    """
    parties: dict[str, list[tuple[int | None, int | None, int | None]]] = {}
    for party, low, best, high in reports:
        parties.setdefault(party, []).append((low, best, high))
    spans: list[tuple[int, int]] = []
    by_party = []
    bests: list[int | None] = []
    for party in sorted(parties):
        triples = parties[party]
        bounds = [b for b in (_bounds(*t) for t in triples) if b is not None]
        lo = min((b[0] for b in bounds), default=None)
        hi = max((b[1] for b in bounds), default=None)
        if lo is not None and hi is not None:
            spans.append((lo, hi))
        bests += [t[1] for t in triples]
        by_party.append((party, lo, consensus(t[1] for t in triples), hi))
    return (
        min((s[0] for s in spans), default=None),
        consensus(bests),
        max((s[1] for s in spans), default=None),
        intervals_disagree(spans),
        tuple(by_party),
    )


def source_of(member: Record, figure: Figure) -> str:
    """Who a member's figure is from, as the joint view names it: the party or dataset that reported it, or,
    for a figure the report quotes from someone else (the outlet of a news article a party's node ingested),
    that source and the kind of report ("Tasnim (article)"), so that it is never taken for the party's own."""
    by = figure.asserted_by.strip()
    return member.reported_by if by in ("", member.reported_by) else f"{by} ({member.dataset})"


def _joint_figures(members: Sequence[Record]) -> tuple[JointFigure, ...]:
    by_key: dict[tuple[str, str], list[tuple[str, int | None, int | None, int | None]]] = {}
    for m in members:
        for fig in m.figures:
            if fig.zero_ambiguous and not fig.low and not fig.best and not fig.high:
                continue  # "0" that may mean "no information": not a count to compare
            by_key.setdefault((fig.measure, fig.category), []).append((source_of(m, fig), fig.low, fig.best, fig.high))
    out = []
    for (measure, category), reports in sorted(by_key.items()):
        low, best, high, disagree, by_party = combine(reports)
        out.append(JointFigure(measure, category, low, best, high, by_party, disagree))
    return tuple(out)


def _distance_km(a: Record, b: Record) -> float:
    assert a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None
    la, lb = math.radians(a.lat), math.radians(b.lat)
    h = math.sin((lb - la) / 2) ** 2 + math.cos(la) * math.cos(lb) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    return 2 * _EARTH_KM * math.asin(math.sqrt(min(1.0, h)))


def reporter(m: Record) -> str:
    """Who reported a member, in words: "PK" or "UCDP" for a party's or dataset's own report; "PK (UCDP format)"
    for PK's own report imported from a file in UCDP's format (``import ucdp FILE --reported-by PK``): it is
    PK's report, and the format only says which importer read it; "PK (article)" for a news article PK's node
    ingested, which is the press's account, not PK's."""
    return reporter_label(m.reported_by, m.dataset)


def reporter_label(reported_by: str, dataset: str) -> str:
    """:func:`reporter` from a record's ``reported_by`` and ``dataset`` alone."""
    if dataset in ("party", reported_by.lower()):
        return reported_by
    if dataset in PRESS_DATASETS:
        return f"{reported_by} ({dataset})"
    return f"{reported_by} ({_DATASET_NAMES.get(dataset, dataset)} format)"


def _where(m: Record) -> str:
    name = ", ".join(x for x in (m.place, m.admin1, m.country) if x) or "no place"
    return f"{reporter(m)}: {name} ({m.geo_precision})"


def _location_disagree(members: Sequence[Record]) -> str | None:
    """In words, the first two members whose places cannot be one place, or None."""
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            if a.country and b.country and a.country != b.country:
                return f"in different countries: {_where(a)}; {_where(b)}"
            if a.admin1 and b.admin1 and a.country == b.country and a.admin1.lower() != b.admin1.lower():
                return f"in different provinces: {_where(a)}; {_where(b)}"
            if a.lat is not None and b.lat is not None:
                # Three times the combined radius: beyond that, the places are not one place.
                km = _distance_km(a, b)
                if km > 3 * math.hypot(a.radius_km, b.radius_km) + 1.0:
                    return (
                        f"{km:.0f} km apart, more than how precisely they are placed allows: {_where(a)}; {_where(b)}"
                    )
    return None


def _date_span(m: Record) -> tuple[int, int]:
    """The days (proleptic ordinals) a member's date may be, by its precision: a month-precision date is its
    whole month and a year-precision one its whole year, whether the report gave the first day or the span."""
    first, last = date.fromordinal(m.day_start), date.fromordinal(m.day_end)
    if m.date_precision == "year":
        return date(first.year, 1, 1).toordinal(), max(m.day_end, date(first.year, 12, 31).toordinal())
    if m.date_precision == "month":
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return date(first.year, first.month, 1).toordinal(), max(m.day_end, following.toordinal() - 1)
    return first.toordinal(), last.toordinal()


def _when(m: Record) -> str:
    """A member's date as reported, with its precision when it is not a day."""
    when = m.date_start if m.day_start == m.day_end else f"{m.date_start}..{m.date_end}"
    return when if m.date_precision == "day" else f"{when} ({m.date_precision})"


def _date_disagree(members: Sequence[Record]) -> str | None:
    """In words, how far apart the sources' dates are and what each source says, or None when they overlap.

    A source's dates run from the first to the last day its members' spans (:func:`_date_span`) allow; a member
    of unknown date says nothing."""
    spans: dict[str, tuple[int, int]] = {}
    said: dict[str, list[str]] = {}
    for m in members:
        if m.date_precision == "unknown":
            continue
        lo, hi = _date_span(m)
        who = reporter(m)
        old = spans.get(who, (lo, hi))
        spans[who] = (min(old[0], lo), max(old[1], hi))
        said.setdefault(who, []).append(_when(m))
    if not intervals_disagree(list(spans.values())):
        return None
    gap = max(lo for lo, _ in spans.values()) - min(hi for _, hi in spans.values())
    apart = "a day apart (a night attack may be dated on either side of midnight)" if gap == 1 else f"{gap} days apart"
    every = "; ".join(f"{who}: {', '.join(dict.fromkeys(said[who]))}" for who in sorted(said))
    return f"the reports are dated {apart}: {every}"


def _perpetrator_disagree(members: Sequence[Record]) -> str | None:
    """In words, who names which unrelated groups, or None."""
    keys = sorted({m.actor for m in members if m.actor is not None})
    for i, x in enumerate(keys):
        for y in keys[i + 1 :]:
            if not actors_related(x, y):
                named = "; ".join(f"{reporter(m)}: {m.perpetrator}" for m in members if m.actor is not None)
                return f"the reports blame groups that are neither the same nor related: {named}"
    return None


def _figure_text(low: int | None, best: int | None, high: int | None) -> str:
    if best is None and low is None and high is None:
        return "unknown"
    if low == high and (best is None or best == low):
        return str(low)
    lo = "?" if low is None else str(low)
    hi = "?" if high is None else str(high)
    return f"{'?' if best is None else best} ({lo}-{hi})"


def _figures_detail(fig: JointFigure) -> str:
    """Which two sources' figures are furthest apart (the one whose interval ends lowest and the one whose
    interval starts highest), then what every source says."""
    known = [(p, lo, be, hi) for p, lo, be, hi in fig.by_party if lo is not None and hi is not None]
    below = min(known, key=lambda x: (x[3], x[0]))
    above = max(known, key=lambda x: (x[1], x[0]))
    said = ", ".join(f"{p} {_figure_text(lo, be, hi)}" for p, lo, be, hi in fig.by_party)
    return (
        f"{fig.measure} ({fig.category}): {below[0]} says {_figure_text(*below[1:])},"
        f" {above[0]} {_figure_text(*above[1:])} (every source: {said})"
    )


def joint_view(cluster_id: str, members: Iterable[Record]) -> JointView:
    """The joint view of one cluster from its member records."""
    ordered = tuple(sorted(members, key=lambda m: (m.reported_by, m.day_start, m.id)))
    figures = _joint_figures(ordered)
    details: list[tuple[str, str]] = [("figures_disagree", _figures_detail(f)) for f in figures if f.disagree]
    perpetrators = _perpetrator_disagree(ordered)
    if perpetrators:
        details.append(("perpetrator_disagree", perpetrators))
    places = _location_disagree(ordered)
    if places:
        details.append(("location_disagree", places))
    dates = _date_disagree(ordered)
    if dates:
        details.append(("date_disagree", dates))
    if len({(m.reported_by, m.dataset) for m in ordered}) <= 1:
        only = reporter(ordered[0]) if ordered else "none"
        details.append(("single_source", f"only one source reports it: {only}"))
    flags = tuple(dict.fromkeys(flag for flag, _ in details))
    return JointView(cluster_id=cluster_id, members=ordered, figures=figures, flags=flags, details=tuple(details))


def cluster_date(dates: Iterable[tuple[str, str, str]], agree: bool) -> dict[str, Any]:
    """When a cluster happened, as its members date it (each as ``(start, end, precision)``, ISO days): ``start``
    and ``end`` (ISO days), the ``precision`` of its most exactly dated members, and whether they ``agree``.

    When the members agree (no ``date_disagree`` flag), the date is the most exactly dated members' (as the
    quarterly report places a cluster): a report dated to the day, not the 1 January of one known only to the
    year. When they do not, it is the span from the earliest day any member's date allows to the latest, so that
    a reader sees the span rather than one day that looks certain. A month or a year stands for its whole days
    (:func:`sarhad._internal.dates.date_span`); a member of unknown date says nothing, unless none says more."""
    from sarhad._internal.dates import date_span

    members = list(dates)
    dated = [d for d in members if d[2] != "unknown"] or members
    precision = min((d[2] for d in dated), key=_EXACTNESS.__getitem__)
    chosen = [d for d in dated if d[2] == precision] if agree else dated
    spans = [date_span(*d) for d in chosen]
    return {
        "start": min(first for first, _ in spans).isoformat(),
        "end": max(last for _, last in spans).isoformat(),
        "precision": precision,
        "agree": agree,
    }
