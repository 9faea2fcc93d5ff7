"""project: the workspace as a module graph, and the analysis of it.

    analysis = analyse(root)                  # or analyse(root, config)
    analysis.modules[path].is_async / .has_tla / .chain / .format
    analysis.findings                          # rules applied (tla_lens.rules)
    analysis.problems                          # unreadable files, bad configs, unresolved imports

Files come from the workspace walk (discover.py); files in node_modules (or elsewhere) that
workspace files import are loaded too, as dependencies: an ESM package can be async, CommonJS
never is. No project code is ever run.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from ..config import Config
from ..problems import Problem
from ..resolve import Resolver
from ..syntax import dialect_for_path, extract
from ..syntax.facts import ImportPhase, ModuleFacts, StaticImport
from .discover import Matcher, iter_package_dirs, walk
from .graph import Edge, EdgeKind, Graph, Module
from .infection import Infection, infect, reach_back, strongly_connected

__all__ = ["Analysis", "Module", "Edge", "EdgeKind", "Graph", "analyse", "build_graph"]

Progress = Callable[[int, int], None]


def _module_format(path: Path, facts: ModuleFacts, resolver: Resolver) -> str:
    name = path.name.lower()
    if name.endswith((".mjs", ".mts")):
        return "esm"
    if name.endswith((".cjs", ".cts")):
        return "cjs"
    kind = resolver.package_type(path)
    if kind == "module":
        return "esm"
    if kind == "commonjs":
        return "cjs"
    # no "type": Node (>= 22.7) and bundlers detect module syntax
    return "esm" if facts.has_module_syntax else "cjs"


def _read(path: Path, config: Config, problems: list[Problem]) -> Optional[bytes]:
    try:
        size = path.stat().st_size
        if size > config.max_file_size:
            problems.append(Problem(path, f"skipped: {size:,} bytes is over maxFileSize "
                                          f"({config.max_file_size:,}); treated as a sync module"))
            return None
        with open(path, "rb") as fh:
            data = fh.read(config.max_file_size + 1)
    except OSError as e:
        problems.append(Problem(path, f"cannot read: {e.strerror or e}"))
        return None
    if b"\x00" in data[:8192]:
        problems.append(Problem(path, "skipped: binary file (contains NUL bytes)"))
        return None
    return data


class _Builder:
    def __init__(self, root: Path, config: Config, resolver: Resolver,
                 progress: Optional[Progress]) -> None:
        self.root = root
        self.config = config
        self.resolver = resolver
        self.progress = progress
        self.graph = Graph(root)
        self.unresolved_seen: set[str] = set()

    def build(self, files: list[Path]) -> Graph:
        workspace = set(files)
        queue = list(files)
        queued = set(files)
        done = 0
        i = 0
        while i < len(queue):
            path = queue[i]
            i += 1
            mod = self.load(path, path in workspace)
            done += 1
            if self.progress is not None:
                self.progress(done, len(queue))
            if mod is None:
                continue
            self.graph.modules[path] = mod
            for e in mod.edges:
                t = e.target
                if t is not None and t not in queued and dialect_for_path(t) is not None:
                    queued.add(t)
                    queue.append(t)
        # edges to files that could not be loaded point nowhere
        for mod in self.graph.modules.values():
            for e in mod.edges:
                if e.target is not None and e.target not in self.graph.modules:
                    e.target = None
        self.graph.index_edges()
        self.graph.problems.extend(self.resolver.problems)
        return self.graph

    def load(self, path: Path, workspace: bool) -> Optional[Module]:
        problems = self.graph.problems
        dialect = dialect_for_path(path)
        if dialect is None:
            return None
        data = _read(path, self.config, problems)
        if data is None:
            return None
        try:
            facts = extract(data, dialect)
        except Exception as e:  # extract never raises by contract; belt and braces
            problems.append(Problem(path, f"internal error while parsing ({type(e).__name__}: {e}); "
                                          "treated as a sync module"))
            facts = ModuleFacts(dialect=dialect, has_syntax_errors=True)
        if facts.invalid_utf8 and workspace:
            problems.append(Problem(path, "not valid UTF-8; analysed with replacement characters",
                                    severity="information"))
        fmt = _module_format(path, facts, self.resolver)
        verbatim = False
        if dialect.is_typescript:
            tsconfig = self.resolver.tsconfig_for(path)
            verbatim = bool(tsconfig and tsconfig.verbatim_module_syntax)
        mod = Module(path=path, source=data, facts=facts, format=fmt, workspace=workspace,
                     verbatim=verbatim)
        mod.edges = self.edges_of(mod)
        return mod

    def _resolve(self, mod: Module, specifier: str, mode: str) -> Optional[Path]:
        res = self.resolver.resolve(specifier, mod.path, mode)  # type: ignore[arg-type]
        if res.kind == "file":
            return res.path
        if res.kind == "unresolved" and mod.workspace and specifier not in self.unresolved_seen:
            self.unresolved_seen.add(specifier)
            self.graph.problems.append(Problem(
                mod.path, res.message or f"cannot resolve {specifier!r}", severity="information"))
        return None

    def edges_of(self, mod: Module) -> list[Edge]:
        edges: list[Edge] = []
        facts = mod.facts
        cjs = mod.format == "cjs"
        for imp in facts.imports:
            if imp.in_ambient:
                continue
            erased = imp.erased(mod.verbatim)
            if erased or imp.phase is ImportPhase.SOURCE or imp.is_synthetic:
                kind = EdgeKind.ERASED
            elif cjs:
                # a CommonJS module's imports are compiled to require() (.cts, TS under "commonjs")
                kind = EdgeKind.REQUIRE
            else:
                kind = EdgeKind.STATIC
            target = None if kind is EdgeKind.ERASED else \
                self._resolve(mod, imp.specifier, "require" if cjs else "import")
            edges.append(Edge(mod.path, target, kind, imp.specifier, imp.span,
                              imp.specifier_span, imp))
        for req in facts.requires:
            if req.erased(mod.verbatim):
                continue
            target = self._resolve(mod, req.specifier, "require")
            edges.append(Edge(mod.path, target, EdgeKind.REQUIRE, req.specifier, req.span,
                              req.specifier_span, req))
        for dyn in facts.dynamic_imports:
            if dyn.specifier is None:
                continue
            target = self._resolve(mod, dyn.specifier, "import")
            edges.append(Edge(mod.path, target, EdgeKind.DYNAMIC, dyn.specifier, dyn.span,
                              dyn.specifier_span, dyn))
        return edges


def build_graph(root: Path, config: Optional[Config] = None, *,
                files: Optional[list[Path]] = None,
                progress: Optional[Progress] = None) -> Graph:
    config = config or Config()
    root = root.resolve()
    problems: list[Problem] = []
    if files is None:
        found = walk(root, config)
        files = found.files
        problems = found.problems
    resolver = Resolver(root, conditions=config.conditions)
    graph = _Builder(root, config, resolver, progress).build(files)
    graph.problems[:0] = problems
    graph.resolver = resolver  # type: ignore[attr-defined]
    return graph


@dataclass
class Analysis:
    root: Path
    config: Config
    graph: Graph
    infection: Infection           # the truth (what engines do)
    reportable: Infection          # the same, with allowAsync modules neither infected nor infecting
    cycles: list[list[Path]]       # strongly connected components of evaluation edges
    entries: dict[Path, str]       # entry module -> why it is an entry ("configured" / "package ...")
    findings: list = field(default_factory=list)
    allow_async: Optional[Matcher] = None

    @property
    def modules(self) -> dict[Path, Module]:
        return self.graph.modules

    @property
    def problems(self) -> list[Problem]:
        return self.graph.problems

    def infected_by(self, tla_module: Path, reportable: bool = False) -> dict[Path, int]:
        """Modules a TLA module makes async (itself excluded), with their distance from it."""
        blocked = self._blocked if reportable else (lambda p: False)
        dist = reach_back(tla_module, self.graph.importers, blocked)
        dist.pop(tla_module, None)
        return dist

    def _blocked(self, path: Path) -> bool:
        return bool(self.allow_async) and self.allow_async.matches(path)  # type: ignore[union-attr]

    def is_allowed_async(self, path: Path) -> bool:
        return self._blocked(path)


def _find_entries(graph: Graph, config: Config, resolver: Resolver) -> dict[Path, str]:
    entries: dict[Path, str] = {}
    if config.entries:
        m = Matcher(graph.root, config.entries)
        for path, mod in graph.modules.items():
            if mod.workspace and m.matches(path):
                entries[path] = "configured entry point"
    workspace_files = [p for p, m in graph.modules.items() if m.workspace]
    for pkg_dir in iter_package_dirs(graph.root, workspace_files):
        try:
            files = resolver.package_entries(pkg_dir)
        except Exception as e:  # never fatal
            graph.problems.append(Problem(pkg_dir / "package.json",
                                          f"cannot read package entries: {e}"))
            continue
        for f in files:
            if f in graph.modules and graph.modules[f].workspace and f not in entries:
                entries[f] = f"public entry of package {graph.rel(pkg_dir / 'package.json')}"
    return entries


def analyse(root: Path, config: Optional[Config] = None, *,
            files: Optional[list[Path]] = None,
            progress: Optional[Progress] = None,
            rules: bool = True) -> Analysis:
    """Analyse the workspace at ``root``: graph, verdicts, cycles, entries and findings."""
    config = config or Config()
    graph = build_graph(root, config, files=files, progress=progress)
    tla_modules = [p for p, m in graph.modules.items() if m.has_tla]
    truth = infect(tla_modules, graph.importers)
    allow = Matcher(graph.root, config.allow_async)
    blocked = (lambda p: allow.matches(p)) if allow else (lambda p: False)
    reportable = infect(tla_modules, graph.importers, blocked) if allow else truth
    for path, mod in graph.modules.items():
        mod.is_async = truth.is_async(path)
        mod.chain = truth.chain(path)
    cycles = strongly_connected(graph.modules.keys(), graph.successors())
    entries = _find_entries(graph, config, graph.resolver)  # type: ignore[attr-defined]
    analysis = Analysis(graph.root, config, graph, truth, reportable, cycles, entries,
                        allow_async=allow)
    if rules:
        from ..rules import run_rules
        analysis.findings = run_rules(analysis)
    return analysis
