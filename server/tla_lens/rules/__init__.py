"""rules: verdicts -> Findings (plain data shared by the CLI and the language server).

Codes (stable): async-import, require-async, top-level-await, async-cycle, async-entry,
unresolved-import.
Findings are only made in workspace files (never in node_modules); dependencies appear as causes.
Modules matched by ``allowAsync`` are async on purpose: they produce no findings, and modules
that are async only through them produce none either (the "reportable" infection).
A ``// tla-lens-ignore-next-line [code ...] [-- reason]`` comment drops findings on the next line.
"""
from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Optional

from ..resolve import denocache, denoremote
from ..resolve.resolver import split_external
from ..syntax.facts import DynamicImport, ImportPhase, RequireKind, Span, StatementKind, StaticImport, TlaKind
from ..project.graph import Edge, EdgeKind, Module

if TYPE_CHECKING:
    from ..project import Project

DOCS_DIR = Path(__file__).resolve().parent.parent / "docs"


def docs_url(code: str) -> str:
    """The documentation page shipped with the package for ``code`` (a file: URI)."""
    return (DOCS_DIR / f"{code}.md").as_uri()


@dataclass(frozen=True)
class Related:
    path: Path
    span: Span
    message: str


@dataclass
class Finding:
    path: Path
    span: Span
    code: str
    severity: str
    message: str
    related: list[Related] = field(default_factory=list)
    # the module the finding is about (the imported / required module), when there is one
    target: Optional[Path] = None


def display(target: Path, from_file: Path) -> str:
    """How a module is named in a message written in ``from_file``: a relative path
    (``./db.js``, ``../lib/x.ts``) or, inside node_modules, the package path (``pkg/dist/x.js``),
    inside Deno's cache the package, its version and the path (``npm:pkg@1.0.0/x.js``,
    ``jsr:@std/path@1.0.8/mod.ts``)."""
    external = split_external(target)
    if external is not None:
        return external[1]  # (an async webpack external: its request)
    parts = target.parts
    cached = denocache.package_of(str(target), denocache.deno_dirs_now()) if "npm" in parts else None
    if cached is not None:
        return f"npm:{cached[0]}@{cached[1]}/" + os.path.relpath(target, cached[2]).replace(os.sep, "/")
    package = denoremote.split(str(target)) if "remote" in parts else None
    if package is not None:
        return f"jsr:{package[1]}@{package[2]}/{package[3]}"
    url = denoremote.url_of(str(target)) if "remote" in parts else None
    if url is not None:
        return url
    if "node_modules" in parts:
        i = len(parts) - 1 - parts[::-1].index("node_modules")
        return "/".join(parts[i + 1:])
    if os.sep == "/":
        # both absolute and normal: the relative path from the common folder, by string
        t, f = str(target).split("/"), str(from_file).split("/")[:-1]
        common = 0
        for a, b in zip(t, f):
            if a != b:
                break
            common += 1
        up = len(f) - common
        rel = "../" * up + "/".join(t[common:])
    else:
        rel = os.path.relpath(target, from_file.parent).replace(os.sep, "/")
    return rel if rel.startswith("../") else "./" + rel


_TLA_WORDS = {"await": "top-level await", "for-await": "top-level `for await`",
              "await-using": "top-level `await using`"}


MAX_HOPS = 12  # hops of a chain listed as related information


def _tla_line(mod: Module) -> int:
    return mod.line_of(mod.tla[0].keyword.start)


WASM_WHY = "WebAssembly, which the bundler loads asynchronously (webpack's experiments.asyncWebAssembly, or vite-plugin-wasm)"


def is_wasm(mod: Module) -> bool:
    """Is ``mod`` async for being a `.wasm` module the bundler loads asynchronously (not for an
    await of its own)?"""
    return bool(mod.tla) and mod.tla[0].kind is TlaKind.ASYNC_WASM


def is_external(mod: Module) -> bool:
    """Is ``mod`` an async webpack external (a module the bundle loads from outside)?"""
    return bool(mod.tla) and mod.tla[0].kind is TlaKind.ASYNC_EXTERNAL


def is_synthetic(mod: Module) -> bool:
    """Is ``mod`` async for what the bundler makes of it, not for an await in its code?"""
    return is_wasm(mod) or is_external(mod)


def synthetic_why(mod: Module) -> str:
    """What a synthetic async module is: "WebAssembly, which the bundler loads …", "a webpack
    external of type `import` (webpack.config.js, line 12), which webpack loads …"."""
    return (mod.why or "a webpack external") if is_external(mod) else WASM_WHY


def external_request(mod: Module) -> str:
    """The request an async webpack external's module stands for."""
    parts = split_external(mod.path)
    return parts[1] if parts is not None else ""


def root_phrase(mod: Module) -> str:
    """What makes ``mod`` async on its own, for a parenthesis: "top-level await at line 6"
    (`for await`, `await using`), "WebAssembly the bundler loads asynchronously", "a webpack
    external loaded asynchronously"."""
    if is_wasm(mod):
        return "WebAssembly the bundler loads asynchronously"
    if is_external(mod):
        return "a webpack external loaded asynchronously"
    return f"{_TLA_WORDS.get(mod.tla[0].kind.value, 'top-level await')} at line {_tla_line(mod)}"


def has_phrase(mod: Module) -> str:
    """The same after the module's name: "has a top-level await at line 6", "is WebAssembly,
    which the bundler loads asynchronously (…)"."""
    return f"is {synthetic_why(mod)}" if is_synthetic(mod) else f"has a {root_phrase(mod)}"


