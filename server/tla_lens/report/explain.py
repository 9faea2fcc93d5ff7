"""`tla-lens explain FILE` and `tla-lens graph`: one module's story, and the async subgraph."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..project.graph import EdgeKind
from ..resolve.resolver import METRO_RUNTIME, located_in
from ..resolve.scripts import BUN_CONDITIONS
from ..rules import WASM_WHY, external_request, has_phrase, is_external, is_synthetic, is_wasm, root_phrase
from ..text import printable

if TYPE_CHECKING:
    from ..project import Analysis


def _quote(analysis: "Analysis", path: Path, offset: int) -> str:
    mod = analysis.modules[path]
    line = mod.lines.line_of(offset)
    return mod.lines.line_text(line).strip()


def explain(analysis: "Analysis", path: Path) -> str:
    rel = analysis.graph.rel
    mod = analysis.modules[path]
    out: list[str] = []
    name = rel(path)
    if mod.format == "cjs":
        tsc = analysis.tsc_cjs.get(path)
        how = f" ({tsc.tool} compiles it into one: {tsc.why})" if tsc is not None else ""
        if tsc is not None and tsc.via == "tshy":  # (both dialects: this one is judged, it throws or fails)
            out.append(f"{name} is judged as a CommonJS module ({tsc.why}; its ES module build waits as ES modules "
                       f"do): there it is never async (it cannot use top-level await).")
        else:
            out.append(f"{name} is a CommonJS module{how}: it is never async (it cannot use top-level await).")
        out += _not_followed(analysis, mod)
        for e in mod.edges:
            target = analysis.modules.get(e.target) if e.target is not None else None
            if e.kind is EdgeKind.REQUIRE and target is not None and target.is_async \
                    and analysis.bundled_require(e) is None:
                root = analysis.modules[target.chain[-1]] if target.chain else target
                out.append(f"It loads {e.specifier!r} with require() (line {mod.line_of(e.span.start)}), an async "
                           f"module ({rel(root.path)}: {root_phrase(root)}): Node throws ERR_REQUIRE_ASYNC_MODULE there.")
    elif not mod.is_async:
        n_static = sum(1 for e in mod.edges if e.kind is EdgeKind.STATIC)
        out.append(f"{name} is not an async module: none of its {n_static} static import"
                   f"{'s' if n_static != 1 else ''} reaches a top-level await.")
        out += _not_followed(analysis, mod)
        for e in mod.edges:
            dropped = analysis.tsc_dropped(e) if e.kind is EdgeKind.ERASED else None
            if dropped is not None and analysis.infection.is_async(dropped[0]):
                names = ", ".join(dropped[1])
                out.append(f"tsc drops its re-export of {names} from {e.specifier!r} (line "
                           f"{mod.line_of(e.span.start)}): only type{'s' if len(dropped[1]) > 1 else ''} in "
                           f"{rel(dropped[0])}, an async module (tsc builds this file with the whole program; "
                           f"a per-file compiler keeps the statement, and waits).")
        inner = analysis.bundled_throw(path, workspace=True)
        if inner is not None and inner.source != path:
            src = analysis.modules[inner.source]
            out.append(f"Its imports reach one that throws when the bundle runs: {rel(inner.source)} (line "
                       f"{src.line_of(inner.span.start)}) imports {inner.specifier!r}, which is "
                       f"{analysis.bundled_require(inner)}; it is an async module: "
                       f"{analysis.bundled_throws(inner)} there.")
    elif is_synthetic(mod):
        out.append(f"{name} is an async module: it {has_phrase(mod)}.")
    elif mod.has_tla:
        sites = ", ".join(str(mod.line_of(s.keyword.start)) for s in mod.tla)
        out.append(f"{name} is an async module: it has a top-level await "
                   f"(line{'s' if len(mod.tla) > 1 else ''} {sites}).")
        for s in mod.tla[:5]:
            out.append(f"  {name}:{mod.line_of(s.keyword.start)}  {_quote(analysis, path, s.keyword.start)}")
    else:
        root = mod.chain[-1]
        rmod = analysis.modules[root]
        cause = f"`{external_request(rmod)}`" if is_external(rmod) else rel(root)
        out.append(f"{name} is an async module because of {cause} ({root_phrase(rmod)}):")
        for edge in analysis.infection.edges(path):
            src = analysis.modules[edge.source]
            kept = analysis.kept_by_node(edge) is not None
            out.append(f"  {rel(edge.source)}:{src.line_of(edge.span.start)}  imports "
                       f"{edge.specifier!r}" + ("  (no value used: Node keeps it, TypeScript would drop it)"
                                                if kept else ""))
        site = rmod.tla[0].keyword
        if is_wasm(rmod):
            out.append(f"  {rel(root)}  {WASM_WHY}")
        elif is_external(rmod):
            out.append(f"  {rel(located_in(root))}:{rmod.line_of(site.start)}  webpack external "
                       f"`{external_request(rmod)}`: {_quote(analysis, root, site.start)}")
        else:
            out.append(f"  {rel(root)}:{rmod.line_of(site.start)}  top-level await: "
                       f"{_quote(analysis, root, site.start)}")
        if len(analysis.infection.chain(path)) > 1:
            out.append("  (the shortest chain; break it at any hop with a dynamic import())")
    out += _blind_spots(analysis, path)
    node_run = analysis.node_run.get(path)
    if node_run is not None:
        out.append(f"Node runs it by type stripping ({node_run}): its imports are kept as "
                   "written, also those TypeScript would drop (types only, or nothing used).")
    conds = analysis.runtime_conditions.get(path)
    if conds and conds != BUN_CONDITIONS and conds != METRO_RUNTIME:  # (node's `--conditions`; Bun's below)
        shown = ", ".join(f"`{c}`" for c in conds)
        out.append(f"Node runs it with export conditions of its own ({shown}: `--conditions` in a script): "
                   "its imports of packages resolve with them.")
    bun = analysis.run_by_bun(path)
    if bun is not None:
        ts = " its imports are dropped where TypeScript drops them (no value used), whatever " \
             "tsconfig.json's verbatimModuleSyntax says, but `import {} from` and `import x = require()` " \
             "are kept;" if mod.facts.dialect.is_typescript else ""
        out.append(f"Bun runs it ({bun}):{ts} with module syntax it is an ES module whatever its extension "
                   "(require() of an async one throws a TypeError).")
    out += _jest(analysis, mod)
    out += _jest_global(analysis, mod)
    out += _bundled(analysis, mod)
    loading = analysis.config_loading(path)
    if loading is not None and loading[0] == "import()" and mod.is_async:
        what = f"a configuration its tool loads itself: {loading[1]}" if loading[1] else \
            "loaded only by configurations their tools load with import()"
        out.append(f"It is {what}, so nothing else waits for it (its imports are not reported).")
    elif loading is not None:
        out.append(f"It is a configuration its tool loads itself: {loading[1]}; async, it makes Node throw "
                   "ERR_REQUIRE_ASYNC_MODULE and the tool fail to load it.")
    # cycles
    for comp in analysis.cycles:
        if path in comp:
            shown = ", ".join(rel(p) for p in comp[:8]) + (" …" if len(comp) > 8 else "")
            out.append(f"It is part of an import cycle of {len(comp)} modules ({shown}); inside the "
                       "cycle the evaluation order depends on which module is entered first.")
    # what it breaks lazily
    lazy = [e for e in mod.edges if e.kind is EdgeKind.DYNAMIC and e.target is not None
            and analysis.modules[e.target].is_async]
    for e in lazy:
        out.append(f"It loads the async module {e.specifier!r} lazily with import() at line "
                   f"{mod.line_of(e.span.start)}: that does not make it wait.")
    # what it infects
    if mod.is_async:
        infected = analysis.infected_by(path)
        if infected:
            names = sorted(infected, key=lambda p: (infected[p], str(p)))
            shown = ", ".join(rel(p) for p in names[:8]) + (" …" if len(names) > 8 else "")
            out.append(f"Modules that import it statically, directly or not, are async too: "
                       f"{len(names)} ({shown}).")
        entries = [p for p in sorted(analysis.entries) if p == path or p in infected]
        for e in entries:
            out.append(f"Entry point affected: {rel(e)} ({analysis.entries[e]}).")
    return printable("\n".join(out)) + "\n"


def _jest_global(analysis: "Analysis", mod) -> list[str]:
    """A Jest global setup (or teardown) file whose CommonJS compilation reaches a top-level
    await: the run fails."""
    glob = analysis.jest_global.get(mod.path) if analysis.jest_global else None
    failure = analysis.jest_global_failure(mod.path) if glob is not None else None
    if glob is None or failure is None:
        return []
    run, option = glob[0], glob[1]
    rel = analysis.graph.rel
    awaits = analysis.modules[failure[1]]
    where = f"{rel(awaits.path)}, line {awaits.line_of(awaits.facts.tla[0].keyword.start)}" if awaits.facts.tla \
        else rel(awaits.path)
    outcome = "fails when its tests are done" if option == "globalTeardown" else "fails before any test runs"
    return [f"Jest (script `{run.script}` of {rel(Path(run.package_dir) / 'package.json')}) loads it (`{option}`) "
            f"in its own process, {'babel-jest' if run.transform == 'default' else 'ts-jest'} compiling it and "
            f"the project's files it loads into CommonJS: the "
            f"top-level await it loads ({where}) does not compile there, so the run {outcome}."]


def _jest(analysis: "Analysis", mod) -> list[str]:
    """Where Jest loads ``mod`` as CommonJS (a test file it runs, or a module one loads) and
    a top-level await of the project is in its graph: that the test files fail to run."""
    test = analysis.runner_reach().get(mod.path) if analysis.runner_tests else None
    if test is None and mod.path in (analysis.runner_tests or ()):
        return _es_test(analysis, mod)
    if test is None or not mod.is_async or mod.format == "cjs":
        return []
    root = analysis.modules.get(mod.chain[-1] if mod.chain else mod.path)
    if root is None or not root.workspace:
        return []
    run = analysis.runner_tests[test]
    pkg = analysis.graph.rel(Path(run.package_dir) / "package.json")
    where = f"{analysis.graph.rel(root.path)}, line {root.line_of(root.tla[0].keyword.start)}" if root.tla else \
        analysis.graph.rel(root.path)
    why = run.commonjs_why(str(mod.path)).replace("`", "")
    if run.tool == "Playwright":
        whom = analysis.runner_role(mod.path) if test == mod.path else \
            f"it (loaded by test files such as {analysis.graph.rel(test)})"
        return [f"Playwright Test (script `{run.script}` of {pkg}) compiles {whom} into CommonJS: the top-level "
                f"await it loads ({where}) does not compile there, so Playwright cannot load the test files and the "
                "run stops before any test runs."]
    if test == mod.path and analysis.runner_role(mod.path) == "this setup file":
        return [f"Jest (script `{run.script}` of {pkg}) loads this setup file as CommonJS ({why}) before every "
                f"test file: the top-level await it loads ({where}) does not compile there, so every test file of "
                "the run fails to run."]
    if test == mod.path:
        # (in its ES module mode, the await may also be in an ES module the file require()s)
        esm = ", or is in an ES module it require()s (ERR_REQUIRE_ASYNC_MODULE)" if run.esm else ""
        return [f"Jest (script `{run.script}` of {pkg}) runs this test file as CommonJS ({why}): the top-level "
                f"await it loads ({where}) does not compile there{esm}, so it fails to run, unless a jest.mock factory "
                "replaces a module of the chain."]
    what = "its top-level await" if root is mod else f"the top-level await it waits for ({where})"
    return [f"Jest (script `{run.script}` of {pkg}) loads it as CommonJS from test files such as "
            f"{analysis.graph.rel(test)} ({why}): {what} does not compile there, so "
            "those test files fail to run."]


def _bundled(analysis: "Analysis", mod) -> list[str]:
    """Where a build that refuses a top-level await bundles ``mod`` with the await it waits
    for: that the build fails (for Metro, that the app fails to start)."""
    build = analysis.cjs_bundled.get(mod.path) if analysis.cjs_bundled else None
    root = mod.chain[-1] if mod.chain else mod.path
    if build is None and mod.is_async and analysis.cjs_bundled:
        # (Vite's dev server pre-bundles the package with the await, not the project's module)
        dev = analysis.cjs_bundled.get(root)
        if dev is not None and dev.packages_only and dev.refuses_tla:
            rel = analysis.graph.rel
            return [f"{dev.build_name} ({dev.origin(rel)}) {dev.verb} {rel(root)}, with its top-level await, and "
                    f"{dev.refusal} (\"{dev.tla_refusal}\"): {dev.outcome}."]
    if build is None or not mod.is_async or not build.refuses_tla:
        return []
    if analysis.cjs_bundled.get(root) is not build:
        return []
    rel = analysis.graph.rel
    whose = "its top-level await" if root == mod.path else f"the top-level await of {rel(root)}"
    if build.tool == "Metro":
        return [f"Metro bundles it into {build.origin(rel)}, with {whose}: there it does not parse, so the app "
                "fails to start."]
    return [f"{build.build_name} ({build.origin(rel)}) {build.verb} it, with {whose}, and {build.refusal} "
            f"(\"{build.tla_refusal}\"): {build.outcome}."]


def _es_test(analysis: "Analysis", mod) -> list[str]:
    """A test file the runner loads as an ES module, where a module of its graph it loads as
    CommonJS fails: which, and why."""
    run = analysis.runner_tests[mod.path]
    for edge in mod.edges:
        if edge.kind is not EdgeKind.STATIC:
            continue
        failure = analysis.runner_failure(mod.path, edge, run)
        if failure is None:
            continue
        kind, culprit, other = failure
        pkg = analysis.graph.rel(Path(run.package_dir) / "package.json")
        rel = analysis.graph.rel
        if run.tool == "Playwright":
            start = other or culprit
            return [f"Playwright Test (script `{run.script}` of {pkg}) loads this test file as an ES module, but "
                    f"compiles {rel(start)} of its graph (through {edge.specifier!r}) into CommonJS, with everything "
                    f"it loads: the top-level await of {rel(culprit)} does not compile there, so Playwright cannot "
                    "load the test file and the run stops before any test runs."]
        what = "its top-level await does not compile there" if kind == "compile" else \
            f"its require() of {rel(other)}, an ES module whose graph waits, throws ERR_REQUIRE_ASYNC_MODULE"
        return [f"Jest (script `{run.script}` of {pkg}) runs this test file in its ES module mode, but loads "
                f"{rel(culprit)} of its graph (through {edge.specifier!r}) as CommonJS: {what}, so the test file "
                "fails to run."]
    return []


def _not_followed(analysis: "Analysis", mod) -> list[str]:
    """The static imports of ``mod`` that are on purpose not followed, each with why: a webpack
    external the bundle takes from outside; and those the bundle loads with require() (a
    webpack external of a CommonJS type, a package tsup or esbuild keeps external in a
    CommonJS build), with whether that throws."""
    out = []
    for e in mod.edges:
        bundled = analysis.bundled_require(e)
        if bundled is not None:
            target = analysis.modules.get(e.target)
            if target is None or not target.is_async:
                verdict = "that works (not an async module)"
            else:
                chain = target.chain
                root = analysis.modules[chain[-1]] if chain else target
                verdict = (f"it is an async module ({analysis.graph.rel(root.path)}: {root_phrase(root)}): "
                           f"{analysis.bundled_throws(e)} there")
            out.append(f"Loaded by require() when the bundle runs: {e.specifier!r} (line "
                       f"{mod.line_of(e.span.start)}) is {bundled}; {verdict}.")
            continue
        inner = analysis.bundled_throw(e.target) if e.kind is EdgeKind.STATIC and e.target is not None \
            and not getattr(analysis.modules.get(e.target), "workspace", True) else None
        if inner is not None:
            src = analysis.modules[inner.source]
            out.append(f"Throws when the bundle runs: {e.specifier!r} (line {mod.line_of(e.span.start)}) is "
                       f"bundled, and it imports {inner.specifier!r} ({analysis.graph.rel(inner.source)}, line "
                       f"{src.line_of(inner.span.start)}), which is {analysis.bundled_require(inner)}; it is an "
                       f"async module: {analysis.bundled_throws(inner)} there.")
            continue
        if e.kind is not EdgeKind.STATIC or e.target is not None or e.unresolved is not None:
            continue
        ext = analysis.resolver.external_for(e.specifier, mod.path)
        if ext is not None and not ext.is_async:
            res = analysis.resolver.resolve(e.specifier, mod.path, "import")  # (its reason, as resolved)
            out.append(f"Not followed: {e.specifier!r} (line {mod.line_of(e.span.start)}) is {res.message}.")
    return out


def _blind_spots(analysis: "Analysis", path: Path) -> list[str]:
    """For a module found not async: the imports that evaluate a module tla-lens cannot find,
    in it and in the modules it waits for (static imports), past which that is not known."""
    rel = analysis.graph.rel
    mod = analysis.modules[path]
    if mod.format == "cjs" or mod.is_async:
        return []
    own = [e for e in mod.edges if e.unresolved is not None]
    seen = {path}
    queue = [path]
    deeper: list[tuple[Path, str]] = []
    while queue:
        cur = queue.pop()
        for e in analysis.modules[cur].edges:
            t = e.target
            if e.kind is EdgeKind.STATIC and t is not None and t not in seen and t in analysis.modules:
                seen.add(t)
                queue.append(t)
                deeper += [(t, d.specifier) for d in analysis.modules[t].edges
                           if d.unresolved is not None and d.kind is EdgeKind.STATIC]
    if not own and not deeper:
        return []
    lines = []
    if own:
        shown = ", ".join(f"{e.specifier!r} (line {mod.line_of(e.span.start)})" for e in own[:5])
        lines.append(f"It imports {len(own)} module{'s' if len(own) != 1 else ''} tla-lens cannot "
                     f"resolve: {shown}{' …' if len(own) > 5 else ''}.")
    if deeper:
        deeper.sort(key=lambda x: (rel(x[0]), x[1]))
        shown = ", ".join(f"{s!r} in {rel(p)}" for p, s in deeper[:5])
        lines.append(f"The modules it imports have {len(deeper)}{' more' if own else ''}: {shown}"
                     f"{' …' if len(deeper) > 5 else ''}.")
    lines.append("  Nothing past them is analysed: an async module there would make this one "
                 "async too (see unresolved-import).")
    return lines


def _async_subgraph(analysis: "Analysis"):
    nodes = sorted((p for p, m in analysis.modules.items() if m.is_async),
                   key=lambda p: analysis.graph.rel(p))
    in_set = set(nodes)
    edges = []
    lazy = []
    for p in nodes:
        for e in analysis.modules[p].edges:
            if e.evaluates and e.target in in_set and (p, e.target) not in edges:
                edges.append((p, e.target))
    for p, m in analysis.modules.items():
        for e in m.edges:
            if e.kind is EdgeKind.DYNAMIC and e.target in in_set:
                lazy.append((p, e.target))
                if p not in in_set:
                    nodes.append(p)
                    in_set.add(p)
    return nodes, edges, sorted(set(lazy))


def _node_name(analysis: "Analysis", path: Path) -> str:
    """A module as the graph names it: its path, or an async webpack external's request."""
    mod = analysis.modules[path]
    return f"{external_request(mod)} (webpack external)" if is_external(mod) else analysis.graph.rel(path)


