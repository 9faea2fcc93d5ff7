"""TypeScript that tsc compiles into CommonJS: under `module: commonjs` (and `node16`/`nodenext`
where the package.json has no `"type": "module"`: TypeScript does not detect module syntax as
Node does) every import becomes a `require()` — and under `commonjs` every import() too — so an
import of an ES module with top-level await throws ERR_REQUIRE_ASYNC_MODULE when the output
runs. Held to tsc 5.9 compiling each project and Node 26 running what it emitted."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

SOURCES = {
    "src/index.ts": 'import { x } from "slow-dep";\nconsole.log("got", x);\n',
    "src/lazy.ts": 'export async function go() {\n  const m = await import("slow-dep");\n  console.log("got", m.x);\n}\n'
                   'go().catch((e) => console.log(e.code));\n',
    "node_modules/slow-dep/package.json": '{"name": "slow-dep", "type": "module", "exports": "./i.js"}',
    "node_modules/slow-dep/i.js": "export const x = await Promise.resolve(1);\n",
}
# (tsconfig's module, package.json's type): what Node does with tsc's output
CASES = [("commonjs", None), ("node16", None), ("nodenext", None), ("nodenext", "module"),
         ("esnext", None), ("preserve", None), ("commonjs", "commonjs")]


def _project(tmp_path: Path, module, pkg_type, scripts=None, **options) -> Path:
    root = Path(os.path.realpath(tmp_path)) / "svc"
    for rel, text in SOURCES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "package.json").write_text(json.dumps({"name": "svc", **({"type": pkg_type} if pkg_type else {}),
                                                   **({"scripts": scripts} if scripts else {})}))
    options = {**({"module": module} if module else {}), "target": "es2022", **options}
    (root / "tsconfig.json").write_text(json.dumps({"compilerOptions": {
        "outDir": "dist", "rootDir": "src", "skipLibCheck": True, **{k: v for k, v in options.items() if v}}}))
    return root


@pytest.mark.parametrize("module,pkg_type", CASES, ids=[f"{m}-{t or 'no-type'}" for m, t in CASES])
def test_tsc_output_as_node_runs_it(module, pkg_type, node26, engines_node_modules, tmp_path):
    root = _project(tmp_path, module, pkg_type)
    project = analyse(root, Config(), cache=False)
    # tsc reports the untyped package (TS7016/TS2307) and emits anyway
    subprocess.run([str(node26), str(engines_node_modules / "ts5/bin/tsc"), "-p", str(root)], capture_output=True,
                   text=True, timeout=180)
    for name in ("index", "lazy"):
        run = subprocess.run([str(node26), str(root / "dist" / f"{name}.js")], cwd=root, capture_output=True,
                             text=True, timeout=60)
        out = run.stdout + run.stderr
        assert "ERR_REQUIRE_ASYNC_MODULE" in out or "got 1" in out, out
        throws = "ERR_REQUIRE_ASYNC_MODULE" in out
        found = [f for f in project.findings if f.path == root / "src" / f"{name}.ts" and f.code == "require-async"]
        assert bool(found) is throws, (name, out, [f.message for f in project.findings])
    index = project.modules[root / "src/index.ts"]
    cjs = module == "commonjs" or pkg_type != "module" and module.startswith("node")
    assert index.format == ("cjs" if cjs else "esm") and index.is_async is not cjs
    if cjs and pkg_type is None:
        (f,) = [f for f in project.findings if f.path == root / "src/index.ts"]
        assert f.message.startswith(f"tsc compiles this import to `require(\"slow-dep\")` (tsconfig.json's "
                                    f"`module` is `{module}`"), f.message
        assert ("set `module` to `node16` or `nodenext`" in f.message) is (module == "commonjs")
        from tla_lens.report.explain import explain

        text = explain(project, root / "src/index.ts")
        assert text.startswith(f"src/index.ts is a CommonJS module (tsc compiles it into one: tsconfig.json's "
                               f"`module` is `{module}`")
        assert "It loads 'slow-dep' with require() (line 1), an async module" in text


@pytest.mark.parametrize("target,scripts,cjs", [
    (None, {"build": "tsc -p ."}, True),         # (ES5, the default target: `commonjs`)
    ("es5", {"build": "npx tsc"}, True),
    ("es2022", {"build": "tsc"}, False),         # (ES modules)
    (None, {"check": "tsc --noEmit"}, None),     # (nothing says tsc emits: no opinion)
])
def test_module_not_set(target, scripts, cjs, node26, engines_node_modules, tmp_path):
    """`module` not set: tsc's default is `commonjs` for an ES5 target (the default target) and
    ES modules otherwise; counted where a script of the package runs tsc to emit."""
    root = _project(tmp_path, None, None, scripts, target=target)
    project = analyse(root, Config(), cache=False)
    found = [f for f in project.findings if f.path == root / "src/index.ts" and f.code == "require-async"]
    assert bool(found) is bool(cjs)
    if cjs is None:
        return
    subprocess.run([str(node26), str(engines_node_modules / "ts5/bin/tsc"), "-p", str(root)], capture_output=True,
                   text=True, timeout=180)
    run = subprocess.run([str(node26), str(root / "dist/index.js")], cwd=root, capture_output=True, text=True,
                         timeout=60)
    assert ("ERR_REQUIRE_ASYNC_MODULE" in run.stdout + run.stderr) is cjs, run.stdout + run.stderr
    if cjs:
        assert "`module` is not set, and tsc's default for `target`" in found[0].message


@pytest.mark.parametrize("extra,files", [
    ({"noEmit": True}, {}),  # (type-checked only: something else runs it)
    ({}, {"vite.config.ts": "export default {}\n"}),  # (Vite ignores `module`)
    ({}, {"webpack.config.js": "module.exports = { module: { rules: [{ test: /\\.ts$/, use: 'babel-loader' }] } };\n"}),
    ({}, {"deno.json": "{}"}),
])
def test_no_tsc_output(extra, files, tmp_path):
    """Where tsc emits nothing or something else compiles the files, `module` says nothing about
    how they run: the import stays an import."""
    root = _project(tmp_path, "commonjs", None, **extra)
    for rel, text in files.items():
        (root / rel).write_text(text)
    project = analyse(root, Config(), cache=False)
    assert project.modules[root / "src/index.ts"].format == "esm"
    assert not [f for f in project.findings if f.code == "require-async"]


def test_webpack_with_ts_loader_compiles_with_the_tsconfig(tmp_path):
    root = _project(tmp_path, "commonjs", None)
    (root / "webpack.config.js").write_text("module.exports = { module: { rules: [{ test: /\\.ts$/, "
                                            "use: 'ts-loader' }] } };\n")
    project = analyse(root, Config(), cache=False)
    assert [f.path.name for f in project.findings if f.code == "require-async"] == ["index.ts", "lazy.ts"]


@pytest.mark.parametrize("module,code", [("commonjs", "TS1378"), ("nodenext", "TS1309")])
def test_top_level_await_tsc_refuses(module, code, node26, engines_node_modules, tmp_path):
    """A top-level await in a file tsc compiles into CommonJS is a tsc error (TS1378 under
    `commonjs`, TS1309 for a CommonJS file under `nodenext`); its finding quotes it."""
    root = Path(os.path.realpath(tmp_path)) / "p"
    (root / "src").mkdir(parents=True)
    (root / "src/a.ts").write_text("export const v = await Promise.resolve(1);\n")
    (root / "package.json").write_text('{"name": "p"}')
    (root / "tsconfig.json").write_text(json.dumps({"compilerOptions": {"module": module, "target": "es2022",
                                                                         "outDir": "out"}}))
    proc = subprocess.run([str(node26), str(engines_node_modules / "ts5/bin/tsc"), "-p", str(root)],
                          capture_output=True, text=True, timeout=120)
    assert f"error {code}:" in proc.stdout, proc.stdout
    project = analyse(root, Config(), cache=False)
    (f,) = [f for f in project.findings if f.path.name == "a.ts"]
    assert f.code == "top-level-await" and f"tsc reports \"error {code}:" in f.message, f.message
    assert proc.stdout.split(f"error {code}: ")[1].split("\n")[0].startswith(
        f.message.split(f"error {code}: ")[1].split('"')[0].rstrip("…").rstrip(", "))


@pytest.mark.parametrize("module", ["node16", "nodenext", "commonjs"])
def test_lazy_import_fix_where_tsc_keeps_import(module, node26, engines_node_modules, tmp_path):
    """Where tsc keeps import() in its CommonJS output (node16, nodenext), the lazy import()
    fix is offered, and the output of the fixed file runs; under `commonjs` (import() compiled
    to require() too) it is not offered."""
    from tla_lens.fixes import lazy_import
    from tla_lens.fixes.edits import apply_edits

    root = _project(tmp_path, module, None)
    (root / "src/index.ts").write_text('import { x } from "slow-dep";\n\nexport async function show() {\n'
                                       '  console.log("got", x);\n}\nshow();\n')
    project = analyse(root, Config(), cache=False)
    mod = project.modules[root / "src/index.ts"]
    (edge,) = [e for e in mod.edges if e.specifier == "slow-dep"]
    assert project.lazy_import_helps(edge) is (module != "commonjs")
    if module == "commonjs":
        return
    (root / "src/index.ts").write_bytes(apply_edits(mod.source, lazy_import(mod.source, mod.facts.dialect, 0).edits))
    project = analyse(root, Config(), cache=False)
    assert not [f for f in project.findings if f.code == "require-async"]
    subprocess.run([str(node26), str(engines_node_modules / "ts5/bin/tsc"), "-p", str(root)], capture_output=True,
                   text=True, timeout=180)
    run = subprocess.run([str(node26), str(root / "dist/index.js")], cwd=root, capture_output=True, text=True,
                         timeout=60)
    assert "ERR_REQUIRE_ASYNC_MODULE" not in run.stderr and "got 1" in run.stdout, run.stdout + run.stderr


def test_module_not_set_in_a_package_built_from_the_root(node26, engines_node_modules, tmp_path):
    """A monorepo package whose tsconfig sets no `module` (ES5, the default target: `commonjs`),
    built by the root's `tsc -b` through `references`: tsc emits CommonJS there too."""
    ws = Path(os.path.realpath(tmp_path)) / "mono"
    root = _project(tmp_path / "mono/packages", None, None, None, composite=True, target=None)
    (ws / "package.json").write_text(json.dumps({"name": "mono", "private": True, "scripts": {"build": "tsc -b"}}))
    (ws / "tsconfig.json").write_text(json.dumps({"files": [], "references": [{"path": "packages/svc"}]}))
    (ws / "node_modules").mkdir()
    (ws / "node_modules/slow-dep").symlink_to(root / "node_modules/slow-dep")
    project = analyse(ws, Config(), cache=False)
    found = [f for f in project.findings if f.path == root / "src/index.ts" and f.code == "require-async"]
    assert found and "`module` is not set, and tsc's default for `target`" in found[0].message, \
        [f.message for f in project.findings]
    subprocess.run([str(node26), str(engines_node_modules / "ts5/bin/tsc"), "-b"], cwd=ws, capture_output=True,
                   text=True, timeout=180)
    run = subprocess.run([str(node26), str(root / "dist/index.js")], cwd=root, capture_output=True, text=True,
                         timeout=60)
    assert "ERR_REQUIRE_ASYNC_MODULE" in run.stdout + run.stderr, run.stdout + run.stderr
