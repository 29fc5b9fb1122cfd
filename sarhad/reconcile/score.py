"""The pairwise score: how likely two reports describe the same incident, from 0 to 1.

The score is a weighted mean of six agreements, each from 0 to 1, with 0.5 where a side does not say:

=========== ====== ==================================================================================
part        weight agreement
=========== ====== ==================================================================================
date        0.25   1 for overlapping dates, 0.75 one day apart (night attacks), 0.35 within the slack and
                   the day after it, then 0.1 less each further day (day-precise dates: 0.35 two days
                   apart, 0.05 five days apart, 0 beyond); scaled down for vague dates (a month overlaps
                   many incidents)
place       0.25   for two coordinates: ``exp(-d²/2s²)`` with s the combined precision radius, at most 1
                   for two exact points and 0.7 for a town's; a point whose nearest district seat of
                   its province is that of the district (county) the other report names lies in it: 0.8
                   within 20 km of the seat, 0.5 (as an unknown place) further; a point nearer another
                   seat lies in another district: 0.2; where the gazetteer has no seats, 0.8 within
                   20 km of the district's position, 0.3 to 0.5 further in the same province; two
                   reports at one district's position 0.5, as an unknown place; a province's centroid
                   says only the province (same 0.5, different 0.05), as do no coordinates; different
                   countries 0.1
attack type 0.12   same 1, different 0
perpetrator 0.15   same actor (through the alias registry) 1, related groups 0.7, different 0.1
killed      0.15   1 when the ranges overlap, falling with the relative difference of the bests
wounded     0.08   the same, on the bests
=========== ====== ==================================================================================

Pairs whose score falls near the threshold are refined with the summaries' word overlap (Jaccard), where both
summaries have at least three content words: a summary of one or two words is a label (an article's target, a
dataset's place description), not a write-up, and two labels sharing no word are no evidence against the pair.

A pair dated further apart than the slack allows (a party that announced an incident days late, or counted it
from when the bodies were found) is the same incident only if the rest agrees strongly: unless its place,
attack type, perpetrator and figures together reach ``Scoring.late_agreement`` of full agreement, it scores
0, whatever its summaries say, so that different attacks in one district a few days apart stay apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from sarhad.reconcile.actor import actors_related
from sarhad.reconcile.features import F64, I64, Bool, Features, tokens
from sarhad.reconcile.record import GEO_RADIUS_KM, Record

__all__ = ["WEIGHTS", "Scoring", "part_scores", "score_pairs"]

WEIGHTS: Final[dict[str, float]] = {
    "date": 0.25,
    "place": 0.25,
    "attack": 0.12,
    "actor": 0.15,
    "killed": 0.15,
    "wounded": 0.08,
}
_EARTH_KM: Final = 6371.0


@dataclass(frozen=True, slots=True)
class Scoring:
    """The thresholds of a run: pairs scoring ``threshold`` or more may join one cluster; two clusters merge
    only when the mean score over all their cross pairs (unscored pairs count 0) is ``linkage`` or more,
    which keeps a chain A-B-C of look-alikes from pulling A and C together. ``text_band``: pairs within
    this distance of the threshold are refined with the summaries' words (``text_weight``).
    ``late_agreement``: the least agreement of the parts other than the date (as a share of their weight)
    for a pair dated further apart than the slack allows to score anything."""

    threshold: float = 0.64
    linkage: float = 0.45
    text_band: float = 0.2
    text_weight: float = 0.3
    late_agreement: float = 0.6


def _same(a: I64, b: I64, equal: float, differ: float) -> F64:
    known = (a >= 0) & (b >= 0)
    return np.where(known, np.where(a == b, equal, differ), 0.5)


def _counts(a: F64, b: F64) -> F64:
    known = ~np.isnan(a) & ~np.isnan(b)
    top = np.fmax(np.fmax(a, b), 1.0)
    rel = np.abs(a - b) / (top + 1.0)
    return np.where(known, np.clip(1.0 - 1.6 * rel, 0.0, 1.0), 0.5)


def _distance_km(f: Features, a: I64, b: I64) -> F64:
    lat1, lat2 = np.radians(f.lat[a]), np.radians(f.lat[b])
    dlat = lat2 - lat1
    dlon = np.radians(f.lon[b] - f.lon[a])
    h = np.sin(dlat / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2) ** 2
    return np.asarray(2 * _EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))), dtype=np.float64)


_WITHIN_SLACK: Final = 0.35  # the date agreement of two dates further apart than a day but within the slack
_PER_LATE_DAY: Final = 0.1  # how much less each further day beyond the slack agrees


def _gap_days(f: Features, a: I64, b: I64) -> I64:
    """The days between the two records' date ranges (0 when they overlap)."""
    gap = np.maximum(0, np.maximum(f.day_start[a], f.day_start[b]) - np.minimum(f.day_end[a], f.day_end[b]))
    return np.asarray(gap, dtype=np.int64)


