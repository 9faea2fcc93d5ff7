"""tshy (4.1, TypeScript 6 underneath) builds a package's src/ into ES modules and, unless its
`dialects` leave it out, into CommonJS with tsc: there each import is a require() — an async ES
module throws ERR_REQUIRE_ASYNC_MODULE in a CommonJS program that requires the package — and a
top-level await fails the build (TS1309). Held to tshy building the package as its npm script
runs it and to Node 26 requiring what it built."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse
from tla_lens.report.explain import explain

PACKAGES = {
    "slow-dep/package.json": '{"name": "slow-dep", "version": "1.0.0", "type": "module", "exports": '
                             '{".": {"types": "./i.d.ts", "default": "./i.js"}}}',
    "slow-dep/i.js": "export const x = await Promise.resolve('A');\n",
    "slow-dep/i.d.ts": "export declare const x: string;\n",
    "sync-dep/package.json": '{"name": "sync-dep", "version": "1.0.0", "type": "module", "exports": '
                             '{".": {"types": "./i.d.ts", "default": "./i.js"}}}',
    "sync-dep/i.js": "export const x = 'S';\n",
    "sync-dep/i.d.ts": "export declare const x: string;\n",
}
SOURCES = {
    "index.ts": 'import { x } from "slow-dep";\n\nexport function show(): string {\n  return x;\n}\n',
    "sync.ts": 'import { x } from "sync-dep";\nexport const s = x;\n',
    "lazy.ts": 'export async function go(): Promise<string> {\n  const { x } = await import("slow-dep");\n'
               '  return x;\n}\n',
    # ES modules only in tshy's builds: its await is allowed
    "esm-only.mts": "export const e = await Promise.resolve('E');\n",
}
TSCONFIG = json.dumps({"compilerOptions": {"strict": True, "skipLibCheck": True, "declaration": True,
                                           "target": "es2022"}})


def _project(tmp_path: Path, tshy: "dict | None", script: str = "tshy") -> Path:
    root = Path(os.path.realpath(tmp_path)) / "lib"
    for rel, text in PACKAGES.items():
        (root / "node_modules" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "node_modules" / rel).write_text(text)
    (root / "src").mkdir(parents=True)
    for name, text in SOURCES.items():
        (root / "src" / name).write_text(text)
    (root / "tsconfig.json").write_text(TSCONFIG)
    manifest = {"name": "lib", "version": "1.0.0", "type": "module", "scripts": {"prepare": script},
                "dependencies": {"slow-dep": "1.0.0", "sync-dep": "1.0.0"}}
    if tshy is not None:
        manifest["tshy"] = tshy
    (root / "package.json").write_text(json.dumps(manifest, indent=2))
    return root


def run_script(root: Path, node26: Path, engines: Path, name: str = "prepare") -> subprocess.CompletedProcess:
    """npm's way: the npm script ``name`` run by a shell in the package folder, the engines'
    tools on the PATH."""
    env = dict(os.environ, PATH=f"{engines / '.bin'}:{node26.parent}:{os.environ['PATH']}")
    script = json.loads((root / "package.json").read_text())["scripts"][name]
    return subprocess.run(["sh", "-c", script], cwd=root, env=env, capture_output=True, text=True, timeout=300)


def require_each(folder: Path, pattern: str, node26: Path) -> dict[str, str]:
    """Each file ``pattern`` matches under ``folder`` (recursively), require()d by Node 26: its
    path under the folder, without its extension -> what it printed."""
    out = {}
    for file in sorted(folder.rglob(pattern)):
        run = subprocess.run([str(node26), "-e", f"require({json.dumps(str(file))}); console.log('ok')"],
                             cwd=folder, capture_output=True, text=True, timeout=60)
        out[file.relative_to(folder).with_suffix("").as_posix()] = run.stdout + run.stderr
    return out


def _build(root: Path, node26: Path, engines: Path) -> subprocess.CompletedProcess:
    return run_script(root, node26, engines)


def _require_each(root: Path, node26: Path) -> dict[str, str]:
    """Each CommonJS file tshy built, require()d: its name -> what it printed."""
    return require_each(root / "dist/commonjs", "*.js", node26)


@pytest.mark.parametrize("tshy,script", [
    ({"exports": {".": "./src/index.ts", "./sync": "./src/sync.ts", "./lazy": "./src/lazy.ts"}}, "tshy"),
    # no "tshy" field: the script alone says tshy builds the package (every dialect)
    (None, "tshy && echo built"),
])
def test_commonjs_dialect_throws_where_tla_lens_says(tshy, script, node26, engines_node_modules, tmp_path):
    root = _project(tmp_path, tshy, script)
    project = analyse(root, Config(), cache=False)
    proc = _build(root, node26, engines_node_modules)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    runs = _require_each(root, node26)
    assert set(runs) == {"index", "sync", "lazy"}, runs  # (.mts: not in the CommonJS dialect)
    throws = {name for name, out in runs.items() if "ERR_REQUIRE_ASYNC_MODULE" in out}
    assert throws == {"index"}, runs
    errors = {f.path.name: f for f in project.findings if f.severity == "error"}
    assert set(errors) == {"index.ts"}, [f.message for f in project.findings]
    f = errors["index.ts"]
    origin = "the `\"tshy\"` field of package.json" if tshy is not None else "script `prepare` of package.json"
    assert f.code == "require-async" and f.message.startswith(
        f"tsc compiles this import to `require(\"slow-dep\")` (tshy, by {origin}, builds it into CommonJS too: "
        "tsc under `module: nodenext`, src/ a CommonJS folder), and it loads an async module"), f.message
    assert f.message.endswith("or build ES modules only (`\"dialects\": [\"esm\"]` in the `\"tshy\"` of "
                              "package.json)"), f.message
    # the ES module dialect waits: the .mts file is an ES module with its await
    assert project.modules[root / "src/esm-only.mts"].is_async
    said = explain(project, root / "src/index.ts")
    assert said.startswith(f"src/index.ts is judged as a CommonJS module (tshy, by {origin}, builds it into "
                           "CommonJS too"), said


def test_top_level_await_fails_the_commonjs_build(node26, engines_node_modules, tmp_path):
    """A top-level await in src/ (not .mts, not excluded) is TS1309 in the CommonJS dialect: the
    build fails; an excluded test file's is not built."""
    root = _project(tmp_path, {"exclude": ["./src/**/*.test.ts"]})
    (root / "src/config.ts").write_text("export const config = await Promise.resolve({ port: 1 });\n")
    (root / "src/config.test.ts").write_text("export const t = await Promise.resolve(1);\n")
    project = analyse(root, Config(), cache=False)
    proc = _build(root, node26, engines_node_modules)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "src/config.ts(1,23): error TS1309" in out and "config.test" not in out, out
    (f,) = [f for f in project.findings if f.code == "top-level-await" and f.severity == "error"]
    assert f.path == root / "src/config.ts"
    assert "tsc reports \"error TS1309: The current file is a CommonJS module and cannot use 'await' at the top " \
           "level\"" in f.message and "name the file `.mts` (tshy builds it as an ES module only)" in f.message, \
        f.message
    # the fix the message names: the file renamed .mts builds
    (root / "src/config.ts").rename(root / "src/config.mts")
    assert _build(root, node26, engines_node_modules).returncode == 0
    project = analyse(root, Config(), cache=False)
    assert not [f for f in project.findings if f.code == "top-level-await" and f.severity == "error"]


