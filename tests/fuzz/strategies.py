"""Hypothesis strategies over the forms of SEMANTICS.md.

* :func:`module_sources` — a module body built from a small statement grammar: TLA forms and their
  boundaries, nested to any depth (blocks, control flow, functions, arrows, methods, class fields,
  static blocks, computed keys, heritage, parameter defaults, templates, destructuring defaults),
  lookalikes (``await`` in comments, strings, templates, regexes, property names), every import /
  export form, and in TypeScript mode type annotations, assertions, enums, namespaces, ``declare``.
  A context flag keeps ``await`` out of non-async function bodies (V8 rejects those modules; they
  are covered by :func:`invalid_await_sources`), so almost every source is a legal module.
* :func:`elision_sources` — TypeScript files whose imports all have distinct specifiers, with every
  import/re-export form and every kind of use of their bindings (value, type, typeof, shadowed,
  re-exported, unused).
* :func:`workspaces` — the V8 oracle's own workspace generator (tests/oracle/oracle_gen.py) driven by
  a Hypothesis-controlled Random (so Hypothesis shrinks it), with extra nested statements from
  :func:`module_sources` dropped into its files.
* :func:`package_layouts` — a package with a generated ``exports`` map in node_modules and an app
  with a generated ``imports`` map, plus the specifiers to resolve.
"""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from hypothesis import strategies as st

ORACLE = Path(__file__).resolve().parent.parent / "oracle"


def _load(name: str, path: Path):
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


oracle_gen = _load("tla_lens_oracle_gen", ORACLE / "oracle_gen.py")

# ------------------------------------------------------------------------------ statements
# A counter shared by one drawn source (fresh names, so snippets never redeclare each other).


class _Names:
    def __init__(self) -> None:
        self.k = 0

    def __call__(self) -> int:
        self.k += 1
        return self.k


AWAIT_EXPRS = [
    "await 0", "await x", "await import('./m.js')", "await (async () => 1)()", "await await 0",
    "await /re/g", "await `t`", "await -1", "await [1]", "await\n0", "await /* c */ 0",
    # not `await {}.a`: TypeScript 5.9 mis-parses it and emits the next statement twice
    "(await 0)", "await new Promise((r) => r(0))", "await f()", "await o.await",
]
PLAIN_EXPRS = [
    "0", "x", "import('./m.js')", "o.await", "({ await: 1 }).await", "'await 0'", "`await ${x}`",
    "/await/g", "(async () => await 0)()", "async function () { await 0; }", "x / 2 / 1",
    "function* () { yield 0; }", "class { async m() { await 0; } }", "`${async () => await 0}`",
    "({ async await() { await 0; } })", "(async (a = 1) => { for await (const q of []) {} })",
]
NOISE = [
    "// await 0\n", "/* await 0; for await (x of y) {} */", "'await';", "\"await 0\";", "`await ${1}`;",
    "/await 0/.test('');", "o.await;", "({ await: 1 });", "x = 4 / 2 / 1; // await 0\n",
    "x = /[/]await/g;", "label: for (;;) break label;", "using us = null;", ";",
    "const { await: aw } = { await: 1 };", "\"\\\" await 0\";", "`${`${'await'}`}`;",
]
TS_NOISE = [
    "type Aw = Awaited<Promise<number>>;", "interface Iw { await: number; }", "declare function df(): Promise<void>;",
    "declare const dc: { await: Promise<void> };", "let gen: Array<Promise<void>> = [];",
    "declare module 'virtual' { const x: number; export default x; }", "let n: number = 1 as number;",
    "type Tq = typeof import('./m.js');", "abstract class Ab { abstract m(): Promise<void>; }",
    "enum En { A = 1, B = 2 }", "declare global { var g: number; }", "function ov(): void; function ov(x?: number) { return x; }",
]


