"""project: the workspace as a live module graph, and the analysis of it.

One-shot (the CLI):

    analysis = analyse(root)                   # a Project, indexed and analysed
    analysis.modules[path].is_async / .has_tla / .chain / .format
    analysis.findings                          # rules applied to every workspace file
    analysis.problems                          # unreadable files, bad configs, unresolved imports

Live (the language server):

    project = Project(root, config)
    project.discover()                         # which files are the workspace's
    project.load(open_files); project.recompute()   # the open files' closure first
    project.load(); project.recompute()        # then everything else
    change = project.set_overlay(path, text)   # an editor buffer; None when closed
    change = project.files_changed([paths])    # created / changed / deleted on disk
    project.findings_for(path)

An edit that leaves a file's *graph signature* alone (its format, whether it has top-level await,
and its edges: kind, specifier, target) costs no graph work: its edges are updated in place with
the new positions. Anything else re-indexes its edges and re-derives verdicts only where they can
change: for the modules that reach (over evaluation edges) a module whose TLA-ness or evaluation
edges changed, or that was added or removed; a search restricted to them, seeded by their TLA
modules and their imports of async modules outside them (infection.reinfect), gives exactly what
a fresh analysis gives, chains included. Import cycles are re-found among those modules only.
An edit that keeps a module's TLA-ness and evaluation targets (an unresolved import typed, a
require added) re-derives that module's own chain only. Loading, a configuration change and a
re-resolution of every edge (files created or deleted on disk) recompute everything (a few
breadth-first searches over the whole graph, linear in its size).

Files come from the workspace walk (discover.py); files in node_modules (or elsewhere) that
workspace files import are loaded too, as dependencies: an ESM package can be async, CommonJS
never is. No project code is ever run.
"""
from __future__ import annotations

import gc
import os
import re
import time
import weakref
from collections import deque
from itertools import chain, islice
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Union

from ..config import Config
from ..problems import Problem
from ..resolve.bundler import ALIAS_FILES as BUNDLER_CONFIGS, BundlerExternal
from ..resolve import denoremote, virtual
from ..resolve.pnp import MANIFESTS as PNP_MANIFESTS
from ..resolve.scripts import (_GLOB_CHARS, BUN_CONDITIONS, bin_files, bun_test_runs, bunfig_error, first_line,
                               package_bun_runs, package_node_runs, read_first_line, script_conditions,
                               tsx_script_files)
from ..resolve.angular import angular_builds
from ..resolve.babel import CONFIG_NAMES as BABEL_CONFIGS, REGISTER_EXTENSIONS, babel_jest_modules
from ..resolve.jest import JestRun, package_jest_runs, config_by_node as jest_config_by_node, \
    config_loading as jest_config_loading, dependency_config as jest_dependency_config
from ..resolve.eslint_config import eslint_config
from ..resolve.svelte_config import svelte_config
from ..resolve.webpack_cli import webpack_cli_configs
from ..resolve.prettier_config import CONFIG_FILES as _PRETTIER_FILES, prettier_config
from ..resolve.metro import metro_app
from ..resolve.next_config import NATIVE_FLAG as NEXT_NATIVE_FLAG, next_config
from .native import node_load_refusal
from ..resolve.vite_config import vite_configs
from ..resolve.nx import workspace_builds
from ..resolve.playwright import PlaywrightRun, package_playwright_runs
from ..resolve.cdk import MODULES as CDK_MODULES, cdk_builds
from ..resolve.pkglib import CONFIG_NAMES as UNBUILD_CONFIGS
from ..resolve.sam import SAMCONFIG_NAMES, TEMPLATE_NAMES as SAM_TEMPLATES, sam_builds, sam_folders, sam_templates
from ..resolve.serverless import SERVICE_NAMES, serverless_builds
from ..resolve.tsup import CONFIG_NAMES as TSUP_CONFIGS, CjsBuild, package_cjs_builds
from ..resolve.targets import installed_version, target_words
from ..resolve import Resolution, Resolver
from ..resolve.resolver import EXTERNAL, METRO_RUNTIME, TscCjs, split_external
from ..syntax import dialect_for_path, edit_tree, extract, extract_incremental
from ..syntax.facts import Dialect, ModuleFacts, Span, StaticImport, TlaKind, TlaSite
from .cache import FactsCache, Workers, content_key
from .discover import Matcher, iter_files, iter_package_dirs, walk
from .files import read_source
from .graph import Edge, EdgeKind, Graph, Module, evaluation_targets, path_order, relative_posix
from .infection import Infection, components, infect, reach_back, reach_back_all, reinfect, strongly_connected
from .reexports import TypeReexports, candidate_names

__all__ = ["Project", "Analysis", "Change", "Module", "Edge", "EdgeKind", "Graph", "analyse"]

Progress = Callable[[int, int], None]
CONFIG_NAMES = ("package.json", "tsconfig.json", "jsconfig.json", ".gitignore", "index.html", "deno.json", "deno.jsonc",
                "bunfig.toml", "nest-cli.json", ".nest-cli.json")

# what Next.js's require hook compiles with SWC when its configuration loads it (not .js)
_SWC_HOOKED = frozenset({".ts", ".cts", ".mts", ".cjs", ".mjs"})


def _is_config_file(path: Path) -> bool:
    name = path.name
    return name in CONFIG_NAMES or (name.startswith("tsconfig") and name.endswith(".json"))


@dataclass
class Change:
    """What an update did. ``graph`` is True when verdicts were recomputed; ``verdicts`` are
    the modules whose verdict or chain root changed; ``files`` the files re-read."""

    graph: bool = False
    verdicts: set[Path] = field(default_factory=set)
    files: set[Path] = field(default_factory=set)
    # positions other files' findings quote (import statements, awaits) moved without a
    # graph change: their messages and related locations need refreshing, not the verdicts
    moved: bool = False

    def __or__(self, other: "Change") -> "Change":
        return Change(self.graph or other.graph, self.verdicts | other.verdicts,
                      self.files | other.files, self.moved or other.moved)


def _module_format(path: Path, facts: ModuleFacts, resolver: Resolver) -> str:
    if denoremote.cached_path(str(path)):
        return "esm"  # (Deno runs what it downloads as ES modules)
    name = path.name.lower()
    if name.endswith((".mjs", ".mts")):
        return "esm"
    if name.endswith((".cjs", ".cts")):
        return "cjs"
    if facts.dialect.is_component:
        return "esm"  # (a component compiles to an ES module whatever the package says)
    kind = resolver.package_type(path)
    if kind == "module":
        return "esm"
    if kind == "commonjs":
        return "cjs"
    # no "type": Node (>= 22.7) and bundlers detect module syntax
    return "esm" if facts.has_module_syntax else "cjs"


_ABSENT = object()


def _test_files(globs: list[tuple[str, str]], pkg_dir: Path,
                modules: dict[Path, Module]) -> Iterator[tuple[str, Path]]:
    """(script, module) for the workspace modules under ``pkg_dir`` that the globs of its
    scripts match (`node --test`'s, tsup's entries; as Node matches them: not in node_modules
    or a dot-folder)."""
    if not globs:
        return
    from wcmatch import glob as wcglob

    flags = wcglob.GLOBSTAR | wcglob.BRACE | wcglob.NEGATE  # (`!pattern`: an exclusion)
    by_script: dict[str, list[str]] = {}
    for script, pattern in globs:
        by_script.setdefault(script, []).append(pattern)
    # (compiled once: a match is ~10x faster than globmatch's, which compiles each time)
    matchers = [(script, wcglob.compile(patterns, flags=flags)) for script, patterns in by_script.items()]
    for path, mod in modules.items():
        if not mod.workspace:
            continue
        rel = relative_posix(path, pkg_dir)
        if rel is None or rel.startswith("../") or "node_modules" in rel.split("/") or \
                any(part.startswith(".") for part in rel.split("/")[:-1]):
            continue
        for script, matcher in matchers:
            if matcher.match(rel):
                yield script, path
                break


# the extensions a runner tries for a setup file named without one
_SETUP_EXTENSIONS = (".js", ".ts", ".mjs", ".cjs", ".jsx", ".tsx", ".mts", ".cts")
# a test runner's run of an npm script
TestRun = Union[JestRun, PlaywrightRun]
# `jest.mock("./db.js", () => …)` (a factory: the module itself is never loaded)
_JEST_MOCK = re.compile(rb"""\bjest\.mock\(\s*(['"`])([^'"`\n]+)\1\s*,""")


def _strippable(path: Path, mod: Module) -> bool:
    """Would Node run ``path`` by type stripping (.ts/.mts/.cts, not inside node_modules)?"""
    return mod.facts.dialect is Dialect.TS and "node_modules" not in path.parts


# build configurations written as data (a JavaScript one is a module: Project.build_scripts)
_BUILD_DATA = frozenset({"babel.config.json", ".babelrc", ".babelrc.json", "jest.config.json", "project.json",
                         "nx.json", "angular.json", ".swcrc", "jest-preset.json", "cdk.json"})
# every file name that declares builds (tsup's and unbuild's configurations, SAM's templates and
# samconfig, Serverless services, the data above)
_BUILD_NAMES = frozenset((*TSUP_CONFIGS, *UNBUILD_CONFIGS, *SAM_TEMPLATES, *SAMCONFIG_NAMES, *SERVICE_NAMES)) | \
    _BUILD_DATA


_PRETTIER_NAMES = frozenset(_PRETTIER_FILES)


def _node_resolves(path: Path, mod: Module) -> bool:
    """Does Node resolve the relative imports of ``path`` exactly as written when it runs it:
    a TypeScript file (type stripping) or an ES module (.js, .mjs; not .jsx, which Node does
    not run), outside node_modules?"""
    if "node_modules" in path.parts:
        return False
    return mod.facts.dialect is Dialect.TS or (path.suffix in (".js", ".mjs") and mod.format == "esm")


def _loadable(target: Path) -> bool:
    """Is an import's target a module to load: a module's file, WebAssembly (an import
    resolves to a `.wasm` file only where the bundler loads it asynchronously), or an async
    webpack external?"""
    return _dialect_of(target) is not None or target.suffix == ".wasm" or EXTERNAL in str(target)


_JS_EXTENSIONS = (".js", ".jsx")
_TS_EXTENSIONS = (".ts", ".tsx")


def _jest_compiles(path: Path, compiled: tuple[str, ...]) -> bool:
    """Is ``path`` one Jest's `transform` compiles (by its extension: ``compiled``) when its
    process require()s it (or one Node loads as CommonJS anyway: .cjs, .cts)?"""
    return (path.suffix in compiled or path.suffix in (".cjs", ".cts")) and not path.name.endswith(".d.ts")


def _dialect_of(path: Path) -> Optional[Dialect]:
    """The dialect ``path`` is parsed with: its extension's, or for a module Deno downloaded
    from a URL without an extension it knows (esm.sh's), its content type's."""
    found = dialect_for_path(path)
    s = str(path)
    if denoremote.REMOTE not in s:
        return found
    remote = denoremote.remote_split(s)
    if remote is None:
        return found
    if "?" in remote[1]:  # (`mod.ts?dev`: the extension before the query)
        found = dialect_for_path(Path(denoremote.query_free(s)))
    if found is None:
        media = denoremote.media(*remote)
        if media is not None:
            return Dialect(media)
    return found


def _exists(path: Path) -> bool:
    """Is there a file at ``path``: on disk, in a zip archive, in Deno's HTTP cache (an async
    webpack external: its configuration)?"""
    external = split_external(path)
    if external is not None:
        return os.path.isfile(external[0])
    return virtual.exists(str(path))


def _inside(path: Path, root: Path) -> bool:
    return relative_posix(path, root) is not None


def _quoted_lines(mod: Module) -> tuple:
    """Where other files' findings point into a module (its awaits, its imports): line and
    column of each start and end."""
    pos = mod.lines.position
    return (tuple((pos(s.keyword.start), pos(s.keyword.end)) for s in mod.tla),
            tuple((pos(e.span.start), pos(e.span.end)) for e in mod.edges))


def _signature(mod: Module) -> tuple:
    return (mod.format, mod.has_tla, tuple((e.kind, e.specifier, e.target) for e in mod.edges))


class _Reader:
    """What a module without its bytes reads them with (quietly: its problems were reported when
    it was loaded). It holds its project weakly: a module holding the project would make a
    reference cycle of every module, left for the cyclic collector (and never collected once
    the server has frozen its graph)."""

    __slots__ = ("project",)

    def __init__(self, project: "Project") -> None:
        self.project = weakref.ref(project)

    def __call__(self, path: Path) -> Optional[bytes]:
        project = self.project()
        return project._read(path, quiet=True) if project is not None else None


