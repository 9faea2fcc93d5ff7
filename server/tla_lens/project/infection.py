"""Infection: which modules are async, the shortest chain to a top-level await, cycles.

``async(M) = hasTLA(M) or any(async(N) for N in evaluation-edges(M))`` is reachability over
evaluation edges to a module with TLA, so one multi-source breadth-first search backwards from
every TLA module gives, for every module, its verdict and its *shortest* chain to a TLA site
(ties broken by path and position, so results are stable). Cycles need no special case for the
verdict (members of a strongly connected component reach each other); they are found with an
iterative Tarjan for the async-cycle rule. Everything is iterative: a 3,000-module chain or a
2,000-module cycle cannot overflow the stack.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, Optional, Protocol, Sequence


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

    def root_of(self, path: Path) -> Optional[Path]:
        """The TLA module at the end of the chain (``path`` itself for a TLA module)."""
        return self.root.get(path)


def infect(
    sources: Iterable[Path],
    importers: Mapping[Path, Sequence[EdgeLike]],
    blocked: Callable[[Path], bool] = lambda p: False,
) -> Infection:
    """Backward BFS from ``sources`` (TLA modules) over ``importers`` (target -> edges into it,
    evaluation edges only, sorted). ``blocked`` modules are never infected nor pass it on (used
    for allowAsync when deciding what to report)."""
    result = Infection()
    queue: deque[Path] = deque()
    for s in sorted(sources):
        if blocked(s) or s in result.distance:
            continue
        result.distance[s] = 0
        result.via[s] = None
        result.root[s] = s
        queue.append(s)
    while queue:
        node = queue.popleft()
        d = result.distance[node] + 1
        for edge in importers.get(node, ()):
            src = edge.source
            if src in result.distance or blocked(src):
                continue
            result.distance[src] = d
            result.via[src] = edge
            result.root[src] = result.root[node]
            queue.append(src)
    return result


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


def strongly_connected(nodes: Iterable[Path],
                       successors: Mapping[Path, Sequence[Path]]) -> list[list[Path]]:
    """Tarjan's algorithm, iterative. Returns the components with more than one module, or one
    module importing itself; each sorted, the list sorted by first member."""
    index: dict[Path, int] = {}
    low: dict[Path, int] = {}
    on_stack: set[Path] = set()
    stack: list[Path] = []
    out: list[list[Path]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work: list[tuple[Path, int]] = [(root, 0)]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, i = work[-1]
            succ = successors.get(node, ())
            if i < len(succ):
                work[-1] = (node, i + 1)
                nxt = succ[i]
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp: list[Path] = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1 or node in successors.get(node, ()):
                    out.append(sorted(comp))
    out.sort(key=lambda c: c[0])
    return out