def _beyond_slack(f: Features, a: I64, b: I64) -> Bool:
    """Whether each pair is dated further apart than the vaguer record's slack allows."""
    return np.asarray(_gap_days(f, a, b) > np.maximum(f.slack[a], f.slack[b]), dtype=np.bool_)


def _date(f: Features, a: I64, b: I64) -> F64:
    gap = _gap_days(f, a, b)
    slack = np.maximum(f.slack[a], f.slack[b])
    late = np.clip(_WITHIN_SLACK - _PER_LATE_DAY * (gap - slack - 1), 0.0, None)
    base = np.where(gap == 0, 1.0, np.where(gap == 1, 0.75, np.where(gap <= slack, _WITHIN_SLACK, late)))
    span = np.maximum(f.day_end[a] - f.day_start[a], f.day_end[b] - f.day_start[b])
    vague = np.where(span == 0, 1.0, np.where(span <= 7, 0.8, 0.6))
    return np.asarray(base * vague, dtype=np.float64)


# The most a position of each precision can say for "same place": an exact point (radius up to 2 km) all of it,
# a town's point (up to 10 km) less; a coarser one says only that the place may be anywhere around it: 0.5, the
# score of an unknown place.
_COARSE_KM: Final = 10.0

# A district's (an Iranian county's) position is its seat, and the incident may be anywhere in the district:
# districts here reach 300 km across (Taftan is 280 km from Chagai district's seat at Dalbandin). No district
# boundaries ship: a point's district is taken to be the one whose seat, of those of its province, is nearest
# (``Features.district``). A point of the district the other report names, within 20 km of its seat, agrees with
# that report (less than two exact points, more than two town centres); further from the seat it is as good as an
# unknown place, since another attack the same day elsewhere in a large district is as likely. A point nearer
# another seat lies in another district: that counts against the pair. Where the gazetteer has no seats (a
# province it does not cover, a report without a province), the distance alone decides: within 20 km of the seat
# agrees, further in the same province counts against down to _DISTRICT_FLOOR, not as a contradiction.
_DISTRICT_KM: Final = GEO_RADIUS_KM["admin2"]
_IN_DISTRICT_KM: Final = 20.0
_IN_DISTRICT: Final = 0.8
_IN_DISTRICT_FAR: Final = 0.5
_OTHER_DISTRICT: Final = 0.2
_DISTRICT_FLOOR: Final = 0.3


def _cap(radius: F64) -> F64:
    return np.where(radius <= 2, 1.0, np.where(radius <= _COARSE_KM, 0.7, 0.5))