@pytest.mark.parametrize("tshy", [{"dialects": ["esm"]}, {"exclude": ["src/index.ts"]}])
def test_without_commonjs_the_package_waits(tshy, node26, engines_node_modules, tmp_path):
    """ES modules only (`dialects`), or the file excluded: no require(), the module is async."""
    root = _project(tmp_path, tshy)
    project = analyse(root, Config(), cache=False)
    proc = _build(root, node26, engines_node_modules)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not [f for f in project.findings if f.severity == "error"], [f.message for f in project.findings]
    assert project.modules[root / "src/index.ts"].is_async
    assert not (root / "dist/commonjs/index.js").exists()


def test_a_commonjs_polyfill_replaces_the_file(node26, engines_node_modules, tmp_path):
    """`src/index-cjs.cts` beside `src/index.ts`: the CommonJS dialect ships the polyfill's
    output instead, which loads nothing async: no error on index.ts."""
    root = _project(tmp_path, {"exports": {".": "./src/index.ts"}})
    (root / "src/index-cjs.cts").write_text("export function show(): string {\n  return 'C';\n}\n")
    project = analyse(root, Config(), cache=False)
    proc = _build(root, node26, engines_node_modules)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ERR_REQUIRE_ASYNC_MODULE" not in _require_each(root, node26)["index"]
    assert not [f for f in project.findings if f.path.name == "index.ts" and f.severity == "error"]