class _Rules:
    def __init__(self, analysis: "Project") -> None:
        self.a = analysis
        self.graph = analysis.graph
        self.config = analysis.config
        self.out: list[Finding] = []

    # -- helpers -------------------------------------------------------------------------
    def mod(self, path: Path) -> Module:
        return self.graph.modules[path]

    def cause(self, target: Path, from_file: Path, reportable: bool = True) -> str:
        """How ``target`` came to be async, worded from ``from_file``: "because of `./db.js`
        (top-level await at line 6)", or "it has a top-level await at line 6"."""
        inf = self.a.reportable if reportable else self.a.infection
        root = inf.root_of(target) or self.a.infection.root_of(target)
        assert root is not None
        rmod = self.mod(root)
        if root == target:
            return f"it {has_phrase(rmod)}"
        return f"because of `{display(root, from_file)}` ({root_phrase(rmod)})"

    def chain_related(self, start: Path, reportable: bool = True) -> list[Related]:
        """Each hop from ``start`` down to the await, as related locations (a long chain is
        cut after MAX_HOPS hops, then the await)."""
        inf = self.a.reportable if reportable else self.a.infection
        out: list[Related] = []
        node = start
        for edge in inf.edges(start, limit=MAX_HOPS):
            tgt = edge.target
            assert tgt is not None
            out.append(Related(edge.source, edge.span,
                               f"`{self.graph.rel(edge.source)}` imports `{edge.specifier}`"))
            node = tgt
        root = inf.root_of(start)
        if root is not None and root != node:
            skipped = inf.distance[node] - 1
            if skipped > 0:
                out[-1] = Related(out[-1].path, out[-1].span,
                                  out[-1].message + f" (… {skipped} more hop{'s' if skipped != 1 else ''})")
            node = root
        mod = self.mod(node)
        if is_external(mod):
            out.append(Related(node, mod.tla[0].keyword, f"`{external_request(mod)}`: {synthetic_why(mod)}"))
        elif is_wasm(mod):
            out.append(Related(node, mod.tla[0].keyword, f"`{self.graph.rel(node)}`: {WASM_WHY}"))
        elif mod.tla:
            site = mod.tla[0]
            out.append(Related(node, site.keyword,
                               f"top-level await in `{self.graph.rel(node)}` (line {_tla_line(mod)})"))
        return out

    def add(self, mod: Module, span: Span, code: str, message: str,
            related: Optional[list[Related]] = None, target: Optional[Path] = None,
            fails: bool = False) -> None:
        """``fails``: the finding says a build, a compiler or a test run fails on it: an error
        whatever the code's severity (unless the code is off)."""
        severity = self.config.severity_of(code)
        if severity == "off":
            return
        if fails:
            severity = "error"
        line = mod.lines.line_of(span.start)
        for sup in mod.facts.suppressions:
            if sup.line + 1 == line and (not sup.codes or code in sup.codes):
                return
        self.out.append(Finding(mod.path, span, code, severity, message, related or [], target))

    def infected(self, tla_module: Path) -> dict[Path, int]:
        return self.a.infected_by(tla_module)

    def allowed(self, path: Path) -> bool:
        return self.a.is_allowed_async(path)

    # -- rules ---------------------------------------------------------------------------
    def for_module(self, path: Path) -> list[Finding]:
        self.out = []
        mod = self.graph.modules.get(path)
        if mod is None or not mod.workspace or self.allowed(path):
            return []
        reportable = self.a.reportable.distance  # (the async modules: is_async, inlined)
        root_of = self.a.reportable.root.get  # (the top-level await each one is nearest to)
        static, require = EdgeKind.STATIC, EdgeKind.REQUIRE
        # (a configuration its tool loads with import(): nothing waits for it; one it require()s:
        # its entry finding says what fails)
        loading = self.a.config_loading(path)
        compiled = bool(self.a.config_required) and path in self.a.config_compiled()
        required = loading is not None and loading[0] == "require()" or compiled
        run = self.a.runner_tests.get(path) if self.a.runner_tests else None
        # (`jest.mock` replaces modules for a test file Jest loads as CommonJS only: in an ES
        # module, the imports are loaded before it runs)
        mocked = self.a.jest_mocked(path) if run is not None and run.tool == "Jest" and \
            self.a.runner_loads_cjs(path, run) else set()
        glob = self.a.jest_global.get(path) if self.a.jest_global else None
        global_failure = self.a.jest_global_failure(path) if glob is not None else None
        for edge in mod.edges:
            target = edge.target
            if global_failure is not None and edge is global_failure[0]:
                self.jest_global_import(mod, edge, glob, global_failure[1])
                continue
            if run is not None and edge.kind is static:
                loaded = self.a.runner_target(edge, run)
                if loaded is not None and self.a.infection.is_async(loaded) and \
                        self.runner_import(mod, edge, run, mocked, loaded):
                    continue
                if target is None and loaded is not None:
                    continue  # (Jest's moduleNameMapper finds the module: not unresolved where it runs)
            if target is None:
                if edge.unresolved is not None:
                    self.unresolved_import(mod, edge)
                continue
            if edge.kind is static:
                # Nothing to say where the import cannot be what makes this module async: an
                # import of itself, or (in a cycle) of a module that is async because of this
                # module's own top-level await — the async-cycle finding says what the cycle does.
                if target in reportable and target != path and root_of(target) != path:
                    if compiled:  # (a file next.config.ts loads: SWC makes this import a require())
                        self.config_dynamic_import(mod, edge)
                    elif loading is None:  # (a configuration its tool loads itself: see above)
                        self.async_import(mod, edge)
                elif (self.a.resolver.required_seen or self.a.cjs_bundled) and \
                        not getattr(self.graph.modules.get(target), "workspace", True):
                    inner = self.a.bundled_throw(target)
                    if inner is not None:
                        self.bundled_throw(mod, edge, inner)
            elif edge.kind is require and self.a.infection.is_async(target):
                self.require_async(mod, edge)
            elif required and edge.kind is EdgeKind.DYNAMIC and self.a.infection.is_async(target):
                self.config_dynamic_import(mod, edge)
        if mod.tla:
            self.top_level_await(mod)
        elif mod.format == "cjs" and mod.facts.has_tla and path in self.a.tsc_cjs:
            self.compiled_tla(mod, self.a.tsc_cjs[path])
        comp = self.a.cycle_of.get(path)
        if comp is not None:
            self.async_cycle(mod, comp)
        if path in self.a.entries:
            self.async_entry(mod, self.a.entries[path])
        if len(self.out) > 1:
            self.out.sort(key=_finding_order)
        return self.out

    def async_import(self, mod: Module, edge: Edge) -> None:
        target = edge.target
        assert target is not None
        imp = edge.fact
        reexport = isinstance(imp, StaticImport) and imp.kind is StatementKind.EXPORT
        verb = "re-exports" if reexport else "imports"
        cause = self.cause(target, mod.path)
        sep = ": " if cause.startswith(("it has", "it is")) else " "
        msg = f"`{edge.specifier}` is an async module{sep}{cause}"
        msg += " (re-exported here)" if reexport else ""
        msg += ", so this module waits for it and is async too"
        if reexport and self.a.type_reexports.only_types(mod, imp):
            names = [b.imported for b in imp.bindings]
            shown = ", ".join(f"`{n}`" for n in names)
            msg += (f"; {shown} {'is only a type' if len(names) == 1 else 'are only types'} there: "
                    f"`export type {{ … }}` says so, and no compiler keeps it")
        elif isinstance(imp, StaticImport) and not reexport and any(b.reexported for b in imp.bindings):
            names = self.a.type_reexports.reexported_types(mod, imp)
            if names:
                shown = ", ".join(f"`{n}`" for n in names)
                msg += (f"; {shown} {'is only a type' if len(names) == 1 else 'are only types'} there, re-exported "
                        f"here: `import type` with `export {{ type … }}` says so, and no compiler keeps it")
        if isinstance(imp, StaticImport) and imp.phase is ImportPhase.DEFER:
            msg += "; `import defer` still evaluates top-level awaits eagerly"
        node_run = self.a.kept_by_node(edge)
        if node_run is not None:
            msg += (f" (Node runs this file by type stripping, from {node_run}, which keeps every "
                    f"import as written; TypeScript would drop this one, which uses no value of the module)")
        bun = self.a.kept_by_bun(edge)
        if bun is not None:
            msg += (f" (Bun runs this file, from {bun}, and keeps an import that names nothing as "
                    f"`import \"{edge.specifier}\"`; TypeScript would drop it)")
        build = self.a.cjs_bundled.get(target) if self.a.cjs_bundled else None
        # (an importer the build bundles too: another module's import is not why the build fails;
        # a dev server's pre-bundling takes the packages alone)
        fails = build is not None and bool(build.refuses_tla) and not self.graph.modules[target].workspace and \
            (build.packages_only or self.a.cjs_bundled.get(mod.path) is not None)
        if fails:
            # (a package the build bundles, its top-level await with it: reported nowhere else)
            msg += self._build_fails(build, f"`{edge.specifier}` with its top-level await")
        related = [Related(edge.source, edge.span, f"`{self.graph.rel(mod.path)}` {verb} `{edge.specifier}`")]
        related += self.chain_related(target)
        self.add(mod, edge.span, "async-import", msg, related, target, fails=fails)

    def jest_global_import(self, mod: Module, edge: Edge, glob, awaits: Path) -> None:
        """An import of a Jest global setup (or teardown) file that brings in a top-level await
        of the project's, which Jest's transform compiles into CommonJS with it
        (:meth:`Project.jest_global_failure`): the run fails before any test runs."""
        run, option = glob[0], glob[1]
        rel = self.graph.rel(Path(run.package_dir) / "package.json")
        target = edge.target
        assert target is not None
        why = self.async_why(target, mod.path) if self.a.infection.is_async(target) else \
            f"(it loads {self.graph.rel(awaits)}, which has a top-level await)"
        msg = (f"Jest (script `{run.script}` of {rel}) loads this file (`{option}`) in its own process, its "
               f"transform compiling it and the project's files it loads into CommonJS: `{edge.specifier}` "
               f"is an async module {why}, and a top-level await does not compile as CommonJS (\"await is only valid "
               f"in async functions and the top level bodies of modules\"), so {_global_outcome(option)}; "
               f"move the await into a function, or make this file an ES module Node loads itself (`.mjs`)")
        related = [Related(edge.source, edge.span, f"`{self.graph.rel(mod.path)}` imports `{edge.specifier}`")]
        related += self.chain_related(target)
        self.add(mod, edge.span, "require-async", msg, related, target, fails=True)

    def runner_import(self, mod: Module, edge: Edge, run, mocked: set, target: Path) -> bool:
        """A test file Jest runs imports an async module whose top-level await is the
        project's, and Jest loads a module of the way as CommonJS (every one, outside its ES
        module mode): the test file fails to run — a top-level await does not compile as
        CommonJS, and require() of an ES module whose graph waits throws
        ERR_REQUIRE_ASYNC_MODULE. False where the chain is mocked, ends in a package (Jest
        fails on a package's ES module syntax anyway), or loads as in Node. ``target``: the
        module Jest loads for the import (through its `moduleNameMapper`)."""
        chain = [target, *self.a.infection.chain(target)]
        root = chain[-1]
        # (Playwright leaves a package to Node, whose require() of an async one throws; Jest
        # fails on a package's ES module syntax anyway)
        if mocked.intersection(chain) or (
                run.tool != "Playwright" and not getattr(self.graph.modules.get(root), "workspace", False)):
            return False
        failure = self.a.runner_failure(mod.path, edge, run)
        if failure is None:
            return False
        rel = self.graph.rel(Path(run.package_dir) / "package.json")
        why = self.async_why(target, mod.path)
        if target != edge.target:
            why = f"(`moduleNameMapper` maps it to `{self.graph.rel(target)}`) {why}"
        kind, culprit, required = failure
        jest = f"Jest (script `{run.script}` of {rel})"
        role = self.a.runner_role(mod.path)  # (a setup file fails every test file of the run)
        fails = "the test file fails to run" if role == "this test file" else \
            "every test file of the run fails to run (Jest loads this file before each)"
        if run.tool == "Playwright" and kind == "require":
            msg = self._playwright_require(mod, edge, run, rel, why, culprit, required, role)
        elif run.tool == "Playwright":
            msg = self._playwright_failure(mod, edge, run, rel, why, culprit, required, role)
        elif not run.esm:
            msg = (f"{jest} runs {role} as CommonJS (no `--experimental-vm-modules`): this import becomes "
                   f"`require(\"{edge.specifier}\")`, and `{edge.specifier}` is an async module {why}; a top-level "
                   f"await does not compile as CommonJS (\"await is only valid in async functions and the top level "
                   f"bodies of modules\"), so {fails}; mock it (`jest.mock(\"{edge.specifier}\", "
                   f"() => …)`), or run Jest in its ES module mode (`node --experimental-vm-modules "
                   f"node_modules/jest/bin/jest.js`)")
        else:
            test_why = run.commonjs_why(str(mod.path))
            as_cjs = self.a.runner_loads_cjs(mod.path, run)
            if as_cjs:
                msg = (f"{jest} runs {role} as CommonJS ({test_why}): this import becomes "
                       f"`require(\"{edge.specifier}\")`, and `{edge.specifier}` is an async module {why}")
            else:
                msg = f"{jest} runs {role} in its ES module mode, and `{edge.specifier}` is an async module {why}"
            if culprit != mod.path:
                culprit_why = run.commonjs_why(str(culprit))
                msg += (f"; Jest loads `{self.graph.rel(culprit)}` of its graph as CommonJS "
                        + ("too" if as_cjs and culprit_why == test_why else f"({culprit_why})"))
            if kind == "compile":
                msg += ("; a top-level await does not compile as CommonJS (\"await is only valid in async functions "
                        "and the top level bodies of modules\")")
            else:
                assert required is not None
                msg += (f"; its require() of `{self.graph.rel(required)}`, an ES module with a top-level await in its "
                        f"graph, throws ERR_REQUIRE_ASYNC_MODULE")
            which = "it" if culprit == mod.path else f"`{self.graph.rel(culprit)}`"
            msg += (f", so {fails}; make Jest load {which} as an ES module (`\"type\": "
                    f"\"module\"` for `.js`, `extensionsToTreatAsEsm` for other extensions)" +
                    (f", or mock `{edge.specifier}` (`jest.mock(\"{edge.specifier}\", () => …)`)" if as_cjs else ""))
        if run.esm and self.a.lazy_import_helps(edge):
            msg += (f"; or load it with `await import(\"{edge.specifier}\")` where the test uses it (an import() "
                    f"loads it as an ES module)")
        related = [Related(edge.source, edge.span, f"`{self.graph.rel(mod.path)}` imports `{edge.specifier}`")]
        related += self.chain_related(target)
        self.add(mod, edge.span, "require-async", msg, related, target)
        return True

    def _playwright_failure(self, mod: Module, edge: Edge, run, rel: str, why: str, awaits: Path,
                            compiled: Optional[Path], role: str) -> str:
        """Playwright compiles ``compiled`` (the test file, or a module of its graph) into
        CommonJS, with everything it loads, and the top-level await of ``awaits`` with it."""
        who = f"Playwright Test (script `{run.script}` of {rel}" + (f", project `{run.project}`" if run.project else "") + ")"
        start = compiled or awaits
        cannot = ("a top-level await does not compile as CommonJS (\"await is only valid in async functions and the "
                  f"top level bodies of modules\"), so Playwright cannot load {role} and the run stops before "
                  "any test runs")
        if start == mod.path:
            return (f"{who} compiles {role} into CommonJS ({run.commonjs_why(str(mod.path))}), with everything "
                    f"it loads: this import becomes `require(\"{edge.specifier}\")`, and `{edge.specifier}` is an async "
                    f"module {why}; {cannot}; make {role.replace('this ', 'the ')} an ES module for Playwright "
                    f"(`\"type\": \"module\"` "
                    f"in package.json, or the `.mts` extension)")
        return (f"{who} loads {role} as an ES module, and `{edge.specifier}` is an async module {why}; it "
                f"compiles `{self.graph.rel(start)}` of its graph into CommonJS ({run.commonjs_why(str(start))}), with "
                f"everything it loads: {cannot}; make `{self.graph.rel(start)}` an ES module for Playwright "
                f"(`\"type\": \"module\"` in its package.json, or the `.mts`/`.mjs` extension)")

    def _playwright_require(self, mod: Module, edge: Edge, run, rel: str, why: str, compiled: Path,
                            required: Path, role: str) -> str:
        """Playwright compiles ``compiled`` (the test file, or a module of its graph) into
        CommonJS, and its require() of ``required`` — a package's module, which Playwright
        leaves to Node — throws ERR_REQUIRE_ASYNC_MODULE."""
        who = f"Playwright Test (script `{run.script}` of {rel}" + (f", project `{run.project}`" if run.project else "") + ")"
        throws = (f"Playwright leaves node_modules to Node, whose require() of `{self.graph.rel(required)}` throws "
                  f"ERR_REQUIRE_ASYNC_MODULE, so Playwright cannot load {role} and the run stops before any test runs")
        es = "(`\"type\": \"module\"` in package.json, or the `.mts` extension)"
        if compiled == mod.path:
            lazy = "" if role == "this configuration" else \
                f"load it with `await import(\"{edge.specifier}\")` where it is used, or "
            return (f"{who} compiles {role} into CommonJS ({run.commonjs_why(str(mod.path))}): this import becomes "
                    f"`require(\"{edge.specifier}\")`, and `{edge.specifier}` is an async module {why}; {throws}; "
                    f"{lazy}make {role.replace('this ', 'the ')} an ES module for Playwright {es}")
        return (f"`{edge.specifier}` is an async module {why}; {who} compiles `{self.graph.rel(compiled)}` of its "
                f"graph into CommonJS ({run.commonjs_why(str(compiled))}), and {throws}; make "
                f"`{self.graph.rel(compiled)}` an ES module for Playwright {es}")

    def compiled_tla(self, mod: Module, how) -> None:
        """A top-level await in a file a compiler turns into CommonJS (tsc, esbuild or tsup
        compiling each file alone, tsx): the compiler refuses it; Babel compiles it into an
        output Node cannot load (checked with tsc 5.9, esbuild 0.28, tsx 4.23 and Babel 7.29)."""
        if how.tool in ("Babel", "swc"):
            msg = (f"top-level await in a file {how.tool} compiles into CommonJS ({how.why}): {how.tool} leaves the "
                   f"await "
                   f"in the CommonJS output, which Node cannot load (\"await is only valid in async functions and "
                   f"the top level bodies of modules\", or ERR_AMBIGUOUS_MODULE_SYNTAX in a package without a "
                   f"\"type\"); move it into an async function, or {_babel_esm(how)}")
        else:
            msg = self._compiler_refusal(how)
        for site in mod.facts.tla:
            self.add(mod, site.keyword, "top-level-await", msg, fails=True)

    @staticmethod
    def _compiler_refusal(how) -> str:
        """The message for a top-level await the compiler ``how.tool`` refuses in CommonJS."""
        if how.tool == "tsc":
            refusal = ("error TS1309: The current file is a CommonJS module and cannot use 'await' at the top "
                       "level" if how.keeps_import else
                       "error TS1378: Top-level 'await' expressions are only allowed when the 'module' option is "
                       "set to 'es2022', 'esnext', 'system', 'node16', 'node18', 'node20', 'nodenext', or "
                       "'preserve', …")
            outcome = "tsc reports"
        else:
            # (tsx compiles with esbuild too: the same words, when it runs the file)
            refusal = 'Top-level await is currently not supported with the "cjs" output format'
            outcome = f"{how.tool} fails the build with" if how.tool in ("esbuild", "tsup", "Nx") else \
                f"{how.tool} fails to run it with"
        return (f"top-level await in a file {how.tool} compiles into CommonJS ({how.why}), where it is not "
                f"allowed: {outcome}" + (f" \"{refusal}\"" if refusal else "") +
                "; move it into an async function, or " +
                (f"name the file `.mts` (tshy builds it as an ES module only), or {_TSHY_ESM}"
                 if how.via == "tshy" else "compile this file as an ES module"))

    def _build_fails(self, build, what: str) -> str:
        """"; tsup's CommonJS build (script …) bundles {what}, and esbuild refuses …"."""
        if build.tool == "Metro":
            return (f"; Metro bundles {what} into {build.origin(self.graph.rel)}, each module a function of its "
                    f"module system: a top-level await there does not parse (\"await is only valid in async "
                    f"functions and the top level bodies of modules\"), so the app fails to start")
        return (f"; {build.build_name} ({build.origin(self.graph.rel)}) {build.verb} {what}, and {build.refusal} "
                f"(\"{build.tla_refusal}\"): {build.outcome}{build.refusal_fix}")

    def require_async(self, mod: Module, edge: Edge) -> None:
        target = edge.target
        assert target is not None
        fact = edge.fact
        bundled = self.a.bundled_require(edge)
        if bundled is not None:
            self.bundled_require_async(mod, edge, bundled)
            return
        tsc = self.a.tsc_cjs.get(mod.path)
        fix = f"load it with `await import(\"{edge.specifier}\")` instead"
        if tsc is not None and tsc.tool == "Babel" and not tsc.keeps_import:
            # (preset-env's dynamic-import transform makes import() a require() too)
            fix = (f"keep import() as it is (`exclude: [\"@babel/plugin-transform-dynamic-import\"]` in "
                   f"@babel/preset-env's options, {tsc.config}) and load it with `await import(\"{edge.specifier}\")`"
                   f", or {_babel_esm(tsc)}")
        elif tsc is not None and tsc.tool == "Babel":
            fix += f" (Babel keeps import() as it is here), or {_babel_esm(tsc)}"
        elif tsc is not None and tsc.tool == "swc" and not tsc.keeps_import:
            # (swc's CommonJS makes import() a require() too, unless `module.ignoreDynamic`)
            fix = (f"keep import() as it is (`\"ignoreDynamic\": true` in the `module` of {tsc.config}) and load it "
                   f"with `await import(\"{edge.specifier}\")`, or {_babel_esm(tsc)}")
        elif tsc is not None and tsc.tool == "swc":
            fix += f" (swc keeps import() as it is here), or {_babel_esm(tsc)}"
        elif tsc is not None and not tsc.keeps_import:
            # (`module: commonjs` compiles import() to require() too)
            fix = (f"set `module` to `node16` or `nodenext` in {tsc.config} (tsc keeps import() in CommonJS "
                   f"there) and load it with `await import(\"{edge.specifier}\")`")
        elif tsc is not None and tsc.tool in ("esbuild", "tsup", "Nx"):
            fix += f" ({tsc.tool} keeps import() as it is), or build ES modules"
        elif tsc is not None and tsc.tool == "tsx":
            fix += " (tsx keeps import() as it is), or make the package `\"type\": \"module\"`"
        elif tsc is not None:
            fix += " (tsc keeps import() under `" + tsc.module + "`)"
            if tsc.via == "tshy":
                fix += ", or " + _TSHY_ESM
        if isinstance(fact, DynamicImport) and tsc is not None:
            what = f"{tsc.tool} compiles this import() to `require(\"{edge.specifier}\")` ({tsc.why}), and it"
        elif isinstance(fact, StaticImport) and tsc is not None:
            what = f"{tsc.tool} compiles this import to `require(\"{edge.specifier}\")` ({tsc.why}), and it"
        elif isinstance(fact, StaticImport):
            what = f"this import compiles to `require(\"{edge.specifier}\")` in a CommonJS module, and"
        elif getattr(fact, "kind", None) is RequireKind.IMPORT_EQUALS:
            what = f"`import … = require(\"{edge.specifier}\")`"
        elif getattr(fact, "callee", ""):
            what = f"`{fact.callee}(\"{edge.specifier}\")`"
            if "createRequire" not in fact.callee:
                what += " (a require function made by `createRequire`)"
        else:
            what = f"`require(\"{edge.specifier}\")`"
        root_cause = self.root_cause(target, mod.path)
        bun = self.a.run_by_bun(mod.path)
        if bun is not None:
            # (Bun 1.4 throws where the module's evaluation has not finished when require()
            # returns: an await of a timer or of I/O; `await Promise.resolve()` passes; checked)
            msg = (f"{what} loads an async module ({root_cause}): Bun runs this file ({bun}) and throws "
                   f"\"TypeError: require() async module … is unsupported\" when that top-level await is "
                   f"still waiting as require() returns (Node throws ERR_REQUIRE_ASYNC_MODULE); {fix}")
        else:
            msg = (f"{what} loads an async module ({root_cause}): Node throws ERR_REQUIRE_ASYNC_MODULE, "
                   f"webpack and Meteor return a Promise instead of the exports; {fix}")
        related = self.chain_related(target, reportable=False)
        self.add(mod, edge.span, "require-async", msg, related, target)

    def root_cause(self, target: Path, from_file: Path) -> str:
        """Why ``target`` is async, for a parenthesis: "`./db.js` has a top-level await at line 6",
        "because of `./db.js` (…)"."""
        cause = self.cause(target, from_file, reportable=False)
        if cause.startswith(("it has", "it is")):
            cause = f"`{display(target, from_file)}` {has_phrase(self.mod(target))}"
        return cause

    def async_why(self, target: Path, from_file: Path) -> str:
        """The same after "is an async module": "(`./db.js` has …)", "because of `./db.js` (…)"."""
        cause = self.root_cause(target, from_file)
        return cause if cause.startswith("because") else f"({cause})"

    def bundled_require_async(self, mod: Module, edge: Edge, external: str) -> None:
        """An import the bundle makes a `require()` of (``external``: a webpack external of a
        CommonJS type, or a package tsup's CommonJS build keeps external) whose module is
        async: the bundle throws when it runs."""
        target = edge.target
        assert target is not None
        fact = edge.fact
        what = ("this import()" if isinstance(fact, DynamicImport) else "this import"
                if isinstance(fact, StaticImport) else f"`{getattr(fact, 'callee', '') or 'require'}()`")
        why = self.async_why(target, mod.path)
        fix = self.a.bundled_fix(edge)
        msg = (f"`{edge.specifier}` is {external}, and it is an async module {why}: "
               f"when the bundle runs, {self.a.bundled_throws(edge)} at {what}; {fix}")
        related = self.chain_related(target, reportable=False)
        self.add(mod, edge.span, "require-async", msg, related, target)

    def bundled_throw(self, mod: Module, edge: Edge, inner: Edge) -> None:
        """A static import of a package the bundle includes, in whose modules the bundle
        require()s an async module (``inner``: a webpack external, a package tsup keeps
        external): it throws when the bundle runs."""
        assert inner.target is not None
        external = self.a.bundled_require(inner) or "loaded with require() by the bundle"
        src = self.mod(inner.source)
        where = f"{display(inner.source, mod.path)}, line {src.line_of(inner.span.start)}"
        why = self.async_why(inner.target, mod.path)
        build = self.a.tsup_build_of(inner)
        fix = build.esm_advice if build is not None else self.a.bundled_fix(inner)
        msg = (f"`{edge.specifier}` is bundled, and it imports `{inner.specifier}` ({where}), an async "
               f"module {why}; `{inner.specifier}` is {external}, so {self.a.bundled_throws(inner)} "
               f"there when the bundle runs; {fix}")
        related = [Related(inner.source, inner.span, f"`{display(inner.source, mod.path)}` imports "
                                                     f"`{inner.specifier}`, which the bundle require()s")]
        related += self.chain_related(inner.target, reportable=False)
        self.add(mod, edge.span, "require-async", msg, related, inner.target)

    def _next_advice(self, path: Path) -> str:
        """What makes Next.js load its configuration ``path`` with import() (it require()s it now)."""
        if path in self.a.config_native:  # (Node could not load it itself: what it failed on, said first)
            return "make Node able to load it itself and Next.js loads it with import()"
        return ("name the file next.config.mts (Next.js loads that with import() where Node strips types: 22.18 "
                "and later) or next.config.mjs")

    def config_dynamic_import(self, mod: Module, edge: Edge) -> None:
        """An import() of an async module in a configuration its tool compiles into CommonJS
        (Next.js's next.config.ts, by SWC), or an import or import() in a project file it loads
        (compiled so too, by Next.js's require hook): a require() there, which throws."""
        target = edge.target
        assert target is not None
        why = self.async_why(target, mod.path)
        config = mod.path if mod.path in self.a.config_required else self.a.config_compiled()[mod.path]
        what = "this import()" if edge.kind is EdgeKind.DYNAMIC else "this import"
        how = f"{self.a.config_required[config]}, and SWC compiles {what}"
        if config != mod.path:  # (a file the configuration loads: Next.js's require hook compiles it too)
            how = (f"{self.graph.rel(config)} loads this file, and Next.js compiles both into CommonJS with SWC (this "
                   f"one through its require hook), {what}")
        msg = (f"{how} into `require(\"{edge.specifier}\")` there; "
               f"`{edge.specifier}` is an async module {why}, so Node throws ERR_REQUIRE_ASYNC_MODULE when the "
               f"configuration runs it and Next.js fails to load it; " + self._next_advice(config))
        self.add(mod, edge.span, "require-async", msg, self.chain_related(target, reportable=False), target)

    def unresolved_import(self, mod: Module, edge: Edge) -> None:
        """An import or require() that evaluates a module tla-lens cannot find: the analysis is
        blind past it (a bundler alias, a virtual module, a package not installed, a typo)."""
        reason = edge.unresolved or "not found"
        rel = self.graph.rel(mod.path)
        for tail in (f", imported from {rel}", f" imported from {rel}", f" from {rel}", f" in {rel}"):
            if reason.endswith(tail):
                reason = reason[: -len(tail)]
                break
        msg = (f"cannot resolve `{edge.specifier}` ({reason}): whether it is an async module is not "
               f"known, so nothing is reported through it")
        self.add(mod, edge.specifier_span or edge.span, "unresolved-import", msg)

    def top_level_await(self, mod: Module) -> None:
        if is_synthetic(mod):
            return  # (a binary file, an external: the imports of it say why)
        infected = self.infected(mod.path)
        names = sorted(infected, key=lambda p: (infected[p], str(p)))
        ws = [p for p in names if self.mod(p).workspace]
        entries = [p for p in names if p in self.a.entries]
        if mod.path in self.a.entries:
            entries.insert(0, mod.path)
        if not infected:
            base = "top-level await: this module is async; no module imports it statically"
            loading = self.a.config_loading(mod.path)
            if loading is not None and loading[0] == "import()" and loading[1]:
                base += f"; {loading[1]}, so nothing else waits for it"
        else:
            n = len(infected)
            sample = ", ".join(f"`{display(p, mod.path)}`" for p in (ws or names)[:3])
            base = (f"top-level await: makes {n} module{'s' if n != 1 else ''} async, "
                    f"e.g. {sample}")
        if entries:
            base += "; entry points affected: " + ", ".join(
                f"`{display(p, mod.path)}`" for p in entries[:3]) + (" …" if len(entries) > 3 else "")
        build = self.a.cjs_bundled.get(mod.path) or self.a.cjs_transpiled.get(mod.path)
        fails = build is not None and bool(build.refuses_tla)
        if fails:
            base += self._build_fails(build, "this module")
        polyfilled = self._tshy_polyfill(mod) if not fails else None
        if polyfilled is not None:
            fails = True
            base += polyfilled
        test = self.a.runner_reach().get(mod.path) if self.a.runner_tests else None
        if test is not None:
            fails = True
            run = self.a.runner_tests[test]
            rel = self.graph.rel(Path(run.package_dir) / "package.json")
            whom = self.a.runner_role(mod.path) if test == mod.path else \
                f"the test files that load this module (e.g. `{display(test, mod.path)}`)"
            if run.tool == "Playwright":
                what = self.a.runner_role(mod.path) if test == mod.path else \
                    f"this module (for the test files that load it, e.g. `{display(test, mod.path)}`)"
                base += (f"; Playwright Test (script `{run.script}` of {rel}) compiles {what} into CommonJS, where a "
                         f"top-level await does not compile: it cannot load "
                         f"{'it' if test == mod.path else 'those test files'}, and the run stops before any test runs")
            elif run.esm and test != mod.path:
                base += (f"; Jest (script `{run.script}` of {rel}) loads this module as CommonJS "
                         f"({run.commonjs_why(str(mod.path))}), where a top-level await does not compile: the test "
                         f"files that load it (e.g. `{display(test, mod.path)}`) fail to run")
            else:
                base += (f"; Jest (script `{run.script}` of {rel}) runs {whom} as CommonJS "
                         f"({run.commonjs_why(str(mod.path))}), where a top-level await does not compile: "
                         f"{'it fails' if test == mod.path else 'they fail'} to run")
        glob = self.a.jest_global.get(mod.path) if self.a.jest_global else None
        if glob is not None and self.a.jest_global_failure(mod.path) == (None, mod.path):
            fails = True
            rel = self.graph.rel(Path(glob[0].package_dir) / "package.json")
            base += (f"; Jest (script `{glob[0].script}` of {rel}) loads this file (`{glob[1]}`) in its own process, "
                     f"its transform compiling it into CommonJS, where a top-level await does not compile: "
                     f"{_global_outcome(glob[1])}")
        related = [Related(p, Span(0, 0), f"made async (distance {infected[p]})")
                   for p in (ws or names)[:10]]
        for site in mod.tla:
            self.add(mod, site.keyword, "top-level-await", base, related, fails=fails)

    def _tshy_polyfill(self, mod: Module) -> Optional[str]:
        """For a file of a package tshy builds whose CommonJS output a polyfill replaces
        (`x-cjs.cts`): tsc still compiles it in that dialect, and refuses its top-level await
        (checked with tshy 4.1)."""
        tshy = self.a.resolver.tshy_for(mod.path) if mod.path.suffix in (".ts", ".tsx") else None
        polyfill = tshy.polyfill(str(mod.path), self.a.resolver.fs.is_file) if tshy is not None else None
        if polyfill is None:
            return None
        return (f"; tshy, by {tshy.origin} ({self.graph.rel(Path(tshy.package_dir) / 'package.json')}), builds "
                f"CommonJS too, and while `{display(Path(polyfill), mod.path)}` replaces this file's output there, "
                f"tsc still compiles it as a CommonJS module and reports \"error TS1309: The current file is a "
                f"CommonJS module and cannot use 'await' at the top level\": the build fails; move the await into "
                f"an async function, or {_TSHY_ESM}")

    def async_cycle(self, mod: Module, comp: list[Path]) -> None:
        members = set(comp)
        if not any(self.a.reportable.is_async(p) for p in comp):
            return
        # (an import of the module itself closes no cycle with another module: not one to show)
        inner = [e for e in mod.edges if e.evaluates and e.target in members and e.target != mod.path]
        if not inner:
            return
        edge = inner[0]
        size = len(comp)
        if size <= 50:
            loop = self._cycle_path(edge, members)
            shown = " → ".join(f"`{self.graph.rel(p)}`" for p in loop)
            desc = f"import cycle with async modules: {shown}"
        else:
            desc = f"import cycle of {size} modules with async modules (through `{edge.specifier}`)"
        msg = (f"{desc}. Which module of the cycle evaluates first depends on which one is "
               f"imported first; a top-level await in a cycle deadlocks when it awaits a dynamic "
               f"import of a module in the cycle, and bundles can hit TDZ errors")
        related = [Related(e.source, e.span, f"`{self.graph.rel(e.source)}` imports `{e.specifier}`")
                   for e in self._cycle_edges(edge, members)[:20]]
        self.add(mod, edge.span, "async-cycle", msg, related)

    def _cycle_edges(self, first: Edge, members: set[Path]) -> list[Edge]:
        """Shortest way back from ``first.target`` to ``first.source`` inside the component."""
        start, goal = first.target, first.source
        prev: dict[Path, Optional[Edge]] = {start: None}  # type: ignore[dict-item]
        queue = deque([start])
        while queue:
            node = queue.popleft()
            if node == goal:
                break
            for e in self.mod(node).edges:  # type: ignore[arg-type]
                if e.evaluates and e.target in members and e.target not in prev:
                    prev[e.target] = e  # type: ignore[index]
                    queue.append(e.target)
        path: list[Edge] = []
        node = goal
        while node != start and prev.get(node) is not None:
            e = prev[node]
            path.append(e)  # type: ignore[arg-type]
            node = e.source  # type: ignore[union-attr]
        return [first] + path[::-1]

    def _cycle_path(self, first: Edge, members: set[Path]) -> list[Path]:
        edges = self._cycle_edges(first, members)
        return [edges[0].source] + [e.target for e in edges]  # type: ignore[misc]

    def async_entry(self, mod: Module, why: str) -> None:
        rep = self.a.reportable
        path = mod.path
        if not rep.is_async(path):
            return
        fails = False  # (the entry's app fails to build or start: an error)
        if why.startswith("public entry"):
            consequence = ("CommonJS consumers that `require()` this package get "
                           "ERR_REQUIRE_ASYNC_MODULE (Node ≥ 20.19 / 22.12), webpack hands them a "
                           "Promise, and every importer becomes async too")
        elif why.startswith("configuration of Next.js"):
            fails = True
            consequence = (f"{self.a.config_required.get(path, 'Next.js loads it with require()')}, where Node throws "
                           f"ERR_REQUIRE_ASYNC_MODULE: `next dev` and `next build` fail to load it; " +
                           self._next_advice(path) +
                           ("" if rep.distance.get(path) else
                            ", or move the await into the exported function (`export default async () => …`)"))
        elif why.startswith("entry of the React Native app"):
            consequence = "Metro bundles that await into the app, where it does not parse: the app fails to start"
            fails = True
        elif why.startswith("entry of the Angular app") and getattr(self.a.cjs_entries.get(path), "zone", False) \
                and self.a.cjs_bundled.get(rep.root_of(path) or path) is self.a.cjs_entries.get(path):
            # (the await is in the app's bundles, not in a package kept external)
            fails = True
            consequence = ("with Zone.js among the app's polyfills, esbuild refuses that await (\"Top-level await is "
                           "not available in the configured target environment\"): `ng build` fails, and so does "
                           "`ng serve`")
        else:
            root = rep.root_of(path)
            waited = "that await"
            if root is not None and is_wasm(self.mod(root)):
                waited = "the WebAssembly to load"
            elif root is not None and is_external(self.mod(root)):
                waited = "the external to load"
            consequence = f"everything that starts from it waits for {waited} before it runs"
        if mod.has_tla and rep.distance.get(path) == 0:
            site = mod.tla[0]
            msg = (f"this {why} is an async module: it has a top-level await at line "
                   f"{_tla_line(mod)}; {consequence}")
            self.add(mod, site.keyword, "async-entry", msg, fails=fails)
            return
        edge = rep.via.get(path)
        if edge is None:
            return
        cause = self.cause(edge.target, mod.path)
        if cause.startswith(("it has", "it is")):  # (the import's own module has the await)
            msg = f"this {why} is an async module: `{edge.specifier}` {cause[3:]}; {consequence}"
        else:
            msg = f"this {why} is an async module {cause}, through `{edge.specifier}`; {consequence}"
        self.add(mod, edge.span, "async-entry", msg, self.chain_related(path), edge.target, fails=fails)


