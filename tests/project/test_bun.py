"""Files Bun runs (an npm script `bun src/main.ts`, `bun test`, a `#!/usr/bin/env bun` line, a
`bun init` package's entry), held to Bun 1.4 running them:

- Bun's transpiler drops the imports whose values a TypeScript file does not use, as tsc does,
  whatever tsconfig.json's verbatimModuleSyntax says (bun init writes it), but keeps
  `import {} from`, `export {} from` and every `import x = require()` that is not `import type`;
- a file with module syntax is an ES module whatever its extension or "type";
- require() of an async module throws "TypeError: require() async module … is unsupported".
"""
from __future__ import annotations

import json
import os
import subprocess

import pytest

from tla_lens.project import analyse
from tla_lens.resolve.scripts import bun_test_runs, package_bun_runs
from tla_lens.syntax.facts import RequireCall

from .conftest import loaded

# what `bun init` writes (1.4)
BUN_TSCONFIG = json.dumps({"compilerOptions": {
    "lib": ["ESNext"], "target": "ESNext", "module": "Preserve", "moduleDetection": "force",
    "jsx": "react-jsx", "allowJs": True, "moduleResolution": "bundler", "allowImportingTsExtensions": True,
    "verbatimModuleSyntax": True, "noEmit": True, "strict": True, "skipLibCheck": True}})

TARGET = ('console.log("LOADED");\nexport const b = 1, c = 2;\nexport default 3;\n'
          'export interface A { x: 1 }\nexport type Q = 1;\nawait new Promise((r) => setTimeout(r, 1));\n')

# import forms whose fate differs between tsc (default), verbatimModuleSyntax and Bun, and
# the ones they share
FORMS = [
    'import {} from "./m";',
    'export {} from "./m";',
    'import { type A } from "./m";',
    'import { type A, b } from "./m";',
    'import { type A, b } from "./m"; console.log(b);',
    'import D, { type A } from "./m";',
    'import * as ns from "./m";',
    'import * as ns from "./m"; let x: ns.A;',
    'import D from "./m"; let y: D;',
    'import { b } from "./m"; let z: typeof b;',
    'import type { A } from "./m";',
    'import "./m";',
    'import x = require("./m");',
    'import x = require("./m"); let v: x.A;',
    'import type x = require("./m");',
    'export { b } from "./m";',
    'export type { A } from "./m";',
    'export * from "./m";',
    'import { b } from "./m"; export { b };',
    'import { A } from "./m"; export type { A };',
    'import { b } from "./m"; function f() { return b; }',
    'import { b } from "./m"; namespace N { export const k = b; }',
    'import { b } from "./m"; enum E { K = b }',
    'import { b, c } from "./m"; console.log(c);',
]


def bun_env(bun) -> dict:
    # (no transpiler cache shared between runs; `bun` on the PATH of the scripts it runs)
    return {**os.environ, "BUN_RUNTIME_TRANSPILER_CACHE_PATH": "0", "NO_COLOR": "1",
            "PATH": f"{bun.parent}{os.pathsep}{os.environ.get('PATH', '')}"}


