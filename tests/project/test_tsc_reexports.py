"""Re-exports of types that a whole-program tsc build drops (project/reexports.py).

`export { DbConfig } from "./db.js"` names a type when db.ts declares `interface DbConfig`:
tsc, which reads db.ts, drops the statement, so the module does not wait for db's top-level
await; a per-file compiler keeps it. Held to TypeScript 5.9's tsc compiling the projects and to
Node 26 loading what it emitted (`require()` of an ES module graph with a top-level await
throws ERR_REQUIRE_ASYNC_MODULE), on fixed cases and on seeded random programs."""
from __future__ import annotations

import json
import os
import random
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

DB = ("export const pool = await Promise.resolve({ size: 2 });\n"
      "export interface DbConfig { url: string }\nexport type Row = Record<string, unknown>;\n"
      "export default interface Options { retries: number }\n"
      "export const enum Mode { Read, Write }\n"
      "export namespace Shapes { export interface Point { x: number } }\n"
      "export namespace Live { export const on = true; }\n"
      "export class Client {}\n"
      "export type Both = number;\nexport const Both = 1;\n")

# (file, source, does tsc keep an import of db (directly or through the others)?)
CASES = [
    ("reexport-type", 'export { DbConfig } from "./db.js";\n', False),
    ("reexport-types-aliased", 'export { DbConfig as Config, Row } from "./db.js";\n', False),
    ("reexport-value", 'export { pool } from "./db.js";\n', True),
    ("reexport-mixed", 'export { DbConfig, Client } from "./db.js";\n', True),
    ("reexport-default-interface", 'export { default } from "./db.js";\n', False),
    ("reexport-const-enum", 'export { Mode } from "./db.js";\n', False),
    ("reexport-type-namespace", 'export { Shapes } from "./db.js";\n', False),
    ("reexport-value-namespace", 'export { Live } from "./db.js";\n', True),
    ("reexport-type-and-value-merged", 'export { Both } from "./db.js";\n', True),
    ("reexport-star", 'export * from "./db.js";\n', True),
    ("reexport-star-as", 'export * as db from "./db.js";\n', True),
    ("import-then-export", 'import { DbConfig } from "./db.js";\nexport { DbConfig };\n', False),
    ("import-then-export-default", 'import { DbConfig } from "./db.js";\nexport default DbConfig;\n', False),
    ("import-then-export-value", 'import { Client } from "./db.js";\nexport { Client as C };\n', True),
    ("import-used-and-exported", 'import { DbConfig } from "./db.js";\nexport { DbConfig };\n'
                                 'export const c: DbConfig = { url: "" };\n', False),
    ("import-namespace-exported", 'import * as db from "./db.js";\nexport { db };\n', True),
    ("through-barrel-type", 'export { DbConfig } from "./barrel.js";\n', False),
    ("through-barrel-star-type", 'export { Row } from "./star.js";\n', False),
    ("through-barrel-value", 'export { Client } from "./star.js";\n', True),
    # a package's build, read through the declaration file beside it
    ("package-type", 'export { Options } from "esm-pkg";\n', False),
    ("package-value", 'export { Client, Options } from "esm-pkg";\n', True),
    ("package-deep-type", 'import { Shape } from "esm-pkg";\nexport { Shape };\n', False),
    ("package-untyped", 'export { Options } from "untyped-pkg";\n', True),
]
PACKAGES = {
    "esm-pkg/package.json": '{"name": "esm-pkg", "type": "module", "exports": "./dist/index.js"}',
    "esm-pkg/dist/index.js": 'export * from "./shapes.js";\nexport class Client {}\n'
                             "export const ready = await Promise.resolve(true);\n",
    "esm-pkg/dist/index.d.ts": 'export * from "./shapes.js";\nexport interface Options { retries: number }\n'
                               "export declare class Client {}\nexport declare const ready: boolean;\n",
    "esm-pkg/dist/shapes.js": "export {};\n",
    "esm-pkg/dist/shapes.d.ts": "export type Shape = { x: number };\n",
    "untyped-pkg/package.json": '{"name": "untyped-pkg", "type": "module", "exports": "./index.js"}',
    "untyped-pkg/index.js": "export const Options = await Promise.resolve({});\n",
}
SUPPORT = {
    "barrel": 'export { DbConfig, pool } from "./db.js";\n',  # (a value too: it waits for db itself)
    "star": 'export * from "./db.js";\n',
}


