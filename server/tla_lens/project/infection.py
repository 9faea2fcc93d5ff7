"""Infection: which modules are async, the shortest chain to a top-level await, cycles.

``async(M) = hasTLA(M) or any(async(N) for N in evaluation-edges(M))`` is reachability over
evaluation edges to a module with TLA, so one multi-source breadth-first search backwards from
every TLA module gives, for every module, its verdict and its *shortest* chain to a TLA site.

Ties between chains of the same length are broken by a rule that looks only at a module's own
imports (so a result never depends on the order a search happened to visit modules in, and an
update can re-derive a part of the graph and get what a fresh computation gets): a module at
distance ``d`` continues its chain through the import whose target, at distance ``d - 1``, has the
smallest ``(root, target)`` (the root: the TLA module at the end of the target's chain); among
several imports of that target, the first (by position). So every chain ends at the smallest of
the nearest TLA modules.

:func:`infect` computes it all; :func:`reinfect` re-derives, in place, only a region of the graph
closed under importers (the modules that reach whatever changed): nothing outside it can have a
different distance, root or chain. Cycles need no special case for the verdict (members of a
strongly connected component reach each other); they are found with an iterative Tarjan for the
async-cycle rule. Everything is iterative: a 3,000-module chain or a 2,000-module cycle cannot
overflow the stack.
"""
from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, Optional, Protocol, Sequence

from .graph import path_order


class EdgeLike(Protocol):
    source: Path
    target: Optional[Path]


@dataclass
class Infection:
    # module -> the evaluation edge that leads one step closer to a TLA module (None for TLA modules)
    via: dict[Path, Optional[EdgeLike]] = field(default_factory=dict)
    # module -> number of hops to the nearest TLA module (0 for TLA modules)
    distance: dict[Path, int] = field(default_factory=dict)
    # module -> the TLA module at the end of its shortest chain
    root: dict[Path, Path] = field(default_factory=dict)

    def is_async(self, path: Path) -> bool:
        return path in self.distance

    def chain(self, path: Path) -> list[Path]:
        """Modules from ``path`` (exclusive) down to the TLA module (inclusive)."""
        out: list[Path] = []
        edge = self.via.get(path)
        while edge is not None:
            out.append(edge.target)  # type: ignore[arg-type]
            edge = self.via.get(edge.target)  # type: ignore[arg-type]
        return out

    def edges(self, path: Path, limit: Optional[int] = None) -> list[EdgeLike]:
        """The evaluation edges of the chain, starting with ``path``'s own import (at most
        ``limit`` of them)."""
        out: list[EdgeLike] = []
        edge = self.via.get(path)
        while edge is not None and (limit is None or len(out) < limit):
            out.append(edge)
            edge = self.via.get(edge.target)  # type: ignore[arg-type]
        return out

    def assign(self, other: "Infection") -> None:
        """Take ``other``'s verdicts (in place: modules and the project share this object)."""
        self.via, self.distance, self.root = other.via, other.distance, other.root

    def root_of(self, path: Path) -> Optional[Path]:
        """The TLA module at the end of the chain (``path`` itself for a TLA module)."""
        return self.root.get(path)


def infect(
    sources: Iterable[Path],
    importers: Mapping[Path, Sequence[EdgeLike]],
    blocked: Callable[[Path], bool] = lambda p: False,
) -> Infection:
    """Backward BFS from ``sources`` (TLA modules) over ``importers`` (target -> edges into it,
    evaluation edges only, sorted by source, then position). ``blocked`` modules are never
    infected nor pass it on (used for allowAsync when deciding what to report). Ties: see the
    module docstring (a module met again at the same distance takes the better target)."""
    result = Infection()
    distance, via, root = result.distance, result.via, result.root
    frontier: list[Path] = []
    for s in sorted(sources, key=path_order):
        if s in distance or blocked(s):
            continue
        distance[s] = 0
        via[s] = None
        root[s] = s
        frontier.append(s)
    d = 0
    while frontier:
        d += 1
        following: list[Path] = []
        for node in frontier:
            r = root[node]
            for edge in importers.get(node, ()):
                src = edge.source
                known = distance.get(src)
                if known is None:
                    if blocked(src):
                        continue
                    distance[src] = d
                    via[src] = edge
                    root[src] = r
                    following.append(src)
                elif known == d:
                    # met again at the same distance: the smaller (root, target) wins; the
                    # first edge into a target (the importers are sorted) stays
                    cur = via[src]
                    r0 = root[src]
                    # (identity first: Path comparisons are Python-level calls)
                    if r is r0 or r == r0:
                        better = node is not cur.target and node < cur.target  # type: ignore[union-attr,operator]
                    else:
                        better = r < r0  # type: ignore[operator]
                    if better:
                        via[src] = edge
                        root[src] = r
        frontier = following
    return result


