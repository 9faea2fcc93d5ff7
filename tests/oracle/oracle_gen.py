"""Random workspace generator for the V8 oracle test (deterministic for a given seed).

A generated workspace is a real directory tree (package.json with "type": "module", a tsconfig.json
with a `@/*` paths alias, JS/TS/JSON/CJS files under src/, sometimes a package under node_modules)
plus ``oracle.json``: the generator's ground truth, which the Node harness (oracle_harness.mjs) uses
to link V8 modules instead of resolving anything itself:

    {"seed": 12,
     "modules": {"src/m0.ts": "esm", "src/c1.cjs": "cjs", "src/data2.json": "json", ...},
     "links": {"src/m0.ts": {"./m3.js": "src/m3.ts", ...}, ...}}

Every specifier it writes is one that a bundler-style TypeScript resolver resolves to exactly one
file (basenames are unique across extensions, directories `dN` have exactly one index file and no
sibling `dN.*`). Every file it writes is legal ECMAScript/TypeScript that V8 (after TypeScript's
transpileModule for .ts/.mts/.tsx) parses and links.

Reproduce a workspace:  python tests/oracle/oracle_gen.py SEED OUTDIR
"""
from __future__ import annotations

import json
import posixpath
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------------------------
# Snippets. `{k}` is a unique counter (fresh names), `{S}` a specifier (for dynamic imports).

# Top-level await, legal in JS and TS module code. Each is a statement list.
TLA_FORMS = [
    "await 0;",
    "export const x{k} = await Promise.resolve(1);",
    "{{ await 0; }}",
    "if (false) {{ await 0; }}",
    "if (Math.random() > 2) await 0; else {{}}",
    "while (false) {{ await 0; }}",
    "do {{ await 0; }} while (false);",
    "for (let i{k} = 0; i{k} < 0; i{k}++) {{ await i{k}; }}",
    "for (const x{k} of []) await x{k};",
    "for (const k{k} in {{}}) {{ await k{k}; }}",
    "for (const x{k} of [await 0]) {{}}",
    "try {{ await 0; }} catch {{}}",
    "try {{}} catch (e{k}) {{ await e{k}; }}",
    "try {{}} finally {{ await 0; }}",
    "switch (0) {{ case 1: await 0; break; default: }}",
    "switch (await 0) {{}}",
    "lbl{k}: {{ await 0; break lbl{k}; }}",
    "if (true) lbl{k}: for (;;) {{ await 0; break lbl{k}; }}",
    "for await (const x{k} of []) {{}}",
    "class K{k} {{ [await \"k\"]() {{}} }}",
    "class K{k} {{ static [await \"k\"] = 1; }}",
    "class K{k} extends (await Promise.resolve(Object)) {{}}",
    "const t{k} = `a${{await 0}}b`;",
    "String.raw`${{await 0}}`;",
    "const {{ a: d{k} = await 0 }} = {{}};",
    "const [d{k} = await 0] = [];",
    "let d{k}; ({{ d{k} = await 0 }} = {{}});",
    "const c{k} = true ? 0 : await 1;",
    "const c{k} = 0 || (await 1);",
    "const a{k} = [await 0];",
    "const o{k} = {{ k: await 0 }};",
    "const o{k} = {{ [await \"k\"]: 1 }};",
    "const o{k} = {{ [await \"m\"]() {{ return 1; }} }};",
    "console.log(await 0);",
    "const n{k} = (await 0) + 1;",
    "await new Promise((r) => r(0));",
    "const q{k} = [async () => 1, await 0];",
    "void (0, await 0);",
    "await using u{k} = null;",
    "const m{k} = await import({S});",
    "// await in a comment first\nawait 0; // then for real",
    "await\n0;",
    "export const nl{k} = await\n  Promise.resolve(1);",
    "for await\n  (const x{k} of []) {{}}",
    "await /* c */ 0;",
    "for /* c */ await (const x{k} of []) {{}}",
    "const g{k} = ({{ get [await \"k\"]() {{ return 1; }} }});",
    "const oc{k} = globalThis?.[await \"x\"];",
    "const nw{k} = new (await Promise.resolve(Object))();",
    "const aa{k} = await await 0;",
    "const to{k} = typeof await 0;",
    "lab{k}: await 0;",
    "if (Math.random() > 2) {{}} else await 0;",
    "while (await 0) {{ break; }}",
    "for (; await 0;) {{}}",
    "for (const x{k} of await Promise.resolve([])) {{}}",
    "switch (1) {{ case await 0: break; }}",
    "if (false) throw await 0;",
    "export const {{ ex{k} = await 0 }} = {{}};",
    "(await 0, 1);",
    "const b{k} = !(await 0);",
    "const sp{k} = [...await Promise.resolve([])];",
    "const cl{k} = class {{ static [await \"k\"] = 1; }};",
    "const f{k} = async () => 0, v{k} = await f{k}();",
    "await (async () => {{ await 0; }})();",
    "const rx{k} = /[/]await/g; await 0;",
]
# A module's default export, with top-level await.
DEFAULT_TLA = [
    "export default await Promise.resolve(0);",
    "export default (await 0);",
    "export default class extends (await Promise.resolve(Object)) {}",
    "const dflt = await 0;\nexport { dflt as default };",
]
# Only legal in TypeScript files.
TLA_FORMS_TS = [
    "const ta{k} = (await 0) as number;",
    "const tb{k} = (await Promise.resolve(0))!;",
    "const tc{k}: number = await 0;",
    "const td{k} = (await 0) satisfies number;",
    "const ang{k} = <number>await 0;",
    "const gg{k} = <T,>(x: T) => x; await gg{k}(0);",
    "let de{k}!: number; de{k} = await 0;",
    "const nn{k} = (await 0)! as unknown as string;",
]