_EXPR_WRAPPERS = [
    # (context of the inner expression: "same" or a boundary's, template)
    ("same", "({e})"), ("same", "[{e}]"), ("same", "{{ k{k}: {e} }}"), ("same", "{{ [{e}]: 1 }}"),
    ("same", "`a${{{e}}}b`"), ("same", "String.raw`${{{e}}}`"), ("same", "f({e})"), ("same", "({e}) + 1"),
    ("same", "true ? 0 : {e}"), ("same", "0 || ({e})"), ("same", "!({e})"), ("same", "typeof ({e})"),
    ("same", "void ({e})"), ("same", "new (class {{ [{e}] = 1 }})()"), ("same", "(class extends ({e}, Object) {{}})"),
    ("same", "(0, {e})"), ("same", "[...[{e}]]"), ("same", "o?.[{e}]"), ("same", "({{ get [{e}]() {{ return 1; }} }})"),
    # boundaries: what is inside them is never top-level
    ("sync", "(() => {e})"), ("async", "(async () => {e})"), ("sync", "(function () {{ return {e}; }})"),
    ("async", "(async function () {{ return {e}; }})"), ("sync", "(class {{ x = {e}; }})"),
    ("sync", "(class {{ static x = {e}; }})"), ("sync", "({{ m() {{ return {e}; }} }})"),
    ("sync", "({{ get g() {{ return {e}; }} }})"), ("sync", "(function (a = {e}) {{ return a; }})"),
    ("async", "(async function* () {{ yield {e}; }})"), ("async", "({{ async m() {{ return {e}; }} }})"),
]
_TS_EXPR_WRAPPERS = [("same", "({e}) as number"), ("same", "({e})!"), ("same", "({e}) satisfies unknown"),
                     ("same", "(<T,>(v: T) => v)({e})"), ("same", "(<unknown>({e}))")]


@st.composite
def expression(draw, ctx: str, names: _Names, ts: bool, depth: int = 2) -> str:
    """An expression; contains an ``await`` only where ``ctx`` allows it ("module"/"async")."""
    can_await = ctx in ("module", "async")
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        return draw(st.sampled_from(AWAIT_EXPRS + PLAIN_EXPRS if can_await else PLAIN_EXPRS))
    inner_kind, template = draw(st.sampled_from(_EXPR_WRAPPERS + (_TS_EXPR_WRAPPERS if ts else [])))
    inner_ctx = ctx if inner_kind == "same" else inner_kind
    inner = draw(expression(inner_ctx, names, ts, depth - 1))
    return template.format(e=inner, k=names())