# (tshy's package.json option that leaves its CommonJS dialect out)
_TSHY_ESM = "build ES modules only (`\"dialects\": [\"esm\"]` in the `\"tshy\"` of package.json)"


def _babel_esm(how) -> str:
    """How not to have Babel make CommonJS: a build compiles ES modules; a run under
    @babel/register is an ES module for Node (whose ES module loader Babel does not hook)."""
    if getattr(how, "runs", False):
        return ("run it as an ES module (`\"type\": \"module\"` in package.json: Node's ES module loader does not "
                "go through @babel/register, and finds imports by their full file names)")
    if getattr(how, "tool", "") == "swc":
        return "compile ES modules (no `module.type: \"commonjs\"`)"
    return "compile ES modules (`modules: false`)"


def _finding_order(f: Finding) -> tuple:
    return (f.span.start, f.code)


def findings_for_module(project: "Project", path: Path) -> list[Finding]:
    """The findings in one workspace file (none for dependencies and allowAsync modules)."""
    return _Rules(project).for_module(path)


def findings_for_modules(project: "Project", paths: Iterable[Path]) -> list[Finding]:
    """:func:`findings_for_module` of each of ``paths``, in that order."""
    rules = _Rules(project)
    out: list[Finding] = []
    for path in paths:
        out += rules.for_module(path)
    return out


def _global_outcome(option: str) -> str:
    """What a Jest global hook that does not load makes of the run."""
    return "the run fails when its tests are done" if option == "globalTeardown" else \
        "the run fails before any test runs"