def reinfect(
    infection: Infection,
    region: Iterable[Path],
    sources: Iterable[Path],
    importers: Mapping[Path, Sequence[EdgeLike]],
    edges_of: Callable[[Path], Iterable[EdgeLike]],
    blocked: Callable[[Path], bool] = lambda p: False,
) -> dict[Path, tuple[Optional[Path], Optional[int]]]:
    """Re-derive, in place, the distance, chain and root of the modules in ``region`` (the
    modules of the graph that reach a module whose TLA-ness or evaluation edges changed: a set
    closed under importers) so that ``infection`` equals what :func:`infect` gives on the
    current graph. ``sources``: the TLA modules in the region; ``edges_of(m)``: ``m``'s
    evaluation edges to modules of the graph, by position. Outside the region nothing changes;
    inside, the search is seeded with the region's TLA modules (distance 0) and the region's
    imports of async modules outside it (their distance + 1), so the seeds have different
    distances: a bucket queue by distance (Dijkstra with unit weights). Returns the old
    ``(root, distance)`` of every module of the region."""
    distance, via, root = infection.distance, infection.via, infection.root
    region = region if isinstance(region, (set, frozenset, dict)) else set(region)
    old: dict[Path, tuple[Optional[Path], Optional[int]]] = {}
    for p in region:
        old[p] = (root.pop(p, None), distance.pop(p, None))
        via.pop(p, None)
    best: dict[Path, int] = {}
    for s in sources:
        if not blocked(s):
            best[s] = 0
    for m in region:
        if best.get(m) == 0 or blocked(m):
            continue
        for e in edges_of(m):
            t = e.target
            if t in region:
                continue
            d = distance.get(t)  # type: ignore[arg-type]
            if d is not None and d + 1 < best.get(m, d + 2):
                best[m] = d + 1
    buckets: dict[int, list[Path]] = {}
    for m, d in best.items():
        buckets.setdefault(d, []).append(m)
    levels = list(buckets)
    heapq.heapify(levels)
    while levels:
        d = heapq.heappop(levels)
        for m in buckets.pop(d):
            if m in distance or best[m] != d:
                continue  # settled already, or queued again closer
            if d == 0:
                via[m] = None
                root[m] = m
            else:
                chosen: Optional[EdgeLike] = None
                r0: Optional[Path] = None
                for e in edges_of(m):
                    t = e.target
                    if distance.get(t) != d - 1:  # type: ignore[arg-type]
                        continue
                    r = root[t]  # type: ignore[index]
                    if chosen is None or r < r0 or (r == r0 and t < chosen.target):  # type: ignore[operator]
                        chosen, r0 = e, r
                assert chosen is not None and r0 is not None
                via[m] = chosen
                root[m] = r0
            distance[m] = d
            n = d + 1
            for e in importers.get(m, ()):
                src = e.source
                if src in region and src not in distance and n < best.get(src, n + 1) \
                        and not blocked(src):
                    best[src] = n
                    lst = buckets.get(n)
                    if lst is None:
                        buckets[n] = lst = []
                        heapq.heappush(levels, n)
                    lst.append(src)
    return old


def reach_back(start: Path, importers: Mapping[Path, Sequence[EdgeLike]],
               blocked: Callable[[Path], bool] = lambda p: False) -> dict[Path, int]:
    """Every module that reaches ``start`` over evaluation edges, with its distance."""
    dist = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        d = dist[node] + 1
        for edge in importers.get(node, ()):
            if edge.source not in dist and not blocked(edge.source):
                dist[edge.source] = d
                queue.append(edge.source)
    return dist


def reach_back_all(starts: Iterable[Path],
                   importers: Mapping[Path, Sequence[EdgeLike]]) -> set[Path]:
    """``starts`` and every module that reaches one of them over evaluation edges."""
    seen = set(starts)
    stack = list(seen)
    while stack:
        node = stack.pop()
        for edge in importers.get(node, ()):
            if edge.source not in seen:
                seen.add(edge.source)
                stack.append(edge.source)
    return seen


def strongly_connected(nodes: Iterable[Path],
                       successors: Mapping[Path, Sequence[Path]]) -> list[list[Path]]:
    """Tarjan's algorithm, iterative. Returns the components with more than one module, or one
    module importing itself; each sorted, the list sorted by first member. (It numbers the
    modules first and works on numbers: a Path hash is a Python-level call.)"""
    order = list(nodes)
    num = {p: i for i, p in enumerate(order)}
    # successors are, as a rule, the very objects of ``nodes``: found by identity first
    num_of_object = {id(p): i for i, p in enumerate(order)}
    adj: list[list[int]] = []
    i = 0
    while i < len(order):  # (a successor outside ``nodes`` is numbered when first met)
        a = []
        for t in successors.get(order[i], ()):
            j = num_of_object.get(id(t))
            if j is None:
                j = num.get(t)
                if j is None:
                    j = num[t] = len(order)
                    order.append(t)
            a.append(j)
        adj.append(a)
        i += 1
    return components(order, adj)


def components(order: list[Path], adj: list[list[int]]) -> list[list[Path]]:
    """:func:`strongly_connected` of modules ``order[i]`` that import ``order[j]`` for each
    ``j`` in ``adj[i]``. (Components do not depend on the order of the modules.)"""
    n = len(order)
    index = [-1] * n
    low = [0] * n
    on_stack = [False] * n
    stack: list[int] = []
    out: list[list[Path]] = []
    counter = 0
    for root in range(n):
        if index[root] >= 0:
            continue
        if not adj[root]:  # imports nothing: a component of its own, not a cycle
            index[root] = counter
            counter += 1
            continue
        work: list[tuple[int, int]] = [(root, 0)]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            node, i = work[-1]
            succ = adj[node]
            if i < len(succ):
                work[-1] = (node, i + 1)
                nxt = succ[i]
                if index[nxt] < 0:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack[nxt] = True
                    work.append((nxt, 0))
                elif on_stack[nxt] and index[nxt] < low[node]:
                    low[node] = index[nxt]
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[node] < low[parent]:
                    low[parent] = low[node]
            if low[node] == index[node]:
                w = stack.pop()
                on_stack[w] = False
                if w == node:  # alone: a cycle only if it imports itself
                    if node in succ:
                        out.append([order[node]])
                    continue
                comp = [w]
                while w != node:
                    w = stack.pop()
                    on_stack[w] = False
                    comp.append(w)
                out.append(sorted((order[w] for w in comp), key=path_order))
    out.sort(key=lambda c: path_order(c[0]))
    return out