def _place(f: Features, a: I64, b: I64) -> F64:
    both = ~np.isnan(f.lat[a]) & ~np.isnan(f.lat[b])
    d = np.where(both, _distance_km(f, a, b), 0.0)
    sigma2 = f.radius[a] ** 2 + f.radius[b] ** 2
    # Identical city-centre coordinates say "same city", not "same place": cap by the vaguer precision.
    cap = np.minimum(_cap(f.radius[a]), _cap(f.radius[b]))
    by_point = np.minimum(np.exp(-(d**2) / (2 * sigma2)), cap)
    by_admin = _same(f.admin1[a], f.admin1[b], 0.5, 0.05)
    # Coordinates decide when both are points or districts' seats; a province centroid says no more than the
    # province.
    points = both & (f.radius[a] <= 50) & (f.radius[b] <= 50)
    seat_a, seat_b = f.radius[a] == _DISTRICT_KM, f.radius[b] == _DISTRICT_KM
    district = points & (seat_a | seat_b)
    # (Two reports placed at one seat say only "the same district", as good as an unknown place: 0.5.)
    one_seat = district & (seat_a != seat_b)
    known = one_seat & (f.district[a] >= 0) & (f.district[b] >= 0)
    held = known & (f.district[a] == f.district[b])
    near_seat = d <= _IN_DISTRICT_KM
    by_point = np.where(held, np.where(near_seat, _IN_DISTRICT, _IN_DISTRICT_FAR), by_point)
    same_admin1 = (f.admin1[a] >= 0) & (f.admin1[a] == f.admin1[b])
    # A district of another province counts against at least as much, and the further the more.
    other = np.where(same_admin1, _OTHER_DISTRICT, np.fmin(by_point, _OTHER_DISTRICT))
    by_point = np.where(known & ~held, other, by_point)
    # Without seats to tell the district, the distance to the named district's seat alone decides.
    by_point = np.where(one_seat & ~known & near_seat, _IN_DISTRICT, by_point)
    by_point = np.where(district & ~known & same_admin1, np.fmax(by_point, _DISTRICT_FLOOR), by_point)
    place = np.where(points, by_point, np.where(both, np.fmax(by_admin, np.minimum(by_point, 0.5)), by_admin))
    other_country = (f.country[a] >= 0) & (f.country[b] >= 0) & (f.country[a] != f.country[b])
    return np.asarray(np.where(other_country, 0.1, place), dtype=np.float64)