class Project:
    def __init__(self, root: Path, config: Optional[Config] = None, *,
                 cache: Optional[FactsCache] = None, jobs: int = 1,
                 start_method: str = "fork") -> None:
        self.root = root.resolve()
        self.config = config or Config()
        self.cache = cache  # persistent facts cache (None: parse everything)
        self.jobs = max(1, jobs)  # processes for extracting facts of many files at once
        self.resolutions_reused = False  # analyse() took over the last run's resolutions
        self._workers = Workers(self.jobs, start_method)
        self._reader = _Reader(self)
        self.overlays: dict[Path, bytes] = {}
        # syntax trees of open files (overlays) only, for incremental re-parsing
        self.trees: dict[Path, object] = {}
        self._reset()

    def _reset(self) -> None:
        src = self.config.source
        self.resolver = Resolver(self.root, conditions=self.config.conditions, alias=self.config.alias,
                                 alias_base=src.parent if src is not None else self.root)
        self.graph = Graph(self.root)
        self.workspace_files: set[Path] = set()
        self.discovered = False  # workspace_files known (before: nothing is reported yet)
        self.discovery_problems: list[Problem] = []
        self.file_problems: dict[Path, list[Problem]] = {}
        self.unresolved_seen: set[str] = set()
        self.allow_async = Matcher(self.root, self.config.allow_async)
        # one object each for the life of the graph, updated in place (modules hold it)
        self.infection = Infection()
        self.reportable = Infection() if self.allow_async else self.infection
        self.cycles: list[list[Path]] = []
        self.cycle_of: dict[Path, list[Path]] = {}
        self.entries: dict[Path, str] = {}
        # configuration files their tool loads with import() (Vite's, as an ES module): why
        self.config_imported: dict[Path, str] = {}
        # configuration files their tool compiles into CommonJS and require()s (Next.js's
        # next.config.ts): how; each is an entry whose async-ness fails the tool
        self.config_required: dict[Path, str] = {}
        # next.config.ts files Next.js import()s, Node stripping their types (its flag): how;
        # each in config_imported where Node can load it, else in config_required (Next.js's
        # fallback, SWC's CommonJS) with why not (:meth:`_settle_native_configs`)
        self.config_native: dict[Path, str] = {}
        # the configurations of config_imported Node's own loader takes (no bundler, compiler
        # or hook in between): how; Node resolves their imports, and those of the ES modules
        # and TypeScript they load, itself (_settle_node_run)
        self.config_node: dict[Path, str] = {}
        self._config_only: tuple = (None, frozenset())
        self._config_compiled: tuple = (None, {})
        # the files npm scripts run with `node` (label: which script), and the TypeScript
        # files Node runs from them by type stripping (label: the entry's), whose imports are
        # kept as written
        self.node_entries: dict[Path, str] = {}
        # TypeScript files tsc or tsx compiles to CommonJS (their imports are require()s), with why
        self.tsc_cjs: dict[Path, TscCjs] = {}
        # the files npm scripts run with tsx, and the TypeScript files reachable from them
        self.tsx_entries: dict[Path, str] = {}
        self.tsx_run: dict[Path, str] = {}
        # the files Bun runs (npm scripts, `bun test`, a `#!` line, a `bun init` package's
        # entry), and every file reachable from them (label: the entry's): Bun's transpiler
        # drops the imports whose values a TypeScript file does not use, whatever tsconfig says
        self.bun_entries: dict[Path, str] = {}
        self.bun_run: dict[Path, str] = {}
        # the files node runs with export conditions of its own (`--conditions=development`),
        # with them; what they (and Bun's files) reach resolves with them (_settle_runtimes)
        self.node_conditions: dict[Path, tuple[str, ...]] = {}
        self.runtime_conditions: dict[Path, tuple[str, ...]] = {}
        # tsup's and esbuild's builds (CommonJS ones first): their entries, and every module
        # they bundle (_settle_cjs)
        self.cjs_entries: dict[Path, CjsBuild] = {}
        self.cjs_bundled: dict[Path, CjsBuild] = {}
        # the entries of builds that compile each file alone into CommonJS (esbuild without
        # --bundle, tsup's `bundle: false`): CommonJS modules
        self.cjs_transpiled: dict[Path, CjsBuild] = {}
        self.build_scripts: set[Path] = set()  # the builds' configuration files and scripts
        self.node_run: dict[Path, str] = {}
        # files Node runs and resolves the imports of itself (no resolution hooks): its
        # TypeScript and its ES modules (.js, .mjs), with what runs them (_settle_node_run)
        self.node_strict: dict[Path, str] = {}
        self.node_plain: set[Path] = set()  # the entries of those runs
        self.bin_files: set[Path] = set()  # every package's `bin` files (their `#!` line counts)
        self.version = 0        # bumped when verdicts are recomputed
        self.generation = 0     # bumped on every change (text, positions or verdicts)
        # bundled_throw's answers, for the generation they were found in
        self._throws: dict[tuple[Path, bool], Optional[Edge]] = {}
        self._throws_version = -1
        # the test files Jest and Playwright Test run (by npm scripts), each with its run; what
        # they load as CommonJS (module -> the first test file that loads it), per generation
        self.runner_tests: dict[Path, TestRun] = {}
        self.runner_setup: set[Path] = set()  # those of them a run loads before its tests
        self.runner_config: set[Path] = set()  # Playwright's configurations (loaded as test files are)
        # Jest's `globalSetup`/`globalTeardown` files (workspace modules) that its transform
        # compiles into CommonJS: (their run, the option, whether it keeps import(), the
        # extensions it compiles)
        self.jest_global: dict[Path, tuple[JestRun, str, bool, tuple[str, ...]]] = {}
        self._runner_reach: dict[Path, Path] = {}
        self._runner_version: tuple = ()
        # runner_failure's walks, for the generation they were done in (per run)
        self._runner_fail: tuple[int, dict] = (-1, {})
        # the re-exports of types a whole-program tsc build drops (and the export tables read)
        self.type_reexports = TypeReexports(self)
        self._findings: Optional[list] = None
        self._infected: dict[tuple[Path, bool], dict[Path, int]] = {}
        # modules loaded since the verdicts were last computed (load() without recompute())
        self._unverdicted = False
        self.rederived = 0      # modules whose verdicts the last recomputation re-derived

    # -- views -------------------------------------------------------------------------------
    @property
    def modules(self) -> dict[Path, Module]:
        return self.graph.modules

    @property
    def problems(self) -> list[Problem]:
        out = list(self.discovery_problems)
        for probs in self.file_problems.values():
            out.extend(probs)
        out.extend(self.resolver.problems)
        return out

    @property
    def findings(self) -> list:
        """Findings in every workspace file (computed once per graph version)."""
        if self._findings is None:
            from ..rules import findings_for_modules
            self._findings = findings_for_modules(self, sorted(self.modules, key=path_order))
        return self._findings

    def findings_for(self, path: Path) -> list:
        from ..rules import findings_for_module
        return findings_for_module(self, path) if path in self.modules else []

    def infected_by(self, tla_module: Path, reportable: bool = False) -> dict[Path, int]:
        """Modules a TLA module makes async (itself excluded), with their distance from it."""
        key = (tla_module, reportable)
        if key not in self._infected:
            blocked = self.is_allowed_async if reportable else (lambda p: False)
            dist = reach_back(tla_module, self.graph.importers, blocked)
            dist.pop(tla_module, None)
            self._infected[key] = dist
        return self._infected[key]

    def config_loading(self, path: Path) -> Optional[tuple[str, str]]:
        """How a tool loads ``path`` itself, where it does: ("import()", how) for a configuration
        it loads with import() (nothing else waits for it), ("import()", "") for a module only such
        configurations load (:meth:`config_only`), ("require()", how) for one it compiles into
        CommonJS and require()s (Next.js's next.config.ts: async, it fails to load); else None."""
        how = self.config_imported.get(path)
        if how is not None:
            return "import()", how
        how = self.config_required.get(path)
        if how is not None:
            return "require()", how
        return ("import()", "") if self.config_imported and path in self.config_only() else None

    def config_only(self) -> frozenset:
        """The workspace modules that only configurations their tool loads with import()
        (:attr:`config_imported`: Vite's, Next.js's) load, through static imports: nothing
        but the tool waits for them either. Not an entry, a test file or a file a script runs;
        every one of their importers (import, import(), require()) a configuration or another
        such module. Remembered for the graph's edges and the configurations."""
        key = (self.graph.edges_version, self.generation, tuple(self.config_imported))
        if self._config_only[0] == key:
            return self._config_only[1]
        roots = set(self.config_imported)
        reach: set[Path] = set()
        stack = [p for p in roots if p in self.modules]
        while stack:
            for e in self.modules[stack.pop()].edges:
                t = e.target
                if e.kind is EdgeKind.STATIC and t is not None and t not in roots and t not in reach and \
                        t in self.modules and self.modules[t].workspace:
                    reach.add(t)
                    stack.append(t)
        runs = (self.entries, self.runner_tests or {}, self.node_run or {}, self.bun_run or {})
        kept = {p for p in reach if not any(p in r for r in runs)}
        changed = bool(kept)
        while changed:
            changed = False
            for p in list(kept):
                users = [*self.graph.importers.get(p, ()), *self.graph.requirers.get(p, ())]
                if any(e.source not in roots and e.source not in kept for e in users):
                    kept.discard(p)
                    changed = True
        self._config_only = (key, frozenset(kept))
        return self._config_only[1]

    def config_to_rename(self, path: Path) -> Optional[tuple[Path, str, str, Optional[str]]]:
        """Where ``path`` is a configuration its tool loads as CommonJS and would load with
        import() once named as an ES module — Vite's (Vitest's) bundled into CommonJS, or a file
        it bundles into it; Next.js's next.config.ts, or a file it loads through Next.js's
        require hook —: (the configuration, its tool, how the tool then loads it, why the rename
        would not do, or None); else None. A Vite configuration in another folder (an npm
        script's `-c`) is not renamed from here."""
        config = path if path in self.config_required else \
            self.config_compiled().get(path) if self.config_required else None
        if config is not None and config.name == "next.config.ts":
            # (Node loads next.config.mts itself: what it would fail on, said first)
            return (config, "Next.js", "with import(), Node stripping its types",
                    node_load_refusal(config, self.modules, self.graph.rel))
        build = self.cjs_bundled.get(path) if self.cjs_bundled else None
        if build is None or not build.loads_config or os.path.dirname(build.entries[0]):
            return None
        return Path(build.package_dir) / build.entries[0], build.tool, "as an ES module, with import()", None

    def config_compiled(self) -> dict[Path, Path]:
        """The workspace files a configuration compiled into CommonJS (:attr:`config_required`:
        next.config.ts, by SWC) loads through its tool's require hook, each with the
        configuration: Next.js's hook compiles the .ts, .cts, .mts, .cjs and .mjs files the
        configuration require()s into CommonJS with SWC too (an import() there a require()); a
        .js file Node loads itself, and what it imports is not followed (checked with Next.js
        16.5). Remembered for the graph's edges and the configurations."""
        key = (self.graph.edges_version, self.generation, tuple(self.config_required))
        if self._config_compiled[0] == key:
            return self._config_compiled[1]
        found: dict[Path, Path] = {}
        for root in self.config_required:
            stack = [root] if root in self.modules else []
            while stack:
                for e in self.modules[stack.pop()].edges:
                    t = e.target
                    if e.kind in (EdgeKind.STATIC, EdgeKind.REQUIRE) and t is not None and t not in found and \
                            t not in self.config_required and t.suffix in _SWC_HOOKED and t in self.modules and \
                            self.modules[t].workspace:
                        found[t] = root
                        stack.append(t)
        self._config_compiled = (key, found)
        return found

    def is_allowed_async(self, path: Path) -> bool:
        return bool(self.allow_async) and self.allow_async.matches(path)

    # -- loading -----------------------------------------------------------------------------
    def discover(self) -> list[Path]:
        found = walk(self.root, self.config)
        self.discovery_problems = found.problems
        self.workspace_files = set(found.files)
        self.resolver.intern(found.files)
        self._discovered()
        return found.files

    def _discovered(self) -> None:
        # open buffers win over the disk: an open file that is not (or no longer) on disk
        self.workspace_files |= {p for p in self.overlays
                                 if not p.exists() and self._discoverable(p)}
        self.discovered = True
        for path, mod in self.modules.items():
            mod.workspace = path in self.workspace_files

    def discover_and_load(self, progress: Optional[Progress] = None) -> set[Path]:
        """:meth:`discover`, then :meth:`load` of every workspace file, in one pass: each file
        goes to the extraction workers as soon as the walk finds it (the walk yields them in
        sorted order), not after the whole tree is listed. Returns the paths loaded."""
        problems: list[Problem] = []
        self.workspace_files = set()
        canonical = self.resolver.canonical

        def found() -> Iterator[Path]:
            for path in iter_files(self.root, self.config, problems):
                path = canonical(path)  # the object resolution hands out for this file
                self.workspace_files.add(path)
                yield path

        try:
            return self.load(progress=progress, stream=found())
        finally:
            self.discovery_problems = problems
            self._discovered()

    def set_workspace_files(self, files: Iterable[Path]) -> None:
        self.workspace_files = {Path(f).resolve() for f in files}
        self.resolver.intern(self.workspace_files)
        self.discovered = True

    def read_quietly(self, path: Path) -> Optional[bytes]:
        """A file's bytes as the analysis reads them (an open buffer's first; nothing outside
        what it may read), None when it cannot or must not be read."""
        return self._read(path, quiet=True)

    def _read(self, path: Path, quiet: bool = False) -> Optional[bytes]:
        """The file's bytes (an open buffer's first), None when it cannot or must not be read;
        the reason goes to the file's problems unless ``quiet``."""
        if path in self.overlays:
            return self.overlays[path]
        data, why = self._read_file(path)
        if why is not None and not quiet:
            self.file_problems.setdefault(path, []).append(Problem(path, why))
        return data

    def _read_file(self, path: Path) -> tuple[Optional[bytes], Optional[str]]:
        """The bytes of a file on disk, or None and why it is not read (None: it is gone)."""
        if not _inside(path, self.root) and not self.resolver.readable(str(path)):
            # resolution follows symlinks to real paths: nothing outside the workspace folder
            # (and its node_modules) is read, but for the package caches the resolver names
            # (Yarn's global cache, Deno's npm and HTTP caches: Resolver.readable)
            return None, ("outside the workspace folder (through a symlink or a ../ import); "
                          "not read, treated as a sync module")
        return read_source(path, self.config.max_file_size)

    def _prepare(self, paths: Iterable[Path]) -> Iterator[tuple[Path, Optional[tuple[Optional[bytes], ModuleFacts]]]]:
        """Each of ``paths`` with its bytes and facts, in order, as soon as they are known:
        from the cache, else extracted (by the worker processes when there are many, while
        the caller builds the modules of the chunks that are done). ``None`` for files this
        does not read (overlays, unknown extensions, unreadable: left to _make_module).
        ``paths`` may be a generator (a file walk): it is read a few chunks ahead.

        With an empty cache (or none) the workers read the files themselves and this
        process never sees their bytes (the bytes are then None): nothing to look up, no
        file sent through a pipe; the same once a chunk finds none of its files cached."""
        source = iter(paths)
        head = list(islice(source, 200))
        workers = self._workers if len(head) >= 200 else None
        size = 100 if workers is not None else 500
        self._by_path = workers is not None and (self.cache is None or self.cache.is_empty())
        source = chain(head, source)
        pending: deque = deque()
        ahead = 2 * self.jobs + 1  # chunks read and handed to workers ahead of the consumer
        # The last files go out in small chunks, so the workers finish at about the same time
        # and little is left to do here after them: the paths are read two chunks ahead of
        # those handed out, to see the end coming.
        buf: list[Path] = []
        last = max(10, size // 4) if workers is not None else size
        more = True
        try:
            while True:
                while len(pending) < ahead:
                    if more:
                        want = 2 * size - len(buf)
                        got = list(islice(source, want))
                        buf += got
                        more = len(got) == want
                    n = size if more else last
                    chunk = buf[:n]
                    del buf[:n]
                    if not chunk:
                        break
                    if self._by_path:
                        pending.append(self._start_paths(chunk, workers))
                    else:
                        pending.append((self._finish_chunk, self._start_chunk(chunk, workers)))
                if not pending:
                    break
                finish, started = pending.popleft()
                yield from finish(*started)
        finally:
            if self.cache:
                self.cache.flush()  # what this load extracted, for the next run

    def _start_chunk(self, chunk: list[Path], workers: Optional[Workers]) -> tuple:
        rows: list[tuple[Path, Optional[bytes], Optional[Dialect], str]] = []
        for path in chunk:
            dialect = _dialect_of(path)
            data = None
            if dialect is not None and path not in self.overlays:
                self.file_problems.pop(path, None)
                data = self._read(path)
            rows.append((path, data, dialect, content_key(data, dialect) if self.cache and data is not None else ""))
        known = self.cache.get_many(r[3] for r in rows if r[1] is not None) if self.cache else {}
        missing = [r for r in rows if r[1] is not None and r[3] not in known]
        future = workers.submit([(r[1], r[2]) for r in missing]) if workers is not None else None
        if future is not None and not known and len(missing) >= 50:
            self._by_path = True  # nothing cached here: let the workers read the next chunks
        return rows, known, missing, future

    def _finish_chunk(self, rows, known, missing, future):
        facts_of: dict[Path, ModuleFacts] = {}
        blobs = None
        if future is not None:
            try:
                blobs = future.result()
            except Exception:  # a worker died: do it here
                self._workers.broken = True
        if blobs is not None:
            new = {}
            self._workers.extracted += len(blobs)
            for r, blob in zip(missing, blobs):
                facts = FactsCache.unpack(blob, trusted=True)
                facts_of[r[0]] = facts if facts is not None else extract(r[1], r[2])
                new[r[3]] = blob
            if self.cache:
                self.cache.put_packed(new)
        else:
            for r in missing:
                facts_of[r[0]] = extract(r[1], r[2])
            if self.cache:
                self.cache.put_many({r[3]: facts_of[r[0]] for r in missing})
        for path, data, _, key in rows:
            if data is None:
                yield path, None
            else:
                yield path, (data, known[key] if key in known else facts_of[path])

    def _start_paths(self, chunk: list[Path], workers: Workers) -> tuple:
        """A chunk whose files the workers read: only their paths are sent. Returns how to
        finish it, and with what."""
        sent: list[tuple[str, Dialect]] = []
        rows: list[tuple[Path, bool]] = []
        for path in chunk:
            dialect = _dialect_of(path)
            # overlays, and anything outside the workspace folder, are for _make_module
            send = dialect is not None and path not in self.overlays and _inside(path, self.root)
            if send:
                self.file_problems.pop(path, None)
                sent.append((str(path), dialect))
            rows.append((path, send))
        future = workers.submit_paths(sent, self.config.max_file_size, self.cache is not None)
        if future is None and sent:  # no worker processes after all: read and extract here
            self._by_path = False
            return self._finish_chunk, self._start_chunk(chunk, None)
        return self._finish_paths, (rows, future)

    def _finish_paths(self, rows, future):
        results = None
        if future is not None:
            try:
                results = future.result()
            except Exception:  # a worker died: _make_module reads and extracts them here
                self._workers.broken = True
                self._by_path = False
        got = iter(results) if results is not None else None
        new = {}
        for path, sent in rows:
            if not sent or got is None:
                yield path, None
                continue
            result = next(got)
            facts = FactsCache.unpack(result[1], trusted=True) if result is not None else None
            if facts is None:  # not read there (it says why when read here), or not ours
                yield path, None
                continue
            self._workers.extracted += 1
            if result[0]:
                new[result[0]] = result[1]
            yield path, (None, facts)
        if new and self.cache:
            self.cache.put_packed(new)

    def close_workers(self) -> None:
        """Stop the extraction processes (started again when a large load needs them)."""
        self._workers.close()

    def _make_module(self, path: Path,
                     prepared: Optional[tuple[Optional[bytes], ModuleFacts]] = None) -> Optional[Module]:
        if prepared is not None:  # (facts are extracted, and keyed, with the path's dialect)
            return self._module_from(path, prepared[1].dialect, *prepared)
        if EXTERNAL in str(path):
            return self._external_module(path)
        dialect = _dialect_of(path)
        if dialect is None:
            # a `.wasm` module is loaded only when an import resolved to it as a module: the
            # bundler loads it asynchronously (webpack's asyncWebAssembly, vite-plugin-wasm)
            return self._wasm_module(path) if path.suffix == ".wasm" and _exists(path) else None
        self.file_problems.pop(path, None)
        data = self._read(path)
        if data is None:
            return None
        return self._module_from(path, dialect, data, None)

    def _wasm_module(self, path: Path) -> Module:
        """A WebAssembly module the bundler loads asynchronously: an async module of its own, as if
        it had a top-level await (at its start: a binary file has no lines to point to)."""
        site = TlaSite(TlaKind.ASYNC_WASM, Span(0, 0), Span(0, 0))
        facts = ModuleFacts(dialect=Dialect.JS, tla=(site,), has_module_syntax=True)
        return Module(path=path, data=b"", facts=facts, format="esm", workspace=path in self.workspace_files,
                      infection=self.infection)

    def _external_module(self, path: Path) -> Optional[Module]:
        """An async webpack external (`import`, `promise`, `script`, … type): an async module of
        its own whose site is its key in the configuration (whose text it holds)."""
        found = self.resolver.external_of(str(path))
        data = self._read(Path(found[0]), quiet=True) if found is not None else None
        if found is None or data is None:
            return None
        conf, ext = found
        span = Span(ext.start, ext.end)
        facts = ModuleFacts(dialect=Dialect.JS, tla=(TlaSite(TlaKind.ASYNC_EXTERNAL, span, span),),
                            has_module_syntax=True)
        why = (f"a webpack external of type `{ext.kind}` ({self.graph.rel(Path(conf))}, line {ext.line}), "
               f"which webpack loads asynchronously")
        return Module(path=path, data=data, facts=facts, format="esm", workspace=False,
                      infection=self.infection, why=why)

    def _module_from(self, path: Path, dialect: Dialect, data: Optional[bytes],
                     facts: Optional[ModuleFacts]) -> Module:
        """The module of ``path``: its facts given (``data`` may then be None: a worker read
        the file), else extracted from ``data``."""
        workspace = path in self.workspace_files
        try:
            if facts is not None:
                pass
            elif path in self.overlays:
                facts, tree = extract_incremental(data, dialect, self.trees.get(path))
                if tree is not None:
                    self.trees[path] = tree
                else:
                    self.trees.pop(path, None)
            else:
                facts = extract(data, dialect)
        except Exception as e:  # extract never raises by contract; belt and braces
            self.file_problems.setdefault(path, []).append(Problem(
                path, f"internal error while parsing ({type(e).__name__}: {e}); treated as sync"))
            facts = ModuleFacts(dialect=dialect, has_syntax_errors=True)
        if facts.has_syntax_errors and workspace:
            where = ""
            first = getattr(facts, "first_error", None)
            if first is not None:
                if data is None:
                    data = self._read(path, quiet=True) or b""
                line = data.count(b"\n", 0, first.start) + 1
                where = f" (first at line {line})"
            self.file_problems.setdefault(path, []).append(Problem(
                path, f"syntax error{where}: an engine would refuse to load this file; its "
                      "imports and awaits are read as far as they parse", severity="warning"))
        if facts.invalid_utf8 and workspace:
            self.file_problems.setdefault(path, []).append(Problem(
                path, "not valid UTF-8; analysed with replacement characters", severity="information"))
        fmt = self._format(path, facts)
        verbatim = self._verbatim(path, dialect)
        keep = path in self.overlays
        mod = Module(path=path, data=data if keep else None, facts=facts, format=fmt,
                     workspace=workspace, verbatim=verbatim, infection=self.infection,
                     reader=None if keep else self._reader)
        mod.edges = self._edges_of(mod)
        return mod

    def _format(self, path: Path, facts: ModuleFacts) -> str:
        """"esm" or "cjs": how the module runs (:func:`_module_format`), and CommonJS where a
        compiler turns a TypeScript file into it: tsx, for the files npm scripts run with it in a
        package without `"type": "module"`; tsc, by the tsconfig (`module: commonjs`, or
        `nodenext` without `"type": "module"`; :meth:`Resolver.tsc_emits_cjs`) — not for the
        files Node runs itself (type stripping detects module syntax) or tsup/esbuild bundle
        (esbuild reads the ES module syntax; its output format is the build's)."""
        fmt = _module_format(path, facts, self.resolver)
        self.tsc_cjs.pop(path, None)
        if self.bun_run and path in self.bun_run and path not in self.node_run and path not in self.cjs_bundled \
                and path not in self.cjs_transpiled:
            # Bun runs a file with module syntax (import, export, a top-level await) as an ES
            # module whatever its extension and the package.json's "type" (checked with Bun 1.4:
            # `await` in a .cjs file runs, and require() of it throws); the rest as CommonJS
            return "esm" if facts.has_module_syntax else fmt
        if fmt == "cjs" and self.cjs_bundled and path in self.cjs_bundled and facts.has_module_syntax and \
                not path.name.lower().endswith((".cjs", ".cts")):
            # (a bundler reads the ES module syntax whatever the package.json's "type" says: a
            # top-level await there fails the CommonJS build; checked with esbuild 0.28)
            return "esm"
        build = self.cjs_transpiled.get(path) if self.cjs_transpiled else None
        if build is not None:
            rel = self.graph.rel(Path(build.package_dir) / "package.json")
            flag = "`format: \"cjs\"` without `bundle: true`" if build.tool == "esbuild" and build.config \
                else "`--format=cjs` without `--bundle`" if build.tool == "esbuild" \
                else f"with {build.how}" if build.tool in ("Babel", "swc") else "`bundle: false`"
            does = "runs it with Babel compiling what Node loads (@babel/register, babel-node) into CommonJS, " \
                if build.reaches else "compiles it alone into CommonJS, "
            self.tsc_cjs[path] = TscCjs(f"{build.origin(self.graph.rel)} {does}"
                                        f"{flag}", self.graph.rel(Path(build.config)) if build.config and build.tool in ("Babel", "swc")
                                        else rel, "",
                                        build.keeps_import, build.tool, build.reaches)
            return "cjs"
        if facts.dialect in (Dialect.TS, Dialect.TSX) and path.suffix in (".ts", ".tsx", ".cts") \
                and path not in self.node_run and path not in self.cjs_bundled and path not in self.bun_run:
            tsx = self.tsx_run.get(path)
            if tsx is not None:
                # tsx decides by the package.json's "type" alone (not by tsconfig's `module`)
                if self.resolver.package_type(path) == "module" or path.suffix == ".cts":
                    return fmt
                self.tsc_cjs[path] = TscCjs(f"tsx runs it, from {tsx}, and the package.json has no "
                                            f"`\"type\": \"module\"`", "package.json", "", True, "tsx")
                return "cjs"
            why = self.resolver.tsc_emits_cjs(path)
            if why is not None:
                self.tsc_cjs[path] = why  # (also where the file is CommonJS anyway: its import()s)
                return "cjs"
        return fmt

    def _verbatim(self, path: Path, dialect: Dialect) -> bool:
        """Are ``path``'s imports kept as written: verbatimModuleSyntax (tsconfig, deno.json),
        or a TypeScript file Node runs by type stripping."""
        if not (dialect.is_typescript or dialect is Dialect.VUE):  # (a Vue component's TypeScript too)
            return False
        if path in self.node_run:
            return True
        # (Bun 1.4 reads no verbatimModuleSyntax, preserveValueImports, importsNotUsedAsValues)
        return (not self.bun_run or path not in self.bun_run) and self.resolver.verbatim_for(path)

    def bundled_require(self, edge: Edge) -> Optional[str]:
        """For an import, import() or require() the bundle makes a `require()` of when it runs
        (a webpack external of a CommonJS type; a package tsup's CommonJS build keeps
        external): which, and that the bundle loads it with require(); else None."""
        if edge.kind is not EdgeKind.REQUIRE or edge.target is None:
            return None
        build = self.tsup_build_of(edge)
        if build is not None:
            name = build.build_name if build.loads_config else f"{build.tool}'s {build.kind} build"
            return (f"a package that {name} ({build.origin(self.graph.rel)}) keeps "
                    f"external: the bundle loads it with `require(\"{edge.specifier}\")`")
        res = self.resolver.resolve(edge.specifier, edge.source, "import")
        return res.message if res.kind == "required" else None

    def bundled_throws(self, edge: Edge) -> str:
        """For an edge :meth:`bundled_require` describes: who throws when the bundle runs it
        ("Node throws ERR_REQUIRE_ASYNC_MODULE"; Bun's TypeError for a bundle Bun runs)."""
        build = self.tsup_build_of(edge)
        return build.throws if build is not None else "Node throws ERR_REQUIRE_ASYNC_MODULE"

    def bundled_fix(self, edge: Edge) -> str:
        """For an edge :meth:`bundled_require` describes: what to do about it, in words."""
        build = self.tsup_build_of(edge)
        if build is not None:
            return (f"load it with `await import(\"{edge.specifier}\")` where it is used "
                    f"({build.bundler} keeps import() as it is), or "
                    f"{build.esm_advice}")
        ext = self.resolver.external_for(edge.specifier, edge.source)
        if ext is not None and ext.via == "webpack-node-externals":
            return "add it to nodeExternals' `allowlist` so that webpack bundles it"
        if ext is not None and ext.via == "NxAppWebpackPlugin":
            return (f"list the packages to keep external, without `{edge.specifier}`, in NxAppWebpackPlugin's "
                    f"`externalDependencies` (it keeps every package external by default), so that webpack "
                    f"bundles it (the importer becomes an async module)")
        if ext is not None and ext.via == "withNx":
            return (f"list the packages to keep external, without `{edge.specifier}`, in the `externalDependencies` "
                    f"option of the Nx target that builds with this configuration (withNx keeps every package "
                    f"external by default), so that webpack bundles it (the importer becomes an async module)")
        if ext is not None and ext.via:
            return f"change {ext.via} so that webpack bundles it (the importer becomes an async module)"
        return "leave it out of `externals` so that webpack bundles it (the importer becomes an async module)"

    def throwing_require(self, edge: Edge) -> Optional[Edge]:
        """The require() the bundle makes (:meth:`bundled_require`) of an async module that
        ``edge`` stands for: the edge itself, or, for a static import of a package the bundle
        includes, the one inside it (:meth:`bundled_throw`); else None."""
        if edge.target is None:
            return None
        inner = edge if self.bundled_require(edge) is not None else \
            self.bundled_throw(edge.target) if edge.kind is EdgeKind.STATIC else None
        if inner is None or inner.target is None or not self.infection.is_async(inner.target):
            return None
        return inner

    def webpack_external(self, edge: Edge) -> Optional[tuple[Path, BundlerExternal]]:
        """(the webpack configuration, the external) ``edge``'s specifier is there, or None."""
        conf = self.resolver.bundler_config_for(edge.source)
        ext = self.resolver.external_for(edge.specifier, edge.source)
        return (Path(conf), ext) if conf is not None and ext is not None else None

    def tsup_build_of(self, edge: Edge) -> Optional[CjsBuild]:
        """The tsup CommonJS build that require()s the package a static import of an ES module
        names (see :meth:`_settle_cjs`), or None."""
        build = self.cjs_bundled.get(edge.source)
        if build is None or not build.is_cjs or not isinstance(edge.fact, StaticImport) or \
                not build.keeps_external(edge.specifier, str(edge.target) if edge.target is not None else None):
            return None
        mod = self.modules.get(edge.source)
        # (a CommonJS file's own imports are require() calls anyway, but in a configuration Vite
        # bundles — a .cts one too — the bundle is what makes them so)
        return build if mod is not None and (mod.format != "cjs" or build.loads_config) else None

    def bundled_throw(self, path: Path, workspace: bool = False) -> Optional[Edge]:
        """For a module outside the workspace (a package the bundle includes): the first
        require() of an async module the bundle makes in it or in what it imports statically
        outside the workspace (an import of a webpack external of a CommonJS type, of a package
        tsup keeps external; breadth first), which throws when the bundle runs; else None.
        ``workspace``: through workspace modules too (from any module)."""
        if not self.resolver.required_seen and not self.cjs_bundled:
            return None
        if self._throws_version != self.generation:
            self._throws = {}
            self._throws_version = self.generation
        key = (path, workspace)
        if key in self._throws:
            return self._throws[key]
        found = None
        seen = {path}
        queue = deque([path])
        while queue and found is None:
            mod = self.modules.get(queue.popleft())
            if mod is None or (mod.workspace and not workspace):
                continue
            for e in mod.edges:
                t = e.target
                if t is None:
                    continue
                if e.kind is EdgeKind.REQUIRE and self.infection.is_async(t) and self.bundled_require(e):
                    found = e
                    break
                if e.kind is EdgeKind.STATIC and t not in seen:
                    seen.add(t)
                    queue.append(t)
        self._throws[key] = found
        return found

    def lazy_import_helps(self, edge: Edge) -> bool:
        """Does loading ``edge``'s module with `await import()` where it is used stop the wait
        (the lazy quick fix)? For a static import, unless in a test file Jest runs as CommonJS
        (import() fails there too); for an import tsup's or esbuild's CommonJS build require()s
        (they keep import() as it is); for an import a compiler turns into a require() where it
        keeps import() (tsc under node16/nodenext, tsx, esbuild or tsup compiling each file,
        Babel's modules plugin without preset-env)."""
        glob = self.jest_global.get(edge.source) if self.jest_global else None
        if glob is not None and edge.kind is EdgeKind.STATIC:
            # a Jest global hook's: import() helps where its transform keeps it (Babel's modules
            # plugin without preset-env: Node then imports the module itself; checked with Jest 30)
            return glob[2]
        run = self.runner_tests.get(edge.source) if self.runner_tests else None
        if run is not None:
            # Jest outside its ES module mode fails on import() too; in it, and in Playwright,
            # an import() loads an ES module graph as Node does (checked with Jest 30.5 and
            # Playwright 1.65): it helps where nothing of that graph is CommonJS for the runner
            return run.esm and edge.kind is EdgeKind.STATIC and \
                self.runner_failure(edge.source, edge, run, lazily=True) is None
        if edge.kind is EdgeKind.STATIC:
            return True
        if self.tsup_build_of(edge) is not None:
            return True
        how = self.tsc_cjs.get(edge.source) if edge.kind is EdgeKind.REQUIRE else None
        return how is not None and how.keeps_import and isinstance(edge.fact, StaticImport)

    def kept_by_node(self, edge: Edge) -> Optional[str]:
        """For a static import that TypeScript would drop (no value of it used) but that Node
        keeps, running its file by type stripping: what runs the file; else None."""
        run = self.node_run.get(edge.source)
        if run is None or edge.kind is not EdgeKind.STATIC or not getattr(edge.fact, "erased_default", False):
            return None
        return run

    def run_by_bun(self, path: Path) -> Optional[str]:
        """What makes Bun run ``path`` (:attr:`bun_run`: its entry's label), where Node does not
        run it by type stripping too; else None."""
        if not self.bun_run or path in self.node_run:
            return None
        return self.bun_run.get(path)

    def kept_by_bun(self, edge: Edge) -> Optional[str]:
        """For a static import that names nothing (`import {} from`, `export {} from`), which
        TypeScript drops but Bun keeps, in a file Bun runs: what runs the file; else None."""
        if edge.kind is not EdgeKind.STATIC or not getattr(edge.fact, "erased_default", False):
            return None
        return self.run_by_bun(edge.source)

    def tsc_dropped(self, edge: Edge) -> Optional[tuple[Path, list[str]]]:
        """For a re-export a whole-program tsc build drops (:meth:`_tsc_drops`), kept by a
        per-file compiler: the module it names and the names it takes (only types there);
        else None."""
        imp = edge.fact
        mod = self.modules.get(edge.source)
        if edge.kind is not EdgeKind.ERASED or not isinstance(imp, StaticImport) or mod is None or \
                not imp.carries_async(mod.verbatim):
            return None
        target = self._resolved_path(mod, imp.specifier)
        names = candidate_names(imp)
        if target is None or not names:
            return None
        return self.resolver.canonical(Path(target)), names

    def _package_dirs(self) -> list[Path]:
        """The folders with a package.json of the workspace modules (outside node_modules)."""
        workspace = [p for p, m in self.modules.items() if m.workspace]
        return list(iter_package_dirs(self.root, workspace, self.resolver.fs.is_file))

    def _find_node_entries(self, pkg_dirs: list[Path]) -> dict[Path, str]:
        """The files the workspace packages' npm scripts (and `bin` commands) run with `node`
        (and, in :attr:`bin_files`, every package's `bin` files)."""
        found: dict[Path, str] = {}
        self.bin_files = set()
        self.tsx_entries = {}
        self.bun_entries = {}
        self.node_conditions = {}
        self.node_plain = set()
        for pkg_dir in pkg_dirs:
            manifest = self.resolver.package_json_for(pkg_dir / "package.json")
            if manifest is None or manifest[0] != pkg_dir:
                continue
            rel = self.graph.rel(pkg_dir / "package.json")
            runs, globs = package_node_runs(manifest[1], str(pkg_dir), self.resolver.fs.is_file,
                                            self._first_line)
            for run in runs:
                found.setdefault(Path(os.path.realpath(run.file)),
                                 f"script `{run.name}` of {rel}" if run.how == "script"
                                 else f"command `{run.name}` of {rel} (`#!` node)")
                if run.plain:
                    self.node_plain.add(Path(os.path.realpath(run.file)))
                if run.conditions:
                    self.node_conditions.setdefault(Path(os.path.realpath(run.file)), run.conditions)
            tsx = tsx_script_files(manifest[1].get("scripts"), str(pkg_dir), self.resolver.fs.is_file)
            # (the conditions of the scripts whose files are found by name: `node --test` globs, tsx)
            conds = script_conditions(manifest[1].get("scripts")) if globs or tsx else {}
            for script, path in _test_files(globs, pkg_dir, self.modules):
                found.setdefault(path, f"script `{script}` of {rel}, by `node --test`")
                if script in conds:
                    self.node_conditions.setdefault(path, conds[script])
            for script, f in tsx:
                self.tsx_entries.setdefault(Path(os.path.realpath(f)), f"script `{script}` of {rel}")
                if script in conds:
                    self.node_conditions.setdefault(Path(os.path.realpath(f)), conds[script])
            self._find_bun_entries(manifest[1], pkg_dir, rel)
            # (every bin file: an edit of its `#!` line may make it one Node runs)
            self.bin_files.update(Path(os.path.realpath(f)) for _, f in bin_files(manifest[1].get("bin"), str(pkg_dir)))
        return found

    def _find_bun_entries(self, manifest: dict, pkg_dir: Path, rel: str) -> None:
        """Add the files the package.json ``manifest`` of ``pkg_dir`` runs with Bun to
        :attr:`bun_entries`: its scripts' and `bin` commands' files, the workspace modules its
        `bun test` scripts run, a `bun init` package's entry."""
        if "bun" not in str(manifest.get("scripts")) and "bun" not in str(manifest.get("devDependencies")) and \
                "bun" not in str(manifest.get("dependencies")) and not manifest.get("bin"):
            return
        bunfig = str(pkg_dir / "bunfig.toml")
        error = bunfig_error(self.resolver.fs.read_text(bunfig)) if self.resolver.fs.is_file(bunfig) else None
        if error is not None:
            self.resolver._problem(Path(bunfig), f"not valid TOML ({error}): Bun runs nothing in this folder "
                                   f"(\"failed to load bunfig\")", severity="error")
        for run in package_bun_runs(manifest, str(pkg_dir), self.resolver.fs.is_file, self._first_line,
                                    self.resolver.fs.read_text):
            if run.how == "field":
                label = f"`\"{run.name}\"` of {rel}, a package with Bun's types"
            elif run.how == "bin":
                label = f"command `{run.name}` of {rel} (`#!` bun)"
            else:
                label = f"script `{run.name}` of {rel}" + (", by `bun test`" if run.test is not None else "")
            if run.file is not None:
                self.bun_entries.setdefault(Path(os.path.realpath(run.file)), label)
                continue
            base = Path(run.base)
            for path, mod in self.modules.items():
                if not mod.workspace:
                    continue
                r = relative_posix(path, base)
                if r is None or r.startswith("../") or "node_modules" in r.split("/") or \
                        any(part.startswith(".") for part in r.split("/")[:-1]):
                    continue
                if bun_test_runs(r, run.test or ()):
                    self.bun_entries.setdefault(path, label)

    def _tool_configs(self, pkg_dir: Path, manifest: dict) -> list[CjsBuild]:
        """Record how the tools load their own configurations in the package folder ``pkg_dir``
        (:attr:`config_imported`, :attr:`config_required`): ESLint's, Svelte's, Prettier's, webpack-cli's,
        Jest's (where no npm script runs Jest: :meth:`_find_runner_tests` records those of the
        runs), Next.js's, Vite's and Vitest's; return the CommonJS bundles Vite makes of its own (the builds' machinery
        reports what fails in them)."""
        fs = self.resolver.fs
        builds = []
        for found in (eslint_config(str(pkg_dir), fs.is_file), svelte_config(manifest, str(pkg_dir), fs.is_file),
                      prettier_config(manifest, str(pkg_dir), fs.is_file),
                      *webpack_cli_configs(manifest, str(pkg_dir), fs.is_file)):
            if found is not None:
                self._config_loaded(found.file, found.how, found.node)
        jest = jest_dependency_config(manifest, str(pkg_dir), fs.is_file)  # (run as `npx jest`)
        if jest is not None:
            self._jest_config(jest)
        nxt = next_config(manifest, str(pkg_dir), fs.is_file)
        if nxt is not None:
            if nxt.required:
                self.config_required[Path(os.path.realpath(nxt.file))] = nxt.why
            else:
                self._config_loaded(nxt.file, nxt.why, nxt.node)
            if nxt.native:
                self.config_native[Path(os.path.realpath(nxt.file))] = nxt.why
        for vite in vite_configs(manifest, str(pkg_dir), fs.is_file, fs.read_text):
            if vite.build is not None:
                builds.append(vite.build)
            else:
                self._config_loaded(vite.file, vite.why, vite.node)
        return builds

    def _sub_folder_configs(self, pkg_dirs: set[Path]) -> None:
        """Record the configurations Prettier takes in the folders below a package's that have no
        package.json of their own (Prettier looks for the one nearest to each file it formats)."""
        fs = self.resolver.fs
        seen: set[Path] = set()
        for path, mod in self.modules.items():
            folder = path.parent
            if path.name not in _PRETTIER_NAMES or not mod.workspace or folder in pkg_dirs or folder in seen or \
                    "node_modules" in path.parts:
                continue
            seen.add(folder)
            manifest = self.resolver.package_json_for(path)
            if manifest is not None and manifest[0] != folder:  # (a package's own: read with it)
                found = prettier_config(manifest[1], str(manifest[0]), fs.is_file, folder=str(folder))
                if found is not None:
                    self._config_loaded(found.file, found.how, found.node)

    def _config_loaded(self, file: str, how: str, node: bool) -> None:
        """Record a configuration its tool loads with import() (:attr:`config_imported`), and
        (``node``) that Node's own loader takes it (:attr:`config_node`)."""
        path = Path(os.path.realpath(file))
        self.config_imported[path] = how
        if node:
            self.config_node[path] = how

    def _jest_config(self, file: str) -> None:
        """Record how Jest loads its configuration ``file``, where an async graph only makes it
        wait (resolve/jest.py)."""
        how = jest_config_loading(file)
        if how is not None:
            self._config_loaded(file, how, jest_config_by_node(file, self.resolver.package_type(file),
                                                               self.resolver.fs.read_text(file)))

    def _first_line(self, path: str) -> Optional[str]:
        """A file's first line: its editor buffer's, else the file's on disk."""
        data = self.overlays.get(Path(path))
        return first_line(data) if data is not None else read_first_line(path)

    def _find_cjs_entries(self, pkg_dirs: list[Path]) -> dict[Path, CjsBuild]:
        """The entries of the builds the workspace packages' npm scripts make with tsup or
        esbuild (its command line, or its JavaScript API in a script they run), each with its
        build: a CommonJS one where a file is the entry of several builds (its imports of
        externals are require() calls there), in any format esbuild compiles the TypeScript
        (not tsc: :meth:`_format`)."""
        found: dict[Path, CjsBuild] = {}
        fs = self.resolver.fs
        self.build_scripts = set()
        self.config_imported = {}
        self.config_required = {}
        self.config_native = {}
        self.config_node = {}
        every: list[CjsBuild] = []
        for pkg_dir in pkg_dirs:
            manifest = self.resolver.package_json_for(pkg_dir / "package.json")
            if manifest is None or manifest[0] != pkg_dir:
                continue
            app = metro_app(manifest[1], str(pkg_dir), fs.is_file, fs.is_dir)
            if app is not None:
                every.append(app)
            every += self._tool_configs(pkg_dir, manifest[1])
            every += angular_builds(str(pkg_dir), fs.is_file, fs.read_text)
            every += self._webpack_build(pkg_dir)
            if fs.is_file(str(pkg_dir / "cdk.json")):
                every += self._cdk_builds(pkg_dir)
            scripts = str(manifest[1].get("scripts"))
            if not any(w in scripts for w in ("tsup", "esbuild", "node", "tsx", "vite", "rollup", "rolldown", "babel",
                                              "swc", "tsdown", "bun", "pkgroll", "unbuild")):
                continue
            every += package_cjs_builds(manifest[1], str(pkg_dir), fs.is_file, fs.read_text, every_format=True)
        self._sub_folder_configs(set(pkg_dirs))
        for folder in sam_folders(self.root, pkg_dirs):  # (AWS SAM's templates, watched by any name)
            templates = sam_templates(folder, fs.is_file, fs.read_text)
            every += sam_builds(folder, fs.is_file, fs.read_text, templates)
            every += serverless_builds(folder, fs.is_file, fs.read_text)  # (Serverless: serverless-esbuild)
            self.build_scripts.update(Path(os.path.realpath(os.path.join(folder, t))) for t in templates)
        every += self._nx_builds(pkg_dirs)
        every = [self._tsup_target(b) for b in every]
        self.build_scripts.update(Path(os.path.realpath(b.config)) for b in every if b.config is not None)
        # (a CommonJS build first, where a file is the entry of several; Vite's dev server last)
        for build in sorted(every, key=lambda b: (not b.is_cjs, b.packages_only)):
            if build.unread is not None:
                continue  # (not modelled: `check --print-config` says why)
            if build.app:
                for f in self._app_entries(build):
                    found.setdefault(f, build)
                continue
            base = build.package_dir
            literal = [e for e in build.entries if not _GLOB_CHARS.intersection(e) and not e.startswith("!")]
            for e in literal:
                path = os.path.normpath(os.path.join(base, e))
                if fs.is_file(path) and build.takes(path):
                    found.setdefault(Path(os.path.realpath(path)), build)
            globs = [(build.script, e[2:] if e.startswith("./") else e)
                     for e in build.entries if _GLOB_CHARS.intersection(e) or e.startswith("!")]
            for _, path in _test_files(globs, Path(base), self.modules):
                if build.takes(str(path)):
                    found.setdefault(path, build)
        return found

    def _cdk_builds(self, app_dir: Path) -> list[CjsBuild]:
        """The Lambda bundles of the AWS CDK app in ``app_dir`` (its cdk.json): the
        `NodejsFunction`s its workspace files construct (resolve/cdk.py)."""
        files = []
        for path, mod in self.modules.items():
            if not mod.workspace or relative_posix(path, app_dir) is None or "node_modules" in path.parts:
                continue
            if any(e.specifier in CDK_MODULES or e.specifier == "aws-cdk-lib" for e in mod.edges):
                files.append(str(path))
        fs = self.resolver.fs
        return cdk_builds(str(app_dir), sorted(files), fs.is_file, fs.read_text)

    def _webpack_build(self, pkg_dir: Path) -> list[CjsBuild]:
        """The build of the webpack configuration in ``pkg_dir`` where it refuses every top-level
        await: webpack 5 before 5.83 (the installed one) without `experiments.topLevelAwait`
        set to true (the experiment was off by default; checked with webpack 5.82)."""
        cfg = self.resolver.bundler_config_in(pkg_dir)
        if cfg is None or not os.path.basename(cfg.path).startswith("webpack.config.") or cfg.tla_experiment is True:
            return []  # (Rspack's configuration has a name of its own: not webpack's experiment)
        fs = self.resolver.fs
        version = installed_version(str(pkg_dir), "webpack", fs.is_file, fs.read_text)
        if version is None or not (5, 0, 0) <= version < (5, 83, 0):
            return []
        return [CjsBuild("", str(pkg_dir), (), config=cfg.path, formats=("esm",), tool="webpack", app=True,
                         experiment_off=True)]

    def _app_entries(self, build: CjsBuild) -> list[Path]:
        """The files a Vite app's build starts from: its configuration's build inputs (an HTML
        page standing for its module scripts), else the module scripts of index.html."""
        pkg_dir = Path(build.package_dir)
        found, _ = self.resolver.bundler_entries(pkg_dir)
        if found:
            return [f for f, _ in found]
        page = pkg_dir / "index.html"
        return self.resolver.page_scripts(page, pkg_dir) if self.resolver.fs.is_file(str(page)) else []

    def _tsup_target(self, build: CjsBuild) -> CjsBuild:
        """A tsup build that sets no `target` takes its tsconfig's (the first tsconfig.json at
        or above the package, lower-cased; tsup 7.2 and later, the installed one: before, node16
        or node14), whose file then counts as its configuration."""
        if build.tool != "tsup" or build.target or build.target_from or build.unread is not None:
            return build
        fs = self.resolver.fs
        version = installed_version(build.package_dir, "tsup", fs.is_file, fs.read_text)
        if version is not None and version < (7, 2, 0):
            return build
        ts = self.resolver.nearest_tsconfig(Path(build.package_dir))
        target = ts.compiler_options.get("target") if ts is not None else None
        if not isinstance(target, str) or not target:
            return build
        self.build_scripts.add(Path(os.path.realpath(ts.path)))
        return replace(build, target=target_words(target) or (), target_file=str(ts.path),
                       target_from=f"`\"target\": \"{target}\"` of {self.graph.rel(ts.path)}, which tsup takes "
                                   f"where it sets none")

    def target_config(self, awaits: Path) -> Optional[tuple[Path, str]]:
        """(the JSON file whose `target` makes the build that bundles ``awaits`` (a module with a
        top-level await) refuse it — tsup's tsconfig —, to edit; the tool that builds for it), or
        None."""
        build = self.cjs_bundled.get(awaits) if self.cjs_bundled else None
        if build is None or build.refuses_tla != "target" or build.target_file is None:
            return None
        return Path(build.target_file), build.tool

    def _nx_builds(self, pkg_dirs: list[Path]) -> list[CjsBuild]:
        """The builds Nx makes of the workspace's Nx projects (their project.json, or a
        package.json's `"nx"`: its esbuild, Angular and Vite executors; the Vite targets
        @nx/vite/plugin infers), when the workspace is in one (nx.json at or above its root);
        nx.json and the project's file count as their configuration too."""
        fs = self.resolver.fs
        # (the folders walked only in an Nx workspace)
        folders = (str(d) for d in chain(iter_package_dirs(self.root, [p for p, m in self.modules.items() if m.workspace],
                                                           fs.is_file, "project.json"), pkg_dirs))
        nx_root, out = workspace_builds(str(self.root), folders, fs.is_file, fs.read_text)
        if out:
            self.build_scripts.add(Path(os.path.realpath(os.path.join(str(nx_root), "nx.json"))))
            self.build_scripts.update(Path(os.path.realpath(b.declared_in)) for b in out if b.declared_in)
        return out

    def _find_runner_tests(self, pkg_dirs: list[Path]) -> dict[Path, TestRun]:
        """The workspace packages' test files that Jest and Playwright Test run (by their npm
        scripts), each with its run (the first that takes it: Jest's, then Playwright's)."""
        found: dict[Path, TestRun] = {}
        fs = self.resolver.fs
        runs: list[tuple[Path, TestRun]] = []
        for pkg_dir in pkg_dirs:
            manifest = self.resolver.package_json_for(pkg_dir / "package.json")
            scripts = str(manifest[1].get("scripts")) if manifest is not None and manifest[0] == pkg_dir else ""
            if "jest" not in scripts and "playwright" not in scripts:
                continue
            assert manifest is not None
            for run in [*package_jest_runs(manifest[1], str(pkg_dir), fs.is_file, fs.read_text),
                        *package_playwright_runs(manifest[1], str(pkg_dir), fs.is_file, fs.read_text)]:
                for f in (run.config, run.preset_file if isinstance(run, JestRun) else None):
                    if f is not None:
                        self.build_scripts.add(Path(os.path.realpath(f)))
                if isinstance(run, JestRun) and run.config:
                    self._jest_config(run.config)
                if run.unread is None:
                    runs.append((pkg_dir, run))
        if runs:
            # (each module against the runs of its package folder and those above: a walk up
            # its folders, not every module against every package)
            by_dir: dict[Path, list[TestRun]] = {}
            for pkg_dir, run in runs:
                by_dir.setdefault(pkg_dir, []).append(run)
            for path, mod in self.modules.items():
                if not mod.workspace:
                    continue
                for folder in path.parents:
                    hit = next((r for r in by_dir.get(folder, ()) if r.tests(str(path))), None)
                    if hit is not None:
                        found[path] = hit
                        break
                    if folder == self.root:
                        break
        # the setup files a run loads as it loads its test files (Jest's `setupFiles…`
        # before each, Playwright's `globalSetup` once)
        self.runner_setup = set()
        self.runner_config = set()
        self.jest_global = {}
        for _, run in runs:
            for name in run.setup:
                mod = self._setup_module(name)
                if mod is not None:
                    found.setdefault(mod.path, run)
                    self.runner_setup.add(mod.path)
            if isinstance(run, PlaywrightRun) and run.config is not None:
                # (Playwright loads its configuration as it loads the test files, first)
                mod = self.modules.get(Path(os.path.realpath(run.config)))
                if mod is not None and mod.workspace:
                    found.setdefault(mod.path, run)
                    self.runner_config.add(mod.path)
            if not isinstance(run, JestRun) or not run.global_setup or \
                    run.transform not in ("default", "ts-jest", "ts-jest+js"):
                continue  # (another transform: not modelled; none: loaded as Node loads it)
            if run.transform == "default":
                manifest = self.resolver.package_json_for(Path(run.package_dir) / "package.json")
                babel = babel_jest_modules(run.package_dir, fs.is_file, fs.read_text,
                                           manifest[1] if manifest is not None else None)
                if babel is None or not babel[0]:
                    continue  # (Babel compiles no modules: Node loads them itself, Jest retrying as an import())
                how = (babel[1], _JS_EXTENSIONS + _TS_EXTENSIONS)
            else:  # (ts-jest's CommonJS output: `import()` a require() too)
                how = (False, _TS_EXTENSIONS + (_JS_EXTENSIONS if run.transform == "ts-jest+js" else ()))
            for option, name in run.global_setup:
                mod = self._setup_module(name)
                if mod is not None:
                    self.jest_global.setdefault(mod.path, (run, option, *how))
        return found

    def _setup_module(self, name: str) -> Optional[Module]:
        """The workspace module a runner's setup file option names (a path; its extension may
        be left out), or None."""
        is_file = self.resolver.fs.is_file
        path = next((p for p in (name, *(name + e for e in _SETUP_EXTENSIONS)) if is_file(p)), None)
        mod = self.modules.get(Path(os.path.realpath(path))) if path is not None else None
        return mod if mod is not None and mod.workspace else None

    def jest_global_failure(self, path: Path) -> Optional[tuple[Optional[Edge], Path]]:
        """For a Jest global setup (or teardown) file: Jest loads it in its own process with
        `require()`, its transform compiling it and every file of the project it loads into
        CommonJS (:attr:`jest_global`: babel-jest — .js, .jsx, .ts, .tsx — where the Babel
        configuration compiles modules; ts-jest — .ts, .tsx, and .js, .jsx for js-with-ts), and a
        top-level await among those does not compile: the run fails (before any test runs, for a
        setup file). An ES module Node loads itself (.mjs, .mts) and what it imports, and a
        package in node_modules (whose require() Jest retries as an import()), load as Node
        loads them. Returns (the edge of the file that leads to it, None for its own await; the
        module with the await), or None. Held to Jest 30 (ts-jest 29) with Node 26."""
        mod = self.modules.get(path)
        glob = self.jest_global.get(path)
        if mod is None or glob is None or not _jest_compiles(path, glob[3]):
            return None
        if mod.facts.has_tla:
            return None, path
        keeps_import, compiled = glob[2], glob[3]  # (Babel's preset-env compiles import() into a require() too)
        first: dict[Path, Edge] = {}
        queue = deque([path])
        while queue:
            p = queue.popleft()
            for e in self.modules[p].edges:
                t = e.target
                if t is None or e.kind is EdgeKind.ERASED or (keeps_import and e.kind is EdgeKind.DYNAMIC) or \
                        t in first or t == path or t not in self.modules or "node_modules" in t.parts or \
                        not _jest_compiles(t, compiled):
                    continue
                first[t] = first.get(p, e)
                if self.modules[t].facts.has_tla:
                    return first[t], t
                queue.append(t)
        return None

    def runner_role(self, path: Path) -> str:
        """"this test file", or "this setup file" (what a run loads before its tests)."""
        if path in self.runner_config:
            return "this configuration"
        return "this setup file" if path in self.runner_setup else "this test file"

    def runner_reach(self) -> dict[Path, Path]:
        """The workspace modules a test runner loads as CommonJS (module -> the first test file
        that loads it, breadth first: imports, import() and require(), not into node_modules):
        Jest outside its ES module mode, every one; in it, the files it does not load as ES
        modules; Playwright, those and everything a file it compiles into CommonJS loads."""
        # (derived from the edges and the test files alone: not redone on a keystroke that
        # changes neither)
        known = self._runner_version
        if not known or known[0] != self.graph.edges_version or known[1] is not self.runner_tests:
            self._runner_version = (self.graph.edges_version, self.runner_tests)
            by_run: dict[TestRun, dict[Path, Path]] = {}
            for test, run in self.runner_tests.items():
                by_run.setdefault(run, {})[test] = test
            reach: dict[Path, Path] = {}
            for run, tests in by_run.items():
                # (module, loaded as CommonJS) -> test file; breadth first, through the run's
                # moduleNameMapper; for Playwright, below a CommonJS file every one is
                got: dict[tuple[Path, bool], Path] = {}
                for p, t in tests.items():
                    if p in self.modules:
                        got[(p, self.runner_loads_cjs(p, run))] = t
                queue = deque(got)
                while queue:
                    p, cjs = state = queue.popleft()
                    for e in self.modules[p].edges:
                        t = self.runner_target(e, run) if e.kind is not EdgeKind.ERASED else None
                        if t is None or t not in self.modules or not self.modules[t].workspace:
                            continue
                        key = (t, (cjs and run.compiles_all) or self.runner_loads_cjs(t, run))
                        if key not in got:
                            got[key] = got[state]
                            queue.append(key)
                for (p, cjs), test in got.items():
                    if cjs and p not in reach:
                        reach[p] = test
            self._runner_reach = reach
        return self._runner_reach

    def runner_target(self, edge: Edge, run: TestRun) -> Optional[Path]:
        """The file the Jest ``run`` loads for ``edge``: through its `moduleNameMapper` (the
        first module name that resolves, from the importing file's folder; None where none
        does: Jest throws), else the edge's own target."""
        if not run.mapper or not edge.specifier:
            return edge.target
        names = run.mapped(edge.specifier)
        if names is None:
            return edge.target
        for name in names:
            res = self.resolver.resolve(name, edge.source, "require")
            if res.kind == "file" and res.path is not None:
                return res.path
        return None

    def runner_loads_cjs(self, path: Path, run: TestRun) -> bool:
        """Does the test ``run`` load the file at ``path`` as CommonJS (by the file's own kind;
        Playwright compiles what such a file loads into CommonJS too)?"""
        return not run.loads_as_esm(str(path), lambda p: self.resolver.package_type(Path(p)))

    def runner_failure(self, test: Path, edge: Edge, run: TestRun,
                       lazily: bool = False) -> Optional[tuple[str, Path, Optional[Path]]]:
        """Why the test file ``test`` fails to run under the test ``run`` because of its import
        ``edge`` (of an async module), or None where the import loads as in Node (Jest's ES
        module mode, ES modules all the way to the await): ("compile", a module the runner
        loads as CommonJS with a top-level await, None — or for Playwright, the module with
        the await and the file compiled into CommonJS that loads it) or ("require", a module
        it loads as CommonJS, the ES module with a top-level await in its graph it
        require()s). Jest (30.5)
        fails as Node does: a top-level await does not compile as CommonJS, and require() of
        an ES module whose graph waits throws ERR_REQUIRE_ASYNC_MODULE; Playwright (1.65)
        compiles what a CommonJS file loads into CommonJS too, so the await fails to compile
        wherever it is. ``lazily``: were the module loaded by an import() (an ES module load,
        even from a file the runner compiles into CommonJS). (Walks of the async modules only,
        remembered per run for the generation.)"""
        if self._runner_fail[0] != self.generation:
            self._runner_fail = (self.generation, {})
        memo = self._runner_fail[1].get(run)
        if memo is None:
            memo = self._runner_fail[1][run] = ({}, {}, {}, set(), set())
        cjs, waits, found, clean, calm = memo
        modules, is_async = self.modules, self.infection.is_async
        target_of = (lambda e: self.runner_target(e, run)) if run.mapper else (lambda e: e.target)

        def awaits_in(t: Path) -> Path:
            """The module with the top-level await an async ``t`` waits for."""
            chain = self.infection.chain(t)
            return chain[-1] if chain else t

        def compiled_loads(p: Path, t: Path) -> tuple[str, Path, Optional[Path]]:
            """Playwright: the file ``p`` it compiles into CommonJS loads the async ``t``: the
            await compiled with it, or, where the chain to it enters node_modules (which
            Playwright leaves to Node), Node's require() of the package's module, which throws
            ERR_REQUIRE_ASYNC_MODULE (checked with Playwright 1.65 on Node 26)."""
            for q in (t, *self.infection.chain(t)):
                m = modules.get(q)
                if m is not None and not m.workspace:
                    return ("require", p, q)
            return ("compile", awaits_in(t), p)

        def is_cjs(p: Path) -> bool:
            got = cjs.get(p)
            if got is None:
                got = cjs[p] = self.runner_loads_cjs(p, run)
            return got

        def esm_waits(start: Path) -> bool:
            """Is the graph of ``start`` (an ES module for Jest) async for V8: a top-level
            await reached by imports of ES modules alone (CommonJS ones are synchronous to it)?"""
            if start in calm:
                return False
            if start in waits:
                return True
            seen, stack = {start}, [start]
            while stack:
                mod = modules.get(stack.pop())
                if mod is None:
                    continue
                if mod.facts.has_tla:
                    waits[start] = True
                    return True
                for e in mod.edges:
                    t = target_of(e) if e.kind is EdgeKind.STATIC else None
                    if t is not None and t not in seen and t not in calm and is_async(t) and not is_cjs(t):
                        seen.add(t)
                        stack.append(t)
            calm.update(seen)  # (every one of them explored: none waits)
            return False

        def fails(start: Path) -> Optional[tuple[str, Path, Optional[Path]]]:
            if start in clean:
                return None
            if start in found:
                return found[start]
            seen, stack = {start}, [start]
            result = None
            while stack and result is None:
                p = stack.pop()
                mod = modules.get(p)
                if mod is None:
                    continue
                c = is_cjs(p)
                if c and mod.facts.has_tla:
                    result = ("compile", p, None)
                    break
                for e in mod.edges:
                    t = target_of(e) if e.kind in (EdgeKind.STATIC, EdgeKind.REQUIRE) else None
                    if t is None or not is_async(t):
                        continue
                    if c and run.compiles_all:
                        result = compiled_loads(p, t)
                        break
                    if c and not is_cjs(t) and esm_waits(t):
                        result = ("require", p, t)
                        break
                    if t not in seen and t not in clean:
                        seen.add(t)
                        stack.append(t)
            if result is None:
                clean.update(seen)  # (everything they reach explored: no failure)
            else:
                found[start] = result
            return result

        target = target_of(edge)
        if target is None or not is_async(target):
            return None
        if lazily:
            return fails(target)
        if is_cjs(test) and run.compiles_all:
            return compiled_loads(test, target)
        if is_cjs(test) and not is_cjs(target) and esm_waits(target):
            return ("require", test, target)
        return fails(target)

    def jest_mocked(self, test: Path) -> set[Path]:
        """The modules the test file replaces with `jest.mock("…", factory)` (Jest never loads
        them)."""
        mod = self.modules.get(test)
        if mod is None or b"jest.mock" not in mod.source:
            return set()
        out = set()
        for m in _JEST_MOCK.finditer(mod.source):
            res = self.resolver.resolve(m.group(2).decode("utf-8", "replace"), test, "import")
            if res.kind == "file" and res.path is not None:
                out.add(res.path)
        return out

    def _settle_native_configs(self) -> bool:
        """Where Next.js import()s next.config.ts, Node stripping its types
        (:attr:`config_native`): a configuration it loads so where Node can, else one it falls
        back to compiling into CommonJS and require()s (saying why Node could not). Asked again
        on every change (an import added, an enum typed); returns whether one moved."""
        moved = False
        for path, how in self.config_native.items():
            refused = node_load_refusal(path, self.modules, self.graph.rel) if path in self.modules else None
            if refused is None:
                moved |= self.config_imported.get(path) != how
                self.config_imported[path] = how
                self.config_required.pop(path, None)
                continue
            why = (f"Next.js would load next.config.ts with import() ({NEXT_NATIVE_FLAG}), but Node could not: "
                   f"{refused}; so Next.js falls back to compiling it into CommonJS with SWC and loads it with "
                   f"require()")
            moved |= self.config_required.get(path) != why
            self.config_required[path] = why
            self.config_imported.pop(path, None)
        return moved

    def _settle_cjs(self) -> bool:
        """Bring :attr:`cjs_bundled` up to date with the graph: the modules tsup bundles into a
        CommonJS build (reachable from its entries without going through a package it keeps
        external), whose static imports of such packages are require() calls in the bundle.
        Returns whether any module's edges changed (the graph is then re-indexed)."""
        if not self.cjs_entries and not self.cjs_bundled and not self.cjs_transpiled:
            return False
        transpiled = {p: b for p, b in self.cjs_entries.items() if not b.bundle and b.is_cjs and p in self.modules
                      and not (b.reaches and not self._registered(p))}
        registered = {p: b for p, b in transpiled.items() if b.reaches}
        if registered:
            # (Babel compiling what Node's CommonJS loader loads: every file of the project the
            # entries reach that it compiles, not an ES module for Node)
            for p, b in self._reach(registered, lambda e, _: not self._registered(e.target)).items():
                transpiled.setdefault(p, b)
        reach = self._reach({p: b for p, b in self.cjs_entries.items() if b.bundle},
                            lambda e, build: build.keeps_external(e.specifier,
                                                                  str(e.target) if e.target is not None else None))
        # (Vite's dev server pre-bundles the packages alone: the project's modules it serves as they are)
        reach = {p: b for p, b in reach.items() if not b.packages_only or "node_modules" in p.parts}
        # (each file compiled alone into ES modules — esbuild's, not tsc's or Node's, whatever the
        # package.json's "type" says —, also for a target that refuses a top-level await)
        for p, b in self.cjs_entries.items():
            if not b.bundle and not b.is_cjs and p in self.modules:
                reach.setdefault(p, b)
        flipped = [p for p in reach.keys() | self.cjs_bundled.keys()
                   if p in self.modules and reach.get(p) != self.cjs_bundled.get(p)]
        flipped += [p for p in transpiled.keys() ^ self.cjs_transpiled.keys() if p in self.modules]
        self.cjs_bundled, self.cjs_transpiled = reach, transpiled
        if not flipped:
            return False
        self._reedge(flipped)
        self.graph.index_edges()
        return True

    def _registered(self, path: Path) -> bool:
        """Does @babel/register (or @babel/node) compile the file at ``path`` when Node's
        CommonJS loader loads it: one of the extensions it compiles, outside node_modules, not
        an ES module by its package's `"type"`?"""
        return path.suffix in REGISTER_EXTENSIONS and "node_modules" not in path.parts and \
            self.resolver.package_type(path) != "module"

    def _settle_tsx(self) -> bool:
        """Bring :attr:`tsx_run` up to date with the graph: the TypeScript files reachable from
        :attr:`tsx_entries` (tsx runs what they import, and what they import()), which tsx
        compiles into CommonJS in a package without `"type": "module"`. Returns whether any
        module's edges changed (the graph is then re-indexed)."""
        if not self.tsx_entries and not self.tsx_run:
            return False
        reach = self._reach(self.tsx_entries, lambda e, _: "node_modules" in e.target.parts)
        flipped = [p for p in reach.keys() ^ self.tsx_run.keys() if p in self.modules]
        self.tsx_run = reach
        if not flipped:
            return False
        self._reedge(flipped)
        self.graph.index_edges()
        return True

    def _settle_runtimes(self) -> bool:
        """Bring :attr:`bun_run` up to date with the graph — the files outside node_modules
        reachable from :attr:`bun_entries` (Bun runs what they import, require() and import(),
        packages too) — and :attr:`runtime_conditions`: Bun's export conditions for every file
        reachable from its entries, node's `--conditions` for those reachable from its runs
        with them (packages too; Bun's first where both reach a file), and Metro's rules
        (:data:`METRO_RUNTIME`) for what a React Native app's Metro bundle reaches (a shared
        package of a monorepo, outside the app's folder, too). Returns whether any
        module's edges changed (the graph is then re-indexed); repeated until nothing changes
        (Bun keeps other imports than tsc, conditions resolve to other files)."""
        metro = any(b.tool == "Metro" for b in self.cjs_entries.values()) if self.cjs_entries else False
        if not self.bun_entries and not self.bun_run and not self.node_conditions and not self.runtime_conditions \
                and not metro:
            return False

        def step() -> list[Path]:
            reach = self._reach(self.bun_entries, lambda e, _: False) if self.bun_entries else {}
            run = {p: label for p, label in reach.items() if "node_modules" not in p.parts}
            flipped = set(run.keys() ^ self.bun_run.keys())
            self.bun_run = run
            runtime: dict[Path, tuple[str, ...]] = dict.fromkeys(reach, BUN_CONDITIONS)
            if self.node_conditions:
                for p, conds in self._reach(self.node_conditions, lambda e, _: False).items():
                    runtime.setdefault(p, conds)
            if metro:  # (what Metro bundles (_settle_cjs) from outside the app's folder: Metro's rules too)
                in_app = self.resolver.in_react_native_app
                for p, build in self.cjs_bundled.items():
                    if build.tool == "Metro" and p not in runtime and not in_app(p):
                        runtime[p] = METRO_RUNTIME
            old = self.runtime_conditions
            flipped.update(p for p in runtime.keys() | old.keys() if runtime.get(p) != old.get(p))
            self.runtime_conditions = self.resolver.runtime_conditions = runtime
            return [p for p in flipped if p in self.modules]
        return self._settle_until_stable(step)

    def _settle_all(self) -> bool:
        """Bring every way of running and building files up to date with the graph (which files
        Node, tsup/esbuild/Metro bundles, tsx, Bun and Next.js's loader take, and how), again while
        one of them changes edges another reads (a file Metro's rules resolve anew joins its
        bundle, say). Returns whether any module's edges changed."""
        changed = False
        for _ in range(4):  # (each round settles one way of running for the others' edges)
            moved = self._settle_node_run() | self._settle_cjs() | self._settle_tsx() | self._settle_runtimes() | \
                self._settle_native_configs()
            if not moved:
                break
            changed = True
        return changed

    def _settle_until_stable(self, step: Callable[[], list[Path]]) -> bool:
        """Call ``step`` (which brings one way of running files up to date and returns the
        modules whose way changed) and make those modules again, until none changes; the graph
        is then re-indexed. Returns whether any changed."""
        changed = False
        while True:
            flipped = step()
            if not flipped:
                break
            changed = True
            self._reedge(flipped)
        if changed:
            self.graph.index_edges()
        return changed

    def _reach(self, entries: dict, skip: Callable[[Edge, object], bool]) -> dict:
        """The modules reachable from ``entries`` (module -> label) by the edges that evaluate
        or load something (not erased ones), breadth first, each with the label of the entry
        that reaches it first; ``skip(edge, label)``: an edge not followed."""
        reach = {p: label for p, label in entries.items() if p in self.modules}
        queue = deque(reach)
        while queue:
            p = queue.popleft()
            label = reach[p]
            for e in self.modules[p].edges:
                t = e.target
                if t is None or t in reach or t not in self.modules or e.kind is EdgeKind.ERASED or skip(e, label):
                    continue
                reach[t] = label
                queue.append(t)
        return reach

    def _reedge(self, flipped: list[Path]) -> None:
        """Make the modules whose way of running changed (Node runs them, tsx runs them, tsup
        bundles them) again: how TypeScript elides, their format, their edges; and load what
        their edges reach now. (The caller re-indexes the graph.)"""
        for p in flipped:
            mod = self.modules[p]
            mod.verbatim = self._verbatim(p, mod.facts.dialect)
            mod.format = self._format(p, mod.facts)
            mod.edges = self._edges_of(mod)
        self.load(sorted({e.target for p in flipped for e in self.modules[p].edges
                          if e.target is not None and e.target not in self.modules and _loadable(e.target)}))

    def _settle_node_run(self) -> bool:
        """Bring :attr:`node_run` up to date with the graph: the TypeScript files (.ts, .mts,
        .cts outside node_modules) reachable from :attr:`node_entries`. Node keeps their
        imports, which may reach more files: repeated until nothing changes. And
        :attr:`node_strict`, the files whose imports Node resolves itself: from the plain runs
        and the configurations Node loads for their tools (:attr:`config_node`; not in
        node_run: a file such a configuration shares with the app keeps the app's compiler's
        elision, and what only the configuration loads is quiet anyway). Returns whether any
        module's edges changed (the graph is then re-indexed)."""
        if not self.node_entries and not self.config_node and not self.node_run and not self.node_strict:
            return False

        def step() -> list[Path]:
            plain = {p: w for p, w in self.node_entries.items() if p in self.node_plain}
            scripts_only = len(plain) == len(self.node_entries) and not self.config_node
            for p, how in self.config_node.items():  # (the scripts' first: a file both load is named after its script)
                plain.setdefault(p, how)
            strict = self._node_reach(plain, _node_resolves)
            # (TypeScript is among what Node resolves itself: one walk where every run is plain)
            reach = {p: w for p, w in strict.items() if _strippable(p, self.modules[p])} \
                if scripts_only else self._node_reach(self.node_entries, _strippable)
            # (a file that left the graph is not one of them any more, nor to be re-read)
            flipped = [p for p in (reach.keys() ^ self.node_run.keys()) | (strict.keys() ^ self.node_strict.keys())
                       if p in self.modules]
            self.node_run, self.node_strict = reach, strict
            return flipped
        return self._settle_until_stable(step)

    def _resolved_path(self, mod: Module, specifier: str) -> Optional[str]:
        """The file an import of ``mod`` resolves to (as an import), or None."""
        res = self.resolver.resolve(specifier, mod.path, "import")
        return str(res.path) if res.kind == "file" and res.path is not None else None

    def _node_reach(self, entries: dict[Path, str], keep: Callable[[Path, Module], bool]) -> dict[Path, str]:
        """The files ``keep`` takes of those reachable from ``entries``, each named after the
        first entry that reaches it (breadth first, from the scripts in their order: by its
        shortest chain)."""
        reach: dict[Path, str] = {}
        queue = deque(p for p in entries if p in self.modules)
        label = {p: entries[p] for p in queue}
        seen = set(queue)
        while queue:
            p = queue.popleft()
            mod = self.modules[p]
            why = label[p]
            if keep(p, mod):
                reach[p] = why
            for e in mod.edges:
                t = e.target
                if t is not None and t not in seen and t in self.modules:
                    seen.add(t)
                    label[t] = why
                    queue.append(t)
        return reach

    def _resolve(self, mod: Module, specifier: str, mode: str, problem: bool = False) -> Resolution:
        """The resolution of an import of ``mod``. An unresolved one is an `unresolved-import`
        finding, or (a dynamic import: no finding) a problem once per specifier."""
        res = self.resolver.resolve(specifier, mod.path, mode)  # type: ignore[arg-type]
        if res.kind == "file" and mode == "import" and self.node_strict and mod.path in self.node_strict and \
                specifier.startswith(("./", "../", "/")):
            res = self._as_node_finds(mod.path, specifier, res)
        if problem and res.kind == "unresolved" and mod.workspace and specifier not in self.unresolved_seen:
            self.unresolved_seen.add(specifier)
            self.file_problems.setdefault(mod.path, []).append(Problem(
                mod.path, res.message or f"cannot resolve {specifier!r}", severity="information"))
        return res

    def _as_node_finds(self, importer: Path, specifier: str, res: Resolution) -> Resolution:
        """A relative import in a file Node runs itself (by type stripping, or an ES module),
        as Node resolves it: the file named, exactly — Node maps no `.js` to `.ts`, adds no
        extension and no index file (TypeScript and the bundlers do); checked with Node 26
        (ERR_MODULE_NOT_FOUND, ERR_UNSUPPORTED_DIR_IMPORT)."""
        named = os.path.normpath(os.path.join(os.path.dirname(importer), specifier.split("?", 1)[0]))
        if self.resolver.fs.is_file(named):
            return res
        found = self.graph.rel(res.path) if res.path is not None else "another file"
        run = self.node_strict[importer]
        code = "ERR_MODULE_NOT_FOUND"
        ts = importer in self.node_run or importer.suffix in (".ts", ".mts", ".cts")
        if self.resolver.fs.is_dir(named):
            why, code = "Node imports no folder in an ES module", "ERR_UNSUPPORTED_DIR_IMPORT"
        elif ts and os.path.splitext(specifier)[1] in (".js", ".mjs", ".cjs", ".jsx"):
            why = f"Node does not map `{os.path.splitext(specifier)[1]}` to TypeScript's extension"
        else:
            why = "Node adds no extension to an ES module import"
        if not ts:
            return Resolution("unresolved", None,
                              f"Node runs this ES module ({run}) and finds no `{specifier}`: {why} ({found} is "
                              f"what a bundler or TypeScript finds; import it by that name); Node throws {code}")
        return Resolution("unresolved", None,
                          f"Node runs this file by type stripping ({run}) and finds no `{specifier}`: {why} "
                          f"({found} is what TypeScript finds; import it by that name, with "
                          f"`allowImportingTsExtensions` or `rewriteRelativeImportExtensions` in tsconfig.json); "
                          f"Node throws {code}")

    def node_spelling(self, edge: Edge) -> Optional[str]:
        """For a relative import Node does not find in a file it runs by type stripping
        (:meth:`_as_node_finds`): the specifier that names the file TypeScript finds
        (`./util.ts`); else None."""
        if edge.target is not None or edge.source not in self.node_strict or not edge.specifier.startswith(("./", "../")):
            return None
        res = self.resolver.resolve(edge.specifier, edge.source, "import")
        if res.kind != "file" or res.path is None or \
                self._as_node_finds(edge.source, edge.specifier, res).kind != "unresolved":
            return None
        rel = os.path.relpath(res.path, os.path.dirname(edge.source)).replace(os.sep, "/")
        return rel if rel.startswith("../") else "./" + rel

    def _edges_of(self, mod: Module) -> list[Edge]:
        edges: list[Edge] = []
        facts = mod.facts
        cjs = mod.format == "cjs"
        bun = bool(self.bun_run) and mod.path in self.bun_run and mod.path not in self.node_run
        for imp in facts.imports:
            if imp.in_ambient:
                continue
            if bun and not imp.bindings and imp.carries_async(True):
                kind = EdgeKind.STATIC  # (Bun keeps `import {} from`, `export {} from`; tsc drops them)
            elif not imp.carries_async(mod.verbatim) or self._tsc_drops(mod, imp):
                kind = EdgeKind.ERASED
            elif cjs:
                # a CommonJS module's imports are compiled to require() (.cts, TS under "commonjs")
                kind = EdgeKind.REQUIRE
            else:
                kind = EdgeKind.STATIC
            if kind is EdgeKind.ERASED:
                edges.append(Edge(mod.path, None, kind, imp.specifier, imp.span,
                                  imp.specifier_span, imp))
                continue
            build = self.cjs_bundled.get(mod.path) if self.cjs_bundled else None
            if build is not None and not cjs and build.is_cjs and build.keeps_external(
                    imp.specifier, self._resolved_path(mod, imp.specifier) if build.tests_resolved else None):
                # tsup's CommonJS build leaves the package to a require() when it runs
                kind = EdgeKind.REQUIRE
                cjs_import = True
            else:
                cjs_import = False
            res = self._resolve(mod, imp.specifier, "require" if cjs or cjs_import else "import")
            if res.kind == "required":
                # a webpack external the bundle require()s when it runs
                kind = EdgeKind.REQUIRE
            edges.append(Edge(mod.path, res.path if res.kind == "file" or res.kind == "required" else None, kind,
                              imp.specifier, imp.span, imp.specifier_span, imp,
                              res.message or "" if res.kind == "unresolved" else None))
        for req in facts.requires:
            if req.erased(mod.verbatim or bun):  # (Bun keeps every `import x = require()` but a type one)
                continue
            res = self._resolve(mod, req.specifier, "require")
            edges.append(Edge(mod.path, res.path if res.kind == "file" or res.kind == "required" else None,
                              EdgeKind.REQUIRE,
                              req.specifier, req.span, req.specifier_span, req,
                              res.message or "" if res.kind == "unresolved" else None))
        for dyn in facts.dynamic_imports:
            if dyn.specifier is None:
                continue
            # (tsc under `module: commonjs` compiles import() to require())
            required = cjs and mod.path in self.tsc_cjs and not self.tsc_cjs[mod.path].keeps_import
            res = self._resolve(mod, dyn.specifier, "require" if required else "import", problem=True)
            # (webpack builds the import() of an external it require()s as a require() too)
            required = required or res.kind == "required"
            edges.append(Edge(mod.path, res.path if res.kind == "file" or res.kind == "required" else None,
                              EdgeKind.REQUIRE if required else EdgeKind.DYNAMIC,
                              dyn.specifier, dyn.span, dyn.specifier_span, dyn))
        here = os.path.dirname(mod.path)
        for glob in facts.globs:
            # one static import per file the patterns match (as Vite expands them); a file
            # that is not a module (an image, JSON) is an asset: nothing to wait for
            if cjs:
                continue
            for f in self.resolver.glob(glob.patterns, mod.path):
                if dialect_for_path(f) is None:
                    continue
                shown = os.path.relpath(f, here).replace(os.sep, "/")  # (the import Vite writes)
                edges.append(Edge(mod.path, Path(f), EdgeKind.STATIC,
                                  shown if shown.startswith("../") else "./" + shown,
                                  glob.span, glob.specifier_span, glob))
        return edges

    def _tsc_drops(self, mod: Module, imp: StaticImport) -> bool:
        """Does a whole-program tsc build of ``mod`` drop ``imp``, whose names are only types
        in the module they come from (project/reexports.py)? Asked only of a re-export with
        names, or an import whose only value uses are the file's own exports."""
        if not candidate_names(imp):
            return False
        p = mod.path
        if mod.verbatim or mod.facts.dialect not in (Dialect.TS, Dialect.TSX) or p in self.node_run or \
                p in self.tsx_run or p in self.cjs_bundled or p in self.cjs_transpiled or p in self.bun_run:
            return False  # (compiled file by file: kept)
        try:
            ts = self.resolver.tsc_program(p)
            return ts is not None and self.type_reexports.drops(mod, imp, ts)
        except RecursionError:  # (a re-export chain thousands of modules long: kept)
            return False

    def load(self, paths: Optional[Iterable[Path]] = None, progress: Optional[Progress] = None,
             cancelled: Callable[[], bool] = lambda: False, *,
             stream: Optional[Iterator[Path]] = None) -> set[Path]:
        """Load ``paths`` (default: every workspace file) and every module they reach that is
        not loaded yet. Does not recompute verdicts (call :meth:`recompute`). Returns the
        paths loaded."""
        # Loading makes hundreds of thousands of long-lived objects and no garbage cycles:
        # the cyclic collector would traverse them all again and again (a third of a warm
        # run at 20,000 modules). Reference counting still frees everything.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._load(paths, progress, cancelled, stream)
        finally:
            if collecting:
                gc.enable()

    def _load(self, paths: Optional[Iterable[Path]], progress: Optional[Progress],
              cancelled: Callable[[], bool], stream: Optional[Iterator[Path]] = None) -> set[Path]:
        seen: set[Path] = set()  # queued for loading
        following: dict[Path, None] = {}  # targets found for the next wave
        count = [0]  # files queued so far (for progress)
        if stream is not None:
            # the first wave as a file walk yields it: a file queued for the next wave as an
            # import's target is taken from there and loaded now
            def first() -> Iterator[Path]:
                for p in stream:
                    if p in self.modules:
                        continue
                    if p in seen:
                        if following.pop(p, _ABSENT) is _ABSENT:
                            continue  # queued in this wave already
                    else:
                        seen.add(p)
                    count[0] += 1
                    yield p
            wave: Iterable[Path] = first()
        else:
            if paths is None:
                paths = sorted(self.workspace_files, key=path_order)
            wave = [p for p in dict.fromkeys(paths) if p not in self.modules]
            seen.update(wave)
            count[0] = len(wave)
        loaded: set[Path] = set()
        done = 0
        # in waves: the given files, then the files they reach, then the files those reach...
        while not cancelled():
            for path, prepared in self._prepare(wave):
                mod = self._make_module(path, prepared)
                done += 1
                if progress is not None:
                    progress(done, max(count[0], done))
                if mod is None:
                    continue
                self.modules[path] = mod
                loaded.add(path)
                for e in mod.edges:
                    t = e.target
                    if t is not None and t not in seen and t not in self.modules and _loadable(t):
                        seen.add(t)
                        following[t] = None
            if not following:
                break
            wave = list(following)
            following.clear()
            count[0] += len(wave)
        if loaded:
            self.graph.index_edges()
            self._unverdicted = True
        return loaded

    def recompute(self, cycles: bool = True, entries: bool = True) -> set[Path]:
        """Recompute verdicts (and, unless told they cannot have changed, cycles and entries);
        return the modules whose verdict or chain root changed."""
        pkg_dirs = self._package_dirs()
        self.node_entries = self._find_node_entries(pkg_dirs)
        self.cjs_entries = self._find_cjs_entries(pkg_dirs)
        self.runner_tests = self._find_runner_tests(pkg_dirs)
        if self._settle_all():
            cycles = entries = True
            pkg_dirs = self._package_dirs()  # (modules loaded: maybe in other packages)
        inf = self.infection
        old_root, old_distance = inf.root, inf.distance
        tla = [p for p, m in self.modules.items() if m.has_tla]
        importers = self.graph.importers
        inf.assign(infect(tla, importers))
        if self.reportable is not inf:
            self.reportable.assign(infect(tla, importers, self.is_allowed_async))
        if cycles:
            self.cycles = components(*self.graph.numbered_successors())
            self.cycle_of = {p: comp for comp in self.cycles for p in comp}
        self._verdicts_changed(entries, pkg_dirs)
        self._unverdicted = False
        self.rederived = len(self.modules)
        return {p for p in old_distance.keys() | inf.distance.keys()
                if (old_root.get(p), old_distance.get(p)) != (inf.root.get(p), inf.distance.get(p))}

    def _verdicts_changed(self, entries: bool, pkg_dirs: Optional[list[Path]] = None) -> None:
        if entries:
            self.entries = self._find_entries(self._package_dirs() if pkg_dirs is None else pkg_dirs)
        self.version += 1
        self.generation += 1
        self._findings = None
        self._infected.clear()

    def _rederive(self, changed: set[Path], local: set[Path], removed: set[Path],
                  cycles: bool, entries: bool) -> set[Path]:
        """Re-derive the verdicts (and, if ``cycles``, the import cycles) of the modules that
        reach a ``changed`` one (whose TLA-ness or evaluation edges changed, or new), and of the
        ``local`` ones (new edges, same TLA-ness and evaluation targets: only their own chain
        can change); ``removed`` modules left the graph. Return the modules whose verdict or
        chain root or distance changed."""
        importers = self.graph.importers
        mods = self.modules
        closure = reach_back_all((p for p in changed if p in mods), importers)
        region = closure | {p for p in local if p in mods}
        inf = self.infection
        tla = [p for p in region if mods[p].has_tla]
        edges_of = self.graph.evaluation_edges
        old = reinfect(inf, region, tla, importers, edges_of)
        if self.reportable is not inf:
            reinfect(self.reportable, region, tla, importers, edges_of, self.is_allowed_async)
        for p in removed:
            if p not in mods:
                old[p] = (inf.root.pop(p, None), inf.distance.pop(p, None))
                inf.via.pop(p, None)
                if self.reportable is not inf:
                    for d in (self.reportable.root, self.reportable.distance, self.reportable.via):
                        d.pop(p, None)
        if cycles:
            # a cycle through a module of the closure lies in it (its members reach that
            # module); the cycles outside it, and their members, are the same as before
            dropped: dict[int, list[Path]] = {}
            for p in closure | removed:
                c = self.cycle_of.get(p)
                if c is not None:
                    dropped[id(c)] = c
            kept = [c for c in self.cycles if id(c) not in dropped] if dropped else self.cycles
            for c in dropped.values():
                for p in c:
                    self.cycle_of.pop(p, None)
            found = strongly_connected(closure, self.graph.successors(closure))
            for c in found:
                for p in c:
                    self.cycle_of[p] = c
            self.cycles = sorted(kept + found, key=lambda c: path_order(c[0])) if found else kept
        self._verdicts_changed(entries)
        self.rederived = len(region)
        return {p for p, (root, dist) in old.items()
                if (root, dist) != (inf.root.get(p), inf.distance.get(p))}

    def _find_entries(self, pkg_dirs: list[Path]) -> dict[Path, str]:
        entries: dict[Path, str] = {}
        if self.config.entries:
            m = Matcher(self.root, self.config.entries)
            for path, mod in self.modules.items():
                if mod.workspace and m.matches(path):
                    entries[path] = "configured entry point"
        metro: dict[str, list[Path]] = {}  # the entries of the React Native apps, by package folder
        for f, build in self.cjs_entries.items():
            if build.tool == "Metro":
                metro.setdefault(build.package_dir, []).append(f)
            elif build.tool == "Angular" and build.config is not None:
                mod = self.modules.get(f)
                if mod is not None and mod.workspace and f not in entries:
                    entries[f] = (f"entry of the Angular app `{build.script.rpartition(':')[0]}` "
                                  f"({self.graph.rel(Path(build.config))})")
        for f in self.config_required:
            mod = self.modules.get(f)
            if mod is not None and mod.workspace and f not in entries:
                entries[f] = f"configuration of Next.js ({self.graph.rel(f)})"
        if self.root not in pkg_dirs and (self.root / "index.html").is_file():
            # a buildless app (no package.json): its page starts it all the same
            self._page_entries(self.root, entries)
        for pkg_dir in pkg_dirs:
            manifest = self.resolver.package_json_for(pkg_dir / "package.json")
            name = manifest[1].get("name") if manifest is not None and manifest[0] == pkg_dir else None
            rel = self.graph.rel(pkg_dir / "package.json")
            what = f"public entry of package `{name}` ({rel})" if isinstance(name, str) and name \
                else f"public entry of the package of {rel}"
            # (an app Metro bundles: its entry starts it, nobody imports it)
            for f in metro.get(str(pkg_dir), ()):
                mod = self.modules.get(f)
                if mod is not None and mod.workspace and f not in entries:
                    entries[f] = f"entry of the React Native app of {rel}"
            for f in self.resolver.package_entries(pkg_dir, bins=False):
                mod = self.modules.get(f)
                if mod is not None and mod.workspace and f not in entries:
                    entries[f] = what
            # its commands (`bin`): programs a shell starts, not modules a consumer imports
            bin_field = manifest[1].get("bin") if manifest is not None and manifest[0] == pkg_dir else None
            for command, file in bin_files(bin_field, str(pkg_dir)):
                f = Path(os.path.realpath(file))
                mod = self.modules.get(f)
                if mod is not None and mod.workspace and f not in entries:
                    cmd = name if isinstance(bin_field, str) and isinstance(name, str) and name else command
                    entries[f] = f"command `{cmd.rsplit('/', 1)[-1]}` of {rel} (`bin`)"
            # what a Vite or webpack configuration there builds from
            found, _ = self.resolver.bundler_entries(pkg_dir)
            for f, label in found:
                mod = self.modules.get(f)
                if mod is not None and mod.workspace and f not in entries:
                    entries[f] = label
            self._page_entries(pkg_dir, entries)
        return entries

    def _page_entries(self, folder: Path, entries: dict[Path, str]) -> None:
        """A web app's page (Vite's index.html, a buildless app's): its module scripts, and the
        modules its inline module scripts import, start the app."""
        html = folder / "index.html"
        for f, inline in self.resolver.page_script_entries(html, folder):
            mod = self.modules.get(f)
            if mod is not None and mod.workspace and f not in entries:
                entries[f] = (f"module imported by an inline module script of {self.graph.rel(html)}" if inline
                              else f"module script of {self.graph.rel(html)}")

    # -- updates -----------------------------------------------------------------------------
    def set_overlay(self, path: Path, data: Optional[bytes], edits: Optional[list] = None) -> Change:
        """An editor buffer's text (``None``: the buffer closed, the disk is the truth again).
        ``edits`` (syntax.TreeEdit, in order) say how it changed since the last call, so its
        syntax tree is re-parsed incrementally; without them it is parsed afresh."""
        if data is None:
            self.overlays.pop(path, None)
            self.trees.pop(path, None)
            if path in self.modules and not os.path.lexists(path):
                # deleted on disk while open (its watcher event may come later, or never): its
                # importers no longer resolve to it
                return self.files_changed([path])
        else:
            self.overlays[path] = data
            tree = self.trees.get(path)
            if tree is not None and edits is not None:
                edit_tree(tree, edits)
            else:
                self.trees.pop(path, None)
        return self._reload([path])

    def files_changed(self, paths: Iterable[Path]) -> Change:
        """Files created, changed or deleted on disk (a watcher's batch: a `git checkout` may
        bring hundreds). Config files (package.json, tsconfig/jsconfig, .gitignore)
        re-resolve everything they may govern."""
        paths = [Path(p) for p in paths]
        sources: list[Path] = []
        structural = False
        rediscover = False
        for p in paths:
            # (asked before the resolver forgets it)
            import_map = self.resolver.is_import_map(p) or self.resolver.page_with_import_map(p)
            self.resolver.invalidate(p)
            if import_map:
                structural = True  # an import map (named by deno.json, in an HTML page) may have changed
                continue
            if _is_config_file(p):
                structural = True
                rediscover = rediscover or p.name in (".gitignore", "package.json")
                continue
            if p.name in PNP_MANIFESTS or p.name == "deno.lock":
                structural = True  # a `yarn install` or `deno install`: packages may be anywhere now
                continue
            if p.name in BUNDLER_CONFIGS or p.name in BABEL_CONFIGS:
                structural = True  # its resolve.alias (babel-plugin-module-resolver's) may send imports anywhere
            if p.name in _BUILD_NAMES or (
                    dialect_for_path(p) is None and Path(os.path.realpath(p)) in self.build_scripts):
                structural = True  # which builds tsup (Babel, Jest, Nx) makes, and what they keep external
                if dialect_for_path(p) is None:
                    continue
            if dialect_for_path(p) is None:
                if not p.suffix:  # maybe a folder: created/deleted trees
                    structural = rediscover = True
                continue
            exists = p.exists()
            known = p in self.modules
            if exists != known:
                structural = True  # created or deleted: resolution may change anywhere
            sources.append(p)
        if rediscover:
            self.discover()
        else:
            for p in sources:
                if p.exists() and self._discoverable(p):
                    self.workspace_files.add(p.resolve())
                elif not p.exists() and p not in self.overlays:  # open buffers win
                    self.workspace_files.discard(p)
        if structural:
            return self._rebuild_edges(set(sources))
        return self._reload(sources)

    def _discoverable(self, path: Path) -> bool:
        try:
            rel = path.resolve().relative_to(self.root)
        except ValueError:
            return False
        if any(part in self.config.skip_dirs for part in rel.parts[:-1]):
            return False
        include = Matcher(self.root, self.config.include)
        exclude = Matcher(self.root, self.config.exclude)
        if include and not include.matches(path):
            return False
        return not (exclude and exclude.matches(path))

    def set_config(self, config: Config) -> Change:
        """New settings: everything is re-read with them (open buffers are kept)."""
        self.config = config
        self._reset()
        self.discover()
        try:
            self.load()
        finally:
            self.close_workers()
        self.recompute()
        return Change(graph=True, verdicts=set(self.modules), files=set(self.modules))

    def _reload(self, paths: Iterable[Path]) -> Change:
        paths = list(paths)
        self.generation += 1
        change = Change()
        # modules loaded since the last recompute() have no verdicts yet: recompute them all
        unverdicted = self._unverdicted
        graph_dirty = False
        cycles_dirty = False
        full_index = False
        changed: set[Path] = set()   # TLA-ness or evaluation edges changed, or new
        local: set[Path] = set()     # new Edge objects, same TLA-ness and evaluation targets
        removed: set[Path] = set()
        # modules whose tsc re-export decisions read these files' exports: their edges again
        readers = self.type_reexports.forget(paths) if self.type_reexports.readers else set()
        for path in paths:
            old = self.modules.get(path)
            new = self._make_module(path)
            change.files.add(path)
            if new is None:
                if old is not None:
                    # its importers' evaluation edges lead nowhere now
                    changed.update(e.source for e in self.graph.importers.get(path, ()))
                    del self.modules[path]
                    self.graph.replace_edges(path, old.edges, [], present=False)
                    removed.add(path)
                    graph_dirty = cycles_dirty = True
                continue
            if old is not None and _signature(old) == _signature(new):
                # same graph: keep the Edge objects (the indexes and chains hold them), move spans
                for o, n in zip(old.edges, new.edges):
                    o.span, o.specifier_span, o.fact = n.span, n.specifier_span, n.fact
                new.edges = old.edges
                self.modules[path] = new
                self._findings = None
                # (a file changed on disk whose old lines were never needed: its old bytes
                # are gone, so count its positions as moved)
                if new.is_async and ((old.data is None and old._lines is None)
                                     or _quoted_lines(old) != _quoted_lines(new)):
                    change.moved = True
                continue
            self.modules[path] = new
            removed.discard(path)
            graph_dirty = True
            loaded: set[Path] = set()
            for e in new.edges:
                if e.target is not None and e.target not in self.modules:
                    loaded |= self.load([e.target])  # re-indexes everything
            changed |= loaded
            if old is None:
                # a module new to the graph: other modules' edges may point at it now
                full_index = cycles_dirty = True
                changed.add(path)
                continue
            if not loaded:
                # only this module's edges changed: update the reverse index in place
                self.graph.replace_edges(path, old.edges, new.edges, present=True)
            if loaded or evaluation_targets(old) != evaluation_targets(new):
                cycles_dirty = True
                changed.add(path)
            elif old.has_tla != new.has_tla:
                changed.add(path)
            else:
                local.add(path)
        for path in sorted(readers.difference(paths), key=path_order):
            mod = self.modules.get(path)
            if mod is None:
                continue
            old_edges, new_edges = mod.edges, self._edges_of(mod)
            if [(e.kind, e.target) for e in old_edges] == [(e.kind, e.target) for e in new_edges]:
                continue
            mod.edges = new_edges
            graph_dirty = cycles_dirty = True
            changed.add(path)
            loaded = set()
            for e in new_edges:
                if e.target is not None and e.target not in self.modules and _loadable(e.target):
                    loaded |= self.load([e.target])  # re-indexes everything
            changed |= loaded
            if not loaded:
                self.graph.replace_edges(path, old_edges, new_edges, present=True)
        builds_changed = self._build_scripts_changed(paths)
        if graph_dirty:
            if full_index:
                self.graph.index_edges()
            if self._settle_all() or builds_changed:
                unverdicted = True  # (which files Node runs or tsup bundles changed: their imports too)
            if unverdicted:
                change.verdicts = self.recompute(cycles=True, entries=True)
            else:
                change.verdicts = self._rederive(changed, local, removed, cycles=cycles_dirty,
                                                 entries=full_index)
            self._unverdicted = False
            change.graph = True
        elif builds_changed or self.bin_files.intersection(paths) and self._bin_runs_changed() or \
                self.config_native and self._settle_native_configs():
            # a `bin` file's `#!` line now runs it with node, or no longer does (or now with hooks);
            # TypeScript Node's type stripping refuses typed into (or out of) next.config.ts, or a
            # file it loads, under Next.js's flag: Next.js falls back to SWC's CommonJS (or no longer)
            change.verdicts = self.recompute()
            change.graph = True
        return change

    def _bin_runs_changed(self) -> bool:
        """Do the files Node runs (or runs without resolution hooks) differ from what the
        last recompute found?"""
        plain, bun, conds = self.node_plain, self.bun_entries, self.node_conditions
        return self._find_node_entries(self._package_dirs()) != self.node_entries or self.node_plain != plain or \
            self.bun_entries != bun or self.node_conditions != conds

    def _build_scripts_changed(self, paths: list[Path]) -> bool:
        """Has a build's configuration (tsup's, Vite's, Rollup's; a script an npm script runs
        with node or tsx that calls esbuild's API, or did) changed the builds it makes?
        (:attr:`cjs_entries` is then brought up to date.) Asked on every keystroke: nothing to
        look at in a project without such files."""
        if not self.build_scripts and not self.node_entries and not self.tsx_entries:
            return False
        fs = self.resolver.fs
        for p in paths:
            real = Path(fs.realpath(os.path.abspath(p)))
            if real in self.build_scripts or (real in self.node_entries or real in self.tsx_entries) and \
                    "esbuild" in (fs.read_text(str(real)) or ""):
                break
        else:
            return False
        pkg_dirs = self._package_dirs()
        found, tests = self._find_cjs_entries(pkg_dirs), self._find_runner_tests(pkg_dirs)
        if found == self.cjs_entries and tests == self.runner_tests:
            return False
        self.cjs_entries, self.runner_tests = found, tests
        return True

    def _rebuild_edges(self, sources: set[Path]) -> Change:
        """Re-resolve every edge (after files appeared or vanished, or a config changed)."""
        self.type_reexports.clear()
        for path in [p for p in self.modules if EXTERNAL in str(p)]:
            del self.modules[path]  # (made again from the configurations as they are now)
        for path in sources:
            # re-read below (or gone): a batch may change some files and create others
            self.modules.pop(path, None)
        for path in list(self.modules):
            if path in sources:
                continue
            mod = self.modules[path]
            fmt = self._format(path, mod.facts)
            verbatim = mod.verbatim
            if mod.facts.dialect.is_typescript or mod.facts.dialect is Dialect.VUE:
                verbatim = self._verbatim(path, mod.facts.dialect)
            mod.format, mod.verbatim = fmt, verbatim
            mod.workspace = path in self.workspace_files
            mod.edges = self._edges_of(mod)
        self.load([p for p in sources if _exists(p) or p in self.overlays])
        self.load()  # new workspace files
        # targets the re-resolved edges reach now (an import no longer erased, a new mapping)
        self.load(sorted({e.target for m in self.modules.values() for e in m.edges
                          if e.target is not None and e.target not in self.modules
                          and _loadable(e.target)}))
        for path in [p for p in self.modules if not _exists(p) and p not in self.overlays]:
            del self.modules[path]
        self.graph.index_edges()
        verdicts = self.recompute()
        return Change(graph=True, verdicts=verdicts, files=set(sources))


# The CLI's name for an analysed project.
Analysis = Project


def analyse(root: Path, config: Optional[Config] = None, *,
            files: Optional[list[Path]] = None,
            progress: Optional[Progress] = None,
            cache: bool = False, jobs: int = 1) -> Project:
    """Analyse the workspace at ``root`` (or only ``files`` in it, with what they import).
    ``cache``: use the persistent facts cache; ``jobs``: processes for extracting facts."""
    started = time.time()
    facts_cache = FactsCache(root.resolve()) if cache else None
    if facts_cache is not None:
        facts_cache.defer = True  # written at the end, while the caller reports
    project = Project(root, config, cache=facts_cache, jobs=jobs)
    # what the resolver found last time, if no folder it looked into has changed since
    state_name = "resolver:" + ",".join(project.resolver.conditions)
    saved = facts_cache.get_state(state_name) if facts_cache is not None else None
    reused = saved is not None and project.resolver.import_state(saved)
    project.resolutions_reused = reused
    resolved = project.resolver.memo_size()
    try:
        if files is None:
            project.discover_and_load(progress=progress)
        else:
            project.set_workspace_files(files)
            project.load(progress=progress)
    finally:
        project.close_workers()
    project.recompute()
    if facts_cache is not None and not (reused and project.resolver.memo_size() == resolved):
        state = project.resolver.export_state(since=started)
        if state is not None:
            facts_cache.put_state(state_name, state)
    if facts_cache is not None:
        if facts_cache.problem:
            project.discovery_problems.append(Problem(facts_cache.path, facts_cache.problem))
        facts_cache.close(wait=False)  # (cache.wait_for_writes() waits for it)
    return project