# Non-TLA lookalikes (await behind a function boundary, in names, strings, comments, regexes).
LOOKALIKES = [
    "async function af{k}() {{ await 0; }}",
    "const ar{k} = async () => await 0;",
    "const ar{k} = async () => {{ for await (const x of []) {{}} }};",
    "const ar{k} = async (a = 1) => {{ await using z = null; return a; }};",
    "const fe{k} = async function () {{ await 0; }};",
    "const o{k} = {{ async m() {{ await 0; }}, await: 1 }}; o{k}.await;",
    "const o{k} = {{ await: {{ await: 1 }} }}.await.await;",
    "class C{k} {{ async m() {{ await 0; }} }}",
    "class C{k} {{ x = (async () => {{ await 0; }})(); }}",
    "class C{k} {{ static {{ (async () => {{ await 0; }})(); }} }}",
    "class C{k} {{ static s = async () => await 0; }}",
    "class C{k} {{ get g() {{ return (async () => await 0)(); }} }}",
    "class C{k} {{ [(async () => await 0)()] = 1; }}",
    "class C{k} extends (async () => {{ await 0; return Object; }}, Object) {{}}",
    "function pd{k}(a = async () => await 0) {{ return a; }}",
    "function* g{k}() {{ yield 0; }}",
    "async function* ag{k}() {{ for await (const x of []) yield x; }}",
    "const s{k} = \"await 0\" + 'await x' + `await ${{1}}`;",
    "const re{k} = /await 0/;",
    "// await 0",
    "/* await foo;\n   for await (const x of y) {{}} */",
    "const i{k} = {{ await() {{ return 1; }} }}; i{k}.await();",
    "const w{k} = [1].map(async (v) => await v);",
    "setTimeout(async () => {{ await 0; }}, 0);",
    "using us{k} = null;",
    "label{k}: for (const x of []) {{ break label{k}; }}",
    "class C{k} {{ async #p() {{ await 0; }} static async *g() {{ await 0; }} }}",
    "const oa{k} = {{ async *g() {{ for await (const x of []) yield x; }} }};",
    "class C{k} {{ constructor() {{ (async () => {{ await 0; }})(); }} }}",
    "function f{k}() {{ return async function () {{ await 0; }}; }}",
    "const t{k} = `${{async () => await 0}}`;",
    "const tt{k} = (async () => 0)`await`;",
    "const rx{k} = /[/]await 0/g;",
    "const dv{k} = 4 / 2 / 1; // await 0",
    "const es{k} = \"\\\" await 0\";",
    "const tp{k} = `${{`${{'await'}}`}}`;",
    "async () => {{ await 0; }};",
    "class C{k} {{ await = 1; static await() {{}} }}",
    "const {{ await: aw{k} }} = {{ await: 1 }};",
    "const ob{k} = {{ await() {{}}, async await2() {{ await 0; }} }};",
    "if (false) {{ const f = async () => {{ await 0; }}; }}",
]
LOOKALIKES_TS = [
    "type Aw{k} = Awaited<Promise<number>>;",
    "interface Iw{k} {{ await: number; }}",
    "declare function df{k}(): Promise<void>;",
    "declare module \"virtual-{k}\" {{ const x: number; export default x; }}",
    "abstract class Ab{k} {{ abstract m(): Promise<void>; async n(): Promise<void> {{ await 0; }} }}",
    "enum E{k} {{ A = 1, B = 2 }}",
    "const gx{k} = <T,>(x: T): T => x;",
    "const ag{k} = async <T,>(x: T): Promise<T> => await x;",
    "class C{k} {{ constructor(private readonly p: number = 1) {{}} async m(): Promise<void> {{ await 0; }} }}",
    "declare const dc{k}: {{ await: Promise<void> }};",
    "function ov{k}(): void; function ov{k}(x?: number) {{ return x; }}",
    "namespace Ns{k} {{ export async function f() {{ await 0; }} }}",
    "let gen{k}: Array<Promise<void>> = [];",
]