@st.composite
def statement(draw, ctx: str, names: _Names, ts: bool, depth: int = 0) -> str:
    can_await = ctx in ("module", "async")
    k = names()
    kinds = ["expr", "noise", "decl", "nest", "boundary"]
    if can_await:
        kinds += ["await", "await", "for_await", "await_using", "tla_form"]
    if ctx == "module":
        kinds += ["lookalike"]
    if ts:
        kinds += ["ts"]
    kind = draw(st.sampled_from(kinds))
    if depth >= 3 and kind in ("nest", "boundary"):
        kind = "expr"
    if kind == "expr":
        return draw(expression(ctx, names, ts)) + ";"
    if kind == "noise":
        return draw(st.sampled_from(NOISE)).replace("using us", f"using us{k}").replace(
            "label:", f"label{k}:").replace("break label", f"break label{k}").replace("{ await: aw }", f"{{ await: aw{k} }}")
    if kind == "decl":
        e = draw(expression(ctx, names, ts))
        return draw(st.sampled_from([
            f"const c{k} = {e};", f"let l{k} = {e};", f"var v{k} = {e};", f"export const e{k} = {e};",
            f"const {{ d{k} = {e} }} = {{}};", f"const [a{k} = {e}] = [];", f"let z{k}; ({{ z{k} = {e} }} = {{}});",
            f"class K{k} {{ [{e}] = 1; }}", f"class K{k} {{ static [{e}]() {{}} }}",
            f"class K{k} extends ({e}, Object) {{}}", f"const t{k} = `${{{e}}}`;",
        ] + ([f"const n{k}: unknown = {e};", f"let m{k}!: unknown; m{k} = {e};"] if ts else [])))
    if kind == "await":
        return draw(st.sampled_from(AWAIT_EXPRS)) + ";"
    if kind == "for_await":
        return draw(st.sampled_from([
            f"for await (const x{k} of []) {{}}", "for await (x of y) ;", f"for\nawait (const x{k} of []) {{}}",
            f"for /* c */ await (const x{k} of []) {{}}", f"lf{k}: for await (const x{k} of []) break lf{k};",
        ]))
    if kind == "await_using":
        return draw(st.sampled_from([f"await using u{k} = null;", f"{{ await using u{k} = null; }}"]))
    if kind == "tla_form":
        forms = oracle_gen.TLA_FORMS + (oracle_gen.TLA_FORMS_TS if ts else [])
        form = draw(st.sampled_from(forms))
        return form.format(k=f"q{k}", S=json.dumps("./m.js"))
    if kind == "lookalike":
        look = oracle_gen.LOOKALIKES + (oracle_gen.LOOKALIKES_TS if ts else [])
        return draw(st.sampled_from(look)).format(k=f"q{k}")
    if kind == "ts":
        return draw(st.sampled_from(TS_NOISE)).replace("Aw ", f"Aw{k} ").replace("Iw ", f"Iw{k} ").replace(
            " df(", f" df{k}(").replace(" dc:", f" dc{k}:").replace(" gen:", f" gen{k}:").replace(
            "'virtual'", f"'virtual{k}'").replace(" n:", f" n{k}:").replace(" Tq ", f" Tq{k} ").replace(
            " Ab ", f" Ab{k} ").replace(" En ", f" En{k} ").replace(" g:", f" g{k}:").replace(" ov(", f" ov{k}(")
    body_n = draw(st.integers(0, 3))
    if kind == "nest":
        # transparent: what is inside stays top-level
        inner = " ".join(draw(statement(ctx, names, ts, depth + 1)) for _ in range(body_n))
        return draw(st.sampled_from([
            "{{ {b} }}", "if (c) {{ {b} }}", "if (c) {{}} else {{ {b} }}", "while (c) {{ {b} }}",
            "for (;;) {{ {b} break; }}", "do {{ {b} }} while (0);", "try {{ {b} }} catch {{}}",
            "try {{}} catch (e{k}) {{ {b} }}", "try {{}} finally {{ {b} }}", "lb{k}: {{ {b} }}",
            "switch (c) {{ case 1: {b} }}", "switch (c) {{ default: {{ {b} }} }}",
            "for (const i{k} of []) {{ {b} }}", "for (const i{k} in {{}}) {{ {b} }}",
        ])).format(b=inner, k=k)
    # boundary: a function-like body
    wrapper = draw(st.sampled_from([
        ("sync", "function f{k}() {{ {b} }}"), ("async", "async function f{k}() {{ {b} }}"),
        ("sync", "function* g{k}() {{ {b} }}"), ("async", "async function* g{k}() {{ {b} }}"),
        ("sync", "const a{k} = () => {{ {b} }};"), ("async", "const a{k} = async () => {{ {b} }};"),
        ("sync", "class C{k} {{ m() {{ {b} }} }}"), ("async", "class C{k} {{ async m() {{ {b} }} }}"),
        ("sync", "class C{k} {{ static {{ {b} }} }}"), ("async", "const o{k} = {{ async m() {{ {b} }} }};"),
        ("sync", "const o{k} = {{ get g() {{ {b} return 1; }} }};"), ("sync", "class C{k} {{ constructor() {{ {b} }} }}"),
        ("async", "class C{k} {{ static async #p() {{ {b} }} }}"), ("async", "(async () => {{ {b} }})();"),
    ] + ([("sync", "namespace N{k} {{ {b} }}"), ("async", "async function f{k}(): Promise<void> {{ {b} }}")] if ts else [])))
    inner_ctx, template = wrapper
    inner = " ".join(draw(statement(inner_ctx, names, ts, depth + 1)) for _ in range(body_n))
    return template.format(b=inner, k=k)


