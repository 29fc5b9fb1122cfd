"""Clustering: from scored candidate pairs to groups of records that describe one incident.

Best-first agglomeration with three guards, so that look-alikes do not chain:

1. a source reports an incident once: a cluster never holds two records of the same party/dataset;
2. average linkage: two clusters merge only when the mean score over *all* their cross pairs (a pair that
   blocking never proposed counts 0) reaches ``Scoring.linkage``, so A-B and B-C do not pull A and C;
3. analyst decisions: records an analyst kept apart stay apart; records an analyst put together stay
   together (they are united before anything else).

Deterministic: records are ordered by id, pairs by score then ids. Incremental: pass the previous run's
labels as ``existing`` and only pairs that touch a new record are scored; the old clusters are the starting
point and keep their ids.
"""

from __future__ import annotations

import gc
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from sarhad.reconcile.blocking import candidate_pairs
from sarhad.reconcile.features import F64, I64, Features
from sarhad.reconcile.record import Record
from sarhad.reconcile.score import Scoring, score_pairs

__all__ = ["ClusterResult", "cluster_id_for", "cluster_records"]

_NAMESPACE: Final = uuid.UUID("5a7268ad-0000-5000-8000-636c75737472")
_KEEP_SCORE: Final = 0.3  # pairs below this count as 0 in the linkage mean (not worth remembering)


def cluster_id_for(member_ids: Iterable[str]) -> str:
    """The id a new cluster gets: a uuid5 of its sorted member ids (``cluster--<uuid>``)."""
    return f"cluster--{uuid.uuid5(_NAMESPACE, '|'.join(sorted(member_ids)))}"


@dataclass(frozen=True, slots=True)
class ClusterResult:
    """What a clustering run produced: ``labels`` maps every record id to its cluster id."""

    labels: dict[str, str]
    candidates: int = 0
    linked: int = 0
    new_records: int = 0
    stats: dict[str, int] = field(default_factory=dict)

    def clusters(self) -> dict[str, list[str]]:
        """Cluster id → its member ids (sorted)."""
        out: dict[str, list[str]] = {}
        for rid, cid in sorted(self.labels.items()):
            out.setdefault(cid, []).append(rid)
        return out


class _Groups:
    """Union-find over record indices that also tracks members and sources per root.

    Only groups of two or more keep a member list and a source set; a singleton's are derived, so a run
    over a million records does not allocate two million small containers up front.
    """

    def __init__(self, sources: Sequence[int], cannot: set[tuple[int, int]], codes: I64, scores: F64):
        self.n = len(sources)
        self.parent = list(range(self.n))
        self.source = sources
        self._members: dict[int, list[int]] = {}
        self._sources: dict[int, set[int]] = {}
        self.cannot = cannot
        # Scored pairs as sorted codes ``a * n + b`` (a < b) beside their scores: a dict of millions of
        # tuples would cost ten times the memory.
        self.codes = codes
        self.scores = scores

    def members(self, root: int) -> list[int]:
        return self._members.get(root) or [root]

    def sources(self, root: int) -> set[int]:
        return self._sources.get(root) or {self.source[root]}

    def score(self, x: int, y: int) -> float:
        code = min(x, y) * self.n + max(x, y)
        k = int(np.searchsorted(self.codes, code))
        if k < self.codes.shape[0] and int(self.codes[k]) == code:
            return float(self.scores[k])
        return 0.0

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def forbidden(self, ra: int, rb: int) -> bool:
        if not self.cannot:
            return False
        for x in self.members(ra):
            for y in self.members(rb):
                if (min(x, y), max(x, y)) in self.cannot:
                    return True
        return False

    def linkage(self, ra: int, rb: int) -> float:
        ma, mb = self.members(ra), self.members(rb)
        total = 0.0
        for x in ma:
            for y in mb:
                total += self.score(x, y)
        return total / (len(ma) * len(mb))

    def single(self, root: int) -> bool:
        return root not in self._members

    def union(self, ra: int, rb: int) -> None:
        ma, mb = self.members(ra), self.members(rb)
        if len(ma) < len(mb):
            ra, rb, ma, mb = rb, ra, mb, ma
        self.parent[rb] = ra
        self._members[ra] = ma + mb
        self._sources[ra] = self.sources(ra) | self.sources(rb)
        self._members.pop(rb, None)
        self._sources.pop(rb, None)

    def groups(self) -> list[list[int]]:
        """Every group's members, largest first, then by smallest member."""
        multi = list(self._members.values())
        grouped = {i for m in multi for i in m}
        singles = [[i] for i in range(self.n) if i not in grouped]
        return sorted(multi, key=lambda m: (-len(m), min(m))) + singles