def _write(root: Path, files: dict[str, str], scripts: dict | None, **options) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text(json.dumps({"name": "svc", "type": "module",
                                                   **({"scripts": scripts} if scripts else {})}))
    (root / "tsconfig.json").write_text(json.dumps({"compilerOptions": {
        "module": "nodenext", "target": "es2022", "outDir": "dist", "rootDir": "src", "skipLibCheck": True,
        "noEmitOnError": False, **options}, "include": ["src"]}))
    for name, text in files.items():
        (root / "src" / f"{name}.ts").parent.mkdir(parents=True, exist_ok=True)
        (root / "src" / f"{name}.ts").write_text(text)


def _tsc(root: Path, node26: Path, engines: Path) -> None:
    subprocess.run([str(node26), str(engines / "ts5/bin/tsc"), "-p", str(root)], capture_output=True,
                   text=True, timeout=300)


_PROBE = """
const out = {};
for (const f of process.argv.slice(1)) {
  try { require(f); out[f] = false; }
  catch (e) { out[f] = e.code === "ERR_REQUIRE_ASYNC_MODULE" ? true : String(e.code || e.message); }
}
console.log(JSON.stringify(out));
"""


def _node_async(root: Path, names: list[str], node26: Path) -> dict[str, object]:
    """Per emitted module: does Node find an async graph there (True/False), or another error."""
    files = [str(root / "dist" / f"{n}.js") for n in names]
    run = subprocess.run([str(node26), "-e", _PROBE, *files], capture_output=True, text=True, timeout=120)
    got = json.loads(run.stdout.strip().splitlines()[-1])
    return {n: got[f] for n, f in zip(names, files)}


@pytest.fixture
def root(tmp_path) -> Path:
    return Path(os.path.realpath(tmp_path)) / "svc"


def test_fixed_cases_as_tsc_emits_them(root, node26, engines_node_modules):
    files = {"db": DB, **SUPPORT, **{name: text for name, text, _ in CASES}}
    _write(root, files, {"build": "tsc -p ."})
    for rel, text in PACKAGES.items():
        (root / "node_modules" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "node_modules" / rel).write_text(text)
    project = analyse(root, Config(), cache=False)
    _tsc(root, node26, engines_node_modules)
    names = [name for name, _, _ in CASES]
    node = _node_async(root, names, node26)
    for name, _, kept in CASES:
        assert node[name] is kept, (name, node[name])  # (the table is right about tsc)
        assert project.modules[root / "src" / f"{name}.ts"].is_async is kept, name
    # no finding on a dropped re-export; the kept ones are reported as usual
    flagged = {f.path.stem for f in project.findings if f.code == "async-import"}
    assert "reexport-type" not in flagged and "reexport-value" in flagged
    from tla_lens.report.explain import explain

    assert explain(project, root / "src/reexport-types-aliased.ts").splitlines()[1:] == [
        "tsc drops its re-export of DbConfig, Row from './db.js' (line 1): only types in src/db.ts, an async "
        "module (tsc builds this file with the whole program; a per-file compiler keeps the statement, and waits)."]


@pytest.mark.parametrize("how", ["no build script", "tsc --noEmit", "vite", "verbatimModuleSyntax"])
def test_per_file_compilers_keep_them(how, root):
    """Without a tsc build (or where tsc keeps imports as written) the statement stays: a
    per-file compiler cannot know DbConfig is a type (the elision oracle holds that to
    transpileModule)."""
    scripts = {"no build script": None, "tsc --noEmit": {"check": "tsc --noEmit"},
               "vite": {"build": "tsc && vite build"}, "verbatimModuleSyntax": {"build": "tsc"}}[how]
    options = {"verbatimModuleSyntax": True} if how == "verbatimModuleSyntax" else {}
    _write(root, {"db": DB, "reexport-type": CASES[0][1], "import-then-export": CASES[11][1]}, scripts, **options)
    if how == "vite":
        (root / "vite.config.ts").write_text("export default {};\n")
    project = analyse(root, Config(), cache=False)
    if how == "verbatimModuleSyntax":
        # `export { DbConfig }` of a type is an error there; only an explicit `type` is erased
        assert project.modules[root / "src/reexport-type.ts"].is_async
        return
    for name in ("reexport-type", "import-then-export"):
        assert project.modules[root / "src" / f"{name}.ts"].is_async, (how, name)


def test_isolated_modules_keeps_const_enums(root, node26, engines_node_modules):
    files = {"db": DB, "enum": 'export { Mode } from "./db.js";\n', "type": 'export { Row } from "./db.js";\n'}
    _write(root, files, {"build": "tsc"}, isolatedModules=True)
    project = analyse(root, Config(), cache=False)
    _tsc(root, node26, engines_node_modules)
    node = _node_async(root, ["enum", "type"], node26)
    assert node == {"enum": True, "type": False}
    assert project.modules[root / "src/enum.ts"].is_async and not project.modules[root / "src/type.ts"].is_async