# How a TypeScript file uses an imported value binding `l{k}` (or does not, in spite of its name
# appearing). TypeScript's transpileModule decides whether the import survives.
TS_USAGES = [
    "enum E{k} {{ A = l{k} }}",
    "const o{k} = {{ l{k}: 1 }}; o{k}.l{k};",
    "l{k}: for (;;) break l{k};",
    "function tp{k}<l{k}>(x: l{k}) {{ return x; }}",
    "{{ const l{k} = 1; void l{k}; }}",
    "try {{}} catch (l{k}) {{ void l{k}; }}",
    "const f{k} = ({{ l{k} }}: any) => l{k};",
    "class Cl{k} {{ l{k} = 1; l{k}2() {{}} }}",
    "const sp{k} = {{ l{k} }};",
    "namespace N{k} {{ export const x = l{k}; }}",
    "declare namespace N{k} {{ const x: typeof l{k}; }}",
    "class X{k} extends (l{k} as any) {{}}",
    "type K{k} = {{ [l{k}]: number }};",
    "const y{k} = l{k}!;",
    "for (const l{k} of []) {{}}",
    "function fv{k}() {{ var l{k} = 1; return l{k}; }}",
    "const x{k} = `${{l{k}}}`;",
    "function fu{k}() {{ return l{k}; }}",
    "const ar{k} = (l{k}: number) => l{k};",
    "const ai{k} = () => l{k};",
    "export {{ l{k} as el{k} }};",
    "export type {{ l{k} as et{k} }};",
    "let tq{k}: typeof l{k}[] = [];",
    "declare module \"virtual-{k}\" {{ export const x: typeof l{k}; }}",
    "class Ci{k} implements Partial<{{ v: typeof l{k} }}> {{}}",
    "const gi{k} = new Map<string, typeof l{k}>();",
    "function fd{k}(p = l{k}) {{ return p; }}",
    "function fs{k}(l{k} = 1) {{ return l{k}; }}",
    "class Cs{k} {{ m(l{k}: number) {{ return l{k}; }} }}",
]

ESM_EXTS = [(".js", 30), (".ts", 30), (".mjs", 7), (".mts", 6), (".tsx", 7), (".jsx", 3)]
TS_EXTS = {".ts", ".mts", ".tsx", ".cts"}


