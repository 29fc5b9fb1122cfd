"""Clustering: from scored candidate pairs to groups of records that describe one incident.

Best-first agglomeration with three guards, so that look-alikes do not chain:

1. a source reports an incident once: a cluster never holds two records of the same party/dataset (each news
   article a party's node ingested is a source of its own: :attr:`Record.source`);
2. average linkage: two clusters merge only when the mean score over *all* their cross pairs (a pair that
   blocking never proposed counts 0) reaches ``Scoring.linkage``, so A-B and B-C do not pull A and C;
3. analyst decisions: records an analyst kept apart stay apart; records an analyst put together stay
   together (they are united before anything else).

Deterministic: records are ordered by id, pairs by score then ids, so the clusters are a function of the
records and the decisions alone, whatever the input order.

Incremental, and exact: merges only ever follow *strong* pairs (scoring at least the threshold) and
analysts' must-links, so the clustering of one connected component of that graph depends on that component
alone. An incremental run (``existing`` = the previous run's labels) starts from the records that are new or
changed, the other members of clusters that lost a record, and the records that changed analyst decisions
name; it widens that set along strong pairs and must-links until it is closed (each round scores only the
pairs touching the records just added), and clusters the closed set afresh. Everything outside it keeps its
previous cluster. The result is the same as a from-scratch run over all the records, at the cost of the
neighbourhood of what changed.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from sarhad._internal.collector import paused_collector
from sarhad.reconcile.blocking import Blocker, candidate_pairs
from sarhad.reconcile.features import F64, I64, Bool, Features
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
    """What a clustering run produced: ``labels`` maps every record id to its cluster id.

    ``candidates``: pairs scored; ``new_records``: records new or changed since ``existing``;
    ``reclustered``: records whose clusters were recomputed (all of them in a from-scratch run).
    """

    labels: dict[str, str]
    candidates: int = 0
    linked: int = 0
    new_records: int = 0
    reclustered: int = 0
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

    def groups(self, active: Bool) -> list[list[int]]:
        """Every group of ``active`` records, largest first, then by smallest member."""
        multi = list(self._members.values())
        grouped = {i for m in multi for i in m}
        singles = [[i] for i in np.flatnonzero(active).tolist() if i not in grouped]
        return sorted(multi, key=lambda m: (-len(m), min(m))) + singles


def cluster_records(
    records: Sequence[Record],
    *,
    scoring: Scoring | None = None,
    existing: Mapping[str, str] | None = None,
    changed: Iterable[str] = (),
    must: Sequence[tuple[str, str]] = (),
    cannot: Iterable[tuple[str, str]] = (),
    new_decisions: bool = True,
    names: Mapping[str, str] | None = None,
) -> ClusterResult:
    """Cluster ``records`` (any order; a repeated id keeps its last record).

    ``existing``: record id → cluster id from the previous run (None: cluster from scratch). Records not in
    it are new; ``changed`` names records in it whose content changed since (their previous cluster is
    recomputed too; ids in ``existing`` that are no longer among the records count as changed). Only the
    neighbourhood of what is new or changed is scored and clustered again, and the result equals a
    from-scratch run; clusters that keep most of their members keep their ids. ``must``/``cannot``: record
    id pairs an analyst put together / kept apart (ids not among the records are ignored);
    ``new_decisions``: they may differ from the previous run's, so every record they name is recomputed
    (pass False only when they are the very constraints ``existing`` was computed with).
    ``names``: for a from-scratch run (no ``existing``), record id → cluster id of an earlier run, so that
    the clusters are recomputed but keep the ids most of their members had, as an incremental run's do.
    """
    # The run allocates millions of small objects that all live until it ends: pausing the cyclic garbage
    # collector keeps it from rescanning them again and again (which made time grow faster than n).
    with paused_collector():
        return _cluster(records, scoring or Scoring(), existing, set(changed), must, cannot, new_decisions, names)


def _seeds(
    ordered: Sequence[Record],
    existing: Mapping[str, str],
    changed: set[str],
    decided: set[int],
) -> tuple[Bool, Bool]:
    """(new or changed records, every record whose cluster must be recomputed) as masks over ``ordered``."""
    n = len(ordered)
    new = np.fromiter((r.id not in existing or r.id in changed for r in ordered), np.bool_, n)
    present = {r.id for r in ordered}
    dirty = {existing[i] for i in changed if i in existing}
    dirty |= {cid for rid, cid in existing.items() if rid not in present}
    seeds = new | np.fromiter((existing.get(r.id) in dirty for r in ordered), np.bool_, n)
    if decided:
        seeds[np.fromiter(decided, np.int64, len(decided))] = True
    return new, seeds


def _closure(
    ordered: Sequence[Record], f: Features, seeds: Bool, scoring: Scoring, must: Sequence[tuple[int, int]]
) -> tuple[Bool, I64, I64, F64]:
    """Widen ``seeds`` along strong pairs and analysts' must-links until closed; return the closed set and
    its scored pairs, sorted.

    Each round scores the candidate pairs that touch the records added in the round before (a pair whose
    other end joined earlier was scored then), so every pair inside the closed set is scored exactly once.
    """
    mx = np.fromiter((x for x, _ in must), np.int64, len(must))
    my = np.fromiter((y for _, y in must), np.int64, len(must))
    closure = seeds.copy()
    frontier = seeds.copy()
    found_a: list[I64] = []
    found_b: list[I64] = []
    found_s: list[F64] = []
    blocker = Blocker(f) if frontier.any() else None
    while blocker is not None and frontier.any():
        a, b = blocker.touching(frontier)
        earlier = closure & ~frontier
        fresh = ~(earlier[a] | earlier[b])
        a, b = a[fresh], b[fresh]
        s = score_pairs(ordered, f, a, b, scoring)
        found_a.append(a)
        found_b.append(b)
        found_s.append(s)
        strong = s >= scoring.threshold
        reached = np.zeros(f.size, np.bool_)
        reached[a[strong]] = True
        reached[b[strong]] = True
        reached[my[frontier[mx]]] = True
        reached[mx[frontier[my]]] = True
        frontier = reached & ~closure
        closure |= frontier
    if not found_a:
        return closure, np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64)
    a, b, s = np.concatenate(found_a), np.concatenate(found_b), np.concatenate(found_s)
    inside = closure[a] & closure[b]
    a, b, s = a[inside], b[inside], s[inside]
    order = np.argsort(a * np.int64(f.size) + b, kind="stable")
    return closure, a[order], b[order], s[order]


def _cluster(
    records: Sequence[Record],
    scoring: Scoring,
    existing: Mapping[str, str] | None,
    changed: set[str],
    must: Sequence[tuple[str, str]],
    cannot: Iterable[tuple[str, str]],
    new_decisions: bool,
    names: Mapping[str, str] | None = None,
) -> ClusterResult:
    by_id = {r.id: r for r in records}
    ordered = [by_id[k] for k in sorted(by_id)]
    index = {r.id: i for i, r in enumerate(ordered)}
    must_pairs = [(index[x], index[y]) for x, y in must if x in index and y in index and x != y]
    forbid = {
        (min(index[x], index[y]), max(index[x], index[y])) for x, y in cannot if x in index and y in index and x != y
    }
    if existing is None:
        f = Features.of(ordered)
        active = np.ones(len(ordered), np.bool_)
        new_count = len(ordered)
        a, b = candidate_pairs(f)
        s = score_pairs(ordered, f, a, b, scoring)
    else:
        decided = {i for pair in (*must_pairs, *forbid) for i in pair} if new_decisions else set()
        new, seeds = _seeds(ordered, existing, changed, decided)
        if not seeds.any():  # nothing new, changed or decided: every record keeps its cluster
            return ClusterResult(labels={r.id: existing[r.id] for r in ordered})
        f = Features.of(ordered)
        new_count = int(new.sum())
        active, a, b, s = _closure(ordered, f, seeds, scoring, must_pairs)

    keep = s >= _KEEP_SCORE
    codes = a[keep] * np.int64(len(ordered)) + b[keep]  # sorted: pairs come in code order
    groups = _Groups(f.source.tolist(), forbid, codes, s[keep])

    # 1. analyst unions (the recomputed set is widened along must-links, so none leaves it), 2. best-first
    # over the pairs above the threshold.
    for x, y in must_pairs:
        if not (active[x] and active[y]):
            continue
        ra, rb = groups.find(x), groups.find(y)
        if ra != rb and not groups.forbidden(ra, rb):
            groups.union(ra, rb)
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

    labels = _label(ordered, groups, existing if existing is not None else (names or {}), active)
    return ClusterResult(
        labels=labels,
        candidates=int(a.shape[0]),
        linked=linked,
        new_records=new_count,
        reclustered=int(active.sum()),
    )


def _label(ordered: Sequence[Record], groups: _Groups, existing: Mapping[str, str], active: Bool) -> dict[str, str]:
    """Give each recomputed group an id: the previous id most of its members had, else a new one. Records
    outside the recomputed set keep their previous ids."""
    labels = {r.id: existing[r.id] for r, on in zip(ordered, active.tolist(), strict=True) if not on}
    used = set(labels.values())
    for members in groups.groups(active):
        ids = [ordered[i].id for i in members]
        choice = None
        votes = Counter(existing[i] for i in ids if i in existing) if existing else Counter()
        for cid, _ in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0])):
            if cid not in used:
                choice = cid
                break
        if choice is None:
            choice = cluster_id_for(ids)
            # the new id of these members may be taken: a cluster once of these members alone kept its id as it
            # grew, and has just split again (an analyst's split, a withdrawn merge)
            again = 0
            while choice in used:
                again += 1
                choice = cluster_id_for([*ids, f"#{again}"])
        used.add(choice)
        for rid in ids:
            labels[rid] = choice
    return labels