def test_editing_the_other_module_flips_the_reexport(root):
    """A re-export decided by another file's exports changes when that file does (the editor's
    buffer, then the disk), as a fresh analysis says."""
    _write(root, {"db": DB, "config": "export interface Settings { url: string }\n",
                  "barrel": 'import "./db.js";\nexport { Settings } from "./config.js";\n',
                  "app": 'export { Settings } from "./config.js";\n'}, {"build": "tsc"})
    (root / "src/config.ts").write_text("export const late = await Promise.resolve(1);\n"
                                        "export interface Settings { url: string }\n")
    project = analyse(root, Config(), cache=False)
    app = root / "src/app.ts"
    assert not project.modules[app].is_async
    value = b"export const late = await Promise.resolve(1);\nexport const Settings = { url: '' };\n"
    project.set_overlay(root / "src/config.ts", value)
    assert project.modules[app].is_async
    fresh_root = root.parent / "fresh"
    _write(fresh_root, {"config": value.decode(), "app": 'export { Settings } from "./config.js";\n'}, {"build": "tsc"})
    assert analyse(fresh_root, Config(), cache=False).modules[fresh_root / "src/app.ts"].is_async
    project.set_overlay(root / "src/config.ts", None)  # (the buffer closed: the disk again)
    assert not project.modules[app].is_async
    # a name that becomes a value through a module further down the chain
    (root / "src/types.ts").write_text("export interface Settings { url: string }\n")
    (root / "src/config.ts").write_text('export const late = await Promise.resolve(1);\n'
                                        'export * from "./types.js";\n')
    project = analyse(root, Config(), cache=False)
    assert not project.modules[app].is_async
    (root / "src/types.ts").write_text("export class Settings {}\n")
    project.files_changed([root / "src/types.ts"])
    assert project.modules[app].is_async


# -- seeded random programs --------------------------------------------------------------

_KINDS = {  # kind -> (declaration with {n}, is a value at run time)
    "interface": ("export interface {n} {{ a: number }}", False),
    "type": ("export type {n} = string;", False),
    "const": ("export const {n} = 1;", True),
    "function": ("export function {n}() {{ return 1; }}", True),
    "class": ("export class {n} {{}}", True),
    "enum": ("export enum {n} {{ A }}", True),
    "const-enum": ("export const enum {n} {{ A }}", False),
    "type-namespace": ("export namespace {n} {{ export interface Q {{}} }}", False),
    "value-namespace": ("export namespace {n} {{ export const q = 1; }}", True),
}