def run_bun(bun, cwd, *args, timeout=60) -> subprocess.CompletedProcess:
    return subprocess.run([str(bun), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=bun_env(bun))


def _forms_project(tsconfig: bool) -> dict:
    files = {"package.json": json.dumps({"type": "module", "scripts": {
        f"c{i}": f"bun c{i}/main.ts" for i in range(len(FORMS))}})}
    if tsconfig:
        files["tsconfig.json"] = BUN_TSCONFIG
    for i, form in enumerate(FORMS):
        files[f"c{i}/main.ts"] = form + "\n"
        files[f"c{i}/m.ts"] = TARGET
    return files


@pytest.mark.parametrize("tsconfig", [True, False], ids=["bun-init-tsconfig", "no-tsconfig"])
def test_imports_bun_keeps_against_bun(workspace, bun, tsconfig):
    root = workspace(_forms_project(tsconfig))
    a = analyse(root)
    for i, form in enumerate(FORMS):
        main = root / f"c{i}/main.ts"
        assert a.bun_run.get(main) == f"script `c{i}` of package.json", form
        run = run_bun(bun, root / f"c{i}", "main.ts")
        loads = "LOADED" in run.stdout
        edges = [e for e in a.modules[main].edges if e.target == root / f"c{i}/m.ts"]
        assert bool(edges) == loads, (form, run.stdout, run.stderr)
        # a static import that Bun keeps makes the file async; a kept `import = require()` is a
        # require() of it, which Bun refuses
        if loads and isinstance(edges[0].fact, RequireCall):
            assert "TypeError: require() async module" in run.stderr, form
            f = next(f for f in a.findings if f.path == main and f.code == "require-async")
            assert f"Bun runs this file (script `c{i}` of package.json)" in f.message
        else:
            assert a.modules[main].is_async == loads, form
    # Bun keeps what tsc drops: the message says so
    msg = next(f.message for f in a.findings if f.path == root / "c0/main.ts" and f.code == "async-import")
    assert "Bun runs this file, from script `c0` of package.json, and keeps an import that names nothing" in msg


def test_without_bun_the_tsconfig_decides(workspace):
    files = _forms_project(True)
    files["package.json"] = json.dumps({"type": "module", "scripts": {"build": "vite build"}})
    root = workspace(files)
    a = analyse(root)
    assert not a.bun_run
    # verbatimModuleSyntax: the unused import and `import { type A }` (`import {} from`) load it
    for i in (2, 6, 23):
        assert a.modules[root / f"c{i}/main.ts"].is_async, FORMS[i]


def _async_by_bun(bun, root, rel: str) -> bool:
    code = ("try { require(process.argv[1]); console.log('sync'); } "
            "catch (e) { console.log(String(e.message).startsWith('require() async module') ? 'ASYNC' : e.message); }")
    run = run_bun(bun, root, "-e", code, str(root / rel))
    out = next((line for line in run.stdout.splitlines() if line in ("sync", "ASYNC")), None)
    assert out is not None, (rel, run.stdout, run.stderr)
    return out == "ASYNC"


FORMATS = {
    "package.json": json.dumps({"scripts": {"start": "bun run src/main.ts"}}),
    "src/main.ts": ('import { helper } from "./util.ts";\n'   # unused: dropped
                    'import { ready } from "./cj.cts";\n'
                    'import "./legacy/index.js";\n'
                    'console.log(ready);\n'),
    "src/util.ts": "export const helper = 1;\nawait Promise.resolve();\n",
    # CommonJS by its extension for Node and tsc; Bun: CommonJS, requiring an ES module
    "src/cj.cts": 'const q = require("./quick.ts");\nexport const ready = q.v;\n',
    "src/quick.ts": "await 0;\nexport const v = 1;\n",
    # a "type": "commonjs" package whose files use module syntax: ES modules for Bun
    "src/legacy/package.json": json.dumps({"type": "commonjs"}),
    "src/legacy/index.js": 'const d = require("./data.js");\nconst t = require("./tla.cjs");\n',
    "src/legacy/data.js": "export const rows = [];\nawait 0;\n",
    "src/legacy/tla.cjs": "await 0;\n",
}


def test_formats_and_require_against_bun(workspace, bun):
    root = workspace(FORMATS)
    a = analyse(root)
    mods = {p.relative_to(root).as_posix(): m for p, m in a.modules.items()}
    run = sorted(p.relative_to(root).as_posix() for p in a.bun_run)
    assert run == ["src/cj.cts", "src/legacy/data.js", "src/legacy/index.js", "src/legacy/tla.cjs",
                   "src/main.ts", "src/quick.ts"]
    for rel in ("src/legacy/data.js", "src/legacy/tla.cjs", "src/quick.ts"):
        assert mods[rel].format == "esm" and mods[rel].is_async, rel
        assert _async_by_bun(bun, root, rel), rel
    for rel in ("src/cj.cts", "src/legacy/index.js", "src/main.ts"):
        assert not mods[rel].is_async, rel
    # each require() of an async module: a require-async error; Bun throws its TypeError
    req = sorted((f.path.relative_to(root).as_posix(), f.span.start) for f in a.findings if f.code == "require-async")
    assert [p for p, _ in req] == ["src/cj.cts", "src/legacy/index.js", "src/legacy/index.js"]
    for f in (f for f in a.findings if f.code == "require-async"):
        assert "Bun runs this file (script `start` of package.json) and throws \"TypeError: require() async " \
               "module … is unsupported\"" in f.message
    out = run_bun(bun, root, "run", "start")
    assert 'TypeError: require() async module "' in out.stderr
    for fixed in ("src/legacy/index.js", "src/cj.cts"):
        # with the require()s gone, Bun runs on to the next one
        (root / fixed).write_text("module.exports = {};\n" if fixed.endswith(".js") else "export const ready = 1;\n")
    out = run_bun(bun, root, "run", "start")
    assert out.returncode == 0, out.stderr
    a = analyse(root)
    assert not [f for f in a.findings if f.code == "require-async"]


def test_without_bun_node_formats(workspace):
    files = dict(FORMATS)
    files["package.json"] = json.dumps({"scripts": {"build": "tsc"}})
    root = workspace(files)
    a = analyse(root)
    assert not a.bun_run
    assert a.modules[root / "src/legacy/data.js"].format == "cjs"
    # (Node: the unused import is dropped by tsc too; the require() of quick.ts throws as well)
    assert "ERR_REQUIRE_ASYNC_MODULE" in next(f.message for f in a.findings if f.code == "require-async")


# the scripts of a package, each printing which file Bun runs
SCRIPTS = {
    "a": "bun src/a.ts",
    "b": "bun run src/b.ts --port 3000",
    "c": "NODE_ENV=production bun --smol --watch src/c",
    "d": "bun --cwd src d.ts",
    "e": "bunx --bun vite build && bun run --hot ./src/e.tsx",
    "f": "bun --preload ./src/setup.ts src/f.mts",
    "g": "bun run a",               # another script: read by itself
    "h": "bun build ./src/h.ts --outdir dist",   # bundles, runs nothing
    "i": "bun -e 'console.log(1)'",
    "j": "env X=1 bun ./src/dir",
    "k": "bun --revision && bun --env-file .env src/k.js",
}
RUNS = {"a": ["src/a.ts"], "b": ["src/b.ts"], "c": ["src/c.ts"], "d": ["src/d.ts"], "e": ["src/e.tsx"],
        "f": ["src/setup.ts", "src/f.mts"], "g": [], "h": [], "i": [], "j": ["src/dir/index.ts"],
        "k": ["src/k.js"]}


def test_script_files_against_bun(workspace, bun):
    files = {"package.json": json.dumps({"name": "app", "scripts": SCRIPTS}), ".env": "X=1\n"}
    for f in ("src/a.ts", "src/b.ts", "src/c.ts", "src/d.ts", "src/e.tsx", "src/setup.ts", "src/f.mts",
              "src/h.ts", "src/dir/index.ts", "src/k.js"):
        files[f] = f'console.log("RAN {f}");\n'
    root = workspace(files)
    manifest = json.loads((root / "package.json").read_text())
    found: dict[str, list[str]] = {name: [] for name in SCRIPTS}
    for r in package_bun_runs(manifest, str(root), os.path.isfile, lambda p: None):
        found[r.name].append(os.path.relpath(r.file, root))
    assert found == RUNS
    for name in SCRIPTS:
        if name in ("c", "e", "h"):
            continue  # (--watch and --hot never return; `bunx vite` needs the network)
        out = run_bun(bun, root, "run", name)
        ran = [line.split(" ", 1)[1] for line in out.stdout.splitlines() if line.startswith("RAN ")]
        assert ran == RUNS["a" if name == "g" else name], (name, out.stdout, out.stderr)


TESTS = ["src/a.test.ts", "src/b_test.ts", "src/c.spec.js", "src/d_spec.tsx", "src/e.test.mjs",
         "src/f.test.mts", "src/g.test.cts", "src/h.test.cjs", "test/i.ts", "src/j-test.ts",
         "lib/k.test.ts", ".hidden/l.test.ts"]


@pytest.mark.parametrize("filters", ["", "spec", "src/a", "./test/i.ts", "./src", "b_test c.spec",
                                     "./test/i.ts spec"])
def test_bun_test_files_against_bun(workspace, bun, filters):
    files = {"package.json": json.dumps({"scripts": {"test": f"bun test {filters}".strip()}})}
    for f in TESTS:
        files[f] = f'import {{ test }} from "bun:test";\ntest("{f}", () => {{}});\n'
    root = workspace(files)
    out = run_bun(bun, root, "test", *filters.split())
    ran = sorted(line.split(" ", 1)[1].split(" [")[0] for line in out.stderr.splitlines()
                 if line.startswith("(pass) "))
    assert ran, out.stderr
    words = tuple(filters.split())
    assert sorted(f for f in TESTS if not f.startswith(".") and bun_test_runs(f, words)) == ran
    a = analyse(root)
    assert sorted(p.relative_to(root).as_posix() for p in a.bun_entries) == ran
    assert all(v == "script `test` of package.json, by `bun test`" for v in a.bun_entries.values())


def test_bun_init_package_and_bin(workspace, bun):
    # what `bun init` writes: no script, the entry in "module", Bun's types
    root = workspace({
        "package.json": json.dumps({"name": "app", "module": "index.ts", "type": "module",
                                    "devDependencies": {"@types/bun": "latest"},
                                    "bin": {"tool": "cli/tool.ts", "other": "cli/node.js"}}),
        "tsconfig.json": BUN_TSCONFIG,
        "index.ts": 'import { helper } from "./util.ts";\nimport {} from "./side.ts";\nconsole.log("index");\n',
        "util.ts": "export const helper = 1;\nawait Promise.resolve();\n",
        "side.ts": 'console.log("side");\nawait Promise.resolve();\n',
        "cli/tool.ts": '#!/usr/bin/env bun\nimport { helper } from "../util.ts";\nconsole.log("tool");\n',
        "cli/node.js": '#!/usr/bin/env node\nconsole.log("node");\n',
    })
    a = analyse(root)
    assert a.bun_entries == {root / "index.ts": "`\"module\"` of package.json, a package with Bun's types",
                             root / "cli/tool.ts": "command `tool` of package.json (`#!` bun)"}
    out = run_bun(bun, root, "index.ts")
    assert out.stdout.split() == ["side", "index"]
    assert a.modules[root / "index.ts"].is_async  # (through `import {}` alone)
    assert [e.target for e in a.modules[root / "index.ts"].edges if e.target] == [root / "side.ts"]
    out = run_bun(bun, root, "cli/tool.ts")
    assert out.stdout.split() == ["tool"]
    assert not a.modules[root / "cli/tool.ts"].is_async
    # without Bun's types, the "module" field is a bundler's entry: verbatimModuleSyntax keeps them
    (root / "package.json").write_text(json.dumps({"name": "app", "module": "index.ts", "type": "module"}))
    a = analyse(root)
    assert root / "index.ts" not in a.bun_entries
    assert sum(1 for e in a.modules[root / "index.ts"].edges if e.target) == 2


def test_a_script_change_flips_bun(workspace):
    root = workspace({
        "package.json": json.dumps({"type": "module", "scripts": {"build": "vite build"}}),
        "tsconfig.json": BUN_TSCONFIG,
        "src/main.ts": 'import { helper } from "./util.ts";\nconsole.log(1);\n',
        "src/util.ts": "export const helper = 1;\nawait Promise.resolve();\n",
    })
    p = loaded(root)
    main = root / "src/main.ts"
    assert p.modules[main].is_async  # (verbatimModuleSyntax keeps the unused import)
    (root / "package.json").write_text(json.dumps({"type": "module", "scripts": {"dev": "bun --hot src/main.ts"}}))
    p.files_changed([root / "package.json"])
    assert main in p.bun_run and not p.modules[main].is_async
    (root / "package.json").write_text(json.dumps({"type": "module", "scripts": {"dev": "node src/main.ts"}}))
    p.files_changed([root / "package.json"])
    assert main not in p.bun_run and p.modules[main].is_async


def test_bun_export_condition_against_bun(workspace, bun, node26):
    # a package with a build of its own for Bun (its `bun` condition), which waits
    root = workspace({
        "package.json": json.dumps({"type": "module", "scripts": {"start": "bun src/main.ts",
                                                                   "node": "node src/server.js"}}),
        "node_modules/dual/package.json": json.dumps({"name": "dual", "type": "module", "exports": {
            ".": {"bun": "./bun.js", "module-sync": "./sync.js", "default": "./node.js"}}}),
        "node_modules/dual/bun.js": 'console.log("BUN BUILD");\nawait new Promise((r) => setTimeout(r, 1));\n'
                                    'export const db = 1;\n',
        "node_modules/dual/sync.js": 'console.log("SYNC BUILD");\nexport const db = 2;\n',
        "node_modules/dual/node.js": 'console.log("NODE BUILD");\nexport const db = 3;\n',
        "src/main.ts": 'import { db } from "dual";\nconsole.log(db);\n',
        "src/server.js": 'import { db } from "dual";\nconsole.log(db);\n',
    })
    a = analyse(root)
    main, server = a.modules[root / "src/main.ts"], a.modules[root / "src/server.js"]
    assert [e.target for e in main.edges] == [root / "node_modules/dual/bun.js"]
    assert [e.target for e in server.edges] == [root / "node_modules/dual/sync.js"]
    assert main.is_async and not server.is_async
    out = run_bun(bun, root, "src/main.ts")
    assert out.stdout.splitlines()[0] == "BUN BUILD"
    assert _async_by_bun(bun, root, "src/main.ts")
    out = subprocess.run([str(node26), "src/server.js"], cwd=root, capture_output=True, text=True, timeout=60)
    assert out.stdout.splitlines()[0] == "SYNC BUILD"
    # (Bun matches neither module-sync nor node-addons: its `default` where it has no `bun`)
    (root / "node_modules/dual/package.json").write_text(json.dumps({"name": "dual", "type": "module", "exports": {
        ".": {"module-sync": "./sync.js", "default": "./node.js"}}}))
    a = analyse(root)
    assert [e.target for e in a.modules[root / "src/main.ts"].edges] == [root / "node_modules/dual/node.js"]
    out = run_bun(bun, root, "src/main.ts")
    assert out.stdout.splitlines()[0] == "NODE BUILD"


@pytest.mark.parametrize("bunfig", [
    'preload = ["./pre.ts"]\n\n[test]\npreload = "./tpre.ts"\nroot = "src"\n',
    '[test]\npreload = ["./tpre.ts", "setup-pkg"]\n',  # (a package's: not the project's file)
    'preload = "./pre.ts"\n',
    "not = [toml\n",
])
def test_bunfig_against_bun(workspace, bun, bunfig):
    """bunfig.toml in the folder Bun runs in: `preload` files run before a script's file,
    `[test].preload` ones before the tests, `[test].root` is where `bun test` looks."""
    files = {
        "package.json": json.dumps({"type": "module", "scripts": {"start": "bun src/main.ts", "test": "bun test"}}),
        "bunfig.toml": bunfig,
        "pre.ts": 'console.log("RAN pre.ts");\n',
        "tpre.ts": 'console.log("RAN tpre.ts");\n',
        "src/main.ts": 'console.log("RAN src/main.ts");\n',
        "node_modules/setup-pkg/package.json": json.dumps({"name": "setup-pkg", "main": "index.js"}),
        "node_modules/setup-pkg/index.js": "globalThis.setUp = true;\n",
    }
    for f in ("src/a.test.ts", "lib/b.test.ts"):
        files[f] = f'import {{ test }} from "bun:test";\nconsole.log("RAN {f}");\ntest("{f}", () => {{}});\n'
    root = workspace(files)
    ran: set[str] = set()
    for args in (["src/main.ts"], ["test"]):
        out = run_bun(bun, root, *args)
        ran |= {line[4:] for line in (out.stdout + out.stderr).splitlines() if line.startswith("RAN ")}
    a = analyse(root)
    if "not = [toml" in bunfig:
        # Bun refuses to start ("failed to load bunfig"); the files keep Bun's rules, the
        # configuration gets an error
        assert not ran
        (problem,) = [p for p in a.problems if p.path == root / "bunfig.toml"]
        assert problem.severity == "error" and "not valid TOML" in problem.message and "Bun runs nothing" \
            in problem.message
        return
    assert {p.relative_to(root).as_posix() for p in a.bun_entries} == ran


def test_a_bunfig_change_flips_its_preloads(workspace):
    root = workspace({
        "package.json": json.dumps({"type": "module", "scripts": {"start": "bun src/main.ts"}}),
        "tsconfig.json": BUN_TSCONFIG,
        "setup.ts": 'import { helper } from "./src/util.ts";\nimport {} from "./src/util.ts";\n',
        "src/main.ts": 'console.log(1);\n',
        "src/util.ts": "export const helper = 1;\nawait new Promise((r) => setTimeout(r, 1));\n",
    })
    p = loaded(root)
    setup = root / "setup.ts"
    assert setup not in p.bun_run and p.modules[setup].is_async  # (verbatimModuleSyntax keeps both)
    (root / "bunfig.toml").write_text('preload = ["./setup.ts"]\n')
    p.files_changed([root / "bunfig.toml"])
    assert p.bun_run.get(setup) == "script `start` of package.json"
    assert [e.fact.span.start for e in p.modules[setup].edges if e.target] == [len(
        'import { helper } from "./src/util.ts";\n')]  # (Bun drops the unused one, keeps `import {}`)
    (root / "bunfig.toml").write_text('preload = [\n')
    p.files_changed([root / "bunfig.toml"])
    assert setup not in p.bun_run
    assert [pr for pr in p.resolver.problems if pr.path == root / "bunfig.toml"]
    (root / "bunfig.toml").unlink()
    p.files_changed([root / "bunfig.toml"])
    assert not [pr for pr in p.resolver.problems if pr.path == root / "bunfig.toml"]


def test_example_bun_app_against_bun(tmp_path, bun):
    """examples/bun-app (what `make run` shows): each module async exactly when Bun's require()
    of it refuses it; the app and its tests run; the CommonJS script fails as reported."""
    import shutil
    from pathlib import Path

    root = tmp_path / "bun-app"
    shutil.copytree(Path(__file__).resolve().parents[2] / "examples" / "bun-app", root)
    a = analyse(root)
    for path, mod in a.modules.items():
        rel = path.relative_to(root).as_posix()
        if rel.endswith(".ts") and not rel.endswith(".test.ts"):
            assert mod.is_async == _async_by_bun(bun, root, rel), rel
    assert not a.modules[root / "src/routes.ts"].is_async  # (verbatimModuleSyntax would keep its import)
    assert a.modules[root / "index.ts"].is_async
    assert run_bun(bun, root, "run", "index.ts").stdout == "#1 first\n"
    assert run_bun(bun, root, "test").returncode == 0
    report = run_bun(bun, root, "src/report.cjs")
    assert report.returncode != 0 and "TypeError: require() async module" in report.stderr
    (f,) = [f for f in a.findings if f.code == "require-async"]
    assert f.path == root / "src/report.cjs" and "Bun runs this file (script `report` of package.json)" in f.message