def dot(analysis: "Analysis") -> str:
    nodes, edges, lazy = _async_subgraph(analysis)
    ids = {p: f"n{i}" for i, p in enumerate(nodes)}
    out = ["digraph async_modules {", "  rankdir=LR;", '  node [shape=box, fontname="monospace"];']
    for p in nodes:
        m = analysis.modules[p]
        label = printable(_node_name(analysis, p)).replace("\\", "\\\\").replace('"', '\\"')
        if m.has_tla:
            style = 'style=filled, fillcolor="#f4a6a6", xlabel="%s"' % (
                "async WebAssembly" if is_wasm(m) else "webpack external" if is_external(m) else "top-level await")
        elif m.is_async:
            style = 'style=filled, fillcolor="#fde2a7"'
        else:
            style = 'style=dashed'
        out.append(f'  {ids[p]} [label="{label}", {style}];')
    for a, b in edges:
        out.append(f"  {ids[a]} -> {ids[b]};")
    for a, b in lazy:
        out.append(f'  {ids[a]} -> {ids[b]} [style=dashed, label="import()"];')
    out.append("}")
    return "\n".join(out) + "\n"


def mermaid(analysis: "Analysis") -> str:
    nodes, edges, lazy = _async_subgraph(analysis)
    ids = {p: f"n{i}" for i, p in enumerate(nodes)}
    out = ["flowchart LR"]
    for p in nodes:
        label = printable(_node_name(analysis, p)).replace('"', "#quot;")
        out.append(f'  {ids[p]}["{label}"]')
    for a, b in edges:
        out.append(f"  {ids[a]} --> {ids[b]}")
    for a, b in lazy:
        out.append(f"  {ids[a]} -. \"import()\" .-> {ids[b]}")
    out.append("  classDef tla fill:#f4a6a6,stroke:#a33;")
    out.append("  classDef async fill:#fde2a7,stroke:#a73;")
    tla = [ids[p] for p in nodes if analysis.modules[p].has_tla]
    asy = [ids[p] for p in nodes if analysis.modules[p].is_async and not analysis.modules[p].has_tla]
    if tla:
        out.append(f"  class {','.join(tla)} tla;")
    if asy:
        out.append(f"  class {','.join(asy)} async;")
    return "\n".join(out) + "\n"