def _program(rng: random.Random, size: int) -> dict[str, str]:
    exports: list[dict[str, bool]] = []  # per module: exported name -> is a value
    defaults: list = []  # per module: whether its default export is a value (None: none)
    files: dict[str, str] = {}
    for i in range(size):
        lines: list[str] = []
        names: dict[str, bool] = {}
        if rng.random() < 0.1:
            lines.append(f"export const ready{i} = await Promise.resolve({i});")
            names[f"ready{i}"] = True
        default = None  # the default export: a value or not (None: none)
        if rng.random() < 0.3:
            default = rng.random() < 0.5
            lines.append(f"export default class Def{i} {{}}" if default else f"export default interface Def{i} {{}}")
        for k in range(rng.randint(0 if i else 1, 3)):
            kind = rng.choice(list(_KINDS))
            text, value = _KINDS[kind]
            lines.append(text.format(n=f"D{i}_{k}"))
            names[f"D{i}_{k}"] = value
        lower = [j for j in range(i) if exports[j]]
        for k in range(rng.randint(0, 3) if lower else 0):
            j = rng.choice(lower)
            pick = rng.sample(sorted(exports[j]), min(len(exports[j]), rng.randint(1, 2)))
            form = rng.choice(["from", "from", "alias", "star", "import-export", "import-default", "type", "use",
                               "default-from", "namespace", "star-as"])
            spec = f'"./m{j}.js"'
            if form == "star":
                lines.append(f"export * from {spec};")
                for n, v in exports[j].items():
                    names.setdefault(n, v)
            elif form in ("from", "alias"):
                aliased = [(n, f"R{i}_{k}_{x}" if form == "alias" else n) for x, n in enumerate(pick)]
                aliased = [(n, a) for n, a in aliased if a not in names]
                if aliased:
                    lines.append("export { " + ", ".join(n if n == a else f"{n} as {a}" for n, a in aliased)
                                 + f" }} from {spec};")
                    names.update({a: exports[j][n] for n, a in aliased})
            elif form == "import-export":
                local = [(n, f"L{i}_{k}_{x}") for x, n in enumerate(pick)]
                lines.append("import { " + ", ".join(f"{n} as {a}" for n, a in local) + f" }} from {spec};")
                lines.append("export { " + ", ".join(a for _, a in local) + " };")
                names.update({a: exports[j][n] for n, a in local})
            elif form == "import-default" and default is None:
                n = pick[0]
                lines.append(f"import {{ {n} as Def{i} }} from {spec};\nexport default Def{i};")
                default = exports[j][n]
            elif form == "default-from" and defaults[j] is not None:
                # the other module's default, re-exported by name, or imported and re-exported
                if rng.random() < 0.5:
                    lines.append(f"export {{ default as X{i}_{k} }} from {spec};")
                else:
                    lines.append(f"import X{i}_{k} from {spec};\nexport {{ X{i}_{k} }};")
                names[f"X{i}_{k}"] = defaults[j]
            elif form == "namespace":
                lines.append(f"import * as N{i}_{k} from {spec};\nexport {{ N{i}_{k} }};")
                names[f"N{i}_{k}"] = True
            elif form == "star-as":
                lines.append(f"export * as S{i}_{k} from {spec};")
                names[f"S{i}_{k}"] = True
            elif form == "type":
                lines.append("export type { " + ", ".join(f"{n} as T{i}_{k}_{x}" for x, n in enumerate(pick))
                             + f" }} from {spec};")
                names.update({f"T{i}_{k}_{x}": False for x in range(len(pick))})
            elif form == "use":
                values = [n for n in pick if exports[j][n]]
                if values:
                    lines.append(f"import {{ {values[0]} as U{i}_{k} }} from {spec};\n"
                                 f"void U{i}_{k};")
        exports.append(names)
        defaults.append(default)
        files[f"m{i}"] = "\n".join(lines) + "\nexport {};\n"
    return files


@pytest.mark.parametrize("seed", [int(s) for s in os.environ.get("TLA_TSC_SEEDS", "1 2 3 4").split()])
def test_random_programs_as_tsc_emits_them(seed, root, node26, engines_node_modules):
    files = _program(random.Random(seed), 24)
    _write(root, files, {"build": "tsc"})
    project = analyse(root, Config(), cache=False)
    _tsc(root, node26, engines_node_modules)
    node = _node_async(root, sorted(files), node26)
    assert all(v in (True, False) for v in node.values()), node  # (every program loads)
    wrong = {n: node[n] for n in files if project.modules[root / "src" / f"{n}.ts"].is_async is not node[n]}
    assert not wrong, (seed, wrong, {n: files[n] for n in wrong})


def test_random_programs_exercise_the_drop(root, tmp_path):
    """Across the seeds above, tsc drops re-exports that a per-file compiler keeps, and some of
    those decide whether a module is async (so the comparison with Node is about this)."""
    from tla_lens.project.graph import EdgeKind

    dropped = differs = 0
    for seed in (1, 2, 3, 4):
        files = _program(random.Random(seed), 24)
        a, b = tmp_path / f"tsc{seed}", tmp_path / f"plain{seed}"
        _write(a, files, {"build": "tsc"})
        _write(b, files, None)
        pa, pb = analyse(a, Config(), cache=False), analyse(b, Config(), cache=False)
        dropped += sum(e.kind is EdgeKind.ERASED for m in pa.modules.values() for e in m.edges) - \
            sum(e.kind is EdgeKind.ERASED for m in pb.modules.values() for e in m.edges)
        differs += sum(pa.modules[a / "src" / f"{n}.ts"].is_async != pb.modules[b / "src" / f"{n}.ts"].is_async
                       for n in files)
    assert dropped >= 12 and differs >= 3, (dropped, differs)


def test_a_very_long_reexport_chain(root):
    """Thousands of modules re-exporting a type one to the next: decided without running out of
    stack (kept where the chain is too deep to follow), and never an error."""
    n = 1500
    files = {"m0": "export interface T { a: number }\nexport const ready = await Promise.resolve(1);\n"}
    files.update({f"m{i}": f'export {{ T }} from "./m{i - 1}.js";\n' for i in range(1, n)})
    _write(root, files, {"build": "tsc"})
    project = analyse(root, Config(), cache=False)
    near = project.modules[root / "src/m5.ts"]
    assert not near.is_async  # (a short chain: dropped, as tsc drops it)
    assert not project.problems