@st.composite
def module_sources(draw, ts: bool = False) -> str:
    """A module body: a few statements (nested), joined by newlines or spaces."""
    names = _Names()
    stmts = draw(st.lists(statement("module", names, ts), min_size=1, max_size=5))
    sep = draw(st.sampled_from(["\n", " ", "\n\n"]))
    return sep.join(stmts) + "\n"


@st.composite
def invalid_await_sources(draw, ts: bool = False) -> str:
    """A single ``await`` beyond a boundary, where V8 rejects the module (no real TLA elsewhere):
    tla-lens must not report TLA for it."""
    names = _Names()
    e = draw(st.sampled_from(["await 0", "await x", "await import('./m.js')"]))
    k = names()
    where = draw(st.sampled_from([
        "function f() {{ {e}; }}", "function* g() {{ {e}; }}", "const a = () => {{ {e}; }};", "const a = () => {e};",
        "class C {{ x = {e}; }}", "class C {{ static x = {e}; }}", "class C {{ static {{ {e}; }} }}",
        "class C {{ m() {{ {e}; }} }}", "const o = {{ m() {{ {e}; }} }};", "function f(a = {e}) {{}}",
        "async function f(a = {e}) {{}}", "const a = async (p = {e}) => p;", "class C {{ #x = {e}; }}",
        "class C {{ static {{ for await (const q of []) {{}} }} }}", "function f() {{ for await (const q of []) {{}} }}",
        "const o = {{ get g() {{ return {e}; }} }};",
    ]))
    extra = draw(st.lists(statement("sync", names, ts), max_size=2))  # no await outside async functions
    return "\n".join([where.format(e=e, k=k)] + extra) + "\n"


# ------------------------------------------------------------------------------ elision
IMPORT_FORMS = [
    "import {{ a as l{k} }} from {S};", "import l{k} from {S};", "import * as l{k} from {S};",
    "import {{ type a as l{k} }} from {S};", "import type {{ a as l{k} }} from {S};", "import type l{k} from {S};",
    "import type * as l{k} from {S};", "import l{k}, {{ b as lb{k} }} from {S};", "import l{k}, * as ln{k} from {S};",
    "import {{ a as l{k}, type b as lt{k} }} from {S};", "import {{ type a as lt{k}, b as l{k} }} from {S};",
    "import {S};", "import {{}} from {S};", "import type {{}} from {S};", "import {{ type a as lt{k} }} from {S}; let u{k}: lt{k};",
    "export {{ a as r{k} }} from {S};", "export {{ type a as r{k} }} from {S};", "export type {{ a as r{k} }} from {S};",
    "export {{ type a as r{k}, b as rb{k} }} from {S};", "export * from {S};", "export type * from {S};",
    "export * as r{k} from {S};", "export type * as r{k} from {S};", "export {{ default as r{k} }} from {S};",
    "export {{}} from {S};", "import {{ 'a' as l{k} }} from {S};", "import {{ default as l{k} }} from {S};",
    "import l{k} from {S} with {{ type: 'json' }};", "import {{ a as l{k} }} from {S} with {{}};",
    "declare module 'amb{k}' {{ import {{ a as l{k} }} from {S}; }}",
    "import\n  {{ a as l{k} }}\n  from {S}\n;", "import /* type */ {{ a as l{k} }} from {S};",
]
USES = [
    "", "void l{k};", "l{k}();", "new l{k}();", "export {{ l{k} }};", "export default l{k};", "export type {{ l{k} }};",
    "export {{ type l{k} }};", "let v{k}: l{k};", "let v{k}: typeof l{k};", "let v{k}: l{k}.T;", "let v{k}: typeof l{k}.p;",
    "const v{k} = l{k}.p;", "const v{k} = typeof l{k};", "declare const v{k}: typeof l{k};", "class X{k} implements l{k} {{}}",
    "class X{k} extends l{k} {{}}", "interface I{k} extends l{k} {{}}", "const v{k} = x as l{k};", "const v{k} = x satisfies l{k};",
    "{{ const l{k} = 1; void l{k}; }}", "function f{k}(l{k}: number) {{ return l{k}; }}", "const v{k} = {{ l{k} }};",
    "const v{k} = {{ l{k}: 1 }}.l{k};", "type T{k} = {{ [l{k}]: 1 }};", "enum E{k} {{ A = l{k} }}", "let v{k}: Array<typeof l{k}>;",
    "namespace N{k} {{ export const x = l{k}; }}", "declare namespace D{k} {{ const x: typeof l{k}; }}",
    "const v{k} = l{k}!;", "const v{k} = `${{l{k}}}`;", "function g{k}(p = l{k}) {{ return p; }}",
    "label{k}: for (;;) break label{k};", "let v{k}: import('./x').T = l{k} as any;", "export = l{k};",
] + list(oracle_gen.TS_USAGES)