def test_a_polyfilled_file_with_a_top_level_await_still_fails_the_build(node26, engines_node_modules, tmp_path):
    """The polyfill replaces index.ts's CommonJS output, but tsc compiles index.ts in that
    dialect all the same: its top-level await fails tshy's build (TS1309), an error on the await
    (its imports stay ES module imports: no require-async); with `"dialects": ["esm"]` (the fix
    the message names) it builds and Node runs the ES module."""
    root = _project(tmp_path, {"exports": {".": "./src/index.ts"}})
    (root / "src/index.ts").write_text('import { x } from "slow-dep";\n\nexport const v = await Promise.resolve(1);\n'
                                       "export function show(): string {\n  return x + v;\n}\n")
    (root / "src/index-cjs.cts").write_text("export function show(): string {\n  return 'C';\n}\n")
    project = analyse(root, Config(), cache=False)
    proc = _build(root, node26, engines_node_modules)
    assert proc.returncode != 0 and "src/index.ts(3,18): error TS1309" in proc.stdout + proc.stderr, \
        proc.stdout + proc.stderr
    found = [f for f in project.findings if f.path.name == "index.ts" and f.severity == "error"]
    assert [f.code for f in found] == ["top-level-await"], [(f.code, f.message) for f in found]
    assert "while `./index-cjs.cts` replaces this file's output there, tsc still compiles it as a CommonJS module " \
           "and reports \"error TS1309" in found[0].message, found[0].message
    assert found[0].message.endswith('build ES modules only (`"dialects": ["esm"]` in the `"tshy"` of package.json)')

    manifest = json.loads((root / "package.json").read_text())
    manifest["tshy"]["dialects"] = ["esm"]
    (root / "package.json").write_text(json.dumps(manifest))
    project = analyse(root, Config(), cache=False)
    proc = _build(root, node26, engines_node_modules)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    run = subprocess.run([str(node26), "--input-type=module", "-e",
                          f"const m = await import({json.dumps((root / 'dist/esm/index.js').as_uri())}); "
                          "console.log(m.show())"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "A1", run.stdout + run.stderr
    assert not [f for f in project.findings if f.severity == "error"], [f.message for f in project.findings]


def test_whole_program_build_drops_a_re_export_of_types(node26, engines_node_modules, tmp_path):
    """tshy's tsc reads the whole program: `export { DbConfig } from "./db.js"` of an interface
    is dropped from the output (db.ts, with its await, is not loaded): not an async import."""
    root = _project(tmp_path, {"dialects": ["esm"], "exports": {".": "./src/api.ts"}})
    (root / "src/db.ts").write_text("export interface DbConfig {\n  url: string;\n}\n"
                                    "console.log('db loaded');\nexport const db = await Promise.resolve(1);\n")
    (root / "src/api.ts").write_text('export { DbConfig } from "./db.js";\nexport const api = 1;\n')
    project = analyse(root, Config(), cache=False)
    proc = _build(root, node26, engines_node_modules)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    run = subprocess.run([str(node26), str(root / "dist/esm/api.js")], cwd=root, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0 and "db loaded" not in run.stdout, run.stdout + run.stderr
    assert not project.modules[root / "src/api.ts"].is_async
    assert not [f for f in project.findings if f.path.name == "api.ts"], [f.message for f in project.findings]