@dataclass
class Node:
    path: str  # POSIX, relative to the workspace root
    kind: str  # "esm" | "cjs" | "json"
    idx: int
    is_index: bool = False
    tla: bool = False
    lines: list = field(default_factory=list)

    @property
    def ext(self) -> str:
        return posixpath.splitext(self.path)[1]

    @property
    def is_ts(self) -> bool:
        return self.ext in TS_EXTS


def _weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs)
    return rng.choices(items, weights=weights)[0]


@dataclass
class Workspace:
    seed: int
    files: dict  # relpath -> text
    modules: dict  # relpath -> kind
    links: dict  # relpath -> {specifier: relpath}
    verbatim: bool
    features: set = field(default_factory=set)

    def write(self, root: Path) -> Path:
        root.mkdir(parents=True, exist_ok=True)
        for rel, text in self.files.items():
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")
        (root / "oracle.json").write_text(
            json.dumps({"seed": self.seed, "modules": self.modules, "links": self.links}, indent=1),
            encoding="utf-8",
        )
        return root


class _Gen:
    def __init__(self, seed: int):
        self.seed = seed
        self.rng = random.Random(seed)
        self.k = 0
        self.links: dict[str, dict[str, str]] = {}
        self.features: set[str] = set()  # what this workspace exercises (for the coverage test)

    def fresh(self) -> int:
        self.k += 1
        return self.k

    # ---------------------------------------------------------------- specifiers
    def spec(self, src: Node, dst: Node, allow_alias: bool = True) -> str:
        """A specifier from src to dst that a bundler-style TS resolver resolves to dst only."""
        rng = self.rng
        if dst.path.startswith("node_modules/"):
            pkg = dst.path.split("/")[1]
            s = pkg if dst.path.endswith("/index.js") else f"{pkg}/feature"
            self.features.add("spec:package" if s == pkg else "spec:package-subpath")
            self.links.setdefault(src.path, {})[s] = dst.path
            return s
        ext = dst.ext
        target = dst.path
        # Which spellings of the file name point at it.
        if dst.is_index:
            d = posixpath.dirname(target)
            options = [d, d, f"{d}/index" if ext not in (".mts", ".mjs") else None]
            if ext in (".ts", ".tsx"):
                options.append(f"{d}/index.js")
            elif ext == ".js":
                options.append(f"{d}/index.js")
            options = [o for o in options if o]
            body = rng.choice(options)
            self.features.add("spec:directory" if body == d else "spec:index-file")
        else:
            stem = target[: -len(ext)]
            choices = {
                ".js": [stem + ".js", stem + ".js", stem],
                ".jsx": [stem + ".jsx", stem],
                ".ts": [stem + ".js", stem + ".js", stem, stem + ".ts"],
                ".tsx": [stem + ".js", stem],
                ".mjs": [stem + ".mjs"],
                ".mts": [stem + ".mjs", stem + ".mts"],
                ".cjs": [stem + ".cjs"],
                ".cts": [stem + ".cjs", stem + ".cts"],
                ".json": [stem + ".json"],
            }[ext]
            body = rng.choice(choices)
            self.features.add(f"spec:{ext}->" + (posixpath.splitext(body)[1] if body != stem else "extensionless"))
        r = rng.random()
        if allow_alias and body.startswith("src/") and r < 0.2:
            s = "@/" + body[len("src/"):]
            self.features.add("spec:paths-alias")
        elif body == target and ext in (".js", ".mjs", ".cjs", ".json") and r < 0.3 and \
                not target.startswith("src/legacy/"):
            # package.json "imports" (exact file, no extension substitution needed)
            s = "#src/" + body[len("src/"):]
            self.features.add("spec:package-imports")
        else:
            s = posixpath.relpath(body, posixpath.dirname(src.path))
            if not s.startswith("."):
                s = "./" + s
        self.links.setdefault(src.path, {})[s] = dst.path
        return s

    # ---------------------------------------------------------------- imports
    def import_stmt(self, src: Node, dst: Node, body: list[str], verbatim: bool) -> str:
        """One static import/re-export statement from src to dst (and maybe a use in body)."""
        rng = self.rng
        k = self.fresh()
        S = json.dumps(self.spec(src, dst))
        j = dst.idx
        if dst.kind == "json":
            form = rng.choice(["default", "default", "reexport"])
            self.features.add(f"import-json:{form}")
            if form == "default":
                if rng.random() < 0.5:
                    body.append(f"void j{k};")
                return f"import j{k} from {S} with {{ type: \"json\" }};"
            return f"export {{ default as r{k} }} from {S} with {{ type: \"json\" }};"
        if dst.kind == "cjs":
            form = rng.choice(["default", "side", "empty", "ns"])
            self.features.add(f"import-cjs:{form}")
            if form == "default":
                if rng.random() < 0.5:
                    body.append(f"void c{k};")
                return f"import c{k} from {S};"
            if form == "ns":
                return f"import * as cn{k} from {S};"
            if form == "empty":
                return f"import {{}} from {S};"
            return f"import {S};"
        forms = [
            ("default", 4), ("named", 4), ("renamed", 4), ("namespace", 3), ("side", 3), ("empty", 2),
            ("star", 2), ("reexport", 2), ("reexport_default", 1), ("star_ns", 2), ("mixed", 2),
            ("string_names", 1), ("empty_attributes", 1), ("multiline", 2),
        ]
        if src.is_ts:
            forms += [
                ("type_only", 3), ("type_ns", 1), ("inline_type", 3), ("inline_type_mixed", 2),
                ("type_position", 4), ("unused_ts", 3), ("export_type", 1), ("export_type_star", 1),
                ("value_typeof", 1), ("shadowed", 1), ("reexport_local", 1), ("default_type_position", 2),
                ("ns_type_position", 1), ("usage", 10), ("export_inline_type", 1),
            ]
        form = _weighted(rng, forms)
        self.features.add(f"import:{form}" + ("" if not src.is_ts else ":verbatim" if verbatim else ":default"))
        use = rng.random() < 0.6  # JS-ish forms: use the binding as a value or not (engines never elide)
        if form == "default":
            if use:
                body.append(rng.choice([f"void d{k};", f"export const u{k} = () => d{k};", f"console.log(d{k});"]))
            return f"import d{k} from {S};"
        if form == "named":
            if use:
                body.append(f"export const u{k} = [l{k}];")
            return f"import {{ m{j}_a as l{k} }} from {S};" if rng.random() < 0.5 else \
                f"import {{ m{j}_a as l{k}, m{j}_b as lb{k} }} from {S};"
        if form == "renamed":
            if use:
                body.append(f"void n{k};")
            return f"import {{ m{j}_b as n{k}, default as dd{k} }} from {S};"
        if form == "namespace":
            if use:
                body.append(f"void ns{k}.m{j}_a;")
            return f"import * as ns{k} from {S};"
        if form == "side":
            return f"import {S};"
        if form == "empty":
            return f"import {{}} from {S};"
        if form == "string_names":
            if use:
                body.append(f"void s{k};")
            return rng.choice([f"import {{ \"m{j}_a\" as s{k} }} from {S};",
                               f"export {{ \"m{j}_a\" as \"r{k} name\" }} from {S};",
                               f"export * as \"r{k} ns\" from {S};"])
        if form == "empty_attributes":
            return f"import * as ns{k} from {S} with {{}};"
        if form == "multiline":
            if use:
                body.append(f"void [l{k}, d{k}];")
            q = S if rng.random() < 0.5 else "'" + json.loads(S) + "'"
            return rng.choice([
                f"import /* comment */ d{k}, {{\n  m{j}_a as l{k}, // why\n  m{j}_b as lb{k},\n}} from\n  {q};",
                f"import d{k}, {{ m{j}_a as l{k} }}\n  from {q}\n;",
                f"import {{ m{j}_a as l{k}, default as d{k} }} from {q} // import 'fake'\n",
            ])
        if form == "star":
            return f"export * from {S};"
        if form == "reexport":
            return f"export {{ m{j}_a as r{k}, m{j}_b as rb{k} }} from {S};"
        if form == "reexport_default":
            return f"export {{ default as r{k} }} from {S};"
        if form == "star_ns":
            return f"export * as r{k} from {S};"
        if form == "mixed":
            if use:
                body.append(f"void [d{k}, ns{k}];")
            return f"import d{k}, * as ns{k} from {S};" if rng.random() < 0.5 else \
                f"import d{k}, {{ m{j}_a as l{k} }} from {S};"
        # ------------- TypeScript-only forms (elision)
        if form == "type_only":
            return f"import type {{ T{j} as T{k} }} from {S};\nlet tv{k}: T{k} | undefined;"
        if form == "type_ns":
            return f"import type * as tn{k} from {S};\nlet tv{k}: typeof tn{k} | undefined;"
        if form == "inline_type":
            body.append(f"let tv{k}: T{k} | undefined;")
            return f"import {{ type T{j} as T{k} }} from {S};"
        if form == "inline_type_mixed":
            # a type specifier plus a value specifier: value used -> kept; unused -> erased by default
            if use:
                body.append(f"void l{k};")
            return f"import {{ type T{j} as T{k}, m{j}_a as l{k} }} from {S};"
        if form == "type_position":
            body.append(rng.choice([
                f"let tp{k}: typeof l{k} | undefined;",
                f"function tf{k}(p: typeof l{k}): void {{ void p; }}",
                f"declare const dc{k}: Array<typeof l{k}>;",
                f"type Tp{k} = {{ v: typeof l{k} }};",
                f"interface If{k} {{ v: typeof l{k}; }}",
                f"declare global {{ var gv{k}: typeof l{k}; }}",
            ]))
            return f"import {{ m{j}_a as l{k} }} from {S};"
        if form == "default_type_position":
            body.append(f"let tp{k}: typeof d{k} = 0 as any;")
            return f"import d{k} from {S};"
        if form == "ns_type_position":
            body.append(f"let tp{k}: typeof ns{k}.m{j}_a | undefined;")
            return f"import * as ns{k} from {S};"
        if form == "unused_ts":
            return rng.choice([
                f"import {{ m{j}_a as l{k} }} from {S};",
                f"import d{k} from {S};",
                f"import * as ns{k} from {S};",
            ])
        if form == "export_type":
            return f"export type {{ T{j} as Te{k} }} from {S};"
        if form == "export_type_star":
            return rng.choice([f"export type * from {S};", f"export type * as Tns{k} from {S};"])
        if form == "value_typeof":
            body.append(f"const tq{k} = typeof l{k};")
            return f"import {{ m{j}_a as l{k} }} from {S};"
        if form == "shadowed":
            # the only `l{k}` references are a parameter of the same name: the import is unused
            body.append(f"function sh{k}(l{k}: number) {{ return l{k}; }}")
            return f"import {{ m{j}_a as l{k} }} from {S};"
        if form == "usage":
            usage = rng.choice(TS_USAGES)
            self.features.add(f"ts-usage:{usage}")
            if src.ext == ".tsx" and "<l{k}>" in usage:
                usage = "function fu{k}() {{ return l{k}; }}"
            body.append(usage.format(k=k))
            return f"import {{ m{j}_a as l{k} }} from {S};"
        if form == "export_inline_type":
            return rng.choice([f"export {{ type T{j} as Te{k} }} from {S};",
                               f"export {{ type T{j} as Te{k}, m{j}_a as r{k} }} from {S};"])
        if form == "reexport_local":
            body.append(f"export {{ l{k} }};")
            return f"import {{ m{j}_a as l{k} }} from {S};"
        raise AssertionError(form)

    # ---------------------------------------------------------------- files
    def build(self) -> Workspace:
        rng = self.rng
        n_esm = rng.randint(5, 40)
        p_tla = rng.choice([0.0, 0.05, 0.1, 0.15, 0.25])
        verbatim = rng.random() < 0.4
        nodes: list[Node] = []
        for i in range(n_esm):
            ext = _weighted(rng, ESM_EXTS)
            r = rng.random()
            if r < 0.12 and ext not in (".mjs", ".mts"):
                path, is_index = f"src/d{i}/index{ext}", True
            elif r < 0.3:
                path, is_index = f"src/sub/m{i}{ext}", False
            else:
                path, is_index = f"src/m{i}{ext}", False
            nodes.append(Node(path, "esm", i, is_index=is_index, tla=rng.random() < p_tla))
        for i in range(n_esm, n_esm + rng.choice([0, 0, 1, 2, 3])):
            nodes.append(Node(f"src/c{i}{rng.choice(['.cjs', '.cjs', '.cts'])}", "cjs", i))
        legacy = rng.random() < 0.3
        if legacy:
            # a folder whose package.json says "type": "commonjs": its .js files are scripts
            for i in range(len(nodes), len(nodes) + rng.choice([1, 2])):
                nodes.append(Node(f"src/legacy/l{i}.js", "cjs", i))
        for i in range(len(nodes), len(nodes) + rng.choice([0, 1, 2])):
            nodes.append(Node(f"src/data{i}.json", "json", i))
        pkg_nodes = []
        if rng.random() < 0.25:
            i = len(nodes)
            pkg = f"pkg{i}"
            a = Node(f"node_modules/{pkg}/index.js", "esm", i, tla=rng.random() < 0.3)
            b = Node(f"node_modules/{pkg}/lib/feature.js", "esm", i + 1, tla=rng.random() < 0.3)
            nodes += [a, b]
            pkg_nodes = [a, b]
        esm = [x for x in nodes if x.kind == "esm"]

        files: dict[str, str] = {}
        for node in nodes:
            if node.kind == "json":
                files[node.path] = json.dumps({"value": node.idx, "await": "not code"}) + "\n"
                continue
            if node.kind == "cjs":
                lines = ["// CommonJS: require() is never an evaluation edge, await here is a name"]
                for dst in rng.sample(esm + [x for x in nodes if x.kind == "cjs" and x is not node],
                                      k=min(len(esm), rng.choice([0, 1, 2]))):
                    k = self.fresh()
                    self.features.add("require")
                    lines.append(f"const q{k} = require({json.dumps(self.spec(node, dst, allow_alias=False))});")
                lines.append("const notTla = { await: 1 }.await;")
                if node.ext != ".cts":
                    # sloppy-mode script: `await` is an ordinary identifier
                    self.features.add("cjs-await-identifier")
                    lines.append(rng.choice([
                        "var await = function (x) { return x; };\nawait(1);\nawait\n(2);",
                        "function f(await) { return await; }\nvar o = { await: f(1) };",
                    ]))
                lines.append("module.exports = { value: notTla };")
                files[node.path] = "\n".join(lines) + "\n"
                continue
            files[node.path] = self.esm_file(node, nodes, pkg_nodes, verbatim)

        # the package(s) in node_modules
        if pkg_nodes:
            pkg = pkg_nodes[0].path.split("/")[1]
            files[f"node_modules/{pkg}/package.json"] = json.dumps({
                "name": pkg, "version": "1.0.0", "type": "module",
                "exports": {".": "./index.js", "./feature": "./lib/feature.js"},
            }, indent=1) + "\n"

        files["package.json"] = json.dumps({"name": f"ws{self.seed}", "private": True, "type": "module",
                                            "imports": {"#src/*": "./src/*"}}, indent=1) + "\n"
        if legacy:
            files["src/legacy/package.json"] = json.dumps({"type": "commonjs"}) + "\n"
        compiler = {
            "module": "esnext",
            "moduleResolution": "bundler",
            "target": "esnext",
            "allowJs": True,
            "resolveJsonModule": True,
            "allowImportingTsExtensions": True,
            "noEmit": True,
            "strict": True,
            "paths": {"@/*": ["./src/*"]},
        }
        if verbatim:
            compiler["verbatimModuleSyntax"] = True
        elif rng.random() < 0.5:
            compiler["isolatedModules"] = True
        files["tsconfig.json"] = json.dumps({"compilerOptions": compiler, "include": ["src"]}, indent=1) + "\n"
        modules = {x.path: x.kind for x in nodes}
        self.features.add(f"verbatimModuleSyntax:{verbatim}")
        self.features.update(f"file:{posixpath.splitext(x.path)[1]}" for x in nodes)
        return Workspace(self.seed, files, modules, self.links, verbatim, self.features)

    def esm_file(self, node: Node, nodes: list[Node], pkg_nodes: list[Node], verbatim: bool) -> str:
        rng = self.rng
        in_pkg = node in pkg_nodes
        if in_pkg:
            # a package only imports inside itself (relative) -- keep its graph self-contained
            candidates = [x for x in pkg_nodes if x is not node]
        else:
            candidates = [x for x in nodes if x is not node]
            if pkg_nodes and rng.random() < 0.3:
                candidates += pkg_nodes * 3
            if rng.random() < 0.04 and not node.is_index:
                candidates.append(node)  # a self-import
                self.features.add("self-import")
        n_imports = _weighted(rng, [(0, 2), (1, 3), (2, 3), (3, 2), (4, 1), (6, 1)])
        head: list[str] = []
        body: list[str] = []
        for _ in range(n_imports):
            if not candidates:
                break
            dst = rng.choice(candidates)
            if in_pkg:
                k = self.fresh()
                s = "./lib/feature.js" if dst.path.endswith("feature.js") else "../index.js"
                self.links.setdefault(node.path, {})[s] = dst.path
                head.append(f"import * as p{k} from {json.dumps(s)};")
                continue
            head.append(self.import_stmt(node, dst, body, verbatim))
        # lookalikes
        look = LOOKALIKES + (LOOKALIKES_TS if node.is_ts else [])
        if node.ext == ".tsx":
            look = [x for x in look if "<T,>" not in x]
        for _ in range(rng.randint(0, 4)):
            snippet = rng.choice(look)
            self.features.add(f"lookalike:{snippet}")
            body.append(snippet.format(k=self.fresh()))
        # dynamic imports: never an edge
        for _ in range(0 if in_pkg else rng.choice([0, 0, 1, 2])):
            dst = rng.choice([x for x in nodes if x.kind == "esm"])
            S = json.dumps(self.spec(node, dst))
            k = self.fresh()
            self.features.add("dynamic-import")
            body.append(rng.choice([
                f"const dyn{k} = import({S});",
                f"const dyn{k} = () => import({S});",
                f"async function dyn{k}() {{ return await import({S}); }}",
                f"import({S}).then((m) => m, () => null);",
            ] + ([f"let dyn{k}: typeof import({S}) | undefined;"] if node.is_ts else [])))
        own_default = "export default 0;"
        if node.tla:
            forms = TLA_FORMS + (TLA_FORMS_TS if node.is_ts else [])
            if node.ext == ".tsx":
                forms = [f for f in forms if "<number>" not in f]
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                form = rng.choice(forms + ["__default__"])
                if form == "__default__":
                    own_default = rng.choice(DEFAULT_TLA)
                    self.features.add(f"tla:{own_default}")
                    continue
                self.features.add(f"tla:{form}")
                if "{S}" in form:
                    if in_pkg:
                        S = json.dumps("./lib/feature.js" if node.path.endswith("index.js") else "../index.js")
                    else:
                        S = json.dumps(self.spec(node, rng.choice([x for x in nodes if x.kind == "esm"])))
                    body.insert(rng.randint(0, len(body)), form.format(k=self.fresh(), S=S))
                else:
                    body.insert(rng.randint(0, len(body)), form.format(k=self.fresh()))
        i = node.idx
        if node.is_ts:
            own = [f"export const m{i}_a: number = 1;", f"export const m{i}_b = 2;",
                   f"export type T{i} = {{ n: number }};", own_default]
        else:
            own = [f"export const m{i}_a = 1;", f"export const m{i}_b = 2;", own_default]
        rng.shuffle(head)
        # imports are hoisted: some may come after code
        if head and rng.random() < 0.15:
            body.insert(rng.randint(0, len(body)), head.pop())
        return "\n".join([f"// {node.path} (seed {self.seed})"] + head + body + own) + "\n"


def generate(seed: int) -> Workspace:
    return _Gen(seed).build()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: oracle_gen.py SEED OUTDIR")
    out = generate(int(sys.argv[1])).write(Path(sys.argv[2]))
    print(out)