@st.composite
def elision_sources(draw) -> str:
    n = draw(st.integers(1, 5))
    lines = []
    uses = []
    for i in range(n):
        k = i + 1
        S = draw(st.sampled_from(['"./m{i}"', "'./m{i}.js'"])).format(i=i)
        lines.append(draw(st.sampled_from(IMPORT_FORMS)).format(k=k, S=S))
        for _ in range(draw(st.integers(0, 2))):
            uses.append(draw(st.sampled_from(USES)).format(k=k))
    body = draw(st.permutations(lines + uses))
    return "\n".join(body) + "\n"


# ------------------------------------------------------------------------------ workspaces
@st.composite
def workspaces(draw):
    """(oracle_gen.Workspace, extra statements per file): the oracle's generator, shrinkable."""
    rng = draw(st.randoms(use_true_random=False))
    gen = oracle_gen._Gen(0)
    gen.rng = rng
    ws = gen.build()
    esm = sorted(p for p, kind in ws.modules.items() if kind == "esm" and not p.startswith("node_modules/"))
    for path in draw(st.lists(st.sampled_from(esm), max_size=3, unique=True)) if esm else []:
        ts = path.endswith((".ts", ".mts", ".tsx"))
        extra = draw(module_sources(ts=ts))
        if path.endswith(".tsx"):
            extra = extra.replace("<T,>", "<T extends unknown>")
        ws.files[path] = ws.files[path] + extra.replace("'./m.js'", "'data:text/javascript,'")
    return ws


# ------------------------------------------------------------------------------ package maps
PKG_FILES = ["index.js", "dist/a.js", "dist/b.mjs", "dist/c.cjs", "dist/node.js", "dist/browser.js",
             "src/feat/one.js", "src/feat/two.mjs", "src/feat/sub/three.js", "lib/x/y.js", "lib/z.js",
             "private/secret.js", "package.json"]
PKG_TARGETS = ["./index.js", "./dist/a.js", "./dist/b.mjs", "./dist/c.cjs", "./dist/node.js", "./dist/browser.js",
               "./lib/z.js", "./missing.js", "../outside.js", "./node_modules/x.js", "dist/a.js", "./dist/", "./dist",
               "./package.json", "./dist/%61.js", "./lib/./z.js"]
PATTERN_TARGETS = ["./src/feat/*.js", "./src/feat/*", "./lib/*.js", "./lib/*/y.js", "./private/*.js", "./dist/*.js"]
CONDITIONS = ["import", "require", "node", "default", "browser", "types", "module-sync", "deno", "development"]