def _edit_state(project):
    mods = {p.name: (m.is_async, len(m.chain)) for p, m in project.modules.items()}
    findings = sorted((f.path.name, f.code, f.span.start, f.message) for f in project.findings)
    return mods, findings


@pytest.mark.parametrize("seed", [int(s) for s in os.environ.get("TLA_TSC_EDIT_SEEDS", "5 6").split()])
def test_random_edits_match_fresh_analysis(seed, root):
    """Buffer edits in a tsc-built program — declarations turning from types into values and
    back, awaits toggled, re-exports added and dropped — leave the live project equal to a fresh
    analysis of the same texts (a decision depends on other files' exports)."""
    from .conftest import loaded

    rng = random.Random(seed)
    n = 12
    files = {f"m{i}": f"export interface D{i} {{ a: number }}\n" for i in range(n)}
    for i in range(1, n):
        j = rng.randrange(i)
        files[f"m{i}"] += f'export {{ D{j} as R{i} }} from "./m{j}.js";\n'
    files["m0"] += "export const ready = await Promise.resolve(0);\n"
    _write(root, files, {"build": "tsc"})
    live = loaded(root)
    overlays: dict = {}
    mattered = 0
    for step in range(60):
        i = rng.randrange(n)
        path = root / "src" / f"m{i}.ts"
        text = overlays.get(path, path.read_bytes()).decode()
        action = rng.random()
        if action < 0.3:  # the declaration: a type or a value
            text = text.replace(f"export interface D{i} {{ a: number }}", f"export const D{i} = {{ a: 1 }};") \
                if "interface" in text.split("\n")[0] else \
                text.replace(f"export const D{i} = {{ a: 1 }};", f"export interface D{i} {{ a: number }}")
        elif action < 0.5:  # an await
            text = text.replace("export const ready = await Promise.resolve(0);\n", "") if "await" in text \
                else text + "export const ready = await Promise.resolve(0);\n"
        elif action < 0.75 and i:  # another re-export, of something below (maybe through a re-export)
            j = rng.randrange(i)
            name = rng.choice([f"D{j}"] + [f"R{j}"] * (j > 0))
            text += f'export {{ {name} as X{step} }} from "./m{j}.js";\n'
        else:  # drop a re-export
            lines = text.splitlines(keepends=True)
            drops = [k for k, line in enumerate(lines) if " from " in line]
            if drops:
                del lines[rng.choice(drops)]
            text = "".join(lines)
        overlays[path] = text.encode()
        live.set_overlay(path, overlays[path])
        fresh = loaded(root, overlays)
        assert _edit_state(live) == _edit_state(fresh), f"step {step}: {path.name}\n{text}"
        mattered += sum(1 for m in live.modules.values() for e in m.edges
                        if (d := live.tsc_dropped(e)) is not None and live.infection.is_async(d[0]))
    assert mattered  # (some step had a re-export of an async module that tsc drops)


@pytest.mark.parametrize("script", ["tsc -b", "tsc --build tsconfig.json", "tsc -p packages/api", None])
def test_a_monorepo_built_from_its_root(script, root, node26, engines_node_modules):
    """A workspace whose root script builds the packages (`tsc -b` through the root
    tsconfig's `references`, or `tsc -p` of one): their files are built by tsc too, as tsc
    builds them (no script: a per-file compiler's view)."""
    root.mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": "mono", "private": True, "type": "module",
                                                   **({"scripts": {"build": script}} if script else {})}))
    (root / "tsconfig.json").write_text(json.dumps({"files": [], "references": [{"path": "packages/api"}]}))
    pkg = root / "packages/api"
    (pkg / "src").mkdir(parents=True)
    (pkg / "package.json").write_text(json.dumps({"name": "api", "type": "module"}))
    (pkg / "tsconfig.json").write_text(json.dumps({"compilerOptions": {
        "composite": True, "module": "nodenext", "target": "es2022", "outDir": "dist", "rootDir": "src"}}))
    (pkg / "src/db.ts").write_text(DB)
    (pkg / "src/index.ts").write_text('export { DbConfig } from "./db.js";\n')
    project = analyse(root, Config(), cache=False)
    dropped = not project.modules[pkg / "src/index.ts"].is_async
    assert dropped is (script is not None)
    if script is not None:
        subprocess.run(["sh", "-c", script], cwd=root, capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, PATH=f"{engines_node_modules / '.bin'}:{node26.parent}:"
                                                  f"{os.environ['PATH']}"))
        assert _node_async(pkg, ["index"], node26) == {"index": False}
