"""The module graph: files, their facts, resolved edges, reverse edges; a module reads its
verdict from the project's infection."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional, Union

from ..problems import Problem
from ..syntax.facts import (DynamicImport, GlobImport, ModuleFacts, RequireCall, Span, StaticImport, TlaSite)
from ..text import LineIndex

if TYPE_CHECKING:
    from .infection import Infection


class EdgeKind(str, Enum):
    STATIC = "static"    # import / export-from that the engine sees (an evaluation edge)
    ERASED = "erased"    # an import TypeScript erases, or one that evaluates no JS (type, source phase, JSON)
    REQUIRE = "require"  # require(), `import x = require()`, or a static import compiled to require (.cts)
    DYNAMIC = "dynamic"  # import(): never makes the importer wait


@dataclass(eq=False, slots=True)
class Edge:
    source: Path
    target: Optional[Path]      # the resolved module file, None when unresolved/builtin/asset
    kind: EdgeKind
    specifier: str
    span: Span                  # the statement (or call) in the source file
    specifier_span: Optional[Span]
    fact: Union[StaticImport, RequireCall, DynamicImport, GlobImport]
    # why the specifier could not be resolved (None: resolved, a builtin, an asset or a URL)
    unresolved: Optional[str] = None

    @property
    def evaluates(self) -> bool:
        """Does the importer wait for the target's evaluation (carries async-ness)?"""
        return self.kind is EdgeKind.STATIC and self.target is not None


@dataclass(eq=False, slots=True)
class Module:
    path: Path
    # The file's bytes, kept for open files only ("compact form" for the rest: facts and
    # edges; the bytes are read again when lines are needed — see ``source``).
    data: Optional[bytes]
    facts: ModuleFacts
    format: str                 # "esm" | "cjs"
    workspace: bool             # a workspace file (findings are reported in it)
    verbatim: bool = False      # verbatimModuleSyntax of its governing tsconfig
    edges: list[Edge] = field(default_factory=list)
    # the project's verdicts (one object, kept current in place by the project)
    infection: Optional["Infection"] = None
    _lines: Optional[LineIndex] = None
    # reads the file again for a module loaded without its bytes (None: data is kept)
    reader: Optional[Callable[[Path], Optional[bytes]]] = None
    # an async webpack external's: what it is ("a webpack external of type `import` …"); its
    # bytes and site are its configuration's
    why: Optional[str] = None

    @property
    def source(self) -> bytes:
        """The module's bytes: kept for open files; read again from disk for the others (the
        watcher reloads a file that changes, so they are the bytes its facts came from)."""
        if self.data is not None:
            return self.data
        data = self.reader(self.path) if self.reader is not None else None
        return data if data is not None else b""

    @property
    def is_async(self) -> bool:
        return self.infection is not None and self.path in self.infection.distance

    @property
    def chain(self) -> list[Path]:
        """Modules from this one (exclusive) down to the nearest module with top-level await."""
        return self.infection.chain(self.path) if self.infection is not None else []

    @property
    def has_tla(self) -> bool:
        return self.format == "esm" and self.facts.has_tla

    @property
    def tla(self) -> tuple[TlaSite, ...]:
        return self.facts.tla if self.format == "esm" else ()

    @property
    def lines(self) -> LineIndex:
        if self._lines is None:
            # (an open file's are the editor's text; the others' the file's bytes on disk)
            self._lines = LineIndex(self.source, skip_bom=self.data is None)
        return self._lines

    def line_of(self, offset: int) -> int:
        """1-based line of a byte offset."""
        return self.lines.line_of(offset) + 1

    @property
    def in_node_modules(self) -> bool:
        return "node_modules" in self.path.parts


def relative_posix(path: Path, base: Path) -> Optional[str]:
    """``path.relative_to(base).as_posix()`` for absolute POSIX paths ("." for ``base``
    itself), None when ``path`` is not under ``base``; by string prefix, without pathlib's
    parsing (a hot spot when every module of a large project is reported)."""
    p, b = str(path), str(base)
    if p == b:
        return "."
    if os.sep != "/":
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            return None
    prefix = b if b.endswith("/") else b + "/"
    return p[len(prefix):] if p.startswith(prefix) else None


def path_order(p: Path) -> tuple:
    """Sort key giving the order of ``Path`` comparisons (component by component), without a
    Python-level ``__lt__`` call per comparison."""
    return p.parts


def _edge_order(e: Edge) -> tuple:
    return (str(e.source), e.span.start)


def evaluation_targets(mod: Module) -> frozenset:
    return frozenset(e.target for e in mod.edges if e.evaluates)