def _actor(f: Features, a: I64, b: I64) -> F64:
    xa, xb = f.actor[a], f.actor[b]
    out = _same(xa, xb, 1.0, 0.1)
    differ = np.nonzero((xa >= 0) & (xb >= 0) & (xa != xb))[0]
    # Many pairs share a pair of actors: ask the registry once per distinct pair of actors, not per record pair.
    actor_pairs = xa[differ] * np.int64(len(f.actor_names)) + xb[differ]
    distinct, which = np.unique(actor_pairs, return_inverse=True)
    names = f.actor_names
    related = np.fromiter(
        (actors_related(names[code // len(names)], names[code % len(names)]) for code in distinct.tolist()),
        np.bool_,
        distinct.shape[0],
    )
    out[differ[related[which]]] = 0.7
    return out


def _killed(f: Features, a: I64, b: I64) -> F64:
    overlap = (f.killed_low[a] <= f.killed_high[b]) & (f.killed_low[b] <= f.killed_high[a])
    return np.where(overlap, 1.0, _counts(f.killed_best[a], f.killed_best[b]))


_MAX_TOKENS: Final = 16
_MIN_WORDS: Final = 3  # the fewest content words of a summary whose words refine a score


def _word_codes(records: Sequence[Record], needed: I64) -> npt.NDArray[np.int64]:
    """One row per record of ``needed``: the codes of its first ``_MAX_TOKENS`` summary words in sorted order,
    padded with -1, as wide as the longest row. Each record's words are read once, whatever its pair count."""
    vocabulary: dict[str, int] = {}
    codes: list[int] = []
    lengths: list[int] = []
    for i in needed.tolist():
        words = sorted(tokens(records[i].summary))[:_MAX_TOKENS]
        codes.extend([vocabulary.setdefault(w, len(vocabulary)) for w in words])
        lengths.append(len(words))
    counts = np.array(lengths, dtype=np.int64)
    matrix = np.full((needed.shape[0], max(lengths, default=0)), -1, dtype=np.int64)
    # Fill every row at once: word k of row r goes to column (k - the row's first word's place in ``codes``).
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    matrix[np.repeat(np.arange(needed.shape[0]), counts), np.arange(len(codes)) - starts] = codes
    return matrix


def _jaccard(records: Sequence[Record], a: I64, b: I64) -> tuple[F64, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Word-set Jaccard of the summaries of each pair, whether both summaries have ``_MIN_WORDS`` words or more
    (their words count for or against the pair), and whether both have words at all (short ones count only for:
    two labels that share their words agree; two that share none say nothing)."""
    needed = np.unique(np.concatenate([a, b]))
    matrix = _word_codes(records, needed)
    ta = matrix[np.searchsorted(needed, a)]
    tb = matrix[np.searchsorted(needed, b)]
    la, lb = (ta >= 0).sum(axis=1), (tb >= 0).sum(axis=1)
    inter = np.zeros(a.shape[0], dtype=np.int64)
    for k in range(matrix.shape[1]):  # tokens are distinct within a row: count the matches column by column
        col = tb[:, k : k + 1]
        inter += ((ta == col) & (col >= 0)).sum(axis=1)
    union = la + lb - inter
    # A summary of fewer than _MIN_WORDS content words is a label, not a write-up of the event (an article's target,
    # "check post"; a UCDP row's place, "Dasht thesil"): that two such share no word says nothing about the pair.
    known = (la >= _MIN_WORDS) & (lb >= _MIN_WORDS)
    worded = (la > 0) & (lb > 0)
    return np.where(worded, inter / np.maximum(union, 1), 0.0), known, worded


def part_scores(f: Features, a: I64, b: I64) -> tuple[dict[str, F64], Bool]:
    """Each part's agreement (``WEIGHTS``' keys, 0 to 1, 0.5 where a side does not say) for each pair ``(a[k],
    b[k])``, without the summaries' words, and whether each pair is dated further apart than the slack allows: what
    :func:`score_pairs` weighs, for a caller that asks which parts of two reports agree (two versions of one report:
    :mod:`sarhad.reconcile.review`)."""
    parts = {
        "date": _date(f, a, b),
        "place": _place(f, a, b),
        "attack": _same(f.attack[a], f.attack[b], 1.0, 0.0),
        "actor": _actor(f, a, b),
        "killed": _killed(f, a, b),
        "wounded": _counts(f.wounded_best[a], f.wounded_best[b]),
    }
    return parts, _beyond_slack(f, a, b)


def score_pairs(records: Sequence[Record], f: Features, a: I64, b: I64, scoring: Scoring | None = None) -> F64:
    """The score of each candidate pair ``(a[k], b[k])`` (indices into ``records``)."""
    scoring = scoring or Scoring()
    if a.shape[0] == 0:
        return np.empty(0, np.float64)
    rest = (
        WEIGHTS["place"] * _place(f, a, b)
        + WEIGHTS["attack"] * _same(f.attack[a], f.attack[b], 1.0, 0.0)
        + WEIGHTS["actor"] * _actor(f, a, b)
        + WEIGHTS["killed"] * _killed(f, a, b)
        + WEIGHTS["wounded"] * _counts(f.wounded_best[a], f.wounded_best[b])
    )
    s = WEIGHTS["date"] * _date(f, a, b) + rest
    # A pair dated late that the rest does not strongly support scores 0 (its words are not even read).
    weak_late = _beyond_slack(f, a, b) & (rest < scoring.late_agreement * (1.0 - WEIGHTS["date"]))
    s[weak_late] = 0.0
    band = np.nonzero(np.abs(s - scoring.threshold) <= scoring.text_band)[0]
    if band.shape[0]:
        jaccard, known, worded = _jaccard(records, a[band], b[band])
        refined = (1 - scoring.text_weight) * s[band] + scoring.text_weight * np.minimum(1.0, 2 * jaccard)
        # Word overlap of two write-ups of one event is rarely above ~0.5: 0.5 counts as full agreement. A label's
        # words (fewer than _MIN_WORDS) count only for the pair: "Attack near Turbat" twice agrees.
        s[band] = np.where(known, refined, np.where(worded, np.maximum(refined, s[band]), s[band]))
    return np.asarray(s, dtype=np.float64)