def cluster_records(
    records: Sequence[Record],
    *,
    scoring: Scoring | None = None,
    existing: Mapping[str, str] | None = None,
    must: Sequence[tuple[str, str]] = (),
    cannot: Iterable[tuple[str, str]] = (),
) -> ClusterResult:
    """Cluster ``records`` (any order; a repeated id keeps its last record).

    ``existing``: record id → cluster id from the previous run; records not in it are the new ones, and
    only pairs touching them are scored (all pairs when ``existing`` is None). ``must``/``cannot``: record
    id pairs an analyst put together / kept apart (ids not among the records are ignored).
    """
    # The run allocates millions of small objects that all live until it ends: pausing the cyclic garbage
    # collector keeps it from rescanning them again and again (which made time grow faster than n).
    paused = gc.isenabled()
    gc.disable()
    try:
        return _cluster(records, scoring or Scoring(), existing, must, cannot)
    finally:
        if paused:
            gc.enable()


def _cluster(
    records: Sequence[Record],
    scoring: Scoring,
    existing: Mapping[str, str] | None,
    must: Sequence[tuple[str, str]],
    cannot: Iterable[tuple[str, str]],
) -> ClusterResult:
    by_id = {r.id: r for r in records}
    ordered = [by_id[k] for k in sorted(by_id)]
    index = {r.id: i for i, r in enumerate(ordered)}
    f = Features.of(ordered)
    new_mask = None
    if existing is not None:
        new_mask = np.fromiter((r.id not in existing for r in ordered), np.bool_, len(ordered))
    a, b = candidate_pairs(f, new_mask)
    s = score_pairs(ordered, f, a, b, scoring)

    keep = s >= _KEEP_SCORE
    codes = a[keep] * np.int64(len(ordered)) + b[keep]  # sorted: candidate_pairs returns pairs in code order
    forbid = {
        (min(index[x], index[y]), max(index[x], index[y])) for x, y in cannot if x in index and y in index and x != y
    }
    groups = _Groups(f.source.tolist(), forbid, codes, s[keep])

    # 1. the previous run's clusters (minus what an analyst has since kept apart), 2. analyst unions.
    if existing:
        by_cluster: dict[str, list[int]] = {}
        for rid, cid in existing.items():
            if rid in index:
                by_cluster.setdefault(cid, []).append(index[rid])
        for cid in sorted(by_cluster):
            first, *rest = sorted(by_cluster[cid])
            for i in rest:
                ra, rb = groups.find(first), groups.find(i)
                if ra != rb and not groups.forbidden(ra, rb):
                    groups.union(ra, rb)
    for x, y in must:
        if x in index and y in index:
            ra, rb = groups.find(index[x]), groups.find(index[y])
            if ra != rb and not groups.forbidden(ra, rb):
                groups.union(ra, rb)

    # 3. best-first over the pairs above the threshold.
    strong = np.nonzero(s >= scoring.threshold)[0]
    order = strong[np.lexsort((b[strong], a[strong], -s[strong]))]
    linked = 0
    for k in order.tolist():
        ra, rb = groups.find(int(a[k])), groups.find(int(b[k]))
        if ra == rb or groups.sources(ra) & groups.sources(rb):
            continue
        if groups.forbidden(ra, rb):
            continue
        if not (groups.single(ra) and groups.single(rb)) and groups.linkage(ra, rb) < scoring.linkage:
            continue
        groups.union(ra, rb)
        linked += 1

    labels = _label(ordered, groups, existing or {})
    return ClusterResult(
        labels=labels,
        candidates=int(a.shape[0]),
        linked=linked,
        new_records=int(new_mask.sum()) if new_mask is not None else len(ordered),
    )


def _label(ordered: Sequence[Record], groups: _Groups, existing: Mapping[str, str]) -> dict[str, str]:
    """Give each group an id: the previous id most of its members had, else a new one."""
    comps = groups.groups()
    used: set[str] = set()
    labels: dict[str, str] = {}
    for members in comps:
        ids = [ordered[i].id for i in members]
        votes = Counter(existing[i] for i in ids if i in existing)
        choice = None
        for cid, _ in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0])):
            if cid not in used:
                choice = cid
                break
        if choice is None:
            choice = cluster_id_for(ids)
        used.add(choice)
        for rid in ids:
            labels[rid] = choice
    return labels