@dataclass
class Graph:
    root: Path
    modules: dict[Path, Module] = field(default_factory=dict)
    # target -> evaluation edges into it (sorted by source path, then position)
    importers: dict[Path, list[Edge]] = field(default_factory=dict)
    # target -> require edges into it
    requirers: dict[Path, list[Edge]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    _rel: dict[Path, str] = field(default_factory=dict, repr=False)
    # counts the changes of modules' edges (what is derived from the edges alone keys on it)
    edges_version: int = 0

    def index_edges(self) -> None:
        self.edges_version += 1
        self.importers = {}
        self.requirers = {}
        for mod in self.modules.values():
            for e in mod.edges:
                if e.target is None or e.target not in self.modules:
                    continue
                if e.evaluates:
                    self.importers.setdefault(e.target, []).append(e)
                elif e.kind is EdgeKind.REQUIRE:
                    self.requirers.setdefault(e.target, []).append(e)
        for lst in (*self.importers.values(), *self.requirers.values()):
            lst.sort(key=_edge_order)

    def replace_edges(self, path: Path, old: list[Edge], new: list[Edge], present: bool) -> None:
        """Update the reverse indexes for one module whose edges changed from ``old`` to
        ``new`` (``present``: the module is still loaded; if not, edges into it go too)."""
        self.edges_version += 1
        touched: set[int] = set()
        for index in (self.importers, self.requirers):
            for e in old:
                lst = index.get(e.target) if e.target is not None else None
                if lst is not None and id(lst) not in touched:
                    touched.add(id(lst))
                    lst[:] = [x for x in lst if x.source != path]
        if not present:
            self.importers.pop(path, None)
            self.requirers.pop(path, None)
            return
        changed: list[list[Edge]] = []
        for e in new:
            if e.target is None or e.target not in self.modules:
                continue
            if e.evaluates:
                lst = self.importers.setdefault(e.target, [])
            elif e.kind is EdgeKind.REQUIRE:
                lst = self.requirers.setdefault(e.target, [])
            else:
                continue
            lst.append(e)
            changed.append(lst)
        for lst in changed:
            lst.sort(key=_edge_order)

    def successors(self, among: Optional[set[Path]] = None) -> dict[Path, list[Path]]:
        """Module -> the modules it imports over evaluation edges (only those ``among`` a set
        of modules of the graph, for the modules of that set, if given)."""
        out: dict[Path, list[Path]] = {}
        mods = self.modules
        static = EdgeKind.STATIC
        if among is not None:
            for mod in (mods[p] for p in among):
                # (a dict keeps the first occurrence of each target, and compares by hash)
                out[mod.path] = list(dict.fromkeys(
                    e.target for e in mod.edges if e.kind is static and e.target in among))
            return out
        order, adj = self.numbered_successors()
        return {order[i]: [order[j] for j in dict.fromkeys(a)] for i, a in enumerate(adj)}

    def numbered_successors(self) -> tuple[list[Path], list[list[int]]]:
        """:meth:`successors` of the whole graph by number, for cycle finding: the modules in
        a list and, for each, the indexes of the modules it imports over evaluation edges
        (repeated when imported twice). Edge targets are, as a rule, the very Path objects the
        modules are keyed by (the resolver hands out one object per file), so they are told
        apart by identity, without a Path hash (a Python-level call) per edge; any other
        object is looked up by value."""
        mods = self.modules
        order = list(mods)
        number = {id(p): i for i, p in enumerate(order)}
        static = EdgeKind.STATIC
        by_value: Optional[dict[Path, int]] = None
        adj: list[list[int]] = []
        for mod in mods.values():
            targets: list[int] = []
            for e in mod.edges:
                if e.kind is static:
                    j = number.get(id(e.target))
                    if j is None:  # another object for the same path, or none in the graph
                        t = e.target
                        if t is None or t not in mods:
                            continue
                        if by_value is None:
                            by_value = {p: i for i, p in enumerate(order)}
                        j = by_value[t]
                    targets.append(j)
            adj.append(targets)
        return order, adj

    def evaluation_edges(self, path: Path) -> list[Edge]:
        """A module's evaluation edges to modules of the graph, by position (the order of the
        ``importers`` lists among one module's edges)."""
        mods = self.modules
        out = [e for e in mods[path].edges if e.evaluates and e.target in mods]
        out.sort(key=lambda e: e.span.start)
        return out

    def rel(self, path: Path) -> str:
        """POSIX path relative to the root (or absolute when outside it)."""
        out = self._rel.get(path)
        if out is None:
            out = relative_posix(path, self.root)
            if out is None:
                out = path.as_posix()
            self._rel[path] = out
        return out