def _target(draw, pattern: bool, depth: int = 0):
    kind = draw(st.sampled_from(["str", "str", "null", "cond", "array"] if depth < 2 else ["str", "null"]))
    if kind == "str":
        return draw(st.sampled_from(PATTERN_TARGETS if pattern else PKG_TARGETS))
    if kind == "null":
        return None
    if kind == "array":
        return [_target(draw, pattern, depth + 1) for _ in range(draw(st.integers(1, 3)))]
    keys = draw(st.lists(st.sampled_from(CONDITIONS), min_size=1, max_size=3, unique=True))
    return {c: _target(draw, pattern, depth + 1) for c in keys}


EXPORT_KEYS = [".", "./a", "./b", "./feat/*", "./feat/*.js", "./lib/*", "./x/*/y", "./package.json", "./blocked",
               "./feat/sub/*", "./dist/", "./*", "./lib/*.js"]
IMPORT_KEYS = ["#a", "#b", "#feat/*", "#dep", "#dep/*", "#lib/*.js", "#", "#/x"]
SPECS_APP = ["pkg", "pkg/a", "pkg/b", "pkg/feat/one", "pkg/feat/one.js", "pkg/feat/two", "pkg/feat/sub/three",
             "pkg/feat/sub/three.js", "pkg/lib/x", "pkg/lib/z.js", "pkg/x/q/y", "pkg/x/x/y", "pkg/package.json",
             "pkg/blocked", "pkg/nope", "pkg/dist/a.js", "pkg/secret", "pkg/index.js", "pkg/lib/x/y",
             "#a", "#b", "#feat/one", "#feat/sub/three", "#dep", "#dep/a", "#lib/z.js", "#nope", "#", "#/x"]


@st.composite
def package_layouts(draw):
    """(files {rel: text}, specifiers to resolve from app/src/main.js)."""
    if draw(st.booleans()):
        exports = _target(draw, False)
    else:
        keys = draw(st.lists(st.sampled_from(EXPORT_KEYS), min_size=1, max_size=6, unique=True))
        exports = {key: _target(draw, "*" in key) for key in keys}
    pkg = {"name": "pkg", "version": "1.0.0"}
    if draw(st.booleans()):
        pkg["type"] = "module"
    if draw(st.booleans()):
        pkg["main"] = draw(st.sampled_from(["./dist/a.js", "index.js", "./missing.js", "dist/node"]))
    pkg["exports"] = exports
    imports = {}
    for key in draw(st.lists(st.sampled_from(IMPORT_KEYS), max_size=4, unique=True)):
        if key.startswith("#dep"):
            imports[key] = draw(st.sampled_from(["pkg", "pkg/a", "pkg/*", "pkg/feat/*", "./src/*.js"] if "*" in key
                                                 else ["pkg", "pkg/a", "pkg/feat/one", "node:fs", "fs", "./src/local.js"]))
        elif "*" in key:
            imports[key] = draw(st.sampled_from(["./src/*", "./src/*.js", "./node_modules/pkg/src/feat/*.js", "pkg/feat/*"]))
        else:
            imports[key] = draw(st.one_of(st.sampled_from(["./src/local.js", "../x.js", "./src/missing.js", "pkg/a"]),
                                          st.fixed_dictionaries({"import": st.just("./src/local.js"),
                                                                 "default": st.just("./src/other.js")})))
    files = {f"node_modules/pkg/{f}": "export {};\n" for f in PKG_FILES if f != "package.json"}
    files["node_modules/pkg/package.json"] = json.dumps(pkg, indent=1)
    files["package.json"] = json.dumps({"name": "app", "type": "module", "imports": imports}, indent=1)
    for f in ("src/main.js", "src/local.js", "src/other.js", "src/feat/one.js", "src/lib/z.js"):
        files[f] = "export {};\n"
    specs = draw(st.lists(st.sampled_from(SPECS_APP), min_size=4, max_size=12, unique=True))
    return files, specs
