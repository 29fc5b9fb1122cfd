"""Clustering quality against known truth: pairwise precision, recall, F1 and B-cubed F1."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Quality", "measure"]


@dataclass(frozen=True, slots=True)
class Quality:
    """Pairwise: over the pairs of records put together. B-cubed: per record, averaged."""

    precision: float
    recall: float
    f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def measure(predicted: Mapping[str, str], truth: Mapping[str, object]) -> Quality:
    """Compare predicted cluster labels with true incident labels (both keyed by record id)."""
    ids = [i for i in truth if i in predicted]
    pred = Counter(predicted[i] for i in ids)
    true = Counter(truth[i] for i in ids)
    both = Counter((predicted[i], truth[i]) for i in ids)
    tp = sum(_pairs(n) for n in both.values())
    pp = sum(_pairs(n) for n in pred.values())
    tt = sum(_pairs(n) for n in true.values())
    precision = tp / pp if pp else 1.0
    recall = tp / tt if tt else 1.0
    bp = sum(n * n / pred[p] for (p, _), n in both.items()) / len(ids) if ids else 1.0
    br = sum(n * n / true[t] for (_, t), n in both.items()) / len(ids) if ids else 1.0
    return Quality(precision, recall, _f1(precision, recall), bp, br, _f1(bp, br))
